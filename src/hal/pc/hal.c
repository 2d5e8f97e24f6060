/* hal.c - the PC HAL's console, code memory and sanitizer hooks (no
 * sanitizer runs on the machine: the hooks do nothing).  See ../hal.h. */
#include "../hal.h"
#include "pc.h"

void hal_write(int fd, const void *buf, size_t n)
{
	(void)fd;   /* console and diagnostics share the serial line */
	ser_write(buf, n);
}

long hal_console_read(void *buf, size_t n, int64_t timeout_ns)
{
	char *b = buf;
	int64_t end = hal_clock_ns() + timeout_ns;
	size_t got = 0;
	do {
		int c;
		while (got < n && (c = ser_getc()) >= 0)
			b[got++] = (char)c;
		if (got)
			break;
		__asm__ volatile("pause");
	} while (hal_clock_ns() < end);
	return (long)got;
}

/* Identity-mapped memory is readable, writable and executable already:
 * code is ordinary pages (no W^X on the machine: docs/baremetal.md). */
void *hal_code_map(size_t n)
{
	return hal_map(n);
}

int hal_code_exec(void *p, size_t n)
{
	(void)p, (void)n;
	return 0;
}

void hal_code_unmap(void *p, size_t n)
{
	hal_unmap(p, n);
}

/* The interrupt key: the machine has no host signal; Ctrl-C arrives as a
 * byte on the serial line, which the console driver turns into Intr. */
void hal_intr_catch(void)
{
}

int hal_intr_pending(void)
{
	return 0;
}

int hal_intr_take(void)
{
	return 0;
}

/* hal_fiber_start, hal_fiber_finish: inline no-ops (hal.h; no sanitizer here). */

void hal_stack_forget(void *lo, size_t n)
{
	(void)lo, (void)n;
}
