/* acpi_test.c - src/hal/pc/acpi.c on the host, against fake firmware
 * memory: good tables through the RSDT, the XSDT and the EBDA, and bad
 * ones (checksums, lengths, entries running past the MADT, no enabled
 * CPU, the local APIC above 4 GiB).  A bad table must give its clear
 * message and the one-CPU answer.  Prints "ok acpi-NAME" or "FAIL
 * acpi-NAME: why" per case (tests/qemu/run.sh). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint8_t mem[0x100000];          /* physical 0 .. 1 MiB */
static const uint8_t nothing[1 << 20]; /* what lies elsewhere: zeros */
static const void *acpi_test_phys(uint64_t a)
{
	return a < sizeof mem ? (const void *)(mem + a) : (const void *)nothing;
}
#define PHYS(a) acpi_test_phys(a)

static char said[4096];
void ser_puts(const char *s);
void ser_puts(const char *s)
{
	strncat(said, s, sizeof said - strlen(said) - 1);
}

#include "../../src/hal/pc/acpi.c"

enum { RSDP_AT = 0xf0010, EBDA = 0x9fc00, RSDT_AT = 0x80000, XSDT_AT = 0x80800, FACP_AT = 0x81000,
       MADT_AT = 0x82000 };

static void fix_sum(uint8_t *p, uint32_t n, uint8_t *slot)
{
	*slot = 0;
	*slot = (uint8_t)-sum(p, n);
}

static void header(uint32_t at, const char *sig, uint32_t len)
{
	struct sdt *t = (struct sdt *)(mem + at);
	memcpy(t->sig, sig, 4);
	t->len = len;
	t->rev = 1;
	fix_sum(mem + at, len, &t->sum);
}

static void rsdp(uint32_t at, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	struct rsdp *r = (struct rsdp *)(mem + at);
	memcpy(r->sig, "RSD PTR ", 8);
	r->rev = rev;
	r->rsdt = rsdt;
	r->len = sizeof *r;
	r->xsdt = xsdt;
	fix_sum(mem + at, 20, &r->sum);
	fix_sum(mem + at, sizeof *r, &r->xsum);
}

/* A MADT at MADT_AT with the entries given (already laid out). */
static void madt(const uint8_t *entries, uint32_t n)
{
	struct madt *m = (struct madt *)(mem + MADT_AT);
	m->lapic = 0xfee00000u;
	m->flags = 1;
	memcpy(m + 1, entries, n);
	header(MADT_AT, "APIC", (uint32_t)sizeof *m + n);
}

static void rsdt(void)
{
	uint32_t e[2] = {FACP_AT, MADT_AT};
	memcpy(mem + RSDT_AT + sizeof(struct sdt), e, sizeof e);
	header(FACP_AT, "FACP", 64);
	header(RSDT_AT, "RSDT", (uint32_t)sizeof(struct sdt) + 8);
}

/* Two enabled CPUs (APIC IDs 0 and 1), one disabled, an I/O APIC, an
 * interrupt source override (ISA IRQ 0 at GSI 2). */
static const uint8_t usual[] = {
	0, 8, 0, 0, 1, 0, 0, 0,
	0, 8, 1, 1, 1, 0, 0, 0,
	0, 8, 2, 2, 0, 0, 0, 0,
	1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0,
	2, 10, 0, 0, 2, 0, 0, 0, 0, 0,
};

static void machine(void)
{
	memset(mem, 0, sizeof mem);
	mem[0x40e] = (uint8_t)(EBDA >> 4);
	mem[0x40f] = (uint8_t)(EBDA >> 12);
	madt(usual, sizeof usual);
	rsdt();
	rsdp(RSDP_AT, 0, RSDT_AT, 0);
}

static int fails;

/* want_cpus 0: the one-CPU answer with `want` in the message. */
static void check(const char *name, unsigned want_cpus, const char *want)
{
	struct acpi_info a;
	said[0] = 0;
	int rc = acpi_init(&a);
	int ok = want_cpus ? rc == 0 && a.ncpus == want_cpus && !said[0]
	                   : rc == -1 && a.ncpus == 0 && strstr(said, want) && strstr(said, "running on the boot CPU only");
	if (ok && want_cpus == 2)
		ok = a.apic_id[0] == 0 && a.apic_id[1] == 1 && a.nioapics == 1 && a.ioapic[0].addr == 0xfec00000u &&
		     a.lapic_base == 0xfee00000u && a.nisos == 1 && a.iso[0].irq == 0 && a.iso[0].gsi == 2;
	if (ok)
		printf("ok acpi-%s\n", name);
	else {
		printf("FAIL acpi-%s: rc %d, %u CPUs, said '%s'\n", name, rc, a.ncpus, said);
		fails++;
	}
}

static uint8_t *entry(void) { return mem + MADT_AT + sizeof(struct madt); }
static void resum_madt(void) { header(MADT_AT, "APIC", ((struct sdt *)(mem + MADT_AT))->len); }

int main(void)
{
	machine();
	check("rsdt-madt-two-cpus", 2, NULL);

	machine();                       /* the XSDT wins over a broken RSDT */
	uint64_t madt_at = MADT_AT;
	memcpy(mem + XSDT_AT + sizeof(struct sdt), &madt_at, 8);
	header(XSDT_AT, "XSDT", (uint32_t)sizeof(struct sdt) + 8);
	mem[RSDT_AT + 40] ^= 1;
	rsdp(RSDP_AT, 2, RSDT_AT, XSDT_AT);
	check("xsdt-madt-two-cpus", 2, NULL);

	machine();                       /* the RSDP in the EBDA */
	memset(mem + RSDP_AT, 0, 36);
	rsdp(EBDA + 16, 0, RSDT_AT, 0);
	check("rsdp-in-ebda", 2, NULL);

	machine();
	memset(mem + RSDP_AT, 0, 36);
	check("no-rsdp", 0, "no RSDP in the EBDA or 0xe0000..0xfffff");

	machine();
	mem[RSDP_AT + 8] ^= 0x55;        /* checksum off: not an RSDP */
	check("rsdp-bad-checksum", 0, "no RSDP");

	machine();
	mem[RSDT_AT + 10] ^= 1;
	check("rsdt-bad-checksum", 0, "the RSDT/XSDT is missing or fails its checksum");

	machine();
	mem[MADT_AT + 44] ^= 1;
	check("madt-bad-checksum", 0, "the MADT fails its length or checksum");

	machine();
	header(MADT_AT, "APIC", 40);     /* shorter than its own fixed part */
	check("madt-too-short", 0, "the MADT fails its length or checksum");

	machine();
	entry()[9] = 200;                /* the second entry runs past the end */
	resum_madt();
	check("madt-entry-past-end", 0, "an MADT entry runs past the table");

	machine();
	entry()[1] = 0;                  /* a zero length would loop for ever */
	resum_madt();
	check("madt-entry-zero-length", 0, "an MADT entry runs past the table");

	machine();
	entry()[4] = 0, entry()[12] = 0;
	resum_madt();
	check("madt-no-enabled-cpu", 0, "the MADT lists no enabled CPU");

	machine();                       /* a local APIC address override above 4 GiB */
	uint8_t over[sizeof usual + 12];
	memcpy(over, usual, sizeof usual);
	memcpy(over + sizeof usual, (uint8_t[]){5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0}, 12);
	madt(over, sizeof over);
	check("lapic-above-4gib", 0, "the local APIC lies above 4 GiB");

	machine();                       /* 70 enabled CPUs: HAL_MAX_CPUS kept */
	static uint8_t many[70 * 8];
	for (int i = 0; i < 70; i++)
		memcpy(many + 8 * i, (uint8_t[]){0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0}, 8);
	madt(many, sizeof many);
	check("at-most-64-cpus", HAL_MAX_CPUS, NULL);
	return fails != 0;
}
