/*
 * verify.h - the verifier: the trusted check of a SIL package.
 *
 * Nothing is installed, compiled or run unless vfy_package() returned 0.
 * The verifier checks everything on the package alone (structure, types,
 * memory safety, linear ownership, endpoint typestate, contracts, privilege,
 * the content hash) in one forward pass per function.  It must never include
 * anything from src/lang, never trust the compiler, and never crash, hang or
 * allocate without bound on hostile input.
 */
#ifndef VERIFY_VERIFY_H
#define VERIFY_VERIFY_H

#include <stdio.h>
#include "../sil/sil.h"

struct vfy_report {
	uint32_t nfuncs;      /* functions checked */
	uint64_t ninsns;      /* instructions checked */
	uint32_t nerrors;     /* violations found */
};

/* Check p.  Each violation is printed to errs (if not NULL) as
 *   FILE: error: function NAME, instruction N (OP): RULE: message
 * (or "FILE: error: RULE: message" outside functions), where RULE is one of
 * the named rules in docs/verifier.md.  Returns 0 if p is sound. */
int vfy_package(const struct sil_pkg *p, const char *file, FILE *errs,
                struct vfy_report *rep);

#endif
