/* mem.c - physical memory (identity mapped, so an address is both):
 * a bitmap of the 4 KiB pages below 4 GiB the loader's map reported
 * free, first fit from a hint that moves on and back to what is freed
 * (warm pages first: under TCG a first touch is dear), behind hal_map
 * and hal_dma_map; and
 * hal_alloc, a kernel heap of power-of-two size classes (32 B to 2 KiB)
 * carved from pages, with whole page runs for anything larger.  Every
 * block carries a header saying what it is, so hal_free needs no size
 * and a double free or a foreign pointer panics instead of corrupting.
 * See ../hal.h and pc.h. */
#include "../hal.h"
#include "pc.h"

#define NPAGES (1u << 20)               /* 4 GiB of 4 KiB pages */
#define HDR 16u
#define MIN_SHIFT 5                     /* 32 B */
#define MAX_SHIFT 11                    /* 2 KiB */
#define MAGIC_USED 0x51e6a11c0ull
#define MAGIC_FREE 0xf4eeb10cull

static uint64_t freemap[NPAGES / 64];   /* bit set: page free */
static uint32_t hint, top;   /* top: one past the highest page ever free */
static uint64_t nfree, ntotal;
static struct spin page_lock, heap_lock;

struct hdr { uint64_t what, magic; };   /* what: size class shift, or pages << 8 */
struct blk { struct blk *next; };
static struct blk *bins[MAX_SHIFT + 1];

static int page_free(uint32_t p) { return (int)(freemap[p / 64] >> (p % 64) & 1); }
static void page_set(uint32_t p, int f)
{
	if (f)
		freemap[p / 64] |= 1ull << (p % 64);
	else
		freemap[p / 64] &= ~(1ull << (p % 64));
}

void mem_add(uint64_t lo, uint64_t hi)
{
	lo = (lo + HAL_PAGE - 1) / HAL_PAGE;
	hi = hi / HAL_PAGE;
	if (hi > NPAGES)
		hi = NPAGES;
	for (uint64_t p = lo; p < hi; p++)
		if (!page_free((uint32_t)p)) {
			page_set((uint32_t)p, 1);
			nfree++, ntotal++;
		}
	if (hi > top)
		top = (uint32_t)hi;
}

uint64_t mem_free_bytes(void) { return nfree * HAL_PAGE; }
uint64_t mem_total_bytes(void) { return ntotal * HAL_PAGE; }

/* A run of n free pages, first fit from the hint, wrapping once; words
 * of the bitmap with no free page are skipped whole. */
static void *pages_get(uint32_t n)
{
	uint64_t fl = spin_lock(&page_lock);
	for (uint32_t pass = 0, p = hint; pass < 2; pass++, p = 0) {
		while (p + n <= top) {
			if (freemap[p / 64] == 0) {
				p = (p / 64 + 1) * 64;
				continue;
			}
			uint32_t run = 0;
			while (run < n && page_free(p + run))
				run++;
			if (run == n) {
				for (uint32_t i = 0; i < n; i++)
					page_set(p + i, 0);
				nfree -= n;
				hint = p + n;
				spin_unlock(&page_lock, fl);
				void *m = (void *)((uintptr_t)p * HAL_PAGE);
				__builtin_memset(m, 0, (size_t)n * HAL_PAGE);
				return m;
			}
			p += run + 1;
		}
	}
	spin_unlock(&page_lock, fl);
	return NULL;
}

static void pages_put(void *m, uint32_t n)
{
	uint32_t p = (uint32_t)((uintptr_t)m / HAL_PAGE);
	uint64_t fl = spin_lock(&page_lock);
	for (uint32_t i = 0; i < n; i++) {
		if (page_free(p + i))
			pc_panic("hal_unmap of a free page", 0);
		page_set(p + i, 1);
	}
	nfree += n;
	if (p < hint)   /* reuse low, recently used pages first: warm caches and TLB */
		hint = p;
	spin_unlock(&page_lock, fl);
}

static uint32_t npages(size_t n)
{
	return (uint32_t)((n + HAL_PAGE - 1) / HAL_PAGE);
}

void *hal_map(size_t n)
{
	return n && n <= (size_t)NPAGES * HAL_PAGE ? pages_get(npages(n)) : NULL;
}

/* Identity-mapped pages are present already, and mapped with 2 MiB pages
 * (boot.S): HAL_HUGE needs nothing more (alignment is only the host's
 * condition for a huge page). */
void *hal_map_now(size_t n, unsigned flags)
{
	(void)flags;
	return hal_map(n);
}

void hal_unmap(void *p, size_t n)
{
	if (p)
		pages_put(p, npages(n));
}

/* Physical = virtual and all memory lies below 4 GiB: any page will do. */
void *hal_dma_map(size_t n)
{
	return hal_map(n);
}

void hal_dma_unmap(void *p, size_t n)
{
	hal_unmap(p, n);
}

void *hal_alloc(size_t n)
{
	if (n > (size_t)NPAGES * HAL_PAGE - HDR)
		return NULL;
	size_t total = n + HDR;
	struct hdr *h;
	if (total > (1u << MAX_SHIFT)) {
		uint32_t np = npages(total);
		if (!(h = pages_get(np)))
			return NULL;
		h->what = (uint64_t)np << 8;
	} else {
		unsigned c = MIN_SHIFT;
		while ((1u << c) < total)
			c++;
		uint64_t fl = spin_lock(&heap_lock);
		if (!bins[c]) {
			uint8_t *pg = pages_get(1);
			if (!pg) {
				spin_unlock(&heap_lock, fl);
				return NULL;
			}
			for (uint32_t off = 0; off < HAL_PAGE; off += 1u << c) {
				struct blk *b = (struct blk *)(pg + off);
				b->next = bins[c];
				bins[c] = b;
			}
		}
		h = (struct hdr *)bins[c];
		bins[c] = bins[c]->next;
		spin_unlock(&heap_lock, fl);
		__builtin_memset(h, 0, (size_t)1 << c);
		h->what = c;
	}
	h->magic = MAGIC_USED;
	return (uint8_t *)h + HDR;
}

void hal_free(void *p)
{
	if (!p)
		return;
	struct hdr *h = (struct hdr *)((uint8_t *)p - HDR);
	uint64_t used = MAGIC_USED;   /* one CPU wins a race of two frees */
	if (!__atomic_compare_exchange_n(&h->magic, &used, MAGIC_FREE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		pc_panic(used == MAGIC_FREE ? "hal_free: double free" : "hal_free: not a heap block", 0);
	if (h->what >> 8) {
		pages_put(h, (uint32_t)(h->what >> 8));
		return;
	}
	unsigned c = (unsigned)h->what;
	struct blk *b = (struct blk *)h;
	/* The free-list link sits where the magic is not: keep it FREE. */
	uint64_t fl = spin_lock(&heap_lock);
	b->next = bins[c];
	bins[c] = b;
	spin_unlock(&heap_lock, fl);
}

uint64_t hal_rss_bytes(void)
{
	return (ntotal - nfree) * HAL_PAGE;
}
