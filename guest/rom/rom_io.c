/*
 * rom_io.c - console and log output of the ROM monitor (see rom_io.h).
 * No static data: the ROM has no writable sections.
 */
#include <stdarg.h>
#include <stddef.h>
#include "c7200.h"
#include "format.h"
#include "rom_io.h"

void rom_putc(int c)
{
    REMOTE_REG(REMOTE_CONSOLE_CHAR) = (unsigned char)c;
}

void rom_puts(const char *s)
{
    while (*s != '\0')
        rom_putc(*s++);
}

static void rom_put_console(void *ctx, int c)
{
    (void)ctx;
    rom_putc(c);
}

static void rom_put_log(void *ctx, int c)
{
    (void)ctx;
    REMOTE_REG(REMOTE_LOG_CHAR) = (unsigned char)c;
}

void rom_printf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(rom_put_console, NULL, fmt, ap);
    va_end(ap);
}

/* One log line; the device flushes its buffer at the newline. */
void rom_logf(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vformat(rom_put_log, NULL, fmt, ap);
    va_end(ap);
    rom_put_log(NULL, '\n');
}

void rom_stop(void)
{
    REMOTE_REG(REMOTE_STOP) = 1;
}
