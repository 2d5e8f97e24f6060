/* layout.c - the kernel's registry of layouts and contracts (see layout.h). */
#include "layout.h"

#include "../hal/hal.h"
#include "panic.h"

static void *kalloc(size_t n)
{
	void *p = hal_alloc(n);
	if (!p)
		kpanic("no memory for the type registry");
	return p;
}

static void copy_name(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < n; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

void ly_init(struct ly_registry *r)
{
	__builtin_memset(r, 0, sizeof *r);
	r->endpoint.kind = SING_K_ENDPOINT;
	r->eset.kind = SING_K_ESET;
}

void ly_destroy(struct ly_registry *r)
{
	while (r->layouts) {
		struct ly_layout *l = r->layouts;
		r->layouts = l->next;
		hal_free(l);
	}
	while (r->contracts) {
		struct ly_contract *c = r->contracts;
		r->contracts = c->next;
		for (uint32_t m = 0; m < c->nmsgs; m++)
			hal_free(c->msgs[m].args);
		hal_free(c->msgs);
		hal_free(c->states);
		hal_free(c->sends[0]);
		hal_free(c->sends[1]);
		hal_free(c->quick[0]);
		hal_free(c->quick[1]);
		hal_free(c);
	}
}

static const struct ly_layout *intern_layout(struct ly_registry *r, const struct sing_tinfo *ti)
{
	uint32_t n = ti->kind == SING_K_XSTRUCT ? ti->nslots : 0;
	uint16_t es = ti->kind == SING_K_XARRAY ? ti->elem_size : 0;
	for (struct ly_layout *l = r->layouts; l; l = l->next)
		if (l->kind == ti->kind && l->elem_size == es && l->nslots == n &&
		    (!n || __builtin_memcmp(l->slots, ti->slots, n) == 0))
			return l;
	struct ly_layout *l = kalloc(sizeof *l + n);
	l->kind = ti->kind;
	l->elem_size = es;
	l->nslots = n;
	if (n)
		__builtin_memcpy(l->slots, ti->slots, n);
	l->next = r->layouts;
	r->layouts = l;
	return l;
}

static struct ly_contract *find_contract(struct ly_registry *r, const uint8_t shape[32])
{
	for (struct ly_contract *c = r->contracts; c; c = c->next)
		if (__builtin_memcmp(c->shape, shape, 32) == 0)
			return c;
	return NULL;
}

/* Build the messages of a new registry contract from the image's. */
static void fill_contract(struct ly_contract *c, const struct sing_image *img,
                          const struct sing_cinfo *ci, const struct ly_map *m)
{
	c->nmsgs = ci->nmsgs;
	c->bound_in = ci->bound_in;
	c->bound_out = ci->bound_out;
	c->msgs = kalloc((ci->nmsgs + 1) * sizeof *c->msgs);
	uint32_t most = 0;
	for (uint32_t i = 0; i < ci->nmsgs; i++) {
		const struct sing_minfo *mi = &ci->msgs[i];
		struct ly_msg *lm = &c->msgs[i];
		copy_name(lm->name, sizeof lm->name, mi->name);
		lm->dir = mi->dir;
		lm->nargs = mi->nargs;
		lm->args = kalloc((mi->nargs + 1) * sizeof *lm->args);
		most = mi->nargs > most ? mi->nargs : most;
		for (uint32_t a = 0; a < mi->nargs; a++) {
			uint32_t t = mi->args[a];
			const struct sing_tinfo *ti = &img->types[t];
			struct ly_arg *la = &lm->args[a];
			la->builtin = ti->kind == SING_K_SCALAR ? t : LY_NOT_BUILTIN;
			la->linear = ti->kind == SING_K_XSTRUCT || ti->kind == SING_K_XARRAY ||
			             ti->kind == SING_K_ENDPOINT || ti->kind == SING_K_ANYEP;
			lm->nlinear += la->linear;
			la->lay = m->lay[t];
			if (ti->kind == SING_K_ENDPOINT) {
				la->side = (uint8_t)ti->side;
				la->state = ti->state;
				la->con = m->con[ti->contract];
			}
			if (ti->kind == SING_K_ANYEP) {
				la->side = (uint8_t)ti->side;
				la->any = 1;
			}
		}
	}
	c->width = 1 + most;
	c->base = ci->base < img->ncontracts ? m->con[ci->base] : NULL;
	c->nstates = ci->nstates;
	c->states = kalloc(((size_t)ci->nstates + 1) * sizeof *c->states);
	for (uint32_t s = 0; s < ci->nstates; s++)
		copy_name(c->states[s], sizeof c->states[s], ci->states[s]);
	/* The image's table, split by side: each keeps only the messages of its
	 * direction (in: the importer's), so a send is checked by one lookup. */
	uint64_t n = (uint64_t)ci->nstates * ci->nmsgs;
	if (n >= SING_NO_STATE)      /* rows must fit a u32 below SING_NO_STATE */
		kpanic("contract too large for its step tables");
	for (uint32_t side = 0; side < 2; side++) {
		c->sends[side] = kalloc((n + 1) * sizeof *c->sends[side]);
		c->quick[side] = kalloc((n + 1) * sizeof *c->quick[side]);
		for (uint64_t i = 0; i < n; i++) {
			const struct ly_msg *lm = &c->msgs[i % ci->nmsgs];
			uint32_t row = lm->dir == side && ci->next[i] != SING_NO_STATE
			               ? ci->next[i] * ci->nmsgs : SING_NO_STATE;
			c->sends[side][i] = row;
			/* (a row or a count too large for an entry: the long road) */
			c->quick[side][i] = !lm->nlinear && row < LY_QUICK_ROW(SING_NO_STATE) && lm->nargs < 255
			                    ? LY_QUICK(row, lm->nargs) : SING_NO_STATE;
		}
	}
}

void ly_map(struct ly_registry *r, const struct sing_image *img, struct ly_map *m)
{
	m->ntypes = img->ntypes;
	m->ncontracts = img->ncontracts;
	m->lay = kalloc((img->ntypes + 1) * sizeof *m->lay);
	m->con = kalloc((img->ncontracts + 1) * sizeof *m->con);
	uint8_t *fresh = kalloc(img->ncontracts + 1);
	/* Contracts first (shells), so that messages can refer to any of them. */
	for (uint32_t i = 0; i < img->ncontracts; i++) {
		struct ly_contract *c = find_contract(r, img->contracts[i].shape);
		if (!c) {
			c = kalloc(sizeof *c);
			__builtin_memcpy(c->shape, img->contracts[i].shape, 32);
			copy_name(c->name, sizeof c->name, img->contracts[i].name);
			c->next = r->contracts;
			r->contracts = c;
			fresh[i] = 1;
		}
		m->con[i] = c;
	}
	for (uint32_t t = 0; t < img->ntypes; t++) {   /* layouts before messages name them */
		const struct sing_tinfo *ti = &img->types[t];
		if (ti->kind == SING_K_XSTRUCT || ti->kind == SING_K_XARRAY)
			m->lay[t] = intern_layout(r, ti);
		else if (ti->kind == SING_K_ENDPOINT || ti->kind == SING_K_ANYEP)
			m->lay[t] = &r->endpoint;
		else if (ti->kind == SING_K_ESET)
			m->lay[t] = &r->eset;
	}
	for (uint32_t i = 0; i < img->ncontracts; i++)
		if (fresh[i])
			fill_contract((struct ly_contract *)m->con[i], img, &img->contracts[i], m);
	hal_free(fresh);
}

/* ---- extension: may an endpoint of d stand for one of b? ---- */

static int same_arg(const struct ly_arg *x, const struct ly_arg *y)
{
	return x->builtin == y->builtin && x->linear == y->linear && x->side == y->side &&
	       x->any == y->any &&
	       x->state == y->state && x->con == y->con && x->lay == y->lay;
}

static int same_msg(const struct ly_msg *x, const struct ly_msg *y)
{
	if (__builtin_strcmp(x->name, y->name) || x->dir != y->dir || x->nargs != y->nargs)
		return 0;
	for (uint32_t a = 0; a < x->nargs; a++)
		if (!same_arg(&x->args[a], &y->args[a]))
			return 0;
	return 1;
}

/* b's messages and, in b's states, b's transitions on them are d's. */
static int is_prefix(const struct ly_contract *d, const struct ly_contract *b)
{
	if (d->nmsgs < b->nmsgs || d->nstates < b->nstates)
		return 0;
	for (uint32_t m = 0; m < b->nmsgs; m++)
		if (!same_msg(&d->msgs[m], &b->msgs[m]))
			return 0;
	for (uint32_t side = 0; side < 2; side++)
		for (uint32_t s = 0; s < b->nstates; s++)
			for (uint32_t m = 0; m < b->nmsgs; m++) {
				uint32_t x = d->sends[side][s * d->nmsgs + m], y = b->sends[side][s * b->nmsgs + m];
				if ((x == SING_NO_STATE) != (y == SING_NO_STATE) ||
				    (x != SING_NO_STATE && x / d->nmsgs != y / b->nmsgs))
					return 0;
			}
	return 1;
}

/* In state s, can the peer of `side` send a message of d beyond b's? */
static int peer_adds(const struct ly_contract *d, const struct ly_contract *b, uint32_t side,
                     uint32_t s)
{
	for (uint32_t m = b->nmsgs; m < d->nmsgs; m++)
		if (d->sends[1 - side][s * d->nmsgs + m] != SING_NO_STATE)
			return 1;
	return 0;
}

int ly_upcast(const struct ly_contract *d, const struct ly_contract *b, uint32_t side, uint32_t st)
{
	if (d == b)
		return 1;
	const struct ly_contract *c = d->base;
	for (uint32_t depth = 0; c && c != b && depth < 64; depth++)
		c = c->base;
	if (c != b || side > 1 || st >= b->nstates || !is_prefix(d, b))
		return 0;
	/* Walk b's states from st, both sides' transitions (rows of b). */
	uint32_t *todo = kalloc((b->nstates + 1) * sizeof *todo);
	uint8_t *seen = kalloc(b->nstates + 1);
	__builtin_memset(seen, 0, b->nstates + 1);
	uint32_t nt = 0;
	int ok = 1;
	todo[nt++] = st;
	seen[st] = 1;
	while (nt && ok) {
		uint32_t s = todo[--nt];
		ok = !peer_adds(d, b, side, s);
		for (uint32_t sd = 0; sd < 2; sd++)
			for (uint32_t m = 0; m < b->nmsgs; m++) {
				uint32_t row = b->sends[sd][s * b->nmsgs + m];
				uint32_t nx = row == SING_NO_STATE ? 0 : row / b->nmsgs;
				if (row != SING_NO_STATE && nx < b->nstates && !seen[nx]) {
					seen[nx] = 1;
					todo[nt++] = nx;
				}
			}
	}
	hal_free(todo);
	hal_free(seen);
	return ok;
}

int ly_has(const struct ly_contract *c, const char *name, uint32_t dir, uint32_t nargs)
{
	int m = ly_find_msg(c, name, dir);
	return m >= 0 && c->msgs[m].nargs == nargs;
}

const struct ly_layout *ly_bytes(struct ly_registry *r)
{
	struct sing_tinfo ti = {.kind = SING_K_XARRAY, .elem_kind = SING_S_SCALAR, .elem_size = 1};
	return intern_layout(r, &ti);
}

void ly_unmap(struct ly_map *m)
{
	hal_free(m->lay);
	hal_free(m->con);
	m->lay = NULL;
	m->con = NULL;
}

int ly_find_msg(const struct ly_contract *c, const char *name, uint32_t dir)
{
	for (uint32_t i = 0; i < c->nmsgs; i++)
		if (c->msgs[i].dir == dir && __builtin_strcmp(c->msgs[i].name, name) == 0)
			return (int)i;
	return -1;
}
