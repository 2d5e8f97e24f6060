/*
 * vnet.h - a virtio-net device model (the legacy, "transitional" PCI
 * interface of the virtio specification) for the hosted HAL, so that Sing's
 * NIC driver programs real registers and real split virtqueues while the
 * model moves Ethernet frames to and from a wire (a pcap file or a Linux TAP
 * interface, see struct vnet_wire).
 *
 * The kernel attaches it like a PCI function: io.in / io.out on the driver's
 * ioport range (VNET_IO_SIZE ports at BAR0) become vnet_in / vnet_out with the
 * offset from the range's base; the device reaches memory only through the
 * host's dma callback (one function translating a "physical" address range
 * into a host pointer, or refusing it); it raises its interrupt through the
 * host's irq callback.  vnet_poll moves waiting frames from the wire into
 * posted receive buffers (the kernel calls it from its idle loop or a timer;
 * vnet_fd says which descriptor to wait on).
 *
 * Invariant: everything the driver writes (register values, queue addresses,
 * ring indices, descriptor addresses, lengths, flags and links) is checked
 * before the device acts on it.  A bad value puts the device into the failed
 * state (DEVICE_NEEDS_RESET, with a named reason from vnet_error) and it then
 * touches no driver memory until the driver resets it by writing status 0.
 *
 * It must never read or write memory the dma callback did not hand it, never
 * crash or overrun on any driver input, never block, and never call back into
 * the kernel except through the two host callbacks.  Not thread-safe: the
 * kernel serialises every call for one device.
 */
#ifndef HAL_HOSTED_VNET_H
#define HAL_HOSTED_VNET_H

#include <stddef.h>
#include <stdint.h>

/* ---- The legacy register layout at BAR0 (virtio spec 4.1.4.8) ---- */
#define VIRTIO_PCI_HOST_FEATURES  0    /* u32 RO: device feature bits 0..31 */
#define VIRTIO_PCI_GUEST_FEATURES 4    /* u32 RW: driver-accepted features */
#define VIRTIO_PCI_QUEUE_PFN      8    /* u32 RW: selected queue's address >> 12 */
#define VIRTIO_PCI_QUEUE_NUM      12   /* u16 RO: selected queue's size (see docs) */
#define VIRTIO_PCI_QUEUE_SEL      14   /* u16 RW: queue selector */
#define VIRTIO_PCI_QUEUE_NOTIFY   16   /* u16 WO: write a queue index to kick it */
#define VIRTIO_PCI_STATUS         18   /* u8  RW: device status */
#define VIRTIO_PCI_ISR            19   /* u8  RO: interrupt status, read clears */
#define VIRTIO_PCI_CONFIG         20   /* device config (no MSI-X) */
#define VIRTIO_NET_CFG_MAC        (VIRTIO_PCI_CONFIG + 0)   /* 6 bytes */
#define VIRTIO_NET_CFG_STATUS     (VIRTIO_PCI_CONFIG + 6)   /* u16 */
#define VNET_CONFIG_END           (VIRTIO_PCI_CONFIG + 8)
#define VNET_IO_SIZE              32   /* the ioport range a driver claims */

#define VIRTIO_PCI_QUEUE_ADDR_SHIFT 12 /* PFN units: 4096-byte pages */
#define VIRTIO_LEGACY_ALIGN       4096 /* used ring alignment in a legacy queue */

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

/* ISR bits. */
#define VIRTIO_ISR_QUEUE  1
#define VIRTIO_ISR_CONFIG 2

/* Feature bits (net device and transport). */
#define VIRTIO_NET_F_CSUM         0
#define VIRTIO_NET_F_MAC          5
#define VIRTIO_NET_F_MRG_RXBUF    15
#define VIRTIO_NET_F_STATUS       16
#define VIRTIO_F_NOTIFY_ON_EMPTY  24
#define VIRTIO_F_ANY_LAYOUT       27
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX   29
#define VNET_FEATURES ((1u << VIRTIO_NET_F_MAC) | (1u << VIRTIO_NET_F_STATUS) | \
                       (1u << VIRTIO_F_ANY_LAYOUT))

/* Net config status bits. */
#define VIRTIO_NET_S_LINK_UP 1

/* Split virtqueue layout (virtio spec 2.6; legacy layout 2.6.2). */
#define VRING_DESC_F_NEXT     1
#define VRING_DESC_F_WRITE    2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1
#define VRING_DESC_SIZE       16   /* u64 addr, u32 len, u16 flags, u16 next */
#define VRING_USED_ELEM_SIZE  8    /* u32 id, u32 len */

/* The queues of a net device without a control queue. */
#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_NQUEUES 2
#define VNET_QUEUE_MAX 256         /* entries per queue the device offers */

/* struct virtio_net_hdr without MRG_RXBUF: u8 flags, u8 gso_type,
 * u16 hdr_len, gso_size, csum_start, csum_offset. */
#define VNET_HDR_LEN 10
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VNET_ETH_HDR 14
#define VNET_FRAME_MAX 1514        /* Ethernet frame without FCS, MTU 1500 */

/* Bytes of a legacy queue of n entries at PFN * 4096. */
size_t vnet_ring_bytes(unsigned n);
/* Offsets of the available and used rings inside it. */
size_t vnet_ring_avail(unsigned n);
size_t vnet_ring_used(unsigned n);

/* ---- The wire: where transmitted frames go, received frames come from ---- */
struct vnet_wire;
struct vnet_wire_ops {
	const char *kind;                  /* "pcap", "tap" */
	/* Put one frame (Ethernet header + payload, no FCS) on the wire:
	 * 0, or -1 if it was lost (the device counts it). */
	int (*send)(struct vnet_wire *w, const uint8_t *frame, size_t len);
	/* Take the next frame that arrived: its length (<= cap), 0 if none is
	 * waiting (never blocks), -1 on a wire error.  A frame longer than cap
	 * is dropped by the wire. */
	int (*poll)(struct vnet_wire *w, uint8_t *buf, size_t cap);
	void (*close)(struct vnet_wire *w);
};
struct vnet_wire {
	const struct vnet_wire_ops *ops;
	int fd;          /* readable when a frame may wait; -1: poll any time */
};

/* Open a wire from its spec: "pcap:OUT" (transmit to the pcap file OUT),
 * then optionally ",in=IN" (also replay the frames of the pcap file IN as
 * received frames) and ",max=SIZE" (OUT grows to at most SIZE bytes, K, M
 * or G suffixes; 0 no limit; default VNET_PCAP_MAX), or "tap:NAME" (the
 * Linux TAP interface NAME, both ways).  NULL with a reason in err on
 * failure.  vnet_wire_check only reads the spec (nothing is opened): 0, or
 * -1 with the reason. */
#define VNET_PCAP_MAX (64ull << 20)
struct vnet_wire *vnet_wire_open(const char *spec, char *err, size_t errlen);
int vnet_wire_check(const char *spec, char *err, size_t errlen);
void vnet_wire_close(struct vnet_wire *w);

/* ---- The host side: memory and the interrupt line ---- */
struct vnet_host {
	/* Translate the driver's "physical" range [addr, addr+len) into a host
	 * pointer valid for len bytes, or NULL if the device may not touch it.
	 * Hosted: physical addresses are host virtual addresses (one shared
	 * address space), so this is an identity map restricted to the memory a
	 * driver may hand a device (e.g. vnet_dma_window).  Bare metal swaps it.
	 * A pointer it returns for a queue is kept while that queue is active. */
	void *(*dma)(void *ctx, uint64_t addr, size_t len);
	/* The interrupt line: called whenever the device sets an ISR bit.  It
	 * may run inside vnet_out or vnet_poll; it must only record the
	 * interrupt (flag, wake a thread), never call vnet_* itself. */
	void (*irq)(void *ctx);
	void *ctx;
};

/* A dma callback that allows one window of host memory, ctx a struct
 * vnet_window: driver address phys + k is host address base + k.  The
 * hosted identity map is phys == (uintptr_t)base.  Mind the legacy queue
 * PFN: it is 32 bits of 4096-byte pages, so queue memory must sit below
 * driver address 2^44 (with identity, and under ASan below 2 GiB, since
 * ASan's shadow owns the addresses in between); buffers may be anywhere. */
struct vnet_window {
	void *base;
	size_t len;
	uint64_t phys;
};
void *vnet_dma_window(void *ctx, uint64_t addr, size_t len);

/* ---- The device ---- */
#define VNET_ERRORS(X) \
	X(NONE,          "no error") \
	X(QUEUE_SIZE,    "queue size not a power of two within the maximum") \
	X(QUEUE_ADDR,    "queue memory not DMA-able") \
	X(STATUS_ORDER,  "DRIVER_OK without ACKNOWLEDGE and DRIVER") \
	X(AVAIL_IDX,     "available index more than a ring ahead") \
	X(DESC_INDEX,    "descriptor index out of range") \
	X(DESC_LOOP,     "descriptor chain longer than the ring (a loop)") \
	X(DESC_INDIRECT, "indirect descriptor without the feature") \
	X(DESC_ADDR,     "descriptor buffer not DMA-able") \
	X(DESC_DIR,      "descriptor direction wrong for its queue") \
	X(FRAME_LONG,    "transmit chain longer than header and 1514-byte frame") \
	X(FRAME_SHORT,   "transmit chain shorter than header and Ethernet header") \
	X(NET_HDR,       "transmit header asks for an offload not negotiated")

enum vnet_err {
#define X(name, text) VNET_E_##name,
	VNET_ERRORS(X)
#undef X
	VNET_E_COUNT
};
const char *vnet_err_text(enum vnet_err e);
const char *vnet_err_name(enum vnet_err e);   /* "DESC_LOOP" */

struct vnet_stats {
	uint64_t tx_frames, tx_lost;     /* sent; refused by the wire */
	uint64_t rx_frames, rx_dropped;  /* delivered; no room or runt */
	uint64_t irqs, irqs_suppressed;  /* raised; held back by NO_INTERRUPT */
	uint64_t notify_ignored;         /* kicks before DRIVER_OK / bad queue */
	uint64_t bad_io;                 /* accesses to no register */
};

struct vnet;
/* A device with MAC address mac on wire (which it then owns and closes). */
struct vnet *vnet_new(const uint8_t mac[6], struct vnet_wire *wire,
                      const struct vnet_host *host);
void vnet_free(struct vnet *d);

/* Port I/O at offset off of BAR0, width 1, 2 or 4 bytes (little-endian).
 * Any offset and width is safe: an access that hits no register reads as
 * all ones and writes nothing. */
uint32_t vnet_in(struct vnet *d, uint32_t off, unsigned width);
void vnet_out(struct vnet *d, uint32_t off, unsigned width, uint32_t val);

/* Move waiting frames from the wire into posted receive buffers, raising
 * the interrupt; returns how many were delivered. */
int vnet_poll(struct vnet *d);
int vnet_fd(const struct vnet *d);        /* the wire's fd, or -1 */

/* Link state (the config status register); a change raises a config
 * interrupt. */
void vnet_set_link(struct vnet *d, int up);

enum vnet_err vnet_error(const struct vnet *d);
const struct vnet_stats *vnet_stats(const struct vnet *d);

#endif
