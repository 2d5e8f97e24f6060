/*
 * tracefile.h - the kernel's trace dump (src/kernel/trace.h, the format in
 * docs/tracing.md) read back and written as Chrome trace-event JSON: SIPs
 * as processes, their threads as tracks with a slice per stretch on the
 * CPU, messages as flows from send to receive, collections as slices,
 * heap and exchange-heap bytes as counters, failures and the rest as
 * instants.  Hosted only; the same dump comes from `sing run --trace`,
 * `sing boot --trace` and (later) a bare-metal machine's second serial port.
 *
 * Invariant: a dump is untrusted bytes: a bad one is refused with a named
 * reason ("truncated", "bad magic"), never read past its end.  Every flow
 * written has its start and its end; timestamps never go back on a track.
 */
#ifndef CLI_TRACEFILE_H
#define CLI_TRACEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../kernel/trace.h"

struct tf_con {
	uint64_t ptr;
	uint32_t name, nmsgs;
	const uint8_t *msgs;          /* nmsgs little-endian u32 string offsets */
};

struct tf_dump {
	uint64_t cyc0, ns0, cyc1, ns1;
	struct tr_event *ev;          /* every CPU's events, by time */
	size_t nev;
	uint64_t written, lost;       /* over all CPUs */
	const char *str;              /* the string table (NUL-terminated strings) */
	uint32_t nstr;
	struct tf_con *con;
	uint32_t ncon;
};

#define TF_MAXSIPS 32

struct tf_filter {
	uint32_t kinds;               /* written kinds (0: all) */
	int nsips;                    /* 0: every SIP */
	char sips[TF_MAXSIPS][64];
};

/* Parse a dump; 0, or -1 with the reason in err (d then holds nothing). */
int tf_parse(const uint8_t *b, size_t n, struct tf_dump *d, char *err, size_t errlen);
void tf_free(struct tf_dump *d);
/* "msg,gc,sip=NAME,...": 0, or -1 with the reason (the bad word) in err. */
int tf_filter_parse(const char *spec, struct tf_filter *f, char *err, size_t errlen);
/* The kinds the kernel must record for f (the scheduler's and SIPs' always:
 * the converter needs them to place every other event on its track). */
uint32_t tf_record_mask(const struct tf_filter *f);
/* Write d as JSON; the figures of what was written go to stats if not NULL. */
struct tf_stats { uint64_t events, flows, lost; };
int tf_write_json(const struct tf_dump *d, const struct tf_filter *f, FILE *out,
                  struct tf_stats *stats);

#endif
