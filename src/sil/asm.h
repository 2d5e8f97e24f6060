/*
 * asm.h - the assembler's lexer and state, shared by asm.c (declarations),
 * asm_parse.c (token helpers) and asm_func.c (function bodies).
 *
 * The text form is line oriented: a newline is a token, and each
 * declaration or instruction is one line.  The lexer never fails: a
 * character it cannot use becomes a TK_BAD token carrying the reason, and
 * it always advances, so no input can make it loop.
 */
#ifndef SIL_ASM_H
#define SIL_ASM_H

#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include "sil.h"

enum asm_tk {
	TK_EOF, TK_NL, TK_IDENT, TK_NUM, TK_STR,
	TK_LABEL,   /* .name */
	TK_PUNCT,   /* { } ( ) , : -> */
	TK_BAD,     /* lexical error: msg says why */
};

struct asm_tok {
	enum asm_tk kind;
	const char *s;           /* text in the source */
	size_t n;
	uint32_t line, col;      /* 1-based; col counts bytes */
	size_t lstart;           /* offset of the line's first byte */
	const char *msg;         /* TK_BAD: why, or NULL for an unexpected character */
};

struct asm_lex {
	const char *src;
	size_t len, pos;
	uint32_t line;
	size_t lstart;
	struct sbuf str;         /* decoded bytes of the last TK_STR */
};

void asm_lex_init(struct asm_lex *lx, const char *src, size_t len);
struct asm_tok asm_lex_next(struct asm_lex *lx);

/* Which block the current line is in. */
enum asm_ctx { ASM_CTX_TOP, ASM_CTX_CONTRACT, ASM_CTX_FUNC, ASM_CTX_MANIFEST };

/* The assembler's state, shared by its files. */
struct asm_state {
	struct asm_lex lx;
	struct asm_tok t;        /* current token */
	struct sil_pkg *p;
	const char *file;
	FILE *errs;
	int nerr;
	jmp_buf line_fail;       /* error in a line: skip to its end */
	jmp_buf give_up;         /* too many errors */
	int ctx;                 /* enum asm_ctx */
	int pending;             /* block the current line would open */
	uint32_t block_line;     /* line that opened the current block */
	struct sil_contract *c;  /* inside a contract block */
	struct sil_func *f;      /* inside a func block */
	uint32_t fparams_done;   /* 1 once the parameter list is closed */
	struct asm_sym *syms;    /* symbolic labels of f */
	uint32_t nsyms;
	struct asm_ref *refs;    /* uses of symbolic labels in f */
	uint32_t nrefs;
	unsigned man_seen;       /* manifest fields given once: bit per field */
	int have_manifest, have_hash;
};

/* Grow arr (n items of size bytes, capacity the next power of two) for one
 * more item; arena memory, so nothing to free on error paths. */
void *asm_grow(struct sil_pkg *p, void *arr, uint32_t n, size_t size);
#define ASM_PUSH(p, arr, n) \
	((arr) = asm_grow((p), (arr), (n), sizeof *(arr)), &(arr)[(n)++])

/* Parsing helpers (asm_parse.c). */
#define MAX_ERRORS 100           /* then the assembler gives up */
NORETURN void asm_fail_expected(struct asm_state *a, const char *what);
NORETURN void asm_bad_token(struct asm_state *a);       /* report a TK_BAD token */
int asm_parse_mag(const char *s, size_t n, uint64_t *v); /* -1 syntax, -2 too big */
const char *asm_str_bytes(const struct asm_state *a);   /* current TK_STR's bytes */
char *asm_string(struct asm_state *a, const char *what); /* a quoted string */
int asm_word(struct asm_state *a, const char *const *tab, size_t n, const char *what);
#define ASM_WORD(a, tab, what) asm_word((a), (tab), sizeof(tab) / sizeof(tab)[0], (what))
NORETURN PRINTF(3, 4) void asm_fail(struct asm_state *a, const struct asm_tok *t,
                                    const char *fmt, ...);
PRINTF(3, 4) void asm_error(struct asm_state *a, const struct asm_tok *t, const char *fmt, ...);
void asm_next(struct asm_state *a);
int asm_is(const struct asm_state *a, const char *punct_or_word);
void asm_expect(struct asm_state *a, const char *punct);
uint32_t asm_index(struct asm_state *a, char prefix, const char *what);
void asm_decl(struct asm_state *a, char prefix, uint64_t want, const char *what);
uint32_t asm_type(struct asm_state *a);
uint32_t asm_u32(struct asm_state *a, const char *what);
uint64_t asm_u64(struct asm_state *a, const char *what);
char *asm_name(struct asm_state *a, const char *what);
int64_t asm_imm(struct asm_state *a);
void asm_end_line(struct asm_state *a);

/* Function bodies (asm_func.c). */
void asm_func_header(struct asm_state *a);
void asm_func_line(struct asm_state *a);
void asm_func_end(struct asm_state *a);

#endif
