/*
 * lower_cases.c - the case arrays of switch receives (see lower.h;
 * docs/backend.md "Case arrays"): the struct sing_case array a
 * sing_select or sing_sendsel call reads (rt.h), one per call site.
 *
 * A call site outside any loop runs at most once an activation: its array
 * is a block-scope local with an initializer, as before.  A call site
 * inside a loop (some jump at or after it lands at or before it) has an
 * array of its own at function scope, cP_ (P the site's index), whose
 * constant words (each case's msg and pad_) are stored once, at the
 * body's start; the call stores only the endpoint words, every time, from
 * the locals as they are then (a local may name another endpoint on the
 * next trip).  The kernel reads the array and never writes it, so the
 * constant words still hold what the entry stored at every later call.
 * Each activation has its own frame, so recursion shares nothing.  What
 * the kernel reads at each call is what the block-scope initializer would
 * have given it, word for word.
 */
#include "lower.h"

#include <stdio.h>
#include <stdlib.h>

#define A(in, i) ((uint32_t)(in)->a[i])

/* The switch receive the send at pc runs into next: the following
 * instruction, or the end of a short chain of jumps from it (a server's
 * loop back to its receive); NULL if none. */
const struct sil_insn *lw_select_after(const struct lw *w, uint32_t pc)
{
	pc++;
	for (int hop = 0; hop < 4 && pc < w->f->ninsns; hop++) {
		const struct sil_insn *in = &w->f->insns[pc];
		if (in->op == OP_SELECT)
			return in->ncases ? in : NULL;
		if (in->op != OP_JMP)
			return NULL;
		pc = (uint32_t)in->a[0];
	}
	return NULL;
}

/* The select the instruction at pc calls the kernel with, if any: its own
 * (a select with cases) or, for a send, the one after it (sing_sendsel). */
static const struct sil_insn *site_select(const struct lw *w, uint32_t pc)
{
	const struct sil_insn *in = &w->f->insns[pc];
	if (in->op == OP_SELECT)
		return in->ncases ? in : NULL;
	return in->op == OP_SEND ? lw_select_after(w, pc) : NULL;
}

/* Is some jump at or after pc to a label at or before it? */
static int in_loop(const struct lw *w, uint32_t pc)
{
	for (uint32_t q = pc; q < w->f->ninsns; q++)
		if (lw_jumps_back(&w->f->insns[q], pc))
			return 1;
	return 0;
}

/* Does some instruction jump to pc? */
static int jumped_to(const struct lw *w, uint32_t pc)
{
	for (uint32_t q = 0; q < w->f->ninsns; q++) {
		const struct sil_insn *in = &w->f->insns[q];
		const char *ops = sil_ops[in->op].operands;
		for (int k = 0; ops[k] && k < 4; k++)
			if (ops[k] == 'l' && in->a[k] == (int64_t)pc)
				return 1;
		for (uint32_t c = 0; c < in->ncases; c++)
			if (in->cases[c].label == pc)
				return 1;
	}
	return 0;
}

/* Does the site at pc get a cP_?  Only in a loop, and not a select that
 * only a sendsel's send precedes: that call's dispatch always jumps, so
 * control never falls into it (it runs only if jumped to). */
static int kept(const struct lw *w, uint32_t pc)
{
	const struct sil_insn *sel = site_select(w, pc);
	if (!sel || !in_loop(w, pc))
		return 0;
	return sel != &w->f->insns[pc] || pc == 0 || w->f->insns[pc - 1].op != OP_SEND ||
	       !lw_select_after(w, pc - 1) || jumped_to(w, pc);
}

/* Case k of the site at pc: its endpoint local and message. */
static void site_case(const struct lw *w, uint32_t pc, const struct sil_insn *sel, uint32_t k,
                      uint32_t *ep, uint32_t *msg)
{
	const struct sil_insn *in = &w->f->insns[pc];
	if (in->op == OP_SEND) {
		if (k == 0) {
			*ep = A(in, 0);
			*msg = A(in, 1);
			return;
		}
		k--;
	}
	*ep = sel->cases[k].ep;
	*msg = sel->cases[k].msg;
}

static uint32_t site_cases(const struct lw *w, uint32_t pc, const struct sil_insn *sel)
{
	return sel->ncases + (w->f->insns[pc].op == OP_SEND);
}

/* Bytes of the arrays kept at function scope (the frame estimate's part). */
uint64_t lw_cases_bytes(const struct lw *w)
{
	uint64_t n = 0;
	for (uint32_t pc = 0; pc < w->f->ninsns; pc++) {
		if (kept(w, pc))
			n += site_cases(w, pc, site_select(w, pc)) * (uint64_t)sizeof(struct sing_case);
	}
	return n;
}

/* At the body's start: each looping site's cP_, its constant words stored. */
void lw_cases_begin(struct lw *w)
{
	w->kept = xcalloc(w->f->ninsns + 1, 1);
	for (uint32_t pc = 0; pc < w->f->ninsns; pc++) {
		if (!kept(w, pc))
			continue;
		const struct sil_insn *sel = site_select(w, pc);
		w->kept[pc] = 1;
		uint32_t n = site_cases(w, pc, sel);
		lw_out(w, "\tstruct sing_case c%u_[%u];", pc, n);
		for (uint32_t k = 0; k < n; k++) {
			uint32_t ep, msg;
			site_case(w, pc, sel, k, &ep, &msg);
			lw_out(w, " c%u_[%u].msg = %u; c%u_[%u].pad_ = 0;", pc, k, msg, pc, k);
		}
		lw_out(w, "\n");
	}
}

void lw_cases_end(struct lw *w)
{
	free(w->kept);
	w->kept = NULL;
}

/* The site at w->pc's array, ready for the call: "{ " and either the
 * endpoint stores into cP_ or a block-scope c_ with its initializer.  Its
 * name goes to name; returns the most values a received case binds. */
uint32_t lw_cases(struct lw *w, const struct sil_insn *sel, char name[16])
{
	uint32_t pc = w->pc, n = site_cases(w, pc, sel), most = 1;
	int kept = w->kept[pc];
	snprintf(name, 16, kept ? "c%u_" : "c_", pc);
	lw_out(w, kept ? "{ " : "{ struct sing_case c_[%u] = {", n);
	for (uint32_t k = 0; k < n; k++) {
		uint32_t ep, msg;
		site_case(w, pc, sel, k, &ep, &msg);
		if (kept)
			lw_out(w, "%s[%u].ep = r%u; ", name, k, ep);
		else
			lw_out(w, "%s{r%u, %u, 0}", k ? ", " : "", ep, msg);
	}
	if (!kept)
		lw_out(w, "}; ");
	for (uint32_t c = 0; c < sel->ncases; c++)
		if (sel->cases[c].nargs > most)
			most = sel->cases[c].nargs;
	return most;
}
