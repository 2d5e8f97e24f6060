/* lapic.c - each CPU's local APIC (xAPIC, its registers memory mapped at
 * the base the MADT gives, 0xfee00000 on QEMU; identity mapped): enable
 * with the spurious vector, the ID, end of interrupt, the timer
 * (calibrated once against the TSC, which timer.c calibrated against the
 * PIT; the same bus clock drives every CPU's timer), and interprocessor
 * interrupts: fixed (the wake), INIT and STARTUP (smp.c).
 *
 * Vectors: 48 timer (counts this CPU's ticks), 49 wake (marks this CPU
 * woken: hal_cpu_sleep), 63 spurious (no EOI, as the APIC wants).  The
 * ICR is written with interrupts off on this CPU (high word, then low
 * word, then wait for delivery) so an interrupt cannot split the pair. */
#include "pc.h"

enum {
	R_ID = 0x20, R_TPR = 0x80, R_EOI = 0xb0, R_SVR = 0xf0, R_ESR = 0x280,
	R_ICR_LO = 0x300, R_ICR_HI = 0x310, R_LVT_TIMER = 0x320, R_LVT_LINT0 = 0x350,
	R_LVT_LINT1 = 0x360, R_LVT_ERR = 0x370, R_TIMER_INIT = 0x380, R_TIMER_CUR = 0x390,
	R_TIMER_DIV = 0x3e0,
};
#define MASKED      (1u << 16)
#define PERIODIC    (1u << 17)
#define DELIV_EXTINT 0x700u
#define DELIV_NMI   0x400u
#define ICR_PENDING (1u << 12)
#define ICR_ASSERT  (1u << 14)
#define ICR_INIT    0x500u
#define ICR_STARTUP 0x600u
#define DIV_16      0x3u

static volatile uint32_t *regs;
static uint64_t timer_hz;      /* timer counts per second at divide 16 */

static uint32_t rd(unsigned r) { return regs[r / 4]; }
static void wr(unsigned r, uint32_t v) { regs[r / 4] = v; }

void lapic_init(uint64_t base)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));   /* IA32_APIC_BASE */
	if (!base)
		base = ((uint64_t)hi << 32 | lo) & ~0xfffull;
	regs = (volatile uint32_t *)(uintptr_t)base;
}

void lapic_cpu_init(int boot_cpu)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
	__asm__ volatile("wrmsr" : : "c"(0x1b), "a"(lo | (1u << 11)), "d"(hi));   /* globally on */
	wr(R_TPR, 0);
	wr(R_LVT_TIMER, MASKED | LAPIC_VEC_TIMER);
	wr(R_LVT_LINT0, boot_cpu ? DELIV_EXTINT : MASKED);   /* the 8259s reach CPU 0 only */
	wr(R_LVT_LINT1, DELIV_NMI);
	wr(R_LVT_ERR, MASKED | LAPIC_VEC_SPURIOUS);
	wr(R_SVR, 0x100 | LAPIC_VEC_SPURIOUS);               /* software enable */
	wr(R_ESR, 0);
	wr(R_ESR, 0);
	wr(R_EOI, 0);
}

uint32_t lapic_id(void)
{
	return rd(R_ID) >> 24;
}

void lapic_eoi(void)
{
	wr(R_EOI, 0);
}

void lapic_extint_off(void)
{
	wr(R_LVT_LINT0, MASKED);
}

/* Count the timer down (one-shot, masked) over 10 ms of TSC. */
void lapic_timer_calibrate(void)
{
	uint64_t tsc10 = timer_tsc_hz() / 100;
	wr(R_TIMER_DIV, DIV_16);
	wr(R_LVT_TIMER, MASKED | LAPIC_VEC_TIMER);
	uint64_t t0 = rdtsc();
	wr(R_TIMER_INIT, 0xffffffffu);
	while (rdtsc() - t0 < tsc10)
		__asm__ volatile("pause");
	uint32_t left = rd(R_TIMER_CUR);
	wr(R_TIMER_INIT, 0);
	timer_hz = (uint64_t)(0xffffffffu - left) * 100;
	if (timer_hz == 0)
		timer_hz = 1000000000 / 16;   /* QEMU's documented 1 GHz bus, divided */
}

uint64_t lapic_timer_hz(void)
{
	return timer_hz;
}

void lapic_timer_start(int64_t period_ns)
{
	uint64_t n = timer_hz * (uint64_t)period_ns / 1000000000u;
	if (n < 16)
		n = 16;
	if (n > 0xffffffffu)
		n = 0xffffffffu;
	wr(R_TIMER_DIV, DIV_16);
	wr(R_LVT_TIMER, PERIODIC | LAPIC_VEC_TIMER);
	wr(R_TIMER_INIT, (uint32_t)n);
}

void lapic_timer_stop(void)
{
	wr(R_LVT_TIMER, MASKED | LAPIC_VEC_TIMER);
	wr(R_TIMER_INIT, 0);
}

static void icr(uint32_t apic_id, uint32_t lo)
{
	uint64_t f = irq_save();
	while (rd(R_ICR_LO) & ICR_PENDING)
		__asm__ volatile("pause");
	wr(R_ICR_HI, apic_id << 24);
	wr(R_ICR_LO, lo);
	while (rd(R_ICR_LO) & ICR_PENDING)
		__asm__ volatile("pause");
	irq_restore(f);
}

void lapic_ipi(uint32_t apic_id, uint8_t vec)
{
	icr(apic_id, ICR_ASSERT | vec);
}

void lapic_init_ipi(uint32_t apic_id)
{
	icr(apic_id, ICR_ASSERT | ICR_INIT);
}

void lapic_startup_ipi(uint32_t apic_id, uint32_t page)
{
	icr(apic_id, ICR_ASSERT | ICR_STARTUP | (page & 0xff));
}

void lapic_interrupt(unsigned vec)
{
	if (vec == LAPIC_VEC_SPURIOUS)
		return;
	struct pc_cpu *c = cpu_self();
	if (vec == LAPIC_VEC_TIMER)
		c->ticks++;
	else if (vec == LAPIC_VEC_WAKE) {
		c->ipis++;
		__atomic_store_n(&c->woken, 1, __ATOMIC_RELEASE);
	}
	lapic_eoi();
}
