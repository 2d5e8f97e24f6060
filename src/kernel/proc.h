/*
 * proc.h - launch by manifest, and the process service /kernel/proc that
 * the shell uses: run an installed program by name, list SIPs, kill one.
 *
 * An installed program (sk_install) is started only through its manifest:
 * each of main's endpoint parameters is bound through the name service by
 * the path the manifest gives it, the capabilities are the manifest's
 * (the store admitted only what the policy allows), and nothing else.
 * Every binding is checked before anything is created, so a missing
 * dependency is a clear refusal ("/svc/echo: no running program provides
 * it"), never a client blocked forever.
 *
 * The service (procsvc.c) speaks any contract with these messages (by
 * name): in Run(u8[] line), Start(u8[] line), Ps(), Kill(i32 pid),
 * Programs(), Jobs(), Hangup(); out Exited(i32 status), Refused(u8[] why),
 * Text(u8[] text).  Run answers when the program ends, Start at once (the
 * program runs in the background: a job, whose end is reported on the
 * console as "[PID] done, status N (NAME)").  A line's words end each
 * with a NUL byte when it holds one (so a word may hold blanks), else
 * are separated by blanks.  Jobs lists the running jobs, Hangup stops
 * them.  The requester is the new SIP's parent (ps shows it).
 *
 * Invariant: a SIP is told to no served end that is gone (the end's gone
 * hook clears the link), and a SIP never kills itself from its own stack.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "chan.h"

const char *proc_check(const struct ly_contract *c);
void proc_serve(struct ch_end *e);
/* s ended (sip_teardown): answer the Run that started it. */
void proc_ended(struct sip *s);
/* What `argv[0] --help` (or -h, the only argument) prints, from the
 * installed program's manifest: answered without starting it (so a
 * running service answers too).  NULL: not such a line, or no usage. */
const char *proc_usage(struct sk_kernel *k, int argc, char *const argv[]);
/* The running SIP pid, or NULL. */
struct sip *proc_find(struct sk_kernel *k, uint32_t pid);
/* End a launched SIP that is not the one running: killed (a failure,
 * reported) or stopped (an orderly exit with status).  -1 if there is no
 * such SIP or it may not be stopped (not launched, or the requester). */
int proc_stop(struct sk_kernel *k, uint32_t pid, int killed, int32_t status);
/* Ctrl-C: stop the foreground programs (those a Run waits for) with
 * status SK_EXIT_INTERRUPTED (procsvc.c).  How many were stopped. */
int proc_interrupt(struct sk_kernel *k);
/* Does prog hold capability cap? (unmanaged programs hold every one) */
int proc_has_cap(const struct sk_prog *prog, const char *cap);

#endif
