/* cmd_sil.c - `sing asm`, `sing dis` and `sing manifest`: the package tools. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../sil/sil.h"
#include "../sil/text.h"

/* a.sasm -> a.sil; any other name gets .sil appended. */
static char *default_output(const char *in)
{
	size_t n = strlen(in);
	if (n > 5 && !strcmp(in + n - 5, ".sasm"))
		n -= 5;
	char *out = xmalloc(n + 5);
	memcpy(out, in, n);
	memcpy(out + n, ".sil", 5);
	return out;
}

int cmd_asm(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!in && argv[i][0] != '-')
			in = argv[i];
		else
			in = NULL, argc = 0;
	}
	if (!in) {
		fprintf(stderr, "usage: sing asm a.sasm [-o a.sil]\n");
		return 2;
	}
	size_t len;
	char *src = (char *)read_file(in, &len);
	if (!src) {
		fprintf(stderr, "%s: error: %s\n", in, strerror(errno));
		return 1;
	}
	struct sil_pkg *p = sil_asm(src, len, in, stderr);
	free(src);
	if (!p)
		return 1;
	struct sbuf b = {0};
	sil_write(p, &b);
	sil_free(p);
	char *dflt = out ? NULL : default_output(in);
	int rc = 0;
	if (write_file(out ? out : dflt, b.data, b.len) != 0) {
		fprintf(stderr, "%s: error: %s\n", out ? out : dflt, strerror(errno));
		rc = 1;
	}
	free(dflt);
	sb_free(&b);
	return rc;
}

int cmd_dis(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sing dis a.sil\n");
		return 2;
	}
	struct sil_pkg *p = cli_load(argv[1], NULL);
	if (!p)
		return 1;
	sil_dis(p, stdout);
	sil_free(p);
	return 0;
}

static void print_svcs(const struct sil_pkg *p, const char *title, uint32_t n,
                       const struct sil_svcdecl *v)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *cn = v[i].contract < p->ncontracts ? p->contracts[v[i].contract].name : "?";
		printf("%-13s %s  contract c%u %s\n", title, v[i].path, v[i].contract, cn);
	}
}

static void print_manifest(const struct sil_pkg *p)
{
	const struct sil_manifest *m = &p->man;
	char buf[256];
	printf("name          %s\nversion       %s\nkind          %s\nbudget        %llu bytes\n",
	       m->name, m->version, sil_pkind_names[m->kind], (unsigned long long)m->budget);
	for (uint32_t i = 0; i < m->ncaps; i++)
		printf("capability    %s\n", m->caps[i]);
	for (uint32_t i = 0; i < m->neps; i++) {
		const struct sil_type *t = sil_type(p, m->eps[i].type);
		printf("endpoint      %s  %s", m->eps[i].path, sil_type_str(p, m->eps[i].type, buf, sizeof buf));
		if (t && t->kind == SIL_TK_ENDPOINT)
			printf("  (contract c%u, %s side, state %u)", t->contract,
			       sil_side_names[t->side], t->state);
		putchar('\n');
	}
	print_svcs(p, "provides", m->nprovides, m->provides);
	print_svcs(p, "depends on", m->ndeps, m->deps);
	for (uint32_t i = 0; i < m->nhw; i++) {
		const struct sil_hw *h = &m->hw[i];
		printf("hardware      %-6s base 0x%llx length %llu %s\n", sil_hwkind_names[h->kind],
		       (unsigned long long)h->base, (unsigned long long)h->len,
		       sil_shared_names[h->shared]);
	}
	for (const char *u = m->usage, *nl; u; u = nl ? nl + 1 : NULL) {   /* one row a line */
		nl = strchr(u, '\n');
		printf("usage         %.*s\n", nl ? (int)(nl - u) : (int)strlen(u), u);
	}
}

int cmd_manifest(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sing manifest a.sil\n");
		return 2;
	}
	struct sil_pkg *p = cli_load(argv[1], NULL);
	if (!p)
		return 1;
	print_manifest(p);
	sil_free(p);
	return 0;
}
