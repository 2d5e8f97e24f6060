/* proc.c - launch by manifest and the process service (see proc.h). */
#include "proc.h"

#include "io.h"
#include "ns.h"
#include "nsboot.h"
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
	sk_copy_str(p->version, sizeof p->version, m->version ? m->version : "-");
	sk_copy_str(p->kind, sizeof p->kind, m->kind ? m->kind : "-");
	sk_copy_str(p->usage, sizeof p->usage, m->usage ? m->usage : "");
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

/* Bind (they were checked): clients get their end, providers register.
 * A /svc/... import's server end is left in held[i], for the name service
 * SIP once the SIP exists (sk_launch). */
static void bind_all(struct sk_kernel *k, const struct sk_prog *p, void **eps, struct ch_end **held)
{
	const struct sing_image *img = p->im->img;
	for (uint32_t i = 0; i < p->neps; i++) {
		const struct sing_tinfo *ti = &img->types[img->main_types[i]];
		const struct ly_contract *con = p->im->map.con[ti->contract];
		struct ch_end *imp = NULL, *exp = NULL;
		held[i] = NULL;
		if (ti->side == 1 && streq(p->eps[i], NB_PATH)) {
			eps[i] = nb_open(k, con);
		} else if (ti->side == 1 && nb_path(p->eps[i])) {
			if (ch_new(k, &k->kown, con, &imp, &exp) == 0)
				nb_provide(k, p->eps[i], imp, 0, NULL, NULL);
			eps[i] = exp;
		} else if (ti->side == 1) {
			eps[i] = ns_provide(k, p->eps[i], con, k->next_pid);
		} else if (ch_new(k, &k->kown, con, &imp, &exp) == 0) {
			if (nb_path(p->eps[i]))
				held[i] = exp;
			else
				ns_connect(k, p->eps[i], exp);
		}
		if (ti->side == 0)
			eps[i] = imp;
	}
}

/* The SIP s waits (sip.h `held`) until the name service SIP bound each
 * of its /svc/... imports. */
static void hold(struct sk_kernel *k, const struct sk_prog *p, struct sip *s, struct ch_end **held)
{
	for (uint32_t i = 0; i < p->neps; i++)
		s->held += held[i] != NULL;
	for (uint32_t i = 0; i < p->neps; i++)
		if (held[i])
			nb_launch_bind(k, p->eps[i], held[i], s->pid);
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

const char *proc_usage(struct sk_kernel *k, int argc, char *const argv[])
{
	if (argc != 2 || (!streq(argv[1], "--help") && !streq(argv[1], "-h")))
		return NULL;
	const struct sk_prog *p = find_prog(k, argv[0]);
	return p && p->usage[0] ? p->usage : NULL;
}

uint32_t sk_launch(struct sk_kernel *k, const char *name, int argc, char *const argv[],
                   char *err, unsigned errlen)
{
	struct sk_prog *p = find_prog(k, name);
	void *eps[SK_MAXEPS + SK_MAXHW] = {0};
	struct ch_end *held[SK_MAXEPS];
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
	bind_all(k, p, eps, held);
	for (uint32_t i = 0; i < nports; i++)
		eps[p->neps + i] = &ports[i];
	struct sip *s = sip_start(k, p->im, p->name, p->budget, argc, v, eps, NULL,
	                          p->neps + nports, 1, err, errlen);
	if (!s) {
		for (uint32_t i = 0; i < p->neps; i++) {
			if (eps[i])
				xh_delete(&k->xh, eps[i]);
			if (held[i])
				xh_delete(&k->xh, held[i]);
		}
		hal_free(v);
		hal_free(ports);
		return 0;
	}
	p->down[0] = 0;   /* running again */
	s->prog = p;
	s->argv_own = v;
	s->ports = ports;   /* set before it runs: the SIP's first step is later */
	s->nports = nports;
	hold(k, p, s, held);
	return s->pid;
}

struct sip *proc_find(struct sk_kernel *k, uint32_t pid)
{
	for (struct sip *s = k->sips; s; s = s->next)
		if (s->pid == pid && s->state == SIP_RUNNING)
			return s;
	return NULL;
}

int sk_prog_has_cap(struct sk_kernel *k, const char *name, const char *cap)
{
	const struct sk_prog *p = find_prog(k, name);
	return p && proc_has_cap(p, cap);
}

void sk_service_down(struct sk_kernel *k, const char *name, const char *why)
{
	for (uint32_t i = 0; i < k->nprogs; i++)
		if (k->progs[i].managed && streq(k->progs[i].name, name))
			sk_copy_str(k->progs[i].down, sizeof k->progs[i].down, why);
}

int sk_alive(struct sk_kernel *k, uint32_t pid)
{
	return proc_find(k, pid) != NULL;
}

uint32_t sk_count_sips(const struct sk_kernel *k)
{
	return k->nsips;
}

int proc_stop(struct sk_kernel *k, uint32_t pid, int killed, int32_t status)
{
	struct sip *s = proc_find(k, pid);
	if (!s || !s->detached || s == sip_current(k))
		return -1;
	if (sip_stop_later(s, killed ? 1 : 2, status))
		return 0;
	s->state = killed ? SIP_FAILED : SIP_EXITED;
	s->status = status;
	s->why = SING_F_KILLED;
	sk_copy_str(s->fn, sizeof s->fn, "-");
	sip_teardown(s);
	return 0;
}

int sk_interrupt(struct sk_kernel *k)
{
	return proc_interrupt(k);
}

int sk_kill(struct sk_kernel *k, uint32_t pid)
{
	return proc_stop(k, pid, 1, 0);
}

int sk_stop(struct sk_kernel *k, uint32_t pid)
{
	return proc_stop(k, pid, 0, 0);
}

/* With other CPUs, "nothing ran here" is not "nothing runs": while one
 * of them is busy, wait a little for it (a poke ends the wait) and say
 * something ran, so the host side's loop goes on. */
int sk_step(struct sk_kernel *k)
{
	if (sched_step(k))
		return 1;
	if (!klock_smp)
		return 0;
	if (sched_steal(k, sched_cpu(k)))
		return 1;
	if (!sched_busy(k))
		return 0;
	sched_idle(sched_cpu(k), 1000000);
	return 1;
}

void sk_set_booted(struct sk_kernel *k)
{
	k->booted = 1;
	k->poll_kernel = 1;
}

