/*
 * lower_facts.c - what the lowering proves about the function it lowers
 * (see lower.h): how many operands name each local, which locals' lengths
 * are kept in C locals, and which strcats and tostrs fuse into one
 * sing_strcatn.  Each fact is proved from the SIL alone, over the whole
 * function; a wrong one would drop a bounds check or read a string that
 * was never built, so each is conservative (docs/backend.md "Lengths kept
 * in locals", "String chains").
 */
#include "lower.h"

#include <stdlib.h>

#define A(i) ((uint32_t)in->a[i])

/* ---- operands naming each local ---- */

static void count(struct lw *w, int64_t r)
{
	if (r >= 0 && (uint64_t)r < w->f->nlocals)
		w->uses[r]++;
}

/* How many operands of the function name each local: its definitions and
 * its uses alike (SIL writes only locals its operands name). */
static void count_uses(struct lw *w)
{
	const struct sil_func *f = w->f;
	w->uses = xcalloc(f->nlocals + 1, sizeof *w->uses);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const struct sil_insn *in = &f->insns[i];
		const char *ops = sil_ops[in->op].operands;
		for (int k = 0; ops[k] && k < 4; k++)
			if (ops[k] == 'r' || ops[k] == 'd')
				count(w, in->a[k]);
		for (uint32_t j = 0; j < in->nlist; j++)
			count(w, in->list[j]);
		for (uint32_t c = 0; c < in->ncases; c++) {
			count(w, in->cases[c].ep);
			for (uint32_t j = 0; j < in->cases[c].nargs; j++)
				count(w, in->cases[c].args[j]);
		}
	}
}

/* ---- lengths kept in locals ---- */

/* The length of a GC array or string never changes, so a function keeps
 * that of each local it indexes in a C local beside it (lnN): the compiler
 * holds it in a register, where a store through a byte array (which may
 * alias len in memory) cannot make it re-read it.  Invariant: at every
 * instruction boundary lnN is rN's length, 0 for null.  It holds at entry
 * (shadow_init) and after every instruction naming rN other than as the
 * array it reads (lw_shadow_refresh): SIL writes only locals its operands
 * name.  A local that a select binds (written just before a jump, where
 * no refresh would run) is not shadowed. */
int lw_shadowed(const struct lw *w, uint32_t r)
{
	return w->shadow && r < w->f->nlocals && w->shadow[r];
}

/* Which operand of in is the array it reads: -1 if none. */
static int array_position(const struct sil_insn *in)
{
	return in->op == OP_STELEM ? 0 : in->op == OP_LDELEM || in->op == OP_LEN ? 1 : -1;
}

static int gc_indexed(const struct lw *w, uint32_t t)
{
	const struct sil_type *ty = sil_type(w->p, t);
	return t == SIL_T_STRING || (ty && ty->kind == SIL_TK_ARRAY);
}

static int local_ok(const struct lw *w, int64_t r)
{
	return r >= 0 && (uint64_t)r < w->f->nlocals;
}

/* The source of a mov into a shadowed local is shadowed too, so that the
 * copy takes its length from a C local (known to the C compiler when the
 * array was made in this function: a newarr's length), not from memory.
 * Repeated until nothing changes: a chain of movs is at most nlocals long. */
static void shadow_mov_sources(struct lw *w)
{
	const struct sil_func *f = w->f;
	for (int changed = 1; changed;) {
		changed = 0;
		for (uint32_t i = 0; i < f->ninsns; i++) {
			const struct sil_insn *in = &f->insns[i];
			if (in->op == OP_MOV && local_ok(w, in->a[0]) && local_ok(w, in->a[1]) &&
			    w->shadow[in->a[0]] && !w->shadow[in->a[1]] && gc_indexed(w, f->locals[in->a[1]])) {
				w->shadow[in->a[1]] = 1;
				changed = 1;
			}
		}
	}
}

static void shadow_init(struct lw *w)
{
	const struct sil_func *f = w->f;
	w->shadow = xcalloc(f->nlocals + 1, 1);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const struct sil_insn *in = &f->insns[i];
		int k = array_position(in);
		if (k >= 0 && local_ok(w, in->a[k]) && gc_indexed(w, f->locals[in->a[k]]))
			w->shadow[in->a[k]] = 1;
	}
	shadow_mov_sources(w);
	for (uint32_t i = 0; i < f->ninsns; i++)
		for (uint32_t c = 0; c < f->insns[i].ncases; c++)
			for (uint32_t j = 0; j < f->insns[i].cases[c].nargs; j++)
				if (f->insns[i].cases[c].args[j] < f->nlocals)
					w->shadow[f->insns[i].cases[c].args[j]] = 0;
	for (uint32_t r = 0; r < f->nlocals; r++)
		if (w->shadow[r])
			lw_out(w, r < f->nparams ? "\ti64 ln%u = r%u ? r%u->len : 0;\n" : "\ti64 ln%u = 0;\n",
			    r, r, r);
}

static void refresh_one(struct lw *w, int64_t r, uint32_t *done, uint32_t *n)
{
	if (r < 0 || !lw_shadowed(w, (uint32_t)r))
		return;
	for (uint32_t i = 0; i < *n; i++)
		if (done[i] == (uint32_t)r)
			return;
	if (*n < 8)
		done[(*n)++] = (uint32_t)r;
	lw_out(w, "\tln%u = r%u ? r%u->len : 0;\n", (uint32_t)r, (uint32_t)r, (uint32_t)r);
}

/* Where the new length is known without reading memory: a newarr's is
 * the length it was given (the kernel fails a negative or too large one
 * and stores exactly that: abi.c sing_newarr_k_in), a mov's that of its
 * source when the source is shadowed too (shadow_mov_sources makes it so,
 * unless a select binds it).
 * The C compiler can then see a constant or a local bound a loop is
 * compared against, and drop checks it proves redundant.  1 if done. */
static int refresh_known(struct lw *w, const struct sil_insn *in)
{
	if (!local_ok(w, in->a[0]) || !lw_shadowed(w, A(0)))
		return 0;
	if (in->op == OP_NEWARR)
		lw_out(w, "\tln%u = (i64)r%u;\n", A(0), A(1));
	else if (in->op == OP_MOV && lw_shadowed(w, A(1)))
		lw_out(w, "\tln%u = ln%u;\n", A(0), A(1));
	else
		return 0;
	return 1;
}

void lw_shadow_refresh(struct lw *w, const struct sil_insn *in)
{
	const char *ops = sil_ops[in->op].operands;
	int arr = array_position(in);
	uint32_t done[8], n = 0;
	if (refresh_known(w, in))
		return;   /* the other operand (a length, a source) is only read */
	for (int k = 0; ops[k] && k < 4; k++)
		if ((ops[k] == 'r' || ops[k] == 'd') && k != arr)
			refresh_one(w, in->a[k], done, &n);
	for (uint32_t j = 0; j < in->nlist; j++)
		refresh_one(w, in->list[j], done, &n);
}

/* ---- string chains ---- */

/* Pure instructions that cannot fail: a chain may step over them, as
 * long as they do not overwrite one of its parts. */
static int steps_over(const struct lw *w, const struct sil_insn *in, uint32_t temp)
{
	if (in->op != OP_SCONST && in->op != OP_CONST && in->op != OP_FCONST && in->op != OP_NULL)
		return 0;
	for (uint32_t i = 0; i < w->nchain; i++)
		if ((uint64_t)in->a[0] == w->chain[i].reg)
			return 0;
	return (uint64_t)in->a[0] != temp;
}

/* Does the strcat at pc feed only the left operand of a later strcat,
 * with nothing but steps_over instructions and no label between them?
 * Then its result is a temporary nothing else can read (its local is
 * named twice in the whole function: here and there), and the two fuse
 * into one allocation and one copy. */
int lw_chain_continues(struct lw *w, const struct sil_insn *in)
{
	const struct sil_func *f = w->f;
	if (w->uses[A(0)] != 2 || w->nchain + 2 > SING_STRPARTS)
		return 0;
	uint32_t j = w->pc + 1;
	while (j < f->ninsns && !w->target[j] && steps_over(w, &f->insns[j], A(0)))
		j++;
	if (j >= f->ninsns || w->target[j])
		return 0;
	const struct sil_insn *next = &f->insns[j];
	return next->op == OP_STRCAT && next->a[1] == in->a[0] && next->a[2] != in->a[0];
}

/* A tostr of an integer whose text only the next instruction, a strcat,
 * reads (once): folded into that strcat's sing_strcatn as an integer. */
int lw_tostr_folds(struct lw *w, const struct sil_insn *in)
{
	const struct sil_func *f = w->f;
	uint32_t t = f->locals[A(1)];
	if (t < SIL_T_I8 || t > SIL_T_U64 || w->uses[A(0)] != 2 || w->pc + 1 >= f->ninsns ||
	    w->target[w->pc + 1])
		return 0;
	const struct sil_insn *next = &f->insns[w->pc + 1];
	return next->op == OP_STRCAT && (next->a[1] == in->a[0]) != (next->a[2] == in->a[0]);
}

/* ---- fill loops ---- */

/* Is the instruction at pc `const r, 1`? */
static int const_one(const struct sil_func *f, uint32_t pc, uint32_t *r)
{
	if (pc >= f->ninsns || f->insns[pc].op != OP_CONST || f->insns[pc].a[1] != 1)
		return 0;
	*r = (uint32_t)f->insns[pc].a[0];
	return 1;
}

/* After the stelem at s: `const one, 1; add t, i, one; mov i, t; jmp H`
 * or `const one, 1; add i, i, one; jmp H`, none of it a jump target.  The
 * back-edge's index, or 0. */
static uint32_t increment_then_back(const struct lw *w, uint32_t s, uint32_t i, uint32_t h,
                                    uint32_t *one, uint32_t *t)
{
	const struct sil_func *f = w->f;
	uint32_t pc = s + 1;
	if (!const_one(f, pc, one) || pc + 2 >= f->ninsns)
		return 0;
	const struct sil_insn *add = &f->insns[pc + 1];
	if (add->op != OP_ADD || add->a[1] != (int64_t)i || add->a[2] != (int64_t)*one)
		return 0;
	*t = (uint32_t)add->a[0];
	pc += 2;
	if (*t != i) {
		const struct sil_insn *mv = &f->insns[pc];
		if (mv->op != OP_MOV || mv->a[0] != (int64_t)i || mv->a[1] != (int64_t)*t)
			return 0;
		pc++;
	}
	if (pc >= f->ninsns || f->insns[pc].op != OP_JMP || f->insns[pc].a[0] != (int64_t)h)
		return 0;
	for (uint32_t k = s + 1; k <= pc; k++)
		if (w->target[k])
			return 0;
	return pc;
}

/* Is the conv at k, in a fill loop's head [h, s), the same every
 * iteration: its source is none of i, one and t (the increment's), not
 * written in the head after it, not its own destination? */
static int fill_conv_steady(const struct sil_func *f, uint32_t k, uint32_t s, const uint32_t inc[3])
{
	int64_t src = f->insns[k].a[1];
	if (src == (int64_t)inc[0] || src == (int64_t)inc[1] || src == (int64_t)inc[2] ||
	    src == f->insns[k].a[0])
		return 0;
	for (uint32_t j = k + 1; j < s; j++)
		if (f->insns[j].a[0] == src)
			return 0;
	return 1;
}

/* Does the stelem at s fill a counted loop, the shape `for (i = ..; i < b
 * (or <=); i++) a[i] = v;` compiles to?
 *   H:   const|fconst|conv ...     (any number, before and after the cmp)
 *        lt|le c, i, b;  jf c, X
 *        stelem a, i, v            (a a GC array of scalars)
 *        const one, 1;  add t, i, one;  [mov i, t;]  jmp H
 * with no jump landing inside but at H, i and b of one type (i32, i64).
 * The consts and convs write neither i nor c, nor b after the cmp, and
 * read neither i nor a local written after them in the loop, so they
 * compute the same values every iteration: every iteration stores the
 * same value at the next index, the next cmp compares with the same b,
 * and nothing else changes but the temporaries.  lower.c may then store
 * a run of elements at once before the stelem (fill_run). */
int lw_fill_loop(const struct lw *w, struct lw_fill *fl)
{
	const struct sil_func *f = w->f;
	uint32_t s = w->pc, a = (uint32_t)f->insns[s].a[0], i = (uint32_t)f->insns[s].a[1];
	uint32_t v = (uint32_t)f->insns[s].a[2], one, t, cmp = 0, found = 0;
	const struct sil_type *at = sil_type(w->p, f->locals[a]);
	uint32_t ty = f->locals[i];
	if (!at || at->kind != SIL_TK_ARRAY || at->elem == SIL_T_STRING || at->elem >= SIL_T_BUILTIN ||
	    (ty != SIL_T_I32 && ty != SIL_T_I64) || w->target[s])
		return 0;
	uint32_t back = s + 1 < f->ninsns && f->insns[s + 1].op == OP_CONST ? s + 3 : 0;
	for (; back && back < f->ninsns && back <= s + 4 && f->insns[back].op != OP_JMP; back++)
		;
	if (!back || back >= f->ninsns || f->insns[back].op != OP_JMP || f->insns[back].a[0] >= (int64_t)s)
		return 0;
	uint32_t h = (uint32_t)f->insns[back].a[0];
	if (!increment_then_back(w, s, i, h, &one, &t))
		return 0;
	for (uint32_t k = h; k < s; k++) {
		const struct sil_insn *in = &f->insns[k];
		if (k > h && w->target[k])
			return 0;
		if ((in->op == OP_LT || in->op == OP_LE) && !found && k + 1 < s && f->insns[k + 1].op == OP_JF &&
		    f->insns[k + 1].a[0] == in->a[0] && in->a[1] == (int64_t)i) {
			cmp = k;
			found = 1;
			k++;
			continue;
		}
		if (in->op != OP_CONST && in->op != OP_FCONST &&
		    !(in->op == OP_CONV && fill_conv_steady(f, k, s, (uint32_t[3]){i, one, t})))
			return 0;
	}
	if (!found)
		return 0;
	uint32_t c = (uint32_t)f->insns[cmp].a[0], b = (uint32_t)f->insns[cmp].a[2];
	for (uint32_t k = h; k < s; k++) {
		int64_t d = f->insns[k].a[0];
		if (k != cmp && k != cmp + 1 && (d == (int64_t)i || d == (int64_t)c || (k > cmp && d == (int64_t)b)))
			return 0;
	}
	if (f->locals[b] != ty || b == i || b == c || b == one || b == t || v == i || v == c || v == one || v == t)
		return 0;
	*fl = (struct lw_fill){a, i, b, v, f->insns[cmp].op == OP_LE};
	return 1;
}

/* ---- per function ---- */

void lw_facts_begin(struct lw *w)
{
	count_uses(w);
	shadow_init(w);
	w->nchain = 0;
	w->folded = -1;
}

void lw_facts_end(struct lw *w)
{
	free(w->uses);
	free(w->shadow);
	w->uses = NULL;
	w->shadow = NULL;
}
