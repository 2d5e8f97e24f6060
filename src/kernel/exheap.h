/*
 * exheap.h - the exchange heap: blocks that move between SIPs.
 *
 * Every block has exactly one owner at a time: an owner list (a SIP's,
 * or the kernel's for endpoints it serves), or none while it travels in a
 * message (in flight: it is then reachable only from the queue slot that
 * carries it).  A block's size is charged to its owner's budget, the same
 * budget as the SIP's GC heap and stacks.  Sending a value detaches it and
 * everything it owns from the sender (xh_send); receiving attaches it all
 * to the receiver (xh_recv); the data never moves.  An xarray is a small
 * descriptor block whose elements live in a reference-counted region that
 * xsplit shares between the parts; a dma.new array's region is
 * device-reachable memory (hal_dma_map), freed the same way.  A device may
 * touch only the elements of arrays its driver owns (xh_dma_check).
 * Layouts are kernel-owned (layout.h).
 * The heap counts live bytes (descriptors, structs, endpoints and regions):
 * after every SIP has ended it must be zero.
 *
 * Write marks (a SAFETY rule: one SIP's data must never reach another).
 * A recycled object is zeroed only where it may have been written
 * (xalloc.h: its dirty prefix), so an array's elements are zeroed at
 * allocation only up to what its region's last life wrote: an untouched
 * 64 KiB buffer costs no pass over 64 KiB.  What was written is known from
 * marks: each array descriptor's wr (elements [wr, len) not written
 * through it since it was made) and each region's wr (bytes [wr, size)
 * zero), folded together when a descriptor is freed or split (fold_mark).
 * EVERY writer of an array's elements must raise a mark before its data
 * can leave: generated code's element stores (the backend's SING_XWR, rt.h,
 * before every store into an exchange-heap array, or a ranged loop's guard
 * before the loop, past every index it stores at: lower_loops.c
 * raise_marks); the kernel's own arrays
 * (xh_new_array: marked written in full, whoever fills them, e.g. ns_text);
 * a kernel path writing an array a SIP made (xh_wrote: strbytes' copy); a
 * device (xh_dma_check and xh_dma_addr, dma.addr's, mark the array written
 * in full: a device may write it at any time after).  Kernel marks go
 * into the region's mark (the kernel's alone), never x->wr, which the
 * owning thread may be raising on another CPU.  Only generated code's own new
 * arrays (xh_new_array_unwritten, the ABI's sing_xnewarr) start unmarked.
 * Structs, endpoints, sets and descriptors are zeroed in full (their users
 * put them back all dirty).  A writer left out leaks: sanitized builds
 * check every recycled object is zero past its prefix (xa_check_clean).
 *
 * Invariant: exchange-heap blocks point only into the exchange heap (their
 * linear slots hold other blocks' payloads, never GC objects).  A block is
 * freed only through xh_delete (its owner deletes it, with what it owns),
 * xh_unpark_all (an array its owner deleted, parked in a thread's slot:
 * rt.h sing_xpark_put; still on the list and charged until then) or
 * xh_free_all (its owner died); an endpoint block is closed first,
 * through the heap's close hook (chan.c).
 */
#ifndef KERNEL_EXHEAP_H
#define KERNEL_EXHEAP_H

#include "layout.h"
#include "rt.h"
#include "xalloc.h"

struct sk_budget;
struct xh_list;

struct xh_block {
	struct xh_block *prev, *next;   /* in the owner's list; self-linked in flight */
	const struct ly_layout *lay;
	uint64_t size;                  /* payload bytes */
	struct xh_list *own;            /* NULL while in flight */
	uint64_t charge;                /* bytes charged to the owner's budget */
};

/* An owner's list of blocks: a sentinel. */
struct xh_list {
	struct xh_block head;
	uint32_t owner;                 /* pid, for messages */
	struct sk_budget *budget;       /* NULL: not charged (the kernel) */
};

struct xh_heap {
	uint64_t live_bytes;
	/* Called before an endpoint block is freed. */
	void (*close)(struct xh_heap *h, void *endpoint);
	/* Called before an endpoint set block is freed (it frees its members). */
	void (*drop_set)(struct xh_heap *h, void *set);
	struct xa_cache xa;             /* blocks and regions come from here */
};

void xh_list_init(struct xh_list *l, uint32_t owner, struct sk_budget *budget);
/* New zeroed xstruct payload; NULL if over budget or out of memory. */
void *xh_new_struct(struct xh_heap *h, struct xh_list *own, const struct ly_layout *lay);
/* New zeroed xarray of len elements (len >= 0), marked written in full
 * (the kernel fills it); NULL if over budget. */
struct sing_xarr *xh_new_array(struct xh_heap *h, struct xh_list *own,
                               const struct ly_layout *lay, int64_t len);
/* The same with its write mark at 0: only for generated code's new arrays,
 * whose stores raise it (SING_XWR). */
struct sing_xarr *xh_new_array_unwritten(struct xh_heap *h, struct xh_list *own,
                                         const struct ly_layout *lay, int64_t len);
/* Mark every element of the xarray at payload p written (a kernel or
 * device writer of an array; "Write marks" above). */
void xh_wrote(void *p);
/* The address of the xarray p's elements, for a device: marked written
 * (dma.addr). */
uint64_t xh_dma_addr(void *p);
/* The same in device-reachable memory (hal_dma_map): data page aligned,
 * the pages it spans charged; freed like any array (dma.new). */
struct sing_xarr *xh_new_dma_array(struct xh_heap *h, struct xh_list *own,
                                   const struct ly_layout *lay, int64_t len);
/* Whether a device may touch [addr, addr+n) for own: 0 unless n > 0 and
 * the range lies inside the elements of one xarray on own's list (then
 * marked written: xh_wrote); else 0x80000000 | the pid that made the
 * array's storage (its region). */
uint32_t xh_dma_check(struct xh_list *own, uint64_t addr, uint64_t n);
/* New zeroed block of size bytes (endpoints); NULL if over budget. */
void *xh_new_raw(struct xh_heap *h, struct xh_list *own, const struct ly_layout *lay,
                 uint64_t size);
/* Parked arrays (rt.h sing_xpark_put): slots is a thread's xpark, own
 * its SIP's list.  A new array of len elements of lay, size bytes (at
 * most SING_XPARK_MAX), made from the one parked in size's slot, whatever
 * its size and layout; NULL if the slot is empty or the budget short. */
struct sing_xarr *xh_unpark(struct xh_heap *h, struct xh_list *own, void **slots,
                            const struct ly_layout *lay, int64_t len, uint64_t size);
/* Free every array parked in slots (the thread ended, or its budget is
 * short). */
void xh_unpark_all(struct xh_heap *h, void **slots);
/* x keeps [0, idx), the result holds [idx, len); 0 <= idx <= len checked
 * by the caller.  NULL if out of memory. */
struct sing_xarr *xh_split(struct xh_heap *h, struct xh_list *own,
                           struct sing_xarr *x, int64_t idx);
/* Free the value at payload p and everything it owns. */
void xh_delete(struct xh_heap *h, void *p);
/* Free every block of an owner (a SIP that ended); returns bytes freed. */
uint64_t xh_free_all(struct xh_heap *h, struct xh_list *own);
/* Give the heap's cached free memory back to the host (shutdown). */
void xh_drain(struct xh_heap *h);
/* Ownership transfer of p and everything it owns: to nobody (in flight),
 * then to a new owner. */
void xh_send(void *p);
void xh_recv(void *p, struct xh_list *own);
const struct ly_layout *xh_layout(const void *p);
/* The owner word of the block at payload p: its owner list (NULL in
 * flight), with SING_XH_INNER set while it is a field's value (rt.h).
 * What the kernel compares with the acting SIP's list before it deletes
 * or sends a block: equal only for a block the SIP holds at top level. */
static inline const struct xh_list *xh_owner(const void *p)
{
	return ((const struct xh_block *)p - 1)->own;
}
/* The owner list whose trees hold p (top level or inner): what an
 * endpoint a SIP sends or receives on must be in. */
static inline const struct xh_list *xh_holder(const void *p)
{
	return (const struct xh_list *)((uintptr_t)xh_owner(p) & ~SING_XH_INNER);
}
/* xh_layout(p)->kind, inline for the send path. */
static inline uint8_t xh_kind(const void *p)
{
	return ((const struct xh_block *)p - 1)->lay->kind;
}

#endif
