/* xalloc.c - size classes with per-CPU free lists (see xalloc.h). */
#include "xalloc.h"

#include "../hal/hal.h"

#define XA_JUNK 0xdb

/* The class of n (n <= XA_MAX): 16-byte steps up to 256 (classes 0-15),
 * then 4 per power of two: (4 + q) << (b - 2) for q = 1..4. */
static unsigned class_of(size_t n)
{
	if (n <= 256)
		return n ? (unsigned)((n + 15) >> 4) - 1 : 0;
	unsigned b = 63u - (unsigned)__builtin_clzll((uint64_t)(n - 1));   /* 2^b < n <= 2^(b+1) */
	size_t step = (size_t)1 << (b - 2);
	unsigned q = (unsigned)((n - 1 - ((size_t)1 << b)) / step);        /* 0..3 */
	return 16 + (b - 8) * 4 + q;
}

static size_t class_size(unsigned c)
{
	if (c < 16)
		return (size_t)(c + 1) << 4;
	unsigned b = 8 + (c - 16) / 4, q = (c - 16) % 4;
	return ((size_t)4 + q + 1) << (b - 2);
}

_Static_assert(16 + (20 - 1 - 8) * 4 + 3 < XA_NCLASS, "classes up to XA_MAX");

static struct xa_cpu *this_cpu(struct xa_cache *c)
{
	return &c->cpu[0];
}

void *xa_get(struct xa_cache *cache, size_t n)
{
	if (n > XA_MAX)
		return hal_alloc(n);
	unsigned c = class_of(n);
	struct xa_cpu *k = this_cpu(cache);
	void **p = k->free[c];
	if (!p)
		return hal_alloc(class_size(c));
	k->free[c] = *p;
	k->bytes[c] -= class_size(c);
	k->total -= class_size(c);
	__builtin_memset(p, 0, n);
	return p;
}

void xa_put(struct xa_cache *cache, void *p, size_t n)
{
	if (n > XA_MAX) {
		hal_free(p);
		return;
	}
	unsigned c = class_of(n);
	size_t sz = class_size(c);
	struct xa_cpu *k = this_cpu(cache);
	if (k->bytes[c] + sz > XA_CLASS_BYTES || k->total + sz > XA_CPU_BYTES) {
		hal_free(p);
		return;
	}
#if defined(__SANITIZE_ADDRESS__)
	__builtin_memset(p, XA_JUNK, n);   /* a missed zeroing shows as junk */
#endif
	*(void **)p = k->free[c];
	k->free[c] = p;
	k->bytes[c] += sz;
	k->total += sz;
}

void xa_drain(struct xa_cache *cache)
{
	for (unsigned i = 0; i < XA_NCPU; i++) {
		struct xa_cpu *k = &cache->cpu[i];
		for (unsigned c = 0; c < XA_NCLASS; c++)
			while (k->free[c]) {
				void **p = k->free[c];
				k->free[c] = *p;
				hal_free(p);
			}
		__builtin_memset(k, 0, sizeof *k);
	}
}
