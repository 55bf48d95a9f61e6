/*
 * arith64: 64-bit and 32-bit integer arithmetic over edge values.
 * Differential: the emulator's output must equal qemu's. In n32 builds the
 * compiler uses DADDU/DSUBU/DMULT(U)/DDIV(U)/DSLL32/DSRA32/DSRLV... natively;
 * in o32 builds the same source exercises carries through 32-bit pairs
 * (SLTU carry, MULTU, shift pairs) and the divdi3 helpers.
 * One line per (operation, left operand) folds all right operands with
 * FNV-1a, so a mismatch names the operation and operand.
 */
#include "tio.h"

typedef long long s64;
typedef unsigned long long u64;
typedef int s32;
typedef unsigned int u32;

#define INT64_MIN_ ((s64)0x8000000000000000ULL)
#define INT64_MAX_ ((s64)0x7FFFFFFFFFFFFFFFULL)

/* volatile: keep the compiler from folding the operations at build time. */
static volatile u64 edge[] = {
    0, 1, 2, 3, 7, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
    0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0x100000000ULL,
    0x100000001ULL, 0x123456789ABCDEF0ULL, 0x0FEDCBA987654321ULL,
    0x7FFFFFFFFFFFFFFFULL, 0x8000000000000000ULL, 0x8000000000000001ULL,
    0xFFFFFFFF00000000ULL, 0xFFFFFFFF80000000ULL, 0xFFFFFFFF7FFFFFFFULL,
    0xFFFFFFFFFFFFFFFEULL, 0xFFFFFFFFFFFFFFFFULL, 0xDEADBEEFCAFEBABEULL,
    0x00000000FFFF0000ULL, 0x5555555555555555ULL, 0xAAAAAAAAAAAAAAAAULL,
};
#define NEDGE ((int)(sizeof(edge) / sizeof(edge[0])))

/* 64x64 -> 128 unsigned multiply from 32-bit pieces: high word. */
static u64 mulhi_u64(u64 a, u64 b)
{
    u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
    u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    u64 mid = (ll >> 32) + (u32)lh + (u32)hl;
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

static s64 mulhi_s64(s64 a, s64 b)
{
    u64 h = mulhi_u64((u64)a, (u64)b);
    if (a < 0)
        h -= (u64)b;
    if (b < 0)
        h -= (u64)a;
    return (s64)h;
}

static int popcount64(u64 v)
{
    int n = 0;
    while (v) {
        v &= v - 1;
        n++;
    }
    return n;
}

static int clz64(u64 v)
{
    int n = 0;
    if (!v)
        return 64;
    while (!(v & 0x8000000000000000ULL)) {
        v <<= 1;
        n++;
    }
    return n;
}

static u64 bswap64(u64 v)
{
    u64 r = 0;
    int i;
    for (i = 0; i < 8; i++) {
        r = (r << 8) | (v & 0xFF);
        v >>= 8;
    }
    return r;
}

static u64 rotl64(u64 v, unsigned s)
{
    s &= 63;
    return s ? (v << s) | (v >> (64 - s)) : v;
}

enum op {
    OP_ADD, OP_SUB, OP_MUL, OP_MULHU, OP_MULHS, OP_UDIV, OP_UMOD, OP_SDIV,
    OP_SMOD, OP_AND, OP_OR, OP_XOR, OP_NOR, OP_LTS, OP_LTU, OP_EQ, OP_LES,
    OP_GEU, OP_ADD32, OP_SUB32, OP_MUL32, OP_MULU32W, OP_MULS32W, OP_DIV32,
    OP_DIVU32, OP_MOD32, OP_MODU32, OP_LT32, OP_LTU32, OP_MIN, OP_MAXU,
    OP_COUNT
};

static const char *const op_name[OP_COUNT] = {
    "add", "sub", "mul", "mulhu", "mulhs", "udiv", "umod", "sdiv", "smod",
    "and", "or", "xor", "nor", "lts", "ltu", "eq", "les", "geu", "add32",
    "sub32", "mul32", "mulu32w", "muls32w", "div32", "divu32", "mod32",
    "modu32", "lt32", "ltu32", "min", "maxu",
};

/* Returns 0 and sets *ok = 0 when the operation is undefined in C. */
static u64 apply(enum op op, u64 a, u64 b, int *ok)
{
    s64 sa = (s64)a, sb = (s64)b;
    s32 a32 = (s32)a, b32 = (s32)b;
    *ok = 1;
    switch (op) {
    case OP_ADD: return a + b;
    case OP_SUB: return a - b;
    case OP_MUL: return a * b;
    case OP_MULHU: return mulhi_u64(a, b);
    case OP_MULHS: return (u64)mulhi_s64(sa, sb);
    case OP_UDIV: if (!b) break; return a / b;
    case OP_UMOD: if (!b) break; return a % b;
    case OP_SDIV:
        if (!b || (sa == INT64_MIN_ && sb == -1)) break;
        return (u64)(sa / sb);
    case OP_SMOD:
        if (!b || (sa == INT64_MIN_ && sb == -1)) break;
        return (u64)(sa % sb);
    case OP_AND: return a & b;
    case OP_OR: return a | b;
    case OP_XOR: return a ^ b;
    case OP_NOR: return ~(a | b);
    case OP_LTS: return sa < sb;
    case OP_LTU: return a < b;
    case OP_EQ: return a == b;
    case OP_LES: return sa <= sb;
    case OP_GEU: return a >= b;
    case OP_ADD32: return (u64)(s64)(s32)((u32)a + (u32)b);
    case OP_SUB32: return (u64)(s64)(s32)((u32)a - (u32)b);
    case OP_MUL32: return (u64)(s64)(s32)((u32)a * (u32)b);
    case OP_MULU32W: return (u64)(u32)a * (u32)b;
    case OP_MULS32W: return (u64)((s64)a32 * b32);
    case OP_DIV32:
        if (!b32 || (a32 == (s32)0x80000000 && b32 == -1)) break;
        return (u64)(s64)(a32 / b32);
    case OP_DIVU32: if (!(u32)b) break; return (u32)a / (u32)b;
    case OP_MOD32:
        if (!b32 || (a32 == (s32)0x80000000 && b32 == -1)) break;
        return (u64)(s64)(a32 % b32);
    case OP_MODU32: if (!(u32)b) break; return (u32)a % (u32)b;
    case OP_LT32: return a32 < b32;
    case OP_LTU32: return (u32)a < (u32)b;
    case OP_MIN: return sa < sb ? a : b;
    case OP_MAXU: return a > b ? a : b;
    default: break;
    }
    *ok = 0;
    return 0;
}

static void table(void)
{
    int op, i, j;
    for (op = 0; op < OP_COUNT; op++) {
        for (i = 0; i < NEDGE; i++) {
            u64 h = T_FNV_INIT, a = edge[i];
            int skipped = 0;
            for (j = 0; j < NEDGE; j++) {
                int ok;
                u64 r = apply((enum op)op, a, edge[j], &ok);
                if (ok)
                    h = t_fnv(h, r);
                else
                    skipped++;
            }
            t_printf("%-8s a=%016llx h=%016llx skip=%d\n", op_name[op], a, h,
                     skipped);
        }
    }
}

static void shifts(void)
{
    int i;
    unsigned s;
    for (i = 0; i < NEDGE; i++) {
        u64 a = edge[i], hl = T_FNV_INIT, hr = T_FNV_INIT, ha = T_FNV_INIT;
        u64 h32 = T_FNV_INIT, hrot = T_FNV_INIT;
        volatile unsigned vs;
        for (s = 0; s < 64; s++) {
            vs = s;
            hl = t_fnv(hl, a << vs);
            hr = t_fnv(hr, a >> vs);
            ha = t_fnv(ha, (u64)((s64)a >> vs));
            hrot = t_fnv(hrot, rotl64(a, vs));
            if (s < 32) {
                u32 x = (u32)a;
                h32 = t_fnv(h32, (u64)(s64)(s32)(x << vs));
                h32 = t_fnv(h32, (u64)(s64)(s32)(x >> vs));
                h32 = t_fnv(h32, (u64)(s64)((s32)x >> vs));
            }
        }
        t_printf("shift a=%016llx sll=%016llx srl=%016llx sra=%016llx "
                 "32=%016llx rot=%016llx\n", a, hl, hr, ha, h32, hrot);
    }
    /* Constant shift amounts (DSLL/DSLL32/DSRA32...): explicit values. */
    for (i = 0; i < NEDGE; i += 3) {
        u64 a = edge[i];
        s64 sa = (s64)a;
        t_printf("const a=%016llx <<1=%016llx <<31=%016llx <<32=%016llx "
                 "<<63=%016llx >>1=%016llx >>32=%016llx >>63=%016llx "
                 "sra31=%016llx sra32=%016llx sra63=%016llx\n",
                 a, a << 1, a << 31, a << 32, a << 63, a >> 1, a >> 32,
                 a >> 63, (u64)(sa >> 31), (u64)(sa >> 32), (u64)(sa >> 63));
    }
}

static void bits(void)
{
    int i;
    for (i = 0; i < NEDGE; i++) {
        u64 a = edge[i];
        t_printf("bits a=%016llx pop=%d clz=%d bswap=%016llx neg=%016llx "
                 "not=%016llx\n",
                 a, popcount64(a), clz64(a), bswap64(a), 0 - a, ~a);
    }
}

/* Carry/borrow chains: a 256-bit add and subtract built from u64 limbs. */
static void carries(void)
{
    u64 x[4], y[4], s[4], d[4];
    int i, k;
    for (k = 0; k < NEDGE - 4; k++) {
        u64 c = 0, bw = 0;
        for (i = 0; i < 4; i++) {
            x[i] = edge[k + i];
            y[i] = edge[NEDGE - 1 - k - i];
        }
        for (i = 0; i < 4; i++) {
            u64 t = x[i] + c;
            u64 c1 = t < c;
            s[i] = t + y[i];
            c = c1 | (s[i] < t);
            t = x[i] - bw;
            c1 = x[i] < bw;
            d[i] = t - y[i];
            bw = c1 | (t < y[i]);
        }
        t_printf("carry k=%d sum=%016llx:%016llx:%016llx:%016llx c=%llu "
                 "diff=%016llx:%016llx:%016llx:%016llx b=%llu\n", k,
                 s[3], s[2], s[1], s[0], c, d[3], d[2], d[1], d[0], bw);
    }
}

/* Signed/unsigned conversions between widths. */
static void conversions(void)
{
    int i;
    for (i = 0; i < NEDGE; i++) {
        u64 a = edge[i];
        t_printf("conv a=%016llx s8=%lld u8=%llu s16=%lld u16=%llu "
                 "s32=%lld u32=%llu d=%lld u=%llu\n", a,
                 (s64)(signed char)a, (u64)(unsigned char)a, (s64)(short)a,
                 (u64)(unsigned short)a, (s64)(s32)a, (u64)(u32)a, (s64)a, a);
    }
}

/* A 64-bit LCG and xorshift stream: long dependency chains of mul/shift. */
static void streams(void)
{
    u64 x = 0x9E3779B97F4A7C15ULL, l = 1;
    u64 hx = T_FNV_INIT, hl = T_FNV_INIT;
    int i;
    for (i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        l = l * 6364136223846793005ULL + 1442695040888963407ULL;
        hx = t_fnv(hx, x);
        hl = t_fnv(hl, l ^ (l >> 29) ^ (u64)((s64)l / 1000003));
    }
    t_printf("xorshift64 x=%016llx h=%016llx\n", x, hx);
    t_printf("lcg64 l=%016llx h=%016llx\n", l, hl);
}

void test_main(void)
{
    table();
    shifts();
    bits();
    carries();
    conversions();
    streams();
}
