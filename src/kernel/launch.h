/*
 * launch.h - the launcher: a kernel-served endpoint through which a SIP
 * starts other SIPs and hands them endpoints.
 *
 * A program asks for it in its manifest (`endpoint l: L.Imp = "/kernel/launch";`)
 * with any contract L of this shape: every `in` message is a request
 * `(i32 prog, [u8[] args,] E1 e1, ..., En en)` naming a registered program
 * (sk_register), optionally the words of its main's `string[] args` (each
 * ended by a NUL byte; copied by the kernel, at most LAUNCH_MAXARGS words
 * and LAUNCH_MAXBYTES bytes, else Failed(LAUNCH_BAD_ARGS); the array is
 * always deleted), and the endpoints to pass as its main's endpoint
 * parameters; the kernel
 * answers each with the `out` message `Started(i32 pid)` or `Failed(i32 why)`.
 * The endpoints are checked against the program's main (same contract shape,
 * or an extension of it where ly_upcast allows; side and declared state) at
 * this boundary; when the check fails they are
 * deleted (their peers see ChannelClosed).  Launched SIPs are detached: the
 * kernel frees them when they end.
 *
 * Invariant: the served end is owned by the kernel, never by a SIP; a
 * request is served on the sender's thread inside its send, so serving
 * never blocks.  The name service (ns.c) serves it at SK_LAUNCH_PATH.
 */
#ifndef KERNEL_LAUNCH_H
#define KERNEL_LAUNCH_H

#include "chan.h"

/* Failed(why) codes. */
enum { LAUNCH_NO_PROGRAM = 1, LAUNCH_BAD_ENDPOINTS = 2, LAUNCH_NO_MEMORY = 3, LAUNCH_BAD_ARGS = 4 };

/* Bounds on a request's argument words (main's string[] args). */
#define LAUNCH_MAXARGS  64
#define LAUNCH_MAXBYTES 4096

/* Why c is not a launcher contract, or NULL; the served end's server. */
const char *launch_check(const struct ly_contract *c);
void launch_serve(struct ch_end *e);

#endif
