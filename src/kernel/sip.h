/*
 * sip.h - the kernel's records: the kernel, its CPUs, SIPs and their
 * threads (kernel-private).
 *
 * All per-SIP state lives in struct sip and all per-thread state in
 * struct sk_thread, never in globals; what a CPU runs is in struct sk_cpu
 * (docs/kernel.md "Every CPU": one kernel lock; a SIP's threads may run on
 * several CPUs at once, each thread on its own, t->cpu).  The kernel
 * record holds what is shared: the exchange heap, the type registry, the
 * list of live SIPs and the programs the launcher may start.
 *
 * Invariant: a thread's sing_thread record is its first member (generated
 * code is handed a pointer to it); a SIP's thread runs only on that SIP's
 * own stack segments; thread records are recycled, never freed before
 * shutdown (the preemption timer may still touch a stale one's poll word).
 */
#ifndef KERNEL_SIP_H
#define KERNEL_SIP_H

#include "../hal/hal.h"
#include "elf.h"
#include "exheap.h"
#include "gc.h"
#include "kernel.h"
#include "klock.h"
#include "layout.h"
#include "rt.h"
#include "stack.h"

#define SK_NCPU 8   /* CPUs the kernel can run (sk_cpus) */
#define SK_NPIN 4
#define SK_MAXPROG 64

struct sk_thread;
struct sip;
struct io_port;

/* A run queue: FIFO, linked through sk_thread.rq_next/rq_prev. */
struct sk_rq {
	struct sk_thread *head, *tail;
	uint32_t n;                      /* threads in it (the CPU's load) */
};

struct sk_cpu {
	/* (a whole number of cache lines: no two CPUs write one line, and
	 * &k->cpu[i] is a shift) */
	_Alignas(64) struct sk_thread *cur;   /* running thread (NULL: the kernel); the timer reads it */
	struct sk_thread *prev;          /* who switched to the context now running */
	struct sk_rq ho;                 /* woken by a message in this slice: run before rq */
	struct sk_rq rq;                 /* runnable threads, each waiting for a slice of its own */
	volatile uint64_t ticks;         /* timer ticks so far (the timer writes it) */
	uint64_t slice_end;              /* the running slice ends at this tick */
	uint64_t epoch;                  /* slices started so far (who joined this one) */
	struct hal_ctx kctx;             /* the kernel's own context on this CPU */
	void *kfake;                     /* sanitizer state of the kernel stack */
	const void *klo;                 /* kernel stack bounds (for the sanitizer) */
	size_t ksz;
	struct sk_thread *dead;          /* a thread that ended, for the kernel to free */
	struct sip *ended;               /* a SIP that ended, for the kernel to tear down */
	uint64_t switches;
	uint64_t directs;                /* of those, direct hand-offs (sched_block_to) */
	uint64_t alone;                  /* of those, switched with one CPU, untraced (sched.c alone_to) */
	uint64_t parks;                  /* switches, direct and lockless, that parked the sender at its
	                                    stub (sched_park_to, sched_park_quick_alone; not in the three
	                                    counts above) */
	uint64_t locked_parks;           /* the same with several CPUs, under the lock (sched_park_locked,
	                                    sched_park_quick_locked) */
	uint64_t slow_resumes;           /* parked threads that resumed in the kernel (chan.c ch_resume_parked) */
	uint64_t long_parks;             /* of the parks, those after a half's long road (chan.c ch_park:
	                                    every road but sendsel's quick_send) */
	volatile uint32_t kwant;         /* the kernel asks for the CPU at the next safepoint */
	uint32_t stopped;                /* it left its loop (shutdown) */
	struct sk_kernel *k;
	unsigned id;                     /* its index in k->cpu (hal_cpu_id) */
	uint32_t wake;                   /* bumped to wake it (hal_cpu_sleep's word) */
	uint32_t idle;                   /* it sleeps, or is about to */
	uint32_t kdepth;                 /* kernel-lock depth of its kernel context */
	void *ktsan;                     /* the kernel context's TSan fiber (its host thread's) */
	uint64_t steals;                 /* SIPs it took from a busy CPU */
	uint64_t follows;                /* SIPs a message from here moved here (wake affinity) */
	uint64_t unfollows;              /* of those, sent back before they ran (sched.c unfollow) */
	uint64_t pushes;                 /* threads it sent to a less loaded CPU (sched.c balance) */
	uint64_t dev_input;              /* device polls here that took input in (io.c) */
	uint32_t slice_n;                /* threads in the running slice (1 + those that joined it) */
};

struct sk_image {
	struct elf_code code;
	const struct sing_image *img;
	struct ly_map map;
};

struct sk_prog {                     /* a program the launcher may start */
	const struct sk_image *im;
	char name[64];
	uint64_t budget;
	int managed;                     /* installed: launched by manifest, capabilities checked */
	uint32_t neps, ncaps;
	char eps[SK_MAXEPS][64];         /* main's endpoint parameters' paths */
	char caps[SK_MAXCAPS][48];
	uint32_t nhw;
	struct sk_hw hw[SK_MAXHW];       /* hardware claims */
	char down[64];                   /* why init stopped restarting it ("": none) */
	char version[33], kind[8];
	char usage[SK_MAXUSAGE];         /* NAME --help, answered without starting it ("": none) */
};

#define NS_MAX 64

#define NS_WAIT 64                   /* binds waiting for a provider's Ack, per name */

struct ns_entry {                    /* a name served by a running provider */
	char path[64];
	const struct ly_contract *con;   /* what its clients speak */
	struct ch_end *prov;             /* kernel's end of the provider channel (NULL: free slot) */
	uint32_t pid;
	int held;                        /* a pacing record: a SIP holds prov (ns_link), the name
	                                    service if path is set (lookups skip it) */
	int listed;                      /* the name service accepted it (Watch: it came) */
	struct ch_end *wait[NS_WAIT];    /* server ends whose Connect waits (oldest first) */
	uint32_t nwait;
};

#define NB_MAX 64                    /* requests waiting for the name service SIP */

struct nb_req {                      /* one request to it (nsboot.c) */
	int kind;                        /* NB_PROVIDE, NB_BIND, NB_LIST, NB_GONE */
	char path[64];
	struct ch_end *ep;               /* the end it carries (the kernel's until sent) */
	uint32_t pid;
	void (*done)(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text);
	void *ctx;
};

struct nb_state {                    /* the bootstrap endpoint /kernel/ns */
	struct ch_end *imp;              /* the kernel's end (NULL: no name service) */
	struct nb_req q[NB_MAX];         /* oldest first; q[head] was sent if sent */
	uint32_t head, n;
	int sent;
	uint32_t ids;                    /* the last id a Provide gave an end */
};

#define NW_EVENTS 32                 /* names come and gone, kept for watchers */
#define NW_MAX 16                    /* watchers (nswatch.c) */

struct nw_state {
	struct {
		int went;
		char path[64];
	} ev[NW_EVENTS];                 /* event n is ev[n % NW_EVENTS] */
	uint64_t nev;                    /* events so far */
	struct {
		struct ch_end *e;            /* its /svc/ns end (NULL: free) */
		uint64_t seen;               /* the next event it is owed */
		int asked;                   /* its Next waits for an event */
	} w[NW_MAX];
};

#define CON_RING 65536u
#define CON_LINE 4096u               /* the longest line typed (the driver's limit) */

struct con_state {                   /* the kernel's part of the console (console.h) */
	int routed;                      /* a multiplexer took the output over */
	struct ch_end *mux_next;         /* its /kernel/console/out end, its Next waiting */
	int mux_quiet;                   /* it said all it took reached a driver */
	uint32_t ohead, olen;            /* output for the multiplexer, in order */
	uint64_t dropped;                /* output bytes lost to a full ring */
	char out[CON_RING];
	int host;                        /* the host terminal is the device (no driver) */
	struct ch_end *host_out, *host_in;   /* the kernel's ends on /dev/console/out, /in */
	int host_waiting;                /* host_in's Line waits for Taken */
	char in[2 * CON_LINE + 2];       /* host input not yet sent as lines */
	uint32_t nin;
	uint64_t in_dropped;             /* bytes a host-fed caller sent past the room */
};

#define IRQ_LINES 16

struct irq_line {                    /* an interrupt line's endpoint (irq.c) */
	struct ch_end *end;              /* served end bound to /kernel/irq/N (NULL: none) */
	int waiting;                     /* its Wait is unanswered */
	int pending;                     /* raised since the last Fired */
	int cpu;                         /* where its driver last waited (hal_dev_wait); -1: not yet */
};

struct sk_kernel {
	struct xh_heap xh;
	struct ly_registry reg;
	struct xh_list kown;             /* blocks the kernel owns (served endpoints) */
	uint32_t next_pid;
	unsigned debug;
	struct sk_cpu cpu[SK_NCPU];
	unsigned ncpus;                  /* CPUs running (sk_cpus; 1 until then) */
	unsigned ncpus_ran;              /* most ever running (SING_DEBUG=sched) */
	volatile int stopping;           /* shutdown: the other CPUs leave their loops */
	uint64_t late_stops;             /* stops carried out later by a SIP on another CPU */
	int no_follow;                   /* no wake affinity (sk_no_follow) */
	int pin_threads;                 /* new threads pinned (sk_pin_threads) */
	struct sip *sips;                /* every SIP not yet freed */
	uint32_t nsips;
	struct sk_thread *free_threads;  /* recycled thread records */
	struct sk_prog progs[SK_MAXPROG];
	uint32_t nprogs;
	uint64_t sips_started;
	int booted, poll_kernel;
	struct ns_entry names[NS_MAX];
	struct nb_state nb;
	struct nw_state nw;
	struct con_state con;
	int devices;                     /* hal_dev_open was called */
	volatile uint32_t irq_raised;    /* lines raised, recorded by the HAL's callback */
	struct irq_line irq[IRQ_LINES];
};

enum th_state { TH_RUNNABLE, TH_RUNNING, TH_BLOCKED, TH_DEAD };

struct sk_thread {
	struct sing_thread pub;      /* first: what generated code sees */
	/* A round trip's half parked at its stub (chan.c, docs/kernel.md
	 * "The round trip parked at its stub"): parked says it is (not run
	 * again since; sched.c unpark); ctx (rt.h SING_T_CTX) is where it
	 * resumes; result (SING_T_RESULT) what its sing_sendsel returns
	 * once a sender delivered into its receive, else
	 * SING_SENDSEL_PENDING; handoff (SING_T_HANDOFF) the thread its stub
	 * switches to when the kernel returns it SING_SENDSEL_SWITCH.  A
	 * sender asks for both parked and pending in one compare of the
	 * word they share (th_parked_pending). */
	union {
		struct {
			uint32_t parked;
			int32_t result;
		};
		uint64_t parked_result;
	};
	struct hal_ctx ctx;
	struct sk_thread *handoff;
	/* Which of its stub's two jumps back into the SIP's code it resumes
	 * by (rt.h SING_T_SITE): never the one of the thread it was switched
	 * to from (sched.c cpu_switch; abi_stub.S STUB_PARK), so in a
	 * ping-pong each jump always lands in one place and the branch
	 * predictor knows it. */
	uint32_t site;
	uint32_t resumed;            /* switched to since its SWITCH-kind ABI call began
	                                (rt.h SING_T_RESUMED: the stub clears and reads it;
	                                for sing_sendsel the kernel clears it, chan.c
	                                ch_sendsel_any) */
	uint32_t awaits_reply;       /* its sing_sendsel's send: it blocks next for the answer on
	                                the channel it sends on (chan.c ch_sendsel_any; sched.c
	                                sched_wake_direct_rest's reply-follow) */
	struct ch_pend {             /* the receive it waits in, while parked */
		struct ch_end *e;
		const struct sing_case *cases;   /* the receive's (one endpoint: e) */
		uint32_t n;                      /* with its SING_SEL_* flags: masked where read */
		union sing_slot *io;
		const char *fn;
	} pend;
	struct sip *sip;
	struct sk_kernel *k;         /* sip->k, one load nearer (its CPU: sched.c cpu_of) */
	struct stk_seg *seg;         /* the segment it runs on */
	struct stk_seg *cache;       /* released segments, the last released on top (linked by prev) */
	uint64_t cached;             /* their bytes (still charged to the budget) */
	uint64_t stack_peak;         /* most stack bytes mapped at once */
	void *fake;                  /* sanitizer state of its stack while switched out */
	void *pin[SK_NPIN];          /* GC references the kernel holds across an allocation */
	enum th_state state;
	struct sk_thread *rq_next, *rq_prev;   /* in its CPU's run queue */
	struct sk_rq *rq;            /* the queue it is in (NULL: none) */
	uint64_t epoch;              /* the CPU's slice it last ran in */
	uint64_t slept;              /* the tick at which it blocked */
	const struct sip *waker;     /* whose thread put it on ho (compared, never followed) */
	uint32_t from;               /* on ho by wake affinity: 1 + the CPU it came from; else 0 */
	struct sk_thread *sib;       /* next thread of the same SIP */
	struct sk_thread *free_next; /* in the kernel's free list */
	/* a spawned thread's start: f(args), args a precise-enough root */
	void (*start)(struct sing_thread *, union sing_slot *);
	union sing_slot *args;
	uint32_t nargs;
	uint64_t ticks;              /* preemption ticks that found it running (CPU time) */
	uint32_t kdepth;             /* kernel-lock depth it switched out at */
	unsigned cpu;                /* the CPU it runs, queues or last ran on */
	int pinned;                  /* never moves from cpu (sk_pin_threads) */
	struct sk_thread *held_next; /* in its SIP's held list (halt.h) */
	void *tsan;                  /* its ThreadSanitizer fiber (kept with the record) */
	uint32_t group;              /* threads in the last slice it was preempted in, but
	                                those runnable then (its load: sched.c balance) */
	uint32_t paired;             /* that slice ran other threads too (it talks) */
};

enum sip_state { SIP_RUNNING, SIP_EXITED, SIP_FAILED };

struct sip {
	uint32_t pid;
	char name[64];
	struct sk_kernel *k;
	const struct sk_image *im;
	const struct sing_image *img;
	struct sk_budget budget;     /* GC chunks, stack segments and exchange-heap blocks */
	struct gc_heap gc;
	struct xh_list xh_own;       /* exchange-heap blocks it owns */
	struct es_set *maps;         /* its endpoint maps, whose values are roots (eset.h) */
	struct sk_thread *main;
	struct sk_thread *threads;   /* every live thread, main included */
	uint32_t nthreads;
	struct sing_arr *args;       /* main's argument array: a precise root */
	int argc;
	char *const *argv;
	void **extra;                /* main's endpoint and ioport parameters */
	struct io_port *ports;       /* its ioport handles (io.c) */
	uint32_t nports;
	const struct sk_prog *prog;  /* installed program (NULL: `sing run`, unrestricted) */
	char **argv_own;             /* argv copied by sk_launch (freed with the record) */
	struct ch_end *notify;       /* served end told Exited(status) when it ends */
	int notify_msg;
	uint32_t held;               /* its /svc/ imports the name service has yet to bind */
	char refused[128];           /* why one was refused ("": none): it ends before it runs */
	int detached;                /* freed by the kernel when it ends */
	uint32_t ppid;               /* the SIP that asked for it (0: init, the host) */
	int job;                     /* started in the background: its end is reported */
	uint64_t ticks;              /* preemption ticks of its threads already gone */
	struct sip *next;            /* in the kernel's list */
	enum sip_state state;
	int32_t status;
	int why;                     /* enum sing_failure */
	char fn[64];                 /* function it failed in */
	char msg[256];               /* panic message */
	int64_t t0, t1;              /* start and end (ns) */
	uint64_t gc_marked, gc_pause_ns, gc_pause_max_ns;
	uint64_t stack_maps;          /* stack segments it had to map (not from a cache) */
	uint64_t stack_scanned;       /* bytes of stack its collections scanned */
	unsigned cpu;                /* its main thread's CPU when placed and when it ended (ps: main->cpu) */
	uint32_t nrun, nrun_max;     /* its threads running now, and most at once (stats) */
	struct sk_thread *stopper;   /* the thread that stopped the others (halt.h), or NULL */
	struct sk_thread *halted;    /* threads kept from running meanwhile (halt.h) */
	uint32_t unparked;           /* told to park and not parked yet (atomic) */
	uint32_t gc_depth;           /* kernel-lock depth its collector let go */
	int doom;                    /* stop asked while it ran on another CPU: 1 killed, 2 exit */
	int32_t doom_status;
};

_Static_assert(offsetof(struct sk_thread, resumed) == SING_T_RESUMED,
               "rt.h's SING_T_RESUMED is not sk_thread.resumed's offset");
_Static_assert(offsetof(struct sk_thread, result) == offsetof(struct sk_thread, parked) + 4,
               "sk_thread's parked_result is parked, then result");

/* t is parked at its stub and no sender has completed its receive yet:
 * parked 1 and result SING_SENDSEL_PENDING, in one compare (x86-64 is
 * little-endian: parked is the low half).  Such a thread is TH_BLOCKED
 * (chan.c quick_send relies on it): it parked blocked (sched.c park);
 * running again clears parked (unpark), and every wake-up of a thread
 * blocked in a receive on p comes with a message delivered (result set)
 * or queued (p->count), or with p's peer closed, which is the sender's
 * own end: quick_send's other tests see each (the others, nsboot's and
 * eset's, wake threads that wait otherwise: before main, on a set). */
#define TH_PARKED_PENDING ((uint64_t)(uint32_t)SING_SENDSEL_PENDING << 32 | 1u)
static inline int th_parked_pending(const struct sk_thread *t)
{
	return t->parked_result == TH_PARKED_PENDING;
}
_Static_assert(offsetof(struct sk_thread, result) == SING_T_RESULT &&
               offsetof(struct sk_thread, ctx) == SING_T_CTX &&
               offsetof(struct sk_thread, handoff) == SING_T_HANDOFF &&
               offsetof(struct sk_thread, site) == SING_T_SITE,
               "rt.h's SING_T_RESULT, SING_T_CTX, SING_T_HANDOFF or SING_T_SITE is not sk_thread's");

static inline struct sk_thread *sk_self(struct sing_thread *t)
{
	return (struct sk_thread *)t;
}

/* A stop asked while the SIP ran on another CPU, or another thread of
 * the SIP stopped it (halt.h): carried out now (sip.c). */
void sip_entered(struct sk_thread *t);

/* A SIP thread enters the kernel (an ABI call): the kernel lock, and a
 * stop another CPU asked for.  sk_leave: back to SIP code.  sk_entered:
 * the stop's half, after klock_take_sip (abi.c sing_sendsel_k). */
static inline int sk_stop_asked(struct sing_thread *t)
{
	const struct sip *s = sk_self(t)->sip;
	return s->stopper || s->doom;
}

static inline void sk_entered(struct sing_thread *t)
{
	if (sk_stop_asked(t))
		sip_entered(sk_self(t));
}

static inline void sk_enter(struct sing_thread *t)
{
	if (__builtin_expect(klock_smp, 0)) {
		klock_take();
		sk_entered(t);
	}
}

static inline void sk_leave(void)
{
	klock_leave();
}

/* Stop the thread's SIP with a failure; never returns (sip.c). */
/* xnewarr (dma 0) and dma.new (dma 1): a new zeroed exheap array of type,
 * owned by the caller; the SIP fails on a negative length or no budget. */
void *sk_xnewarr(struct sing_thread *t, uint32_t type, int64_t len, int dma, const char *fn);
__attribute__((noreturn)) void sip_fail(struct sk_thread *t, int why, const char *fn);
/* The SIP's main returned with status (sip.c); never returns. */
__attribute__((noreturn)) void sip_exit(struct sk_thread *t, int32_t status);
/* Tear an ended SIP down: stop its threads, free what it owned (sip.c).
 * Runs on the kernel's context. */
void sip_teardown(struct sip *s);
/* s must stop (doom 1 killed, 2 exit with status): if a thread of it runs
 * on another CPU right now, it is told to and stops at its next kernel
 * entry (1); else 0 and the caller tears it down itself. */
int sip_stop_later(struct sip *s, int doom, int32_t status);
/* Free a torn-down SIP's record (sip.c). */
void sip_release(struct sip *s);
/* sk_start, and detached: the kernel frees the SIP when it ends (sip.c). */
struct sip *sip_start(struct sk_kernel *k, const struct sk_image *im, const char *name,
                      uint64_t budget, int argc, char *const argv[], void *const *eps,
                      const uint32_t *states, uint32_t neps, int detached,
                      char *err, unsigned errlen);

/* The SIP whose thread runs now (a served request's sender), or NULL. */
struct sip *sip_current(struct sk_kernel *k);
/* Small freestanding helpers (sip.c). */
void sk_copy_str(char *dst, size_t n, const char *src);
/* A diagnostic line built in pieces and written with one hal_write, so
 * that text another CPU (or a device's thread) writes meanwhile never lands
 * inside it.  Text past its size is cut. */
struct sk_line {
	char b[512];
	uint32_t n;
};
void sk_line_str(struct sk_line *l, const char *s);
void sk_line_u64(struct sk_line *l, uint64_t v);
void sk_line_put(struct sk_line *l);   /* to the diagnostics (fd 2); empties l */

#endif
