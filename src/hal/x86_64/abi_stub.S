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
#define STUB_GC(name)                   \
	.globl name;                        \
	.type name, @function;              \
name:                                   \
	pushq %rbp; pushq %rbx; pushq %r12; \
	pushq %r13; pushq %r14; pushq %r15; \
	movq %rsp, SING_T_TRANS_SP(%rdi);   \
	subq $8, %rsp;                      \
	callq name##_k@PLT;                     \
	addq $8, %rsp;                      \
	popq %r15; popq %r14; popq %r13;    \
	popq %r12; popq %rbx; popq %rbp;    \
	ret;                                \
	.size name, .-name;

#define STUB(name, ret, params, kind) STUB_##kind(name)

	.text
SING_ABI(STUB)

	.section .note.GNU-stack,"",@progbits
