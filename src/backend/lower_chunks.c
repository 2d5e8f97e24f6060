/*
 * lower_chunks.c - the polls of ranged loops' unchecked copies, once a
 * chunk of trips (see lower.h; docs/backend.md "Chunked polls and
 * converging loops"; lower_loops.c finds the loops and writes the guards).
 *
 * The copy runs at most CHUNK_INSNS / (its length) trips between two
 * polls instead of one: its exit test compares i with a limit qH_, the
 * end of the chunk, and its back-edge does not poll:
 *
 *   WH: qH_ = the least of E and i + s * T      E = b (lt) or b + 1 (le)
 *   VH: [const b, k]
 *       c = i < qH_;  if (!c) goto PH;          (the compare and jf at r->cmp)
 *       ...                                     the body as in the copy
 *       goto VH;                                (the back-edge at J, no poll)
 *   PH: c = i < b (or <=);  if (!c) goto X;     the loop's own exit test
 *       POLL(); goto WH;
 *
 * The body runs only while i < qH_ <= E, so only when the loop's own test
 * holds (c is then true, as in the loop); at PH that test runs as the
 * loop's does, leaving c as it would.  qH_ > i whenever i < E, so each
 * chunk runs at least one trip, and at most T: i grows by s >= 1 each trip
 * (the guard's proof) from the value qH_ was computed from.  Between two
 * polls the copy thus runs at most T trips of its at most 256
 * instructions, each call in it polling at its callee's entry (a leaf
 * callee has no loop that does not poll, or a short one): a SIP in it is
 * still preempted within a bounded time, a few microseconds' work
 * (tests/backend ranged-chunks-emitted reads the polls, chunks.sg runs
 * bounds on and around chunks' ends).  nbody's j loop (at most four
 * trips) never polls; the sieve's marking loop polls every 1170 trips.
 * A converging copy has no chunk's end (b moves): its guard bounds its
 * trips by T instead (lower_loops.c converging_steps), and nothing else
 * polls in it.
 */
#include "lower.h"

#include <inttypes.h>
#include <stdio.h>

enum { CHUNK_INSNS = 8192 };
#define A(in, i) ((uint32_t)(in)->a[i])

uint32_t lw_chunk_trips(const struct lw_range *r)
{
	return CHUNK_INSNS / (r->j - r->h + 1);
}

void lw_range_decls(struct lw *w)
{
	for (uint32_t n = 0; n < w->nranges; n++)   /* i's type: E and so qH_ lie within it */
		lw_out(w, "\t%s q%u_ = 0;\n", lw_ctype(w->p, w->f->locals[w->ranges[n].idx]), w->ranges[n].h);
}

void lw_chunk_begin(struct lw *w)
{
	const struct lw_range *r = w->ver;
	uint32_t t = lw_chunk_trips(r);
	char e[64];   /* E: b (lt), b + 1 (le); b's const is set at H, after WH */
	const char *plus = r->le ? " + 1" : "";
	if (r->konst)
		snprintf(e, sizeof e, "((i64)0x%" PRIx64 "ull%s)", (uint64_t)r->k, plus);
	else
		snprintf(e, sizeof e, "((i64)r%u%s)", r->bound, plus);
	lw_out(w, "W%u:;\n", r->h);
	if (r->lenof != UINT32_MAX)   /* b = a.len at H: the same all along (lower_loops.c) */
		lw_out(w, "\tr%u = (%s)r%u->len;\n", r->bound, lw_ctype(w->p, w->f->locals[r->bound]), r->lenof);
	if (r->conv)   /* b moves: no chunk's end, the guard bounds the trips */
		return;
	if (r->step == UINT32_MAX)
		lw_out(w, "\tq%u_ = %ull >= %s - (i64)r%u ? %s : (i64)r%u + %ull;\n",
		    r->h, t, e, r->idx, e, r->idx, t);
	else   /* s * T may overflow an i64 s: then the chunk ends at E.  The empty asm
		* hides s from cc, which else strength-reduces s * T over the loops
		* around (the sieve's counting loop carried i * T, and the marking
		* loop lost its array and step to the stack for it). */
		lw_out(w, "\t{ i64 s_ = (i64)r%u, t_; __asm__(\"\" : \"+r\"(s_)); q%u_ = "
		    "__builtin_mul_overflow(s_, (i64)%u, &t_) || t_ >= %s - (i64)r%u ? %s : (i64)r%u + t_; }\n",
		    r->step, r->h, t, e, r->idx, e, r->idx);
	/* E <= the type's largest (the guard: b + s, or b < a length), and so qH_ */
}

void lw_chunk_end(struct lw *w)
{
	const struct lw_range *r = w->ver;
	const struct sil_insn *cmp = &w->f->insns[r->cmp], *jf = &w->f->insns[r->cmp + 1];
	if (r->conv)
		return;
	lw_out(w, "P%u:;\n\tr%u = r%u %s r%u;\n", r->h, A(cmp, 0), A(cmp, 1), r->le ? "<=" : "<", A(cmp, 2));
	lw_out(w, "\tif (!r%u) { goto L%u; }\n\tPOLL(); goto W%u;\n", A(cmp, 0), A(jf, 1), r->h);
}

int lw_chunk_insn(struct lw *w)
{
	const struct lw_range *r = w->ver;
	if (!r)
		return 0;
	const struct sil_insn *cmp = &w->f->insns[r->cmp];
	if (r->conv && w->pc != r->j)
		return 0;
	if (w->pc == r->h && r->lenof != UINT32_MAX)
		lw_out(w, ";   /* r%u = r%u->len: set at W%u */\n", r->bound, r->lenof, r->h);
	else if (w->pc == r->cmp)
		lw_out(w, "r%u = r%u < q%u_;\n", A(cmp, 0), r->idx, r->h);
	else if (w->pc == r->cmp + 1)
		lw_out(w, "if (!r%u) { goto P%u; }\n", A(cmp, 0), r->h);
	else if (w->pc == r->j)
		lw_out(w, "goto V%u;\n", r->h);
	else
		return 0;
	return 1;
}
