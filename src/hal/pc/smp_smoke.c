/*
 * smp_smoke.c - every CPU at work (`-append smp`, tests/qemu): CPU 0
 * starts each application processor with hal_cpu_start; every CPU
 * (CPU 0 too) counts into one word with atomics and into another under a
 * spin lock, and allocates, fills, checks and frees heap blocks and pages
 * while the others do; each AP waits for its own local APIC timer to
 * tick, switches 10,000 times between two contexts on stacks of its
 * own, sleeps out a timeout, then stops its timer and sleeps until CPU 0
 * wakes it with an IPI (nothing else can wake it then).  Each CPU prints
 * one line; CPU 0 checks the counts and prints "smp: all N CPUs ok" or
 * "smp: FAILED: why".  The verdict is the QEMU exit status, as smoke.c's.
 */
#include "../hal.h"
#include "main.h"
#include "pc.h"

#define ROUNDS 20000          /* increments per CPU, each way */
#define HEAP_ROUNDS 400
#define WAIT_NS 20000000      /* the timeout hal_cpu_sleep must sit out */
#define PATIENCE_NS 20000000000ll   /* TCG on a loaded host is slow */

struct slot {
	volatile uint32_t ready, done;
	uint32_t id;
	int heap_ok, ticked, switched, ipi;
	int64_t slept_ns, start_ns, woke_at;
};
static struct slot slots[HAL_MAX_CPUS];
static volatile uint32_t arrived, begin, go, ndone, never;
static volatile int64_t go_at;
static volatile uint64_t atomic_count;
static uint64_t locked_count;
static struct spin count_lock;

/* Counting both ways, and the heap and the pages shared with the others:
 * each block holds this CPU's byte until it is freed. */
static int work(unsigned cpu)
{
	__atomic_fetch_add(&arrived, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&begin, __ATOMIC_ACQUIRE))   /* all at once */
		__asm__ volatile("pause");
	for (int r = 0; r < ROUNDS; r++) {
		__atomic_fetch_add(&atomic_count, 1, __ATOMIC_RELAXED);
		uint64_t f = spin_lock(&count_lock);
		uint64_t v = locked_count;   /* a wide window: without the lock, increments are lost */
		__asm__ volatile("pause" : : : "memory");
		locked_count = v + 1;
		spin_unlock(&count_lock, f);
	}
	int ok = 1;
	uint8_t mark = (uint8_t)(0xa0 + cpu);
	for (int r = 0; r < HEAP_ROUNDS; r++) {
		size_t n = (size_t)(r * 53 % 3000) + 16, pn = (size_t)(r % 3 + 1) * HAL_PAGE;
		uint8_t *p = hal_alloc(n), *q = hal_map(pn);
		ok &= p && q;
		for (size_t i = 0; p && i < n; i++)
			p[i] = mark;
		for (size_t i = 0; q && i < pn; i += 64)
			ok &= q[i] == 0, q[i] = mark;
		for (size_t i = 0; p && i < n; i++)
			ok &= p[i] == mark;
		for (size_t i = 0; q && i < pn; i += 64)
			ok &= q[i] == mark;
		hal_free(p);
		hal_unmap(q, pn);
	}
	return ok;
}

static void say(unsigned cpu, const struct slot *s)
{
	ser_lock();
	ser_puts("smp: cpu ");
	ser_dec(cpu);
	ser_puts(" (local APIC ");
	ser_dec(pc_cpus[cpu].apic_id);
	ser_puts("): hal_cpu_id ");
	ser_dec(s->id);
	ser_puts(s->heap_ok ? ", counted, heap ok" : ", counted, HEAP BAD");
	if (cpu) {
		ser_puts(s->ticked ? ", its timer ticked" : ", NO TIMER TICK");
		ser_puts(s->switched ? ", switched" : ", NO SWITCH");
		ser_puts(", slept ");
		ser_dec((uint64_t)s->slept_ns / 1000000);
		ser_puts(" ms");
		ser_puts(s->ipi ? ", woken by IPI" : ", NO IPI");
	}
	ser_puts("\n");
	ser_unlock();
}

/* Figures, not verdicts (TCG: emulated time on a shared host). */
static void figures(unsigned n)
{
	ser_lock();
	for (unsigned i = 1; i < n; i++) {
		ser_puts("smp: cpu ");
		ser_dec(i);
		ser_puts(" started in ");
		ser_dec((uint64_t)slots[i].start_ns / 1000);
		ser_puts(" us (INIT-SIPI-SIPI to running), woke ");
		ser_dec((uint64_t)(slots[i].woke_at - go_at) / 1000);
		ser_puts(" us after CPU 0 set its word to send the IPIs\n");
	}
	ser_unlock();
}

static int64_t since(int64_t t0) { return hal_clock_ns() - t0; }

/* User-level switches on this CPU's own stacks, as the kernel's threads
 * will make on it. */
static struct hal_ctx ap_main_ctx[HAL_MAX_CPUS], ap_th_ctx[HAL_MAX_CPUS];
static volatile uint32_t pongs[HAL_MAX_CPUS];

static void pong(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	for (;;) {
		pongs[i]++;
		hal_ctx_switch(&ap_th_ctx[i], &ap_main_ctx[i]);
	}
}

static int contexts(void)
{
	unsigned i = hal_cpu_id();
	uint8_t *stack = hal_map(16384);
	if (!stack)
		return 0;
	hal_ctx_init(&ap_th_ctx[i], stack + 16384, pong, (void *)(uintptr_t)i);
	for (int k = 0; k < 10000; k++)
		hal_ctx_switch(&ap_main_ctx[i], &ap_th_ctx[i]);
	hal_unmap(stack, 16384);
	return pongs[i] == 10000 && hal_cpu_id() == i;
}

static void ap(void *arg)
{
	struct slot *s = arg;
	struct pc_cpu *c = cpu_self();
	s->id = hal_cpu_id();
	s->heap_ok = work(s->id);
	uint64_t t = c->ticks;
	int64_t t0 = hal_clock_ns();
	while (c->ticks < t + 3 && since(t0) < PATIENCE_NS)
		__asm__ volatile("pause");
	s->ticked = c->ticks >= t + 3;
	s->switched = contexts();
	t0 = hal_clock_ns();
	hal_cpu_sleep((const uint32_t *)&never, 0, WAIT_NS);   /* nobody wakes it: the timeout must */
	s->slept_ns = since(t0);
	/* Timer off: only CPU 0's IPI can end this sleep. */
	lapic_timer_stop();
	uint64_t ipis = c->ipis;
	__atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
	while (!go)
		hal_cpu_sleep((const uint32_t *)&go, 0, -1);
	s->woke_at = hal_clock_ns();
	t0 = hal_clock_ns();
	while (c->ipis == ipis && since(t0) < PATIENCE_NS)   /* go seen before the IPI came */
		__asm__ volatile("pause");
	s->ipi = c->ipis > ipis;
	lapic_timer_start(SMP_AP_TICK_NS);
	say(s->id, s);
	__atomic_store_n(&s->done, 1, __ATOMIC_RELEASE);
	__atomic_fetch_add(&ndone, 1, __ATOMIC_ACQ_REL);
	hal_cpu_wake(0);
	for (;;)
		hal_cpu_sleep((const uint32_t *)&never, 0, -1);
}

static int fail(const char *why)
{
	ser_puts("smp: FAILED: ");
	ser_puts(why);
	ser_puts("\n");
	return 1;
}

/* Wait until every AP's flag (ready or done) is up; 0, or -1 on timeout. */
static int wait_all(unsigned n, size_t field)
{
	int64_t t0 = hal_clock_ns();
	for (unsigned i = 1; i < n; i++)
		while (!*(volatile uint32_t *)((char *)&slots[i] + field))
			if (since(t0) > PATIENCE_NS)
				return -1;
	return 0;
}

int pc_smp_smoke(void)
{
	unsigned n = hal_cpu_count();
	ser_puts("smp: ");
	ser_dec(n);
	ser_puts(" CPUs\n");
	if (hal_cpu_start(0, ap, NULL) == 0 || hal_cpu_start(n, ap, NULL) == 0)
		return fail("hal_cpu_start accepted CPU 0 or one past the last");
	for (unsigned i = 1; i < n; i++) {
		int64_t t = hal_clock_ns();
		if (hal_cpu_start(i, ap, &slots[i]) != 0)
			return fail("an application processor did not start");
		slots[i].start_ns = since(t);
	}
	if (n > 1 && hal_cpu_start(1, ap, &slots[1]) == 0)
		return fail("hal_cpu_start started a running CPU again");
	int64_t t0 = hal_clock_ns();
	while (arrived < n - 1 && since(t0) < PATIENCE_NS)
		__asm__ volatile("pause");
	__atomic_store_n(&begin, 1, __ATOMIC_RELEASE);
	slots[0].id = hal_cpu_id();
	slots[0].heap_ok = work(0);
	if (wait_all(n, offsetof(struct slot, ready)))
		return fail("an AP never got ready to sleep (its timer or the sleep timeout)");
	t0 = hal_clock_ns();
	while (since(t0) < 50000000)   /* let them all reach hlt */
		__asm__ volatile("pause");
	go_at = hal_clock_ns();
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	for (unsigned i = 1; i < n; i++)
		hal_cpu_wake(i);
	t0 = hal_clock_ns();
	for (uint32_t seen; (seen = ndone) < n - 1 && since(t0) < PATIENCE_NS;)
		hal_cpu_sleep((const uint32_t *)&ndone, seen, 100000000);
	if (wait_all(n, offsetof(struct slot, done)))
		return fail("an AP slept through its wake IPI");
	say(0, &slots[0]);
	int ok = 1;
	for (unsigned i = 0; i < n; i++) {
		const struct slot *s = &slots[i];
		ok &= s->id == i && s->heap_ok && (i == 0 || (s->ticked && s->switched && s->ipi && s->slept_ns >= WAIT_NS));
	}
	if (!ok)
		return fail("a CPU's line above says what");
	if (atomic_count != (uint64_t)n * ROUNDS || locked_count != (uint64_t)n * ROUNDS)
		return fail("the counts are short: an increment was lost");
	ser_puts("smp: counted ");
	ser_dec(atomic_count);
	ser_puts(" atomically and ");
	ser_dec(locked_count);
	ser_puts(" under a spin lock\n");
	figures(n);
	ser_puts("smp: all ");
	ser_dec(n);
	ser_puts(" CPUs ok\n");
	return 0;
}
