/*
 * kbench.h - the kernel's hook for the cost table (`sing bench`): a
 * benchmark SIP driven by the kernel over a channel.
 *
 * A benchmark program's main takes, as its first endpoint parameter, the
 * exporting end of a contract with (at least) these messages:
 *     in message Go(i64 n, i64 arg);     out message Took(i64 ns);
 *     state READY: { Go? -> Took! -> READY; }
 * The kernel keeps the importing end.  kb_go sends Go(n, arg) and runs the
 * scheduler until Took(ns) comes back: the SIP's own clock() figure for
 * its n operations, so the program's launch, its compilation and the
 * scheduler's way back into the kernel all stay outside the figure.  Main's
 * other endpoint parameters are bound to kernel services by path (sk_bind).
 * A benchmark may also need a provider (a service registered with the name
 * service, as a manifest's exporting endpoint would register it at launch):
 * kb_provide starts one; it runs until the kernel shuts down.
 *
 * Invariant: the driving end is owned by the kernel (like a served
 * endpoint), never by a SIP; kb_close deletes it, so the SIP sees
 * ChannelClosed, ends, and is waited for.  Must never: be reached from
 * generated code (it is not in the ABI).
 */
#ifndef KERNEL_KBENCH_H
#define KERNEL_KBENCH_H

#include <stdint.h>

#include "kernel.h"

struct kb_sip;

/* Start im's main as a benchmark SIP: endpoint parameter 0 is driven by
 * the kernel, parameter i >= 1 is bound to the service at paths[i - 1].
 * NULL with a reason in err. */
struct kb_sip *kb_open(struct sk_kernel *k, const struct sk_image *im, const char *name,
                       const char *const *paths, uint32_t npaths, char *err, unsigned errlen);
/* Start im as the provider of path: main's one endpoint parameter, an
 * exporting end of a provider contract, gets the provider channel (checked
 * by the name service first).  0, or -1 with a reason in err. */
int kb_provide(struct sk_kernel *k, const struct sk_image *im, const char *name,
               const char *path, char *err, unsigned errlen);
/* One batch: Go(n, arg), then run the SIPs until Took(ns).  0, or -1 with
 * a reason in err (the SIP failed, deadlocked or answered wrongly). */
int kb_go(struct kb_sip *b, int64_t n, int64_t arg, int64_t *ns, char *err, unsigned errlen);
/* Close the driving end, wait for the SIP to end, free b: its status. */
int kb_close(struct kb_sip *b);

#endif
