/* lex.c - the Sing lexer (see lex.h). */
#include "lex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const kw_text[] = {
#define X(e, s) s,
	LEX_KEYWORDS(X)
#undef X
};
static const char *const punct_text[] = {
#define X(e, s) s,
	LEX_PUNCTS(X)
#undef X
};
#define NKW (sizeof kw_text / sizeof kw_text[0])
#define NPUNCT (sizeof punct_text / sizeof punct_text[0])

struct lexer {
	struct diag *d;
	uint32_t file;
	const char *s;
	size_t len, i;
	uint32_t line, col;
	struct token *toks;
	uint32_t n, cap;
};

const char *sg_lex_name(int kind)
{
	static char buf[T__COUNT][16];
	switch (kind) {
	case T_EOF: return "end of file";
	case T_IDENT: return "identifier";
	case T_INT: case T_CHAR: return "integer literal";
	case T_FLOAT: return "number";
	case T_STR: return "string literal";
	}
	const char *t = kind < T_IMPORT + (int)NKW ? kw_text[kind - T_IMPORT]
	                                             : punct_text[kind - T_IMPORT - NKW];
	if (!buf[kind][0])
		snprintf(buf[kind], sizeof buf[kind], "'%s'", t);
	return buf[kind];
}

static struct pos here(const struct lexer *lx)
{
	return (struct pos){lx->file, lx->line, lx->col};
}

static void advance(struct lexer *lx, size_t n)
{
	while (n-- && lx->i < lx->len) {
		if (lx->s[lx->i++] == '\n') {
			lx->line++;
			lx->col = 1;
		} else {
			lx->col++;
		}
	}
}

static int peekc(const struct lexer *lx, size_t k)
{
	return lx->i + k < lx->len ? (unsigned char)lx->s[lx->i + k] : -1;
}

static struct token *push(struct lexer *lx, int kind, struct pos at, size_t start)
{
	if (lx->n == lx->cap) {
		uint32_t cap = lx->cap ? lx->cap * 2 : 256;
		struct token *t = arena_alloc(lx->d->arena, cap * sizeof *t);
		if (lx->n)
			memcpy(t, lx->toks, lx->n * sizeof *t);
		lx->toks = t;
		lx->cap = cap;
	}
	struct token *t = &lx->toks[lx->n++];
	memset(t, 0, sizeof *t);
	t->kind = (uint8_t)kind;
	t->pos = at;
	t->s = lx->s + start;
	t->len = (uint32_t)(lx->i - start);
	return t;
}

/* Skip blanks and comments; false at end of input. */
static int skip_space(struct lexer *lx)
{
	for (;;) {
		int c = peekc(lx, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			advance(lx, 1);
		} else if (c == '/' && peekc(lx, 1) == '/') {
			while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n')
				advance(lx, 1);
		} else if (c == '/' && peekc(lx, 1) == '*') {
			struct pos at = here(lx);
			advance(lx, 2);
			while (peekc(lx, 0) != -1 && !(peekc(lx, 0) == '*' && peekc(lx, 1) == '/'))
				advance(lx, 1);
			if (peekc(lx, 0) == -1) {
				sg_diag_err(lx->d, at, "unterminated comment");
				return 0;
			}
			advance(lx, 2);
		} else {
			return c != -1;
		}
	}
}

static int digit_val(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return 99;
}

static void lex_number(struct lexer *lx)
{
	struct pos at = here(lx);
	size_t start = lx->i;
	unsigned base = 10;
	if (peekc(lx, 0) == '0' && (peekc(lx, 1) == 'x' || peekc(lx, 1) == 'X'))
		base = 16;
	else if (peekc(lx, 0) == '0' && (peekc(lx, 1) == 'b' || peekc(lx, 1) == 'B'))
		base = 2;
	if (base != 10)
		advance(lx, 2);
	uint64_t v = 0;
	int over = 0, ndig = 0;
	while (peekc(lx, 0) != -1 && (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_')) {
		int c = peekc(lx, 0);
		if (c == '_') { advance(lx, 1); continue; }
		unsigned dv = (unsigned)digit_val(c);
		if (dv >= base) {
			if (base == 10 && (c == 'e' || c == 'E'))
				break;
			sg_diag_err(lx->d, here(lx), "invalid digit '%c' in number", c);
			advance(lx, 1);
			continue;
		}
		if (v > (UINT64_MAX - dv) / base)
			over = 1;
		v = v * base + dv;
		ndig++;
		advance(lx, 1);
	}
	int isfloat = base == 10 && peekc(lx, 0) == '.' && isdigit(peekc(lx, 1));
	if (base == 10 && (peekc(lx, 0) == 'e' || peekc(lx, 0) == 'E'))
		isfloat = 1;
	if (isfloat) {
		if (peekc(lx, 0) == '.') {
			advance(lx, 1);
			while (isdigit(peekc(lx, 0)))
				advance(lx, 1);
		}
		if (peekc(lx, 0) == 'e' || peekc(lx, 0) == 'E') {
			advance(lx, 1);
			if (peekc(lx, 0) == '+' || peekc(lx, 0) == '-')
				advance(lx, 1);
			if (!isdigit(peekc(lx, 0)))
				sg_diag_err(lx->d, here(lx), "missing exponent in number");
			while (isdigit(peekc(lx, 0)))
				advance(lx, 1);
		}
		char buf[128];
		size_t n = lx->i - start < sizeof buf - 1 ? lx->i - start : sizeof buf - 1;
		memcpy(buf, lx->s + start, n);
		buf[n] = 0;
		push(lx, T_FLOAT, at, start)->fval = strtod(buf, NULL);
		return;
	}
	if (!ndig)
		sg_diag_err(lx->d, at, "missing digits in number");
	if (over)
		sg_diag_err(lx->d, at, "integer literal out of range");
	push(lx, T_INT, at, start)->ival = over ? 0 : v;
}

/* One escape after the backslash; returns the byte, or -1 if bad. */
static int lex_escape(struct lexer *lx)
{
	int c = peekc(lx, 0);
	static const char from[] = "ntr0\\\"'", to[] = "\n\t\r\0\\\"'";
	const char *p = c > 0 ? strchr(from, c) : NULL;
	if (p && c) {
		advance(lx, 1);
		return (unsigned char)to[p - from];
	}
	if (c == 'x' && digit_val(peekc(lx, 1)) < 16 && digit_val(peekc(lx, 2)) < 16) {
		int v = digit_val(peekc(lx, 1)) * 16 + digit_val(peekc(lx, 2));
		advance(lx, 3);
		return v;
	}
	sg_diag_err(lx->d, here(lx), "invalid escape sequence in literal");
	advance(lx, 1);
	return -1;
}

static void lex_string(struct lexer *lx, int quote)
{
	struct pos at = here(lx);
	size_t start = lx->i;
	struct sbuf b = {0};
	advance(lx, 1);
	for (;;) {
		int c = peekc(lx, 0);
		if (c == -1 || c == '\n') {
			sg_diag_err(lx->d, at, quote == '"' ? "unterminated string literal"
			                                 : "unterminated character literal");
			break;
		}
		advance(lx, 1);
		if (c == quote)
			break;
		if (c == '\\')
			c = lex_escape(lx);
		if (c >= 0)
			sb_byte(&b, (uint8_t)c);
	}
	if (quote == '\'') {
		if (b.len != 1)
			sg_diag_err(lx->d, at, "character literal must hold exactly one byte");
		push(lx, T_CHAR, at, start)->ival = b.len ? b.data[0] : 0;
	} else {
		struct token *t = push(lx, T_STR, at, start);
		t->str = arena_strndup(lx->d->arena, b.len ? (char *)b.data : "", b.len);
		t->slen = (uint32_t)b.len;
	}
	sb_free(&b);
}

static void lex_word(struct lexer *lx)
{
	struct pos at = here(lx);
	size_t start = lx->i;
	while (peekc(lx, 0) != -1 && (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_'))
		advance(lx, 1);
	size_t n = lx->i - start;
	int kind = T_IDENT;
	for (size_t k = 0; k < NKW; k++)
		if (strlen(kw_text[k]) == n && !memcmp(kw_text[k], lx->s + start, n))
			kind = T_IMPORT + (int)k;
	push(lx, kind, at, start);
}

static int lex_punct(struct lexer *lx)
{
	for (size_t k = 0; k < NPUNCT; k++) {
		size_t n = strlen(punct_text[k]);
		if (lx->i + n <= lx->len && !memcmp(punct_text[k], lx->s + lx->i, n)) {
			struct pos at = here(lx);
			size_t start = lx->i;
			advance(lx, n);
			push(lx, T_IMPORT + (int)NKW + (int)k, at, start);
			return 1;
		}
	}
	return 0;
}

struct token *sg_lex_file(struct diag *d, uint32_t file, uint32_t *ntok)
{
	struct lexer lx = {d, file, d->files[file].text, d->files[file].len, 0, 1, 1, NULL, 0, 0};
	const char *nul = memchr(lx.s, 0, lx.len);
	if (nul) {
		/* Report where the junk starts; lexing it byte by byte would only
		 * bury that under a flood of "invalid character" errors. */
		size_t at = (size_t)(nul - lx.s);
		advance(&lx, at);
		sg_diag_err(d, here(&lx), "not a Sing source file: it contains a NUL byte");
		lx.len = 0;
		lx.i = 0;
	}
	while (!sg_diag_full(d) && skip_space(&lx)) {
		int c = peekc(&lx, 0);
		if (isdigit(c))
			lex_number(&lx);
		else if (isalpha(c) || c == '_')
			lex_word(&lx);
		else if (c == '"' || c == '\'')
			lex_string(&lx, c);
		else if (!lex_punct(&lx)) {
			if (c >= 32 && c < 127)
				sg_diag_err(d, here(&lx), "unexpected character '%c'", c);
			else
				sg_diag_err(d, here(&lx), "unexpected byte 0x%02x (not Sing source text)", c);
			advance(&lx, 1);
		}
	}
	push(&lx, T_EOF, here(&lx), lx.i);
	*ntok = lx.n;
	return lx.toks;
}
