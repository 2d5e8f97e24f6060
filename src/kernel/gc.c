/* gc.c - per-SIP mark-sweep heap (see gc.h). */
#include "gc.h"

#include "../hal/hal.h"
#include "exheap.h"
#include "panic.h"
#include "trace.h"

#define GC_POOL     64u          /* chunks kept for reuse: 4 MiB */
#define GC_JUNK     0xdb         /* fills pooled chunks in stress mode */
#define GC_RUN      4096u        /* the longest run handed out */

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
	h->markbit = SING_HDR(0, SING_H_MARK);
	h->full_next = GC_FULL_MIN;
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
	h->chunks[i] = (struct gc_chunk){lo, lo + bytes, size ? lo : lo + bytes, lo, size, 1, 1};
	h->nchunks++;
	for (int c = 0; c < GC_NCLASS; c++)   /* chunks from i on moved up one */
		h->hint[c] += h->hint[c] > i;
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
	for (int k = 0; k < GC_NCLASS; k++)   /* chunks after i move down one */
		h->hint[k] -= h->hint[k] > i;
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
	hal_free(h->rem);
	__builtin_memset(h, 0, sizeof *h);
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

/* ---- allocation ---- */

static uintptr_t chunk_end(const struct gc_chunk *c)
{
	return c->lo + (c->hi - c->lo) / c->size * c->size;
}

/* The next run of free slots in chunk c from its scan cursor, at most max
 * slots: [*a, *e).  Slots at or above the top are free (junk). */
static int next_run(struct gc_chunk *c, uint64_t max, uintptr_t *a, uintptr_t *e)
{
	const uint64_t freebit = SING_HDR(0, SING_H_FREE);
	uintptr_t p = c->scan, end = chunk_end(c);
	while (p < c->top && !(*(uint64_t *)p & freebit))
		p += c->size;
	uintptr_t q = p;
	while (q < end && max > 0 && (q >= c->top || (*(uint64_t *)q & freebit))) {
		q += c->size;
		max--;
	}
	c->scan = q;
	if (q > c->top)
		c->top = q;
	*a = p;
	*e = q;
	return q > p;
}

/* The next chunk of class c that may have free slots. */
static struct gc_chunk *next_avail(struct gc_heap *h, int c)
{
	for (uint32_t i = h->hint[c]; i < h->nchunks; i++)
		if (h->chunks[i].size == class_size[c] && h->chunks[i].avail) {
			h->hint[c] = i + 1;
			return &h->chunks[i];
		}
	h->hint[c] = h->nchunks;
	return NULL;
}

/* How many slots of class c the next run may have: one in stress mode;
 * GC_RUN bytes, or 512 while the heap is young and small (a new SIP that
 * makes a few objects zeroes little). */
static uint64_t run_slots(const struct gc_heap *h, int c)
{
	if (h->stress)
		return 1;
	uint64_t bytes = h->collections == 0 && h->young_bytes < GC_CHUNK ? 512 : GC_RUN;
	return (bytes + class_size[c] - 1) / class_size[c];
}

/* A zeroed run of class c into b, at most GC_RUN bytes (zeroing a whole
 * chunk for a SIP that makes three objects would cost more than the SIP's
 * creation): from the class's current chunk, else the next chunk with free
 * slots, else a new chunk (0: over budget).  In stress mode a run is one
 * slot, so every allocation comes back here. */
static int refill(struct gc_heap *h, struct sing_ab *b, int c)
{
	for (;;) {
		struct gc_chunk *ch = h->cur[c] ? find_chunk(h, h->cur[c]) : NULL;
		uintptr_t a, e;
		if (ch && next_run(ch, run_slots(h, c), &a, &e)) {
			ch->young = 1;
			__builtin_memset((void *)a, 0, e - a);
			b->cur = a;
			b->end = e;
			h->young_bytes += e - a;
			return 1;
		}
		if (ch)
			ch->avail = 0;
		ch = next_avail(h, c);
		if (!ch)
			ch = add_chunk(h, GC_CHUNK, class_size[c]);
		if (!ch)
			return 0;
		h->cur[c] = ch->lo;
	}
}

void gc_drop_ab(struct sing_ab *ab)
{
	__builtin_memset(ab, 0, SING_NAB * sizeof *ab);
}

/* Before taking memory: collect when the young generation is full (in
 * stress mode, always). */
static void maybe_collect(struct gc_heap *h, uint64_t bytes)
{
	if (h->stress || h->young_bytes + bytes > GC_YOUNG)
		gc_collect(h, h->stress && h->collections % 16 == 15);
}

/* Near the budget: a full collection giving empty chunks back. */
static void collect_shrink(struct gc_heap *h)
{
	h->shrink = 1;
	gc_collect(h, 1);
	h->shrink = 0;
}

static void *alloc_large(struct gc_heap *h, uint64_t size)
{
	uint64_t bytes = (size + HAL_PAGE - 1) & ~(uint64_t)(HAL_PAGE - 1);
	if (bytes < size)
		return NULL;
	maybe_collect(h, bytes);
	if (h->budget->used + bytes > h->budget->limit)
		collect_shrink(h);
	struct gc_chunk *ch = add_chunk(h, bytes, 0);
	if (!ch)
		return NULL;
	h->young_bytes += bytes;
	return (void *)ch->lo;
}

static void *alloc_small(struct gc_heap *h, struct sing_ab *b, int c)
{
	uint32_t size = class_size[c];
	if (b->end - b->cur < size) {
		maybe_collect(h, size);
		if (!refill(h, b, c)) {   /* over budget: collect fully, then give chunks back */
			gc_collect(h, 1);
			if (!refill(h, b, c)) {
				collect_shrink(h);
				if (!refill(h, b, c))
					return NULL;
			}
		}
	}
	void *obj = (void *)b->cur;
	b->cur += size;
	return obj;
}

void *gc_alloc_ab(struct gc_heap *h, struct sing_ab *ab, uint64_t size, uint64_t hdr)
{
	int c = class_of(size);
	uint64_t *obj;
	if (c < 0)
		obj = alloc_large(h, size);
	else
		obj = alloc_small(h, c < SING_NAB ? &ab[c] : &h->kab[c], c);
	if (obj)
		obj[0] = hdr;
	return obj;
}

void *gc_alloc(struct gc_heap *h, uint64_t size, uint64_t hdr)
{
	return gc_alloc_ab(h, h->kab, size, hdr);
}

void gc_remember(struct gc_heap *h, void *obj)
{
	uint64_t *o = obj;
	o[0] |= SING_HDR(0, SING_H_REM);
	if (h->nrem == h->caprem) {
		size_t cap = h->caprem ? 2 * h->caprem : 256;
		h->rem = grow(h->rem, h->nrem, cap, sizeof *h->rem);
		h->caprem = cap;
	}
	h->rem[h->nrem++] = obj;
}

/* ---- marking ---- */

/* Marks obj unless it is marked in this epoch (in a young collection:
 * old), static or free. */
static void mark_obj(struct gc_heap *h, uint64_t *obj)
{
	if (obj[0] & (h->markbit | SING_HDR(0, SING_H_STATIC | SING_H_FREE)))
		return;
	obj[0] |= h->markbit;
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
	if (*(uint64_t *)start == 0)
		return;   /* the unused rest of a run */
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
		h->marked_bytes += 8 + 8 * (uint64_t)ti->nslots;
		for (uint32_t i = 0; i < ti->nslots; i++)
			if (ti->slots[i] == SING_S_GC)
				gc_mark_ref(h, o->f[i].p);
	} else if (ti->kind == SING_K_ARRAY || ti->kind == SING_K_STRING) {
		struct sing_arr *a = (struct sing_arr *)obj;
		h->marked_bytes += 16 + (uint64_t)a->len * (ti->elem_size ? ti->elem_size : 1);
		void **e = (void **)a->data;
		if (ti->elem_kind == SING_S_GC)
			for (int64_t i = 0; i < a->len; i++)
				gc_mark_ref(h, e[i]);
	} else {
		h->marked_bytes += 16;
	}
}

/* A young collection's extra roots: what the remembered objects point to. */
static void trace_remembered(struct gc_heap *h, int full)
{
	for (size_t i = 0; i < h->nrem; i++) {
		uint64_t *obj = h->rem[i];
		obj[0] &= ~SING_HDR(0, SING_H_REM);
		if (!full)
			trace(h, obj);
	}
	h->nrem = 0;
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

/* Sweep chunk i (a young collection: only if allocated into since the
 * last one); returns 1 if it was removed.  Marked objects keep their mark
 * (they are old now) and lose the previous epoch's (other).  Empty small
 * chunks stay mapped unless h->shrink (near the budget), since unmapping
 * and mapping again would cost a page fault per page at every cycle. */
static int sweep_chunk(struct gc_heap *h, uint32_t i, int full, uint64_t other)
{
	struct gc_chunk *c = &h->chunks[i];
	if (!full && !c->young)
		return 0;
	c->young = 0;
	const uint64_t mark = h->markbit, freebit = SING_HDR(0, SING_H_FREE);
	if (!c->size) {
		uint64_t *obj = (uint64_t *)c->lo;
		if (obj[0] & mark) {
			obj[0] &= ~other;
			h->live += c->hi - c->lo;
			return 0;
		}
		finalize(h, obj);
		remove_chunk(h, i);
		return 1;
	}
	/* Dead slots become free; those after the last live object are not
	 * written: the top comes down to it (above the top all is free). */
	uint64_t nlive = 0;
	uintptr_t dead = c->lo;   /* where the stretch of dead slots began */
	for (uintptr_t p = c->lo; p < c->top; p += c->size) {
		uint64_t *obj = (uint64_t *)p;
		if (obj[0] & mark) {
			obj[0] &= ~other;
			nlive++;
			for (; dead < p; dead += c->size)
				*(uint64_t *)dead = freebit;
			dead = p + c->size;
		} else if (obj[0] && !(obj[0] & freebit)) {
			finalize(h, obj);
		}
	}
	c->top = dead;
	h->live += nlive * c->size;
	uint64_t nfree = (chunk_end(c) - c->lo) / c->size - nlive;
	c->scan = c->lo;
	c->avail = nfree > 0;
	if (nfree < (chunk_end(c) - c->lo) / c->size || !h->shrink)
		return 0;
	int cls = class_of(c->size);
	if (h->cur[cls] == c->lo)
		h->cur[cls] = 0;
	remove_chunk(h, i);
	return 1;
}

/* Every run handed out is forgotten: the sweep frees its unused slots. */
static void drop_runs(struct gc_heap *h)
{
	__builtin_memset(h->kab, 0, sizeof h->kab);
	__builtin_memset(h->cur, 0, sizeof h->cur);
	__builtin_memset(h->hint, 0, sizeof h->hint);
}

static void record_pause(struct gc_heap *h, uint64_t pause)
{
	h->pause_total_ns += pause;
	if (pause > h->pause_max_ns)
		h->pause_max_ns = pause;
	unsigned b = 0;
	for (uint64_t lim = 10000; b + 1 < GC_NHIST && pause >= lim; lim *= 10)
		b++;
	h->pause_hist[b]++;
}

void gc_collect(struct gc_heap *h, int full)
{
	int64_t t0 = hal_clock_ns();
	TR_EVENT(TR_GC_BEGIN, 0, 0, h->mapped, h->live);
	full = full || h->old_bytes > h->full_next;
	uint64_t other = 0;
	if (full) {   /* a new epoch: every object is unmarked */
		other = h->markbit;
		h->markbit ^= SING_HDR(0, SING_H_MARK | SING_H_MARK2);
		h->full_collections++;
	}
	h->collections++;
	h->marked = h->marked_bytes = 0;
	drop_runs(h);
	h->roots(h->roots_ctx, h);   /* drops the threads' runs first */
	trace_remembered(h, full);
	while (h->nmark > 0)
		trace(h, h->mark[--h->nmark]);
	h->live = 0;
	for (uint32_t i = 0; i < h->nchunks;)
		if (!sweep_chunk(h, i, full, other))
			i++;
	if (full) {
		h->old_bytes = h->live;
		h->full_next = 2 * h->live > GC_FULL_MIN ? 2 * h->live : GC_FULL_MIN;
	} else {
		h->old_bytes += h->marked_bytes;
	}
	h->live = h->old_bytes;
	h->young_bytes = 0;
	h->mapped_after = h->mapped;
	TR_EVENT(TR_GC_END, 0, (uint32_t)h->marked, h->live, h->mapped);
	TR_EVENT(TR_XH_BYTES, 0, 0, 0, h->xh->live_bytes);
	record_pause(h, (uint64_t)(hal_clock_ns() - t0));
}

void gc_waiting(struct gc_heap *h)
{
	if (h->mapped < h->mapped_after + GC_WAIT_GROWTH && h->young_bytes < GC_WAIT_GROWTH)
		return;
	h->shrink = 1;
	gc_collect(h, h->old_bytes <= GC_FULL_MIN);
	h->shrink = 0;
}
