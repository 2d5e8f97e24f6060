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
void klock_resume(uint32_t d);
/* Turn the lock on (the caller, CPU 0, then holds it once) or off (the
 * caller holds it once, no other CPU runs kernel code any more). */
void klock_on(void);
void klock_off(void);

#endif
