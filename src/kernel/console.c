/* console.c - the kernel-side console (see console.h). */
#include "console.h"

#include "ns.h"

const char *con_check(const struct ly_contract *c)
{
	if (!ly_has(c, "Ack", 1, 0) || !ly_has(c, "Line", 1, 1))
		return "a console contract needs out Ack() and Line(u8[] text)";
	for (uint32_t m = 0; m < c->nmsgs; m++)
		if (c->msgs[m].dir == 0 && !ly_has(c, c->msgs[m].name, 0, 0) &&
		    !(__builtin_strcmp(c->msgs[m].name, "Write") == 0 && c->msgs[m].nargs == 1 &&
		      c->msgs[m].args[0].linear && !c->msgs[m].args[0].con))
			return "a console request is Write(u8[] text) or ReadLine()";
	return NULL;
}

void con_write(struct sk_kernel *k, const void *p, unsigned long n)
{
	(void)k;   /* the Sing console driver will take this over (docs/system.md) */
	hal_write(1, p, n);
}

static void reader_gone(struct ch_end *e)
{
	if (e->k->con.reader == e)
		e->k->con.reader = NULL;
}

/* Hand a complete line to the waiting reader, if both exist. */
static void deliver(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	uint32_t n = 0;
	while (n < c->nin && c->in[n] != '\n')
		n++;
	if (!c->reader || n == c->nin)
		return;
	struct ch_end *r = c->reader;
	c->reader = NULL;
	r->gone = NULL;
	ns_reply(r, "Line", (union sing_slot){.p = ns_text(k, c->in, n)});
	__builtin_memmove(c->in, c->in + n + 1, c->nin - n - 1);
	c->nin -= n + 1;
}

void sk_console_input(struct sk_kernel *k, const char *buf, unsigned long n)
{
	struct con_state *c = &k->con;
	for (unsigned long i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		if (c->nin == sizeof c->in)   /* an endless line: cut it */
			c->in[c->nin - 1] = '\n';
		else
			c->in[c->nin++] = buf[i];
	}
	deliver(k);
}

void con_serve(struct ch_end *e)
{
	union sing_slot args[4];
	int m;
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		if (e->con->msgs[m].nargs == 1) {   /* Write(text) */
			char buf[4096];
			uint32_t n = ns_read_text(args[0].p, buf, sizeof buf);
			xh_delete(&e->k->xh, args[0].p);
			con_write(e->k, buf, n);
			ns_reply(e, "Ack", (union sing_slot){.u64 = 0});
		} else {                            /* ReadLine() */
			e->k->con.reader = e;
			e->gone = reader_gone;
			deliver(e->k);
		}
	}
}
