/* uart_tty.c - the terminal under the hosted UART: raw mode while Sing's
 * console driver owns it, the original mode back on uart_free, at exit and
 * on the fatal keyboard and hang-up signals.  See uart.h. */
#include "uart.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;             /* the mode to put back */
static volatile sig_atomic_t saved_fd = -1;
static int hooks_done;

/* The signals that end the process while it may hold the terminal raw. */
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

void uart_tty_restore(void)
{
	int fd = saved_fd;
	if (fd < 0)
		return;
	saved_fd = -1;
	tcsetattr(fd, TCSANOW, &saved);
}

/* Put the terminal back, then let the signal do what it would have done
 * (SA_RESETHAND made it the default again; it is delivered on return). */
static void on_fatal(int sig)
{
	int e = errno;
	uart_tty_restore();
	raise(sig);
	errno = e;
}

static void at_exit(void)
{
	uart_tty_restore();
}

/* Once: atexit, and handlers for the fatal signals nobody else handles. */
static void install_hooks(void)
{
	if (hooks_done)
		return;
	hooks_done = 1;
	atexit(at_exit);
	for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
		struct sigaction old, sa = {0};
		if (sigaction(fatal_signals[i], NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
		    (old.sa_flags & SA_SIGINFO))
			continue;
		sa.sa_handler = on_fatal;
		sa.sa_flags = SA_RESETHAND;
		sigemptyset(&sa.sa_mask);
		sigaction(fatal_signals[i], &sa, NULL);
	}
}

/* Raw input as on a serial line: bytes as typed (CR for Enter, no flow
 * control, 8 bits), no echo, no line editing.  Output processing stays on
 * (a driver sending CR LF shows the same either way, and the host's own
 * diagnostics on stderr stay readable).  Ctrl-Z is always a byte: a
 * stopped Sing would leave the shell a raw terminal. */
static void make_raw(struct termios *t, unsigned flags)
{
	t->c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
	                          ICRNL | IXON | IXOFF);
	t->c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL | ICANON | IEXTEN);
	if (flags == UART_TTY_NOSIG)
		t->c_lflag &= ~(tcflag_t)ISIG;
	if (flags == UART_TTY_NOINTR)   /* the driver's Ctrl-C; Ctrl-\ powers off */
		t->c_cc[VINTR] = _POSIX_VDISABLE;
	t->c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t->c_cflag |= CS8;
	t->c_cc[VMIN] = 1;
	t->c_cc[VTIME] = 0;
	t->c_cc[VSUSP] = _POSIX_VDISABLE;
}

int uart_tty_raw(int fd, unsigned flags)
{
	struct termios t;
	if (flags == UART_TTY_KEEP || saved_fd >= 0 || !isatty(fd) || tcgetattr(fd, &t) != 0)
		return 0;
	saved = t;
	make_raw(&t, flags);
	install_hooks();
	saved_fd = fd;
	if (tcsetattr(fd, TCSANOW, &t) != 0) {
		saved_fd = -1;
		return 0;
	}
	return 1;
}
