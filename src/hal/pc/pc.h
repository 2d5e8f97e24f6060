/*
 * pc.h - the bare-metal PC HAL's own parts (src/hal/pc/), behind
 * ../hal.h: port I/O, the serial line, the CPU tables and interrupts,
 * the PIC and the PIT, physical memory, PCI, power.  docs/baremetal.md.
 *
 * Invariant: one CPU, ring 0, one identity-mapped address space below
 * 4 GiB (physical = virtual).  Interrupt handlers run on IST stacks with
 * the SSE state saved, and only record: they never switch context and
 * never call the kernel except the timer tick the kernel handed over.
 * Nothing here may include a libc header beyond the freestanding set.
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

/* ---- cpu.c: GDT, TSS (IST stacks), IDT, exceptions ---- */
void cpu_init(void);
/* An interrupt or exception as isr.S saved it (the SSE state is below). */
struct cpu_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vec, err, rip, cs, rflags, rsp, ss;
};
void cpu_interrupt(struct cpu_frame *f);     /* from isr.S */
/* Install the handler of IRQ line (0-15), called with interrupts off. */
void cpu_irq_handler(unsigned line, void (*fn)(unsigned line));

/* ---- pic.c: the two 8259s, remapped to vectors 32-47 ---- */
#define PIC_VEC 32
void pic_init(void);
void pic_mask(unsigned line, int masked);
void pic_eoi(unsigned line);

/* ---- timer.c: PIT channel 0 ticks, TSC clock calibrated on the PIT ---- */
void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_tsc_hz(void);

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
