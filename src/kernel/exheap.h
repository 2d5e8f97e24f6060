/*
 * exheap.h - the exchange heap: blocks that move between SIPs.
 *
 * Every block has exactly one owner at a time, recorded in its header
 * (a SIP's pid, or later a message in flight) together with a link in the
 * owner's list, so that a dying SIP's blocks can all be found and freed.
 * An xarray is a small descriptor block whose elements live in a
 * reference-counted region; xsplit makes two descriptors share one region.
 * The heap counts live bytes (descriptors, structs and regions): after
 * every SIP has ended it must be zero.
 *
 * Invariant: exchange-heap blocks point only into the exchange heap (their
 * linear slots hold other blocks' payloads, never GC objects).
 * It must never free a block through any path but its owner's list.
 */
#ifndef KERNEL_EXHEAP_H
#define KERNEL_EXHEAP_H

#include "rt.h"

struct xh_block {
	struct xh_block *prev, *next;   /* in the owner's list */
	const struct sing_tinfo *ti;    /* XSTRUCT or XARRAY layout */
	uint64_t size;                  /* payload bytes */
	uint32_t owner;                 /* pid of the owning SIP */
	uint32_t pad_;
	uint64_t pad2_;                 /* keep the payload 16-byte aligned */
};

/* An owner's list of blocks: a sentinel. */
struct xh_list {
	struct xh_block head;
	uint32_t owner;
};

struct xh_heap {
	uint64_t live_bytes;
	uint64_t nblocks;
};

void xh_list_init(struct xh_list *l, uint32_t owner);
/* New zeroed xstruct payload of layout ti; NULL if host memory ran out. */
void *xh_new_struct(struct xh_heap *h, struct xh_list *own, const struct sing_tinfo *ti);
/* New zeroed xarray of len elements (len >= 0); NULL if out of memory. */
struct sing_xarr *xh_new_array(struct xh_heap *h, struct xh_list *own,
                               const struct sing_tinfo *ti, int64_t len);
/* x keeps [0, idx), the result holds [idx, len); 0 <= idx <= len checked
 * by the caller.  NULL if out of memory. */
struct sing_xarr *xh_split(struct xh_heap *h, struct xh_list *own,
                           struct sing_xarr *x, int64_t idx);
/* Free the value at payload p and everything it owns. */
void xh_delete(struct xh_heap *h, void *p);
/* Free every block of an owner (a SIP that ended); returns bytes freed. */
uint64_t xh_free_all(struct xh_heap *h, struct xh_list *own);

#endif
