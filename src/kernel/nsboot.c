/* nsboot.c - the bootstrap endpoint /kernel/ns (see nsboot.h). */
#include "nsboot.h"

#include "console.h"
#include "ns.h"
#include "proc.h"
#include "sched.h"
#include "trace.h"

enum { NB_PROVIDE, NB_BIND, NB_LIST, NB_GONE };

/* NsBoot, as the kernel imports it: each message, its direction and its
 * arguments ('b' u8[], 'i' i32, 'I' any.Imp, 'E' any.Exp).  The first
 * four are the requests, in the order of the NB_ kinds. */
static const struct {
	const char *name;
	uint32_t dir;
	const char *args;
} shape[] = {
	{"Provide", 0, "bIi"}, {"Bind", 0, "bEi"}, {"List", 0, ""}, {"Gone", 0, "bi"},
	{"Provided", 1, ""}, {"Refused", 1, "i"}, {"Bound", 1, ""}, {"Fail", 1, "i"},
	{"Names", 1, "b"}, {"Noted", 1, ""},
};
#define NSHAPE (sizeof shape / sizeof shape[0])

int nb_path(const char *path)
{
	return __builtin_strncmp(path, "/svc/", 5) == 0 && __builtin_strcmp(path, "/svc/ns") != 0;
}

int nb_up(const struct sk_kernel *k)
{
	return k->nb.imp != NULL;
}

static int arg_is(const struct ly_arg *a, char kind)
{
	switch (kind) {
	case 'b': return a->linear && !a->con && !a->any;
	case 'i': return a->builtin == 4;
	default:  return a->any && a->side == (kind == 'E');
	}
}

const char *nb_check(const struct ly_contract *c)
{
	if (c->nmsgs != NSHAPE)
		return "the bootstrap contract is NsBoot (sys/contracts/ns.sg)";
	for (uint32_t i = 0; i < NSHAPE; i++) {
		uint32_t n = (uint32_t)__builtin_strlen(shape[i].args);
		int m = ly_find_msg(c, shape[i].name, shape[i].dir);
		if (m < 0 || c->msgs[m].nargs != n)
			return "the bootstrap contract is NsBoot (sys/contracts/ns.sg)";
		for (uint32_t a = 0; a < n; a++)
			if (!arg_is(&c->msgs[m].args[a], shape[i].args[a]))
				return "the bootstrap contract is NsBoot (sys/contracts/ns.sg)";
	}
	return NULL;
}

/* ---- the queue ---- */

static struct nb_req *head(struct sk_kernel *k)
{
	return k->nb.n ? &k->nb.q[k->nb.head] : NULL;
}

/* Answer the oldest request and take it off the queue. */
static void answer(struct sk_kernel *k, int32_t code, void *text)
{
	struct nb_req r = k->nb.q[k->nb.head];
	k->nb.head = (k->nb.head + 1) % NB_MAX;
	k->nb.n--;
	k->nb.sent = 0;
	r.done(k, r.ctx, r.path, code, text);
}

/* Send the oldest request if none is out (a Provide whose end closed
 * meanwhile is answered instead). */
static void send_next(struct sk_kernel *k)
{
	struct nb_req *r = head(k);
	while (r && !k->nb.sent && r->kind == NB_PROVIDE && !r->ep) {
		answer(k, 0, NULL);
		r = head(k);
	}
	if (!r || k->nb.sent || !k->nb.imp)
		return;
	union sing_slot a[3] = {{.u64 = 0}};
	uint32_t n = 0;
	if (r->kind != NB_LIST)
		a[n++].p = ns_text(k, r->path, (uint32_t)__builtin_strlen(r->path));
	if (r->ep)
		a[n++].p = r->ep;
	if (r->kind != NB_LIST)
		a[n++].i32 = (int32_t)r->pid;
	r->ep = NULL;   /* the name service's now */
	k->nb.sent = 1;
	ch_send(k->nb.imp, (uint32_t)ly_find_msg(k->nb.imp->con, shape[r->kind].name, 0), a);
}

static void queue(struct sk_kernel *k, int kind, const char *path, struct ch_end *ep, uint32_t pid,
                  nb_done *done, void *ctx)
{
	if (!k->nb.imp || k->nb.n == NB_MAX) {   /* nobody to ask, or too many asking */
		if (ep)
			xh_delete(&k->xh, ep);
		done(k, ctx, path, NS_NO_NAME, NULL);
		return;
	}
	struct nb_req *r = &k->nb.q[(k->nb.head + k->nb.n++) % NB_MAX];
	*r = (struct nb_req){.kind = kind, .ep = ep, .pid = pid, .done = done, .ctx = ctx};
	sk_copy_str(r->path, sizeof r->path, path ? path : "");
	TR_NAMED(TR_NS_BIND, pid, r->path, (uint64_t)kind);
	send_next(k);
}

/* A refused Provide, said on the console in one line. */
static void provided(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	static const char *const why[] = {"", ": the name service is not running\n",
		": already provided by a running program\n", ": the name table is full\n"};
	char line[160];
	uint32_t n = 0;
	const char *parts[] = {"sing: ", path, why[code < 3 ? code : 3]};
	(void)ctx, (void)text;
	if (!code)
		return;
	for (uint32_t i = 0; i < 3; i++)
		for (const char *c = parts[i]; *c && n < sizeof line; c++)
			line[n++] = *c;
	con_write(k, line, n);
}

void nb_provide(struct sk_kernel *k, const char *path, struct ch_end *prov, uint32_t id,
                nb_done *done, void *ctx)
{
	if (!id)   /* a new end: its id, unique, is what a Gone names */
		id = ++k->nb.ids;
	ns_hand_over(k, path, prov, id);
	queue(k, NB_PROVIDE, path, prov, id, done ? done : provided, ctx);
}

void nb_bind(struct sk_kernel *k, const char *path, struct ch_end *client, uint32_t pid,
             nb_done *done, void *ctx)
{
	queue(k, NB_BIND, path, client, pid, done, ctx);
}

void nb_list(struct sk_kernel *k, nb_done *done, void *ctx)
{
	queue(k, NB_LIST, NULL, NULL, 0, done, ctx);
}

static void noted(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	(void)k, (void)ctx, (void)path, (void)code, (void)text;
}

void nb_gone(struct sk_kernel *k, const char *path, uint32_t id)
{
	if (k->nb.imp)
		queue(k, NB_GONE, path, NULL, id, noted, NULL);
}

/* A launch's bind answered: the SIP runs once all are, or ends refused. */
static void launch_bound(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	struct sip *s = proc_find(k, (uint32_t)(uintptr_t)ctx);
	(void)text;
	if (!s || !s->held)
		return;   /* it ended meanwhile */
	s->held--;
	if (code && !s->refused[0]) {
		const char *why = code == NS_CONTRACT ? ": its provider serves another contract (shape differs)"
		                                       : ": no running program provides it";
		sk_copy_str(s->refused, sizeof s->refused, path);
		uint32_t n = (uint32_t)__builtin_strlen(s->refused);
		sk_copy_str(s->refused + n, sizeof s->refused - n, why);
	}
	if (s->main && (!s->held || s->refused[0]))
		sched_wake(s->main);
}

void nb_launch_bind(struct sk_kernel *k, const char *path, struct ch_end *client, uint32_t pid)
{
	queue(k, NB_BIND, path, client, pid, launch_bound, (void *)(uintptr_t)pid);
}

void nb_forget(struct sk_kernel *k, void *ctx)
{
	for (uint32_t i = 0; i < k->nb.n; i++)
		if (k->nb.q[(k->nb.head + i) % NB_MAX].ctx == ctx)
			k->nb.q[(k->nb.head + i) % NB_MAX].ctx = NULL;
}

void nb_lost(struct sk_kernel *k, struct ch_end *e)
{
	for (uint32_t i = 0; i < k->nb.n; i++) {
		struct nb_req *r = &k->nb.q[(k->nb.head + i) % NB_MAX];
		if (r->ep == e && !(i == 0 && k->nb.sent))
			r->ep = NULL;
	}
}

/* ---- the name service's answers, and its end ---- */

static void serve(struct ch_end *e)
{
	struct sk_kernel *k = e->k;
	union sing_slot a[2];
	int m;
	while ((m = ch_pop(e, a, &k->kown)) >= 0) {
		const struct ly_msg *lm = &e->con->msgs[m];
		int text = lm->nargs && lm->args[0].linear;
		if (!head(k) || !k->nb.sent) {   /* an answer nobody asked for: the contract forbids it */
			if (text)
				xh_delete(&k->xh, a[0].p);
			continue;
		}
		int32_t code = text || !lm->nargs ? 0 : a[0].i32;
		if (head(k)->kind == NB_PROVIDE && !code)
			ns_came(k, head(k)->pid);
		answer(k, code, text ? a[0].p : NULL);
		send_next(k);
	}
}

/* The name service's end closed (it ended): every request still queued
 * is answered NS_NO_NAME, and the next name service starts afresh. */
static void gone(struct ch_end *e)
{
	struct sk_kernel *k = e->k;
	k->nb.imp = NULL;
	while (k->nb.n) {
		struct nb_req *r = head(k);
		int kept = r->ep && r->kind == NB_PROVIDE && r->ep->ctx;   /* for the next one */
		if (r->ep && !kept)
			xh_delete(&k->xh, r->ep);
		r->ep = NULL;
		answer(k, kept ? 0 : NS_NO_NAME, NULL);
	}
}

struct ch_end *nb_open(struct sk_kernel *k, const struct ly_contract *c)
{
	struct ch_end *imp, *exp;
	if (k->nb.imp || ch_new(k, &k->kown, c, &imp, &exp) < 0)
		return NULL;
	k->nb.imp = imp;
	k->nb.head = k->nb.n = 0;
	k->nb.sent = 0;
	imp->serve = serve;
	imp->gone = gone;
	ns_reprovide(k);   /* what the last name service held, if one ended */
	return exp;
}
