/* sg_parse_stmt.c - statements and blocks, with per-statement error recovery. */
#include "parse.h"

#include <string.h>

static struct ast_stmt *new_stmt(struct parser *p, int kind, struct pos at)
{
	struct ast_stmt *s = arena_alloc(p->ar, sizeof *s);
	s->kind = kind;
	s->pos = at;
	return s;
}

static const int assign_ops[] = {
	T_ASSIGN, T_PLUSEQ, T_MINUSEQ, T_STAREQ, T_SLASHEQ, T_PERCENTEQ,
	T_ANDEQ, T_OREQ, T_XOREQ, T_SHLEQ, T_SHREQ,
};

/* A declaration, assignment or expression, without the ';' (also used in
 * the head of `for`). */
static struct ast_stmt *parse_simple(struct parser *p)
{
	struct token *t = sg_p_tok(p);
	struct ast_stmt *s;
	if (t->kind == T_VAR && sg_p_peek(p, 1)->kind == T_LPAREN) {
		s = new_stmt(p, S_VAR2, t->pos);
		p->i += 2;
		s->name = sg_p_ident(p, &s->npos);
		sg_p_expect(p, T_COMMA, NULL);
		s->name2 = sg_p_ident(p, &s->npos2);
		sg_p_expect(p, T_RPAREN, NULL);
		sg_p_expect(p, T_ASSIGN, NULL);
		s->e = sg_parse_expr(p);
		return s;
	}
	if (t->kind == T_VAR || sg_parse_at_decl(p)) {
		s = new_stmt(p, S_VAR, t->pos);
		if (!sg_p_accept(p, T_VAR))
			s->type = sg_parse_type(p);
		s->name = sg_p_ident(p, &s->npos);
		if (sg_p_accept(p, T_ASSIGN))
			s->e = sg_parse_expr(p);
		else if (!s->type)
			sg_p_fail(p, sg_p_tok(p)->pos, "'var %s' needs an initial value", s->name);
		return s;
	}
	struct ast_expr *e = sg_parse_expr(p);
	t = sg_p_tok(p);
	if (t->kind == T_INC || t->kind == T_DEC) {
		p->i++;
		s = new_stmt(p, S_ASSIGN, e->pos);
		s->lhs = e;
		s->op = t->kind;
		return s;
	}
	for (size_t k = 0; k < sizeof assign_ops / sizeof assign_ops[0]; k++) {
		if (t->kind == assign_ops[k]) {
			p->i++;
			s = new_stmt(p, S_ASSIGN, e->pos);
			s->lhs = e;
			s->op = t->kind;
			s->e = sg_parse_expr(p);
			return s;
		}
	}
	s = new_stmt(p, S_EXPR, e->pos);
	s->e = e;
	return s;
}

static struct ast_expr *parse_cond(struct parser *p)
{
	sg_p_expect(p, T_LPAREN, NULL);
	struct ast_expr *e = sg_parse_expr(p);
	sg_p_expect(p, T_RPAREN, NULL);
	return e;
}

/* case ep.Msg(a, b): statements... (up to the next case or the '}');
 * case e in set.Msg(a, b): any endpoint of an endpoint set, bound to e;
 * case e, v in map.Msg(a, b): the same for a map, its value bound to v. */
static void parse_case(struct parser *p, struct ast_stmt *s)
{
	struct ast_case *c = APUSH(p->ar, s->cases, s->ncases);
	c->pos = sg_p_expect(p, T_CASE, "'case'")->pos;
	c->ep = sg_p_ident(p, NULL);
	if (sg_p_is(p, T_COMMA)) {
		p->i++;
		c->vbind = sg_p_ident(p, &c->vbind_pos);
		if (!sg_p_is_word(p, "in"))
			sg_p_fail(p, sg_p_tok(p)->pos, "expected 'in' and a map after 'case %s, %s'", c->ep, c->vbind);
	}
	if (sg_p_is_word(p, "in")) {
		p->i++;
		c->bind = c->ep;
		c->bind_pos = c->pos;
		c->ep = sg_p_ident(p, NULL);
	}
	sg_p_expect(p, T_DOT, NULL);
	c->msg = sg_p_ident(p, &c->msg_pos);
	sg_p_expect(p, T_LPAREN, NULL);
	while (!sg_p_is(p, T_RPAREN)) {
		uint32_t n = c->nvars;
		*APUSH(p->ar, c->vars, c->nvars) = sg_p_ident(p, APUSH(p->ar, c->vpos, n));
		if (!sg_p_accept(p, T_COMMA))
			break;
	}
	sg_p_expect(p, T_RPAREN, "',' or ')'");
	sg_p_expect(p, T_COLON, NULL);
	c->body = new_stmt(p, S_BLOCK, sg_p_tok(p)->pos);
	while (!sg_p_is(p, T_CASE) && !sg_p_is(p, T_RBRACE) && !sg_p_is(p, T_EOF)) {
		uint32_t before = p->i;
		struct ast_stmt *k = sg_parse_stmt(p);
		if (k)
			*APUSH(p->ar, c->body->kids, c->body->nkids) = k;
		if (p->i == before)
			p->i++;
	}
	c->body->end = sg_p_tok(p)->pos;
}

static struct ast_stmt *parse_stmt_inner(struct parser *p)
{
	struct token *t = sg_p_tok(p);
	struct ast_stmt *s;
	switch (t->kind) {
	case T_LBRACE:
		return sg_parse_block(p);
	case T_IF:
		p->i++;
		s = new_stmt(p, S_IF, t->pos);
		s->e = parse_cond(p);
		s->then = sg_parse_stmt(p);
		if (sg_p_accept(p, T_ELSE))
			s->els = sg_parse_stmt(p);
		return s;
	case T_WHILE:
		p->i++;
		s = new_stmt(p, S_WHILE, t->pos);
		s->e = parse_cond(p);
		s->then = sg_parse_stmt(p);
		return s;
	case T_FOR:
		p->i++;
		s = new_stmt(p, S_FOR, t->pos);
		sg_p_expect(p, T_LPAREN, NULL);
		if (!sg_p_is(p, T_SEMI))
			s->init = parse_simple(p);
		sg_p_expect(p, T_SEMI, NULL);
		if (!sg_p_is(p, T_SEMI))
			s->e = sg_parse_expr(p);
		sg_p_expect(p, T_SEMI, NULL);
		if (!sg_p_is(p, T_RPAREN))
			s->step = parse_simple(p);
		sg_p_expect(p, T_RPAREN, NULL);
		s->then = sg_parse_stmt(p);
		return s;
	case T_BREAK:
	case T_CONTINUE:
		p->i++;
		s = new_stmt(p, t->kind == T_BREAK ? S_BREAK : S_CONTINUE, t->pos);
		break;
	case T_RETURN:
		p->i++;
		s = new_stmt(p, S_RETURN, t->pos);
		if (!sg_p_is(p, T_SEMI))
			s->e = sg_parse_expr(p);
		break;
	case T_DELETE:
	case T_SPAWN:
		p->i++;
		s = new_stmt(p, t->kind == T_DELETE ? S_DELETE : S_SPAWN, t->pos);
		s->e = sg_parse_expr(p);
		break;
	case T_SWITCH:
		p->i++;
		s = new_stmt(p, S_RECEIVE, t->pos);
		sg_p_expect(p, T_RECEIVE, "'receive' (Sing has only 'switch receive')");
		sg_p_expect(p, T_LBRACE, NULL);
		while (!sg_p_is(p, T_RBRACE))
			parse_case(p, s);
		p->i++;
		return s;
	case T_SEMI:
		sg_p_fail(p, t->pos, "empty statement");
	default:
		s = parse_simple(p);
	}
	sg_p_expect(p, T_SEMI, "';'");
	return s;
}

/* After an error: skip to just past the next ';' of this nesting level, or
 * to the '}' that closes the enclosing block (left for the block). */
static void sync_stmt(struct parser *p, uint32_t start)
{
	int depth = 0;
	if (p->i == start && sg_p_is(p, T_SEMI)) {
		p->i++;
		return;
	}
	while (!sg_p_is(p, T_EOF)) {
		int k = sg_p_tok(p)->kind;
		if (k == T_SEMI && depth == 0) {
			p->i++;
			return;
		}
		if (k == T_RBRACE) {
			if (depth == 0)
				return;
			if (--depth == 0) {
				p->i++;
				return;
			}
		}
		if (k == T_LBRACE)
			depth++;
		p->i++;
	}
}

struct ast_stmt *sg_parse_stmt(struct parser *p)
{
	jmp_buf here;
	jmp_buf *outer = p->recover;
	uint32_t start = p->i;
	int depth = p->depth;
	struct ast_stmt *volatile s = NULL;
	p->recover = &here;
	if (setjmp(here) == 0) {
		sg_p_enter(p);
		s = parse_stmt_inner(p);
		sg_p_leave(p);
	} else {
		p->depth = depth;
		sync_stmt(p, start);
	}
	p->recover = outer;
	return s;
}

struct ast_stmt *sg_parse_block(struct parser *p)
{
	struct ast_stmt *b = new_stmt(p, S_BLOCK, sg_p_expect(p, T_LBRACE, NULL)->pos);
	while (!sg_p_is(p, T_RBRACE)) {
		if (sg_p_is(p, T_EOF))
			sg_p_fail(p, sg_p_tok(p)->pos, "expected '}' before end of file");
		if (sg_diag_full(p->d))
			longjmp(*p->top, 1);
		uint32_t before = p->i;
		struct ast_stmt *s = sg_parse_stmt(p);
		if (s)
			*APUSH(p->ar, b->kids, b->nkids) = s;
		if (p->i == before)
			p->i++;
	}
	b->end = sg_p_tok(p)->pos;
	p->i++;
	return b;
}
