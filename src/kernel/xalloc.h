/*
 * xalloc.h - the memory beneath the exchange heap: size classes with a
 * free list per class and per CPU, so that a block freed is the next one
 * of its size handed out, without the host allocator.
 *
 * Sizes up to XA_MAX round up to a class (16-byte steps to 256 bytes,
 * then four classes per power of two); a freed object of a class goes on
 * its CPU's list while that list holds less than XA_CLASS_BYTES (and the
 * CPU's cache less than XA_CPU_BYTES), else back to the host.  A cache
 * miss and anything larger is hal_alloc'ed.  The caches are an array per
 * CPU; today one serves every CPU, under the kernel lock (klock.h).
 *
 * Invariant: every object handed out is zeroed over the size asked for
 * (cached objects hold their last owner's data until then).  It must
 * never hand one object out twice or keep more than XA_CPU_BYTES cached
 * per CPU; xa_drain gives everything back (kernel shutdown).
 */
#ifndef KERNEL_XALLOC_H
#define KERNEL_XALLOC_H

#include <stddef.h>
#include <stdint.h>

#define XA_NCPU 1                      /* one, under the kernel lock */
#define XA_NCLASS 64
#define XA_MAX (1u << 20)              /* larger objects are never cached */
#define XA_CLASS_BYTES (512u * 1024)
#define XA_CPU_BYTES (8u << 20)

struct xa_cpu {
	void *free[XA_NCLASS];             /* linked through their first word */
	uint64_t bytes[XA_NCLASS];         /* cached per class */
	uint64_t total;
};

struct xa_cache {
	struct xa_cpu cpu[XA_NCPU];
};

/* A zeroed object of n bytes (16-byte aligned); NULL on exhaustion. */
void *xa_get(struct xa_cache *c, size_t n);
/* Give back an object of n bytes (the n it was got with). */
void xa_put(struct xa_cache *c, void *p, size_t n);
/* Give every cached object back to the host. */
void xa_drain(struct xa_cache *c);

#endif
