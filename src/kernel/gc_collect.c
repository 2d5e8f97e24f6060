/* gc_collect.c - the collector's sweeping and its young and full
 * collections (see gc.h): what a collection does once marking is set up,
 * the pause's bookkeeping and the young generation's size.  Chunks,
 * allocation and marking are gc.c; the incremental cycle gc_cycle.c. */
#include "gc_impl.h"

#include "../hal/hal.h"
#include "exheap.h"
#include "klock.h"
#include "trace.h"

/* ---- sweeping ---- */

/* How far ahead of its slot a sweep prefetches: a young generation
 * promoted whole is no longer in the cache when its sweep comes (perf
 * annotate: a third of gci_sweep_chunk's samples on the header load). */
#define GC_SWEEP_AHEAD 1024u

/* A dead object's last work: a cell's value is deleted.  Called only
 * when the program has cell types (h->cells); without them a dead object
 * is just a free slot, and the sweep reads no type of it. */
static void finalize(struct gc_heap *h, uint64_t *obj)
{
	uint32_t type = (uint32_t)obj[0];
	if (h->types[type].kind == SING_K_CELL) {
		struct sing_cell *c = (struct sing_cell *)obj;
		if (c->val) {
			klock_enter();
			xh_delete(h->xh, c->val);
			klock_leave();
		}
	}
}

/* Whether chunk c, allocated into since the last collection, holds no old
 * object and nothing this collection marked: all its objects are dead
 * and the sweep need not read them (a churning SIP's young chunks: a
 * young sweep read every slot handed out, most of bench/mem's collector
 * time).  Exact because an object becomes old only by being marked in a
 * young chunk (gci_touch) or in that chunk's sweep (promoting whole, not
 * skipped), and c->nold counts what its last sweep left.  Not with cell
 * types (a dead cell has work). */
static int all_dead(const struct gc_heap *h, const struct gc_chunk *c)
{
	if (!c->young || c->nold || h->cells || h->whole)
		return 0;
	for (uintptr_t a = c->lo & ~(((uintptr_t)1 << GC_TOUCH_SHIFT) - 1); a < c->hi;
	     a += (uintptr_t)1 << GC_TOUCH_SHIFT)
		if (gci_touched(h, a))
			return 0;
	return 1;
}

/* A young sweep promoting whole, of a chunk c whose every run handed out
 * since its last sweep was promoted early (promote_run: every object in
 * them, all live, is marked): nothing in it changes but the counts, so it
 * is not read.  (Free slots stay free; the top stays where it is.) */
static int early_swept(struct gc_heap *h, struct gc_chunk *c)
{
	if (!h->whole || !c->size || !c->young || c->open || !c->early)
		return 0;
	c->young = 0;
	c->nold += c->early;
	h->live += (uint64_t)c->nold * c->size;
	h->whole_bytes += (uint64_t)c->early * c->size;
	c->early = 0;
	return 1;
}

/* Sweep chunk i; returns 1 if it was removed.  full: the epoch's sweep
 * (of a full collection or a cycle): live means marked in this epoch, and
 * survivors lose the previous epoch's bit; else a young sweep: live means
 * old (either bit: during a cycle's marking, white objects are not known
 * dead yet).  h->whole: every young object (neither bit) is marked in this
 * epoch first, as if traced (promote_whole).  Dead objects' bytes are
 * counted in young_dead, promoted ones in whole_bytes.  Empty small
 * chunks stay mapped unless h->shrink (near the budget), since unmapping
 * and mapping again would cost a page fault per page at every cycle. */
int gci_sweep_chunk(struct gc_heap *h, uint32_t i, int full)
{
	struct gc_chunk *c = &h->chunks[i];
	const uint32_t early = h->whole ? c->early : 0;   /* promoted already: not seen young below */
	if (!full && early_swept(h, c))
		return 0;
	const int empty = c->size && all_dead(h, c);
	c->young = 0;
	c->open = c->early = 0;
	if (full && !c->swept) {
		c->swept = 1;
		h->unswept -= h->unswept > 0;
	}
	const uint64_t other = full ? h->markbit ^ GC_FLAGS(SING_H_OLD) : 0;
	const uint64_t live = full ? h->markbit : GC_FLAGS(SING_H_OLD);
	const uint64_t freebit = GC_FLAGS(SING_H_FREE);
	uint64_t *counter = full ? &h->swept_live : &h->live;
	const uint64_t whole = h->whole ? h->markbit : 0;
	if (!c->size) {
		uint64_t *obj = (uint64_t *)c->lo;
		if (whole && !(obj[0] & GC_OLD_MASK)) {
			obj[0] |= whole;
			h->whole_bytes += c->hi - c->lo;
		}
		if (obj[0] & live) {
			obj[0] &= ~other;
			*counter += c->hi - c->lo;
			return 0;
		}
		if (h->cells)
			finalize(h, obj);
		h->young_dead += c->hi - c->lo;
		gci_remove_chunk(h, i);
		return 1;
	}
	/* Dead slots become free; those after the last live object are not
	 * written: the top comes down to it (above the top all is free). */
	uint64_t nlive = 0, ndead = 0, nwhole = early;
	uintptr_t dead = c->lo;   /* where the stretch of dead slots began */
	const int cells = h->cells;
	if (empty)   /* slots, free ones and runs' rests alike, counted dead */
		ndead = (c->top - c->lo) / c->size;
	/* c's fields read once: the free-slot stores below may alias them */
	const uintptr_t top = c->top, size = c->size;
	for (uintptr_t p = empty ? top : c->lo; p < top; p += size) {
		uint64_t *obj = (uint64_t *)p;
		__builtin_prefetch((void *)(p + GC_SWEEP_AHEAD), 1);
		if (whole && obj[0] && !(obj[0] & GC_OLD_MASK)) {   /* young; 0: a run's rest */
			obj[0] |= whole;
			nwhole++;
		}
		if (obj[0] & live) {
			obj[0] &= ~other;
			nlive++;
			for (; dead < p; dead += size)
				*(uint64_t *)dead = freebit;
			dead = p + size;
		} else if (obj[0] && !(obj[0] & freebit)) {
			ndead++;
			if (cells)
				finalize(h, obj);
		}
	}
	c->top = dead;
	c->nold = (uint32_t)nlive;
	*counter += nlive * c->size;
	h->young_dead += ndead * c->size;
	h->whole_bytes += nwhole * c->size;
	uint64_t nfree = (gci_chunk_end(c) - c->lo) / c->size - nlive;
	c->scan = c->lo;
	c->avail = nfree > 0;
	if (nfree < (gci_chunk_end(c) - c->lo) / c->size || !h->shrink)
		return 0;
	int cls = gci_class_of(c->size);
	if (h->cur[cls] == c->lo)
		h->cur[cls] = 0;
	gci_remove_chunk(h, i);
	return 1;
}

/* The chunks allocated into since the last collection (in a cycle's sweep,
 * fully if not swept yet), or all of them fully.  The young ones are
 * found through their list (h->youngs, by address: a sweep that removes
 * a chunk moves the rest of the table): a churning SIP with a built heap
 * has a few young chunks among thousands, and reading every chunk's
 * young flag at each of bench/mem's 738 collections was most of
 * collect_young's own time (about 3 ms). */
static void sweep(struct gc_heap *h, int all)
{
	for (size_t k = 0; k < h->youngs.n && !all; k++) {
		struct gc_chunk *c = gci_find_chunk(h, (uintptr_t)h->youngs.v[k]);
		if (c && c->young)
			gci_sweep_chunk(h, (uint32_t)(c - h->chunks), h->phase == GC_SWEEP && !c->swept);
	}
	h->youngs.n = 0;
	for (uint32_t i = 0; i < h->nchunks && all;)
		if (!gci_sweep_chunk(h, i, 1))
			i++;
}

/* ---- collections and the cycle ---- */

/* Every run handed out is forgotten: the sweep frees its unused slots. */
static void drop_runs(struct gc_heap *h)
{
	__builtin_memset(h->kab, 0, sizeof h->kab);
	__builtin_memset(h->cur, 0, sizeof h->cur);
	__builtin_memset(h->hint, 0, sizeof h->hint);
	__builtin_memset(h->run_end, 0, sizeof h->run_end);
}

/* Whether the young generation the next young collection finds is
 * promoted whole, untraced.  A heap being built (binary-trees' long-lived
 * tree, bench/mem's 128 MB one) has nearly all of each young generation
 * alive, and a young collection then traces all of it to learn only that:
 * after a traced one that found at most a sixteenth of what was handed out
 * dead, the next 1, then 2, 4, 8, 16, 32 (GC_WHOLE_MAX) collections
 * promote whole, each streak checked by one traced collection; a traced
 * one that finds garbage ends the streaks (streaks of at most 8 left
 * bench/mem's 128 MB build 17 traced checks, 8 with 32, each marking its
 * 1 MiB: about a third of the build's young pause time before).  What a
 * streak promotes dead (the mutator stopped building) is floating garbage
 * for the old generation's next cycle: at most GC_WHOLE_MAX young
 * generations (a build's shrinks to GC_YOUNG: size_young).  In stress mode (a
 * young generation of one allocation, which the stack keeps alive) one
 * collection in 16 may promote whole: the path is exercised, and the
 * stress schedule stays a traced collection per allocation (streaks of
 * one at every other collection promoted half of a churn's garbage and
 * ran a stress test 2.5 times as long). */
static void plan_whole(struct gc_heap *h, int whole)
{
	if (whole) {
		h->whole_left--;
		return;
	}
	if (h->young_bytes == 0 || h->young_dead > h->young_bytes / 16) {
		h->streak = 0;
		return;
	}
	if (h->stress) {
		h->whole_left = h->collections % 16 == 3;
		return;
	}
	h->streak = h->streak ? h->streak * 2 : 1;
	if (h->streak > GC_WHOLE_MAX)
		h->streak = GC_WHOLE_MAX;
	h->whole_left = h->streak;
}

/* Whether a cycle the old generation's growth calls for (gci_set_next)
 * would cost more time than the collector may spend: its marking
 * foreseen at the rate traced young collections marked at (pause time
 * per byte marked, the sweep's included: a running mean), on top of every pause so far,
 * past 1/GC_SHARE of the heap's life.  A heap being built (bench/mem's
 * 128 MB tree, built in about 100 ms) grows its old generation faster
 * than a cycle can trace it: cycles at 8 and 48 MiB traced 60 MiB that
 * was all alive, half of that run's collector time.  Put off, the
 * cycle waits until the old generation has doubled again, as long as
 * that stays within half the budget (the young generation may have a
 * quarter; near the budget a full collection comes anyway, refill): a
 * heap that grows to half its budget is cycled at the latest there,
 * and one that lives long enough pays its cycles out of its life.  A
 * cycle of less than GC_PUT_OFF_FROM is never put off (it is short, and
 * a small heap's footprint counts for more), nor one without a foreseen
 * rate (no traced young collection marked GC_PUT_OFF_MIN yet). */
static int cycle_dear(const struct gc_heap *h)
{
	if (!h->mark_ps || h->old_bytes < GC_PUT_OFF_FROM || 2 * h->old_bytes > h->budget->limit / 2)
		return 0;
	uint64_t cost = h->old_bytes * h->mark_ps / 1000;
	uint64_t life = (uint64_t)(hal_clock_ns() - h->born_ns);
	return (h->pause_total_ns + cost) * GC_SHARE > life;
}

/* After a young collection: whether the old generation's cycle starts
 * now (in stress mode also every 16th collection); a dear one is put
 * off (cycle_dear). */
static int cycle_due(struct gc_heap *h)
{
	if (h->stress && h->collections % 16 == 7)
		return 1;
	if (h->old_bytes <= h->full_next)
		return 0;
	if (h->stress || !cycle_dear(h))
		return 1;
	h->full_next = 2 * h->old_bytes;
	h->put_off++;
	return 0;
}

/* A young collection, going on with the cycle: a marking slice (the end
 * of the marking if nothing is gray), or the sweep of what it allocated
 * into; finish: the whole rest of the cycle (a full collection follows:
 * nothing is promoted whole).
 *
 * Promoting whole (plan_whole) marks every young object in this epoch
 * untraced, as a traced young collection marks the reachable ones, in the
 * sweep (gci_sweep_chunk), and so keeps the invariants: a young object's
 * references to young objects become old-to-old ones, which no barrier
 * or remembered set needs, since both ends became old together; the
 * remembered set's old objects point to objects now old, so it is
 * emptied untraced; a young object's references to white old objects
 * during a cycle's marking are the snapshot's business, as for a traced
 * survivor (a young collection marks no old object).  Only objects with
 * neither mark bit are promoted: a white old object in a chunk allocated
 * into must not turn black untraced (its white referents would be lost).
 * The roots are still visited, marking nothing (GC_MODE_NONE), so that
 * the threads drop their runs (the sweep frees their unused slots). */
static void collect_young(struct gc_heap *h, int finish)
{
	int whole = h->whole_left > 0 && (!finish || h->early);   /* promote_run: no tracing now */
	h->marked = h->marked_bytes = 0;
	h->young_dead = h->whole_bytes = 0;
	gci_set_mode(h, whole ? GC_MODE_NONE : GC_MODE_YOUNG);
	drop_runs(h);
	h->roots(h->roots_ctx, h);   /* drops the threads' runs first */
	gci_trace_remembered(h, whole);
	uint64_t rem = h->marked_bytes;   /* old objects traced again: not promoted */
	h->rem_traced += rem;
	gci_drain(h);
	uint64_t promoted = h->marked_bytes - rem;
	if (h->phase == GC_MARK) {
		gc_cycle_mark(h, finish ? UINT64_MAX : gc_cycle_mark_budget(h));
		if (h->gray.n == 0)
			gc_cycle_end_marking(h);
	}
	h->live = 0;
	h->whole = whole;
	sweep(h, 0);
	h->whole = 0;
	if (whole) {
		promoted = h->whole_bytes;
		h->wholes++;
	}
	h->promoted_total += promoted;
	h->promoted = promoted;
	h->old_bytes += promoted;
	plan_whole(h, whole);
	if (h->phase == GC_SWEEP && finish)
		gc_cycle_sweep(h, UINT64_MAX);
	if (h->phase == GC_SWEEP && h->unswept == 0)
		gc_cycle_end(h);
	else if (h->phase == GC_IDLE && !finish && cycle_due(h))
		gc_cycle_start(h);
}

/* Stop-the-SIP: a new epoch, everything marked and swept at once. */
static void collect_full(struct gc_heap *h)
{
	if (h->phase != GC_IDLE)
		collect_young(h, 1);
	h->markbit ^= GC_FLAGS(SING_H_OLD);
	h->full_collections++;
	h->stress_full = h->collections;
	h->marked = h->marked_bytes = 0;
	gci_set_mode(h, GC_MODE_FULL);
	drop_runs(h);
	h->roots(h->roots_ctx, h);
	gci_trace_remembered(h, 1);
	gci_drain(h);
	h->swept_live = 0;
	sweep(h, 1);
	uint64_t before = h->old_bytes;
	h->old_bytes = h->swept_live;
	gci_set_next(h, before);
}

/* The next old-generation collection when the old generation has doubled;
 * when it has quadrupled if this one found nearly all of it alive (7/8
 * or more: a heap that grows, like a big structure being built, where
 * each cycle at a doubling traced it all again for little back: 114 MiB
 * traced building bench/mem's 128 MB tree).  Never below GC_FULL_MIN.
 * Near the budget a full collection comes anyway (refill). */
void gci_set_next(struct gc_heap *h, uint64_t before)
{
	uint64_t grow = 8 * h->old_bytes >= 7 * before ? 4 : 2;
	h->full_next = grow * h->old_bytes > GC_FULL_MIN ? grow * h->old_bytes : GC_FULL_MIN;
}

void gci_record_pause(struct gc_heap *h, uint64_t pause)
{
	h->pause_total_ns += pause;
	if (pause > h->pause_max_ns)
		h->pause_max_ns = pause;
	unsigned b = 0;
	for (uint64_t lim = 10000; b + 1 < GC_NHIST && pause >= lim; lim *= 10)
		b++;
	h->pause_hist[b]++;
}

void gci_collect(struct gc_heap *h, int full)
{
	TR_EVENT(TR_GC_BEGIN, 0, 0, h->mapped, h->live);
	h->collections++;
	__builtin_memset(h->touched, 0, sizeof h->touched);
	if (full)
		collect_full(h);
	else
		collect_young(h, 0);
	h->early = 0;
	h->live = h->old_bytes;
	h->young_bytes = 0;
	h->slice_at = GC_SLICE_EVERY;
	h->mapped_wait = h->mapped + GC_WAIT_GROWTH;
	gc_wait_limit(h);
	TR_EVENT(TR_GC_END, 0, (uint32_t)h->marked, h->live, h->mapped);
	TR_EVENT(TR_XH_BYTES, 0, 0, 0, h->xh->live_bytes);
}

void gci_halt(struct gc_heap *h, int on)
{
	if (h->halt)
		h->halt(h->roots_ctx, on);
}

/* After a young collection that found y bytes handed out: the young
 * generation's next size.  Doubled while some but few of its objects
 * survive (from a 64th to a quarter): objects that live a while (a tree
 * being built) then die young, instead of being promoted, marked again by
 * the old generation's cycles and swept there.  Halved when most survive:
 * a larger one would only lengthen the pauses (a young pause marks every
 * survivor), so a SIP building a large live structure keeps GC_YOUNG; and
 * when almost none do: objects die well within it already, and a larger
 * one is allocated, swept and zeroed out of the cache (bench/mem's churn
 * took twice the CPU time in 16 MiB as in 1 MiB).  At most GC_YOUNG_MAX
 * (a pause promoting all of it, before the next one halves it, marks
 * 16 MiB) and a quarter of the budget (the young generation is heap the
 * old one cannot have), at least GC_YOUNG.  Only a young generation that
 * filled (at least half) says anything about survival. */
static void size_young(struct gc_heap *h, uint64_t y)
{
	if (h->stress || y < h->young_max / 2)
		return;
	uint64_t n = h->young_max;
	if (h->promoted > n / 2 || h->promoted < n / 64)
		n /= 2;
	else if (h->promoted < n / 4)
		n *= 2;
	uint64_t cap = h->budget->limit / 4;
	if (cap > GC_YOUNG_MAX)
		cap = GC_YOUNG_MAX;
	if (n > cap)
		n = cap;
	h->young_max = n > GC_YOUNG ? n : GC_YOUNG;
}

void gc_collect(struct gc_heap *h, int full)
{
	gci_halt(h, 1);
	int64_t t0 = hal_clock_ns();
	uint64_t y = h->young_bytes, wholes = h->wholes;
	gci_collect(h, full);
	uint64_t pause = (uint64_t)(hal_clock_ns() - t0);
	gci_record_pause(h, pause);
	if (!full && h->wholes == wholes && h->marked_bytes >= GC_PUT_OFF_MIN) {
		uint64_t ps = pause * 1000 / h->marked_bytes;   /* cycle_dear's foreseen rate */
		h->mark_ps = h->mark_ps ? (3 * h->mark_ps + ps) / 4 : ps;
	}
	if (!full)
		size_young(h, y);
	gci_halt(h, 0);
}

int gc_waiting(struct gc_heap *h)
{
	if (!gc_wait_due(h))
		return 0;
	h->shrink = 1;
	gc_collect(h, h->old_bytes <= GC_FULL_MIN);
	h->shrink = 0;
	return 1;
}
