/* panic.c - stop the whole kernel on a broken invariant (see panic.h). */
#include "panic.h"

#include "../hal/hal.h"

void kpanic(const char *msg)
{
	static const char pre[] = "sing: kernel panic: ";
	hal_write(2, pre, sizeof pre - 1);
	hal_write(2, msg, __builtin_strlen(msg));
	hal_write(2, "\n", 1);
	hal_abort();
}
