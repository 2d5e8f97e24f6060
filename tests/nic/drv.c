/*
 * drv.c - a virtio-net driver in C that stands in for Sing's NIC driver SIP,
 * driving the device model (src/hal/hosted/vnet.c) without the kernel:
 * reset, status handshake, feature negotiation, MAC from config space,
 * legacy queues in page-aligned memory, receive buffers posted as
 * [header][frame] chains, transmit through the TX queue, completion through
 * the interrupt callback and the ISR.  Its DMA window is one mmap'd region;
 * the device may touch nothing else.
 *
 *   drv tx OUT N EXPECT    send N known frames to pcap OUT; write the
 *                          tshark fields they must show to EXPECT
 *   drv echo OUT IN N      receive N frames replayed from pcap IN and send
 *                          each back unchanged (to OUT)
 *   drv cases [NAME]       the device tests (hostile drivers among them):
 *                          one "ok NAME" / "FAIL NAME: why" line each
 *   drv tap IF SECS READY STOP   answer ARP and ICMP echo for 10.77.0.2 on
 *                          TAP interface IF until file STOP exists
 */
#include "drv.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const uint8_t drv_dev_mac[6] = {0x52, 0x54, 0x00, 0x53, 0x49, 0x47};

uint8_t *drv_alloc(struct drv *d, size_t n, size_t align)
{
	size_t at = (d->top + align - 1) & ~(align - 1);
	if (at + n > d->win.len) {
		fprintf(stderr, "drv: window exhausted\n");
		exit(2);
	}
	d->top = at + n;
	return (uint8_t *)d->win.base + at;
}

/* Memory a 32-bit queue PFN can name with identity addresses, also under
 * ASan (whose shadow owns 2 GiB .. 16 TiB): a free spot below 2 GiB. */
static void *map_low(size_t n)
{
	for (uintptr_t at = 0x40000000u; at < 0x7f000000u; at += 0x1000000u) {
		void *p = mmap((void *)at, n, PROT_READ | PROT_WRITE,
		               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED)
			return p;
	}
	perror("drv: no free low memory for the DMA window");
	exit(2);
}

static void *dma_cb(void *ctx, uint64_t addr, size_t len)
{
	return vnet_dma_window(&((struct drv *)ctx)->win, addr, len);
}

static void irq_cb(void *ctx)
{
	((struct drv *)ctx)->irqs++;
}

/* A device on wire with the window mapped; no register touched yet. */
void drv_new(struct drv *d, struct vnet_wire *wire)
{
	memset(d, 0, sizeof *d);
	d->win.base = map_low(DRV_WINDOW);
	d->win.len = DRV_WINDOW;
	d->win.phys = pa(d->win.base);      /* hosted: identity */
	struct vnet_host host = {dma_cb, irq_cb, d};
	d->dev = vnet_new(drv_dev_mac, wire, &host);
}

void drv_free(struct drv *d)
{
	vnet_free(d->dev);
	munmap(d->win.base, d->win.len);
}

/* Reset, ACKNOWLEDGE, DRIVER, features. */
const char *drv_hello(struct drv *d)
{
	wr(d, VIRTIO_PCI_STATUS, 1, 0);
	if (status(d) != 0)
		return "status not 0 after reset";
	wr(d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE);
	wr(d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	uint32_t want = 1u << VIRTIO_NET_F_MAC | 1u << VIRTIO_NET_F_STATUS;
	uint32_t have = rd(d, VIRTIO_PCI_HOST_FEATURES, 4);
	if ((have & want) != want)
		return "device lacks MAC or STATUS";
	wr(d, VIRTIO_PCI_GUEST_FEATURES, 4, want);
	if (rd(d, VIRTIO_PCI_GUEST_FEATURES, 4) != want)
		return "guest features did not stick";
	for (int i = 0; i < 6; i++)
		d->mac[i] = (uint8_t)rd(d, VIRTIO_NET_CFG_MAC + (uint32_t)i, 1);
	if (memcmp(d->mac, drv_dev_mac, 6) != 0)
		return "MAC in config space is wrong";
	if (!(rd(d, VIRTIO_NET_CFG_STATUS, 2) & VIRTIO_NET_S_LINK_UP))
		return "link down";
	return NULL;
}

/* Lay out queue qi (its size read from the device) and give its PFN. */
const char *drv_queue(struct drv *d, unsigned qi)
{
	struct vq *q = &d->q[qi];
	wr(d, VIRTIO_PCI_QUEUE_SEL, 2, qi);
	q->size = (uint16_t)rd(d, VIRTIO_PCI_QUEUE_NUM, 2);
	if (q->size == 0 || (q->size & (q->size - 1)))
		return "queue size not a power of two";
	q->ring = drv_alloc(d, vnet_ring_bytes(q->size), 4096);
	q->desc = q->ring;
	q->avail = q->ring + vnet_ring_avail(q->size);
	q->used = q->ring + vnet_ring_used(q->size);
	q->avail_idx = q->last_used = 0;
	for (unsigned i = 0; i < q->size / 2u; i++)
		q->buf[i] = drv_alloc(d, DRV_BUF, 16);
	wr(d, VIRTIO_PCI_QUEUE_PFN, 4, (uint32_t)(pa(q->ring) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT));
	if (rd(d, VIRTIO_PCI_QUEUE_PFN, 4) != pa(q->ring) >> VIRTIO_PCI_QUEUE_ADDR_SHIFT)
		return "queue PFN did not stick";
	return NULL;
}

void set_desc(struct vq *q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *p = q->desc + 16 * i;
	put64(p, addr);
	put32(p + 8, len);
	put16(p + 12, flags);
	put16(p + 14, next);
}

/* Make chain head available (the index published after the entry). */
void publish(struct vq *q, uint16_t head)
{
	put16(q->avail + 4 + 2 * (q->avail_idx & (q->size - 1)), head);
	q->avail_idx++;
	__atomic_thread_fence(__ATOMIC_RELEASE);
	put16(q->avail + 2, q->avail_idx);
}

void post_rx_slot(struct drv *d, unsigned slot)
{
	struct vq *q = &d->q[VNET_RXQ];
	uint8_t *b = q->buf[slot];
	set_desc(q, 2 * slot, pa(b), VNET_HDR_LEN, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, (uint16_t)(2 * slot + 1));
	set_desc(q, 2 * slot + 1, pa(b + VNET_HDR_LEN), VNET_FRAME_MAX, VRING_DESC_F_WRITE, 0);
	publish(q, (uint16_t)(2 * slot));
}

/* The whole bring-up: hello, both queues, DRIVER_OK, receive buffers. */
const char *drv_up(struct drv *d)
{
	const char *e;
	if ((e = drv_hello(d)) || (e = drv_queue(d, VNET_RXQ)) || (e = drv_queue(d, VNET_TXQ)))
		return e;
	wr(d, VIRTIO_PCI_STATUS, 1, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	for (unsigned i = 0; i < d->q[VNET_RXQ].size / 2u; i++)
		post_rx_slot(d, i);
	wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, VNET_RXQ);
	return status(d) & VIRTIO_STATUS_NEEDS_RESET ? "device failed during bring-up" : NULL;
}

/* Reap finished transmits; NULL or what was wrong. */
const char *reap_tx(struct drv *d)
{
	struct vq *q = &d->q[VNET_TXQ];
	uint16_t idx = get16(q->used + 2);
	if ((uint16_t)(idx - q->last_used) > (uint16_t)(q->avail_idx - q->last_used))
		return "used index ran past what was made available";
	while (q->last_used != idx) {
		const uint8_t *e = q->used + 4 + 8 * (q->last_used & (q->size - 1));
		if (get32(e) != 2u * (q->last_used % (q->size / 2u)))
			return "used id is not the chain sent";
		q->last_used++;
	}
	return NULL;
}

/* Queue one frame for transmit and kick; NULL or what was wrong. */
const char *drv_send(struct drv *d, const uint8_t *frame, size_t len)
{
	struct vq *q = &d->q[VNET_TXQ];
	unsigned nslot = q->size / 2u;
	if ((uint16_t)(q->avail_idx - q->last_used) >= nslot && reap_tx(d))
		return "transmit reap failed";
	if ((uint16_t)(q->avail_idx - q->last_used) >= nslot)
		return "transmit queue full";
	unsigned slot = q->avail_idx % nslot;
	uint8_t *b = q->buf[slot];
	memset(b, 0, VNET_HDR_LEN);
	memcpy(b + VNET_HDR_LEN, frame, len);
	set_desc(q, 2 * slot, pa(b), VNET_HDR_LEN, VRING_DESC_F_NEXT, (uint16_t)(2 * slot + 1));
	set_desc(q, 2 * slot + 1, pa(b + VNET_HDR_LEN), (uint32_t)len, 0, 0);
	publish(q, (uint16_t)(2 * slot));
	wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, VNET_TXQ);
	return NULL;
}

/* Hand each received frame to d->rx and post its buffer again. */
const char *reap_rx(struct drv *d)
{
	struct vq *q = &d->q[VNET_RXQ];
	int n = 0;
	while (q->last_used != get16(q->used + 2)) {
		const uint8_t *e = q->used + 4 + 8 * (q->last_used & (q->size - 1));
		uint32_t id = get32(e), len = get32(e + 4);
		if (id % 2 || id / 2 >= q->size / 2u || len < VNET_HDR_LEN || len > DRV_BUF)
			return "bad used entry on the receive queue";
		q->last_used++;
		d->nrx++;
		if (d->rx)
			d->rx(d, q->buf[id / 2] + VNET_HDR_LEN, len - VNET_HDR_LEN);
		post_rx_slot(d, id / 2);
		n++;
	}
	if (n)
		wr(d, VIRTIO_PCI_QUEUE_NOTIFY, 2, VNET_RXQ);
	return NULL;
}

/* Service one interrupt, if one came: ISR, then both queues. */
const char *drv_service(struct drv *d, int *seen)
{
	const char *e = NULL;
	if (d->irqs == *seen)
		return NULL;
	*seen = d->irqs;
	uint32_t isr = rd(d, VIRTIO_PCI_ISR, 1);
	if (isr & VIRTIO_ISR_CONFIG && status(d) & VIRTIO_STATUS_NEEDS_RESET)
		return vnet_err_text(vnet_error(d->dev));
	if (isr & VIRTIO_ISR_QUEUE && !(e = reap_tx(d)))
		e = reap_rx(d);
	return e;
}


/* ---- drv tx OUT N EXPECT ---- */

/* Frame i: to 02:53:49:4e:47:i from the device, EtherType 0x88b5 (local
 * experimental, so tshark shows the payload as data); the last is full size. */
static size_t test_frame(struct drv *d, int i, int n, uint8_t *f)
{
	static const uint8_t dst[6] = {0x02, 0x53, 0x49, 0x4e, 0x47, 0x00};
	size_t plen = i == n - 1 ? VNET_FRAME_MAX - VNET_ETH_HDR : 46 + 37 * (size_t)i;
	memcpy(f, dst, 6);
	f[5] = (uint8_t)(i + 1);
	memcpy(f + 6, d->mac, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	for (size_t k = 0; k < plen; k++)
		f[14 + k] = (uint8_t)(i * 7 + k);
	int m = snprintf((char *)f + 14, plen, "sing frame %d", i);
	(void)m;
	return VNET_ETH_HDR + plen;
}

static void print_fields(FILE *o, const uint8_t *f, size_t len)
{
	fprintf(o, "%02x:%02x:%02x:%02x:%02x:%02x\t", f[0], f[1], f[2], f[3], f[4], f[5]);
	fprintf(o, "%02x:%02x:%02x:%02x:%02x:%02x\t", f[6], f[7], f[8], f[9], f[10], f[11]);
	for (size_t k = VNET_ETH_HDR; k < len; k++)
		fprintf(o, "%02x", f[k]);
	fprintf(o, "\n");
}

static const char *tx_run(struct drv *d, int n, FILE *expect)
{
	uint8_t f[VNET_FRAME_MAX];
	const char *e;
	for (int i = 0; i < n; i++) {
		size_t len = test_frame(d, i, n, f);
		int before = d->irqs;
		if ((e = drv_send(d, f, len)))
			return e;
		if (d->irqs == before)
			return "no interrupt after transmit";
		if (!(rd(d, VIRTIO_PCI_ISR, 1) & VIRTIO_ISR_QUEUE))
			return "ISR queue bit not set";
		if (rd(d, VIRTIO_PCI_ISR, 1) != 0)
			return "ISR not cleared by reading it";
		uint16_t want = (uint16_t)(d->q[VNET_TXQ].last_used + 1);
		if ((e = reap_tx(d)))
			return e;
		if (d->q[VNET_TXQ].last_used != want)
			return "used ring did not advance by one";
		print_fields(expect, f, len);
	}
	if (vnet_stats(d->dev)->tx_frames != (uint64_t)n)
		return "device counted the wrong number of frames";
	return NULL;
}

static int mode_tx(const char *out, int n, const char *expect_path)
{
	char err[256], spec[4096];
	snprintf(spec, sizeof spec, "pcap:%s", out);
	struct vnet_wire *w = vnet_wire_open(spec, err, sizeof err);
	if (!w) {
		fprintf(stderr, "drv: %s\n", err);
		return 2;
	}
	FILE *expect = fopen(expect_path, "w");
	if (!expect) {
		perror(expect_path);
		vnet_wire_close(w);
		return 2;
	}
	struct drv d;
	drv_new(&d, w);
	const char *e = drv_up(&d);
	if (!e)
		e = tx_run(&d, n, expect);
	fclose(expect);
	drv_free(&d);
	if (e)
		fprintf(stderr, "drv tx: %s\n", e);
	return e ? 1 : 0;
}

/* ---- drv echo OUT IN N ---- */

static void echo_rx(struct drv *d, uint8_t *frame, size_t len)
{
	const char *e = drv_send(d, frame, len);
	if (e)
		fprintf(stderr, "drv echo: %s\n", e);
}

static int mode_echo(const char *out, const char *in, int n)
{
	char err[256], spec[8192];
	snprintf(spec, sizeof spec, "pcap:%s,in=%s", out, in);
	struct vnet_wire *w = vnet_wire_open(spec, err, sizeof err);
	if (!w) {
		fprintf(stderr, "drv: %s\n", err);
		return 2;
	}
	struct drv d;
	drv_new(&d, w);
	d.rx = echo_rx;
	const char *e = drv_up(&d);
	int seen = 0;
	for (int round = 0; !e && d.nrx < n && round < 10000; round++) {
		vnet_poll(d.dev);
		e = drv_service(&d, &seen);
	}
	if (!e && vnet_poll(d.dev) != 0)
		e = "more frames than expected";
	if (!e && d.nrx != n)
		e = "did not receive every frame";
	if (!e && vnet_stats(d.dev)->tx_frames != (uint64_t)n)
		e = "did not send every frame back";
	drv_free(&d);
	if (e)
		fprintf(stderr, "drv echo: %s (received %d)\n", e, d.nrx);
	return e ? 1 : 0;
}

/* ---- drv tap IF SECS READY STOP: ARP and ICMP echo for 10.77.0.2 ---- */

static const uint8_t my_ip[4] = {10, 77, 0, 2};
static int n_arp, n_icmp;

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint16_t inet_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += be16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* An ARP reply to a request for my_ip, into out; its length or 0. */
static size_t arp_reply(struct drv *d, const uint8_t *f, size_t n, uint8_t *out)
{
	const uint8_t *a = f + VNET_ETH_HDR;
	if (n < 42 || be16(a) != 1 || be16(a + 2) != 0x0800 || a[4] != 6 || a[5] != 4 ||
	    be16(a + 6) != 1 || memcmp(a + 24, my_ip, 4) != 0)
		return 0;
	memset(out, 0, 60);
	memcpy(out, a + 8, 6);
	memcpy(out + 6, d->mac, 6);
	out[12] = 0x08, out[13] = 0x06;
	uint8_t *r = out + VNET_ETH_HDR;
	memcpy(r, a, 6);              /* htype, ptype, hlen, plen */
	r[6] = 0, r[7] = 2;           /* reply */
	memcpy(r + 8, d->mac, 6);
	memcpy(r + 14, my_ip, 4);
	memcpy(r + 18, a + 8, 10);    /* their MAC and IP */
	n_arp++;
	return 60;
}

/* An ICMP echo reply to a request for my_ip, into out; its length or 0. */
static size_t icmp_reply(const uint8_t *f, size_t n, uint8_t *out)
{
	const uint8_t *ip = f + VNET_ETH_HDR;
	if (n < VNET_ETH_HDR + 20 || ip[0] >> 4 != 4)
		return 0;
	size_t ihl = (size_t)(ip[0] & 15) * 4, tot = be16(ip + 2);
	if (ihl < 20 || tot < ihl + 8 || tot > n - VNET_ETH_HDR || ip[9] != 1 ||
	    memcmp(ip + 16, my_ip, 4) != 0 || ip[ihl] != 8)
		return 0;
	memcpy(out, f + 6, 6);
	memcpy(out + 6, f, 6);
	memcpy(out + 12, f + 12, 2 + tot);
	uint8_t *rip = out + VNET_ETH_HDR, *icmp = rip + ihl;
	memcpy(rip + 12, ip + 16, 4);
	memcpy(rip + 16, ip + 12, 4);
	rip[8] = 64;
	rip[10] = rip[11] = 0;
	uint16_t c = inet_csum(rip, ihl);
	rip[10] = (uint8_t)(c >> 8), rip[11] = (uint8_t)c;
	icmp[0] = 0;
	icmp[2] = icmp[3] = 0;
	c = inet_csum(icmp, tot - ihl);
	icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
	n_icmp++;
	return VNET_ETH_HDR + tot;
}

static void tap_rx(struct drv *d, uint8_t *f, size_t n)
{
	uint8_t out[VNET_FRAME_MAX];
	size_t m = 0;
	if (n >= VNET_ETH_HDR && be16(f + 12) == 0x0806)
		m = arp_reply(d, f, n, out);
	else if (n >= VNET_ETH_HDR && be16(f + 12) == 0x0800)
		m = icmp_reply(f, n, out);
	const char *e = m ? drv_send(d, out, m) : NULL;
	if (e)
		fprintf(stderr, "drv tap: %s\n", e);
}

static int mode_tap(const char *ifname, int secs, const char *ready, const char *stop)
{
	char err[256], spec[64];
	snprintf(spec, sizeof spec, "tap:%s", ifname);
	struct vnet_wire *w = vnet_wire_open(spec, err, sizeof err);
	if (!w) {
		fprintf(stderr, "drv: %s\n", err);
		return 2;
	}
	struct drv d;
	drv_new(&d, w);
	d.rx = tap_rx;
	const char *e = drv_up(&d);
	FILE *r = e ? NULL : fopen(ready, "w");
	if (r)
		fclose(r);
	time_t end = time(NULL) + secs;
	int seen = 0;
	struct stat st;
	while (!e && time(NULL) < end && stat(stop, &st) != 0) {
		struct pollfd p = {vnet_fd(d.dev), POLLIN, 0};
		poll(&p, 1, 20);
		vnet_poll(d.dev);
		e = drv_service(&d, &seen);
	}
	printf("received %d, answered arp %d icmp %d\n", d.nrx, n_arp, n_icmp);
	drv_free(&d);
	if (e)
		fprintf(stderr, "drv tap: %s\n", e);
	return e ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "tx") == 0)
		return mode_tx(argv[2], atoi(argv[3]), argv[4]);
	if (argc == 5 && strcmp(argv[1], "echo") == 0)
		return mode_echo(argv[2], argv[3], atoi(argv[4]));
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "cases") == 0)
		return run_cases(argc == 3 ? argv[2] : NULL);
	if (argc == 6 && strcmp(argv[1], "tap") == 0)
		return mode_tap(argv[2], atoi(argv[3]), argv[4], argv[5]);
	fprintf(stderr, "usage: drv tx OUT N EXPECT | echo OUT IN N | cases [NAME] | tap IF SECS READY STOP\n");
	return 2;
}
