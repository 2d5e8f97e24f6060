/* kpool.c - per-CPU caches of free kernel blocks (see kpool.h). */
#include "kpool.h"

#include "sip.h"

_Static_assert(KP_NCPU == SK_NCPU, "a cache per CPU the kernel can run");

/* The running CPU's index: 0 while one CPU runs, as sched_cpu does. */
static unsigned this_cpu(void)
{
	unsigned id = klock_smp ? hal_cpu_id() : 0;
	return id < KP_NCPU ? id : 0;
}

void *kp_take(struct kpool *p)
{
	unsigned me = this_cpu();
	for (unsigned i = 0; i < KP_NCPU; i++) {
		unsigned c = (me + i) % KP_NCPU;   /* this CPU first, then the next ones */
		if (p->n[c] > 0)
			return p->item[c][--p->n[c]];
	}
	return NULL;
}

int kp_give(struct kpool *p, void *b)
{
	unsigned me = this_cpu();
	if (p->n[me] >= p->cap || p->n[me] >= KP_MAX)
		return 0;
	p->item[me][p->n[me]++] = b;
	return 1;
}

uint32_t kp_count(const struct kpool *p)
{
	uint32_t n = 0;
	for (unsigned i = 0; i < KP_NCPU; i++)
		n += p->n[i];
	return n;
}
