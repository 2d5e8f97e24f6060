/*
 * boot.h - the hosted front end of init: `sing boot` and `sing image`.
 *
 * Turns a store (every installed program, through the trusted road:
 * pipeline.h pl_image) or a boot-image file into the bytes of a boot image
 * and hands them to init_boot_image (init.h), the same entry the
 * bare-metal kernel calls with its multiboot module.  Host things live
 * here, never in init: files, the environment, the NIC wire's default.
 *
 * Invariant: the only way into the kernel from here is init_boot_image
 * with an image the road wrote (in memory from a store, or a file `sing
 * image` wrote).  This room never includes the command line (src/cli).
 */
#ifndef SYSTEM_BOOT_H
#define SYSTEM_BOOT_H

#include <stdio.h>

struct sbuf;

struct boot_opts {
	const char *store;        /* the store to boot (when image is NULL) */
	const char *image;        /* a boot image file to boot instead */
	const char *sys_config;   /* the configuration used when the store has none, or NULL */
	const char *wire;         /* the NIC's wire; NULL: pcap:DIR/nic0.pcap beside the store or image */
	unsigned debug;           /* SK_DEBUG_* */
	unsigned cpus;            /* CPUs to run (0: every CPU) */
};

/* The boot image of the store dir (its config, else sys_config), built
 * through the road into out.  0, or 1 after reporting on errs. */
int boot_store_image(const char *dir, const char *sys_config, struct sbuf *out, FILE *errs);

/* Boot and run until the shell exits (init_boot_image's status). */
int boot_run(const struct boot_opts *o);

#endif
