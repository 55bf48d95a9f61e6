/*
 * version.S - the ROM version text handed out by EMT 0x0A, at the address
 * IOS is given on the reference (c7200.md §17.2: 0xBFC026F0); rom.ld places
 * the section there.
 */
	.section .rom.version, "a"
	.globl	rom_version
rom_version:
	.asciz	"\n\nROMMON Emulation Microcode\n"
