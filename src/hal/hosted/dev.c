/*
 * dev.c - the hosted HAL's device table (see ../hal.h): COM1 is the UART
 * model on the terminal, virtio-net the vnet model on the wire that
 * hal_dev_open's spec names.  The idle loop poll(2)s their fds instead of spinning.
 *
 * Invariant: a device's irq callback only records the line (the kernel's
 * callback); nothing here calls back into the kernel otherwise.
 */
#include "../hal.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "uart.h"
#include "vnet.h"

enum { DEV_COM1, DEV_VNET, DEV_COUNT };

static const struct hal_dev table[DEV_COUNT] = {
	[DEV_COM1] = {"com1", UART_COM1_BASE, UART_IO_SIZE, UART_COM1_IRQ},
	[DEV_VNET] = {"virtio-net", 0xc000, VNET_IO_SIZE, 11},
};

#define LINES 16   /* the ISA lines the table's devices may use */

static struct {
	void (*irq)(void *ctx, uint32_t line);
	void *(*dma)(void *ctx, uint32_t i, uint64_t addr, size_t len);
	void *ctx;
	struct uart *uart;
	struct vnet *vnet;
	uint64_t taken[LINES][HAL_MAX_CPUS];   /* lines raised, by the CPU polling */
} dev;

uint32_t hal_dev_count(void)
{
	return DEV_COUNT;
}

const struct hal_dev *hal_dev(uint32_t i)
{
	return i < DEV_COUNT ? &table[i] : NULL;
}

/* A device raised its line, inside a poll or an access on this CPU (the
 * kernel holds its lock around both, so the counts need no atomics). */
static void raise_line(uint32_t line)
{
	dev.taken[line][hal_cpu_id()]++;
	dev.irq(dev.ctx, line);
}

static void uart_irq(void *ctx)
{
	(void)ctx;
	raise_line(table[DEV_COM1].irq);
}

static void vnet_irq(void *ctx)
{
	(void)ctx;
	raise_line(table[DEV_VNET].irq);
}

/* Nothing to program: the devices here are polled, not wired to a CPU,
 * and a raise is a call, never repeated by a line left asserted. */
void hal_dev_wait(uint32_t line, unsigned cpu)
{
	(void)line, (void)cpu;
}

uint64_t hal_dev_irqs(uint32_t line, unsigned cpu)
{
	return line < LINES && cpu < HAL_MAX_CPUS ? dev.taken[line][cpu] : 0;
}

/* Hosted device addresses are host addresses; the kernel decides which. */
static void *vnet_dma(void *ctx, uint64_t addr, size_t len)
{
	(void)ctx;
	return dev.dma(dev.ctx, DEV_VNET, addr, len);
}

void hal_dev_open(void (*irq)(void *ctx, uint32_t line),
                  void *(*dma)(void *ctx, uint32_t i, uint64_t addr, size_t len), void *ctx,
                  const char *spec)
{
	dev.irq = irq;
	dev.dma = dma;
	dev.ctx = ctx;
	__builtin_memset(dev.taken, 0, sizeof dev.taken);   /* this kernel's, not an earlier one's */
	dev.uart = uart_new(0, 1, &(struct uart_host){uart_irq, NULL, UART_TTY_NOINTR});
	if (spec && *spec) {
		char err[256];
		static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
		struct vnet_wire *w = vnet_wire_open(spec, err, sizeof err);
		if (w)
			dev.vnet = vnet_new(mac, w, &(struct vnet_host){vnet_dma, vnet_irq, NULL});
		else
			fprintf(stderr, "sing: the NIC's wire %s: %s\n", spec, err);
	}
}

void hal_dev_close(void)
{
	if (dev.uart)
		uart_free(dev.uart);
	if (dev.vnet)
		vnet_free(dev.vnet);
	dev.uart = NULL;
	dev.vnet = NULL;
}

void hal_dev_reset(uint32_t i)
{
	if (i == DEV_VNET && dev.vnet)
		vnet_out(dev.vnet, VIRTIO_PCI_STATUS, 1, 0);
}

int hal_dev_present(uint32_t i)
{
	return (i == DEV_COM1 && dev.uart) || (i == DEV_VNET && dev.vnet);
}

uint32_t hal_dev_in(uint32_t i, uint32_t off, unsigned width)
{
	if (i == DEV_COM1 && dev.uart)
		return uart_in(dev.uart, off, width);
	if (i == DEV_VNET && dev.vnet)
		return vnet_in(dev.vnet, off, width);
	return 0xffffffffu;
}

void hal_dev_out(uint32_t i, uint32_t off, unsigned width, uint32_t v)
{
	if (i == DEV_COM1 && dev.uart)
		uart_out(dev.uart, off, width, v);
	else if (i == DEV_VNET && dev.vnet)
		vnet_out(dev.vnet, off, width, v);
}

int hal_dev_idle(int64_t timeout_ns)
{
	struct pollfd p[DEV_COUNT];
	nfds_t n = 0;
	if (dev.uart && uart_fd(dev.uart) >= 0)
		p[n++] = (struct pollfd){.fd = uart_fd(dev.uart), .events = POLLIN};
	if (dev.vnet && vnet_fd(dev.vnet) >= 0)
		p[n++] = (struct pollfd){.fd = vnet_fd(dev.vnet), .events = POLLIN};
	int ms = (int)(timeout_ns / 1000000);
	if (n || ms > 0)
		poll(p, n, ms);
	int got = 0;
	if (dev.uart)
		got += uart_poll(dev.uart);
	if (dev.vnet)
		got += vnet_poll(dev.vnet);
	if (dev.uart && uart_stats(dev.uart)->rx_eof)
		return -1;
	return got > 0;
}
