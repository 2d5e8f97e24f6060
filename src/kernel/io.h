/*
 * io.h - device access for drivers: ioport handles checked against the
 * HAL's device table, and the io.in / io.out ABI calls.
 *
 * A driver's manifest claims port ranges (the store checked them against
 * other drivers' claims at install).  At launch the kernel checks each
 * claim again, against the machine: the range must lie inside one present
 * device of the HAL's table and be held by no running SIP (unless both
 * claims are shared); each claimed IRQ must be a present device's line.
 * Then main gets one handle per ioport claim, in order.  Verified code
 * cannot make, copy into memory or forge a handle (the verifier allows
 * ioports only as parameters), so a handle is proof of the claim; each
 * access is still checked against its range before it reaches the HAL.
 *
 * Invariant: a handle lives exactly as long as its SIP's record.  Nothing
 * here touches a device except through hal_dev_in / hal_dev_out.
 */
#ifndef KERNEL_IO_H
#define KERNEL_IO_H

#include "sip.h"

struct io_port {
	uint32_t dev;           /* index in the HAL's device table */
	uint32_t base, len;     /* the claimed range */
	int shared;
};

/* The number of ioport claims in prog's manifest. */
uint32_t io_nports(const struct sk_prog *p);
/* Why prog's hardware claims cannot be granted now (NULL: they can),
 * worded into buf. */
const char *io_check(struct sk_kernel *k, const struct sk_prog *p, char *buf, unsigned n);
/* The handles for prog's ioport claims (io_check passed): an array of
 * io_nports(p) for the SIP's record, or NULL (none, or no memory). */
struct io_port *io_grant(const struct sk_prog *p);
/* The HAL's DMA callback (dma.c): the host pointer for device dev's range
 * [addr, addr+len) if it lies inside one exchange-heap array owned by the
 * running SIP holding dev's ports; NULL otherwise (the device fails). */
void *dma_translate(void *kernel, uint32_t dev, uint64_t addr, size_t len);
/* A SIP is ending: reset the devices it holds, before its exchange-heap
 * blocks are freed, so no device writes freed memory. */
void io_release(struct sip *s);

/* Idle CPU c (kernel context, lock held, several CPUs running) with
 * nothing to run: sleep until poked, at most timeout_ns (< 0: no limit);
 * with devices attached at most IO_POLL_NS, then let the devices take
 * their input in and deliver the interrupts raised.  Every idle CPU does
 * this, not CPU 0 alone, so device input never waits for one busy CPU
 * (docs/kernel.md "Interrupts on the driver's CPU").  hal_dev_idle's
 * answer (-1: the console's input ended), or 0 without devices. */
#define IO_POLL_NS 1000000
int io_idle(struct sk_kernel *k, struct sk_cpu *c, int64_t timeout_ns);

#endif
