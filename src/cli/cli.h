/*
 * cli.h - the `sing` command's subcommands.  Each returns the process exit
 * status: 0 success, 1 bad input (reported), 2 bad usage.
 * The CLI is glue: it may call any room, and no room may call it.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <stddef.h>
#include <stdio.h>

#define SING_VERSION "0.1"

int cmd_build(int argc, char **argv);     /* cmd_build.c: .sg -> .sil   */
int cmd_asm(int argc, char **argv);       /* cmd_sil.c: .sasm -> .sil   */
int cmd_dis(int argc, char **argv);       /* cmd_sil.c: .sil -> text    */
int cmd_manifest(int argc, char **argv);  /* cmd_sil.c: show manifest   */
int cmd_verify(int argc, char **argv);    /* cmd_verify.c               */
int cmd_install(int argc, char **argv);   /* cmd_run.c: verify, compile, store */
int cmd_run(int argc, char **argv);       /* cmd_run.c: verify+compile+run */
int cmd_bench(int argc, char **argv);     /* cmd_bench.c: the cost table */
int cmd_list(int argc, char **argv);      /* cmd_store.c: installed programs */
int cmd_uninstall(int argc, char **argv); /* cmd_store.c: remove a program */
int cmd_store_check(int argc, char **argv); /* cmd_store.c: checks only (hidden) */
int cmd_store(int argc, char **argv);     /* cmd_store.c: store init DIR */
/* cmd_store.c: 0 if DIR holds a store; else -1 after saying so (with how
 * to make one) on stderr. */
int cli_store_exists(const char *dir);
int cmd_boot(int argc, char **argv);      /* cmd_image.c: the system (src/system) */
int cmd_image(int argc, char **argv);     /* cmd_image.c: the store's boot image */
int cmd_trace(int argc, char **argv);     /* cmd_trace.c: a trace dump to JSON */
/* cmd_trace.c: --trace FILE, --trace-dump FILE, --trace-filter LIST,
 * --trace-ring N for `sing run` and `sing boot`.  trace_opt: 2 if argv[i]
 * is one (with its value), 0 if not, -1 (reported) if its value is
 * missing.  trace_begin before the kernel boots (0, else the exit status),
 * trace_end after it shut down (0, or 1 after reporting). */
struct trace_opts { const char *json, *dump, *filter, *ring; };
int trace_opt(int argc, char **argv, int i, struct trace_opts *o);
int trace_begin(const struct trace_opts *o);
int trace_end(const struct trace_opts *o);
/* --cpus N of `sing run` and `sing boot` (cmd_run.c): N, 1 to 64; -1
 * after reporting "sing: CMD: --cpus ...". */
long cli_cpus_arg(const char *cmd, const char *v);
/* Without --cpus: $SING_CPUS if set (the tests' way to run every area on
 * two CPUs), else 1. */
long cli_cpus_default(const char *cmd);
/* The SING_DEBUG words (cmd_run.c): SK_DEBUG_* and the CLI's own bits. */
unsigned cli_debug_flags(void);

/* cmd_store.c: `sing install` - argv is "install" [--store DIR] PKG...;
 * each package is checked, hook->fn (verify and compile) runs, and it is
 * recorded in the store.  Returns the exit status. */
struct st_hook;
int st_cli_install(int argc, char **argv, const struct st_hook *hook);

/* load.c: the package in a .sg, .sasm or .sil file (bytes, if not NULL,
 * receive its exact encoding); NULL after reporting "FILE: error: ...". */
struct sbuf;
struct sil_pkg;
struct sil_pkg *cli_load(const char *path, struct sbuf *bytes);
/* load.c: the system's sys/ folder ($SING_SYS, else the nearest sys/ above
 * the binary); 0 if there is none. */
int cli_sys_dir(char *out, size_t n);

#endif
