/* console.c - the console, served by the kernel (see console.h). */
#include "console.h"

#include "ns.h"
#include "proc.h"

static int text_request(const char *name)
{
	return __builtin_strcmp(name, "Write") == 0 || __builtin_strcmp(name, "Words") == 0;
}

const char *con_check(const struct ly_contract *c)
{
	if (!ly_has(c, "Ack", 1, 0) || !ly_has(c, "Line", 1, 1))
		return "a console contract needs out Ack() and Line(u8[] text)";
	for (uint32_t m = 0; m < c->nmsgs; m++)
		if (c->msgs[m].dir == 0 && !ly_has(c, c->msgs[m].name, 0, 0) &&
		    !(text_request(c->msgs[m].name) && c->msgs[m].nargs == 1 &&
		      c->msgs[m].args[0].linear && !c->msgs[m].args[0].con))
			return "a console request is Write(u8[] text), Words(u8[] words) or ReadLine()";
	return NULL;
}

/* Hand the driver the next piece of output, if it asked for one. */
static void feed(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	if (!c->drv_next || !c->olen)
		return;
	uint32_t n = c->olen < 4096 ? c->olen : 4096;
	if (n > CON_RING - c->ohead)   /* the part up to the ring's end */
		n = CON_RING - c->ohead;
	void *text = ns_text(k, c->out + c->ohead, n);
	if (!text)
		return;   /* no exchange-heap memory: try again at the next write */
	c->ohead = (c->ohead + n) % CON_RING;
	c->olen -= n;
	struct ch_end *e = c->drv_next;
	c->drv_next = NULL;
	ns_reply(e, "Text", (union sing_slot){.p = text});
}

void con_write(struct sk_kernel *k, const void *p, unsigned long n)
{
	struct con_state *c = &k->con;
	c->written += n;
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
	return !k->con.routed || (!k->con.olen && k->con.drv_next);
}

void con_flush_host(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	uint32_t first = c->olen < CON_RING - c->ohead ? c->olen : CON_RING - c->ohead;
	hal_write(1, c->out + c->ohead, first);
	hal_write(1, c->out, c->olen - first);
	c->olen = 0;
}

/* ---- the driver's links ---- */

const char *con_out_check(const struct ly_contract *c)
{
	int next = ly_find_msg(c, "Next", 0);
	if (next < 0 || c->msgs[next].nargs || !ly_has(c, "Text", 1, 1) || c->nmsgs != 2)
		return "a console output contract is in Next() and out Text(u8[] text)";
	return NULL;
}

const char *con_in_check(const struct ly_contract *c)
{
	uint32_t n = 2u + (uint32_t)ly_has(c, "Intr", 0, 0) +
	             2u * (uint32_t)(ly_has(c, "Complete", 0, 1) && ly_has(c, "Matches", 1, 1));
	if (!ly_has(c, "Line", 0, 1) || !ly_has(c, "Taken", 1, 0) || c->nmsgs != n)
		return "a console input contract is in Line(u8[] text), Intr(), Complete(u8[] word) "
		       "and out Taken(), Matches(u8[] names)";
	return NULL;
}

/* Add name to the matches (one a line) if it starts with prefix. */
static void match(char *out, uint32_t *n, uint32_t size, const char *name, uint32_t len,
                  const char *prefix, uint32_t plen)
{
	if (len < plen || __builtin_memcmp(name, prefix, plen) != 0 || *n + len + 1 > size)
		return;
	__builtin_memcpy(out + *n, name, len);
	*n += len;
	out[(*n)++] = '\n';
}

/* Each name of a list (one a line) that starts with prefix. */
static void match_all(char *out, uint32_t *n, uint32_t size, const char *names, uint32_t nn,
                      const char *prefix, uint32_t plen)
{
	for (uint32_t at = 0, end; at < nn; at = end + 1) {
		for (end = at; end < nn && names[end] != '\n'; end++)
			;
		if (end > at)
			match(out, n, size, names + at, end - at, prefix, plen);
	}
}

/* Complete(word): the reader's words (Words), the installed programs and
 * the names in the name service that start with word, one a line. */
static void *complete(struct sk_kernel *k, void *word)
{
	char prefix[256], names[4096], out[4096];
	uint32_t plen = ns_read_text(word, prefix, sizeof prefix);
	uint32_t n = 0;
	xh_delete(&k->xh, word);
	match_all(out, &n, sizeof out, k->con.words, k->con.nwords, prefix, plen);
	for (uint32_t i = 0; i < k->nprogs; i++)
		if (k->progs[i].managed)
			match(out, &n, sizeof out, k->progs[i].name,
			      (uint32_t)__builtin_strlen(k->progs[i].name), prefix, plen);
	match_all(out, &n, sizeof out, names, ns_names(k, names, sizeof names), prefix, plen);
	return ns_text(k, out, n);
}

static void driver_gone(struct ch_end *e)
{
	if (e->k->con.drv_next == e)
		e->k->con.drv_next = NULL;
}

void con_out_serve(struct ch_end *e)
{
	union sing_slot args[1];
	struct con_state *c = &e->k->con;
	while (ch_pop(e, args, &e->k->kown) >= 0) {   /* Next() */
		c->routed = 1;
		c->drv_next = e;
		e->gone = driver_gone;
	}
	feed(e->k);
}

static void in_gone(struct ch_end *e)
{
	struct con_state *c = &e->k->con;
	if (c->in_end == e) {
		c->in_end = NULL;
		c->in_owed = 0;
	}
}

static void append(struct con_state *c, const char *buf, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++) {
		if (buf[i] == '\r')
			continue;
		if (c->nin == sizeof c->in)
			c->in_dropped++;   /* a host-fed caller ignored sk_console_room */
		else
			c->in[c->nin++] = buf[i];
	}
}

/* Flow control (docs/system.md): while the buffer has room for a whole
 * line, answer the driver's last Line with Taken, or take its next Line
 * off the channel.  Without room its Line waits in the channel, unanswered,
 * so the driver reads no more from its UART and the sender waits; a
 * restarted driver's first Line waits there too. */
static void take_lines(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	union sing_slot args[1];
	int m;
	while (c->in_end && sizeof c->in - c->nin >= CON_LINE + 2) {
		struct ch_end *e = c->in_end;
		if (c->in_owed) {
			c->in_owed = 0;
			ns_reply(e, "Taken", (union sing_slot){.u64 = 0});
			continue;
		}
		if ((m = ch_pop(e, args, &k->kown)) < 0)
			return;
		if (__builtin_strcmp(e->con->msgs[m].name, "Complete") == 0) {
			ns_reply(e, "Matches", (union sing_slot){.p = complete(k, args[0].p)});
			continue;
		}
		if (!e->con->msgs[m].nargs) {   /* Intr(): Ctrl-C */
			if (!proc_interrupt(k) && c->reader)
				append(c, "\n", 1);   /* at a prompt: an empty line */
			ns_reply(e, "Taken", (union sing_slot){.u64 = 0});
			continue;
		}
		char buf[CON_LINE + 2];   /* Line(text) */
		uint32_t n = ns_read_text(args[0].p, buf, sizeof buf - 1);
		xh_delete(&k->xh, args[0].p);
		buf[n++] = '\n';
		append(c, buf, n);
		c->in_owed = 1;
	}
}

static void deliver(struct sk_kernel *k);

void con_in_serve(struct ch_end *e)
{
	e->k->con.in_end = e;
	e->gone = in_gone;
	take_lines(e->k);
	deliver(e->k);
}

static void reader_gone(struct ch_end *e)
{
	if (e->k->con.reader == e)
		e->k->con.reader = NULL;
}

/* Hand a complete line to the waiting reader, if both exist.  A buffer
 * full without a newline (a host-fed line longer than it) goes out whole:
 * such a line is split, never dropped. */
static void deliver(struct sk_kernel *k)
{
	struct con_state *c = &k->con;
	uint32_t n = 0;
	while (n < c->nin && c->in[n] != '\n')
		n++;
	if (!c->reader || (n == c->nin && c->nin < sizeof c->in))
		return;
	uint32_t used = n < c->nin ? n + 1 : n;
	struct ch_end *r = c->reader;
	c->reader = NULL;
	r->gone = NULL;
	ns_reply(r, "Line", (union sing_slot){.p = ns_text(k, c->in, n)});
	__builtin_memmove(c->in, c->in + used, c->nin - used);
	c->nin -= used;
	take_lines(k);
}

unsigned long sk_console_room(const struct sk_kernel *k)
{
	return sizeof k->con.in - k->con.nin;
}

void sk_console_input(struct sk_kernel *k, const char *buf, unsigned long n)
{
	append(&k->con, buf, n);
	deliver(k);
}

/* A Write that leaves its line open (no newline at its end: a prompt)
 * is remembered with the output count after it. */
static void left_open(struct con_state *c, const struct ch_end *e, const char *buf, uint32_t n)
{
	uint32_t from = n;
	while (from && buf[from - 1] != '\n')
		from--;
	c->open_by = n - from && n - from <= sizeof c->open ? e : NULL;
	c->nopen = c->open_by ? n - from : 0;
	__builtin_memcpy(c->open, buf + from, c->nopen);
	c->open_at = c->written;
}

/* The NUL that tells the driver its line is a prompt.  A reader writes
 * its prompt and then asks for a line in two messages; another SIP's
 * output that came between them (on another CPU, or a driver's line at
 * boot) would leave the driver an empty prompt and `sing> ` taken for
 * output (docs/kernel.md "Every CPU", status), so the prompt is written
 * again first. */
static void mark_prompt(struct sk_kernel *k, const struct ch_end *reader)
{
	struct con_state *c = &k->con;
	if (c->open_by == reader && c->written != c->open_at)
		con_write(k, c->open, c->nopen);
	con_write(k, "", 1);
}

void con_serve(struct ch_end *e)
{
	union sing_slot args[4];
	int m;
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		if (__builtin_strcmp(e->con->msgs[m].name, "Words") == 0) {
			struct con_state *c = &e->k->con;
			c->nwords = ns_read_text(args[0].p, c->words, sizeof c->words);
			xh_delete(&e->k->xh, args[0].p);
			ns_reply(e, "Ack", (union sing_slot){.u64 = 0});
		} else if (e->con->msgs[m].nargs == 1) {   /* Write(text) */
			char buf[4096];
			uint32_t n = ns_read_text(args[0].p, buf, sizeof buf);
			xh_delete(&e->k->xh, args[0].p);
			con_write(e->k, buf, n);
			left_open(&e->k->con, e, buf, n);
			ns_reply(e, "Ack", (union sing_slot){.u64 = 0});
		} else {                            /* ReadLine() */
			e->k->con.reader = e;
			e->gone = reader_gone;
			/* Tell the driver: what it shows now is a prompt, unless a line
			 * typed ahead answers it at once. */
			if (e->k->con.routed && !__builtin_memchr(e->k->con.in, '\n', e->k->con.nin))
				mark_prompt(e->k, e);
			e->k->con.open_by = NULL;   /* a prompt serves one ReadLine */
			deliver(e->k);
		}
	}
}
