/* hal.c - the PC HAL's console, code loading and sanitizer hooks (no
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

void *hal_code_load(const char *path, char *err, size_t errlen)
{
	static const char why[] = "no file loader on the machine";
	(void)path;
	size_t i = 0;
	for (; errlen && i + 1 < errlen && why[i]; i++)
		err[i] = why[i];
	if (errlen)
		err[i] = 0;
	return NULL;
}

void *hal_code_sym(void *code, const char *name)
{
	(void)code, (void)name;
	return NULL;
}

void hal_code_unload(void *code)
{
	(void)code;
}

void hal_fiber_start(void **fake, const void *bottom, size_t size)
{
	(void)fake, (void)bottom, (void)size;
}

void hal_fiber_finish(void *fake, const void **bottom, size_t *size)
{
	(void)fake;
	if (bottom)
		*bottom = NULL;
	if (size)
		*size = 0;
}

void hal_stack_forget(void *lo, size_t n)
{
	(void)lo, (void)n;
}
