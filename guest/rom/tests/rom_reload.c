/*
 * rom_reload.c - calls ROM service 0x08 (reload, c7200.md §17.2).  The ROM
 * prints its notice and stops the router, so the program never continues.
 * Expected console output after the ROM banner: rom_reload.expected.
 */
#include "rt.h"

int main(void)
{
    puts("ROMTEST RELOAD");
    __asm__ volatile("li $a0, 0x08\n\tsyscall" : : : "a0", "v0", "memory");
    for (;;)
        ; /* the VM stops; nothing may be printed after the ROM's line */
}
