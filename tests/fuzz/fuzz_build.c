/*
 * fuzz_build.c - the Sing compiler on arbitrary bytes as one source file.
 *
 * Properties: lang_build_source never crashes, hangs or leaks, whatever
 * the input (imports cannot be found: the file lives in no folder); and
 * whatever it accepts is a package the reader reads back and the verifier
 * accepts - the untrusted compiler must only emit what the trusted side
 * will take.
 */
#include <stdio.h>
#include <stdlib.h>

#include "lang/lang.h"
#include "sil/sil.h"
#include "verify/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct sil_pkg *p = lang_build_source("fuzz.sg", (const char *)data, size, devnull);
	if (!p)
		return 0;
	struct sbuf b = {0};
	sil_write(p, &b);
	char err[256];
	struct sil_pkg *q = sil_read(b.data, b.len, err, sizeof err);
	if (!q) {
		fprintf(stderr, "reader rejects the compiler's output: %s\n", err);
		abort();
	}
	if (vfy_package(q, "fuzz.sil", stderr, NULL) != 0) {
		fprintf(stderr, "verifier rejects the compiler's output\n");
		abort();
	}
	sil_free(q);
	sb_free(&b);
	sil_free(p);
	return 0;
}
