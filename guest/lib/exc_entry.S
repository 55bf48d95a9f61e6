/*
 * exc_entry.S - exception vector stubs and the save/restore path behind
 * them.  Layout of the saved state: exc.h.
 *
 * The stubs between exc_stub_* and exc_stub_*_end are copied by
 * exc_install() onto the RAM vectors (0x80000000 + EXC_VEC_*), so they may
 * use only absolute addresses (lui/addiu pairs) and branches inside the
 * stub.  Each vector has 0x80 bytes (R4000 manual: vectors are 0x80 apart).
 */
#include "exc.h"
#include "cp0.h"

#define EXC_VECTOR_SPACE 0x80 /* R4000 manual: 32 instructions per vector */
#define EXC_STACK_SIZE   8192 /* private stack for the C hook */

	.set	noreorder
	.set	noat
	.set	mips3
	.set	gp=64

/* ------------------------------------------------------------ stubs */

	.section .text.exc_stubs, "ax"

	.macro	JUMP_STUB name, target
	.globl	\name
\name:
	lui	$k0, %hi(\target)
	addiu	$k0, $k0, %lo(\target)
	jr	$k0
	nop
	.globl	\name\()_end
\name\()_end:
	.endm

	JUMP_STUB exc_stub_tlb_refill, exc_entry_tlb_refill
	JUMP_STUB exc_stub_xtlb_refill, exc_entry_xtlb_refill
	JUMP_STUB exc_stub_cache_err, exc_entry_cache_err

	/*
	 * General vector: syscalls go to exc_syscall_forward when it is
	 * non-zero, with nothing but k0 changed (c7200.md §17.1: the ROM entry
	 * stub saves everything else itself).
	 */
	.globl	exc_stub_general
exc_stub_general:
	mfc0	$k0, C0_CAUSE
	andi	$k0, $k0, CAUSE_EXC_MASK
	xori	$k0, $k0, (EXC_SYS << CAUSE_EXC_SHIFT)
	bnez	$k0, 1f
	lui	$k0, %hi(exc_syscall_forward)
	lw	$k0, %lo(exc_syscall_forward)($k0)
	beqz	$k0, 1f
	nop
	jr	$k0
	nop
1:	lui	$k0, %hi(exc_entry_general)
	addiu	$k0, $k0, %lo(exc_entry_general)
	jr	$k0
	nop
	.globl	exc_stub_general_end
exc_stub_general_end:

	.if (exc_stub_general_end - exc_stub_general) > EXC_VECTOR_SPACE
	.error "general exception stub larger than its vector slot"
	.endif

/* ------------------------------------------------------------ entries */

	.text

	/* Per-vector entry: frame address in k0, save k1, vector id in k1. */
	.macro	ENTRY name, vec
	.globl	\name
\name:
	lui	$k0, %hi(exc_frame)
	addiu	$k0, $k0, %lo(exc_frame)
	sd	$k1, EXC_F_GPR(27)($k0)
	b	exc_save
	li	$k1, \vec
	.endm

	ENTRY exc_entry_tlb_refill, EXC_VEC_TLB_REFILL
	ENTRY exc_entry_xtlb_refill, EXC_VEC_XTLB_REFILL
	ENTRY exc_entry_cache_err, EXC_VEC_CACHE_ERR
	ENTRY exc_entry_general, EXC_VEC_GENERAL

exc_save:
	sw	$k1, EXC_F_VECTOR($k0)
	sd	$0, EXC_F_GPR(0)($k0)
	sd	$1, EXC_F_GPR(1)($k0)
	sd	$2, EXC_F_GPR(2)($k0)
	sd	$3, EXC_F_GPR(3)($k0)
	sd	$4, EXC_F_GPR(4)($k0)
	sd	$5, EXC_F_GPR(5)($k0)
	sd	$6, EXC_F_GPR(6)($k0)
	sd	$7, EXC_F_GPR(7)($k0)
	sd	$8, EXC_F_GPR(8)($k0)
	sd	$9, EXC_F_GPR(9)($k0)
	sd	$10, EXC_F_GPR(10)($k0)
	sd	$11, EXC_F_GPR(11)($k0)
	sd	$12, EXC_F_GPR(12)($k0)
	sd	$13, EXC_F_GPR(13)($k0)
	sd	$14, EXC_F_GPR(14)($k0)
	sd	$15, EXC_F_GPR(15)($k0)
	sd	$16, EXC_F_GPR(16)($k0)
	sd	$17, EXC_F_GPR(17)($k0)
	sd	$18, EXC_F_GPR(18)($k0)
	sd	$19, EXC_F_GPR(19)($k0)
	sd	$20, EXC_F_GPR(20)($k0)
	sd	$21, EXC_F_GPR(21)($k0)
	sd	$22, EXC_F_GPR(22)($k0)
	sd	$23, EXC_F_GPR(23)($k0)
	sd	$24, EXC_F_GPR(24)($k0)
	sd	$25, EXC_F_GPR(25)($k0)
	sd	$0, EXC_F_GPR(26)($k0)		/* k0 is lost, see exc.h */
	sd	$28, EXC_F_GPR(28)($k0)
	sd	$29, EXC_F_GPR(29)($k0)
	sd	$30, EXC_F_GPR(30)($k0)
	sd	$31, EXC_F_GPR(31)($k0)
	mfhi	$t0
	sd	$t0, EXC_F_HI($k0)
	mflo	$t0
	sd	$t0, EXC_F_LO($k0)
	dmfc0	$t0, C0_EPC
	sd	$t0, EXC_F_EPC($k0)
	dmfc0	$t0, C0_BADVADDR
	sd	$t0, EXC_F_BADVADDR($k0)
	dmfc0	$t0, C0_CONTEXT
	sd	$t0, EXC_F_CONTEXT($k0)
	dmfc0	$t0, C0_ENTRYHI
	sd	$t0, EXC_F_ENTRYHI($k0)
	dmfc0	$t0, C0_XCONTEXT
	sd	$t0, EXC_F_XCONTEXT($k0)
	mfc0	$t0, C0_STATUS
	sd	$t0, EXC_F_STATUS($k0)
	mfc0	$t0, C0_CAUSE
	sd	$t0, EXC_F_CAUSE($k0)

	/* o32: the callee may use 16 bytes above its sp; keep 32 spare. */
	move	$a0, $k0
	lw	$a1, EXC_F_VECTOR($k0)
	lui	$sp, %hi(exc_stack_top - 32)
	jal	exc_dispatch
	addiu	$sp, $sp, %lo(exc_stack_top - 32)

	/* Restore: Status first (EXL kept on) so EPC cannot be overwritten. */
	lui	$k0, %hi(exc_frame)
	addiu	$k0, $k0, %lo(exc_frame)
	ld	$t0, EXC_F_STATUS($k0)
	ori	$t0, $t0, ST_EXL
	mtc0	$t0, C0_STATUS
	ld	$t0, EXC_F_EPC($k0)
	dmtc0	$t0, C0_EPC
	ld	$t0, EXC_F_HI($k0)
	mthi	$t0
	ld	$t0, EXC_F_LO($k0)
	mtlo	$t0
	ld	$1, EXC_F_GPR(1)($k0)
	ld	$2, EXC_F_GPR(2)($k0)
	ld	$3, EXC_F_GPR(3)($k0)
	ld	$4, EXC_F_GPR(4)($k0)
	ld	$5, EXC_F_GPR(5)($k0)
	ld	$6, EXC_F_GPR(6)($k0)
	ld	$7, EXC_F_GPR(7)($k0)
	ld	$8, EXC_F_GPR(8)($k0)
	ld	$9, EXC_F_GPR(9)($k0)
	ld	$10, EXC_F_GPR(10)($k0)
	ld	$11, EXC_F_GPR(11)($k0)
	ld	$12, EXC_F_GPR(12)($k0)
	ld	$13, EXC_F_GPR(13)($k0)
	ld	$14, EXC_F_GPR(14)($k0)
	ld	$15, EXC_F_GPR(15)($k0)
	ld	$16, EXC_F_GPR(16)($k0)
	ld	$17, EXC_F_GPR(17)($k0)
	ld	$18, EXC_F_GPR(18)($k0)
	ld	$19, EXC_F_GPR(19)($k0)
	ld	$20, EXC_F_GPR(20)($k0)
	ld	$21, EXC_F_GPR(21)($k0)
	ld	$22, EXC_F_GPR(22)($k0)
	ld	$23, EXC_F_GPR(23)($k0)
	ld	$24, EXC_F_GPR(24)($k0)
	ld	$25, EXC_F_GPR(25)($k0)
	ld	$27, EXC_F_GPR(27)($k0)
	ld	$28, EXC_F_GPR(28)($k0)
	ld	$29, EXC_F_GPR(29)($k0)
	ld	$30, EXC_F_GPR(30)($k0)
	ld	$31, EXC_F_GPR(31)($k0)
	ld	$k0, EXC_F_GPR(26)($k0)
	eret

/* ------------------------------------------------------------ data */

	.bss
	.align	4
	.globl	exc_frame
exc_frame:
	.space	EXC_F_SIZE
	.align	4
exc_stack:
	.space	EXC_STACK_SIZE
exc_stack_top:
