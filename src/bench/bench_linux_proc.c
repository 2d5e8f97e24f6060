/* bench_linux_proc.c - process creation on Linux: fork+exit+wait, and
 * fork+exec+wait / posix_spawn+wait of a tiny helper program that is built
 * in this run with the system C compiler (static if it can link static),
 * into a temporary directory removed by bench_linux_proc_cleanup(). */
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char helper_src[] = "int main(void) { return 0; }\n";

/* The helper, built at most once per run. */
static struct {
	bool tried;
	char dir[256], src[300], exe[300];
	char kind[128];         /* "static ...", "dynamic ...", or why none */
} helper;

/* Wait for pid; 0 if it exited with status 0. */
static int reap(struct bench_ctx *c, pid_t pid, const char *what)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return bench_fail(c, "waitpid: %s", strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return bench_fail(c, "%s: child ended with status %#x", what, st);
	return 0;
}

/* Run the C compiler quietly; 0 if it succeeded. */
static int run_cc(const char *cc, bool static_link)
{
	char *argv[] = {(char *)cc, "-O2", "-s", "-o", helper.exe, helper.src,
			static_link ? "-static" : NULL, NULL};
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int e = posix_spawnp(&pid, cc, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0)
		return -1;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return access(helper.exe, X_OK);
}

static void build_helper(void)
{
	const char *tmp = getenv("TMPDIR"), *cc = getenv("CC");
	helper.tried = true;
	snprintf(helper.kind, sizeof helper.kind, "no helper: temp dir failed");
	snprintf(helper.dir, sizeof helper.dir, "%s/sing-bench-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(helper.dir)) {
		helper.dir[0] = 0;
		return;
	}
	snprintf(helper.src, sizeof helper.src, "%s/helper.c", helper.dir);
	snprintf(helper.exe, sizeof helper.exe, "%s/helper", helper.dir);
	if (write_file(helper.src, helper_src, sizeof helper_src - 1) != 0)
		return;
	if (!cc || !*cc)
		cc = "cc";
	if (run_cc(cc, true) == 0)
		snprintf(helper.kind, sizeof helper.kind, "static (%s -static -O2)", cc);
	else if (run_cc(cc, false) == 0)
		snprintf(helper.kind, sizeof helper.kind,
			 "dynamic (%s -O2; static linking failed)", cc);
	else
		snprintf(helper.kind, sizeof helper.kind,
			 "no helper: '%s' could not build one", cc);
}

const char *bench_linux_helper_kind(void)
{
	return helper.tried ? helper.kind : "not built (no exec row ran)";
}

void bench_linux_proc_cleanup(void)
{
	if (!helper.dir[0])
		return;
	unlink(helper.exe);
	unlink(helper.src);
	rmdir(helper.dir);
	helper.dir[0] = 0;
}

static int helper_setup(struct bench_ctx *c)
{
	if (!helper.tried)
		build_helper();
	if (strncmp(helper.kind, "no helper", 9) == 0)
		return bench_fail(c, "%s", helper.kind);
	return 0;
}

/* ---- the three ways to make a process ----------------------------------- */

static int run_fork(struct bench_ctx *c, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return bench_fail(c, "fork: %s", strerror(errno));
		if (reap(c, pid, "fork") != 0)
			return -1;
	}
	return 0;
}

static int run_fork_exec(struct bench_ctx *c, uint64_t n)
{
	char *argv[] = {helper.exe, NULL}, *envp[] = {NULL};
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			execve(helper.exe, argv, envp);
			_exit(127);
		}
		if (pid < 0)
			return bench_fail(c, "fork: %s", strerror(errno));
		if (reap(c, pid, "fork+exec") != 0)
			return -1;
	}
	return 0;
}

static int run_spawn(struct bench_ctx *c, uint64_t n)
{
	char *argv[] = {helper.exe, NULL}, *envp[] = {NULL};
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid;
		int e = posix_spawn(&pid, helper.exe, NULL, NULL, argv, envp);
		if (e != 0)
			return bench_fail(c, "posix_spawn: %s", strerror(e));
		if (reap(c, pid, "posix_spawn") != 0)
			return -1;
	}
	return 0;
}

const struct bench_impl bench_linux_fork = {
	"fork() + child _exit(0) + waitpid", NULL, run_fork, NULL};
const struct bench_impl bench_linux_fork_exec = {
	"fork() + execve(tiny helper) + waitpid", helper_setup, run_fork_exec, NULL};
const struct bench_impl bench_linux_spawn = {
	"posix_spawn(tiny helper) + waitpid", helper_setup, run_spawn, NULL};
