/*
 * pipeline.h - the trusted road: verify -> compile -> load, in one place.
 *
 * A package becomes code the kernel runs only through here: the verifier
 * (vfy_package, always: no flag skips it), then the backend (its cache,
 * or a known copy such as the store's, used only if it carries the
 * package's hash and this generator's id), then the kernel's own ELF
 * loader, which checks the object's embedded package hash.  `sing run`,
 * `install`, `image`, `boot` and `bench` all call these functions; the
 * command line only parses arguments.  The boot image (image.h) is the
 * road's output for a machine without a C compiler: pl_image fills it
 * through pl_compile, and only image.c loads from it.
 *
 * Invariant: sk_load_mem is called from this room only (pipeline.c and,
 * for boot images the road wrote, image.c); tests/system checks it with
 * nm.  This module must never load an object it did not get from
 * pl_compile in the same call.
 */
#ifndef SYSTEM_PIPELINE_H
#define SYSTEM_PIPELINE_H

#include <stdio.h>

#include "../backend/backend.h"
#include "../kernel/kernel.h"
#include "../sil/sil.h"

struct st_store;

/* Verify p (label names it in messages), then compile it (or take the
 * cache's or known's object); r gets the object.  0, or 1 after
 * reporting on errs. */
int pl_compile(const struct sil_pkg *p, const char *label, const char *known, FILE *errs,
               struct be_result *r);

/* pl_compile, then load the object into k.  NULL after reporting. */
struct sk_image *pl_load(struct sk_kernel *k, const struct sil_pkg *p, const char *label,
                         FILE *errs, struct be_result *r);

/* The boot image of the store st and config text (image.h): every
 * installed program through pl_compile (its stored object as the known
 * copy), with its manifest.  0, or 1 after reporting on errs. */
struct sbuf;
int pl_image(const struct st_store *st, const char *config, size_t configlen, struct sbuf *out,
             FILE *errs);

#endif
