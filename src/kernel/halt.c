/* halt.c - a SIP's other threads stopped at safepoints (see halt.h). */
#include "halt.h"

#include "panic.h"
#include "sched.h"

#define HALT_SPINS 256   /* pauses between host yields while waiting (as klock.c) */

void halt_hold(struct sk_thread *t)
{
	struct sip *s = t->sip;
	t->state = TH_RUNNABLE;
	t->held_next = s->halted;
	s->halted = t;
}

/* s's threads but t: the queued ones held, the running ones (on other
 * CPUs) told to park; returns how many run. */
static uint32_t tell(struct sip *s, const struct sk_thread *t)
{
	uint32_t n = 0;
	for (struct sk_thread *u = s->threads; u; u = u->sib) {
		if (u == t)
			continue;
		if (u->state == TH_RUNNING) {
			__atomic_store_n(&u->pub.poll, 1, __ATOMIC_RELAXED);
			n++;
		} else if (u->state == TH_RUNNABLE && u->rq) {
			sched_unqueue(NULL, u);
			halt_hold(u);
		}
	}
	return n;
}

void halt_others(struct sk_thread *t)
{
	struct sip *s = t->sip;
	/* Another thread stopped the SIP first (its end, or its collection)
	 * while this one waited for the kernel lock that stopper let go:
	 * this one parks like the rest (it was counted as running), and
	 * stops the SIP itself only once it is resumed (or goes with the
	 * SIP's teardown). */
	halt_park(t);
	if (s->stopper)
		kpanic("halt: a second stopper");
	s->stopper = t;
	uint32_t n = tell(s, t);
	if (!n)
		return;
	__atomic_store_n(&s->unparked, n, __ATOMIC_SEQ_CST);
	uint32_t d = klock_release_all();
	for (unsigned i = 1; __atomic_load_n(&s->unparked, __ATOMIC_SEQ_CST); i++)
		if (i % HALT_SPINS)
			__builtin_ia32_pause();
		else
			hal_cpu_relax();
	/* Taken again only once the last parked thread's CPU has switched
	 * away from it and let the lock go: its stack no longer moves. */
	klock_resume(d);
}

void halt_resume(struct sk_thread *t)
{
	struct sip *s = t->sip;
	s->stopper = NULL;
	while (s->halted) {
		struct sk_thread *u = s->halted;
		s->halted = u->held_next;
		u->held_next = NULL;
		sched_ready(&s->k->cpu[u->cpu], u);
	}
}

/* The transition record is this frame: halt_park's, just above it,
 * holds every callee-saved register (the SIP's GC pointers may be in
 * them: the kernel entry may be a PLAIN ABI call, with no record of its
 * own); the kernel frames in between are scanned conservatively too. */
static __attribute__((noinline)) void park_now(struct sk_thread *t)
{
	void *saved = t->pub.trans_sp;
	t->pub.trans_sp = __builtin_frame_address(0);
	halt_hold(t);
	/* Only a thread the stopper counted as running parks: one that ran
	 * while its SIP was stopped (a wake-up that switched to it) is a
	 * scheduler bug, caught here at its next kernel entry. */
	if (__atomic_fetch_sub(&t->sip->unparked, 1, __ATOMIC_SEQ_CST) == 0)
		kpanic("halt: a thread ran while its SIP was stopped");
	sched_hold(t);
	t->pub.trans_sp = saved;
}

void halt_park(struct sk_thread *t)
{
	__builtin_unwind_init();
	while (t->sip->stopper && t->sip->stopper != t)
		park_now(t);   /* resumed, another may have stopped the SIP since */
}

void halt_gc(void *ctx, int on)
{
	struct sip *s = ctx;
	if (!klock_smp)
		return;
	if (!on)
		klock_resume(s->gc_depth);
	struct sk_thread *t = sched_cpu(s->k)->cur;
	if (!t || t->sip != s)
		kpanic("gc: a collection outside its SIP's own thread");
	if (on) {
		halt_others(t);
		s->gc_depth = klock_release_all();   /* other SIPs enter the kernel meanwhile */
	} else {
		halt_resume(t);
	}
}
