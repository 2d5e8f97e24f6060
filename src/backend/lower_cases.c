/*
 * lower_cases.c - the case arrays of switch receives (see lower.h;
 * docs/backend.md "Case arrays"): the struct sing_case array a
 * sing_select or sing_sendsel call reads (rt.h), one per call site.
 *
 * A call site outside any loop runs at most once an activation: its array
 * is a block-scope local with an initializer, as before; so is a dead one
 * (the select after a send fused with it, unless a live jump lands there:
 * lw_reach).  A live call site inside a loop (some live jump at or after
 * it lands at or before it) has an array of its own at function scope,
 * cP_ (P the site's index), whose constant words (each case's msg and
 * pad_) are stored once, at the body's start.  An endpoint word is
 * stored at the call, from the local as it is then, when a loop may write
 * the local (it may name another endpoint on the next trip); else at the
 * entry and after each of the local's writes (ep_plan).  The kernel reads
 * the array and never writes it, so every word still holds what was last
 * stored at every later call.  Each activation has its own frame, so
 * recursion shares nothing.  What the kernel reads at each call is what
 * the block-scope initializer would have given it, word for word.
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

/* The instruction whose labels the one at pc goes to: a fused send's
 * receive (sing_sendsel's dispatch), else itself. */
static const struct sil_insn *jumps_of(const struct lw *w, uint32_t pc)
{
	const struct sil_insn *in = &w->f->insns[pc];
	const struct sil_insn *fused = in->op == OP_SEND ? lw_select_after(w, pc) : NULL;
	return fused ? fused : in;
}

/* The lowest label the instruction at q jumps to (a fused send: its
 * receive's), or UINT32_MAX if none. */
static uint32_t lowest_label(const struct lw *w, uint32_t q)
{
	const struct sil_insn *to = jumps_of(w, q);
	const char *ops = sil_ops[to->op].operands;
	uint64_t low = UINT32_MAX;
	for (int k = 0; ops[k] && k < 4; k++)
		if (ops[k] == 'l' && (uint64_t)to->a[k] < low)
			low = (uint64_t)to->a[k];
	for (uint32_t c = 0; c < to->ncases; c++)
		if (to->cases[c].label < low)
			low = to->cases[c].label;
	return (uint32_t)low;
}

/* Per instruction pc: is some live jump at or after pc to a label at or
 * before it?  Each live jump back from q to its lowest label t covers
 * [t, q]; the covers are summed in one pass (a difference array), so a
 * function of n instructions costs O(n), however many loops it has. */
static uint8_t *in_loops(const struct lw *w, const uint8_t *reach)
{
	uint32_t n = w->f->ninsns;
	int64_t *d = xcalloc(n + 1, sizeof *d);
	for (uint32_t q = 0; q < n; q++) {
		uint32_t t = reach[q] ? lowest_label(w, q) : UINT32_MAX;
		if (t <= q) {
			d[t]++;
			d[q + 1]--;
		}
	}
	uint8_t *loop = xcalloc(n + 1, 1);
	int64_t cover = 0;
	for (uint32_t pc = 0; pc < n; pc++) {
		cover += d[pc];
		loop[pc] = cover > 0;
	}
	free(d);
	return loop;
}

static void push(uint8_t *seen, uint32_t *todo, uint32_t *n, uint64_t to, uint32_t ninsns)
{
	if (to < ninsns && !seen[to]) {
		seen[to] = 1;
		todo[(*n)++] = (uint32_t)to;
	}
}

/* Per instruction: can control come there from the instruction at from?
 * A send fused with its receive goes on only to the receive's case labels
 * (its dispatch always jumps; so the select after it, and the jumps
 * between, are dead unless some live jump lands there), or, with
 * sendsel_stops, nowhere.  A jmp goes on to its label; a ret, retv or
 * panic nowhere; any other instruction to all its labels and the next. */
uint8_t *lw_reach(const struct lw *w, uint32_t from, int sendsel_stops)
{
	const struct sil_func *f = w->f;
	uint8_t *seen = xcalloc(f->ninsns + 1, 1);
	uint32_t *todo = xcalloc(f->ninsns + 1, sizeof *todo), n = 0;
	push(seen, todo, &n, from, f->ninsns);
	while (n) {
		uint32_t pc = todo[--n];
		const struct sil_insn *in = &f->insns[pc], *to = jumps_of(w, pc);
		int fused = to != in;
		if (fused && sendsel_stops)
			continue;
		const char *ops = sil_ops[to->op].operands;
		for (int k = 0; ops[k] && k < 4; k++)
			if (ops[k] == 'l')
				push(seen, todo, &n, (uint64_t)to->a[k], f->ninsns);
		for (uint32_t c = 0; c < to->ncases; c++)
			push(seen, todo, &n, to->cases[c].label, f->ninsns);
		if (!fused && in->op != OP_JMP && in->op != OP_RET && in->op != OP_RETV && in->op != OP_PANIC)
			push(seen, todo, &n, pc + 1, f->ninsns);
	}
	free(todo);
	return seen;
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

/* ---- the endpoint words: stored at the call, or after each write ---- */

/* A local written nowhere in a loop, and in at most LW_EP_DEFS places,
 * none a jump, has its endpoint words stored at the entry and after each
 * of those writes; then at every call each word holds what the local
 * holds, and the call stores none (n > LW_EP_DEFS: stored at the call). */
enum { LW_EP_DEFS = 4 };
struct lw_epdefs { uint32_t n, pc[LW_EP_DEFS]; };
struct lw_epw { uint32_t site, k, ep, next; };   /* cSITE_[k].ep = rEP, chained per writing pc */

static void may_write(struct lw_epdefs *d, uint32_t pc, int anew)
{
	if (d->n > LW_EP_DEFS || (d->n && d->pc[d->n - 1] == pc))
		return;
	if (anew || d->n == LW_EP_DEFS)
		d->n = LW_EP_DEFS + 1;
	else
		d->pc[d->n++] = pc;
}

/* Every local the instruction at pc names in a fixed operand may be
 * written there, and every value a receive case binds; not those passed by
 * value: a list's (a call's, spawn's or send's arguments), a send's
 * endpoint, a receive case's, a delete's, a retv's.  A write in a loop
 * (anew: the next trip may see another endpoint) or by a jump (a
 * receive's bound values: no store can follow it) leaves the local's
 * words to the call. */
static void note_writes(struct lw *w, uint32_t pc, int in_loop)
{
	const struct sil_insn *in = &w->f->insns[pc];
	if (in->op == OP_SEND || in->op == OP_DELETE || in->op == OP_RETV)
		return;
	int anew = in_loop || (sil_ops[in->op].flags & F_JUMP);
	const char *ops = sil_ops[in->op].operands;
	for (int k = 0; ops[k] && k < 4; k++)
		if ((ops[k] == 'r' || ops[k] == 'd') && in->a[k] >= 0)
			may_write(&w->epdefs[in->a[k]], pc, anew);
	for (uint32_t c = 0; c < in->ncases; c++)
		for (uint32_t a = 0; a < in->cases[c].nargs; a++)
			may_write(&w->epdefs[in->cases[c].args[a]], pc, 1);
}

static int hoisted(const struct lw *w, uint32_t ep)
{
	return w->epdefs[ep].n <= LW_EP_DEFS;
}

/* The writes of each local, then per writing pc the words stored after
 * it (chained in site and case order: built backwards). */
static void ep_plan(struct lw *w, const uint8_t *loop)
{
	const struct sil_func *f = w->f;
	w->epdefs = xcalloc(f->nlocals + 1, sizeof *w->epdefs);
	for (uint32_t pc = 0; pc < f->ninsns; pc++)
		note_writes(w, pc, loop[pc]);
	w->epw_at = xmalloc((f->ninsns + 1) * sizeof *w->epw_at);
	for (uint32_t pc = 0; pc <= f->ninsns; pc++)
		w->epw_at[pc] = UINT32_MAX;
	uint32_t used = 0, cap = 0;
	for (uint32_t pc = f->ninsns; pc-- > 0;) {
		const struct sil_insn *sel = w->kept[pc] ? site_select(w, pc) : NULL;
		for (uint32_t k = sel ? site_cases(w, pc, sel) : 0; k-- > 0;) {
			uint32_t ep, msg;
			site_case(w, pc, sel, k, &ep, &msg);
			for (uint32_t i = 0; hoisted(w, ep) && i < w->epdefs[ep].n; i++) {
				if (used == cap) {
					cap = cap ? 2 * cap : 16;
					w->epw = xrealloc(w->epw, cap * sizeof *w->epw);
				}
				uint32_t at = w->epdefs[ep].pc[i];
				w->epw[used] = (struct lw_epw){pc, k, ep, w->epw_at[at]};
				w->epw_at[at] = used++;
			}
		}
	}
}

/* After the instruction at w->pc: the words of the locals it wrote. */
void lw_cases_after(struct lw *w)
{
	uint32_t i = w->epw_at[w->pc];
	if (i == UINT32_MAX)
		return;
	lw_out(w, "\t");
	for (const char *sep = ""; i != UINT32_MAX; i = w->epw[i].next, sep = " ")
		lw_out(w, "%sc%u_[%u].ep = r%u;", sep, w->epw[i].site, w->epw[i].k, w->epw[i].ep);
	lw_out(w, "\n");
}

/* Which sites get a cP_ (w->kept: a live one in a loop); the bytes of
 * those arrays, for the frame estimate. */
uint64_t lw_cases_plan(struct lw *w)
{
	uint64_t bytes = 0;
	uint8_t *reach = lw_reach(w, 0, 0), *loop = in_loops(w, reach);
	w->kept = xcalloc(w->f->ninsns + 1, 1);
	for (uint32_t pc = 0; pc < w->f->ninsns; pc++) {
		const struct sil_insn *sel = reach[pc] && loop[pc] ? site_select(w, pc) : NULL;
		if (sel) {
			w->kept[pc] = 1;
			bytes += site_cases(w, pc, sel) * (uint64_t)sizeof(struct sing_case);
		}
	}
	ep_plan(w, loop);
	free(loop);
	free(reach);
	return bytes;
}

/* At the body's start: each kept site's cP_, its constant words stored. */
void lw_cases_begin(struct lw *w)
{
	for (uint32_t pc = 0; pc < w->f->ninsns; pc++) {
		if (!w->kept[pc])
			continue;
		const struct sil_insn *sel = site_select(w, pc);
		uint32_t n = site_cases(w, pc, sel);
		lw_out(w, "\tstruct sing_case c%u_[%u];", pc, n);
		for (uint32_t k = 0; k < n; k++) {
			uint32_t ep, msg;
			site_case(w, pc, sel, k, &ep, &msg);
			lw_out(w, " c%u_[%u].msg = %u; c%u_[%u].pad_ = 0;", pc, k, msg, pc, k);
			if (hoisted(w, ep))
				lw_out(w, " c%u_[%u].ep = r%u;", pc, k, ep);
		}
		lw_out(w, "\n");
	}
}

void lw_cases_end(struct lw *w)
{
	free(w->kept);
	free(w->epdefs);
	free(w->epw);
	free(w->epw_at);
	w->kept = NULL;
	w->epdefs = NULL;
	w->epw = NULL;
	w->epw_at = NULL;
}

/* The site at w->pc's array, ready for the call: "{ " and either the
 * endpoint stores into cP_ or a block-scope c_ with its initializer.  Its
 * name goes to name; returns the most values a received case binds. */
uint32_t lw_cases(struct lw *w, const struct sil_insn *sel, char name[16])
{
	uint32_t pc = w->pc, n = site_cases(w, pc, sel), most = 1;
	int keep = w->kept[pc];
	if (keep) {
		snprintf(name, 16, "c%u_", pc);
		lw_out(w, "{ ");
	} else {
		snprintf(name, 16, "c_");
		lw_out(w, "{ struct sing_case c_[%u] = {", n);
	}
	for (uint32_t k = 0; k < n; k++) {
		uint32_t ep, msg;
		site_case(w, pc, sel, k, &ep, &msg);
		if (!keep)
			lw_out(w, "%s{r%u, %u, 0}", k ? ", " : "", ep, msg);
		else if (!hoisted(w, ep))
			lw_out(w, "%s[%u].ep = r%u; ", name, k, ep);
	}
	if (!keep)
		lw_out(w, "}; ");
	for (uint32_t c = 0; c < sel->ncases; c++)
		if (sel->cases[c].nargs > most)
			most = sel->cases[c].nargs;
	return most;
}
