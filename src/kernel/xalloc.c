/* xalloc.c - size classes with per-CPU free lists (see xalloc.h): the
 * class arithmetic above 256 bytes, the miss paths, ASan's view of
 * cached objects, and the drain. */
#include "xalloc.h"

#include "../hal/hal.h"
#include "panic.h"

#define XA_JUNK 0xdb

/* Above 256: 4 classes per power of two, (4 + q) << (b - 2) for
 * q = 1..4 where 2^b < n <= 2^(b+1). */
unsigned xa_class_big(size_t n)
{
	unsigned b = 63u - (unsigned)__builtin_clzll((uint64_t)(n - 1));
	size_t step = (size_t)1 << (b - 2);
	unsigned q = (unsigned)((n - 1 - ((size_t)1 << b)) / step);        /* 0..3 */
	return 16 + (b - 8) * 4 + q;
}

_Static_assert(16 + (20 - 1 - 8) * 4 + 3 < XA_NCLASS, "classes up to XA_MAX");

/* The size of class c (above 256: (5 + q) << (b - 2), b = 8 + (c - 16) / 4
 * and q = (c - 16) % 4), a constant expression for the table of caps. */
#define SZ(c) ((c) < 16 ? ((size_t)(c) + 1) << 4 : ((size_t)5 + ((c) - 16) % 4) << (6 + ((c) - 16) / 4))
#define CAP(c) (uint32_t)(SZ(c) >= XA_CLASS_BYTES ? 1 : XA_CLASS_BYTES / SZ(c))
#define CAP4(c) CAP(c), CAP(c + 1), CAP(c + 2), CAP(c + 3)
#define CAP16(c) CAP4(c), CAP4(c + 4), CAP4(c + 8), CAP4(c + 12)

const uint32_t xa_cap[XA_NCLASS] = { CAP16(0), CAP16(16), CAP16(32), CAP16(48) };
_Static_assert(SZ(63) == XA_MAX && SZ(16) == 320 && SZ(15) == 256, "SZ is xa_class_size");

size_t xa_class_size_big(unsigned c)
{
	return SZ(c);
}

#if XA_ASAN
/* The sanitizer's own interface (sanitizer/asan_interface.h), declared
 * here because the kernel includes no host headers. */
void __asan_poison_memory_region(void const volatile *addr, size_t size);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
#endif

/* Poison len bytes at p + off (nothing unsanitized). */
static void poison(void *p, size_t off, size_t len)
{
#if XA_ASAN
	__asan_poison_memory_region((uint8_t *)p + off, len);
#else
	(void)p;
	(void)off;
	(void)len;
#endif
}

/* A miss: a new object of the whole class from the host (its tail past n
 * poisoned, as a cached one's is), or above XA_MAX pages of its own
 * (hal_map: hosted, a fresh mapping, whose pages the host gives zeroed
 * when first touched, and hands back at the free); zeroed either way,
 * which the caller need not do again.  A big array thus costs no pass
 * over its pages, only the pages the SIP touches. */
void *xa_get_slow(struct xa_cache *c, size_t n, size_t *dirty)
{
	(void)c;
	*dirty = 0;
	if (n > XA_MAX)
		return hal_map(n);
	size_t sz = xa_class_size(xa_class(n));
	void *p = hal_alloc(sz);
	if (p)
		poison(p, n, sz - n);
	return p;
}

/* Above XA_MAX, or the class's (or the CPU's) cache is full. */
void xa_put_slow(struct xa_cache *c, void *p, size_t n)
{
	(void)c;
	if (n > XA_MAX) {
		hal_unmap(p, n);
		return;
	}
	if (XA_ASAN)
		xa_unpoison(p, xa_class_size(xa_class(n)));
	hal_free(p);
}

void xa_unpoison(void *p, size_t n)
{
#if XA_ASAN
	__asan_unpoison_memory_region(p, n);
#else
	(void)p;
	(void)n;
#endif
}

/* A cached object: its dirty prefix junk (a missed write shows), all of
 * its sz bytes but the two words poisoned.  The words sit in the first 16
 * bytes, which a handed-out object's block header overwrites. */
void xa_poison(void *p, size_t dirty, size_t sz)
{
	__builtin_memset(p, XA_JUNK, dirty);
	poison(p, XA_WORDS, sz - XA_WORDS);
}

/* An object got with n bytes less than its dirty prefix (its class's
 * last user was larger): zero the tail, so that the caller, which zeroes
 * at most its n, hands on an object zero past n. */
void xa_clean_tail(void *p, size_t n, size_t dirty)
{
	xa_unpoison((uint8_t *)p + n, dirty - n);
	__builtin_memset((uint8_t *)p + n, 0, dirty - n);
	poison(p, n, dirty - n);
}

/* Sanitized builds: an object handed out must be zero past its dirty
 * prefix, else a writer wrote past what it declared (exheap.h "Write
 * marks"): stop before another SIP can read it. */
void xa_check_clean(const void *p, size_t dirty, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = dirty; i < n; i++)
		if (b[i])
			kpanic("xalloc: a recycled object is not zero past its dirty prefix "
			       "(a missed write mark)");
}

void xa_drain(struct xa_cache *cache)
{
	for (unsigned i = 0; i < XA_NCPU; i++) {
		struct xa_cpu *k = &cache->cpu[i];
		for (unsigned c = 0; c < XA_NCLASS; c++)
			while (k->free[c]) {
				void **p = k->free[c];
				k->free[c] = *p;
				xa_put_slow(cache, p, xa_class_size(c));
			}
		__builtin_memset(k, 0, sizeof *k);
	}
}
