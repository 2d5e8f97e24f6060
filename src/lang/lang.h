/*
 * lang.h - the Sing compiler (untrusted): Sing source files to one SIL
 * package.
 *
 * The pipeline: lex + parse every file (imports pulled in as found), then
 * declare (types, contracts, signatures), then check and emit each function
 * body in one pass, then the manifest and main's signature.  Every error is
 * printed to errs as "file:line:col: error: message" with the source line
 * and a caret; any error means no package.
 * Invariant: nothing here is trusted - the verifier re-checks everything the
 * package says.  This module never writes files and never exits.
 */
#ifndef LANG_LANG_H
#define LANG_LANG_H

#include <stdio.h>

#include "../sil/sil.h"

/* Compile files[0..nfiles) with imports searched in each file's folder,
 * then in incdirs[0..ninc).  Returns the package (sil_free it), or NULL
 * after printing errors to errs (which may be NULL). */
struct sil_pkg *lang_build_files(const char *const *files, int nfiles,
                                 const char *const *incdirs, int ninc, FILE *errs);

/* Compile one in-memory source (the fuzzer's entry): no file is read, so
 * every import is an error. */
struct sil_pkg *lang_build_source(const char *name, const char *text, size_t len, FILE *errs);

#endif
