/*
 * elfcheck.c - the kernel's ELF loader against hostile objects, through
 * the kernel's own API (sk_load_mem), linked with the real kernel and
 * hosted HAL (tests/kernel/run.sh builds it under the sanitizers).
 *
 *   elfcheck good OBJ HASH    loads; the same with another hash is refused
 *   elfcheck refuse OBJ WHY   refused, with WHY in the reason
 *   elfcheck call OBJ FN      load with the loader and print FN()'s value
 *   elfcheck mangle OBJ -     every truncation and thousands of bit flips
 *                             of the headers and tables through the loader
 *                             (elf_load, elf_sym): none crashes, each
 *                             refusal is named ("elf: ...").  Mangled bytes
 *                             stop there: what sing_image's tables say is
 *                             the road's to vouch for, as the code is (a
 *                             flipped bit of code is as bad as any).
 * Prints "ok NAME" or "FAIL NAME: why" lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/elf.h"
#include "kernel/kernel.h"
#include "util/util.h"

static struct sk_kernel *k;

/* Load obj and unload it again: 1 loaded, 0 refused (reason in err). */
static int try_load(const uint8_t *obj, size_t len, const char *hash, char *err, unsigned n)
{
	err[0] = 0;
	struct sk_image *im = sk_load_mem(k, obj, len, hash, err, n);
	sk_unload(im);
	return im != NULL;
}

/* The loader alone on obj: 1 loaded (and sing_image found), 0 refused. */
static int try_elf(const uint8_t *obj, size_t len, char *err, unsigned n)
{
	struct elf_code c;
	err[0] = 0;
	if (elf_load(obj, len, &c, err, n))
		return 0;
	int found = elf_sym(&c, "sing_image", 8, 8) != NULL;
	elf_unload(&c);
	if (!found)
		snprintf(err, n, "elf: no sing_image");
	return found;
}

static int good(const uint8_t *obj, size_t len, const char *hash)
{
	char err[256], other[65];
	if (!try_load(obj, len, hash, err, sizeof err)) {
		printf("FAIL elf-loads: %s\n", err);
		return 1;
	}
	printf("ok elf-loads\n");
	memcpy(other, hash, 65);
	other[0] = other[0] == '0' ? '1' : '0';
	if (try_load(obj, len, other, err, sizeof err) || !strstr(err, "hash differs"))
		printf("FAIL elf-wrong-hash: %s\n", err[0] ? err : "loaded");
	else
		printf("ok elf-wrong-hash (%s)\n", err);
	return 0;
}

static int refuse(const uint8_t *obj, size_t len, const char *why)
{
	char err[256];
	static const char hash[65] = "0000000000000000000000000000000000000000000000000000000000000000";
	if (try_load(obj, len, hash, err, sizeof err) || !strstr(err, why))
		printf("FAIL refused '%s': %s\n", why, err[0] ? err : "loaded");
	else
		printf("ok refused '%s' (%s)\n", why, err);
	return 0;
}

/* One mangled copy: no crash (the sanitizers watch), a named refusal. */
/* The distinct reasons seen (a number as N, a symbol's name as NAME),
 * printed as a comment. */
static char reasons[64][96];
static int nreasons;

static void note(const char *err)
{
	char r[96];
	size_t n = 0;
	const char *sym = strstr(err, "elf: symbol "), *is = sym ? strstr(sym, " is ") : NULL;
	for (const char *p = err; *p && n + 5 < sizeof r; p++) {
		if (is && p == sym + 12) {
			n += (size_t)sprintf(r + n, "NAME");
			p = is;
		}
		if (*p >= '0' && *p <= '9' && p > err && p[-1] == ' ') {
			r[n++] = 'N';
			while (p[1] >= '0' && p[1] <= '9')
				p++;
		} else
			r[n++] = *p;
	}
	r[n] = 0;
	for (int i = 0; i < nreasons; i++)
		if (!strcmp(reasons[i], r))
			return;
	if (nreasons < 64)
		strcpy(reasons[nreasons++], r);
}

static int mangled(const uint8_t *obj, size_t len, unsigned *refused, unsigned *loaded,
                   char *bad, size_t nbad)
{
	char err[256];
	if (try_elf(obj, len, err, sizeof err))
		(*loaded)++;
	else if (!strncmp(err, "elf: ", 5)) {
		(*refused)++;
		note(err);
	}
	else if (!bad[0])
		snprintf(bad, nbad, "unnamed reason '%s'", err);
	return 0;
}

static void mangle(const uint8_t *obj, size_t len)
{
	unsigned refused = 0, loaded = 0;
	char bad[300] = "";
	uint8_t *b = xmalloc(len);
	/* Truncations: every length through the headers, then every 61st. */
	for (size_t n = 0; n < len; n += n < 4096 ? 1 : 61) {
		memcpy(b, obj, n);
		mangled(b, n, &refused, &loaded, bad, sizeof bad);
	}
	printf("%s elf-truncations%s%s (%u refused, %u loaded)\n", bad[0] ? "FAIL" : "ok",
	       bad[0] ? ": " : "", bad, refused, loaded);
	/* Bit flips, one to three at a time from a fixed seed: in the ELF and
	 * program headers (first 1 KiB), then through the first 8 KiB (dynamic
	 * symbols, strings, relocations). */
	unsigned seed = 12345;
	refused = loaded = 0;
	bad[0] = 0;
	for (int i = 0; i < 8000; i++) {
		size_t span = i < 4000 ? 1024 : 8192;
		span = len < span ? len : span;
		memcpy(b, obj, len);
		for (int f = 0; f <= i % 3; f++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % span;
			b[at] ^= (uint8_t)(1u << ((seed >> 4) & 7));
		}
		mangled(b, len, &refused, &loaded, bad, sizeof bad);
	}
	printf("%s elf-bit-flips%s%s (%u refused, %u loaded)\n", bad[0] ? "FAIL" : "ok",
	       bad[0] ? ": " : "", bad, refused, loaded);
	printf("# %d distinct reasons, e.g.:", nreasons);
	for (int i = 0; i < nreasons; i++)
		printf("%s%s", i ? " | " : " ", reasons[i]);
	printf("\n");
	free(b);
}

static void call(const uint8_t *obj, size_t len, const char *fn)
{
	struct elf_code c;
	char err[256];
	if (elf_load(obj, len, &c, err, sizeof err)) {
		printf("refused: %s\n", err);
		return;
	}
	void *f = elf_sym(&c, fn, 1, 1);
	int (*p)(void);
	memcpy(&p, &f, sizeof p);
	if (f)
		printf("%s %d\n", fn, p());
	else
		printf("no %s\n", fn);
	elf_unload(&c);
}

int main(int argc, char **argv)
{
	size_t len;
	uint8_t *obj = argc == 4 ? read_file(argv[2], &len) : NULL;
	if (!obj) {
		fprintf(stderr, "usage: elfcheck good|refuse|mangle OBJ HASH|WHY\n");
		return 2;
	}
	k = sk_boot(0);
	if (!strcmp(argv[1], "good"))
		good(obj, len, argv[3]);
	else if (!strcmp(argv[1], "call"))
		call(obj, len, argv[3]);
	else if (!strcmp(argv[1], "refuse"))
		refuse(obj, len, argv[3]);
	else
		mangle(obj, len);
	sk_shutdown(k);
	free(obj);
	return 0;
}
