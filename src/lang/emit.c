/*
 * emit.c - the function builder: typed locals, instructions, labels and
 * reachability.
 *
 * Layout follows docs/sil.md's one-forward-pass rule: labels are placed in
 * order, a placed label is reachable only if fall-through reaches it or a
 * jump to it was emitted before, and `reachable` is cleared after every
 * instruction that does not fall through.  Statements consult it so that
 * no unreachable instruction is ever emitted (stmt.c reports such code).
 */
#include "sem.h"

#include <stdlib.h>
#include <string.h>

void sg_fn_begin(struct sem *S, struct fn *f, struct sfunc *sf)
{
	memset(f, 0, sizeof *f);
	f->sf = sf;
	f->reachable = 1;
	S->fn = f;
}

uint32_t sg_fn_local(struct sem *S, uint32_t type)
{
	struct fn *f = S->fn;
	if (f->nlocals == f->lcap) {
		f->lcap = f->lcap ? 2 * f->lcap : 16;
		f->locals = xrealloc(f->locals, f->lcap * sizeof *f->locals);
	}
	/* After an error the type may be bad; the package is discarded then. */
	f->locals[f->nlocals] = type == TY_BAD ? SIL_T_I32 : type;
	return f->nlocals++;
}

struct sil_insn *sg_fn_emit(struct sem *S, int op)
{
	struct fn *f = S->fn;
	if (f->ninsns == f->icap) {
		f->icap = f->icap ? 2 * f->icap : 64;
		f->insns = xrealloc(f->insns, f->icap * sizeof *f->insns);
	}
	struct sil_insn *in = &f->insns[f->ninsns++];
	memset(in, 0, sizeof *in);
	in->op = (uint8_t)op;
	if (sil_ops[op].flags & F_NOFALL)
		f->reachable = 0;
	return in;
}

void sg_fn_op(struct sem *S, int op, int64_t a, int64_t b, int64_t c)
{
	struct sil_insn *in = sg_fn_emit(S, op);
	in->a[0] = a;
	in->a[1] = b;
	in->a[2] = c;
}

uint32_t *sg_fn_list(struct sem *S, const uint32_t *v, uint32_t n)
{
	uint32_t *l = sil_alloc(S->pkg, (n + 1) * sizeof *l);
	if (n)
		memcpy(l, v, n * sizeof *l);
	return l;
}

uint32_t sg_fn_label(struct sem *S)
{
	struct fn *f = S->fn;
	if (f->nlabels == f->labcap) {
		f->labcap = f->labcap ? 2 * f->labcap : 16;
		f->labels = xrealloc(f->labels, f->labcap * sizeof *f->labels);
		f->jumped = xrealloc(f->jumped, f->labcap);
	}
	f->labels[f->nlabels] = -1;
	f->jumped[f->nlabels] = 0;
	return f->nlabels++;
}

/* op is JMP (cond unused), JT or JF.  Label operands hold label ids until
 * sg_fn_end turns them into instruction indices. */
void sg_fn_jump(struct sem *S, int op, int64_t cond, uint32_t label)
{
	struct fn *f = S->fn;
	struct sil_insn *in = sg_fn_emit(S, op);
	if (op == OP_JMP) {
		in->a[0] = label;
	} else {
		in->a[0] = cond;
		in->a[1] = label;
	}
	f->jumped[label] = 1;
}

void sg_fn_place(struct sem *S, uint32_t label)
{
	struct fn *f = S->fn;
	f->labels[label] = (int32_t)f->ninsns;
	if (f->jumped[label])
		f->reachable = 1;
}

static int64_t patch(struct sem *S, struct fn *f, int64_t label)
{
	if (label < 0 || (uint32_t)label >= f->nlabels || f->labels[label] < 0) {
		if (S->d->nerr)
			return 0;   /* an error cut the statement short; nothing is written */
		die("jump to a label that was never placed");
	}
	return f->labels[label];
}

/* Resolve labels and move the function into the package. */
void sg_fn_end(struct sem *S)
{
	struct fn *f = S->fn;
	struct sil_func *sf = &S->pkg->funcs[f->sf->idx];
	for (uint32_t i = 0; i < f->ninsns; i++) {
		struct sil_insn *in = &f->insns[i];
		if (in->op == OP_JMP)
			in->a[0] = patch(S, f, in->a[0]);
		else if (in->op == OP_JT || in->op == OP_JF)
			in->a[1] = patch(S, f, in->a[1]);
		else if (in->op == OP_SELECT)
			for (uint32_t c = 0; c < in->ncases; c++)
				in->cases[c].label = (uint32_t)patch(S, f, in->cases[c].label);
	}
	sf->nlocals = f->nlocals;
	sf->locals = sg_fn_list(S, f->locals, f->nlocals);
	sf->ninsns = f->ninsns;
	sf->insns = sil_alloc(S->pkg, (f->ninsns + 1) * sizeof *sf->insns);
	if (f->ninsns)
		memcpy(sf->insns, f->insns, f->ninsns * sizeof *sf->insns);
	free(f->locals);
	free(f->insns);
	free(f->labels);
	free(f->jumped);
	free(f->vars);
	free(f->bors);
	S->fn = NULL;
}
