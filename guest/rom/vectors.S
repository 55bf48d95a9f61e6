/*
 * vectors.S - the ROM monitor's exception entry points while Status.BEV = 1
 * and the EMT 42 table.  Fixed addresses, because IOS reaches some of them
 * through the table (c7200.md §17.1, §17.2 EMT 0x2A, §17.4):
 *
 *   0xBFC00200  TLB refill vector        \
 *   0xBFC00280  XTLB refill vector        |  each: allocate the frame, save
 *   0xBFC00300  cache error vector        |  k0/k1/ra, k1 := C handler,
 *   0xBFC00380  general vector            |  jump to 0xBFC003E0 via k0
 *   0xBFC003B0  complete entry stub      /   (EMT 42 table entries 0, 8)
 *   0xBFC003E0  common save routine (k1 = handler; other table entries)
 *   0xBFC00548  EMT 42 table, 35 words
 *
 * Everything but k0 is restored on the way out; k0 is left holding
 * 0xBFC003E0 (c7200.md §17.1).  The section is linked at 0xBFC00200
 * (rom.ld), so ".org X" means address 0xBFC00200 + X.
 */
#include "cp0.h"
#include "rom_frame.h"

	.set	noreorder
	.set	noat
	.set	mips3
	.set	gp=64

	.macro	VECTOR_STUB handler
	addiu	$sp, $sp, -RF_SIZE
	sd	$k0, RF_GPR(26)($sp)
	sd	$k1, RF_GPR(27)($sp)
	sd	$ra, RF_GPR(31)($sp)
	lui	$k1, %hi(\handler)
	addiu	$k1, $k1, %lo(\handler)
	lui	$k0, %hi(ROM_EXC_SAVE_ADDR)
	addiu	$k0, $k0, %lo(ROM_EXC_SAVE_ADDR)
	jr	$k0
	nop
	.endm

	.section .rom.vectors, "ax"

	.org	0x000			/* 0xBFC00200 */
	.globl	rom_vec_tlb_refill
rom_vec_tlb_refill:
	VECTOR_STUB rom_exc_tlb_refill

	.org	0x080			/* 0xBFC00280 */
	.globl	rom_vec_xtlb_refill
rom_vec_xtlb_refill:
	VECTOR_STUB rom_exc_xtlb_refill

	.org	0x100			/* 0xBFC00300 */
	.globl	rom_vec_cache_error
rom_vec_cache_error:
	VECTOR_STUB rom_exc_cache_error

	.org	0x180			/* 0xBFC00380 */
	.globl	rom_vec_general
rom_vec_general:
	VECTOR_STUB rom_exc_general

	.org	ROM_EXC_ENTRY_ADDR - 0xBFC00200	/* 0xBFC003B0 */
	.globl	rom_exc_entry
rom_exc_entry:
	VECTOR_STUB rom_exc_general

	.org	ROM_EXC_SAVE_ADDR - 0xBFC00200	/* 0xBFC003E0 */
	.globl	rom_exc_save_entry
rom_exc_save_entry:
	j	rom_exc_save
	nop

	.org	ROM_EMT42_TABLE - 0xBFC00200	/* 0xBFC00548 */
	.globl	rom_emt42_table
rom_emt42_table:
	.word	ROM_EXC_ENTRY_ADDR		/* entry 0 */
	.rept	7
	.word	ROM_EXC_SAVE_ADDR		/* entries 1..7 */
	.endr
	.word	ROM_EXC_ENTRY_ADDR		/* entry 8 (syscall) */
	.rept	ROM_EMT42_ENTRIES - 9
	.word	ROM_EXC_SAVE_ADDR		/* entries 9..34 */
	.endr
	.globl	rom_emt42_table_end
rom_emt42_table_end:

/*
 * Save the rest of the state into the frame at sp, call the handler in k1
 * with a0 = frame, restore and return from the exception.
 */
	.text
	.globl	rom_exc_save
rom_exc_save:
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,28,30
	sd	$\n, RF_GPR(\n)($sp)
	.endr
	sd	$0, RF_GPR(0)($sp)
	addiu	$1, $sp, RF_SIZE		/* sp before the stub */
	sd	$1, RF_GPR(29)($sp)
	mfhi	$1
	sd	$1, RF_HI($sp)
	mflo	$1
	sd	$1, RF_LO($sp)
	mfc0	$1, C0_STATUS
	sd	$1, RF_STATUS($sp)
	mfc0	$1, C0_CAUSE
	sd	$1, RF_CAUSE($sp)
	dmfc0	$1, C0_BADVADDR
	sd	$1, RF_BADVADDR($sp)
	dmfc0	$1, C0_EPC
	sd	$1, RF_EPC($sp)
	dmfc0	$1, C0_ERROREPC
	sd	$1, RF_ERROREPC($sp)
	sd	$k1, RF_HANDLER($sp)

	/* o32: the callee may use 16 bytes above its sp; keep 32 spare. */
	move	$a0, $sp
	jalr	$k1
	addiu	$sp, $sp, -32
	addiu	$sp, $sp, 32

	/* Status first: EXL back on, so EPC and the frame are safe. */
	ld	$1, RF_STATUS($sp)
	mtc0	$1, C0_STATUS
	ld	$1, RF_EPC($sp)
	dmtc0	$1, C0_EPC
	ld	$1, RF_ERROREPC($sp)
	dmtc0	$1, C0_ERROREPC
	ld	$1, RF_HI($sp)
	mthi	$1
	ld	$1, RF_LO($sp)
	mtlo	$1
	.irp	n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,27,28,30,31
	ld	$\n, RF_GPR(\n)($sp)
	.endr
	lui	$k0, %hi(ROM_EXC_SAVE_ADDR)
	addiu	$k0, $k0, %lo(ROM_EXC_SAVE_ADDR)
	ld	$sp, RF_GPR(29)($sp)
	eret
