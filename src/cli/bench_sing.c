/* bench_sing.c - the Sing side of the cost table: one slot per kernel
 * operation (enum bench_sing_op in bench.h), NULL until the kernel lands.
 *
 * How to fill a slot (the kernel engineer's part):
 *   1. Write the operation here as a struct bench_impl, calling the
 *      kernel's public API (the CLI may call any room; no room calls it):
 *
 *        static int abi_run(struct bench_ctx *c, uint64_t n)
 *        {
 *            for (uint64_t i = 0; i < n; i++)
 *                if (<one ABI call> fails)
 *                    return bench_fail(c, "why");
 *            return 0;
 *        }
 *        static const struct bench_impl sing_abi_call = {
 *            "what exactly is timed", NULL, abi_run, NULL};
 *
 *   2. Point the slot at it below:  [BENCH_SING_ABI_CALL] = &sing_abi_call.
 *
 * Rules the harness relies on: run(c, n) performs n operations back to
 * back (a ping-pong counts one round trip as one operation; SIP_CREATE
 * counts create+start+run+join of a SIP that exits at once as one);
 * setup/teardown hold everything else (booting the kernel, installing the
 * program, starting the peer SIP).  A peer must run on c->cpu_peer.  If the
 * timed region cannot be separated from per-batch work (a loop that runs
 * inside a SIP), time just the n operations with bench_ticks() and store
 * the difference in c->ticks.  Never print a number that was not measured:
 * an operation the kernel cannot do yet stays NULL, or setup returns
 * bench_fail(c, "reason") and the table says "could not run: reason".
 */
#include "bench.h"

const char bench_sing_missing[] = "n/a (kernel not built)";

const char *const bench_sing_labels[BENCH_SING_N] = {
#define BENCH_X(id, label) [BENCH_SING_##id] = label,
	BENCH_SING_OPS(BENCH_X)
#undef BENCH_X
};

const struct bench_impl *const bench_sing_impls[BENCH_SING_N] = {
	[BENCH_SING_ABI_CALL] = NULL,
	[BENCH_SING_YIELD] = NULL,
	[BENCH_SING_THREAD_PINGPONG] = NULL,
	[BENCH_SING_SIP_PINGPONG] = NULL,
	[BENCH_SING_SIP_CREATE] = NULL,
	[BENCH_SING_SEND_8] = NULL,
	[BENCH_SING_SEND_64K] = NULL,
	[BENCH_SING_EXHEAP_64] = NULL,
	[BENCH_SING_EXHEAP_64K] = NULL,
	[BENCH_SING_CHAN_CREATE] = NULL,
	[BENCH_SING_NS_BIND] = NULL,
};
