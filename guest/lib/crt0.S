/*
 * crt0.S - program entry.  The ROM monitor jumps here (the ELF entry point)
 * with the state of c7200.md §16.4 (a0 = 2, sp just below the entry point).
 *
 * 1. Record every GPR, HI/LO and a few CP0 registers exactly as received
 *    (struct entry_state, entry_state.h), using the 0x130 bytes below the
 *    ROM-provided sp as scratch: that memory lies between the ROM stack and
 *    the image (c7200.md §3.4) and nothing else uses it.
 * 2. Clear .bss, copy the record into rt_entry_state, switch to our stack.
 * 3. main(); exit(main's value), which stops the VM.
 */
#include "cp0.h"
#include "entry_state.h"

	.set	noreorder
	.set	noat
	.set	mips3
	.set	gp=64

	.section .text.start, "ax"
	.globl	_start
	.type	_start, @function
_start:
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	$\n, (ENTRY_F_GPR(\n) - ENTRY_F_SIZE)($sp)
	.endr
	mfhi	$t0
	sd	$t0, (ENTRY_F_HI - ENTRY_F_SIZE)($sp)
	mflo	$t0
	sd	$t0, (ENTRY_F_LO - ENTRY_F_SIZE)($sp)
	dmfc0	$t0, C0_EPC
	sd	$t0, (ENTRY_F_EPC - ENTRY_F_SIZE)($sp)
	mfc0	$t0, C0_STATUS
	sw	$t0, (ENTRY_F_STATUS - ENTRY_F_SIZE)($sp)
	mfc0	$t0, C0_CAUSE
	sw	$t0, (ENTRY_F_CAUSE - ENTRY_F_SIZE)($sp)
	mfc0	$t0, C0_COUNT
	sw	$t0, (ENTRY_F_COUNT - ENTRY_F_SIZE)($sp)
	mfc0	$t0, C0_COMPARE
	sw	$t0, (ENTRY_F_COMPARE - ENTRY_F_SIZE)($sp)
	mfc0	$t0, C0_CONFIG
	sw	$t0, (ENTRY_F_CONFIG - ENTRY_F_SIZE)($sp)
	mfc0	$t0, C0_PRID
	sw	$t0, (ENTRY_F_PRID - ENTRY_F_SIZE)($sp)

	/* Clear .bss (bounds from image.ld, 8-byte aligned). */
	lui	$t0, %hi(__bss_start)
	addiu	$t0, $t0, %lo(__bss_start)
	lui	$t1, %hi(__bss_end)
	addiu	$t1, $t1, %lo(__bss_end)
1:	beq	$t0, $t1, 2f
	nop
	sd	$0, 0($t0)
	b	1b
	addiu	$t0, $t0, 8
2:
	/* Copy the record into rt_entry_state (.bss). */
	addiu	$t0, $sp, -ENTRY_F_SIZE
	lui	$t1, %hi(rt_entry_state)
	addiu	$t1, $t1, %lo(rt_entry_state)
	li	$t2, ENTRY_F_SIZE / 8
3:	ld	$t3, 0($t0)
	sd	$t3, 0($t1)
	addiu	$t0, $t0, 8
	addiu	$t2, $t2, -1
	bnez	$t2, 3b
	addiu	$t1, $t1, 8

	/* o32: the callee may use 16 bytes above its sp; keep 32 spare. */
	lui	$sp, %hi(__stack_top - 32)
	jal	main
	addiu	$sp, $sp, %lo(__stack_top - 32)
	jal	exit
	move	$a0, $v0
4:	b	4b
	nop
	.size	_start, . - _start

	.bss
	.align	3
	.globl	rt_entry_state
	.type	rt_entry_state, @object
rt_entry_state:
	.space	ENTRY_F_SIZE
	.size	rt_entry_state, ENTRY_F_SIZE
