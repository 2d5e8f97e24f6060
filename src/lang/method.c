/*
 * method.c - methods: sends on endpoints (ep.Msg(args)), cells (acquire,
 * release), endpoint sets (add, size), strings (substr, bytes) and I/O
 * ports (in8..in32, out8..out32).
 *
 * A send checks the endpoint's side and current contract state and moves
 * the endpoint's tracked state to the transition's target.
 */
#include "sem.h"

#include <string.h>

static struct val tmpv(struct sem *S, uint32_t type)
{
	const struct sil_type *t = sg_sem_tt(S, type);
	return (struct val){type, sg_fn_local(S, type), -1,
	                    t && t->kind == SIL_TK_ENDPOINT ? (int32_t)t->state : 0};
}

static const struct val none = {SIL_T_VOID, 0, -1, 0};

static int nargs_ok(struct sem *S, struct ast_expr *e, uint32_t n)
{
	if (e->nargs == n)
		return 1;
	sg_diag_err(S->d, e->pos, "'%s' takes %u argument%s, not %u", e->str, n, n == 1 ? "" : "s",
	         e->nargs);
	return 0;
}

static struct val gen_send(struct sem *S, struct ast_expr *e, struct val o)
{
	if (o.var < 0) {
		sg_diag_err(S->d, e->pos, "messages are sent on an endpoint variable");
		return sg_val_bad();
	}
	struct var *x = &S->fn->vars[o.var];
	const struct sil_type *t = sg_sem_tt(S, x->type);
	const struct sil_contract *c = &S->pkg->contracts[t->contract];
	if (x->st == O_CLOSED) {
		sg_diag_err(S->d, e->a->pos, "endpoint '%s' is closed: it can only be deleted", x->name);
		return sg_val_bad();
	}
	int m = sg_contract_msg(S, t->contract, e->str);
	if (m < 0) {
		sg_diag_err(S->d, e->pos, "contract '%s' has no message '%s'", c->name, e->str);
		return sg_val_bad();
	}
	int sends = t->side == SIL_IMP ? SIL_IN : SIL_OUT;
	if (c->msgs[m].dir != sends) {
		sg_diag_err(S->d, e->pos, "'%s' is the %s end of %s: it receives '%s', it cannot send it",
		         x->name, t->side == SIL_IMP ? "importing" : "exporting", c->name, e->str);
		return sg_val_bad();
	}
	int next = sg_contract_next(S, t->contract, x->eps, (uint32_t)m);
	if (next < 0) {
		sg_diag_err(S->d, e->pos, "'%s' cannot send '%s' in state %s", x->name, e->str,
		         c->states[x->eps].name);
		return sg_val_bad();
	}
	if (!nargs_ok(S, e, c->msgs[m].nargs))
		return sg_val_bad();
	uint32_t *args = arena_alloc(S->ar, (e->nargs + 1) * sizeof *args);
	int bad = 0;
	sg_bor_push(S, UINT32_MAX, o.var);   /* the endpoint cannot travel in its own message */
	for (uint32_t i = 0; i < e->nargs; i++) {
		char what[200];
		snprintf(what, sizeof what, "argument %u of message '%s'", i + 1, e->str);
		struct val v = sg_gen_arg(S, e->args[i], c->msgs[m].args[i], what);
		bad |= v.type == TY_BAD;
		args[i] = v.r;
	}
	if (bad)
		return sg_val_bad();
	struct sil_insn *in = sg_fn_emit(S, OP_SEND);
	in->a[0] = x->local;
	in->a[1] = m;
	in->nlist = e->nargs;
	in->list = sg_fn_list(S, args, e->nargs);
	x->eps = next;
	return none;
}

static struct val gen_cell(struct sem *S, struct ast_expr *e, struct val o)
{
	uint32_t elem = sg_sem_tt(S, o.type)->elem;
	if (!strcmp(e->str, "acquire")) {
		if (!nargs_ok(S, e, 0))
			return sg_val_bad();
		struct val r = tmpv(S, elem);
		sg_fn_op(S, OP_ACQUIRE, r.r, o.r, 0);
		return r;
	}
	if (!strcmp(e->str, "release")) {
		if (!nargs_ok(S, e, 1))
			return sg_val_bad();
		struct val v = sg_gen_into(S, e->args[0], elem, "the value released");
		if (v.type != TY_BAD)
			sg_fn_op(S, OP_RELEASE, o.r, v.r, 0);
		return v.type == TY_BAD ? v : none;
	}
	sg_diag_err(S->d, e->pos, "a cell has methods acquire() and release(x), not '%s'", e->str);
	return sg_val_bad();
}

/* s.add(ep) moves ep (in the set's state) into the set; m.add(ep, v) the
 * same into a map, with v (of the map's value type); size() counts. */
static struct val gen_eset(struct sem *S, struct ast_expr *e, struct val o)
{
	const struct sil_type *t = sg_sem_tt(S, o.type);
	uint32_t vt = t->elem;   /* a map's value type, 0 for a set */
	if (!strcmp(e->str, "size")) {
		if (!nargs_ok(S, e, 0))
			return sg_val_bad();
		struct val r = tmpv(S, SIL_T_I32);
		sg_fn_op(S, OP_ESSIZE, r.r, o.r, 0);
		return r;
	}
	if (!strcmp(e->str, "add")) {
		if (e->nargs != (vt ? 2u : 1u)) {
			sg_diag_err(S->d, e->pos, vt ? "an emap's add takes the endpoint and its value: add(ep, value)"
			                             : "an eset's endpoints carry no value: add(ep)");
			return sg_val_bad();
		}
		uint32_t ep = sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_ENDPOINT,
		                            .contract = t->contract, .side = t->side, .state = t->state});
		struct val v = sg_gen_into(S, e->args[0], ep, "an endpoint added to the set");
		if (v.type == TY_BAD)
			return v;
		if (!vt) {
			sg_fn_op(S, OP_ESADD, o.r, v.r, 0);
			return none;
		}
		struct val x = sg_gen_into(S, e->args[1], vt, "a value put in the map");
		if (x.type != TY_BAD)
			sg_fn_op(S, OP_EMADD, o.r, v.r, x.r);
		return x.type == TY_BAD ? x : none;
	}
	sg_diag_err(S->d, e->pos, "an %s has methods add(ep%s) and size(), not '%s'", vt ? "emap" : "eset",
	            vt ? ", value" : "", e->str);
	return sg_val_bad();
}

static struct val int_arg(struct sem *S, struct ast_expr *a)
{
	char buf[160];
	struct val v = sg_gen_expr(S, a, SIL_T_I32);
	if (v.type != TY_BAD && !sg_ty_int(v.type)) {
		sg_diag_err(S->d, a->pos, "expected an integer, not %s", sg_sem_tname(S, v.type, buf));
		return sg_val_bad();
	}
	return v;
}

static struct val gen_substr(struct sem *S, struct ast_expr *e, struct val o)
{
	if (!nargs_ok(S, e, 2))
		return sg_val_bad();
	struct val from = int_arg(S, e->args[0]), len = int_arg(S, e->args[1]);
	if (from.type == TY_BAD || len.type == TY_BAD)
		return sg_val_bad();
	struct val r = tmpv(S, SIL_T_STRING);
	struct sil_insn *in = sg_fn_emit(S, OP_SUBSTR);
	in->a[0] = r.r;
	in->a[1] = o.r;
	in->a[2] = from.r;
	in->a[3] = len.r;
	return r;
}

/* s.bytes(): a new owned exheap u8[] copy, the form in which text crosses
 * to another SIP (str(b) converts back). */
static struct val gen_bytes(struct sem *S, struct ast_expr *e, struct val o)
{
	if (!nargs_ok(S, e, 0))
		return sg_val_bad();
	struct val r = tmpv(S, sg_sem_array_of(S, SIL_TK_XARRAY, SIL_T_U8));
	sg_fn_op(S, OP_STRBYTES, r.r, o.r, 0);
	return r;
}

static struct val gen_string(struct sem *S, struct ast_expr *e, struct val o)
{
	if (!strcmp(e->str, "substr"))
		return gen_substr(S, e, o);
	if (!strcmp(e->str, "bytes"))
		return gen_bytes(S, e, o);
	sg_diag_err(S->d, e->pos, "a string has the methods substr(from, len) and bytes(), not '%s'",
	            e->str);
	return sg_val_bad();
}

static const struct { const char *name; uint32_t type; int out; } ioops[] = {
	{"in8", SIL_T_U8, 0}, {"in16", SIL_T_U16, 0}, {"in32", SIL_T_U32, 0},
	{"out8", SIL_T_U8, 1}, {"out16", SIL_T_U16, 1}, {"out32", SIL_T_U32, 1},
};

static struct val gen_io(struct sem *S, struct ast_expr *e, struct val o)
{
	size_t k = 0, n = sizeof ioops / sizeof ioops[0];
	while (k < n && strcmp(ioops[k].name, e->str))
		k++;
	if (k == n) {
		sg_diag_err(S->d, e->pos, "an ioport has methods in8/in16/in32 and out8/out16/out32, not '%s'",
		         e->str);
		return sg_val_bad();
	}
	if (!nargs_ok(S, e, 1 + (uint32_t)ioops[k].out))
		return sg_val_bad();
	struct val off = int_arg(S, e->args[0]);
	if (off.type == TY_BAD)
		return off;
	if (ioops[k].out) {
		struct val v = sg_gen_into(S, e->args[1], ioops[k].type, "the value written");
		if (v.type == TY_BAD)
			return v;
		sg_fn_op(S, OP_IOOUT, o.r, off.r, v.r);
		return none;
	}
	struct val r = tmpv(S, ioops[k].type);
	sg_fn_op(S, OP_IOIN, r.r, o.r, off.r);
	return r;
}

struct val sg_gen_method(struct sem *S, struct ast_expr *e, uint32_t want)
{
	char buf[160];
	(void)want;
	struct ast_expr *a = e->a;
	if (a->kind == E_NAME && sg_var_find(S, a->str) < 0 && sg_sem_contract(S, a->str)) {
		if (!strcmp(e->str, "NewChannel"))
			sg_diag_err(S->d, e->pos, "NewChannel() makes two endpoints: write "
			         "'var (imp, exp) = %s.NewChannel();'", a->str);
		else
			sg_diag_err(S->d, e->pos, "contract '%s' has no function '%s'", a->str, e->str);
		return sg_val_bad();
	}
	uint32_t mark = S->fn->nbors;
	struct val o = sg_gen_obj(S, a), r = sg_val_bad();
	switch (o.type == TY_BAD ? -1 : sg_sem_kind(S, o.type)) {
	case -1:
		break;
	case SIL_TK_ENDPOINT:
		r = gen_send(S, e, o);
		break;
	case SIL_TK_CELL:
		r = gen_cell(S, e, o);
		break;
	case SIL_TK_ESET:
		r = gen_eset(S, e, o);
		break;
	case SIL_TK_IOPORT:
		r = gen_io(S, e, o);
		break;
	case SIL_TK_ANYEP:
		sg_diag_err(S->d, e->pos, "%s is an opaque endpoint: it can be moved, stored, sent or "
		            "deleted, never sent on ('%s')", sg_sem_tname(S, o.type, buf), e->str);
		break;
	default:
		if (o.type == SIL_T_STRING)
			r = gen_string(S, e, o);
		else
			sg_diag_err(S->d, e->pos, "%s has no method '%s'", sg_sem_tname(S, o.type, buf), e->str);
	}
	sg_bor_end(S, mark);
	return r;
}
