/* uart.c - the 16550 UART model: registers, receive FIFO, interrupts,
 * transmit.  See uart.h and docs/system.md, "The console device". */
#include "uart.h"
#include "../../util/util.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

struct uart {
	struct uart_host host;
	int in_fd, out_fd;
	int tty_owner;             /* uart_tty_raw changed in_fd's mode */
	uint8_t rx[UART_FIFO_DEPTH];
	unsigned rx_head, rx_count;
	uint8_t held;              /* a byte read while RTS was off (flow control) */
	int has_held;
	uint8_t ier, lcr, mcr, lsr_err, msr_delta, scr, fcr;
	uint16_t divisor;
	int thri;                  /* THR-empty interrupt latched */
	int timeout;               /* character timeout pending */
	int line;                  /* the interrupt line's level */
	struct uart_stats stats;
};

static const uint8_t trigger_levels[4] = {1, 4, 8, 14};

static int fifo_mode(const struct uart *u)
{
	return u->fcr & UART_FCR_ENABLE;
}

/* The 16450 mode without FIFOs holds one byte. */
static unsigned rx_depth(const struct uart *u)
{
	return fifo_mode(u) ? UART_FIFO_DEPTH : 1;
}

static unsigned rx_trigger(const struct uart *u)
{
	return fifo_mode(u) ? trigger_levels[u->fcr >> UART_FCR_TRIGGER_SHIFT & 3] : 1;
}

/* ---- Interrupts ---- */

/* The pending source of highest priority (16550D table 4), or NO_INT. */
static uint8_t pending(const struct uart *u)
{
	if ((u->ier & UART_IER_ELSI) && u->lsr_err)
		return UART_IIR_RLSI;
	if ((u->ier & UART_IER_ERBFI) && u->rx_count >= rx_trigger(u))
		return UART_IIR_RDI;
	if ((u->ier & UART_IER_ERBFI) && u->timeout)
		return UART_IIR_CTI;
	if ((u->ier & UART_IER_ETBEI) && u->thri)
		return UART_IIR_THRI;
	if ((u->ier & UART_IER_EDSSI) && u->msr_delta)
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

/* Recompute the line after any state change; a rising edge interrupts. */
static void update_irq(struct uart *u)
{
	int level = pending(u) != UART_IIR_NO_INT && (u->mcr & UART_MCR_OUT2) &&
	            !(u->mcr & UART_MCR_LOOP);
	if (level && !u->line) {
		u->stats.irqs++;
		if (u->host.irq)
			u->host.irq(u->host.ctx);
	}
	u->line = level;
}

/* The receiver went idle with bytes below the trigger level waiting: the
 * model's "four character times" are over as soon as a burst ends. */
static void rx_settle(struct uart *u)
{
	u->timeout = fifo_mode(u) && u->rx_count > 0 && u->rx_count < rx_trigger(u);
}

/* ---- Receive FIFO ---- */

static void rx_clear(struct uart *u)
{
	u->rx_head = u->rx_count = 0;
	u->timeout = 0;
}

/* A byte from the line: into the FIFO, or an overrun when it is full (in
 * 16450 mode the new byte replaces the unread one, as the data sheet says). */
static void rx_push(struct uart *u, uint8_t c)
{
	if (u->rx_count >= rx_depth(u)) {
		u->lsr_err |= UART_LSR_OE;
		u->stats.overruns++;
		if (!fifo_mode(u))
			u->rx[u->rx_head] = c;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO_DEPTH] = c;
	u->rx_count++;
}

static uint8_t rx_pop(struct uart *u)
{
	if (u->rx_count == 0)
		return 0;
	uint8_t c = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % UART_FIFO_DEPTH;
	u->rx_count--;
	return c;
}

/* ---- Transmit ---- */

static void tx_byte(struct uart *u, uint8_t c)
{
	if (u->mcr & UART_MCR_LOOP) {
		rx_push(u, c);
		rx_settle(u);
		return;
	}
	ssize_t n = -1;
	if (u->out_fd >= 0)
		do
			n = write(u->out_fd, &c, 1);
		while (n < 0 && errno == EINTR);
	if (n == 1)
		u->stats.tx_bytes++;
	else
		u->stats.tx_lost++;
}

/* ---- Modem status ---- */

/* The modem inputs: a connected terminal (CTS, DSR, DCD), or in loopback
 * the MCR outputs wired back (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
static uint8_t msr_inputs(uint8_t mcr)
{
	if (!(mcr & UART_MCR_LOOP))
		return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD;
	return (uint8_t)((mcr & UART_MCR_RTS ? UART_MSR_CTS : 0) |
	                 (mcr & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	                 (mcr & UART_MCR_OUT1 ? UART_MSR_RI : 0) |
	                 (mcr & UART_MCR_OUT2 ? UART_MSR_DCD : 0));
}

/* Delta bits for inputs going from old to new (RI: its trailing edge). */
static uint8_t msr_deltas(uint8_t old, uint8_t now)
{
	uint8_t ch = old ^ now, d = 0;
	if (ch & UART_MSR_CTS) d |= UART_MSR_DCTS;
	if (ch & UART_MSR_DSR) d |= UART_MSR_DDSR;
	if (ch & UART_MSR_DCD) d |= UART_MSR_DDCD;
	if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) d |= UART_MSR_TERI;
	return d;
}

/* ---- Registers: one table row per offset ---- */

static uint8_t rd_rbr(struct uart *u)
{
	uint8_t c = rx_pop(u);
	rx_settle(u);          /* the model has no character clock: bytes left
	                        * below the trigger time out again at once */
	return c;
}

static void wr_thr(struct uart *u, uint8_t v)
{
	u->thri = 0;
	tx_byte(u, v);
	u->thri = 1;           /* sent at once: the holding register is empty again */
}

static uint8_t rd_dll(struct uart *u) { return (uint8_t)u->divisor; }
static uint8_t rd_dlm(struct uart *u) { return (uint8_t)(u->divisor >> 8); }

static void wr_dll(struct uart *u, uint8_t v)
{
	u->divisor = (uint16_t)((u->divisor & 0xff00) | v);
}

static void wr_dlm(struct uart *u, uint8_t v)
{
	u->divisor = (uint16_t)((u->divisor & 0x00ff) | v << 8);
}

static uint8_t rd_ier(struct uart *u) { return u->ier; }

/* Enabling ETBEI while the holding register is empty interrupts at once. */
static void wr_ier(struct uart *u, uint8_t v)
{
	if ((v & UART_IER_ETBEI) && !(u->ier & UART_IER_ETBEI))
		u->thri = 1;
	u->ier = v & UART_IER_MASK;
}

/* Reading IIR clears THRI when that is the source it reports. */
static uint8_t rd_iir(struct uart *u)
{
	uint8_t id = pending(u);
	if (id == UART_IIR_THRI)
		u->thri = 0;
	return (uint8_t)(id | (fifo_mode(u) ? UART_IIR_FIFOS : 0));
}

/* FCR bits count only with ENABLE set; toggling ENABLE empties the FIFOs. */
static void wr_fcr(struct uart *u, uint8_t v)
{
	if ((v ^ u->fcr) & UART_FCR_ENABLE)
		rx_clear(u);
	if (!(v & UART_FCR_ENABLE)) {
		u->fcr = 0;
		return;
	}
	if (v & UART_FCR_CLEAR_RX)
		rx_clear(u);
	/* CLEAR_TX: the transmitter is always empty. */
	u->fcr = v & (UART_FCR_ENABLE | UART_FCR_DMA | 3u << UART_FCR_TRIGGER_SHIFT);
	rx_settle(u);
}

static uint8_t rd_lcr(struct uart *u) { return u->lcr; }
static void wr_lcr(struct uart *u, uint8_t v) { u->lcr = v; }
static uint8_t rd_mcr(struct uart *u) { return u->mcr; }

static void wr_mcr(struct uart *u, uint8_t v)
{
	uint8_t old = msr_inputs(u->mcr);
	u->mcr = v & UART_MCR_MASK;
	u->msr_delta |= msr_deltas(old, msr_inputs(u->mcr));
}

/* Reading LSR clears the error bits and so the line-status interrupt. */
static uint8_t rd_lsr(struct uart *u)
{
	uint8_t v = (uint8_t)(u->lsr_err | UART_LSR_THRE | UART_LSR_TEMT |
	                      (u->rx_count ? UART_LSR_DR : 0));
	u->lsr_err = 0;
	return v;
}

/* Reading MSR clears the deltas and so the modem-status interrupt. */
static uint8_t rd_msr(struct uart *u)
{
	uint8_t v = (uint8_t)(msr_inputs(u->mcr) | u->msr_delta);
	u->msr_delta = 0;
	return v;
}

static uint8_t rd_scr(struct uart *u) { return u->scr; }
static void wr_scr(struct uart *u, uint8_t v) { u->scr = v; }
static void wr_none(struct uart *u, uint8_t v) { (void)u; (void)v; }

struct uart_reg {
	uint8_t (*rd)(struct uart *u);
	void (*wr)(struct uart *u, uint8_t v);
	uint8_t (*rd_dlab)(struct uart *u);     /* NULL: as without DLAB */
	void (*wr_dlab)(struct uart *u, uint8_t v);
};

static const struct uart_reg regs[UART_IO_SIZE] = {
	[UART_RBR] = {rd_rbr, wr_thr,  rd_dll, wr_dll},
	[UART_IER] = {rd_ier, wr_ier,  rd_dlm, wr_dlm},
	[UART_IIR] = {rd_iir, wr_fcr,  NULL,   NULL},
	[UART_LCR] = {rd_lcr, wr_lcr,  NULL,   NULL},
	[UART_MCR] = {rd_mcr, wr_mcr,  NULL,   NULL},
	[UART_LSR] = {rd_lsr, wr_none, NULL,   NULL},   /* factory test: ignored */
	[UART_MSR] = {rd_msr, wr_none, NULL,   NULL},
	[UART_SCR] = {rd_scr, wr_scr,  NULL,   NULL},
};

static uint32_t ones(unsigned width)
{
	return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
}

uint32_t uart_in(struct uart *u, uint32_t off, unsigned width)
{
	if (off >= UART_IO_SIZE || width != 1) {
		u->stats.bad_io++;
		return ones(width);
	}
	const struct uart_reg *r = &regs[off];
	uint8_t v = (u->lcr & UART_LCR_DLAB) && r->rd_dlab ? r->rd_dlab(u) : r->rd(u);
	update_irq(u);
	return v;
}

void uart_out(struct uart *u, uint32_t off, unsigned width, uint32_t val)
{
	if (off >= UART_IO_SIZE || width != 1) {
		u->stats.bad_io++;
		return;
	}
	const struct uart_reg *r = &regs[off];
	if ((u->lcr & UART_LCR_DLAB) && r->wr_dlab)
		r->wr_dlab(u, (uint8_t)val);
	else
		r->wr(u, (uint8_t)val);
	update_irq(u);
}

/* ---- The device's life ---- */

struct uart *uart_new(int in_fd, int out_fd, const struct uart_host *host)
{
	struct uart *u = xcalloc(1, sizeof *u);
	u->host = *host;
	u->in_fd = in_fd;
	u->out_fd = out_fd;
	u->divisor = 12;       /* undefined at power-on; 9600 baud */
	u->thri = 0;           /* power-on: IIR reads NO_INT, LSR 0x60 */
	if (in_fd >= 0)
		u->tty_owner = uart_tty_raw(in_fd, host->tty);
	return u;
}

void uart_free(struct uart *u)
{
	if (!u)
		return;
	if (u->tty_owner)
		uart_tty_restore();
	free(u);
}

/* Flow control: the host side sends only while the driver asserts RTS,
 * as a terminal set for RTS/CTS does, so input typed or piped before the
 * driver is up waits instead of reaching a FIFO its bring-up clears (FCR).
 * With RTS off one byte is still read, and held (as a sender's shift
 * register would): it tells data from the end of input, which must be seen
 * whether or not any driver ever raises RTS. */
static unsigned rx_room(const struct uart *u)
{
	if (!(u->mcr & UART_MCR_RTS))
		return u->has_held ? 0 : 1;
	return rx_depth(u) - u->rx_count;
}

int uart_poll(struct uart *u)
{
	int got = 0;
	if (u->has_held && (u->mcr & UART_MCR_RTS) && u->rx_count < rx_depth(u)) {
		rx_push(u, u->held);
		u->has_held = 0;
		got++;
	}
	while (uart_fd(u) >= 0) {
		struct pollfd p = {u->in_fd, POLLIN, 0};
		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
			break;
		uint8_t buf[UART_FIFO_DEPTH];
		ssize_t n = read(u->in_fd, buf, rx_room(u));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			break;
		if (n <= 0) {
			u->stats.rx_eof = 1;     /* end of input (or an error): stop reading */
			break;
		}
		u->stats.rx_bytes += (uint64_t)n;
		if (!(u->mcr & UART_MCR_RTS)) {
			u->held = buf[0];
			u->has_held = 1;
			break;
		}
		for (ssize_t i = 0; i < n; i++)
			rx_push(u, buf[i]);
		got += (int)n;
	}
	rx_settle(u);
	update_irq(u);
	return got;
}

int uart_fd(const struct uart *u)
{
	if (u->in_fd < 0 || u->stats.rx_eof || rx_room(u) == 0)
		return -1;
	return u->in_fd;
}

int uart_irq_line(const struct uart *u)
{
	return u->line;
}

const struct uart_stats *uart_stats(const struct uart *u)
{
	return &u->stats;
}
