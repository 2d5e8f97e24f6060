/*
 * kernel.h - the kernel as the `sing` command uses it: boot a kernel, load
 * compiled program images, start SIPs (with endpoints for main), run the
 * scheduler until a SIP ends, shut down.
 *
 * Invariant: an image is loaded only from an object the backend produced
 * from a package the verifier passed (the trusted road, src/system/
 * pipeline.h, is the only caller of sk_load_mem).  A SIP's failure never stops the kernel: it
 * is reported, everything the SIP owned is freed, its endpoints close, and
 * the other SIPs carry on.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#define SK_EXIT_FAILED 70      /* a SIP's status when it failed */
#define SK_EXIT_INTERRUPTED 130 /* stopped by Ctrl-C (proc_interrupt), as a shell says */

/* Debug flags (SING_DEBUG words in the CLI). */
#define SK_DEBUG_EXHEAP   1u   /* print live exchange-heap bytes at shutdown */
#define SK_DEBUG_GCSTRESS 2u   /* collect at every allocation */
#define SK_DEBUG_STATS    4u   /* per-SIP statistics after each SIP ends */
#define SK_DEBUG_SCHED    8u   /* scheduler figures at shutdown */
#define SK_DEBUG_DMA     16u   /* one line per device access the DMA check allows */
#define SK_DEBUG_APART   32u   /* no wake affinity (sk_no_follow): a pair on two CPUs stays apart */
#define SK_DEBUG_TICKS   64u   /* each thread's CPU ticks as it ends (tests/kernel balance.sg) */

/* The one default budget: the compiler writes it into a manifest without
 * a `budget` line, the store's policy falls back to it (docs/kernel.md). */
#define SK_DEFAULT_BUDGET (16ull << 20)

/* The kernel service a `main` endpoint bound to this path talks to. */
#define SK_LAUNCH_PATH "/kernel/launch"

struct sk_kernel;
struct sk_image;
struct sip;

/* ---- the booted system (docs/system.md): launch by manifest ---- */
#define SK_MAXEPS 16
#define SK_MAXUSAGE 1024                 /* a manifest's usage text, with its NUL */
#define SK_MAXCAPS 16

#define SK_MAXHW 8

/* A hardware claim: kind 0 ioport (base, len ports), 1 irq (lines base ..
 * base + len - 1), 2 memory; shared: others may claim it too. */
struct sk_hw {
	uint8_t kind, shared;
	uint64_t base, len;
};

/* What the kernel needs of an installed program's manifest: the path of
 * each of main's endpoint parameters, in order, its capabilities and its
 * hardware claims (main takes one ioport per ioport claim, in order). */
struct sk_manifest {
	uint32_t neps, ncaps, nhw;
	const char *eps[SK_MAXEPS];
	const char *caps[SK_MAXCAPS];
	struct sk_hw hw[SK_MAXHW];
	const char *version, *kind;      /* shown by the shell's `programs` (NULL: "-") */
	const char *usage;               /* what NAME --help prints (NULL: none) */
};

/* Make an installed program launchable by name (sk_launch, the shell):
 * its endpoints are bound through the name service and it holds exactly
 * the capabilities listed.  -1 if the table is full or m is too big. */
int sk_install(struct sk_kernel *k, const struct sk_image *im, const char *name,
               uint64_t budget, const struct sk_manifest *m);
/* Start program name: bind each manifest endpoint (an importing one to
 * the name's server, an exporting one registered as its provider), check
 * capabilities, start.  The pid, or 0 with a reason in err. */
uint32_t sk_launch(struct sk_kernel *k, const char *name, int argc, char *const argv[],
                   char *err, unsigned errlen);
int sk_alive(struct sk_kernel *k, uint32_t pid);
/* Init gave the installed program name up (why, e.g. a crash loop): `ps`
 * lists it as down with why until it is launched again. */
void sk_service_down(struct sk_kernel *k, const char *name, const char *why);
/* Ctrl-C: stop the foreground programs (what the shell waits for) with
 * status SK_EXIT_INTERRUPTED.  How many were stopped. */
int sk_interrupt(struct sk_kernel *k);
/* Stop a SIP as if it failed ("killed").  0, or -1 if there is none. */
int sk_kill(struct sk_kernel *k, uint32_t pid);
/* Stop a SIP quietly, as if main returned 0 (shutdown).  0, or -1. */
int sk_stop(struct sk_kernel *k, uint32_t pid);
/* Run threads until control comes back to the kernel; 0 if none could run. */
int sk_step(struct sk_kernel *k);
/* Booted: `print` goes to the console, and a running SIP gives the kernel
 * the CPU at its next preemption (so console input is read). */
void sk_set_booted(struct sk_kernel *k);
/* Attach the machine's devices (hal_dev_open, with the NIC's wire spec,
 * which may be NULL) for drivers: their ioport claims and IRQ endpoints
 * (/kernel/irq/N) work only after this. */
void sk_devices(struct sk_kernel *k, const char *wire);
/* Idle up to timeout_ns waiting for device input, then deliver the
 * interrupts raised (to the drivers waiting on their IRQ endpoints).
 * -1 once the console device's input has ended (hal_dev_idle), else 0. */
int sk_idle(struct sk_kernel *k, int64_t timeout_ns);
/* Has the console multiplexer taken all the kernel's output and handed
 * it to a driver (or is there no multiplexer)? */
int sk_console_drained(struct sk_kernel *k);
/* Init's own lines: in order with the SIPs' output, so through the
 * console multiplexer once it runs (the driver redraws the line being
 * typed after them). */
void sk_console_write(struct sk_kernel *k, const char *s, unsigned long n);
/* From now on the kernel's output goes straight to the HAL's console
 * (shutdown: the console driver is about to stop). */
void sk_console_direct(struct sk_kernel *k);
/* No console driver: the host terminal is the console's device; the
 * kernel binds the multiplexer's /dev/console/out and /in itself. */
void sk_console_host(struct sk_kernel *k);
/* Does the installed program name hold capability cap? */
int sk_prog_has_cap(struct sk_kernel *k, const char *name, const char *cap);
/* Host console input bytes (lines end with '\n'), for the multiplexer:
 * at most sk_console_room bytes (more are dropped, counted); the room
 * comes back as it takes lines, so a host-fed caller stops reading its
 * input while there is none (flow control). */
void sk_console_input(struct sk_kernel *k, const char *buf, unsigned long n);
unsigned long sk_console_room(const struct sk_kernel *k);
uint32_t sk_count_sips(const struct sk_kernel *k);

struct sk_kernel *sk_boot(unsigned debug);
/* Run n CPUs (at most the HAL's count, so SK_CPUS_ALL is every CPU the
 * HAL has: the default of `sing run` and `sing boot`; docs/kernel.md
 * "Every CPU"): CPU 0
 * is the caller, which from now on holds the kernel lock whenever it is
 * in the kernel's API; the others start their loops.  Call once, before
 * any SIP starts.  Returns the CPUs running. */
#define SK_CPUS_ALL 0xffffu
unsigned sk_cpus(struct sk_kernel *k, unsigned n);
/* Keep every SIP on the CPU it was placed on when a message from another
 * CPU wakes it (no wake affinity; stealing still moves SIPs): what a
 * benchmark of cross-CPU round trips needs.  Call before SIPs start. */
void sk_no_follow(struct sk_kernel *k);
/* For `sing bench` only (thread_pingpong_xcpu): from now on every thread
 * is pinned, a SIP's main to the CPU it is placed on, a spawned thread to
 * the CPU after its spawner's (mod the CPUs running): it starts there and
 * never moves (no steal, no wake affinity), so a SIP's main on CPU 0 and
 * the thread it spawns talk across two CPUs.  Call after sk_cpus, before
 * SIPs start. */
void sk_pin_threads(struct sk_kernel *k);
/* Context switches CPU cpu has made so far (0 past the CPUs). */
uint64_t sk_cpu_switches(const struct sk_kernel *k, unsigned cpu);
/* The host side (CPU 0) is about to wait on the host (console, devices)
 * outside the kernel: let the other CPUs in; sk_host_back after. */
uint32_t sk_host_leave(struct sk_kernel *k);
void sk_host_back(struct sk_kernel *k, uint32_t d);
/* Stop every SIP still running, print the exchange heap's live bytes if
 * asked, and free the kernel.  Returns the live exchange-heap bytes. */
uint64_t sk_shutdown(struct sk_kernel *k);

/* Load a compiled program object from memory (obj, len bytes: the ELF
 * shared object the backend produced) with the kernel's own loader
 * (elf.h); hash is the package hash the object must carry (64 hex
 * digits).  The object's bytes are copied: the caller may free them.
 * NULL with a named reason in err ("elf: ...") on failure. */
struct sk_image *sk_load_mem(struct sk_kernel *k, const void *obj, size_t len, const char *hash,
                             char *err, unsigned errlen);
void sk_unload(struct sk_image *img);

/* Make an image startable by the launcher service as program number
 * (the result), named name, with a memory budget (0: default); -1 if full. */
int sk_register(struct sk_kernel *k, const struct sk_image *im, const char *name,
                uint64_t budget);

/* An endpoint for main's endpoint parameter number param (0 = the first
 * after string[]), from the kernel service at path.  NULL with a reason. */
void *sk_bind(struct sk_kernel *k, const struct sk_image *im, uint32_t param,
              const char *path, char *err, unsigned errlen);

/* Start the image's main as a new SIP with the given arguments (which
 * must outlive it), budget (0: default) and endpoints for main's endpoint
 * parameters, each in the declared state states[i] (NULL: start states).
 * The endpoints must speak contracts of the same shape as main's
 * parameters: else NULL with a reason, and the endpoints stay the caller's.
 * On success the SIP owns them. */
struct sip *sk_start(struct sk_kernel *k, const struct sk_image *im, const char *name,
                     uint64_t budget, int argc, char *const argv[], void *const *eps,
                     const uint32_t *states, uint32_t neps, char *err, unsigned errlen);
/* Run the scheduler until s ends; free it.  Returns main's status (0-255)
 * or SK_EXIT_FAILED after reporting the failure on the diagnostics
 * console.  *run_ns gets the SIP's run time if not NULL. */
int sk_wait(struct sk_kernel *k, struct sip *s, int64_t *run_ns);
/* sk_start without endpoints, then sk_wait. */
int sk_run(struct sk_kernel *k, const struct sk_image *img, const char *name,
           uint64_t budget, int argc, char *const argv[], int64_t *run_ns);

#endif
