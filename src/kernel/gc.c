/* gc.c - per-SIP mark-sweep heap (see gc.h). */
#include "gc.h"

#include "../hal/hal.h"
#include "exheap.h"
#include "panic.h"
#include "trace.h"

#define GC_MIN_NEXT (8u << 20)
#define GC_POOL     64u          /* chunks kept for reuse: 4 MiB */
#define GC_JUNK     0xdb         /* fills pooled chunks in stress mode */

static const uint32_t class_size[GC_NCLASS] = {
	16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	320, 384, 448, 512, 640, 768, 1024, 1280, 1536, 2048, 2560, 3072, 4096,
};

static int class_of(uint64_t size)
{
	if (size <= 256)
		return size ? (int)((size + 15) >> 4) - 1 : 0;
	for (int c = 16; c < GC_NCLASS; c++)
		if (size <= class_size[c])
			return c;
	return -1;
}

void gc_init(struct gc_heap *h, const struct sing_tinfo *types, uint32_t ntypes,
             struct sk_budget *budget, struct xh_heap *xh, int stress)
{
	__builtin_memset(h, 0, sizeof *h);
	h->types = types;
	h->ntypes = ntypes;
	h->budget = budget;
	h->xh = xh;
	h->stress = stress;
	h->next_gc = GC_MIN_NEXT;
}

/* ---- chunks ---- */

static void *grow(void *old, size_t n, size_t newcap, size_t elem)
{
	void *p = hal_alloc(newcap * elem);
	if (!p)
		kpanic("kernel memory exhausted");
	if (old)
		__builtin_memcpy(p, old, n * elem);
	hal_free(old);
	return p;
}

/* Freed small chunks, kept for the next heap that needs one: reusing a
 * chunk costs no mmap, munmap or page faults.  One pool for the kernel,
 * unlocked: the kernel runs on one CPU, and a host process runs one kernel
 * at a time (as the HAL's one timer assumes).  Chunks hold their last
 * owner's data; see the invariant in gc.h. */
static struct {
	void *chunk[GC_POOL];
	uint32_t n;
} pool;

uint32_t gc_pool_count(void)
{
	return pool.n;
}

void gc_pool_drain(void)
{
	while (pool.n > 0)
		hal_unmap(pool.chunk[--pool.n], GC_CHUNK);
}

/* Large objects are not pooled: they rely on hal_map's zeroed pages. */
static void *chunk_get(uint64_t bytes, uint32_t size)
{
	if (size && pool.n > 0)
		return pool.chunk[--pool.n];
	return hal_map(bytes);
}

static void chunk_put(const struct gc_heap *h, const struct gc_chunk *c)
{
	if (!c->size || pool.n == GC_POOL) {
		hal_unmap((void *)c->lo, c->hi - c->lo);
		return;
	}
	if (h->stress)   /* let stress runs catch anyone relying on zeroed chunks */
		__builtin_memset((void *)c->lo, GC_JUNK, c->hi - c->lo);
	pool.chunk[pool.n++] = (void *)c->lo;
}

static struct gc_chunk *add_chunk(struct gc_heap *h, uint64_t bytes, uint32_t size)
{
	if (h->budget->used + bytes > h->budget->limit)
		return NULL;
	void *mem = chunk_get(bytes, size);
	if (!mem)
		return NULL;
	if (h->nchunks == h->capchunks) {
		size_t cap = h->capchunks ? 2 * h->capchunks : 16;
		h->chunks = grow(h->chunks, h->nchunks, cap, sizeof *h->chunks);
		h->capchunks = (uint32_t)cap;
	}
	uint32_t i = h->nchunks;
	while (i > 0 && h->chunks[i - 1].lo > (uintptr_t)mem) {
		h->chunks[i] = h->chunks[i - 1];
		i--;
	}
	uintptr_t lo = (uintptr_t)mem;
	h->chunks[i] = (struct gc_chunk){lo, lo + bytes, size ? lo : lo + bytes, size};
	h->nchunks++;
	h->mapped += bytes;
	sk_charge(h->budget, bytes);
	return &h->chunks[i];
}

static void remove_chunk(struct gc_heap *h, uint32_t i)
{
	struct gc_chunk c = h->chunks[i];
	chunk_put(h, &c);
	h->mapped -= c.hi - c.lo;
	h->budget->used -= c.hi - c.lo;
	for (; i + 1 < h->nchunks; i++)
		h->chunks[i] = h->chunks[i + 1];
	h->nchunks--;
}

void gc_destroy(struct gc_heap *h)
{
	for (uint32_t i = 0; i < h->nchunks; i++)
		chunk_put(h, &h->chunks[i]);
	h->budget->used -= h->mapped;
	hal_free(h->chunks);
	hal_free(h->mark);
	__builtin_memset(h, 0, sizeof *h);
}

static void push_free(struct gc_heap *h, int c, uint64_t *obj)
{
	obj[0] = SING_HDR(0, SING_H_FREE);
	obj[1] = (uint64_t)(uintptr_t)h->free[c];
	h->free[c] = obj;
}

/* The chunk holding address a, or NULL. */
static struct gc_chunk *find_chunk(struct gc_heap *h, uintptr_t a)
{
	uint32_t lo = 0, hi = h->nchunks;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (a < h->chunks[mid].lo)
			hi = mid;
		else if (a >= h->chunks[mid].hi)
			lo = mid + 1;
		else
			return &h->chunks[mid];
	}
	return NULL;
}

/* Record in class c's carving chunk how far it has been carved.  The fast
 * path only moves h->bump; the chunk learns its top when it matters: before
 * a collection reads it, and when a new chunk takes over carving. */
static void sync_top(struct gc_heap *h, int c)
{
	if (h->bump[c])
		find_chunk(h, h->bend[c] - 1)->top = h->bump[c];
}

/* A new chunk for class c, carved from its start as objects are needed. */
static int refill(struct gc_heap *h, int c)
{
	sync_top(h, c);
	struct gc_chunk *ch = add_chunk(h, GC_CHUNK, class_size[c]);
	if (!ch)
		return 0;
	h->bump[c] = ch->lo;
	h->bend[c] = ch->lo + GC_CHUNK / class_size[c] * class_size[c];
	return 1;
}

/* ---- allocation ---- */

static void *alloc_large(struct gc_heap *h, uint64_t size)
{
	uint64_t bytes = (size + HAL_PAGE - 1) & ~(uint64_t)(HAL_PAGE - 1);
	if (bytes < size)
		return NULL;
	if (h->stress || h->mapped + bytes > h->next_gc ||
	    h->budget->used + bytes > h->budget->limit)
		gc_collect(h);
	struct gc_chunk *ch = add_chunk(h, bytes, 0);
	return ch ? (void *)ch->lo : NULL;
}

/* A slot of class c: a dead one the sweep found, else the next one carved
 * from the class's chunk (collecting, or taking a new chunk, when both
 * are used up).  Its contents are whatever the slot last held. */
static uint64_t *alloc_small(struct gc_heap *h, int c)
{
	uint32_t size = class_size[c];
	if (h->stress)
		gc_collect(h);
	if (!h->free[c] && h->bump[c] + size > h->bend[c]) {
		if (h->budget->used + GC_CHUNK > h->budget->limit) {
			h->shrink = 1;   /* give other classes their chunks back */
			gc_collect(h);
			h->shrink = 0;
		} else if (h->mapped + GC_CHUNK > h->next_gc) {
			gc_collect(h);
		}
		if (!h->free[c] && !refill(h, c))
			return NULL;
	}
	uint64_t *obj = h->free[c];
	if (obj) {
		h->free[c] = (void *)(uintptr_t)obj[1];
		return obj;
	}
	obj = (uint64_t *)h->bump[c];
	h->bump[c] += size;
	return obj;
}

void *gc_alloc(struct gc_heap *h, uint64_t size, uint64_t hdr, int zero)
{
	int c = class_of(size);
	uint64_t *obj;
	if (c < 0) {
		obj = alloc_large(h, size);
		if (!obj)
			return NULL;
	} else {
		obj = alloc_small(h, c);
		if (!obj)
			return NULL;
		if (zero)
			__builtin_memset(obj, 0, class_size[c]);
		else
			obj[1] = 0;
	}
	obj[0] = hdr;
	return obj;
}

/* ---- marking ---- */

static void mark_obj(struct gc_heap *h, uint64_t *obj)
{
	if (obj[0] & SING_HDR(0, SING_H_MARK | SING_H_STATIC | SING_H_FREE))
		return;
	obj[0] |= SING_HDR(0, SING_H_MARK);
	h->marked++;
	if (h->nmark == h->capmark) {
		size_t cap = h->capmark ? 2 * h->capmark : 1024;
		h->mark = grow(h->mark, h->nmark, cap, sizeof *h->mark);
		h->capmark = cap;
	}
	h->mark[h->nmark++] = obj;
}

/* A precise reference: null, a static object, or a heap object's start. */
void gc_mark_ref(struct gc_heap *h, void *p)
{
	if (p)
		mark_obj(h, p);
}

/* A conservative word: marks the object it points into, if any. */
static void mark_word(struct gc_heap *h, uintptr_t a)
{
	struct gc_chunk *c = find_chunk(h, a);
	if (!c)
		return;
	uintptr_t start = c->lo;
	if (c->size)
		start += (a - c->lo) / c->size * c->size;
	if (start + (c->size ? c->size : 8) > c->top)
		return;   /* not carved yet (junk), or the unused tail of a chunk */
	mark_obj(h, (uint64_t *)start);
}

/* A word of a stack being scanned: kernel frames may lie in the range
 * (a collection from a PLAIN ABI call, abi.c), with the sanitizer's
 * redzones between their locals. */
__attribute__((no_sanitize_address)) static uintptr_t stack_word(uintptr_t a)
{
	return *(const uintptr_t *)a;
}

void gc_mark_range(struct gc_heap *h, uintptr_t lo, uintptr_t hi)
{
	lo = (lo + 7) & ~(uintptr_t)7;
	for (uintptr_t a = lo; a + 8 <= hi; a += 8)
		mark_word(h, stack_word(a));
}

static void trace(struct gc_heap *h, uint64_t *obj)
{
	uint32_t type = (uint32_t)obj[0];
	if (type >= h->ntypes)
		kpanic("gc: object with a bad type");
	const struct sing_tinfo *ti = &h->types[type];
	if (ti->kind == SING_K_STRUCT) {
		struct sing_obj *o = (struct sing_obj *)obj;
		for (uint32_t i = 0; i < ti->nslots; i++)
			if (ti->slots[i] == SING_S_GC)
				gc_mark_ref(h, o->f[i].p);
	} else if (ti->kind == SING_K_ARRAY && ti->elem_kind == SING_S_GC) {
		struct sing_arr *a = (struct sing_arr *)obj;
		void **e = (void **)a->data;
		for (int64_t i = 0; i < a->len; i++)
			gc_mark_ref(h, e[i]);
	}
}

/* ---- sweeping ---- */

static void finalize(struct gc_heap *h, uint64_t *obj)
{
	uint32_t type = (uint32_t)obj[0];
	if (h->types[type].kind == SING_K_CELL) {
		struct sing_cell *c = (struct sing_cell *)obj;
		if (c->val)
			xh_delete(h->xh, c->val);
	}
}

/* Sweep chunk i; returns 1 if it was removed.  Empty small chunks stay
 * mapped unless h->shrink (near the budget), since unmapping and mapping
 * again would cost a page fault per page at every cycle. */
static int sweep_chunk(struct gc_heap *h, uint32_t i)
{
	struct gc_chunk *c = &h->chunks[i];
	const uint64_t mark = SING_HDR(0, SING_H_MARK), freebit = SING_HDR(0, SING_H_FREE);
	if (!c->size) {
		uint64_t *obj = (uint64_t *)c->lo;
		if (obj[0] & mark) {
			obj[0] &= ~mark;
			h->live += c->hi - c->lo;
			return 0;
		}
		finalize(h, obj);
		remove_chunk(h, i);
		return 1;
	}
	int cls = class_of(c->size), live = 0;
	void *before = h->free[cls];
	for (uintptr_t p = c->lo; p + c->size <= c->top; p += c->size) {
		uint64_t *obj = (uint64_t *)p;
		if (obj[0] & mark) {
			obj[0] &= ~mark;
			live = 1;
			h->live += c->size;
		} else {
			if (!(obj[0] & freebit))
				finalize(h, obj);
			push_free(h, cls, obj);
		}
	}
	if (live || !h->shrink)
		return 0;
	h->free[cls] = before;   /* forget this chunk's slots, then release it */
	if (h->bump[cls] && h->bend[cls] > c->lo && h->bend[cls] <= c->hi)
		h->bump[cls] = h->bend[cls] = 0;   /* it was carving: stop */
	remove_chunk(h, i);
	return 1;
}

void gc_collect(struct gc_heap *h)
{
	int64_t t0 = hal_clock_ns();
	TR_EVENT(TR_GC_BEGIN, 0, 0, h->mapped, h->live);
	h->collections++;
	h->marked = 0;
	for (int c = 0; c < GC_NCLASS; c++)
		sync_top(h, c);
	h->roots(h->roots_ctx, h);
	while (h->nmark > 0)
		trace(h, h->mark[--h->nmark]);
	for (int c = 0; c < GC_NCLASS; c++)
		h->free[c] = NULL;
	h->live = 0;
	for (uint32_t i = 0; i < h->nchunks;)
		if (!sweep_chunk(h, i))
			i++;
	/* Grow the heap when more than half of it stays live. */
	h->next_gc = h->live * 2 > GC_MIN_NEXT ? h->live * 2 : GC_MIN_NEXT;
	h->mapped_after = h->mapped;
	TR_EVENT(TR_GC_END, 0, (uint32_t)h->marked, h->live, h->mapped);
	TR_EVENT(TR_XH_BYTES, 0, 0, 0, h->xh->live_bytes);
	uint64_t pause = (uint64_t)(hal_clock_ns() - t0);
	h->pause_total_ns += pause;
	if (pause > h->pause_max_ns)
		h->pause_max_ns = pause;
	unsigned b = 0;
	for (uint64_t lim = 10000; b + 1 < GC_NHIST && pause >= lim; lim *= 10)
		b++;
	h->pause_hist[b]++;
}

void gc_waiting(struct gc_heap *h)
{
	if (h->mapped < h->mapped_after + GC_WAIT_GROWTH)
		return;
	h->shrink = 1;
	gc_collect(h);
	h->shrink = 0;
}
