/*
 * strings: strlen/strcmp/memcpy/memmove/memset/memchr, byte vs word copy
 * loops at every source/destination alignment (LB/LBU/SB vs LW/SW; in n32
 * builds LD/SD, and the compiler's LWL/LWR for packed structs), number
 * formatting in several bases and parsing back. Differential against qemu.
 */
#include "tio.h"

static unsigned char src[256 + 16], dst[256 + 16];

static void fill(unsigned char *p, int n, unsigned seed)
{
    int i;
    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
}

static uint64_t hbuf(const unsigned char *p, int n)
{
    uint64_t h = T_FNV_INIT;
    int i;
    for (i = 0; i < n; i++)
        h = t_fnv(h, p[i]);
    return h;
}

/* Word copy when both pointers share alignment, else bytes. */
static void copy_words(void *d, const void *s, unsigned long n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((unsigned long)dp ^ (unsigned long)sp) & 3) == 0) {
        while (n && ((unsigned long)dp & 3)) {
            *dp++ = *sp++;
            n--;
        }
        while (n >= 4) {
            *(uint32_t *)dp = *(const uint32_t *)sp;
            dp += 4;
            sp += 4;
            n -= 4;
        }
    }
    while (n--)
        *dp++ = *sp++;
}

#if _MIPS_SIM == _ABIN32
/* n32: 64-bit copies (LD/SD) when 8-byte co-aligned. */
static void copy_dwords(void *d, const void *s, unsigned long n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if ((((unsigned long)dp ^ (unsigned long)sp) & 7) == 0) {
        while (n && ((unsigned long)dp & 7)) {
            *dp++ = *sp++;
            n--;
        }
        while (n >= 8) {
            *(uint64_t *)dp = *(const uint64_t *)sp;
            dp += 8;
            sp += 8;
            n -= 8;
        }
    }
    while (n--)
        *dp++ = *sp++;
}
#endif

/* Unaligned fields: the compiler uses LWL/LWR, SWL/SWR (and in n32
 * LDL/LDR, SDL/SDR) for these. */
struct __attribute__((packed)) packed {
    uint8_t b;
    uint32_t w;
    uint16_t h;
    uint64_t d;
    uint8_t tail;
};

static struct packed pk[8];

static void unaligned_fields(void)
{
    int i;
    uint64_t h = T_FNV_INIT;
    for (i = 0; i < 8; i++) {
        pk[i].b = (uint8_t)i;
        pk[i].w = 0x01020304u * (uint32_t)(i + 1);
        pk[i].h = (uint16_t)(0xA0B0 + i);
        pk[i].d = 0x1122334455667788ULL * (uint64_t)(i + 3);
        pk[i].tail = (uint8_t)(0xF0 + i);
    }
    for (i = 0; i < 8; i++) {
        h = t_fnv(h, pk[i].w);
        h = t_fnv(h, pk[i].d);
        h = t_fnv(h, pk[i].h);
    }
    t_printf("packed size=%u h=%016llx bytes=%016llx\n",
             (unsigned)sizeof(pk[0]), h,
             hbuf((const unsigned char *)pk, (int)sizeof(pk)));
    {
        const unsigned char *p = (const unsigned char *)&pk[1];
        t_printf("packed[1] raw:");
        for (i = 0; i < (int)sizeof(pk[1]); i++)
            t_printf(" %02x", p[i]);
        t_printf("\n");
    }
}

static void copies(void)
{
    int so, d_o, n;
    uint64_t h1 = T_FNV_INIT, h2 = T_FNV_INIT, h3 = T_FNV_INIT;
    fill(src, sizeof(src), 7);
    for (so = 0; so < 8; so++) {
        for (d_o = 0; d_o < 8; d_o++) {
            for (n = 0; n < 40; n += 3) {
                t_memset(dst, 0xEE, sizeof(dst));
                t_memcpy(dst + d_o, src + so, (unsigned long)n);
                h1 = t_fnv(h1, hbuf(dst, 64));
                t_memset(dst, 0x11, sizeof(dst));
                copy_words(dst + d_o, src + so, (unsigned long)n);
                h2 = t_fnv(h2, hbuf(dst, 64));
#if _MIPS_SIM == _ABIN32
                t_memset(dst, 0x22, sizeof(dst));
                copy_dwords(dst + d_o, src + so, (unsigned long)n);
                t_memset(dst, 0x22, (unsigned long)d_o);
                t_memset(dst + d_o + n, 0x22, sizeof(dst) - (unsigned long)(d_o + n));
#else
                t_memset(dst, 0x22, sizeof(dst));
                t_memcpy(dst + d_o, src + so, (unsigned long)n);
#endif
                h3 = t_fnv(h3, hbuf(dst, 64));
            }
        }
    }
    t_printf("copies memcpy=%016llx words=%016llx dwords=%016llx\n", h1, h2, h3);
}

static void moves(void)
{
    static const char text[] = "The quick brown fox jumps over the lazy dog";
    char b[64];
    int shift;
    for (shift = -5; shift <= 5; shift += 2) {
        t_memset(b, '.', sizeof(b));
        t_memcpy(b + 10, text, 20);
        t_memmove(b + 10 + shift, b + 10, 20);
        b[40] = 0;
        t_printf("memmove %+d: [%s]\n", shift, b);
    }
}

static void compares(void)
{
    static const char *const w[] = {
        "", "a", "ab", "abc", "abd", "abcd", "b", "\x80", "\x7f", "A", "zz",
    };
    int i, j;
    for (i = 0; i < 11; i++) {
        t_printf("cmp %-2d len=%lu:", i, t_strlen(w[i]));
        for (j = 0; j < 11; j++) {
            int c = t_strcmp(w[i], w[j]);
            t_printf(" %c", c < 0 ? '<' : c > 0 ? '>' : '=');
        }
        t_printf("\n");
    }
}

/* Own number formatting/parsing (independent of t_printf). */
static int utoa_base(uint64_t v, unsigned base, char *out)
{
    char tmp[70];
    int n = 0, i;
    do {
        unsigned d = (unsigned)(v % base);
        tmp[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    for (i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    out[n] = 0;
    return n;
}

static uint64_t parse_base(const char *s, unsigned base)
{
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d = (*s >= 'a') ? (unsigned)(*s - 'a' + 10) : (unsigned)(*s - '0');
        v = v * base + d;
    }
    return v;
}

static void numbers(void)
{
    static const uint64_t vals[] = {
        0, 1, 9, 10, 255, 256, 65535, 1000000, 0x7FFFFFFF, 0x80000000,
        0xFFFFFFFF, 0x100000000ULL, 999999999999ULL, 0x7FFFFFFFFFFFFFFFULL,
        0x8000000000000000ULL, 0xFFFFFFFFFFFFFFFFULL,
    };
    static const unsigned bases[] = { 2, 3, 7, 8, 10, 16, 36 };
    int i, b;
    char s[72];
    for (i = 0; i < 16; i++) {
        int ok = 1;
        uint64_t h = T_FNV_INIT;
        for (b = 0; b < 7; b++) {
            int n = utoa_base(vals[i], bases[b], s);
            h = t_fnv(h, hbuf((const unsigned char *)s, n));
            if (parse_base(s, bases[b]) != vals[i])
                ok = 0;
        }
        utoa_base(vals[i], 36, s);
        t_printf("num %llu: b36=%s roundtrip=%d h=%016llx\n", vals[i], s, ok, h);
        t_printf("    fmt [%d] [%u] [%x] [%08X] [%lld] [%-12lld|] [%+lld] [%o]\n",
                 (int)vals[i], (unsigned)vals[i], (unsigned)vals[i],
                 (unsigned)vals[i], (long long)vals[i], (long long)vals[i],
                 (long long)vals[i], (unsigned)vals[i]);
    }
    t_snprintf(s, 8, "%s-%d", "truncated", 12345);
    t_printf("snprintf [%s]\n", s);
    t_printf("hh/h [%hhd] [%hhu] [%hd] [%hu] [%5.2s] [%c%c]\n", 200, 200, 40000,
             40000, "xyz", 'o', 'k');
}

static void search(void)
{
    static const char hay[] = "abracadabra alakazam abracadabra";
    int counts[26] = { 0 };
    int i, pos = -1;
    for (i = 0; hay[i]; i++) {
        if (hay[i] >= 'a' && hay[i] <= 'z')
            counts[hay[i] - 'a']++;
        if (pos < 0 && hay[i] == 'z')
            pos = i;
    }
    t_printf("search z at %d; counts:", pos);
    for (i = 0; i < 26; i++)
        if (counts[i])
            t_printf(" %c%d", 'a' + i, counts[i]);
    t_printf("\n");
    {
        /* reverse words in place */
        char b[sizeof(hay)];
        int s = 0, e;
        t_memcpy(b, hay, sizeof(hay));
        for (i = 0; i <= (int)sizeof(hay) - 1; i++) {
            if (b[i] == ' ' || b[i] == 0) {
                for (e = i - 1; s < e; s++, e--) {
                    char t = b[s];
                    b[s] = b[e];
                    b[e] = t;
                }
                s = i + 1;
            }
        }
        t_printf("reversed words: %s\n", b);
    }
}

void test_main(void)
{
    copies();
    moves();
    unaligned_fields();
    compares();
    numbers();
    search();
}
