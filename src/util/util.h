/*
 * util.h - small helpers every room may use: checked allocation, a growable
 * byte buffer, an arena, and the two error channels.
 *
 * Two error channels (QBE's habit): bad *input* is reported by the module
 * that read it, with a location and a named reason, and the command exits 1.
 * A broken *internal invariant* calls die(), which prints file and line and
 * aborts.  Nothing here may depend on the front end (src/lang).
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#if defined(__GNUC__)
#define NORETURN __attribute__((noreturn))
#define PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define NORETURN
#define PRINTF(a, b)
#endif

/* die: an internal invariant is broken (a bug in Sing, never bad input). */
#define die(...) die_at(__FILE__, __LINE__, __VA_ARGS__)
NORETURN PRINTF(3, 4) void die_at(const char *file, int line, const char *fmt, ...);

/* Allocation that never returns NULL (dies on exhaustion). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* sbuf: a growable byte buffer.  Zero-initialise, append, free. */
struct sbuf {
	uint8_t *data;
	size_t len, cap;
};
void sb_put(struct sbuf *b, const void *p, size_t n);
void sb_byte(struct sbuf *b, uint8_t c);
void sb_str(struct sbuf *b, const char *s);
PRINTF(2, 3) void sb_printf(struct sbuf *b, const char *fmt, ...);
void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap);
void sb_uleb(struct sbuf *b, uint64_t v);
void sb_sleb(struct sbuf *b, int64_t v);
char *sb_cstr(struct sbuf *b);          /* NUL-terminates, returns data */
void sb_free(struct sbuf *b);

/* arena: bump allocation, freed all at once. */
struct arena {
	struct arena_chunk *head;
};
void *arena_alloc(struct arena *a, size_t n);   /* zeroed, 16-byte aligned */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* Whole-file I/O.  read_file returns NULL and sets errno on failure. */
uint8_t *read_file(const char *path, size_t *len);
int write_file(const char *path, const void *data, size_t len);

#endif
