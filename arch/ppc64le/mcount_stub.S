/* The _mcount that live-patchable ppc64le libraries link (DESIGN.md
 * section 3): they are compiled with -pg -mprofile-kernel only to get the
 * kernel ftrace entry "mflr r0; bl _mcount", which Pulp redirects.
 *
 * Hidden, so each library binds its own copy and never glibc's classic
 * _mcount (whose calling convention -mprofile-kernel does not follow).
 * On entry LR = the return address into the function (after its bl) and
 * r0 = the function's own return address (its mflr r0): return into the
 * function with LR restored, touching nothing but r12 and CTR, which are
 * dead at a function entry. `ulp post` turns every such bl into a nop, so
 * a post-processed library never calls this. */
	.abiversion 2
	.text
	.p2align 4
	.globl	_mcount
	.hidden	_mcount
	.type	_mcount, @function
_mcount:
	mflr	%r12		/* the return address into the function */
	mtctr	%r12
	mtlr	%r0		/* the function's own return address again */
	bctr
	.size	_mcount, . - _mcount

	.section .note.GNU-stack, "", @progbits
