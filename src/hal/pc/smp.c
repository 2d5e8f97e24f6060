/* smp.c - the CPUs (../hal.h "CPUs"): those the ACPI MADT lists enabled
 * (acpi.c), CPU 0 the boot CPU, the others numbered in MADT order.  An
 * application processor is started by INIT, 10 ms, STARTUP, 200 us,
 * STARTUP (the Intel MP specification's sequence; the second STARTUP
 * only if the first did not take) into trampoline.S, copied to the low
 * page TRAMP, which reaches ap_main in long mode on a stack of its own;
 * ap_main loads the CPU's own GDT, TSS and IST stacks (the IDT is
 * shared), enables its local APIC and its timer, says it runs, and calls
 * the function hal_cpu_start gave it.
 *
 * Sleeping is sti;hlt with the check made interrupts off (sti's one
 * instruction shadow: an interrupt between the check and the hlt still
 * ends the hlt); an AP's local APIC timer (CPU 0: the PIT) bounds each
 * halt, so a timeout is seen within a tick.  A wake is a fixed IPI.
 *
 * Locks: `starting` serializes hal_cpu_start (one trampoline page); a
 * CPU's record is written by its starter before the IPIs and by the CPU
 * itself after (state, ticks, woken, ipis: volatile words, one writer
 * each but woken, which the sleeper clears and the wake handler sets).
 */
#include "../hal.h"
#include "acpi.h"
#include "pc.h"

#define TRAMP 0x8000u
#define AP_STACK (64u * 1024)

struct pc_cpu pc_cpus[HAL_MAX_CPUS];
static unsigned ncpus = 1;
static volatile uint32_t starting;

extern const char tramp_start[], tramp_end[], tramp_cr3[], tramp_stack[], tramp_entry[], tramp_cpu[];

static void say_apics(const struct acpi_info *a)
{
	ser_lock();
	ser_puts("sing: pc: ");
	ser_dec(ncpus);
	ser_puts(ncpus == 1 ? " CPU" : " CPUs");
	ser_puts(" (local APIC IDs");
	for (unsigned i = 0; i < ncpus; i++) {
		ser_puts(" ");
		ser_dec(pc_cpus[i].apic_id);
	}
	ser_puts("), local APIC timer ");
	ser_dec(lapic_timer_hz() / 1000);
	ser_puts(" kHz");
	for (unsigned i = 0; i < a->nioapics; i++) {
		ser_puts(", I/O APIC ");
		ser_dec(a->ioapic[i].id);
		ser_puts(" at ");
		ser_hex(a->ioapic[i].addr);
		ser_puts(" GSI ");
		ser_dec(a->ioapic[i].gsi_base);
	}
	ser_puts("\n");
	ser_unlock();
}

static void say_routes(void)
{
	ser_lock();
	ser_puts("sing: pc: ISA interrupts through the I/O APIC to CPU 0 (IRQ -> pin:");
	for (unsigned irq = 0; irq < 16; irq++)
		if (ioapic_pin(irq) != irq) {
			ser_puts(" ");
			ser_dec(irq);
			ser_puts(ioapic_pin(irq) == 0xff ? "->none" : "->");
			if (ioapic_pin(irq) != 0xff)
				ser_dec(ioapic_pin(irq));
		}
	ser_puts(", the rest the same)\n");
	ser_unlock();
}

void smp_init(void)
{
	struct acpi_info a;
	int ok = acpi_init(&a) == 0;
	lapic_init(ok ? a.lapic_base : 0);
	lapic_cpu_init(1);
	pc_cpus[0].apic_id = lapic_id();
	pc_cpus[0].state = SMP_RUNNING;
	int boot_listed = 0;
	for (unsigned i = 0; ok && i < a.ncpus; i++) {
		if (a.apic_id[i] == pc_cpus[0].apic_id) {
			boot_listed = 1;
			continue;
		}
		if (ncpus < HAL_MAX_CPUS) {
			pc_cpus[ncpus].index = ncpus;
			pc_cpus[ncpus].apic_id = a.apic_id[i];
			ncpus++;
		}
	}
	if (ok && !boot_listed)
		ser_puts("sing: acpi: the MADT does not list the boot CPU's local APIC\n");
	lapic_timer_calibrate();
	say_apics(&a);
	if (ok && ioapic_init(&a, pc_cpus[0].apic_id) == 0) {
		pic_to_ioapic();
		lapic_extint_off();
		say_routes();
	}
}

static void delay_us(uint64_t us)
{
	uint64_t t0 = rdtsc(), n = timer_tsc_hz() / 1000000 * us;
	while (rdtsc() - t0 < n)
		__asm__ volatile("pause");
}

static void ap_main(struct pc_cpu *c)
{
	cpu_init(c);
	lapic_cpu_init(0);
	lapic_timer_start(SMP_AP_TICK_NS);
	__atomic_store_n(&c->state, SMP_RUNNING, __ATOMIC_RELEASE);
	__asm__ volatile("sti");
	c->fn(c->arg);
	__atomic_store_n(&c->state, SMP_RETURNED, __ATOMIC_RELEASE);
	for (;;)
		__asm__ volatile("cli; hlt");
}

static void tramp_set(const char *field, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)(TRAMP + (uintptr_t)(field - tramp_start)) = v;
}

/* INIT-SIPI-SIPI; 0 once c says it runs, -1 after a second of silence. */
static int kick(struct pc_cpu *c)
{
	uint64_t cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
	__builtin_memcpy((void *)(uintptr_t)TRAMP, tramp_start, (size_t)(tramp_end - tramp_start));
	tramp_set(tramp_cr3, cr3);
	tramp_set(tramp_stack, (uintptr_t)c->ist + 3 * PC_IST_SIZE + AP_STACK);
	tramp_set(tramp_entry, (uintptr_t)ap_main);
	tramp_set(tramp_cpu, (uintptr_t)c);
	__atomic_store_n(&c->state, SMP_STARTING, __ATOMIC_SEQ_CST);
	lapic_init_ipi(c->apic_id);
	delay_us(10000);
	for (int sipi = 0; sipi < 2 && c->state == SMP_STARTING; sipi++) {
		lapic_startup_ipi(c->apic_id, TRAMP >> 12);
		delay_us(200);
	}
	uint64_t t0 = rdtsc();
	while (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE) == SMP_STARTING && rdtsc() - t0 < timer_tsc_hz())
		__asm__ volatile("pause");
	return c->state == SMP_STARTING ? -1 : 0;
}

int hal_cpu_start(unsigned i, void (*fn)(void *), void *arg)
{
	if (i == 0 || i >= ncpus || !fn)
		return -1;
	while (__atomic_exchange_n(&starting, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	struct pc_cpu *c = &pc_cpus[i];
	int rc = -1;
	if (c->state == SMP_OFF && (c->ist || (c->ist = hal_map(3 * PC_IST_SIZE + AP_STACK)))) {
		c->fn = fn;
		c->arg = arg;
		rc = kick(c);
		if (rc) {
			ser_puts("sing: pc: CPU ");
			ser_dec(i);
			ser_puts(" did not start\n");
		}
	}
	__atomic_store_n(&starting, 0, __ATOMIC_RELEASE);
	return rc;
}

unsigned hal_cpu_count(void)
{
	return ncpus;
}

unsigned hal_cpu_id(void)
{
	return cpu_index();
}

void hal_cpu_sleep(const uint32_t *word, uint32_t seen, int64_t timeout_ns)
{
	struct pc_cpu *c = cpu_self();
	int64_t end = timeout_ns < 0 ? INT64_MAX : hal_clock_ns() + timeout_ns;
	uint64_t f = irq_save();
	__atomic_store_n(&c->woken, 0, __ATOMIC_RELAXED);
	for (;;) {
		__asm__ volatile("cli" : : : "memory");
		if (__atomic_load_n(word, __ATOMIC_ACQUIRE) != seen || c->woken || hal_clock_ns() >= end)
			break;
		__asm__ volatile("sti; hlt" : : : "memory");
	}
	irq_restore(f);
}

void hal_cpu_wake(unsigned i)
{
	if (i < ncpus && i != cpu_index() && pc_cpus[i].state == SMP_RUNNING)
		lapic_ipi(pc_cpus[i].apic_id, LAPIC_VEC_WAKE);
}
