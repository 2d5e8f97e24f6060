/* text.c - words and quoting of the SIL text form (see text.h). */
#include "text.h"

#include <string.h>

#include "sil.h"

_Static_assert(SIL_TK__COUNT == 10, "text.h: sil_tkind_names size");
const char *const sil_tkind_names[SIL_TK__COUNT] = {
	[SIL_TK_ARRAY] = "array", [SIL_TK_STRUCT] = "struct", [SIL_TK_XSTRUCT] = "xstruct",
	[SIL_TK_XARRAY] = "xarray", [SIL_TK_ENDPOINT] = "endpoint", [SIL_TK_CELL] = "cell",
	[SIL_TK_IOPORT] = "ioport", [SIL_TK_ESET] = "eset",
	[SIL_TK_ANYEP] = "anyep",
};
const char *const sil_side_names[2] = {[SIL_IMP] = "imp", [SIL_EXP] = "exp"};
const char *const sil_dir_names[2] = {[SIL_IN] = "in", [SIL_OUT] = "out"};
const char *const sil_pkind_names[3] = {
	[SIL_APP] = "app", [SIL_DRIVER] = "driver", [SIL_SERVICE] = "service",
};
const char *const sil_hwkind_names[3] = {
	[SIL_HW_IOPORT] = "ioport", [SIL_HW_IRQ] = "irq", [SIL_HW_MEMORY] = "memory",
};
const char *const sil_shared_names[2] = {"exclusive", "shared"};

int sil_text_find(const char *const *tab, size_t count, const char *s, size_t n)
{
	for (size_t i = 0; i < count; i++)
		if (tab[i] && strlen(tab[i]) == n && !memcmp(tab[i], s, n))
			return (int)i;
	return -1;
}

int sil_text_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
}

int sil_text_ident_char(int c)
{
	return sil_text_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

void sil_text_name(FILE *out, const char *s)
{
	size_t n = strlen(s);
	int ident = n > 0 && sil_text_ident_start((unsigned char)s[0]);
	for (size_t i = 1; ident && i < n; i++)
		ident = sil_text_ident_char((unsigned char)s[i]);
	if (ident)
		fputs(s, out);
	else
		sil_text_string(out, s, n);
}

void sil_text_string(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c == '\\' || c == '"')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}
