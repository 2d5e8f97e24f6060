/*
 * asm_func.c - function bodies of the SIL text form: the header, locals,
 * labels and instructions (see asm.c for the rest of the assembler).
 *
 * Operands are parsed by their kind letters from sil_ops[], so a new opcode
 * in opcodes.h needs no change here.  Symbolic labels (.name) are resolved
 * when the function's block closes; numeric labels (LN) are taken as
 * written, in range or not.
 */
#include "asm.h"

#include <stdlib.h>
#include <string.h>

/* A symbolic label's definition and a use of one. */
struct asm_sym {
	struct asm_tok at;
	uint32_t insn;
};

struct asm_ref {
	struct asm_tok at;
	uint32_t insn;
	int slot;                /* >= 0: a[slot]; < 0: label of case -slot-1 */
};

/* Operand kinds that are a prefix letter and an index. */
static const struct { char kind; const char *what; } index_kinds[] = {
	{'r', "local"}, {'k', "constant"}, {'f', "function"}, {'c', "contract"}, {'m', "message"},
};

void asm_func_header(struct asm_state *a)
{
	struct sil_func *f = ASM_PUSH(a->p, a->p->funcs, a->p->nfuncs);
	a->f = f;
	a->nsyms = a->nrefs = 0;
	a->syms = NULL;
	a->refs = NULL;
	a->pending = ASM_CTX_FUNC;
	asm_next(a);
	asm_decl(a, 'f', a->p->nfuncs - 1, "function");
	f->name = asm_name(a, "function name");
	asm_expect(a, "(");
	while (!asm_is(a, ")")) {
		if (f->nparams)
			asm_expect(a, ",");
		asm_decl(a, 'r', f->nparams, "parameter");
		uint8_t *fl = ASM_PUSH(a->p, f->pflags, f->nparams);
		if (asm_is(a, "borrow")) {
			*fl = SIL_P_BORROW;
			asm_next(a);
		}
		*ASM_PUSH(a->p, f->locals, f->nlocals) = asm_type(a);
	}
	asm_next(a);
	f->ret = SIL_T_VOID;
	if (asm_is(a, "->")) {
		asm_next(a);
		f->ret = asm_type(a);
	}
	a->block_line = a->t.line;
	asm_expect(a, "{");
	a->ctx = ASM_CTX_FUNC;
}

/* Is the current token LN (a numeric label)? */
static int numeric_label(const struct asm_state *a)
{
	if (a->t.kind != TK_IDENT || a->t.n < 2 || a->t.s[0] != 'L')
		return 0;
	for (size_t i = 1; i < a->t.n; i++)
		if (a->t.s[i] < '0' || a->t.s[i] > '9')
			return 0;
	return 1;
}

/* A label operand: LN, or .name recorded for resolution at the block's end. */
static uint32_t label(struct asm_state *a, int slot)
{
	if (a->t.kind == TK_LABEL) {
		struct asm_ref *r = ASM_PUSH(a->p, a->refs, a->nrefs);
		r->at = a->t;
		r->insn = a->f->ninsns - 1;
		r->slot = slot;
		asm_next(a);
		return 0;
	}
	if (!numeric_label(a)) {
		char fb[64];
		snprintf(fb, sizeof fb, "'%.*s'", a->t.n > 40 ? 40 : (int)a->t.n, a->t.s);
		asm_fail(a, &a->t, "expected label (LN or .name), found %s",
		         a->t.kind == TK_NL ? "end of line" : a->t.kind == TK_EOF ? "end of file" : fb);
	}
	return asm_index(a, 'L', "label");
}

static void local_list(struct asm_state *a, uint32_t *n, uint32_t **v)
{
	asm_expect(a, "(");
	while (!asm_is(a, ")")) {
		if (*n)
			asm_expect(a, ",");
		*ASM_PUSH(a->p, *v, *n) = asm_index(a, 'r', "local");
	}
	asm_next(a);
}

/* { rE mN -> LABEL (args), rE closed -> LABEL, ... } */
static void cases(struct asm_state *a, struct sil_insn *in)
{
	asm_expect(a, "{");
	while (!asm_is(a, "}")) {
		if (in->ncases)
			asm_expect(a, ",");
		struct sil_case *c = ASM_PUSH(a->p, in->cases, in->ncases);
		c->ep = asm_index(a, 'r', "endpoint local");
		if (asm_is(a, "closed")) {
			asm_next(a);
			c->msg = 0;
		} else {
			struct asm_tok t = a->t;
			c->msg = asm_index(a, 'm', "message or 'closed'");
			if (c->msg == UINT32_MAX)
				asm_fail(a, &t, "message index out of range");
			c->msg++;
		}
		asm_expect(a, "->");
		c->label = label(a, -(int)in->ncases);
		if (asm_is(a, "("))
			local_list(a, &c->nargs, &c->args);
	}
	asm_next(a);
}

static int64_t fixed_operand(struct asm_state *a, char kind, int slot)
{
	for (size_t i = 0; i < sizeof index_kinds / sizeof index_kinds[0]; i++)
		if (index_kinds[i].kind == kind)
			return asm_index(a, kind, index_kinds[i].what);
	switch (kind) {
	case 'd': {
		if (asm_is(a, "_")) {
			asm_next(a);
			return -1;
		}
		struct asm_tok t = a->t;
		uint32_t r = asm_index(a, 'r', "destination local or _");
		if (r == UINT32_MAX)
			asm_fail(a, &t, "destination local index out of range");
		return r;
	}
	case 'i': return asm_imm(a);
	case 't': return asm_type(a);
	case 'n': return asm_u32(a, "field index");
	case 'l': return label(a, slot);
	default: die("operand kind '%c' unknown to the assembler", kind);
	}
}

static void instruction(struct asm_state *a)
{
	/* Counted even if unknown, so later LN: labels do not cascade errors. */
	struct sil_insn *in = ASM_PUSH(a->p, a->f->insns, a->f->ninsns);
	int op = -1;
	for (int i = 0; i < OP__COUNT && op < 0; i++)
		if (asm_is(a, sil_ops[i].name))
			op = i;
	if (op < 0) {
		asm_fail(a, &a->t, "unknown instruction '%.*s'", a->t.n > 40 ? 40 : (int)a->t.n,
		         a->t.s);
	}
	in->op = (uint8_t)op;
	in->line = a->t.line;
	asm_next(a);
	int k = 0;
	for (const char *o = sil_ops[op].operands; *o; o++) {
		if (*o == '*') {
			local_list(a, &in->nlist, &in->list);
		} else if (*o == 'S') {
			cases(a, in);
		} else {
			if (k)
				asm_expect(a, ",");
			in->a[k] = fixed_operand(a, *o, k);
			k++;
		}
	}
}

void asm_func_line(struct asm_state *a)
{
	struct sil_func *f = a->f;
	if (asm_is(a, "}")) {
		asm_func_end(a);
		a->ctx = ASM_CTX_TOP;
		a->f = NULL;
		asm_next(a);
		return;
	}
	if (asm_is(a, "local")) {
		asm_next(a);
		asm_decl(a, 'r', f->nlocals, "local");
		*ASM_PUSH(a->p, f->locals, f->nlocals) = asm_type(a);
		return;
	}
	/* Labels, then optionally an instruction on the same line. */
	for (;;) {
		struct asm_tok t = a->t;
		if (numeric_label(a)) {
			uint32_t n = asm_index(a, 'L', "label");
			if (n != f->ninsns)
				asm_error(a, &t, "label L%u stands before instruction %u", n, f->ninsns);
		} else if (a->t.kind == TK_LABEL) {
			struct asm_sym *s = ASM_PUSH(a->p, a->syms, a->nsyms);
			s->at = t;
			s->insn = f->ninsns;
			asm_next(a);
		} else {
			break;
		}
		asm_expect(a, ":");
	}
	if (a->t.kind == TK_IDENT)
		instruction(a);
	else if (a->t.kind != TK_NL && a->t.kind != TK_EOF)
		asm_fail(a, &a->t, "expected instruction, local, label or '}'");
}

static int name_cmp(const struct asm_tok *p, const struct asm_tok *q)
{
	size_t n = p->n < q->n ? p->n : q->n;
	int c = memcmp(p->s, q->s, n);
	if (c)
		return c;
	return p->n < q->n ? -1 : p->n > q->n;
}

/* By name, then by place in the source, so a duplicate follows its first. */
static int cmp_sym(const void *x, const void *y)
{
	const struct asm_tok *p = &((const struct asm_sym *)x)->at;
	const struct asm_tok *q = &((const struct asm_sym *)y)->at;
	int c = name_cmp(p, q);
	return c ? c : (p->s > q->s) - (p->s < q->s);
}

static void patch(struct asm_state *a, const struct asm_ref *r)
{
	uint32_t lo = 0, hi = a->nsyms;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (name_cmp(&a->syms[mid].at, &r->at) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == a->nsyms || name_cmp(&a->syms[lo].at, &r->at) != 0) {
		asm_error(a, &r->at, "undefined label %.*s", (int)r->at.n, r->at.s);
		return;
	}
	struct sil_insn *in = &a->f->insns[r->insn];
	if (r->slot >= 0)
		in->a[r->slot] = a->syms[lo].insn;
	else
		in->cases[-r->slot - 1].label = a->syms[lo].insn;
}

/* The block closed (or the file ended): resolve its symbolic labels. */
void asm_func_end(struct asm_state *a)
{
	if (a->nsyms)
		qsort(a->syms, a->nsyms, sizeof *a->syms, cmp_sym);
	for (uint32_t i = 1; i < a->nsyms; i++) {
		const struct asm_tok *p = &a->syms[i - 1].at, *q = &a->syms[i].at;
		if (!name_cmp(p, q))
			asm_error(a, q, "label %.*s defined twice", (int)q->n, q->s);
	}
	for (uint32_t i = 0; i < a->nrefs; i++)
		patch(a, &a->refs[i]);
	a->nsyms = a->nrefs = 0;
}
