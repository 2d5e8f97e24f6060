/* ns.c - the name service (see ns.h). */
#include "ns.h"

#include "console.h"
#include "irq.h"
#include "launch.h"
#include "nsboot.h"
#include "nswatch.h"
#include "panic.h"
#include "proc.h"
#include "sched.h"
#include "trace.h"

/* ---- the names the kernel serves itself ---- */

struct ns_kname {
	const char *path;
	const char *cap;                                  /* needed to bind it (NULL: none) */
	const char *(*check)(const struct ly_contract *c);
	void (*serve)(struct ch_end *e);                  /* NULL: a program provides it */
	const char *prov_cap;                             /* ... holding this capability */
	/* Told when a client binds it (served) or a program provides it. */
	void (*on)(struct sk_kernel *k, const struct ly_contract *con, const char *path);
};

/* The kernel's names, and the system names a program provides (the
 * console multiplexer's: bound like any provided name, but only with the
 * capability, and provided only by a program holding prov_cap). */
static const struct ns_kname knames[] = {
	{"/svc/ns",       NULL,            ns_check_contract, ns_serve, NULL, NULL},
	{"/kernel/proc",  "system.proc",   proc_check,        proc_serve, NULL, NULL},
	{SK_LAUNCH_PATH,  "system.launch", launch_check,      launch_serve, NULL, NULL},
	{"/kernel/console/out", "console.mux", con_out_check, con_out_serve, NULL, con_routed},
	{"/kernel/console/ctl", "console.mux", con_ctl_check, con_ctl_serve, NULL, NULL},
	{"/dev/console",     "console.print",  NULL, NULL, "console.mux", NULL},
	{"/dev/console/out", "console.driver", NULL, NULL, "console.mux", con_device_came},
	{"/dev/console/in",  "console.driver", NULL, NULL, "console.mux", con_device_came},
};
#define NKNAMES (sizeof knames / sizeof knames[0])

static int streq(const char *a, const char *b)
{
	return __builtin_strcmp(a, b) == 0;
}

static const struct ns_kname *kname(const char *path)
{
	for (uint32_t i = 0; i < NKNAMES; i++)
		if (streq(knames[i].path, path))
			return &knames[i];
	return NULL;
}

static struct ns_entry *entry(struct sk_kernel *k, const char *path)
{
	for (uint32_t i = 0; i < NS_MAX; i++)
		if (k->names[i].prov && !k->names[i].held && streq(k->names[i].path, path))
			return &k->names[i];
	return NULL;
}

/* A provider contract: `in Connect(C.Exp e)` with e in C's start state.
 * The contract C its clients speak, or NULL. */
static const struct ly_contract *provided(const struct ly_contract *p)
{
	int m = ly_find_msg(p, "Connect", 0);
	if (m < 0 || p->msgs[m].nargs != 1)
		return NULL;
	const struct ly_arg *a = &p->msgs[m].args[0];
	return a->con && a->side == 1 && a->state == 0 ? a->con : NULL;
}

/* ---- check, then act ---- */

static const char *check_import(struct sk_kernel *k, const struct sk_prog *prog, const char *path,
                                const struct ly_contract *con, int *code)
{
	const struct ns_kname *kn = kname(path);
	const struct ns_entry *en = entry(k, path);
	int line = irq_path(path);
	*code = NS_HARDWARE;
	if (line >= 0)
		return irq_check(k, prog, line, con);
	*code = NS_CAPABILITY;
	if (kn && kn->cap && !proc_has_cap(prog, kn->cap))
		return kn->cap;   /* the caller words it: "needs capability ..." */
	*code = NS_CONTRACT;
	if (kn && kn->serve)
		return kn->check(con);
	if (streq(path, NB_PATH))
		return "the bootstrap endpoint is the name service's to export";
	*code = NS_NO_NAME;
	if (nb_path(path))   /* the name service SIP answers when the client is bound */
		return nb_up(k) ? NULL : "no running program provides it (the name service is not running)";
	if (!en)
		return "no running program provides it";
	*code = NS_CONTRACT;
	/* The client's end goes to the provider as its C.Exp: the client may
	 * speak an extension of C (ly_upcast checks it in the kernel's tables). */
	return ly_upcast(con, en->con, 1, 0) ? NULL : "its provider serves another contract (shape differs)";
}

/* /kernel/ns: exported by the one program holding system.ns. */
static const char *check_boot(struct sk_kernel *k, const struct sk_prog *prog,
                              const struct ly_contract *con, int *code)
{
	*code = NS_CAPABILITY;
	if (!proc_has_cap(prog, "system.ns"))
		return "system.ns";
	*code = NS_CONTRACT;
	return nb_up(k) ? "the name service is running already" : nb_check(con);
}

static const char *check_export(struct sk_kernel *k, const struct sk_prog *prog, const char *path,
                                const struct ly_contract *con, int *code)
{
	*code = NS_CONTRACT;
	const struct ns_kname *kn = kname(path);
	if (streq(path, NB_PATH))
		return check_boot(k, prog, con, code);
	*code = NS_CAPABILITY;
	if (kn && kn->prov_cap && !proc_has_cap(prog, kn->prov_cap))
		return kn->prov_cap;
	*code = NS_CONTRACT;
	if ((kn && !kn->prov_cap) || irq_path(path) >= 0)
		return "a system name cannot be provided by a program";
	if (entry(k, path))
		return "already provided by a running program";
	if (!provided(con))
		return "an exporting endpoint must speak a provider contract (in Connect(C.Exp e))";
	if (nb_path(path))   /* the name service SIP answers whether it is free */
		return nb_up(k) ? NULL : "the name service is not running";
	for (uint32_t i = 0; i < NS_MAX; i++)
		if (!k->names[i].prov)
			return NULL;
	return "the name table is full";
}

const char *ns_check(struct sk_kernel *k, const struct sk_prog *prog, const char *path,
                     const struct ly_contract *con, uint32_t side, int *code)
{
	return side == 0 ? check_import(k, prog, path, con, code) : check_export(k, prog, path, con, code);
}

static void connect_next(struct ns_entry *en);

static void ignored(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	(void)ctx, (void)path, (void)code;
	if (text)
		xh_delete(&k->xh, text);
}

void ns_connect(struct sk_kernel *k, const char *path, struct ch_end *exp)
{
	const struct ns_kname *kn = kname(path);
	TR_NAMED(TR_NS_BIND, sip_current(k) ? sip_current(k)->pid : 0, path, 0);
	int line = irq_path(path);
	if (line >= 0) {
		irq_connect(k, line, exp);
		return;
	}
	if (nb_path(path)) {   /* a client of `sing run`, answered by ChannelClosed if refused */
		nb_bind(k, path, exp, sip_current(k) ? sip_current(k)->pid : 0, ignored, NULL);
		return;
	}
	if (kn && kn->serve) {
		if (kn->on)
			kn->on(k, exp->con, path);
		exp->serve = kn->serve;
		if (exp->count)   /* the client may have spoken already */
			kn->serve(exp);
		return;
	}
	struct ns_entry *en = entry(k, path);
	if (en->nwait == NS_WAIT) {   /* a provider that stopped acking: the client sees ChannelClosed */
		xh_delete(&k->xh, exp);
		return;
	}
	en->wait[en->nwait++] = exp;
	connect_next(en);
}

/* Hand the provider the oldest waiting server end, one at a time: its
 * contract takes the next Connect only after it acked the last (a second
 * Connect sent at once would break the contract, and the kernel's own
 * sends are checked like a SIP's). */
static void connect_next(struct ns_entry *en)
{
	while (en->prov && en->nwait) {
		uint32_t m = (uint32_t)ly_find_msg(en->prov->con, "Connect", 0);
		if (ch_step(en->prov, m) == SING_NO_STATE)
			return;   /* its Ack comes first: provider_serve calls again */
		union sing_slot a = {.p = en->wait[0]};
		__builtin_memmove(en->wait, en->wait + 1, --en->nwait * sizeof en->wait[0]);
		ch_send(en->prov, m, &a);
	}
}

/* The provider's Acks: taken, then the next waiting Connect goes out. */
static void provider_serve(struct ch_end *e)
{
	ns_drain(e);
	connect_next(e->ctx);
}

/* The provider's end closed: the name is free again, and the binds that
 * waited for it end (their clients see ChannelClosed). */
static void provider_gone(struct ch_end *e)
{
	struct ns_entry *en = e->ctx;
	nb_lost(e->k, e);   /* a Provide still queued for the name service SIP is void */
	if (en->held && en->path[0])   /* the name service drops the name (if id holds it) */
		nb_gone(e->k, en->path, en->pid);
	if (en->held && en->listed)
		nw_event(e->k, 1, en->path);
	while (en->nwait)
		xh_delete(&e->k->xh, en->wait[--en->nwait]);
	en->prov = NULL;
	e->ctx = NULL;
}

struct ch_end *ns_provide(struct sk_kernel *k, const char *path, const struct ly_contract *p,
                          uint32_t pid)
{
	struct ns_entry *en = k->names;
	while (en->prov)
		en++;
	struct ch_end *imp, *exp;
	if (ch_new(k, &k->kown, p, &imp, &exp) < 0)
		return NULL;
	sk_copy_str(en->path, sizeof en->path, path);
	en->con = provided(p);
	en->prov = imp;
	en->pid = pid;
	imp->serve = provider_serve;
	imp->gone = provider_gone;
	imp->ctx = en;
	const struct ns_kname *kn = kname(path);
	if (kn && kn->on)
		kn->on(k, en->con, path);
	return exp;
}

/* ---- ns_link: a provider end held opaquely by a SIP (the directory) ---- */

/* Its pacing record: a name-table slot marked held (entry() and ns_names
 * skip it), so the kernel paces Connects on it as on its own. */
static struct ns_entry *paced(struct sk_kernel *k, struct ch_end *prov)
{
	if (prov->ctx)
		return prov->ctx;
	for (uint32_t i = 0; i < NS_MAX; i++) {
		struct ns_entry *en = &k->names[i];
		if (en->prov)
			continue;
		en->path[0] = 0;
		en->con = provided(prov->con);
		en->prov = prov;
		en->pid = 0;
		en->held = 1;
		en->listed = 0;
		en->nwait = 0;
		prov->serve = provider_serve;
		prov->gone = provider_gone;
		prov->ctx = en;
		return en;
	}
	return NULL;
}

static int32_t refuse(struct sk_kernel *k, struct ch_end *client, int32_t code)
{
	xh_delete(&k->xh, client);   /* its peer sees ChannelClosed, as after a failed Bind */
	return code;
}

int ns_hand_over(struct sk_kernel *k, const char *path, struct ch_end *prov, uint32_t id)
{
	struct ns_entry *en = paced(k, prov);
	if (!en)
		return -1;
	sk_copy_str(en->path, sizeof en->path, path);
	en->pid = id;   /* a held record's pid field is the end's id (nsboot.h) */
	return 0;
}

void ns_came(struct sk_kernel *k, uint32_t id)
{
	for (uint32_t i = 0; i < NS_MAX; i++) {
		struct ns_entry *en = &k->names[i];
		if (en->prov && en->held && en->path[0] && en->pid == id && !en->listed) {
			en->listed = 1;
			nw_event(k, 0, en->path);
		}
	}
}

/* The handed-over provider ends own holds at top level (its cells). */
void ns_reclaim(struct sk_kernel *k, struct xh_list *own)
{
	for (uint32_t i = 0; i < NS_MAX; i++) {
		struct ns_entry *en = &k->names[i];
		if (en->prov && en->held && en->path[0] && xh_owner(en->prov) == own) {
			xh_send(en->prov);
			xh_recv(en->prov, &k->kown);
		}
	}
}

void ns_reprovide(struct sk_kernel *k)
{
	for (uint32_t i = 0; i < NS_MAX; i++) {
		struct ns_entry *en = &k->names[i];
		if (en->prov && en->held && en->path[0] && xh_owner(en->prov) == &k->kown)
			nb_provide(k, en->path, en->prov, en->pid, NULL, NULL);
	}
}

int32_t ns_link(struct sk_kernel *k, struct ch_end *prov, struct ch_end *client)
{
	const struct ly_contract *c = provided(prov->con);
	if (prov->side != 0 || !c || !ly_upcast(client->con, c, 1, 0))
		return refuse(k, client, NS_CONTRACT);
	struct ns_entry *en = prov->peer ? paced(k, prov) : NULL;
	if (!en || en->nwait == NS_WAIT)   /* gone, or the kernel can hold no more */
		return refuse(k, client, NS_NO_NAME);
	en->wait[en->nwait++] = client;
	connect_next(en);
	return 0;
}

/* ---- text across channels, replies ---- */

void *ns_text(struct sk_kernel *k, const char *s, uint32_t n)
{
	struct sing_xarr *x = xh_new_array(&k->xh, &k->kown, ly_bytes(&k->reg), n);
	if (x)
		__builtin_memcpy(x->data, s, n);
	return x;
}

uint32_t ns_read_text(const void *p, char *buf, uint32_t n)
{
	const struct ly_layout *l = p ? xh_layout(p) : NULL;
	uint32_t len = 0;
	if (l && l->kind == SING_K_XARRAY && l->elem_size == 1) {
		const struct sing_xarr *x = p;
		len = x->len < (int64_t)n - 1 ? (uint32_t)x->len : n - 1;
		__builtin_memcpy(buf, x->data, len);
	}
	buf[len] = 0;
	return len;
}

void ns_reply(struct ch_end *e, const char *name, union sing_slot arg)
{
	int m = ly_find_msg(e->con, name, e->side == 1 ? 1 : 0);
	if (m < 0)
		kpanic("ns: a reply the contract check let through is missing");
	ch_send(e, (uint32_t)m, &arg);
}

void ns_drain(struct ch_end *e)
{
	union sing_slot args[32];
	int m;
	if (e->width > 32)
		kpanic("ns: message too wide to drain");
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		const struct ly_msg *lm = &e->con->msgs[m];
		for (uint32_t a = 0; a < lm->nargs; a++)
			if (lm->args[a].linear && args[a].p)
				xh_delete(&e->k->xh, args[a].p);
	}
}

/* ---- the /svc/ns endpoint: Bind(u8[] path, C.Exp e) -> Ok() | Fail(i32),
 * List() -> Names(u8[] text) ---- */

const char *ns_check_contract(const struct ly_contract *c)
{
	if (!ly_has(c, "Ok", 1, 0) || !ly_has(c, "Fail", 1, 1) || !ly_has(c, "Names", 1, 1))
		return "a name-service contract needs out Ok(), Fail(i32 why), Names(u8[] text)";
	for (uint32_t m = 0; m < c->nmsgs; m++) {
		const struct ly_msg *lm = &c->msgs[m];
		int bind = streq(lm->name, "Bind") && lm->nargs == 2 && lm->args[0].linear &&
		           !lm->args[0].con && lm->args[1].con && lm->args[1].side == 1;
		int list = streq(lm->name, "List") && lm->nargs == 0;
		int watch = (streq(lm->name, "Watch") || streq(lm->name, "Next")) && lm->nargs == 0;
		int reg = streq(lm->name, "Register") && lm->nargs == 2 && lm->args[0].linear &&
		          !lm->args[0].con && lm->args[1].con && lm->args[1].side == 0 &&
		          lm->args[1].state == 0 && provided(lm->args[1].con);
		if (reg && !ly_has(c, "Registered", 1, 0))
			return "a name-service contract with Register needs out Registered()";
		if (lm->dir == 0 && !bind && !list && !reg && !watch)
			return "a name-service request is Bind(u8[] path, C.Exp e), Register(u8[] path, "
			       "P.Imp prov), List(), Watch() or Next()";
	}
	return nw_check(c);
}

uint32_t ns_names(struct sk_kernel *k, char *buf, uint32_t size)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < NKNAMES + NS_MAX; i++) {
		const char *path = i < NKNAMES ? knames[i].path : k->names[i - NKNAMES].path;
		if (i < NKNAMES && !knames[i].serve)
			continue;   /* provided by a program: listed below while it is */
		if (i >= NKNAMES && (!k->names[i - NKNAMES].prov || k->names[i - NKNAMES].held))
			continue;   /* a free slot, or a pacing record (ns_link) */
		for (const char *p = path; *p && n < size - 1; p++)
			buf[n++] = *p;
		if (n < size - 1)
			buf[n++] = '\n';
	}
	return n;
}

/* The directory's listing: the kernel's names, then the name service's
 * (more, a u8[] the kernel received, or NULL; it is deleted). */
static void *listing(struct sk_kernel *k, void *more)
{
	char buf[4096];
	uint32_t n = ns_names(k, buf, sizeof buf);
	n += ns_read_text(more, buf + n, sizeof buf - n);
	if (more)
		xh_delete(&k->xh, more);
	return ns_text(k, buf, n);
}

/* A /svc/ns client waiting for the name service SIP's answer went away. */
static void asker_gone(struct ch_end *e)
{
	nb_forget(e->k, e);
}

/* The name service SIP's answer to a /svc/ns client's request (ctx: its
 * end, NULL once it went away): Fail(code), or ok, the success message. */
static void answer(void *ctx, int32_t code, const char *ok)
{
	struct ch_end *e = ctx;
	if (!e)
		return;
	e->gone = NULL;
	if (code)
		ns_reply(e, "Fail", (union sing_slot){.i32 = code});
	else
		ns_reply(e, ok, (union sing_slot){.u64 = 0});
}

static void bound(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	(void)k, (void)path, (void)text;
	answer(ctx, code, "Ok");
}

static void listed(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	struct ch_end *e = ctx;
	(void)path, (void)code;
	if (!e) {
		if (text)
			xh_delete(&k->xh, text);
		return;
	}
	e->gone = NULL;
	ns_reply(e, "Names", (union sing_slot){.p = listing(k, text)});
}

static void bind_request(struct ch_end *e, union sing_slot *args)
{
	struct sk_kernel *k = e->k;
	char path[64];
	struct sip *caller = sip_current(k);
	struct ch_end *exp = args[1].p;
	int code = NS_NO_NAME;
	const char *why = ns_read_text(args[0].p, path, sizeof path) ?
		ns_check(k, caller ? caller->prog : NULL, path, exp->con, 0, &code) : "no path";
	xh_delete(&k->xh, args[0].p);
	if (why) {
		xh_delete(&k->xh, exp);   /* the client sees ChannelClosed on its end */
		ns_reply(e, "Fail", (union sing_slot){.i32 = code});
		return;
	}
	if (nb_path(path)) {   /* answered when the name service SIP has */
		e->gone = asker_gone;
		nb_bind(k, path, exp, caller ? caller->pid : 0, bound, e);
		return;
	}
	ns_connect(k, path, exp);
	ns_reply(e, "Ok", (union sing_slot){.u64 = 0});
}

static void registered(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	(void)k, (void)path, (void)text;
	answer(ctx, code, "Registered");
}

/* Register(path, P.Imp prov): a running program provides a /svc/... name;
 * the end goes to the name service SIP as a launch's Provide does.  Fail:
 * 1 no name service, 2 taken, 4 not a /svc/... path, 5 the table is full. */
static void register_request(struct ch_end *e, union sing_slot *args)
{
	struct sk_kernel *k = e->k;
	char path[64];
	int ok = ns_read_text(args[0].p, path, sizeof path) && nb_path(path);
	xh_delete(&k->xh, args[0].p);
	if (!ok || !nb_up(k)) {
		xh_delete(&k->xh, args[1].p);   /* the provider sees ChannelClosed */
		ns_reply(e, "Fail", (union sing_slot){.i32 = ok ? NS_NO_NAME : 4});
		return;
	}
	e->gone = asker_gone;
	nb_provide(k, path, args[1].p, 0, registered, e);
}

void ns_serve(struct ch_end *e)
{
	union sing_slot args[4];
	int m;
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		if (streq(e->con->msgs[m].name, "Bind")) {
			bind_request(e, args);
		} else if (streq(e->con->msgs[m].name, "Register")) {
			register_request(e, args);
		} else if (streq(e->con->msgs[m].name, "Watch")) {
			if (nw_watch(e) < 0)
				return;   /* e is gone */
		} else if (streq(e->con->msgs[m].name, "Next")) {
			nw_next(e);
		} else if (nb_up(e->k)) {   /* the kernel's names, then the name service's */
			e->gone = asker_gone;
			nb_list(e->k, listed, e);
		} else {
			ns_reply(e, "Names", (union sing_slot){.p = listing(e->k, NULL)});
		}
	}
}

/* `sing run`: main's endpoint parameter number param bound to path,
 * unrestricted (no manifest capabilities apply to a developer's run). */
void *sk_bind(struct sk_kernel *k, const struct sk_image *im, uint32_t param,
              const char *path, char *err, unsigned errlen)
{
	const struct sing_image *img = im->img;
	const struct sing_tinfo *ti = param < img->main_extra ? &img->types[img->main_types[param]] : NULL;
	const char *why = "the parameter is not an importing endpoint in its start state";
	int code;
	struct ch_end *imp = NULL, *exp = NULL;
	if (ti && ti->kind == SING_K_ENDPOINT && ti->side == 0 && ti->state == 0)
		why = ns_check(k, NULL, path, im->map.con[ti->contract], 0, &code);
	if (!why && ch_new(k, &k->kown, im->map.con[ti->contract], &imp, &exp) < 0)
		why = "no memory for a channel";
	if (why) {
		sk_copy_str(err, errlen, why);
		return NULL;
	}
	ns_connect(k, path, exp);
	return imp;
}
