/*
 * cmd_store.c - the system store from the command line.
 *
 *   sing list [--store DIR]                      installed programs
 *   sing uninstall NAME [--force] [--store DIR]  remove one (refused while
 *                                                another depends on it)
 *   sing store-check PKG... [--record] [--store DIR]
 *        (test/admin aid, not in `sing help`) run every install check and
 *        the verifier; with --record, install without compiling.
 *
 * st_cli_install() is what `sing install` calls with its verify+compile
 * hook.  DIR defaults to $SING_STORE, else the binary's folder + /store.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../sil/sil.h"
#include "../store/store.h"
#include "../verify/verify.h"

enum { OPT_RECORD = 1, OPT_FORCE = 2 };

struct opts {
	const char *store;
	unsigned flags;
	int nargs;
	char **args;         /* positional arguments */
};

/* Split argv[1..] into options (allowed ones only) and positionals. */
static int parse(int argc, char **argv, unsigned allowed, struct opts *o)
{
	static const struct { const char *word; unsigned flag; } words[] = {
		{"--record", OPT_RECORD}, {"--force", OPT_FORCE},
	};
	memset(o, 0, sizeof *o);
	o->args = xcalloc((size_t)argc, sizeof *o->args);
	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		if (!strcmp(argv[i], "--store") && i + 1 < argc) {
			o->store = argv[++i];
			continue;
		}
		while (k < sizeof words / sizeof words[0] && strcmp(argv[i], words[k].word))
			k++;
		if (k < sizeof words / sizeof words[0] && (allowed & words[k].flag))
			o->flags |= words[k].flag;
		else if (argv[i][0] == '-')
			return 1;
		else
			o->args[o->nargs++] = argv[i];
	}
	return 0;
}

static struct st_store *open_store(const struct opts *o)
{
	char buf[4096];
	return st_open(o->store ? o->store : st_default_dir(buf, sizeof buf), NULL, stderr);
}

static void print_installed(const struct sil_pkg *p)
{
	char hex[65];
	st_hex(p->hash, hex);
	printf("installed %s %s (hash %.12s)\n", p->man.name, p->man.version, hex);
}

int st_cli_install(int argc, char **argv, const struct st_hook *hook)
{
	struct opts o;
	if (parse(argc, argv, 0, &o) || o.nargs == 0) {
		fprintf(stderr, "usage: sing install PKG... [--store DIR]\n");
		free(o.args);
		return 2;
	}
	struct st_store *st = open_store(&o);
	int rc = st ? 0 : 1;
	for (int i = 0; st && i < o.nargs; i++) {
		struct sbuf b = {0};
		struct sil_pkg *p = cli_load(o.args[i], &b);
		if (!p || st_install(st, p, b.data, b.len, hook, stderr))
			rc = 1;
		else
			print_installed(p);
		fflush(stdout);
		sil_free(p);
		sb_free(&b);
	}
	st_close(st);
	free(o.args);
	return rc;
}

/* The hook of store-check: the verifier only (no compilation). */
static int verify_only(void *ctx, const struct sil_pkg *p, const char *dir, FILE *errs)
{
	struct vfy_report rep;
	(void)dir;
	return vfy_package(p, ctx, errs, &rep) != 0;
}

static int check_one(struct st_store *st, const char *path, unsigned flags)
{
	struct sbuf b = {0};
	struct sil_pkg *p = cli_load(path, &b);
	struct st_hook hook = {verify_only, (void *)path};
	int rc = !p;
	if (p && (flags & OPT_RECORD)) {
		rc = st_install(st, p, b.data, b.len, &hook, stderr);
		if (!rc)
			print_installed(p);
	} else if (p) {
		rc = st_check_install(st, p, b.data, b.len, stderr) != 0 ||
		     verify_only((void *)path, p, NULL, stderr);
		if (!rc)
			printf("%s: %s passes every install check\n", path, p->man.name);
	}
	fflush(stdout);
	sil_free(p);
	sb_free(&b);
	return rc;
}

int cmd_store_check(int argc, char **argv)
{
	struct opts o;
	if (parse(argc, argv, OPT_RECORD, &o) || o.nargs == 0) {
		fprintf(stderr, "usage: sing store-check PKG... [--record] [--store DIR]\n");
		free(o.args);
		return 2;
	}
	struct st_store *st = open_store(&o);
	int rc = st ? 0 : 1;
	for (int i = 0; st && i < o.nargs; i++)
		rc |= check_one(st, o.args[i], o.flags);
	st_close(st);
	free(o.args);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	struct opts o;
	if (parse(argc, argv, 0, &o) || o.nargs != 0) {
		fprintf(stderr, "usage: sing list [--store DIR]\n");
		free(o.args);
		return 2;
	}
	struct st_store *st = open_store(&o);
	if (st)
		st_list(st, stdout);
	st_close(st);
	free(o.args);
	return st ? 0 : 1;
}

int cmd_uninstall(int argc, char **argv)
{
	struct opts o;
	if (parse(argc, argv, OPT_FORCE, &o) || o.nargs != 1) {
		fprintf(stderr, "usage: sing uninstall NAME [--force] [--store DIR]\n");
		free(o.args);
		return 2;
	}
	struct st_store *st = open_store(&o);
	int rc = !st || st_uninstall(st, o.args[0], o.flags & OPT_FORCE, stderr);
	if (!rc)
		printf("uninstalled %s\n", o.args[0]);
	st_close(st);
	free(o.args);
	return rc;
}
