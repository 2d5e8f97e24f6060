/*
 * cc.c - run the system C compiler on generated code.
 *
 * The flags make the generated C free of undefined behaviour where C
 * leaves room for it (-fwrapv: signed overflow wraps; -fno-strict-aliasing;
 * -fno-delete-null-pointer-checks) and keep it from pulling in anything
 * but the ABI (-ffreestanding -fno-builtin -nostdlib -fno-stack-protector).
 * $SING_CC picks the compiler (default gcc; clang works too).
 */
#include "backend.h"

#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

extern char **environ;

static const char *const flags[] = {
	"-O2", "-fwrapv", "-fno-strict-aliasing", "-fno-delete-null-pointer-checks",
	"-fPIC", "-shared", "-ffreestanding", "-fno-builtin", "-nostdlib",
	"-fno-stack-protector", "-fno-plt", "-w",
	/* The same object runs in ring 0 on bare metal, where an interrupt
	 * pushes its frame onto the running stack: no red zone below %rsp. */
	"-mno-red-zone",
	/* Tail-recursion elimination would turn runaway recursion into a
	 * loop with no safepoint poll and no stack growth. */
	"-fno-optimize-sibling-calls",
};
#define NFLAGS (sizeof flags / sizeof flags[0])

static const char *compiler(void)
{
	const char *cc = getenv("SING_CC");
	return cc && *cc ? cc : "gcc";
}

const char *be_cc_command(void)
{
	static char buf[512];
	snprintf(buf, sizeof buf, "%s", compiler());
	for (size_t i = 0; i < NFLAGS; i++) {
		strncat(buf, " ", sizeof buf - strlen(buf) - 1);
		strncat(buf, flags[i], sizeof buf - strlen(buf) - 1);
	}
	return buf;
}

int be_cc(const char *cfile, const char *sofile, FILE *errs)
{
	const char *argv[NFLAGS + 6];
	size_t n = 0;
	argv[n++] = compiler();
	for (size_t i = 0; i < NFLAGS; i++)
		argv[n++] = flags[i];
	argv[n++] = "-o";
	argv[n++] = sofile;
	argv[n++] = cfile;
	argv[n] = NULL;
	pid_t pid;
	fflush(NULL);
	int e = posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ);
	if (e) {
		fprintf(errs, "sing: cannot run the C compiler '%s': %s\n", argv[0], strerror(e));
		return -1;
	}
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(errs, "sing: internal error: the C compiler failed on %s\n", cfile);
		return -1;
	}
	return 0;
}
