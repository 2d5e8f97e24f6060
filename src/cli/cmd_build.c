/*
 * cmd_build.c - `sing build a.sg [b.sg ...] [-I dir]... [-o out.sil]`:
 * compile Sing source to one SIL package (default: a.sil beside a.sg).
 *
 * Imports are searched in the importing file's folder, then each -I
 * folder, then the system's sys/ folder (cli_sys_dir in load.c).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../lang/lang.h"

static int usage(void)
{
	fprintf(stderr, "usage: sing build a.sg [b.sg ...] [-I dir] [-o out.sil]\n");
	return 2;
}

int cmd_build(int argc, char **argv)
{
	const char **files = calloc((size_t)argc + 1, sizeof *files);
	const char **inc = calloc((size_t)argc + 2, sizeof *inc);
	const char *out = NULL;
	int nfiles = 0, ninc = 0, rc = 1;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "-I") && i + 1 < argc)
			inc[ninc++] = argv[++i];
		else if (argv[i][0] == '-')
			goto bad;
		else
			files[nfiles++] = argv[i];
	}
	if (!nfiles)
		goto bad;
	char sys[PATH_MAX];
	if (cli_sys_dir(sys, sizeof sys))
		inc[ninc++] = sys;
	char def[PATH_MAX];
	if (!out) {
		size_t n = strlen(files[0]);
		if (n > 3 && !strcmp(files[0] + n - 3, ".sg"))
			n -= 3;
		snprintf(def, sizeof def, "%.*s.sil", (int)n, files[0]);
		out = def;
	}
	struct sil_pkg *p = lang_build_files(files, nfiles, inc, ninc, stderr);
	if (p) {
		struct sbuf b = {0};
		sil_write(p, &b);
		if (write_file(out, b.data, b.len) == 0)
			rc = 0;
		else
			perror(out);
		sb_free(&b);
		sil_free(p);
	}
	free(files);
	free(inc);
	return rc;
bad:
	free(files);
	free(inc);
	return usage();
}
