/*
 * printf.c - printf family on top of the formatting engine (format.c):
 * console output and bounded string buffers.
 */
#include <stddef.h>
#include "format.h"
#include "rt.h"

static void printf_put_console(void *ctx, int c)
{
    (void)ctx;
    console_putc(c);
}

int vprintf(const char *fmt, va_list ap)
{
    return vformat(printf_put_console, NULL, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

struct printf_buf {
    char *buf;
    size_t size;
    size_t len;
};

static void printf_put_buf(void *ctx, int c)
{
    struct printf_buf *b = ctx;

    if (b->len + 1 < b->size)
        b->buf[b->len] = (char)c;
    b->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct printf_buf b = { buf, size, 0 };
    int n = vformat(printf_put_buf, &b, fmt, ap);

    if (size > 0)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
