/*
 * kpool.h - per-CPU caches of free kernel blocks: the GC's small chunks
 * (gc.c) and threads' first stack segments (stack.c).
 *
 * A block freed on a CPU goes to that CPU's cache and is taken again there
 * first, while its lines may still be in that CPU's cache; a CPU whose cache
 * is empty takes another CPU's before the caller maps new memory.  Callers
 * hold the kernel lock (both already hold it for the SIP's budget, which a
 * block is charged to), so a cache needs no lock of its own.  A kpool never
 * maps, unmaps or looks inside a block: the caller owns that.
 */
#ifndef KERNEL_KPOOL_H
#define KERNEL_KPOOL_H

#include <stdint.h>

#define KP_NCPU 8u   /* SK_NCPU (sip.h; kpool.c checks they agree) */
#define KP_MAX 64u   /* the largest per-CPU capacity */

struct kpool {
	uint32_t cap;                    /* blocks each CPU keeps (at most KP_MAX) */
	uint32_t n[KP_NCPU];
	void *item[KP_NCPU][KP_MAX];
};

/* A free block: this CPU's most recently freed, else another CPU's; NULL
 * when every cache is empty. */
void *kp_take(struct kpool *p);
/* Keep b in this CPU's cache; 0 when that cache is full (the caller frees b). */
int kp_give(struct kpool *p, void *b);
/* Blocks kept on every CPU. */
uint32_t kp_count(const struct kpool *p);

#endif
