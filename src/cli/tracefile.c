/* tracefile.c - reading a trace dump and the --trace-filter words (see
 * tracefile.h; the JSON writer is tracejson.c). */
#include "tracefile.h"

#include <stdlib.h>
#include <string.h>

#include "../util/util.h"

struct rd {
	const uint8_t *b;
	size_t n, at;
	const char *bad;              /* the first reason the dump is refused */
};

static uint64_t take(struct rd *r, unsigned n, const char *what)
{
	uint64_t v = 0;
	if (r->bad)
		return 0;
	if (r->n - r->at < n) {
		r->bad = what;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)r->b[r->at + i] << (8 * i);
	r->at += n;
	return v;
}

/* Room for count items of size bytes left in the dump? */
static int room(struct rd *r, uint64_t count, uint64_t size, const char *what)
{
	if (!r->bad && (r->n - r->at) / size < count)
		r->bad = what;
	return !r->bad;
}

static void read_event(struct rd *r, struct tr_event *e)
{
	e->ts = take(r, 8, "truncated event");
	e->kind = (uint8_t)take(r, 1, "truncated event");
	e->cpu = (uint8_t)take(r, 1, "truncated event");
	e->x = (uint16_t)take(r, 2, "truncated event");
	e->a = (uint32_t)take(r, 4, "truncated event");
	e->p = take(r, 8, "truncated event");
	e->q = take(r, 8, "truncated event");
}

/* Each CPU's events, oldest first: merged by time stamp (ties keep CPU order). */
static void merge(struct tf_dump *d, struct tr_event **cpu, const uint64_t *count, unsigned ncpu)
{
	size_t at[TR_MAXCPU * 8] = {0};
	for (size_t k = 0; k < d->nev; k++) {
		unsigned best = ncpu;
		for (unsigned c = 0; c < ncpu; c++)
			if (at[c] < count[c] && (best == ncpu || cpu[c][at[c]].ts < cpu[best][at[best]].ts))
				best = c;
		d->ev[k] = cpu[best][at[best]++];
	}
}

static int read_cpus(struct rd *r, struct tf_dump *d, unsigned ncpu)
{
	struct tr_event *cpu[TR_MAXCPU * 8] = {0};
	uint64_t count[TR_MAXCPU * 8] = {0};
	for (unsigned c = 0; c < ncpu && !r->bad; c++) {
		uint64_t written = take(r, 8, "truncated ring header");
		count[c] = take(r, 8, "truncated ring header");
		if (!r->bad && count[c] > written)
			r->bad = "a ring keeps more events than were written";
		if (!room(r, count[c], sizeof(struct tr_event), "truncated ring"))
			break;
		cpu[c] = xmalloc((count[c] + 1) * sizeof **cpu);
		for (uint64_t i = 0; i < count[c]; i++)
			read_event(r, &cpu[c][i]);
		d->written += written;
		d->lost += written - count[c];
		d->nev += count[c];
	}
	if (!r->bad) {
		d->ev = xmalloc((d->nev + 1) * sizeof *d->ev);
		merge(d, cpu, count, ncpu);
	}
	for (unsigned c = 0; c < ncpu; c++)
		free(cpu[c]);
	return r->bad ? -1 : 0;
}

static void read_strings(struct rd *r, struct tf_dump *d)
{
	d->nstr = (uint32_t)take(r, 4, "truncated string table");
	if (!room(r, d->nstr, 1, "truncated string table"))
		return;
	d->str = (const char *)r->b + r->at;
	if (d->nstr && d->str[d->nstr - 1] != 0)
		r->bad = "the string table does not end with a NUL";
	r->at += d->nstr;
}

static void read_contracts(struct rd *r, struct tf_dump *d)
{
	d->ncon = (uint32_t)take(r, 4, "truncated contract table");
	if (!room(r, d->ncon, 16, "truncated contract table"))
		return;
	d->con = xmalloc((d->ncon + 1) * sizeof *d->con);
	for (uint32_t i = 0; i < d->ncon && !r->bad; i++) {
		struct tf_con *c = &d->con[i];
		c->ptr = take(r, 8, "truncated contract");
		c->name = (uint32_t)take(r, 4, "truncated contract");
		c->nmsgs = (uint32_t)take(r, 4, "truncated contract");
		if (!room(r, c->nmsgs, 4, "truncated contract"))
			break;
		c->msgs = r->b + r->at;
		r->at += (size_t)c->nmsgs * 4;
	}
}

int tf_parse(const uint8_t *b, size_t n, struct tf_dump *d, char *err, size_t errlen)
{
	struct rd r = {b, n, 0, NULL};
	memset(d, 0, sizeof *d);
	if (n < 8 || memcmp(b, "SINGTRC1", 8))
		r.bad = "bad magic (not a Sing trace dump)";
	r.at = 8;
	uint32_t version = (uint32_t)take(&r, 4, "truncated header");
	uint32_t ncpu = (uint32_t)take(&r, 4, "truncated header");
	uint32_t evsize = (uint32_t)take(&r, 4, "truncated header");
	take(&r, 4, "truncated header");   /* the recorder's kind count: unknown kinds are skipped */
	d->cyc0 = take(&r, 8, "truncated header");
	d->ns0 = take(&r, 8, "truncated header");
	d->cyc1 = take(&r, 8, "truncated header");
	d->ns1 = take(&r, 8, "truncated header");
	if (!r.bad && version != 1)
		r.bad = "unknown dump version";
	if (!r.bad && (ncpu == 0 || ncpu > TR_MAXCPU * 8))
		r.bad = "bad CPU count";
	if (!r.bad && evsize != sizeof(struct tr_event))
		r.bad = "bad event size";
	if (!r.bad)
		read_cpus(&r, d, ncpu);
	read_strings(&r, d);
	read_contracts(&r, d);
	if (!r.bad && r.at != n)
		r.bad = "trailing bytes after the contract table";
	if (r.bad) {
		snprintf(err, errlen, "%s (at byte %zu)", r.bad, r.at);
		tf_free(d);
		return -1;
	}
	return 0;
}

void tf_free(struct tf_dump *d)
{
	free(d->ev);
	free(d->con);
	memset(d, 0, sizeof *d);
}

/* ---- the filter ---- */

int tf_filter_parse(const char *spec, struct tf_filter *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	for (const char *w = spec; w && *w;) {
		size_t n = strcspn(w, ",");
		uint32_t m = tr_kind_mask(w, n);
		if (n > 4 && !strncmp(w, "sip=", 4) && n - 4 < sizeof f->sips[0] && f->nsips < TF_MAXSIPS)
			snprintf(f->sips[f->nsips++], sizeof f->sips[0], "%.*s", (int)(n - 4), w + 4);
		else if (m)
			f->kinds |= m;
		else {
			snprintf(err, errlen, "unknown trace filter word '%.*s' (kinds: sched, sip, fail, "
			         "msg, chan, gc, budget, irq, ns, restart; SIPs: sip=NAME)", (int)n, w);
			return -1;
		}
		w += n + (w[n] == ',');
	}
	return 0;
}

uint32_t tf_record_mask(const struct tf_filter *f)
{
	uint32_t always = 1u << TR_SWITCH | 1u << TR_THREAD | 1u << TR_SIP_START | 1u << TR_SIP_EXIT |
	                  1u << TR_CH_NEW | 1u << TR_CH_CLOSE;   /* names contracts; ends flows */
	return f->kinds ? f->kinds | always : (1u << TR__COUNT) - 1;
}
