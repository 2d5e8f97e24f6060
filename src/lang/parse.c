/* parse.c - parser core: tokens, recovery, types and top-level declarations. */
#include "parse.h"

#include <string.h>

#include "../sil/sil.h"

void *sg_ast_grow(struct arena *a, void *arr, uint32_t n, size_t esz)
{
	if (n != 0 && (n < 4 || (n & (n - 1))))
		return arr;
	void *na = arena_alloc(a, (n ? 2 * (size_t)n : 4) * esz);
	if (n)
		memcpy(na, arr, n * esz);
	return na;
}

struct token *sg_p_tok(struct parser *p)
{
	return &p->t[p->i];
}

struct token *sg_p_peek(struct parser *p, uint32_t k)
{
	return &p->t[p->i + k < p->n ? p->i + k : p->n - 1];
}

int sg_p_is(struct parser *p, int kind)
{
	return sg_p_tok(p)->kind == kind;
}

int sg_p_accept(struct parser *p, int kind)
{
	if (!sg_p_is(p, kind))
		return 0;
	if (p->i + 1 < p->n)
		p->i++;
	return 1;
}

void sg_p_fail(struct parser *p, struct pos at, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sg_diag_err(p->d, at, "%s", msg);
	longjmp(*p->recover, 1);
}

static const char *found(struct parser *p)
{
	static char buf[64];
	struct token *t = sg_p_tok(p);
	if (t->kind == T_IDENT)
		snprintf(buf, sizeof buf, "'%.*s'", (int)(t->len < 40 ? t->len : 40), t->s);
	else
		snprintf(buf, sizeof buf, "%s", sg_lex_name(t->kind));
	return buf;
}

struct token *sg_p_expect(struct parser *p, int kind, const char *what)
{
	struct token *t = sg_p_tok(p);
	if (!sg_p_accept(p, kind))
		sg_p_fail(p, t->pos, "expected %s, found %s", what ? what : sg_lex_name(kind), found(p));
	return t;
}

int sg_p_is_word(struct parser *p, const char *word)
{
	struct token *t = sg_p_tok(p);
	return t->kind == T_IDENT && t->len == strlen(word) && !memcmp(t->s, word, t->len);
}

void sg_p_expect_word(struct parser *p, const char *word)
{
	if (!sg_p_is_word(p, word))
		sg_p_fail(p, sg_p_tok(p)->pos, "expected '%s', found %s", word, found(p));
	p->i++;
}

char *sg_p_str(struct parser *p, const struct token *t, uint32_t n)
{
	return arena_strndup(p->ar, t->s, n);
}

char *sg_p_ident(struct parser *p, struct pos *at)
{
	struct token *t = sg_p_expect(p, T_IDENT, "a name");
	if (at)
		*at = t->pos;
	return sg_p_str(p, t, t->len);
}

void sg_p_enter(struct parser *p)
{
	if (++p->depth > PARSE_MAXDEPTH) {
		sg_diag_err(p->d, sg_p_tok(p)->pos, "nesting too deep");
		p->dead = 1;
		longjmp(*p->top, 1);
	}
}

void sg_p_leave(struct parser *p)
{
	p->depth--;
}

/* ---- types ---- */

static const struct { int tok; uint32_t sil; } builtins[] = {
	{T_VOID, SIL_T_VOID}, {T_BOOL, SIL_T_BOOL}, {T_I8, SIL_T_I8}, {T_I16, SIL_T_I16},
	{T_I32, SIL_T_I32}, {T_I64, SIL_T_I64}, {T_U8, SIL_T_U8}, {T_U16, SIL_T_U16},
	{T_U32, SIL_T_U32}, {T_U64, SIL_T_U64}, {T_F64, SIL_T_F64}, {T_STRING, SIL_T_STRING},
};

int sg_parse_builtin(int kind)
{
	for (size_t k = 0; k < sizeof builtins / sizeof builtins[0]; k++)
		if (builtins[k].tok == kind)
			return (int)builtins[k].sil;
	return -1;
}

static struct ast_type *new_type(struct parser *p, int kind, struct pos at)
{
	struct ast_type *t = arena_alloc(p->ar, sizeof *t);
	t->kind = kind;
	t->pos = at;
	return t;
}

/* A type without array suffixes. */
static struct ast_type *parse_base(struct parser *p)
{
	struct token *tk = sg_p_tok(p);
	struct ast_type *t;
	sg_p_enter(p);
	if (sg_parse_builtin(tk->kind) >= 0) {
		p->i++;
		t = new_type(p, AT_BUILTIN, tk->pos);
		t->builtin = (uint32_t)sg_parse_builtin(tk->kind);
	} else if (sg_p_accept(p, T_IOPORT)) {
		t = new_type(p, AT_IOPORT, tk->pos);
	} else if (sg_p_is(p, T_CELL) || sg_p_is(p, T_ESET) || sg_p_is(p, T_EMAP)) {
		int map = sg_p_is(p, T_EMAP);
		t = new_type(p, sg_p_is(p, T_CELL) ? AT_CELL : AT_ESET, tk->pos);
		p->i++;
		sg_p_expect(p, T_LT, NULL);
		t->elem = sg_parse_type(p);
		if (map) {   /* emap<E, T>: the values' type after the endpoints' */
			sg_p_expect(p, T_COMMA, "',' and the type of the map's values");
			t->val = sg_parse_type(p);
		}
		if (sg_p_is(p, T_SHR)) {   /* cell<eset<E>>: the '>>' closes two */
			p->t[p->i].kind = T_GT;
			p->t[p->i].pos.col++;
		} else {
			sg_p_expect(p, T_GT, NULL);
		}
	} else if (sg_p_accept(p, T_EXHEAP)) {
		struct ast_type *e = parse_base(p);
		if (sg_p_accept(p, T_LBRACK)) {
			sg_p_expect(p, T_RBRACK, NULL);
			t = new_type(p, AT_XARRAY, tk->pos);
			t->elem = e;
		} else if (e->kind == AT_NAME) {
			t = e;   /* `exheap Packet`: the name must be an exheap struct */
		} else {
			sg_p_fail(p, tk->pos, "'exheap' must be followed by a struct name or an array type");
		}
	} else if (tk->kind == T_IDENT) {
		struct pos at;
		char *name = sg_p_ident(p, &at);
		if (sg_p_accept(p, T_DOT)) {
			t = new_type(p, AT_ENDPOINT, at);
			t->name = name;
			struct pos sp;
			char *side = sg_p_ident(p, &sp);
			if (!strcmp(side, "Imp"))
				t->side = SIL_IMP;
			else if (!strcmp(side, "Exp"))
				t->side = SIL_EXP;
			else
				sg_p_fail(p, sp, "expected 'Imp' or 'Exp' after '%s.'", name);
			if (sg_p_is(p, T_COLON) && sg_p_peek(p, 1)->kind == T_IDENT) {
				p->i++;
				t->state = sg_p_ident(p, &t->state_pos);
			}
		} else {
			t = new_type(p, AT_NAME, at);
			t->name = name;
		}
	} else {
		sg_p_fail(p, tk->pos, "expected a type, found %s", found(p));
	}
	sg_p_leave(p);
	return t;
}

struct ast_type *sg_parse_type(struct parser *p)
{
	struct ast_type *t = parse_base(p);
	while (sg_p_is(p, T_LBRACK) && sg_p_peek(p, 1)->kind == T_RBRACK) {
		struct ast_type *a = new_type(p, AT_ARRAY, t->pos);
		a->elem = t;
		t = a;
		p->i += 2;
	}
	return t;
}

/* Token-level scan of a type from index i (no errors, no recursion):
 * returns the index after it, or 0 if no type starts there. */
static uint32_t scan_type(struct parser *p, uint32_t i)
{
	uint32_t ncell = 0;
	while (i + 1 < p->n && (p->t[i].kind == T_CELL || p->t[i].kind == T_ESET ||
	                        p->t[i].kind == T_EMAP) && p->t[i + 1].kind == T_LT) {
		i += 2;
		ncell++;
	}
	if (i < p->n && p->t[i].kind == T_EXHEAP)
		i++;
	if (i >= p->n)
		return 0;
	int k = p->t[i].kind;
	if (sg_parse_builtin(k) >= 0 || k == T_IOPORT) {
		i++;
	} else if (k == T_IDENT) {
		i++;
		if (i + 1 < p->n && p->t[i].kind == T_DOT && p->t[i + 1].kind == T_IDENT) {
			i += 2;
			if (i + 1 < p->n && p->t[i].kind == T_COLON && p->t[i + 1].kind == T_IDENT)
				i += 2;
		}
	} else {
		return 0;
	}
	while (i + 1 < p->n && p->t[i].kind == T_LBRACK && p->t[i + 1].kind == T_RBRACK)
		i += 2;
	while (ncell) {
		/* an emap's value type (a struct name or a builtin: types.c) */
		if (i + 1 < p->n && p->t[i].kind == T_COMMA &&
		    (p->t[i + 1].kind == T_IDENT || sg_parse_builtin(p->t[i + 1].kind) >= 0))
			i += 2;
		if (i < p->n && p->t[i].kind == T_GT) {
			i++;
			ncell--;
		} else if (i < p->n && p->t[i].kind == T_SHR && ncell >= 2) {
			i++;
			ncell -= 2;
		} else {
			return 0;
		}
		while (i + 1 < p->n && p->t[i].kind == T_LBRACK && p->t[i + 1].kind == T_RBRACK)
			i += 2;
	}
	return i;
}

int sg_parse_at_decl(struct parser *p)
{
	uint32_t i = scan_type(p, p->i);
	return i && i + 1 < p->n && p->t[i].kind == T_IDENT &&
	       (p->t[i + 1].kind == T_ASSIGN || p->t[i + 1].kind == T_SEMI);
}

/* ---- top level ---- */

static void parse_fields(struct parser *p, struct ast_field **fs, uint32_t *n,
                         int close, int sep, int params)
{
	while (!sg_p_is(p, close)) {
		struct ast_field *f = APUSH(p->ar, *fs, *n);
		f->pos = sg_p_tok(p)->pos;
		f->borrow = params && sg_p_accept(p, T_BORROW);
		f->type = sg_parse_type(p);
		if (params && !sg_p_is(p, T_IDENT))
			f->name = "_";   /* message arguments may be unnamed */
		else
			f->name = sg_p_ident(p, NULL);
		if (sep == T_COMMA && sg_p_is(p, close))
			break;
		sg_p_expect(p, sep, NULL);
	}
	p->i++;
}

static void parse_struct(struct parser *p, struct ast_file *f)
{
	struct ast_struct *s = APUSH(p->ar, f->structs, f->nstructs);
	s->pos = sg_p_tok(p)->pos;
	s->exheap = sg_p_accept(p, T_EXHEAP);
	sg_p_expect(p, T_STRUCT, NULL);
	s->name = sg_p_ident(p, NULL);
	sg_p_expect(p, T_LBRACE, NULL);
	parse_fields(p, &s->fields, &s->nfields, T_RBRACE, T_SEMI, 0);
}

static void parse_func(struct parser *p, struct ast_file *f)
{
	struct pos at = sg_p_tok(p)->pos;
	struct ast_type *ret = sg_parse_type(p);
	struct ast_func *fn = APUSH(p->ar, f->funcs, f->nfuncs);
	fn->pos = at;
	fn->ret = ret;
	fn->name = sg_p_ident(p, &fn->pos);
	sg_p_expect(p, T_LPAREN, NULL);
	parse_fields(p, &fn->params, &fn->nparams, T_RPAREN, T_COMMA, 1);
	for (uint32_t k = 0; k < fn->nparams; k++)
		if (!strcmp(fn->params[k].name, "_"))
			sg_p_fail(p, fn->params[k].pos, "parameter needs a name");
	if (!sg_p_is(p, T_LBRACE))
		sg_p_fail(p, sg_p_tok(p)->pos, "expected '{' to start the body of '%s'", fn->name);
	p->body_fn = fn;
	fn->body = sg_parse_block(p);
}

static void parse_decl(struct parser *p, struct ast_file *f)
{
	struct token *t = sg_p_tok(p);
	if (sg_p_accept(p, T_IMPORT)) {
		struct ast_import *im = APUSH(p->ar, f->imports, f->nimports);
		im->pos = t->pos;
		struct token *s = sg_p_expect(p, T_STR, "a file name in quotes");
		im->path = s->str;
		sg_p_expect(p, T_SEMI, NULL);
	} else if (t->kind == T_STRUCT || (t->kind == T_EXHEAP && sg_p_peek(p, 1)->kind == T_STRUCT)) {
		parse_struct(p, f);
	} else if (t->kind == T_CONTRACT) {
		sg_parse_contract(p, APUSH(p->ar, f->contracts, f->ncontracts));
	} else if (t->kind == T_MANIFEST) {
		if (f->manifest)
			sg_diag_err(p->d, t->pos, "a program has one manifest block");
		f->manifest = arena_alloc(p->ar, sizeof *f->manifest);
		sg_parse_manifest(p, f->manifest);
	} else {
		parse_func(p, f);
	}
}

/* After an error in a declaration: skip to the next token in column 1
 * (declarations start there in any reasonably written file). */
static void sync_decl(struct parser *p, uint32_t start)
{
	if (p->i == start && !sg_p_is(p, T_EOF))
		p->i++;
	while (!sg_p_is(p, T_EOF) && sg_p_tok(p)->pos.col != 1)
		p->i++;
	if (sg_p_is(p, T_RBRACE))
		p->i++;
}

/* Whether the declaration parsed from token start on ran over a token in
 * column 1 other than its own braces, or did not end with '}': a broken
 * body that swallowed what follows (a missing '}'), whose checking would
 * only report ghosts. */
static int swallowed(struct parser *p, uint32_t start)
{
	for (uint32_t i = start + 1; i < p->i; i++)
		if (p->t[i].pos.col == 1 && p->t[i].kind != T_LBRACE && p->t[i].kind != T_RBRACE)
			return 1;
	return p->i == start || p->t[p->i - 1].kind != T_RBRACE;
}

struct ast_file *sg_parse_file(struct diag *d, uint32_t file)
{
	/* Heap-held so its fields survive longjmp (locals changed after
	 * setjmp would be indeterminate). */
	struct parser *p = arena_alloc(d->arena, sizeof *p);
	p->d = d;
	p->ar = d->arena;
	int lexed = d->nerr;
	p->t = sg_lex_file(d, file, &p->n);
	struct ast_file *f = arena_alloc(p->ar, sizeof *f);
	f->file = file;
	f->fatal = d->nerr > lexed;   /* the lexer's errors */
	jmp_buf top;
	p->top = &top;
	if (setjmp(top)) {
		f->fatal = 1;
		return f;   /* nesting too deep: the rest of the file is not parsed */
	}
	while (!sg_p_is(p, T_EOF) && !sg_diag_full(d)) {
		jmp_buf here;
		uint32_t start = p->i;
		int nerr = d->nerr;
		p->recover = &here;
		p->depth = 0;
		p->body_fn = NULL;
		if (setjmp(here) == 0)
			parse_decl(p, f);
		else
			sync_decl(p, start);
		if (d->nerr > nerr && p->body_fn && !swallowed(p, start))
			p->body_fn->broken = 1;
		else if (d->nerr > nerr)
			f->fatal = 1;
	}
	return f;
}
