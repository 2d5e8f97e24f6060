/*
 * sched.h - the scheduler: run queues per CPU, user-level context
 * switches, blocking and wake-up, yield and preemption at safepoints.
 *
 * A switch is hal_ctx_switch (callee-saved registers pushed on the old
 * stack, the stack pointer swapped) plus the sanitizer's fiber hooks.
 * Threads switch to one another directly: a thread that yields or blocks
 * hands the CPU to the head of its CPU's hand-off queue (threads a message
 * woke in the running slice), else of its run queue; only when both are empty,
 * or when a thread or SIP has ended, does control return to the kernel's
 * own context (sched_step), which frees what ended and picks the next.
 * A host timer (hal_timer_start) sets the running thread's poll word every
 * SCHED_TICK_NS; generated code polls it at loop back-edges and calls,
 * and sing_safepoint yields: a SIP that spins cannot starve the others.
 * A slice ends at the next tick after it starts; a thread woken by a
 * message joins the waker's slice and lengthens it by one tick (the budget
 * follows the message); when it ends, the threads still waiting in the
 * hand-off queue get the next slices.  Every runnable thread gets about
 * one tick per round (docs/kernel.md "Scheduling for communication").
 *
 * With several CPUs (docs/kernel.md "Every CPU") every function here runs
 * under the kernel lock; each thread runs and queues on its CPU (t->cpu):
 * a SIP's threads may run on several CPUs at once.  A thread's CPU
 * changes when an idle CPU steals it, or a message from another CPU wakes
 * it onto a CPU with nothing waiting (wake affinity), or it is sent back
 * before it ran because a second thread came to wait there, or its CPU
 * ends a slice running more threads in turn than another busy CPU by two
 * or more (balance: a pair that talks counts as two).  While a
 * SIP's stopper runs (halt.h), none of its other threads is queued.
 *
 * Invariant: a thread is in at most one queue (t->rq), and only when
 * TH_RUNNABLE; the running thread is cpu->cur.  Every switch out of a SIP
 * thread happens inside a GC-kind ABI call, so its transition record is
 * fresh and its SIP's collector can scan its stack while it is switched out.
 * The scheduler never allocates.
 */
#ifndef KERNEL_SCHED_H
#define KERNEL_SCHED_H

#include "klock.h"
#include "sip.h"
#include "trace.h"

#define SCHED_TICK_NS 4000000   /* preemption period: 4 ms */

/* The CPU running the caller. */
static inline struct sk_cpu *sched_cpu(struct sk_kernel *k)
{
	return klock_smp ? &k->cpu[hal_cpu_id()] : &k->cpu[0];
}

/* The CPU a new SIP goes to: the least loaded (the caller's on a tie). */
unsigned sched_place(struct sk_kernel *k);
/* Wake CPU c if it idles (any CPU, lock held or not). */
void sched_poke(struct sk_cpu *c);
/* An idle CPU takes a SIP queued on a busy one: 1 if it took one. */
int sched_steal(struct sk_kernel *k, struct sk_cpu *c);
/* Does any CPU run or have queued a thread? */
int sched_busy(struct sk_kernel *k);
/* Idle CPU c (kernel context, lock held): let the lock go and sleep
 * until poked, at most timeout_ns (< 0: no limit). */
void sched_idle(struct sk_cpu *c, int64_t timeout_ns);

void sched_ready(struct sk_cpu *c, struct sk_thread *t);
void sched_unqueue(struct sk_cpu *c, struct sk_thread *t);
void sched_yield_to_next(struct sk_thread *t);
/* Block until sched_wake(t); another thread (or the kernel) runs meanwhile. */
void sched_block(struct sk_thread *t);
/* The running thread t, held (halt.h: runnable, in no queue), gives its
 * CPU to the next thread. */
void sched_hold(struct sk_thread *t);
void sched_wake(struct sk_thread *t);
/* The same, by the thread `by`, running now on the caller's CPU (a SIP's
 * send): the common hand-off is decided without asking which CPU that is. */
void sched_wake_by(struct sk_thread *t, const struct sk_thread *by);
/* The direct hand-off (docs/kernel.md "Scheduling for communication"):
 * `by`, running on the caller's CPU, wakes t and will block in the same
 * call.  If t would run next in by's slice (blocked on by's CPU, its SIP
 * not being stopped, nothing handed off there before it), returns t,
 * still TH_BLOCKED and in no queue: by must then either block with
 * sched_block_to(by, t), or queue t with sched_handed(t) (as sched_wake_by
 * would have) before it does anything else that may switch, let the
 * kernel lock go or fail its SIP.  Else wakes t as sched_wake_by would
 * and returns NULL.  When by awaits t's answer on the channel it sent on
 * (by->awaits_reply: a talking pair's request or reply), t blocked on
 * another CPU first follows by to its CPU (wake affinity, docs/kernel.md
 * "Every CPU"), even where threads wait there. */
static inline struct sk_thread *sched_wake_direct(struct sk_thread *t, const struct sk_thread *by);
void sched_handed(struct sk_thread *t);
/* Block t and run next (from sched_wake_direct) in t's slice.  With one
 * CPU and switches untraced, by a switch that is its last call (sched.c
 * alone_to, then hal_ctx_switch): t then resumes straight in the caller. */
void sched_block_to(struct sk_thread *t, struct sk_thread *next);
/* The kernel runs one CPU and records no switches: a direct hand-off
 * needs no lock and may park (below). */
static inline int sched_lockless(void)
{
	return !klock_smp && !TR_ON(TR_SWITCH);
}
/* The same when t's sing_sendsel stub makes the switch (chan.c ch_park,
 * docs/kernel.md "The round trip parked at its stub"), only when
 * sched_lockless(): the bookkeeping of sched_block_to, t->handoff =
 * next, and t marked parked.  Returns SING_SENDSEL_SWITCH, for the
 * caller to return all the way to the stub (a tail call). */
int32_t sched_park_to(struct sk_thread *t, struct sk_thread *next);
/* The same with several CPUs, this CPU holding the kernel lock once:
 * SING_SENDSEL_SWITCH_UNLOCK when next resumes straight in its SIP's
 * code (the stub lets the lock go), else SING_SENDSEL_SWITCH (the lock
 * goes with the switch). */
int32_t sched_park_locked(struct sk_thread *t, struct sk_thread *next);
/* The same for chan.c's quick road, where next is parked at its stub
 * with its result delivered (unpark need not ask); without SCHED_FIBERS,
 * with its parked flag cleared already (quick_send stores both in one
 * word).  With one CPU chan.c parks inline (sched_park.h
 * sched_park_quick_alone). */
int32_t sched_park_quick_locked(struct sk_thread *t, struct sk_thread *next);
/* First step of a parked thread that resumes in the kernel
 * (ch_resume_parked): the switch's sanitizer bookkeeping. */
void sched_resumed_parked(struct sk_thread *t);
/* Preempted: hand the CPU to the kernel's context if it asked for it
 * (k->poll_kernel: the booted system reads its console between steps). */
void sched_preempted(struct sk_thread *t);
/* t (blocked) runs next on its CPU once `by`, running there, blocks:
 * its SIP is not being stopped and no other thread was handed the CPU
 * there (threads waiting for slices of their own, rq, wait after the
 * slice either way; an idle CPU was told of them as they were queued).
 * The hand-off's common case, decided with no call and no question to
 * the HAL (cpu->cur is by only on by's own CPU). */
static inline int sched_next_on(const struct sk_cpu *c, const struct sk_thread *t)
{
	return !__builtin_expect(t->sip->stopper != NULL, 0) &&
	       !__builtin_expect(c->ho.head != NULL, 0);   /* (head, not n: one compare) */
}
static inline int sched_next_of(const struct sk_thread *t, const struct sk_thread *by)
{
	const struct sk_cpu *c = &t->k->cpu[t->cpu];
	return c->cur == by && sched_next_on(c, t);
}
/* The same when sched_lockless(): by is its one CPU's running thread.
 * That CPU is read through by's kernel (t's too), which by's park then
 * reads again (chan.c's quick road: one load for both). */
static inline int sched_next_alone(const struct sk_thread *t, const struct sk_thread *by)
{
	return sched_next_on(&by->k->cpu[0], t);
}

/* A sanitizer switches fibers (sched.c): a parked thread handed the CPU
 * resumes through the kernel, never straight at its stub. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SCHED_FIBERS 1
#else
#define SCHED_FIBERS 0
#endif

/* sched_wake_direct beyond its common case. */
struct sk_thread *sched_wake_direct_rest(struct sk_thread *t, const struct sk_thread *by);

static inline struct sk_thread *sched_wake_direct(struct sk_thread *t, const struct sk_thread *by)
{
	if (__builtin_expect(t->state == TH_BLOCKED && sched_next_of(t, by), 1))
		return t;
	return sched_wake_direct_rest(t, by);
}

/* The running thread t ends (or its SIP did): back to the kernel for good. */
__attribute__((noreturn)) void sched_leave(struct sk_thread *t);
/* First code of a new thread, on its own stack. */
void sched_entered(struct sk_cpu *c);
/* Kernel context: run threads until control comes back; 0 if none was
 * runnable.  Frees a thread or tears down a SIP that ended meanwhile. */
int sched_step(struct sk_kernel *k);
/* The preemption timer's tick (a host thread may call it). */
void sched_tick(void *k);

#endif
