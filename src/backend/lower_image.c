/*
 * lower_image.c - the tables of a compiled program (see lower.h): string
 * constants and function names, type layouts for the collector and the
 * exchange heap, contracts with their shape digests, spawn entries, and
 * the sing_image record the kernel loads.
 */
#include "lower.h"
#include "../sil/shape.h"

#include <stdlib.h>
#include <string.h>

#include "../kernel/rt.h"

void lw_constants(struct lw *w)
{
	for (uint32_t k = 0; k < w->p->nconsts; k++) {
		const struct sil_const *c = &w->p->consts[k];
		if (c->tag != SIL_K_STRING)
			continue;
		lw_out(w, "static const struct { u64 hdr; i64 len; u8 b[%u]; } k%u = "
		    "{SING_HDR(SING_TYPE_STRING, SING_H_STATIC), %u, ", c->len + 1, k, c->len);
		lw_c_string(w, c->bytes, c->len);
		lw_out(w, "};\n");
	}
	for (uint32_t fi = 0; fi < w->p->nfuncs; fi++) {
		lw_out(w, "static const char fn%u[] = ", fi);
		lw_c_string(w, w->p->funcs[fi].name, strlen(w->p->funcs[fi].name));
		lw_out(w, ";\n");
	}
}

static void type_entry(struct lw *w, uint32_t t)
{
	static const uint8_t kind_of[SIL_TK__COUNT] = {
		[SIL_TK_ARRAY] = SING_K_ARRAY, [SIL_TK_STRUCT] = SING_K_STRUCT,
		[SIL_TK_XSTRUCT] = SING_K_XSTRUCT, [SIL_TK_XARRAY] = SING_K_XARRAY,
		[SIL_TK_ENDPOINT] = SING_K_ENDPOINT, [SIL_TK_CELL] = SING_K_CELL,
		[SIL_TK_IOPORT] = SING_K_IOPORT, [SIL_TK_ESET] = SING_K_ESET,
		[SIL_TK_ANYEP] = SING_K_ANYEP,
	};
	const struct sil_type *ty = sil_type(w->p, t);
	if (!ty) {
		lw_out(w, "\t{%d, 0, 0, 0, 0, \"%s\"},\n",
		    t == SIL_T_STRING ? SING_K_STRING : SING_K_SCALAR, sil_builtin_name(t));
		return;
	}
	int has_slots = ty->kind == SIL_TK_STRUCT || ty->kind == SIL_TK_XSTRUCT;
	int has_elem = ty->kind == SIL_TK_ARRAY || ty->kind == SIL_TK_XARRAY || ty->kind == SIL_TK_CELL ||
	               (ty->kind == SIL_TK_ESET && ty->elem);   /* a map's values: GC */
	char name[128];
	sil_type_str(w->p, t, name, sizeof name);
	lw_out(w, "\t{%d, %d, %u, %u, ", kind_of[ty->kind],
	    has_elem ? lw_slotkind(w->p, ty->elem) : 0, has_elem ? lw_elem_size(ty->elem) : 0,
	    has_slots ? ty->nfields : 0);
	if (has_slots && ty->nfields)
		lw_out(w, "slots%u, ", t);
	else
		lw_out(w, "0, ");
	lw_c_string(w, name, strlen(name));
	if (ty->kind == SIL_TK_ENDPOINT || ty->kind == SIL_TK_ESET)
		lw_out(w, ", %u, %u, 0, %u", ty->contract, ty->side, ty->state);
	else if (ty->kind == SIL_TK_ANYEP)
		lw_out(w, ", 0, %u, 0, 0", ty->side);
	lw_out(w, "},\n");
}

void lw_types(struct lw *w)
{
	const struct sil_pkg *p = w->p;
	for (uint32_t i = 0; i < p->ntypes; i++) {
		const struct sil_type *ty = &p->types[i];
		if ((ty->kind != SIL_TK_STRUCT && ty->kind != SIL_TK_XSTRUCT) || !ty->nfields)
			continue;
		lw_out(w, "static const u8 slots%u[] = {", SIL_T_BUILTIN + i);
		for (uint32_t n = 0; n < ty->nfields; n++)
			lw_out(w, "%d,", lw_slotkind(p, ty->fields[n].type));
		lw_out(w, "};\n");
	}
	lw_out(w, "static const struct sing_tinfo types[] = {\n");
	for (uint32_t t = 0; t < SIL_T_BUILTIN + p->ntypes; t++)
		type_entry(w, t);
	lw_out(w, "};\n");
}

/* cN_states (names) and cN_next, the transition table the kernel checks
 * every send against: next[s * nmsgs + m], SING_NO_STATE where m is not
 * allowed in s. */
static void contract_states(struct lw *w, uint32_t c, const struct sil_contract *ct)
{
	lw_out(w, "static const char *const c%u_states[] = {", c);
	for (uint32_t st = 0; st < ct->nstates; st++) {
		lw_c_string(w, ct->states[st].name, strlen(ct->states[st].name));
		lw_out(w, ",");
	}
	lw_out(w, "0};\nstatic const u32 c%u_next[] = {", c);
	uint32_t *row = xmalloc(((size_t)ct->nmsgs + 1) * sizeof *row);
	for (uint32_t st = 0; st < ct->nstates; st++) {
		for (uint32_t m = 0; m < ct->nmsgs; m++)
			row[m] = SING_NO_STATE;
		for (uint32_t t = 0; t < ct->states[st].ntrans; t++)
			row[ct->states[st].trans[t].msg] = ct->states[st].trans[t].next;
		for (uint32_t m = 0; m < ct->nmsgs; m++)
			lw_out(w, "%uu,", row[m]);
		lw_out(w, "\n");
	}
	free(row);
	lw_out(w, "0};\n");
}

void lw_contracts(struct lw *w)
{
	const struct sil_pkg *p = w->p;
	for (uint32_t c = 0; c < p->ncontracts; c++) {
		const struct sil_contract *ct = &p->contracts[c];
		for (uint32_t m = 0; m < ct->nmsgs; m++) {
			lw_out(w, "static const u32 c%u_m%u[] = {", c, m);
			for (uint32_t a = 0; a < ct->msgs[m].nargs; a++)
				lw_out(w, "%u,", ct->msgs[m].args[a]);
			lw_out(w, "0};\n");
		}
		lw_out(w, "static const struct sing_minfo c%u_msgs[] = {\n", c);
		for (uint32_t m = 0; m < ct->nmsgs; m++) {
			lw_out(w, "\t{");
			lw_c_string(w, ct->msgs[m].name, strlen(ct->msgs[m].name));
			lw_out(w, ", %u, %u, c%u_m%u},\n", ct->msgs[m].dir, ct->msgs[m].nargs, c, m);
		}
		lw_out(w, "\t{0, 0, 0, 0}\n};\n");
		contract_states(w, c, ct);
	}
	lw_out(w, "static const struct sing_cinfo contracts[] = {\n");
	for (uint32_t c = 0; c < p->ncontracts; c++) {
		const struct sil_contract *ct = &p->contracts[c];
		uint8_t shape[32];
		sil_shape_digest(p, c, shape);
		lw_out(w, "\t{");
		lw_c_string(w, ct->name, strlen(ct->name));
		lw_out(w, ", %u, c%u_msgs, %u, %u, {", ct->nmsgs, c, ct->bound_in, ct->bound_out);
		for (int i = 0; i < 32; i++)
			lw_out(w, "%u,", shape[i]);
		lw_out(w, "}, %u, c%u_states, c%u_next, %u},\n", ct->nstates, c, c,
		       ct->has_base ? ct->base : SING_NO_BASE);
	}
	lw_out(w, "\t{0, 0, 0, 0, 0, {0}, 0, 0, 0, 0}\n};\n");
}

/* f<N>_spawn(th, args): the entry of a thread that runs fN. */
void lw_spawn_entries(struct lw *w)
{
	const struct sil_pkg *p = w->p;
	uint8_t *want = xcalloc(p->nfuncs + 1, 1);
	for (uint32_t fi = 0; fi < p->nfuncs; fi++)
		for (uint32_t i = 0; i < p->funcs[fi].ninsns; i++)
			if (p->funcs[fi].insns[i].op == OP_SPAWN && p->funcs[fi].insns[i].a[0] < p->nfuncs)
				want[p->funcs[fi].insns[i].a[0]] = 1;
	for (uint32_t fi = 0; fi < p->nfuncs; fi++) {
		if (!want[fi])
			continue;
		const struct sil_func *f = &p->funcs[fi];
		lw_out(w, "static void f%u_spawn(struct sing_thread *th, union sing_slot *a)\n{\n\tf%u(th", fi, fi);
		for (uint32_t i = 0; i < f->nparams; i++)
			lw_out(w, ", (%s)a[%u].%s", lw_ctype(p, f->locals[i]), i, lw_slot(f->locals[i]));
		lw_out(w, ");\n}\n");
	}
	free(want);
}

static uint32_t find_main(const struct sil_pkg *p)
{
	for (uint32_t i = 0; i < p->nfuncs; i++)
		if (!strcmp(p->funcs[i].name, "main"))
			return i;
	die("verified package without main");
}

void lw_image(struct lw *w, const char *gen)
{
	uint32_t m = find_main(w->p);
	const struct sil_func *f = &w->p->funcs[m];
	char hash[65];
	be_hex(w->p->hash, 32, hash);
	lw_out(w, "static const u32 main_types[] = {");
	for (uint32_t i = 1; i < f->nparams; i++)
		lw_out(w, "%u,", f->locals[i]);
	lw_out(w, "0};\n");
	lw_out(w, "\nstatic i32 entry(struct sing_thread *th, struct sing_arr *args, void *const *x)\n{\n\t");
	lw_out(w, "(void)x;\n\t");
	lw_out(w, f->ret == SIL_T_VOID ? "f%u(th" : "return (i32)f%u(th", m);
	for (uint32_t i = 0; i < f->nparams; i++)
		if (i)
			lw_out(w, ", (%s)x[%u]", lw_ctype(w->p, f->locals[i]), i - 1);
		else
			lw_out(w, ", args");
	lw_out(w, ");%s\n}\n", f->ret == SIL_T_VOID ? "\n\treturn 0;" : "");
	lw_out(w, "__attribute__((visibility(\"default\"))) const struct sing_image sing_image = {\n");
	lw_out(w, "\tSING_RT_VERSION, %u, types, entry, %u, %u, main_types, %u, contracts, \"%s\", \"%s\",\n};\n",
	    SIL_T_BUILTIN + w->p->ntypes, f->nparams ? f->locals[0] : 0,
	    f->nparams ? f->nparams - 1 : 0, w->p->ncontracts, hash, gen);
}

