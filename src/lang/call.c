/*
 * call.c - calls: user functions (owned and borrowed arguments), builtin
 * functions (print, str, panic, assert, clock, yield, dma_new, dma_addr,
 * and the f64 functions sqrt ... pow) and methods (sends on endpoints, cells, strings, I/O ports).
 *
 * An argument lent to a `borrow` parameter stays with its owner; while the
 * call's arguments are evaluated it counts as borrowed, so the same call
 * cannot also move it.
 */
#include "sem.h"

#include <string.h>

static struct val tmpv(struct sem *S, uint32_t type)
{
	return (struct val){type, sg_fn_local(S, type), -1, 0};
}

static const struct val none = {SIL_T_VOID, 0, -1, 0};

static int arity(struct sem *S, struct ast_expr *e, const char *kind, const char *name,
                 uint32_t n)
{
	if (e->nargs == n)
		return 1;
	sg_diag_err(S->d, e->pos, "%s '%s' takes %u argument%s, not %u", kind, name, n,
	         n == 1 ? "" : "s", e->nargs);
	return 0;
}

/* An argument for a borrowed parameter of type pt: a variable or a linear
 * field, lent for the duration of the call. */
static struct val lend(struct sem *S, struct ast_expr *a, uint32_t pt, const char *what)
{
	char b1[160], b2[160];
	int isvar = a->kind == E_NAME && sg_var_find(S, a->str) >= 0;
	if (!isvar && a->kind != E_FIELD) {
		sg_diag_err(S->d, a->pos, "%s is borrowed: pass a variable or a field", what);
		return sg_val_bad();
	}
	struct val v = sg_gen_obj(S, a);
	if (v.type == TY_BAD)
		return v;
	if (!sg_sem_same(S, v.type, pt) || !sg_sem_linear(S, v.type)) {
		sg_diag_err(S->d, a->pos, "%s has type %s, expected %s", what,
		         sg_sem_tname(S, v.type, b1), sg_sem_tname(S, pt, b2));
		return sg_val_bad();
	}
	const struct sil_type *t = sg_sem_tt(S, pt);
	if (isvar) {
		struct var *x = &S->fn->vars[v.var];
		if (x->st == O_CLOSED) {
			sg_diag_err(S->d, a->pos, "endpoint '%s' is closed: it can only be deleted", x->name);
			return sg_val_bad();
		}
		if (t->kind == SIL_TK_ENDPOINT && x->eps != (int32_t)t->state) {
			const struct sil_contract *c = &S->pkg->contracts[t->contract];
			sg_diag_err(S->d, a->pos, "%s must be in state %s, but it is in state %s", what,
			         c->states[t->state].name, c->states[x->eps].name);
			return sg_val_bad();
		}
		sg_bor_push(S, UINT32_MAX, v.var);
	} else if (t->kind == SIL_TK_ENDPOINT && sg_sem_tt(S, v.type)->state != t->state) {
		sg_diag_err(S->d, a->pos, "%s: the field's endpoint state differs from the parameter's", what);
		return sg_val_bad();
	}
	return v;
}

struct val sg_gen_call(struct sem *S, struct ast_expr *e, int spawn);

static uint32_t path_depth(const struct ast_expr *a)
{
	uint32_t d = 0;
	for (; a->kind == E_FIELD; a = a->a)
		d++;
	return d;
}

/* Whether two lent arguments (a variable or a field path) reach one value:
 * one path is a prefix of the other, as `h` and `h.ep`, or `h.ep` twice.
 * The callee would get two unrelated borrows of it (the verifier's alias
 * rule). */
static int paths_overlap(const struct ast_expr *x, const struct ast_expr *y)
{
	uint32_t dx = path_depth(x), dy = path_depth(y);
	for (; dx > dy; dx--)
		x = x->a;
	for (; dy > dx; dy--)
		y = y->a;
	for (; x->kind == E_FIELD && y->kind == E_FIELD; x = x->a, y = y->a)
		if (strcmp(x->str, y->str))
			return 0;
	return x->kind == E_NAME && y->kind == E_NAME && !strcmp(x->str, y->str);
}

/* Argument i (lent) against the arguments lent before it. */
static int lent_once(struct sem *S, struct ast_expr *e, struct sfunc *f, uint32_t i)
{
	for (uint32_t j = 0; j < i; j++)
		if (f->a->params[j].borrow && paths_overlap(e->args[j], e->args[i])) {
			sg_diag_err(S->d, e->args[i]->pos, "arguments %u and %u of '%s' reach one value: "
			            "it cannot be lent twice in one call", j + 1, i + 1, e->str);
			return 0;
		}
	return 1;
}

static struct val b_print(struct sem *S, struct ast_expr *e, int nl)
{
	struct val v = sg_gen_expr(S, e->args[0], SIL_T_STRING);
	char buf[160];
	if (v.type == TY_BAD)
		return v;
	if (v.type != SIL_T_STRING) {
		if (!sg_ty_scalar(v.type)) {
			sg_diag_err(S->d, e->args[0]->pos, "cannot print %s", sg_sem_tname(S, v.type, buf));
			return sg_val_bad();
		}
		struct val s = tmpv(S, SIL_T_STRING);
		sg_fn_op(S, OP_TOSTR, s.r, v.r, 0);
		v = s;
	}
	if (nl) {
		struct val k = tmpv(S, SIL_T_STRING), s = tmpv(S, SIL_T_STRING);
		sg_fn_op(S, OP_SCONST, k.r, sg_sem_kstr(S, "\n", 1), 0);
		sg_fn_op(S, OP_STRCAT, s.r, v.r, k.r);
		v = s;
	}
	sg_fn_op(S, OP_PRINT, v.r, 0, 0);
	return none;
}

/* An exheap u8[] (the bytes a string travels as between SIPs)? */
static int is_bytes(struct sem *S, uint32_t t)
{
	const struct sil_type *d = sg_sem_tt(S, t);
	return d && d->kind == SIL_TK_XARRAY && d->elem == SIL_T_U8;
}

/* str(x): the text of a number or bool, or the bytes of an exheap u8[]
 * as a string.  The argument is used in place (sg_gen_obj), so a byte
 * array is read, not consumed, and a linear field is only borrowed. */
static struct val b_str(struct sem *S, struct ast_expr *e)
{
	char buf[160];
	uint32_t mark = S->fn->nbors;
	struct val v = sg_gen_obj(S, e->args[0]), s = v;
	int op = v.type == TY_BAD || v.type == SIL_T_STRING ? -1
	       : sg_ty_scalar(v.type) ? OP_TOSTR : is_bytes(S, v.type) ? OP_BYTESTR : -2;
	if (op == -2) {
		sg_diag_err(S->d, e->args[0]->pos, "str() converts numbers, bools and exheap u8[], not %s",
		            sg_sem_tname(S, v.type, buf));
		s = sg_val_bad();
	} else if (op >= 0) {
		s = tmpv(S, SIL_T_STRING);
		sg_fn_op(S, op, s.r, v.r, 0);
	}
	sg_bor_end(S, mark);
	return s;
}

static struct val b_panic(struct sem *S, struct ast_expr *e)
{
	struct val v = sg_gen_into(S, e->args[0], SIL_T_STRING, "the panic message");
	if (v.type != TY_BAD)
		sg_fn_op(S, OP_PANIC, v.r, 0, 0);
	return none;
}

/* assert(c): if c is false, panic with "file:line: assertion failed". */
static struct val b_assert(struct sem *S, struct ast_expr *e)
{
	uint32_t c = sg_gen_cond(S, e->args[0]);
	uint32_t ok = sg_fn_label(S);
	sg_fn_jump(S, OP_JT, c, ok);
	const char *file = S->d->files[e->pos.file].name, *slash = strrchr(file, '/');
	char msg[300];
	snprintf(msg, sizeof msg, "%.200s:%u: assertion failed", slash ? slash + 1 : file,
	         e->pos.line);
	struct val m = tmpv(S, SIL_T_STRING);
	sg_fn_op(S, OP_SCONST, m.r, sg_sem_kstr(S, msg, (uint32_t)strlen(msg)), 0);
	sg_fn_op(S, OP_PANIC, m.r, 0, 0);
	sg_fn_place(S, ok);
	return none;
}

static struct val b_clock(struct sem *S, struct ast_expr *e)
{
	(void)e;
	struct val v = tmpv(S, SIL_T_I64);
	sg_fn_op(S, OP_CLOCK, v.r, 0, 0);
	return v;
}

static struct val b_yield(struct sem *S, struct ast_expr *e)
{
	(void)e;
	sg_fn_op(S, OP_YIELD, 0, 0, 0);
	return none;
}

/* Device memory (drivers only: sg_sem_manifest checks the claim). */
static void dma_seen(struct sem *S, struct ast_expr *e)
{
	if (!S->dma_used) {
		S->dma_used = 1;
		S->dma_pos = e->pos;
	}
}

/* dma_new(n): a new zeroed exheap u8[] of n bytes the device can reach. */
static struct val b_dma_new(struct sem *S, struct ast_expr *e)
{
	char buf[160];
	dma_seen(S, e);
	struct val n = sg_gen_expr(S, e->args[0], SIL_T_I32);
	if (n.type == TY_BAD)
		return n;
	if (!sg_ty_int(n.type)) {
		sg_diag_err(S->d, e->args[0]->pos, "dma_new() takes an integer length, not %s",
		            sg_sem_tname(S, n.type, buf));
		return sg_val_bad();
	}
	struct val r = tmpv(S, sg_sem_array_of(S, SIL_TK_XARRAY, SIL_T_U8));
	sg_fn_op(S, OP_DMANEW, r.r, n.r, 0);
	return r;
}

/* dma_addr(a): the device address of a[0], a an exheap array read in
 * place like str(b) (owned or borrowed, unchanged; a field is lent). */
static struct val b_dma_addr(struct sem *S, struct ast_expr *e)
{
	char buf[160];
	dma_seen(S, e);
	uint32_t mark = S->fn->nbors;
	struct val v = sg_gen_obj(S, e->args[0]), r = v;
	if (v.type != TY_BAD && sg_sem_kind(S, v.type) != SIL_TK_XARRAY) {
		sg_diag_err(S->d, e->args[0]->pos, "dma_addr() takes an exheap array, not %s",
		            sg_sem_tname(S, v.type, buf));
		r = sg_val_bad();
	} else if (v.type != TY_BAD) {
		r = tmpv(S, SIL_T_U64);
		sg_fn_op(S, OP_DMAADDR, r.r, v.r, 0);
	}
	sg_bor_end(S, mark);
	return r;
}

/* ns_connect(prov, client): the name service's primitive.  prov (an
 * any.Imp, a provider's importing end) is read in place; client (an
 * any.Exp) is moved to the kernel, which checks the shapes and hands it
 * to the provider: 0, 1 (the provider is gone) or 2 (contract differs). */
static int is_any(struct sem *S, struct val v, int side)
{
	return v.type != TY_BAD && sg_sem_kind(S, v.type) == SIL_TK_ANYEP &&
	       sg_sem_tt(S, v.type)->side == side;
}

static struct val b_ns_connect(struct sem *S, struct ast_expr *e)
{
	char buf[160];
	uint32_t mark = S->fn->nbors;
	struct val p = sg_gen_obj(S, e->args[0]), r = sg_val_bad();
	if (p.type != TY_BAD && !is_any(S, p, SIL_IMP)) {
		sg_diag_err(S->d, e->args[0]->pos, "ns_connect() takes a provider's any.Imp first, not %s",
		            sg_sem_tname(S, p.type, buf));
	} else if (p.type != TY_BAD) {
		uint32_t exp = sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_ANYEP, .side = SIL_EXP});
		struct val c = sg_gen_arg(S, e->args[1], exp, "the client end given to ns_connect()");
		if (c.type != TY_BAD) {
			r = tmpv(S, SIL_T_I32);
			sg_fn_op(S, OP_NSCONN, r.r, p.r, c.r);
		}
	}
	sg_bor_end(S, mark);
	return r;
}

static struct val b_println(struct sem *S, struct ast_expr *e) { return b_print(S, e, 1); }
static struct val b_print0(struct sem *S, struct ast_expr *e) { return b_print(S, e, 0); }

static const struct {
	const char *name;
	uint32_t nargs;
	struct val (*gen)(struct sem *, struct ast_expr *);
} builtins[] = {
	{"print", 1, b_print0}, {"println", 1, b_println}, {"str", 1, b_str},
	{"panic", 1, b_panic}, {"assert", 1, b_assert}, {"clock", 0, b_clock},
	{"yield", 0, b_yield}, {"dma_new", 1, b_dma_new}, {"dma_addr", 1, b_dma_addr},
	{"ns_connect", 2, b_ns_connect},
};

/* The f64 functions: one SIL operation each, every operand f64. */
static const struct { const char *name; uint32_t nargs; int op; } fmath[] = {
	{"sqrt", 1, OP_FSQRT}, {"floor", 1, OP_FFLOOR}, {"ceil", 1, OP_FCEIL},
	{"trunc", 1, OP_FTRUNC}, {"round", 1, OP_FROUND}, {"abs", 1, OP_FABS},
	{"sin", 1, OP_FSIN}, {"cos", 1, OP_FCOS}, {"exp", 1, OP_FEXP}, {"log", 1, OP_FLOG},
	{"min", 2, OP_FMIN}, {"max", 2, OP_FMAX}, {"pow", 2, OP_FPOW},
};

static struct val b_fmath(struct sem *S, struct ast_expr *e, int op)
{
	char buf[160];
	uint32_t r[2] = {0, 0};
	int bad = 0;
	for (uint32_t i = 0; i < e->nargs; i++) {
		struct val v = sg_gen_expr(S, e->args[i], SIL_T_F64);
		if (v.type != TY_BAD && v.type != SIL_T_F64)
			sg_diag_err(S->d, e->args[i]->pos, "%s() takes f64, not %s (convert with (f64)x)",
			            e->str, sg_sem_tname(S, v.type, buf));
		bad |= v.type != SIL_T_F64;
		r[i] = v.r;
	}
	if (bad)
		return sg_val_bad();
	struct val d = tmpv(S, SIL_T_F64);
	sg_fn_op(S, op, d.r, r[0], r[1]);
	return d;
}

struct val sg_gen_call(struct sem *S, struct ast_expr *e, int spawn)
{
	for (size_t k = 0; !spawn && k < sizeof builtins / sizeof builtins[0]; k++)
		if (!strcmp(e->str, builtins[k].name))
			return arity(S, e, "function", e->str, builtins[k].nargs)
			       ? builtins[k].gen(S, e) : sg_val_bad();
	for (size_t k = 0; !spawn && k < sizeof fmath / sizeof fmath[0]; k++)
		if (!strcmp(e->str, fmath[k].name))
			return arity(S, e, "function", e->str, fmath[k].nargs)
			       ? b_fmath(S, e, fmath[k].op) : sg_val_bad();
	struct sfunc *f = sg_sem_func(S, e->str);
	if (!f) {
		sg_diag_err(S->d, e->pos, "undefined function '%s'", e->str);
		return sg_val_bad();
	}
	if (!arity(S, e, "function", e->str, f->a->nparams) || !f->ok)
		return sg_val_bad();
	if (spawn && f->ret != SIL_T_VOID) {
		sg_diag_err(S->d, e->pos, "a spawned function must return void");
		return sg_val_bad();
	}
	uint32_t mark = S->fn->nbors, *args = arena_alloc(S->ar, (e->nargs + 1) * sizeof *args);
	int bad = 0;
	for (uint32_t i = 0; i < e->nargs; i++) {
		char what[200];
		snprintf(what, sizeof what, "argument %u of '%s'", i + 1, e->str);
		if (spawn && sg_sem_linear(S, f->ptypes[i])) {
			sg_diag_err(S->d, e->args[i]->pos, "%s is linear: spawn takes only non-linear arguments", what);
			bad = 1;
			continue;
		}
		struct val v = f->a->params[i].borrow ? lend(S, e->args[i], f->ptypes[i], what)
		                                      : sg_gen_arg(S, e->args[i], f->ptypes[i], what);
		bad |= v.type == TY_BAD;
		if (v.type != TY_BAD && f->a->params[i].borrow && !lent_once(S, e, f, i))
			bad = 1;
		args[i] = v.r;
	}
	struct val r = f->ret == SIL_T_VOID ? none : tmpv(S, f->ret);
	if (f->ret != SIL_T_VOID) {
		const struct sil_type *t = sg_sem_tt(S, f->ret);
		r.eps = t && t->kind == SIL_TK_ENDPOINT ? (int32_t)t->state : 0;
	}
	if (!bad) {
		struct sil_insn *in = sg_fn_emit(S, spawn ? OP_SPAWN : OP_CALL);
		int d = spawn ? -1 : 0;   /* spawn's operands are "f*", call's "df*" */
		if (!spawn)
			in->a[0] = f->ret == SIL_T_VOID ? -1 : (int64_t)r.r;
		in->a[d + 1] = f->idx;
		in->nlist = e->nargs;
		in->list = sg_fn_list(S, args, e->nargs);
	}
	sg_bor_end(S, mark);
	return bad ? sg_val_bad() : r;
}
