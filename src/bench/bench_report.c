/* bench_report.c - the cost table for people (terminal) and for machines
 * (JSON).  Only measured figures become numbers; the rest become words. */
#include "bench.h"

#include <stdio.h>
#include <string.h>

double bench_ratio(const struct bench_line *l)
{
	if (l->sing.status != BENCH_OK || l->linux_.status != BENCH_OK ||
	    l->sing.ns.median <= 0)
		return 0;
	return l->linux_.ns.median / l->sing.ns.median;
}

/* A figure with three or four significant digits, never in exponent form. */
void bench_fmt_num(char *out, size_t n, double v)
{
	snprintf(out, n, v < 10 ? "%.2f" : v < 100 ? "%.1f" : "%.0f", v);
}

/* 5376000 -> "5,376,000" */
static void fmt_thousands(char *out, size_t n, unsigned long v)
{
	char raw[32];
	size_t len = (size_t)snprintf(raw, sizeof raw, "%lu", v), j = 0;
	for (size_t i = 0; i < len && j + 2 < n; i++) {
		if (i && (len - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = raw[i];
	}
	out[j] = 0;
}

/* One side's two cells: "median [p10..p90]" in ns, and median cycles.
 * A side that did not run gets words, and a footnote number if skipped. */
static void side_cells(const struct bench_result *r, int note, char *ns,
		       char *cyc, size_t n)
{
	char a[32], b[32], c[32];
	if (r->status == BENCH_MISSING) {
		snprintf(ns, n, "%s", r->why);
		snprintf(cyc, n, "-");
	} else if (r->status == BENCH_SKIPPED) {
		snprintf(ns, n, "could not run [%d]", note);
		snprintf(cyc, n, "-");
	} else {
		bench_fmt_num(a, sizeof a, r->ns.median);
		bench_fmt_num(b, sizeof b, r->ns.p10);
		bench_fmt_num(c, sizeof c, r->ns.p90);
		snprintf(ns, n, "%s [%s..%s]", a, b, c);
		if (r->cycles.median > 0)
			bench_fmt_num(cyc, n, r->cycles.median);
		else
			snprintf(cyc, n, "-");
	}
}

/* "78 / 324 / 445", or "-" when nothing was published for the row. */
void bench_fmt_published(char *out, size_t n, const struct bench_published *p)
{
	char s[32], l[32], w[32];
	if (!p->sing) {
		snprintf(out, n, "-");
		return;
	}
	fmt_thousands(s, sizeof s, p->sing);
	fmt_thousands(l, sizeof l, p->linux_);
	fmt_thousands(w, sizeof w, p->windows);
	snprintf(out, n, "%s / %s / %s", s, l, w);
}

static void print_header(const struct bench_host *h, bool quick)
{
	printf("Sing cost table: Sing beside Linux, measured in this run%s\n",
	       quick ? " (--quick: short, rough figures)" : "");
	printf("machine:  %s; %d CPUs online; %s; load average %.2f at start%s\n",
	       h->cpu_model, h->ncpus, h->kernel, h->load1,
	       h->load1 >= 0.5 ? " (other work running: figures may be inflated)" : "");
	if (h->cpu_b >= 0)
		printf("pinning:  measuring thread on CPU %d; cross-CPU peers on CPU %d\n",
		       h->cpu_a, h->cpu_b);
	else
		printf("pinning:  measuring thread on CPU %d; only one CPU: cross-CPU rows cannot run\n",
		       h->cpu_a);
	printf("compiler: %s\n", h->compiler);
	printf("helper:   the tiny C program the exec/spawn rows run: %s\n",
	       bench_linux_helper_kind());
	if (h->cycles_per_ns > 0)
		printf("counter:  %s, %.4f cycles/ns calibrated against CLOCK_MONOTONIC"
		       " (TSC reference cycles)\n", h->counter, h->cycles_per_ns);
	else
		printf("counter:  %s (no cycle counter: cycle columns empty)\n", h->counter);
	printf("figures:  per operation; median [p10..p90] over batches, each batch"
	       " the mean of many back-to-back operations\n\n");
}

/* ---- the core probe's split (bench_core.c) -------------------------------- */

/* The best core probe of the run: at its start, and over both sides of
 * every row. */
static double probe_best(const struct bench_host *h, const struct bench_line *l, size_t n)
{
	double best = h->core_best;
	for (size_t i = 0; i < n; i++)
		for (int side = 0; side < 2; side++) {
			const struct bench_result *r = side ? &l[i].linux_ : &l[i].sing;
			for (uint64_t b = 0; r->status == BENCH_OK && b < r->batches; b++)
				if (r->probe[b] > best)
					best = r->probe[b];
		}
	return best;
}

/* "88.2 [12]   161 [19]": a side's median cycles with the core alone and
 * shared, each with its number of batches. */
static void split_cells(const struct bench_result *r, double best, char *out, size_t n)
{
	struct bench_stats a, s;
	char x[32] = "-", y[32] = "-";
	if (r->status != BENCH_OK || r->cycles.median <= 0) {
		snprintf(out, n, "-");
		return;
	}
	size_t na = bench_core_split(r->cyc, r->probe, r->batches, best, &a, &s);
	if (na)
		bench_fmt_num(x, sizeof x, a.median);
	if (na < r->batches)
		bench_fmt_num(y, sizeof y, s.median);
	snprintf(out, n, "%s [%zu]  %s [%zu]", x, na, y, (size_t)r->batches - na);
}

static void print_split(const struct bench_host *h, const struct bench_line *l, size_t n)
{
	double best = probe_best(h, l, n);
	char a[96], b[96];
	if (best <= 0 || h->cycles_per_ns <= 0)
		return;
	printf("\ncore:     a probe before and after each batch (four independent add chains):"
	       " best %.2f adds per counter cycle in this run.\n          A batch ran with the core alone when"
	       " both probes reached 85%% of that; else a hyperthread sibling shared it.\n", best);
	printf("%-24s %-28s %s\n", "cycles, median [batches]", "Sing: alone / shared",
	       "Linux: alone / shared");
	for (size_t i = 0; i < n; i++) {
		split_cells(&l[i].sing, best, a, sizeof a);
		split_cells(&l[i].linux_, best, b, sizeof b);
		printf("%-24s %-28s %s\n", l[i].row->name, a, b);
	}
}

#define ROW_FMT "%-24s %-24s %9s  %-26s %9s  %10s  %s\n"

void bench_print_table(const struct bench_host *h, const struct bench_line *l,
		       size_t n, bool quick, bool core)
{
	char sns[256], scy[256], lns[256], lcy[256], ratio[40], num[32], pub[128];
	int note = 0;
	print_header(h, quick);
	printf(ROW_FMT, "benchmark", "Sing ns", "Sing cyc", "Linux ns", "Linux cyc",
	       "Linux/Sing", "published cycles Sing / Linux / Windows *");
	for (size_t i = 0; i < n; i++) {
		const struct bench_line *x = &l[i];
		side_cells(&x->sing, x->sing.status == BENCH_SKIPPED ? ++note : 0,
			   sns, scy, sizeof sns);
		side_cells(&x->linux_, x->linux_.status == BENCH_SKIPPED ? ++note : 0,
			   lns, lcy, sizeof lns);
		double r = bench_ratio(x);
		bench_fmt_num(num, sizeof num, r);
		if (r > 0)
			snprintf(ratio, sizeof ratio, "%sx", num);
		else
			snprintf(ratio, sizeof ratio, "-");
		bench_fmt_published(pub, sizeof pub, &x->row->published);
		printf(ROW_FMT, x->row->name, sns, scy, lns, lcy, ratio, pub);
	}
	printf("\n* %s\n", bench_published_source);
	note = 0;
	for (size_t i = 0; i < n; i++) {
		if (l[i].sing.status == BENCH_SKIPPED)
			printf("[%d] %s, Sing: %s\n", ++note, l[i].row->name, l[i].sing.why);
		if (l[i].linux_.status == BENCH_SKIPPED)
			printf("[%d] %s, Linux: %s\n", ++note, l[i].row->name, l[i].linux_.why);
	}
	if (core)
		print_split(h, l, n);
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_str(struct sbuf *b, const char *s)
{
	sb_byte(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_printf(b, "\\%c", c);
		else if (c < 0x20)
			sb_printf(b, "\\u%04x", c);
		else
			sb_byte(b, c);
	}
	sb_byte(b, '"');
}

static void json_stats(struct sbuf *b, const char *key, const struct bench_stats *s)
{
	sb_printf(b, "\"%s\": {\"median\": %.6g, \"p10\": %.6g, \"p90\": %.6g, "
		  "\"min\": %.6g, \"max\": %.6g}", key, s->median, s->p10, s->p90,
		  s->min, s->max);
}

static void json_side(struct sbuf *b, const char *key, const struct bench_result *r,
		      const char *what, const struct bench_host *h, double best)
{
	static const char *const status[] = {"ok", "missing", "skipped"};
	sb_printf(b, "      \"%s\": {\"status\": \"%s\", \"what\": ", key, status[r->status]);
	json_str(b, what);
	if (r->status != BENCH_OK) {
		sb_str(b, ", \"reason\": ");
		json_str(b, r->why);
		sb_str(b, "}");
		return;
	}
	sb_printf(b, ", \"iters_per_batch\": %llu, \"batches\": %llu,\n        ",
		  (unsigned long long)r->iters, (unsigned long long)r->batches);
	json_stats(b, "ns", &r->ns);
	sb_str(b, ",\n        ");
	if (h->cycles_per_ns > 0)
		json_stats(b, "cycles", &r->cycles);
	else
		sb_str(b, "\"cycles\": null");
	if (h->cycles_per_ns > 0 && best > 0) {   /* the core probe's split, cycles */
		struct bench_stats a, s;
		size_t na = bench_core_split(r->cyc, r->probe, r->batches, best, &a, &s);
		sb_printf(b, ",\n        \"core_alone_batches\": %zu, ", na);
		json_stats(b, "core_alone_cycles", &a);
		sb_str(b, ", ");
		json_stats(b, "core_shared_cycles", &s);
	}
	sb_str(b, "}");
}

static void json_row(struct sbuf *b, const struct bench_line *x, const struct bench_host *h,
		     double best)
{
	static const char *const cpu[] = {"one", "same", "cross"};
	const struct bench_row *r = x->row;
	const struct bench_impl *si = bench_sing_impls[r->sing];
	sb_str(b, "    {\"name\": ");
	json_str(b, r->name);
	sb_str(b, ", \"title\": ");
	json_str(b, r->title);
	sb_printf(b, ", \"cpu\": \"%s\",\n", cpu[r->cpu]);
	json_side(b, "sing", &x->sing, si ? si->what : bench_sing_labels[r->sing], h, best);
	sb_str(b, ",\n");
	json_side(b, "linux", &x->linux_, r->linux_->what, h, best);
	double ratio = bench_ratio(x);
	if (ratio > 0)
		sb_printf(b, ",\n      \"ratio_linux_over_sing\": %.6g", ratio);
	else
		sb_str(b, ",\n      \"ratio_linux_over_sing\": null");
	if (r->published.sing)
		sb_printf(b, ",\n      \"published_cycles\": {\"singularity\": %lu, "
			  "\"linux\": %lu, \"windows\": %lu}}", r->published.sing,
			  r->published.linux_, r->published.windows);
	else
		sb_str(b, ",\n      \"published_cycles\": null}");
}

static void json_machine(struct sbuf *b, const struct bench_host *h)
{
	const char *k[] = {"cpu_model", "kernel", "compiler", "counter", "exec_helper"};
	const char *v[] = {h->cpu_model, h->kernel, h->compiler, h->counter,
			   bench_linux_helper_kind()};
	sb_str(b, "  \"machine\": {");
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		sb_printf(b, "\"%s\": ", k[i]);
		json_str(b, v[i]);
		sb_str(b, ", ");
	}
	sb_printf(b, "\"cpus_online\": %d, \"cpu_measure\": %d, \"cpu_peer\": %d, "
		  "\"cycles_per_ns\": %.6g, \"load_average\": %.3g},\n", h->ncpus,
		  h->cpu_a, h->cpu_b, h->cycles_per_ns, h->load1);
}

void bench_json(struct sbuf *b, const struct bench_host *h,
		const struct bench_line *l, size_t n, bool quick, bool core)
{
	sb_str(b, "{\n  \"schema\": \"sing-bench-cost/1\",\n");
	sb_printf(b, "  \"quick\": %s,\n", quick ? "true" : "false");
	json_machine(b, h);
	double best = core ? probe_best(h, l, n) : 0;   /* 0: no split in the rows */
	if (core)
		sb_printf(b, "  \"core_probe_best\": %.6g,\n", best);
	sb_str(b, "  \"published_source\": ");
	json_str(b, bench_published_source);
	sb_str(b, ",\n  \"rows\": [\n");
	for (size_t i = 0; i < n; i++) {
		json_row(b, &l[i], h, best);
		sb_str(b, i + 1 < n ? ",\n" : "\n");
	}
	sb_str(b, "  ]\n}\n");
}
