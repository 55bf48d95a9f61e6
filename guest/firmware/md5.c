/*
 * md5.c - MD5 (RFC 1321) and the "$1$" MD5-based password hash that IOS
 * uses for "enable secret 5" (the FreeBSD md5crypt algorithm).
 */
#include "fw.h"

struct md5 {
    uint32_t h[4];
    uint32_t len;       /* bytes (short inputs only: passwords) */
    uint8_t buf[64];
};

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
    0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
    0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
    0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
    0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
    0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
    0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
    0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
    0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
static const uint8_t md5_r[16] = {7, 12, 17, 22, 5, 9, 14, 20,
                                  4, 11, 16, 23, 6, 10, 15, 21};

static uint32_t rol(uint32_t x, unsigned n)
{
    return x << n | x >> (32 - n);
}

static void md5_block(struct md5 *m, const uint8_t *p)
{
    uint32_t w[16];
    for (int i = 0; i < 16; i++)   /* little-endian words */
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
               (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = m->h[0], b = m->h[1], c = m->h[2], d = m->h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        switch (i >> 4) {
        case 0: f = (b & c) | (~b & d); g = i; break;
        case 1: f = (d & b) | (~d & c); g = (5 * i + 1) & 15; break;
        case 2: f = b ^ c ^ d; g = (3 * i + 5) & 15; break;
        default: f = c ^ (b | ~d); g = (7 * i) & 15; break;
        }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rol(a + f + md5_k[i] + w[g], md5_r[(i >> 4) * 4 + (i & 3)]);
        a = t;
    }
    m->h[0] += a;
    m->h[1] += b;
    m->h[2] += c;
    m->h[3] += d;
}

static void md5_init(struct md5 *m)
{
    m->h[0] = 0x67452301;
    m->h[1] = 0xefcdab89;
    m->h[2] = 0x98badcfe;
    m->h[3] = 0x10325476;
    m->len = 0;
}

static void md5_update(struct md5 *m, const void *data, size_t n)
{
    const uint8_t *p = data;
    size_t have = (size_t)(m->len & 63);
    m->len += n;
    while (n) {
        size_t k = 64 - have < n ? 64 - have : n;
        memcpy(m->buf + have, p, k);
        have += k;
        p += k;
        n -= k;
        if (have == 64) {
            md5_block(m, m->buf);
            have = 0;
        }
    }
}

static void md5_final(struct md5 *m, uint8_t out[16])
{
    uint32_t bits = m->len * 8;
    uint8_t pad = 0x80, zero = 0, lenb[8] = {0};
    md5_update(m, &pad, 1);
    while ((m->len & 63) != 56)
        md5_update(m, &zero, 1);
    for (int i = 0; i < 4; i++)
        lenb[i] = (uint8_t)(bits >> (8 * i));
    md5_update(m, lenb, 8);
    for (int i = 0; i < 4; i++) {
        out[4 * i] = (uint8_t)m->h[i];
        out[4 * i + 1] = (uint8_t)(m->h[i] >> 8);
        out[4 * i + 2] = (uint8_t)(m->h[i] >> 16);
        out[4 * i + 3] = (uint8_t)(m->h[i] >> 24);
    }
}

static const char itoa64[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static char *to64(char *s, uint32_t v, int n)
{
    while (n--) {
        *s++ = itoa64[v & 0x3f];
        v >>= 6;
    }
    return s;
}

/* "$1$<salt>$<hash>" into out (at least 40 bytes); salt up to 8 chars. */
void md5_crypt(const char *pw, const char *salt, size_t saltlen, char *out)
{
    struct md5 ctx, alt;
    uint8_t fin[16];
    size_t pl = strlen(pw);
    if (saltlen > 8)
        saltlen = 8;

    md5_init(&ctx);
    md5_update(&ctx, pw, pl);
    md5_update(&ctx, "$1$", 3);
    md5_update(&ctx, salt, saltlen);
    md5_init(&alt);
    md5_update(&alt, pw, pl);
    md5_update(&alt, salt, saltlen);
    md5_update(&alt, pw, pl);
    md5_final(&alt, fin);
    for (size_t n = pl; n > 0; n -= n > 16 ? 16 : n)
        md5_update(&ctx, fin, n > 16 ? 16 : n);
    for (size_t i = pl; i; i >>= 1)
        md5_update(&ctx, (i & 1) ? "" : pw, 1);
    md5_final(&ctx, fin);
    for (int i = 0; i < 1000; i++) {
        md5_init(&ctx);
        if (i & 1)
            md5_update(&ctx, pw, pl);
        else
            md5_update(&ctx, fin, 16);
        if (i % 3)
            md5_update(&ctx, salt, saltlen);
        if (i % 7)
            md5_update(&ctx, pw, pl);
        if (i & 1)
            md5_update(&ctx, fin, 16);
        else
            md5_update(&ctx, pw, pl);
        md5_final(&ctx, fin);
    }
    char *p = out;
    memcpy(p, "$1$", 3);
    p += 3;
    memcpy(p, salt, saltlen);
    p += saltlen;
    *p++ = '$';
    static const uint8_t idx[5][3] = {{0, 6, 12}, {1, 7, 13}, {2, 8, 14},
                                      {3, 9, 15}, {4, 10, 5}};
    for (int k = 0; k < 5; k++)
        p = to64(p, (uint32_t)fin[idx[k][0]] << 16 |
                        (uint32_t)fin[idx[k][1]] << 8 | fin[idx[k][2]], 4);
    p = to64(p, fin[11], 2);
    *p = 0;
}
