/*
 * asm.c - the SIL assembler: .sasm text to an in-memory package.
 *
 * Syntax only.  Declaration labels (kN tN cN mN sN fN rN, LN:) must equal
 * their position, but references may name any index, in range or not:
 * that is how hostile verifier tests are written.  Each error is reported
 * as file:line:col with the line and a caret, then the rest of that line is
 * skipped (longjmp to the line loop), so one run reports many errors.
 * This file holds the declarations and the line loop; asm_parse.c the
 * token-level helpers, asm_func.c function bodies.
 */
#include "asm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

static const char *const ctx_names[] = {"top", "contract", "func", "manifest"};

/* Enter a block: the line must end right after '{'. */
static void open_block(struct asm_state *a, int ctx)
{
	a->block_line = a->t.line;
	asm_expect(a, "{");
	a->ctx = ctx;
}

/* ---- constants and types ---- */

static uint64_t f64_literal(struct asm_state *a)
{
	if (a->t.kind != TK_NUM)
		asm_fail_expected(a, "f64 literal or 'bits'");
	/* Grammar: -?digits(.digits)?([eE][+-]?digits)? ; no inf or nan (use bits). */
	const char *s = a->t.s, *e = s + a->t.n, *q = s + (*s == '-');
	const char *d0 = q;
	while (q < e && *q >= '0' && *q <= '9') q++;
	int ok = q > d0;
	if (ok && q < e && *q == '.') {
		const char *d1 = ++q;
		while (q < e && *q >= '0' && *q <= '9') q++;
		ok = q > d1;
	}
	if (ok && q < e && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < e && (*q == '+' || *q == '-')) q++;
		const char *d2 = q;
		while (q < e && *q >= '0' && *q <= '9') q++;
		ok = q > d2;
	}
	if (!ok || q != e)
		asm_fail(a, &a->t, "malformed f64 literal");
	char *z = sil_strndup(a->p, s, a->t.n);
	double v = strtod(z, NULL);
	if (isinf(v))
		asm_fail(a, &a->t, "f64 literal out of range (write infinities as f64 bits 0x...)");
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	asm_next(a);
	return bits;
}

static void stmt_const(struct asm_state *a)
{
	struct sil_const *k = ASM_PUSH(a->p, a->p->consts, a->p->nconsts);
	asm_next(a);
	asm_decl(a, 'k', a->p->nconsts - 1, "constant");
	if (asm_is(a, "string")) {
		asm_next(a);
		if (a->t.kind != TK_STR)
			asm_fail_expected(a, "string literal");
		k->tag = SIL_K_STRING;
		k->len = (uint32_t)a->lx.str.len;
		k->bytes = sil_strndup(a->p, asm_str_bytes(a), a->lx.str.len);
		asm_next(a);
	} else if (asm_is(a, "f64")) {
		asm_next(a);
		k->tag = SIL_K_F64;
		if (asm_is(a, "bits")) {
			asm_next(a);
			k->f64bits = asm_u64(a, "64-bit pattern");
		} else {
			k->f64bits = f64_literal(a);
		}
	} else {
		asm_fail_expected(a, "'string' or 'f64'");
	}
}

static void struct_fields(struct asm_state *a, struct sil_type *t)
{
	t->name = asm_name(a, "struct name");
	asm_expect(a, "{");
	while (!asm_is(a, "}")) {
		if (t->nfields)
			asm_expect(a, ",");
		struct sil_field *fl = ASM_PUSH(a->p, t->fields, t->nfields);
		fl->name = asm_name(a, "field name");
		fl->type = asm_type(a);
	}
	asm_next(a);
}

static void stmt_type(struct asm_state *a)
{
	struct sil_type *t = ASM_PUSH(a->p, a->p->types, a->p->ntypes);
	asm_next(a);
	asm_decl(a, 't', (uint64_t)a->p->ntypes - 1 + SIL_T_BUILTIN, "type");
	t->kind = (uint8_t)ASM_WORD(a, sil_tkind_names, "type kind (array, struct, xstruct, "
	                        "xarray, endpoint, cell, ioport, eset, anyep)");
	switch (t->kind) {
	case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
		t->elem = asm_type(a);
		break;
	case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
		struct_fields(a, t);
		break;
	case SIL_TK_ENDPOINT: case SIL_TK_ESET:
		t->contract = asm_index(a, 'c', "contract");
		t->side = (uint8_t)ASM_WORD(a, sil_side_names, "side (imp or exp)");
		t->state = a->t.kind == TK_NUM ? asm_u32(a, "state") : asm_index(a, 's', "state");
		if (t->kind == SIL_TK_ESET && a->t.kind != TK_NL && a->t.kind != TK_EOF)
			t->elem = asm_type(a);   /* a map's value type */
		break;
	case SIL_TK_ANYEP:
		t->side = (uint8_t)ASM_WORD(a, sil_side_names, "side (imp or exp)");
		break;
	default:
		break;
	}
}

/* ---- contracts ---- */

static void stmt_contract(struct asm_state *a)
{
	struct sil_contract *c = ASM_PUSH(a->p, a->p->contracts, a->p->ncontracts);
	a->c = c;
	a->pending = ASM_CTX_CONTRACT;
	asm_next(a);
	asm_decl(a, 'c', a->p->ncontracts - 1, "contract");
	c->name = asm_name(a, "contract name");
	if (asm_is(a, "base")) {
		asm_next(a);
		c->has_base = 1;
		c->base = asm_index(a, 'c', "contract");
	}
	if (asm_is(a, "bound")) {
		asm_next(a);
		asm_expect(a, "in");
		c->bound_in = asm_u32(a, "bound");
		asm_expect(a, "out");
		c->bound_out = asm_u32(a, "bound");
	}
	open_block(a, ASM_CTX_CONTRACT);
}

static void stmt_message(struct asm_state *a)
{
	struct sil_msg *m = ASM_PUSH(a->p, a->c->msgs, a->c->nmsgs);
	asm_next(a);
	asm_decl(a, 'm', a->c->nmsgs - 1, "message");
	m->name = asm_name(a, "message name");
	m->dir = (uint8_t)ASM_WORD(a, sil_dir_names, "direction (in or out)");
	asm_expect(a, "(");
	while (!asm_is(a, ")")) {
		if (m->nargs)
			asm_expect(a, ",");
		*ASM_PUSH(a->p, m->args, m->nargs) = asm_type(a);
	}
	asm_next(a);
}

static void stmt_state(struct asm_state *a)
{
	struct sil_state *s = ASM_PUSH(a->p, a->c->states, a->c->nstates);
	asm_next(a);
	asm_decl(a, 's', a->c->nstates - 1, "state");
	s->name = asm_name(a, "state name");
	asm_expect(a, "{");
	while (!asm_is(a, "}")) {
		if (s->ntrans)
			asm_expect(a, ",");
		struct sil_trans *tr = ASM_PUSH(a->p, s->trans, s->ntrans);
		tr->msg = asm_index(a, 'm', "message");
		asm_expect(a, "->");
		tr->next = asm_index(a, 's', "state");
	}
	asm_next(a);
}

/* ---- manifest ---- */

static void stmt_manifest(struct asm_state *a)
{
	a->pending = ASM_CTX_MANIFEST;
	struct asm_tok t = a->t;
	asm_next(a);
	if (a->have_manifest++)
		asm_error(a, &t, "more than one manifest");
	open_block(a, ASM_CTX_MANIFEST);
}

/* Fields that may be given only once, one bit each in man_seen. */
static void once(struct asm_state *a, unsigned bit)
{
	if (a->man_seen & bit)
		asm_fail(a, &a->t, "manifest field '%.*s' given twice", (int)a->t.n, a->t.s);
	a->man_seen |= bit;
	asm_next(a);
}

static void man_name(struct asm_state *a)
{
	once(a, 1);
	a->p->man.name = asm_string(a, "string");
}

static void man_version(struct asm_state *a)
{
	once(a, 2);
	a->p->man.version = asm_string(a, "string");
}

static void man_kind(struct asm_state *a)
{
	once(a, 4);
	a->p->man.kind = (uint8_t)ASM_WORD(a, sil_pkind_names, "kind (app, driver or service)");
}

static void man_budget(struct asm_state *a)
{
	once(a, 8);
	a->p->man.budget = asm_u64(a, "budget in bytes");
}

static void man_usage(struct asm_state *a)
{
	once(a, 16);
	a->p->man.usage = asm_string(a, "string");
}

static void man_cap(struct asm_state *a)
{
	struct sil_manifest *m = &a->p->man;
	asm_next(a);
	*ASM_PUSH(a->p, m->caps, m->ncaps) = asm_string(a, "capability string");
}

static void man_endpoint(struct asm_state *a)
{
	struct sil_manifest *m = &a->p->man;
	asm_next(a);
	struct sil_epdecl *e = ASM_PUSH(a->p, m->eps, m->neps);
	e->path = asm_string(a, "path string");
	e->type = asm_type(a);
}

static void svc(struct asm_state *a, struct sil_svcdecl *d)
{
	asm_next(a);
	d->path = asm_string(a, "path string");
	d->contract = asm_index(a, 'c', "contract");
}

static void man_provide(struct asm_state *a)
{
	struct sil_manifest *m = &a->p->man;
	svc(a, ASM_PUSH(a->p, m->provides, m->nprovides));
}

static void man_depend(struct asm_state *a)
{
	struct sil_manifest *m = &a->p->man;
	svc(a, ASM_PUSH(a->p, m->deps, m->ndeps));
}

/* ioport BASE LEN, irq N [LEN] (LEN defaults to 1), memory BASE LEN; then sharing. */
static void man_hw(struct asm_state *a)
{
	struct sil_manifest *m = &a->p->man;
	struct sil_hw *h = ASM_PUSH(a->p, m->hw, m->nhw);
	h->kind = (uint8_t)ASM_WORD(a, sil_hwkind_names, "hardware claim");
	h->base = asm_u64(a, "base");
	h->len = 1;
	if (h->kind != SIL_HW_IRQ || a->t.kind == TK_NUM)
		h->len = asm_u64(a, "length");
	h->shared = (uint8_t)ASM_WORD(a, sil_shared_names, "'exclusive' or 'shared'");
}

/* ---- statements, by block ---- */

struct stmt {
	const char *word;
	void (*fn)(struct asm_state *a);
};

static void stmt_hash(struct asm_state *a)
{
	struct asm_tok t = a->t;
	asm_next(a);
	if (a->have_hash++)
		asm_error(a, &t, "more than one .hash");
	int ok = (a->t.kind == TK_NUM || a->t.kind == TK_IDENT) && a->t.n == 64;
	for (size_t i = 0; ok && i < 64; i++)
		ok = strchr("0123456789abcdefABCDEF", a->t.s[i]) != NULL;
	if (!ok)
		asm_fail_expected(a, "64 hex digits");
	for (size_t i = 0; i < 32; i++) {
		uint64_t v;
		asm_parse_mag((char[]){'0', 'x', a->t.s[2 * i], a->t.s[2 * i + 1]}, 4, &v);
		a->p->hash[i] = (uint8_t)v;
	}
	a->p->hash_forged = 1;
	asm_next(a);
}

static void stmt_close(struct asm_state *a)
{
	if (a->ctx == ASM_CTX_FUNC)
		asm_func_end(a);
	a->ctx = ASM_CTX_TOP;
	a->c = NULL;
	a->f = NULL;
	asm_next(a);
}

static const struct stmt top_stmts[] = {
	{"const", stmt_const}, {"type", stmt_type}, {"contract", stmt_contract},
	{"func", asm_func_header}, {"manifest", stmt_manifest}, {".hash", stmt_hash},
};
static const struct stmt contract_stmts[] = {
	{"message", stmt_message}, {"state", stmt_state}, {"}", stmt_close},
};
static const struct stmt manifest_stmts[] = {
	{"name", man_name}, {"version", man_version}, {"kind", man_kind},
	{"budget", man_budget}, {"capability", man_cap}, {"endpoint", man_endpoint},
	{"provide", man_provide}, {"depend", man_depend}, {"ioport", man_hw},
	{"irq", man_hw}, {"memory", man_hw}, {"usage", man_usage}, {"}", stmt_close},
};

static void statement(struct asm_state *a)
{
	static const struct { const struct stmt *tab; size_t n; const char *what; } blocks[] = {
		[ASM_CTX_TOP] = {top_stmts, sizeof top_stmts / sizeof top_stmts[0],
		             "const, type, contract, func, manifest or .hash"},
		[ASM_CTX_CONTRACT] = {contract_stmts, sizeof contract_stmts / sizeof contract_stmts[0],
		                  "message, state or '}'"},
		[ASM_CTX_MANIFEST] = {manifest_stmts, sizeof manifest_stmts / sizeof manifest_stmts[0],
		                  "a manifest field or '}'"},
	};
	if (a->t.kind == TK_NL) {
		asm_next(a);
		return;
	}
	if (a->ctx == ASM_CTX_FUNC) {
		asm_func_line(a);
		asm_end_line(a);
		return;
	}
	const struct stmt *tab = blocks[a->ctx].tab;
	for (size_t i = 0; i < blocks[a->ctx].n; i++) {
		if (asm_is(a, tab[i].word)) {
			tab[i].fn(a);
			asm_end_line(a);
			return;
		}
	}
	asm_fail_expected(a, blocks[a->ctx].what);
}

/* After an error: skip to the next line; a header line that ends in '{'
 * still opens its block, so the block's lines are not misread. */
static void recover(struct asm_state *a)
{
	int brace = 0;
	while (a->t.kind != TK_NL && a->t.kind != TK_EOF) {
		brace = a->t.kind == TK_PUNCT && a->t.n == 1 && a->t.s[0] == '{';
		a->t = asm_lex_next(&a->lx);
	}
	if (brace && a->pending != ASM_CTX_TOP && a->ctx == ASM_CTX_TOP) {
		a->ctx = a->pending;
		a->block_line = a->t.line;
	}
	a->pending = ASM_CTX_TOP;
	if (a->t.kind == TK_NL)
		a->t = asm_lex_next(&a->lx);
}

static void parse(struct asm_state *a)
{
	if (setjmp(a->line_fail)) {
		recover(a);
		if (a->t.kind == TK_BAD) /* a bad first token on the next line */
			asm_bad_token(a);
	} else {
		asm_next(a);
	}
	while (a->t.kind != TK_EOF)
		statement(a);
	if (a->ctx != ASM_CTX_TOP) {
		if (a->ctx == ASM_CTX_FUNC)
			asm_func_end(a);
		asm_error(a, &a->t, "end of file inside the %s block opened on line %u (missing '}')",
		          ctx_names[a->ctx], a->block_line);
	}
}

struct sil_pkg *sil_asm(const char *src, size_t len, const char *file, FILE *errs)
{
	struct asm_state *a = xcalloc(1, sizeof *a);
	a->p = sil_new();
	a->file = file;
	a->errs = errs;
	asm_lex_init(&a->lx, src, len);
	if (!setjmp(a->give_up))
		parse(a);
	struct sil_pkg *p = a->p;
	if (a->nerr) {
		sil_free(p);
		p = NULL;
	} else {
		struct sil_manifest *m = &p->man;
		if (!m->name)
			m->name = sil_strndup(p, "", 0);
		if (!m->version)
			m->version = sil_strndup(p, "", 0);
	}
	sb_free(&a->lx.str);
	free(a);
	return p;
}
