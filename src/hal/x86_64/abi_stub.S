/* abi_stub.S - transition-record stubs for the GC-kind ABI calls (x86-64).
 *
 * Each stub NAME pushes the callee-saved registers (which may hold the
 * SIP's only copy of a GC pointer), records the stack pointer in the
 * thread's trans_sp (the transition record: everything above it up to the
 * segment top is SIP frames and those saved registers), and calls NAME_k,
 * the kernel's C implementation, with the same (register) arguments.
 * sing_sendsel's saves none (STUB_SENDSEL: its caller keeps nothing in
 * registers over it). */
#include "../../kernel/rt.h"

#define STUB_PLAIN(name)
#define STUB_NORET(name)
/* Both kinds start and end alike: the callee-saved registers pushed and
 * the transition record set, then popped again. */
#define STUB_ENTER(name)                \
	.globl name;                        \
	.type name, @function;              \
name:                                   \
	pushq %rbp; pushq %rbx; pushq %r12; \
	pushq %r13; pushq %r14; pushq %r15; \
	movq %rsp, SING_T_TRANS_SP(%rdi);
#define STUB_POPS                       \
	popq %r15; popq %r14; popq %r13;    \
	popq %r12; popq %rbx; popq %rbp;

#define STUB_GC(name)                   \
	STUB_ENTER(name)                    \
	subq $8, %rsp;                      \
	callq name##_k@PLT;                 \
	addq $8, %rsp;                      \
	STUB_POPS                           \
	ret;                                \
	.size name, .-name;

/* The same for a call that may switch threads (rt.h's SWITCH kind): the
 * kernel sets the word at SING_T_RESUMED when it switches back to this
 * thread; then the stub returns by an indirect jump (rcx is free: the
 * return value is in rax), where `ret` would pop the other thread's
 * return address off the return stack.
 * The thread pointer waits in the stack's alignment slot (pushed and
 * popped where GC stubs move rsp by 8), below the transition record. */
#define STUB_SWITCH_CALL(name)          \
	STUB_ENTER(name)                    \
	movl $0, SING_T_RESUMED(%rdi);      \
	pushq %rdi;                         \
	callq name##_k@PLT;                 \
	popq %rcx;
/* Back into the SIP's code after a switch, by one of two jumps: its
 * site (sip.h), which the flags hold (ZF clear: the second), never the
 * one the thread switched from took.  One jump serving every thread
 * mispredicted at every switch of a ping-pong (the two threads' return
 * addresses alternate, and this host's predictor does not learn an
 * alternating indirect target: about 18 cycles each,
 * docs/performance.md); a conditional branch on the site, whose
 * alternation it does learn, gives each jump one target.  The return
 * address is at rsp (a bare context: STUB_SENDSEL's parked threads);
 * STUB_SITE_JUMP pops the registers of a context saved with them
 * first. */
#define STUB_BARE_JUMP                  \
	popq %rcx;                          \
	jne 3f;                             \
	jmpq *%rcx;                         \
3:	jmpq *%rcx;
#define STUB_SITE_JUMP                  \
	STUB_POPS                           \
	STUB_BARE_JUMP
#define STUB_SWITCH_RET                 \
	cmpl $0, SING_T_RESUMED(%rcx);      \
	jne 1f;                             \
	STUB_POPS                           \
	ret;                                \
1:	cmpl $0, SING_T_SITE(%rcx);         \
	STUB_SITE_JUMP
#define STUB_SWITCH(name)               \
	STUB_SWITCH_CALL(name)              \
	STUB_SWITCH_RET                     \
	.size name, .-name;

/* sing_sendsel's (rt.h SENDSEL; docs/kernel.md "The round trip parked
 * at its stub").  Generated code reaches it by an asm call (rt.h
 * sing_sendsel_call) after which every register but rsp is the stub's:
 * what the SIP keeps across the call its compiler keeps in its frame.
 * So the stub saves none of the SIP's registers: the transition record
 * is the return address and up, and so is the thread's context when it
 * parks here (a bare context: the return address, nothing below it).
 * rbx keeps the thread over the kernel's call, which is made on an
 * aligned stack (an asm call cannot know its caller's alignment); after
 * it, trans_sp (which the kernel leaves as it found it) gives the
 * return address back.  The call is chan.h's ch_sendsel_road:
 * ch_sendsel with one CPU and nothing traced (no lock to take, one call
 * fewer), else name_k.
 * What it returns:
 *   SING_SENDSEL_SWITCH_PARKED  park t here and switch to t->handoff,
 *       parked at its own stub with its result (eax): a bare context
 *       too.  Its site is set to the other of t's (cpu_switch's rule,
 *       kept here for the round trip).  The common road (one CPU, a
 *       ping-pong) falls straight through.
 *   SING_SENDSEL_SWITCH  the same, to a context whose registers matter
 *       (hal_ctx_switch's, or the frame sched.c unpark built below a
 *       bare one to resume in ch_resume_parked): they are popped.
 *   SING_SENDSEL_SWITCH_UNLOCK (several CPUs): as PARKED, and on the
 *       new stack (free below its context) the kernel lock goes before
 *       the jump.
 *   else what the call returns, by ret, or by a jump if t was switched
 *       out and back meanwhile (resumed, rt.h SWITCH).
 * Unlike the other SWITCH stubs it leaves resumed to the kernel, which
 * clears it on the roads that return a case (chan.c ch_sendsel_any):
 * the park road, the common one, never reads it. */
#define STUB_PARK                       \
	movq %rsp, SING_T_CTX(%rbx);        \
	movq SING_T_HANDOFF(%rbx), %rdx;    \
	movq SING_T_CTX(%rdx), %rsp;        \
	movl SING_T_SITE(%rbx), %esi;       \
	xorl $1, %esi;                      \
	movl %esi, SING_T_SITE(%rdx);
#define STUB_SENDSEL(name)              \
	.globl name;                        \
	.type name, @function;              \
name:                                   \
	movq %rsp, SING_T_TRANS_SP(%rdi);   \
	movq %rdi, %rbx;                    \
	andq $-16, %rsp;   /* (the call aligned) */ \
	callq *ch_sendsel_road(%rip);       \
	movq SING_T_TRANS_SP(%rbx), %rsp;   \
	cmpl $SING_SENDSEL_SWITCH_PARKED, %eax; \
	jne 7f;                             \
	STUB_PARK                           \
	movl SING_T_RESULT(%rdx), %eax;     \
	STUB_BARE_JUMP                      \
7:	cmpl $SING_SENDSEL_SWITCH, %eax;    \
	je 8f;                              \
	cmpl $SING_SENDSEL_SWITCH_UNLOCK, %eax; \
	je 4f;                              \
	cmpl $0, SING_T_RESUMED(%rbx);      \
	jne 1f;                             \
	ret;                                \
1:	cmpl $0, SING_T_SITE(%rbx);         \
	STUB_BARE_JUMP                      \
8:	STUB_PARK                           \
	movl SING_T_RESULT(%rdx), %eax;     \
	STUB_SITE_JUMP                      \
4:	STUB_PARK                           \
	movq %rdx, %rbx;                    \
	movq %rsp, %r12;                    \
	andq $-16, %rsp;                    \
	callq klock_release_parked@PLT;     \
	movq %r12, %rsp;                    \
	movl SING_T_RESULT(%rbx), %eax;     \
	cmpl $0, SING_T_SITE(%rbx);         \
	STUB_BARE_JUMP                      \
	.size name, .-name;

#define STUB(name, ret, params, kind) STUB_##kind(name)

	.text
SING_ABI(STUB)

/* Where a parked thread resumes when its stub cannot take it straight
 * back to its SIP's code (sched.c unpark built the frame that returned
 * here: r15 is the thread, rsp its bare context, the return address).
 * The kernel ends its receive, on an aligned stack; then back by a
 * jump. */
	.globl sing_sendsel_resume
	.type sing_sendsel_resume, @function
sing_sendsel_resume:
	movq %rsp, %rbx
	movq %r15, %rdi
	andq $-16, %rsp
	callq ch_resume_parked@PLT
	movq %rbx, %rsp
	popq %rcx
	jmpq *%rcx
	.size sing_sendsel_resume, .-sing_sendsel_resume

	.section .note.GNU-stack,"",@progbits
