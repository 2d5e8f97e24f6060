/* main.c - `sing`: one binary, one table of subcommands.
 *
 * Conventions (GNU and POSIX utilities): `sing --help`, `sing -h`, `sing
 * help [COMMAND]` and `sing COMMAND --help` print usage on stdout and exit
 * 0; `--version` likewise prints the version; a usage error is one line on
 * stderr, `sing: ...`, and exit status 2; bad input exits 1. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *usage;     /* NULL: a test aid left out of the list */
	const char *more;      /* the rest of its --help */
};

static const struct command commands[] = {
	{"build", cmd_build, "build a.sg [b.sg ...] [-I DIR]... [-o a.sil]",
	 "compile Sing (the untrusted front end) to a SIL package"},
	{"asm", cmd_asm, "asm a.sasm [-o a.sil]", "assemble SIL text"},
	{"dis", cmd_dis, "dis a.sil", "print a package as SIL text"},
	{"manifest", cmd_manifest, "manifest a.sil", "print a package's manifest"},
	{"verify", cmd_verify, "verify FILE...", "check packages with the trusted verifier"},
	{"install", cmd_install, "install FILE... [--store DIR]",
	 "check, verify, compile and record programs in the store; all or nothing:\n"
	 "  when one fails, none is installed"},
	{"run", cmd_run, "run [--trace F.json] [--cpus N] [-l PROG]... [-n N] FILE [ARGS...] | run --all FILE...",
	 "verify, compile (or take the cache) and run a program as a SIP; exit with its\n"
	 "  status (130 when Ctrl-C stopped it).  -n N: N times, each a fresh SIP;\n"
	 "  --cpus N: run N CPUs (default: every CPU the host gives the process, or $SING_CPUS; docs/kernel.md \"Every CPU\");\n"
	 "  -l PROG: PROG may be started by FILE through the launcher; --all: each FILE once;\n"
	 "  --trace F.json [--trace-filter LIST]: record a kernel trace (docs/tracing.md)"},
	{"boot", cmd_boot,
	 "boot [--store DIR | --image FILE] [--nic pcap:FILE[,in=FILE][,max=SIZE]|tap:NAME] [--cpus N]",
	 "start the system: drivers, services, then the shell on this terminal.\n"
	 "  --cpus N: run N CPUs (default: every CPU, or $SING_CPUS; docs/kernel.md \"Every CPU\");\n"
	 "  --image: boot a boot image (sing image) instead of the store;\n"
	 "  --nic: the network card's wire (default pcap:STORE/nic0.pcap); a pcap file\n"
	 "  grows to at most max=SIZE bytes (K, M, G; default 64M; 0: no limit);\n"
	 "  --trace F.json [--trace-filter LIST]: record a kernel trace (docs/tracing.md)"},
	{"image", cmd_image, "image [--store DIR] -o FILE",
	 "the store's boot image: every program verified and compiled (for bare metal)"},
	{"trace", cmd_trace, "trace DUMP -o FILE.json", "a kernel trace dump as Chrome trace JSON"},
	{"list", cmd_list, "list [--store DIR]", "installed programs"},
	{"uninstall", cmd_uninstall, "uninstall NAME [--force] [--store DIR]",
	 "remove an installed program (refused while another needs it, unless --force)"},
	{"store", cmd_store, "store init DIR", "create an empty store in DIR (with the default policy)"},
	{"bench", cmd_bench, "bench [--quick] [--core] [--only GLOB] [--json F] [--svg F] [--cpus N]",
	 "the cost table: Sing beside Linux\n"
	 "  --core: half-millisecond batches, and each row's cycles split by whether a\n"
	 "  hyperthread sibling shared the core (docs/performance.md \"The host's two phases\")"},
	{"store-check", cmd_store_check, NULL, NULL},   /* test/admin aid: docs/system.md */
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const struct command *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sing COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (commands[i].usage)
			fprintf(f, "  sing %s\n", commands[i].usage);
	fprintf(f, "\nsing help COMMAND, or sing COMMAND --help, says more; sing --version.\n"
	           "The store: --store DIR, else $SING_STORE, else the store beside the binary.\n");
}

static int command_help(const struct command *c)
{
	printf("usage: sing %s\n  %s\n", c->usage ? c->usage : c->name, c->more ? c->more : "");
	return 0;
}

static int is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h") || !strcmp(a, "help");
}

static int version(void)
{
	printf("sing %s\n", SING_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version"))
		return version();
	if (is_help(argv[1])) {
		const struct command *c = argc > 2 ? find(argv[2]) : NULL;
		if (argc > 2 && !c) {
			fprintf(stderr, "sing: help: no command '%s' (sing --help lists them)\n", argv[2]);
			return 2;
		}
		if (c)
			return command_help(c);
		usage(stdout);
		return 0;
	}
	const struct command *c = find(argv[1]);
	if (!c) {
		fprintf(stderr, "sing: unknown command '%s' (sing --help lists them)\n", argv[1]);
		return 2;
	}
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")))
		return command_help(c);
	if (argc > 2 && !strcmp(argv[2], "--version"))
		return version();
	return c->fn(argc - 1, argv + 1);
}
