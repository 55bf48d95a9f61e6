/*
 * rt.h - the guest runtime: console, printf family, string functions and
 * program exit.  See guest/README.md for the whole API.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Console: DUART channel A, polled (console.c). */
void console_putc(int c);
int console_getc(void);    /* waits for a character */
int console_trygetc(void); /* -1 if none is waiting */
void console_write(const char *s);
int putchar(int c);
int getchar(void);
int puts(const char *s); /* appends '\n' */

/* Formatted output (printf.c; conversions listed in format.h). */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Strings and memory (string.c). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);

/* Stops the virtual router; never returns (exit.c). */
void exit(int code) __attribute__((noreturn));

/* Provided by the program. */
int main(void);

#endif /* GUEST_RT_H */
