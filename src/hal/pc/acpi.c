/* acpi.c - the RSDP, RSDT/XSDT and MADT, checked before they are
 * believed (acpi.h).  Everything below 4 GiB is identity mapped, so a
 * table's physical address is its address (PHYS); one above 4 GiB is
 * refused.  tests/qemu/acpi_test.c builds this file on the host with
 * PHYS pointing into fake firmware memory and feeds it bad tables. */
#include "acpi.h"
#include "pc.h"

#ifndef PHYS
#define PHYS(a) ((const void *)(uintptr_t)(a))
#endif

struct __attribute__((packed)) rsdp {
	char sig[8];
	uint8_t sum;
	char oem[6];
	uint8_t rev;
	uint32_t rsdt;
	uint32_t len;            /* revision 2 on */
	uint64_t xsdt;
	uint8_t xsum, rsv[3];
};
struct __attribute__((packed)) sdt {
	char sig[4];
	uint32_t len;
	uint8_t rev, sum;
	char oem[6], table[8];
	uint32_t oem_rev, creator, creator_rev;
};
struct __attribute__((packed)) madt {
	struct sdt h;
	uint32_t lapic;
	uint32_t flags;
};
enum { MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_ISO = 2, MADT_LAPIC_ADDR = 5 };

/* An n-byte little-endian field anywhere (table fields need not be aligned). */
static uint64_t get(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	__builtin_memcpy(&v, p, n);
	return v;
}

static int fail(const char *why)
{
	ser_puts("sing: acpi: ");
	ser_puts(why);
	ser_puts("; running on the boot CPU only\n");
	return -1;
}

static uint8_t sum(const void *p, uint32_t n)
{
	uint8_t s = 0;
	for (uint32_t i = 0; i < n; i++)
		s = (uint8_t)(s + ((const uint8_t *)p)[i]);
	return s;
}

static int same(const char *a, const char *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The RSDP on a 16-byte boundary in [lo, hi): signature and checksum. */
static const struct rsdp *rsdp_in(uintptr_t lo, uintptr_t hi)
{
	for (uintptr_t a = lo; a + 20 <= hi; a += 16) {
		const struct rsdp *r = PHYS(a);
		if (same(r->sig, "RSD PTR ", 8) && sum(r, 20) == 0)
			return r;
	}
	return NULL;
}

static const struct rsdp *rsdp_find(void)
{
	uintptr_t bda = 0x40e;                /* the BIOS data area: the EBDA's segment */
	__asm__("" : "+r"(bda));             /* a real address, not a null-page slip */
	uintptr_t ebda = (uintptr_t)*(const volatile uint16_t *)PHYS(bda) << 4;
	const struct rsdp *r = NULL;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		r = rsdp_in(ebda, ebda + 1024);
	return r ? r : rsdp_in(0xe0000, 0x100000);
}

/* A table at addr with this signature, whole and summing to 0; NULL if not. */
static const struct sdt *table(uint64_t addr, const char *sig)
{
	if (!addr || addr >= 0x100000000ull - sizeof(struct sdt))
		return NULL;
	const struct sdt *t = PHYS(addr);
	if (!same(t->sig, sig, 4) || t->len < sizeof *t || t->len > (1u << 20) ||
	    addr + t->len > 0x100000000ull || sum(t, t->len) != 0)
		return NULL;
	return t;
}

/* The MADT through the XSDT (8-byte entries) or the RSDT (4-byte). */
static const struct madt *madt_find(const struct rsdp *r, const char **why)
{
	const struct sdt *root = NULL;
	unsigned width = 4;
	if (r->rev >= 2 && r->len >= sizeof *r && r->len <= 4096 && sum(r, r->len) == 0 && r->xsdt)
		root = table(r->xsdt, "XSDT"), width = 8;
	if (!root)
		root = table(r->rsdt, "RSDT"), width = 4;
	if (!root) {
		*why = "the RSDT/XSDT is missing or fails its checksum";
		return NULL;
	}
	const uint8_t *e = (const uint8_t *)(root + 1);
	for (uint32_t off = 0; off + width <= root->len - sizeof *root; off += width) {
		uint64_t a = get(e + off, width);
		const struct sdt *t = table(a, "APIC");
		if (t && t->len >= sizeof(struct madt))
			return (const struct madt *)t;
		if (a && a < 0x100000000ull && same(((const struct sdt *)PHYS(a))->sig, "APIC", 4)) {
			*why = "the MADT fails its length or checksum";
			return NULL;
		}
	}
	*why = "no MADT (APIC table)";
	return NULL;
}

/* The MADT's entries: each (type, length) checked to lie inside it. */
static int madt_read(const struct madt *m, struct acpi_info *out)
{
	out->lapic_base = m->lapic;
	out->pcat_compat = (int)(m->flags & 1);
	const uint8_t *p = (const uint8_t *)(m + 1), *end = (const uint8_t *)m + m->h.len;
	while (p < end) {
		if (end - p < 2 || p[1] < 2 || p[1] > end - p)
			return fail("an MADT entry runs past the table");
		if (p[0] == MADT_LAPIC && p[1] >= 8 && (p[4] & 1) && out->ncpus < HAL_MAX_CPUS)
			out->apic_id[out->ncpus++] = p[3];
		else if (p[0] == MADT_IOAPIC && p[1] >= 12 && out->nioapics < ACPI_MAX_IOAPICS) {
			struct acpi_ioapic *io = &out->ioapic[out->nioapics++];
			io->id = p[2];
			io->addr = (uint32_t)get(p + 4, 4);
			io->gsi_base = (uint32_t)get(p + 8, 4);
		} else if (p[0] == MADT_ISO && p[1] >= 10 && p[2] == 0 && p[3] < 16 && out->nisos < 16) {
			struct acpi_iso *o = &out->iso[out->nisos++];
			o->irq = p[3];
			o->gsi = (uint32_t)get(p + 4, 4);
			o->flags = (uint16_t)get(p + 8, 2);
		} else if (p[0] == MADT_LAPIC_ADDR && p[1] >= 12)
			out->lapic_base = get(p + 4, 8);
		p += p[1];
	}
	if (out->ncpus == 0)
		return fail("the MADT lists no enabled CPU");
	return 0;
}

int acpi_init(struct acpi_info *out)
{
	*out = (struct acpi_info){0};
	const struct rsdp *r = rsdp_find();
	if (!r)
		return fail("no RSDP in the EBDA or 0xe0000..0xfffff");
	const char *why = NULL;
	const struct madt *m = madt_find(r, &why);
	if (!m)
		return fail(why);
	if (madt_read(m, out) != 0) {
		out->ncpus = 0;
		return -1;
	}
	if (out->lapic_base >= 0x100000000ull) {
		out->ncpus = 0;
		return fail("the local APIC lies above 4 GiB");
	}
	return 0;
}
