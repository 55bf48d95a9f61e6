/*
 * bm_glue: the bare-metal backend of tio (tio.h) over the guest runtime
 * (guest/lib): console output on the DUART, exit stops the VM.
 */
#include "tio.h"
#include "rt.h"

void tio_write(const char *buf, unsigned long len)
{
    while (len--)
        console_putc(*buf++);
}

void tio_exit(int code)
{
    exit(code);
}

/* R4000 User's Manual ch. 11 (CACHE): Hit_Writeback_Invalidate_D (0x15),
 * then Hit_Invalidate_I (0x10), line by line (16 bytes covers every
 * primary line size of the R4x00/RM7000 family). */
void tio_code_sync(void *code, unsigned long len)
{
    unsigned long a = (unsigned long)code & ~15UL;
    unsigned long end = (unsigned long)code + len;
    for (; a < end; a += 16)
        __asm__ volatile(".set push\n.set mips3\n"
                         "cache 0x15, 0(%0)\n"
                         "cache 0x10, 0(%0)\n"
                         ".set pop" : : "r"(a) : "memory");
    __asm__ volatile("sync" ::: "memory");
}

void *tio_code_alias(void *code)
{
    return (void *)(((unsigned long)code & 0x1FFFFFFFUL) | 0xA0000000UL);
}
