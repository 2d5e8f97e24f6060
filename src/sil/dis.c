/*
 * dis.c - print a package in the SIL text form.
 *
 * Invariant: sil_asm of the output gives back the same package, byte for
 * byte (tests/sil checks it).  The package is unverified, so every index is
 * range-checked before it is used to look up a name for a comment; an
 * out-of-range index is printed as written, without a comment.
 */
#include "sil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct dis {
	const struct sil_pkg *p;
	FILE *out;
	const struct sil_func *f;
	struct sbuf note;        /* comment for the current line */
};

static void note(struct dis *d, const char *fmt, const char *name)
{
	if (d->note.len)
		sb_str(&d->note, ", ");
	sb_printf(&d->note, fmt, name);
}

/* End a line, with its comment if one was gathered. */
static void eol(struct dis *d)
{
	/* Names may hold any byte; a newline would end the comment early. */
	for (size_t i = 0; i < d->note.len; i++)
		if (d->note.data[i] < 0x20 || d->note.data[i] == 0x7f)
			d->note.data[i] = '?';
	if (d->note.len)
		fprintf(d->out, "    ; %s", sb_cstr(&d->note));
	fputc('\n', d->out);
	d->note.len = 0;
}

static void type_ref(struct dis *d, uint32_t t)
{
	const char *b = sil_builtin_name(t);
	if (b)
		fputs(b, d->out);
	else
		fprintf(d->out, "t%u", t);
}

static void type_note(struct dis *d, uint32_t t)
{
	char buf[256];
	if (sil_type(d->p, t))
		note(d, "%s", sil_type_str(d->p, t, buf, sizeof buf));
}

/* f64 as the shortest decimal that reads back to the same bits, else bits. */
static void f64_const(FILE *out, uint64_t bits)
{
	double v;
	memcpy(&v, &bits, sizeof v);
	if (isfinite(v)) {
		char buf[64];
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof buf, "%.*g", prec, v);
			double back = strtod(buf, NULL);
			if (!memcmp(&back, &v, sizeof v)) {
				fprintf(out, "f64 %s", buf);
				return;
			}
		}
	}
	fprintf(out, "f64 bits 0x%016llx", (unsigned long long)bits);
}

static void dis_consts(struct dis *d)
{
	for (uint32_t i = 0; i < d->p->nconsts; i++) {
		const struct sil_const *k = &d->p->consts[i];
		fprintf(d->out, "const k%u ", i);
		if (k->tag == SIL_K_STRING) {
			fputs("string ", d->out);
			sil_text_string(d->out, k->bytes, k->len);
		} else {
			f64_const(d->out, k->f64bits);
		}
		fputc('\n', d->out);
	}
}

static void dis_type(struct dis *d, const struct sil_type *t)
{
	fputs(sil_tkind_names[t->kind], d->out);
	switch (t->kind) {
	case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
		fputc(' ', d->out);
		type_ref(d, t->elem);
		break;
	case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
		fputc(' ', d->out);
		sil_text_name(d->out, t->name);
		fputs(" {", d->out);
		for (uint32_t j = 0; j < t->nfields; j++) {
			fputs(j ? ", " : " ", d->out);
			sil_text_name(d->out, t->fields[j].name);
			fputc(' ', d->out);
			type_ref(d, t->fields[j].type);
		}
		fputs(t->nfields ? " }" : "}", d->out);
		break;
	case SIL_TK_ENDPOINT: case SIL_TK_ESET:
		fprintf(d->out, " c%u %s %u", t->contract, sil_side_names[t->side], t->state);
		if (t->kind == SIL_TK_ESET && t->elem) {
			fputc(' ', d->out);
			type_ref(d, t->elem);
		}
		break;
	case SIL_TK_ANYEP:
		fprintf(d->out, " %s", sil_side_names[t->side]);
		break;
	default:
		break;
	}
}

static void dis_types(struct dis *d)
{
	for (uint32_t i = 0; i < d->p->ntypes; i++) {
		const struct sil_type *t = &d->p->types[i];
		fprintf(d->out, "type t%u ", i + SIL_T_BUILTIN);
		dis_type(d, t);
		if (t->kind == SIL_TK_ENDPOINT || t->kind == SIL_TK_ESET)
			type_note(d, i + SIL_T_BUILTIN);
		eol(d);
	}
}

static void dis_state(struct dis *d, const struct sil_contract *c, uint32_t j)
{
	const struct sil_state *s = &c->states[j];
	fprintf(d->out, "  state s%u ", j);
	sil_text_name(d->out, s->name);
	fputs(" {", d->out);
	for (uint32_t t = 0; t < s->ntrans; t++) {
		uint32_t m = s->trans[t].msg, n = s->trans[t].next;
		fprintf(d->out, "%sm%u -> s%u", t ? ", " : " ", m, n);
		if (m < c->nmsgs && n < c->nstates) {
			char buf[256];
			snprintf(buf, sizeof buf, "%.100s%s -> %.100s", c->msgs[m].name,
			         c->msgs[m].dir == SIL_IN ? "?" : "!", c->states[n].name);
			note(d, "%s", buf);
		}
	}
	fputs(s->ntrans ? " }" : "}", d->out);
	eol(d);
}

static void dis_contracts(struct dis *d)
{
	for (uint32_t i = 0; i < d->p->ncontracts; i++) {
		const struct sil_contract *c = &d->p->contracts[i];
		fprintf(d->out, "contract c%u ", i);
		sil_text_name(d->out, c->name);
		if (c->has_base)
			fprintf(d->out, " base c%u", c->base);
		fprintf(d->out, " bound in %u out %u {\n", c->bound_in, c->bound_out);
		for (uint32_t j = 0; j < c->nmsgs; j++) {
			const struct sil_msg *m = &c->msgs[j];
			fprintf(d->out, "  message m%u ", j);
			sil_text_name(d->out, m->name);
			fprintf(d->out, " %s (", sil_dir_names[m->dir]);
			for (uint32_t a = 0; a < m->nargs; a++) {
				fputs(a ? ", " : "", d->out);
				type_ref(d, m->args[a]);
			}
			fputs(")\n", d->out);
		}
		for (uint32_t j = 0; j < c->nstates; j++)
			dis_state(d, c, j);
		fputs("}\n", d->out);
	}
}

/* The name of message m of the contract of endpoint local r, or NULL. */
static const char *msg_name(const struct dis *d, int64_t r, uint32_t m)
{
	if (r < 0 || r >= d->f->nlocals)
		return NULL;
	const struct sil_type *t = sil_type(d->p, d->f->locals[r]);
	if (!t || (t->kind != SIL_TK_ENDPOINT && t->kind != SIL_TK_ESET) ||
	    t->contract >= d->p->ncontracts)
		return NULL;
	const struct sil_contract *c = &d->p->contracts[t->contract];
	return m < c->nmsgs ? c->msgs[m].name : NULL;
}

static void local_list(struct dis *d, uint32_t n, const uint32_t *v)
{
	fputc('(', d->out);
	for (uint32_t i = 0; i < n; i++)
		fprintf(d->out, "%sr%u", i ? ", " : "", v[i]);
	fputc(')', d->out);
}

static void cases(struct dis *d, const struct sil_insn *in)
{
	fputc('{', d->out);
	for (uint32_t i = 0; i < in->ncases; i++) {
		const struct sil_case *c = &in->cases[i];
		fprintf(d->out, "%sr%u ", i ? ", " : " ", c->ep);
		if (c->msg == 0) {
			fputs("closed", d->out);
		} else {
			fprintf(d->out, "m%u", c->msg - 1);
			const char *mn = msg_name(d, c->ep, c->msg - 1);
			if (mn)
				note(d, "%s", mn);
		}
		fprintf(d->out, " -> L%u", c->label);
		if (c->nargs) {
			fputc(' ', d->out);
			local_list(d, c->nargs, c->args);
		}
	}
	fputs(in->ncases ? " }" : "}", d->out);
}

static void operand(struct dis *d, const struct sil_insn *in, char kind, int k)
{
	int64_t v = in->a[k];
	const struct sil_pkg *p = d->p;
	switch (kind) {
	case 'd':
		if (v < 0)
			fputc('_', d->out);
		else
			fprintf(d->out, "r%lld", (long long)v);
		break;
	case 'i': fprintf(d->out, "%lld", (long long)v); break;
	case 'n': fprintf(d->out, "%lld", (long long)v); break;
	case 'l': fprintf(d->out, "L%lld", (long long)v); break;
	case 't': type_ref(d, (uint32_t)v); type_note(d, (uint32_t)v); break;
	default:
		fprintf(d->out, "%c%lld", kind, (long long)v);
		if (kind == 'f' && v < p->nfuncs)
			note(d, "%s", p->funcs[v].name);
		else if (kind == 'm' && msg_name(d, in->a[0], (uint32_t)v))
			note(d, "%s", msg_name(d, in->a[0], (uint32_t)v));
		else if (kind == 'k' && v < p->nconsts && p->consts[v].tag == SIL_K_STRING)
			note(d, "\"%.40s\"", p->consts[v].bytes);
	}
}

static void insn(struct dis *d, const struct sil_insn *in)
{
	fprintf(d->out, "  %s", sil_ops[in->op].name);
	int k = 0;
	for (const char *o = sil_ops[in->op].operands; *o; o++) {
		fputs(*o == '*' || *o == 'S' || k == 0 ? " " : ", ", d->out);
		if (*o == '*')
			local_list(d, in->nlist, in->list);
		else if (*o == 'S')
			cases(d, in);
		else
			operand(d, in, *o, k++);
	}
	eol(d);
}

/* Which instructions some in-range label names, so `LN:` is printed there. */
static uint8_t *targets(const struct sil_func *f)
{
	uint8_t *t = xcalloc(f->ninsns + 1, 1);
	for (uint32_t i = 0; i < f->ninsns; i++) {
		const struct sil_insn *in = &f->insns[i];
		int k = 0;
		for (const char *o = sil_ops[in->op].operands; *o; o++) {
			if (*o == 'l' && in->a[k] >= 0 && in->a[k] < f->ninsns)
				t[in->a[k]] = 1;
			if (*o != '*' && *o != 'S')
				k++;
		}
		for (uint32_t c = 0; c < in->ncases; c++)
			if (in->cases[c].label < f->ninsns)
				t[in->cases[c].label] = 1;
	}
	return t;
}

static void dis_func(struct dis *d, uint32_t i)
{
	const struct sil_func *f = &d->p->funcs[i];
	d->f = f;
	fprintf(d->out, "func f%u ", i);
	sil_text_name(d->out, f->name);
	fputs(" (", d->out);
	for (uint32_t j = 0; j < f->nparams; j++) {
		fprintf(d->out, "%sr%u %s", j ? ", " : "", j,
		        f->pflags[j] & SIL_P_BORROW ? "borrow " : "");
		type_ref(d, f->locals[j]);
	}
	fputs(") -> ", d->out);
	type_ref(d, f->ret);
	fputs(" {\n", d->out);
	for (uint32_t j = f->nparams; j < f->nlocals; j++) {
		fprintf(d->out, "  local r%u ", j);
		type_ref(d, f->locals[j]);
		type_note(d, f->locals[j]);
		eol(d);
	}
	uint8_t *t = targets(f);
	for (uint32_t j = 0; j < f->ninsns; j++) {
		if (t[j])
			fprintf(d->out, "L%u:\n", j);
		insn(d, &f->insns[j]);
	}
	free(t);
	fputs("}\n", d->out);
}

static void dis_svcs(struct dis *d, const char *word, uint32_t n, const struct sil_svcdecl *v)
{
	for (uint32_t i = 0; i < n; i++) {
		fprintf(d->out, "  %s ", word);
		sil_text_string(d->out, v[i].path, strlen(v[i].path));
		fprintf(d->out, " c%u\n", v[i].contract);
	}
}

static void dis_manifest(struct dis *d)
{
	const struct sil_manifest *m = &d->p->man;
	FILE *o = d->out;
	fputs("manifest {\n  name ", o);
	sil_text_string(o, m->name, strlen(m->name));
	fputs("\n  version ", o);
	sil_text_string(o, m->version, strlen(m->version));
	fprintf(o, "\n  kind %s\n  budget %llu\n", sil_pkind_names[m->kind],
	        (unsigned long long)m->budget);
	for (uint32_t i = 0; i < m->ncaps; i++) {
		fputs("  capability ", o);
		sil_text_string(o, m->caps[i], strlen(m->caps[i]));
		fputc('\n', o);
	}
	for (uint32_t i = 0; i < m->neps; i++) {
		fputs("  endpoint ", o);
		sil_text_string(o, m->eps[i].path, strlen(m->eps[i].path));
		fputc(' ', o);
		type_ref(d, m->eps[i].type);
		type_note(d, m->eps[i].type);
		eol(d);
	}
	dis_svcs(d, "provide", m->nprovides, m->provides);
	dis_svcs(d, "depend", m->ndeps, m->deps);
	for (uint32_t i = 0; i < m->nhw; i++) {
		const struct sil_hw *h = &m->hw[i];
		fprintf(o, "  %s ", sil_hwkind_names[h->kind]);
		if (h->kind == SIL_HW_IRQ)
			fprintf(o, h->len == 1 ? "%llu" : "%llu %llu", (unsigned long long)h->base,
			        (unsigned long long)h->len);
		else
			fprintf(o, "0x%llx %llu", (unsigned long long)h->base, (unsigned long long)h->len);
		fprintf(o, " %s\n", sil_shared_names[h->shared]);
	}
	if (m->usage) {
		fputs("  usage ", o);
		sil_text_string(o, m->usage, strlen(m->usage));
		fputc('\n', o);
	}
	fputs("}\n", o);
}

void sil_dis(const struct sil_pkg *p, FILE *out)
{
	struct dis d = {.p = p, .out = out};
	fprintf(out, "; SIL package, format version %u\n; hash ", p->version);
	for (int i = 0; i < 32; i++)
		fprintf(out, "%02x", p->hash[i]);
	fprintf(out, " (%s)\n", p->hash_ok ? "matches the content" : "DOES NOT MATCH the content");
	dis_consts(&d);
	dis_types(&d);
	dis_contracts(&d);
	for (uint32_t i = 0; i < p->nfuncs; i++)
		dis_func(&d, i);
	dis_manifest(&d);
	if (!p->hash_ok) {
		fputs(".hash ", out);
		for (int i = 0; i < 32; i++)
			fprintf(out, "%02x", p->hash[i]);
		fputc('\n', out);
	}
	sb_free(&d.note);
}
