/* sil.c - package lifetime and type helpers shared by every SIL tool. */
#include "sil.h"

#include <stdlib.h>
#include <string.h>

static const char *const builtin_names[SIL_T_BUILTIN] = {
	"void", "bool", "i8", "i16", "i32", "i64",
	"u8", "u16", "u32", "u64", "f64", "string",
};

struct sil_pkg *sil_new(void)
{
	struct sil_pkg *p = xcalloc(1, sizeof *p);
	p->version = SIL_VERSION;
	return p;
}

void sil_free(struct sil_pkg *p)
{
	if (!p)
		return;
	arena_free(&p->arena);
	free(p);
}

void *sil_alloc(struct sil_pkg *p, size_t n)
{
	return arena_alloc(&p->arena, n);
}

char *sil_strndup(struct sil_pkg *p, const char *s, size_t n)
{
	return arena_strndup(&p->arena, s, n);
}

const char *sil_builtin_name(uint32_t t)
{
	return t < SIL_T_BUILTIN ? builtin_names[t] : NULL;
}

const struct sil_type *sil_type(const struct sil_pkg *p, uint32_t t)
{
	if (t < SIL_T_BUILTIN || t - SIL_T_BUILTIN >= p->ntypes)
		return NULL;
	return &p->types[t - SIL_T_BUILTIN];
}

int sil_is_linear(const struct sil_pkg *p, uint32_t t)
{
	const struct sil_type *ty = sil_type(p, t);
	return ty && (ty->kind == SIL_TK_XSTRUCT || ty->kind == SIL_TK_XARRAY ||
	              ty->kind == SIL_TK_ENDPOINT || ty->kind == SIL_TK_ESET || ty->kind == SIL_TK_ANYEP);
}

/* An element's or a map value's name without recursion (a hostile table
 * may be cyclic): a builtin's or a struct's name, else tN. */
static void elem_name(const struct sil_pkg *p, uint32_t e, char *buf, size_t n)
{
	const char *en = sil_builtin_name(e);
	const struct sil_type *et = sil_type(p, e);
	if (en)
		snprintf(buf, n, "%s", en);
	else if (et && (et->kind == SIL_TK_STRUCT || et->kind == SIL_TK_XSTRUCT))
		snprintf(buf, n, "%.100s", et->name);
	else
		snprintf(buf, n, "t%u", e);
}

const char *sil_type_str(const struct sil_pkg *p, uint32_t t, char *buf, size_t n)
{
	const char *b = sil_builtin_name(t);
	const struct sil_type *ty = sil_type(p, t);
	char elem[128];
	if (b)
		snprintf(buf, n, "%s", b);
	else if (!ty)
		snprintf(buf, n, "t%u(undefined)", t);
	else switch (ty->kind) {
	case SIL_TK_ARRAY:
	case SIL_TK_XARRAY:
	case SIL_TK_CELL:
		elem_name(p, ty->elem, elem, sizeof elem);
		if (ty->kind == SIL_TK_CELL)
			snprintf(buf, n, "cell<%s>", elem);
		else
			snprintf(buf, n, "%s%s[]", ty->kind == SIL_TK_XARRAY ? "exheap " : "", elem);
		break;
	case SIL_TK_STRUCT:
	case SIL_TK_XSTRUCT:
		snprintf(buf, n, "%s%.100s", ty->kind == SIL_TK_XSTRUCT ? "exheap " : "", ty->name);
		break;
	case SIL_TK_ENDPOINT:
	case SIL_TK_ESET: {
		const char *cn = "?", *sn = "?";
		if (ty->contract < p->ncontracts) {
			const struct sil_contract *c = &p->contracts[ty->contract];
			cn = c->name;
			if (ty->state < c->nstates)
				sn = c->states[ty->state].name;
		}
		elem[0] = 0;
		if (ty->kind == SIL_TK_ESET && ty->elem) {   /* a map: its value type after a comma */
			elem[0] = ',';
			elem[1] = ' ';
			elem_name(p, ty->elem, elem + 2, sizeof elem - 2);
		}
		snprintf(buf, n, "%s%.60s.%s:%.40s%s%s", ty->kind != SIL_TK_ESET ? "" : ty->elem ? "emap<" : "eset<",
		         cn, ty->side == SIL_EXP ? "Exp" : "Imp", sn, elem, ty->kind == SIL_TK_ESET ? ">" : "");
		break;
	}
	case SIL_TK_ANYEP:
		snprintf(buf, n, "any.%s", ty->side == SIL_EXP ? "Exp" : "Imp");
		break;
	case SIL_TK_IOPORT:
		snprintf(buf, n, "ioport");
		break;
	default:
		snprintf(buf, n, "t%u(kind %u)", t, ty->kind);
	}
	return buf;
}
