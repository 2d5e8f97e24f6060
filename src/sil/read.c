/*
 * read.c - decode a binary package (docs/sil.md, "Binary layout").
 *
 * Checks encoding only: magic, version, sections present once and in order
 * with exact lengths, shortest-form LEB128 that fits its field, known
 * opcodes, tags and kinds, and counts no larger than the bytes left (so a
 * hostile count cannot make us allocate more than a small multiple of the
 * input).  It never trusts or checks an index: that is the verifier's job.
 * Errors unwind with longjmp to sil_read, which frees the half-built package.
 */
#include "sil.h"

#include <setjmp.h>
#include <stdarg.h>
#include <string.h>

struct rd {
	const uint8_t *buf;
	size_t pos, end;         /* end: end of the current section payload */
	const char *what;        /* the table being read, for "truncated X" */
	struct sil_pkg *p;
	char *err;
	size_t errlen;
	jmp_buf fail;
};

static const char *const section_names[7] = {
	"", "constant table", "type table", "contract table",
	"function table", "manifest", "hash",
};

PRINTF(3, 4) NORETURN static void fail(struct rd *r, size_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->err, r->errlen, "offset %zu: ", off);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->errlen)
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	longjmp(r->fail, 1);
}

static uint8_t u8(struct rd *r)
{
	if (r->pos >= r->end)
		fail(r, r->pos, "truncated %s", r->what);
	return r->buf[r->pos++];
}

/* Unsigned LEB128 of at most `bits` significant bits, shortest form only. */
static uint64_t uleb(struct rd *r, unsigned bits)
{
	size_t at = r->pos;
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t c = u8(r);
		if (shift >= 64 || (shift > 0 && (uint64_t)(c & 0x7f) >> (64 - shift) != 0))
			fail(r, at, "LEB128 value does not fit %u bits", bits);
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			if (c == 0 && shift > 0)
				fail(r, at, "overlong LEB128");
			break;
		}
	}
	if (bits < 64 && v >> bits)
		fail(r, at, "LEB128 value does not fit %u bits", bits);
	return v;
}

static uint32_t u32(struct rd *r)
{
	return (uint32_t)uleb(r, 32);
}

/* Signed LEB128, 64 bits, shortest form only. */
static int64_t sleb(struct rd *r)
{
	size_t at = r->pos;
	uint64_t v = 0;
	unsigned shift = 0;
	uint8_t c, prev = 0;
	for (;; shift += 7) {
		c = u8(r);
		if (shift == 63 && c != 0 && c != 0x7f)
			fail(r, at, "LEB128 value does not fit 64 bits");
		if (shift > 63)
			fail(r, at, "LEB128 value does not fit 64 bits");
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			break;
		prev = c;
	}
	/* A last byte that only repeats the previous byte's sign is redundant. */
	if (shift > 0 && ((c == 0 && !(prev & 0x40)) || (c == 0x7f && (prev & 0x40))))
		fail(r, at, "overlong LEB128");
	shift += 7;
	if (shift < 64 && (c & 0x40))
		v |= ~(uint64_t)0 << shift;
	return (int64_t)v;
}

/* A count of items of at least one byte each: it cannot exceed the bytes left. */
static uint32_t count(struct rd *r)
{
	size_t at = r->pos;
	uint32_t n = u32(r);
	if (n > r->end - r->pos)
		fail(r, at, "count %u larger than the %zu bytes left in %s", n,
		     r->end - r->pos, r->what);
	return n;
}

static void *alloc_n(struct rd *r, uint32_t n, size_t size)
{
	return n ? sil_alloc(r->p, (size_t)n * size) : NULL;
}

static const uint8_t *bytes(struct rd *r, uint32_t *len)
{
	size_t at = r->pos;
	*len = u32(r);
	if (*len > r->end - r->pos)
		fail(r, at, "truncated %s (string of %u bytes)", r->what, *len);
	const uint8_t *s = r->buf + r->pos;
	r->pos += *len;
	return s;
}

/* A name or path: held NUL-terminated in memory, so it may not hold a NUL. */
static char *str(struct rd *r)
{
	size_t at = r->pos;
	uint32_t n;
	const uint8_t *s = bytes(r, &n);
	if (memchr(s, 0, n))
		fail(r, at, "name contains a NUL byte");
	return sil_strndup(r->p, (const char *)s, n);
}

static uint8_t u8_below(struct rd *r, unsigned lo, unsigned hi, const char *name)
{
	size_t at = r->pos;
	uint8_t v = u8(r);
	if (v < lo || v >= hi)
		fail(r, at, "unknown %s %u", name, v);
	return v;
}

static uint32_t *list(struct rd *r, uint32_t *n)
{
	*n = count(r);
	uint32_t *v = alloc_n(r, *n, sizeof *v);
	for (uint32_t i = 0; i < *n; i++)
		v[i] = u32(r);
	return v;
}

static void read_consts(struct rd *r)
{
	struct sil_pkg *p = r->p;
	p->nconsts = count(r);
	p->consts = alloc_n(r, p->nconsts, sizeof *p->consts);
	for (uint32_t i = 0; i < p->nconsts; i++) {
		struct sil_const *k = &p->consts[i];
		k->tag = u8_below(r, SIL_K_STRING, SIL_K_F64 + 1, "constant tag");
		if (k->tag == SIL_K_STRING) {
			const uint8_t *s = bytes(r, &k->len);
			k->bytes = sil_strndup(p, (const char *)s, k->len);
		} else {
			for (int j = 0; j < 8; j++)
				k->f64bits |= (uint64_t)u8(r) << (8 * j);
		}
	}
}

static void read_type(struct rd *r, struct sil_type *t)
{
	t->kind = u8_below(r, SIL_TK_ARRAY, SIL_TK__COUNT, "type kind");
	switch (t->kind) {
	case SIL_TK_ARRAY: case SIL_TK_XARRAY: case SIL_TK_CELL:
		t->elem = u32(r);
		break;
	case SIL_TK_STRUCT: case SIL_TK_XSTRUCT:
		t->name = str(r);
		t->nfields = count(r);
		t->fields = alloc_n(r, t->nfields, sizeof *t->fields);
		for (uint32_t j = 0; j < t->nfields; j++) {
			t->fields[j].name = str(r);
			t->fields[j].type = u32(r);
		}
		break;
	case SIL_TK_ENDPOINT: case SIL_TK_ESET:
		t->contract = u32(r);
		t->side = u8_below(r, SIL_IMP, SIL_EXP + 1, "endpoint side");
		t->state = u32(r);
		if (t->kind == SIL_TK_ESET)
			t->elem = u32(r);
		break;
	case SIL_TK_ANYEP:
		t->side = u8_below(r, SIL_IMP, SIL_EXP + 1, "endpoint side");
		break;
	default: /* ioport: no payload */
		break;
	}
}

static void read_types(struct rd *r)
{
	struct sil_pkg *p = r->p;
	p->ntypes = count(r);
	p->types = alloc_n(r, p->ntypes, sizeof *p->types);
	for (uint32_t i = 0; i < p->ntypes; i++)
		read_type(r, &p->types[i]);
}

static void read_contract(struct rd *r, struct sil_contract *c)
{
	c->name = str(r);
	c->nmsgs = count(r);
	c->msgs = alloc_n(r, c->nmsgs, sizeof *c->msgs);
	for (uint32_t j = 0; j < c->nmsgs; j++) {
		c->msgs[j].name = str(r);
		c->msgs[j].dir = u8_below(r, SIL_IN, SIL_OUT + 1, "message direction");
		c->msgs[j].args = list(r, &c->msgs[j].nargs);
	}
	c->nstates = count(r);
	c->states = alloc_n(r, c->nstates, sizeof *c->states);
	for (uint32_t j = 0; j < c->nstates; j++) {
		struct sil_state *s = &c->states[j];
		s->name = str(r);
		s->ntrans = count(r);
		s->trans = alloc_n(r, s->ntrans, sizeof *s->trans);
		for (uint32_t t = 0; t < s->ntrans; t++) {
			s->trans[t].msg = u32(r);
			s->trans[t].next = u32(r);
		}
	}
	c->bound_in = u32(r);
	c->bound_out = u32(r);
}

static void read_contracts(struct rd *r)
{
	struct sil_pkg *p = r->p;
	p->ncontracts = count(r);
	p->contracts = alloc_n(r, p->ncontracts, sizeof *p->contracts);
	for (uint32_t i = 0; i < p->ncontracts; i++)
		read_contract(r, &p->contracts[i]);
	if (r->pos == r->end)
		return;   /* no contract extends another (the original layout) */
	/* One encoding only: the writer leaves the list out when it is empty
	 * and gives it in ascending contract order. */
	size_t at = r->pos;
	uint32_t n = count(r);
	if (n == 0)
		fail(r, at, "empty list of contract bases (leave it out)");
	for (uint32_t i = 0, prev = 0; i < n; i++) {
		at = r->pos;
		uint32_t c = u32(r);
		if (c >= p->ncontracts || (i > 0 && c <= prev))
			fail(r, at, "base of contract %u: no such contract, or not "
			     "in ascending order", c);
		prev = c;
		p->contracts[c].has_base = 1;
		p->contracts[c].base = u32(r);
	}
}

static void read_cases(struct rd *r, struct sil_insn *in)
{
	in->ncases = count(r);
	in->cases = alloc_n(r, in->ncases, sizeof *in->cases);
	for (uint32_t i = 0; i < in->ncases; i++) {
		struct sil_case *c = &in->cases[i];
		c->ep = u32(r);
		c->msg = u32(r);
		c->label = u32(r);
		c->args = list(r, &c->nargs);
	}
}

/* Operands are decoded by their kind letters in sil_ops[]: no opcode switch. */
static void read_insn(struct rd *r, struct sil_insn *in)
{
	size_t at = r->pos;
	uint8_t op = u8(r);
	if (op >= OP__COUNT)
		fail(r, at, "unknown opcode %u", op);
	in->op = op;
	int k = 0;
	for (const char *o = sil_ops[op].operands; *o; o++) {
		switch (*o) {
		case '*': in->list = list(r, &in->nlist); break;
		case 'S': read_cases(r, in); break;
		case 'i': in->a[k++] = sleb(r); break;
		case 'd': in->a[k++] = (int64_t)u32(r) - 1; break;
		default: in->a[k++] = u32(r); break;
		}
	}
}

static void read_func(struct rd *r, struct sil_func *f)
{
	f->name = str(r);
	f->nparams = count(r);
	f->pflags = alloc_n(r, f->nparams, 1);
	for (uint32_t j = 0; j < f->nparams; j++)
		f->pflags[j] = u8_below(r, 0, SIL_P_BORROW + 1, "parameter flags");
	f->ret = u32(r);
	size_t at = r->pos;
	f->locals = list(r, &f->nlocals);
	/* Parameters are locals 0..nparams-1: every tool indexes locals by them. */
	if (f->nlocals < f->nparams)
		fail(r, at, "%u locals, fewer than the %u parameters", f->nlocals, f->nparams);
	f->ninsns = count(r);
	f->insns = alloc_n(r, f->ninsns, sizeof *f->insns);
	for (uint32_t j = 0; j < f->ninsns; j++)
		read_insn(r, &f->insns[j]);
}

static void read_funcs(struct rd *r)
{
	struct sil_pkg *p = r->p;
	p->nfuncs = count(r);
	p->funcs = alloc_n(r, p->nfuncs, sizeof *p->funcs);
	for (uint32_t i = 0; i < p->nfuncs; i++)
		read_func(r, &p->funcs[i]);
}

static struct sil_svcdecl *svcs(struct rd *r, uint32_t *n)
{
	*n = count(r);
	struct sil_svcdecl *v = alloc_n(r, *n, sizeof *v);
	for (uint32_t i = 0; i < *n; i++) {
		v[i].path = str(r);
		v[i].contract = u32(r);
	}
	return v;
}

static void read_manifest(struct rd *r)
{
	struct sil_manifest *m = &r->p->man;
	m->name = str(r);
	m->version = str(r);
	m->kind = u8_below(r, SIL_APP, SIL_SERVICE + 1, "package kind");
	m->budget = uleb(r, 64);
	m->ncaps = count(r);
	m->caps = alloc_n(r, m->ncaps, sizeof *m->caps);
	for (uint32_t i = 0; i < m->ncaps; i++)
		m->caps[i] = str(r);
	m->neps = count(r);
	m->eps = alloc_n(r, m->neps, sizeof *m->eps);
	for (uint32_t i = 0; i < m->neps; i++) {
		m->eps[i].path = str(r);
		m->eps[i].type = u32(r);
	}
	m->provides = svcs(r, &m->nprovides);
	m->deps = svcs(r, &m->ndeps);
	m->nhw = count(r);
	m->hw = alloc_n(r, m->nhw, sizeof *m->hw);
	for (uint32_t i = 0; i < m->nhw; i++) {
		m->hw[i].kind = u8_below(r, SIL_HW_IOPORT, SIL_HW_MEMORY + 1, "hardware claim kind");
		m->hw[i].shared = u8_below(r, 0, 2, "hardware sharing flag");
		m->hw[i].base = uleb(r, 64);
		m->hw[i].len = uleb(r, 64);
	}
	if (r->pos < r->end)   /* the optional usage text */
		m->usage = str(r);
}

static void read_hash(struct rd *r)
{
	if (r->end - r->pos != 32)
		fail(r, r->pos, "hash section is %zu bytes, not 32", r->end - r->pos);
	memcpy(r->p->hash, r->buf + r->pos, 32);
	r->pos += 32;
}

static void (*const readers[7])(struct rd *) = {
	NULL, read_consts, read_types, read_contracts, read_funcs, read_manifest, read_hash,
};

/* Section `id`: its header, then its payload, consumed exactly. */
static void read_section(struct rd *r, unsigned id, size_t len)
{
	size_t at = r->pos;
	r->end = len;
	r->what = "section header";
	if (r->pos >= len)
		fail(r, at, "missing section %u (%s)", id, section_names[id]);
	uint8_t got = u8(r);
	if (got == 0 || got > 6)
		fail(r, at, "unknown section id %u", got);
	if (got < id)
		fail(r, at, "section %u (%s) duplicated or out of order", got, section_names[got]);
	if (got > id)
		fail(r, at, "missing section %u (%s)", id, section_names[id]);
	size_t lat = r->pos;
	uint32_t n = u32(r);
	if (n > len - r->pos)
		fail(r, lat, "section %u (%s) length %u past end of input", id, section_names[id], n);
	r->end = r->pos + n;
	r->what = section_names[id];
	readers[id](r);
	if (r->pos != r->end)
		fail(r, r->pos, "%zu bytes left unread at end of %s section", r->end - r->pos,
		     section_names[id]);
}

static void read_all(struct rd *r, size_t len)
{
	r->end = len;
	r->what = "header";
	if (len < 4 || memcmp(r->buf, SIL_MAGIC, 4) != 0)
		fail(r, 0, "bad magic (not a SIL package)");
	r->pos = 4;
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)u8(r) << (8 * i);
	if (v != SIL_VERSION)
		fail(r, 4, "unsupported version %u (this system reads SIL version %u; rebuild the "
		     "package from its source)", v, SIL_VERSION);
	r->p->version = v;
	size_t hashed = 0;
	for (unsigned id = 1; id <= 6; id++) {
		if (id == 6)
			hashed = r->pos;
		read_section(r, id, len);
	}
	if (r->pos != len)
		fail(r, r->pos, "%zu trailing bytes after the hash section", len - r->pos);
	uint8_t h[32];
	sil_sha256(r->buf, hashed, h);
	r->p->hash_ok = memcmp(h, r->p->hash, 32) == 0;
}

struct sil_pkg *sil_read(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	struct rd r = {.buf = buf, .err = err, .errlen = errlen};
	r.p = sil_new();
	if (setjmp(r.fail)) {
		sil_free(r.p);
		return NULL;
	}
	read_all(&r, len);
	return r.p;
}
