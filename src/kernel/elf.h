/*
 * elf.h - the kernel's own loader of compiled program objects.
 *
 * A program's native code is the ELF64 x86-64 shared object (ET_DYN) the
 * backend produced from a verified package (src/backend/cc.c: -fPIC
 * -shared -nostdlib).  elf_load maps its PT_LOAD segments into memory from
 * the HAL (hal_code_map), applies its relocations (R_X86_64_RELATIVE, 64,
 * GLOB_DAT, JUMP_SLOT; any other is refused by name), resolves undefined
 * symbols only against the ABI list of rt.h (SING_ABI and
 * SING_ABI_SUPPORT, one table expanded here), and makes the text
 * executable (hal_code_exec).  The same loader runs on every HAL.
 *
 * Invariant: every offset, size and index read from the object is checked
 * against the buffer or the mapped image before it is used, so hostile
 * bytes give a named reason ("elf: segment 2 outside the file"), never a
 * crash; nothing outside the ABI is ever bound; no code of the object runs
 * here (initialisers are refused).  It must never be handed an object that
 * did not come through the trusted road (src/system/pipeline.h): it checks
 * structure, not safety.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stddef.h>
#include <stdint.h>

/* A loaded object: its memory and its dynamic symbol table (in it). */
struct elf_code {
	uint8_t *base;           /* the image's address 0 */
	size_t size;             /* bytes mapped (page multiple) */
	const uint8_t *syms;     /* Elf64_Sym[nsyms], inside the image */
	uint64_t nsyms;
	const char *str;         /* the string table, strsz bytes, inside the image */
	uint64_t strsz;
};

/* Load the object obj[0..len).  0, or -1 with "elf: ..." in err (nothing
 * stays mapped). */
int elf_load(const void *obj, size_t len, struct elf_code *c, char *err, unsigned errlen);
/* The object's defined symbol name, if it lies inside the image with size
 * bytes at an address aligned to align; NULL otherwise. */
void *elf_sym(const struct elf_code *c, const char *name, size_t size, size_t align);
void elf_unload(struct elf_code *c);

/* The ABI entry called name (rt.h), or 0 if it is not in the ABI. */
uintptr_t elf_abi_addr(const char *name);

#endif
