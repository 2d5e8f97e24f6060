/*
 * nsboot.h - the kernel's side of the bootstrap endpoint /kernel/ns: the
 * channel to the name service SIP (sys/services/ns.sg), which holds the
 * directory of /svc/... names (docs/system.md "The name service as a SIP").
 *
 * The kernel imports NsBoot (sys/contracts/ns.sg); the one program holding
 * capability system.ns exports it through its manifest.  What the kernel
 * cannot answer alone goes over it as a request, one at a time (the
 * contract takes the next request only after the last one's answer):
 * Provide (a provider's importing end, at its launch), Bind (a client's
 * server end, at its launch or from a run-time Bind on /svc/ns), List and
 * Gone (a provider's SIP ended).  Each request carries a continuation
 * called with the answer; requests wait in a queue meanwhile.
 *
 * Invariant: every queued request is answered exactly once: by the name
 * service, or with NS_NO_NAME when the channel closes (the SIP died; init
 * restarts it) or cannot take more.  An end a request carries is the
 * kernel's until sent and the SIP's after; on a failure before sending the
 * kernel deletes it (its peer sees ChannelClosed).  This module never
 * blocks.
 */
#ifndef KERNEL_NSBOOT_H
#define KERNEL_NSBOOT_H

#include "chan.h"

#define NB_PATH "/kernel/ns"

/* Is path one the name service SIP holds (a /svc/... name but /svc/ns)? */
int nb_path(const char *path);
/* Is the name service connected? */
int nb_up(const struct sk_kernel *k);

/* /kernel/ns: the contract check, and the exporting end for the name
 * service about to start (NULL: no memory, or one is connected already). */
const char *nb_check(const struct ly_contract *c);
struct ch_end *nb_open(struct sk_kernel *k, const struct ly_contract *c);

/* A request's continuation: code 0 or a Fail/Refused code (NS_NO_NAME when
 * the name service went away); text the listing (List; the callee's, may
 * be NULL). */
typedef void nb_done(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text);

/* The requests (the ends are the kernel's and go to the name service). */
/* Provide: the kernel keeps a pacing record of prov (ns_hand_over), to
 * Provide it again to the next name service if this one ends; id 0 gives
 * prov a new id (else: prov's, again); done NULL: a refusal is said on
 * the console (the provider sees ChannelClosed). */
void nb_provide(struct sk_kernel *k, const char *path, struct ch_end *prov, uint32_t id,
                nb_done *done, void *ctx);
void nb_bind(struct sk_kernel *k, const char *path, struct ch_end *client, uint32_t pid,
             nb_done *done, void *ctx);
void nb_list(struct sk_kernel *k, nb_done *done, void *ctx);
/* The provider end Provided as id closed (Gone: the name service drops
 * path if id still holds it; a refused end's Gone finds another id). */
void nb_gone(struct sk_kernel *k, const char *path, uint32_t id);
/* A launch's /svc/... import: its server end, answered by releasing the
 * SIP pid held at its start (sip.h `held`) or refusing it. */
void nb_launch_bind(struct sk_kernel *k, const char *path, struct ch_end *client, uint32_t pid);
/* Forget ctx: its continuation is still called, with ctx NULL. */
void nb_forget(struct sk_kernel *k, void *ctx);
/* The end e closed: a request still queued with it is answered NS_NO_NAME
 * instead of being sent. */
void nb_lost(struct sk_kernel *k, struct ch_end *e);

#endif
