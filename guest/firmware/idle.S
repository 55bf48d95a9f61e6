/*
 * idle.S - the idle routine, at a stable address.
 *
 * It lives in .text.start right after crt0's entry code, so its address
 * depends only on the runtime's crt0 and not on the rest of the firmware:
 * the WAIT below is the router's idle PC (for --idle-pc on an emulator
 * whose CPU does not sleep on WAIT).
 *
 * cpu_idle_wait: executes WAIT, which on the RM7000 stops the pipeline
 * until an unmasked interrupt is pending (whatever Status.IE says). The
 * caller has IE off; it re-enables IE afterwards and takes the interrupt.
 */
	.set	noreorder
	.set	mips3

	.section .text.start, "ax"
	.align	4
	.globl	cpu_idle_wait
	.type	cpu_idle_wait, @function
cpu_idle_wait:
	wait
	jr	$ra
	nop
	.size	cpu_idle_wait, . - cpu_idle_wait
