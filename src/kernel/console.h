/*
 * console.h - the kernel-side console at /dev/console: until the Sing
 * console driver (sys/drivers/) owns the terminal through the UART model,
 * the kernel serves it.  Output goes to the HAL's console; input comes
 * from the boot loop (sk_console_input) and is handed out a line at a time.
 *
 * Contract, by message name: in Write(u8[] text) -> out Ack(); in
 * ReadLine() -> out Line(u8[] text) (without the newline).  One reader
 * waits at a time; a line arrives when one is complete.
 *
 * Invariant: the reader is a live served end (its gone hook clears it).
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "chan.h"

const char *con_check(const struct ly_contract *c);
void con_serve(struct ch_end *e);
void con_write(struct sk_kernel *k, const void *p, unsigned long n);

#endif
