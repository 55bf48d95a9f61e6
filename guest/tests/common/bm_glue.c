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
