/*
 * own.c - linear variables: their ownership states, joins of paths, leaks.
 *
 * The compiler mirrors what the verifier will track for every linear local
 * a variable names (docs/sil.md): empty, owned (an endpoint also has a
 * contract state, or is closed), or borrowed (a `borrow` parameter).
 * Temporaries never outlive the expression that made them, so joins only
 * have to compare variables.  Errors name the variable and both states.
 */
#include "sem.h"

#include <string.h>

int sg_var_find(struct sem *S, const char *name)
{
	struct fn *f = S->fn;
	for (uint32_t i = f->nvars; i-- > 0;)
		if (!strcmp(f->vars[i].name, name))
			return (int)i;
	return -1;
}

int sg_var_add(struct sem *S, const char *name, struct pos at, uint32_t type, uint32_t local)
{
	struct fn *f = S->fn;
	if (sg_var_find(S, name) >= 0)
		sg_diag_err(S->d, at, "'%s' is already defined", name);
	if (f->nvars == f->vcap) {
		f->vcap = f->vcap ? 2 * f->vcap : 16;
		f->vars = xrealloc(f->vars, f->vcap * sizeof *f->vars);
	}
	struct var *v = &f->vars[f->nvars];
	memset(v, 0, sizeof *v);
	v->name = (char *)name;
	v->pos = at;
	v->type = type;
	v->local = local;
	v->linear = sg_sem_linear(S, type);
	v->st = O_EMPTY;
	const struct sil_type *t = sg_sem_tt(S, type);
	v->eps = t && t->kind == SIL_TK_ENDPOINT ? (int32_t)t->state : 0;
	return (int)f->nvars++;
}

const char *sg_own_describe(struct sem *S, int v, uint8_t st, int32_t eps, char *buf)
{
	const struct sil_type *t = sg_sem_tt(S, S->fn->vars[v].type);
	switch (st) {
	case O_EMPTY:
		return "empty";
	case O_CLOSED:
		return "closed";
	}
	if (t && t->kind == SIL_TK_ENDPOINT) {
		const struct sil_contract *c = &S->pkg->contracts[t->contract];
		snprintf(buf, 160, "in state %s", eps >= 0 && (uint32_t)eps < c->nstates
		                                   ? c->states[eps].name : "?");
		return buf;
	}
	return st == O_OWNED ? "owned" : "borrowed";
}

/* Variables from index `from` on still owning a value is a leak. */
void sg_own_leaks(struct sem *S, uint32_t from, struct pos at, const char *where)
{
	struct fn *f = S->fn;
	if (!f->reachable)
		return;
	for (uint32_t i = from; i < f->nvars; i++) {
		struct var *v = &f->vars[i];
		if (v->linear && !v->borrowed && !v->bad && v->st != O_EMPTY)
			sg_diag_err(S->d, at, "'%s' still owns a value %s (delete, send or return it)",
			         v->name, where);
	}
}

/* Leave a scope: its variables must be empty, then they are forgotten. */
void sg_var_pop(struct sem *S, uint32_t n, struct pos at, const char *why)
{
	sg_own_leaks(S, n, at, why);
	S->fn->nvars = n;
}

void sg_own_snap(struct sem *S, struct snap *s)
{
	struct fn *f = S->fn;
	s->n = f->nvars;
	s->st = arena_alloc(S->ar, f->nvars + 1);
	s->eps = arena_alloc(S->ar, (f->nvars + 1) * sizeof *s->eps);
	for (uint32_t i = 0; i < f->nvars; i++) {
		s->st[i] = f->vars[i].st;
		s->eps[i] = f->vars[i].eps;
	}
}

void sg_own_restore(struct sem *S, const struct snap *s)
{
	struct fn *f = S->fn;
	for (uint32_t i = 0; i < s->n && i < f->nvars; i++) {
		f->vars[i].st = s->st[i];
		f->vars[i].eps = s->eps[i];
	}
}

/* The current states of vars[0..n) must equal snapshot a (another path). */
void sg_own_compare(struct sem *S, const struct snap *a, uint32_t n, struct pos at)
{
	struct fn *f = S->fn;
	for (uint32_t i = 0; i < n && i < a->n && i < f->nvars; i++) {
		struct var *v = &f->vars[i];
		if (!v->linear || v->bad)
			continue;
		int epstate = v->st == O_OWNED || v->st == O_BORROWED;
		if (v->st == a->st[i] && (!epstate || v->eps == a->eps[i]))
			continue;
		char b1[160], b2[160];
		sg_diag_err(S->d, at, "paths join with '%s' %s on one and %s on the other", v->name,
		         sg_own_describe(S, (int)i, a->st[i], a->eps[i], b1),
		         sg_own_describe(S, (int)i, v->st, v->eps, b2));
	}
}

void sg_join_init(struct sem *S, struct join *j, struct pos at)
{
	memset(j, 0, sizeof *j);
	j->pos = at;
	j->nvars = S->fn->nvars;
}

/* The current path arrives at j. */
void sg_join_add(struct sem *S, struct join *j)
{
	if (!S->fn->reachable)
		return;
	if (!j->has) {
		j->has = 1;
		sg_own_snap(S, &j->s);
	} else {
		sg_own_compare(S, &j->s, j->nvars, j->pos);
	}
}

/* Continue after j: reachable iff some path arrived. */
void sg_join_apply(struct sem *S, struct join *j)
{
	S->fn->reachable = j->has;
	if (j->has)
		sg_own_restore(S, &j->s);
}

void sg_bor_push(struct sem *S, uint32_t local, int root)
{
	struct fn *f = S->fn;
	if (f->nbors == f->bcap) {
		f->bcap = f->bcap ? 2 * f->bcap : 8;
		f->bors = xrealloc(f->bors, f->bcap * sizeof *f->bors);
	}
	f->bors[f->nbors++] = (struct bor){local, root};
	if (root >= 0)
		f->vars[root].bcount++;
}

/* End the borrows made since mark, innermost first. */
void sg_bor_end(struct sem *S, uint32_t mark)
{
	struct fn *f = S->fn;
	while (f->nbors > mark) {
		struct bor *b = &f->bors[--f->nbors];
		if (b->local != UINT32_MAX)   /* UINT32_MAX: a variable lent to a call */
			sg_fn_op(S, OP_UNBORROW, b->local, 0, 0);
		if (b->root >= 0 && (uint32_t)b->root < f->nvars)
			f->vars[b->root].bcount--;
	}
}
