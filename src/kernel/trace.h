/*
 * trace.h - the kernel's event recorder: what ran where and why, every
 * message, channel, collection and failure, into fixed-size per-CPU rings
 * that a converter (src/cli/tracefile.c, `sing trace`) turns into the
 * Chrome trace-event JSON that ui.perfetto.dev and chrome://tracing open.
 *
 * Off, an event site costs one load and one predictable branch: TR_ON(k)
 * tests a bit of tr_mask, which is 0 until tr_start.  On, an event is 32
 * bytes written at the CPU's ring head (the oldest event is overwritten
 * when the ring is full; the dump says how many were lost): no lock (each
 * CPU writes only its own ring, index hal_cpu_id(); a converter merges
 * them by time stamp and keeps each CPU's running thread apart), no
 * allocation (a ring for each CPU the HAL has, and the string table, are
 * allocated by tr_start).  Names (SIPs, contracts, messages, paths) are copied into
 * a bounded string table when first seen, at channel creation, SIP start
 * and name-service binds, never on a message's path, so a dump is
 * self-contained: it can be taken after the kernel shut down, or on bare
 * metal sent over a serial line and converted elsewhere.
 *
 * The dump (tr_dump) is the same bytes on every HAL (docs/tracing.md
 * "The dump format"); timestamps are hal_cycles() (the cost table's
 * counter), with two (cycles, ns) pairs to convert them.
 *
 * Invariant: the recorder never calls back into the kernel, never blocks,
 * never allocates after tr_start.  Must never: be reached from generated
 * code, or read kernel records at dump time (they may be gone).
 */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <stddef.h>
#include <stdint.h>

/* Event kinds: name, filter class, and what a, p, q carry. */
#define TR_KINDS(X) \
	X(SWITCH,    "sched",  "x reason, p from thread, q to thread (0: the kernel)") \
	X(THREAD,    "sched",  "a pid, p thread") \
	X(PREEMPT,   "sched",  "a pid, p thread: the timer asked it to leave (a SWITCH follows)") \
	X(SIP_START, "sip",    "a pid, p name string, q exchange-heap live bytes") \
	X(SIP_EXIT,  "sip",    "a pid, x 0 or 1 + why it failed, p status | name string << 32, q exchange-heap live bytes") \
	X(SIP_FAIL,  "fail",   "a pid, x why (enum sing_failure), p function string, q message string") \
	X(SEND,      "msg",    "a message, x slot, p contract, q receiving endpoint") \
	X(RECV,      "msg",    "a message, x slot, p contract, q endpoint") \
	X(CH_NEW,    "chan",   "p contract, q importing endpoint") \
	X(CH_CLOSE,  "chan",   "a messages dropped, q endpoint") \
	X(GC_BEGIN,  "gc",     "a pid, p heap bytes mapped, q live bytes at the last collection") \
	X(GC_END,    "gc",     "a pid, p live bytes, q live objects") \
	X(BUDGET,    "budget", "a pid, p bytes asked for, q limit") \
	X(IRQ,       "irq",    "a line") \
	X(NS_BIND,   "ns",     "a client pid, p path string, q provider pid") \
	X(RESTART,   "restart", "a pid, p name string") \
	X(XH_BYTES,  "chan",   "q exchange-heap live bytes")

enum tr_kind {
#define TR_X(k, cls, what) TR_##k,
	TR_KINDS(TR_X)
#undef TR_X
	TR__COUNT
};

/* Why a thread left the CPU (TR_SWITCH's x). */
#define TR_REASONS(X) X(DISPATCH, "dispatch") X(YIELD, "yield") X(BLOCK, "block") \
	X(EXIT, "exit")
enum tr_reason {
#define TR_X(r, name) TR_R_##r,
	TR_REASONS(TR_X)
#undef TR_X
};

struct tr_event {                 /* 32 bytes, little-endian in a dump */
	uint64_t ts;                  /* hal_cycles() */
	uint8_t kind, cpu;
	uint16_t x;
	uint32_t a;
	uint64_t p, q;
};

#define TR_MAXCPU 8               /* rings in a dump (the kernel's SK_NCPU) */

/* Which kinds record (bit 1 << kind); 0 when tracing is off. */
extern uint32_t tr_mask;

#define TR_ON(kind) __builtin_expect((tr_mask >> (kind)) & 1u, 0)
/* Any of several kinds records (one test): TR_ANY(TR_BIT(a) | TR_BIT(b)). */
#define TR_BIT(kind) (1u << (kind))
#define TR_ANY(bits) __builtin_expect((tr_mask & (bits)) != 0, 0)
/* One event; the off path is TR_ON's branch. */
#define TR_EVENT(kind, x, a, p, q) \
	do { if (TR_ON(kind)) tr_emit((kind), (x), (a), (uint64_t)(p), (uint64_t)(q)); } while (0)
/* Events carrying a name (copied once into the string table). */
#define TR_NAMED(kind, a, name, q) \
	do { if (TR_ON(kind)) tr_emit((kind), 0, (a), tr_str(name), (uint64_t)(q)); } while (0)
#define TR_CHAN(con, imp) \
	do { if (TR_ON(TR_CH_NEW)) tr_chan((con), (imp)); } while (0)

/* Start recording the kinds in mask, events_per_cpu (rounded up to a power
 * of two) per ring, one ring per CPU of hal_cpu_count() (at most
 * TR_MAXCPU), strings bytes of names.  -1 if memory is short. */
int tr_start(uint32_t mask, uint32_t events_per_cpu, uint32_t strings);
/* Stop recording and free the rings. */
void tr_stop(void);
void tr_emit(unsigned kind, unsigned x, uint32_t a, uint64_t p, uint64_t q);
/* The string-table offset of a copy of s (0: the empty string, also when
 * the table is full). */
uint64_t tr_str(const char *s);
struct ly_contract;
/* Channel created: name the contract and its messages once, then CH_NEW. */
void tr_chan(const struct ly_contract *con, const void *imp);

/* The dump, written as bytes through put (docs/tracing.md). */
void tr_dump(void (*put)(void *ctx, const void *p, size_t n), void *ctx);
/* Events recorded so far on cpu and how many of them the ring lost. */
uint64_t tr_written(unsigned cpu);
uint64_t tr_lost(unsigned cpu);
/* A kind by its name or its class ("msg", "SEND"): a mask, 0 if none. */
uint32_t tr_kind_mask(const char *word, size_t n);
const char *tr_kind_name(unsigned kind);

/* Cost of n events into the live rings (tracing must be on): ns total. */
int64_t tr_bench(uint32_t n);

#endif
