/* ctx_init.c - the x86-64 half of context switching shared by every HAL:
 * the first frame of a new context, which hal_ctx_switch (ctx.S) pops.
 * See ../hal.h.  Nothing here may depend on the host (Linux or PC). */
#include "../hal.h"

void hal_ctx_entry(void);

void hal_ctx_init(struct hal_ctx *ctx, void *top, void (*fn)(void *), void *arg)
{
	uintptr_t *sp = (uintptr_t *)((uintptr_t)top & ~(uintptr_t)15);
	*--sp = 0;                          /* no return from the entry */
	*--sp = (uintptr_t)hal_ctx_entry;   /* hal_ctx_switch returns here */
	*--sp = 0;                          /* rbp */
	*--sp = 0;                          /* rbx */
	*--sp = (uintptr_t)fn;              /* r12 */
	*--sp = (uintptr_t)arg;             /* r13 */
	*--sp = 0;                          /* r14 */
	*--sp = 0;                          /* r15 */
	ctx->sp = sp;
}
