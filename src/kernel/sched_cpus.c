/* sched_cpus.c - the scheduler with several CPUs: where a new thread
 * goes, waking an idle CPU, stealing and balancing (docs/kernel.md
 * "Every CPU", "Balancing"; see sched.h).  With one CPU none of it runs
 * but sched_kick's first test. */
#include "sched_rq.h"

#include "halt.h"

void sched_kick(struct sk_cpu *c)
{
	struct sk_kernel *k = c->k;
	if (!klock_smp)
		return;
	if (c != sched_cpu(k) && __atomic_load_n(&c->idle, __ATOMIC_SEQ_CST)) {
		sched_poke(c);
		return;
	}
	for (unsigned i = 0; i < k->ncpus; i++)
		if (&k->cpu[i] != c && __atomic_load_n(&k->cpu[i].idle, __ATOMIC_SEQ_CST)) {
			sched_poke(&k->cpu[i]);
			return;
		}
}

static uint32_t load(const struct sk_cpu *c)
{
	return c->rq.n + c->ho.n + (c->cur != NULL);
}

unsigned sched_place(struct sk_kernel *k)
{
	if (!klock_smp)
		return 0;
	struct sk_cpu *best = sched_cpu(k);
	for (unsigned i = 0; i < k->ncpus; i++)
		if (load(&k->cpu[i]) < load(best))
			best = &k->cpu[i];
	return best->id;
}

void sched_poke(struct sk_cpu *c)
{
	__atomic_fetch_add(&c->wake, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&c->idle, __ATOMIC_SEQ_CST))
		hal_cpu_wake(c->id);
}

int sched_busy(struct sk_kernel *k)
{
	for (unsigned i = 0; i < k->ncpus; i++)
		if (load(&k->cpu[i]))
			return 1;
	return 0;
}

void sched_move(struct sk_thread *t, struct sk_cpu *c)
{
	q_remove(t);
	t->from = 0;
	t->cpu = c->id;
	q_tail(&c->rq, t);
}

/* A thread queued on v that an idle CPU may take: any waiting for a slice
 * of its own (another thread of the running SIP too: a SIP's threads run
 * in parallel), but not one the running SIP handed a message to in this
 * slice (it runs when the sender blocks: taking it would split a pair
 * that talks); NULL if none.  A thread on ho that another SIP woke (a
 * pipeline's second stage, woken by its source before the first stage
 * got the CPU) may go.  A pinned thread (sk_pin_threads) never goes. */
static struct sk_thread *stealable(const struct sk_cpu *v)
{
	const struct sip *run = v->cur->sip;
	for (struct sk_thread *t = v->ho.head; t; t = t->rq_next)
		if (t->sip != run && t->waker != run && !t->pinned)
			return t;
	for (struct sk_thread *t = v->rq.head; t; t = t->rq_next)
		if (!t->pinned)
			return t;
	return NULL;
}

/* Only from a CPU that runs something else: an idle one takes its own. */
int sched_steal(struct sk_kernel *k, struct sk_cpu *c)
{
	for (unsigned i = 0; i < k->ncpus; i++) {
		struct sk_cpu *v = &k->cpu[i];
		struct sk_thread *t = v != c && v->cur ? stealable(v) : NULL;
		if (t) {
			sched_move(t, c);
			c->steals++;
			return 1;
		}
	}
	return 0;
}

void sched_idle(struct sk_cpu *c, int64_t timeout_ns)
{
	uint32_t seen = __atomic_load_n(&c->wake, __ATOMIC_SEQ_CST);
	__atomic_store_n(&c->idle, 1, __ATOMIC_SEQ_CST);
	uint32_t d = klock_release_all();
	hal_cpu_sleep(&c->wake, seen, timeout_ns);
	__atomic_store_n(&c->idle, 0, __ATOMIC_SEQ_CST);
	klock_resume(d);
}

/* A queued thread's load: the threads of the last slice it was preempted
 * in (a pair that talks shares its slices: 2), 1 if it never was. */
static uint32_t tload(const struct sk_thread *t)
{
	return t->group ? t->group : 1;
}

/* Which of c's queued threads balance moves first: the lightest, and of
 * those one that does not talk (moving a thread that talks splits it
 * from its peer until wake affinity joins them again). */
static uint32_t move_cost(const struct sk_thread *t)
{
	return 2 * tload(t) + t->paired;
}

/* The threads c runs in turn: its running slice's (but `gone`'s: the
 * thread c has just preempted, queued already) and its queued threads'
 * loads.  A pair that talks counts as the two threads it is, although
 * one of them is blocked whenever the other runs. */
static uint32_t cpu_load(const struct sk_cpu *c, const struct sk_thread *gone)
{
	uint32_t w = c->cur && c->cur != gone ? c->slice_n : 0;
	for (const struct sk_thread *t = c->rq.head; t; t = t->rq_next)
		w += tload(t);
	return w + c->ho.n;
}

/* Per-thread fairness across CPUs: at the end of t's slice on c, if
 * another CPU runs fewer threads in turn by two or more, one of c's
 * queued threads moves there (one whose move narrows the gap, a spinner
 * before a thread that talks: move_cost).  Idle CPUs steal, but none idles beside
 * CPU-bound SIPs: a pair and three spinners on one CPU and one spinner
 * on the other stayed so, the pair getting 2/5 of a CPU instead of the
 * 2/3 its two threads' shares make (bench/sched beside 4 on two CPUs). */
void sched_balance(struct sk_cpu *c, struct sk_thread *t)
{
	struct sk_kernel *k = c->k;
	uint32_t me = cpu_load(c, t);
	struct sk_cpu *to = NULL;
	uint32_t least = me;
	for (unsigned i = 0; i < k->ncpus; i++) {
		uint32_t w = &k->cpu[i] == c ? me : cpu_load(&k->cpu[i], NULL);
		if (w < least) {
			least = w;
			to = &k->cpu[i];
		}
	}
	if (!to || !least || me - least < 2)
		return;   /* an idle CPU steals (sched_steal): kick woke it */
	struct sk_thread *pick = NULL;
	for (struct sk_thread *q = c->rq.head; q; q = q->rq_next)
		if (!q->pinned && tload(q) < me - least && (!pick || move_cost(q) < move_cost(pick)))
			pick = q;
	if (!pick)
		return;
	sched_move(pick, to);
	c->pushes++;
	sched_kick(to);
}
