/* pic.c - the two 8259 PICs: remapped to vectors 32-47 (0-31 are the
 * CPU's exceptions), every line masked until someone wants it.  The
 * firmware's ELCR setting (PCI lines level-triggered) is left as it is.
 * They interrupt CPU 0 only (its local APIC's LINT0 in ExtINT mode).
 * Once the I/O APIC takes the lines (pic_to_ioapic), masking and the end
 * of an interrupt go to it and to the local APIC instead.  Any CPU may
 * mask or unmask a line: lock guards mask, via_ioapic and the registers
 * behind both. */
#include "pc.h"

#define PIC1 0x20
#define PIC2 0xa0

static uint16_t mask = 0xffff & ~(1u << 2);   /* line 2: the cascade */
static struct spin lock;
static int via_ioapic;
static uint16_t elcr;          /* the firmware's level-triggered lines */

static void write_mask(void)
{
	outb(PIC1 + 1, (uint8_t)mask);
	outb(PIC2 + 1, (uint8_t)(mask >> 8));
}

void pic_init(void)
{
	outb(PIC1, 0x11);          /* ICW1: init, ICW4 follows */
	outb(PIC2, 0x11);
	outb(PIC1 + 1, PIC_VEC);   /* ICW2: vector base */
	outb(PIC2 + 1, PIC_VEC + 8);
	outb(PIC1 + 1, 4);         /* ICW3: slave on line 2 */
	outb(PIC2 + 1, 2);
	outb(PIC1 + 1, 1);         /* ICW4: 8086 mode */
	outb(PIC2 + 1, 1);
	write_mask();
	elcr = (uint16_t)(inb(0x4d0) | inb(0x4d1) << 8);
}

/* The I/O APIC's entry says (its overrides may differ), else the ELCR. */
int pic_level(unsigned line)
{
	return via_ioapic ? ioapic_level(line) : line < 16 && (elcr >> line & 1);
}

void pic_mask(unsigned line, int masked)
{
	uint64_t f = spin_lock(&lock);
	if (masked)
		mask |= (uint16_t)(1u << line);
	else
		mask &= (uint16_t)~(1u << line);
	if (via_ioapic)
		ioapic_mask(line, masked);
	else
		write_mask();
	spin_unlock(&lock, f);
}

/* The lines unmasked now stay unmasked, at the I/O APIC. */
void pic_to_ioapic(void)
{
	uint64_t f = spin_lock(&lock);
	outb(PIC1 + 1, 0xff);
	outb(PIC2 + 1, 0xff);
	for (unsigned line = 0; line < 16; line++)
		if (line != 2 && !(mask & (1u << line)))
			ioapic_mask(line, 0);
	via_ioapic = 1;
	spin_unlock(&lock, f);
}

/* The 8259s reach CPU 0 only: a route is the I/O APIC's alone.  Its
 * mask bit is left as it is (see ioapic_route). */
void pic_route(unsigned line, uint32_t apic_id)
{
	uint64_t f = spin_lock(&lock);
	if (via_ioapic)
		ioapic_route(line, apic_id);
	spin_unlock(&lock, f);
}

void pic_eoi(unsigned line)
{
	if (via_ioapic) {
		lapic_eoi();
		return;
	}
	if (line >= 8)
		outb(PIC2, 0x20);
	outb(PIC1, 0x20);
}
