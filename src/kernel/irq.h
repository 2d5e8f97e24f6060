/*
 * irq.h - interrupts for drivers: a kernel-served endpoint per line,
 * /kernel/irq/N, speaking any contract with `in Wait()` and `out Fired()`
 * (sys/contracts/interrupt.sg).  The driver sends Wait when it is ready
 * for the next interrupt; the kernel answers Fired once the line was
 * raised (at once if it was raised meanwhile), so interrupts between two
 * Waits coalesce into one Fired, as an edge-triggered PIC would latch one.
 *
 * A Wait not answered at once tells the HAL the driver waits on its CPU
 * (hal_dev_wait): a line's interrupts land where its driver waits.
 *
 * Only a SIP whose manifest claims line N may bind /kernel/irq/N, one at a
 * time, and only once the devices are attached (sk_devices).
 *
 * Invariant: irq_record (the HAL's callback, possibly inside a device
 * access on a SIP's thread) only sets a bit; replies are sent by
 * irq_deliver on the kernel's context or from a served Wait.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include "chan.h"

/* The line N of a path "/kernel/irq/N", or -1 if path is not one. */
int irq_path(const char *path);
/* Why prog may not bind the line's path with contract con (NULL: it may). */
const char *irq_check(struct sk_kernel *k, const struct sk_prog *prog, int line,
                      const struct ly_contract *con);
/* Serve the line's path on exp (irq_check passed). */
void irq_connect(struct sk_kernel *k, int line, struct ch_end *exp);
void irq_record(void *kernel, uint32_t line);
void irq_deliver(struct sk_kernel *k);

#endif
