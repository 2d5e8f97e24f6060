/*
 * lower.h - what the parts of the lowering share (backend-private).
 *
 * lower.c turns functions into C (one table entry per opcode), with what
 * lower_facts.c proves about each function (uses of locals, lengths kept
 * in locals, string chains) and lower_loops.c about its loops (which
 * back-edges need no poll, which loops run unchecked copies; where those
 * copies poll: lower_chunks.c); lower_fill.c stores fill loops' runs;
 * lower_image.c writes the tables the kernel
 * reads from a compiled program: constants, type layouts, contracts with
 * their shape digests, spawn entries and the sing_image record.  All write
 * into one buffer through lw_out.
 * Invariant: they see only packages the verifier passed.
 */
#ifndef BACKEND_LOWER_H
#define BACKEND_LOWER_H

#include "backend.h"
#include "../kernel/rt.h"

struct lw {
	const struct sil_pkg *p;
	const struct sil_func *f;
	uint32_t fi;
	struct sbuf *o;
	uint8_t *target;        /* per instruction: some jump lands here */
	uint8_t *unpolled;      /* per instruction: a back-edge that skips the poll */
	uint32_t *uses;         /* per local: operands naming it (defs and uses) */
	uint8_t *shadow;        /* per local: a GC array or string indexed: its length is shadowed */
	uint32_t pc;
	struct lw_part { uint32_t reg, kind; } chain[SING_STRPARTS];   /* a strcat chain being fused */
	uint32_t nchain;
	int64_t folded;         /* a tostr's result the next strcat takes as an integer part, or -1 */
	struct lw_part folded_as;
	struct lw_range *ranges;       /* loops with an unchecked copy (lower_loops.c) */
	uint32_t nranges;
	const struct lw_range *ver;    /* the unchecked copy being written, or NULL */
	uint8_t *kept;          /* per instruction: its case array is cP_, kept at function scope */
	struct lw_epdefs *epdefs;   /* per local: where it may be written (lower_cases.c) */
	struct lw_epw *epw;     /* the endpoint words stored after those writes, chained per instruction */
	uint32_t *epw_at;       /* per instruction: its first, or UINT32_MAX */
};

/* An innermost loop `for (i = ..; i < b (or <=); i++ (or i += s))` whose
 * body indexes arrays at i (or at a local x it never writes): when i >= 0
 * and b <= each one's length (x < it) on entry, it runs a copy of itself
 * without those checks (lower_loops.c, "Ranged loops"). */
enum { LW_RANGE_ARRS = 16 };
struct lw_range {
	uint32_t h, j;          /* the header, the back-edge */
	uint32_t cmp;           /* the exit test's compare (h, or h + 1 after `const b, k`) */
	uint32_t idx, bound;    /* i, b */
	uint32_t step;          /* i's step: a local, or UINT32_MAX for a const 1 */
	int le;                 /* i <= b, not i < b */
	int conv;               /* i < b, i + 1 and b - 1 each trip (fannkuch's flips): a[b] unchecked too */
	int konst;              /* b is set by `const b, k` at h */
	int64_t k;
	uint32_t lenof;         /* b is set by `len b, a` at h (a an xarray): a, else UINT32_MAX */
	uint32_t arr[LW_RANGE_ARRS], ix[LW_RANGE_ARRS], narr;   /* arr[k][ix[k]] unchecked: ix i or unwritten */
	uint32_t xmark;         /* bit k: arr[k] an xarray stored at i, its write mark raised by the guard */
};

/* lower.c */
PRINTF(2, 3) void lw_out(struct lw *w, const char *fmt, ...);
void lw_c_string(struct lw *w, const char *s, size_t n);
const char *lw_ctype(const struct sil_pkg *p, uint32_t t);   /* C type of a SIL type */
int lw_slotkind(const struct sil_pkg *p, uint32_t t);       /* SING_S_* of a value */
const char *lw_slot(uint32_t t);                            /* slot kind of a builtin */
unsigned lw_elem_size(uint32_t t);                          /* bytes of a scalar */

/* lower_facts.c: what the lowering proves about the function w->f */
void lw_facts_begin(struct lw *w);     /* at the body's start: counts, declares ln locals */
void lw_facts_end(struct lw *w);
int lw_shadowed(const struct lw *w, uint32_t r);                   /* rN's length is lnN */
void lw_shadow_refresh(struct lw *w, const struct sil_insn *in);   /* after each instruction */
int lw_chain_continues(struct lw *w, const struct sil_insn *in);   /* this strcat fuses with a later one */
int lw_tostr_folds(struct lw *w, const struct sil_insn *in);       /* this tostr is the next strcat's part */

/* lower_loops.c: the back-edges of short counted loops (after mark_targets) */
void lw_loops_begin(struct lw *w);
void lw_loops_end(struct lw *w);
int lw_unpolled(const struct lw *w);   /* the back-edge at w->pc skips the poll */
/* `const s, S; add t, i, s; [mov i, t;] jmp H` from pc: the back-edge's index, or 0 */
struct lw_inc { uint32_t step, t, idx, back; };
uint32_t lw_increment(const struct lw *w, uint32_t pc, struct lw_inc *inc);

void lw_range_guard(struct lw *w);   /* at w->pc: the jump into a ranged loop's copy */
/* lower_chunks.c: the copy w->ver polls once a chunk of lw_chunk_trips:
 * its entry (WH, the chunk's end qH_), its end (PH: the loop's own exit
 * test, then the poll), and its exit test and back-edge at w->pc (returns
 * 0 for any other instruction). */
uint32_t lw_chunk_trips(const struct lw_range *r);
void lw_range_decls(struct lw *w);   /* at the body's start: each copy's qH_ */
void lw_chunk_begin(struct lw *w);
void lw_chunk_end(struct lw *w);
int lw_chunk_insn(struct lw *w);
int lw_unchecked(const struct lw *w, uint32_t arr, uint32_t idx);   /* arr[idx] needs no check here */
int lw_marked(const struct lw *w, uint32_t arr, uint32_t idx);      /* nor, an xarray, SING_XWR */
const char *lw_label(const struct lw *w, uint32_t label);   /* "L" or, in a copy, "V" */

/* lower_fill.c: before a stelem, the run of a fill loop if it is one */
void lw_fill(struct lw *w, const struct sil_insn *in);

/* lower_cases.c: the case arrays of sing_select and sing_sendsel calls */
const struct sil_insn *lw_select_after(const struct lw *w, uint32_t pc);   /* a send's sendsel */
uint8_t *lw_reach(const struct lw *w, uint32_t from, int sendsel_stops);   /* per insn, to free */
uint64_t lw_cases_plan(struct lw *w);          /* before the body: the sites kept, their bytes */
void lw_cases_begin(struct lw *w);             /* at the body's start: declared, constants stored */
void lw_cases_end(struct lw *w);
uint32_t lw_cases(struct lw *w, const struct sil_insn *sel, char name[16]);   /* at the call */
void lw_cases_after(struct lw *w);             /* after the instruction at w->pc: hoisted words */

/* lower_image.c */
void lw_constants(struct lw *w);
void lw_types(struct lw *w);
void lw_contracts(struct lw *w);
void lw_spawn_entries(struct lw *w);
void lw_image(struct lw *w, const char *gen);

#endif
