/*
 * util.c - small string, number and address helpers, the heap and text
 * buffers.
 */
#include "fw.h"

int fw_tolower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

int fw_strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = fw_tolower((unsigned char)a[i]);
        int y = fw_tolower((unsigned char)b[i]);
        if (x != y)
            return x - y;
        if (!x)
            return 0;
    }
    return 0;
}

int fw_strcasecmp(const char *a, const char *b)
{
    return fw_strncasecmp(a, b, (size_t)-1);
}

char *fw_strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

size_t fw_strlcpy(char *dst, const char *src, size_t size)
{
    size_t n = strlen(src);
    if (size) {
        size_t k = n < size - 1 ? n : size - 1;
        memcpy(dst, src, k);
        dst[k] = 0;
    }
    return n;
}

int fw_isdigit(int c)
{
    return c >= '0' && c <= '9';
}

int fw_isspace(int c)
{
    return c == ' ' || c == '\t';
}

int parse_uint(const char *s, size_t n, uint32_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 10)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!fw_isdigit(s[i]))
            return -1;
        v = v * 10 + (uint32_t)(s[i] - '0');
    }
    if (v > 0xFFFFFFFFu)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Returns 0, or the index of the first character that cannot belong to
 * an address (+1) as a negative number, for the caret. */
int parse_ip(const char *s, size_t n, uint32_t *out)
{
    uint32_t ip = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        uint32_t v = 0;
        size_t start = i;
        while (i < n && fw_isdigit(s[i]) && i - start < 3) {
            v = v * 10 + (uint32_t)(s[i] - '0');
            i++;
        }
        if (i == start || v > 255)
            return -(int)(i > start ? i : start) - 1;
        ip = ip << 8 | v;
        if (part < 3) {
            if (i >= n || s[i] != '.')
                return -(int)i - 1;
            i++;
        }
    }
    if (i != n)
        return -(int)i - 1;
    *out = ip;
    return 0;
}

int ip_is_mask(uint32_t m)
{
    uint32_t inv = ~m;
    return (inv & (inv + 1)) == 0;
}

int mask_len(uint32_t m)
{
    int n = 0;
    while (m & 0x80000000u) {
        n++;
        m <<= 1;
    }
    return n;
}

char *ip_str(uint32_t ip, char *buf)
{
    snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
             (ip >> 8) & 255, ip & 255);
    return buf;
}

/* ---------------------------------------------------------------- heap */

extern char __image_end[];
static uintptr_t heap_ptr;

void *fw_alloc(size_t n)
{
    if (!heap_ptr)
        heap_ptr = ((uintptr_t)__image_end + 15) & ~(uintptr_t)15;
    uintptr_t p = heap_ptr;
    heap_ptr += (n + 15) & ~(size_t)15;
    uintptr_t limit = 0x80000000u + (sysinfo.dram_bytes ? sysinfo.dram_bytes
                                                        : 0x1000000u);
    if (heap_ptr > limit) {
        tty_write("\n%SYS-2-MALLOCFAIL: out of memory\n");
        for (;;)
            sys_idle();
    }
    memset((void *)p, 0, n);
    return (void *)p;
}

/* ---------------------------------------------------------- text buffer */

void sb_init(struct sbuf *b, char *mem, size_t cap)
{
    b->p = mem;
    b->len = 0;
    b->cap = cap;
    if (cap)
        mem[0] = 0;
}

void sb_putc(struct sbuf *b, int c)
{
    if (b->len + 1 < b->cap) {
        b->p[b->len++] = (char)c;
        b->p[b->len] = 0;
    }
}

void sb_puts(struct sbuf *b, const char *s)
{
    while (*s)
        sb_putc(b, *s++);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (b->cap > b->len) {
        int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
        if (n > 0) {
            b->len += (size_t)n;
            if (b->len >= b->cap)
                b->len = b->cap - 1;
        }
    }
    va_end(ap);
}
