/* store.c - open (or create) a store: lock it, read its policy and index,
 * read every installed package back and check it against the index. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "../sil/text.h"

/* Names the system itself serves: a program may depend on them without an
 * installed provider, and none may provide them.  The kernel binds these. */
const char *const st_system_paths[] = {
	"/svc/ns",          /* the name service */
	"/kernel/proc",     /* the process service (kernel-served; capability system.proc) */
	"/kernel/launch",   /* the launcher (kernel-served; capability system.launch) */
	"/kernel/console/out", /* the kernel's output, for the console multiplexer (console.mux) */
	"/kernel/console/ctl", /* the kernel's help for the console multiplexer (console.mux) */
	NULL,
};

/* The folder holding the running binary, into buf; "" if unknown. */
static const char *exe_dir(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);
	buf[len > 0 ? len : 0] = 0;
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
	return buf;
}

const char *st_default_dir(char *buf, size_t n)
{
	const char *env = getenv("SING_STORE");
	char exe[4096];
	if (env && *env)
		snprintf(buf, n, "%s", env);
	else
		snprintf(buf, n, "%s/store", exe_dir(exe, sizeof exe));
	return buf;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; !rc; s++) {
		if (*s != '/' && *s)
			continue;
		char c = *s;
		*s = 0;
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			rc = -1;
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return rc;
}

/* The default policy: src, $SING_POLICY, or sys/policy above the binary
 * (build/sing and build/asan/sing both live below the tree's root). */
static uint8_t *default_policy(const char *src, size_t *len, char *from, size_t n)
{
	char exe[3072];
	const char *env = getenv("SING_POLICY");
	if (src || (env && *env)) {
		snprintf(from, n, "%s", src ? src : env);
		return read_file(from, len);
	}
	exe_dir(exe, sizeof exe);
	static const char *const up[] = {"/../sys/policy", "/../../sys/policy"};
	for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
		snprintf(from, n, "%s%s", exe, up[i]);
		uint8_t *b = read_file(from, len);
		if (b)
			return b;
	}
	return NULL;
}

const char st_index_header[] =
	"# Sing store index: name version kind budget hash, one program a line\n";

/* Make dir a store if it is not one yet (called with the lock held). */
static int create(const char *dir, const char *policy_src, FILE *errs)
{
	char path[4096], from[4096];
	snprintf(path, sizeof path, "%s/index", dir);
	if (access(path, F_OK) == 0)
		return 0;
	snprintf(path, sizeof path, "%s/pkg", dir);
	if (make_dirs(path) != 0) {
		fprintf(errs, "store: %s: %s\n", path, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof path, "%s/policy", dir);
	if (access(path, F_OK) != 0) {   /* keep a policy the admin put there */
		size_t len;
		uint8_t *pol = default_policy(policy_src, &len, from, sizeof from);
		if (!pol) {
			fprintf(errs, "store: cannot read the default policy %s: %s\n", from,
			        strerror(errno));
			return 1;
		}
		int rc = st_write_atomic(dir, "policy", pol, len, errs);
		free(pol);
		if (rc)
			return 1;
	}
	return st_write_atomic(dir, "index", st_index_header, strlen(st_index_header), errs);
}

static int lock_store(struct st_store *st, FILE *errs)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/lock", st->dir);
	if (make_dirs(st->dir) != 0 ||
	    (st->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) < 0 ||
	    flock(st->lockfd, LOCK_EX) != 0) {
		fprintf(errs, "store: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* The text of the store's file NAME into path[4096] (read_file ends it
 * with a NUL); NULL after reporting. */
static char *read_store_text(const struct st_store *st, const char *name, char *path,
                             size_t *len, FILE *errs)
{
	snprintf(path, 4096, "%s/%s", st->dir, name);
	char *text = (char *)read_file(path, len);
	if (!text)
		fprintf(errs, "store: %s: %s\n", path, strerror(errno));
	return text;
}

static int read_policy(struct st_store *st, FILE *errs)
{
	char path[4096];
	size_t len;
	char *text = read_store_text(st, "policy", path, &len, errs);
	if (!text)
		return 1;
	int rc = st_policy_parse(&st->pol, text, len, path, errs);
	free(text);
	return rc;
}

/* Read pkg/HASH/package.sil back and check it is what the index says. */
static int load_prog(struct st_store *st, struct st_prog *g, const char *where, FILE *errs)
{
	char path[4096], err[256], hex[65];
	size_t len;
	snprintf(path, sizeof path, "%s/pkg/%s/package.sil", st->dir, g->hash);
	uint8_t *buf = read_file(path, &len);
	if (!buf) {
		fprintf(errs, "store: %s: %s: %s\n", where, path, strerror(errno));
		return 1;
	}
	g->p = sil_read(buf, len, err, sizeof err);
	free(buf);
	if (!g->p) {
		fprintf(errs, "store: %s: %s: %s\n", where, path, err);
		return 1;
	}
	st_hex(g->p->hash, hex);
	if (!g->p->hash_ok || strcmp(hex, g->hash) || strcmp(g->p->man.name, g->name)) {
		fprintf(errs, "store: %s: %s is not the package the index names\n", where, path);
		return 1;
	}
	return 0;
}

/* One index line: NAME VERSION KIND BUDGET HASH. */
static int read_entry(struct st_store *st, char *line, const char *where, FILE *errs)
{
	char *w[5], *save = NULL;
	int nw = 0;
	for (char *t = strtok_r(line, " \t", &save); t && nw < 5; t = strtok_r(NULL, " \t", &save))
		w[nw++] = t;
	char *end = NULL;
	if (nw != 5 || strlen(w[4]) != 64 || st_check_name(w[0]) ||
	    (errno = 0, strtoull(w[3], &end, 10), errno || *end)) {
		fprintf(errs, "store: %s: malformed index entry\n", where);
		return 1;
	}
	st->progs = xrealloc(st->progs, (st->nprogs + 1) * sizeof *st->progs);
	struct st_prog *g = &st->progs[st->nprogs++];
	memset(g, 0, sizeof *g);
	g->name = xstrdup(w[0]);
	g->budget = strtoull(w[3], NULL, 10);
	memcpy(g->hash, w[4], 65);
	return load_prog(st, g, where, errs);
}

static int read_index(struct st_store *st, FILE *errs)
{
	char path[4096], where[4200];
	size_t len;
	char *text = read_store_text(st, "index", path, &len, errs);
	if (!text)
		return 1;
	int rc = 0;
	uint32_t lineno = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l && !rc; l = strtok_r(NULL, "\n", &save)) {
		lineno++;
		snprintf(where, sizeof where, "%s:%u", path, lineno);
		if (l[0] != '#')
			rc = read_entry(st, l, where, errs);
	}
	free(text);
	return rc;
}

struct st_store *st_open(const char *dir, const char *policy_src, FILE *errs)
{
	struct st_store *st = xcalloc(1, sizeof *st);
	st->dir = xstrdup(dir);
	st->lockfd = -1;
	if (lock_store(st, errs) || create(dir, policy_src, errs) || read_policy(st, errs) ||
	    read_index(st, errs)) {
		st_close(st);
		return NULL;
	}
	return st;
}

void st_close(struct st_store *st)
{
	if (!st)
		return;
	for (uint32_t i = 0; i < st->nprogs; i++) {
		free(st->progs[i].name);
		sil_free(st->progs[i].p);
	}
	free(st->progs);
	st_policy_free(&st->pol);
	if (st->lockfd >= 0)
		close(st->lockfd);
	free(st->dir);
	free(st);
}

const struct st_prog *st_find(const struct st_store *st, const char *name)
{
	for (uint32_t i = 0; i < st->nprogs; i++)
		if (!strcmp(st->progs[i].name, name))
			return &st->progs[i];
	return NULL;
}

const struct st_prog *st_provider(const struct st_store *st, const char *path,
                                  const char *except, uint32_t *idx)
{
	for (uint32_t i = 0; i < st->nprogs; i++) {
		const struct sil_manifest *m = &st->progs[i].p->man;
		if (except && !strcmp(st->progs[i].name, except))
			continue;
		for (uint32_t j = 0; j < m->nprovides; j++)
			if (!strcmp(m->provides[j].path, path)) {
				*idx = j;
				return &st->progs[i];
			}
	}
	return NULL;
}

uint32_t st_ep_contract(const struct sil_pkg *p, uint32_t t, int *exp_side)
{
	const struct sil_type *ty = sil_type(p, t);
	if (!ty || ty->kind != SIL_TK_ENDPOINT)
		return UINT32_MAX;
	*exp_side = ty->side == SIL_EXP;
	return ty->contract;
}

void st_hex(const uint8_t hash[32], char out[65])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", hash[i]);
}

void st_list(const struct st_store *st, FILE *out)
{
	fprintf(out, "%-16s %-8s %-7s %10s  %-12s  %s\n", "NAME", "VERSION", "KIND", "BUDGET",
	        "HASH", "PROVIDES");
	for (uint32_t i = 0; i < st->nprogs; i++) {
		const struct st_prog *g = &st->progs[i];
		const struct sil_manifest *m = &g->p->man;
		fprintf(out, "%-16s %-8s %-7s %10llu  %.12s  ", g->name, m->version,
		        m->kind <= SIL_SERVICE ? sil_pkind_names[m->kind] : "?",
		        (unsigned long long)g->budget, g->hash);
		for (uint32_t j = 0; j < m->nprovides; j++)
			fprintf(out, "%s%s", j ? "," : "", m->provides[j].path);
		fprintf(out, "%s\n", m->nprovides ? "" : "-");
	}
}
