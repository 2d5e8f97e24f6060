/* console.c - the console, served by the kernel (see console.h). */
#include "console.h"

#include "ns.h"
#include "nsboot.h"
#include "proc.h"

/* A console's requests, each with one u8[] argument. */
enum { CON_WRITE, CON_WORDS, CON_READLINE };
static const char *const requests[] = {"Write", "Words", "ReadLine"};

/* Which request m is (CON_*), or -1 if it is none of them. */
static int request(const struct ly_msg *m)
{
	if (m->dir != 0 || m->nargs != 1 || !m->args[0].linear || m->args[0].con || m->args[0].any)
		return -1;
	for (int i = 0; i < (int)(sizeof requests / sizeof requests[0]); i++)
		if (__builtin_strcmp(m->name, requests[i]) == 0)
			return i;
	return -1;
}

const char *con_check(const struct ly_contract *c)
{
	if (!ly_has(c, "Ack", 1, 0) || !ly_has(c, "Line", 1, 1))
		return "a console contract needs out Ack() and Line(u8[] text)";
	for (uint32_t m = 0; m < c->nmsgs; m++)
		if (c->msgs[m].dir == 0 && request(&c->msgs[m]) < 0)
			return "a console request is Write(u8[] text), Words(u8[] words) or "
			       "ReadLine(u8[] prompt)";
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

/* The matches for the word a Complete asked about (c->cword): the
 * reader's words (Words), the installed programs, the kernel's names and
 * those of svc (the name service SIP's List, one a line; or NULL), one a
 * line. */
static void *matches(struct sk_kernel *k, const void *svc)
{
	struct con_state *c = &k->con;
	char names[4096], out[4096];
	uint32_t n = 0, nn = ns_names(k, names, sizeof names);
	nn += ns_read_text(svc, names + nn, sizeof names - nn);
	match_all(out, &n, sizeof out, c->words, c->nwords, c->cword, c->ncword);
	for (uint32_t i = 0; i < k->nprogs; i++)
		if (k->progs[i].managed)
			match(out, &n, sizeof out, k->progs[i].name,
			      (uint32_t)__builtin_strlen(k->progs[i].name), c->cword, c->ncword);
	match_all(out, &n, sizeof out, names, nn, c->cword, c->ncword);
	return ns_text(k, out, n);
}

/* The name service SIP listed its names (text; NULL if it is gone): the
 * driver's Complete (ctx, NULL once the driver's end went) is answered. */
static void listed(struct sk_kernel *k, void *ctx, const char *path, int32_t code, void *text)
{
	(void)path, (void)code;
	if (ctx)
		ns_reply(ctx, "Matches", (union sing_slot){.p = matches(k, text)});
	if (text)
		xh_delete(&k->xh, text);
}

/* Complete(word) on the driver's end e: answered at once, but for a word
 * that may begin a /svc/ name ("", "/", "/sv", "/svc/e"): those names are
 * the name service SIP's, so the answer waits for its List (nb_list; the
 * driver waits for Matches meanwhile, reading no keys). */
static void complete(struct ch_end *e, void *word)
{
	struct sk_kernel *k = e->k;
	struct con_state *c = &k->con;
	c->ncword = ns_read_text(word, c->cword, sizeof c->cword);
	xh_delete(&k->xh, word);
	uint32_t n = c->ncword < 5 ? c->ncword : 5;
	if (nb_up(k) && __builtin_memcmp(c->cword, "/svc/", n) == 0)
		nb_list(k, listed, e);
	else
		ns_reply(e, "Matches", (union sing_slot){.p = matches(k, NULL)});
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
	nb_forget(e->k, e);   /* a Complete waiting for the name service */
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
			complete(e, args[0].p);
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

/* ReadLine(prompt): the prompt and, for the driver, the NUL that marks it
 * as one go into the output ring in one write, so no other SIP's output
 * can land between them (two CPUs: docs/kernel.md "bg-output-redraws-line").
 * No marker when a line typed ahead answers at once. */
static void read_line(struct ch_end *e, void *prompt)
{
	struct con_state *c = &e->k->con;
	char buf[4096];
	uint32_t n = ns_read_text(prompt, buf, sizeof buf);   /* buf[n] is a NUL */
	xh_delete(&e->k->xh, prompt);
	if (c->routed && !__builtin_memchr(c->in, '\n', c->nin))
		n++;
	con_write(e->k, buf, n);
	c->reader = e;
	e->gone = reader_gone;
	deliver(e->k);
}

void con_serve(struct ch_end *e)
{
	union sing_slot args[4];
	struct con_state *c = &e->k->con;
	int m;
	while ((m = ch_pop(e, args, &e->k->kown)) >= 0) {
		int req = request(&e->con->msgs[m]);   /* con_check let no other in */
		if (req == CON_READLINE) {
			read_line(e, args[0].p);
			continue;
		}
		if (req == CON_WORDS) {
			c->nwords = ns_read_text(args[0].p, c->words, sizeof c->words);
		} else {                         /* Write(text) */
			char buf[4096];
			con_write(e->k, buf, ns_read_text(args[0].p, buf, sizeof buf));
		}
		xh_delete(&e->k->xh, args[0].p);
		ns_reply(e, "Ack", (union sing_slot){.u64 = 0});
	}
}
