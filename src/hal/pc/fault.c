/* fault.c - the test-only broken kernel: built with -DPC_FORCE_FAULT
 * (build/pc/sing-fault.elf, tests/qemu) it writes to an unmapped address
 * in kernel code after boot, to prove a ring-0 page fault reaches the
 * panic on the serial line and a non-zero QEMU exit.  Does nothing in
 * the real kernel. */
#include "main.h"

void pc_fault_if_built(void)
{
#ifdef PC_FORCE_FAULT
	volatile unsigned long *p = (volatile unsigned long *)0x5a5a00000000ull;   /* above 4 GiB: unmapped */
	*p = 1;
#endif
}
