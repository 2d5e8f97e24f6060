/*
 * lex.h - the Sing lexer: turns one source file into an array of tokens.
 *
 * Invariant: the array always ends with a T_EOF token, whatever the input
 * (binary junk, unterminated strings and comments are reported and
 * skipped), so the parser never reads past it.  Keywords are reserved;
 * words that only mean something in contracts and manifests (in, out,
 * state, name, ...) stay identifiers and are matched by their text.
 * Exported names carry the prefix sg_ like all of src/lang.
 */
#ifndef LANG_LEX_H
#define LANG_LEX_H

#include "diag.h"

#define LEX_KEYWORDS(X) \
	X(IMPORT, "import") X(STRUCT, "struct") X(EXHEAP, "exheap") \
	X(CONTRACT, "contract") X(MANIFEST, "manifest") X(TRUE, "true") \
	X(FALSE, "false") X(NULL, "null") X(NEW, "new") X(DELETE, "delete") \
	X(TAKE, "take") X(VAR, "var") X(IF, "if") X(ELSE, "else") \
	X(WHILE, "while") X(FOR, "for") X(BREAK, "break") \
	X(CONTINUE, "continue") X(RETURN, "return") X(SWITCH, "switch") \
	X(RECEIVE, "receive") X(CASE, "case") X(SPAWN, "spawn") \
	X(BORROW, "borrow") X(AS, "as") X(CELL, "cell") X(ESET, "eset") X(EMAP, "emap") \
	X(IOPORT, "ioport") \
	X(VOID, "void") X(BOOL, "bool") X(I8, "i8") X(I16, "i16") \
	X(I32, "i32") X(I64, "i64") X(U8, "u8") X(U16, "u16") X(U32, "u32") \
	X(U64, "u64") X(F64, "f64") X(STRING, "string")

/* Longest spellings first: the lexer takes the first that matches. */
#define LEX_PUNCTS(X) \
	X(SHLEQ, "<<=") X(SHREQ, ">>=") \
	X(ARROW, "->") X(DOTDOT, "..") X(SHL, "<<") X(SHR, ">>") \
	X(ANDAND, "&&") X(OROR, "||") X(EQEQ, "==") X(NE, "!=") \
	X(LE, "<=") X(GE, ">=") X(PLUSEQ, "+=") X(MINUSEQ, "-=") \
	X(STAREQ, "*=") X(SLASHEQ, "/=") X(PERCENTEQ, "%=") X(ANDEQ, "&=") \
	X(OREQ, "|=") X(XOREQ, "^=") X(INC, "++") X(DEC, "--") \
	X(LPAREN, "(") X(RPAREN, ")") X(LBRACE, "{") X(RBRACE, "}") \
	X(LBRACK, "[") X(RBRACK, "]") X(SEMI, ";") X(COMMA, ",") \
	X(DOT, ".") X(COLON, ":") X(QUEST, "?") X(BANG, "!") X(TILDE, "~") \
	X(PLUS, "+") X(MINUS, "-") X(STAR, "*") X(SLASH, "/") \
	X(PERCENT, "%") X(AMP, "&") X(PIPE, "|") X(CARET, "^") \
	X(LT, "<") X(GT, ">") X(ASSIGN, "=")

enum tok {
	T_EOF, T_IDENT, T_INT, T_CHAR, T_FLOAT, T_STR,
#define X(e, s) T_##e,
	LEX_KEYWORDS(X)
	LEX_PUNCTS(X)
#undef X
	T__COUNT
};

struct token {
	uint8_t kind;        /* enum tok */
	struct pos pos;
	const char *s;       /* the spelling in the source */
	uint32_t len;
	uint64_t ival;       /* T_INT, T_CHAR */
	double fval;         /* T_FLOAT */
	char *str;           /* T_STR: decoded bytes (NUL-terminated) */
	uint32_t slen;
};

/* Tokenize file `file` of d; the array lives in d's arena. */
struct token *sg_lex_file(struct diag *d, uint32_t file, uint32_t *ntok);
/* Printable name of a token kind, e.g. "';'" or "identifier". */
const char *sg_lex_name(int kind);

#endif
