/* io.c - ioport handles and io.in / io.out (see io.h). */
#include "io.h"

#include "../hal/hal.h"
#include "irq.h"
#include "sched.h"

uint32_t io_nports(const struct sk_prog *p)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->nhw; i++)
		n += p->hw[i].kind == 0;
	return n;
}

/* The present device whose ports hold [base, base + len), or -1. */
static int device_of(uint64_t base, uint64_t len)
{
	for (uint32_t i = 0; i < hal_dev_count(); i++) {
		const struct hal_dev *d = hal_dev(i);
		if (hal_dev_present(i) && base >= d->base && base + len <= (uint64_t)d->base + d->len)
			return (int)i;
	}
	return -1;
}

static int line_present(uint64_t line)
{
	for (uint32_t i = 0; i < hal_dev_count(); i++)
		if (hal_dev_present(i) && hal_dev(i)->irq == line)
			return 1;
	return 0;
}

/* The running SIP holding ports overlapping the claim h, or NULL. */
static const struct sip *holder(struct sk_kernel *k, const struct sk_hw *h)
{
	for (const struct sip *s = k->sips; s; s = s->next)
		for (uint32_t i = 0; s->state == SIP_RUNNING && i < s->nports; i++) {
			const struct io_port *o = &s->ports[i];
			if (h->base < (uint64_t)o->base + o->len && o->base < h->base + h->len &&
			    !(h->shared && o->shared))
				return s;
		}
	return NULL;
}

/* "WHAT 0xBASE: WHY" into buf. */
static const char *say(char *buf, unsigned n, const char *what, uint64_t v, const char *why)
{
	static const char hex[] = "0123456789abcdef";
	char num[20];
	int i = sizeof num;
	num[--i] = 0;
	do
		num[--i] = hex[v & 15];
	while ((v >>= 4) && i > 2);
	num[--i] = 'x';
	num[--i] = '0';
	const char *parts[] = {what, " ", num + i, ": ", why};
	unsigned m = 0;
	for (unsigned p = 0; p < 5; p++)
		for (const char *c = parts[p]; *c && m + 1 < n; c++)
			buf[m++] = *c;
	buf[m] = 0;
	return buf;
}

const char *io_check(struct sk_kernel *k, const struct sk_prog *p, char *buf, unsigned n)
{
	for (uint32_t i = 0; i < p->nhw; i++) {
		const struct sk_hw *h = &p->hw[i];
		if (h->kind == 0 && device_of(h->base, h->len) < 0)
			return say(buf, n, "ioport", h->base, "no such device on this machine");
		if (h->kind == 0 && holder(k, h))
			return say(buf, n, "ioport", h->base, "held by another running driver");
		for (uint64_t l = h->base; h->kind == 1 && l < h->base + h->len; l++)
			if (!line_present(l))
				return say(buf, n, "irq", l, "no device raises this line");
		if (h->kind == 2)
			return say(buf, n, "memory", h->base, "memory claims are not supported yet");
	}
	return NULL;
}

struct io_port *io_grant(const struct sk_prog *p)
{
	uint32_t n = io_nports(p), j = 0;
	struct io_port *v = n ? hal_alloc(n * sizeof *v) : NULL;
	for (uint32_t i = 0; v && i < p->nhw; i++)
		if (p->hw[i].kind == 0)
			v[j++] = (struct io_port){(uint32_t)device_of(p->hw[i].base, p->hw[i].len),
			                          (uint32_t)p->hw[i].base, (uint32_t)p->hw[i].len,
			                          p->hw[i].shared};
	return v;
}

void io_release(struct sip *s)
{
	for (uint32_t i = 0; s->k->devices && i < s->nports; i++)
		hal_dev_reset(s->ports[i].dev);
}

/* ---- the ABI ---- */

/* The device offset of an access, after checking it lies in the claim. */
static uint32_t offset(struct sing_thread *t, const struct io_port *io, int64_t off,
                       uint32_t width, const char *fn)
{
	if (!io || off < 0 || (uint64_t)off + width > io->len)
		sip_fail(sk_self(t), SING_F_IOPORT, fn);
	return io->base - hal_dev(io->dev)->base + (uint32_t)off;
}

static uint32_t sing_io_in_in(struct sing_thread *t, void *port, int64_t off, uint32_t width, const char *fn)
{
	const struct io_port *io = port;
	uint32_t o = offset(t, io, off, width, fn);
	return hal_dev_in(io->dev, o, width);
}

uint32_t sing_io_in(struct sing_thread *t, void *port, int64_t off, uint32_t width, const char *fn)
{
	sk_enter(t);
	uint32_t r = sing_io_in_in(t, port, off, width, fn);
	sk_leave();
	return r;
}

static void sing_io_out_in(struct sing_thread *t, void *port, int64_t off, uint32_t width, uint32_t v,
                 const char *fn)
{
	const struct io_port *io = port;
	uint32_t o = offset(t, io, off, width, fn);
	/* A full barrier: ring writes before a notify reach memory first (the
	 * compiler may not sink them past the call, nor the CPU). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	hal_dev_out(io->dev, o, width, v);
}

void sing_io_out(struct sing_thread *t, void *port, int64_t off, uint32_t width, uint32_t v,
                 const char *fn)
{
	sk_enter(t);
	sing_io_out_in(t, port, off, width, v, fn);
	sk_leave();
}

/* ---- the devices, attached ---- */

void sk_devices(struct sk_kernel *k, const char *wire)
{
	if (k->devices)
		return;
	k->devices = 1;
	hal_dev_open(irq_record, dma_translate, k, wire);
}

/* Let the devices take their input in (waiting up to timeout_ns for
 * some), counted on c, and deliver the interrupts raised. */
static int poll_devices(struct sk_kernel *k, struct sk_cpu *c, int64_t timeout_ns)
{
	int r = k->devices ? hal_dev_idle(timeout_ns) : 0;
	c->dev_input += r > 0;
	irq_deliver(k);
	return r;
}

int io_idle(struct sk_kernel *k, struct sk_cpu *c, int64_t timeout_ns)
{
	if (!k->devices) {
		sched_idle(c, timeout_ns);
		return 0;
	}
	/* The devices' emulation and callbacks need the kernel lock, which
	 * the other CPUs must get meanwhile: sleep (at most IO_POLL_NS, a
	 * poke or, on a PC, an interrupt ends it), then let the devices take
	 * their input in. */
	sched_idle(c, timeout_ns >= 0 && timeout_ns < IO_POLL_NS ? timeout_ns : IO_POLL_NS);
	return poll_devices(k, c, 0);
}

int sk_idle(struct sk_kernel *k, int64_t timeout_ns)
{
	int r;
	if (klock_smp && k->devices && timeout_ns)
		r = io_idle(k, sched_cpu(k), timeout_ns);
	else
		r = poll_devices(k, sched_cpu(k), timeout_ns);
	return r < 0 ? -1 : 0;
}
