/* main.c - `sing`: one binary, one table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{"build",    cmd_build,    "build a.sg [b.sg ...] -o a.sil   compile Sing to a SIL package"},
	{"asm",      cmd_asm,      "asm a.sasm -o a.sil              assemble SIL text"},
	{"dis",      cmd_dis,      "dis a.sil                        print a package as SIL text"},
	{"manifest", cmd_manifest, "manifest a.sil                   print a package's manifest"},
	{"verify",   cmd_verify,   "verify a.sil                     check a package (the trusted verifier)"},
	{"install",  cmd_install,  "install a.sil|a.sg [--store DIR] check, verify, compile into the store"},
	{"run",      cmd_run,      "run a.sil|a.sg [args...]         verify, compile and run as a SIP"},
	{"bench",    cmd_bench,    "bench [--quick] [--only GLOB] [--json F] [--svg F]  the cost table"},
	{"boot",     cmd_boot,     "boot [--store DIR|--image FILE]  start the system: services, then the shell"},
	{"image",    cmd_image,    "image [--store DIR] -o FILE      the store's boot image (for bare metal)"},
	{"trace",    cmd_trace,    "trace DUMP -o FILE.json          a kernel trace dump as Chrome trace JSON"},
	{"list",     cmd_list,     "list [--store DIR]               installed programs"},
	{"uninstall", cmd_uninstall, "uninstall NAME [--force]         remove an installed program"},
	{"store-check", cmd_store_check, NULL},   /* test/admin aid: docs/system.md */
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sing COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (commands[i].usage)
			fprintf(f, "  sing %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "sing: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
