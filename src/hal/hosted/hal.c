/* hal.c - the hosted (Linux) HAL: memory, console, clock, code memory
 * and sanitizer fiber hooks.  See ../hal.h. */
#include "../hal.h"
#include "uart.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#ifdef HAL_ASAN   /* hal.h */
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

void *hal_alloc(size_t n)
{
	return calloc(1, n ? n : 1);
}

void hal_free(void *p)
{
	free(p);
}

static void *map(size_t n, int flags)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void *hal_map(size_t n)
{
	return map(n, 0);
}

/* A huge-page mapping: HAL_HUGE_SIZE more than asked, trimmed to an
 * aligned stretch (a huge page needs an aligned 2 MiB of virtual space),
 * marked for huge pages and then populated (MAP_POPULATE at mmap would
 * fault small pages in before the madvise).  Without transparent huge
 * pages the madvise fails and small pages are populated: still correct. */
static void *map_huge(size_t n)
{
	uint8_t *p = map(n + HAL_HUGE_SIZE, 0);
	if (!p)
		return NULL;
	uint8_t *a = (uint8_t *)(((uintptr_t)p + HAL_HUGE_SIZE - 1) & ~(uintptr_t)(HAL_HUGE_SIZE - 1));
	if (a > p)
		munmap(p, (size_t)(a - p));
	munmap(a + n, (size_t)(p + HAL_HUGE_SIZE - a));   /* a - p < HAL_HUGE_SIZE */
	madvise(a, n, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
	if (madvise(a, n, MADV_POPULATE_WRITE) == 0)
		return a;
#endif
	for (size_t i = 0; i < n; i += HAL_PAGE)   /* a kernel before 5.14 */
		((volatile uint8_t *)a)[i] = 0;
	return a;
}

void *hal_map_now(size_t n, unsigned flags)
{
	return flags & HAL_HUGE ? map_huge(n) : map(n, MAP_POPULATE);
}

void hal_unmap(void *p, size_t n)
{
	hal_stack_forget(p, n);
	munmap(p, n);
}

/* Below 2 GiB so a 32-bit queue PFN names it and ASan's shadow (2 GiB and
 * up) is not in the way; MAP_FIXED_NOREPLACE so nothing mapped is hit.
 * The hint moves on past each mapping; it wraps once before giving up. */
void *hal_dma_map(size_t n)
{
	static uintptr_t hint = 0x40000000u;
	for (int pass = 0; pass < 2; pass++, hint = 0x40000000u)
		for (; hint + n < 0x80000000u; hint += 0x100000u) {
			void *p = mmap((void *)hint, n, PROT_READ | PROT_WRITE,
			               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			if (p == (void *)hint) {
				hint += (n + 0xfffffu) & ~(uintptr_t)0xfffffu;
				return p;
			}
			if (p != MAP_FAILED)   /* an old kernel took it as a hint only */
				munmap(p, n);
		}
	return NULL;
}

void hal_dma_unmap(void *p, size_t n)
{
	munmap(p, n);
}

void hal_write(int fd, const void *buf, size_t n)
{
	const char *s = buf;
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

long hal_console_read(void *buf, size_t n, int64_t timeout_ns)
{
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	int r = poll(&pfd, 1, (int)(timeout_ns / 1000000));
	if (r <= 0)
		return 0;
	ssize_t got = read(0, buf, n);
	if (got < 0)   /* EINTR, EAGAIN: nothing this time */
		return 0;
	return got > 0 ? (long)got : -1;
}

void hal_abort(void)
{
	abort();
}

int64_t hal_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void *hal_code_map(size_t n)
{
	return hal_map(n);
}

int hal_code_exec(void *p, size_t n)
{
	return mprotect(p, n, PROT_READ | PROT_EXEC);
}

void hal_code_unmap(void *p, size_t n)
{
	munmap(p, n);
}

#ifdef HAL_ASAN   /* else inline no-ops (hal.h) */
void hal_fiber_start(void **fake, const void *bottom, size_t size)
{
	__sanitizer_start_switch_fiber(fake, bottom, size);
}

void hal_fiber_finish(void *fake, const void **bottom, size_t *size)
{
	__sanitizer_finish_switch_fiber(fake, bottom, size);
}
#endif

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
void *hal_tsan_fiber_new(void) { return __tsan_create_fiber(0); }
void *hal_tsan_fiber_self(void) { return __tsan_get_current_fiber(); }
void hal_tsan_fiber_free(void *f) { if (f) __tsan_destroy_fiber(f); }
void hal_tsan_switch(void *f) { __tsan_switch_to_fiber(f, 0); }
#else
void *hal_tsan_fiber_new(void) { return NULL; }
void *hal_tsan_fiber_self(void) { return NULL; }
void hal_tsan_fiber_free(void *f) { (void)f; }
void hal_tsan_switch(void *f) { (void)f; }
#endif

void hal_stack_forget(void *lo, size_t n)
{
#ifdef HAL_ASAN
	/* Frames abandoned when a SIP is stopped leave poisoned redzones. */
	__asan_unpoison_memory_region(lo, n);
#else
	(void)lo, (void)n;
#endif
}

/* ---- the preemption timer: a host thread ---- */

static struct {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, stop;
	int64_t period;
	void (*tick)(void *);
	void *arg;
} timer = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *timer_main(void *unused)
{
	(void)unused;
	pthread_mutex_lock(&timer.mu);
	while (!timer.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int64_t ns = ts.tv_nsec + timer.period;
		ts.tv_sec += ns / 1000000000;
		ts.tv_nsec = ns % 1000000000;
		int rc = pthread_cond_timedwait(&timer.cv, &timer.mu, &ts);
		if (rc == ETIMEDOUT && !timer.stop)
			timer.tick(timer.arg);
	}
	pthread_mutex_unlock(&timer.mu);
	return NULL;
}

/* ---- the interrupt key ---- */

static volatile sig_atomic_t intr_pending;

static void on_intr(int sig)
{
	if (intr_pending) {   /* nobody took the first: power off */
		uart_tty_restore();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	intr_pending = 1;
}

void hal_intr_catch(void)
{
	struct sigaction sa = {0};
	sa.sa_handler = on_intr;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

int hal_intr_pending(void)   /* from the timer's thread too */
{
	return __atomic_load_n(&intr_pending, __ATOMIC_RELAXED);
}

int hal_intr_take(void)
{
	return __atomic_exchange_n(&intr_pending, 0, __ATOMIC_RELAXED);
}

void hal_timer_start(int64_t period_ns, void (*tick)(void *), void *arg)
{
	if (timer.running)
		return;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&timer.cv, &ca);
	pthread_condattr_destroy(&ca);
	timer.period = period_ns;
	timer.tick = tick;
	timer.arg = arg;
	timer.stop = 0;
	if (pthread_create(&timer.th, NULL, timer_main, NULL) == 0)
		timer.running = 1;
}

void hal_timer_stop(void)
{
	if (!timer.running)
		return;
	pthread_mutex_lock(&timer.mu);
	timer.stop = 1;
	pthread_cond_signal(&timer.cv);
	pthread_mutex_unlock(&timer.mu);
	pthread_join(timer.th, NULL);
	pthread_cond_destroy(&timer.cv);
	timer.running = 0;
}

uint64_t hal_rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	unsigned long size = 0, rss = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}
