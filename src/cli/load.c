/*
 * load.c - the one way a command turns a file into a package.
 *
 * A .sg file is compiled (imports found as `sing build` finds them), a
 * .sasm file is assembled, anything else is read as a binary package.  The
 * text forms are encoded and decoded again, so every command sees exactly
 * what an installer reading the binary would see, content hash included.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "../lang/lang.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcmp(s + n - m, suffix);
}

int cli_sys_dir(char *out, size_t n)
{
	const char *env = getenv("SING_SYS");
	if (env && *env) {
		snprintf(out, n, "%s", env);
		return 1;
	}
	char exe[PATH_MAX];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0)
		return 0;
	exe[len] = 0;
	/* build/sing and build/asan/sing both find the repository's sys/. */
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return 0;
		*slash = 0;
		struct stat st;
		if (strlen(exe) + 5 > n)
			return 0;
		snprintf(out, n, "%s/sys", exe);
		if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
			return 1;
	}
	return 0;
}

/* The package's bytes as they would be shipped: compiled or assembled. */
static int encode_text(const char *path, const uint8_t *buf, size_t len, struct sbuf *out)
{
	struct sil_pkg *p;
	if (ends_with(path, ".sg")) {
		char sys[PATH_MAX];
		const char *inc[1] = {sys};
		p = lang_build_files(&path, 1, inc, cli_sys_dir(sys, sizeof sys), stderr);
	} else {
		p = sil_asm((const char *)buf, len, path, stderr);
	}
	if (!p)
		return -1;
	sil_write(p, out);
	sil_free(p);
	return 0;
}

struct sil_pkg *cli_load(const char *path, struct sbuf *bytes)
{
	struct sbuf local = {0};
	struct sbuf *b = bytes ? bytes : &local;
	size_t len;
	uint8_t *buf = read_file(path, &len);
	struct sil_pkg *p = NULL;
	char err[256];
	if (!buf) {   /* a folder: EISDIR (read_file) */
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return NULL;
	}
	if (ends_with(path, ".sg") || ends_with(path, ".sasm")) {
		if (encode_text(path, buf, len, b) < 0)
			goto out;
	} else {
		sb_put(b, buf, len);
	}
	if (!(p = sil_read(b->data, b->len, err, sizeof err)))
		fprintf(stderr, "%s: error: %s\n", path, err);
out:
	free(buf);
	sb_free(&local);
	return p;
}
