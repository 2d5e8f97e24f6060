/*
 * fmt.h - number formatting for the kernel, the same on every HAL: the
 * shortest decimal text of an f64 that reads back as exactly that value.
 *
 * The text is what the shortest round-tripping "%.<p>g" of C's printf
 * gives (p = 1..17, digits correctly rounded, ties to even; "inf",
 * "-inf", "nan", "-nan", "-0"), computed exactly with a small big-number
 * arithmetic: no libc, no floating-point arithmetic, no table.
 * Must never depend on the host's printf or rounding mode.
 */
#ifndef KERNEL_FMT_H
#define KERNEL_FMT_H

#include <stddef.h>

/* Write the text (NUL-terminated, cut to n - 1 bytes) into buf; its length. */
size_t fmt_f64(char *buf, size_t n, double d);

#endif
