/* boot.S - from the multiboot loader to 64-bit C (docs/baremetal.md).
 *
 * QEMU's -kernel (or GRUB) finds the multiboot v1 header below in the
 * first 8 KiB and, because flag 16 (the "a.out kludge") gives the load
 * addresses, copies the image to 1 MiB without reading it as ELF (QEMU
 * refuses ELF64 multiboot kernels).  We arrive in 32-bit protected mode,
 * paging off, eax = 0x2badb002, ebx = the multiboot information.  Then:
 * identity-map the first 4 GiB with 2 MiB pages, enable PAE, set EFER.LME
 * (and NXE off), enable paging, load a 64-bit GDT, far-jump to long mode,
 * enable SSE (CR0.MP, CR4.OSFXSR|OSXMMEXCPT: generated f64 code needs it),
 * point GS at CPU 0's record (smp.c), and call pc_main(magic, info) on the boot stack.  Never returns. */
#define MB_MAGIC  0x1badb002
#define MB_FLAGS  ((1 << 1) | (1 << 16))   /* memory map, load addresses here */

	.section .multiboot, "a"
	.align 4
mb_header:
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
	.long mb_header          /* header_addr */
	.long __image_start      /* load_addr */
	.long __data_end         /* load_end_addr */
	.long __bss_end          /* bss_end_addr */
	.long _start             /* entry_addr */

	.section .boot32, "ax"
	.code32
	.globl _start
_start:
	cli
	movl %eax, %edi          /* the loader's magic and info, for pc_main */
	movl %ebx, %esi
	movl $boot_stack_top, %esp

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..PD3; PDi[j] = 2 MiB page. */
	movl $pml4, %eax
	movl $pdpt, %ebx
	orl $3, %ebx
	movl %ebx, (%eax)
	movl $0, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $pd, %eax
	orl $3, %eax
	movl %eax, pdpt(,%ecx,8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	movl $0, %ecx            /* 2048 entries: 4 GiB */
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax          /* present, writable, 2 MiB */
	movl %eax, pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax           /* high half of the physical address */
	movl %eax, pd+4(,%ecx,8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	movl $pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax      /* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx   /* EFER */
	rdmsr
	orl $(1 << 8), %eax      /* LME */
	wrmsr
	movl %cr0, %eax
	orl $0x80000001, %eax    /* PG, PE */
	andl $~(1 << 2), %eax    /* EM off: x87/SSE present */
	orl $(1 << 1), %eax      /* MP */
	movl %eax, %cr0
	lgdt gdt_ptr
	ljmp $0x08, $long_entry

	.code64
long_entry:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movw %ax, %fs
	movw %ax, %gs
	movl $0xc0000101, %ecx   /* IA32_GS_BASE = &pc_cpus[0]: hal_cpu_id reads %gs:0 */
	movl $pc_cpus, %eax
	xorl %edx, %edx
	wrmsr
	movq %cr4, %rax
	orq $((1 << 9) | (1 << 10)), %rax   /* OSFXSR, OSXMMEXCPT */
	movq %rax, %cr4
	fninit
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp          /* the backtrace ends here */
	call pc_main
3:	cli
	hlt
	jmp 3b

	.section .data
	.align 16
	.globl pc_gdt
pc_gdt:                      /* 0 null, 8 code64, 0x10 data, 0x18 TSS (16 bytes, filled by pc_cpu) */
	.quad 0
	.quad 0x00af9a000000ffff
	.quad 0x00cf92000000ffff
	.quad 0, 0
gdt_ptr:
	.word gdt_ptr - pc_gdt - 1
	.long pc_gdt

	.section .bss
	.align 4096
pml4:	.space 4096
pdpt:	.space 4096
pd:	.space 4 * 4096
	.align 16
	.space 65536
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack,"",@progbits
