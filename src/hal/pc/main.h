/* main.h - what pc_main hands to the two ways of running the machine:
 * the smoke test (smoke.c) and the boot image (image.c).  Each returns 0
 * for a clean power-off, else non-zero (QEMU then exits non-zero). */
#ifndef HAL_PC_MAIN_H
#define HAL_PC_MAIN_H

#include <stddef.h>

struct pc_boot {
	const char *cmdline;          /* -append text, or NULL */
	const void *image;            /* the first multiboot module (-initrd) */
	size_t image_len;
	unsigned cpus;                /* -append cpus=N: kernel CPUs (0: one) */
	int gcstress;                 /* -append gcstress: a collection at every allocation */
	int stats;                    /* -append stats: each SIP's figures when it ends */
};

int pc_smoke(void);
int pc_smp_smoke(void);                 /* -append smp: every CPU (smp_smoke.c) */
int pc_boot_image(const struct pc_boot *b);
/* -append trace (tracedump.c): record from boot, every kind (0, or -1 if
 * memory is short); at shutdown send the dump over COM2 and stop. */
int pc_trace_begin(void);
void pc_trace_end(void);
/* The test-only broken kernel (built with -DPC_FORCE_FAULT) faults here. */
void pc_fault_if_built(void);

#endif
