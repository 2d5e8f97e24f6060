/* sched.c - run queues, context switches, blocking, preemption (see sched.h). */
#include "sched.h"

#include "panic.h"
#include "thread.h"

void sched_ready(struct sk_cpu *c, struct sk_thread *t)
{
	t->state = TH_RUNNABLE;
	t->rq_next = NULL;
	t->rq_prev = c->rq_tail;
	if (c->rq_tail)
		c->rq_tail->rq_next = t;
	else
		c->rq_head = t;
	c->rq_tail = t;
}

void sched_unqueue(struct sk_cpu *c, struct sk_thread *t)
{
	if (t->state != TH_RUNNABLE)
		return;
	if (t->rq_prev)
		t->rq_prev->rq_next = t->rq_next;
	else
		c->rq_head = t->rq_next;
	if (t->rq_next)
		t->rq_next->rq_prev = t->rq_prev;
	else
		c->rq_tail = t->rq_prev;
	t->rq_next = t->rq_prev = NULL;
}

static struct sk_thread *pop(struct sk_cpu *c)
{
	struct sk_thread *t = c->rq_head;
	if (t)
		sched_unqueue(c, t);
	return t;
}

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
	resumed(c, NULL);
}

/* Switch from `from` to `to` (NULL: the kernel's context).  last: the
 * stack being left will never run again. */
static void cpu_switch(struct sk_cpu *c, struct sk_thread *from, struct sk_thread *to, int last)
{
	struct hal_ctx *fc = from ? &from->ctx : &c->kctx;
	void **fake = from ? &from->fake : &c->kfake;
	const void *lo = to ? (const void *)to->seg->lo : c->klo;
	size_t sz = to ? to->seg->hi - to->seg->lo : c->ksz;
	if (to) {
		to->state = TH_RUNNING;
		to->ran++;
	}
	c->prev = from;
	c->switches++;
	__atomic_store_n(&c->cur, to, __ATOMIC_RELAXED);
	hal_fiber_start(last ? NULL : fake, lo, sz);
	hal_ctx_switch(fc, to ? &to->ctx : &c->kctx);
	resumed(c, *fake);
}

static struct sk_cpu *cpu_of(struct sk_thread *t)
{
	return sched_cpu(t->sip->k);
}

void sched_yield_to_next(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	struct sk_thread *next = pop(c);
	if (!next)
		return;
	sched_ready(c, t);
	cpu_switch(c, t, next, 0);
}

void sched_block(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	t->state = TH_BLOCKED;
	cpu_switch(c, t, pop(c), 0);
}

void sched_wake(struct sk_thread *t)
{
	if (t->state == TH_BLOCKED)
		sched_ready(cpu_of(t), t);
}

void sched_preempted(struct sk_thread *t)
{
	struct sk_cpu *c = cpu_of(t);
	if (!c->kwant) {
		sched_yield_to_next(t);
		return;
	}
	c->kwant = 0;
	sched_ready(c, t);
	cpu_switch(c, t, NULL, 0);
}

void sched_leave(struct sk_thread *t)
{
	cpu_switch(cpu_of(t), t, NULL, 1);
	kpanic("a finished thread was resumed");
}

int sched_step(struct sk_kernel *k)
{
	struct sk_cpu *c = sched_cpu(k);
	struct sk_thread *t = pop(c);
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
	for (int i = 0; i < SK_NCPU; i++) {
		struct sk_thread *t = __atomic_load_n(&k->cpu[i].cur, __ATOMIC_RELAXED);
		if (t) {
			t->pub.poll = 1;
			__atomic_fetch_add(&t->ticks, 1, __ATOMIC_RELAXED);
		}
		if (t && (k->poll_kernel || hal_intr_pending()))
			k->cpu[i].kwant = 1;
	}
}
