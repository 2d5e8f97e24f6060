/* parse_decl.c - contract and manifest blocks. */
#include "parse.h"

#include <string.h>

#include "../sil/sil.h"

/* One step: Msg? | Msg! | (A! or B! ...), where each message of a choice
 * may name its own target: (Ok! -> READY or Denied! -> LOGIN). */
static struct ast_step *parse_step(struct parser *p, struct ast_seq *q)
{
	struct ast_step *st = APUSH(p->ar, q->steps, q->nsteps);
	int paren = sg_p_accept(p, T_LPAREN);
	st->closed = paren;
	do {
		uint32_t n = st->nmsgs, n2 = st->nmsgs, n3 = st->nmsgs, n4 = st->nmsgs;
		*APUSH(p->ar, st->msgs, st->nmsgs) = sg_p_ident(p, APUSH(p->ar, st->mpos, n));
		struct token *m = sg_p_tok(p);
		if (m->kind != T_QUEST && m->kind != T_BANG)
			sg_p_fail(p, m->pos, "expected '?' (received) or '!' (sent) after a message name");
		p->i++;
		*APUSH(p->ar, st->marks, n2) = m->kind;
		char **t = APUSH(p->ar, st->targets, n3);
		struct pos *tp = APUSH(p->ar, st->tpos, n4);
		if (!paren)
			return st;
		if (sg_p_accept(p, T_ARROW))
			*t = sg_p_ident(p, tp);
		else
			st->closed = 0;
	} while (sg_p_is_word(p, "or") && (p->i++, 1));
	sg_p_expect(p, T_RPAREN, "'or' or ')'");
	return st;
}

static int at_step(struct parser *p)
{
	if (sg_p_is(p, T_LPAREN))
		return 1;
	int k = sg_p_peek(p, 1)->kind;
	return sg_p_is(p, T_IDENT) && (k == T_QUEST || k == T_BANG);
}

static void parse_state(struct parser *p, struct ast_contract *c)
{
	struct ast_state *s = APUSH(p->ar, c->states, c->nstates);
	s->pos = sg_p_tok(p)->pos;
	p->i++;
	s->name = sg_p_ident(p, NULL);
	sg_p_accept(p, T_COLON);
	sg_p_expect(p, T_LBRACE, NULL);
	while (!sg_p_accept(p, T_RBRACE)) {
		struct ast_seq *q = APUSH(p->ar, s->seqs, s->nseqs);
		q->pos = sg_p_tok(p)->pos;
		struct ast_step *st;
		do {
			st = parse_step(p, q);
			if (st->closed && sg_p_is(p, T_SEMI))
				break;
			if (st->closed)
				sg_p_fail(p, sg_p_tok(p)->pos, "every message of this choice names its own "
				          "target state: end the sequence with ';'");
			sg_p_expect(p, T_ARROW, "'->'");
		} while (at_step(p));
		if (!st->closed)
			q->target = sg_p_ident(p, &q->tpos);
		sg_p_expect(p, T_SEMI, NULL);
	}
}

void sg_parse_contract(struct parser *p, struct ast_contract *c)
{
	c->pos = sg_p_expect(p, T_CONTRACT, NULL)->pos;
	c->name = sg_p_ident(p, NULL);
	if (sg_p_accept(p, T_COLON))
		c->base = sg_p_ident(p, &c->bpos);
	sg_p_expect(p, T_LBRACE, NULL);
	while (!sg_p_accept(p, T_RBRACE)) {
		if (sg_p_is_word(p, "state")) {
			parse_state(p, c);
			continue;
		}
		struct ast_msg *m = APUSH(p->ar, c->msgs, c->nmsgs);
		m->pos = sg_p_tok(p)->pos;
		if (sg_p_is_word(p, "in"))
			m->dir = SIL_IN;
		else if (sg_p_is_word(p, "out"))
			m->dir = SIL_OUT;
		else
			sg_p_fail(p, m->pos, "expected 'in message', 'out message' or 'state' in a contract");
		p->i++;
		sg_p_expect_word(p, "message");
		m->name = sg_p_ident(p, &m->pos);
		sg_p_expect(p, T_LPAREN, NULL);
		while (!sg_p_accept(p, T_RPAREN)) {
			struct ast_field *a = APUSH(p->ar, m->args, m->nargs);
			a->pos = sg_p_tok(p)->pos;
			a->type = sg_parse_type(p);
			a->name = sg_p_is(p, T_IDENT) ? sg_p_ident(p, NULL) : "_";
			if (!sg_p_is(p, T_RPAREN))
				sg_p_expect(p, T_COMMA, "',' or ')'");
		}
		sg_p_expect(p, T_SEMI, NULL);
	}
}

/* ---- manifest: one table row per entry; the pattern says what follows
 * the keyword: s string, i identifier, T type, n number, u number with an
 * optional unit (KiB, MiB, GiB), '.' an optional '..', h an optional
 * shared/exclusive, other characters that punctuation. */
static const struct { const char *kw, *pattern; } mentries[] = {
	{"name", "s"}, {"version", "s"}, {"kind", "i"}, {"budget", "u"},
	{"capability", "s"}, {"endpoint", "i:T=s"}, {"provides", "s:i"},
	{"depends", "s:i"}, {"ioport", "n.nh"}, {"irq", "nh"}, {"memory", "n.nh"},
	{"usage", "s"},
};

static uint64_t parse_num(struct parser *p, int unit)
{
	struct token *t = sg_p_expect(p, T_INT, "a number");
	uint64_t v = t->ival;
	static const struct { const char *name; unsigned shift; } units[] = {
		{"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30},
	};
	for (size_t k = 0; unit && k < sizeof units / sizeof units[0]; k++) {
		if (sg_p_is_word(p, units[k].name)) {
			p->i++;
			if (v > (UINT64_MAX >> units[k].shift))
				sg_p_fail(p, t->pos, "integer literal out of range");
			v <<= units[k].shift;
			break;
		}
	}
	return v;
}

static void parse_mentry(struct parser *p, struct ast_mentry *e, const char *pat)
{
	int nnum = 0;
	for (const char *c = pat; *c; c++) {
		switch (*c) {
		case 's':
			e->str = sg_p_expect(p, T_STR, "a string in quotes")->str;
			break;
		case 'i':
			e->ident = sg_p_ident(p, &e->ipos);
			break;
		case 'T':
			e->type = sg_parse_type(p);
			break;
		case 'n':
		case 'u': {
			uint64_t v = parse_num(p, *c == 'u');
			if (nnum++)
				e->b = v;
			else
				e->a = v;
			break;
		}
		case '.':
			sg_p_accept(p, T_DOTDOT);
			break;
		case 'h':
			if (sg_p_is_word(p, "shared") || sg_p_is_word(p, "exclusive"))
				e->shared = sg_p_is_word(p, "shared") + (p->i++, 0);
			break;
		case ':':
			sg_p_expect(p, T_COLON, NULL);
			break;
		case '=':
			sg_p_expect(p, T_ASSIGN, NULL);
			break;
		}
	}
	sg_p_expect(p, T_SEMI, NULL);
}

void sg_parse_manifest(struct parser *p, struct ast_manifest *m)
{
	m->pos = sg_p_expect(p, T_MANIFEST, NULL)->pos;
	sg_p_expect(p, T_LBRACE, NULL);
	while (!sg_p_accept(p, T_RBRACE)) {
		struct ast_mentry *e = APUSH(p->ar, m->entries, m->nentries);
		e->pos = sg_p_tok(p)->pos;
		if (sg_p_accept(p, T_IOPORT))   /* a type keyword elsewhere */
			e->kw = "ioport";
		else
			e->kw = sg_p_ident(p, NULL);
		size_t k = 0, n = sizeof mentries / sizeof mentries[0];
		while (k < n && strcmp(mentries[k].kw, e->kw))
			k++;
		if (k == n)
			sg_p_fail(p, e->pos, "unknown manifest entry '%s'", e->kw);
		parse_mentry(p, e, mentries[k].pattern);
	}
}
