/* diag.c - error reports with the source line and a caret (see diag.h). */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

uint32_t sg_diag_add(struct diag *d, const char *name, const char *dir, const char *real,
                  const char *text, size_t len)
{
	if (d->nfiles == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->files = xrealloc(d->files, d->cap * sizeof *d->files);
	}
	struct src *s = &d->files[d->nfiles];
	s->name = arena_strndup(d->arena, name, strlen(name));
	s->dir = arena_strndup(d->arena, dir, strlen(dir));
	s->real = arena_strndup(d->arena, real, strlen(real));
	s->text = arena_strndup(d->arena, text, len);
	s->len = len;
	return d->nfiles++;
}

/* Print line `line` of s, then a caret under byte column col.  Control
 * bytes and non-ASCII are shown as '?' so binary junk cannot garble a
 * terminal; tabs are kept in both lines so the caret lines up. */
static void show_line(FILE *out, const struct src *s, uint32_t line, uint32_t col)
{
	size_t i = 0;
	for (uint32_t l = 1; l < line && i < s->len; i++)
		if (s->text[i] == '\n')
			l++;
	size_t end = i;
	while (end < s->len && s->text[end] != '\n' && end - i < 300)
		end++;
	for (size_t k = i; k < end; k++) {
		unsigned char c = (unsigned char)s->text[k];
		fputc(c == '\t' || (c >= 32 && c < 127) ? c : '?', out);
	}
	fputc('\n', out);
	for (size_t k = i; k < end && k - i + 1 < col; k++)
		fputc(s->text[k] == '\t' ? '\t' : ' ', out);
	fputs("^\n", out);
}

void sg_diag_err(struct diag *d, struct pos at, const char *fmt, ...)
{
	d->nerr++;
	if (!d->out || d->nerr > DIAG_MAXERR)
		return;
	if (at.file >= d->nfiles)
		die("error position names no file");
	const struct src *s = &d->files[at.file];
	va_list ap;
	va_start(ap, fmt);
	fprintf(d->out, "%s:%u:%u: error: ", s->name, at.line, at.col);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
	va_end(ap);
	show_line(d->out, s, at.line, at.col);
	if (d->nerr == DIAG_MAXERR)
		fprintf(d->out, "%s: too many errors, stopping\n", s->name);
}

int sg_diag_full(const struct diag *d)
{
	return d->nerr >= DIAG_MAXERR;
}

void sg_diag_free(struct diag *d)
{
	free(d->files);
	d->files = NULL;
	d->nfiles = d->cap = 0;
}
