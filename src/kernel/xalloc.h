/*
 * xalloc.h - the memory beneath the exchange heap: size classes with a
 * free list per class and per CPU, so that a block freed is the next one
 * of its size handed out, without the host allocator.
 *
 * Sizes up to XA_MAX round up to a class (16-byte steps to 256 bytes,
 * then four classes per power of two); a freed object of a class goes on
 * its CPU's list while that list holds fewer than xa_cap(class) objects
 * (XA_CLASS_BYTES' worth, at least one), else back to the host.  A cache
 * miss is hal_alloc'ed, anything larger hal_map'ed (pages of its own,
 * unmapped at the free), and so comes zeroed: xa_get says so (*fresh),
 * and the caller need not zero it again.  The caches are an array per
 * CPU; today one serves every CPU, under the kernel lock (klock.h): every
 * caller holds it already, so a list per CPU would buy nothing until the
 * exchange heap has locks of its own.  The hit paths (xa_get, xa_put) are
 * inline: a class lookup, a pop or a push, and one counter.
 *
 * Objects from the cache come back NOT zeroed: the caller writes or zeroes
 * every byte it hands on (exheap.c zeroes payloads and elements, and sets
 * its headers).
 * Sanitized builds fill a cached object with junk and poison it (all but
 * its link word), so a missed write shows as junk and a use after free or
 * an access past the size asked for is an ASan report.
 *
 * Invariant: it must never hand one object out twice or keep more than
 * xa_cap(c) objects of a class per CPU (XA_CLASS_BYTES for each of the 52
 * classes up to 128 KiB, one object of each above: about 12 MiB in all);
 * xa_drain gives everything back (kernel shutdown).
 */
#ifndef KERNEL_XALLOC_H
#define KERNEL_XALLOC_H

#include <stddef.h>
#include <stdint.h>

#define XA_NCPU 1                      /* one, under the kernel lock */
#define XA_NCLASS 64
#define XA_MAX (1u << 20)              /* larger objects are never cached */
#define XA_CLASS_BYTES (128u * 1024)

struct xa_cpu {
	void *free[XA_NCLASS];             /* linked through their first word */
	uint32_t n[XA_NCLASS];             /* objects cached per class */
};

struct xa_cache {
	struct xa_cpu cpu[XA_NCPU];
};

/* An object of n bytes (16-byte aligned); NULL on exhaustion.  *fresh
 * 1: it is all zero (new from the host), else its contents are undefined. */
static inline void *xa_get(struct xa_cache *c, size_t n, int *fresh);
/* Give back an object of n bytes (the n it was got with). */
static inline void xa_put(struct xa_cache *c, void *p, size_t n);
/* Give every cached object back to the host. */
void xa_drain(struct xa_cache *c);

/* ---- the inline hit paths; misses and the rest in xalloc.c ---- */

void *xa_get_slow(struct xa_cache *c, size_t n, int *fresh);
void xa_put_slow(struct xa_cache *c, void *p, size_t n);
void xa_unpoison(void *p, size_t n);
void xa_poison(void *p, size_t n, size_t sz);
unsigned xa_class_big(size_t n);
size_t xa_class_size_big(unsigned c);
/* The objects a CPU keeps of each class (XA_CLASS_BYTES' worth, >= 1). */
extern const uint32_t xa_cap[XA_NCLASS];

/* The class of n (n <= XA_MAX): 16-byte steps up to 256 (classes 0-15),
 * then 4 per power of two (xa_class_big). */
static inline unsigned xa_class(size_t n)
{
	if (__builtin_expect(n <= 256, 1))
		return n ? (unsigned)((n + 15) >> 4) - 1 : 0;
	return xa_class_big(n);
}

static inline size_t xa_class_size(unsigned c)
{
	if (__builtin_expect(c < 16, 1))
		return (size_t)(c + 1) << 4;
	return xa_class_size_big(c);
}

#if defined(__SANITIZE_ADDRESS__)
#define XA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XA_ASAN 1
#endif
#endif
#ifndef XA_ASAN
#define XA_ASAN 0
#endif

static inline void *xa_get(struct xa_cache *cache, size_t n, int *fresh)
{
	if (n > XA_MAX)
		return xa_get_slow(cache, n, fresh);
	unsigned c = xa_class(n);
	struct xa_cpu *k = &cache->cpu[0];
	void **p = k->free[c];
	if (__builtin_expect(!p, 0))
		return xa_get_slow(cache, n, fresh);
	k->free[c] = *p;
	k->n[c]--;
	*fresh = 0;
	if (XA_ASAN)
		xa_unpoison(p, n);
	return p;
}

static inline void xa_put(struct xa_cache *cache, void *p, size_t n)
{
	if (n > XA_MAX) {
		xa_put_slow(cache, p, n);
		return;
	}
	unsigned c = xa_class(n);
	struct xa_cpu *k = &cache->cpu[0];
	if (__builtin_expect(k->n[c] >= xa_cap[c], 0)) {
		xa_put_slow(cache, p, n);
		return;
	}
	if (XA_ASAN)
		xa_poison(p, n, xa_class_size(c));
	*(void **)p = k->free[c];
	k->free[c] = p;
	k->n[c]++;
}

#endif
