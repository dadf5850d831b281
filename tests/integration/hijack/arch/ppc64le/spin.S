/* ppc64le spinners of the hijack tests (regs.h, regs.c). spin_regs loads
 * known values (spin_in) into the GPRs (all but r1 and r13, which are only
 * recorded), the 64 VSRs (so the 32 FPRs and the 32 VRs), FPSCR, VSCR,
 * VRSAVE, CR, XER, CTR, LR and the 288-byte protected zone below r1, spins
 * until spin_stop is set, then stores what it holds (spin_out). The loop
 * itself uses r11 (ends holding spin_stop, 1) and cr7 (the last compare);
 * regs.c expects those values there. Offsets: struct spin_regs in regs.c. */
	.abiversion 2
	.machine power8
	.text

	.set GPR, 0
	.set VSR, 256
	.set VSCR, 1280
	.set FPSCR, 1296
	.set CR, 1304
	.set XER, 1312
	.set CTR, 1320
	.set LR, 1328
	.set VRSAVE, 1336
	.set ZONE, 1344

	/* Our frame: the ELFv2 header, then what we must give back. */
	.set F_GPR, 32		/* r14..r31 */
	.set F_VSR, 176		/* vs14..vs31, vs52..vs63 */
	.set F_VSCR, 656
	.set F_VRSAVE, 672
	.set F_FPSCR, 680
	.set F_TOC, 688
	.set F_OUT, 696
	.set F_R11, 704
	.set FRAME, 720

	.globl spin_regs
	.type spin_regs, @function
spin_regs:
0:	addis 2, 12, .TOC.-0b@ha
	addi 2, 2, .TOC.-0b@l
	.localentry spin_regs, .-spin_regs
	mflr 0
	std 0, 16(1)
	mfcr 0
	stw 0, 8(1)
	stdu 1, -FRAME(1)
	.irp i,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	std \i, F_GPR+8*(\i-14)(1)
	.endr
	addi 11, 1, F_VSR
	.irp i,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	li 12, 16*(\i-14)
	stxvd2x \i, 11, 12
	.endr
	.irp i,52,53,54,55,56,57,58,59,60,61,62,63
	li 12, 16*(\i-52+18)
	stxvd2x \i, 11, 12
	.endr
	mfspr 0, 256
	std 0, F_VRSAVE(1)
	mfvscr 0
	addi 12, 1, F_VSCR
	stvx 0, 0, 12
	mffs 0
	stfd 0, F_FPSCR(1)
	std 2, F_TOC(1)
	addis 11, 2, spin_out@toc@ha
	addi 11, 11, spin_out@toc@l
	std 11, F_OUT(1)

	addis 12, 2, spin_in@toc@ha
	addi 12, 12, spin_in@toc@l
	std 1, GPR+8*1(12)
	std 13, GPR+8*13(12)
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35
	ld 0, ZONE+8*\i(12)
	std 0, -288+8*\i(1)
	.endr
	lfd 0, FPSCR(12)
	mtfsf 0xff, 0
	addi 11, 12, VSCR
	lvx 0, 0, 11
	mtvscr 0
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	li 11, VSR+16*\i
	lxvd2x \i, 12, 11
	.endr
	ld 0, CR(12)
	mtcrf 0xff, 0
	ld 0, XER(12)
	mtxer 0
	ld 0, CTR(12)
	mtctr 0
	ld 0, LR(12)
	mtlr 0
	ld 0, VRSAVE(12)
	mtspr 256, 0
	addis 11, 2, spin_running@toc@ha
	li 0, 1
	stw 0, spin_running@toc@l(11)
	.irp i,0,2,3,4,5,6,7,8,9,10,11,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld \i, GPR+8*\i(12)
	.endr
	ld 12, GPR+8*12(12)	/* &spin_stop */
1:	lwz 11, 0(12)
	cmpwi 7, 11, 0
	beq 7, 1b

	std 11, F_R11(1)
	ld 11, F_OUT(1)
	.irp i,0,1,2,3,4,5,6,7,8,9,10,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	std \i, GPR+8*\i(11)
	.endr
	ld 0, F_R11(1)
	std 0, GPR+8*11(11)
	mfcr 0
	std 0, CR(11)
	mfxer 0
	std 0, XER(11)
	mfctr 0
	std 0, CTR(11)
	mflr 0
	std 0, LR(11)
	mfspr 0, 256
	std 0, VRSAVE(11)
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
	li 12, VSR+16*\i
	stxvd2x \i, 11, 12
	.endr
	mffs 0
	stfd 0, FPSCR(11)
	mfvscr 0
	addi 12, 11, VSCR
	stvx 0, 0, 12
	.irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35
	ld 0, -288+8*\i(1)
	std 0, ZONE+8*\i(11)
	.endr

	/* Give back what the ABI says the caller keeps. */
	ld 2, F_TOC(1)
	lfd 0, F_FPSCR(1)
	mtfsf 0xff, 0
	addi 12, 1, F_VSCR
	lvx 0, 0, 12
	mtvscr 0
	ld 0, F_VRSAVE(1)
	mtspr 256, 0
	addi 11, 1, F_VSR
	.irp i,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	li 12, 16*(\i-14)
	lxvd2x \i, 11, 12
	.endr
	.irp i,52,53,54,55,56,57,58,59,60,61,62,63
	li 12, 16*(\i-52+18)
	lxvd2x \i, 11, 12
	.endr
	.irp i,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld \i, F_GPR+8*(\i-14)(1)
	.endr
	addi 1, 1, FRAME
	ld 0, 16(1)
	mtlr 0
	lwz 0, 8(1)
	mtcrf 0xff, 0
	blr
	.size spin_regs, .-spin_regs

/* A plain spinner whose code range the commit tests use as a guard. */
	.globl guard_spin, guard_spin_end
	.type guard_spin, @function
guard_spin:
0:	addis 2, 12, .TOC.-0b@ha
	addi 2, 2, .TOC.-0b@l
	.localentry guard_spin, .-guard_spin
	addis 9, 2, spin_running@toc@ha
	li 10, 1
	stw 10, spin_running@toc@l(9)
	addis 9, 2, spin_stop@toc@ha
	addi 9, 9, spin_stop@toc@l
2:	lwz 10, 0(9)
	cmpwi 10, 0
	beq 2b
	blr
guard_spin_end:
	.size guard_spin, .-guard_spin

	.section .note.GNU-stack, "", @progbits
