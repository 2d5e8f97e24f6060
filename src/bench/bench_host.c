/* bench_host.c - the cycle counter, its calibration against CLOCK_MONOTONIC,
 * CPU pinning, and the machine description printed with the cost table. */
#include "bench.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#define BENCH_HAVE_TSC 1
#else
#define BENCH_HAVE_TSC 0
#endif

#if defined(__clang__)
#define BENCH_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define BENCH_COMPILER "gcc " __VERSION__
#else
#define BENCH_COMPILER "unknown C compiler"
#endif

/* How this binary was built: the figures mean little under a sanitizer. */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_BUILD ", sanitized build (ASan): figures NOT representative"
#elif defined(__OPTIMIZE__)
#define BENCH_BUILD ", optimised build"
#else
#define BENCH_BUILD ", unoptimised build: figures NOT representative"
#endif

static uint64_t mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* rdtsc after lfence, so earlier work has retired before the read; the
 * fallback counter is CLOCK_MONOTONIC itself, in nanoseconds. */
uint64_t bench_ticks(void)
{
#if BENCH_HAVE_TSC
	uint32_t lo, hi;
	__asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
#else
	return mono_ns();
#endif
}

int bench_fail(struct bench_ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why, sizeof c->why, fmt, ap);
	va_end(ap);
	return -1;
}

int bench_pin_self(int cpu)
{
	cpu_set_t set;
	if (cpu < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof set, &set);
}

/* Ticks per ns over one window of wall time, spun (not slept) so the CPU
 * stays busy and in one frequency state. */
static double calibrate_once(uint64_t window_ns)
{
	uint64_t t0 = mono_ns(), c0 = bench_ticks(), t1, c1;
	do
		t1 = mono_ns();
	while (t1 - t0 < window_ns);
	c1 = bench_ticks();
	return (double)(c1 - c0) / (double)(t1 - t0);
}

static double calibrate(bool quick)
{
	double r[5];
	for (int i = 0; i < 5; i++)
		r[i] = calibrate_once(quick ? 4000000u : 20000000u);
	struct bench_stats s;
	bench_stats_of(r, 5, &s);
	return s.median;
}

/* The first "model name" line of /proc/cpuinfo, or "unknown". */
static void cpu_model(char *out, size_t n)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	snprintf(out, n, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *colon = strchr(line, ':');
		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = 0;
		snprintf(out, n, "%s", colon);
		break;
	}
	fclose(f);
}

/* The first two CPUs this process may run on. */
static void usable_cpus(struct bench_host *h)
{
	cpu_set_t set;
	h->cpu_a = h->cpu_b = -1;
	if (sched_getaffinity(0, sizeof set, &set) != 0) {
		h->cpu_a = 0;
		return;
	}
	for (int i = 0; i < CPU_SETSIZE && h->cpu_b < 0; i++) {
		if (!CPU_ISSET(i, &set))
			continue;
		if (h->cpu_a < 0)
			h->cpu_a = i;
		else
			h->cpu_b = i;
	}
}

void bench_host_probe(struct bench_host *h, bool quick)
{
	struct utsname u;
	memset(h, 0, sizeof *h);
	cpu_model(h->cpu_model, sizeof h->cpu_model);
	if (uname(&u) == 0)
		snprintf(h->kernel, sizeof h->kernel, "%s %s %s", u.sysname,
			 u.release, u.machine);
	snprintf(h->compiler, sizeof h->compiler, "%s%s", BENCH_COMPILER, BENCH_BUILD);
	h->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	h->load1 = -1;
	if (getloadavg(&h->load1, 1) != 1)
		h->load1 = -1;
	usable_cpus(h);
	bench_pin_self(h->cpu_a);
	snprintf(h->counter, sizeof h->counter, "%s",
		 BENCH_HAVE_TSC ? "rdtsc" : "clock_gettime");
	h->cycles_per_ns = BENCH_HAVE_TSC ? calibrate(quick) : 0;
}
