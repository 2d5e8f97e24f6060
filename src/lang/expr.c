/*
 * expr.c - expressions: type-check and emit into fresh typed locals.
 *
 * A linear variable named in a value position is moved (it becomes empty);
 * as the object of a field, index, length or method it is used in place;
 * a linear field in such a position is borrowed with xborrow until the
 * operation using it is emitted (sg_bor_end).  Integer literals take the type
 * their context wants (`want`), else i32 (i64/u64 if too big).
 */
#include "sem.h"

#include <string.h>

#include "../sil/extend.h"

#define NOWANT SIL_T_VOID

struct val sg_val_bad(void)
{
	return (struct val){TY_BAD, 0, -1, 0};
}

static struct val tmp(struct sem *S, uint32_t type)
{
	const struct sil_type *t = sg_sem_tt(S, type);
	int32_t eps = t && t->kind == SIL_TK_ENDPOINT ? (int32_t)t->state : 0;
	return (struct val){type, sg_fn_local(S, type), -1, eps};
}

/* ---- literals ---- */

static int is_lit(const struct ast_expr *e)
{
	return e->kind == E_INT || e->kind == E_FLOAT || e->kind == E_NULL ||
	       (e->kind == E_UNARY && e->op == T_MINUS && is_lit(e->a));
}

static const unsigned int_bits[] = {
	[SIL_T_I8] = 8, [SIL_T_I16] = 16, [SIL_T_I32] = 32, [SIL_T_I64] = 64,
	[SIL_T_U8] = 8, [SIL_T_U16] = 16, [SIL_T_U32] = 32, [SIL_T_U64] = 64,
};

static int fits(uint64_t v, int neg, uint32_t t)
{
	unsigned bits = int_bits[t];
	if (sg_ty_signed(t))
		return v <= (((uint64_t)1 << (bits - 1)) - !neg);
	return neg ? v == 0 : bits == 64 || v < ((uint64_t)1 << bits);
}

static struct val gen_int(struct sem *S, struct ast_expr *e, uint32_t want, int neg)
{
	char buf[160];
	if (want == SIL_T_F64) {
		struct val v = tmp(S, SIL_T_F64);
		double d = (double)e->ival;
		sg_fn_op(S, OP_FCONST, v.r, sg_sem_kf64(S, neg ? -d : d), 0);
		return v;
	}
	uint32_t t = want;
	if (!sg_ty_int(want)) {
		t = e->is_char ? SIL_T_U8 : SIL_T_I32;
		if (!fits(e->ival, neg, t))
			t = SIL_T_I64;
		if (!fits(e->ival, neg, t))
			t = SIL_T_U64;
	}
	if (!fits(e->ival, neg, t)) {
		sg_diag_err(S->d, e->pos, "integer literal out of range for %s", sg_sem_tname(S, t, buf));
		return sg_val_bad();
	}
	struct val v = tmp(S, t);
	sg_fn_op(S, OP_CONST, v.r, neg ? (int64_t)(0 - e->ival) : (int64_t)e->ival, 0);
	return v;
}

static struct val gen_lit(struct sem *S, struct ast_expr *e, uint32_t want)
{
	struct val v;
	switch (e->kind) {
	case E_INT:
		return gen_int(S, e, want, 0);
	case E_FLOAT:
		v = tmp(S, SIL_T_F64);
		sg_fn_op(S, OP_FCONST, v.r, sg_sem_kf64(S, e->fval), 0);
		return v;
	case E_STR:
		v = tmp(S, SIL_T_STRING);
		sg_fn_op(S, OP_SCONST, v.r, sg_sem_kstr(S, e->str, e->slen), 0);
		return v;
	case E_BOOL:
		v = tmp(S, SIL_T_BOOL);
		sg_fn_op(S, OP_CONST, v.r, (int64_t)e->ival, 0);
		return v;
	}
	/* null */
	if (!sg_ty_gcref(S, want)) {
		sg_diag_err(S->d, e->pos, "'null' needs a reference type here (a string, array, struct or cell)");
		return sg_val_bad();
	}
	v = tmp(S, want);
	sg_fn_op(S, OP_NULL, v.r, 0, 0);
	return v;
}

/* ---- names ---- */

static int use_var(struct sem *S, int v, struct pos at, int move)
{
	struct var *x = &S->fn->vars[v];
	if (!x->linear)
		return 1;
	if (x->bad)
		return 0;   /* already reported */
	const char *why = NULL;
	if (x->st == O_EMPTY)
		why = "use of moved value '%s'";
	else if (x->st == O_CLOSED && move)
		why = "endpoint '%s' is closed: it can only be deleted";
	else if (move && x->st == O_BORROWED)
		why = "'%s' is borrowed: it cannot be moved, stored, sent or deleted";
	else if (move && x->bcount)
		why = "cannot move '%s' while it is borrowed";
	if (why) {
		sg_diag_err(S->d, at, why, x->name);
		return 0;
	}
	if (move)
		x->st = O_EMPTY;
	return 1;
}

static struct val name_val(struct sem *S, struct ast_expr *e, int move)
{
	int v = sg_var_find(S, e->str);
	if (v < 0) {
		if (sg_sem_func(S, e->str))
			sg_diag_err(S->d, e->pos, "'%s' is a function: call it with (...)", e->str);
		else
			sg_diag_err(S->d, e->pos, "undefined name '%s'", e->str);
		return sg_val_bad();
	}
	struct var *x = &S->fn->vars[v];
	int32_t eps = x->eps;
	if (!use_var(S, v, e->pos, move))
		return sg_val_bad();
	return (struct val){x->type, x->local, v, eps};
}

static struct val gen_name(struct sem *S, struct ast_expr *e, uint32_t want)
{
	(void)want;
	return name_val(S, e, 1);
}

/* ---- operators ---- */

static struct val gen_unary(struct sem *S, struct ast_expr *e, uint32_t want)
{
	char buf[160];
	if (e->op == T_MINUS && e->a->kind == E_INT)
		return gen_int(S, e->a, want, 1);
	struct val a = sg_gen_expr(S, e->a, want);
	if (a.type == TY_BAD)
		return a;
	int ok = e->op == T_MINUS ? sg_ty_num(a.type) && (sg_ty_signed(a.type) || a.type == SIL_T_F64)
	       : e->op == T_BANG ? a.type == SIL_T_BOOL : sg_ty_int(a.type);
	if (!ok) {
		sg_diag_err(S->d, e->pos, "operator '%s' cannot be applied to %s",
		         e->op == T_MINUS ? "-" : e->op == T_BANG ? "!" : "~", sg_sem_tname(S, a.type, buf));
		return sg_val_bad();
	}
	struct val r = tmp(S, a.type);
	sg_fn_op(S, e->op == T_MINUS ? OP_NEG : OP_NOT, r.r, a.r, 0);
	return r;
}

/* Operator token, SIL opcode and which operand types it takes. */
enum { K_NUM = 1, K_INT = 2, K_BOOL = 4, K_EQ = 8, K_CMP = 16 };
static const struct { int tok, op, kinds; const char *text; } binops[] = {
	{T_PLUS, OP_ADD, K_NUM, "+"}, {T_MINUS, OP_SUB, K_NUM, "-"},
	{T_STAR, OP_MUL, K_NUM, "*"}, {T_SLASH, OP_DIV, K_NUM, "/"},
	{T_PERCENT, OP_REM, K_INT, "%"}, {T_AMP, OP_AND, K_INT | K_BOOL, "&"},
	{T_PIPE, OP_OR, K_INT | K_BOOL, "|"}, {T_CARET, OP_XOR, K_INT | K_BOOL, "^"},
	{T_SHL, OP_SHL, K_INT, "<<"}, {T_SHR, OP_SHR, K_INT, ">>"},
	{T_EQEQ, OP_EQ, K_EQ, "=="}, {T_NE, OP_NE, K_EQ, "!="},
	{T_LT, OP_LT, K_CMP, "<"}, {T_LE, OP_LE, K_CMP, "<="},
	{T_GT, OP_GT, K_CMP, ">"}, {T_GE, OP_GE, K_CMP, ">="},
	{T_ANDAND, OP_AND, K_BOOL, "&&"}, {T_OROR, OP_OR, K_BOOL, "||"},
};

static struct val to_string(struct sem *S, struct val v, struct pos at)
{
	char buf[160];
	if (v.type == SIL_T_STRING || v.type == TY_BAD)
		return v;
	if (!sg_ty_scalar(v.type)) {
		sg_diag_err(S->d, at, "cannot convert %s to a string", sg_sem_tname(S, v.type, buf));
		return sg_val_bad();
	}
	struct val r = tmp(S, SIL_T_STRING);
	sg_fn_op(S, OP_TOSTR, r.r, v.r, 0);
	return r;
}

/* a && b, a || b: evaluate b only if needed; no linear value may change in b. */
static struct val gen_logic(struct sem *S, struct ast_expr *e)
{
	struct val r = tmp(S, SIL_T_BOOL);
	sg_fn_op(S, OP_MOV, r.r, sg_gen_cond(S, e->a), 0);
	uint32_t end = sg_fn_label(S);
	sg_fn_jump(S, e->op == T_ANDAND ? OP_JF : OP_JT, r.r, end);
	struct join j;
	sg_join_init(S, &j, e->pos);
	sg_join_add(S, &j);
	sg_fn_op(S, OP_MOV, r.r, sg_gen_cond(S, e->b), 0);
	sg_join_add(S, &j);
	sg_fn_place(S, end);
	return r;
}

static struct val gen_binary(struct sem *S, struct ast_expr *e, uint32_t want)
{
	char b1[160], b2[160];
	size_t k = 0;
	while (binops[k].tok != e->op)
		k++;
	if (e->op == T_ANDAND || e->op == T_OROR)
		return gen_logic(S, e);
	int cmp = binops[k].kinds & (K_EQ | K_CMP);
	uint32_t w = cmp || want == SIL_T_BOOL || want == SIL_T_STRING ? NOWANT : want;
	struct val a, b;
	if (is_lit(e->a) && !is_lit(e->b)) {
		b = sg_gen_expr(S, e->b, w);
		a = sg_gen_expr(S, e->a, b.type == TY_BAD ? NOWANT : b.type);
	} else {
		a = sg_gen_expr(S, e->a, w);
		b = sg_gen_expr(S, e->b, a.type == TY_BAD ? NOWANT : a.type);
	}
	if (a.type == TY_BAD || b.type == TY_BAD)
		return sg_val_bad();
	if (e->op == T_PLUS && (a.type == SIL_T_STRING || b.type == SIL_T_STRING)) {
		a = to_string(S, a, e->a->pos);
		b = to_string(S, b, e->b->pos);
		if (a.type == TY_BAD || b.type == TY_BAD)
			return sg_val_bad();
		struct val r = tmp(S, SIL_T_STRING);
		sg_fn_op(S, OP_STRCAT, r.r, a.r, b.r);
		return r;
	}
	if (!sg_sem_same(S, a.type, b.type) || sg_sem_linear(S, a.type)) {
		sg_diag_err(S->d, e->pos, "operator '%s' cannot be applied to %s and %s",
		         binops[k].text, sg_sem_tname(S, a.type, b1), sg_sem_tname(S, b.type, b2));
		return sg_val_bad();
	}
	int kinds = binops[k].kinds, t = (int)a.type;
	int ok = ((kinds & K_NUM) && sg_ty_num(a.type)) || ((kinds & K_INT) && sg_ty_int(a.type)) ||
	         ((kinds & K_BOOL) && t == SIL_T_BOOL) || ((kinds & K_CMP) && sg_ty_num(a.type)) ||
	         ((kinds & K_EQ) && (sg_ty_scalar(a.type) || sg_ty_gcref(S, a.type)));
	if (!ok) {
		sg_diag_err(S->d, e->pos, "operator '%s' cannot be applied to %s",
		         binops[k].text, sg_sem_tname(S, a.type, b1));
		return sg_val_bad();
	}
	struct val r = tmp(S, cmp ? SIL_T_BOOL : a.type);
	sg_fn_op(S, binops[k].op, r.r, a.r, b.r);
	return r;
}

static struct val gen_cast(struct sem *S, struct ast_expr *e, uint32_t want)
{
	char b1[160], b2[160];
	(void)want;
	uint32_t t = sg_sem_type(S, e->type, TC_LOCAL);
	struct val a = sg_gen_expr(S, e->a, NOWANT);
	if (a.type == TY_BAD || t == TY_BAD)
		return sg_val_bad();
	if (a.type == t)
		return a;
	if (!sg_ty_num(a.type) || !sg_ty_num(t)) {
		sg_diag_err(S->d, e->pos, "cannot convert %s to %s (casts are between numeric types)",
		         sg_sem_tname(S, a.type, b1), sg_sem_tname(S, t, b2));
		return sg_val_bad();
	}
	struct val r = tmp(S, t);
	sg_fn_op(S, OP_CONV, r.r, a.r, 0);
	return r;
}

/* ---- structs, arrays and fields ---- */

static int field_index(struct sem *S, uint32_t type, const char *name, struct pos at)
{
	char buf[160];
	const struct sil_type *t = sg_sem_tt(S, type);
	for (uint32_t i = 0; t && i < t->nfields; i++)
		if (!strcmp(t->fields[i].name, name))
			return (int)i;
	sg_diag_err(S->d, at, "%s has no field '%s'", sg_sem_tname(S, type, buf), name);
	return -1;
}

static void gen_inits(struct sem *S, struct ast_expr *e, struct val obj)
{
	const struct sil_type *t;
	for (uint32_t i = 0; i < e->nargs; i++) {
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(e->names[i], e->names[j]))
				sg_diag_err(S->d, e->npos[i], "field '%s' is initialised twice", e->names[i]);
		int n = field_index(S, obj.type, e->names[i], e->npos[i]);
		if (n < 0)
			continue;
		t = sg_sem_tt(S, obj.type);
		uint32_t ft = t->fields[n].type;
		char what[200];
		snprintf(what, sizeof what, "field '%s'", e->names[i]);
		struct val v = sg_gen_into(S, e->args[i], ft, what);
		if (v.type == TY_BAD)
			continue;
		if (sg_sem_linear(S, ft))
			sg_fn_op(S, OP_XPUT, obj.r, n, v.r);
		else
			sg_fn_op(S, OP_STFLD, obj.r, n, v.r);
	}
}

static struct val gen_new(struct sem *S, struct ast_expr *e, uint32_t want)
{
	char buf[160];
	(void)want;
	struct ast_type *at = e->type;
	uint32_t t = sg_sem_type(S, at, TC_LOCAL);
	if (t == TY_BAD)
		return sg_val_bad();
	int k = sg_sem_kind(S, t);
	if (e->a) {   /* new [exheap] T[n] */
		struct val n = sg_gen_expr(S, e->a, SIL_T_I32);
		if (n.type != TY_BAD && !sg_ty_int(n.type)) {
			sg_diag_err(S->d, e->a->pos, "an array length must be an integer, not %s",
			         sg_sem_tname(S, n.type, buf));
			return sg_val_bad();
		}
		struct val r = tmp(S, t);
		sg_fn_op(S, e->exheap ? OP_XNEWARR : OP_NEWARR, r.r, n.r, 0);
		return r;
	}
	if (k == SIL_TK_ESET && !e->exheap) {   /* new eset<E>: empty, owned */
		struct val r = tmp(S, t);
		sg_fn_op(S, OP_ESNEW, r.r, 0, 0);
		return r;
	}
	int want_x = k == SIL_TK_XSTRUCT;
	if (k != SIL_TK_STRUCT && k != SIL_TK_XSTRUCT && k != SIL_TK_CELL) {
		sg_diag_err(S->d, e->pos, "cannot allocate %s with 'new'", sg_sem_tname(S, t, buf));
		return sg_val_bad();
	}
	if (e->exheap != want_x) {
		sg_diag_err(S->d, e->pos, want_x ? "'%s' lives in the exchange heap: write 'new exheap %s'"
		                              : "'%s' is not an exheap type: write 'new %s'",
		         sg_sem_tname(S, t, buf), at->name ? at->name : "cell<...>");
		return sg_val_bad();
	}
	struct val r = tmp(S, t);
	sg_fn_op(S, want_x ? OP_XNEW : OP_NEW, r.r, 0, 0);
	gen_inits(S, e, r);
	return r;
}

/* The variable at the root of a chain of fields, or -1. */
static int root_var(struct sem *S, struct ast_expr *e)
{
	while (e->kind == E_FIELD)
		e = e->a;
	return e->kind == E_NAME ? sg_var_find(S, e->str) : -1;
}

/* Read field e->str of o (already evaluated); linear fields are refused. */
static struct val field_read(struct sem *S, struct ast_expr *e, struct val o)
{
	char buf[160];
	int k = sg_sem_kind(S, o.type);
	struct val r = sg_val_bad();
	if (!strcmp(e->str, "len") && (o.type == SIL_T_STRING || k == SIL_TK_ARRAY || k == SIL_TK_XARRAY)) {
		r = tmp(S, SIL_T_I32);
		sg_fn_op(S, OP_LEN, r.r, o.r, 0);
	} else if (k == SIL_TK_STRUCT || k == SIL_TK_XSTRUCT) {
		int n = field_index(S, o.type, e->str, e->pos);
		if (n >= 0) {
			uint32_t ft = sg_sem_tt(S, o.type)->fields[n].type;
			if (sg_sem_linear(S, ft)) {
				sg_diag_err(S->d, e->pos, "field '%s' is linear: move it out with 'take', "
				         "or use it in place", e->str);
			} else {
				r = tmp(S, ft);
				sg_fn_op(S, OP_LDFLD, r.r, o.r, n);
			}
		}
	} else {
		sg_diag_err(S->d, e->pos, "%s has no field '%s'", sg_sem_tname(S, o.type, buf), e->str);
	}
	return r;
}

struct val sg_gen_obj(struct sem *S, struct ast_expr *e)
{
	if (e->kind == E_NAME && sg_var_find(S, e->str) >= 0)
		return name_val(S, e, 0);
	if (e->kind == E_FIELD) {
		struct val o = sg_gen_obj(S, e->a);
		if (o.type == TY_BAD)
			return o;
		int k = sg_sem_kind(S, o.type);
		if (k == SIL_TK_STRUCT || k == SIL_TK_XSTRUCT) {
			int n = field_index(S, o.type, e->str, e->pos);
			if (n < 0)
				return sg_val_bad();
			uint32_t ft = sg_sem_tt(S, o.type)->fields[n].type;
			if (sg_sem_linear(S, ft)) {
				struct val r = tmp(S, ft);
				sg_fn_op(S, OP_XBORROW, r.r, o.r, n);
				sg_bor_push(S, r.r, root_var(S, e));
				return r;
			}
		}
		return field_read(S, e, o);
	}
	struct val v = sg_gen_expr(S, e, NOWANT);
	if (v.type != TY_BAD && sg_sem_linear(S, v.type) && v.var < 0) {
		sg_diag_err(S->d, e->pos, "this linear value would be lost: store it in a variable first");
		return sg_val_bad();
	}
	return v;
}

static struct val gen_field(struct sem *S, struct ast_expr *e, uint32_t want)
{
	(void)want;
	uint32_t mark = S->fn->nbors;
	struct val o = sg_gen_obj(S, e->a);
	struct val r = o.type == TY_BAD ? o : field_read(S, e, o);
	sg_bor_end(S, mark);
	return r;
}

/* The element type of an indexable value, or TY_BAD. */
static uint32_t elem_type(struct sem *S, uint32_t t)
{
	int k = sg_sem_kind(S, t);
	if (t == SIL_T_STRING)
		return SIL_T_U8;
	return k == SIL_TK_ARRAY || k == SIL_TK_XARRAY ? sg_sem_tt(S, t)->elem : TY_BAD;
}

uint32_t sg_gen_index_parts(struct sem *S, struct ast_expr *e, struct val *obj, struct val *idx)
{
	char buf[160];
	*obj = sg_gen_obj(S, e->a);
	*idx = sg_gen_expr(S, e->b, SIL_T_I32);
	if (obj->type == TY_BAD || idx->type == TY_BAD)
		return TY_BAD;
	uint32_t et = elem_type(S, obj->type);
	if (et == TY_BAD) {
		sg_diag_err(S->d, e->pos, "%s cannot be indexed", sg_sem_tname(S, obj->type, buf));
		return TY_BAD;
	}
	if (!sg_ty_int(idx->type)) {
		sg_diag_err(S->d, e->b->pos, "an index must be an integer, not %s",
		         sg_sem_tname(S, idx->type, buf));
		return TY_BAD;
	}
	return et;
}

static struct val gen_index(struct sem *S, struct ast_expr *e, uint32_t want)
{
	(void)want;
	uint32_t mark = S->fn->nbors;
	struct val o, i;
	uint32_t et = sg_gen_index_parts(S, e, &o, &i);
	struct val r = sg_val_bad();
	if (et != TY_BAD) {
		r = tmp(S, et);
		sg_fn_op(S, OP_LDELEM, r.r, o.r, i.r);
	}
	sg_bor_end(S, mark);
	return r;
}

static struct val gen_take(struct sem *S, struct ast_expr *e, uint32_t want)
{
	(void)want;
	struct ast_expr *f = e->a;
	if (f->kind != E_FIELD || f->a->kind != E_NAME || sg_var_find(S, f->a->str) < 0) {
		sg_diag_err(S->d, e->pos, "'take' needs a field of a variable, as in 'take p.bytes'");
		return sg_val_bad();
	}
	int v = sg_var_find(S, f->a->str);
	struct var *x = &S->fn->vars[v];
	if (!x->linear || sg_sem_kind(S, x->type) != SIL_TK_XSTRUCT) {
		sg_diag_err(S->d, f->pos, "'take' moves a field out of an exheap struct");
		return sg_val_bad();
	}
	if (x->st == O_BORROWED) {
		sg_diag_err(S->d, e->pos, "cannot take a field out of borrowed '%s'", x->name);
		return sg_val_bad();
	}
	if (!use_var(S, v, f->a->pos, 0))
		return sg_val_bad();
	if (x->bcount) {
		sg_diag_err(S->d, e->pos, "cannot take a field out of '%s' while it is borrowed", x->name);
		return sg_val_bad();
	}
	int n = field_index(S, x->type, f->str, f->pos);
	if (n < 0)
		return sg_val_bad();
	uint32_t ft = sg_sem_tt(S, x->type)->fields[n].type;
	if (!sg_sem_linear(S, ft)) {
		sg_diag_err(S->d, e->pos, "field '%s' is not linear: read it without 'take'", f->str);
		return sg_val_bad();
	}
	struct val r = tmp(S, ft);
	sg_fn_op(S, OP_XTAKE, r.r, x->local, n);
	return r;
}

static struct val gen_call_expr(struct sem *S, struct ast_expr *e, uint32_t want)
{
	(void)want;
	return sg_gen_call(S, e, 0);
}

/* The type an arm will have, when it can be told without emitting it (a
 * variable, a string, bool or float literal); else NOWANT. */
static uint32_t arm_type(struct sem *S, struct ast_expr *e)
{
	static const uint32_t lit[] = {[E_STR] = SIL_T_STRING, [E_BOOL] = SIL_T_BOOL,
	                               [E_FLOAT] = SIL_T_F64};
	if ((size_t)e->kind < sizeof lit / sizeof lit[0] && lit[e->kind])
		return lit[e->kind];
	int v = e->kind == E_NAME ? sg_var_find(S, e->str) : -1;
	return v >= 0 ? S->fn->vars[v].type : NOWANT;
}

/* c ? a : b: one arm runs, its value lands in one result local; linear
 * states must agree after either arm, as at an if/else. */
static struct val gen_choose(struct sem *S, struct ast_expr *e, uint32_t want)
{
	char b1[160], b2[160];
	uint32_t c = sg_gen_cond(S, e->a), lelse = sg_fn_label(S), lend = sg_fn_label(S);
	sg_fn_jump(S, OP_JF, c, lelse);
	struct snap after;
	sg_own_snap(S, &after);
	struct join j;
	sg_join_init(S, &j, e->pos);
	if (is_lit(e->b) && arm_type(S, e->els) != NOWANT)
		want = arm_type(S, e->els);
	struct val a = sg_gen_expr(S, e->b, want);
	int bad = a.type == TY_BAD;
	if (!bad && (a.type == SIL_T_VOID || sg_sem_linear(S, a.type))) {
		sg_diag_err(S->d, e->b->pos, a.type == SIL_T_VOID
		            ? "an arm of '?:' needs a value, but this expression has none"
		            : "'?:' cannot choose between linear values (%s): use if/else",
		            sg_sem_tname(S, a.type, b1));
		bad = 1;
	}
	struct val r = tmp(S, bad ? SIL_T_BOOL : a.type);
	if (!bad)
		sg_fn_op(S, OP_MOV, r.r, a.r, 0);
	sg_join_add(S, &j);
	sg_fn_jump(S, OP_JMP, 0, lend);
	sg_fn_place(S, lelse);
	sg_own_restore(S, &after);
	struct val b = sg_gen_expr(S, e->els, bad ? want : a.type);
	if (!bad && b.type != TY_BAD && !sg_sem_same(S, a.type, b.type)) {
		sg_diag_err(S->d, e->pos, "the arms of '?:' have different types: %s and %s",
		            sg_sem_tname(S, a.type, b1), sg_sem_tname(S, b.type, b2));
		bad = 1;
	}
	bad |= b.type == TY_BAD;
	if (!bad)
		sg_fn_op(S, OP_MOV, r.r, b.r, 0);
	sg_join_add(S, &j);
	sg_fn_place(S, lend);
	sg_join_apply(S, &j);
	return bad ? sg_val_bad() : r;
}

/* A value the compiler has already computed (see stmt.c, x op= e). */
static struct val gen_local(struct sem *S, struct ast_expr *e, uint32_t want)
{
	(void)S;
	(void)want;
	return (struct val){e->ltype, e->local, -1, 0};
}

static struct val (*const gens[])(struct sem *, struct ast_expr *, uint32_t) = {
	[E_INT] = gen_lit, [E_FLOAT] = gen_lit, [E_STR] = gen_lit, [E_BOOL] = gen_lit,
	[E_NULL] = gen_lit, [E_NAME] = gen_name, [E_UNARY] = gen_unary,
	[E_BINARY] = gen_binary, [E_CALL] = gen_call_expr, [E_METHOD] = sg_gen_method,
	[E_FIELD] = gen_field, [E_INDEX] = gen_index, [E_CAST] = gen_cast,
	[E_NEW] = gen_new, [E_TAKE] = gen_take, [E_COND] = gen_choose, [E_LOCAL] = gen_local,
};

struct val sg_gen_expr(struct sem *S, struct ast_expr *e, uint32_t want)
{
	return gens[e->kind](S, e, want);
}

uint32_t sg_gen_cond(struct sem *S, struct ast_expr *e)
{
	char buf[160];
	struct val v = sg_gen_expr(S, e, SIL_T_BOOL);
	if (v.type != TY_BAD && v.type != SIL_T_BOOL)
		sg_diag_err(S->d, e->pos, "a condition must be bool, not %s", sg_sem_tname(S, v.type, buf));
	return v.type == SIL_T_BOOL ? v.r : sg_fn_local(S, SIL_T_BOOL);
}

/* Why an endpoint of type `from` cannot go where `to` is wanted, when the
 * two contracts are related by extension ("" otherwise). */
static const char *upcast_why(struct sem *S, uint32_t from, uint32_t to)
{
	const struct sil_type *f = sg_sem_tt(S, from), *t = sg_sem_tt(S, to);
	if (!f || !t || f->kind != SIL_TK_ENDPOINT || t->kind != SIL_TK_ENDPOINT || f->side != t->side)
		return "";
	if (sil_ext_is_base(S->pkg, t->contract, f->contract))
		return " (an endpoint of a base contract is not one of its extension)";
	if (sil_ext_is_base(S->pkg, f->contract, t->contract))
		return " (the extension adds messages the peer may send in a state the base "
		       "reaches from this one)";
	return "";
}

static struct val gen_value(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what,
                            int up)
{
	char b1[160], b2[160];
	struct val v = sg_gen_expr(S, e, slot);
	if (v.type == TY_BAD || slot == TY_BAD)
		return v;
	if (v.type == SIL_T_VOID) {
		sg_diag_err(S->d, e->pos, "%s needs a value, but this expression has none", what);
		return sg_val_bad();
	}
	if (!sg_sem_same(S, v.type, slot) && !(up && sg_sem_upcast(S, v.type, slot))) {
		sg_diag_err(S->d, e->pos, "%s has type %s, expected %s%s", what,
		            sg_sem_tname(S, v.type, b1), sg_sem_tname(S, slot, b2),
		            upcast_why(S, v.type, slot));
		return sg_val_bad();
	}
	return v;
}

struct val sg_gen_value(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what)
{
	return gen_value(S, e, slot, what, 0);
}

static struct val gen_into(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what,
                           int up)
{
	struct val v = gen_value(S, e, slot, what, up);
	const struct sil_type *t = sg_sem_tt(S, slot);
	if (v.type == TY_BAD || !t || t->kind != SIL_TK_ENDPOINT || v.eps == (int32_t)t->state)
		return v;
	const struct sil_contract *c = &S->pkg->contracts[t->contract];
	sg_diag_err(S->d, e->pos, "%s must be in state %s, but it is in state %s", what,
	            c->states[t->state].name,
	            v.eps >= 0 && (uint32_t)v.eps < c->nstates ? c->states[v.eps].name : "?");
	return sg_val_bad();
}

struct val sg_gen_into(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what)
{
	return gen_into(S, e, slot, what, 0);
}

struct val sg_gen_arg(struct sem *S, struct ast_expr *e, uint32_t slot, const char *what)
{
	return gen_into(S, e, slot, what, 1);
}
