/* stack.c - linked stack segments and sing_morestack (see stack.h). */
#include "stack.h"

#include "sip.h"
#include "gc.h"
#include "kpool.h"

/* Freed first-size segments (with their records), kept for the next
 * thread: reusing one costs no mmap, munmap or page faults.  Per-CPU
 * caches (kpool.h), under the kernel lock, which every caller holds (a
 * thread's creation and end, sing_morestack).  A pooled segment keeps its
 * old frames; the collector scans only a segment's live part (see
 * stack.h), never them. */
#define STK_POOL 64u   /* segments each CPU keeps */
static struct kpool pool = {.cap = STK_POOL};

uint32_t stk_pool_count(void)
{
	return kp_count(&pool);
}

void stk_pool_drain(void)
{
	for (struct stk_seg *s; (s = kp_take(&pool));) {
		hal_unmap((void *)s->lo, s->hi - s->lo);
		hal_free(s);
	}
}

static struct stk_seg *seg_new(size_t size)
{
	struct stk_seg *s = size == STK_FIRST ? kp_take(&pool) : NULL;
	if (s) {
		s->prev = NULL;
		s->saved_sp = NULL;
		s->scanned = 0;
		return s;
	}
	s = hal_alloc(sizeof *s);
	void *mem = s ? hal_map(size) : NULL;
	if (!mem) {
		hal_free(s);
		return NULL;
	}
	s->lo = (uintptr_t)mem;
	s->hi = s->lo + size;
	s->scanned = 0;
	return s;
}

struct stk_seg *stk_map(struct sk_budget *b, size_t size)
{
	size = (size + HAL_PAGE - 1) & ~(size_t)(HAL_PAGE - 1);
	if (b->used + size > b->limit)
		return NULL;
	struct stk_seg *s = seg_new(size);
	if (s)
		sk_charge(b, size);
	return s;
}

void stk_unmap(struct sk_budget *b, struct stk_seg *s)
{
	size_t size = s->hi - s->lo;
	b->used -= size;
	if (size == STK_FIRST && kp_give(&pool, s)) {
		hal_stack_forget((void *)s->lo, size);   /* its frames' redzones (ASan) */
		return;
	}
	hal_unmap((void *)s->lo, size);
	hal_free(s);
}

void stk_enter(struct sk_thread *t, struct stk_seg *s)
{
	t->seg = s;
	t->pub.stack_limit = s->lo + STK_RESERVE;
}

/* Unmap every cached segment of t. */
static void cache_flush(struct sk_thread *t)
{
	while (t->cache) {
		struct stk_seg *s = t->cache;
		t->cache = s->prev;
		stk_unmap(&t->sip->budget, s);
	}
	t->cached = 0;
}

void stk_release_all(struct sk_thread *t)
{
	struct sk_budget *b = &t->sip->budget;
	while (t->seg) {
		struct stk_seg *prev = t->seg->prev;
		stk_unmap(b, t->seg);
		t->seg = prev;
	}
	cache_flush(t);
}

/* Segments double in size up to STK_MAXSEG, and always hold need.  Under
 * gcstress (a collection at every allocation) they stay at STK_STRESSSEG:
 * a young collection scans the current segment and none it called onwards
 * from (scanned before), so a million-deep recursion that allocates at
 * every level reads 64 KiB per collection, not up to a MiB. */
static size_t next_size(const struct sk_thread *t, const struct stk_seg *cur, uint64_t need)
{
	size_t max = t->sip->gc.stress ? STK_STRESSSEG : STK_MAXSEG;
	size_t size = 2 * (cur->hi - cur->lo);
	if (size < 64u * 1024)
		size = 64u * 1024;
	if (size > max)
		size = max;
	if (size < need + STK_RESERVE + HAL_PAGE)
		size = need + STK_RESERVE + HAL_PAGE;
	return size;
}

/* A segment of at least size: the cache's top if it is big enough (a
 * repeated descent), else a new one; short of budget, the cache goes
 * back first. */
static struct stk_seg *take_segment(struct sk_thread *t, size_t size)
{
	struct stk_seg *s = t->cache;
	if (s) {
		t->cache = s->prev;
		t->cached -= s->hi - s->lo;
		if (s->hi - s->lo >= size)
			return s;
		stk_unmap(&t->sip->budget, s);
	}
	s = stk_map(&t->sip->budget, size);
	if (!s && t->cache) {
		cache_flush(t);
		s = stk_map(&t->sip->budget, size);
	}
	t->sip->stack_maps++;
	return s;
}

static void cache_put(struct sk_thread *t, struct stk_seg *s)
{
	uint64_t size = s->hi - s->lo;
	if (t->cached + size > t->sip->budget.limit / STK_CACHE_SHARE) {
		stk_unmap(&t->sip->budget, s);
		return;
	}
	s->prev = t->cache;
	t->cache = s;
	t->cached += size;
}

struct seg_call {
	void (*fn)(struct sing_thread *, void *);
	void *frame;
	const void *old_lo;
	size_t old_size;
};

/* Runs first on the new segment. */
static void seg_entry(void *a, void *b)
{
	struct sk_thread *t = a;
	struct seg_call *c = b;
	hal_fiber_finish(NULL, &c->old_lo, &c->old_size);
	klock_leave();   /* SIP code again, on the new segment */
	c->fn(&t->pub, c->frame);
	/* Returned into the segment below (its frame has the call's results):
	 * from now on its frames change, and young collections scan it again.
	 * Nothing allocated since the results were written. */
	t->seg->prev->scanned = 0;
	sk_enter(&t->pub);
	hal_fiber_start(NULL, c->old_lo, c->old_size);
}

/* Reached through the GC stub in abi_stub.S, so trans_sp marks where the
 * SIP's frames on the current segment end. */
void sing_morestack_k(struct sing_thread *pt, void (*fn)(struct sing_thread *, void *),
                      void *frame, uint64_t need, const char *fn_name);
void sing_morestack_k(struct sing_thread *pt, void (*fn)(struct sing_thread *, void *),
                      void *frame, uint64_t need, const char *fn_name)
{
	struct sk_thread *t = sk_self(pt);
	sk_enter(pt);
	struct stk_seg *cur = t->seg;
	struct stk_seg *s = take_segment(t, next_size(t, cur, need));
	if (!s)
		sip_fail(t, SING_F_STACK, fn_name);
	cur->saved_sp = pt->trans_sp;
	s->prev = cur;
	stk_enter(t, s);
	if (t->sip->budget.used > t->stack_peak)
		t->stack_peak = t->sip->budget.used;

	struct seg_call c = {fn, frame, NULL, 0};
	void *fake = NULL;
	hal_fiber_start(&fake, (void *)s->lo, s->hi - s->lo);
	hal_stack_call((void *)s->hi, seg_entry, t, &c);
	hal_fiber_finish(fake, NULL, NULL);

	stk_enter(t, cur);
	cache_put(t, s);
	sk_leave();
}
