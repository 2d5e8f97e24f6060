/* trace.c - the event recorder: per-CPU rings, the string table, the dump
 * (see trace.h; the dump format is in docs/tracing.md). */
#include "trace.h"

#include "../hal/hal.h"
#include "chan.h"
#include "layout.h"

#define TR_STRSLOTS 2048u        /* string hash slots (offsets; 0 free) */
#define TR_MAXCON 256u           /* contracts named */
#define TR_MAXCONMSG 4096u       /* their message names, together */
#define TR_DUMP_VERSION 1u

struct tr_ring {
	struct tr_event *ev;
	uint64_t n;                  /* events ever written: the head */
	uint64_t mask;               /* capacity - 1 */
};

struct tr_con {
	const void *ptr;             /* the kernel's ly_contract (an identity only) */
	uint32_t name, nmsgs, first; /* name string; message strings msg[first ..] */
};

/* One recorder per machine, like per-CPU data on bare metal: the rings are
 * indexed by CPU and each CPU writes only its own. */
static struct {
	struct tr_ring ring[TR_MAXCPU];
	char *str;                   /* strings, NUL-terminated; str[0] = "" */
	uint32_t nstr, capstr;
	uint32_t slot[TR_STRSLOTS];
	struct tr_con con[TR_MAXCON];
	uint32_t ncon;
	uint32_t msg[TR_MAXCONMSG];
	uint32_t nmsg;
	uint64_t cyc0;
	int64_t ns0;
} tr;

uint32_t tr_mask;

static const char *const kind_name[] = {
#define TR_X(k, cls, what) #k,
	TR_KINDS(TR_X)
#undef TR_X
};
static const char *const kind_class[] = {
#define TR_X(k, cls, what) cls,
	TR_KINDS(TR_X)
#undef TR_X
};

int tr_start(uint32_t mask, uint32_t events_per_cpu, uint32_t strings)
{
	uint64_t cap = 16;
	while (cap < events_per_cpu && cap < (1ull << 30))
		cap <<= 1;
	tr_stop();
	__builtin_memset(&tr, 0, sizeof tr);
	tr.capstr = strings < 64 ? 64 : strings;
	tr.str = hal_alloc(tr.capstr);
	tr.nstr = 1;
	unsigned ncpu = hal_cpu_count() < TR_MAXCPU ? hal_cpu_count() : TR_MAXCPU, c = 0;
	for (; tr.str && c < ncpu; c++) {
		tr.ring[c].mask = cap - 1;
		if (!(tr.ring[c].ev = hal_alloc(cap * sizeof(struct tr_event))))
			break;
	}
	if (!tr.str || c < ncpu) {
		tr_stop();
		return -1;
	}
	tr.cyc0 = hal_cycles();
	tr.ns0 = hal_clock_ns();
	tr_mask = mask;
	ch_sendsel_road_set();
	return 0;
}

void tr_stop(void)
{
	tr_mask = 0;
	ch_sendsel_road_set();
	for (int c = 0; c < TR_MAXCPU; c++) {
		hal_free(tr.ring[c].ev);
		tr.ring[c].ev = NULL;
	}
	hal_free(tr.str);
	tr.str = NULL;
}

void tr_emit(unsigned kind, unsigned x, uint32_t a, uint64_t p, uint64_t q)
{
	unsigned cpu = hal_cpu_id();
	struct tr_ring *r = &tr.ring[cpu < TR_MAXCPU ? cpu : 0];
	if (!r->ev)
		return;
	struct tr_event *e = &r->ev[r->n++ & r->mask];   /* taken before written: nesting-safe */
	e->ts = hal_cycles();
	e->kind = (uint8_t)kind;
	e->cpu = (uint8_t)(r - tr.ring);
	e->x = (uint16_t)x;
	e->a = a;
	e->p = p;
	e->q = q;
}

/* ---- the string table ---- */

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static int same(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return a[n] == 0;
}

uint64_t tr_str(const char *s)
{
	size_t n = 0;
	if (!s || !tr.str)
		return 0;
	while (s[n] && n < 255)
		n++;
	for (uint32_t i = hash(s, n), probes = 0; probes < TR_STRSLOTS; i++, probes++) {
		uint32_t *sl = &tr.slot[i % TR_STRSLOTS];
		if (*sl && same(tr.str + *sl, s, n))
			return *sl;
		if (*sl)
			continue;
		if (tr.nstr + n + 1 > tr.capstr)
			return 0;   /* full: the name reads as "" */
		*sl = tr.nstr;
		__builtin_memcpy(tr.str + tr.nstr, s, n);
		tr.str[tr.nstr + n] = 0;
		tr.nstr += (uint32_t)n + 1;
		return *sl;
	}
	return 0;
}

void tr_chan(const struct ly_contract *con, const void *imp)
{
	uint32_t i = 0;
	while (i < tr.ncon && tr.con[i].ptr != con)
		i++;
	if (i == tr.ncon && i < TR_MAXCON && tr.nmsg + con->nmsgs <= TR_MAXCONMSG) {
		struct tr_con *c = &tr.con[tr.ncon++];
		c->ptr = con;
		c->name = (uint32_t)tr_str(con->name);
		c->nmsgs = con->nmsgs;
		c->first = tr.nmsg;
		for (uint32_t m = 0; m < con->nmsgs; m++)
			tr.msg[tr.nmsg++] = (uint32_t)tr_str(con->msgs[m].name);
	}
	tr_emit(TR_CH_NEW, 0, 0, (uint64_t)(uintptr_t)con, (uint64_t)(uintptr_t)imp);
}

/* ---- the dump: little-endian, the same bytes on every HAL ---- */

struct out {
	void (*put)(void *ctx, const void *p, size_t n);
	void *ctx;
};

static void le(struct out *o, uint64_t v, unsigned bytes)
{
	uint8_t b[8];
	for (unsigned i = 0; i < bytes; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	o->put(o->ctx, b, bytes);
}

static void dump_event(struct out *o, const struct tr_event *e)
{
	le(o, e->ts, 8);
	le(o, e->kind, 1);
	le(o, e->cpu, 1);
	le(o, e->x, 2);
	le(o, e->a, 4);
	le(o, e->p, 8);
	le(o, e->q, 8);
}

void tr_dump(void (*put)(void *ctx, const void *p, size_t n), void *ctx)
{
	struct out o = {put, ctx};
	put(ctx, "SINGTRC1", 8);
	le(&o, TR_DUMP_VERSION, 4);
	le(&o, TR_MAXCPU, 4);
	le(&o, sizeof(struct tr_event), 4);
	le(&o, TR__COUNT, 4);
	le(&o, tr.cyc0, 8);
	le(&o, (uint64_t)tr.ns0, 8);
	le(&o, hal_cycles(), 8);
	le(&o, (uint64_t)hal_clock_ns(), 8);
	for (int c = 0; c < TR_MAXCPU; c++) {
		const struct tr_ring *r = &tr.ring[c];
		uint64_t cap = r->ev ? r->mask + 1 : 0;
		uint64_t keep = r->n < cap ? r->n : cap;
		le(&o, r->n, 8);
		le(&o, keep, 8);
		for (uint64_t i = r->n - keep; i < r->n; i++)
			dump_event(&o, &r->ev[i & r->mask]);
	}
	le(&o, tr.nstr, 4);
	if (tr.str)
		put(ctx, tr.str, tr.nstr);
	le(&o, tr.ncon, 4);
	for (uint32_t i = 0; i < tr.ncon; i++) {
		le(&o, (uint64_t)(uintptr_t)tr.con[i].ptr, 8);
		le(&o, tr.con[i].name, 4);
		le(&o, tr.con[i].nmsgs, 4);
		for (uint32_t m = 0; m < tr.con[i].nmsgs; m++)
			le(&o, tr.msg[tr.con[i].first + m], 4);
	}
}

uint64_t tr_written(unsigned cpu)
{
	return cpu < TR_MAXCPU ? tr.ring[cpu].n : 0;
}

uint64_t tr_lost(unsigned cpu)
{
	if (cpu >= TR_MAXCPU || !tr.ring[cpu].ev)
		return 0;
	uint64_t cap = tr.ring[cpu].mask + 1;
	return tr.ring[cpu].n > cap ? tr.ring[cpu].n - cap : 0;
}

/* ---- kinds by name ---- */

static int word_is(const char *w, size_t n, const char *name)
{
	size_t i = 0;
	for (; i < n && name[i]; i++) {
		char c = w[i] >= 'a' && w[i] <= 'z' ? (char)(w[i] - 'a' + 'A') : w[i];
		char d = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
		if (c != d)
			return 0;
	}
	return i == n && !name[i];
}

uint32_t tr_kind_mask(const char *word, size_t n)
{
	uint32_t m = 0;
	for (unsigned k = 0; k < TR__COUNT; k++)
		if (word_is(word, n, kind_name[k]) || word_is(word, n, kind_class[k]))
			m |= 1u << k;
	return m;
}

const char *tr_kind_name(unsigned kind)
{
	return kind < TR__COUNT ? kind_name[kind] : "?";
}

int64_t tr_bench(uint32_t n)
{
	int64_t t0 = hal_clock_ns();
	for (uint32_t i = 0; i < n; i++)
		TR_EVENT(TR_XH_BYTES, 0, i, 0, i);
	return hal_clock_ns() - t0;
}
