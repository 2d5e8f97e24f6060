/* sg_parse_expr.c - expressions, by precedence climbing over one table,
 * and the conditional c ? a : b above them. */
#include "parse.h"

#include <string.h>

/* Binary operators and their precedence (higher binds tighter). `as` is
 * handled in the same loop: its right operand is a type. */
static const struct { int tok, prec; } binops[] = {
	{T_OROR, 1}, {T_ANDAND, 2}, {T_PIPE, 3}, {T_CARET, 4}, {T_AMP, 5},
	{T_EQEQ, 6}, {T_NE, 6}, {T_LT, 7}, {T_LE, 7}, {T_GT, 7}, {T_GE, 7},
	{T_SHL, 8}, {T_SHR, 8}, {T_PLUS, 9}, {T_MINUS, 9},
	{T_STAR, 10}, {T_SLASH, 10}, {T_PERCENT, 10}, {T_AS, 11},
};

static int binprec(int tok)
{
	for (size_t k = 0; k < sizeof binops / sizeof binops[0]; k++)
		if (binops[k].tok == tok)
			return binops[k].prec;
	return 0;
}

static struct ast_expr *new_expr(struct parser *p, int kind, struct pos at)
{
	struct ast_expr *e = arena_alloc(p->ar, sizeof *e);
	e->kind = kind;
	e->pos = at;
	return e;
}

static void parse_args(struct parser *p, struct ast_expr *e)
{
	sg_p_expect(p, T_LPAREN, NULL);
	while (!sg_p_is(p, T_RPAREN)) {
		*APUSH(p->ar, e->args, e->nargs) = sg_parse_expr(p);
		if (!sg_p_accept(p, T_COMMA))
			break;
	}
	sg_p_expect(p, T_RPAREN, "',' or ')'");
}

/* new T | new T{f = e, ...} | new T[n] | new cell<T> | new eset<E> | new emap<E, T>,
 * each optionally exheap. */
static struct ast_expr *parse_new(struct parser *p, struct pos at)
{
	struct ast_expr *e = new_expr(p, E_NEW, at);
	e->exheap = sg_p_accept(p, T_EXHEAP);
	struct token *t = sg_p_tok(p);
	struct ast_type *ty;
	if (t->kind == T_CELL || t->kind == T_ESET || t->kind == T_EMAP) {
		ty = sg_parse_type(p);   /* takes any [] suffixes too */
	} else if (sg_parse_builtin(t->kind) >= 0 || t->kind == T_IDENT) {
		ty = arena_alloc(p->ar, sizeof *ty);
		ty->pos = t->pos;
		if (t->kind == T_IDENT) {
			ty->kind = AT_NAME;
			ty->name = sg_p_ident(p, NULL);
		} else {
			ty->kind = AT_BUILTIN;
			ty->builtin = (uint32_t)sg_parse_builtin(t->kind);
			p->i++;
		}
		while (sg_p_is(p, T_LBRACK) && sg_p_peek(p, 1)->kind == T_RBRACK) {
			struct ast_type *a = arena_alloc(p->ar, sizeof *a);
			*a = (struct ast_type){.kind = AT_ARRAY, .pos = ty->pos, .elem = ty};
			ty = a;
			p->i += 2;
		}
	} else {
		sg_p_fail(p, t->pos, "expected a type after 'new'");
	}
	if (sg_p_accept(p, T_LBRACK)) {
		struct ast_type *a = arena_alloc(p->ar, sizeof *a);
		*a = (struct ast_type){.kind = e->exheap ? AT_XARRAY : AT_ARRAY, .pos = ty->pos, .elem = ty};
		e->type = a;
		e->a = sg_parse_expr(p);
		sg_p_expect(p, T_RBRACK, NULL);
		return e;
	}
	e->type = ty;
	if (ty->kind == AT_CELL || ty->kind == AT_ESET)
		return e;
	if (ty->kind != AT_NAME)
		sg_p_fail(p, ty->pos, "expected '[' and a length after 'new' of a non-struct type");
	if (sg_p_accept(p, T_LBRACE)) {
		while (!sg_p_is(p, T_RBRACE)) {
			struct pos np;
			char *name = sg_p_ident(p, &np);
			sg_p_expect(p, T_ASSIGN, NULL);
			uint32_t n = e->nargs;
			*APUSH(p->ar, e->args, e->nargs) = sg_parse_expr(p);
			*APUSH(p->ar, e->names, n) = name;
			n = e->nargs - 1;
			*APUSH(p->ar, e->npos, n) = np;
			if (!sg_p_accept(p, T_COMMA))
				break;
		}
		sg_p_expect(p, T_RBRACE, "',' or '}'");
	}
	return e;
}

static struct ast_expr *parse_primary(struct parser *p)
{
	struct token *t = sg_p_tok(p);
	struct ast_expr *e;
	switch (t->kind) {
	case T_INT:
	case T_CHAR:
		e = new_expr(p, E_INT, t->pos);
		e->ival = t->ival;
		e->is_char = t->kind == T_CHAR;
		p->i++;
		return e;
	case T_FLOAT:
		e = new_expr(p, E_FLOAT, t->pos);
		e->fval = t->fval;
		p->i++;
		return e;
	case T_STR:
		e = new_expr(p, E_STR, t->pos);
		e->str = t->str;
		e->slen = t->slen;
		p->i++;
		return e;
	case T_TRUE:
	case T_FALSE:
		e = new_expr(p, E_BOOL, t->pos);
		e->ival = t->kind == T_TRUE;
		p->i++;
		return e;
	case T_NULL:
		p->i++;
		return new_expr(p, E_NULL, t->pos);
	case T_IDENT:
		e = new_expr(p, E_NAME, t->pos);
		e->str = sg_p_ident(p, NULL);
		if (sg_p_is(p, T_LPAREN)) {
			e->kind = E_CALL;
			parse_args(p, e);
		}
		return e;
	case T_LPAREN:
		p->i++;
		e = sg_parse_expr(p);
		sg_p_expect(p, T_RPAREN, NULL);
		return e;
	case T_NEW:
		p->i++;
		return parse_new(p, t->pos);
	}
	sg_p_fail(p, t->pos, "expected an expression, found %s", sg_lex_name(t->kind));
}

/* Each postfix operator and each binary operator in a chain deepens the
 * tree the checker walks recursively, so each counts as one nesting level. */
static struct ast_expr *parse_postfix(struct parser *p)
{
	struct ast_expr *e = parse_primary(p);
	int depth = p->depth;
	for (;; sg_p_enter(p)) {
		struct token *t = sg_p_tok(p);
		if (sg_p_accept(p, T_DOT)) {
			struct ast_expr *f = new_expr(p, E_FIELD, t->pos);
			f->a = e;
			f->str = sg_p_ident(p, &f->pos);
			if (sg_p_is(p, T_LPAREN)) {
				f->kind = E_METHOD;
				parse_args(p, f);
			}
			e = f;
		} else if (sg_p_accept(p, T_LBRACK)) {
			struct ast_expr *x = new_expr(p, E_INDEX, t->pos);
			x->a = e;
			x->b = sg_parse_expr(p);
			sg_p_expect(p, T_RBRACK, NULL);
			e = x;
		} else if (t->kind == T_LPAREN) {
			sg_p_fail(p, t->pos, "only a function name can be called");
		} else {
			p->depth = depth;
			return e;
		}
	}
}

static struct ast_expr *parse_unary(struct parser *p)
{
	struct token *t = sg_p_tok(p);
	struct ast_expr *e;
	sg_p_enter(p);
	if (t->kind == T_MINUS || t->kind == T_BANG || t->kind == T_TILDE) {
		p->i++;
		e = new_expr(p, E_UNARY, t->pos);
		e->op = t->kind;
		e->a = parse_unary(p);
	} else if (t->kind == T_TAKE) {
		p->i++;
		e = new_expr(p, E_TAKE, t->pos);
		e->a = parse_unary(p);
	} else if (t->kind == T_LPAREN && sg_parse_builtin(sg_p_peek(p, 1)->kind) >= 0 &&
	           sg_p_peek(p, 2)->kind == T_RPAREN) {
		e = new_expr(p, E_CAST, t->pos);
		p->i++;
		e->type = sg_parse_type(p);
		p->i++;
		e->a = parse_unary(p);
	} else {
		e = parse_postfix(p);
	}
	sg_p_leave(p);
	return e;
}

static struct ast_expr *parse_binary(struct parser *p, int minprec)
{
	struct ast_expr *e = parse_unary(p);
	int depth = p->depth;
	for (;; sg_p_enter(p)) {
		struct token *t = sg_p_tok(p);
		int prec = binprec(t->kind);
		if (!prec || prec < minprec) {
			p->depth = depth;
			return e;
		}
		p->i++;
		struct ast_expr *b = new_expr(p, t->kind == T_AS ? E_CAST : E_BINARY, t->pos);
		b->op = t->kind;
		b->a = e;
		if (t->kind == T_AS) {
			b->type = sg_parse_type(p);
		} else {
			sg_p_enter(p);
			b->b = parse_binary(p, prec + 1);
			sg_p_leave(p);
		}
		e = b;
	}
}

/* c ? a : b binds loosest and groups to the right. */
struct ast_expr *sg_parse_expr(struct parser *p)
{
	sg_p_enter(p);
	struct ast_expr *e = parse_binary(p, 1);
	struct token *t = sg_p_tok(p);
	if (sg_p_accept(p, T_QUEST)) {
		struct ast_expr *c = new_expr(p, E_COND, t->pos);
		c->a = e;
		c->b = sg_parse_expr(p);
		sg_p_expect(p, T_COLON, "':' (the value if the condition is false)");
		c->els = sg_parse_expr(p);
		e = c;
	}
	sg_p_leave(p);
	return e;
}
