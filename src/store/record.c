/* record.c - change the store: install and uninstall.  Every change is
 * staged beside the store's files and committed by one rename of the
 * index; a failure before the commit removes what was staged. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "../sil/text.h"

int st_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                    FILE *errs)
{
	char tmp[4096], path[4096];
	snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int ok = fd >= 0 && write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (ok && rename(tmp, path) == 0)
		return 0;
	fprintf(errs, "store: %s: %s\n", path, strerror(ok ? errno : e));
	unlink(tmp);
	return 1;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* The manifest as readable text: the store's pkg/HASH/manifest. */
static void manifest_text(const struct sil_pkg *p, uint64_t budget, struct sbuf *b)
{
	const struct sil_manifest *m = &p->man;
	char buf[256], hex[65];
	st_hex(p->hash, hex);
	sb_printf(b, "name %s\nversion %s\nkind %s\nbudget %llu%s\nhash %s\n", m->name,
	          m->version, sil_pkind_names[m->kind], (unsigned long long)budget,
	          m->budget ? "" : " (the policy's default)", hex);
	for (uint32_t i = 0; i < m->ncaps; i++)
		sb_printf(b, "capability %s\n", m->caps[i]);
	for (uint32_t i = 0; i < m->neps; i++)
		sb_printf(b, "endpoint %s %s\n", m->eps[i].path,
		          sil_type_str(p, m->eps[i].type, buf, sizeof buf));
	for (uint32_t i = 0; i < m->nprovides; i++)
		sb_printf(b, "provide %s %s\n", m->provides[i].path,
		          p->contracts[m->provides[i].contract].name);
	for (uint32_t i = 0; i < m->ndeps; i++)
		sb_printf(b, "depend %s %s\n", m->deps[i].path, p->contracts[m->deps[i].contract].name);
	for (uint32_t i = 0; i < m->nhw; i++)
		sb_printf(b, "%s %s\n", st_hw_str(&m->hw[i], buf, sizeof buf),
		          sil_shared_names[m->hw[i].shared]);
}

static void entry_line(struct sbuf *b, const struct st_prog *g)
{
	sb_printf(b, "%s %s %s %llu %s\n", g->name, g->p->man.version,
	          sil_pkind_names[g->p->man.kind], (unsigned long long)g->budget, g->hash);
}

/* Commit the index: every program but `drop` (may be NULL), plus `add`
 * (may be NULL) in name order.  Only then may st->progs change. */
static int commit_index(struct st_store *st, const char *drop, const struct st_prog *add,
                        FILE *errs)
{
	struct sbuf b = {0};
	sb_str(&b, st_index_header);
	for (uint32_t i = 0; i <= st->nprogs; i++) {
		const struct st_prog *g = i < st->nprogs ? &st->progs[i] : NULL;
		if (add && (!g || strcmp(add->name, g->name) < 0)) {
			entry_line(&b, add);
			add = NULL;
		}
		if (g && (!drop || strcmp(g->name, drop)))
			entry_line(&b, g);
	}
	int rc = st_write_atomic(st->dir, "index", b.data, b.len, errs);
	sb_free(&b);
	return rc;
}

/* Stage pkg/.stage-HASH: the package and its manifest (the hook adds more). */
static int stage(const struct sil_pkg *p, const uint8_t *bytes, size_t len,
                 uint64_t budget, const char *dir, FILE *errs)
{
	struct sbuf b = {0};
	manifest_text(p, budget, &b);
	remove_tree(dir);            /* a leftover of a crashed install */
	int rc = 1;
	if (mkdir(dir, 0777) != 0)
		fprintf(errs, "store: %s: %s\n", dir, strerror(errno));
	else
		rc = st_write_atomic(dir, "package.sil", bytes, len, errs) ||
		     st_write_atomic(dir, "manifest", b.data, b.len, errs);
	sb_free(&b);
	return rc;
}

/* Put g into st->progs (sorted by name), in place of a program of its name. */
static void add_prog(struct st_store *st, struct st_prog *g)
{
	uint32_t i = 0;
	while (i < st->nprogs && strcmp(st->progs[i].name, g->name) < 0)
		i++;
	if (i < st->nprogs && !strcmp(st->progs[i].name, g->name)) {
		free(st->progs[i].name);
		sil_free(st->progs[i].p);
	} else {
		st->progs = xrealloc(st->progs, (st->nprogs + 1) * sizeof *st->progs);
		memmove(&st->progs[i + 1], &st->progs[i], (st->nprogs - i) * sizeof *st->progs);
		st->nprogs++;
	}
	st->progs[i] = *g;
}

static void drop_prog(struct st_store *st, uint32_t i)
{
	free(st->progs[i].name);
	sil_free(st->progs[i].p);
	memmove(&st->progs[i], &st->progs[i + 1], (st->nprogs - i - 1) * sizeof *st->progs);
	st->nprogs--;
}

/* Move the staged folder to pkg/HASH.  A folder of that hash holds the same
 * package (and what the hook made of it): keep it, drop the staged one. */
static int place(const char *staged, const char *final, int *fresh, FILE *errs)
{
	struct stat sb;
	*fresh = stat(final, &sb) != 0;
	if (!*fresh) {
		remove_tree(staged);
		return 0;
	}
	if (rename(staged, final) == 0)
		return 0;
	fprintf(errs, "store: %s: %s\n", final, strerror(errno));
	remove_tree(staged);
	return 1;
}

int st_install(struct st_store *st, const struct sil_pkg *p, const uint8_t *bytes,
               size_t len, const struct st_hook *hook, FILE *errs)
{
	char staged[4200], final[4200], err[256];
	int fresh;
	if (st_check_install(st, p, bytes, len, errs))
		return 1;
	struct st_prog g = {.budget = st_policy_budget(&st->pol, p->man.budget)};
	st_hex(p->hash, g.hash);
	snprintf(staged, sizeof staged, "%s/pkg/.stage-%s", st->dir, g.hash);
	snprintf(final, sizeof final, "%s/pkg/%s", st->dir, g.hash);
	if (stage(p, bytes, len, g.budget, staged, errs)) {
		remove_tree(staged);
		return 1;
	}
	if (hook && hook->fn && hook->fn(hook->ctx, p, staged, errs)) {
		fprintf(errs, "install: %s: rule verify: refused by the verifier or the compiler\n",
		        p->man.name);
		remove_tree(staged);
		return 1;
	}
	if (place(staged, final, &fresh, errs))
		return 1;
	g.name = xstrdup(p->man.name);
	if (!(g.p = sil_read(bytes, len, err, sizeof err)))
		die("a checked package does not read back: %s", err);
	const struct st_prog *old = st_find(st, g.name);
	char oldhash[65] = "";
	if (old && strcmp(old->hash, g.hash))
		memcpy(oldhash, old->hash, sizeof oldhash);
	if (commit_index(st, g.name, &g, errs)) {
		if (fresh)
			remove_tree(final);
		free(g.name);
		sil_free(g.p);
		return 1;
	}
	add_prog(st, &g);
	if (oldhash[0]) {            /* after the commit: the old version's folder */
		snprintf(final, sizeof final, "%s/pkg/%s", st->dir, oldhash);
		remove_tree(final);
	}
	return 0;
}

/* Uninstall: who depends on a path the program provides? */
struct dep_scan {
	const struct st_prog *target, *user;
	const char *what;
	FILE *errs;
	int n;
};

static void depends_on(void *ctx, const char *path, uint32_t contract)
{
	struct dep_scan *d = ctx;
	const struct sil_manifest *m = &d->target->p->man;
	(void)contract;
	for (uint32_t j = 0; j < m->nprovides; j++)
		if (!strcmp(m->provides[j].path, path)) {
			fprintf(d->errs, "uninstall: %s: %s\"%s\" depends on \"%s\"\n", d->target->name,
			        d->what, d->user->name, path);
			d->n++;
			return;
		}
}

int st_uninstall(struct st_store *st, const char *name, int force, FILE *errs)
{
	char path[4200];
	const struct st_prog *g = st_find(st, name);
	if (!g) {
		fprintf(errs, "uninstall: %s: not installed\n", name);
		return 1;
	}
	struct dep_scan d = {.target = g, .what = force ? "removed anyway (--force); " : "",
	                     .errs = errs};
	for (uint32_t i = 0; i < st->nprogs; i++) {
		d.user = &st->progs[i];
		if (d.user != g)
			st_each_need(d.user->p, &d, depends_on);
	}
	if (d.n && !force)
		return 1;
	if (commit_index(st, name, NULL, errs))
		return 1;
	snprintf(path, sizeof path, "%s/pkg/%s", st->dir, g->hash);
	remove_tree(path);
	drop_prog(st, (uint32_t)(g - st->progs));
	return 0;
}
