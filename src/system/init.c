/* init.c - init: boot a system from a boot image (see init.h).
 * Freestanding: output through hal_write, time from hal_clock_ns. */
#include "init.h"

#include "../hal/hal.h"
#include "../kernel/kernel.h"
#include "../kernel/trace.h"
#include "image.h"
#include "restart.h"

#define BOOT_MAXSVC 16

struct service {
	char name[64];
	uint32_t pid;
	struct rs_service rs;          /* its restart policy (restart.h) */
	int rank;                      /* started first: RANK_CONSOLE, then drivers, then services */
};

enum { RANK_SERVICE, RANK_DRIVER, RANK_CONSOLE };

struct init {
	struct service svc[BOOT_MAXSVC];
	int nsvc, ndrivers;
	char shell[64];
};

/* ---- one line of output, built in place ---- */

struct line {
	char b[320];
	unsigned n;
};

static struct line *ls(struct line *l, const char *s)
{
	while (s && *s && l->n < sizeof l->b)
		l->b[l->n++] = *s++;
	return l;
}

static struct line *lu(struct line *l, uint64_t v)
{
	char d[24];
	int i = sizeof d;
	d[--i] = 0;
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) && i > 0);
	return ls(l, d + i);
}

/* The kernel init runs, once booted: init's console lines then go through
 * its console (in order with the programs' output; the console driver
 * redraws the line being typed after them). */
static struct sk_kernel *console_k;

/* Write the line and a newline to fd (1 console, 2 diagnostics). */
static void lend(struct line *l, int fd)
{
	ls(l, "\n");
	if (fd == 1 && console_k)
		sk_console_write(console_k, l->b, l->n);
	else
		hal_write(fd, l->b, l->n);
	l->n = 0;
}

static int streq(const char *a, const char *b)
{
	return __builtin_strcmp(a, b) == 0;
}

/* ---- the configuration ---- */

/* Split line[0..n) (comment cut) into at most 3 words of < 64 bytes. */
static int words(const char *s, size_t n, char w[3][64])
{
	int nw = 0;
	for (size_t i = 0; i < n && s[i] != '#';) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		if (nw == 3)
			return 4;
		size_t k = 0;
		for (; i < n && s[i] != '#' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r'; i++)
			if (k < 63)
				w[nw][k++] = s[i];
		w[nw++][k] = 0;
	}
	return nw;
}

/* The kinds of line that start a program, by rank. */
static const char *const rank_words[] = {
	[RANK_SERVICE] = "service", [RANK_DRIVER] = "driver", [RANK_CONSOLE] = "console",
};

static void config_line(struct init *in, char w[3][64], int nw, int ln)
{
	struct line l = {0};
	int rank = -1;
	if (nw == 0)
		return;
	for (int r = RANK_SERVICE; r <= RANK_CONSOLE && nw == 2; r++)
		if (streq(w[0], rank_words[r]))
			rank = r;
	if (rank >= 0 && in->nsvc < BOOT_MAXSVC) {
		struct service *s = &in->svc[in->nsvc++];
		s->rank = rank;
		in->ndrivers += rank == RANK_DRIVER;
		__builtin_memcpy(s->name, w[1], sizeof s->name);
	} else if (nw == 2 && streq(w[0], "shell"))
		__builtin_memcpy(in->shell, w[1], sizeof in->shell);
	else
		lend(ls(ls(lu(ls(&l, "config:"), (uint64_t)ln), ": error: expected \"console NAME\", "),
		        "\"driver NAME\", \"service NAME\" or \"shell NAME\""), 2);
}

static int read_config(const char *text, size_t len, struct init *in)
{
	char w[3][64];
	int ln = 1;
	for (size_t at = 0; at < len; ln++) {
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		config_line(in, w, words(text + at, end - at, w), ln);
		at = end + 1;
	}
	if (in->shell[0])
		return 0;
	struct line l = {0};
	lend(ls(&l, "init: the configuration has no shell line"), 2);
	return -1;
}

/* ---- starting and supervising ---- */

static uint32_t start(struct sk_kernel *k, const char *name)
{
	char err[256];
	struct line l = {0};
	uint32_t pid = sk_launch(k, name, 0, 0, err, sizeof err);
	if (pid)
		lend(ls(lu(ls(ls(ls(&l, "init: started "), name), " (pid "), pid), ")"), 1);
	else
		lend(ls(ls(ls(ls(&l, "init: cannot start "), name), ": "), err), 2);
	return pid;
}

/* Start s now; a start that fails counts as an end (restart.h). */
static void launch(struct sk_kernel *k, struct service *s, int64_t now)
{
	rs_started(&s->rs, now);
	s->pid = start(k, s->name);
	if (s->rs.restarts)
		TR_NAMED(TR_RESTART, s->pid, s->name, 0);
}

/* Restart services that ended, each after its back-off; give up a crash
 * loop (restart.h), saying so on the console and in `ps`. */
static void supervise(struct sk_kernel *k, struct init *in)
{
	int64_t now = hal_clock_ns();
	for (int i = 0; i < in->nsvc; i++) {
		struct service *s = &in->svc[i];
		struct line l = {0};
		if (s->rs.state == RS_RUNNING && !(s->pid && sk_alive(k, s->pid))) {
			if (rs_ended(&s->rs, now) == RS_WAITING) {
				lend(ls(lu(ls(ls(ls(&l, "init: "), s->name), " ended; restarting in "),
				           (uint64_t)(s->rs.backoff / 1000000)), " ms"), 1);
			} else {
				struct line why = {0};
				ls(lu(ls(&why, "given up after "), s->rs.quick), " quick ends in a row");
				why.b[why.n < sizeof why.b ? why.n : sizeof why.b - 1] = 0;
				lend(ls(lu(ls(lu(ls(ls(ls(&l, "init: "), s->name), " ended "), s->rs.quick),
				                  " times in a row, each within "),
				           (uint64_t)(RS_HEALTHY_NS / 1000000)),
				        " ms of its start; given up, not restarted"), 1);
				sk_service_down(k, s->name, why.b);
			}
		}
		if (rs_due(&s->rs, now))
			launch(k, s, now);
	}
}

/* Input between steps: the devices' (the console driver reads the
 * terminal), or without drivers the terminal itself, cooked.  Waits up to
 * wait_ns for it; -1 once it has ended. */
static int take_input(struct sk_kernel *k, const struct init *in, int64_t wait_ns)
{
	char buf[512];
	if (in->ndrivers)
		return sk_idle(k, wait_ns);
	unsigned long room = sk_console_room(k);
	if (!room) {   /* no room: the input waits where it is (fd 0, the UART) */
		uint32_t d = sk_host_leave(k);
		hal_dev_idle(wait_ns);
		sk_host_back(k, d);
		return 0;
	}
	uint32_t d = sk_host_leave(k);   /* the other CPUs run meanwhile */
	long n = hal_console_read(buf, room < sizeof buf ? room : sizeof buf, wait_ns);
	sk_host_back(k, d);
	if (n > 0)
		sk_console_input(k, buf, (unsigned long)n);
	return n < 0 ? -1 : 0;
}

/* Run until the shell ends: steps, input, supervision.  Stops early when
 * the input ended and a step ran nothing (what the input brought has been
 * handled: it was taken in before that step). */
static void run(struct sk_kernel *k, struct init *in, uint32_t shell)
{
	int eof = 0;
	while (sk_alive(k, shell)) {
		int ended = eof;
		int ran = sk_step(k);
		if (ended && !ran) {
			struct line l = {0};
			lend(ls(&l, "sing: end of console input"), 1);
			break;
		}
		if (!eof || in->ndrivers)   /* devices still raise interrupts */
			eof = take_input(k, in, ran ? 0 : 20000000) < 0;
		if (hal_intr_take())   /* the host's interrupt key: as Ctrl-C at the console */
			sk_interrupt(k);
		supervise(k, in);
	}
}

/* Run the system until done(k) holds, at most 1 s. */
static void run_until(struct sk_kernel *k, int (*done)(struct sk_kernel *))
{
	int64_t give_up = hal_clock_ns() + 1000000000;
	while (!done(k) && hal_clock_ns() < give_up) {
		int ran = sk_step(k);
		sk_idle(k, ran ? 0 : 1000000);
	}
}

/* Let the console multiplexer and driver write out what is queued. */
static void drain(struct sk_kernel *k)
{
	run_until(k, sk_console_drained);
}

/* Stop the programs of one rank, each in the reverse of its start order. */
static void stop_rank(struct sk_kernel *k, struct init *in, int rank)
{
	for (int i = in->nsvc - 1; i >= 0; i--) {
		struct service *s = &in->svc[i];
		struct line l = {0};
		if (s->rank == rank && s->pid && sk_stop(k, s->pid) == 0) {
			lend(ls(lu(ls(ls(ls(&l, "init: stopped "), s->name), " (pid "), s->pid), ")"), 1);
			drain(k);   /* written while the console still runs */
		}
	}
}

static int none_left(struct sk_kernel *k)
{
	return sk_count_sips(k) == 0;
}

/* The shell ended: stop the services, then the drivers (so the console
 * driver is the last to go), each in the reverse of its start order. */
static void stop_all(struct sk_kernel *k, struct init *in, uint32_t shell)
{
	struct line l = {0};
	drain(k);
	if (shell && sk_stop(k, shell) == 0) {   /* the input ended under it */
		lend(ls(lu(ls(ls(ls(&l, "init: stopped "), in->shell), " (pid "), shell), ")"), 1);
		drain(k);
	}
	stop_rank(k, in, RANK_SERVICE);
	/* The console's own programs last; from here on init's and the
	 * kernel's lines go out directly (the console is going). */
	console_k = NULL;
	sk_console_direct(k);
	stop_rank(k, in, RANK_DRIVER);
	stop_rank(k, in, RANK_CONSOLE);
	/* A SIP stopped while it ran on another CPU ends at its next kernel
	 * entry there (docs/kernel.md "Stops across CPUs"): let it, so the
	 * shutdown counts as left only what nobody stopped. */
	run_until(k, none_left);
}

/* The console multiplexer first (its names are the console driver's),
 * then drivers, then services, then the shell; run; stop everything. */
static uint32_t run_system(struct sk_kernel *k, struct init *in, const struct init_opts *o)
{
	int console_driver = 0;
	for (int i = 0; i < in->nsvc; i++)
		console_driver |= in->svc[i].rank == RANK_DRIVER &&
		                  sk_prog_has_cap(k, in->svc[i].name, "console.driver");
	if (in->ndrivers)
		sk_devices(k, o->wire);
	if (!console_driver)
		sk_console_host(k);   /* the terminal itself is the console's device */
	for (int rank = RANK_CONSOLE; rank >= RANK_SERVICE; rank--)
		for (int i = 0; i < in->nsvc; i++)
			if (in->svc[i].rank == rank)
				launch(k, &in->svc[i], hal_clock_ns());
	uint32_t shell = start(k, in->shell);
	if (shell)
		run(k, in, shell);
	if (o->debug & INIT_DEBUG_RSS) {   /* the running system's, before it stops */
		struct line l = {0};
		lend(ls(lu(ls(&l, "sing: rss "), hal_rss_bytes() >> 10), " KiB"), 2);
	}
	stop_all(k, in, shell);
	return shell;
}

int init_boot_image(const void *img, size_t len, const struct init_opts *o)
{
	static struct init in;
	static struct sk_image *imgs[IMG_MAXPROGS];
	struct img_reader r;
	struct line l = {0};
	char err[256];
	int nimg = 0, booted = 0;
	uint32_t shell = 0;
	__builtin_memset(&in, 0, sizeof in);
	if (img_open(&r, img, len, err, sizeof err)) {
		lend(ls(ls(&l, "sing boot: "), err), 2);
		return 1;
	}
	if (read_config(r.config, r.configlen, &in))
		return 1;
	struct sk_kernel *k = sk_boot(o->debug);
	sk_cpus(k, o->cpus ? o->cpus : SK_CPUS_ALL);
	if (img_install(k, img, len, imgs, &nimg, err, sizeof err) == 0) {
		sk_set_booted(k);
		booted = 1;
		console_k = k;
		hal_intr_catch();   /* the interrupt key stops a program, never the machine */
		lend(ls(lu(ls(ls(ls(&l, "Sing booted: "), o->label), ", "), (uint64_t)nimg),
		        " programs installed"), 1);
		shell = run_system(k, &in, o);
	} else
		lend(ls(ls(&l, "sing boot: image refused: "), err), 2);
	uint32_t left = sk_count_sips(k);
	uint64_t live = sk_shutdown(k);
	for (int i = 0; i < nimg; i++)
		sk_unload(imgs[i]);
	if (booted)
		lend(ls(lu(ls(lu(ls(&l, "sing: shutdown: "), left), " SIPs left, exchange heap "),
		           live), " bytes live"), 1);
	return shell && !live ? 0 : 1;
}
