/* gc.c - per-SIP mark-sweep heap (see gc.h): chunks, allocation and
 * marking; sweeping and the young and full collections are gc_collect.c,
 * the old generation's incremental cycle gc_cycle.c. */
#include "gc_impl.h"

#include "../hal/hal.h"
#include "exheap.h"
#include "klock.h"
#include "kpool.h"
#include "panic.h"
#include "trace.h"

#define GC_POOL     64u          /* chunks each CPU keeps for reuse: 4 MiB */
#define GC_JUNK     0xdb         /* fills pooled chunks in stress mode */
#define GC_RUN      4096u        /* the longest run handed out */

static const uint32_t class_size[GC_NCLASS] = {
	16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240, 256,
	320, 384, 448, 512, 640, 768, 1024, 1280, 1536, 2048, 2560, 3072, 4096,
};

int gci_class_of(uint64_t size)
{
	if (size <= 256)
		return size ? (int)((size + 15) >> 4) - 1 : 0;
	for (int c = 16; c < GC_NCLASS; c++)
		if (size <= class_size[c])
			return c;
	return -1;
}

/* Whether any of the types is a cell: only a dead cell has work at the
 * sweep (its exchange-heap value is deleted). */
static int any_cells(const struct sing_tinfo *types, uint32_t ntypes)
{
	for (uint32_t i = 0; i < ntypes; i++)
		if (types[i].kind == SING_K_CELL)
			return 1;
	return 0;
}

void gc_init(struct gc_heap *h, const struct sing_tinfo *types, uint32_t ntypes,
             struct sk_budget *budget, struct xh_heap *xh, int stress)
{
	__builtin_memset(h, 0, sizeof *h);
	h->types = types;
	h->ntypes = ntypes;
	h->cells = any_cells(types, ntypes);
	h->budget = budget;
	h->xh = xh;
	h->stress = stress;
	h->markbit = SING_HDR(0, SING_H_MARK);
	h->full_next = GC_FULL_MIN;
	h->young_max = GC_YOUNG;
	h->mapped_wait = GC_WAIT_GROWTH;
	gc_wait_limit(h);
	h->born_ns = hal_clock_ns();
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
 * chunk costs no mmap, munmap or page faults.  Per-CPU caches (kpool.h),
 * under the kernel lock: a collection runs without it (halt.h), so what
 * it touches that is shared (these caches, the budget, the exchange heap)
 * takes it around the touch (klock_enter, recursive).  A host process runs
 * one kernel at a time (as the HAL's one timer assumes).  Chunks hold
 * their last owner's data; see the invariant in gc.h. */
static struct kpool pool = {.cap = GC_POOL};

uint32_t gc_pool_count(void)
{
	return kp_count(&pool);
}

void gc_pool_drain(void)
{
	for (void *c; (c = kp_take(&pool));)
		hal_unmap(c, GC_CHUNK);
}

/* Whether a heap's next chunk comes from a new slab: once it is busy
 * (GC_BUSY of chunks: a small SIP gets no 2 MiB) and the slab fits in its
 * budget (a slab is charged whole when taken; its chunks are not charged
 * again).  A slab is one huge page (hal_map_now HAL_HUGE): fresh 4 KiB
 * pages cost a fault each on first touch, which was the largest single
 * cost of a heap being built (~6 us a page on a virtualised host). */
static int slab_due(const struct gc_heap *h)
{
	return h->mapped >= GC_BUSY && h->budget->used + GC_SLAB <= h->budget->limit;
}

/* Lock held.  A small chunk from the heap's slab, a new slab's first, or
 * NULL: charged to the budget already. */
static void *slab_chunk(struct gc_heap *h, uint64_t bytes)
{
	if (h->slab == h->slab_end) {
		if (!slab_due(h))
			return NULL;
		void *s = hal_map_now(GC_SLAB, HAL_HUGE);
		if (!s)
			return NULL;
		sk_charge(h->budget, GC_SLAB);
		h->slab = (uintptr_t)s;
		h->slab_end = h->slab + GC_SLAB;
		h->slabs++;
	}
	void *c = (void *)h->slab;
	h->slab += bytes;
	return c;
}

/* Lock held.  A chunk charged to the budget, or NULL (over budget, or the
 * host's memory exhausted).  Small chunks: from the slab, else the pool,
 * else a new slab if the heap is busy, else the HAL, with the pages
 * present if the heap has collected already (its chunk will be carved
 * whole soon: a page fault per page cost a tenth of binary-trees' time;
 * a young heap's are not: a SIP that makes three objects touches one
 * page).  Large objects are not pooled: they rely on hal_map's zeroed
 * pages.  *fresh: the chunk comes from the HAL (zero), not the pool. */
static void *chunk_get(struct gc_heap *h, uint64_t bytes, uint32_t size, int *fresh)
{
	*fresh = 1;
	if (size && h->slab < h->slab_end)   /* charged with its slab */
		return slab_chunk(h, bytes);
	if (h->budget->used + bytes > h->budget->limit)
		return NULL;
	void *c = size ? kp_take(&pool) : NULL;
	if (c)
		*fresh = 0;
	else if (size && (c = slab_chunk(h, bytes)))
		return c;
	else
		c = size && h->collections ? hal_map_now(bytes, 0) : hal_map(bytes);
	if (c)
		sk_charge(h->budget, bytes);
	return c;
}

/* Lock held.  Into the pool if it is small and the pool has room: 1. */
static int chunk_pool(const struct gc_heap *h, const struct gc_chunk *c)
{
	if (!c->size || !kp_give(&pool, (void *)c->lo))
		return 0;
	if (h->stress)   /* let stress runs catch anyone relying on zeroed chunks */
		__builtin_memset((void *)c->lo, GC_JUNK, c->hi - c->lo);
	return 1;
}

/* Lock held. */
static void chunk_put(const struct gc_heap *h, const struct gc_chunk *c)
{
	if (!chunk_pool(h, c))
		hal_unmap((void *)c->lo, c->hi - c->lo);
}

static struct gc_chunk *add_chunk(struct gc_heap *h, uint64_t bytes, uint32_t size)
{
	klock_enter();   /* the pool and the budget (an exchange-heap transfer charges it) */
	int fresh = 0;
	void *mem = chunk_get(h, bytes, size, &fresh);
	klock_leave();
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
	h->chunks[i] = (struct gc_chunk){lo, lo + bytes, size ? lo : lo + bytes, lo,
	                                 fresh ? lo : lo + bytes, size, 1, 1, 1, 0, 0, 0};
	h->nchunks++;
	gci_push(&h->youngs, mem);
	for (int c = 0; c < GC_NCLASS; c++)   /* chunks from i on moved up one */
		h->hint[c] += h->hint[c] > i;
	h->sweep_i += h->sweep_i > i;
	h->mapped += bytes;
	gc_wait_limit(h);
	return &h->chunks[i];
}

void gci_remove_chunk(struct gc_heap *h, uint32_t i)
{
	struct gc_chunk c = h->chunks[i];
	klock_enter();
	chunk_put(h, &c);
	h->budget->used -= c.hi - c.lo;
	klock_leave();
	h->mapped -= c.hi - c.lo;
	gc_wait_limit(h);
	for (int k = 0; k < GC_NCLASS; k++)   /* chunks after i move down one */
		h->hint[k] -= h->hint[k] > i;
	h->sweep_i -= h->sweep_i > i;
	for (; i + 1 < h->nchunks; i++)
		h->chunks[i] = h->chunks[i + 1];
	h->nchunks--;
}

/* Adjacent chunks (sorted by lo) that the pool has no room for go back in
 * one hal_unmap: a host flushes every CPU's TLB at each unmap, and a heap
 * of thousands of chunks spent a tenth of binary-trees' CPU time ending. */
void gc_destroy(struct gc_heap *h)
{
	uintptr_t lo = 0, hi = 0;   /* the stretch not unmapped yet */
	for (uint32_t i = 0; i < h->nchunks; i++) {
		const struct gc_chunk *c = &h->chunks[i];
		if (chunk_pool(h, c))
			continue;
		if (c->lo != hi) {
			if (hi)
				hal_unmap((void *)lo, hi - lo);
			lo = c->lo;
		}
		hi = c->hi;
	}
	if (hi)
		hal_unmap((void *)lo, hi - lo);
	if (h->slab < h->slab_end)   /* the slab's rest, never carved */
		hal_unmap((void *)h->slab, h->slab_end - h->slab);
	h->budget->used -= h->mapped + (h->slab_end - h->slab);
	hal_free(h->chunks);
	hal_free(h->mark.v);
	hal_free(h->gray.v);
	hal_free(h->rem.v);
	hal_free(h->slots.v);
	hal_free(h->youngs.v);
	__builtin_memset(h, 0, sizeof *h);
}

struct gc_chunk *gci_find_chunk(struct gc_heap *h, uintptr_t a)
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

/* The next run of free slots in chunk c from its scan cursor, at most max
 * slots: [*a, *e).  Slots at or above the top are free (junk). */
static int next_run(struct gc_chunk *c, uint64_t max, uintptr_t *a, uintptr_t *e)
{
	const uint64_t freebit = SING_HDR(0, SING_H_FREE);
	uintptr_t p = c->scan, end = gci_chunk_end(c);
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
 * creation; what lies at or above the chunk's clean mark is zero already:
 * a SIP building a large structure in fresh chunks zeroes nothing): from
 * the class's current chunk, else the next chunk with free slots, else a
 * new chunk (0: over budget).  In stress mode a run is one slot, so every
 * allocation comes back here. */
static int refill(struct gc_heap *h, struct sing_ab *b, int c)
{
	for (;;) {
		struct gc_chunk *ch = h->cur[c] ? gci_find_chunk(h, h->cur[c]) : NULL;
		uintptr_t a, e;
		if (ch && next_run(ch, run_slots(h, c), &a, &e)) {
			if (!ch->young) {   /* the young sweep visits only these */
				ch->young = 1;
				gci_push(&h->youngs, (void *)ch->lo);
			}
			uintptr_t z = e < ch->clean ? e : ch->clean;   /* from clean on: zero */
			if (e > ch->clean)
				ch->clean = e;
			if (c < SING_NAB)   /* bumped inline: the fast path writes only the header */
				__builtin_memset((void *)a, 0, a < z ? z - a : 0);
			else                /* gc_alloc_ab zeroes each object as it is taken */
				for (uintptr_t p = a; p < z; p += class_size[c])
					*(uint64_t *)p = 0;
			b->cur = a;
			b->end = e;
			ch->open++;
			h->run_lo[c] = a;
			h->run_end[c] = e;
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

/* Stress mode's full collections: every 16th collection while the old
 * generation is small, less often as it grows, so that they trace at most
 * about GC_STRESS_TRACE old bytes per allocation (every 16th with 10 MB
 * live traced 600 KB per allocation: a test building such a heap under
 * stress ran for hours).  Young collections stay at every allocation. */
static int stress_full_due(const struct gc_heap *h)
{
	uint64_t gap = h->old_bytes / GC_STRESS_TRACE;
	return h->collections - h->stress_full >= (gap > 16 ? gap : 16);
}

/* Before taking memory: collect when the young generation is full, or
 * run a slice of the old generation's cycle when one is due.  In stress
 * mode at every allocation: a collection (stress_full_due says which are
 * full), or while a cycle runs, every other time a slice. */
static void maybe_collect(struct gc_heap *h, uint64_t bytes)
{
	if (h->stress) {
		if (h->phase != GC_IDLE && h->stress_n++ % 2)
			gc_slice(h);
		else
			gc_collect(h, stress_full_due(h));
	} else if (h->young_bytes + bytes > h->young_max) {
		gc_collect(h, 0);
	} else if (h->phase != GC_IDLE && h->young_bytes >= h->slice_at) {
		gc_slice(h);
	}
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

/* A run used up, when the next young collection promotes whole
 * (h->whole_left): its objects are promoted now, marked in the epoch as
 * that collection's sweep would mark them, while they are still in the
 * cache (the sweep's header write per object was most of bench/mem's
 * collector time: 4.4M headers no longer cached).  A chunk whose runs
 * since the last collection were all promoted early is not read by that
 * sweep (gci_sweep_chunk).  Sound because the collection that comes next
 * promotes every young object anyway: an early-promoted object that gets
 * a young reference is old to the write barrier and remembered, and one
 * that got it while young has it from an object promoted by the same
 * collection (a young collection that must trace, collect_young's finish,
 * promotes whole instead when h->early).  Only b's run if it is the last
 * run handed out of its class (run_lo..run_end): a run of another thread
 * is left to the sweep.  Its slots were free when it was handed out, so
 * no white old object is blackened untraced. */
static void promote_run(struct gc_heap *h, const struct sing_ab *b, int c)
{
	if (!h->whole_left || !b->end || b->end != h->run_end[c] || b->cur != b->end)
		return;
	struct gc_chunk *ch = gci_find_chunk(h, h->run_lo[c]);
	if (!ch || !ch->open)
		return;
	const uint64_t mark = h->markbit, size = class_size[c];
	const uintptr_t end = b->end;   /* read once: the stores below may alias it */
	uint64_t n = 0;
	for (uintptr_t p = h->run_lo[c]; p < end; p += size) {
		uint64_t *obj = (uint64_t *)p;
		if (obj[0] && !(obj[0] & GC_OLD_MASK)) {   /* every slot of a used-up run, in fact */
			obj[0] |= mark;
			n++;
		}
	}
	ch->open--;
	ch->early += (uint32_t)n;
	h->early = 1;
	h->early_bytes += n * size;
	h->run_end[c] = 0;
}

static void *alloc_small(struct gc_heap *h, struct sing_ab *b, int c)
{
	uint32_t size = class_size[c];
	if (b->end - b->cur < size) {
		promote_run(h, b, c);
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

/* Runs of classes above 256 bytes (h->kab, never bumped inline) have only
 * their slots' headers zeroed (the collector reads nothing else of a slot
 * not yet taken): an object is zeroed here, unless its caller writes all
 * of it before anything else allocates (gc_alloc_nz: a string's bytes). */
static void *alloc(struct gc_heap *h, struct sing_ab *ab, uint64_t size, uint64_t hdr, int zero)
{
	int c = gci_class_of(size);
	uint64_t *obj;
	if (c < 0)
		obj = alloc_large(h, size);
	else
		obj = alloc_small(h, c < SING_NAB ? &ab[c] : &h->kab[c], c);
	if (!obj)
		return NULL;
	if (c >= SING_NAB && zero)
		__builtin_memset(obj + 1, 0, size - 8);
	obj[0] = hdr;
	return obj;
}

void *gc_alloc_ab(struct gc_heap *h, struct sing_ab *ab, uint64_t size, uint64_t hdr)
{
	return alloc(h, ab, size, hdr, 1);
}

void *gc_alloc_nz(struct gc_heap *h, struct sing_ab *ab, uint64_t size, uint64_t hdr)
{
	return alloc(h, ab, size, hdr, 0);
}

void *gc_alloc(struct gc_heap *h, uint64_t size, uint64_t hdr)
{
	return gc_alloc_ab(h, h->kab, size, hdr);
}

/* An array of references of GC_SLOT_ARRAY bytes or more. */
static int big_array(const struct gc_heap *h, const uint64_t *obj)
{
	const struct sing_tinfo *ti = &h->types[(uint32_t)obj[0]];
	return ti->kind == SING_K_ARRAY && ti->elem_kind == SING_S_GC &&
	       (uint64_t)((const struct sing_arr *)obj)->len * 8 >= GC_SLOT_ARRAY;
}

/* A big old array written at every allocation (a window of recent
 * objects) was traced whole at every young collection: gcheap.sg's
 * 64K-slot window, 7M times under a collection per allocation.  Its
 * slots are remembered instead (gc.h).  Safe as the remembered set is:
 * both are emptied by every collection, and an array written since is
 * reachable, so no sweep frees it before the next one reads its slots. */
void gc_remember(struct gc_heap *h, void *obj, void **slot)
{
	uint64_t *o = obj;
	if (slot && h->slots.n < GC_SLOTS_MAX && big_array(h, o)) {
		gci_push(&h->slots, slot);
		return;
	}
	o[0] |= SING_HDR(0, SING_H_REM);
	gci_push(&h->rem, obj);
}

/* ---- marking ---- */

/* A stack starts small: every SIP's heap has several (the young list
 * takes its first entry at its first chunk), and a first 8 KiB for each
 * was a tenth of a SIP's creation (bench proc_fork). */
void gci_push(struct gc_stack *st, void *obj)
{
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 32;
		st->v = grow(st->v, st->n, cap, sizeof *st->v);
		st->cap = cap;
	}
	st->v[st->n++] = obj;
}

/* What mark_obj marks.  A young collection: young objects only (neither
 * mark bit: during a cycle the white old ones are the cycle's business).
 * A full collection: everything not marked in this epoch.  The cycle's
 * shading: white objects only (old, the other epoch's bit alone), onto the
 * gray stack.  None: nothing (mwant has a bit mmask masks off). */
void gci_set_mode(struct gc_heap *h, enum gc_mode m)
{
	h->mmask = m == GC_MODE_FULL ? h->markbit | GC_FLAGS(SING_H_STATIC | SING_H_FREE) :
	           m == GC_MODE_NONE ? 0 : GC_OLD_MASK;
	h->mwant = m == GC_MODE_CYCLE ? GC_FLAGS(h->marking) : m == GC_MODE_NONE ? 1 : 0;
	h->to_gray = m == GC_MODE_CYCLE;
	h->mode = m;
}

static inline __attribute__((always_inline)) void mark_obj(struct gc_heap *h, uint64_t *obj)
{
	if ((obj[0] & h->mmask) != h->mwant)
		return;
	obj[0] |= h->markbit;
	h->marked++;
	gci_touch(h, (uintptr_t)obj);
	gci_push(h->to_gray ? &h->gray : &h->mark, obj);
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
	struct gc_chunk *c = gci_find_chunk(h, a);
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

/* A traced reference is marked GC_SOON references later: its header is
 * prefetched now, and read when it leaves the ring.  Reading it at once
 * would stall the trace on a cache miss per object (perf: three quarters
 * of the marking's time, binary-trees); the ring lets GC_SOON misses
 * overlap.  Every loop that traces empties the ring before it returns
 * (soon_flush), so between them it is empty and the marking's mode does
 * not change under it. */
static inline void mark_soon(struct gc_heap *h, uint64_t *obj)
{
	if (!obj)
		return;
	__builtin_prefetch(obj, 1);
	uint64_t *prev = h->soon[h->soon_i];
	h->soon[h->soon_i] = obj;
	h->soon_i = (h->soon_i + 1) % GC_SOON;
	if (h->soon_n == GC_SOON)
		mark_obj(h, prev);
	else
		h->soon_n++;
}

/* Marks what the ring holds, oldest first; 0 if it was empty.  Only the
 * entries held are visited: a list's trace flushes at every node (one
 * reference waiting), and visiting all GC_SOON slots each time made a
 * 64-entry ring cost 64 reads per node. */
int gci_soon_flush(struct gc_heap *h)
{
	int any = h->soon_n > 0;
	for (; h->soon_n > 0; h->soon_n--)
		mark_obj(h, h->soon[(h->soon_i + GC_SOON - h->soon_n) % GC_SOON]);
	return any;
}

/* Marks (soon) obj's referents; returns obj's size in bytes (the work done). */
uint64_t gci_trace(struct gc_heap *h, uint64_t *obj)
{
	uint32_t type = (uint32_t)obj[0];
	if (type >= h->ntypes)
		kpanic("gc: object with a bad type");
	const struct sing_tinfo *ti = &h->types[type];
	uint64_t bytes = 16;
	if (ti->kind == SING_K_STRUCT) {
		struct sing_obj *o = (struct sing_obj *)obj;
		bytes = 8 + 8 * (uint64_t)ti->nslots;
		for (uint32_t i = 0; i < ti->nslots; i++)
			if (ti->slots[i] == SING_S_GC)
				mark_soon(h, o->f[i].p);
	} else if (ti->kind == SING_K_ARRAY || ti->kind == SING_K_STRING) {
		struct sing_arr *a = (struct sing_arr *)obj;
		bytes = 16 + (uint64_t)a->len * (ti->elem_size ? ti->elem_size : 1);
		void **e = (void **)a->data;
		if (ti->elem_kind == SING_S_GC)
			for (int64_t i = 0; i < a->len; i++)
				mark_soon(h, e[i]);
	}
	h->marked_bytes += bytes;
	return bytes;
}

void gci_drain(struct gc_heap *h)
{
	do {
		while (h->mark.n > 0)
			gci_trace(h, h->mark.v[--h->mark.n]);
	} while (gci_soon_flush(h));
}

/* A young collection's extra roots: what the remembered objects and
 * slots point to (a slot's value now: a later store of an old reference
 * or null over a young one needs nothing).  untraced: a full collection,
 * or a young one promoting whole: the set is only emptied. */
void gci_trace_remembered(struct gc_heap *h, int untraced)
{
	for (size_t i = 0; i < h->slots.n && !untraced; i++)
		gc_mark_ref(h, *(void **)h->slots.v[i]);
	h->slots.n = 0;
	for (size_t i = 0; i < h->rem.n; i++) {
		uint64_t *obj = h->rem.v[i];
		obj[0] &= ~GC_FLAGS(SING_H_REM);
		if (!untraced)
			gci_trace(h, obj);
	}
	h->rem.n = 0;
}
