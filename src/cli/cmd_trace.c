/*
 * cmd_trace.c - tracing from the command line (docs/tracing.md):
 *
 *   sing run|boot --trace FILE.json    record the run, write Chrome trace JSON
 *                 --trace-dump FILE    ... and/or the raw dump (what a
 *                                      bare-metal machine sends)
 *                 --trace-filter LIST  kinds (sched,msg,gc,...) and sip=NAME
 *                 --trace-ring N       events kept per CPU (default 262144)
 *   sing trace DUMP -o FILE.json [--trace-filter LIST]   convert a dump
 *
 * The options come before the program (sing run) or among boot's options;
 * recording starts before the kernel boots and is written after it shut
 * down (the dump is self-contained).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tracefile.h"
#include "../util/util.h"

#define TRACE_RING_DEFAULT (1u << 18)
#define TRACE_STRINGS (1u << 20)

int trace_opt(int argc, char **argv, int i, struct trace_opts *o)
{
	static const char *const names[] = {"--trace", "--trace-dump", "--trace-filter",
	                                    "--trace-ring"};
	const char **slots[] = {&o->json, &o->dump, &o->filter, &o->ring};
	for (int k = 0; k < 4; k++)
		if (i < argc && !strcmp(argv[i], names[k])) {
			if (i + 1 >= argc) {
				fprintf(stderr, "sing: %s needs a value\n", names[k]);
				return -1;
			}
			*slots[k] = argv[i + 1];
			return 2;
		}
	return 0;
}

static int filter_of(const char *spec, struct tf_filter *f)
{
	char err[256];
	if (tf_filter_parse(spec, f, err, sizeof err) == 0)
		return 0;
	fprintf(stderr, "sing: --trace-filter: %s\n", err);
	return -1;
}

int trace_begin(const struct trace_opts *o)
{
	struct tf_filter f;
	if (!o->json && !o->dump)
		return o->filter || o->ring ? (fprintf(stderr, "sing: --trace-filter and --trace-ring "
		                                       "need --trace FILE or --trace-dump FILE\n"), 2) : 0;
	if (filter_of(o->filter, &f))
		return 2;
	char *end = NULL;
	unsigned long ring = o->ring ? strtoul(o->ring, &end, 10) : TRACE_RING_DEFAULT;
	if (o->ring && (*end || ring < 16 || ring > (1ul << 26))) {
		fprintf(stderr, "sing: --trace-ring %s: a number of events from 16 to %lu\n", o->ring,
		        1ul << 26);
		return 2;
	}
	if (tr_start(tf_record_mask(&f), (uint32_t)ring, TRACE_STRINGS)) {
		fprintf(stderr, "sing: no memory for the trace rings\n");
		return 1;
	}
	return 0;
}

static void put_sbuf(void *ctx, const void *p, size_t n)
{
	sb_put(ctx, p, n);
}

/* Convert dump bytes to JSON at path; 0, or 1 after reporting. */
static int convert(const uint8_t *b, size_t n, const char *label, const char *path,
                   const char *filter)
{
	struct tf_dump d;
	struct tf_filter f;
	struct tf_stats st;
	char err[256];
	if (filter_of(filter, &f))
		return 2;
	if (tf_parse(b, n, &d, err, sizeof err)) {
		fprintf(stderr, "%s: error: %s\n", label, err);
		return 1;
	}
	FILE *out = fopen(path, "w");
	int bad = !out || tf_write_json(&d, &f, out, &st) != 0;
	if (out && fclose(out))
		bad = 1;
	if (bad)
		fprintf(stderr, "sing: cannot write %s: %s\n", path, strerror(errno));
	else
		fprintf(stderr, "sing: trace: %s: %llu events recorded, %llu lost (the ring keeps the "
		        "newest), %llu written, %llu message flows\n", path,
		        (unsigned long long)d.nev + d.lost, (unsigned long long)d.lost,
		        (unsigned long long)st.events, (unsigned long long)st.flows);
	tf_free(&d);
	return bad;
}

int trace_end(const struct trace_opts *o)
{
	if (!o->json && !o->dump)
		return 0;
	struct sbuf b = {0};
	tr_dump(put_sbuf, &b);
	tr_stop();
	int bad = 0;
	if (o->dump && write_file(o->dump, b.data, b.len)) {
		fprintf(stderr, "sing: cannot write %s: %s\n", o->dump, strerror(errno));
		bad = 1;
	}
	if (o->json)
		bad |= convert(b.data, b.len, "trace", o->json, o->filter);
	sb_free(&b);
	return bad;
}

int cmd_trace(int argc, char **argv)
{
	struct trace_opts o = {0};
	const char *in = NULL;
	int bad = 0;
	for (int i = 1; i < argc && !bad; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "-o"))
			o.json = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--trace-filter"))
			o.filter = argv[++i];
		else if (!in && argv[i][0] != '-')
			in = argv[i];
		else
			bad = 1;
	}
	if (bad || !in || !o.json) {
		fprintf(stderr, "usage: sing trace DUMP -o FILE.json [--trace-filter LIST]\n");
		return 2;
	}
	size_t n;
	uint8_t *b = read_file(in, &n);
	if (!b) {
		fprintf(stderr, "sing: cannot read %s: %s\n", in, strerror(errno));
		return 1;
	}
	int rc = convert(b, n, in, o.json, o.filter);
	free(b);
	return rc;
}
