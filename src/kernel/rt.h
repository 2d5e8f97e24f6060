/*
 * rt.h - the runtime interface between generated code and the kernel.
 *
 * This one file is the single source of truth for everything compiled SIL
 * code may know about the kernel: scalar type names, object layouts, the
 * thread record it polls, the type-info table it exports, the failure
 * reasons, and the ABI (the only functions it may call).  The kernel
 * includes it; the backend embeds its text verbatim at the top of every
 * generated C file (see the Makefile rule for build/gen/rt_h.inc); the
 * symbol check compares a compiled object's undefined symbols with the ABI
 * list below; src/hal/x86_64/abi_stub.S expands the same list to build the
 * transition-record stubs.
 *
 * Invariant: nothing here may depend on libc (only the compiler's
 * freestanding headers), because generated code is compiled -ffreestanding
 * -nostdlib.  Changing a layout here changes every cached object: bump
 * SING_RT_VERSION.
 */
#ifndef SING_RT_H
#define SING_RT_H

#define SING_RT_VERSION 14

/* Offset of sing_thread.trans_sp, used by the assembly stubs. */
#define SING_T_TRANS_SP 16
/* Offset of the kernel's word "switched to since the call began", in the
 * kernel's thread record past struct sing_thread (SWITCH stubs below;
 * sip.h asserts it).  Not for generated code. */
#define SING_T_RESUMED 404
/* And the parked round trip's (sip.h; the sing_sendsel stub): what its
 * receive returns, its context, the thread the stub switches to.  The
 * kernel (ch_sendsel, sing_sendsel_k) returns SING_SENDSEL_SWITCH to
 * have the stub park the caller and switch to t's handoff; a parked
 * thread's result is SING_SENDSEL_PENDING until a sender delivers into
 * its receive.  Not for generated code. */
#define SING_T_RESULT 380
#define SING_T_CTX 384
#define SING_T_HANDOFF 392
/* The jump site a SWITCH stub takes back into the SIP's code when the
 * thread resumes after a switch (abi_stub.S STUB_SITE_JUMP): 0 or 1, the
 * other of the thread switched from.  Not for generated code. */
#define SING_T_SITE 400
#define SING_SENDSEL_SWITCH (-2)
#define SING_SENDSEL_PENDING (-3)
/* With several CPUs, the switch when t->handoff resumes straight in its
 * SIP's code: the stub lets go of the kernel lock (klock_release_parked) once
 * it is on that thread's stack (docs/kernel.md "Parking with several
 * CPUs").  SING_SENDSEL_SWITCH there hands the lock over, as a switch
 * does. */
#define SING_SENDSEL_SWITCH_UNLOCK (-4)
/* SING_SENDSEL_SWITCH when t->handoff parked at its own stub with its
 * result (one CPU): its context is bare, the return address into its
 * SIP's code with no registers to pop (abi_stub.S STUB_SENDSEL). */
#define SING_SENDSEL_SWITCH_PARKED (-5)

/* Frames up to this many bytes (as the backend estimates them) are
 * checked after the prologue built them; larger ones before (a wrapper). */
#define SING_SMALL_FRAME 2048

/* The type index of string (SIL builtin 11): the header of every string. */
#define SING_TYPE_STRING 11

/*
 * The ABI: X(name, return type, parameter list, kind).
 *   GC     may allocate on the GC heap and so collect: reached through an
 *          assembly stub that pushes the callee-saved registers and records
 *          the stack pointer in the thread's transition record (trans_sp),
 *          then calls name_k, the kernel's C implementation.  At most six
 *          integer arguments (no stack arguments) for the stub to stay simple.
 *   SWITCH a GC call that may switch to another thread (a receive that
 *          blocks, a yield): the same stub, which returns by an indirect
 *          jump instead of `ret` when the thread was switched out and back
 *          meanwhile.  The return stack then predicts the return into the
 *          thread that left, so the `ret` would be mispredicted; the jump's
 *          target is predicted by branch history, which tells the two
 *          threads of a ping-pong apart (docs/performance.md, session 31).
 *          A call that did not switch returns by `ret`, as predicted.
 *   SENDSEL  sing_sendsel's: a SWITCH stub that also makes the switch
 *          itself when name_k returns SING_SENDSEL_SWITCH (the thread
 *          parks at the stub: docs/kernel.md "The round trip parked at
 *          its stub").  Called only as sing_sendsel_call (below) calls
 *          it: every register but rsp is the stub's, and it saves none.
 *   NORET  never returns (the SIP is stopped).
 *   PLAIN  an ordinary call into the kernel.
 */
#define SING_ABI(X) \
	X(sing_fail,      void,   (struct sing_thread *t, int32_t why, const char *fn), NORET) \
	X(sing_panic,     void,   (struct sing_thread *t, struct sing_str *msg, const char *fn), NORET) \
	X(sing_safepoint, void,   (struct sing_thread *t), GC) \
	X(sing_morestack, void,   (struct sing_thread *t, void (*fn)(struct sing_thread *, void *), void *frame, uint64_t need, const char *fn_name), GC) \
	X(sing_new,       void *, (struct sing_thread *t, uint32_t type, const char *fn), GC) \
	X(sing_newarr,    void *, (struct sing_thread *t, uint32_t type, int64_t len, const char *fn), GC) \
	X(sing_strcat,    struct sing_str *, (struct sing_thread *t, struct sing_str *a, struct sing_str *b, const char *fn), GC) \
	X(sing_strcatn,   struct sing_str *, (struct sing_thread *t, const struct sing_strpart *parts, uint32_t n, const char *fn), GC) \
	X(sing_tostr_i,   struct sing_str *, (struct sing_thread *t, int64_t v, const char *fn), GC) \
	X(sing_tostr_u,   struct sing_str *, (struct sing_thread *t, uint64_t v, const char *fn), GC) \
	X(sing_tostr_f,   struct sing_str *, (struct sing_thread *t, double v, const char *fn), GC) \
	X(sing_tostr_b,   struct sing_str *, (struct sing_thread *t, int32_t v, const char *fn), GC) \
	X(sing_substr,    struct sing_str *, (struct sing_thread *t, struct sing_str *s, int64_t from, int64_t len, const char *fn), GC) \
	X(sing_strbytes,  void *, (struct sing_thread *t, uint32_t type, struct sing_str *s, const char *fn), PLAIN) \
	X(sing_bytestr,   struct sing_str *, (struct sing_thread *t, void *bytes, const char *fn), GC) \
	X(sing_print,     void,   (struct sing_thread *t, struct sing_str *s, const char *fn), PLAIN) \
	X(sing_clock,     int64_t, (struct sing_thread *t), PLAIN) \
	X(sing_yield,     void,   (struct sing_thread *t), SWITCH) \
	X(sing_xnew,      void *, (struct sing_thread *t, uint32_t type, const char *fn), PLAIN) \
	X(sing_xnewarr,   void *, (struct sing_thread *t, uint32_t type, int64_t len, const char *fn), PLAIN) \
	X(sing_delete,    void,   (struct sing_thread *t, void *x, const char *fn), PLAIN) \
	X(sing_xsplit,    void *, (struct sing_thread *t, void *x, int64_t idx, const char *fn), PLAIN) \
	X(sing_chnew,     void *, (struct sing_thread *t, uint32_t imp_type, void **exp, const char *fn), PLAIN) \
	X(sing_send,      void,   (struct sing_thread *t, void *ep, uint32_t msg, union sing_slot *args, const char *fn), PLAIN) \
	X(sing_select,    int32_t, (struct sing_thread *t, const struct sing_case *cases, uint32_t n, union sing_slot *out, const char *fn), SWITCH) \
	X(sing_sendsel,   int32_t, (struct sing_thread *t, const struct sing_case *cases, uint32_t n, union sing_slot *io, const char *fn), SENDSEL) \
	X(sing_spawn,     void,   (struct sing_thread *t, void (*start)(struct sing_thread *, union sing_slot *), union sing_slot *args, uint32_t n, const char *fn), PLAIN) \
	X(sing_io_in,     uint32_t, (struct sing_thread *t, void *port, int64_t off, uint32_t width, const char *fn), PLAIN) \
	X(sing_io_out,    void,   (struct sing_thread *t, void *port, int64_t off, uint32_t width, uint32_t v, const char *fn), PLAIN) \
	X(sing_dma_new,   void *, (struct sing_thread *t, uint32_t type, int64_t len, const char *fn), PLAIN) \
	X(sing_dma_addr,  uint64_t, (struct sing_thread *t, void *x, const char *fn), PLAIN) \
	X(sing_esnew,     void *, (struct sing_thread *t, uint32_t type, const char *fn), PLAIN) \
	X(sing_esadd,     void,   (struct sing_thread *t, void *set, void *ep, void *val, const char *fn), PLAIN) \
	X(sing_essize,    int32_t, (struct sing_thread *t, void *set, const char *fn), PLAIN) \
	X(sing_ns_connect, int32_t, (struct sing_thread *t, void *prov, void *client, const char *fn), PLAIN) \
	X(sing_remember,  void,   (struct sing_thread *t, void *obj, void **slot), PLAIN) \
	X(sing_shade,     void,   (struct sing_thread *t, void *obj), PLAIN)

/* Compiler support routines gcc/clang may emit calls to even under
 * -ffreestanding (block copies and clears); the kernel provides them. */
#define SING_ABI_SUPPORT(X) X(memcpy) X(memmove) X(memset) X(memcmp)

/* Why a SIP failed: X(name, message). */
#define SING_FAILURES(X) \
	X(BOUNDS,      "array index out of bounds") \
	X(SUBSTR,      "substring out of bounds") \
	X(NULLREF,     "null dereference") \
	X(DIVZERO,     "division by zero") \
	X(NEGLEN,      "negative array length") \
	X(CELL_EMPTY,  "cell is empty") \
	X(CELL_FULL,   "cell is full") \
	X(FIELD_EMPTY, "exchange-heap field is empty") \
	X(FIELD_FULL,  "exchange-heap field is full") \
	X(HEAP,        "memory budget exceeded (heap); raise the manifest's `budget` line") \
	X(STACK,       "memory budget exceeded (stack); raise the manifest's `budget` line") \
	X(UNREACHABLE, "reached code the verifier proved unreachable (a kernel bug)") \
	X(CHANNEL,     "channel queue overflow (contract broken)") \
	X(DEADLOCK,    "deadlock: every thread is blocked") \
	X(PANIC,       "panic") \
	X(KILLED,      "killed") \
	X(IOPORT,      "I/O port access outside the claimed range") \
	X(CONTRACT,    "contract violation") \
	X(OWNER,       "exchange-heap block not owned by this SIP")

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

typedef int8_t i8;
typedef int16_t i16;
typedef int32_t i32;
typedef int64_t i64;
typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef double f64;

enum sing_failure {
#define SING_X(e, msg) SING_F_##e,
	SING_FAILURES(SING_X)
#undef SING_X
	SING_F__COUNT
};

/*
 * The part of a kernel thread that generated code touches.  The kernel's
 * own thread record embeds it first.
 *   poll         nonzero asks the thread to call sing_safepoint at the next
 *                loop back-edge (a load and a predictable branch).
 *   stack_limit  the lowest stack pointer a function may start with in the
 *                current segment; below it sit the reserve for ABI calls.
 *   marking      while the collector marks the old generation incrementally:
 *                the epoch mark bit (SING_H_MARK or SING_H_MARK2) of the
 *                objects it has not reached yet (white); 0 otherwise.  The
 *                write barrier shades an overwritten white reference.
 *   trans_sp     the transition record: the SIP's stack pointer at its last
 *                GC-kind ABI call, above which lie only SIP frames.
 *   xpark        small exchange-heap arrays this thread deleted, one per
 *                slot (sing_xpark_put), for its next new ones.
 *   xlay         the SIP's exchange-heap layouts by type index (the
 *                kernel's, opaque here): what a parked array is compared with.
 */
/* A run of zeroed free slots of one size class in the GC heap: objects of
 * that class are bumped from cur while they fit before end (0, 0: none). */
struct sing_ab { uintptr_t cur, end; };
#define SING_NAB 16   /* classes 16, 32, ... 256 bytes: ab[size / 16 - 1] */

/* Parked arrays: a slot per 16 bytes of elements, 0 to 144 (an object
 * of at most 256 bytes, xalloc's small classes; exheap.c asserts it). */
#define SING_XPARK 10
#define SING_XPARK_MAX 144
#define SING_XPARK_SLOT(size) (((size) + 15) >> 4)

struct sing_thread {
	volatile uint32_t poll;
	uint32_t marking;
	uintptr_t stack_limit;
	void *trans_sp;
	const void *xown;      /* the SIP's exchange-heap owner list (SING_XH_OWNER) */
	struct sing_ab ab[SING_NAB];   /* this thread's runs (sing_new_fast) */
	void *xpark[SING_XPARK];       /* by SING_XPARK_SLOT of the elements' bytes */
	const void *const *xlay;
};

/*
 * GC objects start with one header word: the SIL type index in the low 32
 * bits, SING_H_* flags in the high 32.  Structs are a header and one 8-byte
 * slot per field; arrays and strings a header, a length and packed
 * elements; cells a header and the linear value they hold (NULL = empty).
 */
#define SING_H_MARK   1u   /* reached in the current collection        */
#define SING_H_STATIC 2u   /* lives in a program image, never collected */
#define SING_H_FREE   4u   /* a free slot in a heap chunk               */
#define SING_H_MARK2  8u   /* MARK of the other epoch: full collections alternate */
#define SING_H_REM    16u  /* old, in the remembered set                */
#define SING_H_OLD    (SING_H_MARK | SING_H_MARK2)   /* survived a collection */
#define SING_HDR(type, flags) ((uint64_t)(type) | (uint64_t)(flags) << 32)

union sing_slot {
	int8_t i8; int16_t i16; int32_t i32; int64_t i64;
	uint8_t u8; uint16_t u16; uint32_t u32; uint64_t u64;
	double f64;
	void *p;
};

struct sing_obj  { uint64_t hdr; union sing_slot f[]; };
struct sing_str  { uint64_t hdr; int64_t len; uint8_t b[]; };
struct sing_arr  { uint64_t hdr; int64_t len; _Alignas(8) uint8_t data[]; };
struct sing_cell { uint64_t hdr; void *val; };

/* Exchange-heap values are pointers to their payload (the block header
 * is the kernel's, in front of it).  An xstruct payload is an array of
 * slots; an xarray payload is this descriptor, whose elements live in a
 * reference-counted region that xsplit shares between the parts.
 * wr is the descriptor's write mark: elements at and past it have not
 * been written through it (SING_XWR), so a recycled region is zeroed only
 * up to its marks (exheap.h "Write marks": a SAFETY rule). */
struct sing_xarr { int64_t len; uint8_t *data; void *region; int64_t wr; };

/* Before an element store x[ix] (ix < len, checked): raise x's write mark
 * past ix.  It rises by SING_XWR_STEP elements at a time, so a loop that
 * fills an array takes the branch once per step, not once per element. */
#define SING_XWR_STEP 256
#define SING_XWR(x, ix) do { if (__builtin_expect((uint64_t)(ix) >= (uint64_t)(x)->wr, 0)) \
	(x)->wr = (int64_t)(((uint64_t)(ix) | (SING_XWR_STEP - 1)) + 1); } while (0)

/* An ordinary array as one object (exheap.c: its region's *home*): the
 * descriptor, then the region's header (struct xh_region, whose layout
 * exheap.c asserts is this), then the elements.  A home whose region no
 * xsplit part shares has region == &refs and refs == 1. */
struct sing_xhome {
	struct sing_xarr x;
	uint64_t refs, size;   /* size: the elements' bytes */
	uint32_t born, dma;
	uint64_t wr;           /* the region's write mark, in bytes (the kernel's) */
	uint8_t data[];
};

/* The owner word of the exchange-heap block whose payload is p: the word
 * SING_XH_OWN_BACK bytes before it (exheap.c asserts the layout), the
 * owner list's address, with the low bit SING_XH_INNER set while the
 * block is the value of another block's field.  Inline exchange-heap field
 * operations check it against th->xown, the kernel's backstop against a
 * verifier bug that lets a SIP touch a block it does not own:
 *   SING_XH_TOP(p, th)   p is th's SIP's and in no field: it may be stored,
 *                        sent or deleted;
 *   SING_XH_MINE(p, th)  p is in th's SIP's trees (top or inner): its
 *                        fields may be read, taken or filled.
 * xput sets the bit on the value it stores, xtake clears it. */
#define SING_XH_OWN_BACK 16
#define SING_XH_INNER ((uintptr_t)1)
#define SING_XH_OWNER(p) (*(uintptr_t *)((char *)(p) - SING_XH_OWN_BACK))
#define SING_XH_TOP(p, th) (SING_XH_OWNER(p) == (uintptr_t)(th)->xown)
#define SING_XH_MINE(p, th) ((SING_XH_OWNER(p) & ~SING_XH_INNER) == (uintptr_t)(th)->xown)
/* The block's layout word (the kernel's struct ly_layout), likewise. */
#define SING_XH_LAY_BACK 32
#define SING_XH_LAY(p) (*(const void *const *)((const char *)(p) - SING_XH_LAY_BACK))

/* One case of a switch receive (sing_select): the endpoint (or endpoint
 * set) and the case's message, 0 for ChannelClosed or m+1 for message m
 * (as in SIL).  A set's case gets the endpoint in out[0], values after. */
struct sing_case { void *ep; uint32_t msg; uint32_t pad_; };
/* In n (sing_select, sing_sendsel): every case names the first case's
 * endpoint, which is not a set.  The backend sets it (it knows the
 * locals and their types); the kernel then looks at that one endpoint
 * only, without comparing the cases' endpoints.  A wrong flag (a
 * hand-built caller) misleads only the caller's own code: the message
 * comes from the first case's endpoint, checked as the SIP's, its
 * contract state and ownership moved as for any receive. */
#define SING_SEL_ONE 0x80000000u
/* In n (sing_sendsel), with SING_SEL_ONE: the receive's endpoint is the
 * send's (a call that waits for its answer; the backend knows it from
 * the locals).  The kernel then takes the round trip's common road
 * without comparing them.  A wrong flag misleads only the caller's own
 * code, as SING_SEL_ONE's does (the receive is then the send's
 * endpoint's). */
#define SING_SEL_REPLY 0x40000000u
#define SING_SEL_FLAGS (SING_SEL_ONE | SING_SEL_REPLY)
/* sing_sendsel is a send and then a switch receive in one call (as L4's
 * call and reply-and-wait): cases[0] is the send (its endpoint and
 * message m, not m+1), cases[1..n] the receive's; io holds the send's
 * values, then the received ones.  The backend emits it for a send
 * followed by a switch receive (through jumps; a back-edge's safepoint
 * poll is then the kernel's, between the two). */

/* A part of sing_strcatn's concatenation: a string, or an integer's
 * decimal text (the tostr the backend folded in). */
enum { SING_PART_STR, SING_PART_INT, SING_PART_UINT };
#define SING_STRPARTS 16   /* at most this many parts in one sing_strcatn */
struct sing_strpart { struct sing_str *s; int64_t v; int64_t kind; };

/* Type information the compiled image exports, one entry per SIL type
 * index (builtins included): what the collector and exchange heap need. */
enum sing_kind {
	SING_K_SCALAR, SING_K_STRING, SING_K_ARRAY, SING_K_STRUCT, SING_K_XSTRUCT,
	SING_K_XARRAY, SING_K_ENDPOINT, SING_K_CELL, SING_K_IOPORT, SING_K_ESET,
	SING_K_ANYEP   /* a type only: an opaque endpoint's block is an ENDPOINT */
};
enum sing_slotkind { SING_S_SCALAR, SING_S_GC, SING_S_LINEAR };

struct sing_tinfo {
	uint8_t kind;          /* enum sing_kind */
	uint8_t elem_kind;     /* ARRAY, XARRAY, CELL: enum sing_slotkind of an element;
	                          ESET: SING_S_GC for a map (its members carry GC values) */
	uint16_t elem_size;    /* ARRAY, XARRAY: bytes per element */
	uint32_t nslots;       /* STRUCT, XSTRUCT: number of fields */
	const uint8_t *slots;  /* STRUCT, XSTRUCT: enum sing_slotkind per field */
	const char *name;      /* for messages */
	uint32_t contract;     /* ENDPOINT, ESET: index in sing_image.contracts */
	uint16_t side;         /* ENDPOINT, ESET, ANYEP: 0 imp, 1 exp */
	uint16_t pad_;
	uint32_t state;        /* ENDPOINT: declared state; ESET: its members' state */
};

/* A contract's messages (dir 0 in, 1 out; argument type indices) and
 * queue bounds, with a digest of its whole structure (messages, argument
 * layouts and the contracts they carry, states): equal digests mean the
 * same protocol, whichever package declared it. */
struct sing_minfo {
	const char *name;
	uint32_t dir, nargs;
	const uint32_t *args;
};

/* next[s * nmsgs + m]: the state after message m in state s, or
 * SING_NO_STATE if m is not allowed there (either direction); state 0 is
 * the start state.  The kernel checks every send against it. */
#define SING_NO_STATE 0xffffffffu
struct sing_cinfo {
	const char *name;
	uint32_t nmsgs;
	const struct sing_minfo *msgs;
	uint32_t bound_in, bound_out;
	uint8_t shape[32];
	uint32_t nstates;
	const char *const *states;    /* state names */
	const uint32_t *next;         /* nstates * nmsgs entries */
	uint32_t base;                /* the contract it extends (verified), or SING_NO_BASE */
};
#define SING_NO_BASE 0xffffffffu

/* The one symbol a compiled image exports. */
struct sing_image {
	uint32_t rt_version;   /* SING_RT_VERSION it was generated for */
	uint32_t ntypes;
	const struct sing_tinfo *types;
	int32_t (*entry)(struct sing_thread *t, struct sing_arr *args, void *const *extra);
	uint32_t args_type;    /* type index of main's string[] parameter */
	uint32_t main_extra;   /* main's parameters beyond string[] (endpoints, ioports) */
	const uint32_t *main_types;   /* their type indices */
	uint32_t ncontracts;
	const struct sing_cinfo *contracts;
	char hash[65];         /* hex of the SIL package's content hash */
	char gen[65];          /* hex id of the generator (rt.h, lowering, cc) */
};

/* ---- the ABI, declared ---- */
#define SING_ABI_ATTR_GC
#define SING_ABI_ATTR_SWITCH
#define SING_ABI_ATTR_SENDSEL
#define SING_ABI_ATTR_PLAIN
#define SING_ABI_ATTR_NORET __attribute__((noreturn))
#define SING_X(name, ret, params, kind) SING_ABI_ATTR_##kind ret name params;
SING_ABI(SING_X)
#undef SING_X

/* ---- helpers inlined into generated code ---- */

/* The stack pointer, for the prologue's segment check. */
#if defined(__x86_64__)
#define SING_SP() __extension__({ uintptr_t sp_; __asm__("movq %%rsp, %0" : "=r"(sp_)); sp_; })
#else
#define SING_SP() ((uintptr_t)__builtin_frame_address(0))
#endif

/* Zeroes the 128 bytes below the stack pointer, where the frame of the
 * function about to be called will lie: the words a frame never writes
 * (alignment pads, slots for paths not taken) then hold zero, not what an
 * earlier, deeper call left there, which the collector (it scans stacks
 * conservatively) would take for roots.  No red zone (cc.c): nothing of
 * the caller's lives below the stack pointer. */
#if defined(__x86_64__)
#define SING_WIPE() __asm__ volatile("pxor %%xmm15, %%xmm15\n\t" \
	"movups %%xmm15, -16(%%rsp)\n\tmovups %%xmm15, -32(%%rsp)\n\t" \
	"movups %%xmm15, -48(%%rsp)\n\tmovups %%xmm15, -64(%%rsp)\n\t" \
	"movups %%xmm15, -80(%%rsp)\n\tmovups %%xmm15, -96(%%rsp)\n\t" \
	"movups %%xmm15, -112(%%rsp)\n\tmovups %%xmm15, -128(%%rsp)" ::: "xmm15")
#else
#define SING_WIPE() ((void)0)
#endif

/* sing_sendsel as generated code calls it (lower.c): by an asm call
 * after which every register but rsp is the kernel's, so that the stub
 * saves and restores none of the SIP's at either end of a round trip's
 * switch (abi_stub.S STUB_SENDSEL).  What the caller keeps over the call
 * the compiler keeps in its frame instead, where the collector's
 * conservative stack scan finds it as before.  (A plain C call would
 * expect rbx, rbp and r12-r15 back.) */
#if defined(__x86_64__)
static inline __attribute__((always_inline))
int32_t sing_sendsel_call(struct sing_thread *t, const struct sing_case *cases, uint32_t n,
                          union sing_slot *io, const char *fn)
{
	register const char *fn_ __asm__("r8") = fn;
	int32_t r;
	__asm__ volatile("call *sing_sendsel@GOTPCREL(%%rip)"
	                 : "=a"(r), "+D"(t), "+S"(cases), "+d"(n), "+c"(io), "+r"(fn_)
	                 :
	                 : "rbx", "rbp", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	                   "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
	                   "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
	                   "xmm15", "memory", "cc");
	return r;
}
/* The address of the caller's local array x (sing_sendsel_call's cases
 * and io), made where it is used, by a lea from rsp that the compiler
 * may not hoist out of a loop: an address kept over the loop would be
 * spilled like everything else over the call and loaded back, one more
 * load on the chain from the stack switched to to the peer's (docs/
 * kernel.md "The SIP's registers the caller's"). */
#define SING_HERE(x) __extension__({ __typeof__(&(x)[0]) a_; \
	__asm__ volatile("leaq %1, %0" : "=r"(a_) : "m"((x)[0])); a_; })
#else
#error "sing_sendsel_call: x86-64 only (abi_stub.S)"
#endif

/* f64 -> integer conversions saturate; NaN gives 0 (docs/sil.md, conv). */
static inline int64_t sing_f2s(double d, int64_t lo, int64_t hi)
{
	if (d != d)
		return 0;
	if (d <= (double)lo)
		return lo;
	if (d >= (double)hi)
		return hi;
	return (int64_t)d;
}

static inline uint64_t sing_f2u(double d, uint64_t hi)
{
	if (!(d > 0))
		return 0;
	if (d >= (double)hi)
		return hi;
	return (uint64_t)d;
}

static inline double sing_bits_f64(uint64_t u)
{
	union { uint64_t u; double d; } x;
	x.u = u;
	return x.d;
}

/* new of a GC object of size bytes (at most 256): bumped from the
 * thread's run of its class, else from the kernel.  Runs are zeroed. */
static inline void *sing_new_fast(struct sing_thread *t, uint32_t type, uint64_t size,
                                  const char *fn)
{
	uint64_t slot = (size + 15) & ~(uint64_t)15;
	struct sing_ab *b = &t->ab[slot / 16 - 1];
	uintptr_t p = b->cur;
	if (__builtin_expect(b->end - p >= slot, 1)) {
		b->cur = p + slot;
		*(uint64_t *)p = SING_HDR(type, 0);
		return (void *)p;
	}
	return sing_new(t, type, fn);
}

/* Zero n bytes at p (16-byte aligned, with room up to the next multiple
 * of 16) by 16-byte stores: for a small block a call to memset and its
 * size dispatch cost more.  The empty asm keeps the compiler from turning
 * the loop back into that call. */
static inline void sing_zero16(void *p, uint64_t n)
{
	typedef uint64_t sing_v2 __attribute__((vector_size(16), may_alias));
	if (__builtin_constant_p(n)) {   /* the compiler writes the stores, unrolled */
		__builtin_memset(p, 0, (n + 15) & ~(uint64_t)15);
		return;
	}
	for (uint8_t *q = (uint8_t *)p, *end = q + n; q < end; q += 16) {
		*(sing_v2 *)q = (sing_v2){0, 0};
		__asm__("" : : "r"(q) : "memory");
	}
}

/* Parked arrays (docs/kernel.md "Parked arrays"): a thread's deleted
 * small array stays its SIP's (linked, charged, counted live) in the
 * thread's slot for its size, so the thread's next new array of the same
 * size and layout is a slot taken and the elements zeroed, with no kernel
 * call.  Only the thread itself touches its slots (and the kernel for it:
 * at its ABI calls, and once it is dead), so no lock.  While parked the
 * owner word has SING_XH_INNER (no owner check accepts it: it cannot be
 * deleted or sent again) and its length is 0.
 * Park the xarray p, deleted by t: 1 if it is t's SIP's at top level, a
 * home nobody shares, small and its slot free; else 0 (the kernel frees
 * it).  The owner is checked first: nothing else is read before. */
static inline int sing_xpark_put(struct sing_thread *t, void *p)
{
	struct sing_xhome *h = (struct sing_xhome *)p;
	if (!SING_XH_TOP(p, t) || h->x.region != (void *)&h->refs || h->refs != 1 ||
	    h->size > SING_XPARK_MAX)
		return 0;
	void **slot = &t->xpark[SING_XPARK_SLOT(h->size)];
	if (*slot)
		return 0;
	h->x.len = 0;
	SING_XH_OWNER(p) |= SING_XH_INNER;
	*slot = h;
	return 1;
}

/* new exheap T[len] (esize bytes per element, a constant): the parked
 * array of exactly this size and layout if t has one, else the kernel. */
static inline void *sing_xnewarr_fast(struct sing_thread *t, uint32_t type, int64_t len,
                                      uint64_t esize, const char *fn)
{
	if (__builtin_expect((uint64_t)len <= SING_XPARK_MAX / esize, 1)) {
		uint64_t size = (uint64_t)len * esize;
		void **slot = &t->xpark[SING_XPARK_SLOT(size)];
		struct sing_xhome *h = (struct sing_xhome *)*slot;
		if (__builtin_expect(h && h->size == size && SING_XH_LAY(h) == t->xlay[type], 1)) {
			*slot = 0;
			SING_XH_OWNER(h) = (uintptr_t)t->xown;
			h->x.len = len;
			sing_zero16(h->data, size);
			return h;
		}
	}
	return sing_xnewarr(t, type, len, fn);
}

/* delete of an xarray: parked, else the kernel. */
static inline void sing_delete_xarr_fast(struct sing_thread *t, void *p, const char *fn)
{
	if (__builtin_expect(!sing_xpark_put(t, p), 0))
		sing_delete(t, p, fn);
}

/* The generational write barrier, before val is stored into a field or
 * element of obj: an old object not yet remembered receiving a young
 * (neither old nor static) reference is remembered. */
static inline int sing_wb_needed(const void *obj, const void *val)
{
	uint64_t h = *(const uint64_t *)obj;
	return __builtin_expect((h & SING_HDR(0, SING_H_OLD)) != 0, 0) &&
	       !(h & SING_HDR(0, SING_H_REM)) && val &&
	       !(*(const uint64_t *)val & SING_HDR(0, SING_H_OLD | SING_H_STATIC));
}

/* The snapshot barrier, while an incremental marking runs (marking != 0,
 * the white objects' epoch bit): the reference about to be overwritten,
 * old, is shaded if it is white (old, not reached yet), so every object
 * reachable when the marking began is marked (snapshot-at-the-beginning).
 * Young and static objects are never white. */
static inline int sing_wb_white(const void *old, uint32_t marking)
{
	return old && (uint32_t)(*(const uint64_t *)old >> 32 & SING_H_OLD) == marking;
}

/* Both barriers, before val is stored into the field or element cur of
 * obj (an lvalue: its value is the reference being overwritten).  No
 * marking running: a load and a not-taken branch more than the
 * generational barrier alone. */
#define SING_WB(t, obj, cur, val) \
	do { \
		if (__builtin_expect((t)->marking != 0, 0) && sing_wb_white((cur), (t)->marking)) \
			sing_shade(t, (void *)(cur)); \
		if (sing_wb_needed(obj, val)) \
			sing_remember(t, obj, (void **)&(cur)); \
	} while (0)

/* eq on strings: by content; null equals only null. */
static inline int sing_str_eq(const struct sing_str *a, const struct sing_str *b)
{
	if (a == b)
		return 1;
	if (!a || !b || a->len != b->len)
		return 0;
	return __builtin_memcmp(a->b, b->b, (size_t)a->len) == 0;
}

#endif /* __ASSEMBLER__ */
#endif
