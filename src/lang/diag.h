/*
 * diag.h - source files and error reports of the Sing compiler.
 *
 * Every error the compiler finds in a program goes through sg_diag_err, which
 * prints "file:line:col: error: message", the source line and a caret, and
 * counts it.  A package is only produced when the count is zero.
 * Invariant: a position always names a registered file; diag never exits.
 * Like every exported name of src/lang, these carry the prefix sg_ (all
 * rooms link into one binary).
 */
#ifndef LANG_DIAG_H
#define LANG_DIAG_H

#include <stdint.h>
#include <stdio.h>

#include "../util/util.h"

#define DIAG_MAXERR 50     /* stop reporting (and parsing) after this many */

struct pos {
	uint32_t file, line, col;  /* file index, 1-based line and byte column */
};

struct src {
	char *name;                /* as given (for messages) */
	char *dir;                 /* folder of the file, for relative imports */
	char *real;                /* canonical path, to import each file once */
	const char *text;
	size_t len;
};

struct diag {
	struct src *files;
	uint32_t nfiles, cap;
	FILE *out;                 /* may be NULL: count only */
	int nerr;
	struct arena *arena;       /* owns the file names and texts */
};

/* Register a file (text is copied); returns its index. */
uint32_t sg_diag_add(struct diag *d, const char *name, const char *dir, const char *real,
                  const char *text, size_t len);
PRINTF(3, 4) void sg_diag_err(struct diag *d, struct pos at, const char *fmt, ...);
/* True once DIAG_MAXERR errors were reported: callers stop early. */
int sg_diag_full(const struct diag *d);
void sg_diag_free(struct diag *d);

#endif
