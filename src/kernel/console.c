/* console.c - the kernel's part of the console (see console.h). */
#include "console.h"

#include "ns.h"
#include "proc.h"

/* ---- the kernel's own output ---- */

/* Hand the multiplexer the next piece of output, if it asked for one. */
static void feed(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	if (!c->mux_next || !c->olen)
		return;
	uint32_t n = c->olen < 4096 ? c->olen : 4096;
	if (n > CON_RING - c->ohead)   /* the part up to the ring's end */
		n = CON_RING - c->ohead;
	void *text = ns_text(k, c->out + c->ohead, n);
	if (!text)
		return;   /* no exchange-heap memory: try again at the next write */
	c->ohead = (c->ohead + n) % CON_RING;
	c->olen -= n;
	struct ch_end *e = c->mux_next;
	c->mux_next = NULL;
	ns_reply(e, "Text", (union sing_slot){.p = text});
}

void con_write(struct sk_kernel *k, const void *p, unsigned long n)
{
	struct con_state *c = &k->con;
	if (!c->routed) {
		hal_write(1, p, n);
		return;
	}
	const char *s = p;
	for (unsigned long i = 0; i < n; i++) {
		if (c->olen == CON_RING) {
			c->dropped += n - i;
			break;
		}
		c->out[(c->ohead + c->olen++) % CON_RING] = s[i];
	}
	feed(k);
}

void sk_console_write(struct sk_kernel *k, const char *s, unsigned long n)
{
	con_write(k, s, n);
}

int sk_console_drained(struct sk_kernel *k)
{
	const struct con_state *c = &k->con;
	return !c->routed || (!c->olen && c->mux_next && c->mux_quiet);
}

void con_flush_host(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	uint32_t first = c->olen < CON_RING - c->ohead ? c->olen : CON_RING - c->ohead;
	hal_write(1, c->out + c->ohead, first);
	hal_write(1, c->out, c->olen - first);
	c->olen = 0;
}

void sk_console_direct(struct sk_kernel *k)
{
	con_flush_host(k);
	k->con.routed = 0;
}

const char *con_out_check(const struct ly_contract *c)
{
	int next = ly_find_msg(c, "Next", 0);
	if (next < 0 || c->msgs[next].nargs || !ly_has(c, "Text", 1, 1) || c->nmsgs != 2)
		return "a console output contract is in Next() and out Text(u8[] text)";
	return NULL;
}

void con_routed(struct sk_kernel *k, const struct ly_contract *con, const char *path)
{
	(void)con, (void)path;
	k->con.routed = 1;
}

static void mux_gone(struct ch_end *e)
{
	if (e->k->con.mux_next == e)
		e->k->con.mux_next = NULL;
	e->k->con.mux_quiet = 0;
}

void con_out_serve(struct ch_end *e)
{
	union sing_slot args[1];
	struct con_state *c = &e->k->con;
	while (ch_pop(e, args, &e->k->kown) >= 0) {   /* Next() */
		c->mux_next = e;
		e->gone = mux_gone;
	}
	feed(e->k);
}

/* ---- /kernel/console/ctl ---- */

/* Intr(): the foreground program is stopped; Stopped(how many). */
static union sing_slot ctl_intr(struct sk_kernel *k, union sing_slot arg)
{
	(void)arg;
	return (union sing_slot){.i32 = proc_interrupt(k)};
}

/* Programs(): Names(the installed programs, one a line). */
static union sing_slot ctl_programs(struct sk_kernel *k, union sing_slot arg)
{
	(void)arg;
	char buf[4096];
	uint32_t n = 0;
	for (uint32_t i = 0; i < k->nprogs; i++) {
		uint32_t len = (uint32_t)__builtin_strlen(k->progs[i].name);
		if (!k->progs[i].managed || n + len + 1 > sizeof buf)
			continue;
		__builtin_memcpy(buf + n, k->progs[i].name, len);
		n += len;
		buf[n++] = '\n';
	}
	return (union sing_slot){.p = ns_text(k, buf, n)};
}

/* Quiet(yes): the multiplexer has (or has not) carried everything to a
 * driver (the shutdown's drain waits for it); Noted(). */
static union sing_slot ctl_quiet(struct sk_kernel *k, union sing_slot arg)
{
	k->con.mux_quiet = arg.i32 != 0;
	return (union sing_slot){.u64 = 0};
}

/* Each request: its reply, their argument counts, and what serves it
 * (takes the request's argument, gives the reply's). */
static const struct ctl_msg {
	const char *req, *reply;
	uint32_t nargs, nreply;
	union sing_slot (*serve)(struct sk_kernel *k, union sing_slot arg);
} ctl_msgs[] = {
	{"Intr", "Stopped", 0, 1, ctl_intr},
	{"Programs", "Names", 0, 1, ctl_programs},
	{"Quiet", "Noted", 1, 0, ctl_quiet},
};
#define NCTL (sizeof ctl_msgs / sizeof ctl_msgs[0])

const char *con_ctl_check(const struct ly_contract *c)
{
	for (uint32_t i = 0; i < NCTL; i++)
		if (!ly_has(c, ctl_msgs[i].req, 0, ctl_msgs[i].nargs) ||
		    !ly_has(c, ctl_msgs[i].reply, 1, ctl_msgs[i].nreply))
			return "a console control contract is in Intr() -> out Stopped(i32 n), "
			       "in Programs() -> out Names(u8[] text), in Quiet(i32 yes) -> out Noted()";
	return c->nmsgs == 2 * NCTL ? NULL : "a console control contract has no other messages";
}

/* The contract was checked by con_ctl_check: each of its requests is one
 * of ctl_msgs, found by name. */
void con_ctl_serve(struct ch_end *e)
{
	struct sk_kernel *k = e->k;
	union sing_slot args[1] = {{.u64 = 0}};
	int m;
	while ((m = ch_pop(e, args, &k->kown)) >= 0) {
		const char *name = e->con->msgs[m].name;
		for (uint32_t i = 0; i < NCTL; i++)
			if (__builtin_strcmp(name, ctl_msgs[i].req) == 0)
				ns_reply(e, ctl_msgs[i].reply, ctl_msgs[i].serve(k, args[0]));
	}
}

/* ---- the host terminal as the console's device ---- */

void sk_console_host(struct sk_kernel *k)
{
	k->con.host = 1;
}

static const char *con_in_shape(const struct ly_contract *c)
{
	if (!ly_has(c, "Line", 0, 1) || !ly_has(c, "Taken", 1, 0))
		return "a console input contract is in Line(u8[] text) -> out Taken()";
	return NULL;
}

/* Send the next complete line (a full buffer without a newline goes out
 * whole: such a line is split, never dropped), unless one waits. */
static void host_send(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	uint32_t n = 0;
	while (n < c->nin && c->in[n] != '\n')
		n++;
	if (!c->host_in || c->host_waiting || (n == c->nin && c->nin < sizeof c->in))
		return;
	void *text = ns_text(k, c->in, n);
	if (!text)
		return;   /* no exchange-heap memory: again at the next input */
	uint32_t used = n < c->nin ? n + 1 : n;
	__builtin_memmove(c->in, c->in + used, c->nin - used);
	c->nin -= used;
	c->host_waiting = 1;
	ns_reply(c->host_in, "Line", (union sing_slot){.p = text});
}

static void host_in_serve(struct ch_end *e)
{
	ns_drain(e);   /* Taken (a Matches cannot come: the kernel sends no Complete) */
	e->k->con.host_waiting = 0;
	host_send(e->k);
}

/* Text for the terminal, without the NUL bytes that mark prompts (for a
 * driver that redraws them; the host terminal does not). */
static void host_write(const char *s, uint32_t n)
{
	for (uint32_t at = 0, end; at < n; at = end + 1) {
		for (end = at; end < n && s[end]; end++)
			;
		hal_write(1, s + at, end - at);
	}
}

static void host_out_serve(struct ch_end *e)
{
	union sing_slot args[1];
	char buf[4096];
	while (ch_pop(e, args, &e->k->kown) >= 0) {   /* Text(t) */
		host_write(buf, ns_read_text(args[0].p, buf, sizeof buf));
		xh_delete(&e->k->xh, args[0].p);
		ns_reply(e, "Next", (union sing_slot){.u64 = 0});
	}
}

static void host_gone(struct ch_end *e)
{
	struct con_state *c = &e->k->con;
	if (c->host_in == e) {
		c->host_in = NULL;
		c->host_waiting = 0;
	}
	if (c->host_out == e)
		c->host_out = NULL;
}

void con_device_came(struct sk_kernel *k, const struct ly_contract *con, const char *path)
{
	struct con_state *c = &k->con;
	int out = __builtin_strcmp(path, "/dev/console/out") == 0;
	struct ch_end *imp, *exp;
	if (!c->host || (out ? con_out_check(con) : con_in_shape(con)) ||
	    ch_new(k, &k->kown, con, &imp, &exp) < 0)
		return;
	imp->serve = out ? host_out_serve : host_in_serve;
	imp->gone = host_gone;
	*(out ? &c->host_out : &c->host_in) = imp;
	ns_connect(k, path, exp);
	if (out)
		ns_reply(imp, "Next", (union sing_slot){.u64 = 0});
	else
		host_send(k);
}

unsigned long sk_console_room(const struct sk_kernel *k)
{
	return sizeof k->con.in - k->con.nin;
}

void sk_console_input(struct sk_kernel *k, const char *buf, unsigned long n)
{
	struct con_state *c = &k->con;
	for (unsigned long i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		if (c->nin == sizeof c->in)
			c->in_dropped++;   /* a host-fed caller ignored sk_console_room */
		else
			c->in[c->nin++] = buf[i];
	}
	host_send(k);
}
