/* cpus.c - the other CPUs' loop, start and stop (see cpus.h). */
#include "cpus.h"

#include "io.h"
#include "sched.h"

#define CPU_IDLE_NS 1000000000   /* an idle CPU looks again at least this often */

/* CPU c's kernel context: run its threads, else steal, else sleep (and
 * poll the devices, when attached: io_idle). */
static void cpu_main(void *arg)
{
	struct sk_cpu *c = arg;
	struct sk_kernel *k = c->k;
	klock_take();
	while (!k->stopping) {
		if (sched_step(k) || sched_steal(k, c))
			continue;
		if (!k->stopping)
			io_idle(k, c, CPU_IDLE_NS);
	}
	__atomic_store_n(&c->stopped, 1, __ATOMIC_SEQ_CST);
	sched_poke(&k->cpu[0]);
	klock_drop();
}

void sk_no_follow(struct sk_kernel *k)
{
	k->no_follow = 1;
}

void sk_pin_threads(struct sk_kernel *k)
{
	k->pin_threads = 1;
}

uint64_t sk_cpu_switches(const struct sk_kernel *k, unsigned cpu)
{
	return cpu < SK_NCPU ? k->cpu[cpu].switches : 0;
}

unsigned sk_cpus(struct sk_kernel *k, unsigned n)
{
	unsigned have = hal_cpu_count();
	if (n > have)
		n = have;
	if (n > SK_NCPU)
		n = SK_NCPU;
	if (n <= 1 || k->ncpus > 1)
		return k->ncpus;
	klock_on();
	k->stopping = 0;
	unsigned i = 1;
	for (; i < n; i++) {
		k->cpu[i].stopped = 0;
		__atomic_store_n(&k->ncpus, i + 1, __ATOMIC_SEQ_CST);
		if (hal_cpu_start(i, cpu_main, &k->cpu[i]) != 0)
			break;
	}
	__atomic_store_n(&k->ncpus, i, __ATOMIC_SEQ_CST);
	k->ncpus_ran = i;
	if (i == 1)
		klock_off();
	return i;
}

static int all_stopped(struct sk_kernel *k)
{
	for (unsigned i = 1; i < k->ncpus; i++)
		if (!__atomic_load_n(&k->cpu[i].stopped, __ATOMIC_SEQ_CST))
			return 0;
	return 1;
}

void cpus_call_back(struct sk_cpu *c)
{
	struct sk_thread *t = __atomic_load_n(&c->cur, __ATOMIC_ACQUIRE);
	__atomic_store_n(&c->kwant, 1, __ATOMIC_RELAXED);
	if (t)
		__atomic_store_n(&t->pub.poll, 1, __ATOMIC_RELAXED);
	sched_poke(c);
}

void cpus_stop(struct sk_kernel *k)
{
	if (!klock_smp)
		return;
	k->stopping = 1;
	struct sk_cpu *me = &k->cpu[0];
	while (!all_stopped(k)) {
		for (unsigned i = 1; i < k->ncpus; i++)
			cpus_call_back(&k->cpu[i]);
		sched_idle(me, 1000000);
	}
	__atomic_store_n(&k->ncpus, 1, __ATOMIC_SEQ_CST);
	klock_off();
}

uint32_t sk_host_leave(struct sk_kernel *k)
{
	(void)k;
	return klock_release_all();
}

void sk_host_back(struct sk_kernel *k, uint32_t d)
{
	(void)k;
	klock_resume(d);
}
