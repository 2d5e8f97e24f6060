/*
 * gc_impl.h - what the collector's three files share, and nothing else of
 * the kernel may use (gc.h is the collector's interface).
 *
 * gc.c holds chunks, allocation and marking, gc_collect.c sweeping and
 * the young and full collections (gci_: the functions the files call in
 * each other); gc_cycle.c holds the
 * old generation's incremental cycle (gc_cycle_: what a young collection
 * calls to go on with it), and the cycle's public entries gc_shade and
 * gc_slice (gc.h).
 *
 * Invariant: the mark ring (gc_heap.soon) is empty whenever none of these
 * functions runs: every loop that traces flushes it (gci_soon_flush)
 * before it returns, so a caller may change the marking mode between them.
 */
#ifndef KERNEL_GC_IMPL_H
#define KERNEL_GC_IMPL_H

#include "gc.h"

#define GC_FLAGS(f) SING_HDR(0, f)
#define GC_OLD_MASK GC_FLAGS(SING_H_OLD | SING_H_STATIC | SING_H_FREE)

/* The end of chunk c's last whole slot. */
static inline uintptr_t gci_chunk_end(const struct gc_chunk *c)
{
	return c->lo + (c->hi - c->lo) / c->size * c->size;
}

/* A collection marked an object at a (mark_obj), or may have marked one
 * in the 64 KiB window of a (windows folded onto GC_TOUCH_BITS bits: a
 * false "yes" costs only a chunk read).  Cleared as a collection starts. */
static inline void gci_touch(struct gc_heap *h, uintptr_t a)
{
	uintptr_t w = (a >> GC_TOUCH_SHIFT) % GC_TOUCH_BITS;
	h->touched[w / 64] |= 1ull << (w % 64);
}

static inline int gci_touched(const struct gc_heap *h, uintptr_t a)
{
	uintptr_t w = (a >> GC_TOUCH_SHIFT) % GC_TOUCH_BITS;
	return (int)(h->touched[w / 64] >> (w % 64) & 1);
}

/* ---- gc.c ---- */
/* The size class of size bytes; -1 if it is a large object. */
int gci_class_of(uint64_t size);
/* The chunk holding address a, or NULL. */
struct gc_chunk *gci_find_chunk(struct gc_heap *h, uintptr_t a);
/* Chunk i unmapped (or pooled) and taken out of the heap's table. */
void gci_remove_chunk(struct gc_heap *h, uint32_t i);
void gci_set_mode(struct gc_heap *h, enum gc_mode m);
void gci_push(struct gc_stack *st, void *obj);
/* Marks (through the ring) obj's referents; obj's size in bytes. */
uint64_t gci_trace(struct gc_heap *h, uint64_t *obj);
/* Marks what the ring holds; 0 if it was empty. */
int gci_soon_flush(struct gc_heap *h);
/* Traces until the mark stack and the ring are empty. */
void gci_drain(struct gc_heap *h);
/* The remembered set emptied; unless untraced (a full collection, or a
 * young one promoting whole), what its objects point to is traced first. */
void gci_trace_remembered(struct gc_heap *h, int untraced);

/* ---- gc_collect.c ---- */
/* Sweeps chunk i (full: the epoch's sweep); 1 if it was removed. */
int gci_sweep_chunk(struct gc_heap *h, uint32_t i, int full);
/* A collection without the pause's bookkeeping (young unless full). */
void gci_collect(struct gc_heap *h, int full);
void gci_record_pause(struct gc_heap *h, uint64_t ns);
/* After a full collection or a cycle that found old_bytes of before alive:
 * where the next one starts (full_next). */
void gci_set_next(struct gc_heap *h, uint64_t before);
/* The SIP's other threads stopped (on) or let go. */
void gci_halt(struct gc_heap *h, int on);

/* ---- gc_cycle.c ---- */
/* Right after a young collection: a new epoch, the roots shaded. */
void gc_cycle_start(struct gc_heap *h);
/* Object bytes a marking slice traces. */
uint64_t gc_cycle_mark_budget(const struct gc_heap *h);
/* Traces gray objects until budget bytes were traced or none is left. */
void gc_cycle_mark(struct gc_heap *h, uint64_t budget);
/* The gray stack is empty: the sweep may begin. */
void gc_cycle_end_marking(struct gc_heap *h);
/* Sweeps chunks not swept yet, until budget chunk bytes were. */
void gc_cycle_sweep(struct gc_heap *h, uint64_t budget);
/* Every chunk swept: the cycle is over. */
void gc_cycle_end(struct gc_heap *h);

#endif
