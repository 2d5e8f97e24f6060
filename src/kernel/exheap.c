/* exheap.c - the exchange heap (see exheap.h). */
#include "exheap.h"

#include "../hal/hal.h"

/* The shared element storage of xarrays. */
struct xh_region {
	uint64_t refs;
	uint64_t size;
	_Alignas(16) uint8_t data[];
};

static struct xh_block *blk(void *payload)
{
	return (struct xh_block *)payload - 1;
}

static void link_block(struct xh_list *own, struct xh_block *b)
{
	b->owner = own->owner;
	b->next = own->head.next;
	b->prev = &own->head;
	own->head.next->prev = b;
	own->head.next = b;
}

static void unlink_block(struct xh_block *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
	b->prev = b->next = b;
}

void xh_list_init(struct xh_list *l, uint32_t owner)
{
	l->head.next = l->head.prev = &l->head;
	l->owner = owner;
}

static void *alloc_block(struct xh_heap *h, struct xh_list *own,
                         const struct sing_tinfo *ti, uint64_t size)
{
	struct xh_block *b = hal_alloc(sizeof *b + size);
	if (!b)
		return NULL;
	b->ti = ti;
	b->size = size;
	link_block(own, b);
	h->live_bytes += size;
	h->nblocks++;
	return b + 1;
}

void *xh_new_struct(struct xh_heap *h, struct xh_list *own, const struct sing_tinfo *ti)
{
	return alloc_block(h, own, ti, (uint64_t)ti->nslots * sizeof(union sing_slot));
}

static void region_put(struct xh_heap *h, struct xh_region *r)
{
	if (--r->refs == 0) {
		h->live_bytes -= r->size;
		hal_free(r);
	}
}

struct sing_xarr *xh_new_array(struct xh_heap *h, struct xh_list *own,
                               const struct sing_tinfo *ti, int64_t len)
{
	uint64_t size = (uint64_t)len * ti->elem_size;
	if (ti->elem_size && size / ti->elem_size != (uint64_t)len)
		return NULL;
	struct xh_region *r = hal_alloc(sizeof *r + size);
	if (!r)
		return NULL;
	struct sing_xarr *x = alloc_block(h, own, ti, sizeof *x);
	if (!x) {
		hal_free(r);
		return NULL;
	}
	r->refs = 1;
	r->size = size;
	h->live_bytes += size;
	x->len = len;
	x->data = r->data;
	x->region = r;
	return x;
}

struct sing_xarr *xh_split(struct xh_heap *h, struct xh_list *own,
                           struct sing_xarr *x, int64_t idx)
{
	struct sing_xarr *y = alloc_block(h, own, blk(x)->ti, sizeof *y);
	if (!y)
		return NULL;
	struct xh_region *r = x->region;
	r->refs++;
	y->len = x->len - idx;
	y->data = x->data + (uint64_t)idx * blk(x)->ti->elem_size;
	y->region = r;
	x->len = idx;
	return y;
}

/* Free one block (not what it owns). */
static void free_block(struct xh_heap *h, struct xh_block *b)
{
	if (b->ti->kind == SING_K_XARRAY)
		region_put(h, ((struct sing_xarr *)(b + 1))->region);
	h->live_bytes -= b->size;
	h->nblocks--;
	hal_free(b);
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
		work = b->next;
		if (b->ti->kind == SING_K_XSTRUCT) {
			union sing_slot *f = (union sing_slot *)(b + 1);
			for (uint32_t i = 0; i < b->ti->nslots; i++) {
				if (b->ti->slots[i] != SING_S_LINEAR || !f[i].p)
					continue;
				struct xh_block *c = blk(f[i].p);
				unlink_block(c);
				c->next = work;
				work = c;
			}
		}
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
