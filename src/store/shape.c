/* shape.c - structural comparison of contracts across two packages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shape.h"

#define MAXDEPTH 200            /* deeper nesting counts as a difference */

struct pairset {                /* open addressing over (index a, index b) */
	uint64_t *keys;
	uint8_t *used;
	size_t cap, n;
};

struct cmp {
	const struct sil_pkg *a, *b;
	struct pairset types, contracts;
	int depth;
};

static size_t slot(uint64_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
}

static void grow(struct pairset *s);

/* 1 if (x, y) is already in s; else adds it and returns 0. */
static int seen(struct pairset *s, uint32_t x, uint32_t y)
{
	uint64_t key = (uint64_t)x << 32 | y;
	if (2 * (s->n + 1) > s->cap)
		grow(s);
	size_t i = slot(key, s->cap);
	for (; s->used[i]; i = (i + 1) & (s->cap - 1))
		if (s->keys[i] == key)
			return 1;
	s->used[i] = 1;
	s->keys[i] = key;
	s->n++;
	return 0;
}

static void grow(struct pairset *s)
{
	struct pairset old = *s;
	s->cap = old.cap ? 2 * old.cap : 64;
	s->keys = xcalloc(s->cap, sizeof *s->keys);
	s->used = xcalloc(s->cap, 1);
	s->n = 0;
	for (size_t i = 0; i < old.cap; i++)
		if (old.used[i])
			seen(s, (uint32_t)(old.keys[i] >> 32), (uint32_t)old.keys[i]);
	free(old.keys);
	free(old.used);
}

static int streq(const char *x, const char *y)
{
	return x && y && !strcmp(x, y);
}

static int contract_eq(struct cmp *c, uint32_t ca, uint32_t cb, char *why, size_t n);

static int type_eq(struct cmp *c, uint32_t ta, uint32_t tb)
{
	if (ta < SIL_T_BUILTIN || tb < SIL_T_BUILTIN)
		return ta == tb;
	const struct sil_type *x = sil_type(c->a, ta), *y = sil_type(c->b, tb);
	if (!x || !y || x->kind != y->kind)
		return 0;
	if (seen(&c->types, ta, tb))
		return 1;
	if (c->depth >= MAXDEPTH)
		return 0;
	c->depth++;
	int eq = 1;
	switch (x->kind) {
	case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
		eq = type_eq(c, x->elem, y->elem);
		break;
	case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
		eq = streq(x->name, y->name) && x->nfields == y->nfields;
		for (uint32_t i = 0; eq && i < x->nfields; i++)
			eq = streq(x->fields[i].name, y->fields[i].name) &&
			     type_eq(c, x->fields[i].type, y->fields[i].type);
		break;
	case SIL_TK_ENDPOINT:
		eq = x->side == y->side && x->state == y->state &&
		     contract_eq(c, x->contract, y->contract, NULL, 0);
		break;
	case SIL_TK_IOPORT:
		break;
	default:
		eq = 0;
	}
	c->depth--;
	return eq;
}

PRINTF(3, 4) static int differ(char *why, size_t n, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, n, fmt, ap);
		va_end(ap);
	}
	return 0;
}

static int msg_eq(struct cmp *c, const struct sil_msg *x, const struct sil_msg *y)
{
	if (!streq(x->name, y->name) || x->dir != y->dir || x->nargs != y->nargs)
		return 0;
	for (uint32_t i = 0; i < x->nargs; i++)
		if (!type_eq(c, x->args[i], y->args[i]))
			return 0;
	return 1;
}

static int state_eq(const struct sil_state *x, const struct sil_state *y)
{
	if (x->ntrans != y->ntrans)
		return 0;
	for (uint32_t i = 0; i < x->ntrans; i++)
		if (x->trans[i].msg != y->trans[i].msg || x->trans[i].next != y->trans[i].next)
			return 0;
	return 1;
}

static int contract_body_eq(struct cmp *c, const struct sil_contract *x,
                            const struct sil_contract *y, char *why, size_t n)
{
	if (!streq(x->name, y->name))
		return differ(why, n, "named %s, not %s", y->name, x->name);
	if (x->nmsgs != y->nmsgs)
		return differ(why, n, "%u messages, not %u", y->nmsgs, x->nmsgs);
	for (uint32_t i = 0; i < x->nmsgs; i++)
		if (!msg_eq(c, &x->msgs[i], &y->msgs[i]))
			return differ(why, n, "message %u (%s) differs", i, x->msgs[i].name);
	if (x->nstates != y->nstates)
		return differ(why, n, "%u states, not %u", y->nstates, x->nstates);
	for (uint32_t i = 0; i < x->nstates; i++)
		if (!state_eq(&x->states[i], &y->states[i]))
			return differ(why, n, "state %u (%s) differs", i, x->states[i].name);
	if (x->bound_in != y->bound_in || x->bound_out != y->bound_out)
		return differ(why, n, "queue bounds differ");
	return 1;
}

static int contract_eq(struct cmp *c, uint32_t ca, uint32_t cb, char *why, size_t n)
{
	if (ca >= c->a->ncontracts || cb >= c->b->ncontracts)
		return differ(why, n, "contract index out of range");
	if (seen(&c->contracts, ca, cb))
		return 1;
	if (c->depth >= MAXDEPTH)
		return differ(why, n, "types nested too deeply");
	c->depth++;
	int eq = contract_body_eq(c, &c->a->contracts[ca], &c->b->contracts[cb], why, n);
	c->depth--;
	return eq;
}

int st_shape_same(const struct sil_pkg *a, uint32_t ca, const struct sil_pkg *b,
                  uint32_t cb, char *why, size_t n)
{
	struct cmp c = {.a = a, .b = b};
	int eq = contract_eq(&c, ca, cb, why, n);
	free(c.types.keys);
	free(c.types.used);
	free(c.contracts.keys);
	free(c.contracts.used);
	return !eq;
}
