/*
 * manifest.c - the program's manifest block to the SIL manifest, and the
 * entry point's signature checked against it: main(string[] args, one
 * endpoint per `endpoint` entry in order, one ioport per `ioport` claim in
 * order) returning i32 - the rule the verifier applies again.
 */
#include "sem.h"

#include <string.h>

#include "../kernel/kernel.h"   /* SK_DEFAULT_BUDGET: one default everywhere */

static const char *const kinds[] = {"app", "driver", "service"};

static void set_once(struct sem *S, struct ast_mentry *e, int *seen)
{
	if (*seen)
		sg_diag_err(S->d, e->pos, "manifest entry '%s' is given twice", e->kw);
	*seen = 1;
}

static char *pstr(struct sem *S, const char *s)
{
	return sil_strndup(S->pkg, s, strlen(s));
}

static uint32_t contract_ref(struct sem *S, struct ast_mentry *e)
{
	struct scontract *c = sg_sem_contract(S, e->ident);
	if (!c)
		sg_diag_err(S->d, e->ipos, "unknown contract '%s'", e->ident);
	return c ? c->idx : 0;
}

static void add_hw(struct sem *S, struct ast_mentry *e, int kind)
{
	struct sil_manifest *M = &S->pkg->man;
	struct sil_hw *h = APUSH(&S->pkg->arena, M->hw, M->nhw);
	h->kind = (uint8_t)kind;
	h->shared = (uint8_t)e->shared;
	h->base = e->a;
	h->len = kind == SIL_HW_IRQ ? 1 : e->b;
	if (kind != SIL_HW_IRQ && !e->b)
		sg_diag_err(S->d, e->pos, "a %s claim needs a length above 0", e->kw);
}

/* What NAME --help prints: the `usage` lines in order, one a line. */
static void add_usage(struct sem *S, const char *line)
{
	struct sil_manifest *M = &S->pkg->man;
	size_t had = M->usage ? strlen(M->usage) + 1 : 0, n = strlen(line);
	char *u = sil_alloc(S->pkg, had + n + 1);
	if (had) {
		memcpy(u, M->usage, had - 1);
		u[had - 1] = '\n';
	}
	memcpy(u + had, line, n);
	M->usage = u;
}

static void entry(struct sem *S, struct ast_mentry *e, int seen[4])
{
	struct sil_manifest *M = &S->pkg->man;
	const char *kw = e->kw;
	if (!strcmp(kw, "name")) {
		set_once(S, e, &seen[0]);
		M->name = pstr(S, e->str);
	} else if (!strcmp(kw, "version")) {
		set_once(S, e, &seen[1]);
		M->version = pstr(S, e->str);
	} else if (!strcmp(kw, "kind")) {
		set_once(S, e, &seen[2]);
		size_t k = 0;
		while (k < 3 && strcmp(kinds[k], e->ident))
			k++;
		if (k == 3)
			sg_diag_err(S->d, e->ipos, "unknown program kind '%s' (app, driver or service)", e->ident);
		M->kind = (uint8_t)(k % 3);
	} else if (!strcmp(kw, "budget")) {
		set_once(S, e, &seen[3]);
		if (!e->a)
			sg_diag_err(S->d, e->pos, "the memory budget must be above 0");
		M->budget = e->a;
	} else if (!strcmp(kw, "usage")) {   /* each line one entry, joined by newlines */
		add_usage(S, e->str);
	} else if (!strcmp(kw, "capability")) {
		*APUSH(&S->pkg->arena, M->caps, M->ncaps) = pstr(S, e->str);
	} else if (!strcmp(kw, "endpoint")) {
		uint32_t t = sg_sem_type(S, e->type, TC_LOCAL);
		if (t != TY_BAD && sg_sem_kind(S, t) != SIL_TK_ENDPOINT)
			sg_diag_err(S->d, e->type->pos, "'%s' needs an endpoint type such as Contract.Imp", e->ident);
		struct sil_epdecl *d = APUSH(&S->pkg->arena, M->eps, M->neps);
		d->path = pstr(S, e->str);
		d->type = t == TY_BAD ? SIL_T_I32 : t;
	} else if (!strcmp(kw, "provides") || !strcmp(kw, "depends")) {
		int prov = kw[0] == 'p';
		struct sil_svcdecl *d = prov ? APUSH(&S->pkg->arena, M->provides, M->nprovides)
		                             : APUSH(&S->pkg->arena, M->deps, M->ndeps);
		d->path = pstr(S, e->str);
		d->contract = contract_ref(S, e);
	} else {
		add_hw(S, e, !strcmp(kw, "ioport") ? SIL_HW_IOPORT
		             : !strcmp(kw, "irq") ? SIL_HW_IRQ : SIL_HW_MEMORY);
	}
}

static void check_main(struct sem *S)
{
	struct sil_manifest *M = &S->pkg->man;
	struct sfunc *f = sg_sem_func(S, "main");
	char b1[160], b2[160];
	if (!f) {
		sg_diag_err(S->d, (struct pos){0, 1, 1}, "the program has no 'main' function");
		return;
	}
	if (!f->ok)
		return;
	if (f->ret != SIL_T_I32)
		sg_diag_err(S->d, f->a->pos, "main must return i32 (the exit status)");
	uint32_t *want = arena_alloc(S->ar, (1 + (size_t)M->neps + M->nhw) * sizeof *want), n = 0;
	want[n++] = sg_sem_array_of(S, SIL_TK_ARRAY, SIL_T_STRING);
	for (uint32_t i = 0; i < M->neps; i++)
		want[n++] = M->eps[i].type;
	for (uint32_t i = 0; i < M->nhw; i++)
		if (M->hw[i].kind == SIL_HW_IOPORT)
			want[n++] = sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_IOPORT});
	if (f->a->nparams != n) {
		sg_diag_err(S->d, f->a->pos, "main must take %u parameter%s (string[] args, then one per "
		         "manifest endpoint and ioport claim), not %u", n, n == 1 ? "" : "s",
		         f->a->nparams);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct ast_field *p = &f->a->params[i];
		if (f->ptypes[i] != want[i])
			sg_diag_err(S->d, p->pos, "parameter %u of main must be %s, not %s", i + 1,
			         sil_type_str(S->pkg, want[i], b1, sizeof b1),
			         sil_type_str(S->pkg, f->ptypes[i], b2, sizeof b2));
		else if (p->borrow)
			sg_diag_err(S->d, p->pos, "main's parameters are owned, not borrowed");
	}
}

void sg_sem_manifest(struct sem *S)
{
	struct sil_manifest *M = &S->pkg->man;
	int seen[4] = {0};
	const char *file = S->d->files[0].name, *slash = strrchr(file, '/');
	const char *base = slash ? slash + 1 : file, *dot = strrchr(base, '.');
	M->name = sil_strndup(S->pkg, base, dot ? (size_t)(dot - base) : strlen(base));
	M->version = pstr(S, "1.0");
	M->kind = SIL_APP;
	M->budget = SK_DEFAULT_BUDGET;
	struct ast_manifest *m = S->manifest;
	for (uint32_t i = 0; m && i < m->nentries; i++)
		entry(S, &m->entries[i], seen);
	if (M->nhw && M->kind != SIL_DRIVER)
		sg_diag_err(S->d, m->pos, "hardware claims need 'kind driver;'");
	if (S->dma_used && !M->nhw)
		sg_diag_err(S->d, S->dma_pos, "device memory (dma_new, dma_addr) needs a hardware claim "
		            "in the manifest");
	check_main(S);
}
