/* types.c - declarations, written types to SIL types, the type and constant tables. */
#include "sem.h"

#include <string.h>

#include "../sil/extend.h"

int sg_ty_int(uint32_t t)
{
	return t >= SIL_T_I8 && t <= SIL_T_U64;
}

int sg_ty_num(uint32_t t)
{
	return sg_ty_int(t) || t == SIL_T_F64;
}

int sg_ty_scalar(uint32_t t)
{
	return sg_ty_num(t) || t == SIL_T_BOOL;
}

int sg_ty_signed(uint32_t t)
{
	return t >= SIL_T_I8 && t <= SIL_T_I64;
}

const struct sil_type *sg_sem_tt(struct sem *S, uint32_t t)
{
	return t == TY_BAD ? NULL : sil_type(S->pkg, t);
}

int sg_sem_kind(struct sem *S, uint32_t t)
{
	const struct sil_type *ty = sg_sem_tt(S, t);
	return ty ? ty->kind : 0;
}

int sg_sem_linear(struct sem *S, uint32_t t)
{
	int k = sg_sem_kind(S, t);
	return k == SIL_TK_XSTRUCT || k == SIL_TK_XARRAY || k == SIL_TK_ENDPOINT || k == SIL_TK_ESET ||
	       k == SIL_TK_ANYEP;
}

int sg_ty_gcref(struct sem *S, uint32_t t)
{
	int k = sg_sem_kind(S, t);
	return t == SIL_T_STRING || k == SIL_TK_ARRAY || k == SIL_TK_STRUCT || k == SIL_TK_CELL;
}

const char *sg_sem_tname(struct sem *S, uint32_t t, char *buf)
{
	if (t == TY_BAD)
		return "?";
	const struct sil_type *ty = sg_sem_tt(S, t);
	if (ty && ty->kind == SIL_TK_ENDPOINT && ty->contract < S->pkg->ncontracts) {
		snprintf(buf, 160, "%.100s.%s", S->pkg->contracts[ty->contract].name,
		         ty->side == SIL_EXP ? "Exp" : "Imp");
		return buf;
	}
	return sil_type_str(S->pkg, t, buf, 160);
}

int sg_sem_same(struct sem *S, uint32_t a, uint32_t b)
{
	if (a == b || a == TY_BAD || b == TY_BAD)
		return 1;
	const struct sil_type *x = sg_sem_tt(S, a), *y = sg_sem_tt(S, b);
	return x && y && x->kind == SIL_TK_ENDPOINT && y->kind == SIL_TK_ENDPOINT &&
	       x->contract == y->contract && x->side == y->side;
}

int sg_sem_upcast(struct sem *S, uint32_t from, uint32_t to)
{
	const struct sil_type *f = sg_sem_tt(S, from), *t = sg_sem_tt(S, to);
	if (f && t && f->kind == SIL_TK_ENDPOINT && t->kind == SIL_TK_ANYEP)
		return f->side == t->side;   /* any endpoint goes up to an opaque one of its side */
	return f && t && f->kind == SIL_TK_ENDPOINT && t->kind == SIL_TK_ENDPOINT &&
	       f->side == t->side && f->contract != t->contract &&
	       sil_ext_upcast(S->pkg, f->contract, t->contract, t->side, t->state);
}

/* Table entries that are equal by value share an index; structs are
 * entered once each by sg_sem_declare and never interned. */
uint32_t sg_sem_intern(struct sem *S, const struct sil_type *t)
{
	struct sil_pkg *P = S->pkg;
	for (uint32_t i = 0; i < P->ntypes; i++) {
		const struct sil_type *u = &P->types[i];
		if (u->kind == t->kind && u->kind != SIL_TK_STRUCT && u->kind != SIL_TK_XSTRUCT &&
		    u->elem == t->elem && u->contract == t->contract && u->side == t->side &&
		    u->state == t->state)
			return SIL_T_BUILTIN + i;
	}
	*APUSH(&P->arena, P->types, P->ntypes) = *t;
	return SIL_T_BUILTIN + P->ntypes - 1;
}

uint32_t sg_sem_array_of(struct sem *S, uint32_t kind, uint32_t elem)
{
	if (elem == TY_BAD)
		return TY_BAD;
	return sg_sem_intern(S, &(struct sil_type){.kind = (uint8_t)kind, .elem = elem});
}

struct sstruct *sg_sem_struct(struct sem *S, const char *name)
{
	for (uint32_t i = 0; i < S->nstructs; i++)
		if (!strcmp(S->structs[i].a->name, name))
			return &S->structs[i];
	return NULL;
}

struct scontract *sg_sem_contract(struct sem *S, const char *name)
{
	for (uint32_t i = 0; i < S->ncontracts; i++)
		if (!strcmp(S->contracts[i].a->name, name))
			return &S->contracts[i];
	return NULL;
}

struct sfunc *sg_sem_func(struct sem *S, const char *name)
{
	for (uint32_t i = 0; i < S->nfuncs; i++)
		if (!strcmp(S->funcs[i].a->name, name))
			return &S->funcs[i];
	return NULL;
}

uint32_t sg_sem_kstr(struct sem *S, const char *s, uint32_t len)
{
	struct sil_pkg *P = S->pkg;
	for (uint32_t i = 0; i < P->nconsts; i++)
		if (P->consts[i].tag == SIL_K_STRING && P->consts[i].len == len &&
		    !memcmp(P->consts[i].bytes, s, len))
			return i;
	struct sil_const *k = APUSH(&P->arena, P->consts, P->nconsts);
	k->tag = SIL_K_STRING;
	k->len = len;
	k->bytes = sil_strndup(P, s, len);
	return P->nconsts - 1;
}

uint32_t sg_sem_kf64(struct sem *S, double v)
{
	struct sil_pkg *P = S->pkg;
	uint64_t bits;
	memcpy(&bits, &v, sizeof bits);
	for (uint32_t i = 0; i < P->nconsts; i++)
		if (P->consts[i].tag == SIL_K_F64 && P->consts[i].f64bits == bits)
			return i;
	struct sil_const *k = APUSH(&P->arena, P->consts, P->nconsts);
	k->tag = SIL_K_F64;
	k->f64bits = bits;
	return P->nconsts - 1;
}

/* ---- written types ---- */

static uint32_t endpoint_type(struct sem *S, struct ast_type *t)
{
	if (!strcmp(t->name, SG_ANY_CONTRACT)) {   /* any.Exp: an opaque endpoint */
		if (t->state) {
			sg_diag_err(S->d, t->state_pos, "an opaque endpoint (any.%s) has no state",
			            t->side == SIL_EXP ? "Exp" : "Imp");
			return TY_BAD;
		}
		return sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_ANYEP, .side = (uint8_t)t->side});
	}
	struct scontract *c = sg_sem_contract(S, t->name);
	if (!c) {
		sg_diag_err(S->d, t->pos, "unknown contract '%s'", t->name);
		return TY_BAD;
	}
	int st = 0;
	if (t->state) {
		st = sg_contract_state(S, c->idx, t->state);
		if (st < 0) {
			sg_diag_err(S->d, t->state_pos, "contract '%s' has no state '%s'", t->name, t->state);
			return TY_BAD;
		}
	}
	return sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_ENDPOINT, .contract = c->idx,
	                                        .side = (uint8_t)t->side, .state = (uint32_t)st});
}

/* eset<C.Side:STATE>, or emap<C.Side:STATE, T> whose values are GC
 * structs or strings (the verifier's rule: docs/verifier.md). */
static uint32_t set_type(struct sem *S, struct ast_type *t)
{
	char buf[160];
	const char *kw = t->val ? "emap" : "eset";
	if (t->elem->kind != AT_ENDPOINT || !strcmp(t->elem->name, SG_ANY_CONTRACT)) {
		sg_diag_err(S->d, t->elem->pos, t->elem->kind == AT_ENDPOINT ?
		            "an %s holds endpoints it receives on, not opaque ones: write "
		            "%s<Contract.Exp:STATE%s>" : "an %s holds endpoints: write %s<Contract.Exp:STATE%s>",
		            kw, kw, t->val ? ", T" : "");
		return TY_BAD;
	}
	uint32_t e = endpoint_type(S, t->elem), v = 0;
	if (t->val) {
		v = sg_sem_type(S, t->val, TC_LOCAL);
		if (v == TY_BAD)
			return TY_BAD;
		if (v != SIL_T_STRING && sg_sem_kind(S, v) != SIL_TK_STRUCT) {
			sg_diag_err(S->d, t->val->pos, "an emap's values are GC structs or strings, not %s",
			            sg_sem_tname(S, v, buf));
			return TY_BAD;
		}
	}
	if (e == TY_BAD)
		return TY_BAD;
	const struct sil_type *et = sg_sem_tt(S, e);
	return sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_ESET, .contract = et->contract,
	                     .side = et->side, .state = et->state, .elem = v});
}

static const char *const ctx_names[] = {
	[TC_LOCAL] = "here", [TC_GCFIELD] = "in a struct", [TC_XFIELD] = "in an exheap struct",
	[TC_MSGARG] = "in a message", [TC_CELL] = "in a cell",
};

uint32_t sg_sem_type(struct sem *S, struct ast_type *t, enum tctx ctx)
{
	char buf[160];
	uint32_t r = TY_BAD, e;
	int exchange = ctx == TC_XFIELD || ctx == TC_MSGARG;
	switch (t->kind) {
	case AT_BUILTIN:
		r = t->builtin;
		break;
	case AT_IOPORT:
		r = sg_sem_intern(S, &(struct sil_type){.kind = SIL_TK_IOPORT});
		break;
	case AT_NAME: {
		struct sstruct *s = sg_sem_struct(S, t->name);
		if (!s) {
			sg_diag_err(S->d, t->pos, "unknown type '%s'", t->name);
			return TY_BAD;
		}
		r = s->type;
		break;
	}
	case AT_ENDPOINT:
		r = endpoint_type(S, t);
		break;
	case AT_CELL:
		e = sg_sem_type(S, t->elem, TC_CELL);
		if (e != TY_BAD && !sg_sem_linear(S, e)) {
			sg_diag_err(S->d, t->pos, "a cell holds a linear (exheap or endpoint) type, not %s",
			         sg_sem_tname(S, e, buf));
			return TY_BAD;
		}
		r = sg_sem_array_of(S, SIL_TK_CELL, e);
		break;
	case AT_ESET:
		r = set_type(S, t);
		break;
	case AT_ARRAY:
	case AT_XARRAY:
		e = sg_sem_type(S, t->elem, ctx == TC_CELL ? TC_LOCAL : ctx);
		if (e == TY_BAD)
			return TY_BAD;
		if (t->kind == AT_XARRAY || exchange) {
			if (!sg_ty_scalar(e)) {
				sg_diag_err(S->d, t->pos, "elements of an exheap array must be scalars, not %s",
				         sg_sem_tname(S, e, buf));
				return TY_BAD;
			}
			return sg_sem_array_of(S, SIL_TK_XARRAY, e);
		}
		if (e == SIL_T_VOID || sg_sem_linear(S, e)) {
			sg_diag_err(S->d, t->pos, "a GC array cannot hold %s", sg_sem_tname(S, e, buf));
			return TY_BAD;
		}
		return sg_sem_array_of(S, SIL_TK_ARRAY, e);
	}
	if (r == TY_BAD || ctx == TC_LOCAL || ctx == TC_CELL)
		return r;
	int ok = exchange ? sg_ty_scalar(r) || (sg_sem_linear(S, r) && sg_sem_kind(S, r) != SIL_TK_ESET)
	                  : r != SIL_T_VOID && !sg_sem_linear(S, r);
	if (!ok) {
		if (ctx == TC_GCFIELD)
			sg_diag_err(S->d, t->pos, "a GC struct cannot hold linear type %s (use a cell)",
			         sg_sem_tname(S, r, buf));
		else
			sg_diag_err(S->d, t->pos, "type %s cannot be used %s", sg_sem_tname(S, r, buf),
			         ctx_names[ctx]);
		return TY_BAD;
	}
	return r;
}

/* ---- declarations ---- */

static void dup_check(struct sem *S, const char *kind, const char *name, struct pos at, int dup)
{
	if (dup)
		sg_diag_err(S->d, at, "%s '%s' is already defined", kind, name);
}

static void collect(struct sem *S)
{
	struct sil_pkg *P = S->pkg;
	for (uint32_t f = 0; f < S->nfiles; f++) {
		struct ast_file *af = S->files[f];
		for (uint32_t i = 0; i < af->nstructs; i++) {
			struct ast_struct *a = &af->structs[i];
			dup_check(S, "type", a->name, a->pos, sg_sem_struct(S, a->name) != NULL);
			struct sstruct *s = APUSH(S->ar, S->structs, S->nstructs);
			s->a = a;
			struct sil_type *t = APUSH(&P->arena, P->types, P->ntypes);
			t->kind = a->exheap ? SIL_TK_XSTRUCT : SIL_TK_STRUCT;
			t->name = sil_strndup(P, a->name, strlen(a->name));
			s->type = SIL_T_BUILTIN + P->ntypes - 1;
		}
		for (uint32_t i = 0; i < af->ncontracts; i++) {
			struct ast_contract *a = &af->contracts[i];
			dup_check(S, "contract", a->name, a->pos, sg_sem_contract(S, a->name) != NULL);
			if (!strcmp(a->name, SG_ANY_CONTRACT))
				sg_diag_err(S->d, a->pos, "'%s' names the opaque endpoint (any.Exp, any.Imp): "
				            "a contract cannot be called so", a->name);
			struct scontract *c = APUSH(S->ar, S->contracts, S->ncontracts);
			c->a = a;
			c->idx = S->ncontracts - 1;
		}
		for (uint32_t i = 0; i < af->nfuncs; i++) {
			struct ast_func *a = &af->funcs[i];
			dup_check(S, "function", a->name, a->pos, sg_sem_func(S, a->name) != NULL);
			struct sfunc *s = APUSH(S->ar, S->funcs, S->nfuncs);
			s->a = a;
			s->idx = S->nfuncs - 1;
		}
		if (af->manifest) {
			if (S->manifest)
				sg_diag_err(S->d, af->manifest->pos, "a program has one manifest block");
			S->manifest = af->manifest;
			S->manifest_file = f;
		}
	}
}

static void struct_fields(struct sem *S, struct sstruct *s)
{
	struct sil_type *t = &S->pkg->types[s->type - SIL_T_BUILTIN];
	struct ast_struct *a = s->a;
	t->nfields = a->nfields;
	t->fields = sil_alloc(S->pkg, (a->nfields + 1) * sizeof *t->fields);
	for (uint32_t i = 0; i < a->nfields; i++) {
		for (uint32_t j = 0; j < i; j++)
			if (!strcmp(a->fields[j].name, a->fields[i].name))
				sg_diag_err(S->d, a->fields[i].pos, "field '%s' is already defined",
				         a->fields[i].name);
		uint32_t ft = sg_sem_type(S, a->fields[i].type, a->exheap ? TC_XFIELD : TC_GCFIELD);
		/* Keep the table valid after an error: the package is discarded anyway. */
		t = &S->pkg->types[s->type - SIL_T_BUILTIN];
		t->fields[i].name = sil_strndup(S->pkg, a->fields[i].name, strlen(a->fields[i].name));
		t->fields[i].type = ft == TY_BAD ? SIL_T_I32 : ft;
	}
}

static void func_sig(struct sem *S, struct sfunc *f)
{
	struct ast_func *a = f->a;
	f->ret = sg_sem_type(S, a->ret, TC_LOCAL);
	f->ptypes = arena_alloc(S->ar, (a->nparams + 1) * sizeof *f->ptypes);
	f->ok = f->ret != TY_BAD;
	for (uint32_t i = 0; i < a->nparams; i++) {
		struct ast_field *p = &a->params[i];
		f->ptypes[i] = sg_sem_type(S, p->type, TC_LOCAL);
		if (f->ptypes[i] == TY_BAD)
			f->ok = 0;
		else if (f->ptypes[i] == SIL_T_VOID)
			sg_diag_err(S->d, p->pos, "a parameter cannot be void");
		else if (p->borrow && !sg_sem_linear(S, f->ptypes[i]))
			sg_diag_err(S->d, p->pos, "only linear (exheap or endpoint) parameters can be borrowed");
	}
}

/* Builtin function names a program may not redefine. */
static const char *const reserved_funcs[] = {
	"print", "println", "str", "panic", "assert", "clock", "yield", "dma_new", "dma_addr",
	"ns_connect", "sqrt", "floor", "ceil", "trunc", "round", "abs", "sin", "cos", "exp", "log", "min",
	"max", "pow",
};

void sg_sem_declare(struct sem *S)
{
	collect(S);
	struct sil_pkg *P = S->pkg;
	P->ncontracts = S->ncontracts;
	P->contracts = sil_alloc(P, (S->ncontracts + 1) * sizeof *P->contracts);
	for (uint32_t i = 0; i < S->ncontracts; i++)
		sg_contract_states(S, &S->contracts[i]);
	for (uint32_t i = 0; i < S->nstructs; i++)
		struct_fields(S, &S->structs[i]);
	for (uint32_t i = 0; i < S->ncontracts; i++)
		sg_contract_messages(S, &S->contracts[i]);
	for (uint32_t i = 0; i < S->ncontracts; i++)
		sg_contract_check(S, &S->contracts[i]);
	for (uint32_t i = 0; i < S->nfuncs; i++) {
		for (size_t k = 0; k < sizeof reserved_funcs / sizeof *reserved_funcs; k++)
			if (!strcmp(S->funcs[i].a->name, reserved_funcs[k]))
				sg_diag_err(S->d, S->funcs[i].a->pos, "'%s' is a builtin function",
				         reserved_funcs[k]);
		func_sig(S, &S->funcs[i]);
	}
}
