/* What every arch/<arch>/gate.S shares (core/arch_live.h, "gates";
 * arch/gate_pool.c reads it): the pool's size and slot layout, and the
 * data the gates read. Include it first and end the file with
 * PULP_GATE_DATA line, size: the architecture's cache line and the bytes
 * of one of its gates. */
#ifndef PULP_ARCH_GATE_DATA_H
#define PULP_ARCH_GATE_DATA_H

#define PULP_GATES 4096
#define SLOT_SIZE 24 /* struct pulp_gate_slot: gen, from, to */

/* The instant, pulp_gate_epoch, alone on its cache line, and right after
 * it the slots: one block, so the slots lie at a constant distance (line)
 * from the epoch (the ppc64le gates rely on it). Then the pool's geometry.
 */
	.macro PULP_GATE_DATA line, size
	.bss
	.balign \line
	.globl pulp_gate_epoch
	.hidden pulp_gate_epoch
	.type pulp_gate_epoch, @object
pulp_gate_epoch:
	.zero \line
	.size pulp_gate_epoch, 8

	.globl pulp_gate_slots
	.hidden pulp_gate_slots
	.type pulp_gate_slots, @object
pulp_gate_slots:
	.zero PULP_GATES * SLOT_SIZE
	.size pulp_gate_slots, . - pulp_gate_slots

	.section .rodata
	.balign 8
	.globl pulp_gate_geometry
	.hidden pulp_gate_geometry
	.type pulp_gate_geometry, @object
pulp_gate_geometry:
	.quad PULP_GATES, \size
	.size pulp_gate_geometry, 16

	.section .note.GNU-stack, "", @progbits
	.endm

#endif
