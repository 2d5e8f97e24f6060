/*
 * fuzz_read.c - the binary reader on arbitrary bytes.
 *
 * Properties: sil_read never crashes; a package it accepts is in canonical
 * form (sil_write gives back the input exactly), and its disassembly
 * assembles back to the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sil/sil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* asm(dis(p)) must encode to exactly `want`. */
static void check_text(const struct sil_pkg *p, const uint8_t *want, size_t n)
{
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	sil_dis(p, f);
	fclose(f);
	struct sil_pkg *q = sil_asm(text, tlen, "dis", devnull);
	if (!q) {
		fprintf(stderr, "disassembly does not assemble:\n%s", text);
		abort();
	}
	struct sbuf b = {0};
	sil_write(q, &b);
	if (b.len != n || memcmp(b.data, want, n) != 0) {
		fprintf(stderr, "asm(dis(x)) differs from x\n");
		abort();
	}
	sb_free(&b);
	sil_free(q);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct sil_pkg *p = sil_read(data, size, err, sizeof err);
	if (!p) {
		if (strncmp(err, "offset ", 7) != 0)
			abort(); /* every rejection names its offset */
		return 0;
	}
	struct sbuf b = {0};
	p->hash_forged = 1; /* keep the stored hash, right or wrong */
	sil_write(p, &b);
	if (b.len != size || memcmp(b.data, data, size) != 0) {
		fprintf(stderr, "read then write is not the identity\n");
		abort();
	}
	sb_free(&b);
	check_text(p, data, size);
	sil_free(p);
	return 0;
}
