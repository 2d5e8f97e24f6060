/*
 * hal.h - the hardware abstraction layer: everything host-specific the
 * kernel needs, behind one small interface.  src/hal/hosted/ implements it
 * on Linux (mmap, clock_gettime, write), src/hal/pc/ on a bare x86-64 PC
 * (docs/baremetal.md); src/hal/x86_64/ holds what both share (context
 * switch, ABI stubs, the stack call).
 *
 * Invariant: the kernel core (src/kernel/) reaches the host only through
 * these functions; it includes no libc header beyond the freestanding set.
 * The HAL must never call back into the kernel except through the function
 * pointers it is handed (context entry, stack calls).
 */
#ifndef HAL_HAL_H
#define HAL_HAL_H

#include <stddef.h>
#include <stdint.h>

/* Kernel-private memory (records, tables): like malloc/free. */
void *hal_alloc(size_t n);          /* zeroed; NULL on exhaustion */
void hal_free(void *p);

/* Page-granular memory for GC chunks and stack segments. */
#define HAL_PAGE 4096u
void *hal_map(size_t n);            /* zeroed, page aligned; NULL on exhaustion */
/* As hal_map, for memory about to be written whole: its pages are present
 * at once (a host maps them in one call instead of a fault per page).
 * flags HAL_HUGE: n is a multiple of HAL_HUGE_SIZE, and the memory is
 * aligned to it and backed by huge pages where the machine has them (a
 * virtualised host spent ~6 us on the first touch of each 4 KiB page:
 * one 2 MiB page costs what a dozen small ones do).  hosted: an aligned
 * mmap, madvise(MADV_HUGEPAGE), then populated; pc: nothing to do (its
 * memory is identity-mapped with 2 MiB pages, all present). */
#define HAL_HUGE 1u
#define HAL_HUGE_SIZE (2u << 20)
void *hal_map_now(size_t n, unsigned flags);
/* May span adjacent hal_map(_now) results, or be part of one (a huge
 * mapping is then split, which stays correct). */
void hal_unmap(void *p, size_t n);
/* Device-reachable memory for DMA regions (dma.new): zeroed, page aligned,
 * at a device address a legacy virtio queue PFN can name (hosted: a host
 * address below 2 GiB, which under ASan is also outside the shadow).  n is
 * a multiple of HAL_PAGE.  NULL on exhaustion. */
void *hal_dma_map(size_t n);
void hal_dma_unmap(void *p, size_t n);

/* The console and the clock. */
void hal_write(int fd, const void *buf, size_t n);   /* fd 1 console, 2 diagnostics */
int64_t hal_clock_ns(void);                          /* monotonic */
/* The cycle counter the cost table reads (x86-64: rdtsc), for trace time
 * stamps: cheap, monotonic on one CPU; its rate is learnt against
 * hal_clock_ns.  A HAL without one returns hal_clock_ns(). */
uint64_t hal_cycles(void);
/* Console input: wait up to timeout_ns for bytes (0: just look); the
 * count read, 0 if none came, -1 at end of input. */
long hal_console_read(void *buf, size_t n, int64_t timeout_ns);
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void hal_abort(void);                                /* stop the machine */

/*
 * The machine's devices: a fixed table, the same on every HAL, of I/O port
 * ranges and interrupt lines (docs/kernel.md "The HAL device table"):
 *   0 com1       ports 0x3f8..0x3ff   IRQ 4    16550 UART (the console)
 *   1 virtio-net ports 0xc000..0xc01f IRQ 11   legacy virtio-net, BAR0
 * hal_dev_open attaches the devices present (hosted: COM1 on the terminal,
 * fds 0 and 1; virtio-net only when wire names one: "pcap:OUT[,in=IN]" or
 * "tap:NAME"; a HAL with real devices ignores wire, which may be NULL).  A device
 * raising its line calls irq(ctx, line), which may run inside hal_dev_in,
 * hal_dev_out or hal_dev_idle and must only record the line.  Accesses are
 * to a present device at an offset the caller checked against its range.
 */
struct hal_dev { const char *name; uint32_t base, len, irq; };
uint32_t hal_dev_count(void);
const struct hal_dev *hal_dev(uint32_t i);           /* NULL past the table */
/* A device's DMA goes through dma(ctx, i, addr, len): the host pointer for
 * device i's range [addr, addr+len), or NULL if it may not touch it (the
 * device then fails).  Like irq it runs inside hal_dev_out/hal_dev_idle. */
void hal_dev_open(void (*irq)(void *ctx, uint32_t line),
                  void *(*dma)(void *ctx, uint32_t i, uint64_t addr, size_t len), void *ctx,
                  const char *wire);
void hal_dev_close(void);                            /* restores the terminal */
/* Stop device i's DMA for good until it is programmed again (virtio:
 * status 0); no-op for a device without DMA or not present. */
void hal_dev_reset(uint32_t i);
int hal_dev_present(uint32_t i);
uint32_t hal_dev_in(uint32_t i, uint32_t off, unsigned width);
void hal_dev_out(uint32_t i, uint32_t off, unsigned width, uint32_t v);
/* Idle: wait up to timeout_ns until a device has input, then let every
 * device take its input in (which may raise lines).  1 if some did, 0 if
 * none, -1 once the console's input has ended for good (hosted: the
 * terminal or pipe on fd 0 closed; never on a real serial line). */
int hal_dev_idle(int64_t timeout_ns);
/* A driver waits for line's next interrupt (issue 13, docs/kernel.md
 * "Interrupts on the driver's CPU"): the kernel calls hal_dev_wait at each
 * Wait on the line's endpoint, from the driver's CPU, cpu.  The line's
 * interrupts go to that CPU from now on, so they land where its Fired
 * wakes the driver.  pc: the I/O APIC redirection entry's destination
 * (only when it changed; with the 8259s, or a CPU not running, it stays),
 * and a level-triggered line, held masked since its last interrupt, is
 * unmasked here: its driver has acknowledged the device, so it cannot
 * fire again and again before (an edge line is unmasked at delivery,
 * since a masked edge is lost).  Hosted: nothing (a device raises its
 * line on whichever CPU polls or accesses it).
 * hal_dev_irqs counts line's interrupts taken on cpu so far (pc: those
 * arriving at that CPU; hosted: raised by a device polled or accessed
 * there): what `ps` shows and tests check. */
void hal_dev_wait(uint32_t line, unsigned cpu);
uint64_t hal_dev_irqs(uint32_t line, unsigned cpu);

/* Memory for compiled program code, which the kernel's own ELF loader
 * (src/kernel/elf.c) fills and relocates: zeroed, page aligned, readable
 * and writable; n is a multiple of HAL_PAGE.  NULL on exhaustion.
 * hal_code_exec then makes the pages [p, p+n) of such a region readable
 * and executable (hosted: no longer writable; bare metal, where memory is
 * identity-mapped RWX, nothing to do); 0, or -1 on failure. */
void *hal_code_map(size_t n);
int hal_code_exec(void *p, size_t n);
void hal_code_unmap(void *p, size_t n);

/*
 * User-level context switch (x86-64 SysV in x86_64/ctx.S, shared
 * by both HALs).  A context is
 * its saved stack pointer; the callee-saved registers sit on its stack.
 * hal_ctx_init prepares ctx to start fn(arg) on the stack ending at top;
 * fn must never return (switch away instead).
 */
struct hal_ctx { void *sp; };
void hal_ctx_init(struct hal_ctx *ctx, void *top, void (*fn)(void *), void *arg);
void hal_ctx_switch(struct hal_ctx *from, struct hal_ctx *to);

/* Call fn(a, b) with the stack pointer moved to top (16-byte aligned),
 * then come back to the caller's stack: how a linked stack grows. */
void hal_stack_call(void *top, void (*fn)(void *, void *), void *a, void *b);

/* The preemption timer: tick(arg) every period_ns from a host thread (or
 * an interrupt) until hal_timer_stop, which returns once no tick runs.
 * tick may only write words the kernel keeps valid until then. */
void hal_timer_start(int64_t period_ns, void (*tick)(void *), void *arg);
void hal_timer_stop(void);

/* The machine's interrupt key (hosted: SIGINT, Ctrl-C on a terminal the
 * console driver does not own).  After hal_intr_catch, each one is
 * counted instead of ending the process; hal_intr_pending says whether
 * one waits (a tick may read it), hal_intr_take takes it.  A second one
 * arriving while the first still waits means the kernel is not listening:
 * the host then ends as the signal would have ended it. */
void hal_intr_catch(void);
int hal_intr_pending(void);
int hal_intr_take(void);

/*
 * CPUs (issue 13; docs/kernel.md "Every CPU").  CPU 0 is the one main()
 * or the boot code runs on; the others are started by hal_cpu_start.
 *   hal_cpu_count   the CPUs this HAL can run (hosted: the CPUs the process
 *                   may run on, at most HAL_MAX_CPUS; pc: the enabled local
 *                   APICs of the ACPI MADT, at most HAL_MAX_CPUS; 1 if none).
 *   hal_cpu_id      the CPU running the caller, 0..count-1 (hosted: a
 *                   thread-local set when the host thread started).
 *   hal_cpu_start   CPU i (0 < i < count) runs fn(arg) on a stack of its own
 *                   and never returns from it; 0, or -1 if it cannot start.
 *                   Hosted: a host thread, pinned to a host CPU where allowed;
 *                   if fn returns (the kernel lets its CPUs go at shutdown,
 *                   src/kernel/cpus.c) the host thread ends and CPU i may be
 *                   started again by a later kernel in the same process.
 *                   pc: INIT-SIPI-SIPI through the local APIC.
 *   hal_cpu_sleep   the calling CPU waits while *word == seen, at most
 *                   timeout_ns (< 0: no limit), or until hal_cpu_wake of it;
 *                   returns at once if *word != seen on entry (no lost
 *                   wake-up: a waker changes *word, then calls hal_cpu_wake).
 *                   May return early (spurious); callers loop.  Hosted: a
 *                   futex; pc: sti;hlt with the check made interrupts off.
 *   hal_cpu_wake    CPU i leaves hal_cpu_sleep (pc: an IPI).  Any CPU may
 *                   call it, for any CPU, from any context except a tick.
 *   hal_cpu_relax   the caller has spun a while for a lock another CPU
 *                   holds.  Hosted: give the host CPU away (sched_yield):
 *                   kernel CPUs are host threads, and the holder may be
 *                   one the host put off to run this very spinner; pc: a
 *                   pause (a CPU there is a CPU).
 * hal_timer_start's tick keeps its meaning: it runs (on some CPU or host
 * thread) every period and may touch any CPU's words the kernel keeps
 * valid; the pc HAL may drive it from one CPU's local APIC timer.
 */
#define HAL_MAX_CPUS 64
unsigned hal_cpu_count(void);
unsigned hal_cpu_id(void);
int hal_cpu_start(unsigned i, void (*fn)(void *), void *arg);
void hal_cpu_sleep(const uint32_t *word, uint32_t seen, int64_t timeout_ns);
void hal_cpu_wake(unsigned i);
void hal_cpu_relax(void);

/* The host process's resident memory now and at its peak (bytes; for
 * tests and benchmarks, 0 where unknown). */
uint64_t hal_rss_bytes(void);

/* Sanitizer fiber annotations around every stack switch.  fake == NULL in
 * start means the stack being left is finished for good.  Without
 * AddressSanitizer they do nothing, and are inline so that a switch (two
 * per message round trip) pays no call for them (finish reports no
 * bounds). */
#if defined(__SANITIZE_ADDRESS__)
#define HAL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAL_ASAN 1
#endif
#endif
#ifdef HAL_ASAN
void hal_fiber_start(void **fake, const void *bottom, size_t size);
void hal_fiber_finish(void *fake, const void **bottom, size_t *size);
#else
static inline void hal_fiber_start(void **fake, const void *bottom, size_t size)
{
	(void)fake, (void)bottom, (void)size;
}

static inline void hal_fiber_finish(void *fake, const void **bottom, size_t *size)
{
	(void)fake;
	if (bottom)
		*bottom = NULL;
	if (size)
		*size = 0;
}
#endif
/* ThreadSanitizer's fibers (no-ops unless the kernel is built with TSan,
 * `make build/tsan/sing`): a context's fiber is made once per record and
 * switched to right before hal_ctx_switch enters it; a CPU's kernel
 * context is the host thread's own fiber (hal_tsan_fiber_self). */
void *hal_tsan_fiber_new(void);
void *hal_tsan_fiber_self(void);
void hal_tsan_fiber_free(void *f);
void hal_tsan_switch(void *f);
/* Forget sanitizer state for a stack region about to be reused or freed. */
void hal_stack_forget(void *lo, size_t n);

#endif
