/* serial.c - COM1 by polling for the kernel's own output (hal_write,
 * panics).  The console driver SIP drives the same UART through io.in /
 * io.out once it runs; both only ever append to the transmit register. */
#include "pc.h"

#define COM1 0x3f8

void ser_init(void)
{
	outb(COM1 + 1, 0x00);   /* no interrupts until the driver wants them */
	outb(COM1 + 3, 0x80);   /* DLAB: 115200 baud */
	outb(COM1 + 0, 0x01);
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);   /* 8N1 */
	outb(COM1 + 2, 0x07);   /* FIFO on, cleared */
	outb(COM1 + 4, 0x0b);   /* DTR, RTS, OUT2 (the IRQ line to the PIC) */
}

static void put(char c)
{
	for (int i = 0; i < 1000000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
}

void ser_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put('\r');
		put(s[i]);
	}
}

int ser_getc(void)
{
	return (inb(COM1 + 5) & 1) ? inb(COM1) : -1;
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
