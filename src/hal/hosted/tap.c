/* tap.c - the Linux TAP wire.  See tap.h. */
#include "tap.h"
#include "../../util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TAP_READ_MAX 65536    /* larger than any frame the host sends */

struct tap_wire {
	struct vnet_wire w;
	uint8_t buf[TAP_READ_MAX];
};

static int tap_send(struct vnet_wire *w, const uint8_t *frame, size_t len)
{
	ssize_t n = write(w->fd, frame, len);
	return n == (ssize_t)len ? 0 : -1;
}

static int tap_poll(struct vnet_wire *w, uint8_t *buf, size_t cap)
{
	struct tap_wire *t = (struct tap_wire *)w;
	for (;;) {
		ssize_t n = read(w->fd, t->buf, sizeof t->buf);
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
		if (n == 0)
			return 0;
		if ((size_t)n <= cap) {
			memcpy(buf, t->buf, (size_t)n);
			return (int)n;
		}
		/* longer than the device takes: dropped, try the next one */
	}
}

static void tap_close(struct vnet_wire *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

static const struct vnet_wire_ops tap_ops = {"tap", tap_send, tap_poll, tap_close};

struct vnet_wire *tap_open(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	if (!*name || strlen(name) >= sizeof ifr.ifr_name) {
		snprintf(err, errlen, "tap:%s: bad interface name", name);
		return NULL;
	}
	int fd = open(TAP_DEVICE, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", TAP_DEVICE, strerror(errno));
		return NULL;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "tap:%s: TUNSETIFF: %s", name, strerror(errno));
		close(fd);
		return NULL;
	}
	struct tap_wire *t = xcalloc(1, sizeof *t);
	t->w.ops = &tap_ops;
	t->w.fd = fd;
	return &t->w;
}
