/*
 * verify_chan.c - channel instructions: chnew, send and select, checked
 * against the endpoint's contract state (typestate).
 *
 * A side may send a message whose direction is its own (importer: in,
 * exporter: out) and receive the others.  Because every state's
 * transitions run one way (verify_contract.c), a state is either a
 * sending or a receiving state for a given side.  A select must name, for
 * each endpoint it waits on, every receivable message of the current state
 * plus ChannelClosed, once each.  Endpoints borrowed out of an xstruct
 * field (xborrow) may not change state: the field's type fixes it.
 */
#include "verify_impl.h"

#include <string.h>

static const struct sil_contract *contract_of(const struct vctx *v, uint32_t r)
{
	return &v->p->contracts[vt_def(v, v->fn->locals[r])->contract];
}

static uint8_t side_of(const struct vctx *v, uint32_t r)
{
	return vt_def(v, v->fn->locals[r])->side;
}

static int is_endpoint(struct vctx *v, uint32_t r)
{
	char b[128];
	if (v->ty[v->fn->locals[r]].cls == TC_ENDPOINT)
		return 0;
	if (v->ty[v->fn->locals[r]].cls == TC_ANYEP)
		return verr(v, "opaque-endpoint", "r%u is %s: an opaque endpoint is only moved, "
		            "stored, sent or deleted, never sent or received on", r,
		            vtname(v, v->fn->locals[r], b));
	return verr(v, "type-mismatch", "r%u is %s; an endpoint expected", r,
	            vtname(v, v->fn->locals[r], b));
}

/* Transition on message m from state st, or NULL (charged: O(ntrans)). */
const struct sil_trans *vfy_transition(struct vctx *v, const struct sil_contract *c,
                                       uint32_t st, uint32_t m)
{
	const struct sil_state *s = &c->states[st];
	if (vcharge(v, s->ntrans))
		return NULL;
	for (uint32_t i = 0; i < s->ntrans; i++)
		if (s->trans[i].msg == m)
			return &s->trans[i];
	return NULL;
}

int vfy_chnew(struct vctx *v, const struct sil_insn *in)
{
	uint32_t a = (uint32_t)in->a[0], b = (uint32_t)in->a[1];
	if (is_endpoint(v, a) || is_endpoint(v, b))
		return -1;
	const struct sil_type *x = vt_def(v, v->fn->locals[a]), *y = vt_def(v, v->fn->locals[b]);
	if (x->contract != y->contract || x->side != SIL_IMP || y->side != SIL_EXP)
		return verr(v, "type-mismatch", "r%u and r%u must be the importer and exporter "
		            "ends of one contract", a, b);
	if (a == b)
		return verr(v, "duplicate", "r%u cannot be both ends", a);
	return own_empty_dst(v, a) || own_empty_dst(v, b) || own_def(v, a, 0) || own_def(v, b, 0);
}

/* The endpoint itself, before a send or a receive: holds a live, open,
 * state-changeable endpoint. */
static int live_endpoint(struct vctx *v, uint32_t r)
{
	if (!v->flow)
		return 0;
	if (own_read(v, r))
		return -1;
	const struct slot *x = &v->cur[v->slotof[r]];
	if (x->kind == S_BORROWED && x->parent != NOPARENT)
		return verr(v, "field-endpoint", "r%u is borrowed from an xstruct field, whose type "
		            "fixes its state: xtake it to send or receive", r);
	return 0;
}

int vfy_msg_args(struct vctx *v, const struct sil_msg *m, const uint32_t *l, uint32_t n)
{
	char b[128], c[128];
	if (n != m->nargs)
		return verr(v, "arity", "message %.100s carries %u values, not %u", m->name, m->nargs, n);
	for (uint32_t i = 0; i < n; i++)
		if (!vt_fits(v, v->fn->locals[l[i]], m->args[i]))
			return verr(v, "type-mismatch", "r%u is %s but argument %u of %.100s is %s", l[i],
			            vtname(v, v->fn->locals[l[i]], b), i, m->name, vtname(v, m->args[i], c));
	return 0;
}

int vfy_send(struct vctx *v, const struct sil_insn *in)
{
	uint32_t r = (uint32_t)in->a[0];
	if (is_endpoint(v, r))
		return -1;
	const struct sil_contract *c = contract_of(v, r);
	if (in->a[1] < 0 || (uint64_t)in->a[1] >= c->nmsgs)
		return verr(v, "bad-msg", "contract %.100s has no message m%lld", c->name, (long long)in->a[1]);
	uint32_t mi = (uint32_t)in->a[1];
	const struct sil_msg *m = &c->msgs[mi];
	if (vfy_msg_args(v, m, in->list, in->nlist))
		return -1;
	if (!v->flow)
		return 0;
	if (own_distinct(v, in->list, in->nlist))
		return -1;
	for (uint32_t i = 0; i < in->nlist; i++)
		if (own_move(v, in->list[i], m->args[i]))
			return -1;
	if (live_endpoint(v, r))
		return -1;
	struct slot x = v->cur[v->slotof[r]];
	const struct sil_trans *t = m->dir == side_of(v, r) ? vfy_transition(v, c, x.st, mi) : NULL;
	if (!t)
		return verr(v, "send-state", "%s may not send %.100s in state %.100s of %.100s",
		            side_of(v, r) == SIL_IMP ? "the importer" : "the exporter", m->name,
		            c->states[x.st].name, c->name);
	x.st = t->next;
	own_set(v, (uint32_t)v->slotof[r], x);
	return 0;
}

static int is_set(const struct vctx *v, uint32_t r)
{
	return v->ty[v->fn->locals[r]].cls == TC_ESET;
}

/* One case: types, message range, arity (flow-independent parts). */
static int case_types(struct vctx *v, const struct sil_case *k)
{
	if (is_set(v, k->ep))
		return vfy_eset_case_types(v, k);
	if (is_endpoint(v, k->ep))
		return -1;
	const struct sil_contract *c = contract_of(v, k->ep);
	if (k->msg == 0) {
		if (k->nargs)
			return verr(v, "arity", "a closed case binds no values");
		return 0;
	}
	if (k->msg - 1 >= c->nmsgs)
		return verr(v, "bad-msg", "contract %.100s has no message m%u", c->name, k->msg - 1);
	return vfy_msg_args(v, &c->msgs[k->msg - 1], k->args, k->nargs);
}

/* One case against the endpoint's current state. */
static int case_state(struct vctx *v, const struct sil_case *k)
{
	if (is_set(v, k->ep))
		return vfy_eset_case_state(v, k);
	if (live_endpoint(v, k->ep) || own_distinct(v, k->args, k->nargs))
		return -1;
	for (uint32_t i = 0; i < k->nargs; i++)
		if (own_empty_dst(v, k->args[i]))
			return -1;
	if (k->msg == 0)
		return 0;
	const struct sil_contract *c = contract_of(v, k->ep);
	const struct sil_msg *m = &c->msgs[k->msg - 1];
	uint32_t st = v->cur[v->slotof[k->ep]].st;
	if (m->dir == side_of(v, k->ep) || !vfy_transition(v, c, st, k->msg - 1))
		return verr(v, "recv-state", "%.100s cannot be received on r%u in state %.100s of %.100s",
		            m->name, k->ep, c->states[st].name, c->name);
	return 0;
}

/* A fresh stamp; on wrap-around the marks are cleared so none is stale. */
static uint32_t next_stamp(struct vctx *v)
{
	if (++v->stamp == 0) {
		memset(v->mark, 0, v->nmark * sizeof *v->mark);
		memset(v->epstamp, 0, (v->fn->nlocals + 1) * sizeof *v->epstamp);
		v->stamp = 1;
	}
	return v->stamp;
}

/* The cases of endpoint r (first named by case i) name each receivable
 * message of its state, and closed, exactly once. */
static int cover(struct vctx *v, const struct sil_insn *in, uint32_t i, uint32_t r)
{
	uint32_t key = next_stamp(v);
	const struct sil_contract *c = contract_of(v, r);
	const struct sil_state *s = &c->states[vfy_recv_state(v, r)];
	if (vcharge(v, in->ncases - i + s->ntrans))
		return -1;
	for (uint32_t j = i; j < in->ncases; j++) {
		const struct sil_case *k = &in->cases[j];
		if (k->ep != r)
			continue;
		if (v->mark[k->msg] == key)
			return verr(v, "recv-exhaustive", "r%u has two cases for %.100s", r,
			            k->msg ? c->msgs[k->msg - 1].name : "closed");
		v->mark[k->msg] = key;
	}
	if (v->mark[0] != key)
		return verr(v, "recv-exhaustive", "no closed case for r%u", r);
	for (uint32_t j = 0; j < s->ntrans; j++) {
		uint32_t m = s->trans[j].msg;
		if (c->msgs[m].dir != side_of(v, r) && v->mark[m + 1] != key)
			return verr(v, "recv-exhaustive", "no case for %.100s on r%u in state %.100s",
			            c->msgs[m].name, r, s->name);
	}
	return 0;
}

/* Each endpoint once: O(cases x endpoints), charged to the budget. */
static int exhaustive(struct vctx *v, const struct sil_insn *in)
{
	uint32_t seen = next_stamp(v);
	for (uint32_t i = 0; i < in->ncases; i++) {
		uint32_t r = in->cases[i].ep;
		if (v->epstamp[r] == seen)
			continue;
		v->epstamp[r] = seen;
		if (cover(v, in, i, r))
			return -1;
	}
	return 0;
}

int vfy_select_check(struct vctx *v, const struct sil_insn *in)
{
	if (!in->ncases)
		return verr(v, "recv-exhaustive", "a select with no cases");
	for (uint32_t i = 0; i < in->ncases; i++)
		if (case_types(v, &in->cases[i]))
			return -1;
	if (!v->flow)
		return 0;
	for (uint32_t i = 0; i < in->ncases; i++)
		if (case_state(v, &in->cases[i]))
			return -1;
	return exhaustive(v, in);
}

uint32_t vfy_recv_state(const struct vctx *v, uint32_t r)
{
	return is_set(v, r) ? vt_def(v, v->fn->locals[r])->state : v->cur[v->slotof[r]].st;
}

void vfy_select_case(struct vctx *v, const struct sil_case *k, struct slot *out)
{
	memcpy(out, v->cur, v->nslots * sizeof *out);
	if (is_set(v, k->ep)) {
		vfy_eset_case_out(v, k, out);
		return;
	}
	struct slot *e = &out[v->slotof[k->ep]];
	if (k->msg == 0) {
		e->st = ST_CLOSED;
		return;
	}
	const struct sil_contract *c = contract_of(v, k->ep);
	const struct sil_msg *m = &c->msgs[k->msg - 1];
	const struct sil_trans *t = vfy_transition(v, c, e->st, k->msg - 1);
	if (!t)
		return;         /* budget spent: v->stopped is set, nothing more is used */
	e->st = t->next;
	for (uint32_t i = 0; i < k->nargs; i++) {
		int32_t s = v->slotof[k->args[i]];
		if (s >= 0) {
			uint32_t st = ep_state_of(v, m->args[i]);
			out[s] = (struct slot){ S_OWNED, 0, st, 0, 0 };
		}
	}
}
