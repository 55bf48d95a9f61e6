/*
 * reset.S - first instructions after reset (0xBFC00000) and the jump into
 * the image (c7200.md §16.3 step 7, §16.4).
 *
 * The CPU arrives here after an architectural reset: Status = BEV | ERL,
 * sp preset to 0x80004000, other GPRs 0 (c7200.md §2.2, §16.1 step 4).
 */
#include "cp0.h"
#include "c7200.h"
#include "rom_frame.h"

#define ROM_STACK_TOP   0x80004000 /* c7200.md §3.4: ROM stack below 0x4000 */
#define IMAGE_SP_OFFSET 64         /* c7200.md §16.3 step 7: sp = entry - 64 */
#define IMAGE_SP_CLEAR  6          /* ... with bits 1-2 cleared */
#define IMAGE_BOOT_ARG  2          /* c7200.md §16.3 step 7: a0 = 2 */
#define ROM_RETURN_RA   0xBFC0068C /* c7200.md §16.4: ra inside the ROM */

	.set	noreorder
	.set	noat
	.set	mips3
	.set	gp=64

/* ------------------------------------------------------------ reset */

	.section .rom.reset, "ax"
	.globl	rom_reset
rom_reset:
	/* ERL (and EXL) off: eret must use EPC, interrupts must be able to
	 * reach the ROM vectors (c7200.md §2.2, Status at reset). */
	mfc0	$t0, C0_STATUS
	li	$t1, ~(ST_ERL | ST_EXL)
	and	$t0, $t0, $t1
	mtc0	$t0, C0_STATUS
	lui	$sp, %hi(ROM_STACK_TOP)
	jal	rom_main		/* steps 2-6; v0 = entry point */
	addiu	$sp, $sp, %lo(ROM_STACK_TOP)
	j	rom_launch
	move	$t0, $v0

/* ------------------------------------------------------------ launch */

/*
 * t0 = image entry point.  Linked at 0xBFC005E0 (rom.ld) so that the jalr
 * sits at 0xBFC00684 and the image sees ra = 0xBFC0068C.
 */
	.section .rom.launch, "ax"
	.globl	rom_launch
rom_launch:
	sll	$t0, $t0, 0		/* 64-bit sign-extended entry point */
	lui	$at, %hi(ROMDATA_SAVED_SP)
	sd	$sp, %lo(ROMDATA_SAVED_SP)($at)
	sd	$ra, %lo(ROMDATA_SAVED_RA)($at)
	addiu	$sp, $t0, -IMAGE_SP_OFFSET
	li	$at, ~IMAGE_SP_CLEAR
	and	$sp, $sp, $at
	li	$a0, IMAGE_BOOT_ARG
	move	$a1, $0
	move	$a2, $0
	move	$a3, $0
	mthi	$0
	mtlo	$0
	move	$at, $0
	move	$v0, $0
	move	$v1, $0
	move	$t1, $0
	move	$t2, $0
	move	$t3, $0
	move	$t4, $0
	move	$t5, $0
	move	$t6, $0
	move	$t7, $0
	move	$t8, $0
	move	$t9, $0
	move	$s2, $0
	move	$s3, $0
	move	$s4, $0
	move	$s5, $0
	move	$s6, $0
	move	$s7, $0
	move	$gp, $0
	move	$fp, $0
	move	$k1, $0
	lui	$k0, %hi(ROM_EXC_SAVE_ADDR)	/* c7200.md §16.4: k0 */
	addiu	$k0, $k0, %lo(ROM_EXC_SAVE_ADDR)
	lui	$s0, %hi(C7200_REMOTE_BASE)	/* c7200.md §16.4: s0 */
	lui	$s1, %hi(C7200_ROM_BASE)	/* c7200.md §16.4: s1 */
	.org	ROM_RETURN_RA - 8 - 0xBFC005E0
	jalr	$t0
	nop

	/* The image returned (c7200.md §16.3 step 8); rom.ld checks that
	 * this is 0xBFC0068C. */
	.globl	rom_image_return
rom_image_return:
	lui	$at, %hi(ROMDATA_SAVED_SP)
	ld	$sp, %lo(ROMDATA_SAVED_SP)($at)
	ld	$ra, %lo(ROMDATA_SAVED_RA)($at)
	lui	$t1, %hi(C7200_REMOTE_BASE)
	lw	$t1, REMOTE_RESTART($t1)
	beqz	$t1, 1f
	lui	$t1, %hi(C7200_REMOTE_BASE)
	b	rom_launch
	lw	$t0, REMOTE_ENTRY($t1)
1:	jal	rom_image_returned	/* prints, stops the VM, never returns */
	nop
2:	b	2b
	nop
