/* bench_core.c - is the measuring CPU's core ours alone?
 *
 * This machine's CPUs may be hyperthreads whose siblings run other
 * tenants' work (a cloud guest).  While a sibling computes, the core's
 * execution units are shared: code that issues several instructions per
 * cycle (a message round trip) runs at about two thirds of its speed,
 * while a chain of dependent adds does not slow at all, and the two
 * states alternate within one row of the table (docs/performance.md
 * "The host's two phases").  The probe tells them apart: four independent
 * add chains, which one core alone retires about four adds a cycle and a
 * shared core far fewer.  The harness probes before and after each batch;
 * the report splits a row's batches by what the probes saw.  Nothing is
 * adjusted or dropped: every batch still counts in the table's figures,
 * and the split is printed beside them. */
#include "bench.h"

#include <stdlib.h>

/* Independent adds per probe: 512 rounds of 16, about a microsecond. */
#define PROBE_ROUNDS 512
#define PROBE_ADDS (PROBE_ROUNDS * 16)

static double probe_once(void)
{
#if defined(__x86_64__)
	uint64_t a = 0, b = 0, c = 0, d = 0;
	uint64_t t0 = bench_ticks();
	for (int i = 0; i < PROBE_ROUNDS; i++)
		__asm__ volatile(
			"add $1,%0\n\tadd $1,%1\n\tadd $1,%2\n\tadd $1,%3\n\t"
			"add $1,%0\n\tadd $1,%1\n\tadd $1,%2\n\tadd $1,%3\n\t"
			"add $1,%0\n\tadd $1,%1\n\tadd $1,%2\n\tadd $1,%3\n\t"
			"add $1,%0\n\tadd $1,%1\n\tadd $1,%2\n\tadd $1,%3"
			: "+r"(a), "+r"(b), "+r"(c), "+r"(d));
	uint64_t t1 = bench_ticks();
	return t1 > t0 ? (double)PROBE_ADDS / (double)(t1 - t0) : 0;
#else
	return 0;   /* no probe: the report prints no split */
#endif
}

static double best_of(int n)
{
	double best = 0;
	for (int i = 0; i < n; i++) {
		double r = probe_once();
		if (r > best)
			best = r;
	}
	return best;
}

/* Adds per counter tick, the best of three back-to-back probes (an
 * interrupt inside one must not make the core look shared). */
double bench_core_probe(void)
{
	return best_of(3);
}

/* The best probe over about 30 ms at the start of a run: the core is
 * seldom shared for that long, so this is close to the rate of the core
 * alone even when the rows that follow all run shared. */
double bench_core_best(void)
{
	return best_of(20000);
}

/* A batch ran with the core alone when its probes reached this share of
 * the best probe of the run; a shared core measured about 0.65 of it
 * here, one alone 0.9 to 1. */
#define CORE_ALONE 0.85

size_t bench_core_split(const double *cyc, const double *probe, size_t n, double best,
			struct bench_stats *alone, struct bench_stats *shared)
{
	double *a = xcalloc(n + 1, sizeof *a), *s = xcalloc(n + 1, sizeof *s);
	size_t na = 0, ns = 0;
	for (size_t i = 0; i < n; i++) {
		if (probe[i] >= CORE_ALONE * best)
			a[na++] = cyc[i];
		else
			s[ns++] = cyc[i];
	}
	bench_stats_of(a, na, alone);
	bench_stats_of(s, ns, shared);
	free(a);
	free(s);
	return na;
}
