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
 * Objects from the cache come back NOT zeroed, but each says how much of
 * it may not be zero: xa_put is told the dirty prefix (the bytes from the
 * start its user may have written: all n unless it knows better, as
 * exheap.c does for an array's elements, exheap.h "Write marks"), xa_get
 * hands it back (*dirty), and past it the object is all zero.  The caller
 * writes or zeroes every byte of the prefix it hands on.  The rule holds
 * by induction: an object new from the host is zero, and its users write
 * only inside what they declare dirty.
 * Sanitized builds fill a cached object's dirty prefix with junk and
 * poison it (all but its two words: link and prefix), so a missed write
 * shows as junk and a use after free or an access past the size asked for
 * is an ASan report; and xa_get checks that the object is zero past its
 * prefix, so a writer that wrote past the prefix it declared (a missed
 * write mark: one SIP's data reaching another) aborts any sanitized run.
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
	void *free[XA_NCLASS];             /* linked through their first word; the
	                                      second holds the dirty prefix */
	uint32_t n[XA_NCLASS];             /* objects cached per class */
};

struct xa_cache {
	struct xa_cpu cpu[XA_NCPU];
};

/* An object of n bytes (16-byte aligned); NULL on exhaustion.  Its bytes
 * from *dirty on are zero (0: all of it, new from the host); the first
 * *dirty are undefined. */
static inline void *xa_get(struct xa_cache *c, size_t n, size_t *dirty);
/* Give back an object of n bytes (the n it was got with) whose bytes from
 * dirty on are zero (the caller's promise: n if it cannot say less). */
static inline void xa_put_dirty(struct xa_cache *c, void *p, size_t n, size_t dirty);
static inline void xa_put(struct xa_cache *c, void *p, size_t n)
{
	xa_put_dirty(c, p, n, n);
}
/* Give every cached object back to the host. */
void xa_drain(struct xa_cache *c);

/* ---- the inline hit paths; misses and the rest in xalloc.c ---- */

void *xa_get_slow(struct xa_cache *c, size_t n, size_t *dirty);
void xa_put_slow(struct xa_cache *c, void *p, size_t n);
void xa_unpoison(void *p, size_t n);
void xa_poison(void *p, size_t dirty, size_t sz);
void xa_check_clean(const void *p, size_t dirty, size_t n);
void xa_clean_tail(void *p, size_t n, size_t dirty);
/* The cached object's second word: its dirty prefix (>= the two words). */
#define XA_DIRTY(p) (((size_t *)(p))[1])
#define XA_WORDS (2 * sizeof(void *))
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

static inline void *xa_get(struct xa_cache *cache, size_t n, size_t *dirty)
{
	if (n > XA_MAX)
		return xa_get_slow(cache, n, dirty);
	unsigned c = xa_class(n);
	struct xa_cpu *k = &cache->cpu[0];
	void **p = k->free[c];
	if (__builtin_expect(!p, 0))
		return xa_get_slow(cache, n, dirty);
	k->free[c] = *p;
	k->n[c]--;
	size_t d = XA_DIRTY(p);
	if (XA_ASAN)
		xa_unpoison(p, n);
	if (__builtin_expect(d > n, 0)) {
		xa_clean_tail(p, n, d);
		d = n;
	}
	if (XA_ASAN)
		xa_check_clean(p, d, n);
	*dirty = d;
	return p;
}

static inline void xa_put_dirty(struct xa_cache *cache, void *p, size_t n, size_t dirty)
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
	if (dirty < XA_WORDS)
		dirty = XA_WORDS;
	if (XA_ASAN)
		xa_poison(p, dirty < n ? dirty : n, xa_class_size(c));
	*(void **)p = k->free[c];
	XA_DIRTY(p) = dirty;
	k->free[c] = p;
	k->n[c]++;
}

#endif
