/*
 * lower_loops.c - the loop back-edges that need no safepoint poll (see
 * lower.h; docs/backend.md "Safepoint poll").
 *
 * Every back-edge polls, so that a loop cannot keep the scheduler, a
 * collection or a kill waiting.  A loop that ends after at most
 * LOOP_MAX_TRIPS trips cannot either: its back-edge may skip the poll,
 * as long as nothing else around it is left unpolled.  nbody's root runs
 * 12 trips ten million times.  Only the exact shape the compiler gives a
 * counted `for` (and `while (i < K) { ...; i = i + S; }`) is taken:
 *
 *     const rA, C0      (or: const rI, C0)    H-2, H-1: rI = C0 on entry
 *     mov rI, rA
 *   H: const rK, K
 *     lt rC, rI, rK     (or le)
 *     jf rC, X          X past J: the only exit test
 *     ...               the body: no call, no jump back, rI only read
 *     const rS, S       1 <= S <= 32 (a continue may land here)
 *     add rT, rI, rS
 *     mov rI, rT
 *   J: jmp H
 *
 * and only when every jump landing in [H, J] comes from inside it, none
 * lands on the header's test or the increment, and the body holds no other
 * back-edge.  Then each time the loop is entered (by falling into H, with
 * rI = C0) J is taken at most trips(C0, K, S) times: rI grows by S at each
 * J and nothing else writes it.  No other loop nests inside (an innermost
 * loop: nesting would multiply the trips), and calls are out (a leaf
 * callee does not poll at entry).  rI is a 32- or 64-bit integer and C0,
 * K lie within +-2^20, so rI + S never wraps.  The verifier admits
 * hand-written SIL, and a loop taken by mistake would be a SIP the
 * scheduler cannot preempt: hence the exact shape, proved, not guessed.
 *
 * A back-edge also skips the poll when every path from its header to it
 * passes a sing_sendsel (sendsel_polls): that call polls in the kernel,
 * between its send and its receive (rt.h), once a trip as the back-edge
 * would (a SIP ping-pong's loop: session 37).
 */
#include "lower.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

enum { LOOP_MAX_TRIPS = 32 };
#define LOOP_MAX_CONST (INT64_C(1) << 20)
#define A(in, i) ((uint32_t)(in)->a[i])

/* Does in jump to a label at or before index pc? */
static int jumps_back(const struct sil_insn *in, uint32_t pc)
{
	const char *ops = sil_ops[in->op].operands;
	for (int k = 0; ops[k] && k < 4; k++)
		if (ops[k] == 'l' && (uint64_t)in->a[k] <= pc)
			return 1;
	for (uint32_t c = 0; c < in->ncases; c++)
		if (in->cases[c].label <= pc)
			return 1;
	return 0;
}

/* The value of `const r, imm` at pc, as r's type holds it (32 and 64-bit
 * integers only), if it lies within +-LOOP_MAX_CONST. */
static int const_of(const struct lw *w, uint32_t pc, uint32_t r, int64_t *v)
{
	const struct sil_insn *in = &w->f->insns[pc];
	if (in->op != OP_CONST || A(in, 0) != r)
		return 0;
	switch (w->f->locals[r]) {
	case SIL_T_I32: *v = (int32_t)in->a[1]; break;
	case SIL_T_U32: *v = (uint32_t)in->a[1]; break;
	case SIL_T_I64: *v = in->a[1]; break;
	case SIL_T_U64:
		if ((uint64_t)in->a[1] > (uint64_t)LOOP_MAX_CONST)
			return 0;
		*v = in->a[1];
		break;
	default: return 0;
	}
	return *v >= -LOOP_MAX_CONST && *v <= LOOP_MAX_CONST;
}

/* The first operand position of in that only reads (4: none); operands
 * before it are written.  Instructions not listed may write any of theirs. */
static int first_read(const struct sil_insn *in)
{
	unsigned op = in->op;
	if (op == OP_STELEM || op == OP_STFLD || op == OP_JT || op == OP_JF)
		return 0;
	if ((op >= OP_ADD && op <= OP_GE) || (op >= OP_FSQRT && op <= OP_FPOW) || op == OP_MOV ||
	    op == OP_CONST ||
	    op == OP_LDELEM || op == OP_LDFLD || op == OP_LEN || op == OP_TOSTR ||
	    op == OP_STRCAT || op == OP_SUBSTR)
		return 1;
	return 4;
}

/* Does in leave local r as it was? */
static int keeps(const struct sil_insn *in, uint32_t r)
{
	const char *ops = sil_ops[in->op].operands;
	int first = first_read(in);
	for (int k = 0; ops[k] && k < 4; k++)
		if ((ops[k] == 'r' || ops[k] == 'd') && in->a[k] == (int64_t)r && k < first)
			return 0;
	for (uint32_t i = 0; i < in->nlist; i++)
		if (in->list[i] == r)
			return 0;
	for (uint32_t c = 0; c < in->ncases; c++)
		for (uint32_t i = 0; i < in->cases[c].nargs; i++)
			if (in->cases[c].args[i] == r)
				return 0;
	return 1;
}

/* rI's value when the loop at h is entered by falling into it. */
static int entry_value(const struct lw *w, uint32_t h, uint32_t ri, int64_t *c0)
{
	if (h >= 1 && const_of(w, h - 1, ri, c0))
		return 1;
	const struct sil_insn *mv = &w->f->insns[h - 1];
	return h >= 2 && mv->op == OP_MOV && A(mv, 0) == ri && !w->target[h - 1] &&
	    const_of(w, h - 2, A(mv, 1), c0);
}

static int64_t trips(int le, int64_t c0, int64_t k, int64_t s)
{
	if (le)
		return k >= c0 ? (k - c0) / s + 1 : 0;
	return k > c0 ? (k - c0 + s - 1) / s : 0;
}

/* The increment a compiled `for` ends with, from pc to its back-edge:
 *     const s, S;  add t, i, s;  mov i, t;  jmp H     (back-edge at pc + 3)
 *     const s, S;  add i, i, s;  jmp H                (back-edge at pc + 2)
 * H at or before the jmp, no jump landing on the add, the mov or the jmp
 * (a `continue` may land on the const of the first form; in the second,
 * on nothing).  Fills *inc (S's value is the caller's to check); returns
 * the back-edge's index, or 0.  Short loops here and fill loops
 * (lower_fill.c) both start from it. */
uint32_t lw_increment(const struct lw *w, uint32_t pc, struct lw_inc *inc)
{
	const struct sil_func *f = w->f;
	if (pc + 2 >= f->ninsns)
		return 0;
	const struct sil_insn *ins = f->insns, *ad = &ins[pc + 1], *mv = &ins[pc + 2];
	if (ins[pc].op != OP_CONST || ad->op != OP_ADD || A(ad, 2) != A(&ins[pc], 0))
		return 0;
	uint32_t ri = A(ad, 1), j = pc + 2;
	if (mv->op == OP_MOV) {
		ri = A(mv, 0);
		if (A(ad, 0) != A(mv, 1) || A(ad, 1) != ri)
			return 0;
		j = pc + 3;
	} else if (A(ad, 0) != ri) {
		return 0;
	}
	if (j >= f->ninsns || ins[j].op != OP_JMP || (uint64_t)ins[j].a[0] > j)
		return 0;
	if (w->target[j] || w->target[j - 2])   /* a jump past the step or the add */
		return 0;
	if (w->target[j - 1])                   /* a jump past the increment */
		return 0;
	*inc = (struct lw_inc){A(&ins[pc], 0), A(ad, 0), ri, j};
	return j;
}

/* Jumps landing at each index come from [lo, hi]; lo > hi: none. */
struct sources { uint32_t *lo, *hi; };

/* The loop closed by the jmp at j, back to h: is it of the shape above,
 * entered only from inside, and short?  (No other back-edge lies in [h, j):
 * the caller checked; so no jump from inside lands on the header's test,
 * and one from outside is caught by src.)  Each guard has a hand-written
 * loop in tests/backend/polls.sasm that breaks it alone. */
static int short_loop(const struct lw *w, const struct sources *src, uint32_t h, uint32_t j)
{
	const struct sil_insn *ins = w->f->insns;
	struct lw_inc inc;
	if (h < 1 || j < h + 6)
		return 0;
	if (lw_increment(w, j - 3, &inc) != j)   /* with its mov: `const; add; mov; jmp` */
		return 0;
	const struct sil_insn *cmp = &ins[h + 1], *jf = &ins[h + 2];
	if ((cmp->op != OP_LT && cmp->op != OP_LE) || jf->op != OP_JF)
		return 0;
	uint32_t ri = inc.idx;
	if (A(cmp, 1) != ri)
		return 0;
	if (A(jf, 0) != A(cmp, 0))
		return 0;
	if (A(jf, 1) <= j)   /* the test must leave the loop */
		return 0;
	int64_t s, k, c0;
	if (!const_of(w, j - 3, inc.step, &s) || s > LOOP_MAX_TRIPS)
		return 0;
	if (s < 1)
		return 0;
	if (!const_of(w, h, A(cmp, 2), &k) || !entry_value(w, h, ri, &c0))
		return 0;
	for (uint32_t pc = h; pc <= j; pc++) {
		if (ins[pc].op == OP_CALL || (pc < j - 1 && !keeps(&ins[pc], ri)))
			return 0;
		if (src->lo[pc] <= src->hi[pc] && (src->lo[pc] < h || src->hi[pc] > j))
			return 0;   /* entered from outside */
	}
	return trips(cmp->op == OP_LE, c0, k, s) <= LOOP_MAX_TRIPS;
}

/* ---- ranged loops: a copy without the index's bounds checks ----
 *
 *   H: [const b, k]       b set by a const here, or a local the loop never writes
 *     lt|le c, i, b;  jf c, X       X past J
 *     ...                           the body: i only read; ldelem/stelem a[i], a[x]
 *     const one, 1;  add t, i, one;  mov i, t      (or: add t, i, s;  mov i, t)
 *   J: jmp H
 *
 * innermost, every instruction in ranged_op, s a local the loop never
 * writes.  For each array a indexed at i that the loop never writes (and
 * whose length is kept in lnA: 0 when null), the guard on entry `i >= 0
 * && b <= lnA` (`b < lnA` for le; with s, `s >= 1`; for le or s, `b + s`
 * within the type, so i never wraps) proves every a[i] of the loop in
 * bounds (and `x < lnA` every a[x], x a local the loop never writes): the
 * body runs only with i < b (<= b), i starts at i0 >= 0 and grows by its
 * step, and a and b do not change.  Then the loop runs in a copy (labels
 * V, after the function's end) whose a[i] are unchecked; else as before.
 * Only the guard enters the copy: a jump from outside into the loop lands
 * in the checked one (labels L), so it needs no proof.  The copy polls
 * once a chunk of trips (lower_chunks.c).  tests/backend/ranged.sg runs each shape past an end,
 * ranged.sasm has hand-written ones that break the shape. */
enum { RANGE_MAX_INSNS = 256 };

/* The instructions a copied loop may hold: their lowering keeps no state
 * from one instruction to the next (strcat chains do). */
static int ranged_op(unsigned op)
{
	return op == OP_NOP || op == OP_CONST || op == OP_FCONST || op == OP_MOV ||
	    (op >= OP_ADD && op <= OP_GE) || op == OP_JMP || op == OP_JT || op == OP_JF ||
	    op == OP_CALL || op == OP_LDELEM || op == OP_STELEM || op == OP_LEN || op == OP_LDFLD ||
	    (op >= OP_FSQRT && op <= OP_FPOW);
}

/* keeps, where a call writes only its result (its arguments are read). */
static int keeps_local(const struct sil_insn *in, uint32_t r)
{
	return in->op == OP_CALL ? in->a[0] != (int64_t)r : keeps(in, r);
}

/* Does no instruction of [h, j] but the one at skip write r? */
static int unwritten(const struct lw *w, uint32_t h, uint32_t j, uint32_t r, uint32_t skip)
{
	for (uint32_t pc = h; pc <= j; pc++)
		if (pc != skip && !keeps_local(&w->f->insns[pc], r))
			return 0;
	return 1;
}

static int is_xarray(const struct lw *w, uint32_t a)
{
	const struct sil_type *ty = sil_type(w->p, w->f->locals[a]);
	return ty && ty->kind == SIL_TK_XARRAY;
}

/* a's length as the guard reads it: lnA, or an xarray's descriptor's (an
 * xarray the loop uses is owned at its header, the verifier's join rule:
 * never null there, as the checked loop's own accesses assume; only xsplit
 * changes its length, and no instruction of the loop writes a). */
static const char *len_of(const struct lw *w, uint32_t a)
{
	static char buf[32];
	snprintf(buf, sizeof buf, is_xarray(w, a) ? "r%u->len" : "ln%u", a);
	return buf;
}

/* The arrays the loop leaves alone indexed in [h, j] at r->idx, or at a
 * local x the loop never writes (its guard: x < lnA; the loop then reads
 * a[x] with the same x and a every time).  An xarray stored at i (not in a
 * converging loop) gets its bit in r->xmark: the guard raises its write
 * mark past every index the loop can store at, and the copy's stores at i
 * skip SING_XWR (exheap.h "Write marks"). */
static void ranged_arrays(const struct lw *w, struct lw_range *r)
{
	for (uint32_t pc = r->h; pc <= r->j; pc++) {
		const struct sil_insn *in = &w->f->insns[pc];
		if (in->op != OP_LDELEM && in->op != OP_STELEM)
			continue;
		uint32_t a = A(in, in->op == OP_LDELEM ? 1 : 0), x = A(in, in->op == OP_LDELEM ? 2 : 1), k = 0;
		uint32_t t = w->f->locals[a];
		const struct sil_type *ty = sil_type(w->p, t);
		int xa = is_xarray(w, a);
		if (!xa && ((t != SIL_T_STRING && (!ty || ty->kind != SIL_TK_ARRAY)) || !lw_shadowed(w, a)))
			continue;
		if (x != r->idx && (!r->conv || x != r->bound) && !unwritten(w, r->h, r->j, x, UINT32_MAX))
			continue;
		while (k < r->narr && (r->arr[k] != a || r->ix[k] != x))
			k++;
		if (k == r->narr && k < LW_RANGE_ARRS && unwritten(w, r->h, r->j, a, UINT32_MAX)) {
			r->arr[r->narr] = a;
			r->ix[r->narr++] = x;
		}
		if (k < r->narr && xa && x == r->idx && !r->conv && in->op == OP_STELEM)
			r->xmark |= UINT32_C(1) << k;
	}
}

/* The increment of the loop closed at j: `const one, 1; add t, i, one;
 * mov i, t` (r->step = UINT32_MAX), or `add t, i, s; mov i, t` with s a
 * local the loop never writes (r->step = s; its guard: s >= 1), no jump
 * landing on the mov (a jump to the jmp leaves i as it is).  Sets r->idx. */
static int ranged_step(const struct lw *w, uint32_t h, uint32_t j, struct lw_range *r)
{
	const struct sil_insn *ins = w->f->insns, *ad = &ins[j - 2], *mv = &ins[j - 1];
	struct lw_inc inc;
	if (lw_increment(w, j - 3, &inc) == j && ins[j - 3].a[1] == 1) {
		r->idx = inc.idx;
		r->step = UINT32_MAX;
		return 1;
	}
	if (ad->op != OP_ADD || mv->op != OP_MOV || A(mv, 1) != A(ad, 0) || A(ad, 1) != A(mv, 0))
		return 0;
	if (w->target[j - 1] || A(ad, 2) == A(mv, 0) || !unwritten(w, h, j, A(ad, 2), UINT32_MAX))
		return 0;
	r->idx = A(mv, 0);
	r->step = A(ad, 2);
	return 1;
}

/* A converging loop's steps, closing it at j (fannkuch's flips):
 *     const one, 1;  add t, i, one;  mov i, t;
 *     const one', 1;  sub u, b, one';  mov b, u;     J: jmp H
 * no jump landing past the first const.  Sets r->idx, r->bound, r->conv.
 * The loop runs while i < b: i only grows and b only shrinks, so every
 * i and b the body sees lies within [i0, b0] (b > i >= i0 before the
 * steps, b >= i after them), neither wraps, and the guard `i0 >= 0 && b0 <
 * each length` proves a[i] and a[b] in bounds.  b - i shrinks by 2 a trip:
 * the guard's `b0 - i0 <= 2 * T` (lw_chunk_trips) bounds the trips by T, and
 * the copy does not poll. */
static int converging_steps(const struct lw *w, uint32_t j, struct lw_range *r)
{
	const struct sil_insn *ins = w->f->insns;
	if (j < 7)
		return 0;
	const struct sil_insn *c1 = &ins[j - 6], *ad = &ins[j - 5], *m1 = &ins[j - 4];
	const struct sil_insn *c2 = &ins[j - 3], *sb = &ins[j - 2], *m2 = &ins[j - 1];
	if (c1->op != OP_CONST || ad->op != OP_ADD || m1->op != OP_MOV || c1->a[1] != 1 ||
	    c2->op != OP_CONST || sb->op != OP_SUB || m2->op != OP_MOV || c2->a[1] != 1)
		return 0;
	if (A(ad, 2) != A(c1, 0) || A(m1, 1) != A(ad, 0) || A(ad, 1) != A(m1, 0) ||
	    A(sb, 2) != A(c2, 0) || A(m2, 1) != A(sb, 0) || A(sb, 1) != A(m2, 0))
		return 0;
	for (uint32_t pc = j - 5; pc <= j; pc++)
		if (w->target[pc])
			return 0;
	r->idx = A(m1, 0);
	r->bound = A(m2, 0);
	r->step = UINT32_MAX;
	r->conv = 1;
	return r->idx != r->bound;
}

static void ranged_loop(struct lw *w, uint32_t h, uint32_t j)
{
	const struct sil_insn *ins = w->f->insns;
	struct lw_range r = {.h = h, .j = j, .lenof = UINT32_MAX};
	if (j < h + 4 || j - h > RANGE_MAX_INSNS)
		return;
	if (!ranged_step(w, h, j, &r) && !converging_steps(w, j, &r))
		return;
	uint32_t at = h + (ins[h].op == OP_CONST || ins[h].op == OP_LEN);
	const struct sil_insn *cmp = &ins[at], *jf = &ins[at + 1];
	if ((cmp->op != OP_LT && cmp->op != OP_LE) || jf->op != OP_JF)
		return;
	if (A(cmp, 0) != A(jf, 0))   /* the exit test reads the compare's bool */
		return;
	if (j >= A(jf, 1))           /* and leaves the loop */
		return;
	if (A(cmp, 1) != r.idx)      /* which compares the index */
		return;
	if (r.conv && (cmp->op != OP_LT || at > h || A(cmp, 2) != r.bound))   /* with the bound stepped */
		return;
	r.le = cmp->op == OP_LE;
	r.cmp = at;
	r.bound = A(cmp, 2);
	uint32_t ty = w->f->locals[r.idx];
	if (ty != SIL_T_I32 && ty != SIL_T_I64)
		return;
	if (at > h && A(&ins[h], 0) != r.bound)
		return;
	if (at > h && ins[h].op == OP_LEN) {   /* b = a.len, a an xarray the loop never writes */
		r.lenof = A(&ins[h], 1);
		if (!is_xarray(w, r.lenof) || !unwritten(w, h, j, r.lenof, UINT32_MAX))
			return;
	} else if (at > h) {
		r.konst = 1;
		r.k = ty == SIL_T_I32 ? (int32_t)ins[h].a[1] : ins[h].a[1];
	}
	for (uint32_t pc = h; pc <= j; pc++)
		if (!ranged_op(ins[pc].op))
			return;
	if (!unwritten(w, h, j, r.idx, r.conv ? j - 4 : j - 1))   /* only the steps write i, b */
		return;
	if (!unwritten(w, h, j, r.bound, r.conv ? j - 1 : at > h ? h : UINT32_MAX))
		return;
	ranged_arrays(w, &r);
	if (!r.narr)
		return;
	w->ranges = xrealloc(w->ranges, (w->nranges + 1) * sizeof *w->ranges);
	w->ranges[w->nranges++] = r;
}

/* How lower.c's index_expr writes local x as an index. */
static const char *ix_expr(const struct lw *w, uint32_t x)
{
	static char buf[32];
	uint32_t t = w->f->locals[x];
	snprintf(buf, sizeof buf, t >= SIL_T_I8 && t <= SIL_T_I64 ? "(u64)(i64)r%u" : "(u64)r%u", x);
	return buf;
}

/* Is ix[k] the first of its index local in r? */
static int first_of_index(const struct lw_range *r, uint32_t k)
{
	for (uint32_t e = 0; e < k; e++)
		if (r->ix[e] == r->ix[k])
			return 0;
	return 1;
}

/* rN of a ranged loop's step local. */
static const char *step_of(const struct lw_range *r)
{
	static char buf[16];
	snprintf(buf, sizeof buf, "r%u", r->step);
	return buf;
}

/* On the guard's success, before the copy runs: raise the write mark of
 * each xarray the loop stores into at i to E = b (b + 1 for le): the copy
 * stores only at i < qH_ <= E (lower_chunks.c), so every index it stores at
 * lies below the mark before its first store (the guard proved E <= the
 * length).  Nothing lowers a mark while the copy runs: only xsplit and
 * delete fold it away, and the loop holds neither (a callee may borrow the
 * array but not split it; one it moves to is the last use of it in the
 * loop); a poll between chunks leaves the exchange heap alone.  A loop
 * that ends early only leaves the mark higher: its next user zeroes more.
 * Opens a brace the caller closes. */
static void raise_marks(struct lw *w, const struct lw_range *r, const char *b)
{
	if (!r->xmark)
		return;
	lw_out(w, "{ i64 e_ = (i64)%s%s; ", b, r->le ? " + 1" : "");
	for (uint32_t k = 0; k < r->narr; k++)
		if (r->xmark >> k & 1)
			lw_out(w, "if (r%u->wr < e_) r%u->wr = e_; ", r->arr[k], r->arr[k]);
}

/* Before the header of a ranged loop (where the code falls into it): into
 * the copy when every array's range holds.  The least length of the arrays
 * indexed by each local (mN_ for rN) is computed first, without a branch:
 * lengths rarely change, and cc moves such a minimum out of the loops
 * around (nbody enters its j loop, fourteen arrays, five times a step). */
void lw_range_guard(struct lw *w)
{
	for (uint32_t n = 0; n < w->nranges; n++) {
		const struct lw_range *r = &w->ranges[n];
		if (r->h != w->pc)
			continue;
		char b[64];   /* b's value at the header, which runs after the guard */
		if (r->konst)
			snprintf(b, sizeof b, "0x%" PRIx64 "ull", (uint64_t)r->k);
		else if (r->lenof != UINT32_MAX)
			snprintf(b, sizeof b, "(u64)(i64)(%s)r%u->len", lw_ctype(w->p, w->f->locals[r->bound]), r->lenof);
		else
			snprintf(b, sizeof b, "(u64)(i64)r%u", r->bound);
		lw_out(w, "\t{\n");
		for (uint32_t k = 0; k < r->narr; k++)
			if (first_of_index(r, k))
				lw_out(w, "\t\tu64 m%u_ = (u64)%s;\n", r->ix[k], len_of(w, r->arr[k]));
			else   /* len_of's buffer, passed twice: the same text */
				lw_out(w, "\t\tm%u_ = (u64)%s < m%u_ ? (u64)%s : m%u_;\n", r->ix[k],
				    len_of(w, r->arr[k]), r->ix[k], len_of(w, r->arr[k]), r->ix[k]);
		lw_out(w, "\t\tif (r%u >= 0", r->idx);
		if (r->step != UINT32_MAX)
			lw_out(w, " && r%u >= 1", r->step);
		if (r->le || r->step != UINT32_MAX)   /* i + step <= the type's largest: no wrap */
			lw_out(w, " && (i64)%s <= %s - (i64)%s", b, w->f->locals[r->idx] == SIL_T_I32 ?
			    "0x7fffffffll" : "0x7fffffffffffffffll", r->step != UINT32_MAX ? step_of(r) : "1");
		for (uint32_t k = 0; k < r->narr; k++)
			if (!first_of_index(r, k))
				continue;
			else if (r->conv && (r->ix[k] == r->idx || r->ix[k] == r->bound))   /* i < b <= b0 */
				lw_out(w, " && %s < m%u_", ix_expr(w, r->bound), r->ix[k]);
			else if (r->ix[k] == r->idx)
				lw_out(w, " && %s %s m%u_", b, r->le ? "<" : "<=", r->idx);
			else
				lw_out(w, " && %s < m%u_", ix_expr(w, r->ix[k]), r->ix[k]);
		if (r->conv)   /* at most T trips: b - i shrinks by 2 a trip */
			lw_out(w, " && (i64)r%u - (i64)r%u <= %u", r->bound, r->idx, 2 * lw_chunk_trips(r));
		lw_out(w, ") ");
		raise_marks(w, r, b);
		lw_out(w, "goto W%u;%s\n\t}\n", r->h, r->xmark ? " }" : "");
	}
}

/* arr[idx]'s entry in the copy being written, or -1. */
static int entry_of(const struct lw *w, uint32_t arr, uint32_t idx)
{
	if (!w->ver)
		return -1;
	for (uint32_t k = 0; k < w->ver->narr; k++)
		if (w->ver->arr[k] == arr && w->ver->ix[k] == idx)
			return (int)k;
	return -1;
}

int lw_unchecked(const struct lw *w, uint32_t arr, uint32_t idx)
{
	return entry_of(w, arr, idx) >= 0;
}

int lw_marked(const struct lw *w, uint32_t arr, uint32_t idx)
{
	int k = entry_of(w, arr, idx);
	return k >= 0 && (w->ver->xmark >> k & 1);
}

const char *lw_label(const struct lw *w, uint32_t label)
{
	return w->ver && label >= w->ver->h && label <= w->ver->j ? "V" : "L";
}

static void note_source(struct sources *src, uint64_t to, uint32_t from, uint32_t n)
{
	if (to > n)
		return;
	if (src->lo[to] > from)
		src->lo[to] = from;
	if (src->hi[to] < from)
		src->hi[to] = from;
}

static void find_sources(const struct lw *w, struct sources *src)
{
	const struct sil_func *f = w->f;
	src->lo = xcalloc(f->ninsns + 1, sizeof *src->lo);
	src->hi = xcalloc(f->ninsns + 1, sizeof *src->hi);
	for (uint32_t i = 0; i <= f->ninsns; i++)
		src->lo[i] = UINT32_MAX;
	for (uint32_t pc = 0; pc < f->ninsns; pc++) {
		const struct sil_insn *in = &f->insns[pc];
		const char *ops = sil_ops[in->op].operands;
		for (int k = 0; ops[k] && k < 4; k++)
			if (ops[k] == 'l')
				note_source(src, (uint64_t)in->a[k], pc, f->ninsns);
		for (uint32_t c = 0; c < in->ncases; c++)
			note_source(src, in->cases[c].label, pc, f->ninsns);
	}
}

/* Does every path from h to the back-edge at j pass a sendsel's send (a
 * send lw_select_after fuses with its receive)?  Its kernel call polls
 * between the send and the receive (rt.h sing_sendsel), as the back-edge
 * would have: then a trip never goes unpolled.  A search from h that
 * stops at those sends (lw_reach) must not reach j. */
static int sendsel_polls(const struct lw *w, uint32_t h, uint32_t j)
{
	uint8_t *seen = lw_reach(w, h, 1);
	int reached = seen[j];
	free(seen);
	return !reached;
}

/* After mark_targets: which back-edges of w->f skip the poll.  Linear:
 * only innermost loops are looked at, and their ranges are disjoint
 * (but sendsel_polls, a search per back-edge). */
void lw_loops_begin(struct lw *w)
{
	const struct sil_func *f = w->f;
	struct sources src;
	find_sources(w, &src);
	w->unpolled = xcalloc(f->ninsns + 1, 1);
	int64_t last_back = -1;   /* the last back-edge before pc */
	for (uint32_t pc = 0; pc < f->ninsns; pc++) {
		const struct sil_insn *in = &f->insns[pc];
		if (!jumps_back(in, pc))
			continue;
		uint32_t h = A(in, 0);
		if (in->op == OP_JMP && last_back < (int64_t)h && short_loop(w, &src, h, pc))
			w->unpolled[pc] = 1;
		else if (in->op == OP_JMP && sendsel_polls(w, h, pc))
			w->unpolled[pc] = 1;
		if (in->op == OP_JMP && last_back < (int64_t)h)
			ranged_loop(w, h, pc);
		last_back = pc;
	}
	free(src.lo);
	free(src.hi);
}

int lw_unpolled(const struct lw *w)
{
	return w->unpolled && w->unpolled[w->pc];
}

void lw_loops_end(struct lw *w)
{
	free(w->unpolled);
	w->unpolled = NULL;
	free(w->ranges);
	w->ranges = NULL;
	w->nranges = 0;
}
