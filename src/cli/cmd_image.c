/*
 * cmd_image.c - `sing boot` and `sing image`: arguments only; the work is
 * src/system's (boot.h: the road to a boot image, then init).
 *
 *   sing boot [--store DIR | --image FILE] [--nic pcap:FILE|tap:NAME]
 *        boot the store (every installed program, through the trusted
 *        road), or a boot image `sing image` wrote, and run init.  The NIC's
 *        wire: --nic, else $SING_NET, else pcap:nic0.pcap beside the store
 *        or image.  SING_DEBUG words as for `sing run` (dma, exheap, ...).
 *   sing image [--store DIR] -o FILE
 *        the store's boot image: what a machine without a C compiler boots
 *        (docs/baremetal.md "The boot image").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "../hal/hosted/vnet.h"
#include "../store/store.h"
#include "../system/boot.h"
#include "../system/init.h"
#include "../util/util.h"

/* sys/config, the configuration of a store that has none. */
static const char *sys_config(char *buf, size_t n)
{
	char sys[4000];
	if (!cli_sys_dir(sys, sizeof sys))
		return NULL;
	snprintf(buf, n, "%s/config", sys);
	return buf;
}

/* argv[1..] as OPTION VALUE pairs, each option in names; 0 or -1. */
/* OPTION VALUE pairs of argv[1..] into vals (by names); -1 after saying
 * on stderr which argument is wrong (cmd: the command's name). */
static int pairs(int argc, char **argv, const char *const *names, const char **vals, int n,
                 const char *cmd)
{
	for (int i = 1; i < argc; i += 2) {
		int k = 0;
		while (k < n && strcmp(argv[i], names[k]))
			k++;
		if (k == n || i + 1 >= argc) {
			fprintf(stderr, "sing: %s: %s '%s'", cmd, k == n ? "unknown argument" :
			        "no value after", argv[i]);
			return -1;
		}
		vals[k] = argv[i + 1];
	}
	return 0;
}

#define BOOT_USAGE "boot [--store DIR | --image FILE] [--nic pcap:FILE[,max=SIZE]|tap:NAME] " \
                   "[--trace FILE.json] [--trace-filter LIST] [--cpus N]"

int cmd_boot(int argc, char **argv)
{
	static const char *const names[] = {"--store", "--image", "--nic", "--trace",
	                                    "--trace-dump", "--trace-filter", "--trace-ring", "--cpus"};
	const char *v[8] = {0};
	char store[4096], cfg[4100], err[256];
	if (pairs(argc, argv, names, v, 8, "boot") ||
	    (v[0] && v[1] && fprintf(stderr, "sing: boot: --store and --image exclude each other"))) {
		fprintf(stderr, " (usage: sing " BOOT_USAGE ")\n");
		return 2;
	}
	if (v[2] && vnet_wire_check(v[2], err, sizeof err) < 0) {   /* before booting */
		fprintf(stderr, "sing: boot: --nic %s\n", err);
		return 2;
	}
	const char *env = getenv("SING_NET");
	struct boot_opts o = {
		.store = v[0] ? v[0] : st_default_dir(store, sizeof store),
		.image = v[1],
		.sys_config = sys_config(cfg, sizeof cfg),
		.wire = v[2] ? v[2] : env && *env ? env : NULL,
		.debug = cli_debug_flags() & (0xffu | INIT_DEBUG_RSS),
	};
	long cpus = v[7] ? cli_cpus_arg("boot", v[7]) : cli_cpus_default("boot");
	if (cpus < 0)
		return 2;
	o.cpus = (unsigned)cpus;
	if (!o.image && cli_store_exists(o.store) < 0)
		return 1;
	struct trace_opts topt = {v[3], v[4], v[5], v[6]};
	int rc = trace_begin(&topt);
	if (!rc)
		rc = boot_run(&o);
	return trace_end(&topt) ? 1 : rc;
}

int cmd_image(int argc, char **argv)
{
	static const char *const names[] = {"--store", "-o"};
	const char *v[2] = {0};
	char store[4096], cfg[4100];
	if (pairs(argc, argv, names, v, 2, "image") ||
	    (!v[1] && fprintf(stderr, "sing: image: no output file (-o FILE)"))) {
		fprintf(stderr, " (usage: sing image [--store DIR] -o FILE)\n");
		return 2;
	}
	struct sbuf img = {0};
	const char *dir = v[0] ? v[0] : st_default_dir(store, sizeof store);
	if (cli_store_exists(dir) < 0)
		return 1;
	int rc = boot_store_image(dir, sys_config(cfg, sizeof cfg), &img, stderr);
	if (!rc && write_file(v[1], img.data, img.len)) {
		fprintf(stderr, "sing image: cannot write %s: %s\n", v[1], strerror(errno));
		rc = 1;
	}
	if (!rc)
		printf("sing image: %s: %zu bytes\n", v[1], img.len);
	sb_free(&img);
	return rc;
}
