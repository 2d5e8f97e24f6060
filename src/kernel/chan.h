/*
 * chan.h - channels: pairs of endpoints in the exchange heap.
 *
 * Each endpoint is one exchange-heap block: its peer, its contract (a
 * kernel-owned ly_contract), the thread waiting on it, and a ring of
 * messages sent to it, sized when the channel is made from the contract's
 * bound for that direction (bound_out for the importer's end, bound_in for
 * the exporter's), each message a tag and its argument slots.  A send
 * stores the arguments and the tag into the peer's ring, moves linear
 * arguments' ownership to "in flight" and wakes the peer's waiter: it never
 * blocks and never allocates.  A receive (select) takes the first message
 * whose tag a case wants, hands its linear values to the receiving SIP, or
 * reports ChannelClosed once the ring is empty and the peer is gone.
 * Deleting an endpoint, or its SIP dying, closes it: the peer is marked
 * closed and woken, and messages still queued are freed with their values.
 * An endpoint may be served by the kernel (serve != NULL): a send to it
 * calls serve on the sender's thread instead of waking anyone.
 *
 * Each end also carries its contract state (state), the kernel's backstop
 * behind the verifier: a send is checked against the sending end's state
 * by one lookup in the contract's step table and advances it; a receive
 * advances the receiving end's, so the two stay in step.  A SIP's send
 * (ch_send_from) also checks that it owns the endpoint and every linear
 * argument, and that endpoint arguments are in their declared state.
 *
 * An endpoint in a set (eset.h) belongs to the set: a delivery or a close
 * queues it on the set's ready list instead of waking a waiter, and a
 * select case naming a set takes the head of that list.
 *
 * Invariant: a ring never holds more than its bound, and holds only
 * messages its contract allows in order (a verified contract guarantees
 * both; a send that breaks either fails the sender, before anything
 * moves).  Nothing here blocks except ch_select, and nothing allocates
 * except ch_new.
 */
#ifndef KERNEL_CHAN_H
#define KERNEL_CHAN_H

#include "sip.h"

struct ch_end {
	/* First, together, what a message's round trip reads and writes
	 * (chan.c sendsel): 40 bytes, next to the block's header. */
	struct ch_end *peer;                /* NULL once the peer closed */
	struct sk_thread *waiter;           /* blocked in select on this end */
	const uint32_t *quick;              /* con->quick[side] (layout.h) */
	uint32_t nmsgs;                     /* con->nmsgs */
	uint32_t row;                       /* contract state x nmsgs: its row of the
	                                       contract's step tables (0: start) */
	union {                             /* (both in one load: chan.c sendsel) */
		struct {
			uint32_t count, closed;
		};
		uint64_t count_closed;
	};
	/* The rest. */
	const struct ly_contract *con;
	uint32_t head, cap, width, side;
	struct sk_kernel *k;
	void (*serve)(struct ch_end *e);    /* kernel-served end */
	void (*gone)(struct ch_end *e);     /* served end: called before it is freed */
	void *ctx;                          /* served end: the service's record */
	struct es_set *set;                 /* the endpoint set holding it (eset.h), or NULL */
	struct ch_end *rnext;               /* in its set's ready list */
	uint32_t queued;                    /* on its set's ready list */
	void *val;                          /* in a map: its value (a GC reference of the map's SIP) */
	union sing_slot q[];
};

/* A connected pair in con's start state, both owned by own; -1 if over budget. */
int ch_new(struct sk_kernel *k, struct xh_list *own, const struct ly_contract *con,
           struct ch_end **imp, struct ch_end **exp);
/* Why a send fails; nothing has moved and no state changed. */
enum { CH_OVERFLOW = -1, CH_STATE = -2, CH_OWNER = -3 };
/* Send message m with args (linear ones are moved), advancing e's state:
 * 0 or CH_OVERFLOW.  The kernel's own sends (services): one its contract
 * does not allow is a kernel bug (kpanic). */
int ch_send(struct ch_end *e, uint32_t m, union sing_slot *args);
/* The same for a SIP whose blocks are on own: also CH_OWNER if e or a
 * linear argument is not own's (or appears twice, or is inside another
 * argument), or CH_STATE if an endpoint argument is not in the state its
 * message declares. */
int ch_send_from(struct ch_end *e, uint32_t m, union sing_slot *args, struct xh_list *own);
/* A SIP thread t's send (own = its owner list): ch_send_from, and on a
 * refusal refused(t, e, m, CH_..., fn), which must not return. */
typedef void (*ch_refused)(struct sing_thread *t, struct ch_end *e, uint32_t m, int why,
                           const char *fn);
void ch_send_sip(struct sing_thread *t, struct ch_end *e, uint32_t m, union sing_slot *args,
                 const char *fn, ch_refused refused);
/* A send and then a switch receive, for SIP thread t (rt.h's
 * sing_sendsel: cases[0] is the send, cases[1..n] the receive's, io the
 * values out and in): ch_send_sip, then ch_sendsel_ops.between(t) if t's
 * poll asks for a safepoint (the kernel's entry is the caller's), then
 * ch_select.  A peer the send wakes on t's CPU gets the CPU straight from
 * t if the receive blocks (sched.h, sched_wake_direct).  ch_sendsel_any
 * takes every road (the caller holds the kernel lock); ch_sendsel, with
 * one CPU only (klock_smp 0), first tries the round trip's common half
 * with no frame (docs/kernel.md) and else is ch_sendsel_any;
 * ch_sendsel_locked is the same with several CPUs, the lock held. */
struct ch_sip_ops {
	ch_refused refused;
	void (*between)(struct sing_thread *t);
};
extern const struct ch_sip_ops ch_sendsel_ops;   /* the SIP ABI's (abi.c) */
int32_t ch_sendsel(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                   union sing_slot *io, const char *fn);
int32_t ch_sendsel_locked(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                          union sing_slot *io, const char *fn);
int32_t ch_sendsel_any(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                       union sing_slot *io, const char *fn);
/* The round trip parked at its stub (docs/kernel.md): when the receive
 * would block and the send handed the CPU directly, ch_sendsel may park
 * t instead and return SING_SENDSEL_SWITCH, its receive recorded in
 * t->pend; the sing_sendsel stub then saves its own frame as t's context
 * and switches to t->handoff.  A later send to t's endpoint completes
 * the receive there and then (t->result), so t resumes straight in its
 * SIP's code.  When t resumes by a plain switch instead (or with its
 * receive not complete), sched.c's unpark made its context a frame that
 * enters ch_resume_parked(t) on its own stack first: it finishes the
 * receive (blocking again if it must) and returns what sing_sendsel
 * returns; with several CPUs it lets go of the kernel lock the switch
 * handed it before it returns. */
int32_t ch_resume_parked(struct sk_thread *t);
/* The kernel function the sing_sendsel stub calls (abi_stub.S, by one
 * indirect call): ch_sendsel while one CPU runs and sends, receives
 * and switches go untraced (no lock to take, nothing to record), else
 * sing_sendsel_k (abi.c), which asks about both.  ch_sendsel_road_set
 * sets it from klock_smp and tr_mask; klock_on and klock_off call it,
 * and tr_start and tr_stop, each when no SIP thread can be in the stub
 * on a CPU whose road changes (one CPU: the kernel is running). */
typedef int32_t ch_sendsel_fn(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                              union sing_slot *io, const char *fn);
extern ch_sendsel_fn *ch_sendsel_road;
ch_sendsel_fn sing_sendsel_k;
void ch_sendsel_road_set(void);
/* The sing_sendsel stub calls ch_sendsel, sing_sendsel_k and
 * ch_resume_parked on a 16-byte aligned stack, whatever its caller's (an
 * asm call, rt.h sing_sendsel_call, cannot know it: the stub aligns).
 * Sanitized builds, which keep frame pointers, check it at each call. */
#if defined(__SANITIZE_ADDRESS__)
#define CH_STUB_ALIGNED() \
	((uintptr_t)__builtin_frame_address(0) & 15 ? \
	 kpanic("chan: the sing_sendsel stub called the kernel on a misaligned stack") : (void)0)
#else
#define CH_STUB_ALIGNED() ((void)0)
#endif
/* The row (state x nmsgs) after e's side sends m, or SING_NO_STATE if
 * not allowed now. */
uint32_t ch_step(const struct ch_end *e, uint32_t m);
/* e's contract state. */
uint32_t ch_state(const struct ch_end *e);
/* Wait for one of the cases (sing_case); bind the message's values into
 * out, owned by own.  A case whose ep is an endpoint set takes its first
 * ready member: out[0] is that endpoint (now own's), out[1..] the values.  Returns the case taken.  A case's endpoint not in
 * own's trees fails t's SIP (in function fn) before it takes a message
 * from it or waits at it. */
int32_t ch_select(struct sk_thread *t, const struct sing_case *cases, uint32_t n,
                  union sing_slot *out, struct xh_list *own, const char *fn);
/* Take the next message of e if there is one: its tag, values in out
 * (linear ones owned by own); -1 if the ring is empty. */
int ch_pop(struct ch_end *e, union sing_slot *out, struct xh_list *own);
/* The exchange heap's close hook. */
void ch_close(struct xh_heap *h, void *endpoint);

#endif
