/*
 * thread.h - threads of a SIP: create (a SIP's main, or `spawn`), end,
 * free.  All of a SIP's threads share its GC heap; each has its own
 * linked stack, charged to the SIP's budget.
 *
 * Invariant: a thread record is freed only on the kernel's context, never
 * on its own stack; records go back to the kernel's free list (the timer
 * may still write a stale record's poll word) and are freed at shutdown.
 */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H

#include "sip.h"

/* A new runnable thread of s that will run start(args) (copied), or the
 * SIP's main when start is NULL.  NULL if the stack is over budget. */
struct sk_thread *thread_new(struct sip *s, void (*start)(struct sing_thread *, union sing_slot *),
                             const union sing_slot *args, uint32_t nargs);
/* The running thread's function returned. */
__attribute__((noreturn)) void thread_end(struct sk_thread *t);
/* Unlink from its SIP, free its stacks, recycle the record (kernel context). */
void thread_free(struct sk_thread *t);
/* Free the recycled records (shutdown, after the timer stopped). */
void thread_pool_free(struct sk_kernel *k);

#endif
