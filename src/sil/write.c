/*
 * write.c - encode a package in the binary layout of docs/sil.md.
 *
 * Every integer is written in its shortest LEB128 form: the reader rejects
 * any other form, so that each readable package has exactly one encoding
 * and `sing asm` of `sing dis` output gives back the same bytes.
 */
#include "sil.h"

#include <string.h>

static void put_str(struct sbuf *b, const char *s)
{
	size_t n = strlen(s ? s : "");
	sb_uleb(b, n);
	sb_put(b, s ? s : "", n);
}

/* An index operand held in an int64 slot must fit the 32-bit encoding. */
static void put_u32(struct sbuf *b, int64_t v)
{
	if (v < 0 || v > UINT32_MAX)
		die("operand %lld does not fit 32 bits", (long long)v);
	sb_uleb(b, (uint64_t)v);
}

static void put_list(struct sbuf *b, uint32_t n, const uint32_t *v)
{
	sb_uleb(b, n);
	for (uint32_t i = 0; i < n; i++)
		sb_uleb(b, v[i]);
}

static void put_cases(struct sbuf *b, const struct sil_insn *in)
{
	sb_uleb(b, in->ncases);
	for (uint32_t i = 0; i < in->ncases; i++) {
		const struct sil_case *c = &in->cases[i];
		sb_uleb(b, c->ep);
		sb_uleb(b, c->msg);
		sb_uleb(b, c->label);
		put_list(b, c->nargs, c->args);
	}
}

/* Operands in table order; a[] holds the fixed ones (see sil.h). */
static void put_insn(struct sbuf *b, const struct sil_insn *in)
{
	if (in->op >= OP__COUNT)
		die("bad opcode %u", in->op);
	sb_byte(b, in->op);
	int k = 0;
	for (const char *o = sil_ops[in->op].operands; *o; o++) {
		switch (*o) {
		case '*': put_list(b, in->nlist, in->list); break;
		case 'S': put_cases(b, in); break;
		case 'i': sb_sleb(b, in->a[k++]); break;
		case 'd': put_u32(b, in->a[k] < 0 ? 0 : in->a[k] + 1); k++; break;
		default: put_u32(b, in->a[k++]); break;
		}
	}
}

static void put_consts(struct sbuf *b, const struct sil_pkg *p)
{
	sb_uleb(b, p->nconsts);
	for (uint32_t i = 0; i < p->nconsts; i++) {
		const struct sil_const *k = &p->consts[i];
		sb_byte(b, k->tag);
		if (k->tag == SIL_K_STRING) {
			sb_uleb(b, k->len);
			sb_put(b, k->bytes, k->len);
		} else {
			for (int j = 0; j < 8; j++)
				sb_byte(b, (uint8_t)(k->f64bits >> (8 * j)));
		}
	}
}

static void put_types(struct sbuf *b, const struct sil_pkg *p)
{
	sb_uleb(b, p->ntypes);
	for (uint32_t i = 0; i < p->ntypes; i++) {
		const struct sil_type *t = &p->types[i];
		sb_byte(b, t->kind);
		switch (t->kind) {
		case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
			sb_uleb(b, t->elem);
			break;
		case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
			put_str(b, t->name);
			sb_uleb(b, t->nfields);
			for (uint32_t j = 0; j < t->nfields; j++) {
				put_str(b, t->fields[j].name);
				sb_uleb(b, t->fields[j].type);
			}
			break;
		case SIL_TK_ENDPOINT: case SIL_TK_ESET:
			sb_uleb(b, t->contract);
			sb_byte(b, t->side);
			sb_uleb(b, t->state);
			if (t->kind == SIL_TK_ESET)
				sb_uleb(b, t->elem);
			break;
		case SIL_TK_ANYEP:
			sb_byte(b, t->side);
			break;
		case SIL_TK_IOPORT:
			break;
		default:
			die("bad type kind %u", t->kind);
		}
	}
}

static void put_contracts(struct sbuf *b, const struct sil_pkg *p)
{
	sb_uleb(b, p->ncontracts);
	for (uint32_t i = 0; i < p->ncontracts; i++) {
		const struct sil_contract *c = &p->contracts[i];
		put_str(b, c->name);
		sb_uleb(b, c->nmsgs);
		for (uint32_t j = 0; j < c->nmsgs; j++) {
			put_str(b, c->msgs[j].name);
			sb_byte(b, c->msgs[j].dir);
			put_list(b, c->msgs[j].nargs, c->msgs[j].args);
		}
		sb_uleb(b, c->nstates);
		for (uint32_t j = 0; j < c->nstates; j++) {
			const struct sil_state *s = &c->states[j];
			put_str(b, s->name);
			sb_uleb(b, s->ntrans);
			for (uint32_t t = 0; t < s->ntrans; t++) {
				sb_uleb(b, s->trans[t].msg);
				sb_uleb(b, s->trans[t].next);
			}
		}
		sb_uleb(b, c->bound_in);
		sb_uleb(b, c->bound_out);
	}
	uint32_t nbase = 0;
	for (uint32_t i = 0; i < p->ncontracts; i++)
		nbase += p->contracts[i].has_base;
	if (!nbase)
		return;   /* packages without extension keep the original layout */
	sb_uleb(b, nbase);
	for (uint32_t i = 0; i < p->ncontracts; i++)
		if (p->contracts[i].has_base) {
			sb_uleb(b, i);
			sb_uleb(b, p->contracts[i].base);
		}
}

static void put_funcs(struct sbuf *b, const struct sil_pkg *p)
{
	sb_uleb(b, p->nfuncs);
	for (uint32_t i = 0; i < p->nfuncs; i++) {
		const struct sil_func *f = &p->funcs[i];
		put_str(b, f->name);
		sb_uleb(b, f->nparams);
		sb_put(b, f->pflags, f->nparams);
		sb_uleb(b, f->ret);
		put_list(b, f->nlocals, f->locals);
		sb_uleb(b, f->ninsns);
		for (uint32_t j = 0; j < f->ninsns; j++)
			put_insn(b, &f->insns[j]);
	}
}

static void put_svcs(struct sbuf *b, uint32_t n, const struct sil_svcdecl *v)
{
	sb_uleb(b, n);
	for (uint32_t i = 0; i < n; i++) {
		put_str(b, v[i].path);
		sb_uleb(b, v[i].contract);
	}
}

static void put_manifest(struct sbuf *b, const struct sil_manifest *m)
{
	put_str(b, m->name);
	put_str(b, m->version);
	sb_byte(b, m->kind);
	sb_uleb(b, m->budget);
	sb_uleb(b, m->ncaps);
	for (uint32_t i = 0; i < m->ncaps; i++)
		put_str(b, m->caps[i]);
	sb_uleb(b, m->neps);
	for (uint32_t i = 0; i < m->neps; i++) {
		put_str(b, m->eps[i].path);
		sb_uleb(b, m->eps[i].type);
	}
	put_svcs(b, m->nprovides, m->provides);
	put_svcs(b, m->ndeps, m->deps);
	sb_uleb(b, m->nhw);
	for (uint32_t i = 0; i < m->nhw; i++) {
		sb_byte(b, m->hw[i].kind);
		sb_byte(b, m->hw[i].shared);
		sb_uleb(b, m->hw[i].base);
		sb_uleb(b, m->hw[i].len);
	}
	if (m->usage)   /* optional, last: a package without it is unchanged */
		put_str(b, m->usage);
}

static void (*const sections[])(struct sbuf *, const struct sil_pkg *) = {
	put_consts, put_types, put_contracts, put_funcs,
};

void sil_write(struct sil_pkg *p, struct sbuf *out)
{
	size_t start = out->len;
	struct sbuf sec = {0};
	uint8_t ver[4];
	for (int i = 0; i < 4; i++)
		ver[i] = (uint8_t)(SIL_VERSION >> (8 * i));
	sb_put(out, SIL_MAGIC, 4);
	sb_put(out, ver, 4);
	for (size_t i = 0; i <= sizeof sections / sizeof sections[0]; i++) {
		sec.len = 0;
		if (i < sizeof sections / sizeof sections[0])
			sections[i](&sec, p);
		else
			put_manifest(&sec, &p->man);
		sb_byte(out, (uint8_t)(i + 1));
		sb_uleb(out, sec.len);
		sb_put(out, sec.data, sec.len);
	}
	sb_free(&sec);
	if (!p->hash_forged)
		sil_sha256(out->data + start, out->len - start, p->hash);
	sb_byte(out, 6);
	sb_uleb(out, 32);
	sb_put(out, p->hash, 32);
}
