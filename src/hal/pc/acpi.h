/*
 * acpi.h - what the PC HAL reads from the firmware's ACPI tables: the
 * RSDP (found in the EBDA's first KiB or 0xe0000..0xfffff), the RSDT or
 * XSDT it names, and the MADT ("APIC"): the enabled local APICs (the
 * CPUs), the local APIC's base, the I/O APICs and the interrupt source
 * overrides (which ISA line is which global system interrupt, with its
 * polarity and trigger: ioapic.c).  docs/baremetal.md "Every CPU".
 *
 * Invariant: every table is checked (signature, length, checksum) before
 * a byte of it is believed; a bad or missing table gives one clear boot
 * message and the one-CPU answer (the boot CPU only), never a guess.  The
 * tables are read once at boot and never written.
 */
#ifndef HAL_PC_ACPI_H
#define HAL_PC_ACPI_H

#include <stdint.h>
#include "../hal.h"

#define ACPI_MAX_IOAPICS 8

struct acpi_ioapic { uint8_t id; uint32_t addr, gsi_base; };
/* ISA line irq arrives as gsi; flags: MPS INTI (bits 0-1 polarity: 1
 * high, 3 low; bits 2-3 trigger: 1 edge, 3 level; 0 = the bus default). */
struct acpi_iso { uint8_t irq; uint32_t gsi; uint16_t flags; };
struct acpi_info {
	unsigned ncpus;                    /* enabled local APICs, at most HAL_MAX_CPUS */
	uint8_t apic_id[HAL_MAX_CPUS];     /* MADT order */
	uint64_t lapic_base;               /* 0xfee00000 unless the MADT says other */
	unsigned nioapics;
	struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
	unsigned nisos;
	struct acpi_iso iso[16];
	int pcat_compat;                   /* 8259s present (MADT flag 1) */
};

/* Read the tables into *out; 0, or -1 (message printed, out->ncpus 0). */
int acpi_init(struct acpi_info *out);

#endif
