/*
 * libgcc_mini: the few libgcc helpers o32 builds need. With 32-bit
 * registers the compiler calls __udivdi3 and friends for 64-bit '/' and '%',
 * and __ucmpdi2 for a switch on a 64-bit value.
 *
 * Why not libgcc: Debian's mips-linux-gnu libgcc.a is built for MIPS32r2
 * (ld refuses to merge it with -march=r4600 objects, and it would contain
 * instructions an R4600/RM7000 does not have). Plain restoring
 * shift-subtract division; only shifts, compares and subtracts, so it never
 * recurses into itself. n32 builds do not need it (native DDIVU).
 */
typedef unsigned long long u64;
typedef long long s64;

u64 __udivmoddi4(u64 n, u64 d, u64 *rem);
u64 __udivdi3(u64 n, u64 d);
u64 __umoddi3(u64 n, u64 d);
s64 __divdi3(s64 n, s64 d);
s64 __moddi3(s64 n, s64 d);

u64 __udivmoddi4(u64 n, u64 d, u64 *rem)
{
    u64 q = 0, r = 0;
    int i;

    if (d == 0) {
        /* C leaves this undefined; callers here never divide by zero. */
        if (rem)
            *rem = n;
        return ~0ULL;
    }
    if ((d >> 32) == 0 && (n >> 32) == 0) {
        unsigned int n32 = (unsigned int)n, d32 = (unsigned int)d;
        if (rem)
            *rem = n32 % d32;
        return n32 / d32;
    }
    for (i = 63; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1);
        if (r >= d) {
            r -= d;
            q |= 1ULL << i;
        }
    }
    if (rem)
        *rem = r;
    return q;
}

u64 __udivdi3(u64 n, u64 d)
{
    return __udivmoddi4(n, d, 0);
}

u64 __umoddi3(u64 n, u64 d)
{
    u64 r;
    __udivmoddi4(n, d, &r);
    return r;
}

s64 __divdi3(s64 n, s64 d)
{
    int neg = (n < 0) ^ (d < 0);
    u64 un = n < 0 ? 0 - (u64)n : (u64)n;
    u64 ud = d < 0 ? 0 - (u64)d : (u64)d;
    u64 q = __udivmoddi4(un, ud, 0);
    return (s64)(neg ? 0 - q : q);
}

s64 __moddi3(s64 n, s64 d)
{
    u64 un = n < 0 ? 0 - (u64)n : (u64)n;
    u64 ud = d < 0 ? 0 - (u64)d : (u64)d;
    u64 r;
    __udivmoddi4(un, ud, &r);
    return (s64)(n < 0 ? 0 - r : r);
}

/* 64-bit three-way compares (a switch on a 64-bit value): 0 if a < b,
 * 1 if equal, 2 if a > b. */
int __cmpdi2(s64 a, s64 b);
int __ucmpdi2(u64 a, u64 b);

int __cmpdi2(s64 a, s64 b)
{
    return a < b ? 0 : a == b ? 1 : 2;
}

int __ucmpdi2(u64 a, u64 b)
{
    return a < b ? 0 : a == b ? 1 : 2;
}
