/*
 * image.h - the boot image: a store's installed programs, compiled, in one
 * file a machine without a C compiler boots from (docs/baremetal.md "The
 * boot image", byte by byte).
 *
 * `sing image` writes it through the trusted road (pipeline.h: pl_image);
 * `sing boot` builds the same bytes in memory from the store; the
 * bare-metal kernel finds it as its multiboot module.  All three hand it
 * to init_boot_image (init.h), which reads it here.
 *
 * Layout, little-endian, no padding:
 *   header   "SINGBOOT", u32 version (IMG_VERSION), u32 programs (<= IMG_MAXPROGS),
 *            u32 config length (<= IMG_MAXCONFIG), the config text
 *   program  u32 length of the rest of the entry, then
 *            name (u8 length 1..63, bytes), u8 kind (enum sil_pkind),
 *            u64 budget, 64 bytes package hash (lowercase hex),
 *            version (u8 length 0..32, bytes; 0: none),
 *            usage (u16 length 0..SK_MAXUSAGE-1, bytes; 0: none),
 *            u8 endpoints (<= SK_MAXEPS), each a path (u8 length 1..63, bytes),
 *            u8 capabilities (<= SK_MAXCAPS), each (u8 length 1..47, bytes),
 *            u8 hardware claims (<= SK_MAXHW), each u8 kind (0..2), u8 shared
 *            (0/1), u64 base, u64 length,
 *            u32 object length, the object (an ELF shared object, elf.h)
 * The file ends exactly after the last program.
 *
 * Invariant: the reader checks every length against the bytes left
 * (hostile bytes give a named reason, never a crash) and never writes to
 * the image.  This file (image.c) is freestanding: it runs on bare metal.
 * It and pipeline.c are the only callers of sk_load_mem; an image is the
 * road's output, trusted as the kernel binary is (docs/baremetal.md "The
 * trusted road").
 */
#ifndef SYSTEM_IMAGE_H
#define SYSTEM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/kernel.h"

#define IMG_MAGIC "SINGBOOT"
#define IMG_VERSION 3u
#define IMG_MAXPROGS 64u
#define IMG_MAXCONFIG 65536u
#define IMG_MAXNAME 63u      /* names and endpoint paths */
#define IMG_MAXCAP 47u
#define IMG_MAXVERSION 32u

/* One program of an image, read. */
struct img_prog {
	char name[IMG_MAXNAME + 1];
	uint8_t kind;
	uint64_t budget;
	char hash[65];
	char version[IMG_MAXVERSION + 1];   /* "": none */
	char usage[SK_MAXUSAGE];        /* "": none */
	char eps[SK_MAXEPS][IMG_MAXNAME + 1];
	char caps[SK_MAXCAPS][IMG_MAXCAP + 1];
	struct sk_manifest man;          /* its strings point into eps and caps */
	const uint8_t *obj;              /* inside the image */
	uint32_t objlen;
};

struct img_reader {
	const uint8_t *p;
	size_t len, at;
	uint32_t nprogs, next;
	const char *config;              /* inside the image, not terminated */
	uint32_t configlen;
};

/* Read the header.  0, or -1 with "image: ..." in err. */
int img_open(struct img_reader *r, const void *img, size_t len, char *err, unsigned errlen);
/* The next program: 1, 0 after the last (the file must end there), or
 * -1 with "image: program N: ..." in err. */
int img_next(struct img_reader *r, struct img_prog *out, char *err, unsigned errlen);

/* Load and install every program of the image into k (sk_load_mem,
 * sk_install).  0, or -1 at the first failure with "NAME: why" (or
 * "image: ...") in err: the caller then boots nothing (all or nothing).
 * Either way imgs (IMG_MAXPROGS) receives the *n images loaded, to
 * unload after sk_shutdown. */
int img_install(struct sk_kernel *k, const void *img, size_t len, struct sk_image **imgs,
                int *n, char *err, unsigned errlen);

/* The writer (image_write.c, hosted): append a header or a program. */
struct sbuf;
void img_put_header(struct sbuf *b, uint32_t nprogs, const char *config, uint32_t configlen);
/* 0, or -1 with the reason in err if p does not fit the format. */
int img_put_prog(struct sbuf *b, const struct img_prog *p, char *err, unsigned errlen);

#endif
