/*
 * xmark.c - the exchange heap's write marks (src/kernel/exheap.h "Write
 * marks") against every kernel-side writer of an array's elements,
 * through the heap's own API, linked with the sanitized kernel objects.
 * Each writer writes a pattern into a new array of one owner (a SIP's
 * list), the array is deleted, and the next array of that size made in
 * the same owner and in another must read all zero: the recycled object
 * is zeroed only up to its marks, so a writer that does not raise one
 * leaks its bytes (and the sanitized xalloc stops the run: xa_check_clean).
 * Prints one line per writer ("NAME: this SIP N, other SIP N", N the
 * non-zero bytes seen), then the heap's live bytes (0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/exheap.h"
#include "kernel/gc.h"

static struct xh_heap heap;
static struct xh_list sip_a, sip_b;
static struct sk_budget budget_a = {.limit = 1 << 24}, budget_b = {.limit = 1 << 24};
static struct ly_layout bytes_lay = {.kind = SING_K_XARRAY, .elem_size = 1};

enum { N = 65536, SMALL = 144, SMALLER = 130 };

static struct sing_xarr *new_unwritten(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = xh_new_array_unwritten(&heap, own, &bytes_lay, n);
	if (!x) {
		fprintf(stderr, "xmark: out of memory\n");
		exit(1);
	}
	return x;
}

/* A generated store x[i] = v: the mark raised first (rt.h SING_XWR). */
static void store(struct sing_xarr *x, int64_t i)
{
	SING_XWR(x, i);
	x->data[i] = 0xab;
}

/* ---- the writers: each leaves a pattern in a deleted array of n bytes ---- */

/* The kernel's own text for a SIP (ns_text): xh_new_array, then a copy. */
static void w_kernel_array(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = xh_new_array(&heap, own, &bytes_lay, n);
	memset(x->data, 0xab, (size_t)n);
	xh_delete(&heap, x);
}

/* The kernel copying into an array made for a SIP (strbytes). */
static void w_kernel_copy(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = new_unwritten(own, n);
	memset(x->data, 0xab, (size_t)n);
	xh_wrote(x);
	xh_delete(&heap, x);
}

/* A device writing the second half, as the DMA check let it (vnet). */
static void w_device_checked(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = new_unwritten(own, n);
	uint64_t at = (uint64_t)(uintptr_t)x->data + (uint64_t)n / 2;
	if (!xh_dma_check(own, at, (uint64_t)n / 2)) {
		fprintf(stderr, "xmark: the DMA check refused an owned array\n");
		exit(1);
	}
	memset(x->data + n / 2, 0xab, (size_t)n / 2);
	xh_delete(&heap, x);
}

/* A device writing an array whose address the driver took (dma.addr). */
static void w_device_addr(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = new_unwritten(own, n);
	uint8_t *p = (uint8_t *)(uintptr_t)xh_dma_addr(x);
	memset(p + n - 16, 0xab, 16);
	xh_delete(&heap, x);
}

/* A store at the end, then xsplit in the middle (the part written moves
 * to the new descriptor); the home deleted first. */
static void w_store_then_split(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = new_unwritten(own, n);
	store(x, n - 1);
	struct sing_xarr *y = xh_split(&heap, own, x, n / 2);
	xh_delete(&heap, x);
	xh_delete(&heap, y);
}

/* xsplit, then a store at the end of the second part; the part deleted
 * first (its mark must reach the region the home frees later) or the
 * home first (the part frees the region). */
static void split_store(struct xh_list *own, int64_t n, int home_first)
{
	struct sing_xarr *x = new_unwritten(own, n);
	struct sing_xarr *y = xh_split(&heap, own, x, n / 2);
	store(y, y->len - 1);
	xh_delete(&heap, home_first ? x : y);
	xh_delete(&heap, home_first ? y : x);
}

static void w_split_store_part_first(struct xh_list *own, int64_t n)
{
	split_store(own, n, 0);
}

static void w_split_store_home_first(struct xh_list *own, int64_t n)
{
	split_store(own, n, 1);
}

/* A parked small array, written in full, taken back by the kernel at a
 * smaller size of the same slot (xh_unpark), then deleted: its old tail
 * must not outlive it.  n is ignored: SMALL and SMALLER. */
static void w_unpark_smaller(struct xh_list *own, int64_t n)
{
	(void)n;
	struct sing_thread t;
	memset(&t, 0, sizeof t);
	t.xown = own;
	struct sing_xarr *x = new_unwritten(own, SMALL);
	for (int64_t i = 0; i < SMALL; i++)
		store(x, i);
	if (!sing_xpark_put(&t, x)) {
		fprintf(stderr, "xmark: the array was not parked\n");
		exit(1);
	}
	struct sing_xarr *y = xh_unpark(&heap, own, t.xpark, &bytes_lay, SMALLER, SMALLER);
	if (!y) {
		fprintf(stderr, "xmark: the parked array was not taken\n");
		exit(1);
	}
	xh_delete(&heap, y);
}

/* A class holds sizes up to 25% apart: an array of n bytes written in
 * full, then a smaller one of the same class made from its object and
 * deleted unwritten (its tail past its size is the larger one's: xalloc
 * must zero it, xa_clean_tail, as the smaller one zeroes only its own). */
static void w_class_shrunk(struct xh_list *own, int64_t n)
{
	w_kernel_array(own, n);
	xh_delete(&heap, new_unwritten(own, N));
}

/* Non-zero bytes of the next new array of n bytes of own, deleted again. */
static long nonzero_next(struct xh_list *own, int64_t n)
{
	struct sing_xarr *x = new_unwritten(own, n);
	long bad = 0;
	for (int64_t i = 0; i < n; i++)
		bad += x->data[i] != 0;
	xh_delete(&heap, x);
	return bad;
}

struct writer {
	const char *name;
	void (*write)(struct xh_list *own, int64_t n);
	int64_t n;
};

static const struct writer writers[] = {
	{"kernel array (ns_text)", w_kernel_array, N},
	{"kernel copy (strbytes)", w_kernel_copy, N},
	{"device, DMA check", w_device_checked, N},
	{"device, dma.addr", w_device_addr, N},
	{"store then split", w_store_then_split, N},
	{"split, store, part freed first", w_split_store_part_first, N},
	{"split, store, home freed first", w_split_store_home_first, N},
	{"parked, taken smaller", w_unpark_smaller, SMALL},
	{"larger array, then a smaller of its class", w_class_shrunk, N + N / 8},
};

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);   /* the lines before a stop are seen */
	xh_list_init(&sip_a, 1, &budget_a);
	xh_list_init(&sip_b, 2, &budget_b);
	for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++) {
		const struct writer *w = &writers[i];
		w->write(&sip_a, w->n);
		long same = nonzero_next(&sip_a, w->n);
		w->write(&sip_a, w->n);
		long other = nonzero_next(&sip_b, w->n);
		printf("%s: this SIP %ld, other SIP %ld\n", w->name, same, other);
	}
	printf("live bytes: %llu, charged: %llu\n", (unsigned long long)heap.live_bytes,
	       (unsigned long long)(budget_a.used + budget_b.used));
	xh_drain(&heap);
	return 0;
}
