/* The c7200 ROM monitor image (built from guest/rom, committed prebuilt
 * as guest/images/c7200_rom.bin), linked into the emulator. */
    .section .rodata
    .balign 16
    .globl c7200_rom_image
    .globl c7200_rom_image_end
c7200_rom_image:
    .incbin ROM_BIN
c7200_rom_image_end:
    .section .note.GNU-stack,"",@progbits
