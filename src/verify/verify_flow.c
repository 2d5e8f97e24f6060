/*
 * verify_flow.c - the one forward pass over a function's code.
 *
 * Instructions are visited in order.  The ownership state at a branch
 * target is fixed by the first edge that reaches it in that order (a
 * fall-through or a forward jump) and saved; every later edge into it,
 * backward ones included, must bring the same state.  An instruction no
 * edge has reached when the walk arrives is unreachable code.  Only the
 * linear locals (slots) are saved and compared, so the work is
 * O(instructions + targets x slots), the second term charged against the
 * package's budget; nothing is ever revisited, so no fixpoint is needed.
 *
 * After the first error in a function, flow tracking stops (v->flow = 0)
 * and the remaining instructions get operand and type checks only, so one
 * mistake reports once instead of cascading.
 */
#include "verify_impl.h"

#include <stdlib.h>
#include <string.h>

enum { TARGET = 1, FIXED = 2 };

struct flow {
	uint8_t *tf;            /* per instruction: TARGET, FIXED */
	uint32_t *snapidx;      /* per instruction: its saved state, if a target */
	struct slot *snaps;     /* ntargets x nslots */
	struct slot *tmp;       /* a select case's outgoing state */
	uint64_t lim[128];      /* per operand kind: indices must be below it */
};

/* Index of the 'l' operand in a[], or -1. */
static int label_operand(uint8_t op)
{
	int j = 0;
	for (const char *o = sil_ops[op].operands; *o; o++) {
		if (*o == 'l')
			return j;
		if (*o != '*' && *o != 'S')
			j++;
	}
	return -1;
}

static const char *const kind_what[128] = {
	['r'] = "local", ['d'] = "local", ['k'] = "constant", ['t'] = "type",
	['f'] = "function", ['c'] = "contract", ['l'] = "label",
};
static const char *const kind_rule[128] = {
	['r'] = "bad-local", ['d'] = "bad-local", ['k'] = "bad-const", ['t'] = "bad-type",
	['f'] = "bad-func", ['c'] = "bad-contract", ['l'] = "bad-label",
};

/* Index operand a of kind k below its limit (set per function in fl). */
static int in_range(struct vctx *v, const struct flow *fl, char kind, int64_t a)
{
	unsigned k = (unsigned char)kind & 127;
	if (!kind_what[k] || (kind == 'd' && a == -1))
		return 0;   /* immediates, and m/n (checked by the rule, which knows the type) */
	if (a < 0 || (uint64_t)a >= fl->lim[k])
		return verr(v, kind_rule[k], "%s %lld out of range (%llu)", kind_what[k],
		            (long long)a, (unsigned long long)fl->lim[k]);
	return 0;
}

static int list_ok(struct vctx *v, const struct flow *fl, const uint32_t *l, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (in_range(v, fl, 'r', l[i]))
			return -1;
	return 0;
}

/* Every index operand in range, driven by the operand kinds of the table. */
static int operands_ok(struct vctx *v, const struct flow *fl, const struct sil_insn *in)
{
	int j = 0;
	for (const char *o = sil_ops[in->op].operands; *o; o++) {
		if (*o == '*') {
			if (list_ok(v, fl, in->list, in->nlist))
				return -1;
		} else if (*o == 'S') {
			for (uint32_t i = 0; i < in->ncases; i++) {
				const struct sil_case *c = &in->cases[i];
				if (in_range(v, fl, 'r', c->ep) || in_range(v, fl, 'l', c->label) ||
				    list_ok(v, fl, c->args, c->nargs))
					return -1;
			}
		} else if (in_range(v, fl, *o, in->a[j++])) {
			return -1;
		}
	}
	return 0;
}

static void mark_target(const struct sil_func *f, struct flow *fl, int64_t t)
{
	if (t >= 0 && (uint64_t)t < f->ninsns)
		fl->tf[t] |= TARGET;
}

static int prepare(struct vctx *v, struct flow *fl)
{
	const struct sil_func *f = v->fn;
	uint32_t nt = 0;
	fl->tf = xcalloc(f->ninsns, 1);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const struct sil_insn *in = &f->insns[i];
		int l = in->op < OP__COUNT ? label_operand(in->op) : -1;
		if (l >= 0)
			mark_target(f, fl, in->a[l]);
		if (in->op == OP_SELECT)
			for (uint32_t c = 0; c < in->ncases; c++)
				mark_target(f, fl, in->cases[c].label);
	}
	if (!v->nslots)
		return 0;
	fl->snapidx = xmalloc(f->ninsns * sizeof *fl->snapidx);
	for (uint32_t i = 0; i < f->ninsns; i++)
		if (fl->tf[i] & TARGET)
			fl->snapidx[i] = nt++;
	if ((uint64_t)nt * v->nslots > VFY_MAX_SAVED)
		return verr(v, "limit", "%u branch targets x %u linear locals: too many states "
		            "to keep (at most %u)", nt, v->nslots, VFY_MAX_SAVED);
	if (vcharge(v, (uint64_t)nt * v->nslots))
		return -1;
	fl->snaps = xmalloc((size_t)nt * v->nslots * sizeof *fl->snaps);
	fl->tmp = xmalloc(v->nslots * sizeof *fl->tmp);
	return 0;
}

static struct slot *snap(struct vctx *v, struct flow *fl, uint32_t t)
{
	return fl->snaps + (size_t)fl->snapidx[t] * v->nslots;
}

static void save(struct vctx *v, struct flow *fl, uint32_t t, const struct slot *st)
{
	fl->tf[t] |= FIXED;
	if (v->nslots && !vcharge(v, v->nslots))
		memcpy(snap(v, fl, t), st, v->nslots * sizeof *st);
}

/* Does state a, arriving at target t, agree with the state fixed there? */
static void join(struct vctx *v, struct flow *fl, uint32_t t, const struct slot *a)
{
	if (!v->nslots || vcharge(v, v->nslots))
		return;
	const struct slot *b = snap(v, fl, t);
	for (uint32_t s = 0; s < v->nslots; s++) {
		if (own_slot_eq(&a[s], &b[s]))
			continue;
		char x[128], y[128];
		own_describe(v, s, &a[s], x, sizeof x);
		own_describe(v, s, &b[s], y, sizeof y);
		verr(v, "join-mismatch", "at L%u r%u is %s on this edge but %s on the edge that "
		     "reached it first", t, v->localof[s], x, y);
		return;
	}
}

/* Entering instruction pc, live if the previous one falls through. */
static void arrive(struct vctx *v, struct flow *fl, uint32_t pc, int live)
{
	uint8_t t = fl->tf[pc];
	if (!(t & FIXED)) {
		if (!live)
			verr(v, "unreachable", "no edge reaches this instruction");
		else if (t & TARGET)
			save(v, fl, pc, v->cur);
		return;
	}
	if (!live) {
		if (v->nslots && !vcharge(v, v->nslots))
			own_load(v, snap(v, fl, pc));
		return;
	}
	/* The fall-through edge comes after the jump that fixed the state. */
	v->pc = pc - 1;
	v->in = &v->fn->insns[pc - 1];
	join(v, fl, pc, v->cur);
	v->pc = pc;
	v->in = &v->fn->insns[pc];
}

static void edge(struct vctx *v, struct flow *fl, uint32_t t, const struct slot *st)
{
	if (fl->tf[t] & FIXED)
		join(v, fl, t, st);
	else
		save(v, fl, t, st);
}

static void leave(struct vctx *v, struct flow *fl, const struct sil_insn *in)
{
	if (!(sil_ops[in->op].flags & F_JUMP))
		return;
	if (in->op != OP_SELECT) {
		edge(v, fl, (uint32_t)in->a[label_operand(in->op)], v->cur);
		return;
	}
	for (uint32_t i = 0; i < in->ncases && v->flow; i++) {
		if (v->nslots)
			vfy_select_case(v, &in->cases[i], fl->tmp);
		edge(v, fl, in->cases[i].label, fl->tmp);
	}
}

static void walk(struct vctx *v, struct flow *fl)
{
	const struct sil_func *f = v->fn;
	int live = 1;
	for (uint32_t pc = 0; pc < f->ninsns && !v->stopped; pc++) {
		const struct sil_insn *in = &f->insns[pc];
		v->pc = pc;
		v->in = in;
		if (in->op >= OP__COUNT) {
			verr(v, "bad-opcode", "unknown opcode %u", in->op);
			continue;
		}
		if (v->flow)
			arrive(v, fl, pc, live);
		if (!operands_ok(v, fl, in))
			vfy_insn(v, in);
		if (v->flow)
			leave(v, fl, in);
		live = !(sil_ops[in->op].flags & F_NOFALL);
	}
	if (v->flow && live && !v->stopped)
		verr(v, "no-return", "control falls off the end of the function");
}

void vfy_function(struct vctx *v, uint32_t fi)
{
	struct flow fl;
	memset(&fl, 0, sizeof fl);
	v->fn = &v->p->funcs[fi];
	v->in = NULL;
	v->flow = 1;
	fl.lim['r'] = fl.lim['d'] = v->fn->nlocals;
	fl.lim['k'] = v->p->nconsts;
	fl.lim['t'] = v->nty;
	fl.lim['f'] = v->p->nfuncs;
	fl.lim['c'] = v->p->ncontracts;
	fl.lim['l'] = v->fn->ninsns;
	own_begin(v);
	if (!v->fn->ninsns)
		verr(v, "no-return", "the function has no instructions");
	else if (!prepare(v, &fl))
		walk(v, &fl);
	own_end(v);
	free(fl.tf);
	free(fl.snapidx);
	free(fl.snaps);
	free(fl.tmp);
	v->fn = NULL;
	v->in = NULL;
}
