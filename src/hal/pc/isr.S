/* isr.S - the 64 interrupt entry points (exceptions 0-31, PIC lines
 * 32-47, the local APIC's vectors 48-63: lapic.c).  Every vector runs on
 * an IST stack of the CPU it arrives on (cpu.c), so an interrupt never
 * writes below the interrupted code's stack pointer: the red zone
 * of code built without -mno-red-zone and a linked stack segment's
 * reserve stay untouched.  The entry saves every general register and
 * the whole x87/SSE state (fxsave) around the C handler: f64 code may be
 * interrupted anywhere.  Vectors without a CPU error code push 0. */
	.text

#define NOERR(v) .globl isr##v; isr##v: pushq $0; pushq $v; jmp isr_common;
#define ERR(v)   .globl isr##v; isr##v: pushq $v; jmp isr_common;

NOERR(0) NOERR(1) NOERR(2) NOERR(3) NOERR(4) NOERR(5) NOERR(6) NOERR(7)
ERR(8) NOERR(9) ERR(10) ERR(11) ERR(12) ERR(13) ERR(14) NOERR(15)
NOERR(16) ERR(17) NOERR(18) NOERR(19) NOERR(20) ERR(21) NOERR(22) NOERR(23)
NOERR(24) NOERR(25) NOERR(26) NOERR(27) NOERR(28) NOERR(29) ERR(30) NOERR(31)
NOERR(32) NOERR(33) NOERR(34) NOERR(35) NOERR(36) NOERR(37) NOERR(38) NOERR(39)
NOERR(40) NOERR(41) NOERR(42) NOERR(43) NOERR(44) NOERR(45) NOERR(46) NOERR(47)
NOERR(48) NOERR(49) NOERR(50) NOERR(51) NOERR(52) NOERR(53) NOERR(54) NOERR(55)
NOERR(56) NOERR(57) NOERR(58) NOERR(59) NOERR(60) NOERR(61) NOERR(62) NOERR(63)

isr_common:
	pushq %rax; pushq %rbx; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi; pushq %rbp
	pushq %r8; pushq %r9; pushq %r10; pushq %r11; pushq %r12; pushq %r13; pushq %r14; pushq %r15
	movq %rsp, %rdi               /* struct cpu_frame * */
	movq %rsp, %rbx
	subq $512, %rsp
	andq $-16, %rsp
	fxsave (%rsp)
	cld
	call cpu_interrupt
	fxrstor (%rsp)
	movq %rbx, %rsp
	popq %r15; popq %r14; popq %r13; popq %r12; popq %r11; popq %r10; popq %r9; popq %r8
	popq %rbp; popq %rdi; popq %rsi; popq %rdx; popq %rcx; popq %rbx; popq %rax
	addq $16, %rsp                /* vector, error code */
	iretq

	.section .rodata
	.globl isr_table
	.align 8
isr_table:
#define E(v) .quad isr##v;
	E(0) E(1) E(2) E(3) E(4) E(5) E(6) E(7) E(8) E(9) E(10) E(11) E(12) E(13) E(14) E(15)
	E(16) E(17) E(18) E(19) E(20) E(21) E(22) E(23) E(24) E(25) E(26) E(27) E(28) E(29) E(30) E(31)
	E(32) E(33) E(34) E(35) E(36) E(37) E(38) E(39) E(40) E(41) E(42) E(43) E(44) E(45) E(46) E(47)
	E(48) E(49) E(50) E(51) E(52) E(53) E(54) E(55) E(56) E(57) E(58) E(59) E(60) E(61) E(62) E(63)

	.section .note.GNU-stack,"",@progbits
