/*
 * cmd_run.c - `sing install` and `sing run`: verify, compile (or take the
 * cached object), and run a package as a SIP in a fresh hosted kernel.
 *
 *   sing install FILE... [--store DIR] check the manifest, verify, compile,
 *                                      and record in the store (cmd_store.c)
 *   sing run FILE [ARGS...]            verify, install, run; exit with main's status
 *   sing run -n N FILE [ARGS...]       run it N times, each a fresh SIP, in one kernel
 *   sing run --all FILE FILE...        run each package once, in one kernel
 *   sing run -l PROG... FILE [ARGS...] PROG (repeatable) may be started by FILE
 *                                      through the launcher, as program 0, 1, ...
 *   sing run --abi                     print the kernel ABI's symbols (for tests)
 *   sing run --trace F.json [--trace-filter L] ... FILE   record a trace (cmd_trace.c)
 *
 * FILE is a package (.sil), SIL text (.sasm, assembled first) or Sing
 * source (.sg, built first).  The verifier always runs: no option skips it;
 * only the C compilation is skipped when the cache holds the package.
 * SING_DEBUG is a comma-separated list: cache (hit or miss), exheap (live
 * exchange-heap bytes at shutdown), gcstress (collect at every allocation),
 * stats (per-SIP GC and memory figures), time (install and run times),
 * sched (context switches, SIPs started), rss (host resident memory at the
 * end, for the flat-memory tests), dma (each device access the DMA check
 * allows, with the pid that made the array: the zero-copy observable).
 * SING_GCSTRESS=1 adds gcstress to whatever SING_DEBUG says.
 *
 * main's endpoint parameters are bound by their manifest paths to kernel
 * services (today only the launcher, SK_LAUNCH_PATH; see docs/kernel.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "../backend/backend.h"
#include "../hal/hal.h"
#include "../kernel/kernel.h"
#include "../sil/sil.h"
#include "../system/init.h"
#include "../store/store.h"
#include "../system/pipeline.h"

#define DBG_CACHE 0x100u
#define DBG_TIME  0x200u
#define DBG_RSS   INIT_DEBUG_RSS   /* init prints it too (sing boot) */

long cli_cpus_arg(const char *cmd, const char *v)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (*end || end == v || errno || n < 1 || n > 64) {
		fprintf(stderr, "sing: %s: --cpus %s: not a CPU count (1 to 64)\n", cmd, v);
		return -1;
	}
	return n;
}

long cli_cpus_default(const char *cmd)
{
	const char *e = getenv("SING_CPUS");
	return e && *e ? cli_cpus_arg(cmd, e) : SK_CPUS_ALL;
}

unsigned cli_debug_flags(void)
{
	static const struct { const char *word; unsigned flag; } words[] = {
		{"cache", DBG_CACHE}, {"time", DBG_TIME}, {"exheap", SK_DEBUG_EXHEAP},
		{"gcstress", SK_DEBUG_GCSTRESS}, {"stats", SK_DEBUG_STATS},
		{"sched", SK_DEBUG_SCHED}, {"rss", DBG_RSS}, {"dma", SK_DEBUG_DMA},
		{"apart", SK_DEBUG_APART}, {"ticks", SK_DEBUG_TICKS},
	};
	const char *d = getenv("SING_DEBUG");
	unsigned f = 0;
	for (size_t i = 0; d && i < sizeof words / sizeof words[0]; i++) {
		size_t n = strlen(words[i].word);
		for (const char *p = strstr(d, words[i].word); p; p = strstr(p + 1, words[i].word))
			if ((p == d || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
				f |= words[i].flag;
	}
	/* SING_GCSTRESS=1: the same as gcstress, kept when a test sets
	 * SING_DEBUG itself (a whole test run with a collection at every
	 * allocation: docs/kernel.md "Per-SIP collection"). */
	const char *g = getenv("SING_GCSTRESS");
	if (g && *g && strcmp(g, "0") != 0)
		f |= SK_DEBUG_GCSTRESS;
	return f;
}

/* A package the verifier passed, compiled and loaded into a kernel. */
struct installed {
	struct sil_pkg *p;
	struct sk_image *img;
	char name[64];
};

/* The trusted road (src/system/pipeline.h) from path to an image in k. */
static int install(struct sk_kernel *k, const char *path, unsigned dbg, struct installed *in)
{
	struct be_result r;
	memset(in, 0, sizeof in[0]);
	struct sil_pkg *p = cli_load(path, NULL);
	if (!p)
		return 1;
	if (!(in->img = pl_load(k, p, path, stderr, &r))) {
		sil_free(p);
		return 1;
	}
	if (dbg & DBG_CACHE)
		fprintf(stderr, "sing: cache %s %s\n", r.hit ? "hit" : "miss", r.hash);
	if (dbg & DBG_TIME)
		fprintf(stderr, "sing: install %s: lower %.1f ms, cc %.1f ms\n", path,
		        r.lower_ms, r.cc_ms);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(in->name, sizeof in->name, "%s", p->man.name && *p->man.name ? p->man.name : base);
	in->p = p;
	return 0;
}

/* FILE --help: the manifest's usage, as the system's process service
 * answers it, without running the program.  The exit status, or -1 when
 * the manifest has none (the program gets --help as an argument). */
static int manifest_usage(const char *path)
{
	struct sil_pkg *p = cli_load(path, NULL);
	if (!p)
		return 1;
	int rc = p->man.usage ? 0 : -1;
	if (p->man.usage)
		printf("%s\n", p->man.usage);
	sil_free(p);
	return rc;
}

/* Bind main's endpoints by their manifest paths, start, wait. */
static int start_and_wait(struct sk_kernel *k, const struct sk_image *img, struct installed *in,
                          int argc, char **argv, int64_t *ns)
{
	const struct sil_manifest *m = &in->p->man;
	void *eps[64];
	uint32_t n = 0;
	char err[256];
	for (uint32_t i = 0; i < m->nhw; i++)
		if (m->hw[i].kind == SIL_HW_IOPORT) {
			fprintf(stderr, "sing: %s: a driver's ioports are granted only by `sing boot` "
			        "(launch by manifest, docs/kernel.md \"Devices\")\n", in->name);
			return SK_EXIT_FAILED;
		}
	for (uint32_t i = 0; i < m->neps && n < 64; i++, n++) {
		eps[n] = sk_bind(k, img, n, m->eps[i].path, err, sizeof err);
		if (!eps[n]) {
			fprintf(stderr, "sing: %s: endpoint %s: %s\n", in->name, m->eps[i].path, err);
			return SK_EXIT_FAILED;   /* the bound ones are freed at shutdown */
		}
	}
	struct sip *s = sk_start(k, img, in->name, m->budget, argc, argv, eps, NULL, n,
	                         err, sizeof err);
	if (!s) {
		fprintf(stderr, "sing: cannot start %s: %s\n", in->name, err);
		return SK_EXIT_FAILED;
	}
	return sk_wait(k, s, ns);
}

/* Run one installed package as a SIP of kernel k. */
static int run_one(struct sk_kernel *k, struct installed *in, unsigned dbg, int argc,
                   char **argv)
{
	int64_t ns = 0;
	int rc = start_and_wait(k, in->img, in, argc, argv, &ns);
	if (dbg & DBG_TIME)
		fprintf(stderr, "sing: run %s: %.3f ms\n", in->name, ns / 1e6);
	return rc;
}

/* The store's install hook (docs/system.md): the verifier, then the
 * backend (through the compile cache, which only saves compilations), and
 * the object is stored with the package as DIR/code.so: the store, not
 * the cache, is what `sing boot` loads from. */
static int verify_and_compile(void *ctx, const struct sil_pkg *p, const char *dir, FILE *errs)
{
	struct be_result r;
	char path[4200];
	(void)ctx;
	if (pl_compile(p, p->man.name, NULL, errs, &r))
		return 1;
	size_t len;
	uint8_t *code = read_file(r.so_path, &len);
	snprintf(path, sizeof path, "%s/" ST_CODE_FILE, dir);
	int bad = !code || write_file(path, code, len);
	if (bad)
		fprintf(errs, "sing: cannot store the compiled code in %s: %s\n", dir, strerror(errno));
	free(code);
	return bad;
}

int cmd_install(int argc, char **argv)
{
	struct st_hook hook = {verify_and_compile, NULL};
	return st_cli_install(argc, argv, &hook);
}

/* sing run --all FILE...: each package once, one kernel. */
static int run_all(int argc, char **argv, unsigned dbg)
{
	struct sk_kernel *k = sk_boot(dbg);
	struct sk_image **imgs = xcalloc((size_t)argc, sizeof *imgs);
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		struct installed in;
		rc = install(k, argv[i], dbg, &in);
		if (!rc)
			rc = run_one(k, &in, dbg, 0, NULL);
		imgs[i] = in.img;
		sil_free(in.p);
	}
	uint64_t live = sk_shutdown(k);
	for (int i = 0; i < argc; i++)
		sk_unload(imgs[i]);
	free(imgs);
	return live ? SK_EXIT_FAILED : rc;
}

/* Install and register the -l programs; their images stay loaded until
 * the kernel is gone. */
static int add_programs(struct sk_kernel *k, char **paths, int n, unsigned dbg,
                        struct sk_image **imgs)
{
	for (int j = 0; j < n; j++) {
		struct installed in;
		if (install(k, paths[j], dbg, &in))
			return 1;
		imgs[j] = in.img;
		int full = sk_register(k, in.img, in.name, in.p->man.budget) < 0;
		sil_free(in.p);
		if (full) {
			fprintf(stderr, "sing: cannot load %s: too many programs\n", paths[j]);
			return 1;
		}
	}
	return 0;
}

static void print_rss(unsigned dbg)
{
	if (dbg & DBG_RSS)
		fprintf(stderr, "sing: rss %llu KiB\n", (unsigned long long)(hal_rss_bytes() >> 10));
}

int cmd_run(int argc, char **argv)
{
	unsigned dbg = cli_debug_flags();
	long times = 1;
	int i = 1;
	char *progs[64];
	int nprogs = 0;
	struct trace_opts topt = {0};
	int tn;
	long cpus = cli_cpus_default("run");
	if (cpus < 0)
		return 2;
	while ((tn = trace_opt(argc, argv, i, &topt)) > 0)
		i += tn;
	if (argc > i + 2 && !strcmp(argv[i], "--cpus")) {
		if ((cpus = cli_cpus_arg("run", argv[i + 1])) < 0)
			return 2;
		i += 2;
	}
	while (argc > i + 2 && !strcmp(argv[i], "-l") && nprogs < 64) {
		progs[nprogs++] = argv[i + 1];
		i += 2;
	}
	if (argc == 2 && !strcmp(argv[1], "--abi")) {
		be_print_abi(stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--all"))
		return run_all(argc - 2, argv + 2, dbg);
	if (argc > i + 2 && !strcmp(argv[i], "-n")) {
		char *end;
		errno = 0;
		times = strtol(argv[i + 1], &end, 10);
		if (*end || end == argv[i + 1] || errno || times < 1) {
			fprintf(stderr, "sing: run: -n %s: not a count (1 or more)\n", argv[i + 1]);
			return 2;
		}
		i += 2;
	}
	if (tn < 0)
		return 2;   /* trace_opt said which option wants a value */
	if (argc <= i || argv[i][0] == '-') {
		fprintf(stderr, "sing: run: %s%s (usage: sing run [--trace F.json] [--cpus N] [-l PROG]... [-n N] "
		        "FILE [ARGS...] | sing run --all FILE...)\n",
		        argc <= i ? "no program named" : "unknown option ", argc <= i ? "" : argv[i]);
		return 2;
	}
	if (argc == i + 2 && (!strcmp(argv[i + 1], "--help") || !strcmp(argv[i + 1], "-h")))
		if ((tn = manifest_usage(argv[i])) >= 0)
			return tn;
	fflush(NULL);
	if ((tn = trace_begin(&topt)) != 0)
		return tn;
	hal_intr_catch();   /* Ctrl-C stops the program: "sing: NAME: interrupted", 130 */
	struct sk_kernel *k = sk_boot(dbg);
	sk_cpus(k, (unsigned)cpus);
	struct sk_image *imgs[64] = {0};
	struct installed in;
	int rc = install(k, argv[i], dbg, &in);
	if (!rc)
		rc = add_programs(k, progs, nprogs, dbg, imgs);
	for (long n = 0; n < times && (n > 0 || rc == 0); n++)   /* installed? */
		rc = run_one(k, &in, dbg, argc - i - 1, argv + i + 1);
	sil_free(in.p);
	print_rss(dbg);
	/* Live exchange-heap bytes after every SIP ended are a kernel bug. */
	uint64_t live = sk_shutdown(k);
	sk_unload(in.img);
	for (int j = 0; j < nprogs; j++)
		sk_unload(imgs[j]);
	if (trace_end(&topt))
		return 1;
	return live ? SK_EXIT_FAILED : rc;
}
