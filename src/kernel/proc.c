/* proc.c - launch by manifest and the process service (see proc.h). */
#include "proc.h"

#include "io.h"
#include "ns.h"
#include "sched.h"

static int streq(const char *a, const char *b)
{
	return __builtin_strcmp(a, b) == 0;
}

int proc_has_cap(const struct sk_prog *prog, const char *cap)
{
	if (!prog || !prog->managed)
		return 1;
	for (uint32_t i = 0; i < prog->ncaps; i++)
		if (streq(prog->caps[i], cap))
			return 1;
	return 0;
}

int sk_install(struct sk_kernel *k, const struct sk_image *im, const char *name,
               uint64_t budget, const struct sk_manifest *m)
{
	if (m->neps > SK_MAXEPS || m->ncaps > SK_MAXCAPS || m->nhw > SK_MAXHW)
		return -1;
	int i = sk_register(k, im, name, budget);
	if (i < 0)
		return -1;
	struct sk_prog *p = &k->progs[i];
	p->managed = 1;
	p->neps = m->neps;
	p->ncaps = m->ncaps;
	for (uint32_t e = 0; e < m->neps; e++)
		sk_copy_str(p->eps[e], sizeof p->eps[e], m->eps[e]);
	for (uint32_t c = 0; c < m->ncaps; c++)
		sk_copy_str(p->caps[c], sizeof p->caps[c], m->caps[c]);
	p->nhw = m->nhw;
	for (uint32_t h = 0; h < m->nhw; h++)
		p->hw[h] = m->hw[h];
	return i;
}

static struct sk_prog *find_prog(struct sk_kernel *k, const char *name)
{
	for (uint32_t i = 0; i < k->nprogs; i++)
		if (k->progs[i].managed && streq(k->progs[i].name, name))
			return &k->progs[i];
	return NULL;
}

/* "PATH: why" into err. */
static void say(char *err, unsigned errlen, const char *path, const char *a, const char *b)
{
	char buf[256];
	unsigned n = 0;
	const char *parts[] = {path, ": ", a, b};
	for (unsigned i = 0; i < 4; i++)
		for (const char *s = parts[i]; s && *s && n + 1 < sizeof buf; s++)
			buf[n++] = *s;
	buf[n] = 0;
	sk_copy_str(err, errlen, buf);
}

/* Check every endpoint of prog's main against the name service. */
static int check_all(struct sk_kernel *k, const struct sk_prog *p, char *err, unsigned errlen)
{
	const struct sing_image *img = p->im->img;
	char buf[128];
	if (img->main_extra != p->neps + io_nports(p)) {
		sk_copy_str(err, errlen, "main's parameters differ from the manifest's endpoints and ioports");
		return -1;
	}
	for (uint32_t i = p->neps; i < img->main_extra; i++)
		if (img->types[img->main_types[i]].kind != SING_K_IOPORT) {
			sk_copy_str(err, errlen, "main's parameters differ from the manifest's ioports");
			return -1;
		}
	const char *hw = io_check(k, p, buf, sizeof buf);
	if (hw) {
		sk_copy_str(err, errlen, hw);
		return -1;
	}
	for (uint32_t i = 0; i < p->neps; i++) {
		const struct sing_tinfo *ti = &img->types[img->main_types[i]];
		int code;
		if (ti->kind != SING_K_ENDPOINT || ti->state != 0) {
			say(err, errlen, p->eps[i], "main's parameter is not an endpoint in its start state", NULL);
			return -1;
		}
		const char *why = ns_check(k, p, p->eps[i], p->im->map.con[ti->contract], ti->side, &code);
		if (why && code == NS_CAPABILITY)
			say(err, errlen, p->eps[i], "needs capability ", why);
		else if (why)
			say(err, errlen, p->eps[i], why, NULL);
		if (why)
			return -1;
	}
	return 0;
}

/* Bind (they were checked): clients get their end, providers register. */
static void bind_all(struct sk_kernel *k, const struct sk_prog *p, void **eps)
{
	const struct sing_image *img = p->im->img;
	for (uint32_t i = 0; i < p->neps; i++) {
		const struct sing_tinfo *ti = &img->types[img->main_types[i]];
		const struct ly_contract *con = p->im->map.con[ti->contract];
		struct ch_end *imp = NULL, *exp = NULL;
		if (ti->side == 1)
			eps[i] = ns_provide(k, p->eps[i], con, k->next_pid);
		else if (ch_new(k, &k->kown, con, &imp, &exp) == 0)
			ns_connect(k, p->eps[i], exp);
		if (ti->side == 0)
			eps[i] = imp;
	}
}

/* argv in one kernel block that lives as long as the SIP's record. */
static char **copy_argv(int argc, char *const argv[])
{
	size_t n = (size_t)(argc + 1) * sizeof(char *);
	for (int i = 0; i < argc; i++)
		n += __builtin_strlen(argv[i]) + 1;
	char **v = hal_alloc(n);
	char *s = (char *)(v + argc + 1);
	for (int i = 0; v && i < argc; i++) {
		v[i] = s;
		sk_copy_str(s, __builtin_strlen(argv[i]) + 1, argv[i]);
		s += __builtin_strlen(argv[i]) + 1;
	}
	return v;
}

uint32_t sk_launch(struct sk_kernel *k, const char *name, int argc, char *const argv[],
                   char *err, unsigned errlen)
{
	struct sk_prog *p = find_prog(k, name);
	void *eps[SK_MAXEPS + SK_MAXHW] = {0};
	if (!p) {
		say(err, errlen, name, "no such program installed", NULL);
		return 0;
	}
	if (check_all(k, p, err, errlen) < 0)
		return 0;
	char **v = copy_argv(argc, argv);
	if (!v) {
		sk_copy_str(err, errlen, "no memory");
		return 0;
	}
	uint32_t nports = io_nports(p);
	struct io_port *ports = io_grant(p);
	if (nports && !ports) {
		hal_free(v);
		sk_copy_str(err, errlen, "no memory");
		return 0;
	}
	bind_all(k, p, eps);
	for (uint32_t i = 0; i < nports; i++)
		eps[p->neps + i] = &ports[i];
	struct sip *s = sip_start(k, p->im, p->name, p->budget, argc, v, eps, NULL,
	                          p->neps + nports, 1, err, errlen);
	if (!s) {
		for (uint32_t i = 0; i < p->neps; i++)
			if (eps[i])
				xh_delete(&k->xh, eps[i]);
		hal_free(v);
		hal_free(ports);
		return 0;
	}
	p->down[0] = 0;   /* running again */
	s->prog = p;
	s->argv_own = v;
	s->ports = ports;   /* set before it runs: the SIP's first step is later */
	s->nports = nports;
	return s->pid;
}

static struct sip *find_sip(struct sk_kernel *k, uint32_t pid)
{
	for (struct sip *s = k->sips; s; s = s->next)
		if (s->pid == pid && s->state == SIP_RUNNING)
			return s;
	return NULL;
}

void sk_service_down(struct sk_kernel *k, const char *name, const char *why)
{
	for (uint32_t i = 0; i < k->nprogs; i++)
		if (k->progs[i].managed && streq(k->progs[i].name, name))
			sk_copy_str(k->progs[i].down, sizeof k->progs[i].down, why);
}

int sk_alive(struct sk_kernel *k, uint32_t pid)
{
	return find_sip(k, pid) != NULL;
}

uint32_t sk_count_sips(const struct sk_kernel *k)
{
	return k->nsips;
}

/* Stop a launched SIP: killed (a failure, reported) or at shutdown (an
 * orderly exit with status 0). */
static int stop(struct sk_kernel *k, uint32_t pid, int killed)
{
	struct sip *s = find_sip(k, pid);
	if (!s || !s->detached || s == sip_current(k))
		return -1;
	s->state = killed ? SIP_FAILED : SIP_EXITED;
	s->why = SING_F_KILLED;
	sk_copy_str(s->fn, sizeof s->fn, "-");
	sip_teardown(s);
	return 0;
}

int sk_kill(struct sk_kernel *k, uint32_t pid)
{
	return stop(k, pid, 1);
}

int sk_stop(struct sk_kernel *k, uint32_t pid)
{
	return stop(k, pid, 0);
}

int sk_step(struct sk_kernel *k)
{
	return sched_step(k);
}

void sk_set_booted(struct sk_kernel *k)
{
	k->booted = 1;
	k->poll_kernel = 1;
}

/* ---- the process service: Run, Ps, Kill ---- */

const char *proc_check(const struct ly_contract *c)
{
	if (!ly_has(c, "Exited", 1, 1) || !ly_has(c, "Refused", 1, 1) || !ly_has(c, "Text", 1, 1))
		return "a process-service contract needs out Exited(i32), Refused(u8[]), Text(u8[])";
	for (uint32_t m = 0; m < c->nmsgs; m++) {
		const struct ly_msg *lm = &c->msgs[m];
		if (lm->dir == 0 && !(streq(lm->name, "Run") && lm->nargs == 1 && lm->args[0].linear) &&
		    !(streq(lm->name, "Start") && lm->nargs == 1 && lm->args[0].linear) &&
		    !(streq(lm->name, "Ps") && lm->nargs == 0) &&
		    !(streq(lm->name, "Kill") && lm->nargs == 1 && lm->args[0].builtin == 4))
			return "a process-service request is Run(u8[] line), Start(u8[] line), Ps() or "
			       "Kill(i32 pid)";
	}
	return NULL;
}

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

static uint32_t count_endpoints(const struct sip *s)
{
	uint32_t n = 0;
	for (const struct xh_block *b = s->xh_own.head.next; b != &s->xh_own.head; b = b->next)
		n += b->lay == &s->k->reg.endpoint;
	return n;
}

static void *ps_text(struct sk_kernel *k)
{
	struct text t = {.n = 0};
	put(&t, "  PID NAME             MEMORY THREADS ENDPOINTS\n", 0);
	for (const struct sip *s = k->sips; s; s = s->next) {
		if (s->state != SIP_RUNNING)
			continue;
		put_num(&t, s->pid, 5);
		put(&t, " ", 0);
		put(&t, s->name, 16);
		put_num(&t, s->budget.used, 7);
		put_num(&t, s->nthreads, 8);
		put_num(&t, count_endpoints(s), 10);
		put(&t, "\n", 0);
	}
	for (uint32_t i = 0; i < k->nprogs; i++)   /* what init gave up */
		if (k->progs[i].down[0]) {
			put(&t, "    - ", 0);
			put(&t, k->progs[i].name, 16);
			put(&t, " down: ", 0);
			put(&t, k->progs[i].down, 0);
			put(&t, "\n", 0);
		}
	return ns_text(k, t.b, t.n);
}

static void *kill_text(struct sk_kernel *k, int32_t pid)
{
	struct text t = {.n = 0};
	int bad = pid <= 0 || sk_kill(k, (uint32_t)pid) < 0;
	put(&t, bad ? "kill: no process " : "killed ", 0);
	put_num(&t, pid > 0 ? (uint64_t)pid : 0, 0);
	put(&t, bad ? " (or it may not be killed)\n" : "\n", 0);
	return ns_text(k, t.b, t.n);
}

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
	if (!e)
		return;
	s->notify = NULL;
	e->ctx = NULL;
	e->gone = NULL;
	int32_t st = s->state == SIP_EXITED ? (int32_t)(s->status & 0xff) : SK_EXIT_FAILED;
	ns_reply(e, "Exited", (union sing_slot){.i32 = st});
}

/* Launch "NAME ARG..." (line, split at blanks; deleted): the pid, or 0
 * with the reason in err. */
static uint32_t launch_line(struct sk_kernel *k, void *line, char *err, unsigned errlen)
{
	char buf[512];
	char *argv[16];
	int argc = 0;
	ns_read_text(line, buf, sizeof buf);
	xh_delete(&k->xh, line);
	for (char *p = buf; *p && argc < 16;) {
		while (*p == ' ' || *p == '\t')
			*p++ = 0;
		if (*p)
			argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (!argc)
		sk_copy_str(err, errlen, "nothing to run");
	return argc ? sk_launch(k, argv[0], argc - 1, argv + 1, err, errlen) : 0;
}

/* Start(line): launched in the background; answered at once. */
static void *start_text(struct sk_kernel *k, void *line)
{
	struct text t = {.n = 0};
	char err[256];
	uint32_t pid = launch_line(k, line, err, sizeof err);
	put(&t, pid ? "started pid " : "sing: ", 0);
	if (pid)
		put_num(&t, pid, 0);
	else
		put(&t, err, 0);
	put(&t, "\n", 0);
	return ns_text(k, t.b, t.n);
}

/* Run(line): answered when it ends. */
static void run_request(struct ch_end *e, void *line)
{
	struct sk_kernel *k = e->k;
	char err[256];
	uint32_t pid = launch_line(k, line, err, sizeof err);
	struct sip *s = pid ? find_sip(k, pid) : NULL;
	if (!pid) {
		ns_reply(e, "Refused", (union sing_slot){.p = ns_text(k, err, (uint32_t)__builtin_strlen(err))});
	} else if (!s) {   /* it ended before it ran (no stack) */
		ns_reply(e, "Exited", (union sing_slot){.i32 = SK_EXIT_FAILED});
	} else {
		s->notify = e;
		e->ctx = s;
		e->gone = notify_gone;
	}
}

void proc_serve(struct ch_end *e)
{
	union sing_slot args[4];
	int m;
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		const char *name = e->con->msgs[m].name;
		if (streq(name, "Run"))
			run_request(e, args[0].p);
		else if (streq(name, "Start"))
			ns_reply(e, "Text", (union sing_slot){.p = start_text(e->k, args[0].p)});
		else if (streq(name, "Kill"))
			ns_reply(e, "Text", (union sing_slot){.p = kill_text(e->k, args[0].i32)});
		else
			ns_reply(e, "Text", (union sing_slot){.p = ps_text(e->k)});
	}
}
