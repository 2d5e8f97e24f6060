/* main.c - the machine from pc_main (boot.S) on: the serial line, the
 * CPU tables, the PIC and the PIT, physical memory from the multiboot
 * map, PCI; then what the command line (-append) asks: "smoke" runs the
 * HAL and kernel smoke test (smoke.c), "smp" starts every CPU
 * (smp_smoke.c), otherwise the boot image given as
 * the first multiboot module is started ("gcstress": a collection at
 * every allocation, "stats": each SIP's figures as it ends, as
 * SING_DEBUG does hosted); "trace" records it and sends the
 * dump over COM2 at the end (tracedump.c).  Powers off at the end. */
#include "../hal.h"
#include "pc.h"
#include "main.h"

#define MB_BOOT_MAGIC 0x2badb002u

extern char __bss_end[];

struct __attribute__((packed)) mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};
struct __attribute__((packed)) mb_mod { uint32_t start, end, string, rsv; };
struct __attribute__((packed)) mb_mmap { uint32_t size; uint64_t base, len; uint32_t type; };

static uint64_t max64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static uint64_t str_end(uint32_t s)
{
	const char *p = (const char *)(uintptr_t)s;
	while (*p)
		p++;
	return (uintptr_t)p + 1;
}

/* Free memory: the loader's available ranges above everything it or we
 * still use (the kernel image, its data, the modules, their strings). */
static void memory(const struct mb_info *mb, struct pc_boot *b)
{
	uint64_t used = (uintptr_t)__bss_end;
	if (mb->flags & (1u << 2) && mb->cmdline) {
		b->cmdline = (const char *)(uintptr_t)mb->cmdline;
		used = max64(used, str_end(mb->cmdline));
	}
	if (mb->flags & (1u << 3))
		for (uint32_t i = 0; i < mb->mods_count; i++) {
			const struct mb_mod *m = (const struct mb_mod *)(uintptr_t)(mb->mods_addr + 16 * i);
			if (i == 0) {
				b->image = (const void *)(uintptr_t)m->start;
				b->image_len = m->end - m->start;
			}
			used = max64(used, m->end);
			if (m->string)
				used = max64(used, str_end(m->string));
		}
	if (!(mb->flags & (1u << 6)))
		pc_panic("the loader gave no memory map", 0);
	used = max64(used, (uint64_t)mb->mmap_addr + mb->mmap_length);
	for (uint32_t off = 0; off < mb->mmap_length;) {
		const struct mb_mmap *e = (const struct mb_mmap *)(uintptr_t)(mb->mmap_addr + off);
		if (e->type == 1 && e->base + e->len > used)
			mem_add(max64(e->base, used), e->base + e->len);
		off += e->size + 4;
	}
}

/* Is w one of the space-separated words of s?  (QEMU's multiboot command
 * line is the kernel's file name, then the -append text.) */
static int has_word(const char *s, const char *w)
{
	while (s && *s) {
		const char *a = s, *b = w;
		while (*b && *a == *b)
			a++, b++;
		if (!*b && (*a == ' ' || !*a))
			return 1;
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	return 0;
}

/* The number in the word "NAME=N" of s, or 0 when there is none. */
static unsigned word_value(const char *s, const char *name)
{
	while (s && *s) {
		const char *a = s, *b = name;
		while (*b && *a == *b)
			a++, b++;
		if (!*b && *a == '=') {
			unsigned v = 0;
			for (a++; *a >= '0' && *a <= '9' && v < 1000; a++)
				v = v * 10 + (unsigned)(*a - '0');
			return *a == ' ' || !*a ? v : 0;
		}
		while (*s && *s != ' ')
			s++;
		while (*s == ' ')
			s++;
	}
	return 0;
}

void pc_main(uint64_t magic, uint64_t info);

void pc_main(uint64_t magic, uint64_t info)
{
	ser_init();
	ser_puts("sing: pc: long mode\n");
	if ((uint32_t)magic != MB_BOOT_MAGIC)
		pc_panic("not started by a multiboot loader", 0);
	cpu_init(&pc_cpus[0]);
	pic_init();
	struct pc_boot b = {0};
	memory((const struct mb_info *)(uintptr_t)(uint32_t)info, &b);
	timer_init();
	smp_init();
	__asm__ volatile("sti");
	ser_puts("sing: pc: ");
	ser_dec(mem_free_bytes() >> 20);
	ser_puts(" MiB free, TSC ");
	ser_dec(timer_tsc_hz() / 1000000);
	ser_puts(" MHz\n");
	dev_init();
	pc_fault_if_built();
	b.cpus = word_value(b.cmdline, "cpus");
	b.gcstress = has_word(b.cmdline, "gcstress");
	b.stats = has_word(b.cmdline, "stats");
	int tracing = has_word(b.cmdline, "trace") && pc_trace_begin() == 0;
	int rc = has_word(b.cmdline, "smoke") ? pc_smoke() : has_word(b.cmdline, "smp") ? pc_smp_smoke()
	                                                  : pc_boot_image(&b);
	if (tracing)
		pc_trace_end();
	ser_puts(rc ? "sing: pc: failed, stopping\n" : "sing: pc: power off\n");
	if (rc)
		pc_exit(PC_EXIT_PANIC + 1);
	pc_poweroff();
}
