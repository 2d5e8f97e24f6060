/*
 * shape.c - the structural digest of a contract (sing_cinfo.shape).
 *
 * Two packages have separate type and contract tables, so the kernel cannot
 * compare a contract by index when an endpoint crosses from one SIP to
 * another.  The digest is SHA-256 of a canonical text of the contract:
 * its messages (names, directions, argument layouts, contracts carried by
 * endpoint arguments, recursively), its states and transitions and its
 * bounds.  Contract and struct names, field names and state names are left
 * out; contracts and structs met again on the way (recursive protocols)
 * are written as back-references numbered in order of first visit, so the
 * text depends on the structure only.
 */
#include "backend.h"

#include <stdlib.h>
#include <string.h>

struct shp {
	const struct sil_pkg *p;
	struct sbuf b;
	uint32_t *cseen, *tseen;    /* 1-based visit number, 0 = not yet */
	uint32_t ncseen, ntseen;
	int depth;
};

static void ser_contract(struct shp *s, uint32_t c);

static void ser_type(struct shp *s, uint32_t t)
{
	const struct sil_type *ty = sil_type(s->p, t);
	if (!ty || s->depth > 1000) {
		sb_printf(&s->b, "b%u;", t);
		return;
	}
	uint32_t i = t - SIL_T_BUILTIN;
	switch (ty->kind) {
	case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
		sb_printf(&s->b, "k%u(", ty->kind);
		s->depth++;
		ser_type(s, ty->elem);
		s->depth--;
		sb_str(&s->b, ")");
		return;
	case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
		if (s->tseen[i]) {
			sb_printf(&s->b, "t#%u;", s->tseen[i]);
			return;
		}
		s->tseen[i] = ++s->ntseen;
		sb_printf(&s->b, "k%u{%u:", ty->kind, ty->nfields);
		s->depth++;
		for (uint32_t f = 0; f < ty->nfields; f++)
			ser_type(s, ty->fields[f].type);
		s->depth--;
		sb_str(&s->b, "}");
		return;
	case SIL_TK_ENDPOINT:
		sb_printf(&s->b, "e%u.%u(", ty->side, ty->state);
		s->depth++;
		ser_contract(s, ty->contract);
		s->depth--;
		sb_str(&s->b, ")");
		return;
	default:
		sb_printf(&s->b, "k%u;", ty->kind);
	}
}

static void ser_contract(struct shp *s, uint32_t ci)
{
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
		sb_printf(&s->b, "m%zu:%s/%u/%u(", strlen(msg->name), msg->name, msg->dir, msg->nargs);
		for (uint32_t a = 0; a < msg->nargs; a++)
			ser_type(s, msg->args[a]);
		sb_str(&s->b, ")");
	}
	sb_printf(&s->b, "S%u:", c->nstates);
	for (uint32_t st = 0; st < c->nstates; st++) {
		sb_printf(&s->b, "[%u", c->states[st].ntrans);
		for (uint32_t t = 0; t < c->states[st].ntrans; t++)
			sb_printf(&s->b, ",%u>%u", c->states[st].trans[t].msg, c->states[st].trans[t].next);
		sb_str(&s->b, "]");
	}
	sb_str(&s->b, "}");
}

void be_shape(const struct sil_pkg *p, uint32_t contract, uint8_t out[32])
{
	struct shp s = {.p = p};
	s.cseen = xcalloc(p->ncontracts + 1, sizeof *s.cseen);
	s.tseen = xcalloc(p->ntypes + 1, sizeof *s.tseen);
	ser_contract(&s, contract);
	sil_sha256(s.b.data, s.b.len, out);
	sb_free(&s.b);
	free(s.cseen);
	free(s.tseen);
}
