/*
 * emt_probe.S - see emt_probe.h.
 */
#include "emt_probe.h"

#define F_SAVE     0                    /* ra s0-s7 fp gp: 11 x 8 */
#define F_PTR      88                   /* the struct pointer */
#define F_DUMP     96                   /* registers after the syscall */
#define F_SIZE     (F_DUMP + EP_SIZE + 16)

	.set	noreorder
	.set	noat
	.set	mips3
	.set	gp=64
	.text

	.globl	emt_probe
	.type	emt_probe, @function
emt_probe:
	addiu	$sp, $sp, -F_SIZE
	sd	$ra, F_SAVE + 0($sp)
	sd	$s0, F_SAVE + 8($sp)
	sd	$s1, F_SAVE + 16($sp)
	sd	$s2, F_SAVE + 24($sp)
	sd	$s3, F_SAVE + 32($sp)
	sd	$s4, F_SAVE + 40($sp)
	sd	$s5, F_SAVE + 48($sp)
	sd	$s6, F_SAVE + 56($sp)
	sd	$s7, F_SAVE + 64($sp)
	sd	$fp, F_SAVE + 72($sp)
	sd	$gp, F_SAVE + 80($sp)
	sw	$a0, F_PTR($sp)
	sd	$sp, EP_SP_BEFORE($a0)

	ld	$t0, EP_HI($a0)
	mthi	$t0
	ld	$t0, EP_LO($a0)
	mtlo	$t0
	.irp	n, 1,2,3,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,30,31
	ld	$\n, EP_GPR(\n)($a0)
	.endr
	ld	$a0, EP_GPR(4)($a0)
	syscall
	.irp	n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	$\n, F_DUMP + EP_GPR(\n)($sp)
	.endr
	mfhi	$t0
	sd	$t0, F_DUMP + EP_HI($sp)
	mflo	$t0
	sd	$t0, F_DUMP + EP_LO($sp)

	ld	$ra, F_SAVE + 0($sp)
	ld	$s0, F_SAVE + 8($sp)
	ld	$s1, F_SAVE + 16($sp)
	ld	$s2, F_SAVE + 24($sp)
	ld	$s3, F_SAVE + 32($sp)
	ld	$s4, F_SAVE + 40($sp)
	ld	$s5, F_SAVE + 48($sp)
	ld	$s6, F_SAVE + 56($sp)
	ld	$s7, F_SAVE + 64($sp)
	ld	$fp, F_SAVE + 72($sp)
	ld	$gp, F_SAVE + 80($sp)
	lw	$t0, F_PTR($sp)
	addiu	$t1, $sp, F_DUMP
	li	$t2, EP_SIZE / 8
1:	ld	$t3, 0($t1)
	sd	$t3, 0($t0)
	addiu	$t1, $t1, 8
	addiu	$t2, $t2, -1
	bnez	$t2, 1b
	addiu	$t0, $t0, 8
	jr	$ra
	addiu	$sp, $sp, F_SIZE
	.size	emt_probe, . - emt_probe

	.globl	emt_probe_delay_slot
	.type	emt_probe_delay_slot, @function
emt_probe_delay_slot:
	move	$t0, $a1
	li	$v1, 0
	b	2f
	syscall				/* in the delay slot */
	b	3f			/* resumed after the delay slot */
	li	$v1, 1
2:	li	$v1, 2			/* resumed at the branch target */
3:	sw	$v0, 0($t0)
	jr	$ra
	move	$v0, $v1
	.size	emt_probe_delay_slot, . - emt_probe_delay_slot
