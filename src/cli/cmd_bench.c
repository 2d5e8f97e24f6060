/* cmd_bench.c - `sing bench`: run the cost table (bench_rows.c), Sing side
 * beside Linux side, and print it; optionally write JSON and an SVG chart.
 *
 *   sing bench [--quick] [--core] [--json FILE] [--svg FILE] [--only GLOB] [--cpus N]
 *                              (--core: short batches, each row's cycles
 *                              split by whether the core was shared;
 *                              --only trace: just what a trace event costs;
 *                              --cpus N: the same-CPU rows' kernels run N
 *                              CPUs, so every kernel entry takes the real
 *                              lock; default 1, as those rows were recorded)
 *   sing bench --selftest      check the statistics code on known inputs
 */
#include "cli.h"
#include "../bench/bench.h"

#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct bench_opts {
	bool quick, core, selftest;
	const char *json, *svg, *only, *cpus;
};

static const struct bench_plan plan_full = {20e6, 31, 50000000, false};
static const struct bench_plan plan_quick = {2e6, 9, 5000000, false};
/* --core: batches short enough (half a millisecond) that most fall
 * within one state of the core (bench_core.c: a sibling's work comes and
 * goes every millisecond or so), many of them. */
static const struct bench_plan plan_core = {0.5e6, 301, 50000000, true};
static const struct bench_plan plan_core_quick = {0.5e6, 61, 5000000, true};

static int usage(void)
{
	fprintf(stderr, "usage: sing bench [--quick] [--core] [--json FILE] [--svg FILE] [--only GLOB] [--cpus N]\n");
	return 2;
}

static int parse(int argc, char **argv, struct bench_opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--json") ? &o->json :
				    !strcmp(a, "--svg") ? &o->svg :
				    !strcmp(a, "--only") ? &o->only :
				    !strcmp(a, "--cpus") ? &o->cpus : NULL;
		if (slot && i + 1 < argc)
			*slot = argv[++i];
		else if (!strcmp(a, "--quick"))
			o->quick = true;
		else if (!strcmp(a, "--core"))
			o->core = true;
		else if (!strcmp(a, "--selftest"))
			o->selftest = true;
		else
			return -1;
	}
	return 0;
}

/* The Sing side, measured once per slot and CPU placement. */
static void measure_sing(const struct bench_row *r, const struct bench_host *h,
			 const struct bench_plan *plan, struct bench_result *out)
{
	static struct bench_result memo[BENCH_SING_N][3];
	static bool done[BENCH_SING_N][3];
	const struct bench_impl *impl = bench_sing_impls[r->sing];
	if (!impl) {
		memset(out, 0, sizeof *out);
		out->status = BENCH_MISSING;
		snprintf(out->why, sizeof out->why, "%s", bench_sing_missing);
		return;
	}
	if (!done[r->sing][r->cpu]) {
		bench_measure(impl, r->cpu, h, plan, &memo[r->sing][r->cpu]);
		done[r->sing][r->cpu] = true;
	}
	*out = memo[r->sing][r->cpu];
}

/* mkdir -p of the directory part of path. */
static void make_parent(const char *path)
{
	char *d = xstrdup(path);
	for (char *p = d + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		mkdir(d, 0777);
		*p = '/';
	}
	free(d);
}

static int save(const char *path, struct sbuf *b)
{
	make_parent(path);
	if (write_file(path, b->data, b->len) != 0) {
		fprintf(stderr, "sing bench: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

static size_t run_rows(const struct bench_opts *o, const struct bench_host *h,
		       struct bench_line *lines)
{
	const struct bench_plan *plan = o->core ? (o->quick ? &plan_core_quick : &plan_core) :
	                                o->quick ? &plan_quick : &plan_full;
	size_t n = 0;
	for (size_t i = 0; i < bench_nrows; i++) {
		const struct bench_row *r = &bench_rows[i];
		if (o->only && fnmatch(o->only, r->name, 0) != 0)
			continue;
		fprintf(stderr, "sing bench: %s\n", r->name);
		lines[n].row = r;
		measure_sing(r, h, plan, &lines[n].sing);
		bench_measure(r->linux_, r->cpu, h, plan, &lines[n].linux_);
		n++;
	}
	return n;
}

static int write_outputs(const struct bench_opts *o, const struct bench_host *h,
			 const struct bench_line *lines, size_t n)
{
	int rc = 0;
	if (o->json) {
		struct sbuf b = {0};
		bench_json(&b, h, lines, n, o->quick, o->core);
		rc |= save(o->json, &b);
		sb_free(&b);
	}
	if (o->svg) {
		struct sbuf b = {0};
		bench_svg(&b, h, lines, n);
		rc |= save(o->svg, &b);
		sb_free(&b);
	}
	return rc;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_opts o = {0};
	if (parse(argc, argv, &o) != 0)
		return usage();
	if (o.cpus) {
		long n = cli_cpus_arg("bench", o.cpus);
		if (n < 0)
			return 2;
		bench_sing_cpus = (unsigned)n;
	}
	if (o.selftest)
		return bench_selftest();
	struct bench_line *lines = xcalloc(bench_nrows, sizeof *lines);
	struct bench_host h;
	signal(SIGPIPE, SIG_IGN);
	bench_host_probe(&h, o.quick);
	if (o.core)
		h.core_best = bench_core_best();
	size_t n = run_rows(&o, &h, lines);
	bench_linux_proc_cleanup();
	bool trace = !o.only || !fnmatch(o.only, "trace", 0);   /* bench_trace.c */
	if (n == 0 && !trace) {
		fprintf(stderr, "sing bench: no benchmark matches '%s'\n", o.only);
		free(lines);
		return 2;
	}
	if (n)
		bench_print_table(&h, lines, n, o.quick, o.core);
	if (trace)
		bench_trace_cost(&h, o.quick ? &plan_quick : &plan_full);
	int rc = write_outputs(&o, &h, lines, n);
	free(lines);
	return rc;
}
