/*
 * pglue: the bare-metal backend of tio (tio.h) for the platform probes:
 * console output on the platform's own console UART (the SCN2681 of the
 * c7200 through guest/lib, the NS16552 elsewhere), exit stops the VM.
 */
#include "pio.h"
#include "platform.h"
#include "rt.h"
#include "tio.h"

void tio_write(const char *buf, unsigned long len)
{
    if (!pp.id)
        pp_init(); /* before test_main: the BEGIN line */
    if (!pp.duart) {
        while (len--)
            console_putc(*buf++);
        return;
    }
    while (len--) {
        while ((rd32(pp.duart + NS16552_LSR) & NS16552_LSR_THRE) == 0)
            ;
        wr32(pp.duart + NS16552_THR, (unsigned char)*buf++);
    }
}

void tio_exit(int code)
{
    exit(code);
}

void tio_code_sync(void *code, unsigned long len)
{
    (void)code;
    (void)len;
}

void *tio_code_alias(void *code)
{
    return code;
}
