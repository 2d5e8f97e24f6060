/* sched_rq.h - the scheduler's own (sched.c, sched_cpus.c): run queues,
 * and the steps the CPUs' file shares.  Not for the rest of the kernel:
 * sched.h is the scheduler's API. */
#ifndef SCHED_RQ_H
#define SCHED_RQ_H

#include "sched.h"

static inline void q_tail(struct sk_rq *q, struct sk_thread *t)
{
	t->state = TH_RUNNABLE;
	t->rq = q;
	t->rq_next = NULL;
	t->rq_prev = q->tail;
	if (q->tail)
		q->tail->rq_next = t;
	else
		q->head = t;
	q->tail = t;
	q->n++;
}

static inline void q_head(struct sk_rq *q, struct sk_thread *t)
{
	t->state = TH_RUNNABLE;
	t->rq = q;
	t->rq_prev = NULL;
	t->rq_next = q->head;
	if (q->head)
		q->head->rq_prev = t;
	else
		q->tail = t;
	q->head = t;
	q->n++;
}

static inline void q_remove(struct sk_thread *t)
{
	struct sk_rq *q = t->rq;
	if (t->rq_prev)
		t->rq_prev->rq_next = t->rq_next;
	else
		q->head = t->rq_next;
	if (t->rq_next)
		t->rq_next->rq_prev = t->rq_prev;
	else
		q->tail = t->rq_prev;
	t->rq_next = t->rq_prev = NULL;
	t->rq = NULL;
	q->n--;
}

/* Take q's head out (q is not empty): q_remove, knowing it is the head. */
static inline struct sk_thread *q_pop(struct sk_rq *q)
{
	struct sk_thread *t = q->head;
	q->head = t->rq_next;
	if (q->head)
		q->head->rq_prev = NULL;
	else
		q->tail = NULL;
	t->rq_next = NULL;
	t->rq = NULL;
	q->n--;
	return t;
}

/* Put every thread of `from` before those of `to`, in order. */
static inline void q_prepend(struct sk_rq *to, struct sk_rq *from)
{
	while (from->tail) {
		struct sk_thread *t = from->tail;
		q_remove(t);
		q_head(to, t);
	}
}

/* Another CPU than the caller's has work, or a busy one has more than it
 * can run: wake it, or an idle CPU that may steal (several CPUs only). */
void sched_kick(struct sk_cpu *c);
/* Move queued thread t to CPU c's run queue. */
void sched_move(struct sk_thread *t, struct sk_cpu *c);
/* At the end of t's slice on c: even the CPUs' loads (sched_cpus.c). */
void sched_balance(struct sk_cpu *c, struct sk_thread *t);

#endif
