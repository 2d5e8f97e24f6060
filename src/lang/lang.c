/* lang.c - the compiler's pipeline: load files and imports, declare, emit (see lang.h). */
#include "lang.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sem.h"

struct build {
	struct diag d;
	struct arena ar;
	struct ast_file **asts;
	uint32_t nasts;
	const char *const *incdirs;
	int ninc;
	int use_fs;              /* 0: in-memory source, imports cannot be found */
	int fatal;               /* an error that stops the run before checking */
};

static char *dir_of(struct build *b, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return arena_strndup(&b->ar, ".", 1);
	return arena_strndup(&b->ar, path, slash == path ? 1 : (size_t)(slash - path));
}

/* Register and parse a file unless it is already loaded (by real path). */
static int load(struct build *b, const char *path, const char *real)
{
	for (uint32_t i = 0; i < b->d.nfiles; i++)
		if (!strcmp(b->d.files[i].real, real))
			return 1;
	size_t len;
	uint8_t *text = read_file(path, &len);
	if (!text)
		return 0;
	sg_diag_add(&b->d, path, dir_of(b, path), real, (char *)text, len);
	free(text);
	return 1;
}

/* Try dir/rel: on success the file is loaded (or was already). */
static int try_import(struct build *b, const char *dir, const char *rel)
{
	char path[PATH_MAX], real[PATH_MAX];
	if (snprintf(path, sizeof path, "%s/%s", dir, rel) >= (int)sizeof path)
		return 0;
	if (!realpath(path, real))
		return 0;
	return load(b, path, real);
}

static void imports(struct build *b, uint32_t f)
{
	struct ast_file *a = b->asts[f];
	for (uint32_t i = 0; i < a->nimports; i++) {
		const char *rel = a->imports[i].path;
		int found = 0;
		if (b->use_fs && rel[0] == '/') {
			char real[PATH_MAX];
			found = realpath(rel, real) && load(b, rel, real);
		} else if (b->use_fs && rel[0]) {
			found = try_import(b, b->d.files[f].dir, rel);
			for (int k = 0; !found && k < b->ninc; k++)
				found = try_import(b, b->incdirs[k], rel);
		}
		if (!found) {
			sg_diag_err(&b->d, a->imports[i].pos, "cannot find import '%s'", rel);
			b->fatal = 1;
		}
	}
}

/* Parse every registered file; imports register more as they are found. */
static void parse_all(struct build *b)
{
	for (uint32_t f = 0; f < b->d.nfiles && !sg_diag_full(&b->d); f++) {
		struct ast_file *a = sg_parse_file(&b->d, f);
		*APUSH(&b->ar, b->asts, b->nasts) = a;
		b->fatal |= a->fatal;
		imports(b, f);
	}
}

static struct sil_pkg *compile(struct build *b)
{
	parse_all(b);
	struct sil_pkg *P = sil_new();
	/* Syntax errors only inside function bodies: check everything else
	 * too (the broken bodies are skipped), so one run reports both. */
	if (!b->fatal && !sg_diag_full(&b->d)) {
		struct sem S = {0};
		S.d = &b->d;
		S.ar = &b->ar;
		S.pkg = P;
		S.files = b->asts;
		S.nfiles = b->nasts;
		sg_sem_declare(&S);
		P->nfuncs = S.nfuncs;
		P->funcs = sil_alloc(P, (S.nfuncs + 1) * sizeof *P->funcs);
		for (uint32_t i = 0; i < S.nfuncs && !sg_diag_full(&b->d); i++)
			if (!S.funcs[i].a->broken)
				sg_gen_func(&S, &S.funcs[i]);
		sg_sem_manifest(&S);
	}
	if (b->d.nerr) {
		sil_free(P);
		P = NULL;
	}
	sg_diag_free(&b->d);
	arena_free(&b->ar);
	return P;
}

static void init(struct build *b, FILE *errs)
{
	memset(b, 0, sizeof *b);
	b->d.out = errs;
	b->d.arena = &b->ar;
}

struct sil_pkg *lang_build_files(const char *const *files, int nfiles,
                                 const char *const *incdirs, int ninc, FILE *errs)
{
	struct build b;
	init(&b, errs);
	b.incdirs = incdirs;
	b.ninc = ninc;
	b.use_fs = 1;
	int bad = 0;
	for (int i = 0; i < nfiles; i++) {
		char real[PATH_MAX];
		if (!realpath(files[i], real) || !load(&b, files[i], real)) {
			if (errs)
				fprintf(errs, "%s: error: cannot read file: %s\n", files[i], strerror(errno));
			bad = 1;
		}
	}
	if (bad) {
		sg_diag_free(&b.d);
		arena_free(&b.ar);
		return NULL;
	}
	return compile(&b);
}

struct sil_pkg *lang_build_source(const char *name, const char *text, size_t len, FILE *errs)
{
	struct build b;
	init(&b, errs);
	sg_diag_add(&b.d, name, "/nonexistent", name, text, len);
	return compile(&b);
}
