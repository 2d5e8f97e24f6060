/*
 * drv.c - a 16550 console driver in C that stands in for Sing's console
 * driver SIP, driving the UART model (src/hal/hosted/uart.c) without the
 * kernel, the way a bare-metal driver programs COM1: divisor through DLAB,
 * 8N1, FIFOs on, OUT2 to open the IRQ gate, IER; transmit polling
 * LSR.THRE; receive on the interrupt, reading IIR until no source is left
 * and RBR while LSR.DR.
 *
 *   drv cases [NAME]   the device tests (hostile drivers among them), one
 *                      "ok NAME" / "FAIL NAME: why" line each
 *   drv pipe           the console on stdin/stdout: a banner, then every
 *                      input byte echoed in upper case, until end of input
 *   drv tty [nosig]    the console on a terminal: report the mode the
 *                      model set, echo keys until 'q'
 */
#include "hal/hosted/uart.h"

#include <ctype.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static int rd(struct uart *u, unsigned off)
{
	return (int)uart_in(u, off, 1);
}

static void wr(struct uart *u, unsigned off, unsigned v)
{
	uart_out(u, off, 1, v);
}

static void irq_cb(void *ctx)
{
	++*(int *)ctx;
}

/* Bring-up as a bare-metal driver does it: 115200 8N1, FIFOs with a
 * 14-byte trigger, DTR RTS OUT2, interrupts ier. */
static void drv_init(struct uart *u, unsigned ier)
{
	wr(u, UART_IER, 0);
	wr(u, UART_LCR, UART_LCR_DLAB);
	wr(u, UART_DLL, UART_CLOCK_BAUD / 115200);
	wr(u, UART_DLM, 0);
	wr(u, UART_LCR, UART_LCR_8N1);
	wr(u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX |
	                3u << UART_FCR_TRIGGER_SHIFT);
	wr(u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	wr(u, UART_IER, ier);
}

static void drv_puts(struct uart *u, const char *s)
{
	for (; *s; s++) {
		while (!(rd(u, UART_LSR) & UART_LSR_THRE))
			;
		wr(u, UART_THR, (uint8_t)*s);
	}
}

/* ---- The fixture: a UART between two pipes ---- */

struct fx {
	struct uart *u;
	int in[2], out[2];   /* test writes in[1]; reads what was sent from out[0] */
	int irqs;
};

static void fx_open(struct fx *f)
{
	memset(f, 0, sizeof *f);
	if (pipe(f->in) || pipe(f->out)) {
		perror("pipe");
		exit(2);
	}
	fcntl(f->out[0], F_SETFL, O_NONBLOCK);
	struct uart_host h = {irq_cb, &f->irqs, UART_TTY_RAW};
	f->u = uart_new(f->in[0], f->out[1], &h);
}

static void fx_close(struct fx *f)
{
	uart_free(f->u);
	for (int i = 0; i < 2; i++) {
		if (f->in[i] >= 0)
			close(f->in[i]);
		close(f->out[i]);
	}
}

static void feed(struct fx *f, const char *s, size_t n)
{
	if (write(f->in[1], s, n) != (ssize_t)n) {
		perror("feed");
		exit(2);
	}
}

/* ---- The cases ---- */

static const char *t_reset_state(struct fx *f)
{
	struct uart *u = f->u;
	if (rd(u, UART_IIR) != UART_IIR_NO_INT)
		return "IIR after power-on is not 0x01";
	if (rd(u, UART_LSR) != (UART_LSR_THRE | UART_LSR_TEMT))
		return "LSR after power-on is not 0x60";
	if (rd(u, UART_IER) || rd(u, UART_LCR) || rd(u, UART_MCR))
		return "IER, LCR or MCR not 0 after power-on";
	if (rd(u, UART_MSR) != (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD))
		return "MSR does not show a connected terminal";
	return f->irqs ? "interrupt without cause" : NULL;
}

static const char *t_init(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, UART_IER_ERBFI);
	wr(u, UART_LCR, UART_LCR_DLAB | UART_LCR_8N1);
	wr(u, UART_DLL, 0x34);
	wr(u, UART_DLM, 0x12);
	if (rd(u, UART_DLL) != 0x34 || rd(u, UART_DLM) != 0x12)
		return "divisor latch does not read back";
	wr(u, UART_LCR, UART_LCR_8N1);
	if (rd(u, UART_IER) != UART_IER_ERBFI)
		return "IER lost behind the divisor latch";
	if (rd(u, UART_LCR) != UART_LCR_8N1)
		return "LCR does not read back";
	if ((rd(u, UART_IIR) & UART_IIR_FIFOS) != UART_IIR_FIFOS)
		return "IIR does not show the FIFOs enabled";
	wr(u, UART_SCR, 0xa5);
	if (rd(u, UART_SCR) != 0xa5)
		return "scratch register does not read back";
	return NULL;
}

static const char *t_tx_poll(struct fx *f)
{
	static const char msg[] = "hello, uart\r\n";
	char got[64] = {0};
	drv_init(f->u, 0);
	drv_puts(f->u, msg);
	ssize_t n = read(f->out[0], got, sizeof got - 1);
	if (n != (ssize_t)strlen(msg) || strcmp(got, msg) != 0)
		return "the output fd did not get the string";
	if (uart_stats(f->u)->tx_bytes != strlen(msg))
		return "tx_bytes wrong";
	return f->irqs ? "interrupt with IER 0" : NULL;
}

/* Three bytes under a 14-byte trigger: a character timeout. */
static const char *t_rx_pipe(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, UART_IER_ERBFI);
	if (rd(u, UART_LSR) & UART_LSR_DR)
		return "DR before any input";
	feed(f, "abc", 3);
	if (uart_poll(u) != 3)
		return "uart_poll did not take 3 bytes";
	if (f->irqs != 1 || !uart_irq_line(u))
		return "no interrupt for received data";
	if (rd(u, UART_IIR) != (UART_IIR_CTI | UART_IIR_FIFOS))
		return "IIR is not character timeout";
	char s[4] = {0};
	for (int i = 0; i < 3; i++) {
		if (!(rd(u, UART_LSR) & UART_LSR_DR))
			return "DR clear with bytes waiting";
		s[i] = (char)rd(u, UART_RBR);
	}
	if (strcmp(s, "abc") != 0)
		return "bytes read differ from those fed";
	if (rd(u, UART_LSR) & UART_LSR_DR)
		return "DR still set after the last byte";
	if (rd(u, UART_IIR) != (UART_IIR_NO_INT | UART_IIR_FIFOS) || uart_irq_line(u))
		return "interrupt still pending with the FIFO empty";
	feed(f, "d", 1);
	uart_poll(u);
	return f->irqs == 2 ? NULL : "no second edge for new data";
}

static const char *t_rx_trigger(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, UART_IER_ERBFI);
	wr(u, UART_FCR, UART_FCR_ENABLE | 1u << UART_FCR_TRIGGER_SHIFT);   /* 4 bytes */
	feed(f, "123456", 6);
	uart_poll(u);
	if (rd(u, UART_IIR) != (UART_IIR_RDI | UART_IIR_FIFOS))
		return "6 bytes over a trigger of 4: IIR is not data available";
	rd(u, UART_RBR);
	rd(u, UART_RBR);
	rd(u, UART_RBR);
	if (rd(u, UART_IIR) != (UART_IIR_CTI | UART_IIR_FIFOS))
		return "3 bytes under the trigger: IIR is not timeout";
	while (rd(u, UART_LSR) & UART_LSR_DR)
		rd(u, UART_RBR);
	return rd(u, UART_IIR) & UART_IIR_NO_INT ? NULL : "interrupt left after draining";
}

/* More input than the FIFO holds waits in the pipe: nothing is lost. */
static const char *t_rx_flow(struct fx *f)
{
	struct uart *u = f->u;
	char in[40], out[40];
	for (int i = 0; i < 40; i++)
		in[i] = (char)('A' + i);
	drv_init(u, 0);
	feed(f, in, sizeof in);
	int n = 0;
	for (int round = 0; round < 10 && n < 40; round++) {
		int got = uart_poll(u);
		if (got > UART_FIFO_DEPTH)
			return "more than a FIFO's worth taken";
		if (got == UART_FIFO_DEPTH && uart_fd(u) != -1)
			return "uart_fd asks to wait with the FIFO full";
		while (rd(u, UART_LSR) & UART_LSR_DR && n < 40)
			out[n++] = (char)rd(u, UART_RBR);
	}
	if (n != 40 || memcmp(in, out, 40) != 0)
		return "bytes lost or out of order";
	return uart_stats(u)->overruns ? "overrun counted" : NULL;
}

/* Input waits until the driver asserts RTS: bytes sent before its
 * bring-up (whose FCR write clears the FIFO) are not lost; the end of the
 * input is still seen with RTS off (a system whose driver never raises it
 * must still end). */
static const char *t_rx_rts(struct fx *f)
{
	struct uart *u = f->u;
	feed(f, "ab", 2);
	if (uart_poll(u) != 0 || uart_fd(u) != -1 || rd(u, UART_LSR) & UART_LSR_DR)
		return "input taken before RTS";
	drv_init(u, 0);
	if (uart_poll(u) != 2 || rd(u, UART_RBR) != 'a' || rd(u, UART_RBR) != 'b')
		return "input not taken, or not whole, once RTS is on";
	wr(u, UART_MCR, UART_MCR_DTR | UART_MCR_OUT2);
	feed(f, "c", 1);
	if (uart_poll(u) != 0)
		return "input taken with RTS off again";
	wr(u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	return uart_poll(u) == 1 && rd(u, UART_RBR) == 'c' ? NULL : "the held byte lost";
}

/* The end of input with RTS never raised (no driver brought the UART up). */
static const char *t_eof_rts(struct fx *f)
{
	close(f->in[1]);
	f->in[1] = -1;
	uart_poll(f->u);
	return uart_stats(f->u)->rx_eof ? NULL : "end of input not seen with RTS off";
}

/* OUT2 gates the line, as on a PC. */
static const char *t_out2_gate(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, UART_IER_ERBFI);
	wr(u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
	feed(f, "x", 1);
	uart_poll(u);
	if (f->irqs || uart_irq_line(u))
		return "interrupt with OUT2 clear";
	if (rd(u, UART_IIR) & UART_IIR_NO_INT)
		return "IIR shows nothing pending";
	wr(u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	return f->irqs == 1 ? NULL : "setting OUT2 did not raise the line";
}

static const char *t_thre_irq(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, 0);
	wr(u, UART_IER, UART_IER_ETBEI);
	if (f->irqs != 1)
		return "enabling ETBEI with THR empty did not interrupt";
	if (rd(u, UART_IIR) != (UART_IIR_THRI | UART_IIR_FIFOS))
		return "IIR is not THR empty";
	if (rd(u, UART_IIR) != (UART_IIR_NO_INT | UART_IIR_FIFOS))
		return "reading IIR did not clear THRI";
	wr(u, UART_THR, 'z');
	if (f->irqs != 2 || rd(u, UART_IIR) != (UART_IIR_THRI | UART_IIR_FIFOS))
		return "writing THR did not interrupt again when it emptied";
	return NULL;
}

/* Loopback: THR to RBR, MCR to MSR, nothing on the wire, line gated. */
static const char *t_loopback(struct fx *f)
{
	struct uart *u = f->u;
	char got[8];
	drv_init(u, UART_IER_ERBFI | UART_IER_EDSSI);
	wr(u, UART_MCR, UART_MCR_LOOP | UART_MCR_MASK);
	if ((rd(u, UART_MSR) & 0xf0) != 0xf0)
		return "MSR does not mirror MCR in loopback";
	wr(u, UART_MCR, UART_MCR_LOOP);
	uint8_t msr = (uint8_t)rd(u, UART_MSR);
	if (msr != (UART_MSR_DCTS | UART_MSR_DDSR | UART_MSR_TERI | UART_MSR_DDCD))
		return "MSR deltas wrong after dropping every output";
	if (rd(u, UART_MSR) & UART_MSR_DELTAS)
		return "reading MSR did not clear the deltas";
	wr(u, UART_THR, 'L');
	if (rd(u, UART_IIR) != (UART_IIR_CTI | UART_IIR_FIFOS) || f->irqs)
		return "looped byte: want a pending timeout and no line";
	if (rd(u, UART_RBR) != 'L')
		return "looped byte not in RBR";
	if (read(f->out[0], got, sizeof got) > 0)
		return "loopback wrote to the output fd";
	for (int i = 0; i < UART_FIFO_DEPTH + 1; i++)
		wr(u, UART_THR, (unsigned)i);
	wr(u, UART_IER, UART_IER_ELSI | UART_IER_ERBFI);
	if (rd(u, UART_IIR) != (UART_IIR_RLSI | UART_IIR_FIFOS))
		return "overrun: IIR is not line status";
	if (!(rd(u, UART_LSR) & UART_LSR_OE) || rd(u, UART_LSR) & UART_LSR_OE)
		return "OE not set, or not cleared by reading LSR";
	if (rd(u, UART_IIR) != (UART_IIR_RDI | UART_IIR_FIFOS))
		return "after LSR: IIR is not data available";
	return NULL;
}

static const char *t_modem_irq(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, UART_IER_EDSSI);
	wr(u, UART_MCR, UART_MCR_LOOP | UART_MCR_RTS);
	if (rd(u, UART_IIR) != (UART_IIR_MSI | UART_IIR_FIFOS))
		return "IIR is not modem status";
	rd(u, UART_MSR);
	return rd(u, UART_IIR) & UART_IIR_NO_INT ? NULL : "MSR read did not clear it";
}

static const char *t_fcr(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, 0);
	feed(f, "abc", 3);
	uart_poll(u);
	wr(u, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	if (rd(u, UART_LSR) & UART_LSR_DR)
		return "CLEAR_RX left data";
	wr(u, UART_FCR, 0);
	if (rd(u, UART_IIR) & UART_IIR_FIFOS)
		return "IIR shows FIFOs after disabling them";
	feed(f, "xy", 2);
	if (uart_poll(u) != 1)
		return "16450 mode took more than one byte";
	wr(u, UART_IER, UART_IER_ERBFI);
	if (rd(u, UART_IIR) != UART_IIR_RDI)
		return "16450 mode: one byte is not data available";
	if (rd(u, UART_RBR) != 'x' || uart_poll(u) != 1 || rd(u, UART_RBR) != 'y')
		return "16450 mode lost a byte";
	return NULL;
}

static const char *t_bad_width(struct fx *f)
{
	struct uart *u = f->u;
	char got[8];
	drv_init(u, 0);
	if (uart_in(u, UART_LSR, 2) != 0xffff || uart_in(u, UART_LSR, 4) != 0xffffffffu ||
	    uart_in(u, UART_LSR, 3) != 0xffffffffu || uart_in(u, 8, 1) != 0xff ||
	    uart_in(u, 0xffffffffu, 1) != 0xff)
		return "a bad access does not read all ones";
	uart_out(u, UART_THR, 2, 'a');
	uart_out(u, UART_THR, 4, 'a');
	uart_out(u, UART_THR, 0, 'a');
	uart_out(u, 9, 1, 'a');
	if (read(f->out[0], got, sizeof got) > 0)
		return "a bad write transmitted";
	uart_out(u, UART_SCR, 1, 0x1ff);
	if (rd(u, UART_SCR) != 0xff)
		return "value not cut to 8 bits";
	return uart_stats(u)->bad_io == 9 ? NULL : "bad_io not counted";
}

static const char *t_eof(struct fx *f)
{
	struct uart *u = f->u;
	drv_init(u, 0);
	feed(f, "z", 1);
	close(f->in[1]);
	f->in[1] = -1;
	uart_poll(u);
	if (rd(u, UART_RBR) != 'z')
		return "byte before end of input lost";
	uart_poll(u);
	if (!uart_stats(u)->rx_eof || uart_fd(u) != -1)
		return "end of input not seen";
	return uart_poll(u) == 0 ? NULL : "polled after end of input";
}

/* Random offsets, widths and values with input arriving in between. */
static const char *t_hostile(struct fx *f)
{
	struct uart *u = f->u;
	static const unsigned widths[] = {0, 1, 1, 1, 1, 2, 3, 4, 8, 0xffffffffu};
	srand(7);
	int devnull = open("/dev/null", O_WRONLY);
	uart_free(u);
	struct uart_host h = {irq_cb, &f->irqs, UART_TTY_RAW};
	u = f->u = uart_new(f->in[0], devnull, &h);
	for (int i = 0; i < 200000; i++) {
		uint32_t off = rand() % 64 == 0 ? (uint32_t)rand() * 2654435761u : (uint32_t)(rand() % 12);
		unsigned w = widths[rand() % 10];
		uint32_t v = (uint32_t)rand() ^ (uint32_t)rand() << 16;
		if (rand() & 1)
			uart_out(u, off, w, v);
		else
			uart_in(u, off, w);
		if (i % 97 == 0) {
			char b[7] = "random";
			feed(f, b, (size_t)(rand() % 7));
			uart_poll(u);
		}
		if (uart_irq_line(u) && f->irqs == 0)
			return "line up without an edge";
	}
	int n = 0;
	wr(u, UART_LCR, 0);
	while (rd(u, UART_LSR) & UART_LSR_DR && n <= UART_FIFO_DEPTH)
		rd(u, UART_RBR), n++;
	close(devnull);
	return n <= UART_FIFO_DEPTH ? NULL : "FIFO held more than its depth";
}

struct tcase {
	const char *name;
	const char *(*fn)(struct fx *f);
};

static const struct tcase cases[] = {
	{"reset_state", t_reset_state}, {"init", t_init}, {"tx_poll", t_tx_poll},
	{"rx_pipe", t_rx_pipe}, {"rx_trigger", t_rx_trigger}, {"rx_flow", t_rx_flow}, {"rx_rts", t_rx_rts}, {"eof_rts", t_eof_rts},
	{"out2_gate", t_out2_gate}, {"thre_irq", t_thre_irq}, {"loopback", t_loopback},
	{"modem_irq", t_modem_irq}, {"fcr", t_fcr}, {"bad_width", t_bad_width},
	{"eof", t_eof}, {"hostile", t_hostile},
};

static int run_cases(const char *only)
{
	int failed = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (only && strcmp(only, cases[i].name) != 0)
			continue;
		struct fx f;
		fx_open(&f);
		const char *e = cases[i].fn(&f);
		fx_close(&f);
		if (e)
			printf("FAIL dev_%s: %s\n", cases[i].name, e);
		else
			printf("ok dev_%s\n", cases[i].name);
		failed |= e != NULL;
	}
	return failed;
}

/* ---- The console on real fds ---- */

/* Service the interrupt: read IIR until nothing is pending, taking every
 * byte while DR; hand each to fn. */
static void drv_service(struct uart *u, void (*fn)(struct uart *u, int c, void *ctx), void *ctx)
{
	int iir;
	while (!((iir = rd(u, UART_IIR)) & UART_IIR_NO_INT)) {
		if ((iir & UART_IIR_ID_MASK) == UART_IIR_RLSI)
			rd(u, UART_LSR);
		while (rd(u, UART_LSR) & UART_LSR_DR)
			fn(u, rd(u, UART_RBR), ctx);
	}
}

/* Wait for input and poll the device until the callback sets *done or
 * the input ends; the irq count tells when to service. */
static void drv_loop(struct uart *u, int *irqs, int *done,
                     void (*fn)(struct uart *u, int c, void *ctx))
{
	int seen = 0;
	while (!*done && !uart_stats(u)->rx_eof) {
		struct pollfd p = {uart_fd(u), POLLIN, 0};
		if (p.fd >= 0)
			poll(&p, 1, 1000);
		uart_poll(u);
		if (*irqs != seen) {
			seen = *irqs;
			drv_service(u, fn, done);
		}
	}
}

static void upcase(struct uart *u, int c, void *ctx)
{
	(void)ctx;
	char s[2] = {(char)toupper(c), 0};
	drv_puts(u, s);
}

static int mode_pipe(void)
{
	int irqs = 0, done = 0;
	struct uart_host h = {irq_cb, &irqs, UART_TTY_RAW};
	struct uart *u = uart_new(0, 1, &h);
	drv_init(u, UART_IER_ERBFI | UART_IER_ELSI);
	drv_puts(u, "sing uart\r\n");
	drv_loop(u, &irqs, &done, upcase);
	int ok = uart_stats(u)->irqs > 0;
	uart_free(u);
	return ok ? 0 : 1;
}

static void tty_key(struct uart *u, int c, void *ctx)
{
	if (c == 'q') {
		*(int *)ctx = 1;
		return;
	}
	char s[2] = {(char)c, 0};
	drv_puts(u, c == '\r' ? "\r\n" : s);
}

static int mode_tty(unsigned flags)
{
	int irqs = 0, done = 0;
	struct uart_host h = {irq_cb, &irqs, flags};
	struct uart *u = uart_new(0, 1, &h);
	struct termios t;
	char line[128];
	drv_init(u, UART_IER_ERBFI);
	if (tcgetattr(0, &t) != 0)
		return 2;
	snprintf(line, sizeof line, "mode icanon=%d echo=%d isig=%d icrnl=%d\r\nready\r\n",
	         !!(t.c_lflag & ICANON), !!(t.c_lflag & ECHO), !!(t.c_lflag & ISIG),
	         !!(t.c_iflag & ICRNL));
	drv_puts(u, line);
	drv_loop(u, &irqs, &done, tty_key);
	drv_puts(u, "\r\nbye\r\n");
	uart_free(u);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((argc == 2 || argc == 3) && strcmp(argv[1], "cases") == 0)
		return run_cases(argc == 3 ? argv[2] : NULL);
	if (argc == 2 && strcmp(argv[1], "pipe") == 0)
		return mode_pipe();
	if (argc >= 2 && strcmp(argv[1], "tty") == 0)
		return mode_tty(argc == 3 && strcmp(argv[2], "nosig") == 0 ? UART_TTY_NOSIG : UART_TTY_RAW);
	fprintf(stderr, "usage: drv cases [NAME] | pipe | tty [nosig]\n");
	return 2;
}
