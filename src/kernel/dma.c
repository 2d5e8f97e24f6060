/*
 * dma.c - device memory for drivers: the kernel side of dma.new and
 * dma.addr (docs/sil.md, docs/network.md "The NIC driver").
 *
 * Only verified code calls these, and the verifier admits dma.new and
 * dma.addr only in a package whose manifest claims hardware (a driver), so
 * no application can learn an address.  An address is a number: holding
 * one gives no access to memory (there is no instruction that reads
 * through a u64).  What a device does with it is the kernel's to police in
 * the device's DMA callback (vnet_host.dma): every range the device
 * touches must lie inside an exchange-heap block the driver owns.
 *
 * Invariant: sing_dma_addr never changes the array's elements (it reads
 * like len); it marks them all written (exheap.h "Write marks"): once a
 * device knows the address it may write them at any time.
 */
#include "io.h"
#include "kernel.h"

/* dma.addr: the device address of element 0 of an exchange-heap array the
 * caller owns or borrows.  The hosted HAL's devices see host addresses
 * (vnet's dma callback is an identity map), so this is the host address;
 * a bare-metal HAL would translate it to a physical address here. */
static uint64_t sing_dma_addr_in(struct sing_thread *t, void *x, const char *fn)
{
	(void)t, (void)fn;
	return xh_dma_addr(x);
}

uint64_t sing_dma_addr(struct sing_thread *t, void *x, const char *fn)
{
	sk_enter(t);
	uint64_t r = sing_dma_addr_in(t, x, fn);
	sk_leave();
	return r;
}

/* dma.new: a new zeroed exheap u8[] of len bytes, page aligned, in memory
 * the device can reach (hal_dma_map), owned by the caller and freed like
 * any array (exheap.c releases its pages with hal_dma_unmap). */
static void *sing_dma_new_in(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	return sk_xnewarr(t, type, len, 1, fn);
}

void *sing_dma_new(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	sk_enter(t);
	void *r = sing_dma_new_in(t, type, len, fn);
	sk_leave();
	return r;
}

/* The running SIP holding ports of device dev, or NULL. */
static struct sip *holder(struct sk_kernel *k, uint32_t dev)
{
	for (struct sip *s = k->sips; s; s = s->next)
		for (uint32_t i = 0; s->state == SIP_RUNNING && i < s->nports; i++)
			if (s->ports[i].dev == dev)
				return s;
	return NULL;
}

/* The HAL's dma callback: a device touches [addr, addr+len) only if it
 * lies inside one exchange-heap array its driver owns right now (a dma.new
 * ring or a Packet the driver holds).  A linear walk of the driver's
 * blocks: a driver owns a handful (rings, posted and in-flight packets). */
void *dma_translate(void *kernel, uint32_t dev, uint64_t addr, size_t len)
{
	struct sk_kernel *k = kernel;
	struct sip *s = holder(k, dev);
	uint32_t born = s ? xh_dma_check(&s->xh_own, addr, len) : 0;
	if (born && (k->debug & SK_DEBUG_DMA)) {
		struct sk_line l = {.n = 0};
		sk_line_str(&l, "sing: dma: ");
		sk_line_str(&l, s->name);
		sk_line_str(&l, " device reads/writes ");
		sk_line_u64(&l, len);
		sk_line_str(&l, " bytes of an array made by pid ");
		sk_line_u64(&l, born & 0x7fffffffu);
		sk_line_str(&l, "\n");
		sk_line_put(&l);
	}
	return born ? (void *)(uintptr_t)addr : NULL;
}
