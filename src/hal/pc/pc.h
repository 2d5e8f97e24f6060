/*
 * pc.h - the bare-metal PC HAL's own parts (src/hal/pc/), behind
 * ../hal.h: port I/O, spin locks, the serial line, the CPU tables and
 * interrupts, the PIC and the PIT, the local APIC, the other CPUs,
 * physical memory, PCI, power.  docs/baremetal.md.
 *
 * Invariant: ring 0 on every CPU, one identity-mapped address space below
 * 4 GiB (physical = virtual) and page tables shared by all CPUs.
 * Interrupt handlers run on the IST stacks of the CPU they arrive on,
 * with the SSE state saved, and only record: they never switch context
 * and never call the kernel except the timer tick the kernel handed over.
 * State two CPUs can reach is behind a spin lock (taken with interrupts
 * off, so a handler on the same CPU cannot deadlock on it) or atomics;
 * each file says which.  Nothing here may include a libc header beyond
 * the freestanding set.
 */
#ifndef HAL_PC_PC_H
#define HAL_PC_PC_H

#include <stddef.h>
#include <stdint.h>

/* ---- port I/O ---- */
static inline void outb(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outw(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(p)); }
static inline void outl(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(p)); }
static inline uint8_t inb(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t inw(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t inl(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Interrupts off; the flags to give back to irq_restore. */
static inline uint64_t irq_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
	return f;
}
static inline void irq_restore(uint64_t f)
{
	if (f & 0x200)
		__asm__ volatile("sti" : : : "memory");
}

/* Spin locks: interrupts off on this CPU while held (handlers take some
 * of these locks), so hold them briefly and never across a wait. */
struct spin { volatile uint32_t held; };
static inline uint64_t spin_lock(struct spin *s)
{
	uint64_t f = irq_save();
	while (__atomic_exchange_n(&s->held, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&s->held, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
	return f;
}
static inline void spin_unlock(struct spin *s, uint64_t f)
{
	__atomic_store_n(&s->held, 0, __ATOMIC_RELEASE);
	irq_restore(f);
}

/* ---- serial.c: polled UARTs; COM1 for the kernel's own output ---- */
#define SER_COM1 0x3f8
#define SER_COM2 0x2f8                        /* the trace dump (tracedump.c) */
void ser_init_port(uint16_t base);
void ser_init(void);                          /* COM1 */
void ser_send(uint16_t base, const void *p, size_t n);   /* raw bytes */
void ser_write(const char *s, size_t n);      /* COM1, \n as \r\n */
int ser_getc(void);                           /* -1 if no byte waits */
void ser_puts(const char *s);
void ser_hex(uint64_t v);                     /* 0x%016lx */
void ser_dec(uint64_t v);
/* Hold COM1 for several writes (a whole line from one CPU); nests on the
 * CPU holding it, and a CPU waiting too long takes it anyway (a panic's
 * last words must come out even if a stopped CPU held the line). */
void ser_lock(void);
void ser_unlock(void);

/* ---- cpu.c: per-CPU GDT and TSS (IST stacks), the shared IDT, exceptions ---- */
struct __attribute__((packed)) pc_tss {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3, iomap;
};
#define PC_IST_SIZE 16384u          /* each of a CPU's 3 IST stacks */
/* One CPU: what smp.c knows of it and its own tables.  %gs points at its
 * record (IA32_GS_BASE), index first: hal_cpu_id is one load. */
struct pc_cpu {
	uint32_t index;                 /* hal_cpu_id; must stay first */
	uint32_t apic_id;
	volatile uint32_t state;        /* enum smp_state */
	volatile uint32_t woken;        /* a wake IPI came since hal_cpu_sleep began */
	volatile uint64_t ticks;        /* its local APIC timer's interrupts */
	volatile uint64_t ipis;         /* wake IPIs it took */
	void (*fn)(void *);
	void *arg;
	uint8_t *ist;                   /* 3 * PC_IST_SIZE */
	uint64_t gdt[5] __attribute__((aligned(16)));
	struct pc_tss tss __attribute__((aligned(16)));
};
extern struct pc_cpu pc_cpus[];
static inline unsigned cpu_index(void)
{
	uint32_t i;
	__asm__ volatile("movl %%gs:0, %0" : "=r"(i));
	return i;
}
static inline struct pc_cpu *cpu_self(void) { return &pc_cpus[cpu_index()]; }
/* This CPU's GDT (the kernel's code and data selectors, its TSS), the
 * shared IDT (built on the first call), GS base = c. */
void cpu_init(struct pc_cpu *c);
/* An interrupt or exception as isr.S saved it (the SSE state is below). */
struct cpu_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vec, err, rip, cs, rflags, rsp, ss;
};
void cpu_interrupt(struct cpu_frame *f);     /* from isr.S */
/* Install the handler of IRQ line (0-15), called with interrupts off. */
void cpu_irq_handler(unsigned line, void (*fn)(unsigned line));

/* ---- pic.c: the ISA lines on vectors 32-47: the two 8259s, remapped,
 * until pic_to_ioapic hands every line to the I/O APIC ---- */
#define PIC_VEC 32
void pic_init(void);
void pic_mask(unsigned line, int masked);
void pic_eoi(unsigned line);
void pic_to_ioapic(void);      /* after ioapic_init: the 8259s masked for good */
void pic_route(unsigned line, uint32_t apic_id);   /* the line to that CPU (I/O APIC only) */
int pic_level(unsigned line);                      /* level-triggered (PCI)? */

/* ---- ioapic.c: ISA lines 0-15 through the I/O APIC, each to one CPU ---- */
struct acpi_info;
int ioapic_init(const struct acpi_info *a, uint32_t dest_apic);   /* 0, or -1: keep the 8259s */
void ioapic_mask(unsigned irq, int masked);
unsigned ioapic_pin(unsigned irq);                               /* 0xff: none */
void ioapic_route(unsigned irq, uint32_t dest_apic);             /* pic.c's lock held */
int ioapic_level(unsigned irq);

/* ---- timer.c: PIT channel 0 ticks, TSC clock calibrated on the PIT ---- */
void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_tsc_hz(void);

/* ---- lapic.c: the local APIC (xAPIC, memory mapped) of each CPU ---- */
enum { LAPIC_VEC_TIMER = 48, LAPIC_VEC_WAKE = 49, LAPIC_VEC_SPURIOUS = 63 };
void lapic_init(uint64_t base);               /* once, on CPU 0, before lapic_cpu_init */
/* Enable this CPU's local APIC (spurious vector, TPR 0, LINT0 ExtINT on
 * the boot CPU so the 8259s still reach it, masked elsewhere; LINT1 NMI). */
void lapic_cpu_init(int boot_cpu);
uint32_t lapic_id(void);
void lapic_eoi(void);
void lapic_extint_off(void);                  /* LINT0 masked: the 8259s no longer reach CPU 0 */
void lapic_timer_calibrate(void);             /* CPU 0, against the TSC */
uint64_t lapic_timer_hz(void);                /* its count rate (divide by 16) */
void lapic_timer_start(int64_t period_ns);    /* this CPU, periodic */
void lapic_timer_stop(void);
void lapic_ipi(uint32_t apic_id, uint8_t vec);   /* fixed, physical destination */
void lapic_init_ipi(uint32_t apic_id);
void lapic_startup_ipi(uint32_t apic_id, uint32_t page);   /* page: the start address >> 12 */
void lapic_interrupt(unsigned vec);           /* from cpu_interrupt: vectors 48-63 */

/* ---- smp.c: the CPUs of the ACPI MADT, started by INIT-SIPI-SIPI ---- */
enum smp_state { SMP_OFF, SMP_STARTING, SMP_RUNNING, SMP_RETURNED };
void smp_init(void);                          /* CPU 0, after timer_init */
#define SMP_AP_TICK_NS 4000000                /* each AP's local APIC timer */

/* ---- mem.c: physical memory from the multiboot map ---- */
/* Pages in [lo, hi) are free for the allocators (the caller leaves out
 * the kernel image, the loader's data and the modules). */
void mem_add(uint64_t lo, uint64_t hi);
uint64_t mem_free_bytes(void);
uint64_t mem_total_bytes(void);

/* ---- pci.c: configuration space by the 0xcf8/0xcfc mechanism ---- */
struct pci_fn { uint8_t bus, dev, fn, irq; uint16_t vendor, device; uint32_t bar0; };
/* The first function with this vendor/device ID; 0 if none. */
int pci_find(uint16_t vendor, uint16_t device, struct pci_fn *out);
uint32_t pci_read32(const struct pci_fn *f, uint8_t off);
void pci_write32(const struct pci_fn *f, uint8_t off, uint32_t v);

/* ---- dev.c ---- */
void dev_init(void);

/* ---- power.c: leaving QEMU ---- */
#define PC_EXIT_PANIC 0x10         /* isa-debug-exit: QEMU status 33 */
__attribute__((noreturn)) void pc_exit(uint32_t code);   /* isa-debug-exit */
__attribute__((noreturn)) void pc_poweroff(void);         /* ACPI, then exit 0 code */
/* Print "sing: kernel panic: why", a backtrace from rbp, and leave. */
__attribute__((noreturn)) void pc_panic(const char *why, uint64_t rbp);

#endif
