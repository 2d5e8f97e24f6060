/* pci.c - PCI configuration space through ports 0xcf8/0xcfc (mechanism
 * 1), bus 0 to 255 by brute force: cheap on QEMU's few devices.  pc.h. */
#include "pc.h"

static uint32_t addr(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xfc);
}

uint32_t pci_read32(const struct pci_fn *f, uint8_t off)
{
	outl(0xcf8, addr(f->bus, f->dev, f->fn, off));
	return inl(0xcfc);
}

void pci_write32(const struct pci_fn *f, uint8_t off, uint32_t v)
{
	outl(0xcf8, addr(f->bus, f->dev, f->fn, off));
	outl(0xcfc, v);
}

int pci_find(uint16_t vendor, uint16_t device, struct pci_fn *out)
{
	for (unsigned bus = 0; bus < 256; bus++)
		for (unsigned dev = 0; dev < 32; dev++)
			for (unsigned fn = 0; fn < 8; fn++) {
				struct pci_fn f = {(uint8_t)bus, (uint8_t)dev, (uint8_t)fn, 0, 0, 0, 0};
				uint32_t id = pci_read32(&f, 0);
				if ((id & 0xffff) == 0xffff) {
					if (fn == 0)
						break;      /* no device in this slot */
					continue;
				}
				if ((id & 0xffff) == vendor && id >> 16 == device) {
					f.vendor = vendor;
					f.device = device;
					f.bar0 = pci_read32(&f, 0x10);
					f.irq = (uint8_t)pci_read32(&f, 0x3c);
					*out = f;
					return 1;
				}
				if (fn == 0 && !(pci_read32(&f, 0x0c) & 0x00800000))
					break;          /* not multi-function */
			}
	return 0;
}
