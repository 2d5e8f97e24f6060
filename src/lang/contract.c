/*
 * contract.c - contracts: the written state machine normalised into SIL
 * states, checked (one direction per state, no one-way cycle) and bounded.
 *
 * A state written `S: { A? -> (B! or C!) -> T; }` becomes S --A--> S$1,
 * S$1 --B--> T, S$1 --C--> T: each step after the first gets a fresh
 * anonymous state named after the written one.  A message of a choice may
 * name its own target: `S: { A? -> (B! -> T or C! -> U); }` gives S --A-->
 * S$1, S$1 --B--> T, S$1 --C--> U.
 *
 * `contract D : B { ... }` starts D as a copy of B (messages, states with
 * their transitions, at B's indices), then adds D's own messages, states
 * and transitions; a state D names that B has gets D's steps added to it.
 * src/sil/extend.c says what counts as an extension; D is checked by it.
 */
#include "sem.h"

#include <stdlib.h>
#include <string.h>

#include "../sil/extend.h"

static struct sil_contract *sc(struct sem *S, uint32_t c)
{
	return &S->pkg->contracts[c];
}

int sg_contract_state(struct sem *S, uint32_t c, const char *name)
{
	struct sil_contract *k = sc(S, c);
	for (uint32_t i = 0; i < k->nstates; i++)
		if (!strcmp(k->states[i].name, name))
			return (int)i;
	return -1;
}

int sg_contract_msg(struct sem *S, uint32_t c, const char *name)
{
	struct sil_contract *k = sc(S, c);
	for (uint32_t i = 0; i < k->nmsgs; i++)
		if (!strcmp(k->msgs[i].name, name))
			return (int)i;
	return -1;
}

int sg_contract_next(struct sem *S, uint32_t c, int32_t st, uint32_t m)
{
	struct sil_contract *k = sc(S, c);
	if (st < 0 || (uint32_t)st >= k->nstates)
		return -1;
	for (uint32_t i = 0; i < k->states[st].ntrans; i++)
		if (k->states[st].trans[i].msg == m)
			return (int)k->states[st].trans[i].next;
	return -1;
}

static uint32_t add_state(struct sem *S, struct sil_contract *k, const char *name)
{
	struct sil_state *s = APUSH(&S->pkg->arena, k->states, k->nstates);
	s->name = sil_strndup(S->pkg, name, strlen(name));
	return k->nstates - 1;
}

static void add_trans(struct sem *S, struct scontract *c, uint32_t from, const char *msg,
                      struct pos at, int mark, uint32_t to)
{
	struct sil_contract *k = sc(S, c->idx);
	int m = sg_contract_msg(S, c->idx, msg);
	if (m < 0) {
		sg_diag_err(S->d, at, "contract '%s' has no message '%s'", k->name, msg);
		c->ok = 0;
		return;
	}
	int dir = mark == T_QUEST ? SIL_IN : SIL_OUT;
	if (k->msgs[m].dir != dir) {
		sg_diag_err(S->d, at, "'%s' is an %s message: write '%s%s'", msg,
		         k->msgs[m].dir == SIL_IN ? "in" : "out", msg,
		         k->msgs[m].dir == SIL_IN ? "?" : "!");
		c->ok = 0;
	}
	if (sg_contract_next(S, c->idx, (int32_t)from, (uint32_t)m) >= 0) {
		sg_diag_err(S->d, at, "state '%s' already has a transition on '%s'",
		         k->states[from].name, msg);
		c->ok = 0;
		return;
	}
	struct sil_state *s = &k->states[from];
	struct sil_trans *t = APUSH(&S->pkg->arena, s->trans, s->ntrans);
	t->msg = (uint32_t)m;
	t->next = to;
}

/* A written (not anonymous) state named as a target, or -1. */
static int target_state(struct sem *S, struct scontract *c, const char *name, struct pos at)
{
	int t = sg_contract_state(S, c->idx, name);
	if (t >= 0 && !strchr(sc(S, c->idx)->states[t].name, '$'))   /* '$': anonymous */
		return t;
	sg_diag_err(S->d, at, "contract '%s' has no state '%s'", sc(S, c->idx)->name, name);
	c->ok = 0;
	return -1;
}

static void normalise_seq(struct sem *S, struct scontract *c, uint32_t from,
                          struct ast_seq *q, uint32_t *anon)
{
	struct sil_contract *k = sc(S, c->idx);
	int target = q->target ? target_state(S, c, q->target, q->tpos) : 0;
	if (target < 0)
		return;
	const char *base = k->states[from].name;
	for (uint32_t j = 0; j < q->nsteps; j++) {
		uint32_t to = (uint32_t)target;
		if (j + 1 < q->nsteps) {
			char name[256];
			snprintf(name, sizeof name, "%.200s$%u", base, ++*anon);
			to = add_state(S, k, name);
		}
		struct ast_step *st = &q->steps[j];
		for (uint32_t m = 0; m < st->nmsgs; m++) {
			int own = st->targets[m] ? target_state(S, c, st->targets[m], st->tpos[m]) : (int)to;
			if (own >= 0)
				add_trans(S, c, from, st->msgs[m], st->mpos[m], st->marks[m], (uint32_t)own);
		}
		from = to;
	}
}

/* `contract D : B`: the base, declared before D; NULL (reported) if none. */
static struct scontract *find_base(struct sem *S, struct scontract *c)
{
	struct ast_contract *a = c->a;
	struct scontract *b = sg_sem_contract(S, a->base);
	if (!b)
		sg_diag_err(S->d, a->bpos, "contract '%s' extends '%s', which is not a contract",
		            a->name, a->base);
	else if (b->idx >= c->idx)
		sg_diag_err(S->d, a->bpos, "contract '%s' extends '%s', which must be declared "
		            "before it", a->name, a->base);
	else
		return b;
	c->ok = 0;
	return NULL;
}

/* D starts as a copy of its base B: messages (arguments come later, in
 * sg_contract_messages), states and their transitions. */
static void copy_base(struct sem *S, struct scontract *c, struct scontract *b)
{
	struct sil_contract *k = sc(S, c->idx), *bk = sc(S, b->idx);
	k->has_base = 1;
	k->base = b->idx;
	c->ok &= b->ok;
	for (uint32_t i = 0; i < bk->nmsgs; i++)
		k->msgs[k->nmsgs++] = (struct sil_msg){ .name = bk->msgs[i].name, .dir = bk->msgs[i].dir };
	for (uint32_t s = 0; s < bk->nstates; s++) {
		uint32_t n = add_state(S, k, bk->states[s].name);
		for (uint32_t t = 0; t < bk->states[s].ntrans; t++)
			*APUSH(&S->pkg->arena, k->states[n].trans, k->states[n].ntrans) = bk->states[s].trans[t];
	}
}

void sg_contract_states(struct sem *S, struct scontract *c)
{
	struct ast_contract *a = c->a;
	struct sil_contract *k = sc(S, c->idx);
	c->ok = 1;
	c->base = a->base ? find_base(S, c) : NULL;
	uint32_t nb = c->base ? sc(S, c->base->idx)->nmsgs : 0, sb = 0;
	k->name = sil_strndup(S->pkg, a->name, strlen(a->name));
	k->msgs = sil_alloc(S->pkg, (nb + a->nmsgs + 1) * sizeof *k->msgs);
	if (c->base) {
		copy_base(S, c, c->base);
		sb = k->nstates;
	}
	for (uint32_t i = 0; i < a->nmsgs; i++) {
		if (sg_contract_msg(S, c->idx, a->msgs[i].name) >= 0) {
			sg_diag_err(S->d, a->msgs[i].pos, "message '%s' is already defined", a->msgs[i].name);
			c->ok = 0;
		}
		k->msgs[nb + i].name = sil_strndup(S->pkg, a->msgs[i].name, strlen(a->msgs[i].name));
		k->msgs[nb + i].dir = (uint8_t)a->msgs[i].dir;
		k->nmsgs = nb + i + 1;
	}
	if (!a->nstates && !sb) {
		sg_diag_err(S->d, a->pos, "contract '%s' has no states", a->name);
		c->ok = 0;
		add_state(S, k, "START");
		return;
	}
	/* A state the base has is extended, not declared again. */
	for (uint32_t i = 0; i < a->nstates; i++) {
		int had = sg_contract_state(S, c->idx, a->states[i].name);
		if (had >= (int)sb || (had >= 0 && a->states[i].nseqs == 0)) {
			sg_diag_err(S->d, a->states[i].pos, "state '%s' is already defined", a->states[i].name);
			c->ok = 0;
		}
		if (had < 0)
			add_state(S, k, a->states[i].name);
	}
	for (uint32_t i = 0; i < a->nstates; i++) {
		uint32_t from = (uint32_t)sg_contract_state(S, c->idx, a->states[i].name);
		uint32_t anon = from < sb ? k->nstates : 0;   /* past the base's own S$n names */
		for (uint32_t q = 0; q < a->states[i].nseqs; q++)
			normalise_seq(S, c, from, &a->states[i].seqs[q], &anon);
	}
}

void sg_contract_messages(struct sem *S, struct scontract *c)
{
	struct ast_contract *a = c->a;
	uint32_t nb = 0;
	if (c->base) {   /* declared before c: its arguments are known */
		const struct sil_contract *bk = sc(S, c->base->idx);
		nb = bk->nmsgs;
		for (uint32_t i = 0; i < nb; i++) {
			sc(S, c->idx)->msgs[i].args = bk->msgs[i].args;
			sc(S, c->idx)->msgs[i].nargs = bk->msgs[i].nargs;
		}
	}
	for (uint32_t i = 0; i < a->nmsgs; i++) {
		struct ast_msg *m = &a->msgs[i];
		uint32_t *args = sil_alloc(S->pkg, (m->nargs + 1) * sizeof *args);
		for (uint32_t j = 0; j < m->nargs; j++) {
			uint32_t t = sg_sem_type(S, m->args[j].type, TC_MSGARG);
			args[j] = t == TY_BAD ? SIL_T_I32 : t;
			if (t == TY_BAD)
				c->ok = 0;
		}
		struct sil_msg *sm = &sc(S, c->idx)->msgs[nb + i];
		sm->args = args;
		sm->nargs = m->nargs;
	}
}

/* Longest path over the transitions of one direction (Kahn's order, no
 * recursion).  Returns -1 and names a state on a cycle if there is one. */
static int64_t longest(struct sem *S, struct sil_contract *k, int dir, uint32_t *cyc)
{
	uint32_t n = k->nstates, *indeg = xcalloc(n + 1, sizeof *indeg);
	uint32_t *queue = xcalloc(n + 1, sizeof *queue), *dist = xcalloc(n + 1, sizeof *dist);
	(void)S;
	for (uint32_t s = 0; s < n; s++)
		for (uint32_t t = 0; t < k->states[s].ntrans; t++)
			if (k->msgs[k->states[s].trans[t].msg].dir == dir)
				indeg[k->states[s].trans[t].next]++;
	uint32_t qh = 0, qt = 0, best = 0;
	for (uint32_t s = 0; s < n; s++)
		if (!indeg[s])
			queue[qt++] = s;
	while (qh < qt) {
		uint32_t s = queue[qh++];
		for (uint32_t t = 0; t < k->states[s].ntrans; t++) {
			struct sil_trans *tr = &k->states[s].trans[t];
			if (k->msgs[tr->msg].dir != dir)
				continue;
			if (dist[s] + 1 > dist[tr->next])
				dist[tr->next] = dist[s] + 1;
			if (dist[tr->next] > best)
				best = dist[tr->next];
			if (--indeg[tr->next] == 0)
				queue[qt++] = tr->next;
		}
	}
	int64_t r = best;
	if (qt < n) {
		/* Some state is left; walking back along edges between states that
		 * are left reaches a cycle within n steps (capped: it only names one). */
		uint32_t cur = 0;
		while (!indeg[cur])
			cur++;
		for (uint32_t step = 0; step < n && step < 1000; step++) {
			uint32_t prev = cur;
			for (uint32_t s = 0; s < n && prev == cur; s++)
				for (uint32_t t = 0; t < k->states[s].ntrans; t++)
					if (indeg[s] && k->states[s].trans[t].next == cur &&
					    k->msgs[k->states[s].trans[t].msg].dir == dir) {
						prev = s;
						break;
					}
			cur = prev;
		}
		*cyc = cur;
		r = -1;
	}
	free(indeg);
	free(queue);
	free(dist);
	return r;
}

void sg_contract_check(struct sem *S, struct scontract *c)
{
	struct sil_contract *k = sc(S, c->idx);
	char why[300];
	if (!c->ok)
		return;
	if (sil_ext_diff(S->pkg, c->idx, why, sizeof why)) {
		sg_diag_err(S->d, c->a->pos, "contract '%s' does not extend '%s': %s", k->name,
		            c->a->base, why);
		c->ok = 0;
		return;
	}
	for (uint32_t s = 0; s < k->nstates; s++) {
		struct sil_state *st = &k->states[s];
		for (uint32_t t = 1; t < st->ntrans; t++) {
			if (k->msgs[st->trans[t].msg].dir != k->msgs[st->trans[0].msg].dir) {
				sg_diag_err(S->d, c->a->pos,
				         "contract '%s': state '%s' has transitions in both directions",
				         k->name, st->name);
				c->ok = 0;
				break;
			}
		}
	}
	for (int dir = SIL_IN; dir <= SIL_OUT; dir++) {
		uint32_t cyc = 0;
		int64_t b = longest(S, k, dir, &cyc);
		if (b < 0) {
			sg_diag_err(S->d, c->a->pos,
			         "contract '%s' is unbounded: a cycle through state '%s' has only '%s' messages",
			         k->name, k->states[cyc].name, dir == SIL_IN ? "in" : "out");
			c->ok = 0;
		} else if (dir == SIL_IN) {
			k->bound_in = (uint32_t)b;
		} else {
			k->bound_out = (uint32_t)b;
		}
	}
}
