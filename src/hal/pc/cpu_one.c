/* cpu_one.c - one-CPU defaults of the HAL's CPU interface (../hal.h
 * "CPUs"), weak: the bare-metal SMP code's strong definitions replace
 * them.  With these the kernel runs on the boot CPU alone.  Also the
 * (absent) ThreadSanitizer fiber hooks. */
#include "../hal.h"

__attribute__((weak)) unsigned hal_cpu_count(void)
{
	return 1;
}

__attribute__((weak)) unsigned hal_cpu_id(void)
{
	return 0;
}

__attribute__((weak)) int hal_cpu_start(unsigned i, void (*fn)(void *), void *arg)
{
	(void)i, (void)fn, (void)arg;
	return -1;
}

/* Nothing else runs to change the word: just return (callers loop). */
__attribute__((weak)) void hal_cpu_sleep(const uint32_t *word, uint32_t seen, int64_t timeout_ns)
{
	(void)word, (void)seen, (void)timeout_ns;
}

__attribute__((weak)) void hal_cpu_wake(unsigned i)
{
	(void)i;
}

/* Every CPU here is a real one: the holder runs, so just spin politely. */
void hal_cpu_relax(void)
{
	__builtin_ia32_pause();
}

/* No ThreadSanitizer on bare metal. */
__attribute__((weak)) void *hal_tsan_fiber_new(void)
{
	return 0;
}

__attribute__((weak)) void *hal_tsan_fiber_self(void)
{
	return 0;
}

__attribute__((weak)) void hal_tsan_fiber_free(void *f)
{
	(void)f;
}

__attribute__((weak)) void hal_tsan_switch(void *f)
{
	(void)f;
}
