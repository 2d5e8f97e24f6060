/* extend.c - contract extension and upcasts (see extend.h). */
#include "extend.h"

#include <stdlib.h>
#include <string.h>

static int same_msg(const struct sil_msg *x, const struct sil_msg *y)
{
	if (strcmp(x->name ? x->name : "", y->name ? y->name : "") || x->dir != y->dir ||
	    x->nargs != y->nargs)
		return 0;
	return !x->nargs || !memcmp(x->args, y->args, x->nargs * sizeof *x->args);
}

/* The next state of message m in state s of c, or UINT32_MAX. */
static uint32_t next_of(const struct sil_state *s, uint32_t m)
{
	for (uint32_t i = 0; i < s->ntrans; i++)
		if (s->trans[i].msg == m)
			return s->trans[i].next;
	return UINT32_MAX;
}

/* State s of d has exactly b's transitions on b's messages. */
static int same_state(const struct sil_state *ds, const struct sil_state *bs, uint32_t bmsgs)
{
	uint32_t nb = 0;
	for (uint32_t i = 0; i < ds->ntrans; i++) {
		const struct sil_trans *t = &ds->trans[i];
		if (t->msg >= bmsgs)
			continue;
		if (next_of(bs, t->msg) != t->next)
			return 0;
		nb++;
	}
	return nb == bs->ntrans;
}

int sil_ext_diff(const struct sil_pkg *p, uint32_t d, char *why, size_t n)
{
	const struct sil_contract *c = &p->contracts[d];
	if (!c->has_base)
		return 0;
	if (c->base >= d) {
		snprintf(why, n, "its base c%u is not a contract declared before it", c->base);
		return 1;
	}
	const struct sil_contract *b = &p->contracts[c->base];
	const char *bn = b->name ? b->name : "?";
	if (c->nmsgs < b->nmsgs || c->nstates < b->nstates) {
		snprintf(why, n, "it has fewer messages or states than its base %.100s", bn);
		return 1;
	}
	for (uint32_t m = 0; m < b->nmsgs; m++)
		if (!same_msg(&c->msgs[m], &b->msgs[m])) {
			snprintf(why, n, "message %u (%.100s) differs from its base %.100s's", m,
			         b->msgs[m].name ? b->msgs[m].name : "?", bn);
			return 1;
		}
	for (uint32_t s = 0; s < b->nstates; s++)
		if (!same_state(&c->states[s], &b->states[s], b->nmsgs)) {
			snprintf(why, n, "state %u (%.100s) changes its base %.100s's transitions", s,
			         b->states[s].name ? b->states[s].name : "?", bn);
			return 1;
		}
	return 0;
}

int sil_ext_is_base(const struct sil_pkg *p, uint32_t d, uint32_t b)
{
	while (d != b) {
		if (d >= p->ncontracts || !p->contracts[d].has_base || p->contracts[d].base >= d)
			return 0;
		d = p->contracts[d].base;
	}
	return 1;
}

/* Does d add, in state s, a transition the peer of `side` sends that b
 * does not know? */
static int adds_peer_msg(const struct sil_contract *dc, uint32_t bmsgs, uint32_t s, uint32_t side)
{
	const struct sil_state *ds = &dc->states[s];
	for (uint32_t i = 0; i < ds->ntrans; i++) {
		uint32_t m = ds->trans[i].msg;
		if (m >= bmsgs && m < dc->nmsgs && dc->msgs[m].dir == (side ? SIL_IN : SIL_OUT))
			return 1;
	}
	return 0;
}

int sil_ext_upcast(const struct sil_pkg *p, uint32_t d, uint32_t b, uint32_t side, uint32_t st)
{
	if (d == b)
		return 1;
	if (!sil_ext_is_base(p, d, b))
		return 0;
	const struct sil_contract *dc = &p->contracts[d], *bc = &p->contracts[b];
	if (st >= bc->nstates || dc->nstates < bc->nstates || dc->nmsgs < bc->nmsgs)
		return 0;
	/* Walk b's graph from st (b's states are a prefix of d's). */
	uint32_t *todo = xcalloc(bc->nstates + 1, sizeof *todo);
	uint8_t *seen = xcalloc(bc->nstates + 1, 1);
	uint32_t nt = 0;
	int ok = 1;
	todo[nt++] = st;
	seen[st] = 1;
	while (nt && ok) {
		uint32_t s = todo[--nt];
		ok = !adds_peer_msg(dc, bc->nmsgs, s, side);
		for (uint32_t i = 0; i < bc->states[s].ntrans; i++) {
			uint32_t nx = bc->states[s].trans[i].next;
			if (nx < bc->nstates && !seen[nx]) {
				seen[nx] = 1;
				todo[nt++] = nx;
			}
		}
	}
	free(todo);
	free(seen);
	return ok;
}
