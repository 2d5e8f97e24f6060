/* bench_trace.c - what tracing costs (docs/tracing.md "Cost"), printed by
 * `sing bench` after the table: the recorder alone (events into a ring
 * that wraps), and the message ping-pong measured with tracing off and on,
 * back to back, divided by the events a round trip records (counted).
 * Both take the least disturbed figure (the fastest repetition, the
 * fastest batch): on a loaded machine a median moves by more than an
 * event costs. */
#include <stdio.h>

#include "bench.h"
#include "../kernel/trace.h"

#define TRACE_BENCH_RING (1u << 16)
#define TRACE_BENCH_EVENTS 500000u
#define TRACE_BENCH_REPS 8

static int pingpong(const struct bench_host *h, const struct bench_plan *plan,
                    struct bench_result *r)
{
	const struct bench_impl *impl = bench_sing_impls[BENCH_SING_SIP_PINGPONG];
	if (!impl)
		return -1;
	bench_measure(impl, BENCH_SAME_CPU, h, plan, r);
	return r->status == BENCH_OK ? 0 : -1;
}

void bench_trace_cost(const struct bench_host *h, const struct bench_plan *plan)
{
	FILE *out = stdout;
	struct bench_result off, on;
	if (tr_start((1u << TR__COUNT) - 1, TRACE_BENCH_RING, 1u << 16)) {
		fprintf(out, "trace: no memory for the rings\n");
		return;
	}
	int64_t ns = 0;
	for (int i = 0; i < TRACE_BENCH_REPS; i++) {
		int64_t t = tr_bench(TRACE_BENCH_EVENTS);
		ns = i == 0 || t < ns ? t : ns;
	}
	tr_stop();
	fprintf(out, "\ntrace cost (docs/tracing.md): one event recorded: %.1f ns "
	        "(fastest of %d runs of %u events into a %u-event ring)\n",
	        (double)ns / TRACE_BENCH_EVENTS, TRACE_BENCH_REPS, TRACE_BENCH_EVENTS, TRACE_BENCH_RING);
	if (pingpong(h, plan, &off) || tr_start((1u << TR__COUNT) - 1, TRACE_BENCH_RING, 1u << 16)) {
		fprintf(out, "trace: msg_pingpong could not run\n");
		return;
	}
	int rc = pingpong(h, plan, &on);
	uint64_t events = 0;
	for (unsigned c = 0; c < TR_MAXCPU; c++)
		events += tr_written(c);
	tr_stop();
	double ops = (double)on.iters * (double)on.batches;
	double per_op = ops > 0 ? (double)events / ops : 0;
	if (rc || per_op < 1) {
		fprintf(out, "trace: msg_pingpong with tracing on could not run\n");
		return;
	}
	fprintf(out, "trace cost: msg_pingpong %.1f ns off, %.1f ns on (fastest batches), %.2f events "
	        "per round trip (counted): %.1f ns per event in place (goal <= 50)\n", off.ns.min,
	        on.ns.min, per_op, (on.ns.min - off.ns.min) / per_op);
}
