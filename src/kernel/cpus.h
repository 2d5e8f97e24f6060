/*
 * cpus.h - the kernel's other CPUs: start them (sk_cpus, kernel.h), the
 * loop each runs in its kernel context, and their stop at shutdown.
 *
 * Invariant: a CPU other than 0 runs only threads of its own queues or
 * of SIPs it stole; it never runs the host side (the CLI, init); once
 * stopped it touches nothing of the kernel's again.
 */
#ifndef KERNEL_CPUS_H
#define KERNEL_CPUS_H

#include "sip.h"

/* Shutdown (CPU 0, lock held): every other CPU leaves its loop; the lock
 * is off again when this returns. */
void cpus_stop(struct sk_kernel *k);

/* Ask CPU c's kernel loop for the CPU: the thread running there (if any)
 * gives it back at its next safepoint (sched_preempted), first in line to
 * run again; an idle c wakes.  How CPU 0's loop, which runs the host side
 * (sk_wait), learns that a SIP it waits for ended on another CPU while
 * its own threads compute. */
void cpus_call_back(struct sk_cpu *c);

#endif
