/*
 * isa_muldiv: MULT/MULTU/DIV/DIVU (and in n32 builds DMULT/DMULTU/DDIV/
 * DDIVU), MFHI/MFLO/MTHI/MTLO, and in the rm7k build the RM7000 MUL, MAD
 * (MADD encoding) and MADU. Compared with qemu.
 *
 * What this pins (R4000 User's Manual appendix A; RM7000 data sheet):
 *  - MULT/MULTU: LO = sext(low word), HI = sext(high word) of the 64-bit
 *    product; DIV/DIVU: LO = sext(quotient), HI = sext(remainder), the
 *    remainder has the sign of the dividend;
 *  - 0x80000000 / -1 (and INT64_MIN / -1 for DDIV) raise no exception;
 *  - division by zero: no exception; HI/LO are UNPREDICTABLE, so they are
 *    not printed, only that execution continues;
 *  - MTHI/MTLO round trip full registers.
 */
#include "isa.h"

static volatile unsigned v32[] = {
    0, 1, 2, 3, 7, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x12345678, 0x7FFFFFFF,
    0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF, 0xDEADBEEF,
};
#define N32 ((int)(sizeof(v32) / sizeof(v32[0])))

static void mul32(void)
{
    int i, j;
    rv hi, lo;
    for (i = 0; i < N32; i++) {
        rv a = SX(v32[i]);
        t_printf("mult  %08x:", v32[i]);
        for (j = 0; j < N32; j++) {
            HILO("mult", a, SX(v32[j]), hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\nmultu %08x:", v32[i]);
        for (j = 0; j < N32; j++) {
            HILO("multu", a, SX(v32[j]), hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\n");
    }
}

/* The assembler's "div" macro would insert zero/overflow checks; writing
 * the target register as $0 selects the bare instruction. */
#define DIVOP(op, a, b, hi, lo)                                           \
    __asm__ volatile(".set push\n.set noreorder\n" op " $0, %2, %3\n"     \
                     "mfhi %0\nmflo %1\n.set pop"                         \
                     : "=&r"(hi), "=&r"(lo)                               \
                     : "r"((rv)(a)), "r"((rv)(b))                         \
                     : "hi", "lo")

static void div32(void)
{
    int i, j;
    rv hi, lo;
    for (i = 0; i < N32; i++) {
        rv a = SX(v32[i]);
        t_printf("div   %08x:", v32[i]);
        for (j = 1; j < N32; j++) {
            DIVOP("div", a, SX(v32[j]), hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\ndivu  %08x:", v32[i]);
        for (j = 1; j < N32; j++) {
            DIVOP("divu", a, SX(v32[j]), hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\n");
    }
    DIVOP("div", SX(0x80000000), SX(0xFFFFFFFF), hi, lo);
    t_printf("div INT32_MIN/-1: hi=%llx lo=%llx\n", px(hi), px(lo));
    /* divide by zero: only "no exception, execution continues" is defined */
    DIVOP("div", SX(12345), 0, hi, lo);
    DIVOP("divu", SX(12345), 0, hi, lo);
    DIVOP("div", SX(0x80000000), 0, hi, lo);
    (void)hi;
    (void)lo;
    t_printf("div by zero: continued\n");
}

static void hilo_moves(void)
{
    rv hi, lo;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "mthi %2\nmtlo %3\nmfhi %0\nmflo %1\n.set pop"
                     : "=&r"(hi), "=&r"(lo)
                     : "r"(SX(0xCAFEBABE)), "r"(SX(0x12345678))
                     : "hi", "lo");
    t_printf("mthi/mtlo: %llx %llx\n", px(hi), px(lo));
#if ISA_64
    __asm__ volatile(".set push\n.set noreorder\n"
                     "mthi %2\nmtlo %3\nmfhi %0\nmflo %1\n.set pop"
                     : "=&r"(hi), "=&r"(lo)
                     : "r"((rv)0x0123456789ABCDEFLL), "r"((rv)0xFEDCBA9876543210ULL)
                     : "hi", "lo");
    t_printf("mthi/mtlo 64: %llx %llx\n", px(hi), px(lo));
#endif
}

#if ISA_64
static volatile u64 v64[] = {
    0, 1, 2, 3, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ULL,
    0x123456789ABCDEF0ULL, 0x7FFFFFFFFFFFFFFFULL, 0x8000000000000000ULL,
    0x8000000000000001ULL, 0xFFFFFFFF80000000ULL, 0xFFFFFFFFFFFFFFFEULL,
    0xFFFFFFFFFFFFFFFFULL,
};
#define N64 ((int)(sizeof(v64) / sizeof(v64[0])))

static void muldiv64(void)
{
    int i, j;
    rv hi, lo;
    for (i = 0; i < N64; i++) {
        rv a = (rv)v64[i];
        t_printf("dmult  %llx:", v64[i]);
        for (j = 0; j < N64; j++) {
            HILO("dmult", a, (rv)v64[j], hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\ndmultu %llx:", v64[i]);
        for (j = 0; j < N64; j++) {
            HILO("dmultu", a, (rv)v64[j], hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\nddiv   %llx:", v64[i]);
        for (j = 1; j < N64; j++) {
            DIVOP("ddiv", a, (rv)v64[j], hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\nddivu  %llx:", v64[i]);
        for (j = 1; j < N64; j++) {
            DIVOP("ddivu", a, (rv)v64[j], hi, lo);
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\n");
    }
    DIVOP("ddiv", (rv)0x8000000000000000ULL, -1, hi, lo);
    t_printf("ddiv INT64_MIN/-1: hi=%llx lo=%llx\n", px(hi), px(lo));
    DIVOP("ddiv", 5, 0, hi, lo);
    DIVOP("ddivu", 5, 0, hi, lo);
    (void)hi;
    (void)lo;
    t_printf("ddiv by zero: continued\n");
}
#endif

#if defined(_MIPS_ARCH_RM7000)
/* RM7000: MUL rd,rs,rt (rd = low word, HI/LO unpredictable afterwards),
 * MAD/MADU: (HI,LO) += rs * rt (32-bit, sign-extended halves). */
static void rm7000_mul(void)
{
    int i, j;
    rv hi, lo;
    for (i = 0; i < N32; i += 2) {
        rv a = SX(v32[i]);
        t_printf("mul %08x:", v32[i]);
        for (j = 0; j < N32; j++)
            t_printf(" %llx", px(RR("mul", a, SX(v32[j]))));
        t_printf("\nmad %08x:", v32[i]);
        for (j = 0; j < N32; j++) {
            __asm__ volatile(".set push\n.set noreorder\n"
                             "mthi %2\nmtlo %3\nmad %4, %5\nmfhi %0\n"
                             "mflo %1\n.set pop"
                             : "=&r"(hi), "=&r"(lo)
                             : "r"(SX(0x00000001)), "r"(SX(0xFFFFFFF0)),
                               "r"(a), "r"(SX(v32[j]))
                             : "hi", "lo");
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\nmadu %08x:", v32[i]);
        for (j = 0; j < N32; j++) {
            __asm__ volatile(".set push\n.set noreorder\n"
                             "mthi %2\nmtlo %3\nmadu %4, %5\nmfhi %0\n"
                             "mflo %1\n.set pop"
                             : "=&r"(hi), "=&r"(lo)
                             : "r"(SX(0x7FFFFFFF)), "r"(SX(0xFFFFFFFF)),
                               "r"(a), "r"(SX(v32[j]))
                             : "hi", "lo");
            t_printf(" %llx/%llx", px(hi), px(lo));
        }
        t_printf("\n");
    }
}
#endif

void test_main(void)
{
    mul32();
    div32();
    hilo_moves();
#if ISA_64
    muldiv64();
#endif
#if defined(_MIPS_ARCH_RM7000)
    rm7000_mul();
#endif
}
