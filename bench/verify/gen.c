/*
 * gen.c - the verifier's speed benchmark.
 *
 * Builds packages of about 10k, 100k and 1M instructions in memory, made of
 * a realistic mix (loops, GC structs and arrays, exchange-heap buffers
 * moved through xstruct fields, sends and selects on borrowed endpoints,
 * calls with borrowed arguments), verifies each several times and prints
 * instructions verified per second, per size and shape, so the linearity
 * of the one-pass verifier can be seen.  Prints figures; never pass/fail
 * on time.  Built and run by bench/verify/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sil/sil.h"
#include "verify/verify.h"

enum {  /* types */
	T_ARGS = SIL_T_BUILTIN, T_BUF, T_IMP, T_EXP, T_BOX, T_PT, T_ARR,
};
enum {  /* worker locals */
	L_IMP, L_EXP, L_I, L_N, L_B, L_BUF, L_T, L_BOX, L_PT, L_ARR, L_U8, L_RBUF,
	L_ONE, L_S, L_RESP, L_COUNT
};

struct code {
	struct sil_insn *v;
	uint32_t n, cap;
};

static struct sil_insn *emit(struct code *c, uint8_t op, int64_t a0, int64_t a1, int64_t a2)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 256;
		c->v = xrealloc(c->v, c->cap * sizeof *c->v);
	}
	struct sil_insn *in = &c->v[c->n++];
	memset(in, 0, sizeof *in);
	in->op = op;
	in->a[0] = a0;
	in->a[1] = a1;
	in->a[2] = a2;
	return in;
}

static uint32_t *locals(struct sil_pkg *p, const uint32_t *l, uint32_t n)
{
	uint32_t *r = sil_alloc(p, n * sizeof *r);
	memcpy(r, l, n * sizeof *r);
	return r;
}

static void finish(struct sil_pkg *p, struct sil_func *f, const char *name, struct code *c)
{
	f->name = sil_strndup(p, name, strlen(name));
	f->ninsns = c->n;
	f->insns = sil_alloc(p, c->n * sizeof *f->insns);
	memcpy(f->insns, c->v, c->n * sizeof *f->insns);
	c->n = 0;
}

static void cases(struct sil_pkg *p, struct sil_insn *in, uint32_t n, const struct sil_case *k)
{
	in->ncases = n;
	in->cases = sil_alloc(p, n * sizeof *k);
	memcpy(in->cases, k, n * sizeof *k);
}

static uint32_t *one(struct sil_pkg *p, uint32_t r)
{
	return locals(p, &r, 1);
}

/* One loop of the worker: ~34 instructions. */
static void block(struct sil_pkg *p, struct code *c)
{
	uint32_t top, sel, req, resp, fail;   /* indices: c->v moves as it grows */
	emit(c, OP_CONST, L_I, 0, 0);
	emit(c, OP_CONST, L_N, 8, 0);
	emit(c, OP_CONST, L_ONE, 1, 0);
	emit(c, OP_NEW, L_PT, 0, 0);
	emit(c, OP_NEWARR, L_ARR, L_N, 0);
	top = c->n;
	emit(c, OP_LT, L_B, L_I, L_N);
	emit(c, OP_JF, L_B, 0, 0);                /* target patched at the end */
	emit(c, OP_XNEWARR, L_BUF, L_N, 0);
	emit(c, OP_LDFLD, L_T, L_PT, 0);
	emit(c, OP_ADD, L_T, L_T, L_I);
	emit(c, OP_STFLD, L_PT, 1, L_T);
	emit(c, OP_STELEM, L_ARR, L_I, L_T);
	emit(c, OP_LDELEM, L_T, L_ARR, L_I);
	emit(c, OP_LEN, L_T, L_BUF, 0);
	emit(c, OP_CONV, L_U8, L_T, 0);
	emit(c, OP_STELEM, L_BUF, L_I, L_U8);
	emit(c, OP_XNEW, L_BOX, 0, 0);
	emit(c, OP_STFLD, L_BOX, 0, L_T);
	emit(c, OP_XPUT, L_BOX, 1, L_BUF);
	emit(c, OP_XTAKE, L_BUF, L_BOX, 1);
	emit(c, OP_DELETE, L_BOX, 0, 0);
	struct sil_insn *s = emit(c, OP_SEND, L_IMP, 0, 0);
	s->nlist = 1;
	s->list = one(p, L_BUF);
	sel = c->n;
	emit(c, OP_SELECT, 0, 0, 0);
	req = c->n;
	struct sil_insn *call = emit(c, OP_CALL, L_T, 0, 0);   /* f0: the helper */
	call->nlist = 1;
	call->list = one(p, L_RBUF);
	s = emit(c, OP_SEND, L_EXP, 1, 0);
	s->nlist = 1;
	s->list = one(p, L_RBUF);
	emit(c, OP_SELECT, 0, 0, 0);
	resp = c->n;
	emit(c, OP_DELETE, L_RESP, 0, 0);
	emit(c, OP_ADD, L_I, L_I, L_ONE);
	emit(c, OP_JMP, top, 0, 0);
	fail = c->n;
	emit(c, OP_SCONST, L_S, 0, 0);
	emit(c, OP_PANIC, L_S, 0, 0);
	uint32_t fail2 = c->n;
	emit(c, OP_SCONST, L_S, 0, 0);
	emit(c, OP_PANIC, L_S, 0, 0);
	uint32_t fail3 = c->n;
	emit(c, OP_SCONST, L_S, 0, 0);
	emit(c, OP_PANIC, L_S, 0, 0);
	struct sil_case k1[3] = {
		{ L_EXP, 1, req, 1, one(p, L_RBUF) }, { L_EXP, 3, fail, 0, NULL },
		{ L_EXP, 0, fail2, 0, NULL },
	};
	struct sil_case k2[2] = { { L_IMP, 2, resp, 1, one(p, L_RESP) }, { L_IMP, 0, fail3, 0, NULL } };
	cases(p, &c->v[sel], 3, k1);
	cases(p, &c->v[req + 2], 2, k2);
	c->v[top + 1].a[1] = c->n;
}

static void helper(struct sil_pkg *p, struct sil_func *f, struct code *c)
{
	static const uint32_t l[] = { T_BUF, SIL_T_I32, SIL_T_I32, SIL_T_BOOL, SIL_T_U8, SIL_T_I32 };
	f->nparams = 1;
	f->pflags = sil_alloc(p, 1);
	f->pflags[0] = SIL_P_BORROW;
	f->ret = SIL_T_I32;
	f->nlocals = 6;
	f->locals = locals(p, l, 6);
	emit(c, OP_CONST, 1, 0, 0);
	emit(c, OP_LEN, 2, 0, 0);
	uint32_t top = c->n;
	emit(c, OP_LT, 3, 1, 2);
	emit(c, OP_JF, 3, top + 6, 0);
	emit(c, OP_LDELEM, 4, 0, 1);
	emit(c, OP_CONV, 5, 4, 0);
	emit(c, OP_ADD, 1, 1, 5);
	emit(c, OP_JMP, top, 0, 0);
	emit(c, OP_RETV, 1, 0, 0);
	finish(p, f, "sum", c);
}

static void worker(struct sil_pkg *p, struct sil_func *f, struct code *c, uint32_t size, uint32_t i)
{
	static const uint32_t l[L_COUNT] = {
		T_IMP, T_EXP, SIL_T_I32, SIL_T_I32, SIL_T_BOOL, T_BUF, SIL_T_I32, T_BOX, T_PT,
		T_ARR, SIL_T_U8, T_BUF, SIL_T_I32, SIL_T_STRING, T_BUF,
	};
	char name[32];
	f->nparams = 2;
	f->pflags = sil_alloc(p, 2);
	f->pflags[0] = f->pflags[1] = SIL_P_BORROW;
	f->ret = SIL_T_VOID;
	f->nlocals = L_COUNT;
	f->locals = locals(p, l, L_COUNT);
	while (c->n + 40 < size)
		block(p, c);
	emit(c, OP_RET, 0, 0, 0);
	snprintf(name, sizeof name, "work%u", i);
	finish(p, f, name, c);
}

static void entry(struct sil_pkg *p, struct sil_func *f, struct code *c, uint32_t nworkers)
{
	static const uint32_t l[] = { T_ARGS, T_IMP, T_EXP, SIL_T_I32 };
	f->nparams = 1;
	f->pflags = sil_alloc(p, 1);
	f->ret = SIL_T_I32;
	f->nlocals = 4;
	f->locals = locals(p, l, 4);
	emit(c, OP_CHNEW, 1, 2, 0);
	for (uint32_t w = 0; w < nworkers; w++) {
		struct sil_insn *in = emit(c, OP_CALL, -1, 2 + w, 0);
		in->nlist = 2;
		in->list = locals(p, (uint32_t[]){ 1, 2 }, 2);
	}
	emit(c, OP_DELETE, 1, 0, 0);
	emit(c, OP_DELETE, 2, 0, 0);
	emit(c, OP_CONST, 3, 0, 0);
	emit(c, OP_RETV, 3, 0, 0);
	finish(p, f, "main", c);
}

static void tables(struct sil_pkg *p)
{
	static const struct sil_type ty[] = {
		{ .kind = SIL_TK_ARRAY, .elem = SIL_T_STRING },
		{ .kind = SIL_TK_XARRAY, .elem = SIL_T_U8 },
		{ .kind = SIL_TK_ENDPOINT, .contract = 0, .side = SIL_IMP },
		{ .kind = SIL_TK_ENDPOINT, .contract = 0, .side = SIL_EXP },
		{ .kind = SIL_TK_XSTRUCT, .nfields = 2 },
		{ .kind = SIL_TK_STRUCT, .nfields = 2 },
		{ .kind = SIL_TK_ARRAY, .elem = SIL_T_I32 },
	};
	p->ntypes = 7;
	p->types = sil_alloc(p, sizeof ty);
	memcpy(p->types, ty, sizeof ty);
	struct sil_field *bf = sil_alloc(p, 2 * sizeof *bf), *pf = sil_alloc(p, 2 * sizeof *pf);
	bf[0] = (struct sil_field){ "n", SIL_T_I32 };
	bf[1] = (struct sil_field){ "data", T_BUF };
	pf[0] = (struct sil_field){ "x", SIL_T_I32 };
	pf[1] = (struct sil_field){ "y", SIL_T_I32 };
	p->types[T_BOX - SIL_T_BUILTIN].name = "Box";
	p->types[T_BOX - SIL_T_BUILTIN].fields = bf;
	p->types[T_PT - SIL_T_BUILTIN].name = "Pt";
	p->types[T_PT - SIL_T_BUILTIN].fields = pf;

	p->nconsts = 1;
	p->consts = sil_alloc(p, sizeof *p->consts);
	p->consts[0] = (struct sil_const){ SIL_K_STRING, 4, "fail", 0 };

	/* Echo: Ready {Req? -> Busy, Bye? -> Done}, Busy {Resp! -> Ready}, Done {} */
	struct sil_contract *k = sil_alloc(p, sizeof *k);
	struct sil_msg *m = sil_alloc(p, 3 * sizeof *m);
	struct sil_state *s = sil_alloc(p, 3 * sizeof *s);
	struct sil_trans *t = sil_alloc(p, 3 * sizeof *t);
	m[0] = (struct sil_msg){ "Req", SIL_IN, 1, one(p, T_BUF) };
	m[1] = (struct sil_msg){ "Resp", SIL_OUT, 1, one(p, T_BUF) };
	m[2] = (struct sil_msg){ "Bye", SIL_IN, 0, NULL };
	t[0] = (struct sil_trans){ 0, 1 };
	t[1] = (struct sil_trans){ 2, 2 };
	t[2] = (struct sil_trans){ 1, 0 };
	s[0] = (struct sil_state){ "Ready", 2, t };
	s[1] = (struct sil_state){ "Busy", 1, t + 2 };
	s[2] = (struct sil_state){ "Done", 0, NULL };
	*k = (struct sil_contract){ "Echo", 3, m, 3, s, 1, 1 };
	p->ncontracts = 1;
	p->contracts = k;
	p->man.name = "bench";
	p->man.version = "1";
	p->hash_ok = 1;   /* built in memory: nothing to compare */
}

/* A package of about `size` instructions in workers of `per` each. */
static struct sil_pkg *build(uint32_t size, uint32_t per)
{
	struct sil_pkg *p = sil_new();
	struct code c = {0};
	uint32_t nw = size / per ? size / per : 1;
	tables(p);
	p->nfuncs = 2 + nw;
	p->funcs = sil_alloc(p, p->nfuncs * sizeof *p->funcs);
	helper(p, &p->funcs[0], &c);
	entry(p, &p->funcs[1], &c, nw);
	for (uint32_t w = 0; w < nw; w++)
		worker(p, &p->funcs[2 + w], &c, per, w);
	free(c.v);
	return p;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void measure(const char *shape, uint32_t size, uint32_t per)
{
	struct sil_pkg *p = build(size, per);
	struct vfy_report rep;
	double best = 1e9;
	int reps = 0;
	for (double start = now(); reps < 3 || (reps < 50 && now() - start < 1.0); reps++) {
		double t0 = now();
		if (vfy_package(p, "bench", stderr, &rep) != 0) {
			fprintf(stderr, "bench: generated package does not verify\n");
			exit(1);
		}
		double dt = now() - t0;
		if (dt < best)
			best = dt;
	}
	printf("%-16s %9llu insns %6u funcs %4d runs  best %9.3f ms  %7.1f M insns/s\n", shape,
	       (unsigned long long)rep.ninsns, rep.nfuncs, reps, best * 1e3,
	       rep.ninsns / best / 1e6);
	sil_free(p);
}

int main(void)
{
	static const uint32_t sizes[] = { 10000, 100000, 1000000 };
	printf("sing verifier: instructions verified per second (best of several runs)\n");
	for (int i = 0; i < 3; i++)
		measure("2k-insn funcs", sizes[i], 2000);
	for (int i = 0; i < 3; i++)
		measure("one big func", sizes[i], sizes[i]);
	return 0;
}
