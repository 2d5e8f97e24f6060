/*
 * abi.c - the kernel side of the ABI that generated code calls (rt.h).
 * Functions of kind GC are named NAME_k here and reached through the
 * transition-record stubs of src/hal/x86_64/abi_stub.S.  Arguments come
 * from verified code, so a bad type index is a kernel bug (kpanic); a
 * failed run-time check stops the calling SIP (sip_fail).  Each entry
 * but clock() holds the kernel lock (klock.h) while it runs: NAME is
 * the locked door to NAME_in.
 */
#include "sip.h"

#include "chan.h"
#include "console.h"
#include "eset.h"
#include "fmt.h"
#include "ns.h"
#include "panic.h"
#include "sched.h"
#include "thread.h"

#define SING_X(name, ret, params, kind) ret name##_k params;
SING_ABI(SING_X)
#undef SING_X

static struct sip *me(struct sing_thread *t)
{
	return sk_self(t)->sip;
}

static const struct sing_tinfo *tinfo(struct sing_thread *t, uint32_t type)
{
	const struct sing_image *img = me(t)->img;
	if (type >= img->ntypes)
		kpanic("abi: type index out of range");
	return &img->types[type];
}

/* From the calling thread's runs (its class's run was used up, or the
 * object is not one generated code bumps itself). */
static void *alloc_or_fail(struct sing_thread *t, uint64_t size, uint64_t hdr, const char *fn)
{
	void *p = gc_alloc_ab(&me(t)->gc, t->ab, size, hdr);
	if (!p)
		sip_fail(sk_self(t), SING_F_HEAP, fn);
	return p;
}

static void need(struct sing_thread *t, int ok, int why, const char *fn)
{
	if (__builtin_expect(!ok, 0))
		sip_fail(sk_self(t), why, fn);
}

/* ---- failures and control ---- */

void sing_fail(struct sing_thread *t, int32_t why, const char *fn)
{
	sk_enter(t);
	sip_fail(sk_self(t), why, fn);
}

void sing_panic(struct sing_thread *t, struct sing_str *msg, const char *fn)
{
	sk_enter(t);
	struct sip *s = me(t);
	size_t n = 0;
	if (msg)
		for (; n < (size_t)msg->len && n + 1 < sizeof s->msg; n++)
			s->msg[n] = (char)msg->b[n];
	s->msg[n] = 0;
	sip_fail(sk_self(t), SING_F_PANIC, fn);
}

/* The preemption timer set t->poll: let the next runnable thread in. */
static void sing_safepoint_k_in(struct sing_thread *t)
{
	__atomic_store_n(&t->poll, 0, __ATOMIC_RELAXED);
	sched_preempted(sk_self(t));
}

void sing_safepoint_k(struct sing_thread *t)
{
	sk_enter(t);
	sing_safepoint_k_in(t);
	sk_leave();
}

static void sing_yield_k_in(struct sing_thread *t)
{
	sched_yield_to_next(sk_self(t));
}

void sing_yield_k(struct sing_thread *t)
{
	sk_enter(t);
	sing_yield_k_in(t);
	sk_leave();
}

int64_t sing_clock(struct sing_thread *t)
{
	(void)t;
	return hal_clock_ns();
}

/* ---- the GC heap ---- */

static void *sing_new_k_in(struct sing_thread *t, uint32_t type, const char *fn)
{
	const struct sing_tinfo *ti = tinfo(t, type);
	uint64_t size = ti->kind == SING_K_CELL ? sizeof(struct sing_cell)
	              : sizeof(struct sing_obj) + (uint64_t)ti->nslots * sizeof(union sing_slot);
	return alloc_or_fail(t, size, SING_HDR(type, 0), fn);
}

void *sing_new_k(struct sing_thread *t, uint32_t type, const char *fn)
{
	sk_enter(t);
	void *r = sing_new_k_in(t, type, fn);
	sk_leave();
	return r;
}

static void *sing_newarr_k_in(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	const struct sing_tinfo *ti = tinfo(t, type);
	need(t, len >= 0, SING_F_NEGLEN, fn);
	need(t, (uint64_t)len <= me(t)->budget.limit / (ti->elem_size ? ti->elem_size : 1),
	     SING_F_HEAP, fn);
	struct sing_arr *a = alloc_or_fail(t, sizeof *a + (uint64_t)len * ti->elem_size,
	                                   SING_HDR(type, 0), fn);
	a->len = len;
	return a;
}

void *sing_newarr_k(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	sk_enter(t);
	void *r = sing_newarr_k_in(t, type, len, fn);
	sk_leave();
	return r;
}

/* The write barrier's slow paths (rt.h, SING_WB). */
void sing_remember(struct sing_thread *t, void *obj, void **slot)
{
	sk_enter(t);
	gc_remember(&me(t)->gc, obj, slot);
	sk_leave();
}

void sing_shade(struct sing_thread *t, void *obj)
{
	sk_enter(t);
	gc_shade(&me(t)->gc, obj);
	sk_leave();
}

/* ---- strings ---- */

/* A string of len bytes, not zeroed: every caller writes all of them
 * before it allocates again. */
static struct sing_str *new_str(struct sing_thread *t, int64_t len, const char *fn)
{
	struct sing_str *s = gc_alloc_nz(&me(t)->gc, t->ab, sizeof *s + (uint64_t)len,
	                                 SING_HDR(SING_TYPE_STRING, 0));
	if (!s)
		sip_fail(sk_self(t), SING_F_HEAP, fn);
	s->len = len;
	return s;
}

static struct sing_str *sing_strcat_k_in(struct sing_thread *t, struct sing_str *a, struct sing_str *b,
                               const char *fn)
{
	need(t, a && b, SING_F_NULLREF, fn);
	struct sk_thread *th = sk_self(t);
	th->pin[0] = a;   /* the allocation may collect */
	th->pin[1] = b;
	struct sing_str *s = new_str(t, a->len + b->len, fn);
	th->pin[0] = th->pin[1] = NULL;
	__builtin_memcpy(s->b, a->b, (size_t)a->len);
	__builtin_memcpy(s->b + a->len, b->b, (size_t)b->len);
	return s;
}

struct sing_str *sing_strcat_k(struct sing_thread *t, struct sing_str *a, struct sing_str *b,
                               const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_strcat_k_in(t, a, b, fn);
	sk_leave();
	return r;
}

/* The decimal text of v (of -v when neg) at the end of buf: its start. */
static int digits(char buf[24], uint64_t v, int neg)
{
	int i = 24;
	do
		buf[--i] = (char)('0' + v % 10);
	while (v /= 10);
	if (neg)
		buf[--i] = '-';
	return i;
}

/* strcatn: a chain a ++ b ++ c ... of strcats (and tostrs of integers)
 * whose intermediate results nothing else reads (lower.c proves it), in
 * one allocation and one copy of each part.  The parts are in the
 * caller's frame, which the collector scans like the rest of the SIP's
 * stack. */
static struct sing_str *sing_strcatn_k_in(struct sing_thread *t, const struct sing_strpart *parts,
                                          uint32_t n, const char *fn)
{
	char num[SING_STRPARTS][24];
	int at[SING_STRPARTS];
	int64_t len = 0;
	need(t, n <= SING_STRPARTS, SING_F_UNREACHABLE, fn);
	for (uint32_t i = 0; i < n; i++) {
		const struct sing_strpart *q = &parts[i];
		if (q->kind == SING_PART_STR) {
			need(t, q->s != NULL, SING_F_NULLREF, fn);
			len += q->s->len;
		} else {
			int neg = q->kind == SING_PART_INT && q->v < 0;
			at[i] = digits(num[i], neg ? 0 - (uint64_t)q->v : (uint64_t)q->v, neg);
			len += 24 - at[i];
		}
	}
	struct sing_str *s = new_str(t, len, fn);
	uint8_t *p = s->b;
	for (uint32_t i = 0; i < n; i++) {
		const struct sing_strpart *q = &parts[i];
		const void *from = q->kind == SING_PART_STR ? (const void *)q->s->b : num[i] + at[i];
		size_t k = q->kind == SING_PART_STR ? (size_t)q->s->len : (size_t)(24 - at[i]);
		__builtin_memcpy(p, from, k);
		p += k;
	}
	return s;
}

struct sing_str *sing_strcatn_k(struct sing_thread *t, const struct sing_strpart *parts, uint32_t n,
                                const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_strcatn_k_in(t, parts, n, fn);
	sk_leave();
	return r;
}

static struct sing_str *sing_substr_k_in(struct sing_thread *t, struct sing_str *s, int64_t from,
                               int64_t len, const char *fn)
{
	need(t, s != NULL, SING_F_NULLREF, fn);
	need(t, from >= 0 && len >= 0 && from <= s->len && len <= s->len - from, SING_F_SUBSTR, fn);
	struct sk_thread *th = sk_self(t);
	th->pin[0] = s;
	struct sing_str *r = new_str(t, len, fn);
	th->pin[0] = NULL;
	__builtin_memcpy(r->b, s->b + from, (size_t)len);
	return r;
}

struct sing_str *sing_substr_k(struct sing_thread *t, struct sing_str *s, int64_t from,
                               int64_t len, const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_substr_k_in(t, s, from, len, fn);
	sk_leave();
	return r;
}

static struct sing_str *text(struct sing_thread *t, const char *p, size_t n, const char *fn)
{
	struct sing_str *s = new_str(t, (int64_t)n, fn);
	__builtin_memcpy(s->b, p, n);
	return s;
}

/* bytestr: the bytes of an exheap u8[] (read, not consumed) as a string. */
static struct sing_str *sing_bytestr_k_in(struct sing_thread *t, void *bytes, const char *fn)
{
	need(t, bytes != NULL, SING_F_NULLREF, fn);
	const struct sing_xarr *x = bytes;
	return text(t, (const char *)x->data, (size_t)x->len, fn);
}

struct sing_str *sing_bytestr_k(struct sing_thread *t, void *bytes, const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_bytestr_k_in(t, bytes, fn);
	sk_leave();
	return r;
}

static struct sing_str *utostr(struct sing_thread *t, uint64_t v, int neg, const char *fn)
{
	char buf[24];
	int i = digits(buf, v, neg);
	return text(t, buf + i, sizeof buf - (size_t)i, fn);
}

static struct sing_str *sing_tostr_i_k_in(struct sing_thread *t, int64_t v, const char *fn)
{
	return utostr(t, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, fn);
}

struct sing_str *sing_tostr_i_k(struct sing_thread *t, int64_t v, const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_tostr_i_k_in(t, v, fn);
	sk_leave();
	return r;
}

static struct sing_str *sing_tostr_u_k_in(struct sing_thread *t, uint64_t v, const char *fn)
{
	return utostr(t, v, 0, fn);
}

struct sing_str *sing_tostr_u_k(struct sing_thread *t, uint64_t v, const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_tostr_u_k_in(t, v, fn);
	sk_leave();
	return r;
}

static struct sing_str *sing_tostr_f_k_in(struct sing_thread *t, double v, const char *fn)
{
	char buf[40];
	return text(t, buf, fmt_f64(buf, sizeof buf, v), fn);
}

struct sing_str *sing_tostr_f_k(struct sing_thread *t, double v, const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_tostr_f_k_in(t, v, fn);
	sk_leave();
	return r;
}

static struct sing_str *sing_tostr_b_k_in(struct sing_thread *t, int32_t v, const char *fn)
{
	return v ? text(t, "true", 4, fn) : text(t, "false", 5, fn);
}

struct sing_str *sing_tostr_b_k(struct sing_thread *t, int32_t v, const char *fn)
{
	sk_enter(t);
	struct sing_str *r = sing_tostr_b_k_in(t, v, fn);
	sk_leave();
	return r;
}

static void sing_print_in(struct sing_thread *t, struct sing_str *s, const char *fn)
{
	need(t, s != NULL, SING_F_NULLREF, fn);
	con_write(me(t)->k, s->b, (size_t)s->len);
}

void sing_print(struct sing_thread *t, struct sing_str *s, const char *fn)
{
	sk_enter(t);
	sing_print_in(t, s, fn);
	sk_leave();
}

/* ---- the exchange heap ---- */

static inline const struct ly_layout *layout(struct sing_thread *t, uint32_t type)
{
	tinfo(t, type);
	const struct ly_layout *l = me(t)->im->map.lay[type];
	if (!l)
		kpanic("abi: not an exchange-heap type");
	return l;
}

/* An exchange-heap allocation found the budget short: free the calling
 * thread's parked arrays (rt.h; other threads' slots are theirs alone, so
 * they stay) and collect the SIP's heap (a dead cell frees the block it
 * holds) before the SIP fails.  These
 * ABI calls are PLAIN (no transition record), so make one here:
 * __builtin_unwind_init saves every callee-saved register (the SIP's GC
 * pointers may be in them) in collect_here's frame, and the record is the
 * frame of collect_now below it; the kernel frames above are scanned
 * conservatively with the SIP's, which only keeps more alive. */
static __attribute__((noinline)) void collect_now(struct sk_thread *t)
{
	void *saved = t->pub.trans_sp;
	t->pub.trans_sp = __builtin_frame_address(0);
	gc_collect(&t->sip->gc, 1);
	t->pub.trans_sp = saved;
}

static __attribute__((noinline)) int collect_here(struct sing_thread *t)
{
	__builtin_unwind_init();
	xh_unpark_all(&me(t)->k->xh, t->xpark);
	collect_now(sk_self(t));
	return 1;
}

static void *sing_xnew_in(struct sing_thread *t, uint32_t type, const char *fn)
{
	struct sip *s = me(t);
	void *p = xh_new_struct(&s->k->xh, &s->xh_own, layout(t, type));
	if (!p && collect_here(t))
		p = xh_new_struct(&s->k->xh, &s->xh_own, layout(t, type));
	need(t, p != NULL, SING_F_HEAP, fn);
	return p;
}

void *sing_xnew(struct sing_thread *t, uint32_t type, const char *fn)
{
	sk_enter(t);
	void *r = sing_xnew_in(t, type, fn);
	sk_leave();
	return r;
}

/* A small ordinary array from the thread's parked one of its size's slot
 * (sing_xnewarr_fast found none of this exact size and layout), else
 * new. */
static struct sing_xarr *make_array(struct sing_thread *t, const struct ly_layout *lay,
                                    int64_t len, int dma)
{
	struct sip *s = me(t);
	if (dma)
		return xh_new_dma_array(&s->k->xh, &s->xh_own, lay, len);
	uint64_t size = (uint64_t)len * lay->elem_size;   /* checked by sk_xnewarr */
	struct sing_xarr *x = size <= SING_XPARK_MAX ?
		xh_unpark(&s->k->xh, &s->xh_own, t->xpark, lay, len, size) : NULL;
	return x ? x : xh_new_array_unwritten(&s->k->xh, &s->xh_own, lay, len);
}

/* The budget was short: collect (a dead cell frees its block), try once
 * more, else the SIP fails.  Out of line, so the hit path keeps few
 * registers. */
static __attribute__((noinline)) void *xnewarr_again(struct sing_thread *t,
                                                      const struct ly_layout *lay, int64_t len,
                                                      int dma, const char *fn)
{
	void *p = collect_here(t) ? make_array(t, lay, len, dma) : NULL;
	need(t, p != NULL, SING_F_HEAP, fn);
	return p;
}

void *sk_xnewarr(struct sing_thread *t, uint32_t type, int64_t len, int dma, const char *fn)
{
	struct sip *s = me(t);
	const struct ly_layout *lay = layout(t, type);   /* its elem_size is the type's */
	uint64_t bytes;
	need(t, len >= 0, SING_F_NEGLEN, fn);
	/* a multiplication, not a division: this is the allocation's hot path */
	need(t, !__builtin_mul_overflow((uint64_t)len, (uint64_t)lay->elem_size, &bytes) &&
	     bytes <= s->budget.limit, SING_F_HEAP, fn);
	void *p = make_array(t, lay, len, dma);
	if (__builtin_expect(p != NULL, 1))
		return p;
	return xnewarr_again(t, lay, len, dma, fn);
}

static void *sing_xnewarr_in(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	return sk_xnewarr(t, type, len, 0, fn);
}

void *sing_xnewarr(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	sk_enter(t);
	void *r = sing_xnewarr_in(t, type, len, fn);
	sk_leave();
	return r;
}

/* strbytes: a new owned exheap u8[] (type) holding a copy of s. */
static void *sing_strbytes_in(struct sing_thread *t, uint32_t type, struct sing_str *s, const char *fn)
{
	need(t, s != NULL, SING_F_NULLREF, fn);
	struct sing_xarr *x = sing_xnewarr(t, type, s->len, fn);
	__builtin_memcpy(x->data, s->b, (size_t)s->len);
	xh_wrote(x);
	return x;
}

void *sing_strbytes(struct sing_thread *t, uint32_t type, struct sing_str *s, const char *fn)
{
	sk_enter(t);
	void *r = sing_strbytes_in(t, type, s, fn);
	sk_leave();
	return r;
}

/* The kernel's backstop: a SIP deletes only blocks it owns, so a verifier
 * bug that lets it reach another's block fails it, not the owner. */
static void sing_delete_in(struct sing_thread *t, void *x, const char *fn)
{
	struct sip *s = me(t);
	need(t, xh_owner(x) == &s->xh_own, SING_F_OWNER, fn);
	if (xh_kind(x) != SING_K_XARRAY || !sing_xpark_put(t, x))
		xh_delete(&s->k->xh, x);
}

void sing_delete(struct sing_thread *t, void *x, const char *fn)
{
	sk_enter(t);
	sing_delete_in(t, x, fn);
	sk_leave();
}

static void *sing_xsplit_in(struct sing_thread *t, void *x, int64_t idx, const char *fn)
{
	struct sip *s = me(t);
	struct sing_xarr *a = x;
	need(t, idx >= 0 && idx <= a->len, SING_F_BOUNDS, fn);
	void *p = xh_split(&s->k->xh, &s->xh_own, a, idx);
	if (!p && collect_here(t))
		p = xh_split(&s->k->xh, &s->xh_own, a, idx);
	need(t, p != NULL, SING_F_HEAP, fn);
	return p;
}

void *sing_xsplit(struct sing_thread *t, void *x, int64_t idx, const char *fn)
{
	sk_enter(t);
	void *r = sing_xsplit_in(t, x, idx, fn);
	sk_leave();
	return r;
}

/* ---- channels and threads ---- */

static void *sing_chnew_in(struct sing_thread *t, uint32_t imp_type, void **exp, const char *fn)
{
	struct sip *s = me(t);
	const struct sing_tinfo *ti = tinfo(t, imp_type);
	if (ti->kind != SING_K_ENDPOINT || ti->contract >= s->im->map.ncontracts)
		kpanic("abi: chnew of a non-endpoint type");
	struct ch_end *imp, *ex;
	const struct ly_contract *con = s->im->map.con[ti->contract];
	int rc = ch_new(s->k, &s->xh_own, con, &imp, &ex);
	if (rc && collect_here(t))
		rc = ch_new(s->k, &s->xh_own, con, &imp, &ex);
	need(t, rc == 0, SING_F_HEAP, fn);
	*exp = ex;
	return imp;
}

/* ---- endpoint sets (eset.h) ---- */

static void *sing_esnew_in(struct sing_thread *t, uint32_t type, const char *fn)
{
	struct sip *s = me(t);
	const struct sing_tinfo *ti = tinfo(t, type);
	if (ti->kind != SING_K_ESET || ti->contract >= s->im->map.ncontracts)
		kpanic("abi: esnew of a non-set type");
	const struct ly_contract *con = s->im->map.con[ti->contract];
	struct es_set **maps = ti->elem_kind == SING_S_GC ? &s->maps : NULL;
	void *p = es_new(s->k, &s->xh_own, con, ti->side, ti->state, maps);
	if (!p && collect_here(t))
		p = es_new(s->k, &s->xh_own, con, ti->side, ti->state, maps);
	need(t, p != NULL, SING_F_HEAP, fn);
	return p;
}

/* The backstop: the set and the endpoint are this SIP's, the endpoint at
 * top level and in the set's contract state.  A map's value is the
 * verifier's (a GC reference of this SIP); the collector traces it
 * conservatively (es_roots). */
static void sing_esadd_in(struct sing_thread *t, void *set, void *ep, void *val, const char *fn)
{
	int r = es_add(set, ep, &me(t)->xh_own, val);
	need(t, r != CH_OWNER, SING_F_OWNER, fn);
	if (r)
		sk_copy_str(me(t)->msg, sizeof me(t)->msg,
		            "an endpoint added to a set must be in the set's contract, side and state");
	need(t, r == 0, SING_F_CONTRACT, fn);
}

static int32_t sing_essize_in(struct sing_thread *t, void *set, const char *fn)
{
	need(t, xh_holder(set) == &me(t)->xh_own, SING_F_OWNER, fn);
	return (int32_t)((struct es_set *)set)->n;
}

void *sing_esnew(struct sing_thread *t, uint32_t type, const char *fn)
{
	sk_enter(t);
	void *p = sing_esnew_in(t, type, fn);
	sk_leave();
	return p;
}

void sing_esadd(struct sing_thread *t, void *set, void *ep, void *val, const char *fn)
{
	sk_enter(t);
	sing_esadd_in(t, set, ep, val, fn);
	sk_leave();
}

int32_t sing_essize(struct sing_thread *t, void *set, const char *fn)
{
	sk_enter(t);
	int32_t n = sing_essize_in(t, set, fn);
	sk_leave();
	return n;
}

/* ---- the directory's one primitive (ns.h ns_link) ---- */

/* The backstop: prov is an importing endpoint this SIP holds (borrowed:
 * it may sit in a cell or field), client an exporting one it owns at top
 * level, in its start state; the client end then becomes the kernel's. */
static int32_t sing_ns_connect_in(struct sing_thread *t, void *prov, void *client, const char *fn)
{
	struct sip *s = me(t);
	struct ch_end *p = prov, *c = client;
	need(t, xh_holder(prov) == &s->xh_own && xh_owner(client) == &s->xh_own, SING_F_OWNER, fn);
	int ok = xh_kind(prov) == SING_K_ENDPOINT && xh_kind(client) == SING_K_ENDPOINT &&
	         p->side == 0 && c->side == 1 && ch_state(c) == 0 && !c->set;
	if (!ok)
		sk_copy_str(s->msg, sizeof s->msg, "ns_connect takes a provider's importing end and a "
		            "client's exporting end in its start state");
	need(t, ok, SING_F_CONTRACT, fn);
	xh_send(client);
	xh_recv(client, &s->k->kown);
	return ns_link(s->k, p, c);
}

int32_t sing_ns_connect(struct sing_thread *t, void *prov, void *client, const char *fn)
{
	sk_enter(t);
	int32_t r = sing_ns_connect_in(t, prov, client, fn);
	sk_leave();
	return r;
}

void *sing_chnew(struct sing_thread *t, uint32_t imp_type, void **exp, const char *fn)
{
	sk_enter(t);
	void *r = sing_chnew_in(t, imp_type, exp, fn);
	sk_leave();
	return r;
}

static char *put(char *d, const char *end, const char *src)
{
	while (*src && d < end)
		*d++ = *src++;
	return d;
}

/* The SIP's failure text: "message M not allowed in state S of C", or,
 * when M is allowed but carries an endpoint its argument's type refuses
 * (another contract, side or state; an opaque any.Exp slot checks only
 * the side), "message M carries an endpoint its declared type does not
 * admit". */
static void contract_text(struct sip *s, const struct ch_end *e, uint32_t msg)
{
	const struct ly_contract *c = e->con;
	char *d = s->msg, *end = s->msg + sizeof s->msg - 1;
	d = put(d, end, "message ");
	d = put(d, end, msg < c->nmsgs ? c->msgs[msg].name : "(out of range)");
	if (ch_step(e, msg) == SING_NO_STATE) {
		d = put(d, end, " not allowed in state ");
		d = put(d, end, c->states[ch_state(e)]);
		d = put(d, end, " of ");
		d = put(d, end, c->name);
	} else {
		d = put(d, end, " carries an endpoint its declared type does not admit "
		               "(contract, side or state)");
	}
	*d = 0;
}

__attribute__((noreturn, noinline, cold))
static void send_failed(struct sing_thread *t, struct ch_end *ep, uint32_t msg, int r,
                        const char *fn)
{
	if (r == CH_STATE)
		contract_text(me(t), ep, msg);
	sip_fail(sk_self(t), r == CH_STATE ? SING_F_CONTRACT : r == CH_OWNER ? SING_F_OWNER :
	         SING_F_CHANNEL, fn);
}

/* A send the contract does not allow (or of blocks the SIP does not own)
 * fails the sender before anything moves: the peer never sees it. */
static void sing_send_in(struct sing_thread *t, void *ep, uint32_t msg, union sing_slot *args,
               const char *fn)
{
	ch_send_sip(t, ep, msg, args, fn, send_failed);   /* t->xown is &me(t)->xh_own */
}

void sing_send(struct sing_thread *t, void *ep, uint32_t msg, union sing_slot *args,
               const char *fn)
{
	sk_enter(t);
	sing_send_in(t, ep, msg, args, fn);
	sk_leave();
}

static int32_t sing_select_k_in(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                      union sing_slot *out, const char *fn)
{
	return ch_select(sk_self(t), cases, n, out, &me(t)->xh_own, fn);
}

int32_t sing_select_k(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                      union sing_slot *out, const char *fn)
{
	sk_enter(t);
	int32_t r = sing_select_k_in(t, cases, n, out, fn);
	sk_leave();
	return r;
}

/* The safepoint between a sing_sendsel's send and its receive, as two
 * calls would have polled it: out of the kernel, the poll, in again. */
static void sendsel_poll(struct sing_thread *t)
{
	sk_leave();
	sing_safepoint_k(t);
	sk_enter(t);
}

const struct ch_sip_ops ch_sendsel_ops = {send_failed, sendsel_poll};

/* sing_sendsel_k's call, the kernel entered (the lock held once). */
static inline __attribute__((always_inline))
int32_t sendsel_in(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                   union sing_slot *io, const char *fn)
{
	int32_t r = ch_sendsel_locked(t, cases, n, io, fn);
	if (r == SING_SENDSEL_SWITCH || r == SING_SENDSEL_SWITCH_UNLOCK)
		return r;   /* parked: the lock goes with the switch (sched.c sched_park_locked) */
	sk_leave();
	return r;
}

/* ... entered the long way: the lock not taken yet (another CPU's, or a
 * bug: klock_take_sip), or a stop asked (sk_entered). */
static __attribute__((noinline, cold))
int32_t sendsel_enter(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                      union sing_slot *io, const char *fn, int taken)
{
	if (!taken)
		klock_take_sip();
	sk_entered(t);
	return sendsel_in(t, cases, n, io, fn);
}

/* A send then a switch receive, in one kernel entry (rt.h), with
 * several CPUs: under the kernel lock.  With one there is no lock to take
 * or let go, and the sing_sendsel stub calls ch_sendsel itself
 * (abi_stub.S STUB_SENDSEL).  sk_enter's steps, its common case inline
 * and nothing kept over a call but the result: the lock, free, taken
 * for t's CPU (the one running it), no stop asked. */
int32_t sing_sendsel_k(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                       union sing_slot *io, const char *fn)
{
	CH_STUB_ALIGNED();
	if (__builtin_expect(!klock_smp, 0))   /* (one CPU, traced: ch_sendsel_road; no lock) */
		return ch_sendsel_any(t, cases, n, io, fn);
	int taken = klock_try_sip(sk_self(t)->cpu);
	if (__builtin_expect(!taken || sk_stop_asked(t), 0))
		return sendsel_enter(t, cases, n, io, fn, taken);
	return sendsel_in(t, cases, n, io, fn);
}

static void sing_spawn_in(struct sing_thread *t, void (*start)(struct sing_thread *, union sing_slot *),
                union sing_slot *args, uint32_t n, const char *fn)
{
	need(t, thread_new(me(t), start, args, n) != NULL, SING_F_STACK, fn);
}

void sing_spawn(struct sing_thread *t, void (*start)(struct sing_thread *, union sing_slot *),
                union sing_slot *args, uint32_t n, const char *fn)
{
	sk_enter(t);
	sing_spawn_in(t, start, args, n, fn);
	sk_leave();
}
