/* cmd_verify.c - `sing verify FILE...`: run the trusted verifier over
 * packages (.sil), SIL text (.sasm) or Sing source (.sg), loaded as an
 * installer would see them (cli_load), and print one summary line per
 * good package or every violation. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../sil/sil.h"
#include "../verify/verify.h"

static int verify_one(const char *path)
{
	struct sil_pkg *p = cli_load(path, NULL);
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
