/* x86_64 spinners of the hijack tests (regs.h, regs.c): load known values
 * into every general register, the vector registers, MXCSR, the x87 control
 * word and the red zone, spin until spin_stop is set, then store what they
 * hold. */
	.text

/* Loads GPRs from spin_gpr_in (15 values: rax rbx rcx rdx rsi rdi rbp r8
 * .. r15), red zone from spin_rz_in; used by both spinners. */
.macro LOAD_COMMON
	push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15
	mov %rsp, spin_rsp_in(%rip)
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	mov spin_rz_in+8*\i(%rip), %rax
	mov %rax, -128+8*\i(%rsp)
	.endr
	ldmxcsr spin_mxcsr_in(%rip)
	fldcw spin_fcw_in(%rip)
	mov spin_gpr_in+8*1(%rip), %rbx
	mov spin_gpr_in+8*2(%rip), %rcx
	mov spin_gpr_in+8*3(%rip), %rdx
	mov spin_gpr_in+8*4(%rip), %rsi
	mov spin_gpr_in+8*5(%rip), %rdi
	mov spin_gpr_in+8*6(%rip), %rbp
	mov spin_gpr_in+8*7(%rip), %r8
	mov spin_gpr_in+8*8(%rip), %r9
	mov spin_gpr_in+8*9(%rip), %r10
	mov spin_gpr_in+8*10(%rip), %r11
	mov spin_gpr_in+8*11(%rip), %r12
	mov spin_gpr_in+8*12(%rip), %r13
	mov spin_gpr_in+8*13(%rip), %r14
	mov spin_gpr_in+8*14(%rip), %r15
	mov spin_gpr_in+8*0(%rip), %rax
.endm

.macro SPIN_AND_STORE_COMMON
	movl $1, spin_running(%rip)
1:	pause
	cmpl $0, spin_stop(%rip)
	je 1b
	mov %rax, spin_gpr_out+8*0(%rip)
	mov %rbx, spin_gpr_out+8*1(%rip)
	mov %rcx, spin_gpr_out+8*2(%rip)
	mov %rdx, spin_gpr_out+8*3(%rip)
	mov %rsi, spin_gpr_out+8*4(%rip)
	mov %rdi, spin_gpr_out+8*5(%rip)
	mov %rbp, spin_gpr_out+8*6(%rip)
	mov %r8, spin_gpr_out+8*7(%rip)
	mov %r9, spin_gpr_out+8*8(%rip)
	mov %r10, spin_gpr_out+8*9(%rip)
	mov %r11, spin_gpr_out+8*10(%rip)
	mov %r12, spin_gpr_out+8*11(%rip)
	mov %r13, spin_gpr_out+8*12(%rip)
	mov %r14, spin_gpr_out+8*13(%rip)
	mov %r15, spin_gpr_out+8*14(%rip)
	mov %rsp, spin_rsp_out(%rip)
	stmxcsr spin_mxcsr_out(%rip)
	fnstcw spin_fcw_out(%rip)
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	mov -128+8*\i(%rsp), %rax
	mov %rax, spin_rz_out+8*\i(%rip)
	.endr
.endm

.macro EPILOGUE
	ldmxcsr spin_mxcsr_default(%rip)
	fninit
	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx
	vzeroupper
	ret
.endm

	.globl spin_avx512
	.type spin_avx512, @function
spin_avx512:
	LOAD_COMMON
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vmovdqu64 spin_vec_in+64*\i(%rip), %zmm\i
	.endr
	.irp i,0,1,2,3,4,5,6,7
	kmovq spin_k_in+8*\i(%rip), %k\i
	.endr
	SPIN_AND_STORE_COMMON
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	vmovdqu64 %zmm\i, spin_vec_out+64*\i(%rip)
	.endr
	.irp i,0,1,2,3,4,5,6,7
	kmovq %k\i, spin_k_out+8*\i(%rip)
	.endr
	EPILOGUE
	.size spin_avx512, .-spin_avx512

	.globl spin_avx
	.type spin_avx, @function
spin_avx:
	LOAD_COMMON
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu spin_vec_in+64*\i(%rip), %ymm\i
	.endr
	SPIN_AND_STORE_COMMON
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu %ymm\i, spin_vec_out+64*\i(%rip)
	.endr
	EPILOGUE
	.size spin_avx, .-spin_avx

/* A plain spinner whose code range the commit tests use as a guard. */
	.globl guard_spin, guard_spin_end
	.type guard_spin, @function
guard_spin:
	movl $1, spin_running(%rip)
2:	pause
	cmpl $0, spin_stop(%rip)
	je 2b
	ret
guard_spin_end:
	.size guard_spin, .-guard_spin

	.section .rodata
spin_mxcsr_default:
	.long 0x1f80

	.section .note.GNU-stack, "", @progbits
