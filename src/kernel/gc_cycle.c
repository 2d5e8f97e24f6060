/*
 * gc_cycle.c - the old generation's incremental cycle (see gc.h): an epoch
 * flip and the roots shaded, slices of marking under the snapshot barrier,
 * then slices of sweeping; young collections go on meanwhile (gc.c).
 */
#include "gc_impl.h"

#include "../hal/hal.h"

static void set_barrier(struct gc_heap *h, uint32_t marking)
{
	h->marking = marking;
	if (h->barrier)
		h->barrier(h->roots_ctx, marking);
}

uint64_t gc_cycle_mark_budget(const struct gc_heap *h)
{
	return h->stress ? 256 : GC_MARK_WORK;
}

/* Right after a young collection (no young object is left): a new epoch,
 * every old object white; the roots shaded; the snapshot barrier on. */
void gc_cycle_start(struct gc_heap *h)
{
	h->phase = GC_MARK;
	h->cycles++;
	h->cycle_from = h->old_bytes;
	h->markbit ^= GC_FLAGS(SING_H_OLD);
	set_barrier(h, (uint32_t)((h->markbit ^ GC_FLAGS(SING_H_OLD)) >> 32));
	gci_set_mode(h, GC_MODE_CYCLE);
	h->roots(h->roots_ctx, h);
}

/* Every object reachable at the cycle's start is marked: the sweep may
 * begin.  (Inside a young collection, after its marking: the remembered
 * set is empty, so it holds no dead object.) */
void gc_cycle_end_marking(struct gc_heap *h)
{
	set_barrier(h, 0);
	h->phase = GC_SWEEP;
	for (uint32_t i = 0; i < h->nchunks; i++)
		h->chunks[i].swept = 0;
	h->unswept = h->nchunks;
	h->sweep_i = 0;
	h->swept_live = 0;
	h->old_bytes = 0;   /* promotions from now on; the sweep adds the rest */
}

void gc_cycle_end(struct gc_heap *h)
{
	h->phase = GC_IDLE;
	h->old_bytes += h->swept_live;
	gci_set_next(h, h->cycle_from);
}

/* The cycle's marking: traces gray objects until budget bytes were traced
 * or none is left. */
void gc_cycle_mark(struct gc_heap *h, uint64_t budget)
{
	gci_set_mode(h, GC_MODE_CYCLE);
	uint64_t work = 0;
	do {
		while (h->gray.n > 0 && work < budget)
			work += gci_trace(h, h->gray.v[--h->gray.n]);
	} while (gci_soon_flush(h) && work < budget);
	h->cycle_traced += work;
}

void gc_shade(struct gc_heap *h, void *obj)
{
	uint64_t *o = obj;
	if (h->phase == GC_MARK && (o[0] & GC_OLD_MASK) == GC_FLAGS(h->marking)) {
		o[0] |= h->markbit;
		gci_push(&h->gray, o);
	}
}

/* The cycle's sweep: chunks not swept yet and not allocated into since the
 * last collection (those hold young objects, not marked: the next young
 * collection sweeps them), until budget chunk bytes were swept. */
void gc_cycle_sweep(struct gc_heap *h, uint64_t budget)
{
	uint64_t done = 0;
	uint32_t skipped = 0;   /* a sweep decrements unswept: the loop ends */
	while (h->unswept > 0 && skipped < h->nchunks && done < budget) {
		if (h->sweep_i >= h->nchunks)
			h->sweep_i = 0;
		struct gc_chunk *c = &h->chunks[h->sweep_i];
		if (c->swept || c->young) {
			h->sweep_i++;
			skipped++;
			continue;
		}
		done += c->hi - c->lo;
		if (!gci_sweep_chunk(h, h->sweep_i, 1))
			h->sweep_i++;
	}
}

void gc_slice(struct gc_heap *h)
{
	gci_halt(h, 1);
	int64_t t0 = hal_clock_ns();
	h->slices++;
	if (h->phase == GC_MARK) {
		gc_cycle_mark(h, gc_cycle_mark_budget(h));
		if (h->gray.n == 0)   /* the young collection that ends the marking */
			gci_collect(h, 0);
	} else if (h->phase == GC_SWEEP) {
		gc_cycle_sweep(h, h->stress ? GC_CHUNK : GC_SWEEP_WORK);
		if (h->unswept == 0)
			gc_cycle_end(h);
	}
	h->slice_at = h->young_bytes + GC_SLICE_EVERY;
	gci_record_pause(h, (uint64_t)(hal_clock_ns() - t0));
	gci_halt(h, 0);
}
