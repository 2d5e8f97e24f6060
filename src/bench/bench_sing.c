/* bench_sing.c - the Sing side of the cost table: one slot per kernel
 * operation (enum bench_sing_op in bench.h), each a real Sing program from
 * bench/cost/ run in a real kernel.
 *
 * Setup (untimed) boots a kernel, builds, verifies and installs the slot's
 * program (the install cache keeps the compiled object, so cc runs once per
 * program, not per run) and starts it as a benchmark SIP
 * (src/kernel/kbench.h), with its child program when it has one: either
 * registered with the launcher (main then gets /kernel/launch) or started
 * as the provider of a name (main then gets the name service, /svc/ns).  Each batch, run(c, n) sends the SIP Go(n, arg);
 * the SIP times its n operations with clock() around just the loop and
 * answers Took(ns), which becomes c->ticks.  Teardown closes the SIP and
 * shuts the kernel down.  What one operation is: the slot's `what` below and
 * the program's header comment (docs/performance.md has both).
 *
 * A cross-CPU placement boots the kernel with two CPUs (sk_cpus), CPU 0
 * the benchmark's own thread on cpu_self and CPU 1 a host thread pinned to
 * cpu_peer; the main SIP starts on CPU 0 and the child it launches lands
 * on the less loaded CPU 1, where it stays (sk_no_follow: no wake
 * affinity, which would bring it to CPU 0 at the first message).  A slot
 * without a child (thread_pingpong_xcpu) pins its SIP's threads instead
 * (sk_pin_threads): main on CPU 0, the thread it spawns on CPU 1; each
 * batch then checks that both CPUs switched at least once per operation,
 * so a figure is never one CPU's in disguise.
 */
#include "bench.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../cli/cli.h"
#include "../backend/backend.h"
#include "../kernel/kbench.h"
#include "../kernel/kernel.h"
#include "../system/pipeline.h"
#include "../sil/sil.h"

const char bench_sing_missing[] = "n/a (not in the kernel yet)";
unsigned bench_sing_cpus = 1;

const char *const bench_sing_labels[BENCH_SING_N] = {
#define BENCH_X(id, label) [BENCH_SING_##id] = label,
	BENCH_SING_OPS(BENCH_X)
#undef BENCH_X
};

/* One slot's program: bench/cost/MAIN, its child (or NULL), the name the
 * child provides (NULL: the child is launcher program 0) and the Go
 * argument (a size in bytes, or 0). */
struct bs_prog {
	const char *main, *child, *provides;
	int64_t arg;
};

/* The running benchmark: its kernel, images and SIP; ticks per ns learnt
 * from every batch so far (the SIP's clock() is in ns). */
struct bs_state {
	struct sk_kernel *k;
	struct sk_image *img[2];
	struct kb_sip *sip;
	uint64_t sum_ticks, sum_ns;
	int pinned;             /* one SIP's threads pinned to CPUs 0 and 1 */
};

/* bench/cost/, found from the executable (build/sing or build/asan/sing),
 * or $SING_BENCH_DIR. */
static const char *bs_dir(void)
{
	static char dir[4096];
	static const char *const ups[] = {"/../bench/cost", "/../../bench/cost"};
	const char *env = getenv("SING_BENCH_DIR");
	if (env && *env)
		return env;
	char exe[4000];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		*strrchr(exe, '/') = 0;
		for (size_t i = 0; i < sizeof ups / sizeof ups[0]; i++) {
			snprintf(dir, sizeof dir, "%s%s/cost.sg", exe, ups[i]);
			if (access(dir, R_OK) == 0) {
				snprintf(dir, sizeof dir, "%s%s", exe, ups[i]);
				return dir;
			}
		}
	}
	return "bench/cost";
}

static int bs_load(struct bench_ctx *c, struct bs_state *st, const char *name, int i)
{
	char src[4200];
	struct be_result r;
	snprintf(src, sizeof src, "%s/%s", bs_dir(), name);
	struct sil_pkg *p = cli_load(src, NULL);   /* built as `sing build` would */
	st->img[i] = p ? pl_load(st->k, p, src, stderr, &r) : NULL;   /* the trusted road */
	sil_free(p);
	if (!st->img[i])
		return bench_fail(c, "%s did not build, verify, install and load", src);
	return 0;
}

static void bs_teardown(struct bench_ctx *c)
{
	struct bs_state *st = c->state;
	if (st->sip && kb_close(st->sip) != 0)
		fprintf(stderr, "sing bench: a benchmark SIP did not end cleanly\n");
	uint64_t live = sk_shutdown(st->k);
	for (int i = 0; i < 2; i++)
		if (st->img[i])
			sk_unload(st->img[i]);
	if (live)
		fprintf(stderr, "sing bench: %llu exchange-heap bytes live at shutdown\n",
		        (unsigned long long)live);
	free(st);
	c->state = NULL;
}

/* The child: launcher program 0, or the provider of pr->provides. */
static int bs_child(struct bench_ctx *c, struct bs_state *st, const struct bs_prog *pr)
{
	char err[256];
	int rc = bs_load(c, st, pr->child, 1);
	if (rc)
		return rc;
	if (pr->provides && kb_provide(st->k, st->img[1], pr->child, pr->provides,
	                               err, sizeof err) < 0)
		return bench_fail(c, "cannot start %s as %s: %s", pr->child, pr->provides, err);
	if (!pr->provides && sk_register(st->k, st->img[1], pr->child, 0) < 0)
		return bench_fail(c, "cannot register %s", pr->child);
	return 0;
}

/* Kernel CPUs 0 and 1 on host CPUs cpu_self and cpu_peer: the new CPU's
 * thread inherits, and picks the second of, the caller's allowed set. */
static int bs_two_cpus(struct bench_ctx *c, struct sk_kernel *k, int pin)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(c->cpu_self, &set);
	CPU_SET(c->cpu_peer, &set);
	if (c->cpu_peer < c->cpu_self || sched_setaffinity(0, sizeof set, &set) != 0)
		return -1;
	sk_no_follow(k);   /* the child stays on CPU 1: every round trip crosses */
	unsigned n = sk_cpus(k, 2);
	bench_pin_self(c->cpu_self);
	if (pin)
		sk_pin_threads(k);   /* no child: the SIP's two threads cross */
	return n == 2 ? 0 : -1;
}

static int bs_setup(struct bench_ctx *c, const struct bs_prog *pr)
{
	const char *svc[] = {pr->provides ? "/svc/ns" : SK_LAUNCH_PATH};
	char err[256];
	int cross = c->cpu_peer != c->cpu_self;
	struct bs_state *st = xcalloc(1, sizeof *st);
	c->state = st;
	st->k = sk_boot(0);
	if (!cross && bench_sing_cpus > 1)
		sk_cpus(st->k, bench_sing_cpus);   /* the real lock; the pair shares CPU 0 */
	st->pinned = cross && !pr->child;
	if (cross && bs_two_cpus(c, st->k, st->pinned) < 0) {
		bs_teardown(c);
		return bench_fail(c, "n/a: the kernel could not start a second CPU");
	}
	int rc = bs_load(c, st, pr->main, 0);
	if (!rc && pr->child)
		rc = bs_child(c, st, pr);
	if (!rc && !(st->sip = kb_open(st->k, st->img[0], pr->main, svc,
	                               pr->child ? 1 : 0, err, sizeof err)))
		rc = bench_fail(c, "cannot start %s: %s", pr->main, err);
	if (rc)
		bs_teardown(c);
	return rc;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One batch in the SIP; its figure (ns) converted to counter ticks with
 * the ratio of the two clocks over every batch so far. */
static int bs_run(struct bench_ctx *c, uint64_t n, int64_t arg)
{
	struct bs_state *st = c->state;
	char err[160];
	int64_t ns = 0;
	uint64_t sw0 = sk_cpu_switches(st->k, 0), sw1 = sk_cpu_switches(st->k, 1);
	uint64_t t0 = bench_ticks(), n0 = now_ns();
	if (kb_go(st->sip, (int64_t)n, arg, &ns, err, sizeof err) != 0)
		return bench_fail(c, "%s", err);
	sw0 = sk_cpu_switches(st->k, 0) - sw0;
	sw1 = sk_cpu_switches(st->k, 1) - sw1;
	if (st->pinned && (sw0 < n || sw1 < n))
		return bench_fail(c, "the pair did not switch on both CPUs: %llu and %llu switches "
		                  "for %llu round trips", (unsigned long long)sw0,
		                  (unsigned long long)sw1, (unsigned long long)n);
	st->sum_ticks += bench_ticks() - t0;
	st->sum_ns += now_ns() - n0;
	double per_ns = st->sum_ns ? (double)st->sum_ticks / (double)st->sum_ns : 1;
	c->ticks = (uint64_t)((double)(ns > 0 ? ns : 1) * per_ns);
	c->ticks += !c->ticks;
	return 0;
}

/* The slots: X(slot, program, child, name the child provides, Go argument,
 * what is timed). */
#define BS_SLOTS(X) \
	X(ABI_CALL, "abi.sg", NULL, NULL, 0, \
	  "yield() with no other thread runnable: GC-kind ABI stub + run-queue check") \
	X(YIELD, "yield.sg", NULL, NULL, 0, \
	  "yield() between 2 threads of one SIP: one user-level switch") \
	X(THREAD_PINGPONG, "threads.sg", NULL, NULL, 0, \
	  "2 threads of one SIP, Ping/Pong round trip over a channel") \
	X(SIP_PINGPONG, "pingpong.sg", "echo.sg", NULL, 0, \
	  "2 SIPs, Ping/Pong round trip over a channel") \
	X(SIP_CREATE, "spawn.sg", "empty.sg", NULL, 0, \
	  "launch an installed SIP via the launcher, it exits, join (ChannelClosed)") \
	X(SEND_8, "send.sg", NULL, NULL, 8, \
	  "8 B exheap buffer sent and received over and back (1 thread, both ends)") \
	X(SEND_64K, "send.sg", NULL, NULL, 65536, \
	  "64 KiB exheap buffer sent and received over and back (1 thread, both ends)") \
	X(EXHEAP_64, "exheap.sg", NULL, NULL, 64, "new exheap u8[64] + delete") \
	X(EXHEAP_64K, "exheap.sg", NULL, NULL, 65536, "new exheap u8[65536] (zeroed) + delete") \
	X(EXHEAP_64K_FILL, "exheap.sg", NULL, NULL, -65536, \
	  "new exheap i64[8192] (zeroed) + every element written + delete") \
	X(CHAN_CREATE, "chan.sg", NULL, NULL, 0, "NewChannel + delete both ends") \
	X(NS_BIND, "bind.sg", "bindsrv.sg", "/bench/echo", 0, \
	  "NewChannel + Bind via /svc/ns + Ok; provider SIP gets Connect, deletes; join")

#define BS_X(id, prog, kid, name, goarg, what) \
	static const struct bs_prog bs_prog_##id = {prog, kid, name, goarg}; \
	static int bs_setup_##id(struct bench_ctx *c) { return bs_setup(c, &bs_prog_##id); } \
	static int bs_run_##id(struct bench_ctx *c, uint64_t n) \
	{ return bs_run(c, n, bs_prog_##id.arg); } \
	static const struct bench_impl bs_impl_##id = {what, bs_setup_##id, bs_run_##id, bs_teardown};
BS_SLOTS(BS_X)
#undef BS_X

const struct bench_impl *const bench_sing_impls[BENCH_SING_N] = {
#define BS_X(id, prog, kid, name, goarg, what) [BENCH_SING_##id] = &bs_impl_##id,
	BS_SLOTS(BS_X)
#undef BS_X
};
