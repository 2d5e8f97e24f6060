/*
 * nswatch.h - Watch on /svc/ns: a client told each /svc/... name that came
 * (the name service accepted its Provide) or went (its provider's end
 * closed), one event per Next it sends (docs/system.md "The name service
 * as a SIP").  Client view: `in Watch()` then, in a state of its own,
 * `in Next()` -> `out Came(u8[] path)` | `out Went(u8[] path)`.
 *
 * The kernel, not the name service SIP, keeps the watchers: they are ends
 * of /svc/ns, which the kernel serves; the events are what it sees itself.
 * Events since a watcher's Watch only, in order; one that fell more than
 * NW_EVENTS behind misses the oldest.  Invariant: a watcher gets at most
 * one event per Next (its contract's pacing).  This module never blocks.
 */
#ifndef KERNEL_NSWATCH_H
#define KERNEL_NSWATCH_H

#include "chan.h"

/* The contract's Watch part is sound (NULL), else why. */
const char *nw_check(const struct ly_contract *c);
/* The served /svc/ns end e sent Watch / Next. */
int nw_watch(struct ch_end *e);   /* -1: no room, e was deleted */
void nw_next(struct ch_end *e);
/* path came (went 0) or went (1): told to every watcher. */
void nw_event(struct sk_kernel *k, int went, const char *path);

#endif
