/* bench_measure.c - timing one implementation: set up, size the batch,
 * warm up, take the batches, and reduce them to median and spread. */
#include "bench.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Linear interpolation between closest ranks (numpy's default):
 * the p-quantile of n sorted values sits at position p*(n-1). */
double bench_stat_percentile(const double *sorted, size_t n, double p)
{
	if (n == 0)
		return 0;
	double pos = p * (double)(n - 1);
	size_t lo = (size_t)pos;
	if (lo + 1 >= n)
		return sorted[n - 1];
	double frac = pos - (double)lo;
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sorts samples in place. */
void bench_stats_of(double *samples, size_t n, struct bench_stats *out)
{
	memset(out, 0, sizeof *out);
	if (n == 0)
		return;
	qsort(samples, n, sizeof *samples, cmp_double);
	out->min = samples[0];
	out->max = samples[n - 1];
	out->median = bench_stat_percentile(samples, n, 0.5);
	out->p10 = bench_stat_percentile(samples, n, 0.1);
	out->p90 = bench_stat_percentile(samples, n, 0.9);
}

/* One timed call of run(c, n): counter ticks, or 0 with c->why on failure. */
static uint64_t timed_run(const struct bench_impl *impl, struct bench_ctx *c,
			  uint64_t n)
{
	c->ticks = 0;
	uint64_t t0 = bench_ticks();
	int rc = impl->run(c, n);
	uint64_t t1 = bench_ticks();
	if (rc != 0)
		return 0;
	uint64_t t = c->ticks ? c->ticks : t1 - t0;
	return t ? t : 1;
}

static double ticks_to_ns(const struct bench_host *h, double ticks)
{
	return h->cycles_per_ns > 0 ? ticks / h->cycles_per_ns : ticks;
}

/* Grow n until one batch takes about plan->batch_ns; these runs double as
 * the first part of the warm-up.  Returns 0 on failure. */
static uint64_t size_batch(const struct bench_impl *impl, struct bench_ctx *c,
			   const struct bench_host *h, const struct bench_plan *plan)
{
	uint64_t n = 1;
	for (;;) {
		uint64_t t = timed_run(impl, c, n);
		if (!t)
			return 0;
		double ns = ticks_to_ns(h, (double)t);
		if (n >= plan->max_iters || ns >= plan->batch_ns)
			return n;
		if (ns >= plan->batch_ns / 4) {
			double want = (double)n * plan->batch_ns / ns;
			n = want < (double)plan->max_iters ? (uint64_t)want + 1 : plan->max_iters;
			return n;
		}
		n = n * 4 < plan->max_iters ? n * 4 : plan->max_iters;
	}
}

/* The batches themselves, after one discarded warm-up batch. */
static int take_batches(const struct bench_impl *impl, struct bench_ctx *c,
			const struct bench_host *h, const struct bench_plan *plan,
			struct bench_result *out)
{
	double *ns = xcalloc(plan->batches, sizeof *ns);
	double *cyc = xcalloc(plan->batches, sizeof *cyc);
	int rc = timed_run(impl, c, out->iters) ? 0 : -1;
	for (unsigned i = 0; i < plan->batches && rc == 0; i++) {
		double before = plan->core ? bench_core_probe() : 0;
		uint64_t t = timed_run(impl, c, out->iters);
		double after = plan->core ? bench_core_probe() : 0;
		if (!t)
			rc = -1;
		cyc[i] = out->cyc[i] = (double)t / (double)out->iters;
		out->probe[i] = before < after ? before : after;
		ns[i] = ticks_to_ns(h, cyc[i]);
	}
	if (rc == 0) {
		out->batches = plan->batches;
		bench_stats_of(ns, plan->batches, &out->ns);
		if (h->cycles_per_ns > 0)
			bench_stats_of(cyc, plan->batches, &out->cycles);
	}
	free(ns);
	free(cyc);
	return rc;
}

static void skip(struct bench_result *out, const char *why)
{
	out->status = BENCH_SKIPPED;
	snprintf(out->why, sizeof out->why, "could not run: %s", why);
}

void bench_measure(const struct bench_impl *impl, enum bench_cpu cpu,
		   const struct bench_host *h, const struct bench_plan *plan,
		   struct bench_result *out)
{
	struct bench_ctx c = {.cpu_self = h->cpu_a, .cpu_peer = h->cpu_a};
	memset(out, 0, sizeof *out);
	if (cpu == BENCH_CROSS_CPU && h->cpu_b < 0) {
		skip(out, "only one CPU available, no cross-CPU run");
		return;
	}
	if (cpu == BENCH_CROSS_CPU)
		c.cpu_peer = h->cpu_b;
	if (plan->batches > BENCH_MAX_BATCHES) {   /* (a plan of cmd_bench.c's) */
		skip(out, "more batches than BENCH_MAX_BATCHES");
		return;
	}
	bench_pin_self(c.cpu_self);
	if (impl->setup && impl->setup(&c) != 0) {
		skip(out, c.why);
		return;
	}
	out->iters = size_batch(impl, &c, h, plan);
	if (!out->iters || take_batches(impl, &c, h, plan, out) != 0)
		skip(out, c.why[0] ? c.why : "the operation failed");
	else
		out->status = BENCH_OK;
	if (impl->teardown)
		impl->teardown(&c);
}

/* ---- self test: the statistics on inputs whose answers are known ------- */

struct stat_case {
	double in[10];
	size_t n;
	struct bench_stats want;
};

static const struct stat_case stat_cases[] = {
	{{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 10, {5.5, 1.9, 9.1, 1, 10}},
	{{3, 1, 2}, 3, {2, 1.2, 2.8, 1, 3}},
	{{4, 1, 3, 2}, 4, {2.5, 1.3, 3.7, 1, 4}},
	{{7}, 1, {7, 7, 7, 7, 7}},
	{{5, 5, 1, 5, 100}, 5, {5, 2.6, 62, 1, 100}},
};

static int close_to(double got, double want)
{
	return fabs(got - want) <= 1e-9 * (fabs(want) + 1);
}

int bench_selftest(void)
{
	int bad = 0, checks = 0;
	for (size_t i = 0; i < sizeof stat_cases / sizeof stat_cases[0]; i++) {
		const struct stat_case *t = &stat_cases[i];
		double buf[10];
		struct bench_stats s;
		memcpy(buf, t->in, sizeof buf);
		bench_stats_of(buf, t->n, &s);
		const double got[] = {s.median, s.p10, s.p90, s.min, s.max};
		const double want[] = {t->want.median, t->want.p10, t->want.p90,
				       t->want.min, t->want.max};
		static const char *const names[] = {"median", "p10", "p90", "min", "max"};
		for (int k = 0; k < 5; k++, checks++) {
			if (close_to(got[k], want[k]))
				continue;
			printf("FAIL stats case %zu: %s = %.12g, want %.12g\n",
			       i, names[k], got[k], want[k]);
			bad++;
		}
	}
	/* The core probe's split (bench_core.c): alone at 85% of the best. */
	static const double cyc[] = {10, 20, 30, 40, 50}, probe[] = {4, 2, 3.6, 4.2, 3.5};
	struct bench_stats a, s;
	size_t na = bench_core_split(cyc, probe, 5, 4.2, &a, &s);
	checks++;
	if (na != 3 || !close_to(a.median, 30) || !close_to(a.max, 40) ||
	    !close_to(s.min, 20) || !close_to(s.max, 50)) {
		printf("FAIL core split: %zu alone, median %g max %g; shared %g..%g;"
		       " want 3, 30, 40; 20..50\n", na, a.median, a.max, s.min, s.max);
		bad++;
	}
	printf("selftest: %d of %d statistics checks passed\n", checks - bad, checks);
	return bad ? 1 : 0;
}
