/*
 * panic.h - the kernel's own invariant breaks.
 *
 * kpanic() is for bugs in the kernel, never for a SIP's failure (a SIP
 * that fails is stopped by sip_fail in sip.c and the kernel carries on).
 * It must never be reachable from anything a verified program can do.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void kpanic(const char *msg);

#endif
