/* s390x spinners of the hijack tests (regs.h, regs.c). spin_regs loads
 * known values (spin_in) into r0..r14 (r1 holds the address of spin_stop,
 * r14 is given back from the save area), the access registers a2..a15 (a0
 * and a1 hold the thread pointer: only recorded), the FPC and the 32
 * vector registers (so the 16 FPRs), spins until spin_stop is set, then
 * stores what it holds (spin_out); r15 is recorded and compared. Nothing
 * below r15 is protected on s390x, so there is no zone to check. The loop
 * compares memory with an immediate: it changes only the condition code.
 * Offsets: struct spin_regs in regs.c. */
	.machine z13
	.text

	.set GPR, 0
	.set ACR, 128
	.set FPC, 192
	.set VR, 208

	/* Our frame: the standard 160 bytes, then what we give back. */
	.set F_FPR, 160		/* f8..f15 */
	.set F_ACR, 224		/* a2..a15 */
	.set F_FPC, 280
	.set F_GPR, 288		/* r0..r14 after the loop */
	.set FRAME, 408

	.globl spin_regs
	.type spin_regs, @function
spin_regs:
	stmg %r6, %r15, 48(%r15)
	lgr %r1, %r15
	aghi %r15, -FRAME
	stg %r1, 0(%r15)
	.irp i,8,9,10,11,12,13,14,15
	std %f\i, F_FPR+8*(\i-8)(%r15)
	.endr
	stam %a2, %a15, F_ACR(%r15)
	stfpc F_FPC(%r15)

	larl %r1, spin_in
	stam %a0, %a1, ACR(%r1)
	stg %r15, GPR+8*15(%r1)
	lfpc FPC(%r1)
	lam %a2, %a15, ACR+8(%r1)
	vlm %v0, %v15, VR(%r1)
	vlm %v16, %v31, VR+256(%r1)
	larl %r2, spin_running
	mvhi 0(%r2), 1
	lmg %r2, %r14, GPR+16(%r1)
	lg %r0, GPR(%r1)
	lg %r1, GPR+8(%r1)	/* &spin_stop */
1:	clfhsi 0(%r1), 0
	je 1b

	stmg %r0, %r14, F_GPR(%r15)
	larl %r1, spin_out
	mvc GPR(120, %r1), F_GPR(%r15)
	stg %r15, GPR+8*15(%r1)
	stam %a0, %a15, ACR(%r1)
	stfpc FPC(%r1)
	vstm %v0, %v15, VR(%r1)
	vstm %v16, %v31, VR+256(%r1)

	/* Give back what the ABI says the caller keeps. */
	lfpc F_FPC(%r15)
	lam %a2, %a15, F_ACR(%r15)
	.irp i,8,9,10,11,12,13,14,15
	ld %f\i, F_FPR+8*(\i-8)(%r15)
	.endr
	lmg %r6, %r15, FRAME+48(%r15)
	br %r14
	.size spin_regs, .-spin_regs

/* A plain spinner whose code range the commit tests use as a guard. */
	.globl guard_spin, guard_spin_end
	.type guard_spin, @function
guard_spin:
	larl %r1, spin_running
	mvhi 0(%r1), 1
	larl %r1, spin_stop
2:	clfhsi 0(%r1), 0
	je 2b
	br %r14
guard_spin_end:
	.size guard_spin, .-guard_spin

	.section .note.GNU-stack, "", @progbits
