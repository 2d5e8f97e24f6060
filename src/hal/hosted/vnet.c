/* vnet.c - the virtio-net device model: legacy PCI registers, split
 * virtqueues, transmit and receive.  See vnet.h and docs/network.md. */
#include "vnet.h"
#include "pcap.h"
#include "tap.h"
#include "../../util/util.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vnet_queue {
	uint16_t size;        /* entries: a power of two <= VNET_QUEUE_MAX */
	uint32_t pfn;         /* 0: inactive */
	uint8_t *desc, *avail, *used;   /* host pointers while active */
	uint16_t last_avail;  /* next available entry the device takes */
	uint16_t used_idx;    /* next used entry the device fills */
};

/* One descriptor of a checked chain. */
struct vnet_seg {
	uint8_t *p;
	uint32_t len;
};

struct vnet {
	struct vnet_host host;
	struct vnet_wire *wire;
	uint8_t mac[6];
	uint16_t net_status;
	uint32_t guest_features;
	uint16_t qsel;
	uint8_t status, isr;
	enum vnet_err err;
	struct vnet_queue q[VNET_NQUEUES];
	struct vnet_stats stats;
	struct vnet_seg seg[VNET_QUEUE_MAX];           /* the chain in hand */
	uint8_t frame[VNET_HDR_LEN + VNET_FRAME_MAX];  /* header + frame */
};

static const char *const err_text[] = {
#define X(name, text) text,
	VNET_ERRORS(X)
#undef X
};
static const char *const err_name[] = {
#define X(name, text) #name,
	VNET_ERRORS(X)
#undef X
};

const char *vnet_err_text(enum vnet_err e)
{
	return (unsigned)e < VNET_E_COUNT ? err_text[e] : "?";
}

const char *vnet_err_name(enum vnet_err e)
{
	return (unsigned)e < VNET_E_COUNT ? err_name[e] : "?";
}

/* ---- Guest memory: little-endian, any alignment ---- */

static uint16_t ld16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static void st16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
	st16(p, (uint16_t)v);
	st16(p + 2, (uint16_t)(v >> 16));
}

static size_t align_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

size_t vnet_ring_avail(unsigned n)
{
	return (size_t)VRING_DESC_SIZE * n;
}

size_t vnet_ring_used(unsigned n)
{
	/* avail: flags, idx, ring[n], used_event */
	return align_up(vnet_ring_avail(n) + 6 + 2 * (size_t)n, VIRTIO_LEGACY_ALIGN);
}

size_t vnet_ring_bytes(unsigned n)
{
	/* used: flags, idx, ring[n] of {id, len}, avail_event */
	return vnet_ring_used(n) +
	       align_up(6 + (size_t)VRING_USED_ELEM_SIZE * n, VIRTIO_LEGACY_ALIGN);
}

void *vnet_dma_window(void *ctx, uint64_t addr, size_t len)
{
	const struct vnet_window *w = ctx;
	if (addr < w->phys || addr - w->phys > w->len || len > w->len - (addr - w->phys))
		return NULL;
	return (uint8_t *)w->base + (addr - w->phys);
}

/* ---- State ---- */

static int running(const struct vnet *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_NEEDS_RESET));
}

static void raise_irq(struct vnet *d, uint8_t bit)
{
	d->isr |= bit;
	d->stats.irqs++;
	if (d->host.irq)
		d->host.irq(d->host.ctx);
}

/* The driver broke the rules: stop and tell it (a config interrupt if it
 * had the device running).  The first reason is kept. */
static void fail(struct vnet *d, enum vnet_err e)
{
	if (d->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	d->err = e;
	d->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (d->status & VIRTIO_STATUS_DRIVER_OK)
		raise_irq(d, VIRTIO_ISR_CONFIG);
}

static void queue_clear(struct vnet_queue *q)
{
	memset(q, 0, sizeof *q);
	q->size = VNET_QUEUE_MAX;
}

static void reset(struct vnet *d)
{
	d->status = 0;
	d->isr = 0;
	d->guest_features = 0;
	d->qsel = 0;
	d->err = VNET_E_NONE;
	for (int i = 0; i < VNET_NQUEUES; i++)
		queue_clear(&d->q[i]);
}

static struct vnet_queue *selected(struct vnet *d)
{
	return d->qsel < VNET_NQUEUES ? &d->q[d->qsel] : NULL;
}

/* ---- Virtqueues ---- */

/* The head of the next available chain without taking it; -1 if there is
 * none or the ring is bad (then the device has failed). */
static int avail_peek(struct vnet *d, struct vnet_queue *q)
{
	uint16_t idx = ld16(q->avail + 2);
	uint16_t pending = (uint16_t)(idx - q->last_avail);
	if (pending == 0)
		return -1;
	if (pending > q->size) {
		fail(d, VNET_E_AVAIL_IDX);
		return -1;
	}
	atomic_thread_fence(memory_order_acquire);   /* ring entry after idx */
	uint16_t head = ld16(q->avail + 4 + 2 * (q->last_avail & (q->size - 1)));
	if (head >= q->size) {
		fail(d, VNET_E_DESC_INDEX);
		return -1;
	}
	return head;
}

/* Check the chain at head into d->seg: every descriptor index in range,
 * none used twice (a loop; so a chain has at most size links), none
 * indirect, each with direction `write` (VRING_DESC_F_WRITE or 0), the
 * total at most limit, each buffer DMA-able.  Returns the total length, or
 * -1 after failing the device. */
static long chain_walk(struct vnet *d, struct vnet_queue *q, uint16_t head,
                       uint16_t write, uint64_t limit, unsigned *nseg)
{
	uint64_t total = 0, seen[VNET_QUEUE_MAX / 64] = {0};
	unsigned n = 0;
	uint16_t i = head;
	for (;;) {
		const uint8_t *desc = q->desc + (size_t)VRING_DESC_SIZE * i;
		uint64_t addr = ld64(desc);
		uint32_t len = ld32(desc + 8);
		uint16_t flags = ld16(desc + 12), next = ld16(desc + 14);
		enum vnet_err e = VNET_E_NONE;
		if (n >= q->size || seen[i / 64] >> (i % 64) & 1)
			e = VNET_E_DESC_LOOP;     /* so n stays below q->size */
		else if (flags & VRING_DESC_F_INDIRECT)
			e = VNET_E_DESC_INDIRECT;
		else if ((flags & VRING_DESC_F_WRITE) != write)
			e = VNET_E_DESC_DIR;
		else if ((total += len) > limit)
			e = VNET_E_FRAME_LONG;
		else if ((flags & VRING_DESC_F_NEXT) && next >= q->size)
			e = VNET_E_DESC_INDEX;
		void *p = NULL;
		if (e == VNET_E_NONE && len && !(p = d->host.dma(d->host.ctx, addr, len)))
			e = VNET_E_DESC_ADDR;
		if (e != VNET_E_NONE) {
			fail(d, e);
			return -1;
		}
		seen[i / 64] |= 1ull << (i % 64);
		d->seg[n].p = p;     /* n < q->size <= VNET_QUEUE_MAX */
		d->seg[n++].len = len;
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = next;
	}
	*nseg = n;
	return (long)total;
}

/* Return chain head to the driver with len bytes written. */
static void used_push(struct vnet_queue *q, uint16_t head, uint32_t len)
{
	uint8_t *e = q->used + 4 + (size_t)VRING_USED_ELEM_SIZE * (q->used_idx & (q->size - 1));
	st32(e, head);
	st32(e + 4, len);
	q->used_idx++;
	atomic_thread_fence(memory_order_release);   /* entry before idx */
	st16(q->used + 2, q->used_idx);
}

/* Tell the driver about used buffers unless it asked not to. */
static void queue_irq(struct vnet *d, struct vnet_queue *q)
{
	if (ld16(q->avail) & VRING_AVAIL_F_NO_INTERRUPT)
		d->stats.irqs_suppressed++;
	else
		raise_irq(d, VIRTIO_ISR_QUEUE);
}

/* Gather the checked chain into d->frame (total bytes). */
static void gather(struct vnet *d, unsigned nseg)
{
	size_t at = 0;
	for (unsigned i = 0; i < nseg; i++) {
		if (d->seg[i].len)
			memcpy(d->frame + at, d->seg[i].p, d->seg[i].len);
		at += d->seg[i].len;
	}
}

/* Scatter n bytes of d->frame over the checked chain. */
static void scatter(struct vnet *d, unsigned nseg, size_t n)
{
	size_t at = 0;
	for (unsigned i = 0; i < nseg && at < n; i++) {
		size_t k = d->seg[i].len < n - at ? d->seg[i].len : n - at;
		if (k)
			memcpy(d->seg[i].p, d->frame + at, k);
		at += k;
	}
}

/* Send every available transmit chain. */
static void vnet_tx(struct vnet *d)
{
	struct vnet_queue *q = &d->q[VNET_TXQ];
	int done = 0, head;
	unsigned nseg;
	while (running(d) && (head = avail_peek(d, q)) >= 0) {
		long len = chain_walk(d, q, (uint16_t)head, 0, VNET_HDR_LEN + VNET_FRAME_MAX, &nseg);
		if (len < 0)
			break;
		if (len < VNET_HDR_LEN + VNET_ETH_HDR) {
			fail(d, VNET_E_FRAME_SHORT);
			break;
		}
		gather(d, nseg);
		if (d->frame[0] & VIRTIO_NET_HDR_F_NEEDS_CSUM || d->frame[1] != VIRTIO_NET_HDR_GSO_NONE) {
			fail(d, VNET_E_NET_HDR);
			break;
		}
		q->last_avail++;
		if (!d->wire || d->wire->ops->send(d->wire, d->frame + VNET_HDR_LEN,
		                                   (size_t)len - VNET_HDR_LEN) < 0)
			d->stats.tx_lost++;
		else
			d->stats.tx_frames++;
		used_push(q, (uint16_t)head, 0);
		done++;
	}
	if (done)
		queue_irq(d, q);
}

/* Deliver waiting wire frames into available receive chains. */
static int vnet_rx(struct vnet *d)
{
	struct vnet_queue *q = &d->q[VNET_RXQ];
	int done = 0, head;
	unsigned nseg;
	while (running(d) && q->pfn && d->wire && (head = avail_peek(d, q)) >= 0) {
		long cap = chain_walk(d, q, (uint16_t)head, VRING_DESC_F_WRITE, UINT32_MAX, &nseg);
		if (cap < 0)
			break;
		int n = d->wire->ops->poll(d->wire, d->frame + VNET_HDR_LEN, VNET_FRAME_MAX);
		if (n <= 0)
			break;
		if (n < VNET_ETH_HDR || (size_t)cap < (size_t)n + VNET_HDR_LEN) {
			d->stats.rx_dropped++;    /* runt, or a buffer too small */
			continue;
		}
		memset(d->frame, 0, VNET_HDR_LEN);   /* no offloads, GSO_NONE */
		scatter(d, nseg, (size_t)n + VNET_HDR_LEN);
		q->last_avail++;
		used_push(q, (uint16_t)head, (uint32_t)n + VNET_HDR_LEN);
		d->stats.rx_frames++;
		done++;
	}
	if (done)
		queue_irq(d, q);
	return done;
}

/* ---- Registers: one table row each ---- */

static uint32_t rd_host_features(struct vnet *d)
{
	(void)d;
	return VNET_FEATURES;
}

static uint32_t rd_guest_features(struct vnet *d)
{
	return d->guest_features;
}

/* Only before DRIVER_OK; bits the device did not offer are dropped. */
static void wr_guest_features(struct vnet *d, uint32_t v)
{
	if (!(d->status & VIRTIO_STATUS_DRIVER_OK))
		d->guest_features = v & VNET_FEATURES;
}

static uint32_t rd_queue_pfn(struct vnet *d)
{
	struct vnet_queue *q = selected(d);
	return q ? q->pfn : 0;
}

/* Activate the selected queue at pfn (0 deactivates it). */
static void wr_queue_pfn(struct vnet *d, uint32_t pfn)
{
	struct vnet_queue *q = selected(d);
	if (!q || (d->status & VIRTIO_STATUS_NEEDS_RESET))
		return;
	uint16_t size = q->size;
	queue_clear(q);
	q->size = size;
	if (pfn == 0)
		return;
	uint64_t addr = (uint64_t)pfn << VIRTIO_PCI_QUEUE_ADDR_SHIFT;
	uint8_t *ring = d->host.dma(d->host.ctx, addr, vnet_ring_bytes(size));
	if (!ring) {
		fail(d, VNET_E_QUEUE_ADDR);
		return;
	}
	q->pfn = pfn;
	q->desc = ring;
	q->avail = ring + vnet_ring_avail(size);
	q->used = ring + vnet_ring_used(size);
}

static uint32_t rd_queue_num(struct vnet *d)
{
	struct vnet_queue *q = selected(d);
	return q ? q->size : 0;
}

/* Read-only in the legacy interface; Sing lets a driver shrink an inactive
 * queue before DRIVER_OK (as virtio 1.0's queue_size does), checked. */
static void wr_queue_num(struct vnet *d, uint32_t v)
{
	struct vnet_queue *q = selected(d);
	if (!q || q->pfn || (d->status & VIRTIO_STATUS_DRIVER_OK))
		return;
	if (v == 0 || v > VNET_QUEUE_MAX || (v & (v - 1))) {
		fail(d, VNET_E_QUEUE_SIZE);
		return;
	}
	q->size = (uint16_t)v;
}

static uint32_t rd_queue_sel(struct vnet *d)
{
	return d->qsel;
}

static void wr_queue_sel(struct vnet *d, uint32_t v)
{
	d->qsel = (uint16_t)v;
}

static uint32_t rd_zero(struct vnet *d)
{
	(void)d;
	return 0;
}

static void wr_queue_notify(struct vnet *d, uint32_t v)
{
	if (!running(d) || v >= VNET_NQUEUES || !d->q[v].pfn) {
		d->stats.notify_ignored++;
		return;
	}
	if (v == VNET_TXQ)
		vnet_tx(d);
	else
		vnet_rx(d);
}

static uint32_t rd_status(struct vnet *d)
{
	return d->status;
}

/* 0 resets; otherwise the driver's bits, NEEDS_RESET staying the device's. */
static void wr_status(struct vnet *d, uint32_t v)
{
	if ((v & 0xff) == 0) {
		reset(d);
		return;
	}
	int was = running(d);
	d->status = (uint8_t)((v & ~VIRTIO_STATUS_NEEDS_RESET) |
	                      (d->status & VIRTIO_STATUS_NEEDS_RESET));
	uint8_t need = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER;
	if ((v & VIRTIO_STATUS_DRIVER_OK) && (v & need) != need)
		fail(d, VNET_E_STATUS_ORDER);
	if (!was && running(d) && d->q[VNET_TXQ].pfn)
		vnet_tx(d);      /* chains posted before DRIVER_OK */
}

static uint32_t rd_isr(struct vnet *d)
{
	uint8_t v = d->isr;
	d->isr = 0;
	return v;
}

struct vnet_reg {
	uint8_t off, width;
	uint32_t (*rd)(struct vnet *d);
	void (*wr)(struct vnet *d, uint32_t v);   /* NULL: read-only */
};

static const struct vnet_reg regs[] = {
	{VIRTIO_PCI_HOST_FEATURES,  4, rd_host_features,  NULL},
	{VIRTIO_PCI_GUEST_FEATURES, 4, rd_guest_features, wr_guest_features},
	{VIRTIO_PCI_QUEUE_PFN,      4, rd_queue_pfn,      wr_queue_pfn},
	{VIRTIO_PCI_QUEUE_NUM,      2, rd_queue_num,      wr_queue_num},
	{VIRTIO_PCI_QUEUE_SEL,      2, rd_queue_sel,      wr_queue_sel},
	{VIRTIO_PCI_QUEUE_NOTIFY,   2, rd_zero,           wr_queue_notify},
	{VIRTIO_PCI_STATUS,         1, rd_status,         wr_status},
	{VIRTIO_PCI_ISR,            1, rd_isr,            NULL},
};

static const struct vnet_reg *reg_find(uint32_t off, unsigned width)
{
	for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
		if (regs[i].off == off && regs[i].width == width)
			return &regs[i];
	return NULL;
}

static uint32_t ones(unsigned width)
{
	return width == 4 ? 0xffffffffu : (1u << (8 * width)) - 1;
}

/* The net config space: MAC then status, read with any width inside it. */
static int config_read(struct vnet *d, uint32_t off, unsigned width, uint32_t *v)
{
	if (off < VIRTIO_PCI_CONFIG || off > VNET_CONFIG_END || width > VNET_CONFIG_END - off)
		return 0;
	uint8_t cfg[VNET_CONFIG_END - VIRTIO_PCI_CONFIG];
	memcpy(cfg, d->mac, 6);
	st16(cfg + 6, d->net_status);
	*v = 0;
	for (unsigned i = 0; i < width; i++)
		*v |= (uint32_t)cfg[off - VIRTIO_PCI_CONFIG + i] << (8 * i);
	return 1;
}

uint32_t vnet_in(struct vnet *d, uint32_t off, unsigned width)
{
	uint32_t v;
	if (width != 1 && width != 2 && width != 4) {
		d->stats.bad_io++;
		return 0xffffffffu;
	}
	const struct vnet_reg *r = reg_find(off, width);
	if (r)
		return r->rd(d);
	if (config_read(d, off, width, &v))
		return v;
	d->stats.bad_io++;
	return ones(width);
}

void vnet_out(struct vnet *d, uint32_t off, unsigned width, uint32_t val)
{
	const struct vnet_reg *r = reg_find(off, width);
	if (!r || !r->wr) {
		d->stats.bad_io++;      /* read-only, config (read-only here), or nothing */
		return;
	}
	r->wr(d, val & ones(width));
}

/* ---- The device's life ---- */

struct vnet *vnet_new(const uint8_t mac[6], struct vnet_wire *wire,
                      const struct vnet_host *host)
{
	struct vnet *d = xcalloc(1, sizeof *d);
	memcpy(d->mac, mac, 6);
	d->wire = wire;
	d->host = *host;
	d->net_status = VIRTIO_NET_S_LINK_UP;
	reset(d);
	return d;
}

void vnet_free(struct vnet *d)
{
	if (!d)
		return;
	vnet_wire_close(d->wire);
	free(d);
}

int vnet_poll(struct vnet *d)
{
	return vnet_rx(d);
}

int vnet_fd(const struct vnet *d)
{
	return d->wire ? d->wire->fd : -1;
}

void vnet_set_link(struct vnet *d, int up)
{
	uint16_t s = up ? VIRTIO_NET_S_LINK_UP : 0;
	if (s == d->net_status)
		return;
	d->net_status = s;
	if (running(d))
		raise_irq(d, VIRTIO_ISR_CONFIG);
}

enum vnet_err vnet_error(const struct vnet *d)
{
	return d->err;
}

const struct vnet_stats *vnet_stats(const struct vnet *d)
{
	return &d->stats;
}

/* ---- Wire specs ---- */

struct wire_spec {
	int tap;
	char out[4096], in[4096];   /* in[0] == 0: no input */
	uint64_t max;
};

/* SIZE: digits, then K, M or G (powers of 1024). */
static int parse_size(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	int shift = i + 1 == n ? (s[i] == 'K' ? 10 : s[i] == 'M' ? 20 : s[i] == 'G' ? 30 : -1) : 0;
	if (i == 0 || shift < 0 || (i + 1 < n) || (shift && x > (UINT64_MAX >> shift)))
		return -1;
	*v = x << shift;
	return 0;
}

static int parse_spec(const char *spec, struct wire_spec *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof *w);
	w->max = VNET_PCAP_MAX;
	if (strncmp(spec, "tap:", 4) == 0) {
		w->tap = 1;
		snprintf(w->out, sizeof w->out, "%s", spec + 4);
		if (!w->out[0])
			snprintf(err, errlen, "%s: empty interface name", spec);
		return w->out[0] ? 0 : -1;
	}
	if (strncmp(spec, "pcap:", 5) != 0) {
		snprintf(err, errlen, "%s: unknown wire (want pcap:OUT[,in=IN][,max=SIZE] or tap:NAME)",
		         spec);
		return -1;
	}
	const char *p = spec + 5, *comma = strchr(p, ',');
	size_t n = comma ? (size_t)(comma - p) : strlen(p);
	snprintf(w->out, sizeof w->out, "%.*s", (int)n, p);
	for (p = comma; p; p = comma) {
		p++;
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n > 3 && !strncmp(p, "in=", 3))
			snprintf(w->in, sizeof w->in, "%.*s", (int)(n - 3), p + 3);
		else if (!(n > 4 && !strncmp(p, "max=", 4) && parse_size(p + 4, n - 4, &w->max) == 0)) {
			snprintf(err, errlen, "%s: bad option '%.*s' (want in=FILE or max=SIZE)", spec,
			         (int)n, p);
			return -1;
		}
	}
	if (!w->out[0])
		snprintf(err, errlen, "%s: empty file name", spec);
	return w->out[0] ? 0 : -1;
}

int vnet_wire_check(const char *spec, char *err, size_t errlen)
{
	struct wire_spec w;
	return parse_spec(spec, &w, err, errlen);
}

struct vnet_wire *vnet_wire_open(const char *spec, char *err, size_t errlen)
{
	static struct wire_spec w;   /* big: not on the stack */
	if (parse_spec(spec, &w, err, errlen) < 0)
		return NULL;
	if (w.tap)
		return tap_open(w.out, err, errlen);
	return pcap_open(w.out, w.in[0] ? w.in : NULL, w.max, err, errlen);
}

void vnet_wire_close(struct vnet_wire *w)
{
	if (w)
		w->ops->close(w);
}
