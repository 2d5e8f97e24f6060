/* elfobj.c - a hand-made program object for the loader's tests
 * (tests/kernel/run.sh): every relocation the loader applies, checked by
 * running the code it loaded.  probe() returns 15 when
 *   1  a call through the PLT (R_X86_64_JUMP_SLOT) reached the kernel's sing_clock,
 *   2  the GOT entry of sing_yield (R_X86_64_GLOB_DAT) equals the data
 *      table's entry for it (R_X86_64_64 against a symbol) and is not 0,
 *   4  a global pointing to itself (R_X86_64_64 against a symbol the object
 *      defines, read through its GLOB_DAT slot) points to itself,
 *   8  a pointer into the middle of a static array (R_X86_64_RELATIVE with
 *      an addend) points there. */
#include "kernel/rt.h"

void (*const abi_table[])(struct sing_thread *) = {sing_yield};
void *self = &self;
static char arr[16];
char *mid = &arr[5];

__attribute__((visibility("default"))) int probe(void);
int probe(void)
{
	void (*volatile y)(struct sing_thread *) = sing_yield;
	int r = 0;
	r |= sing_clock(0) > 0 ? 1 : 0;
	r |= y == abi_table[0] && y ? 2 : 0;
	r |= *(void *volatile *)&self == (void *)&self ? 4 : 0;
	r |= *(char *volatile *)&mid == arr + 5 ? 8 : 0;
	return r;
}

__attribute__((visibility("default"))) const struct sing_image sing_image = {
	.rt_version = SING_RT_VERSION,
	.hash = "0000000000000000000000000000000000000000000000000000000000000000",
};
