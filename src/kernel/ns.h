/*
 * ns.h - the name service: a directory of paths such as /dev/console or
 * /svc/echo, and the kernel-served endpoint /svc/ns through which a SIP
 * binds names at run time (docs/system.md, "The name service").
 *
 * A name is served by the kernel itself (a table: the launcher, the
 * name service's client endpoint, the console, the process service), or
 * is a /svc/... name, held by the name service SIP (nsboot.h: the kernel
 * forwards to it; lookups of those names never happen here), or is
 * registered here by a running provider (drivers' /dev/... names, whose
 * clients must not wait on a SIP): a program whose manifest has an
 * exporting endpoint of a provider contract P for the path.  P has an `in` message
 * Connect(C.Exp e), C being what clients speak; the kernel keeps P's
 * importing end and hands each client's server end to the provider in a
 * Connect message, as Singularity's directory service did.  Replies the
 * provider sends on P (an Ack, needed to bound P's queues) are dropped.
 * The kernel checks contract shapes when it binds (interned contracts: same
 * shape is pointer equality); a client may also speak an extension of C
 * whose server end C's provider can take (ly_upcast, in the kernel's own
 * tables).
 *
 * Invariant: an entry names a live provider only: its provider channel's
 * kernel end unregisters the name when the provider's end closes (the
 * provider died), so a client then sees "no running program provides".
 * Check first, then act: ns_check decides, ns_connect / ns_provide cannot
 * fail.  This module never blocks.
 */
#ifndef KERNEL_NS_H
#define KERNEL_NS_H

#include "chan.h"

/* Why the program prog (NULL: unrestricted, `sing run`) may not bind path
 * with contract con from side (0 importing, 1 exporting), or NULL; *code
 * gets a Fail code (NS_NO_NAME, NS_CONTRACT, NS_CAPABILITY, NS_HARDWARE: an
 * IRQ endpoint the program may not bind). */
enum { NS_NO_NAME = 1, NS_CONTRACT = 2, NS_CAPABILITY = 3, NS_HARDWARE = 4 };
const char *ns_check(struct sk_kernel *k, const struct sk_prog *prog, const char *path,
                     const struct ly_contract *con, uint32_t side, int *code);
/* Hand the server end exp (owned by the kernel) to whoever serves path
 * (ns_check passed). */
void ns_connect(struct sk_kernel *k, const char *path, struct ch_end *exp);
/* Register path as served by the provider about to start as pid, with
 * provider contract p (ns_check passed): the end to give the provider. */
struct ch_end *ns_provide(struct sk_kernel *k, const char *path, const struct ly_contract *p,
                          uint32_t pid);

/* sing_ns_connect: hand client (a server end in its start state, owned by
 * the kernel now) to the provider whose importing end prov a SIP holds
 * opaquely, paced behind its Acks as ns_connect does.  0, NS_NO_NAME (the
 * provider is gone, or too many binds wait for it) or NS_CONTRACT (prov is
 * not a provider contract's importing end, or client's contract is not
 * one its provider takes); on a failure client is deleted. */
int32_t ns_link(struct sk_kernel *k, struct ch_end *prov, struct ch_end *client);

/* The name service SIP's provider ends (nsboot.h).  ns_hand_over: prov,
 * the importing end of path's provider, goes to it in Provide as id; the
 * kernel keeps a pacing record naming it (-1: the table is full).
 * ns_reclaim: the SIP whose exchange heap is own ended; the handed-over
 * ends it held become the kernel's again.  ns_reprovide: Provide them to
 * the next name service, so providers need not register again. */
int ns_hand_over(struct sk_kernel *k, const char *path, struct ch_end *prov, uint32_t id);
void ns_reclaim(struct sk_kernel *k, struct xh_list *own);
void ns_reprovide(struct sk_kernel *k);
/* The name service accepted the end Provided as id: its name came (Watch;
 * once per end, though a restarted name service is given it again). */
void ns_came(struct sk_kernel *k, uint32_t id);

/* Text across channels: a new kernel-owned exheap u8[] holding s[0..n),
 * and the text of a received exheap u8[] (NUL-terminated, cut to n-1;
 * 0 if p is not bytes). */
void *ns_text(struct sk_kernel *k, const char *s, uint32_t n);
uint32_t ns_read_text(const void *p, char *buf, uint32_t n);
/* Reply on a served end: message `name` (out) with one argument. */
void ns_reply(struct ch_end *e, const char *name, union sing_slot arg);
/* Pop and free what arrived on a served end (kernel-side draining). */
void ns_drain(struct ch_end *e);

/* Every name, kernel names first, one a line ("PATH\n"): the bytes written. */
uint32_t ns_names(struct sk_kernel *k, char *buf, uint32_t size);

/* The kernel-served names' contract checks and servers. */
const char *ns_check_contract(const struct ly_contract *c);
void ns_serve(struct ch_end *e);

#endif
