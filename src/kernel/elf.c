/* elf.c - the kernel's ELF loader (see elf.h).
 *
 * Check first, then act: the header and every program header are checked
 * against the file before anything is mapped; the dynamic table, symbol
 * table, string table and relocation tables are checked against the
 * mapped image before they are read.  Every read of the object goes
 * through memcpy, so no alignment is assumed of the buffer (a boot image
 * packs objects wherever they fall). */
#include "elf.h"

#include "../hal/hal.h"
#include "rt.h"

/* The compiler support routines of SING_ABI_SUPPORT (libc on the hosted
 * HAL, the kernel's own on bare metal). */
void *memcpy(void *restrict d, const void *restrict s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- the ABI: rt.h's list, expanded once ---- */

typedef void (*abi_fn)(void);
static const struct { const char *name; abi_fn fn; } abi[] = {
#define SING_X(name, ret, params, kind) {#name, (abi_fn)name},
	SING_ABI(SING_X)
#undef SING_X
#define SING_Y(name) {#name, (abi_fn)name},
	SING_ABI_SUPPORT(SING_Y)
#undef SING_Y
};

uintptr_t elf_abi_addr(const char *name)
{
	for (size_t i = 0; i < sizeof abi / sizeof abi[0]; i++)
		if (__builtin_strcmp(abi[i].name, name) == 0)
			return (uintptr_t)abi[i].fn;
	return 0;
}

/* ---- ELF64 as much as we read of it (System V gABI, x86-64 psABI) ---- */

struct ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct phdr { uint32_t type, flags; uint64_t offset, vaddr, paddr, filesz, memsz, align; };
struct dyn { int64_t tag; uint64_t val; };
struct sym { uint32_t name; uint8_t info, other; uint16_t shndx; uint64_t value, size; };
struct rela { uint64_t offset, info; int64_t addend; };

enum { PT_LOAD = 1, PT_DYNAMIC = 2, PF_X = 1, PF_W = 2, ET_DYN = 3, EM_X86_64 = 62 };
enum {
	DT_NULL = 0, DT_NEEDED = 1, DT_PLTRELSZ = 2, DT_HASH = 4, DT_STRTAB = 5, DT_SYMTAB = 6,
	DT_RELA = 7, DT_RELASZ = 8, DT_RELAENT = 9, DT_STRSZ = 10, DT_SYMENT = 11, DT_INIT = 12,
	DT_REL = 17, DT_PLTREL = 20, DT_JMPREL = 23, DT_INIT_ARRAY = 25, DT_PREINIT_ARRAY = 32,
	DT_NTAGS = 35,
};
#define DT_GNU_HASH 0x6ffffef5
enum { R_NONE = 0, R_64 = 1, R_GLOB_DAT = 6, R_JUMP_SLOT = 7, R_RELATIVE = 8 };
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00u

/* Names of the relocations we refuse, for the message. */
static const char *const rel_names[] = {
	[2] = "PC32", [3] = "GOT32", [4] = "PLT32", [5] = "COPY", [9] = "GOTPCREL",
	[10] = "32", [11] = "32S", [16] = "DTPMOD64", [17] = "DTPOFF64", [18] = "TPOFF64",
	[24] = "PC64", [37] = "IRELATIVE",
};

/* No program object comes near this; a bigger span is refused before
 * anything is mapped. */
#define ELF_MAX_SPAN (256ull << 20)
#define ELF_MAX_PHDRS 64

struct ld {
	const uint8_t *file;
	size_t len;
	struct phdr ph[ELF_MAX_PHDRS];
	unsigned nph;
	uint64_t dyn[DT_NTAGS];          /* the dynamic table's values by tag */
	uint8_t have[DT_NTAGS];
	uint64_t gnu_hash;               /* DT_GNU_HASH, 0 if none */
	struct elf_code *c;
	char *err;
	unsigned errlen;
};

/* ---- messages: "elf: " text, an optional number or name, more text ---- */

/* Append s; a byte that is not printable ASCII (a hostile name) as '?'. */
static void put(struct ld *l, unsigned *at, const char *s)
{
	for (; s && *s && *at + 1 < l->errlen; s++)
		l->err[(*at)++] = *s >= 0x20 && *s < 0x7f ? *s : '?';
	if (l->errlen)
		l->err[*at] = 0;
}

static int fail_at(struct ld *l, const char *a, const char *name, uint64_t n, const char *b)
{
	char num[24];
	int i = sizeof num;
	num[--i] = 0;
	do
		num[--i] = (char)('0' + n % 10);
	while ((n /= 10) && i > 0);
	unsigned at = 0;
	put(l, &at, "elf: ");
	put(l, &at, a);
	put(l, &at, name ? name : num + i);
	put(l, &at, b);
	return -1;
}

static int fail(struct ld *l, const char *why)
{
	unsigned at = 0;
	put(l, &at, "elf: ");
	put(l, &at, why);
	return -1;
}

/* ---- bounds ---- */

static int in_range(uint64_t size, uint64_t off, uint64_t n)
{
	return off <= size && n <= size - off;
}

/* The image's bytes [addr, addr+n), or NULL if they are not all in it. */
static uint8_t *at(const struct ld *l, uint64_t addr, uint64_t n)
{
	return in_range(l->c->size, addr, n) ? l->c->base + addr : NULL;
}

static uint64_t page_up(uint64_t x)
{
	return (x + HAL_PAGE - 1) & ~(uint64_t)(HAL_PAGE - 1);
}

static uint64_t page_down(uint64_t x)
{
	return x & ~(uint64_t)(HAL_PAGE - 1);
}

/* ---- check: the header and the segments, against the file ---- */

static int check_header(struct ld *l)
{
	struct ehdr h;
	static const uint8_t magic[7] = {0x7f, 'E', 'L', 'F', 2, 1, 1};  /* 64-bit, LSB, v1 */
	if (l->len < sizeof h)
		return fail(l, "truncated header");
	__builtin_memcpy(&h, l->file, sizeof h);
	if (__builtin_memcmp(h.ident, magic, 4) != 0)
		return fail(l, "not an ELF object");
	if (__builtin_memcmp(h.ident, magic, sizeof magic) != 0 || h.version != 1)
		return fail(l, "not a 64-bit little-endian ELF version 1 object");
	if (h.type != ET_DYN || h.machine != EM_X86_64)
		return fail(l, "not an x86-64 shared object");
	if (h.phentsize != sizeof(struct phdr) || h.phnum == 0 || h.phnum > ELF_MAX_PHDRS)
		return fail(l, "bad program header table");
	if (!in_range(l->len, h.phoff, (uint64_t)h.phnum * sizeof(struct phdr)))
		return fail(l, "program headers outside the file");
	l->nph = h.phnum;
	__builtin_memcpy(l->ph, l->file + h.phoff, (size_t)h.phnum * sizeof(struct phdr));
	return 0;
}

/* Do the pages of segments i and j overlap? */
static int share_page(const struct phdr *a, const struct phdr *b)
{
	return page_down(a->vaddr) < page_up(b->vaddr + b->memsz) &&
	       page_down(b->vaddr) < page_up(a->vaddr + a->memsz);
}

/* Every loadable segment inside the file and the span; returns the span. */
static int check_segments(struct ld *l, uint64_t *span)
{
	*span = 0;
	for (unsigned i = 0; i < l->nph; i++) {
		const struct phdr *p = &l->ph[i];
		if (p->type != PT_LOAD)
			continue;
		if (p->filesz > p->memsz || !in_range(l->len, p->offset, p->filesz))
			return fail_at(l, "segment ", NULL, i, " outside the file");
		if (!in_range(ELF_MAX_SPAN, p->vaddr, p->memsz))
			return fail_at(l, "segment ", NULL, i, " too large or too far");
		if ((p->flags & (PF_W | PF_X)) == (PF_W | PF_X))
			return fail_at(l, "segment ", NULL, i, " is writable and executable");
		for (unsigned j = 0; j < i; j++)
			if (l->ph[j].type == PT_LOAD && ((p->flags ^ l->ph[j].flags) & PF_X) &&
			    share_page(p, &l->ph[j]))
				return fail_at(l, "segment ", NULL, i, " shares a page with code");
		if (page_up(p->vaddr + p->memsz) > *span)
			*span = page_up(p->vaddr + p->memsz);
	}
	return *span ? 0 : fail(l, "no loadable segment");
}

/* ---- act: map, then read the dynamic table from the image ---- */

static int map(struct ld *l, uint64_t span)
{
	l->c->base = hal_code_map((size_t)span);
	if (!l->c->base)
		return fail(l, "no memory for the image");
	l->c->size = (size_t)span;
	for (unsigned i = 0; i < l->nph; i++)
		if (l->ph[i].type == PT_LOAD)
			__builtin_memcpy(l->c->base + l->ph[i].vaddr, l->file + l->ph[i].offset,
			                 (size_t)l->ph[i].filesz);
	return 0;
}

static int read_dynamic(struct ld *l)
{
	const struct phdr *d = NULL;
	for (unsigned i = 0; i < l->nph; i++)
		if (l->ph[i].type == PT_DYNAMIC)
			d = &l->ph[i];
	if (!d)
		return fail(l, "no dynamic table");
	const uint8_t *p = at(l, d->vaddr, d->memsz);
	if (!p)
		return fail(l, "dynamic table outside the image");
	for (uint64_t i = 0; i < d->memsz / sizeof(struct dyn); i++) {
		struct dyn e;
		__builtin_memcpy(&e, p + i * sizeof e, sizeof e);
		if (e.tag == DT_NULL)
			return 0;
		if (e.tag == DT_NEEDED)
			return fail(l, "the object needs another library");
		if (e.tag == DT_INIT || e.tag == DT_INIT_ARRAY || e.tag == DT_PREINIT_ARRAY)
			return fail(l, "the object has initialisers");
		if (e.tag == DT_REL)
			return fail(l, "REL relocations are not supported (only RELA)");
		if (e.tag == DT_GNU_HASH)
			l->gnu_hash = e.val;
		else if (e.tag >= 0 && e.tag < DT_NTAGS) {
			l->dyn[e.tag] = e.val;
			l->have[e.tag] = 1;
		}
	}
	return fail(l, "dynamic table not terminated");
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}

/* The number of dynamic symbols: DT_HASH's nchain, or one past the
 * highest symbol DT_GNU_HASH's buckets and chains reach. */
static int count_symbols(struct ld *l, uint64_t *n)
{
	const uint8_t *h;
	if (l->have[DT_HASH]) {
		if (!(h = at(l, l->dyn[DT_HASH], 8)))
			return fail(l, "hash table outside the image");
		*n = rd32(h + 4);
		return 0;
	}
	if (!l->gnu_hash || !(h = at(l, l->gnu_hash, 16)))
		return fail(l, "no symbol hash table in the image");
	uint64_t nb = rd32(h), base = rd32(h + 4), bloom = rd32(h + 8);
	const uint8_t *b = at(l, l->gnu_hash + 16 + bloom * 8, nb * 4);
	if (bloom > l->c->size || !b)
		return fail(l, "hash table outside the image");
	uint64_t last = 0;
	for (uint64_t i = 0; i < nb; i++)
		if (rd32(b + 4 * i) > last)
			last = rd32(b + 4 * i);
	*n = last < base ? base : last;
	if (last < base)
		return 0;
	for (;; last++) {   /* walk the last chain to its end marker */
		const uint8_t *c = at(l, l->gnu_hash + 16 + bloom * 8 + nb * 4 + (last - base) * 4, 4);
		if (!c)
			return fail(l, "hash chain outside the image");
		if (rd32(c) & 1)
			break;
	}
	*n = last + 1;
	return 0;
}

static int read_symbols(struct ld *l)
{
	struct elf_code *c = l->c;
	if (!l->have[DT_SYMTAB] || !l->have[DT_STRTAB] || !l->have[DT_STRSZ])
		return fail(l, "no dynamic symbol table");
	if (l->have[DT_SYMENT] && l->dyn[DT_SYMENT] != sizeof(struct sym))
		return fail(l, "bad symbol entry size");
	if (count_symbols(l, &c->nsyms))
		return -1;
	if (c->nsyms > c->size / sizeof(struct sym) ||
	    !(c->syms = at(l, l->dyn[DT_SYMTAB], c->nsyms * sizeof(struct sym))))
		return fail(l, "symbol table outside the image");
	c->strsz = l->dyn[DT_STRSZ];
	if (!(c->str = (const char *)at(l, l->dyn[DT_STRTAB], c->strsz)))
		return fail(l, "string table outside the image");
	return 0;
}

/* Symbol i's name, or NULL if it is not a terminated string in the table. */
static const char *sym_name(const struct elf_code *c, const struct sym *s)
{
	for (uint64_t i = s->name; i < c->strsz; i++)
		if (!c->str[i])
			return c->str + s->name;
	return NULL;
}

static struct sym get_sym(const struct elf_code *c, uint64_t i)
{
	struct sym s;
	__builtin_memcpy(&s, c->syms + i * sizeof s, sizeof s);
	return s;
}

/* ---- relocation ---- */

/* The address symbol i stands for: its place in the image, or the ABI. */
static int sym_value(struct ld *l, uint64_t r, uint64_t i, uint64_t *v)
{
	if (i == 0 || i >= l->c->nsyms)
		return fail_at(l, "relocation ", NULL, r, " names no symbol of the table");
	struct sym s = get_sym(l->c, i);
	const char *name = sym_name(l->c, &s);
	if (!name)
		return fail_at(l, "relocation ", NULL, r, " names a symbol with a bad name");
	if (s.shndx == SHN_UNDEF) {
		if (!(*v = elf_abi_addr(name)))
			return fail_at(l, "symbol ", name, 0, " is not in the ABI");
		return 0;
	}
	if (s.shndx >= SHN_LORESERVE || !at(l, s.value, 1))
		return fail_at(l, "symbol ", name, 0, " lies outside the image");
	*v = (uint64_t)(uintptr_t)l->c->base + s.value;
	return 0;
}

static int relocate_one(struct ld *l, uint64_t n, const struct rela *r)
{
	uint32_t type = (uint32_t)r->info;
	uint8_t *where = at(l, r->offset, 8);
	uint64_t v = 0;
	if (type == R_NONE)
		return 0;
	if (!where)
		return fail_at(l, "relocation ", NULL, n, " outside the image");
	if (type == R_RELATIVE)
		v = (uint64_t)(uintptr_t)l->c->base + (uint64_t)r->addend;
	else if (type == R_64 || type == R_GLOB_DAT || type == R_JUMP_SLOT) {
		if (sym_value(l, n, r->info >> 32, &v))
			return -1;
		if (type == R_64)
			v += (uint64_t)r->addend;
	} else if (type < sizeof rel_names / sizeof rel_names[0] && rel_names[type])
		return fail_at(l, "relocation R_X86_64_", rel_names[type], 0, " is not supported");
	else
		return fail_at(l, "relocation type ", NULL, type, " is not supported");
	__builtin_memcpy(where, &v, 8);
	return 0;
}

/* Apply the relocation table at addr, size bytes; *n counts entries. */
static int relocate_table(struct ld *l, uint64_t addr, uint64_t size, uint64_t *n)
{
	const uint8_t *t = at(l, addr, size);
	if (!t || size % sizeof(struct rela))
		return fail(l, "relocation table outside the image");
	for (uint64_t i = 0; i < size / sizeof(struct rela); i++, (*n)++) {
		struct rela r;
		__builtin_memcpy(&r, t + i * sizeof r, sizeof r);
		if (relocate_one(l, *n, &r))
			return -1;
	}
	return 0;
}

static int relocate(struct ld *l)
{
	uint64_t n = 0;
	if (l->have[DT_RELAENT] && l->dyn[DT_RELAENT] != sizeof(struct rela))
		return fail(l, "bad relocation entry size");
	if (l->have[DT_RELA] && relocate_table(l, l->dyn[DT_RELA], l->dyn[DT_RELASZ], &n))
		return -1;
	if (!l->have[DT_JMPREL])
		return 0;
	if (!l->have[DT_PLTREL] || l->dyn[DT_PLTREL] != DT_RELA)
		return fail(l, "PLT relocations are not RELA");
	return relocate_table(l, l->dyn[DT_JMPREL], l->dyn[DT_PLTRELSZ], &n);
}

/* Text becomes read+execute (and no longer writable) once relocated. */
static int seal(struct ld *l)
{
	for (unsigned i = 0; i < l->nph; i++) {
		const struct phdr *p = &l->ph[i];
		if (p->type != PT_LOAD || !(p->flags & PF_X) || !p->memsz)
			continue;
		uint64_t lo = page_down(p->vaddr), hi = page_up(p->vaddr + p->memsz);
		if (hal_code_exec(l->c->base + lo, (size_t)(hi - lo)))
			return fail(l, "cannot make the text executable");
	}
	return 0;
}

int elf_load(const void *obj, size_t len, struct elf_code *c, char *err, unsigned errlen)
{
	static const struct elf_code none;
	struct ld l = {.file = obj, .len = len, .c = c, .err = err, .errlen = errlen};
	uint64_t span;
	*c = none;
	if (!obj || check_header(&l) || check_segments(&l, &span) || map(&l, span))
		return -1;
	if (read_dynamic(&l) || read_symbols(&l) || relocate(&l) || seal(&l)) {
		elf_unload(c);
		return -1;
	}
	return 0;
}

void *elf_sym(const struct elf_code *c, const char *name, size_t size, size_t align)
{
	for (uint64_t i = 1; i < c->nsyms; i++) {
		struct sym s = get_sym(c, i);
		const char *n = sym_name(c, &s);
		if (s.shndx == SHN_UNDEF || s.shndx >= SHN_LORESERVE || !n ||
		    __builtin_strcmp(n, name) != 0)
			continue;
		if (!in_range(c->size, s.value, size) || s.value % align)
			return NULL;
		return c->base + s.value;
	}
	return NULL;
}

void elf_unload(struct elf_code *c)
{
	if (c->base)
		hal_code_unmap(c->base, c->size);
	c->base = NULL;
	c->size = 0;
}
