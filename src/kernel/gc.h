/*
 * gc.h - one SIP's garbage-collected heap: structs, arrays, strings, cells.
 *
 * Small objects come from 64 KiB chunks of one size class each: a free
 * list per class (slots the sweep found dead), else a bump pointer into
 * the class's newest chunk, so a fresh chunk is carved lazily and a SIP
 * that allocates little touches few pages.  Freed small chunks go to a
 * bounded pool shared by every heap of the kernel (gc_pool_*), so a new
 * SIP usually starts without mmap or page faults; large objects get their
 * own mapping; a busy heap (GC_BUSY of chunks) carves its chunks from
 * 2 MiB slabs in huge pages (GC_SLAB).  Allocation bumps through runs of
 * free slots: a thread
 * keeps one run per small class in its record (sing_thread.ab, bumped
 * inline by generated code: sing_new_fast), the kernel one per class in
 * the heap (kab); a run is found by scanning a chunk's headers for free
 * slots and is zeroed when handed out (at most GC_RUN bytes).
 *
 * Collection is generational mark-sweep with sticky mark bits: an object
 * that survives a collection keeps its mark and is old.  A young
 * collection (every young_max bytes handed out: 1 to 16 MiB, adapted to
 * how many of its objects survive, size_young in gc.c) marks from the
 * roots and the remembered set (old objects a write barrier saw receive a
 * young reference: SING_H_REM, sing_remember) and sweeps only the chunks
 * allocated into since the last collection (a chunk with no old object
 * and nothing marked is emptied unread).  While young collections find
 * a young generation alive whole (a heap being built), streaks of them
 * promote it whole, untraced (plan_whole in gc_collect.c).  Marking
 * prefetches: a traced
 * reference waits in a small ring (soon) while its header loads; the ring
 * is empty outside a marking loop, and the mark and gray stacks hold only
 * marked objects.  The old generation is
 * collected by an incremental cycle when it doubled since the last one
 * (from 32 MiB on, put off while the cycle would cost more than
 * 1/GC_SHARE of the heap's life and the old generation stays within half
 * the budget: cycle_dear in gc_collect.c):
 * the epoch's mark bit flips (SING_H_MARK / SING_H_MARK2), so every old
 * object is white at once; the roots are shaded (gray: the gray stack);
 * then slices of bounded work (GC_MARK_WORK bytes traced, one slice per
 * GC_SLICE_EVERY bytes handed out, and one in each young collection)
 * trace the gray objects, while young collections go on as usual (their
 * survivors are marked in the new epoch: black).  The snapshot barrier
 * (SING_WB while sing_thread.marking is set: sing_shade, gc_shade) shades
 * a white reference before it is overwritten, so every object reachable
 * when the cycle began is marked (snapshot-at-the-beginning) and no
 * final re-scan is needed.  The young collection that finds the gray stack
 * empty ends the marking; the sweep then runs in slices too (GC_SWEEP_WORK
 * chunk bytes each; a chunk allocated into is swept by the next young
 * collection instead).  A full collection stops the SIP for all of it: on
 * request (near the budget, the exchange heap's pressure, a waiting SIP
 * with a small old generation), after finishing any cycle under way.
 * Roots are the SIP's own stack segments, scanned
 * conservatively (interior pointers count) between each segment's
 * transition record and its top, plus a few precise roots; objects are
 * traced precisely from the image's type table.  Nothing moves.  A cell
 * swept with a value still inside deletes it from the exchange heap.
 * Every pause (a collection or a slice) runs inside an ABI call of the
 * allocating thread, with the SIP's other threads stopped.
 *
 * Invariant: a heap holds only objects of its own SIP; collecting it never
 * touches another heap.  A chunk's slots below its top (the bump frontier)
 * are objects or free slots; above it lies junk, possibly another SIP's
 * old data from the pool, which is never marked, swept or handed out
 * unzeroed (runs are zeroed when handed out, but for the part at or above
 * the chunk's clean mark: a chunk fresh from the HAL is zero, and clean
 * rises as runs are handed out; a pooled chunk's clean mark is its end).
 * Below the top a slot is an object, a free slot (SING_H_FREE), or a zero
 * header (the unused rest of a run, in a chunk marked young: the next
 * sweep frees it).  Every store
 * of a GC reference into a GC object outside a collection goes through
 * the write barrier (generated code: sing_wb; the kernel: gc_remember).
 * It must never mark or write a SING_H_STATIC object (those live
 * read-only in the program image).
 */
#ifndef KERNEL_GC_H
#define KERNEL_GC_H

#include "rt.h"

struct xh_heap;
struct sk_budget;

#define GC_NCLASS 29
#define GC_CHUNK  (64u * 1024)
#define GC_NHIST  7
#define GC_SOON   64              /* references a trace holds while their headers load */

#define GC_YOUNG  (1u << 20)      /* the young generation's least size (bytes handed out) */
#define GC_YOUNG_MAX (16u << 20)  /* ... and its greatest (size_young in gc.c) */
#define GC_SLOT_ARRAY 4096u        /* arrays this big remember the slots written */
#define GC_SLOTS_MAX  1024u        /* ... this many a young generation, then whole */
#define GC_FULL_MIN (8u << 20)    /* the old generation's first full-collection mark */
#define GC_SLAB   (2u << 20)      /* a busy heap's chunks come from slabs this big (huge pages) */
#define GC_BUSY   (4u << 20)      /* a heap is busy once its chunks map this much */
#define GC_SLICE_EVERY (128u << 10) /* a slice of an old-generation cycle per this many bytes */
#define GC_MARK_WORK (256u << 10) /* object bytes a marking slice traces */
#define GC_SWEEP_WORK (16u << 20) /* chunk bytes a sweeping slice sweeps */
#define GC_STRESS_TRACE 4096u     /* stress mode: old bytes a full collection may trace per allocation */
#define GC_WHOLE_MAX 32u          /* the longest streak of young generations promoted whole */
#define GC_SHARE 8u               /* a cycle is put off that would take the collector past 1/8 of the heap's life ... */
#define GC_PUT_OFF_MIN (64u << 10) /* ... as foreseen from traced young collections that marked this much; */
#define GC_PUT_OFF_FROM (32u << 20) /* ... and only once the old generation is this big */
#define GC_TOUCH_SHIFT 16         /* touched: one bit per 64 KiB of address space ... */
#define GC_TOUCH_BITS 4096u       /* ... folded into this many bits */

enum gc_phase { GC_IDLE, GC_MARK, GC_SWEEP };

struct gc_stack {
	void **v;
	size_t n, cap;
};

struct gc_chunk {
	uintptr_t lo, hi;
	uintptr_t top;       /* slots below were handed out at some time */
	uintptr_t scan;      /* where the search for the next free run goes on */
	uintptr_t clean;     /* from here on zero: mapped fresh, never handed out (pooled: hi) */
	uint32_t size;       /* object size; 0 for a large object */
	uint8_t young;       /* allocated into since the last collection */
	uint8_t avail;       /* may hold free slots at or after scan */
	uint8_t swept;       /* GC_SWEEP: swept since the marking ended */
	uint32_t nold;       /* objects live when it was last swept (all old) */
	uint32_t open;       /* runs handed out since the last sweep, not promoted early */
	uint32_t early;      /* objects promoted early since the last sweep (promote_run) */
};

/* What marking marks (gci_set_mode).  A young collection: young objects
 * only.  A full collection: everything not marked in this epoch.  The
 * cycle's shading: white objects only, onto the gray stack.  None: a
 * young collection promoting whole visits the roots only so that the
 * threads drop their runs. */
enum gc_mode { GC_MODE_YOUNG, GC_MODE_FULL, GC_MODE_CYCLE, GC_MODE_NONE };

struct gc_heap {
	const struct sing_tinfo *types;
	uint32_t ntypes;
	struct sk_budget *budget;          /* shared with the stacks */
	struct xh_heap *xh;                /* for cells' finalization */
	int cells;                         /* some type is a cell: the sweep has dead ones to finalize */
	/* roots: called during a collection to mark the stacks and pins;
	 * barrier: sets every thread's sing_thread.marking; halt (may be
	 * NULL): on 1 before a collection or slice (the SIP's other threads
	 * stopped, the kernel lock let go: halt.h), on 0 after it */
	void (*roots)(void *ctx, struct gc_heap *h);
	void (*barrier)(void *ctx, uint32_t marking);
	void (*halt)(void *ctx, int on);
	void *roots_ctx;
	struct sing_ab kab[GC_NCLASS];     /* the kernel's own runs */
	uintptr_t cur[GC_NCLASS];          /* lo of the chunk runs come from; 0: none */
	uint32_t hint[GC_NCLASS];          /* chunk index to look for the next one from */
	struct gc_chunk *chunks;           /* sorted by lo */
	uint32_t nchunks, capchunks;
	struct gc_stack youngs;            /* lo of each chunk allocated into since the last collection */
	uint64_t markbit;                  /* the epoch's mark: SING_HDR(0, SING_H_MARK or _MARK2) */
	uint64_t young_bytes;              /* handed out since the last collection */
	uint64_t young_max;                /* a young collection when young_bytes passes this */
	uint64_t promoted;                 /* bytes the last young collection found alive */
	uint64_t old_bytes;                /* live after the last full collection + promoted since */
	uint64_t full_next;                /* a full collection when old_bytes passes this */
	uint64_t cycle_from;               /* old_bytes when the running cycle started */
	uint64_t mapped;                   /* bytes of chunks and large objects */
	uint64_t mapped_wait;              /* mapped when the last collection ended, plus
	                                      GC_WAIT_GROWTH */
	uint64_t young_wait;               /* gc_wait_due's one limit on young_bytes:
	                                      GC_WAIT_GROWTH, 0 once mapped reaches
	                                      mapped_wait (gc_wait_limit) */
	uintptr_t slab, slab_end;          /* what is left of the slab chunks are carved from */
	uint64_t slabs;                    /* slabs taken: the run's */
	uint64_t live;                     /* old bytes after the last collection */
	uint64_t collections, full_collections;
	uint64_t cycles, slices;           /* incremental old-generation cycles; their slices */
	enum gc_phase phase;
	uint32_t marking;                  /* GC_MARK: the white objects' epoch flag; else 0 */
	uint64_t mmask, mwant;             /* mark_obj marks objects whose header & mmask == mwant */
	int to_gray;                       /* ... and pushes them on gray (else on mark) */
	enum gc_mode mode;                 /* what the marking under way marks */
	struct gc_stack gray;              /* the cycle's marked, untraced objects */
	uint64_t slice_at;                 /* young_bytes at which the next slice runs */
	uint32_t unswept, sweep_i;         /* GC_SWEEP: chunks left; where to look */
	uint64_t swept_live;               /* bytes live in the chunks swept fully */
	uint64_t stress_n;                 /* stress mode: allocations while a cycle runs */
	uint64_t stress_full;              /* stress mode: collections at the last full one */
	uint64_t marked;                   /* objects marked by the last collection */
	uint64_t marked_bytes;             /* their bytes */
	uint64_t promoted_total;           /* bytes young collections found alive: the run's */
	uint64_t rem_traced;               /* bytes of remembered old objects they traced whole */
	uint32_t streak;                   /* the last streak promoted whole (collections); 0: none */
	uint32_t whole_left;               /* young collections left to promote whole, untraced */
	int whole;                         /* this young sweep promotes every young object */
	uint64_t young_dead;               /* bytes of objects the last sweep found dead */
	uint64_t whole_bytes;              /* ... and of young objects it promoted whole */
	uint64_t wholes;                   /* young collections that promoted whole: the run's */
	uintptr_t run_lo[GC_NCLASS];       /* the last run handed out of each class: [lo, end) */
	uintptr_t run_end[GC_NCLASS];
	int early;                         /* a run was promoted early since the last collection */
	uint64_t early_bytes;              /* bytes promoted early (promote_run): the run's */
	uint64_t touched[GC_TOUCH_BITS / 64]; /* windows where this collection marked (gci_touch) */
	uint64_t cycle_traced;             /* bytes the cycles' marking traced: the run's */
	int64_t born_ns;                   /* hal_clock_ns at gc_init: the heap's life (cycle_dear) */
	uint64_t mark_ps;                  /* ps per byte traced young collections paused (cycle_dear) */
	uint64_t put_off;                  /* cycles put off (cycle_dear): the run's */
	struct gc_stack rem;               /* the remembered set */
	struct gc_stack slots;             /* slots (void **) of big old arrays given young references */
	uint64_t pause_max_ns, pause_total_ns;
	uint64_t pause_hist[GC_NHIST];     /* pauses < 10 us, < 100 us, ... < 1 s, longer */
	int stress;                        /* collect at every allocation */
	int shrink;                        /* this collection unmaps empty chunks */
	struct gc_stack mark;              /* a pause's marked, untraced objects */
	uint64_t *soon[GC_SOON];           /* references traced, their headers being fetched */
	uint32_t soon_i, soon_n;           /* where the next one goes; how many it holds */
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
/* An object of size bytes with header hdr, zeroed, from the kernel's runs
 * (gc_alloc) or a thread's (gc_alloc_ab: the slow path of sing_new_fast);
 * NULL if over budget. */
void *gc_alloc(struct gc_heap *h, uint64_t size, uint64_t hdr);
void *gc_alloc_ab(struct gc_heap *h, struct sing_ab *ab, uint64_t size, uint64_t hdr);
/* As gc_alloc_ab, not zeroed: for an object whose caller writes all of it
 * before anything else can allocate (so collect). */
void *gc_alloc_nz(struct gc_heap *h, struct sing_ab *ab, uint64_t size, uint64_t hdr);
/* A collection: young (going on with, or starting, the old generation's
 * cycle), or full (stop-the-SIP) if full is set. */
void gc_collect(struct gc_heap *h, int full);
/* A slice of the old generation's cycle (GC_MARK or GC_SWEEP). */
void gc_slice(struct gc_heap *h);
/* Before a collection's marking: forget a thread's runs (its unused slots
 * are freed by the sweep). */
void gc_drop_ab(struct sing_ab *ab);
/* The write barrier's slow paths: obj (old) received a young reference
 * at slot (NULL: somewhere); obj (white) is about to be overwritten while
 * the cycle marks.  A big array (GC_SLOT_ARRAY bytes or more) remembers
 * the slot, up to GC_SLOTS_MAX slots a young generation, and stays
 * unflagged (each such store calls in again); anything else, or past
 * that, is remembered whole (SING_H_REM: traced whole at the next young
 * collection). */
void gc_remember(struct gc_heap *h, void *obj, void **slot);
void gc_shade(struct gc_heap *h, void *obj);
/* The barrier itself, for the kernel's stores of val over cur in obj. */
static inline void gc_write(struct gc_heap *h, void *obj, void *cur, void *val)
{
	if (h->marking && sing_wb_white(cur, h->marking))
		gc_shade(h, cur);
	if (sing_wb_needed(obj, val))
		gc_remember(h, obj, NULL);
}
/* The SIP is about to wait (its threads all stopped in ABI calls, or this
 * one blocking in one): collect, giving empty chunks back, if the heap grew
 * or GC_WAIT_GROWTH bytes were handed out since the last collection; fully
 * if the old generation is small (at most GC_FULL_MIN to mark), so an idle
 * service's heap holds only its live data.  A long-lived SIP (the shell, a
 * service) that allocates a little per request and then waits thus keeps
 * its heap near its live size, instead of growing until its first
 * collection. */
#define GC_WAIT_GROWTH (256u * 1024)
/* 1 if it collected (the kernel lock may have been let go meanwhile). */
int gc_waiting(struct gc_heap *h);
/* Would gc_waiting collect?  Inline: a thread about to block on a
 * message asks, and almost always the answer is no (a round trip's every
 * half: one compare).  Its two reasons are one: young_wait drops to 0
 * once the heap grew (mapped >= mapped_wait), which every change of
 * mapped or mapped_wait keeps (gc_wait_limit). */
static inline int gc_wait_due(const struct gc_heap *h)
{
	return __builtin_expect(h->young_bytes >= h->young_wait, 0);
}
/* young_wait again, after mapped or mapped_wait changed. */
static inline void gc_wait_limit(struct gc_heap *h)
{
	h->young_wait = h->mapped >= h->mapped_wait ? 0 : GC_WAIT_GROWTH;
}
/* For the roots callback. */
void gc_mark_range(struct gc_heap *h, uintptr_t lo, uintptr_t hi);
void gc_mark_ref(struct gc_heap *h, void *p);

#endif
