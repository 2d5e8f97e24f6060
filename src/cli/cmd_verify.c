/* cmd_verify.c - `sing verify FILE...`: run the trusted verifier over
 * packages (.sil), or over SIL text (.sasm, assembled first: handy for
 * tests), and print one summary line per good package or every violation. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../sil/sil.h"
#include "../verify/verify.h"

static int is_sasm(const char *path)
{
	size_t n = strlen(path);
	return n > 5 && !strcmp(path + n - 5, ".sasm");
}

/* Load a package from its binary or text form; NULL after reporting. */
static struct sil_pkg *load(const char *path)
{
	size_t len;
	uint8_t *buf = read_file(path, &len);
	if (!buf) {
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return NULL;
	}
	struct sil_pkg *p;
	if (is_sasm(path)) {
		p = sil_asm((const char *)buf, len, path, stderr);
		if (p) {
			/* Verify exactly what an installer would see: encode, then decode. */
			struct sbuf b = {0};
			char err[256];
			sil_write(p, &b);
			sil_free(p);
			p = sil_read(b.data, b.len, err, sizeof err);
			if (!p)
				fprintf(stderr, "%s: error: %s\n", path, err);
			sb_free(&b);
		}
	} else {
		char err[256];
		p = sil_read(buf, len, err, sizeof err);
		if (!p)
			fprintf(stderr, "%s: error: %s\n", path, err);
	}
	free(buf);
	return p;
}

static int verify_one(const char *path)
{
	struct sil_pkg *p = load(path);
	if (!p)
		return 1;
	struct vfy_report rep;
	int rc = vfy_package(p, path, stderr, &rep);
	if (!rc)
		printf("%s: ok: %u functions, %llu instructions verified\n", path, rep.nfuncs,
		       (unsigned long long)rep.ninsns);
	fflush(stdout);   /* keep verdicts in order when stdout and stderr share a file */
	sil_free(p);
	return rc ? 1 : 0;
}

int cmd_verify(int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: sing verify a.sil|a.sasm [...]\n");
		return 2;
	}
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= verify_one(argv[i]);
	return rc;
}
