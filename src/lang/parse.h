/*
 * parse.h - the parser's shared state and helpers (internal to parse*.c).
 *
 * Recovery: a syntax error reports once and longjmps to the innermost
 * recovery point (a statement, or a top-level declaration), which skips to
 * a likely restart token.  "nesting too deep" jumps straight to the file's
 * recovery point and ends the parse: nothing deeper is ever built.
 * Errors inside a function's body mark that function broken; any other
 * mark the file fatal (see ast.h): the checker then skips broken bodies,
 * or does not run at all.
 */
#ifndef LANG_PARSE_H
#define LANG_PARSE_H

#include <setjmp.h>

#include "ast.h"

struct parser {
	struct diag *d;
	struct arena *ar;
	struct token *t;
	uint32_t n, i;
	int depth;
	int dead;            /* nesting too deep: abandon the file */
	jmp_buf *recover;    /* innermost recovery point */
	jmp_buf *top;        /* the file's */
	struct ast_func *body_fn;   /* the function whose body is being parsed */
};

struct token *sg_p_tok(struct parser *p);
struct token *sg_p_peek(struct parser *p, uint32_t k);
int sg_p_is(struct parser *p, int kind);
int sg_p_accept(struct parser *p, int kind);
struct token *sg_p_expect(struct parser *p, int kind, const char *what);
/* An identifier whose text is word (contextual keywords such as `state`). */
int sg_p_is_word(struct parser *p, const char *word);
void sg_p_expect_word(struct parser *p, const char *word);
char *sg_p_ident(struct parser *p, struct pos *at);
char *sg_p_str(struct parser *p, const struct token *t, uint32_t n);
NORETURN PRINTF(3, 4) void sg_p_fail(struct parser *p, struct pos at, const char *fmt, ...);
void sg_p_enter(struct parser *p);
void sg_p_leave(struct parser *p);

struct ast_type *sg_parse_type(struct parser *p);
/* A builtin type keyword's SIL index, or -1. */
int sg_parse_builtin(int kind);
/* If a type followed by an identifier starts at the current token. */
int sg_parse_at_decl(struct parser *p);

struct ast_expr *sg_parse_expr(struct parser *p);
struct ast_stmt *sg_parse_stmt(struct parser *p);
struct ast_stmt *sg_parse_block(struct parser *p);
void sg_parse_contract(struct parser *p, struct ast_contract *c);
void sg_parse_manifest(struct parser *p, struct ast_manifest *m);

#endif
