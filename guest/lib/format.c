/*
 * format.c - printf-style formatting engine (see format.h).
 *
 * 64-bit decimal conversion divides by 10 in 16-bit steps with 32-bit
 * arithmetic, so nothing here needs libgcc's 64-bit division helpers.
 */
#include <stdint.h>
#include "format.h"

struct fmt_spec {
    int left;      /* '-' flag */
    int zero;      /* '0' flag */
    int width;     /* minimum field width */
    int prec;      /* precision, -1 if none */
};

/* *v /= 10, returns the remainder. */
static unsigned int fmt_divmod10(uint64_t *v)
{
    uint32_t hi = (uint32_t)(*v >> 32);
    uint32_t lo = (uint32_t)*v;
    uint32_t qh = hi / 10;
    uint32_t r = hi % 10;
    uint32_t x = (r << 16) | (lo >> 16); /* < 10 * 2^16: fits */
    uint32_t q1 = x / 10;
    uint32_t q0;

    r = x % 10;
    x = (r << 16) | (lo & 0xFFFF);
    q0 = x / 10;
    r = x % 10;
    *v = ((uint64_t)qh << 32) | (q1 << 16) | q0;
    return r;
}

static int fmt_pad(fmt_put_t put, void *ctx, int c, int n)
{
    int i;

    for (i = 0; i < n; i++)
        put(ctx, c);
    return n > 0 ? n : 0;
}

/* Emits prefix, zero/space padding and the digits in buf[0..len). */
static int fmt_field(fmt_put_t put, void *ctx, const struct fmt_spec *s,
                     const char *prefix, const char *digits, int len)
{
    int plen = 0, zeros = 0, total, out = 0;

    while (prefix[plen] != '\0')
        plen++;
    if (s->prec > len)
        zeros = s->prec - len;
    else if (s->zero && !s->left && s->prec < 0 && s->width > plen + len)
        zeros = s->width - plen - len;
    total = plen + zeros + len;
    if (!s->left)
        out += fmt_pad(put, ctx, ' ', s->width - total);
    while (*prefix != '\0') {
        put(ctx, *prefix++);
        out++;
    }
    out += fmt_pad(put, ctx, '0', zeros);
    while (len-- > 0) {
        put(ctx, *digits++);
        out++;
    }
    if (s->left)
        out += fmt_pad(put, ctx, ' ', s->width - total);
    return out;
}

static int fmt_number(fmt_put_t put, void *ctx, const struct fmt_spec *s,
                      uint64_t v, int neg, unsigned int base, int upper,
                      const char *prefix)
{
    const char *xdigits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24]; /* 2^64 has 20 decimal digits */
    int n = sizeof(buf);

    if (v == 0 && s->prec != 0)
        buf[--n] = '0';
    while (v != 0) {
        if (base == 16) {
            buf[--n] = xdigits[v & 0xF];
            v >>= 4;
        } else {
            buf[--n] = xdigits[fmt_divmod10(&v)];
        }
    }
    return fmt_field(put, ctx, s, neg ? "-" : prefix, buf + n,
                     (int)sizeof(buf) - n);
}

static int fmt_string(fmt_put_t put, void *ctx, const struct fmt_spec *s,
                      const char *str)
{
    struct fmt_spec plain;
    int len = 0;

    if (str == 0)
        str = "(null)";
    while (str[len] != '\0' && (s->prec < 0 || len < s->prec))
        len++;
    /* Field members set one by one: no memcpy (the ROM has no libc). */
    plain.left = s->left;
    plain.zero = 0;
    plain.width = s->width;
    plain.prec = -1;
    return fmt_field(put, ctx, &plain, "", str, len);
}

int vformat(fmt_put_t put, void *ctx, const char *fmt, va_list ap)
{
    int out = 0;

    while (*fmt != '\0') {
        struct fmt_spec s = { 0, 0, 0, -1 };
        int lng = 0; /* 0 = int, 1 = long, 2 = long long */
        uint64_t v;
        int64_t sv;
        char ch;

        if (*fmt != '%') {
            put(ctx, *fmt++);
            out++;
            continue;
        }
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                s.left = 1;
            else if (*fmt == '0')
                s.zero = 1;
            else
                break;
        }
        if (*fmt == '*') {
            s.width = va_arg(ap, int);
            if (s.width < 0) {
                s.left = 1;
                s.width = -s.width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9')
                s.width = s.width * 10 + (*fmt++ - '0');
        }
        if (*fmt == '.') {
            fmt++;
            s.prec = 0;
            if (*fmt == '*') {
                s.prec = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9')
                    s.prec = s.prec * 10 + (*fmt++ - '0');
            }
        }
        for (;; fmt++) {
            if (*fmt == 'l')
                lng++;
            else if (*fmt != 'h' && *fmt != 'z')
                break;
        }
        ch = *fmt;
        if (ch == '\0')
            break;
        fmt++;
        switch (ch) {
        case 'd':
        case 'i':
            if (lng >= 2)
                sv = va_arg(ap, long long);
            else if (lng == 1)
                sv = va_arg(ap, long);
            else
                sv = va_arg(ap, int);
            v = sv < 0 ? (uint64_t)0 - (uint64_t)sv : (uint64_t)sv;
            out += fmt_number(put, ctx, &s, v, sv < 0, 10, 0, "");
            break;
        case 'u':
        case 'x':
        case 'X':
            if (lng >= 2)
                v = va_arg(ap, unsigned long long);
            else if (lng == 1)
                v = va_arg(ap, unsigned long);
            else
                v = va_arg(ap, unsigned int);
            out += fmt_number(put, ctx, &s, v, 0, ch == 'u' ? 10 : 16,
                              ch == 'X', "");
            break;
        case 'p':
            s.prec = 8; /* o32 pointers: 32 bits */
            v = (uintptr_t)va_arg(ap, void *);
            out += fmt_number(put, ctx, &s, v, 0, 16, 0, "0x");
            break;
        case 's':
            out += fmt_string(put, ctx, &s, va_arg(ap, const char *));
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);

            s.prec = -1;
            s.zero = 0;
            out += fmt_field(put, ctx, &s, "", &c, 1);
            break;
        }
        default: /* "%%" and unknown conversions print themselves */
            put(ctx, ch);
            out++;
            break;
        }
    }
    return out;
}
