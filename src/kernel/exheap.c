/* exheap.c - the exchange heap (see exheap.h). */
#include "exheap.h"

#include "../hal/hal.h"
#include "gc.h"

/* The shared element storage of xarrays.  An ordinary array's region
 * lives inside the array's own block, after its descriptor (one object
 * from xalloc per array, not two): the block that made it is its home.
 * xsplit's parts point into the home, so a home deleted while parts still
 * share its region keeps its memory until the last part goes (free_array).
 * A DMA region (dma.new) is hal_dma_map memory: one page holding this
 * header at its end, so the data starts page aligned on the next, then the
 * data's pages. */
struct xh_region {
	uint64_t refs;
	uint64_t size;
	uint32_t born;          /* pid of the owner that made it (debug: zero copy) */
	uint32_t dma;           /* from hal_dma_map: released with hal_dma_unmap */
	uint64_t wr;            /* write mark: bytes [wr, size) are zero (region_wrote) */
	_Alignas(16) uint8_t data[];
};

#define DMA_HEAD (HAL_PAGE - offsetof(struct xh_region, data))
/* Where an inline region starts in its home's payload, and its elements
 * in the home's object. */
#define ARR_HEAD ((sizeof(struct sing_xarr) + 15) & ~(size_t)15)
#define ELEMS_AT (sizeof(struct xh_block) + ARR_HEAD + sizeof(struct xh_region))

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

/* Zero the n bytes at p (16-byte aligned) of an object from xalloc, whose
 * class rounds it up to 16 bytes at least: up to 256 bytes by 16-byte
 * stores (sing_zero16, as generated code does).  ASan sees the tail past
 * n poisoned: memset exactly there. */
static inline void zero(void *p, uint64_t n)
{
	if (XA_ASAN || n > 256)
		__builtin_memset(p, 0, n);
	else
		sing_zero16(p, n);
}

/* Zero the n bytes at p, which lies off bytes into an object from
 * xalloc whose bytes from dirty on are zero already: only the part before
 * dirty (exheap.h "Write marks"). */
static inline void zero_dirty(void *p, uint64_t n, uint64_t off, size_t dirty)
{
	if (dirty > off)
		zero(p, dirty - off < n ? dirty - off : n);
}

/* Put b on own's list (no charge). */
static void link_to(struct xh_list *own, struct xh_block *b)
{
	b->own = own;
	b->next = own->head.next;
	b->prev = &own->head;
	own->head.next->prev = b;
	own->head.next = b;
}

/* A block that moves in: charged whatever the budget says (the sender
 * made it; a SIP cannot refuse what it is sent). */
static void link_block(struct xh_list *own, struct xh_block *b)
{
	link_to(own, b);
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

/* Charge a new block's bytes to own: an add and a compare (and the peak
 * a compare more); 0 if the budget is short. */
static inline int charge(struct xh_list *own, uint64_t bytes)
{
	struct sk_budget *b = own->budget;
	if (!b)
		return 1;
	uint64_t used = b->used + bytes;
	if (used > b->limit)
		return 0;
	b->used = used;
	if (used > b->peak)
		b->peak = used;
	return 1;
}

/* A block whose payload is size bytes, with room more bytes after it in
 * the same object (an array's inline region), on own's list and charged
 * the header, the payload and extra (an array's elements or DMA pages).
 * Neither is zeroed: past *dirty bytes of the object it is zero already
 * (xa_get), before that the caller zeroes what it does not write. */
static inline struct xh_block *alloc_obj(struct xh_heap *h, struct xh_list *own,
                                         const struct ly_layout *lay, uint64_t size,
                                         uint64_t room, uint64_t extra, size_t *dirty)
{
	uint64_t bytes = sizeof(struct xh_block) + size + extra;
	if (!charge(own, bytes))
		return NULL;
	struct xh_block *b = xa_get(&h->xa, sizeof *b + size + room, dirty);
	if (!b) {
		if (own->budget)
			own->budget->used -= bytes;
		return NULL;
	}
	b->lay = lay;
	b->size = size;
	b->charge = bytes;
	link_to(own, b);
	return b;
}

/* A block with a zeroed payload of size bytes. */
static void *alloc_block(struct xh_heap *h, struct xh_list *own,
                         const struct ly_layout *lay, uint64_t size, uint64_t extra)
{
	size_t dirty;
	struct xh_block *b = alloc_obj(h, own, lay, size, 0, extra, &dirty);
	if (!b)
		return NULL;
	zero_dirty(b + 1, size, sizeof *b, dirty);
	h->live_bytes += size;
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

/* The object an inline region lives in, and its size. */
static struct xh_block *region_home(struct xh_region *r)
{
	return (struct xh_block *)((uint8_t *)r - ARR_HEAD) - 1;
}

static uint64_t home_bytes(uint64_t size)
{
	return sizeof(struct xh_block) + ARR_HEAD + sizeof(struct xh_region) + size;
}

/* ---- parked arrays ----
 * A thread that deletes a small array usually makes another soon (a
 * buffer per message): rt.h parks it in the thread's slot for its size
 * (sing_xpark_put, inline in generated code and in sing_delete) and
 * takes it back for a new array of the same size and layout
 * (sing_xnewarr_fast).  Parked, it stays on its SIP's list, charged and
 * counted live; what is left here is the kernel's side: a new array of
 * another size in the same slot (xh_unpark), and freeing a thread's
 * parked arrays (xh_unpark_all: its end, a short budget). */

#define HOME_AT(f) (offsetof(struct sing_xhome, f) - offsetof(struct sing_xhome, refs))
_Static_assert(sizeof(struct sing_xarr) <= ARR_HEAD && ARR_HEAD == offsetof(struct sing_xhome, refs) &&
               HOME_AT(size) == offsetof(struct xh_region, size) &&
               HOME_AT(born) == offsetof(struct xh_region, born) &&
               HOME_AT(dma) == offsetof(struct xh_region, dma) &&
               HOME_AT(data) == offsetof(struct xh_region, data),
               "rt.h's struct sing_xhome is a home's descriptor and region header");
_Static_assert(sizeof(struct xh_block) - offsetof(struct xh_block, lay) == SING_XH_LAY_BACK,
               "generated code finds a block's layout SING_XH_LAY_BACK bytes before it");
_Static_assert(sizeof(struct xh_block) + offsetof(struct sing_xhome, data) == 7 * 16 &&
               sizeof(struct xh_block) + offsetof(struct sing_xhome, data) + SING_XPARK_MAX == 256 &&
               SING_XPARK_SLOT(SING_XPARK_MAX) == SING_XPARK - 1,
               "a slot is one xalloc class (6 + slot) of the objects up to 256 bytes");

/* The parked array in size's slot is of size's class (a slot is a
 * class), so it has the room; its charge and live count move by the
 * difference. */
struct sing_xarr *xh_unpark(struct xh_heap *h, struct xh_list *own, void **slots,
                            const struct ly_layout *lay, int64_t len, uint64_t size)
{
	void **slot = &slots[SING_XPARK_SLOT(size)];
	struct xh_block *b = *slot ? blk(*slot) : NULL;
	if (!b)
		return NULL;
	uint64_t bytes = sizeof *b + sizeof(struct sing_xarr) + size;
	own->budget->used -= b->charge;   /* charged again below, at the new size */
	if (!charge(own, bytes)) {
		own->budget->used += b->charge;
		return NULL;
	}
	*slot = NULL;
	struct sing_xarr *x = (struct sing_xarr *)(b + 1);
	struct xh_region *r = x->region;
	uint64_t had = r->size > size ? r->size : size;   /* all it had, and the new */
	if (XA_ASAN)
		xa_unpoison(b, home_bytes(had));
	h->live_bytes += size - r->size;
	b->own = own;
	b->lay = lay;
	b->charge = bytes;
	r->size = size;
	x->len = len;
	zero(r->data, had);   /* every element it had: now clean, the marks too */
	r->wr = 0;
	x->wr = 0;
	return x;
}

/* A region goes back; an inline one with its home object, zero past its
 * elements' write mark (fold_mark), which is all its next user zeroes. */
static void region_free(struct xh_heap *h, struct xh_region *r, uint64_t size)
{
	if (r->dma)
		hal_dma_unmap((uint8_t *)r - DMA_HEAD, dma_bytes(size));
	else
		xa_put_dirty(&h->xa, region_home(r), home_bytes(size), ELEMS_AT + r->wr);
}

/* Raise x's region's write mark to cover x's first n elements (clamped to
 * the region: the marks rise in steps, SING_XWR).  Only the kernel writes
 * a region's mark, under its lock; generated code writes only x->wr. */
static void region_wrote(const struct sing_xarr *x, uint64_t n, uint64_t esize)
{
	struct xh_region *r = x->region;
	uint64_t end;
	if (__builtin_mul_overflow(n, esize, &end) ||
	    __builtin_add_overflow(end, (uint64_t)(x->data - r->data), &end) || end > r->size)
		end = r->size;
	if (end > r->wr)
		r->wr = end;
}

/* Fold x's write mark into its region's: the region's elements that may
 * be non-zero end at least where x's written elements end.  By x's mark,
 * not its length (a parked array's length is 0, its mark is not). */
static void fold_mark(const struct sing_xarr *x, uint64_t esize)
{
	region_wrote(x, (uint64_t)x->wr, esize);
}

/* Into the region's mark, not x->wr: generated code may be raising x->wr
 * on another CPU (a device's DMA check runs beside the driver). */
void xh_wrote(void *p)
{
	const struct sing_xarr *x = p;
	region_wrote(x, (uint64_t)x->len, blk(p)->lay->elem_size);
}

uint64_t xh_dma_addr(void *p)
{
	xh_wrote(p);   /* the device may write it from now on */
	return (uint64_t)(uintptr_t)((struct sing_xarr *)p)->data;
}

/* Give a new array x its region r of size element bytes, owned by own's
 * SIP (the caller counts the elements as live). */
static struct sing_xarr *attach_region(struct xh_list *own, struct sing_xarr *x,
                                       struct xh_region *r, int64_t len, uint64_t size, int dma)
{
	r->dma = dma;
	r->refs = 1;
	r->size = size;
	r->born = own->owner;
	r->wr = 0;
	x->len = len;
	x->data = r->data;
	x->region = r;
	x->wr = 0;
	return x;
}

static struct sing_xarr *new_dma_array(struct xh_heap *h, struct xh_list *own,
                                       const struct ly_layout *lay, int64_t len, uint64_t size)
{
	if (size > UINT64_MAX - 2 * HAL_PAGE || over(own, dma_bytes(size)))
		return NULL;
	uint8_t *m = hal_dma_map(dma_bytes(size));
	if (!m)
		return NULL;
	struct xh_region *r = (struct xh_region *)(m + DMA_HEAD);
	struct sing_xarr *x = alloc_block(h, own, lay, sizeof *x, dma_bytes(size));
	if (!x) {
		hal_dma_unmap(m, dma_bytes(size));
		return NULL;
	}
	h->live_bytes += size;
	return attach_region(own, x, r, len, size, 1);
}

/* An ordinary array: descriptor and region in one object, charged as a
 * block, a descriptor and the elements; only the elements need zeroing,
 * and not in an object new from the host (already zero). */
static struct sing_xarr *new_array(struct xh_heap *h, struct xh_list *own,
                                   const struct ly_layout *lay, int64_t len, int dma)
{
	uint64_t size;
	if (__builtin_mul_overflow((uint64_t)len, (uint64_t)lay->elem_size, &size))
		return NULL;
	if (dma)
		return new_dma_array(h, own, lay, len, size);
	if (size > UINT64_MAX / 4)
		return NULL;
	uint64_t room = ARR_HEAD - sizeof(struct sing_xarr) + sizeof(struct xh_region) + size;
	size_t dirty;
	struct xh_block *b = alloc_obj(h, own, lay, sizeof(struct sing_xarr), room, size, &dirty);
	if (!b)
		return NULL;
	struct sing_xarr *x = (struct sing_xarr *)(b + 1);
	struct xh_region *r = (struct xh_region *)((uint8_t *)x + ARR_HEAD);
	/* only the elements (the headers are set), and of them only those
	 * the object's last user may have written */
	zero_dirty(r->data, size, ELEMS_AT, dirty);
	h->live_bytes += sizeof *x + size;        /* one update: the block and its region */
	return attach_region(own, x, r, len, size, 0);
}

struct sing_xarr *xh_new_array_unwritten(struct xh_heap *h, struct xh_list *own,
                                         const struct ly_layout *lay, int64_t len)
{
	return new_array(h, own, lay, len, 0);
}

struct sing_xarr *xh_new_array(struct xh_heap *h, struct xh_list *own,
                               const struct ly_layout *lay, int64_t len)
{
	struct sing_xarr *x = new_array(h, own, lay, len, 0);
	if (x)
		xh_wrote(x);   /* whoever fills it, the kernel does */
	return x;
}

struct sing_xarr *xh_new_dma_array(struct xh_heap *h, struct xh_list *own,
                                   const struct ly_layout *lay, int64_t len)
{
	return new_array(h, own, lay, len, 1);
}

uint32_t xh_dma_check(struct xh_list *own, uint64_t addr, uint64_t n)
{
	for (struct xh_block *b = own->head.next; n && b != &own->head; b = b->next) {
		if (b->lay->kind != SING_K_XARRAY)
			continue;
		struct sing_xarr *x = (struct sing_xarr *)(b + 1);
		uint64_t lo = (uint64_t)(uintptr_t)x->data;
		uint64_t bytes = (uint64_t)x->len * b->lay->elem_size;
		if (addr >= lo && addr - lo <= bytes && n <= bytes - (addr - lo)) {
			xh_wrote(x);   /* the device may write it */
			return ((const struct xh_region *)x->region)->born | 0x80000000u;
		}
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
	fold_mark(x, blk(x)->lay->elem_size);   /* the region keeps what x wrote */
	x->wr = 0;
	r->refs++;
	y->len = x->len - idx;
	y->data = x->data + (uint64_t)idx * blk(x)->lay->elem_size;
	y->region = r;
	y->wr = 0;
	x->len = idx;
	return y;
}

/* An array's block: its region loses a reference, and the last one frees
 * it (an inline region with its home object, which is b itself or an
 * earlier block kept for a part xsplit made).  A block that is not the
 * home goes now.  The live count moves once. */
static inline void free_array(struct xh_heap *h, struct xh_block *b)
{
	struct sing_xarr *x = (struct sing_xarr *)(b + 1);
	struct xh_region *r = x->region;
	int home = !r->dma && region_home(r) == b;
	uint64_t size = r->size;
	fold_mark(x, b->lay->elem_size);
	if (--r->refs) {
		h->live_bytes -= b->size;
	} else {
		h->live_bytes -= b->size + size;
		region_free(h, r, size);
	}
	if (!home)
		xa_put(&h->xa, b, sizeof *b + b->size);
}

/* Free one block (not what it owns); an endpoint is closed first. */
static void free_block(struct xh_heap *h, struct xh_block *b)
{
	uint8_t kind = b->lay->kind;
	if (kind == SING_K_XARRAY) {
		free_array(h, b);
		return;
	}
	h->live_bytes -= b->size;
	if (kind == SING_K_ENDPOINT && h->close)
		h->close(h, b + 1);
	else if (kind == SING_K_ESET && h->drop_set)
		h->drop_set(h, b + 1);
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
	uint8_t kind = work->lay->kind;
	unlink_block(work);
	if (kind == SING_K_XARRAY) {
		free_array(h, work);
		return;
	}
	if (kind != SING_K_XSTRUCT) {  /* a leaf owns nothing */
		free_block(h, work);
		return;
	}
	work->next = NULL;
	while (work) {
		struct xh_block *b = work;
		work = push_children(b, b->next);
		free_block(h, b);
	}
}

void xh_unpark_all(struct xh_heap *h, void **slots)
{
	for (unsigned i = 0; i < SING_XPARK; i++) {
		if (!slots[i])
			continue;
		struct xh_block *b = blk(slots[i]);
		slots[i] = NULL;   /* out of the slot before it is freed */
		unlink_block(b);
		free_array(h, b);
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
