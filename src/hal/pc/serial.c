/* serial.c - polled 16550 UARTs: COM1 for the kernel's own output
 * (hal_write, panics), COM2 for the trace dump at shutdown (tracedump.c).
 * The console driver SIP drives COM1 through io.in / io.out once it runs;
 * both only ever append to the transmit register.  Every CPU may write:
 * `line` (below) keeps one CPU's text whole. */
#include "pc.h"

/* Who holds COM1: a CPU index or NOBODY, how deep it nests, and the
 * interrupt flag to give back.  Interrupts stay off while held. */
#define NOBODY 0xffffffffu
#define PATIENCE 50000000u       /* pauses before a waiting CPU takes the line */
static struct { volatile uint32_t owner; uint32_t depth; uint64_t flags; } line = {NOBODY, 0, 0};

void ser_lock(void)
{
	uint64_t f = irq_save();
	uint32_t me = cpu_index();
	if (__atomic_load_n(&line.owner, __ATOMIC_ACQUIRE) == me) {
		line.depth++;
		return;
	}
	for (uint32_t i = 0; i < PATIENCE; i++) {
		uint32_t nobody = NOBODY;
		if (__atomic_compare_exchange_n(&line.owner, &nobody, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			break;
		__asm__ volatile("pause");
	}
	__atomic_store_n(&line.owner, me, __ATOMIC_RELAXED);   /* taken anyway after PATIENCE */
	line.depth = 1;
	line.flags = f;
}

void ser_unlock(void)
{
	if (line.owner != cpu_index() || --line.depth)
		return;
	uint64_t f = line.flags;
	__atomic_store_n(&line.owner, NOBODY, __ATOMIC_RELEASE);
	irq_restore(f);
}

void ser_init_port(uint16_t base)
{
	outb(base + 1, 0x00);   /* no interrupts until the driver wants them */
	outb(base + 3, 0x80);   /* DLAB: 115200 baud */
	outb(base + 0, 0x01);
	outb(base + 1, 0x00);
	outb(base + 3, 0x03);   /* 8N1 */
	outb(base + 2, 0x07);   /* FIFO on, cleared */
	outb(base + 4, 0x0b);   /* DTR, RTS, OUT2 (the IRQ line to the PIC) */
}

void ser_init(void)
{
	ser_init_port(SER_COM1);
}

/* Bounded wait for room: an absent UART reads 0xff (room) and a stuck one
 * must not hang the kernel's last words. */
static void put(uint16_t base, uint8_t c)
{
	for (int i = 0; i < 1000000 && !(inb(base + 5) & 0x20); i++)
		;
	outb(base, c);
}

void ser_send(uint16_t base, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(base, ((const uint8_t *)p)[i]);
}

void ser_write(const char *s, size_t n)
{
	ser_lock();
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put(SER_COM1, '\r');
		put(SER_COM1, (uint8_t)s[i]);
	}
	ser_unlock();
}

int ser_getc(void)
{
	return (inb(SER_COM1 + 5) & 1) ? inb(SER_COM1) : -1;
}

void ser_puts(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	ser_write(s, n);
}

void ser_hex(uint64_t v)
{
	char b[18] = "0x";
	for (int i = 0; i < 16; i++)
		b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
	ser_write(b, 18);
}

void ser_dec(uint64_t v)
{
	char b[24];
	int i = sizeof b;
	do
		b[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	ser_write(b + i, sizeof b - (size_t)i);
}
