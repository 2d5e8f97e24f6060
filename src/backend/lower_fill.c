/*
 * lower_fill.c - fill loops (see lower.h; docs/backend.md "Fill loops"):
 * `for (i = ..; i < b; i++) a[i] = v;` over a GC array of scalars stores
 * its whole remaining range at once (a memset for bytes) when, and only
 * when, that range lies inside the array; else the loop runs element by
 * element as before and fails at the first index out of bounds.
 *
 * The run ends the loop the way its last iteration would: i (and the
 * increment's temporaries) as the last increment leaves them, then the
 * back-edge, whose header test then fails.  So a range the guard let
 * through wrongly would end the loop without a failure: what
 * tests/backend/loopbound.sg's past-the-end shapes (loopbound-past-*)
 * see.  (Session 31's runs stopped at the array's end and let the checked
 * store fail after them, so a store past the end was invisible.)
 */
#include "lower.h"

#define A(in, i) ((uint32_t)(in)->a[i])

struct fill { uint32_t arr, idx, bound, val, one, t, head; int le; };

/* After the stelem at s: `const one, 1; add t, i, one; mov i, t; jmp H`
 * or `const one, 1; add i, i, one; jmp H` (lw_increment), H before s,
 * none of it a jump target.  The back-edge's index, or 0. */
static uint32_t increment_then_back(const struct lw *w, uint32_t s, uint32_t i, uint32_t *one,
                                    uint32_t *t)
{
	const struct sil_func *f = w->f;
	struct lw_inc inc;
	uint32_t pc = lw_increment(w, s + 1, &inc);
	if (!pc || f->insns[s + 1].a[1] != 1 || inc.idx != i || w->target[s + 1])
		return 0;
	if ((pc == s + 4) != (inc.t != i))   /* the mov only with a temporary */
		return 0;
	if (f->insns[pc].a[0] >= (int64_t)s)
		return 0;
	*one = inc.step;
	*t = inc.t;
	return pc;
}

/* Is the conv at k, in a fill loop's head [h, s), the same every
 * iteration: its source is none of i, one and t (the increment's), not
 * written in the head after it, not its own destination? */
static int conv_steady(const struct sil_func *f, uint32_t k, uint32_t s, const uint32_t inc[3])
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

/* The head [h, s): consts, fconsts and steady convs, and one `lt|le c, i,
 * b; jf c, X`.  The index of that lt|le, or 0. */
static uint32_t head_compare(const struct lw *w, uint32_t h, uint32_t s, const uint32_t inc[3])
{
	const struct sil_func *f = w->f;
	uint32_t cmp = 0;
	for (uint32_t k = h; k < s; k++) {
		const struct sil_insn *in = &f->insns[k];
		if (k > h && w->target[k])
			return 0;
		if ((in->op == OP_LT || in->op == OP_LE) && !cmp && k + 1 < s && f->insns[k + 1].op == OP_JF &&
		    f->insns[k + 1].a[0] == in->a[0] && in->a[1] == (int64_t)inc[0]) {
			cmp = k++;
			continue;
		}
		if (in->op != OP_CONST && in->op != OP_FCONST && !(in->op == OP_CONV && conv_steady(f, k, s, inc)))
			return 0;
	}
	return cmp;
}

/* Does the stelem at w->pc fill a counted loop, the shape `for (i = ..;
 * i < b (or <=); i++) a[i] = v;` compiles to?
 *   H:   const|fconst|conv ...     (any number, before and after the cmp)
 *        lt|le c, i, b;  jf c, X
 *        stelem a, i, v            (a a GC array of scalars)
 *        const one, 1;  add t, i, one;  [mov i, t;]  jmp H
 * with no jump landing inside but at H, i and b of one type (i32, i64).
 * The consts and convs write neither i nor c, nor b after the cmp, and
 * read neither i nor a local written after them in the loop, so they
 * compute the same values every iteration: every iteration stores the
 * same value at the next index, the next cmp compares with the same b,
 * and nothing else changes but the temporaries. */
static int fill_loop(const struct lw *w, struct fill *fl)
{
	const struct sil_func *f = w->f;
	uint32_t s = w->pc, a = A(&f->insns[s], 0), i = A(&f->insns[s], 1), v = A(&f->insns[s], 2);
	const struct sil_type *at = sil_type(w->p, f->locals[a]);
	uint32_t ty = f->locals[i], one, t;
	if (!at || at->kind != SIL_TK_ARRAY || at->elem == SIL_T_STRING || at->elem >= SIL_T_BUILTIN ||
	    (ty != SIL_T_I32 && ty != SIL_T_I64) || w->target[s] || !lw_shadowed(w, a))
		return 0;
	uint32_t back = increment_then_back(w, s, i, &one, &t);
	if (!back)
		return 0;
	uint32_t h = A(&f->insns[back], 0);
	uint32_t cmp = head_compare(w, h, s, (uint32_t[3]){i, one, t});
	if (!cmp)
		return 0;
	uint32_t c = A(&f->insns[cmp], 0), b = A(&f->insns[cmp], 2);
	for (uint32_t k = h; k < s; k++) {
		int64_t d = f->insns[k].a[0];
		if (k != cmp && k != cmp + 1 && (d == (int64_t)i || d == (int64_t)c || (k > cmp && d == (int64_t)b)))
			return 0;
	}
	if (f->locals[b] != ty || b == i || b == c || b == one || b == t || v == i || v == c || v == one ||
	    v == t || one == i)
		return 0;
	*fl = (struct fill){a, i, b, v, one, t, h, f->insns[cmp].op == OP_LE};
	return 1;
}

/* Before a fill loop's stelem (the loop's test has just held, so i < b,
 * or i <= b): if i >= 0 and the range [i, b) ([i, b]) lies inside a,
 * store v over all of it and leave the loop as its last iteration would
 * (i and the increment's locals as it leaves them, the back-edge and its
 * poll); else fall into the checked stelem.  a's length is kept in lnA
 * (fill_loop asks for it), which is 0 for null: the range test fails
 * then, as b > i >= 0 (b >= i >= 0 with <=). */
void lw_fill(struct lw *w, const struct sil_insn *in)
{
	struct fill fl;
	if (in->op != OP_STELEM || !fill_loop(w, &fl))
		return;
	uint32_t a = fl.arr, i = fl.idx, et = sil_type(w->p, w->f->locals[a])->elem;
	const char *ct = lw_ctype(w->p, et), *it = lw_ctype(w->p, w->f->locals[i]);
	lw_out(w, "if (r%u >= 0 && (u64)r%u %s (u64)ln%u) {\n", i, fl.bound, fl.le ? "<" : "<=", a);
	lw_out(w, "\t\tu64 n_ = (u64)r%u - (u64)r%u%s;\n", fl.bound, i, fl.le ? " + 1" : "");
	lw_out(w, "\t\t%s *p_ = (%s *)r%u->data + r%u;\n", ct, ct, a, i);
	if (lw_elem_size(et) == 1)   /* gcc does not see a memset in the loop */
		lw_out(w, "\t\t__builtin_memset(p_, r%u, n_);\n", fl.val);
	else
		lw_out(w, "\t\tfor (u64 k_ = 0; k_ < n_; k_++) p_[k_] = r%u;\n", fl.val);
	/* one first: the add may write it (`add one, i, one; mov i, one`) */
	lw_out(w, "\t\tr%u = 1;\n", fl.one);
	lw_out(w, "\t\tr%u = (%s)((u64)r%u%s);\n", i, it, fl.bound, fl.le ? " + 1" : "");
	if (fl.t != i)
		lw_out(w, "\t\tr%u = r%u;\n", fl.t, i);
	lw_out(w, "\t\tPOLL(); goto L%u;\n\t}\n\t", fl.head);
}
