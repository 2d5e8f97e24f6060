/* thread.c - thread records and their lives (see thread.h). */
#include "thread.h"

#include "panic.h"
#include "sched.h"
#include "trace.h"

void sip_main_thread(struct sk_thread *t);   /* sip.c */

/* The first code on a thread's first segment. */
static void thread_entry(void *arg)
{
	struct sk_thread *t = arg;
	sched_entered(sched_cpu(t->sip->k));
	t->pub.trans_sp = (void *)t->seg->hi;   /* no SIP frames yet */
	if (!t->start)
		sip_main_thread(t);
	sk_leave();
	t->start(&t->pub, t->args);
	sk_enter(&t->pub);
	thread_end(t);
}

static struct sk_thread *record(struct sk_kernel *k)
{
	struct sk_thread *t = k->free_threads;
	if (t) {
		k->free_threads = t->free_next;
		void *fiber = t->tsan;
		__builtin_memset(t, 0, sizeof *t);
		t->tsan = fiber;
		return t;
	}
	t = hal_alloc(sizeof *t);
	if (!t)
		kpanic("no memory for a thread");
	t->tsan = hal_tsan_fiber_new();
	return t;
}

struct sk_thread *thread_new(struct sip *s, void (*start)(struct sing_thread *, union sing_slot *),
                             const union sing_slot *args, uint32_t nargs)
{
	struct stk_seg *seg = stk_map(&s->budget, STK_FIRST);
	if (!seg)
		return NULL;
	struct sk_thread *t = record(s->k);
	t->sip = s;
	t->k = s->k;
	t->pub.xown = &s->xh_own;
	t->pub.xlay = (const void *const *)s->im->map.lay;
	t->pub.marking = s->gc.marking;
	t->start = start;
	if (nargs) {
		t->args = hal_alloc(nargs * sizeof *args);
		if (!t->args)
			kpanic("no memory for thread arguments");
		__builtin_memcpy(t->args, args, nargs * sizeof *args);
	}
	t->nargs = nargs;
	stk_enter(t, seg);
	t->pub.trans_sp = (void *)seg->hi;
	t->stack_peak = s->budget.used;
	hal_ctx_init(&t->ctx, (void *)seg->hi, thread_entry, t);
	t->sib = s->threads;
	s->threads = t;
	s->nthreads++;
	TR_EVENT(TR_THREAD, 0, s->pid, t, s->nthreads);
	/* A SIP's main starts on the SIP's CPU; a spawned thread on its
	 * spawner's, where yield() hands it the CPU; an idle CPU steals it
	 * from there, so the threads of one SIP compute in parallel.  A
	 * pinned one (the benchmark's) on the CPU after its spawner's. */
	t->pinned = s->k->pin_threads;
	t->cpu = s->main ? sched_cpu(s->k)->id : s->cpu;
	if (t->pinned && s->main)
		t->cpu = (t->cpu + 1) % s->k->ncpus;
	sched_ready(&s->k->cpu[t->cpu], t);
	return t;
}

void thread_end(struct sk_thread *t)
{
	t->state = TH_DEAD;
	sched_cpu(t->sip->k)->dead = t;
	sched_leave(t);
}

void thread_free(struct sk_thread *t)
{
	struct sip *s = t->sip;
	sched_unqueue(sched_cpu(s->k), t);
	for (struct sk_thread **p = &s->threads; *p; p = &(*p)->sib)
		if (*p == t) {
			*p = t->sib;
			s->nthreads--;
			break;
		}
	xh_unpark_all(&s->k->xh, t->pub.xpark);   /* on s's list: freed before it is */
	uint64_t ticks = __atomic_exchange_n(&t->ticks, 0, __ATOMIC_RELAXED);
	s->ticks += ticks;
	if (s->k->debug & SK_DEBUG_TICKS) {   /* the CPU time the scheduler gave it, host load aside */
		struct sk_line l = {.n = 0};
		sk_line_str(&l, "sing: thread of ");
		sk_line_str(&l, s->name);
		sk_line_str(&l, " ended: ticks ");
		sk_line_u64(&l, ticks);
		sk_line_str(&l, "\n");
		sk_line_put(&l);
	}
	if (t == s->main)
		s->cpu = t->cpu;   /* where it ended (SING_DEBUG=stats) */
	stk_release_all(t);
	hal_free(t->args);
	t->args = NULL;
	t->state = TH_DEAD;
	t->free_next = s->k->free_threads;
	s->k->free_threads = t;
}

void thread_pool_free(struct sk_kernel *k)
{
	while (k->free_threads) {
		struct sk_thread *t = k->free_threads;
		k->free_threads = t->free_next;
		hal_tsan_fiber_free(t->tsan);
		hal_free(t);
	}
}
