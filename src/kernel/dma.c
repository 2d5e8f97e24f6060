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
 * Invariant: sing_dma_addr never changes the array (it reads like len).
 */
#include "sip.h"

/* dma.addr: the device address of element 0 of an exchange-heap array the
 * caller owns or borrows.  The hosted HAL's devices see host addresses
 * (vnet's dma callback is an identity map), so this is the host address;
 * a bare-metal HAL would translate it to a physical address here. */
uint64_t sing_dma_addr(struct sing_thread *t, void *x, const char *fn)
{
	(void)t, (void)fn;
	const struct sing_xarr *a = x;
	return (uint64_t)(uintptr_t)a->data;
}

/* dma.new: a new zeroed exheap u8[] of len bytes, page aligned, in memory
 * the device can reach (below device address 2^44, for the legacy queue
 * PFN).  Not yet: the exchange heap allocates every xarray region with
 * hal_alloc and frees it with hal_free (exheap.c region_put), so a region
 * from other memory needs a region flag there.  docs/network.md ("What the
 * kernel must add") gives the change; until it lands the SIP stops with
 * SING_F_UNSUPPORTED. */
void *sing_dma_new(struct sing_thread *t, uint32_t type, int64_t len, const char *fn)
{
	(void)type;
	if (len < 0)
		sip_fail(sk_self(t), SING_F_NEGLEN, fn);
	sip_fail(sk_self(t), SING_F_UNSUPPORTED, fn);
}
