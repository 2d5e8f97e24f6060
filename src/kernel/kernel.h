/*
 * kernel.h - the kernel as the `sing` command uses it: boot a kernel, load
 * compiled program images, run SIPs, shut down.
 *
 * Invariant: an image is loaded only from an object the backend produced
 * from a package the verifier passed (the caller's duty: cmd_run.c calls
 * vfy_package first, always).  A SIP's failure never stops the kernel: it
 * is reported, everything the SIP owned is freed, and sk_run returns.
 */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdint.h>

#define SK_EXIT_FAILED 70      /* sk_run's result for a SIP that failed */

/* Debug flags (SING_DEBUG words in the CLI). */
#define SK_DEBUG_EXHEAP   1u   /* print live exchange-heap bytes at shutdown */
#define SK_DEBUG_GCSTRESS 2u   /* collect at every allocation */
#define SK_DEBUG_STATS    4u   /* per-SIP statistics after each run */

#define SK_DEFAULT_BUDGET (256ull << 20)

struct sk_kernel;
struct sk_image;

struct sk_kernel *sk_boot(unsigned debug);
/* Print the exchange heap's live bytes if asked, and free the kernel.
 * Returns the live exchange-heap bytes (0 unless something leaked). */
uint64_t sk_shutdown(struct sk_kernel *k);

/* Load the compiled image at path; hash is the package hash it must carry
 * (64 hex digits).  NULL with a reason in err on failure. */
struct sk_image *sk_load(struct sk_kernel *k, const char *path, const char *hash,
                         char *err, unsigned errlen);
void sk_unload(struct sk_image *img);

/* Run the image's main as a new SIP named name with the given arguments
 * and memory budget (0: SK_DEFAULT_BUDGET).  Returns main's status (0-255
 * as an exit status) or SK_EXIT_FAILED after reporting the failure on the
 * diagnostics console.  *run_ns gets the SIP's run time if not NULL. */
int sk_run(struct sk_kernel *k, const struct sk_image *img, const char *name,
           uint64_t budget, int argc, char *const argv[], int64_t *run_ns);

#endif
