/* sip.c - SIPs: create, run on their own stacks, stop, free (see kernel.h). */
#include "sip.h"

#include "panic.h"

/* ---- small freestanding string helpers ---- */

static void copy_str(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < n; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

static void put(const char *s)
{
	hal_write(2, s, __builtin_strlen(s));
}

static void put_u64(uint64_t v)
{
	char buf[24];
	int i = sizeof buf;
	buf[--i] = 0;
	do
		buf[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	put(buf + i);
}

/* ---- the kernel ---- */

struct sk_kernel *sk_boot(unsigned debug)
{
	struct sk_kernel *k = hal_alloc(sizeof *k);
	if (!k)
		kpanic("no memory to boot");
	k->debug = debug;
	k->next_pid = 1;
	return k;
}

uint64_t sk_shutdown(struct sk_kernel *k)
{
	uint64_t live = k->xh.live_bytes;
	if (k->debug & SK_DEBUG_EXHEAP) {
		put("sing: exheap live bytes: ");
		put_u64(live);
		put("\n");
	}
	hal_free(k);
	return live;
}

struct sk_image *sk_load(struct sk_kernel *k, const char *path, const char *hash,
                         char *err, unsigned errlen)
{
	(void)k;
	void *code = hal_code_load(path, err, errlen);
	if (!code)
		return NULL;
	const struct sing_image *img = hal_code_sym(code, "sing_image");
	const char *why = NULL;
	if (!img)
		why = "no sing_image in the object";
	else if (img->rt_version != SING_RT_VERSION)
		why = "object built for another runtime version";
	else if (__builtin_strcmp(img->hash, hash) != 0)
		why = "object was compiled from another package (hash differs)";
	if (why) {
		copy_str(err, errlen, why);
		hal_code_unload(code);
		return NULL;
	}
	struct sk_image *im = hal_alloc(sizeof *im);
	if (!im)
		kpanic("no memory for an image");
	im->code = code;
	im->img = img;
	return im;
}

void sk_unload(struct sk_image *im)
{
	if (!im)
		return;
	hal_code_unload(im->code);
	hal_free(im);
}

/* ---- leaving a SIP's stack ---- */

/* Switch from a SIP thread back to the kernel for good. */
__attribute__((noreturn)) static void sip_leave(struct sk_thread *t)
{
	struct sk_kernel *k = t->sip->k;
	hal_fiber_start(NULL, k->stack_lo, k->stack_size);
	hal_ctx_switch(&t->ctx, &k->ctx);
	kpanic("a finished SIP thread was resumed");
}

void sip_fail(struct sk_thread *t, int why, const char *fn)
{
	struct sip *s = t->sip;
	s->state = SIP_FAILED;
	s->why = why;
	copy_str(s->fn, sizeof s->fn, fn);
	sip_leave(t);
}

/* ---- roots of a SIP's collection ---- */

static void sip_roots(void *ctx, struct gc_heap *h)
{
	struct sip *s = ctx;
	struct sk_thread *t = &s->main;
	gc_mark_ref(h, s->args);
	for (int i = 0; i < SK_NPIN; i++)
		gc_mark_ref(h, t->pin[i]);
	/* The current segment from the transition record up, then every
	 * earlier segment from where it called onwards. */
	uintptr_t sp = (uintptr_t)t->pub.trans_sp;
	for (struct stk_seg *g = t->seg; g; g = g->prev) {
		if (sp < g->lo || sp > g->hi)
			kpanic("gc: transition record outside its segment");
		gc_mark_range(h, sp, g->hi);
		if (g->prev)
			sp = (uintptr_t)g->prev->saved_sp;
	}
}

/* ---- a SIP's life ---- */

static struct sing_str *new_string(struct sip *s, const char *text)
{
	size_t n = __builtin_strlen(text);
	struct sing_str *str = gc_alloc(&s->gc, sizeof *str + n, SING_HDR(SING_TYPE_STRING, 0), 0);
	if (str) {
		str->len = (int64_t)n;
		__builtin_memcpy(str->b, text, n);
	}
	return str;
}

static void make_args(struct sk_thread *t)
{
	struct sip *s = t->sip;
	s->args = gc_alloc(&s->gc, sizeof *s->args + (uint64_t)s->argc * sizeof(void *),
	                   SING_HDR(s->img->args_type, 0), 1);
	if (!s->args)
		sip_fail(t, SING_F_HEAP, "main");
	s->args->len = s->argc;
	for (int i = 0; i < s->argc; i++) {
		struct sing_str *a = new_string(s, s->argv[i]);
		if (!a)
			sip_fail(t, SING_F_HEAP, "main");
		((struct sing_str **)s->args->data)[i] = a;
	}
}

/* The first code on a SIP's first segment. */
static void thread_main(void *arg)
{
	struct sk_thread *t = arg;
	struct sip *s = t->sip;
	hal_fiber_finish(NULL, &s->k->stack_lo, &s->k->stack_size);
	t->pub.trans_sp = (void *)t->seg->hi;   /* no SIP frames yet */
	make_args(t);
	s->status = s->img->entry(&t->pub, s->args);
	s->state = SIP_EXITED;
	sip_leave(t);
}

static void report_failure(const struct sip *s)
{
	static const char *const why[] = {
#define SING_X(e, msg) msg,
		SING_FAILURES(SING_X)
#undef SING_X
	};
	put("sing: sip ");
	put(s->name);
	put(" (pid ");
	put_u64(s->pid);
	put(") failed in function ");
	put(s->fn);
	put(": ");
	put(s->why >= 0 && s->why < SING_F__COUNT ? why[s->why] : "unknown reason");
	if (s->why == SING_F_PANIC) {
		put(": ");
		put(s->msg);
	}
	put("\n");
}

static void report_stats(const struct sip *s)
{
	put("sing: sip ");
	put(s->name);
	put(": collections ");
	put_u64(s->gc.collections);
	put(", peak memory ");
	put_u64(s->main.stack_peak);
	put(" bytes\n");
}

static struct sip *sip_new(struct sk_kernel *k, const struct sk_image *im, const char *name,
                           uint64_t budget)
{
	struct sip *s = hal_alloc(sizeof *s);
	if (!s)
		kpanic("no memory for a SIP");
	s->pid = k->next_pid++;
	copy_str(s->name, sizeof s->name, name);
	s->k = k;
	s->img = im->img;
	s->budget.limit = budget ? budget : SK_DEFAULT_BUDGET;
	gc_init(&s->gc, s->img->types, s->img->ntypes, &s->budget, &k->xh,
	        (k->debug & SK_DEBUG_GCSTRESS) != 0);
	s->gc.roots = sip_roots;
	s->gc.roots_ctx = s;
	xh_list_init(&s->xh_own, s->pid);
	s->main.sip = s;
	return s;
}

static void sip_free(struct sip *s)
{
	xh_free_all(&s->k->xh, &s->xh_own);
	gc_destroy(&s->gc);
	stk_release_all(&s->main);
	hal_free(s);
}

int sk_run(struct sk_kernel *k, const struct sk_image *im, const char *name,
           uint64_t budget, int argc, char *const argv[], int64_t *run_ns)
{
	struct sip *s = sip_new(k, im, name, budget);
	s->argc = argc;
	s->argv = argv;
	int64_t t0 = hal_clock_ns();
	struct stk_seg *seg = stk_map(&s->budget, STK_FIRST);
	if (!seg) {
		s->state = SIP_FAILED;
		s->why = SING_F_STACK;
		copy_str(s->fn, sizeof s->fn, "main");
	} else if (im->img->main_extra) {
		s->state = SIP_FAILED;
		s->why = SING_F_UNSUPPORTED;   /* endpoints need the name service */
		copy_str(s->fn, sizeof s->fn, "main");
		stk_unmap(&s->budget, seg);
	} else {
		stk_enter(&s->main, seg);
		hal_ctx_init(&s->main.ctx, (void *)seg->hi, thread_main, &s->main);
		hal_fiber_start(&k->fake, (void *)seg->lo, seg->hi - seg->lo);
		hal_ctx_switch(&k->ctx, &s->main.ctx);
		hal_fiber_finish(k->fake, NULL, NULL);
	}
	if (run_ns)
		*run_ns = hal_clock_ns() - t0;
	int rc = s->state == SIP_EXITED ? (int)(s->status & 0xff) : SK_EXIT_FAILED;
	if (s->state != SIP_EXITED)
		report_failure(s);
	if (k->debug & SK_DEBUG_STATS)
		report_stats(s);
	sip_free(s);
	return rc;
}
