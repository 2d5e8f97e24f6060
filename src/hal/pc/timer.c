/* timer.c - time on the PC: the PIT (1.193182 MHz) calibrates the TSC at
 * boot, hal_clock_ns reads the TSC; PIT channel 0 on IRQ 0 is the
 * preemption timer: each tick calls the kernel's tick function (which
 * sets the running thread's poll word), exactly as the hosted timer
 * thread does.  The PIT interrupts CPU 0 only; hal_timer_start/stop may
 * run on any CPU: lock serializes them (and the PIT's ports), and
 * in_tick lets hal_timer_stop wait out a tick running on CPU 0.  Each AP
 * has its own local APIC timer (lapic.c, smp.c).  See ../hal.h and pc.h. */
#include "../hal.h"
#include "pc.h"

#define PIT_HZ 1193182u

static uint64_t tsc_hz, tsc0;
static volatile uint64_t ticks;
static void (*volatile tick_fn)(void *);
static void *volatile tick_arg;
static volatile uint32_t in_tick;
static struct spin lock;

/* Count TSC cycles over 10 ms of PIT channel 2 (gate on port 0x61). */
static uint64_t calibrate(void)
{
	uint32_t count = PIT_HZ / 100;
	outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));   /* gate on, speaker off */
	outb(0x43, 0xb0);                                   /* ch 2, lo/hi, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	uint8_t g = inb(0x61);
	outb(0x61, (uint8_t)(g & ~0x01));                   /* restart the count */
	outb(0x61, (uint8_t)(g | 0x01));
	uint64_t t0 = rdtsc();
	while (!(inb(0x61) & 0x20))
		;
	return (rdtsc() - t0) * 100;
}

/* Channel 0 in rate mode: an interrupt every period_ns (1 to 54 ms). */
static void pit_rate(int64_t period_ns)
{
	uint64_t count = (uint64_t)PIT_HZ * (uint64_t)period_ns / 1000000000u;
	if (count < 2)
		count = 2;
	if (count > 0xffff)
		count = 0xffff;
	outb(0x43, 0x34);
	outb(0x40, (uint8_t)count);
	outb(0x40, (uint8_t)(count >> 8));
}

static void on_tick(unsigned line)
{
	(void)line;
	ticks++;
	uint64_t f = spin_lock(&lock);   /* fn and arg from the same start */
	__atomic_store_n(&in_tick, 1, __ATOMIC_SEQ_CST);
	void (*fn)(void *) = tick_fn;
	void *arg = tick_arg;
	spin_unlock(&lock, f);
	if (fn)
		fn(arg);
	__atomic_store_n(&in_tick, 0, __ATOMIC_RELEASE);
}

void timer_init(void)
{
	tsc_hz = calibrate();
	if (tsc_hz == 0)
		tsc_hz = 1000000000;
	tsc0 = rdtsc();
	cpu_irq_handler(0, on_tick);
	/* The PIT always runs (it also ends hal_dev_idle's waits); the
	 * kernel's tick is what hal_timer_start switches on. */
	pit_rate(4000000);
	pic_mask(0, 0);
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t timer_tsc_hz(void)
{
	return tsc_hz;
}

int64_t hal_clock_ns(void)
{
	uint64_t d = rdtsc() - tsc0;
	return (int64_t)(d / tsc_hz * 1000000000u + d % tsc_hz * 1000000000u / tsc_hz);
}

void hal_timer_start(int64_t period_ns, void (*tick)(void *), void *arg)
{
	uint64_t fl = spin_lock(&lock);
	pit_rate(period_ns);
	tick_arg = arg;
	tick_fn = tick;
	spin_unlock(&lock, fl);
}

/* On CPU 0 with interrupts off no tick can be running; elsewhere one may
 * be, on CPU 0: wait until it has returned. */
void hal_timer_stop(void)
{
	uint64_t fl = spin_lock(&lock);
	__atomic_store_n(&tick_fn, NULL, __ATOMIC_SEQ_CST);
	spin_unlock(&lock, fl);
	if (cpu_index() != 0)
		while (__atomic_load_n(&in_tick, __ATOMIC_ACQUIRE))
			__asm__ volatile("pause");
}
