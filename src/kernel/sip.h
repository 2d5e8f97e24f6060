/*
 * sip.h - the kernel's records of SIPs and their threads (kernel-private).
 *
 * All per-SIP state lives in struct sip and all per-thread state in
 * struct sk_thread, never in globals, so that a scheduler can run many of
 * each.  The kernel record holds what is shared: the exchange heap and the
 * kernel's own context.
 *
 * Invariant: a thread's sing_thread record is its first member (generated
 * code is handed a pointer to it); a SIP's thread runs only on that SIP's
 * own stack segments.
 */
#ifndef KERNEL_SIP_H
#define KERNEL_SIP_H

#include "../hal/hal.h"
#include "exheap.h"
#include "gc.h"
#include "kernel.h"
#include "rt.h"
#include "stack.h"

struct sk_kernel {
	struct xh_heap xh;
	uint32_t next_pid;
	unsigned debug;
	struct hal_ctx ctx;          /* where SIP threads switch back to */
	void *fake;                  /* sanitizer state of the kernel stack */
	const void *stack_lo;        /* kernel stack bounds (for the sanitizer) */
	size_t stack_size;
};

struct sk_image {
	void *code;
	const struct sing_image *img;
};

#define SK_NPIN 4

struct sk_thread {
	struct sing_thread pub;      /* first: what generated code sees */
	struct sip *sip;
	struct stk_seg *seg;         /* the segment it runs on */
	struct stk_seg *spare;       /* one released segment kept for reuse */
	uint64_t stack_peak;         /* most stack bytes mapped at once */
	struct hal_ctx ctx;
	void *pin[SK_NPIN];          /* GC references the kernel holds across an allocation */
};

enum sip_state { SIP_RUNNING, SIP_EXITED, SIP_FAILED };

struct sip {
	uint32_t pid;
	char name[64];
	struct sk_kernel *k;
	const struct sing_image *img;
	struct sk_budget budget;     /* GC chunks and stack segments */
	struct gc_heap gc;
	struct xh_list xh_own;       /* exchange-heap blocks it owns */
	struct sk_thread main;
	struct sing_arr *args;       /* main's argument array: a precise root */
	int argc;
	char *const *argv;
	enum sip_state state;
	int32_t status;
	int why;                     /* enum sing_failure */
	char fn[64];                 /* function it failed in */
	char msg[256];               /* panic message */
};

static inline struct sk_thread *sk_self(struct sing_thread *t)
{
	return (struct sk_thread *)t;
}

/* Stop the thread's SIP with a failure; never returns (sip.c). */
__attribute__((noreturn)) void sip_fail(struct sk_thread *t, int why, const char *fn);

#endif
