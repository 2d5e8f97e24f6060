/* cycles.c - the x86-64 cycle counter, shared by every HAL (../hal.h:
 * hal_cycles).  The TSC: the clock the cost table and the trace read. */
#include "../hal.h"

uint64_t hal_cycles(void)
{
	uint32_t lo, hi;
	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}
