/* bench_linux.c - the Linux side of the cost table, written by us: system
 * calls, thread and process ping-pong, pipes, sockets, malloc.  Process
 * creation is in bench_linux_proc.c.  Every loop does real work the
 * compiler cannot drop (results are checked or escape through asm). */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Keep p alive in the compiler's eyes, so malloc+free is not elided. */
#define ESCAPE(p) __asm__ __volatile__("" : : "r"(p) : "memory")

/* ---- a kernel call and a yield ------------------------------------------ */

/* syscall(), not getppid(): no libc caching can stand in for the call. */
static int run_getppid(struct bench_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (syscall(SYS_getppid) < 0)
			return bench_fail(c, "getppid: %s", strerror(errno));
	return 0;
}

static int run_yield(struct bench_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		if (sched_yield() != 0)
			return bench_fail(c, "sched_yield: %s", strerror(errno));
	return 0;
}

const struct bench_impl bench_linux_getppid = {
	"syscall(SYS_getppid)", NULL, run_getppid, NULL};
const struct bench_impl bench_linux_yield = {
	"sched_yield(), nothing else runnable on the CPU", NULL, run_yield, NULL};

/* ---- two threads waking each other -------------------------------------- */

/* turn is 1 while the ball is with the peer, 0 while with the measurer.
 * The condvar variant uses mu/cv and ignores the futex word's waiting. */
struct thread_pp {
	int turn, stop, cpu;
	bool condvar;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t peer;
};

static void futex_wait(int *addr, int val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(int *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

/* Hand the ball over (set turn to `to`), then wait until it comes back. */
static void futex_pass(int *turn, int to)
{
	__atomic_store_n(turn, to, __ATOMIC_SEQ_CST);
	futex_wake(turn);
	while (__atomic_load_n(turn, __ATOMIC_SEQ_CST) == to)
		futex_wait(turn, to);
}

static void condvar_pass(struct thread_pp *p, int to)
{
	pthread_mutex_lock(&p->mu);
	p->turn = to;
	pthread_cond_signal(&p->cv);
	while (p->turn == to && !p->stop)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void *thread_peer(void *arg)
{
	struct thread_pp *p = arg;
	bench_pin_self(p->cpu);
	if (p->condvar) {
		pthread_mutex_lock(&p->mu);
		while (p->turn == 0 && !p->stop)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
	} else {
		while (__atomic_load_n(&p->turn, __ATOMIC_SEQ_CST) == 0)
			futex_wait(&p->turn, 0);
	}
	while (!__atomic_load_n(&p->stop, __ATOMIC_SEQ_CST)) {
		if (p->condvar)
			condvar_pass(p, 0);
		else
			futex_pass(&p->turn, 0);
	}
	return NULL;
}

static int thread_pp_setup(struct bench_ctx *c, bool condvar)
{
	struct thread_pp *p = xcalloc(1, sizeof *p);
	p->cpu = c->cpu_peer;
	p->condvar = condvar;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	int e = pthread_create(&p->peer, NULL, thread_peer, p);
	if (e != 0) {
		free(p);
		return bench_fail(c, "pthread_create: %s", strerror(e));
	}
	c->state = p;
	return 0;
}

static int futex_pp_setup(struct bench_ctx *c) { return thread_pp_setup(c, false); }
static int condvar_pp_setup(struct bench_ctx *c) { return thread_pp_setup(c, true); }

static int thread_pp_run(struct bench_ctx *c, uint64_t n)
{
	struct thread_pp *p = c->state;
	for (uint64_t i = 0; i < n; i++) {
		if (p->condvar)
			condvar_pass(p, 1);
		else
			futex_pass(&p->turn, 1);
	}
	return 0;
}

static void thread_pp_teardown(struct bench_ctx *c)
{
	struct thread_pp *p = c->state;
	pthread_mutex_lock(&p->mu);
	__atomic_store_n(&p->stop, 1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&p->turn, 1, __ATOMIC_SEQ_CST);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	futex_wake(&p->turn);
	pthread_join(p->peer, NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

const struct bench_impl bench_linux_futex_pingpong = {
	"2 pthreads, round trip via futex wait/wake on one word",
	futex_pp_setup, thread_pp_run, thread_pp_teardown};
const struct bench_impl bench_linux_condvar_pingpong = {
	"2 pthreads, round trip via mutex + condition variable",
	condvar_pp_setup, thread_pp_run, thread_pp_teardown};

/* ---- two processes, one byte each way over two pipes -------------------- */

struct proc_pp {
	int to_peer, from_peer;     /* the measurer's ends */
	pid_t pid;
};

/* The peer echoes each byte until its input pipe closes. */
static void echo_child(int in, int out, int cpu)
{
	char b;
	bench_pin_self(cpu);
	while (read(in, &b, 1) == 1)
		if (write(out, &b, 1) != 1)
			break;
	_exit(0);
}

static int proc_pp_setup(struct bench_ctx *c)
{
	int down[2], up[2];
	if (pipe(down) != 0)
		return bench_fail(c, "pipe: %s", strerror(errno));
	if (pipe(up) != 0) {
		close(down[0]), close(down[1]);
		return bench_fail(c, "pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(down[1]), close(up[0]);
		echo_child(down[0], up[1], c->cpu_peer);
	}
	close(down[0]), close(up[1]);
	if (pid < 0) {
		close(down[1]), close(up[0]);
		return bench_fail(c, "fork: %s", strerror(errno));
	}
	struct proc_pp *p = xcalloc(1, sizeof *p);
	*p = (struct proc_pp){down[1], up[0], pid};
	c->state = p;
	return 0;
}

static int proc_pp_run(struct bench_ctx *c, uint64_t n)
{
	struct proc_pp *p = c->state;
	char b = 'x';
	for (uint64_t i = 0; i < n; i++)
		if (write(p->to_peer, &b, 1) != 1 || read(p->from_peer, &b, 1) != 1)
			return bench_fail(c, "pipe ping-pong: %s", strerror(errno));
	return 0;
}

static void proc_pp_teardown(struct bench_ctx *c)
{
	struct proc_pp *p = c->state;
	close(p->to_peer);
	close(p->from_peer);
	waitpid(p->pid, NULL, 0);
	free(p);
}

const struct bench_impl bench_linux_pipe_pingpong = {
	"2 processes (fork), 1 byte there and back over two pipes",
	proc_pp_setup, proc_pp_run, proc_pp_teardown};

/* ---- bytes through a pipe, written and read back by one thread ---------- */

struct pipe_io {
	int fd[2];
	size_t len;
	char *buf;
};

static int pipe_io_setup(struct bench_ctx *c, size_t len)
{
	struct pipe_io *p = xcalloc(1, sizeof *p);
	if (pipe(p->fd) != 0) {
		free(p);
		return bench_fail(c, "pipe: %s", strerror(errno));
	}
	/* Room for the whole message, so one write never blocks. */
	if (len > 4096 && fcntl(p->fd[1], F_SETPIPE_SZ, (int)len) < (int)len) {
		close(p->fd[0]), close(p->fd[1]), free(p);
		return bench_fail(c, "F_SETPIPE_SZ %zu: %s", len, strerror(errno));
	}
	p->len = len;
	p->buf = xmalloc(len);
	memset(p->buf, 'x', len);
	c->state = p;
	return 0;
}

static int pipe_8_setup(struct bench_ctx *c) { return pipe_io_setup(c, 8); }
static int pipe_64k_setup(struct bench_ctx *c) { return pipe_io_setup(c, 65536); }

static int pipe_io_run(struct bench_ctx *c, uint64_t n)
{
	struct pipe_io *p = c->state;
	for (uint64_t i = 0; i < n; i++) {
		if (write(p->fd[1], p->buf, p->len) != (ssize_t)p->len)
			return bench_fail(c, "pipe write: %s", strerror(errno));
		for (size_t got = 0; got < p->len;) {
			ssize_t r = read(p->fd[0], p->buf + got, p->len - got);
			if (r <= 0)
				return bench_fail(c, "pipe read: %s", strerror(errno));
			got += (size_t)r;
		}
	}
	return 0;
}

static void pipe_io_teardown(struct bench_ctx *c)
{
	struct pipe_io *p = c->state;
	close(p->fd[0]);
	close(p->fd[1]);
	free(p->buf);
	free(p);
}

const struct bench_impl bench_linux_pipe_8 = {
	"write 8 B into a pipe and read them back (one thread)",
	pipe_8_setup, pipe_io_run, pipe_io_teardown};
const struct bench_impl bench_linux_pipe_64k = {
	"write 64 KiB into a pipe and read them back (one thread)",
	pipe_64k_setup, pipe_io_run, pipe_io_teardown};

/* ---- malloc+free --------------------------------------------------------- */

/* n times malloc(size) and free; with fill, every byte written between
 * (memset), as alloc_64k_fill's Sing side writes every element. */
static int run_malloc(struct bench_ctx *c, uint64_t n, size_t size, int fill)
{
	for (uint64_t i = 0; i < n; i++) {
		void *p = malloc(size);
		if (!p)
			return bench_fail(c, "malloc(%zu) failed", size);
		if (fill)
			memset(p, (int)i | 1, size);
		ESCAPE(p);
		free(p);
	}
	return 0;
}

static int run_malloc_64(struct bench_ctx *c, uint64_t n) { return run_malloc(c, n, 64, 0); }
static int run_malloc_64k(struct bench_ctx *c, uint64_t n) { return run_malloc(c, n, 65536, 0); }
static int run_malloc_64k_fill(struct bench_ctx *c, uint64_t n) { return run_malloc(c, n, 65536, 1); }

const struct bench_impl bench_linux_malloc_64 = {
	"malloc(64) + free (glibc)", NULL, run_malloc_64, NULL};
const struct bench_impl bench_linux_malloc_64k = {
	"malloc(65536) + free (glibc)", NULL, run_malloc_64k, NULL};
const struct bench_impl bench_linux_malloc_64k_fill = {
	"malloc(65536) + memset of 65536 + free (glibc)", NULL, run_malloc_64k_fill, NULL};

/* ---- channels: a socketpair, and connecting to a socket by name ---------- */

static int run_socketpair(struct bench_ctx *c, uint64_t n)
{
	int sv[2];
	for (uint64_t i = 0; i < n; i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
			return bench_fail(c, "socketpair: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
	}
	return 0;
}

const struct bench_impl bench_linux_socketpair = {
	"socketpair(AF_UNIX, SOCK_STREAM) + close both ends",
	NULL, run_socketpair, NULL};

/* A listening Unix socket under an abstract name stands for the service;
 * one bind is socket + connect by name + the service's accept + close. */
struct unix_svc {
	int listener;
	struct sockaddr_un addr;
	socklen_t addrlen;
};

static int unix_setup(struct bench_ctx *c)
{
	struct unix_svc *s = xcalloc(1, sizeof *s);
	s->addr.sun_family = AF_UNIX;
	int len = snprintf(s->addr.sun_path + 1, sizeof s->addr.sun_path - 1,
			   "sing-bench-%ld", (long)getpid());
	s->addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len);
	s->listener = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s->listener < 0 || bind(s->listener, (struct sockaddr *)&s->addr, s->addrlen) != 0 ||
	    listen(s->listener, 16) != 0) {
		bench_fail(c, "unix socket service: %s", strerror(errno));
		if (s->listener >= 0)
			close(s->listener);
		free(s);
		return -1;
	}
	c->state = s;
	return 0;
}

static int unix_run(struct bench_ctx *c, uint64_t n)
{
	struct unix_svc *s = c->state;
	for (uint64_t i = 0; i < n; i++) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&s->addr, s->addrlen) != 0) {
			bench_fail(c, "connect: %s", strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		int a = accept(s->listener, NULL, NULL);
		close(fd);
		if (a < 0)
			return bench_fail(c, "accept: %s", strerror(errno));
		close(a);
	}
	return 0;
}

static void unix_teardown(struct bench_ctx *c)
{
	struct unix_svc *s = c->state;
	close(s->listener);
	free(s);
}

const struct bench_impl bench_linux_unix_connect = {
	"connect to a named (abstract) Unix socket + accept + close both",
	unix_setup, unix_run, unix_teardown};
