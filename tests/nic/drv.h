/*
 * drv.h - the C stand-in for Sing's NIC driver SIP (drv.c), shared with the
 * device tests (cases.c).  It drives the virtio-net model exactly as a
 * virtio-net driver drives the legacy PCI device: port I/O for registers,
 * split virtqueues in page-aligned memory, completion by interrupt.
 *
 * Invariant: the device is handed only addresses inside the driver's DMA
 * window (one mmap'd region); the tests that break this do it on purpose.
 */
#ifndef TESTS_NIC_DRV_H
#define TESTS_NIC_DRV_H

#include "hal/hosted/vnet.h"

#define DRV_WINDOW (2u << 20)
#define DRV_BUF (VNET_HDR_LEN + VNET_FRAME_MAX)

extern const uint8_t drv_dev_mac[6];

struct vq {
	uint16_t size;
	uint8_t *ring, *desc, *avail, *used;
	uint16_t avail_idx, last_used;
	uint8_t *buf[VNET_QUEUE_MAX / 2];     /* slot i: descriptors 2i, 2i+1 */
};

struct drv {
	struct vnet *dev;
	struct vnet_window win;
	size_t top;                           /* window bytes allocated */
	struct vq q[VNET_NQUEUES];
	int irqs;                             /* interrupts the callback saw */
	uint8_t mac[6];
	void (*rx)(struct drv *d, uint8_t *frame, size_t len);
	int nrx;
	void *user;
};

/* ---- little-endian memory the device shares ---- */
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get32(const uint8_t *p) { return get16(p) | (uint32_t)get16(p + 2) << 16; }

/* ---- port I/O and addresses ---- */
static inline uint32_t rd(struct drv *d, uint32_t off, unsigned w) { return vnet_in(d->dev, off, w); }
static inline void wr(struct drv *d, uint32_t off, unsigned w, uint32_t v) { vnet_out(d->dev, off, w, v); }
static inline uint64_t pa(const void *p) { return (uint64_t)(uintptr_t)p; }   /* hosted: identity */
static inline uint8_t status(struct drv *d) { return (uint8_t)rd(d, VIRTIO_PCI_STATUS, 1); }

uint8_t *drv_alloc(struct drv *d, size_t n, size_t align);   /* zeroed, in the window */
void drv_new(struct drv *d, struct vnet_wire *wire);
void drv_free(struct drv *d);
/* Each returns NULL, or what went wrong. */
const char *drv_hello(struct drv *d);          /* reset, ACK, DRIVER, features, MAC */
const char *drv_queue(struct drv *d, unsigned qi);
const char *drv_up(struct drv *d);             /* hello, queues, DRIVER_OK, rx buffers */
const char *drv_send(struct drv *d, const uint8_t *frame, size_t len);
const char *drv_service(struct drv *d, int *seen);   /* one interrupt, if any */
const char *reap_tx(struct drv *d);
const char *reap_rx(struct drv *d);
void set_desc(struct vq *q, unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next);
void publish(struct vq *q, uint16_t head);
void post_rx_slot(struct drv *d, unsigned slot);

int run_cases(const char *only);               /* cases.c: exit status */

#endif
