/* abi_stub.S - transition-record stubs for the GC-kind ABI calls (x86-64).
 *
 * Each stub NAME pushes the callee-saved registers (which may hold the
 * SIP's only copy of a GC pointer), records the stack pointer in the
 * thread's trans_sp (the transition record: everything above it up to the
 * segment top is SIP frames and those saved registers), and calls NAME_k,
 * the kernel's C implementation, with the same (register) arguments. */
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
/* Back into the SIP's code by a jump, its registers popped. */
#define STUB_JUMP_BACK                  \
	STUB_POPS                           \
	popq %rcx; jmpq *%rcx;
/* The same for a thread resuming after a switch, by one of two jumps:
 * its site (sip.h), which the flags hold (ZF clear: the second), never
 * the one the thread switched from took.  One
 * jump serving every thread mispredicted at every switch of a ping-pong
 * (the two threads' return addresses alternate, and this host's
 * predictor does not learn an alternating indirect target: about 18
 * cycles each, docs/performance.md); a conditional branch on the site,
 * whose alternation it does learn, gives each jump one target. */
#define STUB_SITE_JUMP                  \
	STUB_POPS                           \
	popq %rcx;                          \
	jne 3f;                             \
	jmpq *%rcx;                         \
3:	jmpq *%rcx;
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
 * at its stub"): a SWITCH stub that calls ch_sendsel with one CPU
 * (klock_smp clear: no lock to take, and one call fewer) and name_k with
 * several, and that, when the call returns SING_SENDSEL_SWITCH, parks
 * the thread here.  The common road (one CPU, parked) falls straight
 * through.  With the thread pointer
 * popped, rsp is the transition record again: the callee-saved
 * registers, then the return address into the SIP's code, which is the
 * frame hal_ctx_switch leaves.  That becomes the thread's context, and
 * the stub switches to t->handoff: its frame is popped likewise, with
 * eax its result (meaningful when it parked here too; a context saved by
 * hal_ctx_switch returns into C, where eax is dead), and its site set to
 * the other of t's (cpu_switch's rule, kept here for the round trip).
 * Unlike the other SWITCH stubs it leaves resumed to the kernel, which
 * clears it on the roads that return a case (chan.c ch_sendsel_any):
 * the park road, the common one, never reads it.
 * SING_SENDSEL_SWITCH_UNLOCK (several CPUs): the same, and on the new
 * stack (free below its context; the push keeps the call aligned) the
 * kernel lock goes before the jump. */
#define STUB_PARK                       \
	movq %rsp, SING_T_CTX(%rcx);        \
	movq SING_T_HANDOFF(%rcx), %rdx;    \
	movq SING_T_CTX(%rdx), %rsp;        \
	movl SING_T_SITE(%rcx), %esi;       \
	xorl $1, %esi;                      \
	movl %esi, SING_T_SITE(%rdx);
#define STUB_SENDSEL(name)              \
	STUB_ENTER(name)                    \
	pushq %rdi;                         \
	cmpl $0, klock_smp(%rip);           \
	jne 6f;                             \
	callq ch_sendsel@PLT;               \
5:	popq %rcx;                          \
	cmpl $SING_SENDSEL_SWITCH, %eax;    \
	jne 7f;                             \
	STUB_PARK                           \
	movl SING_T_RESULT(%rdx), %eax;     \
	STUB_SITE_JUMP                      \
6:	callq name##_k@PLT;                 \
	jmp 5b;                             \
7:	cmpl $SING_SENDSEL_SWITCH_UNLOCK, %eax; \
	je 4f;                              \
	STUB_SWITCH_RET                     \
4:	STUB_PARK                           \
	pushq %rdx;                         \
	callq klock_release_parked@PLT;     \
	popq %rdx;                          \
	movl SING_T_RESULT(%rdx), %eax;     \
	cmpl $0, SING_T_SITE(%rdx);         \
	STUB_SITE_JUMP                      \
	.size name, .-name;

#define STUB(name, ret, params, kind) STUB_##kind(name)

	.text
SING_ABI(STUB)

/* Where a parked thread resumes when its stub cannot take it straight
 * back to its SIP's code (sched.c unpark built the frame that returned
 * here: r15 is the thread, rsp its transition record).  The kernel ends
 * its receive, then the stub's way out: the SIP's callee-saved
 * registers, and back by a jump. */
	.globl sing_sendsel_resume
	.type sing_sendsel_resume, @function
sing_sendsel_resume:
	pushq %r15
	movq %r15, %rdi
	callq ch_resume_parked@PLT
	popq %rcx
	STUB_JUMP_BACK
	.size sing_sendsel_resume, .-sing_sendsel_resume

	.section .note.GNU-stack,"",@progbits
