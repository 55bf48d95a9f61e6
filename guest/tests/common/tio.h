/*
 * tio: the tiny portable I/O API every guest test is written against.
 *
 * A test is built twice from the same objects: once bare-metal for our
 * emulator (backend in bm_glue.c, over the guest/lib runtime) and once as a
 * static Linux user program run under qemu (backend in linux_*.S). Only the
 * two backend functions below differ; the formatting code is shared, so the
 * two runs print byte-identical output when the CPU behaves the same.
 */
#ifndef TIO_H
#define TIO_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Backend: provided by bm_glue.c (bare metal) or linux_*.S (qemu). */
void tio_write(const char *buf, unsigned long len);
void tio_exit(int code) __attribute__((noreturn));
/* Make freshly written instructions executable: bare metal writes back
 * the D-cache lines and invalidates the I-cache lines (CACHE); Linux
 * mprotect()s the pages RWX and calls cacheflush(). */
void tio_code_sync(void *code, unsigned long len);
/* The address to execute self-modifying code from: the uncached KSEG1
 * alias on bare metal (stores then reach the instruction fetch without
 * cache maintenance, R4000 manual ch. 4), the buffer itself on Linux. */
void *tio_code_alias(void *code);

/* Formatting: %d %i %u %x %X %o %c %s %p %%, flags '-' '0' '+' ' ',
 * width, precision for %s, length modifiers h hh l ll z. */
int t_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int t_vprintf(const char *fmt, va_list ap);
int t_snprintf(char *buf, unsigned long size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void t_putc(int c);
void t_puts(const char *s); /* no newline appended */
void t_flush(void);

/* Each test defines test_main(); main() (in tio.c) prints
 * "=== BEGIN <TEST_NAME>" before it and "=== END" after it. */
void test_main(void);

/* Fail loudly: prints "FAIL: ..." and keeps going (the runner compares the
 * whole output, so a FAIL line always shows up as a difference). */
#define T_CHECK(cond)                                                     \
    do {                                                                  \
        if (!(cond))                                                      \
            t_printf("FAIL: %s:%d: %s\n", __FILE__, __LINE__, #cond);     \
    } while (0)

/* Helpers the compiler may not turn back into library calls (the builds
 * use -fno-builtin -fno-tree-loop-distribute-patterns). */
void *t_memcpy(void *dst, const void *src, unsigned long n);
void *t_memmove(void *dst, const void *src, unsigned long n);
void *t_memset(void *dst, int c, unsigned long n);
int t_memcmp(const void *a, const void *b, unsigned long n);
unsigned long t_strlen(const char *s);
int t_strcmp(const char *a, const char *b);

/* FNV-1a 64-bit, used by tests to fold many results into one line. */
static inline uint64_t t_fnv(uint64_t h, uint64_t v)
{
    int i;
    for (i = 0; i < 8; i++) {
        h ^= (v >> (8 * i)) & 0xff;
        h *= 0x100000001b3ULL;
    }
    return h;
}
#define T_FNV_INIT 0xcbf29ce484222325ULL

#endif
