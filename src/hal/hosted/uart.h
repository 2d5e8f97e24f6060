/*
 * uart.h - a 16550-compatible UART device model (the PC's COM1: I/O ports
 * 0x3f8..0x3ff, IRQ 4) for the hosted HAL, so that Sing's console driver
 * owns the terminal by programming UART registers exactly as it would on
 * bare metal.  Received bytes come from a host file descriptor (the
 * terminal's stdin, or a pipe in tests) that uart_poll reads without
 * blocking into the receive FIFO; transmitted bytes go to a host fd
 * (stdout) at once, so the transmitter is always empty.
 *
 * The kernel attaches it like an ISA device: io.in / io.out on the driver's
 * ioport range (UART_IO_SIZE ports) become uart_in / uart_out with the
 * offset from the base; the device raises its interrupt through the host's
 * irq callback.  uart_poll moves waiting input into the FIFO (the kernel
 * calls it from its idle loop, when uart_fd is readable).
 *
 * Terminal: when the input fd is a terminal, uart_new puts it in raw mode
 * (no echo, no line editing, CR not mapped: the console driver echoes and
 * edits lines itself) and the original mode comes back on uart_free, at
 * exit, and on the fatal signals SIGINT, SIGTERM, SIGHUP and SIGQUIT (see
 * struct uart_host's tty flags and uart_tty_restore).
 *
 * Invariant: every register access is checked against the register map;
 * the receive FIFO never holds more than its depth; input the FIFO has no
 * room for, and any while MCR.RTS is off but one held byte, stays in the
 * host fd (flow control), so host input is never lost.  It must never crash or overrun on any driver input, never block
 * on input, and never call back into the kernel except through the irq
 * callback.  Not thread-safe: the kernel serialises every call.
 */
#ifndef HAL_HOSTED_UART_H
#define HAL_HOSTED_UART_H

#include <stdint.h>

/* ---- Where a PC has it ---- */
#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_IO_SIZE   8          /* the ioport range a driver claims */
#define UART_CLOCK_BAUD 115200    /* baud rate = 115200 / divisor */
#define UART_FIFO_DEPTH 16

/* ---- Registers (offsets from the base; 16550D data sheet, table 2) ---- */
#define UART_RBR 0   /* R,  DLAB=0: receiver buffer */
#define UART_THR 0   /* W,  DLAB=0: transmitter holding */
#define UART_DLL 0   /* RW, DLAB=1: divisor latch, low byte */
#define UART_IER 1   /* RW, DLAB=0: interrupt enable */
#define UART_DLM 1   /* RW, DLAB=1: divisor latch, high byte */
#define UART_IIR 2   /* R:  interrupt identification */
#define UART_FCR 2   /* W:  FIFO control */
#define UART_LCR 3   /* RW: line control */
#define UART_MCR 4   /* RW: modem control */
#define UART_LSR 5   /* R:  line status (writes ignored) */
#define UART_MSR 6   /* R:  modem status (writes ignored) */
#define UART_SCR 7   /* RW: scratch */

/* IER */
#define UART_IER_ERBFI 0x01   /* received data available (and timeout) */
#define UART_IER_ETBEI 0x02   /* transmitter holding register empty */
#define UART_IER_ELSI  0x04   /* receiver line status */
#define UART_IER_EDSSI 0x08   /* modem status */
#define UART_IER_MASK  0x0f

/* IIR: bit 0 clear when an interrupt is pending; bits 1..3 its source */
#define UART_IIR_NO_INT  0x01
#define UART_IIR_MSI     0x00   /* modem status: cleared by reading MSR */
#define UART_IIR_THRI    0x02   /* THR empty: cleared by reading IIR or writing THR */
#define UART_IIR_RDI     0x04   /* data available: cleared below the trigger level */
#define UART_IIR_RLSI    0x06   /* line status: cleared by reading LSR */
#define UART_IIR_CTI     0x0c   /* character timeout: cleared by reading RBR */
#define UART_IIR_ID_MASK 0x0e
#define UART_IIR_FIFOS   0xc0   /* both set while the FIFOs are enabled */

/* FCR */
#define UART_FCR_ENABLE   0x01  /* FIFO mode; other bits ignored without it */
#define UART_FCR_CLEAR_RX 0x02
#define UART_FCR_CLEAR_TX 0x04
#define UART_FCR_DMA      0x08
#define UART_FCR_TRIGGER_SHIFT 6 /* receive trigger: 1, 4, 8, 14 bytes */

/* LCR */
#define UART_LCR_WLEN_MASK 0x03 /* 5 + n data bits */
#define UART_LCR_STOP      0x04
#define UART_LCR_PARITY    0x08
#define UART_LCR_EPAR      0x10
#define UART_LCR_SPAR      0x20
#define UART_LCR_SBC       0x40 /* set break */
#define UART_LCR_DLAB      0x80 /* divisor latch access */
#define UART_LCR_8N1       0x03

/* MCR */
#define UART_MCR_DTR  0x01
#define UART_MCR_RTS  0x02
#define UART_MCR_OUT1 0x04
#define UART_MCR_OUT2 0x08     /* on a PC, gates the IRQ line */
#define UART_MCR_LOOP 0x10
#define UART_MCR_MASK 0x1f

/* LSR */
#define UART_LSR_DR   0x01     /* data ready */
#define UART_LSR_OE   0x02     /* overrun */
#define UART_LSR_PE   0x04
#define UART_LSR_FE   0x08
#define UART_LSR_BI   0x10
#define UART_LSR_THRE 0x20     /* transmitter holding register empty */
#define UART_LSR_TEMT 0x40     /* transmitter empty */
#define UART_LSR_RXFE 0x80     /* error in the receive FIFO */
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

/* MSR */
#define UART_MSR_DCTS 0x01
#define UART_MSR_DDSR 0x02
#define UART_MSR_TERI 0x04
#define UART_MSR_DDCD 0x08
#define UART_MSR_CTS  0x10
#define UART_MSR_DSR  0x20
#define UART_MSR_RI   0x40
#define UART_MSR_DCD  0x80
#define UART_MSR_DELTAS 0x0f

/* ---- The host side ---- */

/* What uart_new does when in_fd is a terminal (tty flags). */
#define UART_TTY_RAW   0   /* raw mode; Ctrl-C and Ctrl-\ still signal */
#define UART_TTY_NOSIG 1   /* raw mode, and every key is a byte for the driver */
#define UART_TTY_KEEP  2   /* leave the terminal's mode alone */
#define UART_TTY_NOINTR 3  /* raw mode; Ctrl-C is a byte, Ctrl-\ still signals */

struct uart_host {
	/* The interrupt line: called when it rises (an edge, as on the ISA
	 * bus): some enabled source became pending while MCR.OUT2 is set and
	 * the UART is not in loopback.  The driver must then read IIR until it
	 * says no interrupt is pending, or no further edge comes.  May run
	 * inside uart_out, uart_in or uart_poll; it must only record the
	 * interrupt, never call uart_* itself.  NULL: no interrupts. */
	void (*irq)(void *ctx);
	void *ctx;
	unsigned tty;        /* UART_TTY_*; 0 is raw mode keeping signals */
};

struct uart_stats {
	uint64_t rx_bytes;   /* taken from the input fd */
	uint64_t tx_bytes;   /* written to the output fd */
	uint64_t tx_lost;    /* the output fd refused them (or there is none) */
	uint64_t overruns;   /* loopback bytes dropped on a full FIFO */
	uint64_t irqs;       /* rising edges of the interrupt line */
	uint64_t bad_io;     /* accesses to no register, or width not 1 */
	int rx_eof;          /* the input fd reached end of file or failed */
};

struct uart;
/* A UART reading in_fd and writing out_fd (either may be -1: no input, or
 * output discarded).  The fds stay the caller's: uart_free does not close
 * them.  Never fails. */
struct uart *uart_new(int in_fd, int out_fd, const struct uart_host *host);
/* Restores the terminal if this UART changed it. */
void uart_free(struct uart *u);

/* Port I/O at offset off (0..7), width 1.  Any offset and width is safe:
 * an access to no register, or with width 2 or 4, reads all ones of its
 * width (any other width: 0xffffffff) and writes nothing. */
uint32_t uart_in(struct uart *u, uint32_t off, unsigned width);
void uart_out(struct uart *u, uint32_t off, unsigned width, uint32_t val);

/* Move waiting input into the receive FIFO while it has room, without
 * blocking; returns how many bytes came in. */
int uart_poll(struct uart *u);
/* The fd to wait on for input (poll(2) POLLIN), or -1 while there is
 * nothing to wait for: the FIFO is full, the input ended, or MCR.RTS is
 * off and a byte already waits for it (flow control, uart.c). */
int uart_fd(const struct uart *u);
/* The level of the interrupt line (1 asserted). */
int uart_irq_line(const struct uart *u);
const struct uart_stats *uart_stats(const struct uart *u);

/* ---- The terminal helper (uart_tty.c) ---- */

/* Put terminal fd in raw mode (flags UART_TTY_*), remembering its mode to
 * restore.  One terminal at a time: 1 if it changed the mode, 0 if fd is
 * no terminal, the flags say KEEP, another terminal is already raw, or
 * the mode could not be set. */
int uart_tty_raw(int fd, unsigned flags);
/* Put the remembered mode back (no-op if none).  Async-signal-safe: a
 * kernel's fatal-signal handler or panic path may call it.  Also run at
 * exit and on SIGINT/SIGTERM/SIGHUP/SIGQUIT (then the signal proceeds). */
void uart_tty_restore(void);

#endif
