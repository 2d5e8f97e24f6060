/* sip.c - SIPs: boot, load, start, end, tear down, wait (see kernel.h). */
#include "sip.h"

#include "chan.h"
#include "console.h"
#include "cpus.h"
#include "eset.h"
#include "halt.h"
#include "io.h"
#include "launch.h"
#include "ns.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "thread.h"
#include "trace.h"

/* ---- small freestanding string helpers ---- */

void sk_copy_str(char *dst, size_t n, const char *src)
{
	size_t i = 0;
	for (; src && src[i] && i + 1 < n; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

void sk_line_str(struct sk_line *l, const char *s)
{
	while (*s && l->n < sizeof l->b)
		l->b[l->n++] = *s++;
}

void sk_line_u64(struct sk_line *l, uint64_t v)
{
	char buf[24];
	int i = sizeof buf;
	buf[--i] = 0;
	do
		buf[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	sk_line_str(l, buf + i);
}

void sk_line_put(struct sk_line *l)
{
	hal_write(2, l->b, l->n);
	l->n = 0;
}

struct sip *sip_current(struct sk_kernel *k)
{
	struct sk_thread *t = sched_cpu(k)->cur;
	return t ? t->sip : NULL;
}

/* ---- the kernel ---- */

/* The exchange heap's allocation cache is one (XA_NCPU), under the kernel lock. */

struct sk_kernel *sk_boot(unsigned debug)
{
	struct sk_kernel *k = hal_alloc(sizeof *k);
	if (!k)
		kpanic("no memory to boot");
	k->debug = debug;
	k->no_follow = !!(debug & SK_DEBUG_APART);
	k->next_pid = 1;
	k->ncpus = k->ncpus_ran = 1;
	for (unsigned i = 0; i < SK_NCPU; i++) {
		k->cpu[i].k = k;
		k->cpu[i].id = i;
	}
	k->xh.close = ch_close;
	k->xh.drop_set = es_drop;
	ly_init(&k->reg);
	xh_list_init(&k->kown, 0, NULL);
	hal_timer_start(SCHED_TICK_NS, sched_tick, k);
	return k;
}

/* SING_DEBUG=sched: the per-CPU counters summed, at shutdown. */
static void sched_line(const struct sk_kernel *k)
{
	uint64_t sw = 0, direct = 0, alone = 0, parks = 0, slow = 0, long_road = 0;
	uint64_t steals = 0, follows = 0, back = 0, pushes = 0;
	for (unsigned i = 0; i < SK_NCPU; i++) {
		const struct sk_cpu *c = &k->cpu[i];
		sw += c->switches + c->parks + c->locked_parks;
		direct += c->directs + c->parks + c->locked_parks;
		alone += c->alone + c->parks;
		parks += c->parks + c->locked_parks;
		slow += c->slow_resumes;
		long_road += c->long_parks;
		steals += c->steals;
		follows += c->follows;
		back += c->unfollows;
		pushes += c->pushes;
	}
	struct sk_line l = {.n = 0};
	sk_line_str(&l, "sing: sched: cpus ");   /* how many ran (sk_cpus): a line of its own */
	sk_line_u64(&l, k->ncpus_ran);
	sk_line_str(&l, "\nsing: sched: direct hand-offs ");   /* of the switches below */
	sk_line_u64(&l, direct);
	sk_line_str(&l, "\nsing: sched: lockless hand-offs ");   /* of those (sched.c alone_to) */
	sk_line_u64(&l, alone);
	sk_line_str(&l, "\nsing: sched: parked at the stub ");   /* of the direct (sched_park_to) */
	sk_line_u64(&l, parks);
	sk_line_str(&l, ", resumed in the kernel ");   /* chan.c ch_resume_parked */
	sk_line_u64(&l, slow);
	sk_line_str(&l, "\nsing: sched: parked by the long road ");   /* of those parked (chan.c ch_park) */
	sk_line_u64(&l, long_road);
	sk_line_str(&l, "\nsing: sched: switches ");
	sk_line_u64(&l, sw);
	sk_line_str(&l, ", sips started ");
	sk_line_u64(&l, k->sips_started);
	if (steals || follows || pushes || k->late_stops) {   /* a line of its own: tests match the one above */
		sk_line_str(&l, "\nsing: sched: steals ");
		sk_line_u64(&l, steals);
		sk_line_str(&l, ", follows ");
		sk_line_u64(&l, follows);
		sk_line_str(&l, " (sent back ");
		sk_line_u64(&l, back);
		sk_line_str(&l, "), stops on another CPU ");
		sk_line_u64(&l, k->late_stops);
		sk_line_str(&l, ", pushed to a lighter CPU ");
		sk_line_u64(&l, pushes);
	}
	sk_line_str(&l, "\n");
	sk_line_put(&l);
}

uint64_t sk_shutdown(struct sk_kernel *k)
{
	cpus_stop(k);   /* nothing runs on another CPU while SIPs are torn down */
	/* SIPs still running (launched ones whose parent ended) stop now. */
	while (k->sips) {
		struct sip *s = k->sips;
		if (s->state == SIP_RUNNING) {
			s->state = SIP_EXITED;
			s->status = 0;
			sip_teardown(s);
		}
		if (k->sips == s)
			sip_release(s);
	}
	xh_free_all(&k->xh, &k->kown);
	/* Recycled chunks and stack segments go back to the host with the kernel. */
	gc_pool_drain();
	stk_pool_drain();
	xh_drain(&k->xh);
	hal_timer_stop();
	con_flush_host(k);
	if (k->devices)
		hal_dev_close();
	uint64_t live = k->xh.live_bytes;
	if (k->debug & SK_DEBUG_EXHEAP) {
		struct sk_line l = {.n = 0};
		sk_line_str(&l, "sing: exheap live bytes: ");
		sk_line_u64(&l, live);
		sk_line_str(&l, "\n");
		sk_line_put(&l);
	}
	if (k->debug & SK_DEBUG_SCHED)
		sched_line(k);
	thread_pool_free(k);
	ly_destroy(&k->reg);
	hal_free(k);
	return live;
}

struct sk_image *sk_load_mem(struct sk_kernel *k, const void *obj, size_t len, const char *hash,
                             char *err, unsigned errlen)
{
	struct elf_code code;
	if (elf_load(obj, len, &code, err, errlen))
		return NULL;
	const struct sing_image *img = elf_sym(&code, "sing_image", sizeof *img, _Alignof(struct sing_image));
	const char *why = NULL;
	if (!img)
		why = "no sing_image in the object";
	else if (img->rt_version != SING_RT_VERSION)
		why = "object built for another runtime version";
	else if (img->hash[64] != 0 || __builtin_strcmp(img->hash, hash) != 0)
		why = "object was compiled from another package (hash differs)";
	if (why) {
		sk_copy_str(err, errlen, why);
		elf_unload(&code);
		return NULL;
	}
	struct sk_image *im = hal_alloc(sizeof *im);
	if (!im)
		kpanic("no memory for an image");
	im->code = code;
	im->img = img;
	ly_map(&k->reg, img, &im->map);
	return im;
}

void sk_unload(struct sk_image *im)
{
	if (!im)
		return;
	ly_unmap(&im->map);
	elf_unload(&im->code);
	hal_free(im);
}

/* ---- a SIP ends ---- */

/* None of the SIP's other threads may run on another CPU while it is
 * torn down: they are stopped first (halt.h), and stay held.  Only then is
 * the SIP's outcome written: the host's sk_wait takes a state other than
 * SIP_RUNNING to mean the SIP is gone and frees it, and halt_others lets
 * the kernel lock go while it waits. */
static void stop_others(struct sk_thread *t)
{
	if (klock_smp && t->sip->stopper != t)
		halt_others(t);
}

__attribute__((noreturn)) static void end(struct sk_thread *t)
{
	sched_cpu(t->sip->k)->ended = t->sip;
	sched_leave(t);
}

void sip_fail(struct sk_thread *t, int why, const char *fn)
{
	struct sip *s = t->sip;
	stop_others(t);
	if (why == SING_F_HEAP || why == SING_F_STACK)
		TR_EVENT(TR_BUDGET, why, s->pid, s->budget.used, s->budget.limit);
	TR_EVENT(TR_SIP_FAIL, why, s->pid, tr_str(fn), tr_str(s->msg));
	s->state = SIP_FAILED;
	s->why = why;
	sk_copy_str(s->fn, sizeof s->fn, fn);
	end(t);
}

void sip_entered(struct sk_thread *t)
{
	struct sip *s = t->sip;
	if (s->stopper && s->stopper != t)
		halt_park(t);
	if (!s->doom)
		return;
	if (s->doom == 1)
		sip_fail(t, SING_F_KILLED, "-");
	sip_exit(t, s->doom_status);
}

void sip_exit(struct sk_thread *t, int32_t status)
{
	stop_others(t);
	t->sip->state = SIP_EXITED;
	t->sip->status = status;
	end(t);
}

/* ---- roots of a SIP's collection: its own threads only ---- */

static void thread_roots(struct gc_heap *h, struct sk_thread *t)
{
	gc_drop_ab(t->pub.ab);
	for (int i = 0; i < SK_NPIN; i++)
		gc_mark_ref(h, t->pin[i]);
	if (t->nargs)
		gc_mark_range(h, (uintptr_t)t->args, (uintptr_t)(t->args + t->nargs));
	/* The current segment from the transition record up, then every
	 * earlier segment from where it called onwards.  Those are frozen
	 * (stack.h): after a young or full collection scanned them, all
	 * they point at is old, and a young collection stops at the first
	 * (the ones below were scanned with it).  The cycle's shading
	 * scans them all: it marks old objects. */
	uintptr_t sp = (uintptr_t)t->pub.trans_sp;
	if (t->seg->scanned)
		kpanic("gc: the current stack segment marked scanned");
	for (struct stk_seg *g = t->seg; g; g = g->prev) {
		if (g->scanned && (h->mode == GC_MODE_YOUNG || h->mode == GC_MODE_NONE))
			break;
		if (sp < g->lo || sp > g->hi)
			kpanic("gc: transition record outside its segment");
		gc_mark_range(h, sp, g->hi);
		t->sip->stack_scanned += g->hi - sp;
		if (g != t->seg && h->mode != GC_MODE_CYCLE)
			g->scanned = 1;
		if (g->prev)
			sp = (uintptr_t)g->prev->saved_sp;
	}
}

/* The snapshot barrier on (marking: the white epoch bit) or off, in
 * every thread of the SIP (a thread made later copies the heap's). */
static void sip_barrier(void *ctx, uint32_t marking)
{
	struct sip *s = ctx;
	for (struct sk_thread *t = s->threads; t; t = t->sib)
		t->pub.marking = marking;
}

static void sip_roots(void *ctx, struct gc_heap *h)
{
	struct sip *s = ctx;
	gc_mark_ref(h, s->args);
	es_roots(h, s->maps);
	for (struct sk_thread *t = s->threads; t; t = t->sib)
		thread_roots(h, t);
}

/* ---- main ---- */

static struct sing_str *new_string(struct sip *s, const char *text)
{
	size_t n = __builtin_strlen(text);
	struct sing_str *str = gc_alloc(&s->gc, sizeof *str + n, SING_HDR(SING_TYPE_STRING, 0));
	if (str) {
		str->len = (int64_t)n;
		__builtin_memcpy(str->b, text, n);
	}
	return str;
}

static void make_args(struct sk_thread *t)
{
	struct sip *s = t->sip;
	s->args = gc_alloc(&s->gc, sizeof *s->args + (uint64_t)s->argc * sizeof(void *),
	                   SING_HDR(s->img->args_type, 0));
	if (!s->args)
		sip_fail(t, SING_F_HEAP, "main");
	s->args->len = s->argc;
	for (int i = 0; i < s->argc; i++) {
		struct sing_str *a = new_string(s, s->argv[i]);
		if (!a)
			sip_fail(t, SING_F_HEAP, "main");
		gc_write(&s->gc, s->args, ((void **)s->args->data)[i], a);   /* args may be old by now */
		((struct sing_str **)s->args->data)[i] = a;
	}
}

void sip_main_thread(struct sk_thread *t);
void sip_main_thread(struct sk_thread *t)
{
	struct sip *s = t->sip;
	while (s->held && !s->refused[0])   /* the name service binds its /svc/... imports first */
		sched_block(t);
	if (s->refused[0])
		sip_exit(t, SK_EXIT_FAILED);   /* never ran: proc_ended says why */
	make_args(t);
	sk_leave();
	int32_t status = s->img->entry(&t->pub, s->args, s->extra);
	sk_enter(&t->pub);
	sip_exit(t, status);
}

/* ---- reports ---- */

/* One line, written at once: to the console (in order with the SIPs'
 * output) once a console driver has it, else to the diagnostics. */
static void report_failure(const struct sip *s)
{
	static const char *const why[] = {
#define SING_X(e, msg) msg,
		SING_FAILURES(SING_X)
#undef SING_X
	};
	struct sk_line l = {.n = 0};
	int has_text = s->why == SING_F_PANIC || s->why == SING_F_CONTRACT;
	sk_line_str(&l, "sing: sip ");
	sk_line_str(&l, s->name);
	sk_line_str(&l, " (pid ");
	sk_line_u64(&l, s->pid);
	const char *parts[] = {") failed in function ",
	                       s->fn, ": ",
	                       s->why >= 0 && s->why < SING_F__COUNT ? why[s->why] : "unknown reason",
	                       has_text ? ": " : "", has_text ? s->msg : "",
	                       "\n"};
	for (unsigned p = 0; p < sizeof parts / sizeof parts[0]; p++)
		sk_line_str(&l, parts[p]);
	if (s->k->con.routed)
		con_write(s->k, l.b, l.n);
	else
		hal_write(2, l.b, l.n);
}

static void report_stats(const struct sip *s)
{
	struct sk_line l = {.n = 0};
	sk_line_str(&l, "sing: sip ");
	sk_line_str(&l, s->name);
	sk_line_str(&l, ": collections ");
	sk_line_u64(&l, s->gc.collections);
	sk_line_str(&l, " (full ");
	sk_line_u64(&l, s->gc.full_collections);
	sk_line_str(&l, ", incremental cycles ");
	sk_line_u64(&l, s->gc.cycles);
	sk_line_str(&l, " in ");
	sk_line_u64(&l, s->gc.slices);
	sk_line_str(&l, " slices), marked ");
	sk_line_u64(&l, s->gc.marked);
	sk_line_str(&l, " objects, promoted ");
	sk_line_u64(&l, s->gc.promoted_total >> 20);
	sk_line_str(&l, " MiB, cycles traced ");
	sk_line_u64(&l, s->gc.cycle_traced >> 20);
	sk_line_str(&l, " MiB, remembered traced ");
	sk_line_u64(&l, s->gc.rem_traced >> 20);
	sk_line_str(&l, " MiB, stacks scanned ");
	sk_line_u64(&l, s->stack_scanned >> 20);
	sk_line_str(&l, " MiB, slabs ");
	sk_line_u64(&l, s->gc.slabs);
	sk_line_str(&l, ", whole promotions ");
	sk_line_u64(&l, s->gc.wholes);
	sk_line_str(&l, " (early promotion ");
	sk_line_u64(&l, s->gc.early_bytes >> 20);
	sk_line_str(&l, " MiB)");
	sk_line_str(&l, ", cycles put off ");
	sk_line_u64(&l, s->gc.put_off);
	sk_line_str(&l, ", pause max ");
	sk_line_u64(&l, s->gc.pause_max_ns / 1000);
	sk_line_str(&l, " us, total ");
	sk_line_u64(&l, s->gc.pause_total_ns / 1000);
	sk_line_str(&l, " us, peak memory ");
	sk_line_u64(&l, s->budget.peak);
	sk_line_str(&l, " bytes, stack segments mapped ");
	sk_line_u64(&l, s->stack_maps);
	sk_line_str(&l, ", most threads running at once ");
	sk_line_u64(&l, s->nrun_max > 1 ? s->nrun_max : 1);   /* counted with several CPUs only */
	sk_line_str(&l, ", CPU ");
	sk_line_u64(&l, s->cpu);   /* its main thread's, when it ended */
	sk_line_str(&l, "\n");
	static const char *const bucket[GC_NHIST] = {
		"<10us", "<100us", "<1ms", "<10ms", "<100ms", "<1s", ">=1s"};
	sk_line_str(&l, "sing: sip ");
	sk_line_str(&l, s->name);
	sk_line_str(&l, ": pauses");
	for (int i = 0; i < GC_NHIST; i++) {
		sk_line_str(&l, " ");
		sk_line_str(&l, bucket[i]);
		sk_line_str(&l, ":");
		sk_line_u64(&l, s->gc.pause_hist[i]);
	}
	sk_line_str(&l, "\n");
	sk_line_put(&l);
}

/* ---- start, tear down, wait ---- */

void sip_teardown(struct sip *s)
{
	struct sk_kernel *k = s->k;
	s->t1 = hal_clock_ns();
	TR_EVENT(TR_SIP_EXIT, s->state == SIP_FAILED ? 1 + s->why : 0, s->pid,
	         (uint32_t)s->status | tr_str(s->name) << 32, k->xh.live_bytes);
	s->stopper = NULL;   /* its held threads go with the rest */
	s->halted = NULL;
	while (s->threads)
		thread_free(s->threads);
	io_release(s);                     /* its devices stop DMA first */
	ns_reclaim(k, &s->xh_own);         /* the name service's provider ends stay open */
	xh_free_all(&k->xh, &s->xh_own);   /* closes its endpoints: peers see ChannelClosed */
	if (s->state == SIP_FAILED)
		report_failure(s);
	proc_ended(s);
	if (k->debug & SK_DEBUG_STATS)
		report_stats(s);
	gc_destroy(&s->gc);
	hal_free(s->extra);
	s->extra = NULL;
	/* The host side may wait for it (sk_wait, in CPU 0's loop).  Unless
	 * this is that loop, CPU 0's running thread gives the CPU back so the
	 * loop sees the end: with threads queued there a slice's end switches
	 * to the next one without returning to the loop, and a SIP that ended
	 * on another CPU (or was killed from a thread) beside computing SIPs
	 * was never seen to end. */
	if (sched_cpu(k) != &k->cpu[0] || k->cpu[0].cur)
		cpus_call_back(&k->cpu[0]);
	if (s->detached)
		sip_release(s);
}

void sip_release(struct sip *s)
{
	struct sk_kernel *k = s->k;
	for (struct sip **p = &k->sips; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			k->nsips--;
			break;
		}
	hal_free(s->argv_own);
	hal_free(s->ports);
	hal_free(s);
}

/* Check the endpoints against main's parameters: same contract (by shape)
 * or one extending it (ly_upcast), side and declared state. */
static const char *check_eps(const struct sk_image *im, void *const *eps, const uint32_t *states,
                             uint32_t neps)
{
	const struct sing_image *img = im->img;
	if (neps != img->main_extra)
		return "main takes another number of endpoints";
	for (uint32_t i = 0; i < neps; i++) {
		const struct sing_tinfo *ti = &img->types[img->main_types[i]];
		const struct ch_end *e = eps[i];
		if (ti->kind == SING_K_IOPORT && e)
			continue;   /* an io_port handle (sk_launch made it from the claim) */
		if (ti->kind != SING_K_ENDPOINT)
			return "main takes a parameter other than an endpoint (ioport)";
		if (!e)
			return "endpoint speaks another contract than main's parameter";
		if (ti->side != e->side)
			return "endpoint is the other side of main's parameter";
		if (ti->state != (states ? states[i] : 0))
			return "endpoint is in another state than main's parameter";
		if (!ly_upcast(e->con, im->map.con[ti->contract], e->side, ti->state))
			return "endpoint speaks another contract than main's parameter";
	}
	return NULL;
}

struct sip *sip_start(struct sk_kernel *k, const struct sk_image *im, const char *name,
                      uint64_t budget, int argc, char *const argv[], void *const *eps,
                      const uint32_t *states, uint32_t neps, int detached,
                      char *err, unsigned errlen)
{
	const char *why = check_eps(im, eps, states, neps);
	if (why) {
		sk_copy_str(err, errlen, why);
		return NULL;
	}
	struct sip *s = hal_alloc(sizeof *s);
	if (!s)
		kpanic("no memory for a SIP");
	s->pid = k->next_pid++;
	sk_copy_str(s->name, sizeof s->name, name);
	s->k = k;
	s->im = im;
	s->img = im->img;
	s->detached = detached;
	s->argc = argc;
	s->argv = argv;
	s->budget.limit = budget ? budget : SK_DEFAULT_BUDGET;
	gc_init(&s->gc, s->img->types, s->img->ntypes, &s->budget, &k->xh,
	        (k->debug & SK_DEBUG_GCSTRESS) != 0);
	s->gc.roots = sip_roots;
	s->gc.barrier = sip_barrier;
	s->gc.roots_ctx = s;
	s->gc.halt = halt_gc;
	xh_list_init(&s->xh_own, s->pid, &s->budget);
	s->extra = hal_alloc((neps + 1) * sizeof *s->extra);
	if (!s->extra)
		kpanic("no memory for a SIP");
	for (uint32_t i = 0; i < neps; i++) {
		s->extra[i] = eps[i];
		if (s->img->types[s->img->main_types[i]].kind == SING_K_ENDPOINT)
			xh_recv(eps[i], &s->xh_own);
	}
	s->next = k->sips;
	k->sips = s;
	k->nsips++;
	k->sips_started++;
	s->t0 = hal_clock_ns();
	s->cpu = sched_place(k);
	TR_NAMED(TR_SIP_START, s->pid, s->name, k->xh.live_bytes);
	s->main = thread_new(s, NULL, NULL, 0);
	if (!s->main) {
		s->state = SIP_FAILED;
		s->why = SING_F_STACK;
		sk_copy_str(s->fn, sizeof s->fn, "main");
		s->detached = 0;   /* keep the record for the caller; shutdown frees it */
		sip_teardown(s);
	}
	return s;
}

struct sip *sk_start(struct sk_kernel *k, const struct sk_image *im, const char *name,
                     uint64_t budget, int argc, char *const argv[], void *const *eps,
                     const uint32_t *states, uint32_t neps, char *err, unsigned errlen)
{
	return sip_start(k, im, name, budget, argc, argv, eps, states, neps, 0, err, errlen);
}

/* Ctrl-C during `sing run`: the program stops, said on the diagnostics. */
static void interrupted(struct sip *s)
{
	s->state = SIP_EXITED;
	s->status = SK_EXIT_INTERRUPTED;
	sip_teardown(s);
	struct sk_line l = {.n = 0};
	sk_line_str(&l, "sing: ");
	sk_line_str(&l, s->name);
	sk_line_str(&l, ": interrupted\n");
	sk_line_put(&l);
}

int sip_stop_later(struct sip *s, int doom, int32_t status)
{
	struct sk_kernel *k = s->k;
	if (!klock_smp)
		return 0;
	unsigned here = sched_cpu(k)->id;
	int late = 0;
	for (struct sk_thread *t = s->threads; t; t = t->sib)
		if (t->state == TH_RUNNING && t->cpu != here) {
			__atomic_store_n(&t->pub.poll, 1, __ATOMIC_RELAXED);
			late = 1;
		}
	if (!late)
		return 0;
	s->doom = doom;
	s->doom_status = status;
	k->late_stops++;
	return 1;
}

int sk_wait(struct sk_kernel *k, struct sip *s, int64_t *run_ns)
{
	while (s->state == SIP_RUNNING) {
		if (hal_intr_take()) {
			if (!sip_stop_later(s, 2, SK_EXIT_INTERRUPTED)) {
				interrupted(s);
				break;
			}
			struct sk_line l = {.n = 0};
			sk_line_str(&l, "sing: ");
			sk_line_str(&l, s->name);
			sk_line_str(&l, ": interrupted\n");
			sk_line_put(&l);
		}
		if (sched_step(k))
			continue;
		if (klock_smp && sched_steal(k, sched_cpu(k)))
			continue;   /* run what it took now, not after a sleep */
		if (klock_smp && sched_busy(k)) {
			sched_idle(sched_cpu(k), 20000000);   /* other CPUs run: s may still end */
			continue;
		}
		/* Nothing can run, and s still waits: nothing will ever wake it. */
		s->state = SIP_FAILED;
		s->why = SING_F_DEADLOCK;
		sk_copy_str(s->fn, sizeof s->fn, "main");
		sip_teardown(s);
	}
	if (run_ns)
		*run_ns = s->t1 - s->t0;
	int rc = s->state == SIP_EXITED ? (int)(s->status & 0xff) : SK_EXIT_FAILED;
	sip_release(s);
	return rc;
}

int sk_run(struct sk_kernel *k, const struct sk_image *im, const char *name,
           uint64_t budget, int argc, char *const argv[], int64_t *run_ns)
{
	char err[128];
	struct sip *s = sk_start(k, im, name, budget, argc, argv, NULL, NULL, 0, err, sizeof err);
	if (!s) {
		struct sk_line l = {.n = 0};
		sk_line_str(&l, "sing: cannot start ");
		sk_line_str(&l, name);
		sk_line_str(&l, ": ");
		sk_line_str(&l, err);
		sk_line_str(&l, "\n");
		sk_line_put(&l);
		return SK_EXIT_FAILED;
	}
	return sk_wait(k, s, run_ns);
}
