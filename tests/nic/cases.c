/*
 * cases.c - the device tests: a table of named cases, each on a fresh
 * device attached to a wire in memory.  Most are hostile drivers (loops,
 * lengths, addresses and indices out of range, rules broken); each must
 * leave the device failed with the right named reason, or ignoring the
 * driver, and never touching memory outside the DMA window (the test runs
 * under ASan, and the window is all the device is given).
 */
#include "drv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEM_FRAMES 8

/* A wire in memory: keeps what was sent, hands out queued frames. */
struct memwire {
	struct vnet_wire w;
	int sent;
	uint8_t last[VNET_FRAME_MAX];
	size_t last_len;
	uint8_t in[MEM_FRAMES][VNET_FRAME_MAX];
	size_t in_len[MEM_FRAMES];
	int nin, inpos, cycle;   /* cycle: hand the frames out forever */
};

static int mem_send(struct vnet_wire *w, const uint8_t *f, size_t len)
{
	struct memwire *m = (struct memwire *)w;
	m->sent++;
	memcpy(m->last, f, len);
	m->last_len = len;
	return 0;
}

static int mem_poll(struct vnet_wire *w, uint8_t *buf, size_t cap)
{
	struct memwire *m = (struct memwire *)w;
	if (m->cycle && m->inpos == m->nin)
		m->inpos = 0;
	if (m->inpos >= m->nin || m->in_len[m->inpos] > cap)
		return 0;
	size_t n = m->in_len[m->inpos];
	memcpy(buf, m->in[m->inpos++], n);
	return (int)n;
}

static void mem_close(struct vnet_wire *w)
{
	(void)w;   /* lives in the rig */
}

static const struct vnet_wire_ops mem_ops = {"mem", mem_send, mem_poll, mem_close};

static void mem_add(struct memwire *m, size_t len, uint8_t fill)
{
	m->in_len[m->nin] = len;
	memset(m->in[m->nin], fill, len);
	m->nin++;
}

struct rig {
	struct drv d;
	struct memwire m;
	char msg[160];
};

/* The device must have failed for reason e, sent nothing, and (if it was
 * running) raised a config interrupt. */
static const char *failed_with(struct rig *r, enum vnet_err e)
{
	uint8_t s = status(&r->d);
	if (!(s & VIRTIO_STATUS_NEEDS_RESET))
		return "device did not set NEEDS_RESET";
	if (vnet_error(r->d.dev) != e) {
		snprintf(r->msg, sizeof r->msg, "reason %s, want %s",
		         vnet_err_name(vnet_error(r->d.dev)), vnet_err_name(e));
		return r->msg;
	}
	if (r->m.sent)
		return "a frame went out anyway";
	if ((s & VIRTIO_STATUS_DRIVER_OK) && !(rd(&r->d, VIRTIO_PCI_ISR, 1) & VIRTIO_ISR_CONFIG))
		return "no config interrupt for NEEDS_RESET";
	return NULL;
}

static void kick_tx(struct drv *d, uint16_t head)
{
	publish(&d->q[VNET_TXQ], head);
	wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, VNET_TXQ);
}

/* Up, then a transmit chain of [header 10][frame flen] with the given
 * flags, next links and frame address (FRAME: the slot's own buffer). */
#define FRAME 1
static const char *tx_two(struct rig *r, uint16_t f0, uint16_t n0, uint16_t f1,
                          uint64_t addr1, uint32_t flen)
{
	const char *e = drv_up(&r->d);
	if (e)
		return e;
	struct vq *q = &r->d.q[VNET_TXQ];
	set_desc(q, 0, pa(q->buf[0]), VNET_HDR_LEN, f0, n0);
	set_desc(q, 1, addr1 == FRAME ? pa(q->buf[0] + VNET_HDR_LEN) : addr1, flen, f1, 0);
	kick_tx(&r->d, 0);
	return NULL;
}

#define NEXT VRING_DESC_F_NEXT

static const char *c_send(struct rig *r)
{
	uint8_t f[60] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const char *e = drv_up(&r->d);
	if (e || (e = drv_send(&r->d, f, sizeof f)))
		return e;
	if (r->m.sent != 1 || r->m.last_len != sizeof f || memcmp(r->m.last, f, sizeof f))
		return "frame not on the wire as sent";
	return NULL;
}

static const char *c_loop(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 1, NEXT, FRAME, 60);
	return e ? e : failed_with(r, VNET_E_DESC_LOOP);
}

static const char *c_self_loop(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 0, 0, FRAME, 60);
	return e ? e : failed_with(r, VNET_E_DESC_LOOP);
}

/* Zero lengths: only the loop check can stop it. */
static const char *c_zero_loop(struct rig *r)
{
	const char *e = drv_up(&r->d);
	if (e)
		return e;
	struct vq *q = &r->d.q[VNET_TXQ];
	set_desc(q, 0, pa(q->buf[0]), 0, NEXT, 1);
	set_desc(q, 1, pa(q->buf[0]), 0, NEXT, 0);
	kick_tx(&r->d, 0);
	return failed_with(r, VNET_E_DESC_LOOP);
}

static const char *c_long(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 1, 0, FRAME, VNET_FRAME_MAX + 1);
	return e ? e : failed_with(r, VNET_E_FRAME_LONG);
}

static const char *c_huge(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 1, 0, FRAME, 0xffffffffu);
	return e ? e : failed_with(r, VNET_E_FRAME_LONG);
}

static const char *c_short(struct rig *r)
{
	const char *e = tx_two(r, 0, 0, 0, 0, 0);
	return e ? e : failed_with(r, VNET_E_FRAME_SHORT);
}

static const char *c_bad_addr(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 1, 0, r->d.win.phys - 4096, 60);
	return e ? e : failed_with(r, VNET_E_DESC_ADDR);
}

static const char *c_addr_wrap(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 1, 0, UINT64_MAX - 3, 60);
	return e ? e : failed_with(r, VNET_E_DESC_ADDR);
}

static const char *c_bad_next(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 999, 0, FRAME, 60);
	return e ? e : failed_with(r, VNET_E_DESC_INDEX);
}

static const char *c_indirect(struct rig *r)
{
	const char *e = tx_two(r, VRING_DESC_F_INDIRECT, 0, 0, 0, 0);
	return e ? e : failed_with(r, VNET_E_DESC_INDIRECT);
}

static const char *c_tx_write(struct rig *r)
{
	const char *e = tx_two(r, NEXT, 1, VRING_DESC_F_WRITE, FRAME, 60);
	return e ? e : failed_with(r, VNET_E_DESC_DIR);
}

static const char *c_net_hdr(struct rig *r)
{
	const char *e = drv_up(&r->d);
	if (e)
		return e;
	struct vq *q = &r->d.q[VNET_TXQ];
	q->buf[0][0] = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	set_desc(q, 0, pa(q->buf[0]), VNET_HDR_LEN + 60, 0, 0);
	kick_tx(&r->d, 0);
	return failed_with(r, VNET_E_NET_HDR);
}

static const char *c_bad_head(struct rig *r)
{
	const char *e = drv_up(&r->d);
	if (e)
		return e;
	kick_tx(&r->d, (uint16_t)(r->d.q[VNET_TXQ].size + 3));
	return failed_with(r, VNET_E_DESC_INDEX);
}

static const char *c_avail_run(struct rig *r)
{
	const char *e = drv_up(&r->d);
	if (e)
		return e;
	struct vq *q = &r->d.q[VNET_TXQ];
	put16(q->avail + 2, (uint16_t)(q->avail_idx + q->size + 1));
	wr(&r->d, VIRTIO_PCI_QUEUE_NOTIFY, 2, VNET_TXQ);
	return failed_with(r, VNET_E_AVAIL_IDX);
}

static const char *c_qsize_npot(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e)
		return e;
	wr(&r->d, VIRTIO_PCI_QUEUE_SEL, 2, VNET_TXQ);
	wr(&r->d, VIRTIO_PCI_QUEUE_NUM, 2, 100);
	if ((e = failed_with(r, VNET_E_QUEUE_SIZE)))
		return e;
	wr(&r->d, VIRTIO_PCI_QUEUE_NOTIFY, 2, VNET_TXQ);
	return vnet_stats(r->d.dev)->notify_ignored == 1 ? NULL : "failed device took a notify";
}

/* The Sing extension: a driver may shrink a queue to a power of two. */
static const char *c_qsize_small(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e)
		return e;
	for (unsigned i = 0; i < VNET_NQUEUES; i++) {
		wr(&r->d, VIRTIO_PCI_QUEUE_SEL, 2, i);
		wr(&r->d, VIRTIO_PCI_QUEUE_NUM, 2, 64);
		if ((e = drv_queue(&r->d, i)))
			return e;
		if (r->d.q[i].size != 64)
			return "queue size 64 did not stick";
	}
	wr(&r->d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	uint8_t f[60] = {1};
	for (int i = 0; i < 100; i++)     /* wraps the 32-slot ring */
		if ((e = drv_send(&r->d, f, sizeof f)) || (e = reap_tx(&r->d)))
			return e;
	return r->m.sent == 100 ? NULL : "frames lost on a small ring";
}

static const char *c_early_notify(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e || (e = drv_queue(&r->d, VNET_RXQ)) || (e = drv_queue(&r->d, VNET_TXQ)))
		return e;
	struct vq *q = &r->d.q[VNET_TXQ];
	set_desc(q, 0, pa(q->buf[0]), VNET_HDR_LEN + 60, 0, 0);
	kick_tx(&r->d, 0);
	if (r->m.sent || get16(q->used + 2) != 0 || status(&r->d) & VIRTIO_STATUS_NEEDS_RESET)
		return "device acted before DRIVER_OK";
	if (vnet_stats(r->d.dev)->notify_ignored != 1)
		return "notify not counted as ignored";
	wr(&r->d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	return r->m.sent == 1 ? NULL : "posted frame not sent at DRIVER_OK";
}

static const char *c_bad_pfn(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e)
		return e;
	wr(&r->d, VIRTIO_PCI_QUEUE_SEL, 2, VNET_RXQ);
	wr(&r->d, VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)((pa(r->d.win.base) + DRV_WINDOW) >> 12));
	return failed_with(r, VNET_E_QUEUE_ADDR);
}

static const char *c_pfn_edge(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e)
		return e;
	wr(&r->d, VIRTIO_PCI_QUEUE_SEL, 2, VNET_RXQ);
	wr(&r->d, VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)((pa(r->d.win.base) + DRV_WINDOW - 4096) >> 12));
	return failed_with(r, VNET_E_QUEUE_ADDR);
}

static const char *c_status_order(struct rig *r)
{
	wr(&r->d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_DRIVER_OK);
	return failed_with(r, VNET_E_STATUS_ORDER);
}

static const char *c_rx_readonly(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e || (e = drv_queue(&r->d, VNET_RXQ)) || (e = drv_queue(&r->d, VNET_TXQ)))
		return e;
	wr(&r->d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	struct vq *q = &r->d.q[VNET_RXQ];
	mem_add(&r->m, 60, 0xab);
	set_desc(q, 0, pa(q->buf[0]), DRV_BUF, 0, 0);
	publish(q, 0);
	vnet_poll(r->d.dev);
	return failed_with(r, VNET_E_DESC_DIR);
}

/* Receive into one 30-byte buffer: a 100-byte frame is dropped, a 14-byte
 * one fits after it. */
static const char *c_rx_small(struct rig *r)
{
	const char *e = drv_hello(&r->d);
	if (e || (e = drv_queue(&r->d, VNET_RXQ)) || (e = drv_queue(&r->d, VNET_TXQ)))
		return e;
	wr(&r->d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	struct vq *q = &r->d.q[VNET_RXQ];
	mem_add(&r->m, 100, 0x11);
	mem_add(&r->m, 14, 0x22);
	memset(q->buf[0], 0x77, 40);
	set_desc(q, 0, pa(q->buf[0]), 30, VRING_DESC_F_WRITE, 0);
	publish(q, 0);
	if (vnet_poll(r->d.dev) != 1 || vnet_stats(r->d.dev)->rx_dropped != 1)
		return "want the big frame dropped and the small one delivered";
	if (get32(q->used + 4 + 4) != VNET_HDR_LEN + 14 || q->buf[0][VNET_HDR_LEN] != 0x22 ||
	    q->buf[0][VNET_HDR_LEN + 14] != 0x77)
		return "small frame delivered wrong (or written past its length)";
	return status(&r->d) & VIRTIO_STATUS_NEEDS_RESET ? "device failed" : NULL;
}

static void rx_keep(struct drv *d, uint8_t *f, size_t len)
{
	struct rig *r = d->user;
	if (f[0] != (d->nrx == 1 ? 0x31 : 0x32) || f[len - 1] != f[0] ||
	    len != (d->nrx == 1 ? 60u : VNET_FRAME_MAX) || f[-VNET_HDR_LEN] || f[-VNET_HDR_LEN + 1])
		snprintf(r->msg, sizeof r->msg, "frame %d delivered wrong", d->nrx);
}

static const char *c_rx_deliver(struct rig *r)
{
	mem_add(&r->m, 60, 0x31);
	mem_add(&r->m, VNET_FRAME_MAX, 0x32);
	r->d.rx = rx_keep;
	r->d.user = r;
	int seen = 0;
	const char *e = drv_up(&r->d);
	if (e || (e = drv_service(&r->d, &seen)))
		return e;
	if (r->msg[0])
		return r->msg;
	return r->d.nrx == 2 && vnet_stats(r->d.dev)->rx_frames == 2 ? NULL : "want two frames";
}

static const char *c_bad_io(struct rig *r)
{
	struct drv *d = &r->d;
	const char *e = drv_up(d);
	if (e)
		return e;
	if (rd(d, 3, 4) != 0xffffffffu || rd(d, 40, 4) != 0xffffffffu || rd(d, 0, 3) != 0xffffffffu ||
	    rd(d, 0xffffffffu, 2) != 0xffff || rd(d, VIRTIO_NET_CFG_STATUS + 1, 2) != 0xffff)
		return "access to no register did not read as ones";
	wr(d, VIRTIO_PCI_HOST_FEATURES, 4, 0);
	wr(d, VIRTIO_NET_CFG_MAC, 1, 0xff);
	wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 4, VNET_TXQ);
	wr(d, 0x7fffffff, 1, 1);
	if (rd(d, VIRTIO_PCI_HOST_FEATURES, 4) != VNET_FEATURES)
		return "read-only features changed";
	if (rd(d, VIRTIO_NET_CFG_MAC, 4) != get32(drv_dev_mac) || rd(d, VIRTIO_NET_CFG_MAC + 4, 2) != get16(drv_dev_mac + 4))
		return "MAC changed or reads wrong";
	if (rd(d, VIRTIO_NET_CFG_STATUS, 2) != VIRTIO_NET_S_LINK_UP)
		return "link status wrong";
	if (status(d) & VIRTIO_STATUS_NEEDS_RESET || vnet_stats(d->dev)->bad_io < 8)
		return "bad accesses not ignored and counted";
	return NULL;
}

static const char *c_qsel_out(struct rig *r)
{
	struct drv *d = &r->d;
	const char *e = drv_up(d);
	if (e)
		return e;
	wr(d, VIRTIO_PCI_QUEUE_SEL, 2, 7);
	wr(d, VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)(pa(d->win.base) >> 12));
	if (rd(d, VIRTIO_PCI_QUEUE_NUM, 2) != 0 || rd(d, VIRTIO_PCI_QUEUE_PFN, 4) != 0)
		return "queue 7 exists";
	wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, 7);
	wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, 0xffff);
	if (status(d) & VIRTIO_STATUS_NEEDS_RESET || vnet_stats(d->dev)->notify_ignored != 2)
		return "notify of a missing queue not ignored";
	return NULL;
}

static const char *c_noirq(struct rig *r)
{
	struct drv *d = &r->d;
	uint8_t f[60] = {2};
	const char *e = drv_up(d);
	if (e)
		return e;
	put16(d->q[VNET_TXQ].avail, VRING_AVAIL_F_NO_INTERRUPT);
	int before = d->irqs;
	for (int i = 0; i < 3; i++)
		if ((e = drv_send(d, f, sizeof f)))
			return e;
	if (d->irqs != before || rd(d, VIRTIO_PCI_ISR, 1) != 0)
		return "interrupt despite NO_INTERRUPT";
	if (r->m.sent != 3 || get16(d->q[VNET_TXQ].used + 2) != 3)
		return "frames not sent or not returned";
	return vnet_stats(d->dev)->irqs_suppressed == 3 ? NULL : "suppressions not counted";
}

static const char *c_recover(struct rig *r)
{
	const char *e = c_loop(r);
	if (e)
		return e;
	wr(&r->d, VIRTIO_PCI_STATUS, 1, 0);
	if (status(&r->d) != 0 || vnet_error(r->d.dev) != VNET_E_NONE)
		return "reset did not clear the failure";
	uint8_t f[60] = {3};
	if ((e = drv_up(&r->d)) || (e = drv_send(&r->d, f, sizeof f)))
		return e;
	return r->m.sent == 1 ? NULL : "no frame after recovery";
}

static const char *c_inert(struct rig *r)
{
	const char *e = c_loop(r);
	if (e)
		return e;
	struct vq *q = &r->d.q[VNET_TXQ];
	set_desc(q, 2, pa(q->buf[1]), VNET_HDR_LEN + 60, 0, 0);
	kick_tx(&r->d, 2);
	vnet_poll(r->d.dev);
	return r->m.sent == 0 ? NULL : "failed device still sent";
}

static const char *c_features(struct rig *r)
{
	struct drv *d = &r->d;
	wr(d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	wr(d, VIRTIO_PCI_GUEST_FEATURES, 4, 0xffffffffu);
	if (rd(d, VIRTIO_PCI_GUEST_FEATURES, 4) != VNET_FEATURES)
		return "features not masked to the offer";
	const char *e = drv_up(d);
	if (e)
		return e;
	wr(d, VIRTIO_PCI_GUEST_FEATURES, 4, 0);
	return rd(d, VIRTIO_PCI_GUEST_FEATURES, 4) ? NULL : "features changed after DRIVER_OK";
}

static const char *c_link(struct rig *r)
{
	struct drv *d = &r->d;
	const char *e = drv_up(d);
	if (e)
		return e;
	int before = d->irqs;
	vnet_set_link(d->dev, 0);
	if (d->irqs != before + 1 || rd(d, VIRTIO_PCI_ISR, 1) != VIRTIO_ISR_CONFIG)
		return "no config interrupt for link down";
	if (rd(d, VIRTIO_NET_CFG_STATUS, 2) != 0)
		return "link still up";
	vnet_set_link(d->dev, 1);
	return rd(d, VIRTIO_NET_CFG_STATUS, 2) == VIRTIO_NET_S_LINK_UP ? NULL : "link not up again";
}

static const char *c_reset_clears(struct rig *r)
{
	struct drv *d = &r->d;
	uint8_t f[60] = {4};
	const char *e = drv_up(d);
	if (e || (e = drv_send(d, f, sizeof f)))
		return e;
	wr(d, VIRTIO_PCI_STATUS, 1, 0);
	wr(d, VIRTIO_PCI_QUEUE_SEL, 2, VNET_TXQ);
	if (rd(d, VIRTIO_PCI_QUEUE_PFN, 4) || rd(d, VIRTIO_PCI_GUEST_FEATURES, 4) ||
	    rd(d, VIRTIO_PCI_ISR, 1) || rd(d, VIRTIO_PCI_QUEUE_NUM, 2) != VNET_QUEUE_MAX)
		return "reset left state behind";
	return NULL;
}

/* Bad wire specs are refused with a reason, never half-opened. */
static const char *c_wire_spec(struct rig *r)
{
	static const char *const bad[] = {
		"", "foo:x", "pcap:", "pcap:x,in=", "pcap:/nonexistent/dir/out.pcap",
		"pcap:/dev/null,in=/nonexistent.pcap", "tap:", "tap:a-name-far-too-long-for-linux",
	};
	char err[256];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err[0] = 0;
		struct vnet_wire *w = vnet_wire_open(bad[i], err, sizeof err);
		if (w || !err[0]) {
			vnet_wire_close(w);
			snprintf(r->msg, sizeof r->msg, "spec \"%s\" not refused with a reason", bad[i]);
			return r->msg;
		}
	}
	return NULL;
}

static uint32_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (uint32_t)(*s >> 16);
}

/* A driver gone mad: random register writes, ring and descriptor
 * scribbles (addresses inside and outside the window), polls, resets. */
static const char *c_chaos(struct rig *r)
{
	struct drv *d = &r->d;
	uint64_t s = 0x5eed5eedULL;
	mem_add(&r->m, 60, 0x41);
	mem_add(&r->m, VNET_FRAME_MAX, 0x42);
	r->m.cycle = 1;
	const char *e = drv_up(d);
	if (e)
		return e;
	uint32_t pfn[2] = {(uint32_t)(pa(d->q[0].ring) >> 12), (uint32_t)(pa(d->q[1].ring) >> 12)};
	uint64_t base = pa(d->win.base);
	for (int i = 0; i < 300000; i++) {
		uint32_t x = rnd(&s), y = rnd(&s), z = rnd(&s);
		struct vq *q = &d->q[x & 1];
		unsigned op = (x >> 1) % 8;
		if (op == 0)
			wr(d, y % VNET_IO_SIZE, 1u << (z % 3), z % 4 ? rnd(&s) % 300 : pfn[z & 1]);
		else if (op == 1)
			rd(d, y % VNET_IO_SIZE, 1u << (z % 3));
		else if (op == 2)   /* a descriptor, mostly inside the window */
			set_desc(q, y % 300, z % 8 ? base + rnd(&s) % DRV_WINDOW : (uint64_t)rnd(&s) << 20,
			         rnd(&s) % (z % 5 ? 2000 : 0xffffffffu), (uint16_t)(rnd(&s) % 8), (uint16_t)(rnd(&s) % 300));
		else if (op == 3)   /* an avail entry or index */
			put16(q->avail + 2 + 2 * (y % (q->size + 1)), (uint16_t)(z % 8 ? z % 300 : z));
		else if (op == 4)
			vnet_poll(d->dev);
		else if (op == 5)
			wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, z % 3);
		else if (op == 6 && z % 64 == 0) {   /* start over on the same rings */
			wr(d, VIRTIO_PCI_STATUS, 1, 0);
			for (unsigned k = 0; k < 2; k++) {
				wr(d, VIRTIO_PCI_QUEUE_SEL, 2, k);
				wr(d, VIRTIO_PCI_QUEUE_PFN, 4, pfn[k]);
			}
			wr(d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
		} else if (op == 7)
			put16(q->avail, (uint16_t)(z & 1));
	}
	const struct vnet_stats *st = vnet_stats(d->dev);
	printf("# chaos: sent %llu, received %llu, bad io %llu\n",
	       (unsigned long long)st->tx_frames, (unsigned long long)st->rx_frames,
	       (unsigned long long)st->bad_io);
	return NULL;
}

struct tcase {
	const char *name;
	const char *(*fn)(struct rig *r);
};

static const struct tcase cases[] = {
	{"send", c_send},               {"rx_deliver", c_rx_deliver},
	{"rx_small", c_rx_small},       {"noirq", c_noirq},
	{"features", c_features},       {"link", c_link},
	{"reset_clears", c_reset_clears}, {"qsize_small", c_qsize_small},
	{"hostile_loop", c_loop},       {"hostile_self_loop", c_self_loop},
	{"hostile_zero_loop", c_zero_loop}, {"hostile_long", c_long},       {"hostile_huge_len", c_huge},
	{"hostile_short", c_short},     {"hostile_bad_addr", c_bad_addr},
	{"hostile_addr_wrap", c_addr_wrap}, {"hostile_bad_next", c_bad_next},
	{"hostile_indirect", c_indirect}, {"hostile_tx_write", c_tx_write},
	{"hostile_net_hdr", c_net_hdr}, {"hostile_bad_head", c_bad_head},
	{"hostile_avail_run", c_avail_run}, {"hostile_qsize_npot", c_qsize_npot},
	{"hostile_early_notify", c_early_notify}, {"hostile_bad_pfn", c_bad_pfn},
	{"hostile_pfn_edge", c_pfn_edge}, {"hostile_status_order", c_status_order},
	{"hostile_rx_readonly", c_rx_readonly}, {"hostile_bad_io", c_bad_io},
	{"hostile_qsel_out", c_qsel_out}, {"hostile_recover", c_recover},
	{"hostile_inert", c_inert},     {"hostile_chaos", c_chaos},
	{"wire_spec", c_wire_spec},
};

int run_cases(const char *only)
{
	int bad = 0, ran = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (only && strcmp(only, cases[i].name) != 0)
			continue;
		struct rig *r = calloc(1, sizeof *r);
		if (!r)
			return 2;
		r->m.w.ops = &mem_ops;
		r->m.w.fd = -1;
		drv_new(&r->d, &r->m.w);
		const char *e = cases[i].fn(r);
		if (e)
			printf("FAIL dev_%s: %s\n", cases[i].name, e);
		else
			printf("ok dev_%s\n", cases[i].name);
		fflush(stdout);
		drv_free(&r->d);
		free(r);
		bad += e != NULL;
		ran++;
	}
	if (!ran) {
		printf("FAIL dev_%s: no such case\n", only ? only : "?");
		return 1;
	}
	return bad ? 1 : 0;
}
