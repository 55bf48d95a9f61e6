/*
 * tio: formatting and string helpers shared by the bare-metal and the Linux
 * builds of every guest test (see tio.h). Nothing here knows the platform.
 */
#include "tio.h"

#ifndef TEST_NAME
#error "TEST_NAME must be defined by the build (tests.mk)"
#endif
#define T_STR2(x) #x
#define T_STR(x) T_STR2(x)

/* ------------------------------------------------------------ strings */

void *t_memcpy(void *dst, const void *src, unsigned long n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    while (n--)
        *d++ = *s++;
    return dst;
}

void *t_memmove(void *dst, const void *src, unsigned long n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else if (d > s) {
        d += n;
        s += n;
        while (n--)
            *--d = *--s;
    }
    return dst;
}

void *t_memset(void *dst, int c, unsigned long n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

int t_memcmp(const void *a, const void *b, unsigned long n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x < *y ? -1 : 1;
    return 0;
}

unsigned long t_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (unsigned long)(p - s);
}

int t_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

/* The compiler may still emit calls to these for aggregate copies. */
void *memcpy(void *dst, const void *src, unsigned long n)
    __attribute__((weak, alias("t_memcpy")));
void *memmove(void *dst, const void *src, unsigned long n)
    __attribute__((weak, alias("t_memmove")));
void *memset(void *dst, int c, unsigned long n)
    __attribute__((weak, alias("t_memset")));
int memcmp(const void *a, const void *b, unsigned long n)
    __attribute__((weak, alias("t_memcmp")));

/* ------------------------------------------------------------ output */

static char out_buf[256];
static unsigned out_len;

void t_flush(void)
{
    if (out_len) {
        tio_write(out_buf, out_len);
        out_len = 0;
    }
}

void t_putc(int c)
{
    out_buf[out_len++] = (char)c;
    if (c == '\n' || out_len == sizeof(out_buf))
        t_flush();
}

void t_puts(const char *s)
{
    while (*s)
        t_putc(*s++);
}

/* A sink lets one formatter serve both printf and snprintf. */
struct sink {
    char *buf; /* NULL: console */
    unsigned long size, len;
};

static void sink_put(struct sink *k, char c)
{
    if (!k->buf)
        t_putc(c);
    else if (k->len + 1 < k->size)
        k->buf[k->len] = c;
    k->len++;
}

static void sink_pad(struct sink *k, char c, int n)
{
    while (n-- > 0)
        sink_put(k, c);
}

static int fmt_core(struct sink *k, const char *fmt, va_list ap)
{
    static const char lo_digits[] = "0123456789abcdef";
    static const char up_digits[] = "0123456789ABCDEF";

    for (; *fmt; fmt++) {
        char tmp[72];
        int left = 0, zero = 0, plus = 0, space = 0, width = 0, prec = -1;
        int lng = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long */
        unsigned long long u;
        const char *digits = lo_digits;
        unsigned base;
        int neg = 0, n = 0, is_signed = 0;
        char c;

        if (*fmt != '%') {
            sink_put(k, *fmt);
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                zero = 1;
            else if (*fmt == '+')
                plus = 1;
            else if (*fmt == ' ')
                space = 1;
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            while (*fmt >= '0' && *fmt <= '9')
                prec = prec * 10 + (*fmt++ - '0');
        }
        for (;; fmt++) {
            if (*fmt == 'h')
                lng--;
            else if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z')
                lng = (sizeof(size_t) == sizeof(long long)) ? 2 : 1;
            else
                break;
        }
        c = *fmt;
        if (!c)
            break;
        switch (c) {
        case 'c':
            sink_pad(k, ' ', left ? 0 : width - 1);
            sink_put(k, (char)va_arg(ap, int));
            sink_pad(k, ' ', left ? width - 1 : 0);
            continue;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int len = 0;
            if (!s)
                s = "(null)";
            while (s[len] && (prec < 0 || len < prec))
                len++;
            sink_pad(k, ' ', left ? 0 : width - len);
            for (n = 0; n < len; n++)
                sink_put(k, s[n]);
            sink_pad(k, ' ', left ? width - len : 0);
            continue;
        }
        case '%':
            sink_put(k, '%');
            continue;
        case 'd':
        case 'i':
            is_signed = 1;
            base = 10;
            break;
        case 'u':
            base = 10;
            break;
        case 'o':
            base = 8;
            break;
        case 'X':
            digits = up_digits;
            base = 16;
            break;
        case 'x':
            base = 16;
            break;
        case 'p':
            base = 16;
            lng = (sizeof(void *) == sizeof(long long)) ? 2 : 1;
            break;
        default:
            sink_put(k, '%');
            sink_put(k, c);
            continue;
        }
        if (c == 'p') {
            u = (unsigned long)va_arg(ap, void *);
        } else if (is_signed) {
            long long v;
            if (lng >= 2)
                v = va_arg(ap, long long);
            else if (lng == 1)
                v = va_arg(ap, long);
            else
                v = va_arg(ap, int);
            if (lng == -1)
                v = (short)v;
            else if (lng <= -2)
                v = (signed char)v;
            if (v < 0) {
                neg = 1;
                u = 0ULL - (unsigned long long)v;
            } else {
                u = (unsigned long long)v;
            }
        } else {
            if (lng >= 2)
                u = va_arg(ap, unsigned long long);
            else if (lng == 1)
                u = va_arg(ap, unsigned long);
            else
                u = va_arg(ap, unsigned int);
            if (lng == -1)
                u = (unsigned short)u;
            else if (lng <= -2)
                u = (unsigned char)u;
        }
        n = 0;
        do {
            tmp[n++] = digits[u % base];
            u /= base;
        } while (u);
        while (n < prec)
            tmp[n++] = '0';
        {
            char sign = neg ? '-' : plus ? '+' : space ? ' ' : 0;
            int len = n + (sign ? 1 : 0);
            if (!left && !(zero && prec < 0))
                sink_pad(k, ' ', width - len);
            if (sign)
                sink_put(k, sign);
            if (!left && zero && prec < 0)
                sink_pad(k, '0', width - len);
            while (n > 0)
                sink_put(k, tmp[--n]);
            if (left)
                sink_pad(k, ' ', width - len);
        }
    }
    return (int)k->len;
}

int t_vprintf(const char *fmt, va_list ap)
{
    struct sink k = { 0, 0, 0 };
    return fmt_core(&k, fmt, ap);
}

int t_printf(const char *fmt, ...)
{
    va_list ap;
    int r;
    va_start(ap, fmt);
    r = t_vprintf(fmt, ap);
    va_end(ap);
    return r;
}

int t_snprintf(char *buf, unsigned long size, const char *fmt, ...)
{
    struct sink k = { buf, size, 0 };
    va_list ap;
    va_start(ap, fmt);
    fmt_core(&k, fmt, ap);
    va_end(ap);
    if (size)
        buf[k.len < size ? k.len : size - 1] = 0;
    return (int)k.len;
}

/* ------------------------------------------------------------ entry */

int main(void)
{
    t_puts("=== BEGIN " T_STR(TEST_NAME) "\n");
    test_main();
    t_puts("=== END\n");
    t_flush();
    tio_exit(0);
}
