/* irq.c - interrupt endpoints (see irq.h). */
#include "irq.h"

#include "../hal/hal.h"
#include "ns.h"
#include "sched.h"
#include "trace.h"

#define IRQ_PREFIX "/kernel/irq/"

int irq_path(const char *path)
{
	const char *p = IRQ_PREFIX;
	while (*p && *path == *p)
		p++, path++;
	if (*p || !*path)
		return -1;
	int n = 0;
	for (; *path >= '0' && *path <= '9' && n < IRQ_LINES; path++)
		n = n * 10 + (*path - '0');
	return *path || n >= IRQ_LINES ? -1 : n;
}

static int claims(const struct sk_prog *p, int line)
{
	for (uint32_t i = 0; p && p->managed && i < p->nhw; i++)
		if (p->hw[i].kind == 1 && (uint64_t)line >= p->hw[i].base &&
		    (uint64_t)line < p->hw[i].base + p->hw[i].len)
			return 1;
	return 0;
}

const char *irq_check(struct sk_kernel *k, const struct sk_prog *prog, int line,
                      const struct ly_contract *con)
{
	if (!claims(prog, line))
		return "the program's manifest does not claim this IRQ";
	if (!k->devices)
		return "no devices are attached (not booted)";
	if (k->irq[line].end)
		return "another driver is bound to this IRQ";
	int w = ly_find_msg(con, "Wait", 0), f = ly_find_msg(con, "Fired", 1);
	if (w < 0 || f < 0 || con->msgs[w].nargs || con->msgs[f].nargs)
		return "an interrupt contract needs in Wait() and out Fired()";
	return NULL;
}

static void line_gone(struct ch_end *e)
{
	struct irq_line *l = e->ctx;
	l->end = NULL;
	l->waiting = 0;
	e->ctx = NULL;
}

/* Answer a waiting driver if its line was raised. */
static void fire(struct irq_line *l)
{
	if (!l->end || !l->waiting || !l->pending)
		return;
	l->waiting = l->pending = 0;
	ns_reply(l->end, "Fired", (union sing_slot){.u64 = 0});
}

/* The driver waits (its Wait not answered at once): the line's
 * interrupts go to its CPU, the one that sent the Wait (served inside its
 * send).  There an interrupt ends that CPU's idle sleep and its Fired
 * wakes the driver with no cross-CPU wake; elsewhere it would interrupt a
 * CPU running other work.  The HAL may also let a level line fire again
 * now: the driver has handled what its last Fired announced. */
static void waits(struct sk_kernel *k, struct irq_line *l)
{
	l->cpu = (int)sched_cpu(k)->id;
	hal_dev_wait((uint32_t)(l - k->irq), (unsigned)l->cpu);
}

static void serve(struct ch_end *e)
{
	union sing_slot args[1];
	struct irq_line *l = e->ctx;
	while (ch_pop(e, args, &e->k->kown) >= 0)
		l->waiting = 1;   /* only Wait: the contract check said so */
	fire(l);
	if (l->waiting)
		waits(e->k, l);
}

void irq_connect(struct sk_kernel *k, int line, struct ch_end *exp)
{
	struct irq_line *l = &k->irq[line];
	l->end = exp;
	l->waiting = 0;
	l->pending = 0;   /* what a dead predecessor missed is not this driver's */
	l->cpu = -1;
	exp->ctx = l;
	exp->gone = line_gone;
	exp->serve = serve;
	if (exp->count)
		serve(exp);
}

void irq_record(void *kernel, uint32_t line)
{
	struct sk_kernel *k = kernel;
	if (line < IRQ_LINES)
		k->irq_raised |= 1u << line;
}

void irq_deliver(struct sk_kernel *k)
{
	uint32_t raised = k->irq_raised;
	k->irq_raised = 0;
	if (raised)
		TR_EVENT(TR_IRQ, 0, raised, 0, 0);
	for (int i = 0; i < IRQ_LINES; i++) {
		if (raised & (1u << i))
			k->irq[i].pending = 1;
		fire(&k->irq[i]);
	}
}
