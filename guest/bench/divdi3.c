/*
 * divdi3.c - 64-bit division for o32 code. An R4600 divides 32 by 32 bits
 * only (DDIV needs 64-bit registers, which o32 does not use), so GCC calls
 * these helpers for uint64_t and int64_t '/' and '%'. The guest runtime has
 * no libgcc; this is a plain shift-and-subtract implementation with a fast
 * path for operands that fit in 32 bits.
 */
#include <stdint.h>

uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

static int clz64(uint64_t x)
{
    int n = 0;
    if (!(x >> 32)) { n += 32; x <<= 32; }
    if (!(x >> 48)) { n += 16; x <<= 16; }
    if (!(x >> 56)) { n += 8; x <<= 8; }
    if (!(x >> 60)) { n += 4; x <<= 4; }
    if (!(x >> 62)) { n += 2; x <<= 2; }
    if (!(x >> 63)) { n += 1; }
    return n;
}

/* Quotient of n / d, remainder in *rem. Division by zero gives 0, n. */
static uint64_t udivmod64(uint64_t n, uint64_t d, uint64_t *rem)
{
    if (d == 0 || d > n) {
        *rem = n;
        return 0;
    }
    if (!(n >> 32)) {
        uint32_t n32 = (uint32_t)n, d32 = (uint32_t)d;
        *rem = n32 % d32;
        return n32 / d32;
    }
    int shift = clz64(d) - clz64(n);
    uint64_t q = 0;
    d <<= shift;
    for (int i = 0; i <= shift; i++) {
        q <<= 1;
        if (n >= d) {
            n -= d;
            q |= 1;
        }
        d >>= 1;
    }
    *rem = n;
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
