/*
 * console.h - what the kernel keeps of the console: its own output path,
 * and the two services only it can give the console multiplexer.
 *
 * The console itself, /dev/console (its clients, the reader waiting for a
 * line, Tab completion, Ctrl-C at a prompt), is the console multiplexer's,
 * a SIP (sys/services/conmux.sg) providing /dev/console and the console
 * driver's links /dev/console/out and /dev/console/in (docs/system.md
 * "The console").  The kernel keeps:
 *
 * - Its own output: every `print`, the kernel's and init's lines
 *   (con_write).  Until a multiplexer binds /kernel/console/out (at its launch, before
 *   it runs: nothing the kernel writes can then come between a driver's
 *   bytes on the terminal) they go straight to the HAL's console (fd 1:
 *   `sing run`, a system without a multiplexer); from then on (*routed*)
 *   they are queued in one ring, in order, and handed to the multiplexer
 *   as it asks (ConsoleOut: in Next()
 *   -> out Text(u8[] text)).  While the multiplexer is down (restarted by
 *   init) output waits in the ring (a full ring drops bytes, counted);
 *   what is left at shutdown is written straight out, as is everything
 *   after sk_console_direct.
 * - /kernel/console/ctl: Intr() -> Stopped(i32 n) stops the foreground
 *   program; Programs() -> Names(u8[]) lists the installed programs;
 *   Quiet(i32) -> Noted() says whether all the multiplexer took has gone
 *   to a driver that asks for more (sk_console_drained).
 * - The host terminal as the console's device when there is no console
 *   driver (sk_console_host): the kernel binds the multiplexer's
 *   /dev/console/out and /in itself, writes each Text to fd 1, and sends
 *   the lines init reads from fd 0 as Line, one at a time: the next only
 *   after Taken, and init reads only while the buffer has room, so no
 *   input byte is dropped.
 *
 * Invariant: the ends kept here are live (their gone hooks clear them).
 * Nothing here blocks.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "chan.h"

void con_write(struct sk_kernel *k, const void *p, unsigned long n);
/* /kernel/console/out and /kernel/console/ctl (capability console.mux). */
const char *con_out_check(const struct ly_contract *c);
void con_out_serve(struct ch_end *e);
/* The multiplexer bound /kernel/console/out (at its launch, before it
 * runs): the kernel's output is routed to it from now on. */
void con_routed(struct sk_kernel *k, const struct ly_contract *con, const char *path);
const char *con_ctl_check(const struct ly_contract *c);
void con_ctl_serve(struct ch_end *e);
/* The multiplexer provided path (/dev/console/out or /in), whose clients
 * speak con: with the host terminal as the device, the kernel binds it. */
void con_device_came(struct sk_kernel *k, const struct ly_contract *con, const char *path);
/* Shutdown: write out what the multiplexer did not take. */
void con_flush_host(struct sk_kernel *k);

#endif
