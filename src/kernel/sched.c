/* sched.c - run queues, slices, hand-off, context switches, blocking,
 * preemption (see sched.h). */
#include "sched.h"

#include "halt.h"
#include "panic.h"
#include "thread.h"
#include "trace.h"
#include "sched_rq.h"
#include "sched_park.h"

void sched_ready(struct sk_cpu *c, struct sk_thread *t)
{
	q_tail(&c->rq, t);
	sched_kick(c);
}

void sched_unqueue(struct sk_cpu *c, struct sk_thread *t)
{
	(void)c;
	if (t->state == TH_RUNNABLE && t->rq)
		q_remove(t);
}

/* The next thread to run, with its slice: a thread woken by a message in
 * the running slice joins it and lengthens it by one tick (the tick it
 * would have had on its own); any other starts a new slice that ends at
 * the next tick.  NULL if nothing is runnable. */
static struct sk_thread *take(struct sk_cpu *c)
{
	struct sk_thread *t;
	if (c->ho.head) {
		t = q_pop(&c->ho);
		join_slice(c, t);
		return t;
	}
	if (!c->rq.head)
		return NULL;
	t = q_pop(&c->rq);
	t->epoch = ++c->epoch;
	c->slice_end = ticks(c) + 1;
	c->slice_n = 1;
	return t;
}

/* ---- switches ---- */

/* Back on a stack after a switch: finish the sanitizer's fiber switch and
 * learn the kernel stack's bounds when the kernel was what we came from. */
static void resumed(struct sk_cpu *c, void *fake)
{
	const void *lo = NULL;
	size_t sz = 0;
	hal_fiber_finish(fake, &lo, &sz);
	if (!c->prev && sz) {
		c->klo = lo;
		c->ksz = sz;
	}
}

void sched_entered(struct sk_cpu *c)
{
	klock_set_depth(1);   /* whoever switched here holds the lock once for us */
	resumed(c, NULL);
}

/* ... and `to` runs on c from now on.  With one CPU every thread's CPU
 * stays 0 and at most one runs. */
static void count_running(const struct sk_cpu *c, struct sk_thread *from, struct sk_thread *to)
{
	if (to)
		to->cpu = c->id;
	count_swap(from, to);
}

/* Switch from `from` to `to` (NULL: the kernel's context).  last: the
 * stack being left will never run again.  A thread that joins a slice
 * already over is told to yield at its next safepoint. */
static void cpu_switch(struct sk_cpu *c, struct sk_thread *from, struct sk_thread *to, int last)
{
	int smp = klock_smp;   /* constant while threads run (sk_cpus .. shutdown) */
	uint32_t *depth = from ? &from->kdepth : &c->kdepth;
	if (smp)
		*depth = klock_depth();
	struct hal_ctx *fc = from ? &from->ctx : &c->kctx;
	void **fake = from ? &from->fake : &c->kfake;
	const void *lo = to ? (const void *)to->seg->lo : c->klo;
	size_t sz = to ? to->seg->hi - to->seg->lo : c->ksz;
	if (smp)
		count_running(c, from, to);
	if (to)
		unpark(to, 0, 0);
	if (to) {
		to->state = TH_RUNNING;
		to->resumed = 1;   /* its SWITCH stub returns by a jump (rt.h) */
		if (from)
			to->site = !from->site;
		if (ticks(c) >= c->slice_end)
			__atomic_store_n(&to->pub.poll, 1, __ATOMIC_RELAXED);
	}
	c->prev = from;
	c->switches++;
	__atomic_store_n(&c->cur, to, __ATOMIC_RELEASE);   /* the tick reads it */
	hal_fiber_start(last ? NULL : fake, lo, sz);
	TR_EVENT(TR_SWITCH, !from ? TR_R_DISPATCH : from->state == TH_BLOCKED ? TR_R_BLOCK :
	         from->state == TH_RUNNABLE ? TR_R_YIELD : TR_R_EXIT, to ? to->sip->pid : 0, from, to);
#ifdef __SANITIZE_THREAD__
	if (!from && !c->ktsan)
		c->ktsan = hal_tsan_fiber_self();
	hal_tsan_switch(to ? to->tsan : c->ktsan);
#endif
	hal_ctx_switch(fc, to ? &to->ctx : &c->kctx);
	if (smp) {   /* back, perhaps on another CPU (which holds the lock for us) */
		klock_set_depth(*depth);
		c = sched_cpu(c->k);
	}
	resumed(c, *fake);
}

/* The CPU running t (cpu_switch set t->cpu). */
static struct sk_cpu *cpu_of(struct sk_thread *t)
{
	return &t->k->cpu[t->cpu];
}

/* ---- the policy ---- */

void sched_yield_to_next(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	struct sk_thread *next = take(c);
	if (!next)
		return;
	q_tail(&c->rq, t);
	cpu_switch(c, t, next, 0);
}

void sched_hold(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	cpu_switch(c, t, take(c), 0);
}

void sched_block(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	t->state = TH_BLOCKED;
	t->slept = ticks(c);
	cpu_switch(c, t, take(c), 0);
}

/* Threads wait in c's queues (beside the one running). */
static int queued(const struct sk_cpu *c)
{
	return c->ho.n + c->rq.n != 0;
}

/* A second thread is about to wait on c's hand-off queue: the threads that
 * followed a message here in this slice and have not run yet go back to
 * the CPUs they came from (woken there), to run beside the sender's CPU
 * rather than after it.  A source that feeds two stages (bench/smp's
 * pipeline) wakes the first, which follows, then the second: without
 * this both would run on the source's CPU, one after the other. */
static void unfollow(struct sk_cpu *c)
{
	struct sk_thread *t = c->ho.head;
	while (t) {
		struct sk_thread *next = t->rq_next;
		if (t->from) {
			struct sk_cpu *o = &c->k->cpu[t->from - 1];
			sched_move(t, o);
			c->unfollows++;
			sched_kick(o);
			next = c->ho.head;   /* the queue changed: look again */
		}
		t = next;
	}
}

/* t, woken by the thread running on its CPU c, runs next in its slice. */
static void hand_off(struct sk_cpu *c, struct sk_thread *t)
{
	t->waker = c->cur->sip;
	q_tail(&c->ho, t);
}

static __attribute__((noinline)) void wake(struct sk_thread *t);

/* Wake affinity (wake, sched_wake_direct_rest) may move t. */
static int may_follow(const struct sk_thread *t)
{
	return !t->sip->k->no_follow && !t->pinned && !t->sip->doom;
}

/* Blocked t, last on CPU c, follows a message to the sender's CPU me:
 * me, now t's (unfollow may send it back to c). */
static struct sk_cpu *follow(struct sk_thread *t, struct sk_cpu *c, struct sk_cpu *me)
{
	t->from = c->id + 1;
	t->cpu = me->id;
	me->follows++;
	return me;
}

/* A thread woken by the thread running on its CPU (a message, a close)
 * is handed the CPU next, inside the waker's slice.  One woken from the
 * kernel's context (a device interrupt, console input) gets a slice of
 * its own: at the front of the queue if it waited a whole tick or more,
 * else at the back. */
void sched_wake(struct sk_thread *t)
{
	sched_wake_by(t, NULL);
}

void sched_wake_by(struct sk_thread *t, const struct sk_thread *by)
{
	if (t->state != TH_BLOCKED)
		return;
	/* The case of every message between two threads of one CPU (a
	 * ping-pong's each wake), decided first and with no frame. */
	if (__builtin_expect(by && sched_next_of(t, by), 1)) {
		hand_off(cpu_of(t), t);
		return;
	}
	wake(t);
}

/* sched_wake_direct (sched.h) beyond sched_next_of: t blocked on
 * another CPU follows a sender that awaits its reply (below) and runs
 * next there; any other case is the full wake.  A t returned is left
 * out of the queues until `by` blocks (sched_block_to) or does anything
 * else (sched_handed). */
struct sk_thread *sched_wake_direct_rest(struct sk_thread *t, const struct sk_thread *by)
{
	struct sk_cpu *c = cpu_of(t);
	/* A talking pair split across two CPUs that each run another thread
	 * (a spinner on each) never came together by wake's rule (neither
	 * CPU idle, only the sender's with threads waiting): every message
	 * then waited for a slice there, a few ms a round trip.  Here the
	 * sender blocks next for t's answer, so t runs now on the sender's
	 * CPU, inside its slice, ahead of what waits there: following costs
	 * nobody a slice, and balance then moves the others off. */
	if (by->awaits_reply && c->cur != by && t->state == TH_BLOCKED && may_follow(t)) {
		struct sk_cpu *me = sched_cpu(t->sip->k);
		if (me != c && me->cur == by)
			c = follow(t, c, me);
	}
	if (__builtin_expect(t->state != TH_BLOCKED || c->cur != by || t->sip->stopper || c->ho.n, 0)) {
		sched_wake_by(t, by);
		return NULL;
	}
	return t;
}

void sched_handed(struct sk_thread *t)
{
	hand_off(cpu_of(t), t);
}

/* ---- the lockless switch: one CPU, switches untraced (its steps,
 * alone_to, block_for and park: sched_park.h) ---- */

void sched_block_to(struct sk_thread *t, struct sk_thread *next)
{
	struct sk_cpu *c = cpu_of(t);
	uint64_t now = ticks(c);
	block_for(c, t, next, now);
	c->directs++;
	if (__builtin_expect(sched_lockless(), 1)) {
		alone_to(c, t, next, 0, 0, now);
		/* With no sanitizer the switch is the last call (a jump): t
		 * resumes straight in its caller. */
		hal_ctx_switch(&t->ctx, &next->ctx);
		resumed(c, t->fake);   /* nothing without a sanitizer */
		return;
	}
	cpu_switch(c, t, next, 0);
}

int32_t sched_park_locked(struct sk_thread *t, struct sk_thread *next)
{
	struct sk_cpu *c = cpu_of(t);
	__asm__("" : "+r"(c));   /* (kept in a register: not k->cpu + t->cpu * size at every use) */
	return park(c, t, next, 1, 0);
}

int32_t sched_park_to(struct sk_thread *t, struct sk_thread *next)
{
	return park(&t->k->cpu[0], t, next, 0, 0);   /* one CPU: every thread's is 0 */
}

int32_t sched_park_quick_locked(struct sk_thread *t, struct sk_thread *next)
{
	struct sk_cpu *c = cpu_of(t);
	__asm__("" : "+r"(c));   /* (as sched_park_locked's) */
	park_known(next);
	return park(c, t, next, 1, 1);
}

void sched_resumed_parked(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	c->slow_resumes++;
	resumed(c, t->fake);
}

/* The rest of sched_wake: the same rules, in full. */
static void wake(struct sk_thread *t)
{
	if (t->sip->stopper) {   /* its SIP is being collected or torn down */
		halt_hold(t);
		return;
	}
	struct sk_kernel *k = t->sip->k;
	struct sk_cpu *c = &k->cpu[t->cpu];
	struct sk_cpu *me = sched_cpu(k);
	/* Wake affinity: a thread on another CPU woke a blocked thread; it
	 * follows the message to the sender's CPU, so a pair that talks ends
	 * up on one CPU and hands it back and forth (no cross-CPU wake per
	 * message).  Only onto a CPU with nothing
	 * else waiting: there the woken thread runs as soon as the sender
	 * blocks; behind other work it would wait while its own CPU (perhaps
	 * idle) could run it now, which piled the SIPs of a pipeline, or two
	 * computing SIPs told to start by one sender, onto the sender's CPU.
	 * Idle CPUs steal to spread the load again.  Or when threads wait on
	 * its own CPU too: there it would wait for their slices, here it runs
	 * as soon as the sender blocks (the hand-off queue is ahead of the
	 * run queue); without this a pair split across two CPUs that both had
	 * a backlog never came back together, and every message waited for
	 * slices (bench/sched beside 4 spinners on two CPUs: about 1 ms a
	 * round trip in a third of the runs).  A CPU running one other
	 * thread with none queued (a pipeline's next stage) is not a backlog:
	 * following it there serialised the pipeline (bench/smp). */
	if (c != me && me->cur && (!queued(me) || queued(c)) && may_follow(t))
		c = follow(t, c, me);
	if (c->cur && c->cur != t && c == me) {
		if (queued(c)) {
			unfollow(c);
			sched_kick(c);   /* two or more wait here: an idle CPU may take one */
		}
		hand_off(c, t);
		return;
	}
	if (ticks(c) - t->slept >= 2)
		q_head(&c->rq, t);
	else
		q_tail(&c->rq, t);
	sched_kick(c);
}

/* The slice ends: the threads woken in it that have not run yet get the
 * next slices (each its own), the preempted thread waits its turn at the
 * back (or on a CPU that runs fewer threads: balance). */
static void end_slice(struct sk_cpu *c, struct sk_thread *t)
{
	t->group = c->slice_n;
	t->paired = c->slice_n > 1;
	for (struct sk_thread *h = c->ho.head; h; h = h->rq_next) {
		h->group = 1;
		h->paired = h->epoch == c->epoch;
		t->group -= h->paired;   /* it ran in the slice and counts for itself now */
	}
	q_prepend(&c->rq, &c->ho);
	int more = queued(c);
	q_tail(&c->rq, t);
	if (more)
		sched_kick(c);   /* threads wait their turn here: an idle CPU may take one */
	if (klock_smp)
		sched_balance(c, t);
	struct sk_thread *next = take(c);
	if (next == t) {
		t->state = TH_RUNNING;
		return;
	}
	cpu_switch(c, t, next, 0);   /* next is never NULL: balance leaves t a thread */
}

void sched_preempted(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	TR_EVENT(TR_PREEMPT, 0, t->sip->pid, t, 0);
	if (__atomic_load_n(&c->kwant, __ATOMIC_RELAXED)) {   /* the kernel wants the CPU */
		__atomic_store_n(&c->kwant, 0, __ATOMIC_RELAXED);
		q_head(&c->ho, t);
		cpu_switch(c, t, NULL, 0);
		return;
	}
	if (ticks(c) < c->slice_end)
		return;   /* a stale poll: the slice (shared by a hand-off) goes on */
	end_slice(c, t);
}

void sched_leave(struct sk_thread *t)
{
	cpu_switch(cpu_of(t), t, NULL, 1);
	kpanic("a finished thread was resumed");
}

int sched_step(struct sk_kernel *k)
{
	struct sk_cpu *c = sched_cpu(k);
	struct sk_thread *t = take(c);
	if (!t)
		return 0;
	cpu_switch(c, NULL, t, 0);
	if (c->dead) {
		thread_free(c->dead);
		c->dead = NULL;
	}
	if (c->ended) {
		struct sip *s = c->ended;
		c->ended = NULL;
		sip_teardown(s);
	}
	return 1;
}

void sched_tick(void *arg)
{
	struct sk_kernel *k = arg;
	unsigned n = __atomic_load_n(&k->ncpus, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < n; i++) {
		struct sk_cpu *c = &k->cpu[i];
		__atomic_fetch_add(&c->ticks, 1, __ATOMIC_RELAXED);
		struct sk_thread *t = __atomic_load_n(&c->cur, __ATOMIC_ACQUIRE);
		if (t) {
			__atomic_store_n(&t->pub.poll, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&t->ticks, 1, __ATOMIC_RELAXED);   /* its CPU time (ps) */
		}
		if (t && i == 0 && (k->poll_kernel || hal_intr_pending()))
			__atomic_store_n(&c->kwant, 1, __ATOMIC_RELAXED);   /* CPU 0 reads the console */
	}
}
