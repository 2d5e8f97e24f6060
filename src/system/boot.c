/*
 * boot.c - `sing boot [--store DIR]`: the hosted system.  Loads every
 * program installed in the store into a fresh kernel (launchable by name,
 * by manifest), then runs init: the services the configuration file
 * names, then the shell on the console; restarts a service that ends,
 * with a back-off; shuts down when the shell exits (docs/system.md).
 *
 * Configuration (STORE/config, else sys/config): one entry a line, `#`
 * comments:   driver NAME     started first, restarted when it ends
 *             service NAME    started at boot, restarted when it ends
 *             shell NAME      the program given the console; last
 * With a driver line the machine's devices are attached (sk_devices): the
 * console driver then owns the terminal through the UART, and the idle
 * loop waits on the devices.  Without one the kernel reads the terminal
 * itself (cooked), as `sing run` does.
 *
 * `--nic pcap:FILE[,max=SIZE]|tap:NAME` is the wire of the virtio-net
 * device (the NIC driver's), checked before booting; without it (and
 * without $SING_NET) the wire is the pcap file STORE/nic0.pcap, at most
 * VNET_PCAP_MAX bytes.  SING_DEBUG words as for `sing run` (dma, exheap).
 *
 * Invariant: init acts only through the kernel's API (sk_launch, sk_alive,
 * sk_step, sk_idle); the kernel reads no file.  Devices and the console
 * are polled only between scheduler steps, on the kernel's context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/cli.h"
#include "../hal/hal.h"
#include "../hal/hosted/vnet.h"
#include "../kernel/kernel.h"
#include "../sil/text.h"
#include "../store/store.h"

#define BOOT_MAXSVC 16
#define BACKOFF_MIN_NS 100000000ll     /* 100 ms, doubling to ... */
#define BACKOFF_MAX_NS 3200000000ll    /* ... 3.2 s */

struct service {
	char name[64];
	uint32_t pid;
	int64_t backoff, restart_at;   /* restart_at 0: running (or never started) */
	int driver;                    /* started before the services */
};

struct init {
	struct service svc[BOOT_MAXSVC];
	int nsvc, ndrivers;
	char shell[64];
};

/* A line of init's: through the kernel's console when there is a kernel
 * (in order with the programs' output), else straight out. */
static void say(struct sk_kernel *k, const char *fmt, const char *a, long n)
{
	char buf[256];
	int len = snprintf(buf, sizeof buf, fmt, a, n);
	if (len > (int)sizeof buf - 1)
		len = (int)sizeof buf - 1;
	fflush(stdout);
	if (k)
		sk_console_write(k, buf, (unsigned long)len);
	else
		fputs(buf, stdout);
	fflush(stdout);
}

static int read_config(const char *store, struct init *in)
{
	char path[4200], sys[4096], line[256];
	snprintf(path, sizeof path, "%s/config", store);
	FILE *f = fopen(path, "r");
	if (!f && cli_sys_dir(sys, sizeof sys)) {
		snprintf(path, sizeof path, "%s/config", sys);
		f = fopen(path, "r");
	}
	if (!f) {
		fprintf(stderr, "sing boot: no configuration (%s/config)\n", store);
		return -1;
	}
	for (int ln = 1; fgets(line, sizeof line, f); ln++) {
		char word[32], name[64];
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		int n = sscanf(line, "%31s %63s", word, name);
		if (n <= 0)
			continue;
		int drv = !strcmp(word, "driver");
		if (n == 2 && (drv || !strcmp(word, "service")) && in->nsvc < BOOT_MAXSVC) {
			in->svc[in->nsvc].driver = drv;
			in->ndrivers += drv;
			snprintf(in->svc[in->nsvc++].name, 64, "%s", name);
		}
		else if (n == 2 && !strcmp(word, "shell"))
			snprintf(in->shell, sizeof in->shell, "%s", name);
		else
			fprintf(stderr, "%s:%d: error: expected \"driver NAME\", \"service NAME\" or "
			        "\"shell NAME\"\n", path, ln);
	}
	fclose(f);
	return in->shell[0] ? 0 : (fprintf(stderr, "%s: error: no shell line\n", path), -1);
}

/* Every installed program, loaded and made launchable.  Returns the count. */
static int load_store(struct sk_kernel *k, const struct st_store *st, struct sk_image **imgs)
{
	int n = 0;
	for (uint32_t i = 0; i < st->nprogs && n < 64; i++) {
		const struct st_prog *p = &st->progs[i];
		const struct sil_manifest *m = &p->p->man;
		char path[4300], err[256];
		snprintf(path, sizeof path, "%s/pkg/%s/" ST_CODE_FILE, st->dir, p->hash);
		struct sk_image *im = sk_load(k, path, p->hash, err, sizeof err);
		struct sk_manifest sm = {.neps = m->neps, .ncaps = m->ncaps, .nhw = m->nhw,
		                         .version = m->version,
		                         .kind = m->kind < 3 ? sil_pkind_names[m->kind] : NULL};
		for (uint32_t h = 0; h < m->nhw && h < SK_MAXHW; h++)
			sm.hw[h] = (struct sk_hw){m->hw[h].kind, m->hw[h].shared, m->hw[h].base, m->hw[h].len};
		for (uint32_t e = 0; e < m->neps && e < SK_MAXEPS; e++)
			sm.eps[e] = m->eps[e].path;
		for (uint32_t c = 0; c < m->ncaps && c < SK_MAXCAPS; c++)
			sm.caps[c] = m->caps[c];
		if (!im || sk_install(k, im, p->name, p->budget, &sm) < 0) {
			fprintf(stderr, "sing boot: %s: %s\n", p->name, im ? "manifest too large" : err);
			sk_unload(im);
			continue;
		}
		imgs[n++] = im;
	}
	return n;
}

static uint32_t start(struct sk_kernel *k, const char *name)
{
	char err[256];
	uint32_t pid = sk_launch(k, name, 0, NULL, err, sizeof err);
	if (pid)
		say(k, "init: started %s (pid %ld)\n", name, pid);
	else
		fprintf(stderr, "init: cannot start %s: %s\n", name, err);
	return pid;
}

/* Restart services that ended, each after its back-off. */
static void supervise(struct sk_kernel *k, struct init *in)
{
	int64_t now = hal_clock_ns();
	for (int i = 0; i < in->nsvc; i++) {
		struct service *s = &in->svc[i];
		if (!s->restart_at && s->pid && !sk_alive(k, s->pid)) {
			s->backoff = s->backoff ? s->backoff * 2 : BACKOFF_MIN_NS;
			if (s->backoff > BACKOFF_MAX_NS)
				s->backoff = BACKOFF_MAX_NS;
			s->restart_at = now + s->backoff;
			say(k, "init: %s ended; restarting in %ld ms\n", s->name, (long)(s->backoff / 1000000));
		}
		if (s->restart_at && now >= s->restart_at) {
			s->restart_at = 0;
			s->pid = start(k, s->name);
		}
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
	long n = hal_console_read(buf, sizeof buf, wait_ns);
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
		if (hal_intr_take())   /* SIGINT: as Ctrl-C typed to the console driver */
			sk_interrupt(k);
		if (ended && !ran) {
			say(k, "sing: end of console input%s\n", "", 0);
			break;
		}
		if (!eof || in->ndrivers)   /* devices still raise interrupts */
			eof = take_input(k, in, ran ? 0 : 20000000) < 0;
		supervise(k, in);
	}
}

/* Let the console driver write out what is queued (at most 1 s). */
static void drain(struct sk_kernel *k)
{
	int64_t give_up = hal_clock_ns() + 1000000000;
	while (!sk_console_drained(k) && hal_clock_ns() < give_up) {
		int ran = sk_step(k);
		sk_idle(k, ran ? 0 : 1000000);
	}
}

/* The shell ended: stop the services, then the drivers (so the console
 * driver is the last to go), each in the reverse of its start order. */
static void stop_all(struct sk_kernel *k, struct init *in)
{
	drain(k);
	for (int pass = 0; pass <= 1; pass++)
		for (int i = in->nsvc - 1; i >= 0; i--) {
			struct service *s = &in->svc[i];
			if (s->driver == pass && s->pid && sk_stop(k, s->pid) == 0) {
				say(k, "init: stopped %s (pid %ld)\n", s->name, (long)s->pid);
				drain(k);   /* the console driver writes it while it still runs */
			}
		}
}

static int boot(const char *dir, const char *nic)
{
	char wire[4200];
	if (!nic && !getenv("SING_NET")) {
		snprintf(wire, sizeof wire, "pcap:%s/nic0.pcap", dir);
		nic = wire;
	}
	if (nic)
		setenv("SING_NET", nic, 1);   /* read by the HAL when devices attach */
	static struct init in;
	struct sk_image *imgs[64];
	memset(&in, 0, sizeof in);
	struct st_store *st = st_open(dir, NULL, stderr);
	if (!st || read_config(dir, &in)) {
		st_close(st);
		return 1;
	}
	hal_intr_catch();   /* Ctrl-C stops a program, never the machine */
	struct sk_kernel *k = sk_boot(cli_debug_flags() & 0xffu);
	int nimg = load_store(k, st, imgs);
	st_close(st);   /* the code is loaded: the store may change under us */
	sk_set_booted(k);
	say(k, "Sing booted: %s, %ld programs installed\n", dir, nimg);
	if (in.ndrivers)
		sk_devices(k);
	for (int pass = 1; pass >= 0; pass--)   /* drivers first */
		for (int i = 0; i < in.nsvc; i++)
			if (in.svc[i].driver == pass)
				in.svc[i].pid = start(k, in.svc[i].name);
	uint32_t shell = start(k, in.shell);
	if (shell)
		run(k, &in, shell);
	stop_all(k, &in);
	uint32_t left = sk_count_sips(k);
	uint64_t live = sk_shutdown(k);
	for (int i = 0; i < nimg; i++)
		sk_unload(imgs[i]);
	printf("sing: shutdown: %u SIPs left, exchange heap %llu bytes live\n", left,
	       (unsigned long long)live);
	return shell && !live ? 0 : 1;
}

#define BOOT_USAGE "boot [--store DIR] [--nic pcap:FILE[,max=SIZE]|tap:NAME]"

int cmd_boot(int argc, char **argv)
{
	char buf[4096], err[256];
	const char *dir = NULL, *nic = NULL;
	for (int i = 1; i < argc; i += 2) {
		int known = !strcmp(argv[i], "--store") || !strcmp(argv[i], "--nic");
		if (!known || i + 1 == argc) {
			fprintf(stderr, "sing: boot: %s '%s' (usage: sing " BOOT_USAGE ")\n",
			        known ? "no value after" : "unknown argument", argv[i]);
			return 2;
		}
		if (!strcmp(argv[i], "--store"))
			dir = argv[i + 1];
		else
			nic = argv[i + 1];
	}
	if (nic && vnet_wire_check(nic, err, sizeof err) < 0) {   /* before booting */
		fprintf(stderr, "sing: boot: --nic %s\n", err);
		return 2;
	}
	dir = dir ? dir : st_default_dir(buf, sizeof buf);
	return cli_store_exists(dir) < 0 ? 1 : boot(dir, nic);
}
