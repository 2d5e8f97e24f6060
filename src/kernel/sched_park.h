/* sched_park.h - the scheduler's own steps of a park at the stub
 * (sched.c), inline here for chan.c's quick road too: with one CPU its
 * half of a round trip parks in the same function that decided it
 * (sched_park_quick_alone), no call and the kernel's CPU loaded once
 * (docs/kernel.md "The kernel's half, shorter again").  The names are
 * sched.c's own, unprefixed: chan.c calls sched_park_quick_alone only.
 * Not for the rest of the kernel: sched.h is the scheduler's API. */
#ifndef SCHED_PARK_H
#define SCHED_PARK_H

#include "panic.h"
#include "sched.h"

static inline uint64_t ticks(const struct sk_cpu *c)
{
	return __atomic_load_n(&c->ticks, __ATOMIC_RELAXED);
}

/* t, handed the CPU by a message in the running slice, joins the slice:
 * the first time, it lengthens it by one tick (the one it would have had
 * on its own).  Shared by take and the direct hand-off (sched_block_to). */
static inline void join_slice(struct sk_cpu *c, struct sk_thread *t)
{
	t->from = 0;   /* it ran where it followed to: it stays */
	if (__builtin_expect(t->epoch != c->epoch, 0)) {   /* (a pair's every later hand-off: joined) */
		t->epoch = c->epoch;
		c->slice_end++;
		c->slice_n++;
	}
}

/* Switches here run no sanitizer hook on the stack they reach: a thread
 * parked at its stub resumes there only when its receive is complete and
 * no sanitizer is on (else through ch_resume_parked, which finishes the
 * sanitizer's fiber switch). */
#define FIBERS SCHED_FIBERS

/* The HAL's way into chan.c's ch_resume_parked (abi_stub.S). */
void sing_sendsel_resume(void);

/* to, about to run: if it parked at its stub (chan.c ch_park), it
 * resumes there (its bare context, the return address into its SIP's
 * code: abi_stub.S STUB_SENDSEL; its result in eax) only when stub (a
 * switch by the sing_sendsel stub, which loads the result) says so, a
 * sender completed its receive and there are no fibers.  Else its
 * context becomes hal_ctx_switch's frame shape just below that return
 * address (its kernel stack is free there), popping `to` into r15 and
 * returning into sing_sendsel_resume; the words between are never read.  A thread
 * that did not park resumes in C and returns to its SWITCH stub, which
 * reads resumed (rt.h); a parked one never does before its next call
 * clears it, so the stub's switch sets it only for the others.  known
 * (sched_park_quick_alone): to is parked with its result, no need to ask. */
static inline int unpark(struct sk_thread *to, int stub, int known)
{
	if (known && !FIBERS)   /* (sched_park_quick_alone: its result delivered, and parked */
		return 1;           /* cleared in the same store: chan.c quick_send) */
	if (__builtin_expect(to->parked, stub)) {   /* (a round trip's stub switches to a parked peer) */
		to->parked = 0;
		if (!stub || FIBERS || __builtin_expect(to->result == SING_SENDSEL_PENDING, 0)) {
			void **sp = (void **)to->ctx.sp - 7;   /* (six registers, then the return) */
			sp[0] = to;
			sp[6] = (void *)sing_sendsel_resume;
			to->ctx.sp = sp;
			return 0;
		}
		return 1;   /* it resumes at its stub, in its SIP's code */
	} else if (stub) {
		to->resumed = 1;
	}
	return 0;
}

/* With several CPUs: the SIPs' threads running at once, as `to`
 * replaces `from` on a CPU (SING_DEBUG=stats). */
static inline void count_swap(struct sk_thread *from, struct sk_thread *to)
{
	if (from && from->sip->nrun)
		from->sip->nrun--;
	if (to && ++to->sip->nrun > to->sip->nrun_max)
		to->sip->nrun_max = to->sip->nrun;
}

/* ---- the lockless switch: one CPU, switches untraced ---- */

/* cpu_switch's steps that apply when the kernel runs one CPU and
 * records no switches (from thread to thread, on the only CPU), without
 * the lock's bookkeeping (there is no lock to keep: its depth, the CPU
 * asked again after the switch), without the SIPs' running counts
 * (several CPUs only) and without the trace event.  The switch itself
 * is the caller's.  1 if next resumes at its stub (unpark). */
static inline __attribute__((always_inline))
int alone_to(struct sk_cpu *c, struct sk_thread *t, struct sk_thread *next, int stub,
             int known, uint64_t now)
{
	next->state = TH_RUNNING;
	if (!stub)
		next->resumed = 1;   /* (stub: unpark's) */
	if (__builtin_expect(now >= c->slice_end, 0))
		__atomic_store_n(&next->pub.poll, 1, __ATOMIC_RELAXED);
	if (FIBERS)
		c->prev = t;   /* (read only by resumed, when a sanitizer switches fibers) */
	if (!stub) {   /* (a park is counted by park) */
		c->switches++;
		c->alone++;
	}
	__atomic_store_n(&c->cur, next, __ATOMIC_RELEASE);
	int direct = unpark(next, stub, known);
	hal_fiber_start(&t->fake, (const void *)next->seg->lo, next->seg->hi - next->seg->lo);
#ifdef __SANITIZE_THREAD__
	hal_tsan_switch(next->tsan);
#endif
	return direct;
}

/* t blocks and next joins its slice (both hand-offs); now: c's ticks. */
static inline __attribute__((always_inline))
void block_for(struct sk_cpu *c, struct sk_thread *t, struct sk_thread *next, uint64_t now)
{
	t->state = TH_BLOCKED;
	t->slept = now;
	join_slice(c, next);
}

/* sched_block_to's bookkeeping for a thread t that parks at its stub
 * (sched_park_to, sched_park_locked and their quick twins; known: next
 * is parked with its result), t->handoff = next, t marked parked with
 * its receive pending.
 * smp: several CPUs (docs/kernel.md "Parking with several CPUs"): this
 * CPU holds the kernel lock once (abi.c sing_sendsel_k), and next waits on it
 * (sched_wake_direct).  The lock stays held until the stub is off t's
 * stack: no other CPU may resume t before that.  Then it goes with the
 * switch, as cpu_switch's does, when next resumes in the kernel (a plain
 * switch's frame, or ch_resume_parked); or the stub lets it go when next
 * resumes straight in its SIP's code. */
static inline __attribute__((always_inline))
int32_t park(struct sk_cpu *c, struct sk_thread *t, struct sk_thread *next, int smp, int known)
{
	uint64_t now = ticks(c);
	block_for(c, t, next, now);
	/* The SIPs' running counts, and not next's CPU: it is c's already
	 * (next runs next on the CPU running t: sched_next_of, or
	 * sched_wake_direct_rest, which may move it here first). */
	if (smp)
		count_swap(t, next);
	int direct = alone_to(c, t, next, 1, known, now);
	if (smp)   /* a switch, direct (sk_cpu; lockless too with one CPU) */
		c->locked_parks++;
	else
		c->parks++;
	/* Parked, its receive pending, in one store: a sender asks for both
	 * in one 8-byte load (sip.h th_parked_pending), which the store
	 * buffer can hand straight on only from a store that covers it (two
	 * 4-byte stores cost it about 6 cycles a round trip). */
	t->parked_result = TH_PARKED_PENDING;
	t->handoff = next;
	if (!direct)
		return SING_SENDSEL_SWITCH;
	return smp ? SING_SENDSEL_SWITCH_UNLOCK : SING_SENDSEL_SWITCH_PARKED;
}

/* The round trip's own parks (chan.c sendsel): next was parked at its
 * stub and a sender delivered into its receive (quick_send's
 * th_parked_pending, then deliver_parked, nothing between), so unpark
 * need not ask.  A sanitized build, which resumes it in the kernel all
 * the same (FIBERS), checks it. */
static inline void park_known(const struct sk_thread *next)
{
	if (FIBERS && (!next->parked || next->result == SING_SENDSEL_PENDING))
		kpanic("sched_park_quick_alone: the thread handed the CPU is not parked with a result");
}

/* sched_park_quick_locked's one-CPU twin, inline: c is t's kernel's
 * only CPU, which the caller read already (chan.c quick_send's
 * sched_next_alone, through t's kernel too). */
static inline __attribute__((always_inline))
int32_t sched_park_quick_alone(struct sk_thread *t, struct sk_thread *next)
{
	park_known(next);
	return park(&t->k->cpu[0], t, next, 0, 1);
}

#endif
