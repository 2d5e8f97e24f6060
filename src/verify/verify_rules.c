/*
 * verify_rules.c - the rule of each opcode: operand types first, then
 * ownership (check first, then act: no slot changes before every type
 * check of the instruction has passed).
 *
 * The rule table is built by expanding SIL_OPCODES: every opcode X must
 * have a rule ck_X (or an alias below naming the shared rule), so adding
 * an opcode without a rule does not compile.  Operand *ranges* (locals,
 * constants, functions, labels) were checked by verify_flow.c before a
 * rule runs; message and field indices depend on types and are checked
 * here.
 */
#include "verify_impl.h"

typedef int rule_fn(struct vctx *v, const struct sil_insn *in);

#define R(i) ((uint32_t)in->a[i])

static uint32_t T(const struct vctx *v, uint32_t r) { return v->fn->locals[r]; }
static uint8_t C(const struct vctx *v, uint32_t r) { return v->ty[T(v, r)].cls; }

/* Report "rN is TYPE, WHAT expected" unless ok. */
static int want(struct vctx *v, int ok, uint32_t r, const char *what)
{
	char b[128];
	if (ok)
		return 0;
	return verr(v, "type-mismatch", "r%u is %s; %s expected", r, vtname(v, T(v, r), b), what);
}

static int same(struct vctx *v, uint32_t a, uint32_t b)
{
	char x[128], y[128];
	if (vt_same(v, T(v, a), T(v, b)))
		return 0;
	return verr(v, "type-mismatch", "r%u is %s but r%u is %s", a, vtname(v, T(v, a), x),
	            b, vtname(v, T(v, b), y));
}

static int same_t(struct vctx *v, uint32_t r, uint32_t t, const char *what)
{
	char x[128], y[128];
	if (vt_same(v, T(v, r), t))
		return 0;
	return verr(v, "type-mismatch", "r%u is %s but %s is %s", r, vtname(v, T(v, r), x),
	            what, vtname(v, t, y));
}

/* ---- values and arithmetic ---- */

static int ck_NOP(struct vctx *v, const struct sil_insn *in) { (void)v; (void)in; return 0; }
#define ck_YIELD ck_NOP
#define ck_JMP ck_NOP

static int ck_CONST(struct vctx *v, const struct sil_insn *in)
{
	if (want(v, vt_int(v, T(v, R(0))) || C(v, R(0)) == TC_BOOL, R(0), "an integer or bool"))
		return -1;
	if (C(v, R(0)) == TC_BOOL && in->a[1] != 0 && in->a[1] != 1)
		return verr(v, "type-mismatch", "bool constant must be 0 or 1, not %lld", (long long)in->a[1]);
	return 0;
}

static int const_tag(struct vctx *v, uint32_t k, uint8_t tag, const char *what)
{
	if (v->p->consts[k].tag != tag)
		return verr(v, "type-mismatch", "k%u is not %s constant", k, what);
	return 0;
}

static int ck_FCONST(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_F64, R(0), "f64") || const_tag(v, R(1), SIL_K_F64, "an f64");
}

static int ck_SCONST(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_STRING, R(0), "string") ||
	       const_tag(v, R(1), SIL_K_STRING, "a string");
}

static int ck_NULL(struct vctx *v, const struct sil_insn *in)
{
	return want(v, vt_gcref(v, T(v, R(0))), R(0), "a GC reference");
}

static int ck_MOV(struct vctx *v, const struct sil_insn *in)
{
	if (same(v, R(0), R(1)))
		return -1;
	if (v->slotof[R(1)] < 0 || !v->flow)
		return 0;
	if (own_empty_dst(v, R(0)))
		return -1;
	struct slot x = v->cur[v->slotof[R(1)]];
	if (own_move(v, R(1), UINT32_MAX))
		return -1;
	return own_def(v, R(0), x.st);
}

/* Three locals of one type accepted by ok(). */
static int three(struct vctx *v, const struct sil_insn *in, int (*ok)(const struct vctx *, uint32_t),
                 const char *what)
{
	return want(v, ok(v, T(v, R(0))), R(0), what) || same(v, R(0), R(1)) || same(v, R(0), R(2));
}

static int int_or_bool(const struct vctx *v, uint32_t t) { return vt_int(v, t) || t == SIL_T_BOOL; }
static int num_only(const struct vctx *v, uint32_t t) { return vt_numeric(v, t); }
static int int_only(const struct vctx *v, uint32_t t) { return vt_int(v, t); }

static int ck_arith(struct vctx *v, const struct sil_insn *in) { return three(v, in, num_only, "a number"); }
#define ck_ADD ck_arith
#define ck_SUB ck_arith
#define ck_MUL ck_arith
#define ck_DIV ck_arith
static int ck_REM(struct vctx *v, const struct sil_insn *in) { return three(v, in, int_only, "an integer"); }
static int ck_logic(struct vctx *v, const struct sil_insn *in) { return three(v, in, int_or_bool, "an integer or bool"); }
#define ck_AND ck_logic
#define ck_OR ck_logic
#define ck_XOR ck_logic

/* Shifts: value and result share an int type; the count is any int. */
static int ck_shift(struct vctx *v, const struct sil_insn *in)
{
	return want(v, vt_int(v, T(v, R(0))), R(0), "an integer") || same(v, R(0), R(1)) ||
	       want(v, vt_int(v, T(v, R(2))), R(2), "an integer count");
}
#define ck_SHL ck_shift
#define ck_SHR ck_shift

static int ck_NEG(struct vctx *v, const struct sil_insn *in)
{
	return want(v, vt_numeric(v, T(v, R(0))), R(0), "a number") || same(v, R(0), R(1));
}

static int ck_NOT(struct vctx *v, const struct sil_insn *in)
{
	return want(v, int_or_bool(v, T(v, R(0))), R(0), "an integer or bool") || same(v, R(0), R(1));
}

static int ck_CONV(struct vctx *v, const struct sil_insn *in)
{
	return want(v, vt_numeric(v, T(v, R(0))), R(0), "a number") ||
	       want(v, vt_numeric(v, T(v, R(1))), R(1), "a number");
}

static int ck_eq(struct vctx *v, const struct sil_insn *in)
{
	uint32_t t = T(v, R(1));
	return want(v, T(v, R(0)) == SIL_T_BOOL, R(0), "bool") ||
	       want(v, vt_scalar(v, t) || vt_gcref(v, t), R(1), "a scalar or GC reference") ||
	       same(v, R(1), R(2));
}
#define ck_EQ ck_eq
#define ck_NE ck_eq

static int ck_cmp(struct vctx *v, const struct sil_insn *in)
{
	return want(v, T(v, R(0)) == SIL_T_BOOL, R(0), "bool") ||
	       want(v, vt_numeric(v, T(v, R(1))), R(1), "a number") || same(v, R(1), R(2));
}
#define ck_LT ck_cmp
#define ck_LE ck_cmp
#define ck_GT ck_cmp
#define ck_GE ck_cmp

/* ---- control ---- */

static int ck_jcond(struct vctx *v, const struct sil_insn *in)
{
	return want(v, T(v, R(0)) == SIL_T_BOOL, R(0), "bool");
}
#define ck_JT ck_jcond
#define ck_JF ck_jcond

static int ck_RET(struct vctx *v, const struct sil_insn *in)
{
	(void)in;
	if (v->fn->ret != SIL_T_VOID)
		return verr(v, "type-mismatch", "the function returns a value: use retv");
	return own_return(v);
}

static int ck_RETV(struct vctx *v, const struct sil_insn *in)
{
	if (v->fn->ret == SIL_T_VOID)
		return verr(v, "type-mismatch", "the function returns void: use ret");
	if (same_t(v, R(0), v->fn->ret, "the return type"))
		return -1;
	return own_move(v, R(0), v->fn->ret) || own_return(v);
}

static int ck_PANIC(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_STRING, R(0), "string");
}
#define ck_PRINT ck_PANIC

/* Arguments: types, arity, no linear local twice; owned parameters are
 * moved first (killing borrows of them), then borrowed ones are checked,
 * so a borrow cannot ride along with the value it borrows from. */
static int call_args(struct vctx *v, const struct sil_insn *in, const struct sil_func *g, int spawn)
{
	if (in->nlist != g->nparams)
		return verr(v, "arity", "%.100s takes %u arguments, not %u", g->name, g->nparams, in->nlist);
	for (uint32_t i = 0; i < in->nlist; i++) {
		char what[64];
		snprintf(what, sizeof what, "parameter %u", i);
		/* An owned endpoint may go up to a base contract (a borrowed one not). */
		int up = !(g->pflags[i] & SIL_P_BORROW) && vt_upcast(v, T(v, in->list[i]), g->locals[i]);
		if (!up && same_t(v, in->list[i], g->locals[i], what))
			return -1;
		if (spawn && v->ty[g->locals[i]].linear)
			return verr(v, "type-mismatch", "a spawned thread cannot take linear r%u", in->list[i]);
	}
	if (!v->flow)
		return 0;
	if (own_distinct(v, in->list, in->nlist))
		return -1;
	for (uint32_t i = 0; i < in->nlist; i++)
		if (!(g->pflags[i] & SIL_P_BORROW) && own_move(v, in->list[i], g->locals[i]))
			return -1;
	for (uint32_t i = 0; i < in->nlist; i++)
		if ((g->pflags[i] & SIL_P_BORROW) && own_borrow_arg(v, in->list[i], g->locals[i]))
			return -1;
	return own_unaliased(v, in->list, g->pflags, in->nlist);
}

static int ck_CALL(struct vctx *v, const struct sil_insn *in)
{
	const struct sil_func *g = &v->p->funcs[R(1)];
	if (in->a[0] >= 0) {
		if (g->ret == SIL_T_VOID)
			return verr(v, "type-mismatch", "%.100s returns nothing", g->name);
		if (same_t(v, R(0), g->ret, "the result"))
			return -1;
	} else if (v->ty[g->ret].linear) {
		return verr(v, "leak", "the linear result of %.100s is dropped", g->name);
	}
	if (call_args(v, in, g, 0))
		return -1;
	if (in->a[0] < 0)
		return 0;
	/* The destination is checked after the moves: `x = f(x)` is fine. */
	return own_empty_dst(v, R(0)) || own_def(v, R(0), ep_state_of(v, g->ret));
}

static int ck_SPAWN(struct vctx *v, const struct sil_insn *in)
{
	const struct sil_func *g = &v->p->funcs[R(0)];
	if (g->ret != SIL_T_VOID)
		return verr(v, "type-mismatch", "a spawned function must return void");
	return call_args(v, in, g, 1);
}

/* ---- GC heap ---- */

static int ck_NEW(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_STRUCT || C(v, R(0)) == TC_CELL, R(0), "a struct or cell");
}

static int ck_NEWARR(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_ARRAY, R(0), "an array") ||
	       want(v, vt_int(v, T(v, R(1))), R(1), "an integer length");
}

/* Field n of (x)struct local obj: its type in *ft, linear or not as asked. */
static int field(struct vctx *v, uint32_t obj, int64_t n, int linear, uint32_t *ft)
{
	const struct sil_type *d = vt_def(v, T(v, obj));
	if (want(v, C(v, obj) == TC_STRUCT || C(v, obj) == TC_XSTRUCT, obj, "a struct or xstruct"))
		return -1;
	if (n < 0 || (uint64_t)n >= d->nfields)
		return verr(v, "bad-field", "%.100s has no field %lld", d->name, (long long)n);
	*ft = d->fields[n].type;
	if (v->ty[*ft].linear != linear)
		return verr(v, "type-mismatch", "field %.100s.%.100s is %slinear: use %s", d->name,
		            d->fields[n].name, linear ? "not " : "",
		            linear ? "ldfld/stfld" : "xtake/xput/xborrow");
	return 0;
}

static int ck_LDFLD(struct vctx *v, const struct sil_insn *in)
{
	uint32_t ft;
	return field(v, R(1), in->a[2], 0, &ft) || same_t(v, R(0), ft, "the field") || own_read(v, R(1));
}

static int ck_STFLD(struct vctx *v, const struct sil_insn *in)
{
	uint32_t ft;
	return field(v, R(0), in->a[1], 0, &ft) || same_t(v, R(2), ft, "the field") || own_read(v, R(0));
}

/* Element type of an indexable local, or UINT32_MAX. */
static uint32_t elem_of(struct vctx *v, uint32_t r, int writable)
{
	uint8_t c = C(v, r);
	if (c == TC_ARRAY || c == TC_XARRAY)
		return vt_def(v, T(v, r))->elem;
	return c == TC_STRING && !writable ? SIL_T_U8 : UINT32_MAX;
}

static int ck_LDELEM(struct vctx *v, const struct sil_insn *in)
{
	uint32_t e = elem_of(v, R(1), 0);
	return want(v, e != UINT32_MAX, R(1), "an array, xarray or string") ||
	       want(v, vt_int(v, T(v, R(2))), R(2), "an integer index") ||
	       same_t(v, R(0), e, "the element") || own_read(v, R(1));
}

static int ck_STELEM(struct vctx *v, const struct sil_insn *in)
{
	uint32_t e = elem_of(v, R(0), 1);
	return want(v, e != UINT32_MAX, R(0), "an array or xarray") ||
	       want(v, vt_int(v, T(v, R(1))), R(1), "an integer index") ||
	       same_t(v, R(2), e, "the element") || own_read(v, R(0));
}

static int ck_LEN(struct vctx *v, const struct sil_insn *in)
{
	return want(v, T(v, R(0)) == SIL_T_I32, R(0), "i32") ||
	       want(v, elem_of(v, R(1), 0) != UINT32_MAX, R(1), "an array, xarray or string") ||
	       own_read(v, R(1));
}

static int is_str(const struct vctx *v, uint32_t t) { return vt_same(v, t, SIL_T_STRING); }
static int ck_STRCAT(struct vctx *v, const struct sil_insn *in) { return three(v, in, is_str, "string"); }

static int ck_TOSTR(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_STRING, R(0), "string") ||
	       want(v, vt_scalar(v, T(v, R(1))), R(1), "an integer, f64 or bool");
}

static int ck_SUBSTR(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_STRING, R(0), "string") || same(v, R(0), R(1)) ||
	       want(v, vt_int(v, T(v, R(2))), R(2), "an integer") ||
	       want(v, vt_int(v, T(v, R(3))), R(3), "an integer");
}

/* Strings cross SIPs only as exchange-heap bytes (GC values never do):
 * strbytes makes a new owned u8 xarray, bytestr reads one like `len`. */
static int u8_xarray(const struct vctx *v, uint32_t t)
{
	const struct sil_type *d = vt_def(v, t);
	return v->ty[t].cls == TC_XARRAY && d && vt_same(v, d->elem, SIL_T_U8);
}

static int ck_STRBYTES(struct vctx *v, const struct sil_insn *in)
{
	return want(v, u8_xarray(v, T(v, R(0))), R(0), "exheap u8[]") ||
	       want(v, C(v, R(1)) == TC_STRING, R(1), "string") ||
	       own_empty_dst(v, R(0)) || own_def(v, R(0), 0);
}

static int ck_BYTESTR(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_STRING, R(0), "string") ||
	       want(v, u8_xarray(v, T(v, R(1))), R(1), "exheap u8[]") || own_read(v, R(1));
}

static int ck_ACQUIRE(struct vctx *v, const struct sil_insn *in)
{
	if (want(v, C(v, R(1)) == TC_CELL, R(1), "a cell"))
		return -1;
	uint32_t e = vt_def(v, T(v, R(1)))->elem;
	return same_t(v, R(0), e, "the cell's element") || own_empty_dst(v, R(0)) ||
	       own_def(v, R(0), ep_state_of(v, e));
}

static int ck_RELEASE(struct vctx *v, const struct sil_insn *in)
{
	if (want(v, C(v, R(0)) == TC_CELL, R(0), "a cell"))
		return -1;
	uint32_t e = vt_def(v, T(v, R(0)))->elem;
	return same_t(v, R(1), e, "the cell's element") || own_move(v, R(1), e);
}

/* ---- exchange heap ---- */

static int ck_XNEW(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_XSTRUCT, R(0), "an xstruct") ||
	       own_empty_dst(v, R(0)) || own_def(v, R(0), 0);
}

static int ck_XNEWARR(struct vctx *v, const struct sil_insn *in)
{
	return want(v, C(v, R(0)) == TC_XARRAY, R(0), "an xarray") ||
	       want(v, vt_int(v, T(v, R(1))), R(1), "an integer length") ||
	       own_empty_dst(v, R(0)) || own_def(v, R(0), 0);
}

static int ck_DELETE(struct vctx *v, const struct sil_insn *in)
{
	return want(v, v->ty[T(v, R(0))].linear, R(0), "a linear value") || own_delete(v, R(0));
}

static int ck_XTAKE(struct vctx *v, const struct sil_insn *in)
{
	uint32_t ft;
	if (field(v, R(1), in->a[2], 1, &ft) || same_t(v, R(0), ft, "the field"))
		return -1;
	if (own_owned(v, R(1)) || own_empty_dst(v, R(0)))
		return -1;
	own_kill(v, R(1));
	return own_def(v, R(0), ep_state_of(v, ft));
}

static int ck_XPUT(struct vctx *v, const struct sil_insn *in)
{
	uint32_t ft;
	if (field(v, R(0), in->a[1], 1, &ft) || same_t(v, R(2), ft, "the field"))
		return -1;
	if (R(0) == R(2))
		return verr(v, "duplicate", "r%u cannot be put into itself", R(0));
	if (own_owned(v, R(0)) || own_move(v, R(2), ft))
		return -1;
	own_kill(v, R(0));
	return 0;
}

static int ck_XBORROW(struct vctx *v, const struct sil_insn *in)
{
	uint32_t ft;
	if (field(v, R(1), in->a[2], 1, &ft) || same_t(v, R(0), ft, "the field"))
		return -1;
	if (!v->flow)
		return 0;
	if (own_read(v, R(1)) || own_empty_dst(v, R(0)))
		return -1;
	uint32_t st = ep_state_of(v, ft);
	own_set(v, (uint32_t)v->slotof[R(0)],
	        (struct slot){ S_BORROWED, (uint16_t)v->slotof[R(1)], st, st, (uint32_t)in->a[2] });
	return 0;
}

static int ck_UNBORROW(struct vctx *v, const struct sil_insn *in)
{
	if (want(v, v->ty[T(v, R(0))].linear, R(0), "a linear value"))
		return -1;
	if (!v->flow)
		return 0;
	const struct slot *x = &v->cur[v->slotof[R(0)]];
	if (x->kind != S_BORROWED || x->parent == NOPARENT)
		return verr(v, "bad-unborrow", "r%u is not a borrow made by xborrow", R(0));
	own_kill(v, R(0));
	own_set(v, (uint32_t)v->slotof[R(0)], (struct slot){ S_EMPTY, 0, 0, 0, 0 });
	return 0;
}

static int ck_XSPLIT(struct vctx *v, const struct sil_insn *in)
{
	if (want(v, C(v, R(1)) == TC_XARRAY, R(1), "an xarray") || same(v, R(0), R(1)) ||
	    want(v, vt_int(v, T(v, R(2))), R(2), "an integer index"))
		return -1;
	if (own_owned(v, R(1)) || own_empty_dst(v, R(0)))
		return -1;
	own_kill(v, R(1));
	return own_def(v, R(0), 0);
}

/* ---- channels: verify_chan.c ---- */
#define ck_CHNEW vfy_chnew
#define ck_SEND vfy_send
#define ck_SELECT vfy_select_check

/* ---- endpoint sets: verify_eset.c ---- */
#define ck_ESNEW vfy_esnew
#define ck_ESADD vfy_esadd
#define ck_EMADD vfy_esadd
#define ck_ESSIZE vfy_essize
#define ck_NSCONN vfy_nsconn

/* ---- system ---- */

static int ck_CLOCK(struct vctx *v, const struct sil_insn *in)
{
	return want(v, T(v, R(0)) == SIL_T_I64, R(0), "i64");
}

static int port_word(const struct vctx *v, uint32_t t)
{
	return vt_same(v, t, SIL_T_U8) || vt_same(v, t, SIL_T_U16) || vt_same(v, t, SIL_T_U32);
}

static int privileged(struct vctx *v)
{
	if (!v->io_claim)
		return verr(v, "privilege", "device access, but the manifest claims no I/O ports");
	return 0;
}

static int ck_IOIN(struct vctx *v, const struct sil_insn *in)
{
	return privileged(v) || want(v, port_word(v, T(v, R(0))), R(0), "u8, u16 or u32") ||
	       want(v, C(v, R(1)) == TC_IOPORT, R(1), "an ioport") ||
	       want(v, vt_int(v, T(v, R(2))), R(2), "an integer offset");
}

static int ck_IOOUT(struct vctx *v, const struct sil_insn *in)
{
	return privileged(v) || want(v, C(v, R(0)) == TC_IOPORT, R(0), "an ioport") ||
	       want(v, vt_int(v, T(v, R(1))), R(1), "an integer offset") ||
	       want(v, port_word(v, T(v, R(2))), R(2), "u8, u16 or u32");
}

/* DMA memory is for drivers: a package that claims no hardware has no
 * device to hand an address to. */
static int dma_privileged(struct vctx *v)
{
	if (!v->hw_claim)
		return verr(v, "privilege", "device memory, but the manifest claims no hardware");
	return 0;
}

/* dma.new dst, len: like xnewarr, into an exheap u8[] only. */
static int ck_DMANEW(struct vctx *v, const struct sil_insn *in)
{
	return dma_privileged(v) || want(v, u8_xarray(v, T(v, R(0))), R(0), "exheap u8[]") ||
	       want(v, vt_int(v, T(v, R(1))), R(1), "an integer length") ||
	       own_empty_dst(v, R(0)) || own_def(v, R(0), 0);
}

/* dma.addr dst, arr: reads arr like len does (owned or borrowed, unchanged). */
static int ck_DMAADDR(struct vctx *v, const struct sil_insn *in)
{
	return dma_privileged(v) || want(v, T(v, R(0)) == SIL_T_U64, R(0), "u64") ||
	       want(v, C(v, R(1)) == TC_XARRAY, R(1), "an exheap array") || own_read(v, R(1));
}

/* ---- f64 functions: every operand is f64 ---- */

static int is_f64(const struct vctx *v, uint32_t t) { return v->ty[t].cls == TC_F64; }

static int ck_f64_unary(struct vctx *v, const struct sil_insn *in)
{
	return want(v, is_f64(v, T(v, R(0))), R(0), "f64") || want(v, is_f64(v, T(v, R(1))), R(1), "f64");
}
#define ck_FSQRT ck_f64_unary
#define ck_FFLOOR ck_f64_unary
#define ck_FCEIL ck_f64_unary
#define ck_FTRUNC ck_f64_unary
#define ck_FROUND ck_f64_unary
#define ck_FABS ck_f64_unary
#define ck_FSIN ck_f64_unary
#define ck_FCOS ck_f64_unary
#define ck_FEXP ck_f64_unary
#define ck_FLOG ck_f64_unary

static int ck_f64_binary(struct vctx *v, const struct sil_insn *in)
{
	return three(v, in, is_f64, "f64");
}
#define ck_FMIN ck_f64_binary
#define ck_FMAX ck_f64_binary
#define ck_FPOW ck_f64_binary

static rule_fn *const rules[OP__COUNT] = {
#define X(e, name, ops, fl) [OP_##e] = ck_##e,
	SIL_OPCODES(X)
#undef X
};

int vfy_insn(struct vctx *v, const struct sil_insn *in)
{
	return rules[in->op](v, in);
}
