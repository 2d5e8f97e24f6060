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
 *   sing store init DIR                          create an empty store
 *
 * st_cli_install() is what `sing install` calls with its verify+compile
 * hook.  DIR defaults to $SING_STORE, else the binary's folder + /store.
 * Only `sing store init` and the test aid `store-check --record` create a
 * store: any other command refuses a DIR that holds none (a mistyped
 * --store must not become an empty store).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	char why[160];       /* what was wrong with the arguments */
};

int cli_store_exists(const char *dir)
{
	char path[4200];
	struct stat st;
	snprintf(path, sizeof path, "%s/index", dir);
	if (stat(path, &st) == 0)
		return 0;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode))
		fprintf(stderr, "sing: %s: not a directory, so not a store\n", dir);
	else
		fprintf(stderr, "sing: %s: no store there (make one with: sing store init %s)\n", dir,
		        dir);
	return -1;
}

/* A usage error: one line, status 2. */
static int usage_error(const char *cmd, const char *why, const char *usage, struct opts *o)
{
	fprintf(stderr, "sing: %s: %s (usage: sing %s)\n", cmd, why, usage);
	free(o->args);
	return 2;
}

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
		if (!strcmp(argv[i], "--store")) {
			if (i + 1 == argc) {
				snprintf(o->why, sizeof o->why, "--store needs a directory");
				return 1;
			}
			o->store = argv[++i];
			continue;
		}
		while (k < sizeof words / sizeof words[0] && strcmp(argv[i], words[k].word))
			k++;
		if (k < sizeof words / sizeof words[0] && (allowed & words[k].flag)) {
			o->flags |= words[k].flag;
		} else if (argv[i][0] == '-') {
			snprintf(o->why, sizeof o->why, "unknown option '%.60s'", argv[i]);
			return 1;
		} else {
			o->args[o->nargs++] = argv[i];
		}
	}
	return 0;
}

/* The store of the command; may_create: only for the commands that make one. */
static struct st_store *open_store(const struct opts *o, int may_create)
{
	char buf[4096];
	const char *dir = o->store ? o->store : st_default_dir(buf, sizeof buf);
	if (!may_create && cli_store_exists(dir) < 0)
		return NULL;
	return st_open(dir, NULL, stderr);
}

static void print_installed(const struct sil_pkg *p)
{
	char hex[65];
	st_hex(p->hash, hex);
	printf("installed %s %s (hash %.12s)\n", p->man.name, p->man.version, hex);
}

/* Install each package into st, in order; 0 if all went in. */
static int install_all(struct st_store *st, struct opts *o, const struct st_hook *hook, int say)
{
	for (int i = 0; i < o->nargs; i++) {
		struct sbuf b = {0};
		struct sil_pkg *p = cli_load(o->args[i], &b);
		int bad = !p || st_install(st, p, b.data, b.len, hook, stderr);
		if (!bad && say)
			print_installed(p);
		fflush(stdout);
		sil_free(p);
		sb_free(&b);
		if (bad)
			return 1;
	}
	return 0;
}

/* Copy the tree at from to to (files and folders; the store holds no other). */
static int copy_tree(const char *from, const char *to)
{
	char a[4200], b[4200];
	struct stat st;
	if (stat(from, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		size_t len;
		uint8_t *data = read_file(from, &len);
		int rc = !data || write_file(to, data, len);
		free(data);
		return rc ? -1 : 0;
	}
	if (mkdir(to, 0755) != 0 && errno != EEXIST)
		return -1;
	{
		struct dirent **list;
		int n = scandir(from, &list, NULL, alphasort);
		int rc = n < 0 ? -1 : 0;
		for (int i = 0; i < n; i++) {
			if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..") && !rc) {
				snprintf(a, sizeof a, "%s/%s", from, list[i]->d_name);
				snprintf(b, sizeof b, "%s/%s", to, list[i]->d_name);
				rc = copy_tree(a, b);
			}
			free(list[i]);
		}
		free(n >= 0 ? list : NULL);
		return rc;
	}
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Several packages: all or nothing.  They are installed first into a copy
 * of the store (a package may need one named before it), and only when
 * every one went in there, into the store itself. */
static int rehearse(const char *dir, struct opts *o, const struct st_hook *hook)
{
	char tmp[4200];
	const char *t = getenv("TMPDIR");
	snprintf(tmp, sizeof tmp, "%s/sing-install-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp)) {
		fprintf(stderr, "sing: install: %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	int rc = copy_tree(dir, tmp);
	struct st_store *st = rc ? NULL : st_open(tmp, NULL, stderr);
	if (rc)
		fprintf(stderr, "sing: install: cannot copy the store %s to %s\n", dir, tmp);
	else if (!st || install_all(st, o, hook, 0))
		rc = 1;
	st_close(st);
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (rc)
		fprintf(stderr, "sing: install: nothing installed (all %d packages or none)\n", o->nargs);
	return rc;
}

int st_cli_install(int argc, char **argv, const struct st_hook *hook)
{
	struct opts o;
	const char *use = "install FILE... [--store DIR]";
	if (parse(argc, argv, 0, &o))
		return usage_error("install", o.why, use, &o);
	if (o.nargs == 0)
		return usage_error("install", "no package named", use, &o);
	char buf[4096];
	const char *dir = o.store ? o.store : st_default_dir(buf, sizeof buf);
	if (cli_store_exists(dir) < 0 || (o.nargs > 1 && rehearse(dir, &o, hook))) {
		free(o.args);
		return 1;
	}
	struct st_store *st = st_open(dir, NULL, stderr);
	int rc = !st || install_all(st, &o, hook, 1);
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
	const char *use = "store-check PKG... [--record] [--store DIR]";
	if (parse(argc, argv, OPT_RECORD, &o))
		return usage_error("store-check", o.why, use, &o);
	if (o.nargs == 0)
		return usage_error("store-check", "no package named", use, &o);
	struct st_store *st = open_store(&o, o.flags & OPT_RECORD);
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
	if (parse(argc, argv, 0, &o))
		return usage_error("list", o.why, "list [--store DIR]", &o);
	if (o.nargs != 0)
		return usage_error("list", "takes no arguments", "list [--store DIR]", &o);
	struct st_store *st = open_store(&o, 0);
	if (st)
		st_list(st, stdout);
	st_close(st);
	free(o.args);
	return st ? 0 : 1;
}

int cmd_uninstall(int argc, char **argv)
{
	struct opts o;
	const char *use = "uninstall NAME [--force] [--store DIR]";
	if (parse(argc, argv, OPT_FORCE, &o))
		return usage_error("uninstall", o.why, use, &o);
	if (o.nargs != 1)
		return usage_error("uninstall", o.nargs ? "one NAME at a time" : "no program named", use, &o);
	struct st_store *st = open_store(&o, 0);
	int rc = !st || st_uninstall(st, o.args[0], o.flags & OPT_FORCE, stderr);
	if (!rc)
		printf("uninstalled %s\n", o.args[0]);
	st_close(st);
	free(o.args);
	return rc;
}

/* sing store init DIR: the one command that makes a store on purpose. */
int cmd_store(int argc, char **argv)
{
	char path[4200];
	if (argc != 3 || strcmp(argv[1], "init")) {
		fprintf(stderr, "sing: store: %s (usage: sing store init DIR)\n",
		        argc < 2 ? "no subcommand" : strcmp(argv[1], "init") ? "unknown subcommand" :
		        "init takes one DIR");
		return 2;
	}
	snprintf(path, sizeof path, "%s/index", argv[2]);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "sing: store init: %s already holds a store\n", argv[2]);
		return 1;
	}
	struct st_store *st = st_open(argv[2], NULL, stderr);
	if (st)
		printf("created the store %s (policy: %s/policy)\n", argv[2], argv[2]);
	st_close(st);
	return st ? 0 : 1;
}
