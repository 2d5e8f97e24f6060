/*
 * asm_lex.c - tokens of the SIL text form (see asm.h).
 *
 * Every call consumes at least one byte unless it returns TK_EOF, so the
 * parser's recovery loop always terminates.
 */
#include "asm.h"

#include <string.h>

#include "text.h"

void asm_lex_init(struct asm_lex *lx, const char *src, size_t len)
{
	memset(lx, 0, sizeof *lx);
	lx->src = src;
	lx->len = len;
	lx->line = 1;
}

static int at(const struct asm_lex *lx, size_t i)
{
	return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hexval(int c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static struct asm_tok bad(struct asm_lex *lx, struct asm_tok t, size_t where, const char *msg)
{
	t.kind = TK_BAD;
	t.msg = msg;
	t.col = (uint32_t)(where - lx->lstart + 1);
	t.n = lx->pos > where ? lx->pos - where : 1;
	t.s = lx->src + where;
	return t;
}

/* A string literal; its decoded bytes go to lx->str. Stops at the line's end. */
static struct asm_tok string(struct asm_lex *lx, struct asm_tok t)
{
	lx->str.len = 0;
	lx->pos++;
	for (;;) {
		int c = at(lx, lx->pos);
		if (c < 0 || c == '\n')
			return bad(lx, t, (size_t)(t.s - lx->src), "unterminated string");
		lx->pos++;
		if (c == '"')
			break;
		if (c != '\\') {
			sb_byte(&lx->str, (uint8_t)c);
			continue;
		}
		int e = at(lx, lx->pos);
		size_t esc = lx->pos - 1;
		if (e == 'n' || e == 't' || e == '\\' || e == '"') {
			sb_byte(&lx->str, e == 'n' ? '\n' : e == 't' ? '\t' : (uint8_t)e);
			lx->pos++;
		} else if (e == 'x' && hexval(at(lx, lx->pos + 1)) >= 0 &&
		           hexval(at(lx, lx->pos + 2)) >= 0) {
			sb_byte(&lx->str, (uint8_t)(hexval(at(lx, lx->pos + 1)) * 16 +
			                            hexval(at(lx, lx->pos + 2))));
			lx->pos += 3;
		} else {
			/* Skip the rest of the string so the caret names the escape only. */
			while (at(lx, lx->pos) >= 0 && at(lx, lx->pos) != '\n' && at(lx, lx->pos) != '"')
				lx->pos++;
			if (at(lx, lx->pos) == '"')
				lx->pos++;
			struct asm_tok b = bad(lx, t, esc, "bad escape in string (use \\n \\t \\\\ \\\" \\xHH)");
			b.n = 2;
			return b;
		}
	}
	t.kind = TK_STR;
	t.n = (size_t)(lx->src + lx->pos - t.s);
	return t;
}

/* A number: [-]digits or hex or a float; the parser checks which it wants. */
static struct asm_tok number(struct asm_lex *lx, struct asm_tok t)
{
	size_t i = lx->pos + (at(lx, lx->pos) == '-');
	int hex = at(lx, i) == '0' && (at(lx, i + 1) == 'x' || at(lx, i + 1) == 'X');
	for (;; i++) {
		int c = at(lx, i);
		if (sil_text_ident_char(c) || is_digit(c))
			continue;
		if ((c == '+' || c == '-') && !hex && (at(lx, i - 1) == 'e' || at(lx, i - 1) == 'E'))
			continue;
		break;
	}
	lx->pos = i;
	t.kind = TK_NUM;
	t.n = (size_t)(lx->src + lx->pos - t.s);
	return t;
}

static struct asm_tok word(struct asm_lex *lx, struct asm_tok t, enum asm_tk kind)
{
	size_t i = lx->pos + 1;
	while (sil_text_ident_char(at(lx, i)))
		i++;
	lx->pos = i;
	t.kind = kind;
	t.n = (size_t)(lx->src + lx->pos - t.s);
	return t;
}

static void skip_blanks(struct asm_lex *lx)
{
	for (;;) {
		int c = at(lx, lx->pos);
		if (c == ' ' || c == '\t' || c == '\r') {
			lx->pos++;
		} else if (c == ';') {
			while (at(lx, lx->pos) >= 0 && at(lx, lx->pos) != '\n')
				lx->pos++;
		} else {
			return;
		}
	}
}

struct asm_tok asm_lex_next(struct asm_lex *lx)
{
	skip_blanks(lx);
	struct asm_tok t = {
		.s = lx->src + lx->pos, .n = 1, .line = lx->line,
		.col = (uint32_t)(lx->pos - lx->lstart + 1), .lstart = lx->lstart,
	};
	int c = at(lx, lx->pos), c1 = at(lx, lx->pos + 1);
	if (c < 0) {
		t.kind = TK_EOF;
		t.n = 0;
		return t;
	}
	if (c == '\n') {
		lx->pos++;
		lx->line++;
		lx->lstart = lx->pos;
		t.kind = TK_NL;
		return t;
	}
	if (c == '"')
		return string(lx, t);
	if (is_digit(c) || (c == '-' && is_digit(c1)))
		return number(lx, t);
	if (sil_text_ident_start(c))
		return word(lx, t, TK_IDENT);
	if (c == '.' && sil_text_ident_start(c1))
		return word(lx, t, TK_LABEL);
	if (c == '-' && c1 == '>') {
		lx->pos += 2;
		t.kind = TK_PUNCT;
		t.n = 2;
		return t;
	}
	lx->pos++;
	if (c && strchr("{}(),:", c)) {
		t.kind = TK_PUNCT;
		return t;
	}
	return bad(lx, t, lx->pos - 1, NULL); /* NULL: unexpected character */
}
