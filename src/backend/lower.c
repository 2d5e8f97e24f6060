/*
 * lower.c - a verified SIL package to one C file (see backend.h and
 * docs/backend.md).  Instructions are lowered through one table indexed by
 * opcode; every entry is checked present when lowering starts.
 */
#include "lower.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/rt.h"


void lw_out(struct lw *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(w->o, fmt, ap);
	va_end(ap);
}

/* ---- types ---- */

static const char *const builtin_ct[SIL_T_BUILTIN] = {
	"void", "u8", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f64",
	"struct sing_str *",
};
static const char *const kind_ct[SIL_TK__COUNT] = {
	[SIL_TK_ARRAY] = "struct sing_arr *", [SIL_TK_STRUCT] = "struct sing_obj *",
	[SIL_TK_XSTRUCT] = "union sing_slot *", [SIL_TK_XARRAY] = "struct sing_xarr *",
	[SIL_TK_ENDPOINT] = "void *", [SIL_TK_CELL] = "struct sing_cell *",
	[SIL_TK_IOPORT] = "void *", [SIL_TK_ESET] = "void *", [SIL_TK_ANYEP] = "void *",
};
/* The member of union sing_slot that holds a builtin scalar. */
static const char *const builtin_slot[SIL_T_BUILTIN] = {
	"u64", "u8", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "f64", "p",
};
static const uint8_t builtin_size[SIL_T_BUILTIN] = {0, 1, 1, 2, 4, 8, 1, 2, 4, 8, 8, 8};

static int tkind(const struct sil_pkg *p, uint32_t t)
{
	const struct sil_type *ty = sil_type(p, t);
	return ty ? ty->kind : 0;
}

const char *lw_ctype(const struct sil_pkg *p, uint32_t t)
{
	if (t < SIL_T_BUILTIN)
		return builtin_ct[t];
	const char *c = kind_ct[tkind(p, t)];
	if (!c)
		die("type t%u has no C type", t);
	return c;
}

static int is_int(uint32_t t) { return t >= SIL_T_I8 && t <= SIL_T_U64; }
static int is_signed(uint32_t t) { return t >= SIL_T_I8 && t <= SIL_T_I64; }
static int bits(uint32_t t) { return builtin_size[t] * 8; }

static const char *unsigned_ct(uint32_t t)
{
	static const char *const u[] = {"u8", "u16", "u32", "u64"};
	int b = bits(t);
	return u[b == 8 ? 0 : b == 16 ? 1 : b == 32 ? 2 : 3];
}

int lw_slotkind(const struct sil_pkg *p, uint32_t t)
{
	if (t == SIL_T_STRING)
		return SING_S_GC;
	switch (tkind(p, t)) {
	case SIL_TK_ARRAY: case SIL_TK_STRUCT: case SIL_TK_CELL:
		return SING_S_GC;
	case SIL_TK_XSTRUCT: case SIL_TK_XARRAY: case SIL_TK_ENDPOINT: case SIL_TK_ESET:
	case SIL_TK_ANYEP:
		return SING_S_LINEAR;
	default:
		return SING_S_SCALAR;
	}
}

const char *lw_slot(uint32_t t)
{
	return t < SIL_T_BUILTIN ? builtin_slot[t] : "p";
}

unsigned lw_elem_size(uint32_t t)
{
	return t < SIL_T_BUILTIN ? builtin_size[t] : 8;
}

/* ---- operands ---- */

#define A(i) ((uint32_t)in->a[i])
#define TY(r) (w->f->locals[r])

static const char *CT(struct lw *w, uint32_t r)
{
	return lw_ctype(w->p, TY(r));
}

/* An integer local as a u64 index: negative signed values become huge. */
static void index_expr(struct lw *w, uint32_t r, char *buf, size_t n)
{
	snprintf(buf, n, is_signed(TY(r)) ? "(u64)(i64)r%u" : "(u64)r%u", r);
}

/* ---- the per-opcode lowerers ---- */

typedef void lower_fn(struct lw *w, const struct sil_insn *in);

struct rule {
	lower_fn *fn;
	const char *c;          /* the C operator of simple ops */
};

static void lw_nop(struct lw *w, const struct sil_insn *in) { (void)w, (void)in; }

static void lw_const(struct lw *w, const struct sil_insn *in)
{
	if (TY(A(0)) == SIL_T_BOOL)
		lw_out(w, "r%u = %d;\n", A(0), in->a[1] != 0);
	else
		lw_out(w, "r%u = (%s)0x%" PRIx64 "ull;\n", A(0), CT(w, A(0)), (uint64_t)in->a[1]);
}

static void lw_fconst(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_bits_f64(0x%" PRIx64 "ull);\n", A(0), w->p->consts[A(1)].f64bits);
}

static void lw_sconst(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (struct sing_str *)&k%u;\n", A(0), A(1));
}

static void lw_null(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = 0;\n", A(0));
}

static void lw_mov(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = r%u;\n", A(0), A(1));
}

/* add sub mul and or xor, and the comparisons lt le gt ge. */
static void binop(struct lw *w, const struct sil_insn *in, const char *op)
{
	lw_out(w, "r%u = (%s)(r%u %s r%u);\n", A(0), CT(w, A(0)), A(1), op, A(2));
}

static void divide(struct lw *w, const struct sil_insn *in, int rem)
{
	uint32_t t = TY(A(0));
	if (t == SIL_T_F64) {
		lw_out(w, "r%u = r%u / r%u;\n", A(0), A(1), A(2));
		return;
	}
	lw_out(w, "CHK(r%u == 0, DIVZERO);\n", A(2));
	if (!is_signed(t))
		lw_out(w, "r%u = (%s)(r%u %s r%u);\n", A(0), CT(w, A(0)), A(1), rem ? "%" : "/", A(2));
	else if (rem)   /* MIN % -1 traps on x86: it is 0 */
		lw_out(w, "r%u = r%u == -1 ? 0 : (%s)(r%u %% r%u);\n", A(0), A(2), CT(w, A(0)), A(1), A(2));
	else            /* MIN / -1 wraps to MIN */
		lw_out(w, "r%u = r%u == -1 ? (%s)(0 - (u64)r%u) : (%s)(r%u / r%u);\n",
		    A(0), A(2), CT(w, A(0)), A(1), CT(w, A(0)), A(1), A(2));
}

static void shift(struct lw *w, const struct sil_insn *in, int left)
{
	uint32_t t = TY(A(0));
	if (left)
		lw_out(w, "r%u = (%s)((%s)r%u << ((u64)r%u & %d));\n", A(0), CT(w, A(0)),
		    unsigned_ct(t), A(1), A(2), bits(t) - 1);
	else
		lw_out(w, "r%u = (%s)(r%u >> ((u64)r%u & %d));\n", A(0), CT(w, A(0)), A(1), A(2), bits(t) - 1);
}

static void lw_neg(struct lw *w, const struct sil_insn *in)
{
	if (TY(A(0)) == SIL_T_F64)
		lw_out(w, "r%u = -r%u;\n", A(0), A(1));
	else
		lw_out(w, "r%u = (%s)(0 - (u64)r%u);\n", A(0), CT(w, A(0)), A(1));
}

static void lw_not(struct lw *w, const struct sil_insn *in)
{
	if (TY(A(0)) == SIL_T_BOOL)
		lw_out(w, "r%u = !r%u;\n", A(0), A(1));
	else
		lw_out(w, "r%u = (%s)~r%u;\n", A(0), CT(w, A(0)), A(1));
}

static void lw_conv(struct lw *w, const struct sil_insn *in)
{
	uint32_t d = TY(A(0)), s = TY(A(1));
	if (s == SIL_T_F64 && is_signed(d)) {
		int64_t hi = (int64_t)((UINT64_C(1) << (bits(d) - 1)) - 1);
		lw_out(w, "r%u = (%s)sing_f2s(r%u, %" PRId64 "ll - 1, %" PRId64 "ll);\n",
		    A(0), CT(w, A(0)), A(1), -hi, hi);
	} else if (s == SIL_T_F64 && is_int(d)) {
		uint64_t hi = bits(d) == 64 ? UINT64_MAX : (UINT64_C(1) << bits(d)) - 1;
		lw_out(w, "r%u = (%s)sing_f2u(r%u, 0x%" PRIx64 "ull);\n", A(0), CT(w, A(0)), A(1), hi);
	} else {
		lw_out(w, "r%u = (%s)r%u;\n", A(0), CT(w, A(0)), A(1));
	}
}

static void eqop(struct lw *w, const struct sil_insn *in, int ne)
{
	if (TY(A(1)) == SIL_T_STRING)
		lw_out(w, "r%u = %ssing_str_eq(r%u, r%u);\n", A(0), ne ? "!" : "", A(1), A(2));
	else
		lw_out(w, "r%u = r%u %s r%u;\n", A(0), A(1), ne ? "!=" : "==", A(2));
}

static void jump(struct lw *w, uint32_t label)
{
	if (label <= w->pc && !lw_unpolled(w))   /* a back-edge: poll (but lower_loops.c) */
		lw_out(w, "POLL(); ");
	lw_out(w, "goto %s%u;", lw_label(w, label), label);
}

static void lw_jmp(struct lw *w, const struct sil_insn *in)
{
	jump(w, A(0));
	lw_out(w, "\n");
}

static void jcond(struct lw *w, const struct sil_insn *in, int when)
{
	lw_out(w, "if (%sr%u) { ", when ? "" : "!", A(0));
	jump(w, A(1));
	lw_out(w, " }\n");
}

static void lw_call(struct lw *w, const struct sil_insn *in)
{
	if (in->a[0] >= 0)
		lw_out(w, "r%u = ", A(0));
	lw_out(w, "f%u(th", A(1));
	for (uint32_t i = 0; i < in->nlist; i++)
		lw_out(w, ", r%u", in->list[i]);
	lw_out(w, ");\n");
}

static void lw_ret(struct lw *w, const struct sil_insn *in)
{
	(void)in;
	lw_out(w, "return;\n");
}

static void lw_retv(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "return r%u;\n", A(0));
}

static void lw_panic(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "sing_panic(th, r%u, FN);\n", A(0));
}

/* Objects of at most 256 bytes are bumped inline (rt.h, sing_new_fast). */
static void lw_new(struct lw *w, const struct sil_insn *in)
{
	const struct sil_type *ty = sil_type(w->p, TY(A(0)));
	uint64_t size = ty->kind == SIL_TK_CELL ? 16 : 8 + 8 * (uint64_t)ty->nfields;
	if (size <= 16 * SING_NAB)
		lw_out(w, "r%u = (%s)sing_new_fast(th, %u, %llu, FN);\n", A(0), CT(w, A(0)),
		       TY(A(0)), (unsigned long long)size);
	else
		lw_out(w, "r%u = (%s)sing_new(th, %u, FN);\n", A(0), CT(w, A(0)), TY(A(0)));
}

static void lw_newarr(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (%s)sing_newarr(th, %u, (i64)r%u, FN);\n", A(0), CT(w, A(0)), TY(A(0)), A(1));
}

/* The field expression obj->f[n].member, null-checked for GC structs. */
static void field(struct lw *w, uint32_t obj, uint32_t n, char *buf, size_t len)
{
	const struct sil_type *ty = sil_type(w->p, TY(obj));
	int gc = ty->kind == SIL_TK_STRUCT;
	if (gc)
		lw_out(w, "CHK(!r%u, NULLREF); ", obj);
	snprintf(buf, len, gc ? "r%u->f[%u].%s" : "r%u[%u].%s", obj, n, lw_slot(ty->fields[n].type));
}

static void lw_ldfld(struct lw *w, const struct sil_insn *in)
{
	char f[64];
	field(w, A(1), A(2), f, sizeof f);
	lw_out(w, "r%u = (%s)%s;\n", A(0), CT(w, A(0)), f);
}

/* A GC reference stored into a GC object (at lvalue lv, whose value the
 * snapshot barrier reads) passes the write barrier (rt.h: generational, and the snapshot barrier while marking). */
static void barrier(struct lw *w, uint32_t obj, const char *lv, uint32_t val)
{
	if (tkind(w->p, TY(obj)) != SIL_TK_XSTRUCT && tkind(w->p, TY(obj)) != SIL_TK_XARRAY &&
	    lw_slotkind(w->p, TY(val)) == SING_S_GC)
		lw_out(w, "SING_WB(th, r%u, %s, r%u); ", obj, lv, val);
}

static void lw_stfld(struct lw *w, const struct sil_insn *in)
{
	char f[64];
	field(w, A(0), A(1), f, sizeof f);
	barrier(w, A(0), f, A(2));
	lw_out(w, "%s = r%u;\n", f, A(2));
}

/* The null and bounds checks of a GC array or string.  A shadowed one's
 * length is 0 when it is null, so one compare does both: every index
 * fails it, and the failure path tells null (reported first, as before)
 * from out of bounds. */
static void gc_index_check(struct lw *w, uint32_t arr, uint32_t idx, const char *ix)
{
	if (lw_unchecked(w, arr, idx))
		return;   /* a ranged loop's copy: its guard proved it (lower_loops.c) */
	if (lw_shadowed(w, arr))
		lw_out(w, "CHKIX(%s >= (u64)ln%u, r%u); ", ix, arr, arr);
	else
		lw_out(w, "CHK(!r%u, NULLREF); CHK(%s >= (u64)r%u->len, BOUNDS); ", arr, ix, arr);
}

/* The element lvalue arr[idx], null- and bounds-checked. */
static void element(struct lw *w, uint32_t arr, uint32_t idx, char *buf, size_t len)
{
	char ix[32];
	index_expr(w, idx, ix, sizeof ix);
	uint32_t t = TY(arr);
	if (t == SIL_T_STRING) {
		gc_index_check(w, arr, idx, ix);
		snprintf(buf, len, "r%u->b[%s]", arr, ix);
		return;
	}
	const struct sil_type *ty = sil_type(w->p, t);
	if (ty->kind == SIL_TK_ARRAY) {
		gc_index_check(w, arr, idx, ix);
	} else if (!lw_unchecked(w, arr, idx)) {   /* an xarray: xsplit shortens it, so its length is read each time */
		lw_out(w, "CHK(%s >= (u64)r%u->len, BOUNDS); ", ix, arr);
	}
	snprintf(buf, len, "((%s *)r%u->data)[%s]", lw_ctype(w->p, ty->elem), arr, ix);
}

static void lw_ldelem(struct lw *w, const struct sil_insn *in)
{
	char e[160];
	element(w, A(1), A(2), e, sizeof e);
	lw_out(w, "r%u = %s;\n", A(0), e);
}

/* A store into an exchange-heap array raises its write mark first (rt.h
 * SING_XWR; exheap.h "Write marks": leaving it out leaks one SIP's data
 * to the next user of the memory), except at i in a ranged loop's copy,
 * whose guard raised it past every such i (lower_loops.c raise_marks). */
static void lw_stelem(struct lw *w, const struct sil_insn *in)
{
	char e[160];
	lw_fill(w, in);   /* a fill loop's run first, if it is one */
	element(w, A(0), A(1), e, sizeof e);
	if (tkind(w->p, TY(A(0))) == SIL_TK_XARRAY && !lw_marked(w, A(0), A(1))) {
		char ix[32];
		index_expr(w, A(1), ix, sizeof ix);
		lw_out(w, "SING_XWR(r%u, %s); ", A(0), ix);
	}
	barrier(w, A(0), e, A(2));
	lw_out(w, "%s = r%u;\n", e, A(2));
}

static void lw_len(struct lw *w, const struct sil_insn *in)
{
	if (tkind(w->p, TY(A(1))) != SIL_TK_XARRAY)
		lw_out(w, "CHK(!r%u, NULLREF); ", A(1));
	if (lw_shadowed(w, A(1)))
		lw_out(w, "r%u = (i32)ln%u;\n", A(0), A(1));
	else
		lw_out(w, "r%u = (i32)r%u->len;\n", A(0), A(1));
}

/* A part of the chain: local r, or the integer a folded tostr read. */
static void chain_add(struct lw *w, uint32_t r)
{
	struct lw_part p = {r, SING_PART_STR};
	if ((int64_t)r == w->folded) {
		p = w->folded_as;
		w->folded = -1;
	}
	w->chain[w->nchain++] = p;
}

/* a ++ b; a chain of them (s + x + "," ...) as one sing_strcatn. */
static void lw_strcat(struct lw *w, const struct sil_insn *in)
{
	if (w->nchain == 0)
		chain_add(w, A(1));
	chain_add(w, A(2));
	if (lw_chain_continues(w, in))
		return;
	if (w->nchain == 2 && w->chain[0].kind == SING_PART_STR && w->chain[1].kind == SING_PART_STR) {
		lw_out(w, "r%u = sing_strcat(th, r%u, r%u, FN);\n", A(0), A(1), A(2));
	} else {
		static const char *const part[] = {"{r%u, 0, 0}", "{0, (i64)r%u, 1}", "{0, (i64)r%u, 2}"};
		lw_out(w, "{ struct sing_strpart p_[%u] = {", w->nchain);
		for (uint32_t i = 0; i < w->nchain; i++) {
			lw_out(w, "%s", i ? ", " : "");
			lw_out(w, part[w->chain[i].kind], w->chain[i].reg);
		}
		lw_out(w, "}; r%u = sing_strcatn(th, p_, %u, FN); }\n", A(0), w->nchain);
	}
	w->nchain = 0;
}

static void lw_tostr(struct lw *w, const struct sil_insn *in)
{
	uint32_t s = TY(A(1));
	if (lw_tostr_folds(w, in)) {
		w->folded = A(0);
		w->folded_as = (struct lw_part){A(1), is_signed(s) ? SING_PART_INT : SING_PART_UINT};
	} else if (s == SIL_T_F64 || s == SIL_T_BOOL) {
		lw_out(w, "r%u = sing_tostr_%c(th, r%u, FN);\n", A(0), s == SIL_T_F64 ? 'f' : 'b', A(1));
	} else if (is_signed(s)) {
		lw_out(w, "r%u = sing_tostr_i(th, (i64)r%u, FN);\n", A(0), A(1));
	} else {
		lw_out(w, "r%u = sing_tostr_u(th, (u64)r%u, FN);\n", A(0), A(1));
	}
}

static void lw_substr(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_substr(th, r%u, (i64)r%u, (i64)r%u, FN);\n", A(0), A(1), A(2), A(3));
}

/* Text crosses SIPs as exchange-heap bytes: both copy (docs/sil.md). */
static void lw_strbytes(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (%s)sing_strbytes(th, %u, r%u, FN);\n", A(0), CT(w, A(0)), TY(A(0)), A(1));
}

static void lw_bytestr(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_bytestr(th, r%u, FN);\n", A(0), A(1));
}

/* A cell is how threads of one SIP share a linear value, and they may run
 * on several CPUs at once: acquire and release are one atomic exchange
 * each, so two threads never both take the value out. */
static void lw_acquire(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "CHK(!r%u, NULLREF); { void *v_ = __atomic_exchange_n(&r%u->val, (void *)0, "
	    "__ATOMIC_ACQ_REL); CHK(!v_, CELL_EMPTY); r%u = (%s)v_; }\n",
	    A(1), A(1), A(0), CT(w, A(0)));
}

static void lw_release(struct lw *w, const struct sil_insn *in)
{
	/* release CELL, SRC; tolerate either order: the cell is the GC one */
	uint32_t cell = A(0), src = A(1);
	if (tkind(w->p, TY(cell)) != SIL_TK_CELL) {
		cell = A(1);
		src = A(0);
	}
	lw_out(w, "CHK(!r%u, NULLREF); { void *e_ = 0; CHK(!__atomic_compare_exchange_n(&r%u->val, "
	    "&e_, (void *)r%u, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED), CELL_FULL); }\n",
	    cell, cell, src);
}

static void lw_xnew(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (%s)sing_xnew(th, %u, FN);\n", A(0), CT(w, A(0)), TY(A(0)));
}

/* A thread's parked array of the same size and layout is taken inline
 * (rt.h sing_xnewarr_fast), and a deleted array parked inline. */
static void lw_xnewarr(struct lw *w, const struct sil_insn *in)
{
	unsigned es = lw_elem_size(sil_type(w->p, TY(A(0)))->elem);
	if (!es)   /* an element of no size (none verifies): the kernel's path */
		lw_out(w, "r%u = (%s)sing_xnewarr(th, %u, (i64)r%u, FN);\n", A(0), CT(w, A(0)),
		       TY(A(0)), A(1));
	else
		lw_out(w, "r%u = (%s)sing_xnewarr_fast(th, %u, (i64)r%u, %u, FN);\n", A(0),
		       CT(w, A(0)), TY(A(0)), A(1), es);
}

static void lw_delete(struct lw *w, const struct sil_insn *in)
{
	if (tkind(w->p, TY(A(0))) == SIL_TK_XARRAY)
		lw_out(w, "sing_delete_xarr_fast(th, r%u, FN);\n", A(0));
	else
		lw_out(w, "sing_delete(th, r%u, FN);\n", A(0));
}

/* The kernel's backstop on field operations (rt.h SING_XH_TOP/MINE): the
 * container must be in this SIP's trees; a value stored must be this SIP's
 * and in no field yet, and is marked inner until taken out again, so that
 * a verifier bug cannot delete, send or store it twice through a forged
 * borrow while its container still points at it. */
static void lw_xtake(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "CHK(!SING_XH_MINE(r%u, th), OWNER); CHK(!r%u[%u].p, FIELD_EMPTY); "
	    "r%u = (%s)r%u[%u].p; r%u[%u].p = 0; SING_XH_OWNER(r%u) &= ~SING_XH_INNER;\n",
	    A(1), A(1), A(2), A(0), CT(w, A(0)), A(1), A(2), A(1), A(2), A(0));
}

static void lw_xput(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "CHK(!SING_XH_MINE(r%u, th) || !SING_XH_TOP(r%u, th), OWNER); "
	    "CHK(r%u[%u].p, FIELD_FULL); r%u[%u].p = r%u; SING_XH_OWNER(r%u) |= SING_XH_INNER;\n",
	    A(0), A(2), A(0), A(1), A(0), A(1), A(2), A(2));
}

static void lw_xborrow(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "CHK(!SING_XH_MINE(r%u, th), OWNER); CHK(!r%u[%u].p, FIELD_EMPTY); "
	    "r%u = (%s)r%u[%u].p;\n", A(1), A(1), A(2), A(0), CT(w, A(0)), A(1), A(2));
}

static void lw_xsplit(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (%s)sing_xsplit(th, r%u, (i64)r%u, FN);\n", A(0), CT(w, A(0)), A(1), A(2));
}


/* ---- channels and threads ---- */

/* "{ union sing_slot a_[N] = {{.m = rX}, ...}; " for a list of locals. */
static void slot_array(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "{ union sing_slot a_[%u] = {", in->nlist ? in->nlist : 1);
	for (uint32_t i = 0; i < in->nlist; i++)
		lw_out(w, "%s{.%s = r%u}", i ? ", " : "", lw_slot(TY(in->list[i])), in->list[i]);
	lw_out(w, "%s}; ", in->nlist ? "" : "{.u64 = 0}");
}

static void lw_chnew(struct lw *w, const struct sil_insn *in)
{
	uint32_t imp = A(0), exp = A(1);
	if (sil_type(w->p, TY(imp))->side != SIL_IMP) {
		imp = A(1);
		exp = A(0);
	}
	lw_out(w, "r%u = sing_chnew(th, %u, &r%u, FN);\n", imp, TY(imp), exp);
}

/* The receive's case count for the kernel: SING_SEL_ONE added when every
 * case names one endpoint (not a set: a set's case takes a member). */
static uint32_t case_count(const struct lw *w, const struct sil_insn *sel)
{
	const struct sil_type *t = sil_type(w->p, TY(sel->cases[0].ep));
	if (!t || t->kind != SIL_TK_ENDPOINT)
		return sel->ncases;
	for (uint32_t c = 1; c < sel->ncases; c++)
		if (sel->cases[c].ep != sel->cases[0].ep)
			return sel->ncases;
	return sel->ncases | SING_SEL_ONE;
}

/* The switch on the case a receive returned: each binds its values from
 * o_ and jumps to its label. */
static void dispatch(struct lw *w, const struct sil_insn *sel)
{
	for (uint32_t c = 0; c < sel->ncases; c++) {
		const struct sil_case *k = &sel->cases[c];
		lw_out(w, "\tcase %u:", c);
		for (uint32_t a = 0; a < k->nargs; a++)
			lw_out(w, " r%u = (%s)o_[%u].%s;", k->args[a], CT(w, k->args[a]), a,
			    lw_slot(TY(k->args[a])));
		lw_out(w, " goto L%u;\n", k->label);
	}
	lw_out(w, "\tdefault: sing_fail(th, SING_F_UNREACHABLE, FN);\n\t} }\n");
}

/* One sing_select call, then the dispatch on the case it returns.  The
 * switch expects case 0 (here and in sendsel): a switch receive's first
 * case is most often the message its loop exists for (the channel's end,
 * the errors come last), and with the hint cc tests it first and makes
 * it the fall-through; without it gcc tested case 0 last (echo.sg: eight
 * instructions from the call's return to case 0's code, three with it). */
static void lw_select(struct lw *w, const struct sil_insn *in)
{
	if (!in->ncases) {   /* nothing to wait for: the kernel fails it */
		lw_out(w, "{ struct sing_case c_[1] = {}; union sing_slot o_[1];\n"
		    "\tswitch (sing_select(th, c_, 0u, o_, FN)) {\n");
		dispatch(w, in);
		return;
	}
	char c[16];
	uint32_t most = lw_cases(w, in, c);
	lw_out(w, "union sing_slot o_[%u];\n\tswitch (__builtin_expect(sing_select(th, %s, %uu, o_, FN), 0)) {\n",
	    most, c, case_count(w, in));
	dispatch(w, in);
}

/* A send and the switch receive after it, in one sing_sendsel (rt.h): the
 * send is case 0, o_ carries its values in and the received ones out.  A
 * back-edge's safepoint poll among the jumps is the kernel's, between the
 * send and the receive. */
static void sendsel(struct lw *w, const struct sil_insn *in, const struct sil_insn *sel)
{
	char c[16];
	uint32_t most = lw_cases(w, sel, c);
	if (in->nlist > most)
		most = in->nlist;
	lw_out(w, "union sing_slot o_[%u] = {", most);
	for (uint32_t i = 0; i < in->nlist; i++)
		lw_out(w, "%s{.%s = r%u}", i ? ", " : "", lw_slot(TY(in->list[i])), in->list[i]);
	uint32_t n = case_count(w, sel);
	if ((n & SING_SEL_ONE) && sel->cases[0].ep == A(0))
		n |= SING_SEL_REPLY;   /* the answer comes on the endpoint sent on */
	lw_out(w, "%s};\n\tswitch (__builtin_expect(sing_sendsel_call(th, SING_HERE(%s), %uu, SING_HERE(o_), FN), 0)) {\n",
	    in->nlist ? "" : "{.u64 = 0}", c, n);
	dispatch(w, sel);
}

static void lw_send(struct lw *w, const struct sil_insn *in)
{
	const struct sil_insn *sel = lw_select_after(w, w->pc);
	if (sel) {
		sendsel(w, in, sel);
		return;
	}
	slot_array(w, in);
	lw_out(w, "sing_send(th, r%u, %u, a_, FN); }\n", A(0), A(1));
}

static void lw_spawn(struct lw *w, const struct sil_insn *in)
{
	slot_array(w, in);
	lw_out(w, "sing_spawn(th, f%u_spawn, a_, %u, FN); }\n", A(0), in->nlist);
}

/* Endpoint sets: the kernel makes, fills and counts them (eset.h). */
static void lw_esnew(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_esnew(th, %u, FN);\n", A(0), TY(A(0)));
}

static void lw_esadd(struct lw *w, const struct sil_insn *in)
{
	if (in->op == OP_EMADD)   /* a map: the value goes in with the endpoint */
		lw_out(w, "sing_esadd(th, r%u, r%u, r%u, FN);\n", A(0), A(1), A(2));
	else
		lw_out(w, "sing_esadd(th, r%u, r%u, 0, FN);\n", A(0), A(1));
}

static void lw_essize(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_essize(th, r%u, FN);\n", A(0), A(1));
}

static void lw_nsconn(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_ns_connect(th, r%u, r%u, FN);\n", A(0), A(1), A(2));
}

/* io.in dst, port, off / io.out port, off, src: the width is the value's
 * type (u8, u16 or u32); the kernel checks offset and width. */
static void lw_ioin(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (%s)sing_io_in(th, r%u, (i64)r%u, %u, FN);\n", A(0), CT(w, A(0)), A(1), A(2),
	    lw_elem_size(TY(A(0))));
}

static void lw_ioout(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "sing_io_out(th, r%u, (i64)r%u, %u, (u32)r%u, FN);\n", A(0), A(1), lw_elem_size(TY(A(2))),
	    A(2));
}

/* dma.new dst, len / dma.addr dst, arr: the kernel allocates and translates. */
static void lw_dmanew(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = (%s)sing_dma_new(th, %u, (i64)r%u, FN);\n", A(0), CT(w, A(0)), TY(A(0)), A(1));
}

static void lw_dmaaddr(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_dma_addr(th, r%u, FN);\n", A(0), A(1));
}

static void lw_print(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "sing_print(th, r%u, FN);\n", A(0));
}

static void lw_clock(struct lw *w, const struct sil_insn *in)
{
	lw_out(w, "r%u = sing_clock(th);\n", A(0));
}

static void lw_yield(struct lw *w, const struct sil_insn *in)
{
	(void)in;
	lw_out(w, "sing_yield(th);\n");
}

/* Families sharing a lowerer, through the rule's operator text. */
#define FAMILY(name, call) \
	static void lw_##name(struct lw *w, const struct sil_insn *in) { call; }
static const struct rule rules[OP__COUNT];
FAMILY(arith, binop(w, in, rules[in->op].c))
FAMILY(div, divide(w, in, 0))
FAMILY(rem, divide(w, in, 1))
FAMILY(shl, shift(w, in, 1))
FAMILY(shr, shift(w, in, 0))
FAMILY(eq, eqop(w, in, 0))
FAMILY(ne, eqop(w, in, 1))
FAMILY(cmp, lw_out(w, "r%u = r%u %s r%u;\n", A(0), A(1), rules[in->op].c, A(2)))
FAMILY(jt, jcond(w, in, 1))
FAMILY(jf, jcond(w, in, 0))
/* f64 functions: sfm_NAME of fmath.h, the second prelude. */
FAMILY(fmath1, lw_out(w, "r%u = sfm_%s(r%u);\n", A(0), rules[in->op].c, A(1)))
FAMILY(fmath2, lw_out(w, "r%u = sfm_%s(r%u, r%u);\n", A(0), rules[in->op].c, A(1), A(2)))

static const struct rule rules[OP__COUNT] = {
	[OP_NOP] = {lw_nop, 0},         [OP_CONST] = {lw_const, 0},
	[OP_FCONST] = {lw_fconst, 0},   [OP_SCONST] = {lw_sconst, 0},
	[OP_NULL] = {lw_null, 0},       [OP_MOV] = {lw_mov, 0},
	[OP_ADD] = {lw_arith, "+"},     [OP_SUB] = {lw_arith, "-"},
	[OP_MUL] = {lw_arith, "*"},     [OP_DIV] = {lw_div, 0},
	[OP_REM] = {lw_rem, 0},         [OP_AND] = {lw_arith, "&"},
	[OP_OR] = {lw_arith, "|"},      [OP_XOR] = {lw_arith, "^"},
	[OP_SHL] = {lw_shl, 0},         [OP_SHR] = {lw_shr, 0},
	[OP_NEG] = {lw_neg, 0},         [OP_NOT] = {lw_not, 0},
	[OP_CONV] = {lw_conv, 0},       [OP_EQ] = {lw_eq, 0},
	[OP_NE] = {lw_ne, 0},           [OP_LT] = {lw_cmp, "<"},
	[OP_LE] = {lw_cmp, "<="},       [OP_GT] = {lw_cmp, ">"},
	[OP_GE] = {lw_cmp, ">="},       [OP_JMP] = {lw_jmp, 0},
	[OP_JT] = {lw_jt, 0},           [OP_JF] = {lw_jf, 0},
	[OP_CALL] = {lw_call, 0},       [OP_RET] = {lw_ret, 0},
	[OP_RETV] = {lw_retv, 0},       [OP_PANIC] = {lw_panic, 0},
	[OP_NEW] = {lw_new, 0},         [OP_NEWARR] = {lw_newarr, 0},
	[OP_LDFLD] = {lw_ldfld, 0},     [OP_STFLD] = {lw_stfld, 0},
	[OP_LDELEM] = {lw_ldelem, 0},   [OP_STELEM] = {lw_stelem, 0},
	[OP_LEN] = {lw_len, 0},         [OP_STRCAT] = {lw_strcat, 0},
	[OP_TOSTR] = {lw_tostr, 0},     [OP_SUBSTR] = {lw_substr, 0},
	[OP_STRBYTES] = {lw_strbytes, 0}, [OP_BYTESTR] = {lw_bytestr, 0},
	[OP_ACQUIRE] = {lw_acquire, 0}, [OP_RELEASE] = {lw_release, 0},
	[OP_XNEW] = {lw_xnew, 0},       [OP_XNEWARR] = {lw_xnewarr, 0},
	[OP_DELETE] = {lw_delete, 0},   [OP_XTAKE] = {lw_xtake, 0},
	[OP_XPUT] = {lw_xput, 0},       [OP_XBORROW] = {lw_xborrow, 0},
	[OP_UNBORROW] = {lw_nop, 0},    [OP_XSPLIT] = {lw_xsplit, 0},
	[OP_CHNEW] = {lw_chnew, 0},     [OP_SEND] = {lw_send, 0},
	[OP_SELECT] = {lw_select, 0},   [OP_PRINT] = {lw_print, 0},
	[OP_CLOCK] = {lw_clock, 0},     [OP_YIELD] = {lw_yield, 0},
	[OP_SPAWN] = {lw_spawn, 0},     [OP_IOIN] = {lw_ioin, 0},
	[OP_IOOUT] = {lw_ioout, 0},
	[OP_DMANEW] = {lw_dmanew, 0},   [OP_DMAADDR] = {lw_dmaaddr, 0},
	[OP_FSQRT] = {lw_fmath1, "sqrt"},   [OP_FFLOOR] = {lw_fmath1, "floor"},
	[OP_FCEIL] = {lw_fmath1, "ceil"},   [OP_FTRUNC] = {lw_fmath1, "trunc"},
	[OP_FROUND] = {lw_fmath1, "round"}, [OP_FABS] = {lw_fmath1, "abs"},
	[OP_FSIN] = {lw_fmath1, "sin"},     [OP_FCOS] = {lw_fmath1, "cos"},
	[OP_FEXP] = {lw_fmath1, "exp"},     [OP_FLOG] = {lw_fmath1, "log"},
	[OP_FMIN] = {lw_fmath2, "min"},     [OP_FMAX] = {lw_fmath2, "max"},
	[OP_FPOW] = {lw_fmath2, "pow"},
	[OP_ESNEW] = {lw_esnew, 0},     [OP_ESADD] = {lw_esadd, 0},
	[OP_EMADD] = {lw_esadd, 0},
	[OP_ESSIZE] = {lw_essize, 0}, [OP_NSCONN] = {lw_nsconn, 0},
};

static void check_rules(void)
{
#define X(e, name, ops, fl) if (!rules[OP_##e].fn) die("no lowering for %s", name);
	SIL_OPCODES(X)
#undef X
}

void lw_c_string(struct lw *w, const char *s, size_t n)
{
	lw_out(w, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?')
			lw_out(w, "%c", c);
		else
			lw_out(w, "\\%03o", c);
	}
	lw_out(w, "\"");
}

/* ---- functions ---- */

static void mark_targets(struct lw *w)
{
	const struct sil_func *f = w->f;
	w->target = xcalloc(f->ninsns + 1, 1);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const struct sil_insn *in = &f->insns[i];
		const char *ops = sil_ops[in->op].operands;
		for (int k = 0; ops[k] && k < 4; k++)
			if (ops[k] == 'l' && (uint64_t)in->a[k] <= f->ninsns)
				w->target[in->a[k]] = 1;
		for (uint32_t c = 0; c < in->ncases; c++)
			if (in->cases[c].label <= f->ninsns)
				w->target[in->cases[c].label] = 1;
	}
}

/* "static R NAME(struct sing_thread *th, T0 r0, ...)" */
static void signature(struct lw *w, const char *suffix, uint32_t fi)
{
	const struct sil_func *f = &w->p->funcs[fi];
	lw_out(w, "static %s f%u%s(struct sing_thread *th", lw_ctype(w->p, f->ret), fi, suffix);
	for (uint32_t i = 0; i < f->nparams; i++)
		lw_out(w, ", %s r%u", lw_ctype(w->p, f->locals[i]), i);
	lw_out(w, ")");
}

/* The instruction at w->pc, its label first. */
static void insn(struct lw *w)
{
	const struct sil_insn *in = &w->f->insns[w->pc];
	if (w->target[w->pc])
		lw_out(w, "%s%u:;\n", lw_label(w, w->pc), w->pc);
	lw_out(w, "\t");
	if (!lw_chunk_insn(w))
		rules[in->op].fn(w, in);
	lw_cases_after(w);
	lw_shadow_refresh(w, in);
}

static void body(struct lw *w)
{
	const struct sil_func *f = w->f;
	lw_out(w, "{\n");
	lw_facts_begin(w);
	for (uint32_t r = f->nparams; r < f->nlocals; r++)
		lw_out(w, "\t%s r%u = 0;\n", lw_ctype(w->p, f->locals[r]), r);
	mark_targets(w);
	lw_loops_begin(w);
	lw_range_decls(w);
	lw_cases_begin(w);
	for (w->pc = 0; w->pc < f->ninsns; w->pc++) {
		lw_range_guard(w);
		insn(w);
	}
	if (w->target[f->ninsns])
		lw_out(w, "L%u:;\n", f->ninsns);
	/* The verifier lets no path fall off the end; if one did, stop. */
	lw_out(w, "\tsing_fail(th, SING_F_UNREACHABLE, FN);\n");
	/* Ranged loops' unchecked copies, entered only by their guards. */
	for (uint32_t n = 0; n < w->nranges; n++) {
		w->ver = &w->ranges[n];
		lw_chunk_begin(w);
		for (w->pc = w->ver->h; w->pc <= w->ver->j; w->pc++)
			insn(w);
		lw_chunk_end(w);
		w->ver = NULL;
	}
	lw_out(w, "}\n");
	free(w->target);
	lw_cases_end(w);
	lw_loops_end(w);
	lw_facts_end(w);
}

static uint64_t frame_estimate(struct lw *w, int *calls)
{
	const struct sil_func *f = w->f;
	*calls = 0;
	for (uint32_t i = 0; i < f->ninsns; i++)
		if (f->insns[i].op == OP_CALL)
			*calls = 1;
	/* Locals, spills and outgoing arguments: generous, never exact. */
	return 64 + 16 * (uint64_t)f->nlocals + lw_cases_plan(w);
}

/* A call's arguments after "th": ", r0, r1, ..." for prefix "r". */
static void args(struct lw *w, const char *prefix)
{
	for (uint32_t i = 0; i < w->f->nparams; i++)
		lw_out(w, ", %s%u", prefix, i);
}

/* The prologue: poll and check the segment, else (f_g, a cold function of
 * its own) take the safepoint and rerun on a new segment if it is short.
 * The entry itself reserves no frame record and spills nothing, and wipes
 * the stack below it (SING_WIPE, rt.h): a frame slot written only on a
 * path not taken holds whatever an earlier, deeper call left there, and
 * the collector, scanning stacks conservatively, takes those stale words
 * for roots (binary-trees kept dead trees alive through them until its
 * budget ran out: docs/backend.md "Linked stacks"). */
static void checked_entry(struct lw *w, uint64_t est, int big)
{
	const struct sil_func *f = w->f;
	int has_ret = f->ret != SIL_T_VOID;
	uint32_t fi = w->fi;
	lw_out(w, "struct f%u_fr {", fi);
	for (uint32_t i = 0; i < f->nparams; i++)
		lw_out(w, " %s a%u;", lw_ctype(w->p, f->locals[i]), i);
	if (has_ret)
		lw_out(w, " %s r;", lw_ctype(w->p, f->ret));
	lw_out(w, " char pad_; };\n");
	lw_out(w, "static void f%u_m(struct sing_thread *th, void *vp)\n{\n\tstruct f%u_fr *fr = vp;\n\t",
	    fi, fi);
	lw_out(w, "%sf%u_b(th", has_ret ? "fr->r = " : "", fi);
	args(w, "fr->a");
	lw_out(w, ");\n}\n");
	uint64_t need = big ? est : 0;
	lw_out(w, "__attribute__((noinline, cold)) ");
	signature(w, "_g", fi);
	lw_out(w, "\n{\n\tstruct f%u_fr fr = {", fi);
	for (uint32_t i = 0; i < f->nparams; i++)
		lw_out(w, "%sr%u", i ? ", " : "", i);
	lw_out(w, "%s};\n\tPOLL();\n", f->nparams ? "" : "0");
	lw_out(w, "\tif (SING_SP() - %" PRIu64 " >= th->stack_limit)\n\t\treturn f%u_b(th", need, fi);
	args(w, "r");
	lw_out(w, ");\n\tsing_morestack(th, f%u_m, &fr, %" PRIu64 ", FN);\n", fi, est);
	lw_out(w, "\treturn%s;\n}\n", has_ret ? " fr.r" : "");
	signature(w, "", fi);
	/* Calls are, with loops, the other way to run long: poll here too. */
	lw_out(w, "\n{\n\tSING_WIPE();\n");
	lw_out(w, "\tif (__builtin_expect(th->poll != 0 || SING_SP() - %" PRIu64 " < th->stack_limit, 0))\n"
	    "\t\treturn f%u_g(th", need, fi);
	args(w, "r");
	lw_out(w, ");\n\treturn f%u_b(th", fi);
	args(w, "r");
	lw_out(w, ");\n}\n");
}

static void lower_func(struct lw *w, uint32_t fi)
{
	w->fi = fi;
	w->f = &w->p->funcs[fi];
	int calls;
	uint64_t est = frame_estimate(w, &calls);
	int big = est > SING_SMALL_FRAME;
	lw_out(w, "\n#define FN fn%u\n", fi);
	if (!calls && !big) {   /* a small leaf runs in its caller's reserve */
		signature(w, "", fi);
		lw_out(w, "\n");
		body(w);
	} else {
		lw_out(w, "%s", big ? "__attribute__((noinline)) " : "");
		signature(w, "_b", fi);
		lw_out(w, ";\n");
		checked_entry(w, est, big);
		signature(w, "_b", fi);
		lw_out(w, "\n");
		body(w);
	}
	lw_out(w, "#undef FN\n");
}

static const char helpers[] =
	"\n/* ---- generated code ---- */\n"
	"#define CHK(c, why) do { if (__builtin_expect(!!(c), 0)) sing_fail(th, SING_F_##why, FN); } while (0)\n"
	"#define CHKIX(c, a) do { if (__builtin_expect(!!(c), 0)) "
	"sing_fail(th, (a) ? SING_F_BOUNDS : SING_F_NULLREF, FN); } while (0)\n"
	"#define POLL() do { if (__builtin_expect(th->poll != 0, 0)) sing_safepoint(th); } while (0)\n";

void be_lower(const struct sil_pkg *p, const char *gen, struct sbuf *o)
{
	_Static_assert(SING_TYPE_STRING == SIL_T_STRING, "rt.h and sil.h disagree on string");
	check_rules();
	struct lw w = {.p = p, .o = o};
	sb_str(o, be_rt_h);
	sb_str(o, be_fmath_h);
	sb_str(o, helpers);
	lw_constants(&w);
	lw_types(&w);
	lw_contracts(&w);
	for (uint32_t fi = 0; fi < p->nfuncs; fi++) {
		signature(&w, "", fi);
		lw_out(&w, ";\n");
	}
	lw_spawn_entries(&w);
	for (uint32_t fi = 0; fi < p->nfuncs; fi++)
		lower_func(&w, fi);
	lw_image(&w, gen);
}
