/*
 * format.h - printf-style formatting engine, independent of the output
 * device.  Used by printf.c (DUART console, buffers) and by the ROM monitor
 * (remote-control console and log ports).  Uses no writable static data.
 *
 * Conversions: %d %i %u %x %X %p %s %c %%, flags '-' and '0', a field
 * width (digits or '*'), a precision ('.' digits or '*': minimum digits for
 * numbers, maximum characters for %s), length modifiers h, l, z (32 bits on
 * o32) and ll (64 bits).  %p prints "0x" and eight hex digits.
 */
#ifndef GUEST_FORMAT_H
#define GUEST_FORMAT_H

#include <stdarg.h>

typedef void (*fmt_put_t)(void *ctx, int c);

/* Formats to put(); returns the number of characters produced. */
int vformat(fmt_put_t put, void *ctx, const char *fmt, va_list ap);

#endif /* GUEST_FORMAT_H */
