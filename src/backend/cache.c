/*
 * cache.c - the install cache: compiled objects keyed by package hash.
 *
 * An entry is DIR/HASH.so (and HASH.c, the generated source, for people),
 * where HASH is the hex of the package's content hash, so a changed package
 * can never meet an old entry.  The object carries the hash and the
 * generator id (rt.h's text, BE_LOWER_VERSION, SIL_VERSION and the
 * compiler command) as strings; an entry missing either is treated as
 * absent and rebuilt.
 * Entries are written to a temporary name and renamed into place, so a
 * reader never sees half an object.
 */
#include "backend.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void be_hex(const uint8_t *b, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

const char *be_cache_dir(char *buf, size_t n)
{
	const char *s = getenv("SING_CACHE"), *x = getenv("XDG_CACHE_HOME");
	if (s && *s)
		snprintf(buf, n, "%s", s);
	else if (x && *x)
		snprintf(buf, n, "%s/sing", x);
	else
		snprintf(buf, n, "%s/.cache/sing", getenv("HOME") ? getenv("HOME") : ".");
	return buf;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		int e = mkdir(path, 0755) && errno != EEXIST;
		*p = '/';
		if (e)
			return -1;
	}
	return mkdir(path, 0755) && errno != EEXIST ? -1 : 0;
}

static void generator_id(char out[65])
{
	struct sbuf b = {0};
	sb_str(&b, be_rt_h);
	sb_str(&b, be_fmath_h);
	sb_str(&b, BE_LOWER_VERSION);
	sb_printf(&b, "sil-%u", SIL_VERSION);   /* (the package hash covers it too) */
	sb_str(&b, be_cc_command());
	uint8_t h[32];
	sil_sha256(b.data, b.len, h);
	sb_free(&b);
	be_hex(h, 32, out);
}

/* An entry is good if it holds both the package hash and our generator id. */
static int entry_ok(const char *so, const char *hash, const char *gen)
{
	size_t len;
	uint8_t *b = read_file(so, &len);
	if (!b)
		return 0;
	int ok = memmem(b, len, hash, 64) && memmem(b, len, gen, 64);
	free(b);
	return ok;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Write data to path through a temporary file and a rename. */
static int write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[4300];
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
	if (write_file(tmp, data, len) || rename(tmp, path)) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int compile(const struct sil_pkg *p, const char *dir, const char *gen,
                   struct be_result *r, FILE *errs)
{
	char cfile[4200], tmp[4300];
	double t0 = now_ms();
	struct sbuf c = {0};
	be_lower(p, gen, &c);
	snprintf(cfile, sizeof cfile, "%s/%s.c", dir, r->hash);
	int bad = write_atomic(cfile, c.data, c.len);
	sb_free(&c);
	if (bad) {
		fprintf(errs, "sing: cannot write %s: %s\n", cfile, strerror(errno));
		return -1;
	}
	double t1 = now_ms();
	r->lower_ms = t1 - t0;
	snprintf(tmp, sizeof tmp, "%s.tmp.%ld", r->so_path, (long)getpid());
	bad = be_cc(cfile, tmp, errs) || be_check_symbols(tmp, errs);
	if (!bad && rename(tmp, r->so_path)) {
		fprintf(errs, "sing: cannot write %s: %s\n", r->so_path, strerror(errno));
		bad = 1;
	}
	r->cc_ms = now_ms() - t1;
	if (bad)
		unlink(tmp);
	return bad ? -1 : 0;
}

int be_install(const struct sil_pkg *p, const char *known, struct be_result *r, FILE *errs)
{
	char dir[3800], gen[65];
	memset(r, 0, sizeof *r);
	be_hex(p->hash, 32, r->hash);
	generator_id(gen);
	be_cache_dir(dir, sizeof dir);
	if (mkdirs(dir)) {
		fprintf(errs, "sing: cannot create the cache directory %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (known && strlen(known) < sizeof r->so_path && entry_ok(known, r->hash, gen)) {
		snprintf(r->so_path, sizeof r->so_path, "%s", known);
		r->hit = 1;
		return 0;
	}
	snprintf(r->so_path, sizeof r->so_path, "%s/%s.so", dir, r->hash);
	if (entry_ok(r->so_path, r->hash, gen)) {
		r->hit = 1;
		return 0;
	}
	return compile(p, dir, gen, r, errs);
}
