/*
 * idle.S - the idle routine, at a stable address.
 *
 * It lives in .text.start right after crt0's entry code, so its address
 * depends only on the runtime's crt0 and not on the rest of the firmware:
 * the WAIT below is the router's idle PC (for --idle-pc on an emulator
 * whose CPU does not sleep on WAIT).
 *
 * cpu_idle_wait(use_wait): with use_wait != 0 executes WAIT, which stops
 * the pipeline until an unmasked interrupt is pending (whatever Status.IE
 * says; RM7000 manual, also R4600/R4700/R5000/RM5200). The caller has IE
 * off; it re-enables IE afterwards and takes the interrupt. With
 * use_wait = 0 it only returns: the main loop then spins through this
 * address, which an emulator's idle-PC setting can catch.
 */
	.set	noreorder
	.set	mips3

	.section .text.start, "ax"
	.align	4
	.globl	cpu_idle_wait
	.type	cpu_idle_wait, @function
cpu_idle_wait:
	beqz	$a0, 1f
	nop
	wait
1:	jr	$ra
	nop
	.size	cpu_idle_wait, . - cpu_idle_wait
