/*
 * halt.h - stopping a SIP's other threads at safepoints: the collector's
 * handshake, and a SIP's end while its threads run on other CPUs
 * (docs/kernel.md "Every CPU: a SIP's threads on several CPUs").
 *
 * A thread of SIP s that must have s to itself (its collector, or the
 * thread ending s) becomes s's stopper: s's queued threads are held (taken
 * out of the queues), a blocked one that a message wakes meanwhile is held
 * instead of queued, and each of its threads running on another CPU is
 * told through its poll word and parks at its next kernel entry (sk_enter:
 * at the latest its next safepoint), with its callee-saved registers and
 * a transition record in its park frame, so its stack is scannable.  The
 * stopper waits with the kernel lock let go until none runs.  When it is
 * done, the held threads are queued again on their CPUs.
 *
 * Invariant: at most one stopper per SIP; a held thread is TH_RUNNABLE in
 * no queue, on s->halted; only with several CPUs (klock_smp) is anything
 * here used.  Every function runs under the kernel lock and returns with
 * it held, at the depth it was called with.
 */
#ifndef KERNEL_HALT_H
#define KERNEL_HALT_H

#include "sip.h"

/* t (running) stops its SIP's other threads; returns once none runs.  If
 * another thread is the stopper already, t parks until it resumes. */
void halt_others(struct sk_thread *t);
/* The stopper t is done: its SIP's held threads are queued again. */
void halt_resume(struct sk_thread *t);
/* A SIP thread entered the kernel while another of its SIP is the
 * stopper: park until halt_resume (or the SIP's teardown). */
void halt_park(struct sk_thread *t);
/* A blocked thread of a stopped SIP is woken: hold it for halt_resume. */
void halt_hold(struct sk_thread *t);
/* A collection of s's heap by its running thread: the others stopped,
 * the kernel lock let go while it runs (gc.h, gc_heap.halt). */
void halt_gc(void *sip, int on);

#endif
