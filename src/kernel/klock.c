/* klock.c - the kernel lock (see klock.h). */
#include "klock.h"

#include "../hal/hal.h"
#include "chan.h"
#include "panic.h"

/* About 5-10 us of pause instructions: longer than the lock is held on a
 * kernel call, shorter than a host scheduler's time slice. */
#define KLOCK_SPINS 256

int klock_smp;

struct klock_state klock_lk;

/* The lock, free or another CPU's, for CPU me. */
static void acquire(uint32_t me)
{
	for (;;) {
		uint32_t free = 0;
		if (__atomic_compare_exchange_n(&klock_lk.owner, &free, me, 0, __ATOMIC_ACQUIRE,
		                                __ATOMIC_RELAXED))
			break;
		/* Spin; past KLOCK_SPINS pauses, let the HAL give the CPU away
		 * (hosted, the holder may be waiting for this host CPU). */
		for (unsigned n = 1; __atomic_load_n(&klock_lk.owner, __ATOMIC_RELAXED); n++)
			if (n % KLOCK_SPINS)
				__builtin_ia32_pause();
			else
				hal_cpu_relax();
	}
	klock_lk.depth = 1;
}

void klock_take(void)
{
	uint32_t me = hal_cpu_id() + 1;
	if (__atomic_load_n(&klock_lk.owner, __ATOMIC_RELAXED) == me) {
		klock_lk.depth++;
		return;
	}
	acquire(me);
}

void klock_take_sip(void)
{
	uint32_t me = hal_cpu_id() + 1;
	if (__atomic_load_n(&klock_lk.owner, __ATOMIC_RELAXED) == me)
		kpanic("klock: SIP code entered the kernel holding the lock");
	acquire(me);
}

void klock_check_cpu(unsigned cpu)
{
	if (cpu != hal_cpu_id())
		kpanic("klock: a thread's CPU is not the CPU running it");
}

/* The lock's depth, held by this CPU (else a panic). */
static uint32_t held(void)
{
	uint32_t me = hal_cpu_id() + 1;   /* (asked first: nothing to keep over the call) */
	uint32_t d = klock_lk.depth;
	if (d == 0 || __atomic_load_n(&klock_lk.owner, __ATOMIC_RELAXED) != me)
		kpanic("klock: dropped by a CPU that does not hold it");
	return d;
}

static void release(void)
{
	klock_lk.depth = 0;
	__atomic_store_n(&klock_lk.owner, 0, __ATOMIC_RELEASE);
}

void klock_drop(void)
{
	if (held() == 1)
		release();
	else
		klock_lk.depth--;
}

uint32_t klock_release_all(void)
{
	if (!klock_smp)
		return 0;
	uint32_t d = held();
	release();
	return d;
}

void klock_release_parked(void)
{
	if (KLOCK_CHECKED)
		held();
	if (klock_lk.depth != 1)
		kpanic("klock: a parked half let go a lock not held once");
	release();
}

void klock_resume(uint32_t d)
{
	if (!klock_smp)
		return;
	klock_take();
	klock_lk.depth = d;
}

void klock_on(void)
{
	if (klock_smp)
		return;
	klock_smp = 1;
	ch_sendsel_road_set();
	klock_take();
}

void klock_off(void)
{
	if (!klock_smp)
		return;
	klock_lk.depth = 1;
	klock_drop();
	klock_smp = 0;
	ch_sendsel_road_set();
}
