/*
 * divdi3.c - 64-bit division for o32 code. An R4600 divides 32 by 32 bits
 * only (DDIV needs 64-bit registers, which o32 does not use), so GCC calls
 * these helpers for uint64_t and int64_t '/' and '%'. The guest runtime has
 * no libgcc (the cross toolchain's is built for MIPS32r2, PIC and hard
 * float, none of which this R4600 image is), so this file does what a
 * toolchain's runtime does: long division with the hardware 32-bit DIVU,
 * Knuth's Algorithm D (TAOCP vol. 2, 4.3.1) on 16-bit digits, a few dozen
 * instructions per call instead of one loop turn per quotient bit.
 */
#include <stdint.h>

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

/* Bit length of each byte value, for clz32 (the R4600 has no CLZ). */
static const uint8_t bit_len[256] = {
#define L4(n) n, n, n, n
#define L16(n) L4(n), L4(n), L4(n), L4(n)
    0, 1, 2, 2, L4(3), L4(4), L4(4), L16(5),
    L16(6), L16(6),
    L16(7), L16(7), L16(7), L16(7),
    L16(8), L16(8), L16(8), L16(8), L16(8), L16(8), L16(8), L16(8),
#undef L16
#undef L4
};

/* Leading zero bits of x != 0: two compares pick the top nonzero byte,
 * the table gives its length. */
static inline int clz32(uint32_t x)
{
    int a = x < 0x10000u ? (x < 0x100u ? 0 : 8) : (x < 0x1000000u ? 16 : 24);
    return 32 - a - bit_len[x >> a];
}

/* (hi:lo) << s for 0 <= s < 32, high word only, no shift by 32. */
static inline uint32_t shl_hi(uint32_t hi, uint32_t lo, int s)
{
    return (hi << s) | ((lo >> 1) >> (31 - s));
}

/*
 * Quotient of the 64-bit (u1:u0) by v, remainder in *r. Preconditions:
 * v has its top bit set (normalized) and u1 < v, so the quotient fits in
 * 32 bits. Algorithm D with base 2^16: each quotient digit is estimated
 * from one DIVU by the divisor's high digit and corrected at most twice.
 */
static inline uint32_t div64by32(uint32_t u1, uint32_t u0, uint32_t v, uint32_t *r)
{
    const uint32_t b = 0x10000u; /* the digit base, 2^16 */
    uint32_t v1 = v >> 16, v0 = v & 0xFFFFu;
    uint32_t u0h = u0 >> 16, u0l = u0 & 0xFFFFu;

    uint32_t q1 = u1 / v1, rh = u1 % v1;
    while (q1 >= b || q1 * v0 > ((rh << 16) | u0h)) {
        q1--;
        rh += v1;
        if (rh >= b)
            break;
    }
    uint32_t u21 = ((u1 << 16) | u0h) - q1 * v; /* < v, exact mod 2^32 */

    uint32_t q0 = u21 / v1;
    rh = u21 % v1;
    while (q0 >= b || q0 * v0 > ((rh << 16) | u0l)) {
        q0--;
        rh += v1;
        if (rh >= b)
            break;
    }
    *r = ((u21 << 16) | u0l) - q0 * v;
    return (q1 << 16) | q0;
}

/* Quotient of n / d, remainder in *rem. Division by zero gives 0, n.
 * Inlined into each entry point, as a toolchain runtime does: no call, the
 * remainder pointer folds away where it is not used. */
static inline __attribute__((always_inline)) uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    uint32_t nh = (uint32_t)(n >> 32), nl = (uint32_t)n;
    uint32_t dh = (uint32_t)(d >> 32), dl = (uint32_t)d;

    if (dh == 0) {
        if (dl == 0) {
            *rem = n;
            return 0;
        }
        if (nh == 0) {
            *rem = nl % dl;
            return nl / dl;
        }
        /* High quotient word from nh alone, then (nh % dl : nl) / dl,
         * both scaled by 2^s so that the divisor is normalized. */
        uint32_t qh = 0;
        if (nh >= dl) {
            qh = nh / dl;
            nh %= dl;
        }
        int s = clz32(dl);
        uint32_t r;
        uint32_t ql = div64by32(shl_hi(nh, nl, s), nl << s, dl << s, &r);
        *rem = r >> s;
        return ((uint64_t)qh << 32) | ql;
    }
    if (d > n) {
        *rem = n;
        return 0;
    }
    /*
     * d >= 2^32, so the quotient fits in 32 bits. Estimate it from the
     * top 32 bits of the normalized divisor and n / 2 (whose high word is
     * then below that divisor word); the estimate is at most one too
     * large after the decrement below, one multiply-and-compare settles it
     * (Hacker's Delight, 2nd ed., 9-5, "divDu").
     */
    int s = clz32(dh);
    uint32_t v = shl_hi(dh, dl, s);
    uint64_t half = n >> 1;
    uint32_t r;
    uint32_t q1 = div64by32((uint32_t)(half >> 32), (uint32_t)half, v, &r);
    uint64_t q = ((uint64_t)q1 << s) >> 31;
    if (q != 0)
        q--;
    uint64_t rest = n - q * d;
    if (rest >= d) {
        q++;
        rest -= d;
    }
    *rem = rest;
    return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    return udivmod64(n, d, &r);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
    uint64_t r;
    udivmod64(n, d, &r);
    return r;
}

/* C99 6.5.5: the quotient truncates toward zero, the remainder has the
 * sign of the dividend. */
int64_t __divdi3(int64_t n, int64_t d)
{
    uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
    uint64_t r, q = udivmod64(un, ud, &r);
    return (int64_t)((n < 0) != (d < 0) ? -q : q);
}

int64_t __moddi3(int64_t n, int64_t d)
{
    uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n;
    uint64_t ud = d < 0 ? -(uint64_t)d : (uint64_t)d;
    uint64_t r;
    udivmod64(un, ud, &r);
    return (int64_t)(n < 0 ? -r : r);
}
