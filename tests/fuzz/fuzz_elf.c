/*
 * fuzz_elf.c - the kernel's ELF loader (src/kernel/elf.c) on arbitrary bytes.
 *
 * Properties: elf_load never crashes and never reads outside the buffer
 * or the image it mapped; every refusal is named ("elf: ..."); an object
 * it accepts can be searched for sing_image and unloaded.
 */
#include <stdlib.h>
#include <string.h>

#include "kernel/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct elf_code c;
	if (elf_load(data, size, &c, err, sizeof err)) {
		if (strncmp(err, "elf: ", 5) != 0)
			abort();
		return 0;
	}
	elf_sym(&c, "sing_image", 8, 8);
	elf_unload(&c);
	return 0;
}
