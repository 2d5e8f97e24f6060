/*
 * verify_contract.c - contracts: indices, message payloads, and the shape
 * of the state graph that makes queue sizes static.
 *
 * "Every cycle has a message in each direction" is the same as "the graph
 * of in-transitions alone is acyclic, and so is the graph of out-
 * transitions alone": a cycle missing a direction lies wholly in the other
 * direction's graph.  Each of those graphs is then a DAG whose longest
 * path is the queue bound, so one topological sort per direction checks
 * the cycle rule and recomputes the bound (a forged bound is rejected).
 * Linear in states plus transitions.
 */
#include "verify_impl.h"

#include <stdlib.h>

#include "../sil/extend.h"

static int msg_ok(struct vctx *v, uint32_t ci, uint32_t mi)
{
	const struct sil_msg *m = &v->p->contracts[ci].msgs[mi];
	if (!m->name || !m->name[0])
		return verr(v, "bad-name", "contract c%u: message m%u has no name", ci, mi);
	if (m->dir > SIL_OUT)
		return verr(v, "bad-contract", "contract c%u: message m%u has direction %u", ci, mi, m->dir);
	for (uint32_t a = 0; a < m->nargs; a++) {
		uint32_t t = m->args[a];
		/* Messages cross SIPs: only scalars and exchange-heap values. */
		if (t >= v->nty || !(vt_scalar(v, t) || v->ty[t].linear) || v->ty[t].cls == TC_ESET) {
			char b[128];
			return verr(v, "bad-contract", "contract c%u: message m%u argument %u (%s) "
			            "is neither scalar nor linear (or is a set, which never leaves its SIP)", ci, mi, a,
			            t < v->nty ? vtname(v, t, b) : "out of range");
		}
	}
	return 0;
}

static int state_ok(struct vctx *v, uint32_t ci, uint32_t si, uint32_t *seen)
{
	const struct sil_contract *c = &v->p->contracts[ci];
	const struct sil_state *s = &c->states[si];
	int bad = 0, mixed = 0;
	if (!s->name || !s->name[0])
		bad = verr(v, "bad-name", "contract c%u: state s%u has no name", ci, si);
	for (uint32_t i = 0; i < s->ntrans; i++) {
		const struct sil_trans *t = &s->trans[i];
		if (t->msg >= c->nmsgs || t->next >= c->nstates) {
			v->types_ok = 0;
			return verr(v, "bad-contract", "contract c%u: state s%u: transition m%u -> s%u "
			            "out of range", ci, si, t->msg, t->next);
		}
		if (seen[t->msg] == si + 1)
			bad = verr(v, "contract-dup", "contract %.100s: state %.100s names message "
			           "%.100s twice", c->name, s->name, c->msgs[t->msg].name);
		seen[t->msg] = si + 1;
		if (c->msgs[t->msg].dir != c->msgs[s->trans[0].msg].dir && !mixed)
			mixed = bad = verr(v, "contract-mixed", "contract %.100s: state %.100s has "
			                   "both in and out transitions", c->name, s->name);
	}
	return bad;
}

/* Longest path of dir-transitions; UINT32_MAX if they form a cycle
 * (then *where is a state on or after it). */
static uint32_t longest(const struct sil_contract *c, uint8_t dir, uint32_t *indeg,
                        uint32_t *dist, uint32_t *queue, uint32_t *where)
{
	uint32_t n = c->nstates, head = 0, tail = 0, done = 0, best = 0;
	for (uint32_t s = 0; s < n; s++)
		indeg[s] = dist[s] = 0;
	for (uint32_t s = 0; s < n; s++)
		for (uint32_t i = 0; i < c->states[s].ntrans; i++)
			if (c->msgs[c->states[s].trans[i].msg].dir == dir)
				indeg[c->states[s].trans[i].next]++;
	for (uint32_t s = 0; s < n; s++)
		if (!indeg[s])
			queue[tail++] = s;
	while (head < tail) {
		uint32_t s = queue[head++];
		done++;
		if (dist[s] > best)
			best = dist[s];
		for (uint32_t i = 0; i < c->states[s].ntrans; i++) {
			const struct sil_trans *t = &c->states[s].trans[i];
			if (c->msgs[t->msg].dir != dir)
				continue;
			if (dist[t->next] < dist[s] + 1)
				dist[t->next] = dist[s] + 1;
			if (!--indeg[t->next])
				queue[tail++] = t->next;
		}
	}
	if (done == n)
		return best;
	for (uint32_t s = 0; s < n; s++)
		if (indeg[s]) {
			*where = s;
			break;
		}
	return UINT32_MAX;
}

static void check_graph(struct vctx *v, uint32_t ci)
{
	const struct sil_contract *c = &v->p->contracts[ci];
	uint32_t n = c->nstates;
	uint32_t *buf = xcalloc(3 * (size_t)n, sizeof *buf);
	static const char *const dname[2] = { "in", "out" };
	for (uint8_t d = SIL_IN; d <= SIL_OUT; d++) {
		uint32_t where = 0;
		uint32_t b = longest(c, d, buf, buf + n, buf + 2 * (size_t)n, &where);
		uint32_t claimed = d == SIL_IN ? c->bound_in : c->bound_out;
		if (b == UINT32_MAX)
			verr(v, "contract-cycle", "contract %.100s: a cycle through state %.100s has only "
			     "%s messages (its queue would be unbounded)", c->name, c->states[where].name, dname[d]);
		else if (b != claimed)
			verr(v, "contract-bound", "contract %.100s: bound %s is %u but the longest path "
			     "of %s messages is %u", c->name, dname[d], claimed, dname[d], b);
	}
	free(buf);
}

void vfy_contracts(struct vctx *v)
{
	uint32_t maxm = 0;
	for (uint32_t ci = 0; ci < v->p->ncontracts; ci++)
		if (v->p->contracts[ci].nmsgs > maxm)
			maxm = v->p->contracts[ci].nmsgs;
	v->nmark = maxm + 1;
	v->mark = xcalloc(v->nmark, sizeof *v->mark);
	for (uint32_t ci = 0; ci < v->p->ncontracts && !v->stopped; ci++) {
		const struct sil_contract *c = &v->p->contracts[ci];
		int bad = 0;
		if (!c->name || !c->name[0])
			bad = verr(v, "bad-name", "contract c%u has no name", ci);
		if (!c->nstates) {
			v->types_ok = 0;
			verr(v, "bad-contract", "contract c%u has no states", ci);
			continue;
		}
		for (uint32_t m = 0; m < c->nmsgs; m++)
			bad |= msg_ok(v, ci, m);
		if (bad) {
			v->types_ok = 0;    /* functions would index broken messages */
			continue;
		}
		/* v->mark doubles as the per-state "seen" set (stamp = state + 1). */
		for (uint32_t i = 0; i < c->nmsgs; i++)
			v->mark[i] = 0;
		for (uint32_t s = 0; s < c->nstates; s++)   /* every state: ranges matter */
			bad |= state_ok(v, ci, s, v->mark);
		if (!bad)
			check_graph(v, ci);
	}
	for (uint32_t i = 0; i < v->nmark; i++)
		v->mark[i] = 0;
	/* Extension, once every contract is known to be well formed: a base
	 * is declared before its extension (so chains end) and is a prefix. */
	for (uint32_t ci = 0; ci < v->p->ncontracts && v->types_ok && !v->stopped; ci++) {
		char why[300];
		if (sil_ext_diff(v->p, ci, why, sizeof why)) {
			v->types_ok = 0;
			verr(v, "contract-extends", "contract %.100s does not extend its base: %s",
			     v->p->contracts[ci].name, why);
		}
	}
}
