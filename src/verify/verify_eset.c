/*
 * verify_eset.c - endpoint sets and maps: esnew, esadd, emadd, essize, and
 * select cases that wait on "any endpoint of a set".
 *
 * A set's type fixes its contract, side and state: every endpoint in it is
 * in that state, so the set itself carries no typestate and is tracked
 * like any other linear value (empty, owned or borrowed).  esadd moves an
 * owned endpoint in, and only in exactly the set's state; from then on the
 * endpoint is the set's and its local is empty.  A select case on a set
 * hands one endpoint out into its first bound local, owned, in the state
 * after the message (or closed); from there it is an ordinary endpoint
 * that must be put back, sent, stored or deleted on every path, and the
 * usual join rule keeps "no endpoint in two places" and "states agree".
 * Sets never cross SIPs: no message argument or xstruct field is a set
 * (verify_types.c, verify_contract.c).
 *
 * A map (a set type with a value type: Sing#'s EMap) is a set whose
 * endpoints each carry a GC value of that type: emadd puts one in with its
 * value, and a case on a map binds the endpoint, then its value, then the
 * message's values.  The value is an ordinary non-linear local, typed
 * exactly; the endpoint follows the set's rules unchanged.
 */
#include "verify_impl.h"

static uint32_t T(const struct vctx *v, uint32_t r) { return v->fn->locals[r]; }

static int want(struct vctx *v, int ok, uint32_t r, const char *what)
{
	char b[128];
	if (ok)
		return 0;
	return verr(v, "type-mismatch", "r%u is %s; %s expected", r, vtname(v, T(v, r), b), what);
}

static int is_set(const struct vctx *v, uint32_t r)
{
	return v->ty[T(v, r)].cls == TC_ESET;
}

/* A map's value type, or 0 (void) for a plain set. */
static uint32_t value_type(const struct vctx *v, uint32_t s)
{
	return vt_def(v, T(v, s))->elem;
}

/* Locals a case on set s binds before the message's values: the endpoint,
 * and a map's value. */
static uint32_t nbound(const struct vctx *v, uint32_t s)
{
	return value_type(v, s) ? 2 : 1;
}

/* Value local x fits map s's values (exactly their type). */
static int value_fits(struct vctx *v, uint32_t s, uint32_t x)
{
	char a[128], b[128];
	if (vt_same(v, T(v, x), value_type(v, s)))
		return 0;
	return verr(v, "type-mismatch", "r%u is %s but map r%u holds %s values", x,
	            vtname(v, T(v, x), a), s, vtname(v, value_type(v, s), b));
}

/* Endpoint local e can live in set s: one contract, one side. */
static int member_type(struct vctx *v, uint32_t s, uint32_t e)
{
	char a[128], b[128];
	const struct sil_type *st = vt_def(v, T(v, s)), *et = vt_def(v, T(v, e));
	if (v->ty[T(v, e)].cls == TC_ENDPOINT && et->contract == st->contract && et->side == st->side)
		return 0;
	return verr(v, "type-mismatch", "r%u is %s but set r%u holds %s endpoints", e,
	            vtname(v, T(v, e), a), s, vtname(v, T(v, s), b));
}

int vfy_esnew(struct vctx *v, const struct sil_insn *in)
{
	uint32_t r = (uint32_t)in->a[0];
	return want(v, is_set(v, r), r, "an endpoint set") || own_empty_dst(v, r) || own_def(v, r, 0);
}

/* esadd set, ep (emadd map, ep, val): the set owned or borrowed
 * (unchanged); ep owned, in the set's state (own_move checks it against
 * the set's type), then empty; a map's value (only a map's) of its type. */
int vfy_esadd(struct vctx *v, const struct sil_insn *in)
{
	uint32_t s = (uint32_t)in->a[0], e = (uint32_t)in->a[1];
	int map = in->op == OP_EMADD;
	if (want(v, is_set(v, s), s, "an endpoint set") ||
	    want(v, !value_type(v, s) == !map, s, map ? "an endpoint map" : "an endpoint set without values") ||
	    member_type(v, s, e) || (map && value_fits(v, s, (uint32_t)in->a[2])))
		return -1;
	return own_read(v, s) || own_move(v, e, T(v, s));
}

int vfy_essize(struct vctx *v, const struct sil_insn *in)
{
	uint32_t d = (uint32_t)in->a[0], s = (uint32_t)in->a[1];
	return want(v, T(v, d) == SIL_T_I32, d, "i32") || want(v, is_set(v, s), s, "an endpoint set") ||
	       own_read(v, s);
}

static const struct sil_contract *contract_of(const struct vctx *v, uint32_t r)
{
	return &v->p->contracts[vt_def(v, T(v, r))->contract];
}

int vfy_eset_case_types(struct vctx *v, const struct sil_case *k)
{
	const struct sil_contract *c = contract_of(v, k->ep);
	uint32_t nb = nbound(v, k->ep);
	if (k->nargs < nb)
		return verr(v, "arity", "a case on %s r%u binds the endpoint first%s", nb == 1 ? "set" : "map",
		            k->ep, nb == 1 ? "" : ", then its value");
	if (member_type(v, k->ep, k->args[0]) || (nb == 2 && value_fits(v, k->ep, k->args[1])))
		return -1;
	if (k->msg == 0)
		return k->nargs == nb ? 0 : verr(v, "arity", "a closed case on a %s binds only the endpoint%s",
		                                 nb == 1 ? "set" : "map", nb == 1 ? "" : " and its value");
	if (k->msg - 1 >= c->nmsgs)
		return verr(v, "bad-msg", "contract %.100s has no message m%u", c->name, k->msg - 1);
	return vfy_msg_args(v, &c->msgs[k->msg - 1], k->args + nb, k->nargs - nb);
}

int vfy_eset_case_state(struct vctx *v, const struct sil_case *k)
{
	if (own_read(v, k->ep) || own_distinct(v, k->args, k->nargs))
		return -1;
	for (uint32_t i = 0; i < k->nargs; i++)
		if (own_empty_dst(v, k->args[i]))
			return -1;
	if (k->msg == 0)
		return 0;
	const struct sil_contract *c = contract_of(v, k->ep);
	const struct sil_msg *m = &c->msgs[k->msg - 1];
	uint32_t st = vt_def(v, T(v, k->ep))->state;
	if (m->dir == vt_def(v, T(v, k->ep))->side || !vfy_transition(v, c, st, k->msg - 1))
		return verr(v, "recv-state", "%.100s cannot be received on set r%u (state %.100s of %.100s)",
		            m->name, k->ep, c->states[st].name, c->name);
	return 0;
}

void vfy_eset_case_out(struct vctx *v, const struct sil_case *k, struct slot *out)
{
	uint32_t e = (uint32_t)v->slotof[k->args[0]];
	if (k->msg == 0) {
		out[e] = (struct slot){ S_OWNED, 0, ST_CLOSED, 0, 0 };
		return;
	}
	const struct sil_contract *c = contract_of(v, k->ep);
	const struct sil_msg *m = &c->msgs[k->msg - 1];
	const struct sil_trans *t = vfy_transition(v, c, vt_def(v, T(v, k->ep))->state, k->msg - 1);
	if (!t)
		return;         /* budget spent: v->stopped is set, nothing more is used */
	out[e] = (struct slot){ S_OWNED, 0, t->next, 0, 0 };
	uint32_t nb = nbound(v, k->ep);   /* a map's value is not linear: no slot */
	for (uint32_t i = nb; i < k->nargs; i++) {
		int32_t s = v->slotof[k->args[i]];
		if (s >= 0)
			out[s] = (struct slot){ S_OWNED, 0, ep_state_of(v, m->args[i - nb]), 0, 0 };
	}
}

/* ns.connect dst, prov, client: prov an opaque importing end, owned or
 * borrowed (unchanged); client an exporting end (opaque or not: it goes up
 * to any.Exp as a call argument does), owned, then empty (the kernel took
 * it and checks its contract and start state); dst the kernel's answer. */
int vfy_nsconn(struct vctx *v, const struct sil_insn *in)
{
	uint32_t d = (uint32_t)in->a[0], p = (uint32_t)in->a[1], c = (uint32_t)in->a[2];
	if (want(v, T(v, d) == SIL_T_I32, d, "i32") ||
	    want(v, v->ty[T(v, p)].cls == TC_ANYEP && vt_def(v, T(v, p))->side == SIL_IMP, p, "any.Imp") ||
	    want(v, (v->ty[T(v, c)].cls == TC_ANYEP || v->ty[T(v, c)].cls == TC_ENDPOINT) &&
	            vt_def(v, T(v, c))->side == SIL_EXP, c, "an exporting endpoint"))
		return -1;
	return own_read(v, p) || own_move(v, c, T(v, c));
}
