/* ioapic.c - the I/O APIC in place of the 8259s (when the MADT lists
 * one): ISA lines 0-15 go to the same vectors 32-47, fixed delivery to
 * CPU 0's local APIC until routed elsewhere, each at the global system interrupt the MADT's
 * overrides give (QEMU: IRQ 0 at GSI 2, and IRQ 5, 9, 10, 11 level
 * triggered, active high: its PCI lines), else by the ELCR's trigger
 * (level: a PCI line, active low), else as ISA lines are (edge, active
 * high).  A line whose pin another line's override took has none.
 * A line's destination changes when the kernel routes it to another CPU
 * (ioapic_route).  Masking a line is its redirection entry's mask bit; the end of an
 * interrupt is the local APIC's EOI (which also ends a level line's
 * remote IRR).  pic.c calls in here under its lock: the register
 * select-then-window pair is never split between CPUs.  See pc.h. */
#include "acpi.h"
#include "pc.h"

#define NONE 0xffu
#define RTE_MASKED (1u << 16)
#define RTE_LOW    (1u << 13)
#define RTE_LEVEL  (1u << 15)

static volatile uint32_t *io;          /* IOREGSEL at 0, IOWIN at 0x10 */
static uint8_t pin[16];                 /* each ISA line's pin, or NONE */
static uint32_t rte[16];                /* its entry's low word, unmasked */

static uint32_t rd(uint32_t r) { io[0] = r; return io[4]; }
static void wr(uint32_t r, uint32_t v) { io[0] = r; io[4] = v; }

static const struct acpi_iso *iso_of(const struct acpi_info *a, unsigned irq)
{
	for (unsigned i = 0; i < a->nisos; i++)
		if (a->iso[i].irq == irq)
			return &a->iso[i];
	return NULL;
}

/* Where each line lands and how it is triggered; 0, or -1 if some line
 * would land outside this I/O APIC (then nothing was changed). */
static int plan(const struct acpi_info *a, uint32_t base, uint32_t npins)
{
	uint16_t elcr = (uint16_t)(inb(0x4d0) | inb(0x4d1) << 8);
	for (unsigned irq = 0; irq < 16; irq++) {
		const struct acpi_iso *o = iso_of(a, irq);
		uint32_t gsi = o ? o->gsi : irq;
		int level = elcr >> irq & 1, low = level;
		if (o && (o->flags & 3))
			low = (o->flags & 3) == 3;
		if (o && (o->flags >> 2 & 3))
			level = (o->flags >> 2 & 3) == 3;
		else if (o)
			level = 0, low = (o->flags & 3) == 3;   /* conforms to the bus: ISA, edge */
		for (unsigned j = 0; !o && j < a->nisos; j++)
			if (a->iso[j].gsi == gsi && a->iso[j].irq != irq)
				gsi = NONE;                         /* taken by an override */
		if (gsi != NONE && (gsi < base || gsi - base >= npins))
			return -1;
		pin[irq] = gsi == NONE ? NONE : (uint8_t)(gsi - base);
		rte[irq] = (uint32_t)(PIC_VEC + irq) | (low ? RTE_LOW : 0) | (level ? RTE_LEVEL : 0);
	}
	return 0;
}

int ioapic_init(const struct acpi_info *a, uint32_t dest_apic)
{
	const struct acpi_ioapic *d = NULL;
	for (unsigned i = 0; i < a->nioapics; i++)
		if (a->ioapic[i].gsi_base == 0)
			d = &a->ioapic[i];
	if (!d)
		return -1;
	io = (volatile uint32_t *)(uintptr_t)d->addr;
	uint32_t npins = (rd(1) >> 16 & 0xff) + 1;
	if (plan(a, d->gsi_base, npins) != 0)
		return -1;
	for (uint32_t p = 0; p < npins; p++) {
		wr(0x10 + 2 * p, RTE_MASKED);
		wr(0x11 + 2 * p, 0);
	}
	for (unsigned irq = 0; irq < 16; irq++)
		if (pin[irq] != NONE) {
			wr(0x11 + 2u * pin[irq], dest_apic << 24);
			wr(0x10 + 2u * pin[irq], rte[irq] | RTE_MASKED);
		}
	return 0;
}

void ioapic_mask(unsigned irq, int masked)
{
	if (irq < 16 && pin[irq] != NONE)
		wr(0x10 + 2u * pin[irq], rte[irq] | (masked ? RTE_MASKED : 0));
}

/* Only the entry's high word (the destination) changes, in one write:
 * the low word, mask bit included, stays.  Masking around the change (as
 * for a level line whose remote IRR could be caught mid-flight) would
 * lose an edge that came meanwhile on an edge line (a masked edge is not
 * latched), and unmasking after would fire a level line that waits masked
 * for its delivery again and again before its driver acknowledged the
 * device.  The EOI of an interrupt already sent to the old CPU is
 * broadcast by vector, so it still ends a level line's remote IRR. */
void ioapic_route(unsigned irq, uint32_t dest_apic)
{
	if (irq < 16 && pin[irq] != NONE)
		wr(0x11 + 2u * pin[irq], dest_apic << 24);
}

int ioapic_level(unsigned irq)
{
	return irq < 16 && pin[irq] != NONE && (rte[irq] & RTE_LEVEL);
}

unsigned ioapic_pin(unsigned irq)
{
	return irq < 16 ? pin[irq] : NONE;
}
