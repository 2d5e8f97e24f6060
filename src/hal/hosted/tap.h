/*
 * tap.h - a wire that is a Linux TAP interface (/dev/net/tun with
 * IFF_TAP | IFF_NO_PI): each write sends one Ethernet frame into the host's
 * network stack, each read takes one frame the host sent out of it.
 *
 * Invariant: the descriptor is non-blocking, so poll returns 0 at once when
 * nothing waits, and a full queue loses the frame rather than stalling.
 * It must never block the device model, and never touch an interface other
 * than the one it was opened by name (the caller chooses the network
 * namespace by where it runs).
 */
#ifndef HAL_HOSTED_TAP_H
#define HAL_HOSTED_TAP_H

#include "vnet.h"

#define TAP_DEVICE "/dev/net/tun"

/* Attach to (creating if needed) the TAP interface name.  NULL with a
 * reason in err on failure. */
struct vnet_wire *tap_open(const char *name, char *err, size_t errlen);

#endif
