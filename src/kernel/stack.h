/*
 * stack.h - linked stack segments for SIP threads.
 *
 * A thread starts on one small segment.  Every generated function checks
 * in its prologue that its frame left the segment's reserve untouched
 * (sing_thread.stack_limit); when it did not, it calls itself again through
 * sing_morestack, which switches to a next segment (the top of the
 * thread's segment cache, or a new mapping charged to the SIP's budget),
 * runs the call there, switches back and puts the segment on the cache.
 * A descent releases its segments deepest first, so the cache's top is
 * the next one the same descent wants again: a repeated deep recursion
 * maps nothing.  The cache holds at most STK_CACHE_SHARE of the budget
 * (its segments stay charged) and is emptied when a segment cannot be
 * mapped for want of budget.  The reserve at the bottom of
 * every segment is room for ABI calls (kernel C code runs on SIP stacks)
 * and for the largest frame a function may build before its check.
 *
 * Invariant: a segment's live SIP frames lie between its saved_sp (or the
 * thread's trans_sp for the current segment) and its top; the collector
 * scans exactly that, so the old frames a recycled segment still holds
 * (another SIP's, from the pool) are never read.  A segment the thread
 * called onwards from is frozen until the call returns into it: once a
 * young or full collection scanned it (scanned set), every object it
 * points at is old and young collections stop at it; seg_entry clears the
 * flag as soon as the call returns, before the thread can allocate.  The
 * current segment is never marked scanned.  It must never let a stack exceed the SIP's budget.
 */
#ifndef KERNEL_STACK_H
#define KERNEL_STACK_H

#include <stddef.h>
#include <stdint.h>

#if defined(__SANITIZE_ADDRESS__)
#define STK_RESERVE (48u * 1024)     /* sanitized kernel frames are larger */
#else
#define STK_RESERVE (16u * 1024)
#endif
#define STK_FIRST   (STK_RESERVE + 16u * 1024)
#define STK_MAXSEG  (1u << 20)
#define STK_STRESSSEG (64u * 1024)   /* the largest under gcstress */
#define STK_CACHE_SHARE 4       /* a thread caches at most budget / 4 */

struct sk_budget;
struct sk_thread;

struct stk_seg {
	struct stk_seg *prev;       /* the segment below in the call chain */
	uintptr_t lo, hi;           /* the mapping */
	void *saved_sp;             /* SIP stack pointer when it called onwards */
	int scanned;                /* frozen frames a young or full collection scanned */
};

/* A segment of at least size bytes, charged to b; NULL if over budget.
 * First-size segments come from a bounded pool when it has one. */
struct stk_seg *stk_map(struct sk_budget *b, size_t size);
/* Uncharge and free s: to the pool (first size, room left) or the host. */
void stk_unmap(struct sk_budget *b, struct stk_seg *s);
/* Segments in the pool; give them all back to the host (kernel shutdown). */
uint32_t stk_pool_count(void);
void stk_pool_drain(void);
/* Free every segment of a thread that ended. */
void stk_release_all(struct sk_thread *t);
/* Make s the thread's current segment. */
void stk_enter(struct sk_thread *t, struct stk_seg *s);

#endif
