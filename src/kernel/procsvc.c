/* procsvc.c - the process service /kernel/proc, the shell's view of the
 * machine: run, start, list, kill, jobs, interrupt (see proc.h). */
#include "proc.h"

#include "../hal/hal.h"
#include "console.h"
#include "ns.h"
#include "sched.h"

static int streq(const char *a, const char *b)
{
	return __builtin_strcmp(a, b) == 0;
}

/* The requests, by name: what a contract may carry (argument kinds). */
enum { ARG_NONE, ARG_TEXT, ARG_I32 };

static const struct {
	const char *name;
	int arg;
} requests[] = {
	{"Run", ARG_TEXT}, {"Start", ARG_TEXT}, {"Ps", ARG_NONE}, {"Kill", ARG_I32},
	{"Programs", ARG_NONE}, {"Jobs", ARG_NONE}, {"Hangup", ARG_NONE},
};

static int request_ok(const struct ly_msg *lm)
{
	for (size_t i = 0; i < sizeof requests / sizeof requests[0]; i++) {
		if (!streq(lm->name, requests[i].name))
			continue;
		if (requests[i].arg == ARG_NONE)
			return lm->nargs == 0;
		if (lm->nargs != 1)
			return 0;
		return requests[i].arg == ARG_TEXT ? lm->args[0].linear : lm->args[0].builtin == 4;
	}
	return 0;
}

const char *proc_check(const struct ly_contract *c)
{
	if (!ly_has(c, "Exited", 1, 1) || !ly_has(c, "Refused", 1, 1) || !ly_has(c, "Text", 1, 1))
		return "a process-service contract needs out Exited(i32), Refused(u8[]), Text(u8[])";
	for (uint32_t m = 0; m < c->nmsgs; m++)
		if (c->msgs[m].dir == 0 && !request_ok(&c->msgs[m]))
			return "a process-service request is Run(u8[] line), Start(u8[] line), Ps(), "
			       "Kill(i32 pid), Programs(), Jobs() or Hangup()";
	return NULL;
}

/* ---- text ---- */

struct text {
	char b[4096];
	uint32_t n;
};

static void put(struct text *t, const char *s, uint32_t width)
{
	uint32_t start = t->n;
	for (; *s && t->n < sizeof t->b; s++)
		t->b[t->n++] = *s;
	while (t->n - start < width && t->n < sizeof t->b)
		t->b[t->n++] = ' ';
}

static void put_num(struct text *t, uint64_t v, uint32_t width)
{
	char d[24];
	int i = sizeof d - 1;
	d[i] = 0;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	uint32_t len = (uint32_t)(sizeof d - 1 - (size_t)i);
	while (width > len && width-- > len)   /* numbers align right */
		put(t, " ", 0);
	put(t, d + i, 0);
}

static void *text_of(struct sk_kernel *k, const struct text *t)
{
	return ns_text(k, t->b, t->n);
}

/* ---- ps ---- */

static uint32_t count_endpoints(const struct sip *s)
{
	uint32_t n = 0;
	for (const struct xh_block *b = s->xh_own.head.next; b != &s->xh_own.head; b = b->next)
		n += b->lay == &s->k->reg.endpoint;
	return n;
}

/* "run" while a thread runs or may, else "wait" (every thread blocked). */
static const char *state_of(const struct sip *s)
{
	for (const struct sk_thread *t = s->threads; t; t = t->sib)
		if (t->state == TH_RUNNING || t->state == TH_RUNNABLE)
			return "run";
	return "wait";
}

/* CPU time, sampled: the preemption ticks that found one of its threads
 * running (those of threads already gone included). */
static uint64_t cpu_ms(const struct sip *s)
{
	uint64_t ticks = s->ticks;
	for (const struct sk_thread *t = s->threads; t; t = t->sib)
		ticks += __atomic_load_n(&t->ticks, __ATOMIC_RELAXED);
	return ticks * (SCHED_TICK_NS / 1000000);
}

/* " CPU 0: 3, CPU 1: 57": a count per running CPU. */
static void put_cpus(struct text *t, const uint64_t *v, unsigned n)
{
	for (unsigned c = 0; c < n; c++) {
		put(t, c ? ", CPU " : " CPU ", 0);
		put_num(t, c, 0);
		put(t, ": ", 0);
		put_num(t, v[c], 0);
	}
	put(t, "\n", 0);
}

/* A SIP with more than one thread: "        threads on CPU 0: 2, CPU 1: 1",
 * where each runs, is queued or last ran (the row's CPU is its main's). */
static void thread_cpus(const struct sk_kernel *k, const struct sip *s, struct text *t)
{
	uint64_t v[SK_NCPU] = {0};
	if (s->nthreads < 2)
		return;
	for (const struct sk_thread *th = s->threads; th; th = th->sib)
		if (th->cpu < SK_NCPU)
			v[th->cpu]++;
	put(t, "        threads on", 0);
	put_cpus(t, v, k->ncpus);
}

/* With devices attached: "  irq 4 com1 -> CPU 1; taken on CPU 0: 3, CPU
 * 1: 57" for each line a driver waits on (the CPU its Wait routed it to,
 * and where its interrupts came), then which CPUs' polls took device
 * input in (docs/kernel.md "Interrupts on the driver's CPU"). */
static void device_lines(struct sk_kernel *k, struct text *t)
{
	uint64_t v[SK_NCPU];
	if (!k->devices)
		return;
	for (uint32_t line = 0; line < IRQ_LINES; line++) {
		const struct irq_line *l = &k->irq[line];
		if (!l->end)
			continue;
		put(t, "  irq ", 0);
		put_num(t, line, 0);
		for (uint32_t d = 0; d < hal_dev_count(); d++)
			if (hal_dev_present(d) && hal_dev(d)->irq == line) {
				put(t, " ", 0);
				put(t, hal_dev(d)->name, 0);
			}
		put(t, l->cpu < 0 ? " -> no CPU yet" : " -> CPU ", 0);
		if (l->cpu >= 0)
			put_num(t, (uint64_t)l->cpu, 0);
		put(t, "; taken on", 0);
		for (unsigned c = 0; c < k->ncpus; c++)
			v[c] = hal_dev_irqs(line, c);
		put_cpus(t, v, k->ncpus);
	}
	put(t, "  device input polled in on", 0);
	for (unsigned c = 0; c < k->ncpus; c++)
		v[c] = k->cpu[c].dev_input;
	put_cpus(t, v, k->ncpus);
}

static void *ps_text(struct sk_kernel *k)
{
	struct text t = {.n = 0};
	put(&t, "  PID  PPID NAME             KIND    STATE MEM(KiB) THREADS ENDPOINTS CPU(ms) CPU\n", 0);
	for (const struct sip *s = k->sips; s; s = s->next) {
		if (s->state != SIP_RUNNING)
			continue;
		put_num(&t, s->pid, 5);
		put_num(&t, s->ppid, 6);
		put(&t, " ", 0);
		put(&t, s->name, 16);
		put(&t, " ", 0);
		put(&t, s->prog ? s->prog->kind : "-", 7);
		put(&t, s == sip_current(k) ? " self " : " ", 0);
		if (s != sip_current(k))
			put(&t, state_of(s), 5);
		put_num(&t, (s->budget.used + 1023) / 1024, 8);
		put_num(&t, s->nthreads, 8);
		put_num(&t, count_endpoints(s), 10);
		put_num(&t, cpu_ms(s), 8);
		put_num(&t, s->main ? s->main->cpu : s->cpu, 4);   /* its main thread's */
		put(&t, "\n", 0);
		thread_cpus(k, s, &t);
	}
	device_lines(k, &t);
	for (uint32_t i = 0; i < k->nprogs; i++)   /* what init gave up */
		if (k->progs[i].down[0]) {
			put(&t, "    - ", 0);
			put(&t, k->progs[i].name, 16);
			put(&t, " down: ", 0);
			put(&t, k->progs[i].down, 0);
			put(&t, "\n", 0);
		}
	return text_of(k, &t);
}

/* ---- kill, programs, jobs, hang-up ---- */

static void *kill_text(struct sk_kernel *k, int32_t pid)
{
	struct text t = {.n = 0};
	struct sip *s = pid > 0 ? proc_find(k, (uint32_t)pid) : NULL;
	const char *why = !s ? ": no such process\n"
	                  : s == sip_current(k) ? ": that is this shell (type exit to leave)\n"
	                  : !s->detached ? ": may not be killed\n" : NULL;
	char name[64];
	if (s)
		sk_copy_str(name, sizeof name, s->name);
	if (!why && sk_kill(k, (uint32_t)pid) < 0)
		why = ": may not be killed\n";
	put(&t, why ? "kill: " : "killed ", 0);
	put_num(&t, pid > 0 ? (uint64_t)pid : 0, 0);
	if (why) {
		put(&t, why, 0);
	} else {
		put(&t, " (", 0);
		put(&t, name, 0);
		put(&t, ")\n", 0);
	}
	return text_of(k, &t);
}

static void *programs_text(struct sk_kernel *k)
{
	struct text t = {.n = 0};
	put(&t, "NAME             VERSION  KIND\n", 0);
	for (uint32_t i = 0; i < k->nprogs; i++) {
		const struct sk_prog *p = &k->progs[i];
		if (!p->managed)
			continue;
		put(&t, p->name, 16);
		put(&t, " ", 0);
		put(&t, p->version, 8);
		put(&t, " ", 0);
		put(&t, p->kind, 0);
		put(&t, "\n", 0);
	}
	return text_of(k, &t);
}

/* Jobs(): "[PID] NAME" for each background program still running.
 * Hangup(): stop them all, "stopped PID (NAME)" each. */
static void *jobs_text(struct sk_kernel *k, int hangup)
{
	struct text t = {.n = 0};
	struct sip *next;
	for (struct sip *s = k->sips; s; s = next) {
		next = s->next;   /* a stopped job's record may be freed */
		if (s->state != SIP_RUNNING || !s->job)
			continue;
		put(&t, hangup ? "stopped " : "[", 0);
		put_num(&t, s->pid, 0);
		put(&t, hangup ? " (" : "] ", 0);
		put(&t, s->name, 0);
		put(&t, hangup ? ")\n" : "\n", 0);
		if (hangup) {
			s->job = 0;   /* no "done" report: the shell said it stopped */
			proc_stop(k, s->pid, 0, 0);
		}
	}
	return text_of(k, &t);
}

static void *programs_req(struct sk_kernel *k) { return programs_text(k); }
static void *jobs_req(struct sk_kernel *k) { return jobs_text(k, 0); }
static void *hangup_req(struct sk_kernel *k) { return jobs_text(k, 1); }

/* ---- run and start ---- */

static void notify_gone(struct ch_end *e)
{
	struct sip *s = e->ctx;
	if (s)
		s->notify = NULL;
	e->ctx = NULL;
}

void proc_ended(struct sip *s)
{
	struct ch_end *e = s->notify;
	int32_t st = s->state == SIP_EXITED ? (int32_t)(s->status & 0xff) : SK_EXIT_FAILED;
	if (s->refused[0] && e) {   /* refused by the name service: it never ran */
		s->notify = NULL;
		e->ctx = NULL;
		e->gone = NULL;
		ns_reply(e, "Refused", (union sing_slot){.p = ns_text(s->k, s->refused,
		         (uint32_t)__builtin_strlen(s->refused))});
		return;
	}
	if (s->refused[0]) {   /* a background start: said on the console */
		con_write(s->k, "sing: ", 6);
		con_write(s->k, s->refused, __builtin_strlen(s->refused));
		con_write(s->k, "\n", 1);
	}
	if (s->job) {   /* a background program: say so on the console */
		struct text t = {.n = 0};
		put(&t, "[", 0);
		put_num(&t, s->pid, 0);
		put(&t, "] done, status ", 0);
		put_num(&t, (uint64_t)st, 0);
		put(&t, " (", 0);
		put(&t, s->name, 0);
		put(&t, ")\n", 0);
		con_write(s->k, t.b, t.n);
	}
	if (!e)
		return;
	s->notify = NULL;
	e->ctx = NULL;
	e->gone = NULL;
	ns_reply(e, "Exited", (union sing_slot){.i32 = st});
}

int proc_interrupt(struct sk_kernel *k)
{
	int n = 0;
	struct sip *next;
	for (struct sip *s = k->sips; s; s = next) {
		next = s->next;
		if (s->state == SIP_RUNNING && s->notify && proc_stop(k, s->pid, 0, SK_EXIT_INTERRUPTED) == 0)
			n++;
	}
	return n;
}

/* The words of a command line (deleted): each ended by a NUL byte when
 * the line holds one (the shell's quoting: a word may hold blanks or be
 * empty), else separated by blanks.  Returns argc. */
static int split(struct sk_kernel *k, void *line, char *buf, uint32_t size, char **argv, int max)
{
	uint32_t n = ns_read_text(line, buf, size - 1);
	xh_delete(&k->xh, line);
	buf[n] = 0;
	int argc = 0;
	if (__builtin_memchr(buf, 0, n)) {
		for (uint32_t i = 0; i < n && argc < max; i += (uint32_t)__builtin_strlen(buf + i) + 1)
			argv[argc++] = buf + i;
		return argc;
	}
	for (char *p = buf; *p && argc < max;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (*p)
			argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

/* Launch a command line: the pid, or 0 with the reason in err, or 0
 * with *help set when the line asks a program's usage (NAME --help: the
 * manifest answers, nothing starts).  The requester (the SIP whose
 * request this is) is the new SIP's parent. */
static uint32_t launch_line(struct sk_kernel *k, void *line, int job, char *err, unsigned errlen,
                            const char **help)
{
	char buf[4096];
	char *argv[64];
	int argc = split(k, line, buf, sizeof buf, argv, 64);
	*help = NULL;
	if (!argc) {
		sk_copy_str(err, errlen, "nothing to run");
		return 0;
	}
	if ((*help = proc_usage(k, argc, argv)))
		return 0;
	struct sip *parent = sip_current(k);
	uint32_t pid = sk_launch(k, argv[0], argc - 1, argv + 1, err, errlen);
	struct sip *s = pid ? proc_find(k, pid) : NULL;
	if (s) {
		s->ppid = parent ? parent->pid : 0;
		s->job = job;
	}
	return pid;
}

/* Start(line): launched in the background; answered at once. */
static void *start_text(struct sk_kernel *k, void *line)
{
	struct text t = {.n = 0};
	char err[256];
	const char *help;
	uint32_t pid = launch_line(k, line, 1, err, sizeof err, &help);
	if (help) {
		put(&t, help, 0);
		put(&t, "\n", 0);
		return text_of(k, &t);
	}
	put(&t, pid ? "[" : "sing: ", 0);
	if (pid)
		put_num(&t, pid, 0);
	put(&t, pid ? "] started" : err, 0);
	put(&t, "\n", 0);
	return text_of(k, &t);
}

/* Run(line): answered when it ends. */
static void run_request(struct ch_end *e, void *line)
{
	struct sk_kernel *k = e->k;
	char err[256];
	const char *help;
	uint32_t pid = launch_line(k, line, 0, err, sizeof err, &help);
	struct sip *s = pid ? proc_find(k, pid) : NULL;
	if (help) {   /* on the console as a program's output would be, then status 0 */
		con_write(k, help, __builtin_strlen(help));
		con_write(k, "\n", 1);
		ns_reply(e, "Exited", (union sing_slot){.i32 = 0});
	} else if (!pid) {
		ns_reply(e, "Refused", (union sing_slot){.p = ns_text(k, err, (uint32_t)__builtin_strlen(err))});
	} else if (!s) {   /* it ended before it ran (no stack) */
		ns_reply(e, "Exited", (union sing_slot){.i32 = SK_EXIT_FAILED});
	} else {
		s->notify = e;
		e->ctx = s;
		e->gone = notify_gone;
	}
}

static const struct {
	const char *name;
	void *(*text)(struct sk_kernel *k);
} listings[] = {
	{"Ps", ps_text}, {"Programs", programs_req}, {"Jobs", jobs_req}, {"Hangup", hangup_req},
};

void proc_serve(struct ch_end *e)
{
	union sing_slot args[4];
	int m;
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		const char *name = e->con->msgs[m].name;
		if (streq(name, "Run")) {
			run_request(e, args[0].p);
		} else if (streq(name, "Start")) {
			ns_reply(e, "Text", (union sing_slot){.p = start_text(e->k, args[0].p)});
		} else if (streq(name, "Kill")) {
			ns_reply(e, "Text", (union sing_slot){.p = kill_text(e->k, args[0].i32)});
		} else {
			for (size_t i = 0; i < sizeof listings / sizeof listings[0]; i++)
				if (streq(name, listings[i].name))
					ns_reply(e, "Text", (union sing_slot){.p = listings[i].text(e->k)});
		}
	}
}
