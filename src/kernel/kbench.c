/* kbench.c - benchmark SIPs driven by the kernel (see kbench.h). */
#include "kbench.h"

#include "chan.h"
#include "ns.h"
#include "sched.h"
#include "sip.h"

#define KB_I64 5u            /* SIL builtin index of i64 (ly_arg.builtin) */
#define KB_MAXEPS 8u
#define KB_MAXSLOTS 16u

struct kb_sip {
	struct sk_kernel *k;
	struct sip *s;
	struct ch_end *imp;      /* the driving end, owned by the kernel */
	int go, took;            /* message indices */
};

static int is_i64s(const struct ly_msg *m, uint32_t n)
{
	if (m->nargs != n)
		return 0;
	for (uint32_t a = 0; a < n; a++)
		if (m->args[a].builtin != KB_I64)
			return 0;
	return 1;
}

/* The contract of main's first endpoint parameter, if it is a benchmark
 * contract's exporting end in its start state (NULL + why otherwise). */
static const struct ly_contract *bench_contract(const struct sk_image *im, int *go, int *took,
                                                const char **why)
{
	const struct sing_image *img = im->img;
	const struct sing_tinfo *ti = img->main_extra ? &img->types[img->main_types[0]] : NULL;
	*why = "main's first endpoint must be the exporting end of a benchmark contract";
	if (!ti || ti->kind != SING_K_ENDPOINT || ti->side != 1 || ti->state != 0)
		return NULL;
	const struct ly_contract *c = im->map.con[ti->contract];
	*go = ly_find_msg(c, "Go", 0);
	*took = ly_find_msg(c, "Took", 1);
	*why = "a benchmark contract needs in Go(i64 n, i64 arg) and out Took(i64 ns)";
	if (*go < 0 || *took < 0 || !is_i64s(&c->msgs[*go], 2) || !is_i64s(&c->msgs[*took], 1) ||
	    c->width > KB_MAXSLOTS + 1)
		return NULL;
	return c;
}

/* eps[1..n]: main's other endpoints, from the services at paths. */
static const char *bind_services(struct sk_kernel *k, const struct sk_image *im,
                                 const char *const *paths, uint32_t n, void **eps,
                                 char *err, unsigned errlen)
{
	for (uint32_t i = 0; i < n; i++) {
		eps[1 + i] = sk_bind(k, im, 1 + i, paths[i], err, errlen);
		if (!eps[1 + i]) {
			while (i-- > 0)
				xh_delete(&k->xh, eps[1 + i]);
			return err;
		}
	}
	return NULL;
}

struct kb_sip *kb_open(struct sk_kernel *k, const struct sk_image *im, const char *name,
                       const char *const *paths, uint32_t npaths, char *err, unsigned errlen)
{
	const char *why = NULL;
	int go = -1, took = -1;
	const struct ly_contract *c = bench_contract(im, &go, &took, &why);
	struct ch_end *imp = NULL, *exp = NULL;
	void *eps[KB_MAXEPS];
	if (c && (npaths >= KB_MAXEPS || im->img->main_extra != 1 + npaths))
		c = NULL, why = "main's endpoint parameters do not match the services given";
	if (c && ch_new(k, &k->kown, c, &imp, &exp) < 0)
		c = NULL, why = "no memory for a channel";
	if (c && bind_services(k, im, paths, npaths, eps, err, errlen)) {
		xh_delete(&k->xh, imp);
		xh_delete(&k->xh, exp);
		return NULL;
	}
	if (!c) {
		sk_copy_str(err, errlen, why);
		return NULL;
	}
	eps[0] = exp;
	struct kb_sip *b = hal_alloc(sizeof *b);
	struct sip *s = b ? sk_start(k, im, name, 0, 0, NULL, eps, NULL, 1 + npaths, err, errlen)
	                  : NULL;
	if (!s) {   /* the endpoints stay ours */
		for (uint32_t i = 0; i < 1 + npaths; i++)
			xh_delete(&k->xh, eps[i]);
		xh_delete(&k->xh, imp);
		hal_free(b);
		if (!b)
			sk_copy_str(err, errlen, "no memory");
		return NULL;
	}
	*b = (struct kb_sip){.k = k, .s = s, .imp = imp, .go = go, .took = took};
	return b;
}

static int fail(char *err, unsigned errlen, const char *why)
{
	sk_copy_str(err, errlen, why);
	return -1;
}

int kb_provide(struct sk_kernel *k, const struct sk_image *im, const char *name,
               const char *path, char *err, unsigned errlen)
{
	const struct sing_image *img = im->img;
	const struct sing_tinfo *ti = img->main_extra == 1 ? &img->types[img->main_types[0]] : NULL;
	int code;
	if (!ti || ti->kind != SING_K_ENDPOINT || ti->side != 1 || ti->state != 0)
		return fail(err, errlen, "a provider's main takes one exporting endpoint");
	const struct ly_contract *con = im->map.con[ti->contract];
	const char *why = ns_check(k, NULL, path, con, 1, &code);
	if (why)
		return fail(err, errlen, why);
	void *ep = ns_provide(k, path, con, k->next_pid);
	if (!ep)
		return fail(err, errlen, "no memory for a channel");
	if (!sk_start(k, im, name, 0, 0, NULL, &ep, NULL, 1, err, errlen)) {
		xh_delete(&k->xh, ep);   /* closes the provider channel: the name goes */
		return -1;
	}
	return 0;
}

int kb_go(struct kb_sip *b, int64_t n, int64_t arg, int64_t *ns, char *err, unsigned errlen)
{
	union sing_slot a[2] = {{.i64 = n}, {.i64 = arg}};
	if (b->s->state != SIP_RUNNING)
		return fail(err, errlen, "the benchmark SIP has ended");
	if (ch_send(b->imp, (uint32_t)b->go, a) < 0)
		return fail(err, errlen, "the benchmark SIP did not take its last Go");
	while (b->imp->count == 0) {
		if (b->s->state != SIP_RUNNING)
			return fail(err, errlen, "the benchmark SIP ended (see its report)");
		if (!sk_step(b->k))   /* other CPUs: waits while they run */
			return fail(err, errlen, "the benchmark SIP is blocked and will not answer");
	}
	union sing_slot out[KB_MAXSLOTS];
	if (ch_pop(b->imp, out, &b->k->kown) != b->took)
		return fail(err, errlen, "the benchmark SIP answered with another message");
	*ns = out[0].i64;
	return 0;
}

int kb_close(struct kb_sip *b)
{
	xh_delete(&b->k->xh, b->imp);
	int rc = sk_wait(b->k, b->s, 0);
	hal_free(b);
	return rc;
}
