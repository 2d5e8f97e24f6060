/*
 * asm_parse.c - the assembler's token-level helpers: error reports with a
 * caret, tokens, integers, indices, type operands and names.  Every helper
 * either consumes what it parsed or reports and unwinds (asm_fail).
 */
#include "asm.h"

#include <stdarg.h>
#include <string.h>

#include "text.h"


void *asm_grow(struct sil_pkg *p, void *arr, uint32_t n, size_t size)
{
	if (n & (n - 1))
		return arr; /* n is not a power of two: room is left */
	if (n == UINT32_MAX)
		die("table too large");
	size_t cap = n ? (size_t)n * 2 : 1;
	void *m = sil_alloc(p, cap * size);
	if (n)
		memcpy(m, arr, (size_t)n * size);
	return m;
}

/* ---- errors ---- */

static void report(struct asm_state *a, const struct asm_tok *t, const char *fmt, va_list ap)
{
	fprintf(a->errs, "%s:%u:%u: error: ", a->file, t->line, t->col);
	vfprintf(a->errs, fmt, ap);
	fputc('\n', a->errs);
	const char *ls = a->lx.src + t->lstart, *end = a->lx.src + a->lx.len;
	const char *le = memchr(ls, '\n', (size_t)(end - ls));
	if (!le)
		le = end;
	fwrite(ls, 1, (size_t)(le - ls), a->errs);
	fputc('\n', a->errs);
	for (uint32_t i = 1; i < t->col && ls + i - 1 < le; i++)
		fputc(ls[i - 1] == '\t' ? '\t' : ' ', a->errs);
	fputs("^\n", a->errs);
	if (++a->nerr >= MAX_ERRORS) {
		fprintf(a->errs, "%s: error: too many errors, giving up\n", a->file);
		longjmp(a->give_up, 1);
	}
}

void asm_error(struct asm_state *a, const struct asm_tok *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(a, t, fmt, ap);
	va_end(ap);
}

void asm_fail(struct asm_state *a, const struct asm_tok *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(a, t, fmt, ap);
	va_end(ap);
	longjmp(a->line_fail, 1);
}

/* A short description of a token for "expected X, found Y". */
static const char *found(const struct asm_tok *t, char *buf, size_t n)
{
	if (t->kind == TK_EOF)
		return "end of file";
	if (t->kind == TK_NL)
		return "end of line";
	snprintf(buf, n, "'%.*s'", t->n > 40 ? 40 : (int)t->n, t->s);
	return buf;
}

void asm_fail_expected(struct asm_state *a, const char *what)
{
	char fb[64];
	asm_fail(a, &a->t, "expected %s, found %s", what, found(&a->t, fb, sizeof fb));
}

/* ---- tokens ---- */

void asm_bad_token(struct asm_state *a)
{
	unsigned char c = (unsigned char)a->t.s[0];
	if (a->t.msg)
		asm_fail(a, &a->t, "%s", a->t.msg);
	if (c > 0x20 && c < 0x7f)
		asm_fail(a, &a->t, "unexpected character '%c'", c);
	asm_fail(a, &a->t, "unexpected character \\x%02x", c);
}

void asm_next(struct asm_state *a)
{
	a->t = asm_lex_next(&a->lx);
	if (a->t.kind == TK_BAD)
		asm_bad_token(a);
}

int asm_is(const struct asm_state *a, const char *s)
{
	return (a->t.kind == TK_PUNCT || a->t.kind == TK_IDENT || a->t.kind == TK_LABEL) &&
	       strlen(s) == a->t.n && !memcmp(a->t.s, s, a->t.n);
}

void asm_expect(struct asm_state *a, const char *punct)
{
	if (!asm_is(a, punct)) {
		char what[16];
		snprintf(what, sizeof what, "'%s'", punct);
		asm_fail_expected(a, what);
	}
	asm_next(a);
}

void asm_end_line(struct asm_state *a)
{
	if (a->t.kind == TK_EOF)
		return;
	if (a->t.kind != TK_NL)
		asm_fail_expected(a, "end of line");
	a->pending = ASM_CTX_TOP;
	asm_next(a);
}

/* Digits of s[0..n) in base 10 or (0x) 16 into *v; -1 bad syntax, -2 too big. */
int asm_parse_mag(const char *s, size_t n, uint64_t *v)
{
	unsigned base = 10;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return -1;
	*v = 0;
	int big = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (*v > (UINT64_MAX - (uint64_t)d) / base)
			big = 1;
		*v = *v * base + (uint64_t)d;
	}
	return big ? -2 : 0;
}

/* An integer token: magnitude and sign; fails with a located reason. */
static uint64_t integer(struct asm_state *a, int *neg, const char *what)
{
	if (a->t.kind != TK_NUM)
		asm_fail_expected(a, what);
	*neg = a->t.s[0] == '-';
	uint64_t v = 0;
	int r = asm_parse_mag(a->t.s + *neg, a->t.n - (size_t)*neg, &v);
	if (r == -1)
		asm_fail(a, &a->t, "malformed integer '%.*s'", (int)(a->t.n > 40 ? 40 : a->t.n), a->t.s);
	if (r == -2)
		asm_fail(a, &a->t, "integer out of range");
	return v;
}

uint64_t asm_u64(struct asm_state *a, const char *what)
{
	int neg;
	uint64_t v = integer(a, &neg, what);
	if (neg && v)
		asm_fail(a, &a->t, "%s must not be negative", what);
	asm_next(a);
	return v;
}

uint32_t asm_u32(struct asm_state *a, const char *what)
{
	struct asm_tok t = a->t;
	uint64_t v = asm_u64(a, what);
	if (v > UINT32_MAX)
		asm_fail(a, &t, "integer out of range (%s must fit 32 bits)", what);
	return (uint32_t)v;
}

/* An immediate: an integer in [-2^63, 2^64) (values >= 2^63 wrap), true, false. */
int64_t asm_imm(struct asm_state *a)
{
	if (asm_is(a, "true") || asm_is(a, "false")) {
		int64_t v = asm_is(a, "true");
		asm_next(a);
		return v;
	}
	int neg;
	uint64_t v = integer(a, &neg, "integer, true or false");
	if (neg && v > (uint64_t)1 << 63)
		asm_fail(a, &a->t, "integer out of range");
	asm_next(a);
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

/* An index written as a prefix letter and digits: r12, k0, t15 ... */
uint32_t asm_index(struct asm_state *a, char prefix, const char *what)
{
	char w[64];
	snprintf(w, sizeof w, "%s (%cN)", what, prefix);
	if (a->t.kind != TK_IDENT || a->t.n < 2 || a->t.s[0] != prefix)
		asm_fail_expected(a, w);
	uint64_t v;
	for (size_t i = 1; i < a->t.n; i++)
		if (a->t.s[i] < '0' || a->t.s[i] > '9')
			asm_fail_expected(a, w);
	if (asm_parse_mag(a->t.s + 1, a->t.n - 1, &v) != 0 || v > UINT32_MAX)
		asm_fail(a, &a->t, "%s index out of range", what);
	asm_next(a);
	return (uint32_t)v;
}

/* A declaration's label, which must equal its position. */
void asm_decl(struct asm_state *a, char prefix, uint64_t want, const char *what)
{
	struct asm_tok t = a->t;
	uint32_t got = asm_index(a, prefix, what);
	if (got != want)
		asm_error(a, &t, "%s label %c%u out of order: this is %c%llu", what, prefix, got,
		          prefix, (unsigned long long)want);
}

uint32_t asm_type(struct asm_state *a)
{
	if (a->t.kind == TK_IDENT) {
		for (uint32_t i = 0; i < SIL_T_BUILTIN; i++)
			if (asm_is(a, sil_builtin_name(i))) {
				asm_next(a);
				return i;
			}
	}
	return asm_index(a, 't', "type");
}

/* The decoded bytes of the current string token (never NULL). */
const char *asm_str_bytes(const struct asm_state *a)
{
	return a->lx.str.len ? (const char *)a->lx.str.data : "";
}

/* A name: an identifier or a quoted string (for names that are not identifiers). */
char *asm_name(struct asm_state *a, const char *what)
{
	char *s;
	if (a->t.kind == TK_IDENT) {
		s = sil_strndup(a->p, a->t.s, a->t.n);
	} else if (a->t.kind == TK_STR) {
		if (memchr(asm_str_bytes(a), 0, a->lx.str.len))
			asm_fail(a, &a->t, "a name cannot contain a NUL byte");
		s = sil_strndup(a->p, asm_str_bytes(a), a->lx.str.len);
	} else {
		asm_fail_expected(a, what);
	}
	asm_next(a);
	return s;
}

char *asm_string(struct asm_state *a, const char *what)
{
	if (a->t.kind != TK_STR)
		asm_fail_expected(a, what);
	return asm_name(a, what);
}

int asm_word(struct asm_state *a, const char *const *tab, size_t n, const char *what)
{
	int i = a->t.kind == TK_IDENT ? sil_text_find(tab, n, a->t.s, a->t.n) : -1;
	if (i < 0)
		asm_fail_expected(a, what);
	asm_next(a);
	return i;
}
