/*
 * dev.c - the PC's device table (../hal.h), the same indices as hosted:
 *   0 com1        the 16550 at 0x3f8, IRQ 4
 *   1 virtio-net  QEMU's virtio-net-pci (1af4:1000), legacy I/O BAR0 and
 *                 the interrupt line from its configuration space
 * Drivers reach them through io.in / io.out (real in/out instructions
 * here).  An interrupt masks its line at the PIC and records it; the
 * kernel's irq callback gets the recorded lines in hal_dev_idle (and in
 * hal_dev_in / hal_dev_out), never in interrupt context.  An edge line
 * is unmasked right after (a masked edge would be lost); a level line
 * (PCI: virtio-net) stays masked, held, until its driver waits again
 * (hal_dev_wait), by which time it has acknowledged the device: unmasked
 * at delivery it fired again at once, and again at each of the driver's
 * accesses until it read the ISR (137 interrupts for 5 frames on two
 * CPUs, 16 on one).
 *
 * The lines come to CPU 0 (the 8259s), or through the I/O APIC to the
 * CPU where the line's driver waits (hal_dev_wait); an interrupt also
 * ends that CPU's hal_cpu_sleep, so an idle CPU delivers it at once (the
 * kernel's idle CPUs poll the devices).  deliver may run on any CPU:
 * pending and held are changed by atomic or, and, exchange; taken counts
 * are atomic adds; cpu (the routes) is written under the kernel lock.
 *
 * Invariant: DMA goes to physical = virtual addresses with no IOMMU in
 * between: the kernel's dma callback cannot be enforced here; the
 * verifier and the driver's discipline are what remain (docs/baremetal.md).
 */
#include "../hal.h"
#include "pc.h"

enum { DEV_COM1, DEV_VNET, DEV_COUNT };
#define VNET_BASE 0xc000u        /* where the manifests expect BAR0 */
#define VNET_LEN  32u
#define VIRTIO_STATUS 18u

static struct hal_dev table[DEV_COUNT] = {
	[DEV_COM1] = {"com1", 0x3f8, 8, 4},
	[DEV_VNET] = {"virtio-net", VNET_BASE, VNET_LEN, 11},
};
static int found[DEV_COUNT] = {[DEV_COM1] = 1};

static struct {
	int open;
	void (*irq)(void *ctx, uint32_t line);
	void *ctx;
	volatile uint32_t pending;   /* lines raised, masked until delivered */
	uint32_t held;               /* level lines masked until their driver waits */
	unsigned cpu[16];            /* where each line goes (ioapic_init: CPU 0) */
	uint64_t taken[16][HAL_MAX_CPUS];   /* interrupts by line and the CPU they came to */
} dev;

/* Find virtio-net; put its BAR0 at VNET_BASE (the OS may assign BARs,
 * and the port range the drivers' manifests claim stays the one the
 * hosted table has); enable I/O decoding and bus mastering. */
void dev_init(void)
{
	struct pci_fn f;
	if (!pci_find(0x1af4, 0x1000, &f) || !(f.bar0 & 1)) {
		ser_puts("sing: pci: no virtio-net\n");
		return;
	}
	uint32_t cmd = pci_read32(&f, 0x04);
	pci_write32(&f, 0x04, cmd & ~3u);            /* decoding off while moving */
	pci_write32(&f, 0x10, VNET_BASE | 1);
	uint32_t bar = pci_read32(&f, 0x10) & ~3u;
	pci_write32(&f, 0x04, (cmd & 0xffff) | 0x5);  /* I/O space, bus master */
	table[DEV_VNET].base = bar;
	table[DEV_VNET].irq = f.irq;
	found[DEV_VNET] = f.irq < 16;
	ser_puts("sing: pci: virtio-net at ");
	ser_dec(f.bus); ser_puts(":"); ser_dec(f.dev); ser_puts(".");
	ser_dec(f.fn);
	ser_puts(" firmware BAR0 "); ser_hex(f.bar0 & ~3u);
	ser_puts(" BAR0 "); ser_hex(bar);
	ser_puts(" IRQ "); ser_dec(f.irq);
	ser_puts("\n");
}

uint32_t hal_dev_count(void)
{
	return DEV_COUNT;
}

const struct hal_dev *hal_dev(uint32_t i)
{
	return i < DEV_COUNT ? &table[i] : NULL;
}

static void on_irq(unsigned line)
{
	struct pc_cpu *c = cpu_self();
	pic_mask(line, 1);
	__atomic_fetch_or(&dev.pending, 1u << line, __ATOMIC_RELEASE);
	__atomic_fetch_add(&dev.taken[line][c->index], 1, __ATOMIC_RELAXED);
	__atomic_store_n(&c->woken, 1, __ATOMIC_RELEASE);   /* an idle CPU delivers it */
}

void hal_dev_wait(uint32_t line, unsigned cpu)
{
	if (line >= 16)
		return;
	if (cpu != dev.cpu[line] && cpu < hal_cpu_count() &&
	    __atomic_load_n(&pc_cpus[cpu].state, __ATOMIC_ACQUIRE) == SMP_RUNNING) {
		dev.cpu[line] = cpu;
		pic_route(line, pc_cpus[cpu].apic_id);
	}
	if (__atomic_fetch_and(&dev.held, ~(1u << line), __ATOMIC_ACQ_REL) & (1u << line))
		pic_mask(line, 0);
}

uint64_t hal_dev_irqs(uint32_t line, unsigned cpu)
{
	return line < 16 && cpu < HAL_MAX_CPUS ? __atomic_load_n(&dev.taken[line][cpu], __ATOMIC_RELAXED) : 0;
}

static void deliver(void)
{
	uint32_t p = __atomic_exchange_n(&dev.pending, 0, __ATOMIC_ACQ_REL);
	for (unsigned line = 0; p; line++, p >>= 1)
		if (p & 1) {
			dev.irq(dev.ctx, line);
			if (pic_level(line))
				__atomic_fetch_or(&dev.held, 1u << line, __ATOMIC_ACQ_REL);
			else
				pic_mask(line, 0);
		}
}

void hal_dev_open(void (*irq)(void *ctx, uint32_t line),
                  void *(*dma)(void *ctx, uint32_t i, uint64_t addr, size_t len), void *ctx,
                  const char *wire)
{
	(void)dma;   /* no IOMMU: see the invariant above */
	(void)wire;  /* the wire is QEMU's -netdev, outside the machine */
	dev.irq = irq;
	dev.ctx = ctx;
	dev.open = 1;
	__atomic_store_n(&dev.held, 0, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < DEV_COUNT; i++)
		if (found[i]) {
			cpu_irq_handler(table[i].irq, on_irq);
			pic_mask(table[i].irq, 0);
		}
}

void hal_dev_close(void)
{
	for (uint32_t i = 0; i < DEV_COUNT; i++)
		if (found[i])
			pic_mask(table[i].irq, 1);
	hal_dev_reset(DEV_VNET);
	dev.open = 0;
}

void hal_dev_reset(uint32_t i)
{
	if (i == DEV_VNET && found[i])
		outb((uint16_t)(table[i].base + VIRTIO_STATUS), 0);
}

int hal_dev_present(uint32_t i)
{
	return dev.open && i < DEV_COUNT && found[i];
}

uint32_t hal_dev_in(uint32_t i, uint32_t off, unsigned width)
{
	if (!hal_dev_present(i))
		return 0xffffffffu;
	if (dev.pending)
		deliver();
	uint16_t port = (uint16_t)(table[i].base + off);
	return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
}

void hal_dev_out(uint32_t i, uint32_t off, unsigned width, uint32_t v)
{
	if (!hal_dev_present(i))
		return;
	uint16_t port = (uint16_t)(table[i].base + off);
	if (width == 1)
		outb(port, (uint8_t)v);
	else if (width == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
	if (dev.pending)
		deliver();
}

/* sti;hlt is atomic: an interrupt between the check and the halt still
 * wakes it.  The PIT's tick bounds every wait. */
int hal_dev_idle(int64_t timeout_ns)
{
	int64_t end = hal_clock_ns() + timeout_ns;
	for (;;) {
		__asm__ volatile("cli");
		if (dev.pending || timeout_ns <= 0 || hal_clock_ns() >= end)
			break;
		__asm__ volatile("sti; hlt" : : : "memory");
	}
	__asm__ volatile("sti");
	int got = dev.pending != 0;
	if (got && dev.open)
		deliver();
	return got;
}
