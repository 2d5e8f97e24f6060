/*
 * console.h - the console at /dev/console, served by the kernel, and its
 * link to the Sing console driver (sys/drivers/console.sg).
 *
 * Clients (the shell, any program) speak, by message name: in Write(u8[]
 * text) -> out Ack(); in Words(u8[] words) -> out Ack() (Tab completion);
 * in ReadLine(u8[] prompt) -> out Line(u8[] text) (without the newline;
 * the prompt is written first).  One reader waits at a time; a line
 * arrives when one is complete.  `print` writes too (con_write).
 *
 * Until a console driver binds /kernel/console/out, output goes to the
 * HAL's console (fd 1: `sing run`, or a boot without a driver) and input
 * comes from the boot loop (sk_console_input).  From then on the console
 * is *routed*: every write, from `print` and from Write alike, is queued
 * in one ring, in order, and handed to the driver as it asks for it
 * (ConsoleOut: in Next() -> out Text(u8[] text)); the driver sends the
 * lines typed on its terminal (ConsoleIn: in Line(u8[] text) -> out
 * Taken(), and Intr() -> Taken() for Ctrl-C: the foreground program is
 * stopped, or at a prompt the reader gets an empty line).  When a reader
 * starts waiting, its prompt and a NUL byte go into the driver's output
 * in one write (no other output between them): the text the driver shows
 * after the last newline is a prompt (it redraws it when other output
 * interrupts the line being typed).  While the driver is down (restarted by init) output waits in
 * the ring (a full ring drops bytes, counted); what is left at shutdown is
 * written straight out.
 *
 * Input flow control: a Line is taken off the driver's channel only while
 * the input buffer has room for a whole line (CON_LINE), and answered Taken
 * only once it has room for the next, so the driver (waiting for Taken)
 * stops reading its UART and the sender waits: no input byte is dropped.
 *
 * Invariant: the reader and the driver's ends are live served ends (their
 * gone hooks clear them).  Nothing here blocks.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "chan.h"

const char *con_check(const struct ly_contract *c);
void con_serve(struct ch_end *e);
void con_write(struct sk_kernel *k, const void *p, unsigned long n);
/* The driver's two links. */
const char *con_out_check(const struct ly_contract *c);
void con_out_serve(struct ch_end *e);
const char *con_in_check(const struct ly_contract *c);
void con_in_serve(struct ch_end *e);
/* Shutdown: write out what the driver did not take. */
void con_flush_host(struct sk_kernel *k);

#endif
