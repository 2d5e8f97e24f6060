/*
 * backend.h - install-time compilation: verified SIL to native code.
 *
 * lower.c turns a package into one C file (rt.h as its prelude, one C
 * function per SIL function, one C local per SIL local, labels as goto
 * targets, every run-time check spelled out); cc.c compiles it with the
 * system C compiler into a shared object; elfsym.c checks that the object
 * calls nothing but the ABI; cache.c keeps objects by package hash.
 *
 * Invariant: the backend acts only on packages vfy_package() passed; it
 * never trusts an index it has not seen the verifier check, and a changed
 * package never reuses a stale object.  Only the trusted road calls it
 * (src/system/pipeline.c, which runs the verifier first, always).
 */
#ifndef BACKEND_BACKEND_H
#define BACKEND_BACKEND_H

#include <stdio.h>

#include "../sil/sil.h"

/* Bump when the generated code changes meaning (also part of the cache
 * entries' generator id, with rt.h's text, SIL_VERSION and the compiler
 * command). */
#define BE_LOWER_VERSION "lower-23"

struct be_result {
	char so_path[4096];    /* the compiled object in the cache */
	char hash[65];         /* hex of the package hash */
	int hit;               /* 1 if it was already in the cache */
	double lower_ms, cc_ms;
};

/* Lower p, compile it and store it in the cache, or find it there.
 * known, if not NULL, is a file that may already hold the object (the
 * store's copy): used, as a cache entry is, only if it carries p's hash
 * and this generator's id.  Returns 0 on success; reports on errs. */
int be_install(const struct sil_pkg *p, const char *known, struct be_result *r, FILE *errs);

/* The cache directory: $SING_CACHE, else $XDG_CACHE_HOME/sing, else
 * $HOME/.cache/sing (cache.c). */
const char *be_cache_dir(char *buf, size_t n);

/* lower.c: the C text of p, for generator id gen (64 hex digits). */
void be_lower(const struct sil_pkg *p, const char *gen, struct sbuf *out);

/* cc.c: the compiler command's words (for the generator id) and a run. */
const char *be_cc_command(void);
int be_cc(const char *cfile, const char *sofile, FILE *errs);

/* elfsym.c: 0 if every undefined symbol of the object is in the ABI. */
int be_check_symbols(const char *sofile, FILE *errs);
/* Print the ABI symbol list, one per line. */
void be_print_abi(FILE *out);

void be_hex(const uint8_t *b, size_t n, char *out);


extern const char be_rt_h[];   /* prelude.c */
extern const char be_fmath_h[];   /* prelude.c: the f64 functions */

#endif
