/*
 * gc.h - one SIP's garbage-collected heap: structs, arrays, strings, cells.
 *
 * Small objects come from 64 KiB chunks of one size class each: a free
 * list per class (slots the sweep found dead), else a bump pointer into
 * the class's newest chunk, so a fresh chunk is carved lazily and a SIP
 * that allocates little touches few pages.  Freed small chunks go to a
 * bounded pool shared by every heap of the kernel (gc_pool_*), so a new
 * SIP usually starts without mmap or page faults; large objects get their
 * own mapping.  Collection is mark-sweep: roots are the SIP's
 * own stack segments, scanned conservatively (interior pointers count)
 * between each segment's transition record and its top, plus a few
 * precise roots; objects are traced precisely from the image's type table.
 * A cell swept with a value still inside deletes it from the exchange heap.
 *
 * Invariant: a heap holds only objects of its own SIP; collecting it never
 * touches another heap.  A chunk's slots below its top (the bump frontier)
 * are objects or free slots; above it lies junk, possibly another SIP's
 * old data from the pool, which is never marked, swept or handed out
 * unzeroed (every new object is zeroed, or filled at once by its maker).  It must never mark or write a SING_H_STATIC object
 * (those live read-only in the program image).
 */
#ifndef KERNEL_GC_H
#define KERNEL_GC_H

#include "rt.h"

struct xh_heap;
struct sk_budget;

#define GC_NCLASS 29
#define GC_CHUNK  (64u * 1024)
#define GC_NHIST  7

struct gc_chunk {
	uintptr_t lo, hi;
	uintptr_t top;       /* slots below were handed out (synced at collection) */
	uint32_t size;       /* object size; 0 for a large object */
};

struct gc_heap {
	const struct sing_tinfo *types;
	uint32_t ntypes;
	struct sk_budget *budget;          /* shared with the stacks */
	struct xh_heap *xh;                /* for cells' finalization */
	/* roots: called during a collection to mark the stacks and pins */
	void (*roots)(void *ctx, struct gc_heap *h);
	void *roots_ctx;
	void *free[GC_NCLASS];
	uintptr_t bump[GC_NCLASS], bend[GC_NCLASS];   /* the class's carving chunk */
	struct gc_chunk *chunks;           /* sorted by lo */
	uint32_t nchunks, capchunks;
	uint64_t next_gc;                  /* collect when mapped passes this */
	uint64_t mapped;                   /* bytes of chunks and large objects */
	uint64_t mapped_after;             /* mapped when the last collection ended */
	uint64_t live;                     /* bytes marked by the last collection */
	uint64_t collections;
	uint64_t marked;                   /* objects marked by the last collection */
	uint64_t pause_max_ns, pause_total_ns;
	uint64_t pause_hist[GC_NHIST];     /* pauses < 10 us, < 100 us, ... < 1 s, longer */
	int stress;                        /* collect at every allocation */
	int shrink;                        /* this collection unmaps empty chunks */
	void **mark;                       /* the mark stack */
	size_t nmark, capmark;
};

/* A SIP's memory budget: GC chunks, stack segments and the exchange-heap
 * blocks it owns, together. */
struct sk_budget {
	uint64_t used, limit, peak;
};

static inline void sk_charge(struct sk_budget *b, uint64_t n)
{
	b->used += n;
	if (b->used > b->peak)
		b->peak = b->used;
}

void gc_init(struct gc_heap *h, const struct sing_tinfo *types, uint32_t ntypes,
             struct sk_budget *budget, struct xh_heap *xh, int stress);
/* Release everything (a SIP that ended; its exchange-heap blocks are freed
 * through its owner list, so cells are not finalized here): small chunks
 * to the pool while it has room, the rest to the host. */
void gc_destroy(struct gc_heap *h);
/* Chunks in the pool; give them all back to the host (kernel shutdown). */
uint32_t gc_pool_count(void);
void gc_pool_drain(void);
/* An object of size bytes with header hdr, zeroed if zero (else only its
 * second word is; the caller fills the rest before anything can collect);
 * NULL if over budget. */
void *gc_alloc(struct gc_heap *h, uint64_t size, uint64_t hdr, int zero);
void gc_collect(struct gc_heap *h);
/* The SIP is about to wait (its threads all stopped in ABI calls, or this
 * one blocking in one): collect, giving empty chunks back, if the heap grew
 * by GC_WAIT_GROWTH since the last collection.  A long-lived SIP (the
 * shell, a service) that allocates a little per request and then waits
 * thus keeps its heap near its live size, instead of growing to next_gc
 * (8 MiB) before its first collection. */
#define GC_WAIT_GROWTH (256u * 1024)
void gc_waiting(struct gc_heap *h);
/* For the roots callback. */
void gc_mark_range(struct gc_heap *h, uintptr_t lo, uintptr_t hi);
void gc_mark_ref(struct gc_heap *h, void *p);

#endif
