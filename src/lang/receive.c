/*
 * receive.c - `switch receive`: one select over the cases' endpoints.
 *
 * Every case is checked first (endpoint, message receivable in the
 * endpoint's current state, arity, no duplicate); then every endpoint
 * named must have a case for each message it can receive in that state
 * and for ChannelClosed.  Only then is the select emitted: each case starts
 * from the states before the switch, with its endpoint moved on (or closed)
 * and its message's values bound to fresh variables.
 *
 * A case `e in set.Msg(...)` waits on any endpoint of an endpoint set: the
 * set's type fixes the state it receives in, the set is left as it was,
 * and e is a fresh variable owning the endpoint, in the state after Msg
 * (closed after ChannelClosed), to be put back, sent or deleted.
 * `case e, v in map.Msg(...)` does the same on an endpoint map, and binds
 * v to the value the endpoint carried (the map's value type): the select
 * case binds the endpoint, the value, then the message's values.
 */
#include "sem.h"

#include <string.h>

struct rcase {
	int var;          /* endpoint (or set) variable */
	int set;          /* var is an endpoint set */
	int map;          /* ... a map: the case binds a value after the endpoint */
	int msg;          /* message index, -1 for ChannelClosed */
	int next;         /* state after it */
	uint32_t label;
};

/* The state the cases of variable x receive in: a set's is its type's. */
static int32_t recv_state(struct sem *S, const struct var *x)
{
	const struct sil_type *t = sg_sem_tt(S, x->type);
	return t->kind == SIL_TK_ESET ? (int32_t)t->state : x->eps;
}

static int check_case(struct sem *S, struct ast_case *c, struct rcase *rc)
{
	int v = sg_var_find(S, c->ep);
	if (v < 0) {
		sg_diag_err(S->d, c->pos, "undefined name '%s'", c->ep);
		return 0;
	}
	struct var *x = &S->fn->vars[v];
	const struct sil_type *t = sg_sem_tt(S, x->type);
	rc->set = t && t->kind == SIL_TK_ESET;
	rc->map = rc->set && t->elem;
	if (rc->map && !c->vbind) {
		sg_diag_err(S->d, c->pos, "'%s' is an endpoint map: write 'case e, v in %s.%s(...)' "
		            "(v: the endpoint's value)", c->ep, c->ep, c->msg);
		return 0;
	}
	if (rc->set && !rc->map && c->vbind) {
		sg_diag_err(S->d, c->vbind_pos, "'%s' is an endpoint set, its endpoints carry no value: "
		            "write 'case %s in %s.%s(...)'", c->ep, c->bind, c->ep, c->msg);
		return 0;
	}
	if (c->bind && !rc->set) {
		sg_diag_err(S->d, c->pos, "'%s' is not an endpoint set: write 'case %s.%s(...)'", c->ep,
		            c->ep, c->msg);
		return 0;
	}
	if (rc->set && !c->bind) {
		sg_diag_err(S->d, c->pos, "'%s' is an endpoint set: write 'case e in %s.%s(...)'", c->ep,
		            c->ep, c->msg);
		return 0;
	}
	if (t && t->kind == SIL_TK_ANYEP) {
		sg_diag_err(S->d, c->pos, "'%s' is an opaque endpoint: it can be moved, stored, sent "
		            "or deleted, never received on", c->ep);
		return 0;
	}
	if (!t || (t->kind != SIL_TK_ENDPOINT && !rc->set)) {
		sg_diag_err(S->d, c->pos, "'%s' is not an endpoint", c->ep);
		return 0;
	}
	if (c->bind && sg_var_find(S, c->bind) >= 0) {
		sg_diag_err(S->d, c->bind_pos, "'%s' is already defined", c->bind);
		return 0;
	}
	if (c->vbind && (sg_var_find(S, c->vbind) >= 0 || !strcmp(c->vbind, c->bind))) {
		sg_diag_err(S->d, c->vbind_pos, "'%s' is already defined", c->vbind);
		return 0;
	}
	if (x->bad)
		return 0;   /* already reported */
	if (x->st == O_EMPTY || x->st == O_CLOSED) {
		sg_diag_err(S->d, c->pos, x->st == O_EMPTY ? "use of moved value '%s'"
		         : "endpoint '%s' is closed: it can only be deleted", c->ep);
		return 0;
	}
	const struct sil_contract *k = &S->pkg->contracts[t->contract];
	rc->var = v;
	if (!strcmp(c->msg, "ChannelClosed")) {
		rc->msg = -1;
		if (c->nvars)
			sg_diag_err(S->d, c->msg_pos, "ChannelClosed carries no values");
		return c->nvars == 0;
	}
	rc->msg = sg_contract_msg(S, t->contract, c->msg);
	if (rc->msg < 0) {
		sg_diag_err(S->d, c->msg_pos, "contract '%s' has no message '%s'", k->name, c->msg);
		return 0;
	}
	int recv = t->side == SIL_IMP ? SIL_OUT : SIL_IN;
	if (k->msgs[rc->msg].dir != recv) {
		sg_diag_err(S->d, c->msg_pos, "'%s' is the %s end of %s: it sends '%s', it cannot receive it",
		         c->ep, t->side == SIL_IMP ? "importing" : "exporting", k->name, c->msg);
		return 0;
	}
	rc->next = sg_contract_next(S, t->contract, recv_state(S, x), (uint32_t)rc->msg);
	if (rc->next < 0) {
		sg_diag_err(S->d, c->msg_pos, "'%s' cannot receive '%s' in state %s", c->ep, c->msg,
		         k->states[recv_state(S, x)].name);
		return 0;
	}
	if (c->nvars != k->msgs[rc->msg].nargs) {
		sg_diag_err(S->d, c->msg_pos, "message '%s' carries %u value%s, not %u", c->msg,
		         k->msgs[rc->msg].nargs, k->msgs[rc->msg].nargs == 1 ? "" : "s", c->nvars);
		return 0;
	}
	return 1;
}

static int has_case(const struct rcase *rc, uint32_t n, int var, int msg)
{
	for (uint32_t i = 0; i < n; i++)
		if (rc[i].var == var && rc[i].msg == msg)
			return 1;
	return 0;
}

/* Each endpoint named must cover all it can receive, and ChannelClosed. */
static int exhaustive(struct sem *S, struct ast_stmt *s, struct rcase *rc, uint32_t n)
{
	int ok = 1;
	for (uint32_t i = 0; i < n; i++) {
		int seen = 0;
		for (uint32_t j = 0; j < i; j++)
			seen |= rc[j].var == rc[i].var;
		if (seen)
			continue;
		struct var *x = &S->fn->vars[rc[i].var];
		const struct sil_type *t = sg_sem_tt(S, x->type);
		const struct sil_contract *k = &S->pkg->contracts[t->contract];
		const struct sil_state *st = &k->states[recv_state(S, x)];
		int recv = t->side == SIL_IMP ? SIL_OUT : SIL_IN;
		for (uint32_t m = 0; m < st->ntrans; m++) {
			uint32_t msg = st->trans[m].msg;
			if (k->msgs[msg].dir == recv && !has_case(rc, n, rc[i].var, (int)msg)) {
				sg_diag_err(S->d, s->pos, "receive on '%s' misses message '%s' (state %s)",
				         x->name, k->msgs[msg].name, st->name);
				ok = 0;
			}
		}
		if (!has_case(rc, n, rc[i].var, -1)) {
			sg_diag_err(S->d, s->pos, "receive on '%s' misses the ChannelClosed case", x->name);
			ok = 0;
		}
	}
	return ok;
}

static void gen_case(struct sem *S, struct ast_case *c, struct rcase *rc,
                     struct sil_case *sc, const struct snap *before)
{
	struct fn *f = S->fn;
	sg_fn_place(S, rc->label);
	sg_own_restore(S, before);
	struct var *x = &f->vars[rc->var];
	const struct sil_type *t = sg_sem_tt(S, x->type);
	uint32_t n = f->nvars, skip = 0;
	if (rc->map)     /* its value: an ordinary GC variable */
		sg_var_add(S, c->vbind, c->vbind_pos, t->elem, sc->args[1]);
	if (rc->set) {   /* the endpoint taken out of the set: x itself is unchanged */
		x = &f->vars[sg_var_add(S, c->bind, c->bind_pos, f->locals[sc->args[0]], sc->args[0])];
		x->st = O_OWNED;
		skip = 1 + (uint32_t)rc->map;
	}
	if (rc->msg < 0) {
		x->st = O_CLOSED;
	} else {
		x->eps = rc->next;
		const struct sil_msg *m = &S->pkg->contracts[t->contract].msgs[rc->msg];
		for (uint32_t i = 0; i < c->nvars; i++) {
			int k = sg_var_add(S, c->vars[i], c->vpos[i], m->args[i], sc->args[i + skip]);
			if (f->vars[k].linear) {
				const struct sil_type *at = sg_sem_tt(S, m->args[i]);
				f->vars[k].st = O_OWNED;
				f->vars[k].eps = at->kind == SIL_TK_ENDPOINT ? (int32_t)at->state : 0;
			}
		}
	}
	sg_gen_block(S, c->body);
	sg_var_pop(S, n, c->body->end, "at the end of its case");
}

void sg_gen_receive(struct sem *S, struct ast_stmt *s)
{
	struct fn *f = S->fn;
	struct rcase *rc = arena_alloc(S->ar, (s->ncases + 1) * sizeof *rc);
	int ok = 1;
	if (!s->ncases) {
		sg_diag_err(S->d, s->pos, "a switch receive needs at least one case");
		return;
	}
	for (uint32_t i = 0; i < s->ncases; i++) {
		if (!check_case(S, &s->cases[i], &rc[i])) {
			ok = 0;
			continue;
		}
		if (has_case(rc, i, rc[i].var, rc[i].msg)) {
			sg_diag_err(S->d, s->cases[i].pos, "a second case for '%s.%s'", s->cases[i].ep,
			         s->cases[i].msg);
			ok = 0;
		}
	}
	if (!ok || !exhaustive(S, s, rc, s->ncases))
		return;
	struct sil_insn *in = sg_fn_emit(S, OP_SELECT);
	in->ncases = s->ncases;
	/* The case table lives in the package; `in` moves as code is added. */
	struct sil_case *cases = sil_alloc(S->pkg, s->ncases * sizeof *cases);
	in->cases = cases;
	for (uint32_t i = 0; i < s->ncases; i++) {
		struct sil_case *sc = &cases[i];
		struct var *x = &f->vars[rc[i].var];
		rc[i].label = sg_fn_label(S);
		f->jumped[rc[i].label] = 1;
		sc->ep = x->local;
		sc->msg = rc[i].msg < 0 ? 0 : (uint32_t)rc[i].msg + 1;
		sc->label = rc[i].label;
		uint32_t skip = rc[i].set ? 1 + (uint32_t)rc[i].map : 0;
		sc->nargs = s->cases[i].nvars + skip;
		sc->args = sil_alloc(S->pkg, (sc->nargs + 1) * sizeof *sc->args);
		const struct sil_type *t = sg_sem_tt(S, x->type);
		if (skip)   /* a set's case binds the endpoint first */
			sc->args[0] = sg_fn_local(S, sg_sem_intern(S, &(struct sil_type){
				.kind = SIL_TK_ENDPOINT, .contract = t->contract, .side = t->side,
				.state = t->state}));
		if (rc[i].map)   /* then a map's value */
			sc->args[1] = sg_fn_local(S, t->elem);
		for (uint32_t a = skip; a < sc->nargs; a++)
			sc->args[a] = sg_fn_local(S,
				S->pkg->contracts[t->contract].msgs[rc[i].msg].args[a - skip]);
	}
	struct snap before;
	sg_own_snap(S, &before);
	struct join j;
	sg_join_init(S, &j, s->pos);
	uint32_t end = sg_fn_label(S);
	for (uint32_t i = 0; i < s->ncases; i++) {
		gen_case(S, &s->cases[i], &rc[i], &cases[i], &before);
		sg_join_add(S, &j);
		if (f->reachable && i + 1 < s->ncases)
			sg_fn_jump(S, OP_JMP, 0, end);
	}
	sg_fn_place(S, end);
	sg_join_apply(S, &j);
}
