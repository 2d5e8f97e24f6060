/*
 * elfsym.c - the symbol check: a compiled object may call only the ABI.
 *
 * Reads the ELF64 dynamic symbol table of a shared object and fails on
 * any undefined symbol outside SING_ABI and SING_ABI_SUPPORT (rt.h, the
 * one list).  The backend runs it on every object it compiles, before the
 * object enters the cache.
 */
#include "backend.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/rt.h"

static const char *const abi_names[] = {
#define SING_X(name, ret, params, kind) #name,
	SING_ABI(SING_X)
#undef SING_X
#define SING_Y(name) #name,
	SING_ABI_SUPPORT(SING_Y)
#undef SING_Y
};
#define NABI (sizeof abi_names / sizeof abi_names[0])

void be_print_abi(FILE *o)
{
	for (size_t i = 0; i < NABI; i++)
		fprintf(o, "%s\n", abi_names[i]);
}

static int in_abi(const char *s)
{
	for (size_t i = 0; i < NABI; i++)
		if (!strcmp(s, abi_names[i]))
			return 1;
	return 0;
}

static int in_file(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

/* The section header of the dynamic symbols, or NULL. */
static const Elf64_Shdr *dynsym(const uint8_t *b, size_t len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
	if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    !in_file(len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		return NULL;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(b + eh->e_shoff);
	for (unsigned i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_DYNSYM && sh[i].sh_link < eh->e_shnum &&
		    in_file(len, sh[i].sh_offset, sh[i].sh_size) &&
		    in_file(len, sh[sh[i].sh_link].sh_offset, sh[sh[i].sh_link].sh_size))
			return &sh[i];
	return NULL;
}

int be_check_symbols(const char *sofile, FILE *errs)
{
	size_t len;
	uint8_t *b = read_file(sofile, &len);
	if (!b) {
		fprintf(errs, "sing: cannot read %s\n", sofile);
		return -1;
	}
	const Elf64_Shdr *ds = dynsym(b, len);
	int bad = ds ? 0 : -1;
	if (!ds)
		fprintf(errs, "sing: %s: not an ELF64 shared object\n", sofile);
	for (uint64_t i = 1; ds && i < ds->sh_size / sizeof(Elf64_Sym); i++) {
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b;
		const Elf64_Shdr *st = (const Elf64_Shdr *)(b + eh->e_shoff) + ds->sh_link;
		const Elf64_Sym *sym = (const Elf64_Sym *)(b + ds->sh_offset) + i;
		if (sym->st_shndx != SHN_UNDEF || sym->st_name >= st->sh_size)
			continue;
		const char *name = (const char *)b + st->sh_offset + sym->st_name;
		if (!memchr(name, 0, st->sh_size - sym->st_name) || !*name || in_abi(name))
			continue;
		fprintf(errs, "sing: %s: calls '%s', which is not in the kernel ABI\n", sofile, name);
		bad = -1;
	}
	free(b);
	return bad;
}
