/*
 * verify_types.c - the type table, the constant pool and the function
 * table: everything a function body's rules lean on.
 *
 * Each type gets a class (what the rules care about) and a canonical
 * index: two types are the same when their canonical indices are equal.
 * Structs are nominal (each table entry is its own type); arrays, xarrays
 * and cells are structural over their element; all ioports are one type.
 * An endpoint *local* is the same type as another when contract and side
 * are (its state is tracked by the walk, not typed), but wherever an
 * endpoint is stored (a cell, so an array or struct field of cells) its
 * state is part of the type: a cell is keyed on its element's *exact*
 * index, which for an endpoint includes the state.  Dropping the state
 * there would let a Busy endpoint be released into one cell and acquired
 * as Ready from another.  A set's type is keyed on contract, side and
 * state, and a map's also on its value type (a struct or string, whose
 * canonical index is its own).  Canonicalising once keeps every later
 * comparison O(1).
 */
#include "verify_impl.h"

#include <stdlib.h>
#include <string.h>

#include "../sil/extend.h"

static const uint8_t builtin_cls[SIL_T_BUILTIN] = {
	TC_VOID, TC_BOOL, TC_INT, TC_INT, TC_INT, TC_INT,
	TC_INT, TC_INT, TC_INT, TC_INT, TC_F64, TC_STRING,
};

static const uint8_t kind_cls[SIL_TK__COUNT] = {
	[SIL_TK_ARRAY] = TC_ARRAY, [SIL_TK_STRUCT] = TC_STRUCT,
	[SIL_TK_XSTRUCT] = TC_XSTRUCT, [SIL_TK_XARRAY] = TC_XARRAY,
	[SIL_TK_ENDPOINT] = TC_ENDPOINT, [SIL_TK_CELL] = TC_CELL,
	[SIL_TK_IOPORT] = TC_IOPORT, [SIL_TK_ESET] = TC_ESET, [SIL_TK_ANYEP] = TC_ANYEP,
};

const struct sil_type *vt_def(const struct vctx *v, uint32_t t)
{
	return sil_type(v->p, t);
}

static uint8_t cls(const struct vctx *v, uint32_t t)
{
	return t < v->nty ? v->ty[t].cls : TC_BAD;
}

int vt_int(const struct vctx *v, uint32_t t) { return cls(v, t) == TC_INT; }
int vt_numeric(const struct vctx *v, uint32_t t) { return vt_int(v, t) || cls(v, t) == TC_F64; }
int vt_scalar(const struct vctx *v, uint32_t t) { return vt_numeric(v, t) || cls(v, t) == TC_BOOL; }

int vt_gcref(const struct vctx *v, uint32_t t)
{
	uint8_t c = cls(v, t);
	return c == TC_STRING || c == TC_ARRAY || c == TC_STRUCT || c == TC_CELL;
}

int vt_same(const struct vctx *v, uint32_t a, uint32_t b)
{
	return a < v->nty && b < v->nty && v->ty[a].canon == v->ty[b].canon;
}

/* An owned endpoint goes up to a base contract's, or to an opaque one of
 * its side (which forgets its contract and state: the holder may only
 * move it). */
int vt_upcast(const struct vctx *v, uint32_t from, uint32_t to)
{
	const struct sil_type *f = vt_def(v, from), *t = vt_def(v, to);
	if (f && t && cls(v, from) == TC_ENDPOINT && cls(v, to) == TC_ANYEP)
		return f->side == t->side;
	return f && t && cls(v, from) == TC_ENDPOINT && cls(v, to) == TC_ENDPOINT &&
	       f->side == t->side && f->contract != t->contract &&
	       sil_ext_upcast(v->p, f->contract, t->contract, t->side, t->state);
}

int vt_fits(const struct vctx *v, uint32_t from, uint32_t to)
{
	return vt_same(v, from, to) || vt_upcast(v, from, to);
}

const char *vtname(struct vctx *v, uint32_t t, char *buf)
{
	return sil_type_str(v->p, t, buf, 128);
}

/* ---- canonical indices: a small open-addressed map key -> type ---- */

struct cmap {
	uint32_t *slot;  /* type index + 1, 0 = free */
	uint32_t mask;
};

/* The key of type t: class, then what makes two of that class equal.
 * exact (endpoints only) adds the contract state, under a class of its
 * own so exact and state-free keys never meet in the map. */
#define EXACT_EP 0x100u
struct ckey { uint32_t c, a, b, d, e; };

static struct ckey key_of(const struct vctx *v, uint32_t t, int exact)
{
	const struct sil_type *d = vt_def(v, t);
	uint32_t c = v->ty[t].cls;
	if (c == TC_ENDPOINT)
		return (struct ckey){ exact ? EXACT_EP : c, d->contract, d->side, exact ? d->state : 0, 0 };
	if (c == TC_IOPORT)
		return (struct ckey){ c, 0, 0, 0, 0 };
	if (c == TC_ANYEP)
		return (struct ckey){ c, d->side, 0, 0, 0 };
	if (c == TC_ESET)   /* a set's state is part of its type, and a map's value type
	                     * (a struct or string: its own canonical index, check_type) */
		return (struct ckey){ c, d->contract, d->side, d->state, d->elem };
	if (c == TC_CELL)
		return (struct ckey){ c, v->ty[d->elem].exact, 0, 0, 0 };
	return (struct ckey){ c, v->ty[d->elem].canon, 0, 0, 0 };
}

static int key_eq(struct ckey x, struct ckey y)
{
	return x.c == y.c && x.a == y.a && x.b == y.b && x.d == y.d && x.e == y.e;
}

static uint32_t canon_of(struct vctx *v, struct cmap *m, uint32_t t, int exact)
{
	struct ckey k = key_of(v, t, exact);
	uint32_t h = (k.a * 0x9e3779b1u) ^ (k.b * 0x85ebca6bu) ^ (k.c * 0xc2b2ae35u) ^
	             (k.d * 0x27d4eb2fu) ^ (k.e * 0x165667b1u);
	for (uint32_t i = h & m->mask;; i = (i + 1) & m->mask) {
		uint32_t u = m->slot[i];
		if (!u) {
			m->slot[i] = t + 1;
			return t;
		}
		u--;
		if (key_eq(key_of(v, u, k.c == EXACT_EP), k))
			return u;
	}
}

/* canon and exact of a type whose key's parts are already canonical:
 * only endpoints differ in the two. */
static void canon_set(struct vctx *v, struct cmap *m, uint32_t t)
{
	v->ty[t].canon = canon_of(v, m, t, 0);
	v->ty[t].exact = v->ty[t].cls == TC_ENDPOINT ? canon_of(v, m, t, 1) : v->ty[t].canon;
}

/* Arrays of arrays form chains; walk each chain iteratively (a hostile
 * table may be deep or cyclic), canonicalising from the innermost. */
static void canon_arrays(struct vctx *v, struct cmap *m, uint8_t *mark, uint32_t *stack)
{
	for (uint32_t t = SIL_T_BUILTIN; t < v->nty; t++) {
		uint32_t n = 0, u = t;
		while (v->ty[u].cls == TC_ARRAY && !mark[u]) {
			mark[u] = 1;
			stack[n++] = u;
			u = vt_def(v, u)->elem;
			if (u >= v->nty)
				break;
		}
		if (u < v->nty && v->ty[u].cls == TC_ARRAY && mark[u] == 1) {
			v->types_ok = 0;
			verr(v, "bad-type-table", "t%u: array type contains itself", u);
		}
		while (n--) {
			u = stack[n];
			mark[u] = 2;
			if (v->types_ok)
				canon_set(v, m, u);
		}
	}
}

static void canonicalise(struct vctx *v)
{
	uint32_t n = v->nty - SIL_T_BUILTIN, cap = 16;
	while (cap < 4 * n)   /* endpoints take two entries */
		cap <<= 1;
	struct cmap m = { xcalloc(cap, sizeof *m.slot), cap - 1 };
	uint8_t *mark = xcalloc(v->nty, 1);
	uint32_t *stack = xcalloc(v->nty, sizeof *stack);
	/* Leaves first (their keys use builtins or contracts), then cells
	 * (elements are linear leaves or xstructs), then array chains. */
	for (uint32_t t = SIL_T_BUILTIN; t < v->nty; t++)
		if (v->ty[t].cls == TC_XARRAY || v->ty[t].cls == TC_ENDPOINT || v->ty[t].cls == TC_IOPORT ||
		    v->ty[t].cls == TC_ESET || v->ty[t].cls == TC_ANYEP)
			canon_set(v, &m, t);
	for (uint32_t t = SIL_T_BUILTIN; t < v->nty; t++)
		if (v->ty[t].cls == TC_CELL)
			canon_set(v, &m, t);
	canon_arrays(v, &m, mark, stack);
	free(m.slot);
	free(mark);
	free(stack);
}

/* ---- per-kind rules of the type table ---- */

static int type_err(struct vctx *v, uint32_t t, const char *what, uint32_t ref)
{
	char b[128];
	v->types_ok = 0;
	return verr(v, "bad-type-table", "t%u: %s (t%u%s%s)", t, what, ref,
	            ref < v->nty ? " is " : "", ref < v->nty ? vtname(v, ref, b) : " out of range");
}

static int field_ok(struct vctx *v, uint8_t k, uint32_t ft)
{
	uint8_t c = cls(v, ft);
	if (c == TC_BAD || c == TC_VOID || c == TC_IOPORT || c == TC_ESET)
		return 0;   /* a set stays where its SIP put it: a local, a parameter, a cell */
	return k == TC_STRUCT ? !v->ty[ft].linear : (vt_scalar(v, ft) || v->ty[ft].linear);
}

static void check_struct(struct vctx *v, uint32_t t, const struct sil_type *d)
{
	uint8_t k = v->ty[t].cls;
	if (!d->name || !d->name[0]) {
		v->types_ok = 0;
		verr(v, "bad-name", "t%u: struct has no name", t);
	}
	for (uint32_t i = 0; i < d->nfields; i++) {
		if (!field_ok(v, k, d->fields[i].type)) {
			type_err(v, t, k == TC_STRUCT ? "struct field must be a non-linear value type"
			                                : "xstruct field must be scalar or linear",
			         d->fields[i].type);
			return;
		}
	}
}

static void check_type(struct vctx *v, uint32_t t)
{
	const struct sil_type *d = vt_def(v, t);
	uint32_t e = d->elem;
	switch (v->ty[t].cls) {
	case TC_ARRAY:
		if (cls(v, e) == TC_BAD || cls(v, e) == TC_VOID || cls(v, e) == TC_IOPORT || v->ty[e].linear)
			type_err(v, t, "array element must be a non-linear value type", e);
		break;
	case TC_XARRAY:
		if (!vt_scalar(v, e))
			type_err(v, t, "xarray element must be scalar", e);
		break;
	case TC_CELL:
		if (e >= v->nty || !v->ty[e].linear)
			type_err(v, t, "cell element must be linear", e);
		break;
	case TC_STRUCT:
	case TC_XSTRUCT:
		check_struct(v, t, d);
		break;
	case TC_ENDPOINT:
	case TC_ESET:
		if (d->contract >= v->p->ncontracts || d->side > SIL_EXP ||
		    d->state >= v->p->contracts[d->contract].nstates) {
			v->types_ok = 0;
			verr(v, "bad-type-table", "t%u: endpoint or set contract c%u, side %u, state s%u out of range",
			     t, d->contract, d->side, d->state);
		}
		/* A map's values: GC structs or strings, whose canonical index is
		 * their own (arrays and cells are canonicalised after sets). */
		if (v->ty[t].cls == TC_ESET && e && cls(v, e) != TC_STRUCT && cls(v, e) != TC_STRING)
			type_err(v, t, "map value must be a GC struct or string", e);
		break;
	case TC_ANYEP:
		if (d->side > SIL_EXP) {
			v->types_ok = 0;
			verr(v, "bad-type-table", "t%u: opaque endpoint side %u out of range", t, d->side);
		}
		break;
	default:
		break;
	}
}

void vfy_types(struct vctx *v)
{
	const struct sil_pkg *p = v->p;
	v->types_ok = 1;
	if (p->ntypes > (1u << 30)) {
		v->types_ok = 0;
		verr(v, "limit", "%u type table entries", p->ntypes);
		return;
	}
	v->nty = SIL_T_BUILTIN + p->ntypes;
	v->ty = xcalloc(v->nty, sizeof *v->ty);
	for (uint32_t t = 0; t < v->nty; t++) {
		const struct sil_type *d = vt_def(v, t);
		uint8_t k = d ? d->kind : 0;
		v->ty[t].cls = t < SIL_T_BUILTIN ? builtin_cls[t] : k < SIL_TK__COUNT ? kind_cls[k] : TC_BAD;
		v->ty[t].linear = k == SIL_TK_XSTRUCT || k == SIL_TK_XARRAY || k == SIL_TK_ENDPOINT ||
		                   k == SIL_TK_ESET || k == SIL_TK_ANYEP;
		v->ty[t].canon = v->ty[t].exact = t;
		if (v->ty[t].cls == TC_BAD) {
			v->types_ok = 0;
			verr(v, "bad-type-table", "t%u: unknown type kind %u", t, k);
		}
	}
	for (uint32_t t = SIL_T_BUILTIN; t < v->nty && !v->stopped; t++)
		if (v->ty[t].cls != TC_BAD)
			check_type(v, t);
	if (v->types_ok)
		canonicalise(v);
}

void vfy_consts(struct vctx *v)
{
	for (uint32_t i = 0; i < v->p->nconsts; i++) {
		uint8_t tag = v->p->consts[i].tag;
		if (tag != SIL_K_STRING && tag != SIL_K_F64)
			verr(v, "bad-const", "k%u: unknown constant tag %u", i, tag);
	}
}

/* ---- the function table ---- */

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static void check_names(struct vctx *v)
{
	uint32_t n = v->p->nfuncs, cap = 16;
	while (cap < 2 * n)
		cap <<= 1;
	uint32_t *tab = xcalloc(cap, sizeof *tab);
	for (uint32_t i = 0; i < n; i++) {
		const char *name = v->p->funcs[i].name;
		v->fn = &v->p->funcs[i];
		if (!name || !name[0]) {
			verr(v, "bad-name", "function f%u has no name", i);
			continue;
		}
		for (uint32_t j = hash_str(name) & (cap - 1);; j = (j + 1) & (cap - 1)) {
			if (!tab[j]) {
				tab[j] = i + 1;
				break;
			}
			if (!strcmp(v->p->funcs[tab[j] - 1].name, name)) {
				verr(v, "bad-name", "f%u has the same name as f%u", i, tab[j] - 1);
				break;
			}
		}
	}
	v->fn = NULL;
	free(tab);
}

static int local_type_ok(struct vctx *v, const struct sil_func *f, uint32_t i)
{
	uint32_t t = f->locals[i];
	if (t >= v->nty || v->ty[t].cls == TC_BAD || v->ty[t].cls == TC_VOID)
		return verr(v, "bad-type", "r%u: local type t%u is not a value type", i, t);
	if (v->ty[t].cls == TC_IOPORT && i >= f->nparams)
		return verr(v, "privilege", "r%u: ioport values exist only as parameters", i);
	if (i < f->nparams && (f->pflags[i] & ~SIL_P_BORROW))
		return verr(v, "bad-param", "r%u: unknown parameter flags 0x%x", i, f->pflags[i]);
	if (i < f->nparams && (f->pflags[i] & SIL_P_BORROW) && !v->ty[t].linear)
		return verr(v, "bad-param", "r%u: only a linear parameter can be borrowed", i);
	return 0;
}

static int signature_ok(struct vctx *v, const struct sil_func *f)
{
	if (f->nlocals < f->nparams)
		return verr(v, "bad-local", "%u locals but %u parameters", f->nlocals, f->nparams);
	if (f->nlocals > VFY_MAX_LOCALS)
		return verr(v, "limit", "%u locals (at most %u)", f->nlocals, VFY_MAX_LOCALS);
	if (f->ninsns > VFY_MAX_INSNS)
		return verr(v, "limit", "%u instructions (at most %u)", f->ninsns, VFY_MAX_INSNS);
	if (f->ret >= v->nty || v->ty[f->ret].cls == TC_BAD || v->ty[f->ret].cls == TC_IOPORT)
		return verr(v, "bad-type", "return type t%u is not a value type", f->ret);
	int bad = 0;
	for (uint32_t i = 0; i < f->nlocals && !v->stopped; i++)
		bad |= local_type_ok(v, f, i);
	return bad;
}

void vfy_signatures(struct vctx *v)
{
	check_names(v);
	if (!v->types_ok)
		return;
	for (uint32_t i = 0; i < v->p->nfuncs && !v->stopped; i++) {
		v->fn = &v->p->funcs[i];
		if (signature_ok(v, v->fn))
			v->types_ok = 0;
	}
	v->fn = NULL;
}
