/* exheap.c - the exchange heap (see exheap.h). */
#include "exheap.h"

#include "../hal/hal.h"
#include "gc.h"

/* The shared element storage of xarrays.  A DMA region (dma.new) is
 * hal_dma_map memory: one page holding this header at its end, so the data
 * starts page aligned on the next, then the data's pages. */
struct xh_region {
	uint64_t refs;
	uint64_t size;
	uint32_t born;          /* pid of the owner that made it (debug: zero copy) */
	uint32_t dma;           /* from hal_dma_map: released with hal_dma_unmap */
	_Alignas(16) uint8_t data[];
};

#define DMA_HEAD (HAL_PAGE - offsetof(struct xh_region, data))

static uint64_t dma_bytes(uint64_t size)
{
	return HAL_PAGE + ((size + HAL_PAGE - 1) & ~(uint64_t)(HAL_PAGE - 1));
}

_Static_assert(sizeof(struct xh_block) % 16 == 0, "payloads must stay 16-byte aligned");
_Static_assert(sizeof(struct xh_block) - offsetof(struct xh_block, own) == SING_XH_OWN_BACK,
               "generated code finds a block's owner SING_XH_OWN_BACK bytes before it");

static struct xh_block *blk(const void *payload)
{
	return (struct xh_block *)payload - 1;
}

const struct ly_layout *xh_layout(const void *p)
{
	return blk(p)->lay;
}

/* b->own without the inner mark: the list b is on. */
static struct xh_list *list_of(const struct xh_block *b)
{
	return (struct xh_list *)((uintptr_t)b->own & ~SING_XH_INNER);
}

static void link_block(struct xh_list *own, struct xh_block *b)
{
	b->own = own;
	b->next = own->head.next;
	b->prev = &own->head;
	own->head.next->prev = b;
	own->head.next = b;
	if (own->budget)
		sk_charge(own->budget, b->charge);
}

static void unlink_block(struct xh_block *b)
{
	struct xh_list *own = list_of(b);
	if (own && own->budget)
		own->budget->used -= b->charge;
	b->own = NULL;
	b->prev->next = b->next;
	b->next->prev = b->prev;
	b->prev = b->next = b;
}

void xh_list_init(struct xh_list *l, uint32_t owner, struct sk_budget *budget)
{
	l->head.next = l->head.prev = &l->head;
	l->owner = owner;
	l->budget = budget;
}

static int over(const struct xh_list *own, uint64_t bytes)
{
	return own->budget && own->budget->used + bytes > own->budget->limit;
}

static void *alloc_block(struct xh_heap *h, struct xh_list *own,
                         const struct ly_layout *lay, uint64_t size, uint64_t extra)
{
	if (over(own, sizeof(struct xh_block) + size + extra))
		return NULL;
	struct xh_block *b = xa_get(&h->xa, sizeof *b + size);
	if (!b)
		return NULL;
	b->lay = lay;
	b->size = size;
	b->charge = sizeof *b + size + extra;
	b->prev = b->next = b;
	link_block(own, b);
	h->live_bytes += size;
	h->nblocks++;
	return b + 1;
}

void *xh_new_struct(struct xh_heap *h, struct xh_list *own, const struct ly_layout *lay)
{
	return alloc_block(h, own, lay, (uint64_t)lay->nslots * sizeof(union sing_slot), 0);
}

void *xh_new_raw(struct xh_heap *h, struct xh_list *own, const struct ly_layout *lay,
                 uint64_t size)
{
	return alloc_block(h, own, lay, size, 0);
}

static void region_free(struct xh_heap *h, struct xh_region *r, uint64_t size)
{
	if (r->dma)
		hal_dma_unmap((uint8_t *)r - DMA_HEAD, dma_bytes(size));
	else
		xa_put(&h->xa, r, sizeof *r + size);
}

static void region_put(struct xh_heap *h, struct xh_region *r)
{
	if (--r->refs)
		return;
	h->live_bytes -= r->size;
	region_free(h, r, r->size);
}

static struct xh_region *region_new(struct xh_heap *h, uint64_t size, int dma)
{
	if (!dma)
		return size <= UINT64_MAX / 2 ? xa_get(&h->xa, sizeof(struct xh_region) + size) : NULL;
	uint8_t *m = size <= UINT64_MAX - 2 * HAL_PAGE ? hal_dma_map(dma_bytes(size)) : NULL;
	struct xh_region *r = m ? (struct xh_region *)(m + DMA_HEAD) : NULL;
	if (r)
		r->dma = 1;
	return r;
}

static struct sing_xarr *new_array(struct xh_heap *h, struct xh_list *own,
                                   const struct ly_layout *lay, int64_t len, int dma)
{
	uint64_t size;
	if (__builtin_mul_overflow((uint64_t)len, (uint64_t)lay->elem_size, &size))
		return NULL;
	if (over(own, dma ? dma_bytes(size) : size))
		return NULL;
	struct xh_region *r = region_new(h, size, dma);
	if (!r)
		return NULL;
	struct sing_xarr *x = alloc_block(h, own, lay, sizeof *x, dma ? dma_bytes(size) : size);
	if (!x) {
		region_free(h, r, size);
		return NULL;
	}
	r->refs = 1;
	r->size = size;
	r->born = own->owner;
	h->live_bytes += size;
	x->len = len;
	x->data = r->data;
	x->region = r;
	return x;
}

struct sing_xarr *xh_new_array(struct xh_heap *h, struct xh_list *own,
                               const struct ly_layout *lay, int64_t len)
{
	return new_array(h, own, lay, len, 0);
}

struct sing_xarr *xh_new_dma_array(struct xh_heap *h, struct xh_list *own,
                                   const struct ly_layout *lay, int64_t len)
{
	return new_array(h, own, lay, len, 1);
}

uint32_t xh_dma_check(const struct xh_list *own, uint64_t addr, uint64_t n)
{
	for (const struct xh_block *b = own->head.next; n && b != &own->head; b = b->next) {
		if (b->lay->kind != SING_K_XARRAY)
			continue;
		const struct sing_xarr *x = (const struct sing_xarr *)(b + 1);
		uint64_t lo = (uint64_t)(uintptr_t)x->data;
		uint64_t bytes = (uint64_t)x->len * b->lay->elem_size;
		if (addr >= lo && addr - lo <= bytes && n <= bytes - (addr - lo))
			return ((const struct xh_region *)x->region)->born | 0x80000000u;
	}
	return 0;
}

struct sing_xarr *xh_split(struct xh_heap *h, struct xh_list *own,
                           struct sing_xarr *x, int64_t idx)
{
	struct sing_xarr *y = alloc_block(h, own, blk(x)->lay, sizeof *y, 0);
	if (!y)
		return NULL;
	struct xh_region *r = x->region;
	r->refs++;
	y->len = x->len - idx;
	y->data = x->data + (uint64_t)idx * blk(x)->lay->elem_size;
	y->region = r;
	x->len = idx;
	return y;
}

/* Free one block (not what it owns); an endpoint is closed first. */
static void free_block(struct xh_heap *h, struct xh_block *b)
{
	if (b->lay->kind == SING_K_ENDPOINT && h->close)
		h->close(h, b + 1);
	else if (b->lay->kind == SING_K_ESET && h->drop_set)
		h->drop_set(h, b + 1);
	else if (b->lay->kind == SING_K_XARRAY)
		region_put(h, ((struct sing_xarr *)(b + 1))->region);
	h->live_bytes -= b->size;
	h->nblocks--;
	xa_put(&h->xa, b, sizeof *b + b->size);
}

/* Push the blocks b owns onto the worklist (threaded through next). */
static struct xh_block *push_children(struct xh_block *b, struct xh_block *work)
{
	if (b->lay->kind != SING_K_XSTRUCT)
		return work;
	union sing_slot *f = (union sing_slot *)(b + 1);
	for (uint32_t i = 0; i < b->lay->nslots; i++) {
		if (b->lay->slots[i] != SING_S_LINEAR || !f[i].p)
			continue;
		struct xh_block *c = blk(f[i].p);
		unlink_block(c);
		c->next = work;
		work = c;
	}
	return work;
}

/* Deep delete without recursion: a worklist threaded through the
 * headers of blocks already unlinked from their owner's list. */
void xh_delete(struct xh_heap *h, void *p)
{
	struct xh_block *work = blk(p);
	unlink_block(work);
	work->next = NULL;
	while (work) {
		struct xh_block *b = work;
		work = push_children(b, b->next);
		free_block(h, b);
	}
}

uint64_t xh_free_all(struct xh_heap *h, struct xh_list *own)
{
	uint64_t before = h->live_bytes;
	while (own->head.next != &own->head) {
		struct xh_block *b = own->head.next;
		unlink_block(b);
		free_block(h, b);
	}
	return before - h->live_bytes;
}

/* Detach p's tree (a struct and what it owns) block by block, then attach
 * each to own (or leave it in flight).  The worklist is a local list, so
 * no recursion. */
static __attribute__((noinline)) void move_struct(struct xh_block *work, struct xh_list *own)
{
	struct xh_block *done = NULL, *root = work;
	unlink_block(work);
	work->next = NULL;
	while (work) {
		struct xh_block *b = work;
		work = push_children(b, b->next);
		b->next = done;
		done = b;
	}
	while (done) {
		struct xh_block *b = done;
		done = b->next;
		b->prev = b->next = b;
		if (own)
			link_block(own, b);
		if (own && b != root)   /* a field's value stays inner */
			b->own = (struct xh_list *)((uintptr_t)own | SING_XH_INNER);
	}
}

/* Move p and everything it owns to own (NULL: in flight).  A leaf (an
 * array, an endpoint: the common message) moves without the worklist. */
static inline void move_tree(void *p, struct xh_list *own)
{
	struct xh_block *b = blk(p);
	if (b->lay->kind == SING_K_XSTRUCT) {
		move_struct(b, own);
		return;
	}
	unlink_block(b);
	if (own)
		link_block(own, b);
}

void xh_send(void *p)
{
	move_tree(p, NULL);
}

void xh_recv(void *p, struct xh_list *own)
{
	move_tree(p, own);
}

void xh_drain(struct xh_heap *h)
{
	xa_drain(&h->xa);
}
