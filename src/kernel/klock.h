/*
 * klock.h - the kernel lock: one spin lock for the whole kernel, taken by
 * a CPU when it enters the kernel (every ABI call that touches shared
 * state, the kernel's own context, the API the host side calls) and let
 * go when it goes back to SIP code or idles.  Recursive per CPU: the
 * owner is a CPU, not a thread; each context (a thread's, a CPU's kernel
 * context) keeps the depth it switched out at and gets it back when it
 * runs again (docs/kernel.md "Every CPU: the lock design").
 *
 * With one CPU running (klock_smp 0, the default) every call is one load
 * and a branch not taken: one-CPU figures do not move.
 *
 * Invariant: a CPU switches contexts only while it holds the lock, so a
 * context is never resumed on one CPU while another still runs on its
 * stack (the sing_sendsel stub lets it go only once on the new stack:
 * sched.c sched_park_locked); nothing may wait for another CPU while
 * holding it (it idles through klock_idle, which lets it go).
 */
#ifndef KERNEL_KLOCK_H
#define KERNEL_KLOCK_H

#include <stdint.h>

extern int klock_smp;   /* more than one CPU runs: the lock is real */

struct klock_state {
	uint32_t owner;   /* CPU id + 1, 0: free */
	uint32_t depth;   /* the owner's nesting */
};
extern struct klock_state klock_lk;

void klock_take(void);
void klock_drop(void);
/* klock_take from SIP code, which never holds the lock: held already,
 * it is a kernel bug (a switch into SIP code that kept it), and a panic. */
void klock_take_sip(void);

/* Sanitized builds (the tests') check what the optimised ones trust. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define KLOCK_CHECKED 1
#else
#define KLOCK_CHECKED 0
#endif
/* Panics unless cpu is hal_cpu_id() (klock.c). */
void klock_check_cpu(unsigned cpu);

/* klock_take_sip's common case, inline and with no question to the HAL
 * (sing_sendsel_k): the lock, free, taken once for cpu, which the caller
 * knows runs it (a running thread's sk_thread.cpu: sched.c keeps it, and
 * sanitized builds check it); else 0, nothing taken, and the caller
 * calls klock_take_sip.  (A lock this CPU holds already fails here too:
 * klock_take_sip panics.) */
static inline int klock_try_sip(unsigned cpu)
{
	uint32_t free = 0;
	if (KLOCK_CHECKED)
		klock_check_cpu(cpu);
	if (!__atomic_compare_exchange_n(&klock_lk.owner, &free, cpu + 1, 0, __ATOMIC_ACQUIRE,
	                                 __ATOMIC_RELAXED))
		return 0;
	klock_lk.depth = 1;
	return 1;
}

static inline void klock_enter(void)
{
	if (__builtin_expect(klock_smp, 0))
		klock_take();
}

static inline void klock_leave(void)
{
	if (__builtin_expect(klock_smp, 0))
		klock_drop();
}

/* The running context's depth, saved before a switch and given back
 * after it (0 when the lock is off). */
static inline uint32_t klock_depth(void)
{
	return klock_smp ? klock_lk.depth : 0;
}

static inline void klock_set_depth(uint32_t d)
{
	if (klock_smp)
		klock_lk.depth = d;
}
/* Let the lock go whatever its depth (idling); klock_resume takes it
 * back at that depth. */
uint32_t klock_release_all(void);
/* Let the lock go from the sing_sendsel stub (a round trip's half that
 * parked, SING_SENDSEL_SWITCH_UNLOCK): held exactly once, by this CPU,
 * which took it for the half (abi.c sing_sendsel_k) and has not left it
 * since.  The depth is checked; the owner only in sanitized builds. */
void klock_release_parked(void);
void klock_resume(uint32_t d);
/* Turn the lock on (the caller, CPU 0, then holds it once) or off (the
 * caller holds it once, no other CPU runs kernel code any more). */
void klock_on(void);
void klock_off(void);

#endif
