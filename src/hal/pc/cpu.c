/* cpu.c - the CPU tables: each CPU's GDT with its own TSS and IST
 * stacks, the IDT all CPUs share, and what an exception does (a panic
 * with registers, CR2 and a backtrace on the serial line, then QEMU exits
 * non-zero).  The IDT is written once, by CPU 0, before any other CPU
 * starts; irq_fn is written with interrupts off before a line is
 * unmasked.  See pc.h. */
#include "pc.h"

#define NVEC 64

extern uint64_t pc_gdt[];
extern const uint64_t isr_table[NVEC];

struct __attribute__((packed)) gate {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, rsv;
};

/* IST 1: device and local APIC interrupts; 2: exceptions; 3: double
 * fault and NMI, so even a fault on a broken exception stack reaches the
 * panic.  CPU 0's stacks are here; smp.c gives each other CPU its own. */
enum { IST_IRQ = 1, IST_EXC = 2, IST_FATAL = 3 };
static uint8_t ist0[3 * PC_IST_SIZE] __attribute__((aligned(16)));
static struct gate idt[NVEC];
static int idt_built;
static void (*irq_fn[16])(unsigned line);

static void set_gate(unsigned v, unsigned ist)
{
	uint64_t a = isr_table[v];
	idt[v] = (struct gate){(uint16_t)a, 0x08, (uint8_t)ist, 0x8e, (uint16_t)(a >> 16),
	                       (uint32_t)(a >> 32), 0};
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void cpu_init(struct pc_cpu *c)
{
	if (!c->ist)
		c->ist = ist0;
	for (int i = 0; i < 3; i++)
		c->tss.ist[i] = (uint64_t)(uintptr_t)(c->ist + (i + 1) * PC_IST_SIZE);
	c->tss.iomap = sizeof c->tss;
	uint64_t base = (uintptr_t)&c->tss, lim = sizeof c->tss - 1;
	c->gdt[0] = 0;
	c->gdt[1] = pc_gdt[1];   /* 0x08 64-bit code, 0x10 data: boot.S's */
	c->gdt[2] = pc_gdt[2];
	c->gdt[3] = (lim & 0xffff) | (base & 0xffffff) << 16 | 0x89ull << 40 |
	            ((lim >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	c->gdt[4] = base >> 32;
	struct __attribute__((packed)) { uint16_t lim; uint64_t base; } gp = {5 * 8 - 1, (uintptr_t)c->gdt};
	__asm__ volatile("lgdt %0" : : "m"(gp));
	__asm__ volatile("ltr %w0" : : "r"(0x18));
	wrmsr(0xc0000101, (uintptr_t)c);   /* IA32_GS_BASE: %gs:0 is c->index */
	if (!idt_built) {
		for (unsigned v = 0; v < NVEC; v++)
			set_gate(v, v >= PIC_VEC ? IST_IRQ : (v == 2 || v == 8) ? IST_FATAL : IST_EXC);
		idt_built = 1;
	}
	struct __attribute__((packed)) { uint16_t lim; uint64_t base; } ip = {sizeof idt - 1, (uintptr_t)idt};
	__asm__ volatile("lidt %0" : : "m"(ip));
}

void cpu_irq_handler(unsigned line, void (*fn)(unsigned line))
{
	irq_fn[line & 15] = fn;
}

static const char *const exc_name[32] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault", "coprocessor overrun",
	"invalid TSS", "segment not present", "stack fault", "general protection",
	"page fault", "reserved", "x87 floating point", "alignment check", "machine check",
	"SIMD floating point", "virtualization", "control protection",
};

static void reg(const char *name, uint64_t v)
{
	ser_puts(name);
	ser_puts("=");
	ser_hex(v);
}

static __attribute__((noreturn)) void exception(const struct cpu_frame *f)
{
	uint64_t cr2;
	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	ser_lock();
	ser_puts("\nsing: CPU exception ");
	ser_dec(f->vec);
	ser_puts(" (");
	ser_puts(exc_name[f->vec] ? exc_name[f->vec] : "reserved");
	ser_puts(") error ");
	ser_hex(f->err);
	ser_puts(" on CPU ");
	ser_dec(cpu_index());
	ser_puts("\n");
	reg(" rip", f->rip); reg(" rsp", f->rsp); reg(" rflags", f->rflags); reg(" cr2", cr2);
	ser_puts("\n");
	reg(" rax", f->rax); reg(" rbx", f->rbx); reg(" rcx", f->rcx); reg(" rdx", f->rdx);
	ser_puts("\n");
	reg(" rsi", f->rsi); reg(" rdi", f->rdi); reg(" rbp", f->rbp); reg(" r8 ", f->r8);
	ser_puts("\n");
	reg(" r9 ", f->r9); reg(" r10", f->r10); reg(" r11", f->r11); reg(" r12", f->r12);
	ser_puts("\n");
	reg(" r13", f->r13); reg(" r14", f->r14); reg(" r15", f->r15); reg(" cs ", f->cs);
	ser_puts("\n");
	pc_panic("CPU exception in ring 0", f->rbp);
}

void cpu_interrupt(struct cpu_frame *f)
{
	if (f->vec < PIC_VEC)
		exception(f);
	if (f->vec >= PIC_VEC + 16) {
		lapic_interrupt((unsigned)f->vec);
		return;
	}
	unsigned line = (unsigned)f->vec - PIC_VEC;
	if (irq_fn[line])
		irq_fn[line](line);
	pic_eoi(line);
}
