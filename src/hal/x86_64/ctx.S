/* ctx.S - user-level context switch and stack calls, x86-64 SysV.
 * See src/hal/hal.h: hal_ctx_switch, hal_ctx_entry, hal_stack_call. */
	.text

/* void hal_ctx_switch(struct hal_ctx *from, struct hal_ctx *to) */
	.globl hal_ctx_switch
	.type hal_ctx_switch, @function
hal_ctx_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size hal_ctx_switch, .-hal_ctx_switch

/* First code of a new context: call r12(r13) on an aligned stack. */
	.globl hal_ctx_entry
	.type hal_ctx_entry, @function
hal_ctx_entry:
	andq $-16, %rsp
	movq %r13, %rdi
	callq *%r12
	ud2
	.size hal_ctx_entry, .-hal_ctx_entry

/* void hal_stack_call(void *top, void (*fn)(void *, void *), void *a, void *b) */
	.globl hal_stack_call
	.type hal_stack_call, @function
hal_stack_call:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdi, %rsp
	movq %rsi, %rax
	movq %rdx, %rdi
	movq %rcx, %rsi
	callq *%rax
	movq %rbp, %rsp
	popq %rbp
	ret
	.size hal_stack_call, .-hal_stack_call

	.section .note.GNU-stack,"",@progbits
