/* shape.c - canonical contract texts, their digest and their difference
 * (see shape.h). */
#include "shape.h"

#include <stdlib.h>
#include <string.h>

#define MAXDEPTH 1000           /* deeper nesting is written as a leaf */

/* The serializer.  The top contract's text is cut into parts so that two
 * texts can be compared message by message: part 0 is the header (bounds
 * and message count), parts 1..nmsgs the messages, the last the states. */
struct shp {
	const struct sil_pkg *p;
	struct sbuf b;
	uint32_t *cseen, *tseen;    /* 1-based visit number, 0 = not yet */
	uint32_t ncseen, ntseen;
	int depth;
	size_t *cuts;               /* part starts in b, for the top contract */
	uint32_t ncuts;
};

static void ser_contract(struct shp *s, uint32_t c);

static void ser_type(struct shp *s, uint32_t t)
{
	const struct sil_type *ty = sil_type(s->p, t);
	if (!ty || s->depth > MAXDEPTH) {
		sb_printf(&s->b, "b%u;", t);
		return;
	}
	uint32_t i = t - SIL_T_BUILTIN;
	s->depth++;
	switch (ty->kind) {
	case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
		sb_printf(&s->b, "k%u(", ty->kind);
		ser_type(s, ty->elem);
		sb_str(&s->b, ")");
		break;
	case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
		if (s->tseen[i]) {
			sb_printf(&s->b, "t#%u;", s->tseen[i]);
			break;
		}
		s->tseen[i] = ++s->ntseen;
		sb_printf(&s->b, "k%u{%u:", ty->kind, ty->nfields);
		for (uint32_t f = 0; f < ty->nfields; f++)
			ser_type(s, ty->fields[f].type);
		sb_str(&s->b, "}");
		break;
	case SIL_TK_ENDPOINT:
		sb_printf(&s->b, "e%u.%u(", ty->side, ty->state);
		ser_contract(s, ty->contract);
		sb_str(&s->b, ")");
		break;
	case SIL_TK_ANYEP:   /* any contract: the side is its whole identity */
		sb_printf(&s->b, "a%u;", ty->side);
		break;
	default:
		sb_printf(&s->b, "k%u;", ty->kind);
	}
	s->depth--;
}

static void cut(struct shp *s, int top)
{
	if (top)
		s->cuts[s->ncuts++] = s->b.len;
}

static void ser_contract(struct shp *s, uint32_t ci)
{
	int top = s->ncseen == 0 && s->cuts != NULL;
	if (ci >= s->p->ncontracts) {
		sb_str(&s->b, "c?;");
		return;
	}
	if (s->cseen[ci]) {
		sb_printf(&s->b, "c#%u;", s->cseen[ci]);
		return;
	}
	s->cseen[ci] = ++s->ncseen;
	const struct sil_contract *c = &s->p->contracts[ci];
	sb_printf(&s->b, "C{%u,%u;%u:", c->bound_in, c->bound_out, c->nmsgs);
	for (uint32_t m = 0; m < c->nmsgs; m++) {
		const struct sil_msg *msg = &c->msgs[m];
		cut(s, top);
		sb_printf(&s->b, "m%zu:%s/%u/%u(", strlen(msg->name), msg->name, msg->dir, msg->nargs);
		for (uint32_t a = 0; a < msg->nargs; a++)
			ser_type(s, msg->args[a]);
		sb_str(&s->b, ")");
	}
	cut(s, top);
	sb_printf(&s->b, "S%u:", c->nstates);
	for (uint32_t st = 0; st < c->nstates; st++) {
		sb_printf(&s->b, "[%u", c->states[st].ntrans);
		for (uint32_t t = 0; t < c->states[st].ntrans; t++)
			sb_printf(&s->b, ",%u>%u", c->states[st].trans[t].msg, c->states[st].trans[t].next);
		sb_str(&s->b, "]");
	}
	if (c->has_base) {          /* only then: older shapes keep their digests */
		sb_str(&s->b, "<");
		ser_contract(s, c->base);
	}
	sb_str(&s->b, "}");
}

/* Serialize contract c of p into s (cuts wanted if with_cuts). */
static void shape_text(struct shp *s, const struct sil_pkg *p, uint32_t c, int with_cuts)
{
	memset(s, 0, sizeof *s);
	s->p = p;
	s->cseen = xcalloc(p->ncontracts + 1, sizeof *s->cseen);
	s->tseen = xcalloc(p->ntypes + 1, sizeof *s->tseen);
	if (with_cuts && c < p->ncontracts) {
		s->cuts = xcalloc(p->contracts[c].nmsgs + 2, sizeof *s->cuts);
		s->cuts[s->ncuts++] = 0;
	}
	ser_contract(s, c);
}

static void shape_free(struct shp *s)
{
	sb_free(&s->b);
	free(s->cseen);
	free(s->tseen);
	free(s->cuts);
}

void sil_shape_digest(const struct sil_pkg *p, uint32_t c, uint8_t out[32])
{
	struct shp s;
	shape_text(&s, p, c, 0);
	sil_sha256(s.b.data, s.b.len, out);
	shape_free(&s);
}

/* Part k of a cut text: [start, end). */
static size_t part_len(const struct shp *s, uint32_t k, size_t *start)
{
	*start = s->cuts[k];
	return (k + 1 < s->ncuts ? s->cuts[k + 1] : s->b.len) - *start;
}

static int parts_differ(const struct shp *x, const struct shp *y, uint32_t k)
{
	size_t xs, ys, xn = part_len(x, k, &xs), yn = part_len(y, k, &ys);
	return xn != yn || memcmp(x->b.data + xs, y->b.data + ys, xn) != 0;
}

int sil_shape_diff(const struct sil_pkg *a, uint32_t ca, const struct sil_pkg *b,
                   uint32_t cb, char *why, size_t n)
{
	if (ca >= a->ncontracts || cb >= b->ncontracts) {
		snprintf(why, n, "contract index out of range");
		return 1;
	}
	const struct sil_contract *x = &a->contracts[ca], *y = &b->contracts[cb];
	struct shp sx, sy;
	shape_text(&sx, a, ca, 1);
	shape_text(&sy, b, cb, 1);
	int differ = 1;
	if (x->nmsgs != y->nmsgs)
		snprintf(why, n, "%u messages, not %u", y->nmsgs, x->nmsgs);
	else if (x->bound_in != y->bound_in || x->bound_out != y->bound_out)
		snprintf(why, n, "queue bounds differ");
	else {
		differ = 0;
		for (uint32_t k = 1; !differ && k < sx.ncuts; k++) {
			if (!parts_differ(&sx, &sy, k))
				continue;
			differ = 1;
			if (k <= x->nmsgs)
				snprintf(why, n, "message %u (%s) differs", k - 1, x->msgs[k - 1].name);
			else
				snprintf(why, n, "transitions differ");
		}
	}
	shape_free(&sx);
	shape_free(&sy);
	return differ;
}
