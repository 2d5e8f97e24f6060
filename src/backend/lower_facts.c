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
