/* chan.c - channels and their endpoints (see chan.h). */
#include "chan.h"

#include "eset.h"
#include "panic.h"
#include "sched.h"
#include "sched_park.h"
#include "trace.h"

static uint32_t ring_cap(const struct ly_contract *con, uint32_t side)
{
	return side == 0 ? con->bound_out : con->bound_in;   /* what arrives at this side */
}

static struct ch_end *new_end(struct sk_kernel *k, struct xh_list *own,
                              const struct ly_contract *con, uint32_t side)
{
	uint32_t cap = ring_cap(con, side);
	uint64_t size = sizeof(struct ch_end) + (uint64_t)cap * con->width * sizeof(union sing_slot);
	struct ch_end *e = xh_new_raw(&k->xh, own, &k->reg.endpoint, size);
	if (!e)
		return NULL;
	e->con = con;
	e->quick = con->quick[side];
	e->nmsgs = con->nmsgs;
	e->k = k;
	e->side = side;
	e->cap = cap;
	e->width = con->width;
	return e;
}

int ch_new(struct sk_kernel *k, struct xh_list *own, const struct ly_contract *con,
           struct ch_end **imp, struct ch_end **exp)
{
	struct ch_end *a = new_end(k, own, con, 0);
	struct ch_end *b = a ? new_end(k, own, con, 1) : NULL;
	if (!b) {
		if (a)
			xh_delete(&k->xh, a);
		return -1;
	}
	TR_CHAN(con, a);
	a->peer = b;
	b->peer = a;
	*imp = a;
	*exp = b;
	return 0;
}

/* Free the linear values of message slots msg (tag first).  Out of line:
 * inlined in a send, its loop of calls would give the send a frame. */
static __attribute__((noinline))
void drop(struct sk_kernel *k, const struct ly_msg *lm, union sing_slot *args)
{
	for (uint32_t a = 0; a < lm->nargs; a++)
		if (lm->args[a].linear && args[a].p)
			xh_delete(&k->xh, args[a].p);
}

uint32_t ch_state(const struct ch_end *e)
{
	return e->con->nmsgs ? e->row / e->con->nmsgs : 0;
}

uint32_t ch_step(const struct ch_end *e, uint32_t m)
{
	const struct ly_contract *c = e->con;
	if (__builtin_expect(m >= c->nmsgs, 0))
		return SING_NO_STATE;
	return c->sends[e->side][e->row + m];
}

static int full(const struct ch_end *e)
{
	return e->peer && e->peer->count == e->peer->cap;
}

/* The round trip parked at its stub (chan.h, docs/kernel.md): the case
 * of w's receive that m (of values only: the caller's test), sent to p,
 * satisfies, if w is parked at its stub in that receive and it can take
 * m straight away, as pop would take it there: no sender completed it
 * yet, w waits on p with nothing queued before it (nor p closed: one
 * compare of the word both share), p is still w's SIP's and
 * the receive is untraced (traced: TR_ON(TR_RECV), or 0 where the caller
 * tested it already).  Else -1: m is queued as ever, and w finishes its
 * receive in ch_resume_parked.  first (a constant): only the first case
 * is looked at, -2 if it is not m's (sendsel's first road: the loop
 * over the others would take a register it has not). */
static inline __attribute__((always_inline))
int parked_case(const struct ch_end *p, const struct sk_thread *w, uint32_t m, int traced,
                int first)
{
	const struct ch_pend *r = &w->pend;
	if (!th_parked_pending(w) || r->e != p || p->count_closed ||   /* (closed: never, its peer sends) */
	    xh_holder(p) != (const struct xh_list *)w->pub.xown || (traced && TR_ON(TR_RECV)))
		return -1;
	if (__builtin_expect(r->cases[0].msg == m + 1, 1))   /* (a receive has a case; a reply's */
		return 0;                                        /* usual one first: laid out straight) */
	if (first)   /* (quick_send's first road: the rest is sendsel_later's) */
		return -2;
	for (uint32_t i = 1; i < (r->n & ~SING_SEL_FLAGS); i++)
		if (r->cases[i].msg == m + 1)
			return (int)i;
	return -1;
}

/* ... and m goes into it (case i): p's row the one m leads to, p's
 * waiter none, w's result the case (unpark, a constant: w runs next by
 * sched_park_quick_alone, which need not clear its parked flag then: done here
 * with the result, one store), then its nargs values into w's io
 * (last: p, next and i are not kept across the copy, whose loop then
 * finds a register free in sendsel, which pushes none). */
static inline __attribute__((always_inline))
void deliver_parked(struct ch_end *p, struct sk_thread *w, uint32_t nargs, int i,
                    const union sing_slot *args, uint32_t next, int unpark)
{
	p->row = next;
	p->waiter = NULL;
	if (unpark && !SCHED_FIBERS)   /* (quick_send: the park's unpark, in the same store) */
		w->parked_result = (uint64_t)(uint32_t)i << 32;
	else
		w->result = i;
	if (__builtin_expect(nargs != 0, 1)) {   /* (the first on its own: most messages carry one) */
		union sing_slot *io = w->pend.io;
		io[0] = args[0];
		for (uint32_t a = 1; __builtin_expect(a < nargs, 0); a++)
			io[a] = args[a];
	}
}

/* Queue m (its linear arguments already in flight) at e's peer and wake
 * it; e has moved to row next.  by: the sending thread (NULL: the kernel).
 * direct (a constant): by may block next in the same call; then returns
 * the waiter it may hand the CPU to directly (sched_wake_direct), else
 * NULL.  Returned in a register: a send keeps no out-parameter in memory. */
static inline __attribute__((always_inline))
struct sk_thread *put(struct ch_end *e, uint32_t m, union sing_slot *args, uint32_t next,
                      const struct sk_thread *by, int direct)
{
	const struct ly_msg *lm = &e->con->msgs[m];
	struct ch_end *p = e->peer;
	e->row = next;
	if (!p) {                     /* the peer is gone: the message is lost */
		drop(e->k, lm, args);
		return NULL;
	}
	struct sk_thread *w = p->waiter;
	int c;
	if (direct && w && !lm->nlinear && (c = parked_case(p, w, m, 1, 0)) >= 0) {
		deliver_parked(p, w, lm->nargs, c, args, next, 0);
		return sched_wake_direct(w, by);
	}
	uint32_t i = p->head + p->count;
	if (i >= p->cap)
		i -= p->cap;
	union sing_slot *slot = &p->q[i * p->width];
	slot[0].u64 = m | (uint64_t)next << 32;   /* tag (low half), and the row it leads to */
	for (uint32_t a = 0; a < lm->nargs; a++)
		slot[1 + a] = args[a];
	p->count++;
	if (p->serve)
		p->serve(p);
	else if (p->set)
		es_ready(p);
	else if (p->waiter && direct)
		return sched_wake_direct(p->waiter, by);
	else if (p->waiter)
		sched_wake_by(p->waiter, by);
	return NULL;
}

/* put, with its trace event first (docs/tracing.md). */
static __attribute__((noinline, cold))
struct sk_thread *put_traced(struct ch_end *e, uint32_t m, union sing_slot *args, uint32_t next,
                             const struct sk_thread *by, int direct)
{
	TR_EVENT(TR_SEND, e->peer ? (e->peer->head + e->peer->count) % e->peer->cap : 0, m, e->con,
	         e->peer);
	return put(e, m, args, next, by, direct);
}

/* Tracing on, the event goes out of line: put's one call is then its
 * last (a tail call), and a send keeps nothing across a call. */
static inline __attribute__((always_inline))
struct sk_thread *deliver(struct ch_end *e, uint32_t m, union sing_slot *args, uint32_t next,
                          const struct sk_thread *by, int direct)
{
	if (TR_ON(TR_SEND))
		return put_traced(e, m, args, next, by, direct);
	return put(e, m, args, next, by, direct);
}

int ch_send(struct ch_end *e, uint32_t m, union sing_slot *args)
{
	uint32_t next = ch_step(e, m);
	if (next == SING_NO_STATE)
		kpanic("chan: a kernel service sent a message its contract does not allow");
	if (full(e))
		return CH_OVERFLOW;
	const struct ly_msg *lm = &e->con->msgs[m];
	for (uint32_t a = 0; a < lm->nargs; a++)
		if (lm->args[a].linear)
			xh_send(args[a].p);
	deliver(e, m, args, next, NULL, 0);
	return 0;
}

/* An endpoint argument (declared so: la->con) must be of its declared
 * contract (or one extending it, where that is safe: ly_upcast) and side,
 * in its declared state (the receiver's verified code assumes that state). */
static int ep_arg_ok(const struct ly_arg *la, const struct ch_end *x)
{
	if (la->any)   /* an opaque slot: an end of its side, any contract, any state */
		return xh_kind(x) == SING_K_ENDPOINT && x->side == la->side;
	return xh_kind(x) == SING_K_ENDPOINT && x->side == la->side && ch_state(x) == la->state &&
	       (x->con == la->con || ly_upcast(x->con, la->con, x->side, la->state));
}

/* Move m's linear arguments from own into flight.  Each must still be
 * own's when its turn comes: one that appears twice, or sits inside an
 * earlier one, is in flight by then.  On a failure the ones already moved
 * come back. */
static inline __attribute__((always_inline))
int take_args(const struct ch_end *e, const struct ly_msg *lm, union sing_slot *args,
                     struct xh_list *own)
{
	for (uint32_t a = 0; a < lm->nargs; a++) {
		if (!lm->args[a].linear)
			continue;
		void *x = args[a].p;
		int why = xh_owner(x) != own || x == e || xh_kind(x) == SING_K_ESET ? CH_OWNER :
		          (lm->args[a].con || lm->args[a].any) && !ep_arg_ok(&lm->args[a], x) ? CH_STATE : 0;
		if (why) {
			while (a--)
				if (lm->args[a].linear)
					xh_recv(args[a].p, own);
			return why;
		}
		xh_send(x);
	}
	return 0;
}

/* The checks a send needs before its arguments: 0 and e's next row in
 * *next, or why not. */
static inline __attribute__((always_inline))
int send_ok(const struct ch_end *e, uint32_t m, const struct xh_list *own, uint32_t *next)
{
	if (xh_holder(e) != own)   /* a borrowed field's endpoint is inner */
		return CH_OWNER;
	*next = ch_step(e, m);
	if (*next == SING_NO_STATE)
		return CH_STATE;
	if (full(e))
		return CH_OVERFLOW;
	return 0;
}

int ch_send_from(struct ch_end *e, uint32_t m, union sing_slot *args, struct xh_list *own)
{
	uint32_t next = SING_NO_STATE;   /* set when send_ok allows */
	int why = send_ok(e, m, own, &next);
	if (!why && e->con->msgs[m].nlinear)
		why = take_args(e, &e->con->msgs[m], args, own);
	if (!why)
		deliver(e, m, args, next, NULL, 0);
	return why;
}

/* ch_send_sip of a message send_ok allowed that has linear arguments
 * (its next row looked up again: one load, and six arguments make this
 * a tail call). */
static __attribute__((noinline))
void send_linear(struct sing_thread *t, struct ch_end *e, uint32_t m, union sing_slot *args,
                 const char *fn, ch_refused refused)
{
	int why = take_args(e, &e->con->msgs[m], args, (struct xh_list *)t->xown);
	if (why) {
		refused(t, e, m, why, fn);   /* does not return (chan.h) */
		return;
	}
	deliver(e, m, args, ch_step(e, m), sk_self(t), 0);
}

/* Every check first (a refusal does not return); then a message of values
 * only (most: a ping-pong's every one) is delivered with no frame: nothing
 * is kept across a call, and the wake-up at the end is a tail call (a
 * SIP's send is its hottest call).  direct: as put's, and so is what it
 * returns (values only; a message with linear arguments wakes as ever). */
static inline __attribute__((always_inline))
struct sk_thread *send_sip(struct sing_thread *t, struct ch_end *e, uint32_t m,
                           union sing_slot *args, const char *fn, ch_refused refused, int direct)
{
	uint32_t next = SING_NO_STATE;   /* set when send_ok allows */
	int why = send_ok(e, m, (struct xh_list *)t->xown, &next);
	if (__builtin_expect(why != 0, 0)) {
		refused(t, e, m, why, fn);   /* does not return (chan.h) */
		return NULL;
	}
	if (__builtin_expect(!e->con->msgs[m].nlinear, 1))
		return deliver(e, m, args, next, sk_self(t), direct);
	send_linear(t, e, m, args, fn, refused);
	return NULL;
}

void ch_send_sip(struct sing_thread *t, struct ch_end *e, uint32_t m, union sing_slot *args,
                 const char *fn, ch_refused refused)
{
	send_sip(t, e, m, args, fn, refused, 0);
}

/* Inline in ch_select: a receive is half of every round trip. */
static inline __attribute__((always_inline))
int pop(struct ch_end *e, union sing_slot *out, struct xh_list *own)
{
	if (!e->count)
		return -1;
	union sing_slot *slot = &e->q[e->head * e->width];
	uint32_t m = (uint32_t)slot[0].u64;
	const struct ly_msg *lm = &e->con->msgs[m];
	TR_EVENT(TR_RECV, e->head, m, e->con, e);
	for (uint32_t a = 0; a < lm->nargs; a++)
		out[a] = slot[1 + a];
	if (lm->nlinear)   /* values only (most messages): nothing changes hands */
		for (uint32_t a = 0; a < lm->nargs; a++)
			if (lm->args[a].linear)
				xh_recv(out[a].p, own);
	if (++e->head == e->cap)
		e->head = 0;
	e->count--;
	/* The sender's end took the same step when it sent m, and left the
	 * row it reached beside the tag: the receiver's end follows. */
	e->row = (uint32_t)(slot[0].u64 >> 32);
	return (int)m;
}

int ch_pop(struct ch_end *e, union sing_slot *out, struct xh_list *own)
{
	return pop(e, out, own);
}

static int is_set(const void *p)
{
	return xh_kind(p) == SING_K_ESET;
}

/* The case of cases that e's next message (or its closing) satisfies; for
 * a set, e is the head of its ready list. */
static int ready_case(const struct sing_case *cases, uint32_t n)
{
	const void *quiet = NULL;   /* the last case's endpoint or set, with nothing ready */
	for (uint32_t i = 0; i < n; i++) {
		const struct ch_end *e = cases[i].ep;
		if (e == quiet)   /* the cases of a switch receive come in runs on one endpoint */
			continue;
		if (is_set(e) && !(e = es_head(cases[i].ep))) {
			quiet = cases[i].ep;
			continue;
		}
		if (e->count) {
			if (cases[i].msg == (uint32_t)e->q[e->head * e->width].u64 + 1)
				return (int)i;
		} else if (e->closed) {
			if (cases[i].msg == 0)
				return (int)i;
		} else {
			quiet = cases[i].ep;
		}
	}
	return -1;
}

/* The thread a send handed the CPU directly (sched_wake_direct), or NULL,
 * is queued as its wake-up would have: the sender does something else
 * than block now (it finds a message, polls, collects or fails).  NULL. */
static inline struct sk_thread *undirect(struct sk_thread *next)
{
	if (__builtin_expect(next != NULL, 0))
		sched_handed(next);
	return NULL;
}

/* No SIP receives on, or waits at, an endpoint its trees do not hold:
 * it would take another's messages or its wake-up.  next: as undirect's
 * (the peer must not wait for a switch that will not come). */
static void need_mine(struct sk_thread *t, const void *e, struct xh_list *own,
                      const char *fn, struct sk_thread *next)
{
	if (__builtin_expect(xh_holder(e) != own, 0)) {
		undirect(next);
		sip_fail(t, SING_F_OWNER, fn);
	}
}

/* The waiter field of a case's endpoint or set. */
static struct sk_thread **waiter_of(void *ep)
{
	return is_set(ep) ? &((struct es_set *)ep)->waiter : &((struct ch_end *)ep)->waiter;
}

/* Make t (or NULL) the waiter of every case's endpoint or set, once per
 * run of cases on the same one; each t's own (checked only when t is
 * given: the ones before are). */
static void set_waiters(struct sk_thread *t, const struct sing_case *cases, uint32_t n,
                        struct xh_list *own, const char *fn, struct sk_thread *w)
{
	const void *last = NULL;
	for (uint32_t c = 0; c < n; c++) {
		if (cases[c].ep == last)
			continue;
		last = cases[c].ep;
		if (w)
			need_mine(t, last, own, fn, NULL);
		*waiter_of(cases[c].ep) = w;
	}
}

/* ready_case for cases that all name endpoint e (not a set): the case
 * its head message, or its closing, satisfies; -1 if none. */
static inline __attribute__((always_inline))
int one_case(const struct ch_end *e, const struct sing_case *cases, uint32_t n)
{
	uint32_t want;
	if (__builtin_expect(e->count != 0, 0))   /* (a receive that parks: nothing there) */
		want = (uint32_t)e->q[e->head * e->width].u64 + 1;
	else if (__builtin_expect(e->closed, 0))
		want = 0;
	else
		return -1;
	for (uint32_t i = 0; i < n; i++)
		if (cases[i].msg == want)
			return (int)i;
	return -1;
}

/* A round trip may park at its stub (chan.h) when switches are
 * untraced; with several CPUs too (sched.c sched_park_locked). */
static inline int may_park(void)
{
	return !TR_ON(TR_SWITCH);
}

/* t parks at its stub in its receive on e, which would block, and hands
 * the CPU to next (may_park() only): what the caller returns to the
 * stub. */
static inline __attribute__((always_inline))
int32_t ch_park(struct sk_thread *t, struct ch_end *e, const struct sing_case *cases, uint32_t n,
                union sing_slot *out, const char *fn, struct sk_thread *next)
{
	t->pend = (struct ch_pend){.e = e, .cases = cases, .n = n, .io = out, .fn = fn};
	t->k->cpu[t->cpu].long_parks++;   /* (SING_DEBUG=sched: sendsel's own park is the quick road) */
	return klock_smp ? sched_park_locked(t, next) : sched_park_to(t, next);
}

/* ch_select of a switch receive whose cases all name endpoint e (a
 * ping-pong's every receive): the same steps with no scan, e's waiter set
 * and cleared directly, and the same checks in the same order.  next: the
 * thread the send before it handed the CPU directly, or NULL: t switches
 * straight to it if it blocks, else queues it first (undirect). */
static inline __attribute__((always_inline))
int32_t select_one(struct sk_thread *t, struct ch_end *e, const struct sing_case *cases,
                   uint32_t n, union sing_slot *out, struct xh_list *own, const char *fn,
                   struct sk_thread *next, int park)
{
	int i;
	while ((i = one_case(e, cases, n)) < 0) {
		if (gc_wait_due(&t->sip->gc)) {
			next = undirect(next);   /* a collection may let the lock go */
			if (gc_waiting(&t->sip->gc))
				continue;
		}
		need_mine(t, e, own, fn, next);
		e->waiter = t;
		if (next && park && may_park())
			return ch_park(t, e, cases, n, out, fn, next);
		if (next)
			sched_block_to(t, next);
		else
			sched_block(t);
		next = NULL;
		e->waiter = NULL;
	}
	undirect(next);   /* a message was there: no block */
	need_mine(t, e, own, fn, NULL);
	if (cases[i].msg)
		pop(e, out, own);
	return i;
}

/* n flagged SING_SEL_ONE by the backend: the cases all name cases[0].ep.
 * That it is no set is still checked (one load). */
static inline __attribute__((always_inline))
int one_endpoint(const struct sing_case *cases, uint32_t n)
{
	return (n & SING_SEL_ONE) && !is_set(cases[0].ep);
}

int32_t ch_select(struct sk_thread *t, const struct sing_case *cases, uint32_t n,
                  union sing_slot *out, struct xh_list *own, const char *fn)
{
	if (__builtin_expect(one_endpoint(cases, n), 1))
		return select_one(t, cases[0].ep, cases, n & ~SING_SEL_FLAGS, out, own, fn, NULL, 0);
	n &= ~SING_SEL_FLAGS;
	int i;
	while ((i = ready_case(cases, n)) < 0) {
		/* Its stack is scannable (see sched.h).  With several CPUs the
		 * collection lets the kernel lock go: a message may have come
		 * meanwhile, with no waiter yet to wake, so look again. */
		if (gc_wait_due(&t->sip->gc) && gc_waiting(&t->sip->gc))
			continue;
		set_waiters(t, cases, n, own, fn, t);
		sched_block(t);
		set_waiters(t, cases, n, own, fn, NULL);
	}
	need_mine(t, cases[i].ep, own, fn, NULL);
	struct ch_end *e = cases[i].ep;
	if (is_set(e)) {   /* the endpoint (and a map's value) come out of the set first, then its message */
		struct es_set *s = cases[i].ep;
		e = es_take(s, own, out);
		out += 1 + s->map;
	}
	if (cases[i].msg)
		pop(e, out, own);
	return i;
}

/* ch_sendsel's receive, after its send (next: as select_one's). */
static inline __attribute__((always_inline))
int32_t recv_after(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                   union sing_slot *io, const char *fn, struct sk_thread *next)
{
	struct xh_list *own = (struct xh_list *)t->xown;
	if (__builtin_expect(one_endpoint(cases, n), 1))
		return select_one(sk_self(t), cases[0].ep, cases, n & ~SING_SEL_FLAGS, io, own, fn, next, 1);
	undirect(next);
	return ch_select(sk_self(t), cases, n, io, own, fn);
}

/* ch_sendsel by every road (chan.h): the send, the safepoint between if
 * one is due, then the receive.  A peer the send wakes on this CPU is handed the
 * CPU directly when the receive blocks (docs/kernel.md "Scheduling for
 * communication"); on every other road it is queued first, as a wake-up
 * would have.  t's resumed (rt.h SING_T_RESUMED) is cleared here, before
 * any switch, not by the sing_sendsel stub: only the road that returns a
 * case (this one) returns through the stub's test of it; a park never
 * does (abi_stub.S STUB_SENDSEL). */
int32_t ch_sendsel_any(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                       union sing_slot *io, const char *fn)
{
	sk_self(t)->resumed = 0;
	sk_self(t)->awaits_reply = (n & SING_SEL_REPLY) != 0;
	struct sk_thread *next = send_sip(t, cases[0].ep, cases[0].msg, io, fn,
	                                  ch_sendsel_ops.refused, 1);
	if (__builtin_expect(t->poll != 0, 0)) {
		next = undirect(next);
		ch_sendsel_ops.between(t);
	}
	return recv_after(t, cases + 1, n, io, fn, next);
}

/* Are sends, receives or switches traced?  Then no half of a round trip
 * takes the quick road (sendsel with several CPUs; ch_sendsel_road with
 * one). */
static inline int sendsel_traced(void)
{
	return TR_ANY(TR_BIT(TR_SWITCH) | TR_BIT(TR_SEND) | TR_BIT(TR_RECV));
}

/* quick_send's answer when only the first case was looked at (first)
 * and m is not its: sendsel_later looks at the others. */
#define QUICK_LATER ((struct sk_thread *)1)

/* The common send of a round trip, decided before anything changes
 * (sends and receives untraced: ch_sendsel; no safepoint due): a message
 * of values only that send_ok allows, to a peer thread parked at its stub
 * in a receive that takes it (parked_case) and that runs next (what
 * sched_wake_direct returns in its common case; smp: several CPUs, the
 * caller holding the lock), when t's receive on e then parks: nothing
 * there and no collection due (select_one's first steps; else its
 * other roads, taken by ch_sendsel_any: so every thread this hands a
 * message runs next by sched_park_quick_alone, which deliver_parked unparks
 * it for).  That thread, with the message (values in io) delivered;
 * else NULL, or QUICK_LATER (first: parked_case's), with nothing done. */
static inline __attribute__((always_inline))
struct sk_thread *quick_send(struct sing_thread *t, struct ch_end *e, uint32_t m,
                             const union sing_slot *io, int smp, int first)
{
	struct ch_end *p;
	struct sk_thread *w;
	uint32_t q;
	int i = -1;
	if (__builtin_expect(t->poll || xh_holder(e) != (struct xh_list *)t->xown ||   /* send_ok's tests, but */
	    m >= e->nmsgs || (q = e->quick[e->row + m]) == SING_NO_STATE ||   /* (ch_step) */
	    !(p = e->peer) || !(w = p->waiter) ||   /* not full(e): m goes into the receive, not the ring */
	    (i = parked_case(p, w, m, 0, first)) < 0 ||   /* (so w is TH_BLOCKED: th_parked_pending) */
	    !(smp ? sched_next_of(w, sk_self(t)) : sched_next_alone(w, sk_self(t))) ||
	    e->count_closed != 0 || gc_wait_due(&sk_self(t)->sip->gc), 0))   /* (the receive's) */
		return first && i == -2 ? QUICK_LATER : NULL;
	if (SCHED_FIBERS && w->state != TH_BLOCKED)   /* (sanitized builds, every test's, check it) */
		kpanic("quick_send: a thread parked with its receive pending is not blocked");
	e->row = LY_QUICK_ROW(q);
	deliver_parked(p, w, LY_QUICK_NARGS(q), i, io, LY_QUICK_ROW(q), 1);
	if ((uintptr_t)w <= (uintptr_t)QUICK_LATER)   /* (a thread: the caller's test of NULL and */
		__builtin_unreachable();                 /* QUICK_LATER folds into the failures') */
	return w;
}

static int32_t sendsel_later(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                             union sing_slot *io, const char *fn, int smp);

/* A round trip's each half is this one call (rt.h's sing_sendsel;
 * ch_sendsel with one CPU, ch_sendsel_locked with several).  Its
 * common case (a ping-pong's every half once both ends have parked: a
 * send, then the receive of the answer on the same endpoint),
 * quick_send, the receive's checks and the park, makes no call but its
 * last (a tail call), so nothing is kept across a call.  The receive is recorded in t's pend
 * first (the park needs it, and every other road reads it back from
 * there) and read back from there, which keeps few values live: no
 * callee-saved register pushed (the search past the receive's first
 * case, which needed one, is sendsel_later's), where ch_sendsel_any
 * pushes six and keeps a frame. */
static inline __attribute__((always_inline))
int32_t sendsel(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                union sing_slot *io, const char *fn, int smp, int first)
{
	/* What may_park() asks, whether switches are traced, is tested here
	 * with sends and receives, with several CPUs: with one, the stub
	 * comes here only while none is (ch_sendsel_road).  The common half
	 * waits for the answer on the endpoint it sends on (SING_SEL_REPLY);
	 * any other (a send on one channel and a receive on another,
	 * bench/cost/send.sg) goes its way at once. */
	if (__builtin_expect((smp && sendsel_traced()) ||
	                     !(n & SING_SEL_REPLY), 0))
		return ch_sendsel_any(t, cases, n, io, fn);
	struct ch_end *e = cases[0].ep;      /* (loaded first: the send waits on no store) */
	uint32_t m = cases[0].msg;
	struct sk_thread *self = sk_self(t);
	struct ch_pend *r = &self->pend;
	r->cases = cases + 1;
	r->n = n;   /* (the caller's flags kept: masked where read, passed on as given) */
	r->io = io;
	r->fn = fn;
	__asm__ volatile("" ::: "memory");   /* read back from r, not kept in registers */
	struct sk_thread *next = quick_send(t, e, m, io, smp, first);   /* (io still in its register) */
	if (__builtin_expect((uintptr_t)next <= (uintptr_t)QUICK_LATER, 0))
		return first && next ? sendsel_later(t, r->cases - 1, r->n, r->io, r->fn, smp) :
		                       ch_sendsel_any(t, r->cases - 1, r->n, r->io, r->fn);
	/* The receive: t parks for next (select_one's steps, in its order;
	 * its tests, quick_send's).  The endpoint is the one it sent on
	 * (SING_SEL_REPLY; e, the send's case's, kept in its register, so a
	 * wrong flag only has the receive on that endpoint), so a channel's
	 * end (no set) and t's SIP's (send_ok).  one_case's test, whether a
	 * message or the closing is there, is one load (e->count_closed):
	 * else ch_sendsel_any's select_one asks which case it satisfies. */
	r->e = e;
	e->waiter = self;
	return smp ? sched_park_quick_locked(self, next) : sched_park_quick_alone(self, next);
}

int32_t ch_sendsel(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                   union sing_slot *io, const char *fn)
{
	CH_STUB_ALIGNED();
	return sendsel(t, cases, n, io, fn, 0, 1);
}

ch_sendsel_fn *ch_sendsel_road = ch_sendsel;   /* (one CPU, nothing traced: the start) */

void ch_sendsel_road_set(void)
{
	int quick = !klock_smp && !sendsel_traced();
	ch_sendsel_road = quick ? ch_sendsel : sing_sendsel_k;
}

int32_t ch_sendsel_locked(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                          union sing_slot *io, const char *fn)
{
	return sendsel(t, cases, n, io, fn, 1, 1);
}

/* sendsel again when the peer's receive may take m in a later case than
 * its first (QUICK_LATER): the same road with parked_case's whole search,
 * apart so that the common road's registers need not hold its loop's.
 * Nothing was changed before it (quick_send did nothing). */
static __attribute__((noinline))
int32_t sendsel_later(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                      union sing_slot *io, const char *fn, int smp)
{
	return smp ? sendsel(t, cases, n, io, fn, 1, 0) : sendsel(t, cases, n, io, fn, 0, 0);
}

int32_t ch_resume_parked(struct sk_thread *t)
{
	CH_STUB_ALIGNED();
	sched_resumed_parked(t);
	int32_t i = t->result;
	if (i == SING_SENDSEL_PENDING) {
		struct ch_pend r = t->pend;
		r.e->waiter = NULL;
		i = select_one(t, r.e, r.cases, r.n & ~SING_SEL_FLAGS, r.io,
		               (struct xh_list *)t->pub.xown, r.fn, NULL, 0);
	}
	/* With several CPUs the switch here handed over the kernel lock (at
	 * the switcher's depth); the SIP's code holds none. */
	klock_release_all();
	return i;
}

static void served_release(struct ch_end *e)
{
	if (e->gone)
		e->gone(e);
	e->serve = NULL;
	e->gone = NULL;
	e->ctx = NULL;
}

void ch_close(struct xh_heap *h, void *endpoint)
{
	struct ch_end *e = endpoint;
	struct ch_end *p = e->peer;
	TR_EVENT(TR_CH_CLOSE, 0, e->count, 0, e);
	if (e->serve && e->gone) {   /* a served end freed by the kernel itself */
		e->gone(e);
		e->gone = NULL;
	}
	if (p) {
		p->peer = NULL;
		p->closed = 1;
		if (p->set)
			es_ready(p);
		else if (p->waiter)
			sched_wake(p->waiter);
		if (p->serve) {   /* nobody will talk to a served end again */
			if (xh_owner(p) == &p->k->kown)
				xh_delete(h, p);      /* (its gone hook runs in its own close) */
			else
				served_release(p);    /* a SIP holds it opaquely (ns_link): only the kernel's record goes */
		}
	}
	e->peer = NULL;
	while (e->count) {
		union sing_slot *slot = &e->q[e->head * e->width];
		drop(e->k, &e->con->msgs[(uint32_t)slot[0].u64], slot + 1);
		if (++e->head == e->cap)
			e->head = 0;
		e->count--;
	}
	(void)h;
}
