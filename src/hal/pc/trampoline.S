/* trampoline.S - where an application processor starts (smp.c).  The
 * bytes from tramp_start to tramp_end are copied to the low page
 * TRAMP (0x8000) before each INIT-SIPI-SIPI; the SIPI's vector 0x08 makes
 * the AP start here in real mode at 0800:0000.  Real -> protected (a GDT
 * of its own, in the copy) -> long mode on the kernel's page tables (CR3
 * from tramp_cr3: the first 4 GiB identity mapped, so this page stays
 * where it is when paging comes on) -> SSE on, GS base = tramp_cpu (the
 * AP's struct pc_cpu: hal_cpu_id reads %gs:0), rsp = tramp_stack, and
 * call tramp_entry(tramp_cpu), which never returns.  Every address is
 * computed for the copy: A(x) is where x lands in the low page.  The
 * copy's GDT keeps the kernel's selectors (0x08 64-bit code, 0x10 data);
 * 0x18 is a 32-bit code segment, used only on the way. */
#define TRAMP 0x8000
#define A(x) (TRAMP + (x) - tramp_start)

	.section .rodata.tramp, "a"
	.globl tramp_start, tramp_end, tramp_cr3, tramp_stack, tramp_entry, tramp_cpu
	.code16
tramp_start:
	cli
	cld
	xorw %ax, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	lgdtl A(tramp_gdtr)
	movl %cr0, %eax
	orl $1, %eax             /* PE */
	movl %eax, %cr0
	ljmpl $0x18, $A(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax      /* PAE */
	movl %eax, %cr4
	movl A(tramp_cr3), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx   /* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax    /* PG, PE */
	andl $~(1 << 2), %eax    /* EM off */
	orl $(1 << 1), %eax      /* MP */
	movl %eax, %cr0
	ljmp $0x08, $A(tramp64)

	.code64
tramp64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movq %cr4, %rax
	orq $((1 << 9) | (1 << 10)), %rax   /* OSFXSR, OSXMMEXCPT */
	movq %rax, %cr4
	fninit
	movq A(tramp_cpu), %rdi
	movl $0xc0000101, %ecx   /* IA32_GS_BASE */
	movq %rdi, %rax
	movq %rdi, %rdx
	shrq $32, %rdx
	wrmsr
	movq A(tramp_stack), %rsp
	xorl %ebp, %ebp          /* the backtrace ends here */
	movq A(tramp_entry), %rax
	call *%rax
1:	cli
	hlt
	jmp 1b

	.align 8
tramp_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08 64-bit code */
	.quad 0x00cf92000000ffff /* 0x10 data */
	.quad 0x00cf9a000000ffff /* 0x18 32-bit code */
tramp_gdtr:
	.word 4 * 8 - 1
	.long A(tramp_gdt)
	.align 8
tramp_cr3:   .quad 0
tramp_stack: .quad 0
tramp_entry: .quad 0
tramp_cpu:   .quad 0
tramp_end:

	.section .note.GNU-stack,"",@progbits
