/*
 * bench.h - the cost table: Singularity's micro-benchmarks, measured side by
 * side with Linux in one run (`sing bench`).
 *
 * A row of the table (bench_rows.c) names one operation and carries two
 * implementations of it, a Sing side (bench_sing.c, filled as the kernel
 * lands) and a Linux side (bench_linux*.c), plus the published Singularity
 * figures.  The harness (bench_measure.c) times each side the same way: a
 * warm-up, then batches of N back-to-back operations on a pinned CPU; a
 * batch's time divided by N is one sample, and the table shows the median
 * and spread of the samples in nanoseconds and cycles.
 *
 * Invariant: a figure is printed only if it was measured in this run; a
 * side that is missing or could not run says so in words ("n/a (kernel not
 * built)", "could not run: ...") and never shows a number.
 * Must never: subtract overheads or otherwise adjust a measurement, or fail
 * a test because something was slow (timing lives in output, not in tests).
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/util.h"

/* ---- the interface an implementation (either side) plugs into ---------- */

/* What one implementation sees.  The harness fills cpu_self / cpu_peer and
 * runs setup, run (many times) and teardown on the thread pinned to
 * cpu_self.  A peer (thread or process) must pin itself to cpu_peer, which
 * equals cpu_self for same-CPU rows.  On failure a call returns -1 after
 * bench_fail() has written the reason into why. */
struct bench_ctx {
	int cpu_self, cpu_peer;
	void *state;            /* the implementation's own, setup..teardown */
	uint64_t ticks;         /* run may set: its own timing, in bench_ticks() */
	char why[160];
};

/* run(c, n) performs the operation n times back to back.  Normally the
 * harness times the whole call; an implementation whose operation cannot be
 * separated from per-batch work (e.g. a SIP that loops inside itself) reads
 * bench_ticks() around just the n operations and stores the difference in
 * c->ticks, which the harness then uses instead.  setup and teardown may be
 * NULL; teardown runs whenever setup succeeded. */
struct bench_impl {
	const char *what;       /* one line: exactly what is timed */
	int (*setup)(struct bench_ctx *c);
	int (*run)(struct bench_ctx *c, uint64_t n);
	void (*teardown)(struct bench_ctx *c);
};

PRINTF(2, 3) int bench_fail(struct bench_ctx *c, const char *fmt, ...);
int bench_pin_self(int cpu);            /* 0 or -1 (errno set) */
uint64_t bench_ticks(void);             /* the cycle counter (or ns fallback) */

/* The Sing side: one slot per kernel operation (X-macro: enum name, label).
 * bench_sing.c maps each slot to an implementation, NULL while missing.
 * Several rows may share a slot; it is then measured once per run and CPU
 * placement (a cross-CPU row measures the slot again with cpu_peer set to
 * the second CPU). */
#define BENCH_SING_OPS(X) \
	X(ABI_CALL,        "ABI call") \
	X(YIELD,           "thread yield") \
	X(THREAD_PINGPONG, "2 threads in a SIP, wait/set ping-pong") \
	X(SIP_PINGPONG,    "2 SIPs, channel message ping-pong") \
	X(SIP_CREATE,      "SIP create+start+run+join") \
	X(SEND_8,          "exchange-heap send+receive, 8 B") \
	X(SEND_64K,        "exchange-heap send+receive, 64 KiB") \
	X(EXHEAP_64,       "exchange-heap alloc+free, 64 B") \
	X(EXHEAP_64K,      "exchange-heap alloc+free, 64 KiB") \
	X(EXHEAP_64K_FILL, "exchange-heap alloc+write+free, 64 KiB") \
	X(CHAN_CREATE,     "channel create+close") \
	X(NS_BIND,         "name-service bind")

enum bench_sing_op {
#define BENCH_X(id, label) BENCH_SING_##id,
	BENCH_SING_OPS(BENCH_X)
#undef BENCH_X
	BENCH_SING_N,
	BENCH_SING_NONE = -1
};

extern const struct bench_impl *const bench_sing_impls[BENCH_SING_N];
extern const char *const bench_sing_labels[BENCH_SING_N];
extern const char bench_sing_missing[];  /* why a NULL slot prints n/a */
extern unsigned bench_sing_cpus;         /* kernel CPUs of a same-CPU row (1) */

/* ---- the table ---------------------------------------------------------- */

enum bench_cpu { BENCH_ONE_CPU, BENCH_SAME_CPU, BENCH_CROSS_CPU };

/* Published cycle counts (0 = not published for this row). */
struct bench_published {
	unsigned long sing, linux_, windows;
};

struct bench_row {
	const char *name;               /* stable identifier: JSON key, --only */
	const char *title;              /* what the row compares, for people */
	enum bench_cpu cpu;
	enum bench_sing_op sing;        /* the Sing side's slot */
	const struct bench_impl *linux_;
	struct bench_published published;
};

extern const struct bench_row bench_rows[];
extern const size_t bench_nrows;
extern const char bench_published_source[];

/* The Linux implementations (bench_linux.c, bench_linux_proc.c). */
extern const struct bench_impl bench_linux_getppid, bench_linux_yield,
	bench_linux_futex_pingpong, bench_linux_condvar_pingpong,
	bench_linux_pipe_pingpong, bench_linux_pipe_8, bench_linux_pipe_64k,
	bench_linux_malloc_64, bench_linux_malloc_64k, bench_linux_malloc_64k_fill,
	bench_linux_socketpair,
	bench_linux_unix_connect;
extern const struct bench_impl bench_linux_fork, bench_linux_fork_exec,
	bench_linux_spawn;
void bench_linux_proc_cleanup(void);  /* remove the helper's temp dir */
const char *bench_linux_helper_kind(void);  /* "static", "dynamic", or why not */

/* ---- measuring ---------------------------------------------------------- */

/* Order statistics of one side's samples (ns per operation). */
struct bench_stats {
	double median, p10, p90, min, max;
};

enum bench_status { BENCH_OK, BENCH_MISSING, BENCH_SKIPPED };

#define BENCH_MAX_BATCHES 512

struct bench_result {
	enum bench_status status;
	char why[200];                  /* MISSING / SKIPPED: the reason */
	struct bench_stats ns, cycles;
	uint64_t iters, batches;        /* per batch; number of batches */
	/* each batch's cycles per operation, and the lower of the core
	 * probes before and after it (bench_core.c) */
	double cyc[BENCH_MAX_BATCHES], probe[BENCH_MAX_BATCHES];
};

/* How hard to measure.  --quick shortens batches and takes fewer. */
struct bench_plan {
	double batch_ns;                /* aim for batches this long */
	unsigned batches;               /* samples per side */
	uint64_t max_iters;             /* cap on operations per batch */
	bool core;                      /* the core probe before and after each batch (--core) */
};

/* The machine and the counter, measured once per run. */
struct bench_host {
	char cpu_model[128], kernel[256], compiler[160], counter[32];
	int ncpus, cpu_a, cpu_b;        /* cpu_b < 0: only one usable CPU */
	double cycles_per_ns;           /* 0 when there is no cycle counter */
	double load1;                   /* 1-minute load average at the start */
	double core_best;               /* --core: the best core probe at the start (bench_core.c) */
};

void bench_host_probe(struct bench_host *h, bool quick);
double bench_stat_percentile(const double *sorted, size_t n, double p);
void bench_stats_of(double *samples, size_t n, struct bench_stats *out);
void bench_measure(const struct bench_impl *impl, enum bench_cpu cpu,
		   const struct bench_host *h, const struct bench_plan *plan,
		   struct bench_result *out);
int bench_selftest(void);      /* 0 if the statistics code is right */
/* bench_core.c: whether a hyperthread sibling shares the measuring core.
 * The probe's rate (adds per counter tick; 0: no probe here), and a
 * row's n batches split by it against the run's best probe: the order
 * statistics of those that ran with the core alone and of the rest;
 * returns how many ran alone. */
double bench_core_probe(void);
double bench_core_best(void);   /* the best probe of ~30 ms: bench_host.core_best */
size_t bench_core_split(const double *cyc, const double *probe, size_t n, double best,
			struct bench_stats *alone, struct bench_stats *shared);
/* bench_trace.c: what one trace event costs, alone and in msg_pingpong. */
void bench_trace_cost(const struct bench_host *h, const struct bench_plan *plan);

/* ---- reporting ---------------------------------------------------------- */

/* One measured row: both sides' results. */
struct bench_line {
	const struct bench_row *row;
	struct bench_result sing, linux_;
};

/* core: the batches are --core's, and each row's cycles are split by
 * what the core probe saw (bench_core.c). */
void bench_print_table(const struct bench_host *h, const struct bench_line *l,
		       size_t n, bool quick, bool core);
void bench_json(struct sbuf *b, const struct bench_host *h,
		const struct bench_line *l, size_t n, bool quick, bool core);
void bench_svg(struct sbuf *b, const struct bench_host *h,
	       const struct bench_line *l, size_t n);
double bench_ratio(const struct bench_line *l);  /* Linux/Sing, or 0 */
void bench_fmt_num(char *out, size_t n, double v);  /* 3-4 digits, no exponent */
void bench_fmt_published(char *out, size_t n, const struct bench_published *p);

#endif
