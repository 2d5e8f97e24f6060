/* cpu.c - the hosted HAL's CPUs (see ../hal.h "CPUs"): CPU 0 is the host
 * thread that first asks, CPU i > 0 a host thread of its own, pinned to
 * the i-th host CPU the process may run on where the host allows.  An
 * idle CPU spins briefly on its word, then sleeps in a futex on it, so an
 * idle Sing takes no host CPU time. */
#include "../hal.h"

#include <stdatomic.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SPIN_NS 50000   /* spin this long before the futex: a wake-up this soon costs no syscall */

static _Thread_local unsigned cpu_self;   /* 0 for every thread not started here */

static struct hosted_cpu {
	const uint32_t *_Atomic word;   /* the word it sleeps on (NULL: awake) */
	void (*fn)(void *);
	void *arg;
	unsigned id;
} cpus[HAL_MAX_CPUS];

/* The host CPUs this process may run on, in order (the first HAL_MAX_CPUS). */
static unsigned host_cpus(int *list)
{
	cpu_set_t set;
	unsigned n = 0;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	for (int i = 0; i < CPU_SETSIZE && n < HAL_MAX_CPUS; i++)
		if (CPU_ISSET(i, &set)) {
			if (list)
				list[n] = i;
			n++;
		}
	return n ? n : 1;
}

unsigned hal_cpu_count(void)
{
	return host_cpus(NULL);
}

unsigned hal_cpu_id(void)
{
	return cpu_self;
}

static void *cpu_main(void *arg)
{
	struct hosted_cpu *c = arg;
	cpu_self = c->id;
	int list[HAL_MAX_CPUS];
	unsigned n = host_cpus(list);
	if (c->id < n) {   /* pinning is a preference: a host that refuses is fine */
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(list[c->id], &set);
		(void)sched_setaffinity(0, sizeof set, &set);
	}
	c->fn(c->arg);
	return NULL;   /* the kernel let its CPU go (shutdown): the host thread ends */
}

int hal_cpu_start(unsigned i, void (*fn)(void *), void *arg)
{
	if (i == 0 || i >= HAL_MAX_CPUS)
		return -1;
	struct hosted_cpu *c = &cpus[i];
	c->fn = fn;
	c->arg = arg;
	c->id = i;
	pthread_attr_t at;
	pthread_t th;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 1u << 20);
	int rc = pthread_create(&th, &at, cpu_main, c);
	pthread_attr_destroy(&at);
	return rc == 0 ? 0 : -1;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint32_t load(const uint32_t *w)
{
	return __atomic_load_n(w, __ATOMIC_SEQ_CST);
}

void hal_cpu_sleep(const uint32_t *word, uint32_t seen, int64_t timeout_ns)
{
	int64_t t0 = now_ns();
	for (unsigned spins = 0; load(word) == seen; spins++) {
		__builtin_ia32_pause();
		if ((spins & 255) == 255 && now_ns() - t0 >= SPIN_NS)
			break;
	}
	if (load(word) != seen)
		return;
	struct hosted_cpu *c = &cpus[cpu_self];
	atomic_store_explicit(&c->word, word, memory_order_seq_cst);
	struct timespec ts, *tp = NULL;
	if (timeout_ns >= 0) {
		ts.tv_sec = timeout_ns / 1000000000;
		ts.tv_nsec = timeout_ns % 1000000000;
		tp = &ts;
	}
	/* The futex sleeps only while *word is still seen: a waker changed it
	 * before looking at c->word, so one of us sees the other. */
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, tp, NULL, 0);
	atomic_store_explicit(&c->word, NULL, memory_order_seq_cst);
}

void hal_cpu_relax(void)
{
	sched_yield();
}

void hal_cpu_wake(unsigned i)
{
	if (i >= HAL_MAX_CPUS)
		return;
	const uint32_t *w = atomic_load_explicit(&cpus[i].word, memory_order_seq_cst);
	if (w)
		syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}
