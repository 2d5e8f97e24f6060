/*
 * fuzz_asm.c - the assembler on arbitrary text.
 *
 * Properties: sil_asm never crashes or hangs; what it accepts writes a
 * package the reader accepts (with the hash status the text asked for),
 * and whose disassembly assembles back to the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sil/sil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct sil_pkg *p = sil_asm((const char *)data, size, "fuzz.sasm", devnull);
	if (!p)
		return 0;
	struct sbuf b = {0};
	sil_write(p, &b);
	char err[256];
	struct sil_pkg *q = sil_read(b.data, b.len, err, sizeof err);
	if (!q) {
		fprintf(stderr, "reader rejects the writer's output: %s\n", err);
		abort();
	}
	if (!p->hash_forged && !q->hash_ok)
		abort(); /* a computed hash must match */
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	sil_dis(q, f);
	fclose(f);
	struct sil_pkg *r = sil_asm(text, tlen, "dis", devnull);
	if (!r) {
		fprintf(stderr, "disassembly does not assemble:\n%s", text);
		abort();
	}
	struct sbuf c = {0};
	sil_write(r, &c);
	if (c.len != b.len || memcmp(c.data, b.data, b.len) != 0) {
		fprintf(stderr, "asm(dis(x)) differs from x\n");
		abort();
	}
	sb_free(&c);
	sb_free(&b);
	free(text);
	sil_free(r);
	sil_free(q);
	sil_free(p);
	return 0;
}
