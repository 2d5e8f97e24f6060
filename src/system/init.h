/*
 * init.h - init: boot a system from a boot image, on any HAL.
 *
 * init_boot_image installs every program of the image into a fresh kernel
 * (image.h: sk_load_mem and sk_install, all or nothing), then runs init:
 * the drivers and services the image's configuration names, then the
 * shell on the console; restarts a driver or service that ends, with a
 * back-off (restart.h: it resets after a healthy run, and a crash loop
 * is given up); when the shell exits, stops the
 * services, then the drivers, and reports the shutdown (docs/system.md).
 *
 * Configuration (the image's config text): one entry a line, `#` comments:
 *   driver NAME     started first, restarted when it ends
 *   service NAME    started at boot, restarted when it ends
 *   shell NAME      the program given the console; exactly one
 * With a driver line the machine's devices are attached (sk_devices): the
 * console driver then owns the console through the UART, and the idle
 * loop waits on the devices.  Without one the kernel reads the console
 * itself (cooked), as `sing run` does.
 *
 * Callers: the hosted front end (boot.c: `sing boot`, from a store or an
 * image file) and the bare-metal kernel's main (src/hal/pc), with the
 * multiboot module it was given.
 *
 * Invariant: freestanding (no stdio, stdlib, getenv, files): output goes
 * through hal_write, time comes from hal_clock_ns, and init acts on the
 * system only through the kernel's API (sk_launch, sk_alive, sk_step,
 * sk_idle).  Devices and the console are polled only between scheduler
 * steps, on the kernel's context.
 */
#ifndef SYSTEM_INIT_H
#define SYSTEM_INIT_H

#include <stddef.h>
#include <stdint.h>

/* A debug bit beside the kernel's SK_DEBUG_*: print "sing: rss N KiB" (the
 * host's resident memory, hal_rss_bytes) on the diagnostics console when
 * the shell has ended, before anything stops (SING_DEBUG=rss). */
#define INIT_DEBUG_RSS 0x400u

struct init_opts {
	unsigned debug;       /* SK_DEBUG_* for sk_boot */
	const char *wire;     /* the NIC's wire for hal_dev_open (NULL: none, or the HAL's own) */
	const char *label;    /* named in "Sing booted: LABEL, N programs installed" */
	unsigned cpus;        /* CPUs to run (sk_cpus; 0: every CPU) */
};

/* Boot img[0..len) and run until the shell exits.  Returns 0 if the shell
 * ran and the system shut down with no exchange-heap bytes live, else 1
 * (a bad image, a refused program, no shell, or a leak), after reporting
 * on the diagnostics console. */
int init_boot_image(const void *img, size_t len, const struct init_opts *o);

#endif
