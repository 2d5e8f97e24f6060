/* tracejson.c - a parsed trace dump written as Chrome trace-event JSON
 * (see tracefile.h; what each event becomes is in docs/tracing.md).
 *
 * Three passes over the events, in time order: place each on its track
 * (the thread the CPU ran then: SWITCH events say), match each receive
 * to its send (same endpoint and ring slot, no close between, same
 * contract and message), then write.  Slices are B/E pairs written in
 * time order, so timestamps never go back on a track. */
#include <stdlib.h>
#include <string.h>

#include "tracefile.h"
#include "../kernel/rt.h"
#include "../util/util.h"

/* ---- a small u64 -> u64 map (0 is "absent") ---- */

struct umap {
	uint64_t *key, *val;
	size_t cap, n;
};

static size_t slot_of(const struct umap *m, uint64_t k)
{
	size_t i = (size_t)((k * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);
	while (m->val[i] && m->key[i] != k)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static uint64_t um_get(const struct umap *m, uint64_t k)
{
	return m->cap ? m->val[slot_of(m, k)] : 0;
}

static void um_put(struct umap *m, uint64_t k, uint64_t v)
{
	if (2 * (m->n + 1) > m->cap) {
		struct umap old = *m;
		m->cap = old.cap ? 2 * old.cap : 64;
		m->key = xcalloc(m->cap, sizeof *m->key);
		m->val = xcalloc(m->cap, sizeof *m->val);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.val[i])
				um_put(m, old.key[i], old.val[i]);
		free(old.key);
		free(old.val);
	}
	size_t i = slot_of(m, k);
	m->n += !m->val[i];
	m->key[i] = k;
	m->val[i] = v;
}

static void um_free(struct umap *m)
{
	free(m->key);
	free(m->val);
}

/* ---- tracks ---- */

struct thr {                      /* a thread track; index 0 is the kernel on CPU 0 */
	uint32_t pid, tid, nth;
	uint32_t cpu;                 /* a kernel track's CPU (each CPU has its own) */
	int open, gc_open, preempted;
};

struct conv {
	const struct tf_dump *d;
	const struct tf_filter *f;
	FILE *out;
	struct thr *thr;
	size_t nthr;
	struct umap by_ptr;           /* thread record -> thr index + 1 */
	struct umap names;            /* pid -> name string + 1 */
	uint32_t *track;              /* per event: thr index */
	uint32_t *dest;               /* per SWITCH event: the thr index switched to */
	uint64_t *flow;               /* per event: flow id (0 none) */
	uint64_t *peer;               /* per event: the other end's event index + 1 */
	uint64_t nflows, flows_out, written;
	double last_us;
	int first;
};

static const char *str(const struct conv *c, uint64_t off)
{
	return off < c->d->nstr ? c->d->str + off : "";
}

static const char *sip_name(const struct conv *c, uint32_t pid)
{
	uint64_t name = um_get(&c->names, pid);
	return pid == 0 ? "kernel" : name ? str(c, name - 1) : "?";
}

static size_t new_thread(struct conv *c, uint64_t ptr, uint32_t pid)
{
	uint32_t nth = 0;
	for (size_t i = 0; i < c->nthr; i++)
		nth += c->thr[i].pid == pid;
	c->thr = xrealloc(c->thr, (c->nthr + 1) * sizeof *c->thr);
	c->thr[c->nthr] = (struct thr){pid, (uint32_t)c->nthr, nth, 0, 0, 0, 0};
	um_put(&c->by_ptr, ptr, c->nthr + 1);
	return c->nthr++;
}

static size_t thread_of(struct conv *c, uint64_t ptr, uint32_t pid)
{
	uint64_t v = um_get(&c->by_ptr, ptr);
	return v ? v - 1 : new_thread(c, ptr, pid);
}

/* The kernel's own context on a CPU (a switch to no thread): a track per
 * CPU, so that two CPUs' kernel slices do not nest on one. */
static size_t kernel_track(struct conv *c, unsigned cpu)
{
	if (cpu == 0)
		return 0;
	uint64_t key = 2 * (uint64_t)cpu + 1;   /* never a thread record's (aligned) address */
	uint64_t v = um_get(&c->by_ptr, key);
	if (v)
		return v - 1;
	size_t t = new_thread(c, key, 0);
	c->thr[t].cpu = cpu;
	return t;
}

/* Pass 1: each event's track. */
static void place(struct conv *c)
{
	size_t cur[256];   /* each CPU's running track; SIZE_MAX before its first switch */
	for (size_t k = 0; k < 256; k++)
		cur[k] = SIZE_MAX;
	for (size_t i = 0; i < c->d->nev; i++) {
		const struct tr_event *e = &c->d->ev[i];
		if (cur[e->cpu] == SIZE_MAX)
			cur[e->cpu] = kernel_track(c, e->cpu);
		c->track[i] = (uint32_t)cur[e->cpu];
		if (e->kind == TR_THREAD)
			new_thread(c, e->p, e->a);
		else if (e->kind == TR_SWITCH)
			c->dest[i] = (uint32_t)(cur[e->cpu] = e->q ? thread_of(c, e->q, e->a)
			                                           : kernel_track(c, e->cpu));
		else if (e->kind == TR_SIP_START || e->kind == TR_SIP_EXIT) {   /* names the SIP */
			um_put(&c->names, e->a, 1 + (e->kind == TR_SIP_START ? e->p : e->p >> 32));
		}
	}
}

/* Pass 2: receives matched to sends. */
static void match(struct conv *c)
{
	struct umap pending = {0}, closed = {0};
	for (size_t i = 0; i < c->d->nev; i++) {
		const struct tr_event *e = &c->d->ev[i];
		uint64_t key = e->q ^ (uint64_t)e->x << 48;
		if (e->kind == TR_SEND)
			um_put(&pending, key, i + 1);
		else if (e->kind == TR_CH_CLOSE)
			um_put(&closed, e->q, i + 1);
		if (e->kind != TR_RECV)
			continue;
		uint64_t s = um_get(&pending, key);
		if (!s || um_get(&closed, e->q) > s || c->d->ev[s - 1].p != e->p ||
		    c->d->ev[s - 1].a != e->a || c->flow[s - 1])
			continue;
		c->flow[s - 1] = c->flow[i] = ++c->nflows;
		c->peer[s - 1] = i + 1;
		c->peer[i] = s;
	}
	um_free(&pending);
	um_free(&closed);
}

/* ---- writing ---- */

static void jstr(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(o, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(o, "\\u%04x", ch);
		else
			fputc(ch, o);
	}
	fputc('"', o);
}

static double us_of(const struct conv *c, uint64_t ts)
{
	const struct tf_dump *d = c->d;
	double rate = d->cyc1 > d->cyc0 ? (double)(d->ns1 - d->ns0) / (double)(d->cyc1 - d->cyc0) : 1;
	return ((double)ts - (double)d->cyc0) * rate / 1000.0;
}

static int sip_kept(const struct conv *c, uint32_t pid)
{
	if (pid == 0 || c->f->nsips == 0)
		return 1;
	for (int i = 0; i < c->f->nsips; i++)
		if (!strcmp(c->f->sips[i], sip_name(c, pid)))
			return 1;
	return 0;
}

static int kind_kept(const struct conv *c, unsigned kind)
{
	return !c->f->kinds || (c->f->kinds >> kind & 1u);
}

/* The head of one event: {"ph":ph,"name":name,"pid":..,"tid":..,"ts":..; the
 * caller adds the rest and the closing brace. */
static void head(struct conv *c, const char *ph, const char *name, const struct thr *t, double us)
{
	fprintf(c->out, "%s\n{\"ph\":\"%s\",\"name\":", c->first ? "" : ",", ph);
	jstr(c->out, name);
	fprintf(c->out, ",\"pid\":%u,\"tid\":%u,\"ts\":%.3f", t->pid, t->tid, us);
	c->first = 0;
	c->written++;
}

static void metadata(struct conv *c)
{
	for (size_t i = 0; i < c->nthr; i++) {
		const struct thr *t = &c->thr[i];
		char name[128];
		if (t->nth == 0) {
			snprintf(name, sizeof name, "%s (pid %u)", sip_name(c, t->pid), t->pid);
			fprintf(c->out, "%s\n{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":%u,\"args\":{\"name\":",
			        c->first ? "" : ",", t->pid);
			jstr(c->out, name);
			fprintf(c->out, "}}");
			c->first = 0;
		}
		if (t->pid == 0)
			snprintf(name, sizeof name, t->cpu ? "kernel, CPU %u" : "kernel", t->cpu);
		else
			snprintf(name, sizeof name, t->nth ? "thread %u" : "main", t->nth);
		fprintf(c->out, ",\n{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":",
		        t->pid, t->tid);
		jstr(c->out, name);
		fprintf(c->out, "}}");
	}
}


static const char *const reason_name[] = {
#define TR_X(r, name) name,
	TR_REASONS(TR_X)
#undef TR_X
};

static const char *failure_name(unsigned why)
{
	static const char *const names[] = {
#define SING_X(e, msg) msg,
		SING_FAILURES(SING_X)
#undef SING_X
	};
	return why < SING_F__COUNT ? names[why] : "unknown failure";
}

/* "Contract.Message" of a SEND or RECV. */
static void msg_name(const struct conv *c, const struct tr_event *e, char *buf, size_t n)
{
	for (uint32_t i = 0; i < c->d->ncon; i++) {
		const struct tf_con *k = &c->d->con[i];
		if (k->ptr != e->p || e->a >= k->nmsgs)
			continue;
		const uint8_t *m = k->msgs + 4 * (size_t)e->a;
		snprintf(buf, n, "%s.%s", str(c, k->name), str(c, (uint32_t)m[0] | (uint32_t)m[1] << 8 |
		                                               (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24));
		return;
	}
	snprintf(buf, n, "?.message %u", e->a);
}

static void instant(struct conv *c, const char *name, const struct thr *t, double us,
                    const char *cat)
{
	head(c, "i", name, t, us);
	fprintf(c->out, ",\"s\":\"t\",\"cat\":\"%s\"", cat);
}

static void run_slices(struct conv *c, size_t i, struct thr *from, double us)
{
	const struct tr_event *e = &c->d->ev[i];
	if (from->open && sip_kept(c, from->pid)) {
		head(c, "E", sip_name(c, from->pid), from, us);   /* E named as its B: speedscope */
		fprintf(c->out, ",\"args\":{\"left\":\"%s\"}}",
		        from->preempted ? "preempt" : e->x < 5 ? reason_name[e->x] : "?");
	}
	from->open = from->preempted = 0;
	struct thr *to = &c->thr[c->dest[i]];
	if (sip_kept(c, to->pid)) {
		head(c, "B", sip_name(c, to->pid), to, us);
		fprintf(c->out, ",\"cat\":\"sched\"}");
		to->open = 1;
	}
}

static void message(struct conv *c, size_t i, struct thr *t, double us)
{
	const struct tr_event *e = &c->d->ev[i];
	char name[128];
	int send = e->kind == TR_SEND;
	msg_name(c, e, name, sizeof name);
	uint64_t p = c->peer[i];
	const struct thr *other = p ? &c->thr[c->track[p - 1]] : NULL;
	int flow = other && sip_kept(c, other->pid);
	char label[160];
	snprintf(label, sizeof label, "%s %s", send ? "send" : "recv", name);
	head(c, "X", label, t, us);
	fprintf(c->out, ",\"dur\":0,\"cat\":\"msg\",\"args\":{\"message\":");
	jstr(c->out, name);
	if (other) {
		fprintf(c->out, ",\"%s\":", send ? "to" : "from");
		jstr(c->out, sip_name(c, other->pid));
		fprintf(c->out, ",\"%s_pid\":%u", send ? "to" : "from", other->pid);
	}
	fprintf(c->out, "}}");
	if (flow) {
		head(c, send ? "s" : "f", name, t, us);
		fprintf(c->out, ",\"cat\":\"msg\",\"id\":%llu%s}", (unsigned long long)c->flow[i],
		        send ? "" : ",\"bp\":\"e\"");
		c->flows_out += send;
	}
}

static void gc(struct conv *c, const struct tr_event *e, struct thr *t, double us)
{
	if (e->kind == TR_GC_BEGIN) {
		head(c, "B", "collection", t, us);
		fprintf(c->out, ",\"cat\":\"gc\",\"args\":{\"heap_bytes_before\":%llu,"
		        "\"live_bytes_last\":%llu}}", (unsigned long long)e->p, (unsigned long long)e->q);
		t->gc_open = 1;
		return;
	}
	if (t->gc_open) {
		head(c, "E", "collection", t, us);
		fprintf(c->out, ",\"args\":{\"live_bytes_after\":%llu,\"live_objects_after\":%u,"
		        "\"heap_bytes_after\":%llu}}", (unsigned long long)e->p, e->a,
		        (unsigned long long)e->q);
	}
	t->gc_open = 0;
	head(c, "C", "heap bytes", t, us);
	fprintf(c->out, ",\"args\":{\"mapped\":%llu,\"live\":%llu}}", (unsigned long long)e->q,
	        (unsigned long long)e->p);
}

static void counter_xh(struct conv *c, uint64_t bytes, double us)
{
	head(c, "C", "exchange heap bytes", &c->thr[0], us);
	fprintf(c->out, ",\"args\":{\"live\":%llu}}", (unsigned long long)bytes);
}

static void sip_event(struct conv *c, const struct tr_event *e, struct thr *t, double us)
{
	char name[200];
	if (e->kind == TR_SIP_START)
		snprintf(name, sizeof name, "start %s (pid %u)", sip_name(c, e->a), e->a);
	else if (e->x)
		snprintf(name, sizeof name, "failed %s (pid %u): %s", sip_name(c, e->a), e->a,
		         failure_name(e->x - 1u));
	else
		snprintf(name, sizeof name, "exit %s (pid %u) status %lld", sip_name(c, e->a), e->a,
		         (long long)(int32_t)e->p);
	instant(c, name, t, us, "sip");
	fprintf(c->out, "}");
	counter_xh(c, e->q, us);
}

static void failure(struct conv *c, const struct tr_event *e, struct thr *t, double us)
{
	char name[200];
	if (e->kind == TR_BUDGET) {
		instant(c, "budget exceeded", t, us, "budget");
		fprintf(c->out, ",\"args\":{\"pid\":%u,\"used\":%llu,\"limit\":%llu}}", e->a,
		        (unsigned long long)e->p, (unsigned long long)e->q);
		return;
	}
	snprintf(name, sizeof name, "failure: %s", failure_name(e->x));
	instant(c, name, t, us, "fail");
	fprintf(c->out, ",\"args\":{\"pid\":%u,\"sip\":", e->a);
	jstr(c->out, sip_name(c, e->a));
	fprintf(c->out, ",\"function\":");
	jstr(c->out, str(c, e->p));
	fprintf(c->out, ",\"message\":");
	jstr(c->out, str(c, e->q));
	fprintf(c->out, "}}");
}

/* Instants naming one thing: "prefix NAME". */
static void named(struct conv *c, const char *prefix, const char *what, struct thr *t, double us,
                  const char *cat)
{
	char name[200];
	snprintf(name, sizeof name, "%s%s", prefix, what);
	instant(c, name, t, us, cat);
	fprintf(c->out, "}");
}

static void contract_of(const struct conv *c, uint64_t ptr, char *buf, size_t n)
{
	snprintf(buf, n, "?");
	for (uint32_t i = 0; i < c->d->ncon; i++)
		if (c->d->con[i].ptr == ptr)
			snprintf(buf, n, "%s", str(c, c->d->con[i].name));
}

static void other(struct conv *c, const struct tr_event *e, struct thr *t, double us)
{
	char buf[128];
	switch (e->kind) {
	case TR_PREEMPT: t->preempted = 1; named(c, "preempt", "", t, us, "sched"); break;
	case TR_CH_NEW: contract_of(c, e->p, buf, sizeof buf); named(c, "channel ", buf, t, us, "chan"); break;
	case TR_CH_CLOSE:
		instant(c, "close endpoint", t, us, "chan");
		fprintf(c->out, ",\"args\":{\"dropped\":%u}}", e->a);
		break;
	case TR_XH_BYTES: counter_xh(c, e->q, us); break;
	case TR_NS_BIND: named(c, "bind ", str(c, e->p), t, us, "ns"); break;
	case TR_RESTART: named(c, "restart ", str(c, e->p), t, us, "restart"); break;
	case TR_IRQ:
		for (unsigned l = 0; l < 32; l++)
			if (e->a >> l & 1u) {
				snprintf(buf, sizeof buf, "%u", l);
				named(c, "interrupt ", buf, t, us, "irq");
			}
		break;
	default: break;
	}
}

/* Pass 3: one event. */
static void write_event(struct conv *c, size_t i)
{
	const struct tr_event *e = &c->d->ev[i];
	struct thr *t = &c->thr[c->track[i]];
	double us = us_of(c, e->ts);
	if (us < c->last_us)   /* a CPU's counter may lag another's by a little */
		us = c->last_us;
	c->last_us = us;
	if (e->kind >= TR__COUNT || !kind_kept(c, e->kind))
		return;
	if (!sip_kept(c, t->pid) && e->kind != TR_SWITCH)
		return;
	if (e->kind == TR_SWITCH)
		run_slices(c, i, t, us);
	else if (e->kind == TR_SEND || e->kind == TR_RECV)
		message(c, i, t, us);
	else if (e->kind == TR_GC_BEGIN || e->kind == TR_GC_END)
		gc(c, e, t, us);
	else if (e->kind == TR_SIP_START || e->kind == TR_SIP_EXIT)
		sip_event(c, e, t, us);
	else if (e->kind == TR_SIP_FAIL || e->kind == TR_BUDGET)
		failure(c, e, t, us);
	else if (e->kind != TR_THREAD)
		other(c, e, t, us);
}

int tf_write_json(const struct tf_dump *d, const struct tf_filter *f, FILE *out,
                  struct tf_stats *stats)
{
	struct conv c = {.d = d, .f = f, .out = out, .first = 1};
	size_t n = d->nev + 1;
	c.track = xcalloc(n, sizeof *c.track);
	c.flow = xcalloc(n, sizeof *c.flow);
	c.peer = xcalloc(n, sizeof *c.peer);
	c.dest = xcalloc(n, sizeof *c.dest);
	new_thread(&c, 0, 0);   /* the kernel's track */
	place(&c);
	match(&c);
	fprintf(out, "{\"traceEvents\":[");
	metadata(&c);
	for (size_t i = 0; i < c.nthr; i++)   /* pass 3 replays the threads' lives */
		c.thr[i].open = 0;
	if (d->lost && d->nev) {
		char name[96];
		snprintf(name, sizeof name, "trace ring full: %llu older events lost",
		         (unsigned long long)d->lost);
		instant(&c, name, &c.thr[0], us_of(&c, d->ev[0].ts), "trace");
		fprintf(out, "}");
	}
	for (size_t i = 0; i < d->nev; i++)
		write_event(&c, i);
	for (size_t i = 0; i < c.nthr; i++) {
		if (c.thr[i].gc_open)
			head(&c, "E", "collection", &c.thr[i], c.last_us), fprintf(out, "}");
		if (c.thr[i].open)
			head(&c, "E", sip_name(&c, c.thr[i].pid), &c.thr[i], c.last_us), fprintf(out, "}");
	}
	fprintf(out, "\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"sing trace\","
	        "\"events\":%llu,\"lost\":%llu,\"flows\":%llu}}\n", (unsigned long long)d->nev,
	        (unsigned long long)d->lost, (unsigned long long)c.flows_out);
	if (stats)
		*stats = (struct tf_stats){c.written, c.flows_out, d->lost};
	free(c.track);
	free(c.flow);
	free(c.peer);
	free(c.dest);
	free(c.thr);
	um_free(&c.names);
	um_free(&c.by_ptr);
	return ferror(out) ? -1 : 0;
}
