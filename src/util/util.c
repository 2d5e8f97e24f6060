/* util.c - allocation, buffers, arenas and file I/O (see util.h). */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void die_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "sing: internal error at %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory (%zu bytes)", n);
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static void sb_grow(struct sbuf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + n)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void sb_put(struct sbuf *b, const void *p, size_t n)
{
	if (!n)
		return;
	sb_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void sb_byte(struct sbuf *b, uint8_t c)
{
	sb_grow(b, 1);
	b->data[b->len++] = c;
}

void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void sb_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list aq;
	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		die("bad format '%s'", fmt);
	sb_grow(b, (size_t)n + 1);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

void sb_uleb(struct sbuf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		sb_byte(b, c | (v ? 0x80 : 0));
	} while (v);
}

void sb_sleb(struct sbuf *b, int64_t v)
{
	for (;;) {
		uint8_t c = (uint8_t)((uint64_t)v & 0x7f);
		v = (int64_t)((uint64_t)v >> 7) | (v < 0 ? (int64_t)(~(UINT64_MAX >> 7)) : 0);
		int done = (v == 0 && !(c & 0x40)) || (v == -1 && (c & 0x40));
		sb_byte(b, c | (done ? 0 : 0x80));
		if (done)
			return;
	}
}

char *sb_cstr(struct sbuf *b)
{
	sb_grow(b, 1);
	b->data[b->len] = 0;
	return (char *)b->data;
}

void sb_free(struct sbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char mem[];
};

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct arena_chunk *c = a->head;
	if (!c || c->used + n > c->cap) {
		size_t cap = n > 65536 ? n : 65536;
		c = xmalloc(sizeof *c + cap);
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
	}
	void *p = c->mem + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	return d;
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}

uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f)
		return NULL;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {   /* else EIO at the first read */
		fclose(f);
		errno = EISDIR;
		return NULL;
	}
	struct sbuf b = {0};
	uint8_t tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		sb_put(&b, tmp, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		sb_free(&b);
		errno = EIO;
		return NULL;
	}
	*len = b.len;
	sb_cstr(&b); /* NUL after the data, handy for text inputs */
	return b.data;
}

int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	size_t n = fwrite(data, 1, len, f);
	int bad = n != len;
	if (fclose(f) != 0)
		bad = 1;
	return bad ? -1 : 0;
}
