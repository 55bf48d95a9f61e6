/*
 * isa_alu: one instruction at a time, register-register and immediate ALU
 * operations over edge values, compared with qemu.
 *
 * What this pins (MIPS R4000 User's Manual, appendix A, and MIPS IV ISA):
 *  - ADDU/ADDIU/SUBU/ADD/ADDI/SUB write sign-extended 32-bit results in
 *    64-bit registers (e.g. 0x7FFFFFFF + 1 -> 0xFFFFFFFF80000000);
 *    ADD/ADDI/SUB are used here only where they do not overflow (the trap is
 *    tested in hw/exc_overflow);
 *  - ANDI/ORI/XORI zero-extend their immediate, LUI sign-extends bit 31;
 *  - SLTI/SLTIU sign-extend the immediate, SLTIU then compares unsigned;
 *  - SLL/SRL/SRA/SLLV/SRLV/SRAV operate on the low 32 bits and sign-extend
 *    the 32-bit result; the variable forms use rs[4:0];
 *  - 64-bit: DADDU/DADDIU/DSUBU/DADD/DADDI/DSUB, DSLL/DSRL/DSRA(+32, V)
 *    with rs[5:0] for the variable forms;
 *  - MIPS IV (rm7k build): MOVN/MOVZ.
 */
#include "isa.h"

static volatile unsigned v32[] = {
    0, 1, 2, 0x7F, 0x80, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x12345678,
    0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 0xFFFFFFFF, 0xDEADBEEF,
};
#define N32 ((int)(sizeof(v32) / sizeof(v32[0])))

#if ISA_64
static volatile u64 v64[] = {
    0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ULL,
    0x123456789ABCDEF0ULL, 0x7FFFFFFFFFFFFFFFULL, 0x8000000000000000ULL,
    0xFFFFFFFF80000000ULL, 0xFFFFFFFFFFFFFFFFULL, 0x00000000FFFF8000ULL,
};
#define N64 ((int)(sizeof(v64) / sizeof(v64[0])))
#endif

#define ROW32(name, expr)                                                 \
    do {                                                                  \
        int i, j;                                                         \
        for (i = 0; i < N32; i++) {                                       \
            rv a = SX(v32[i]);                                            \
            t_printf("%-6s %08x:", name, v32[i]);                         \
            for (j = 0; j < N32; j++) {                                   \
                rv b = SX(v32[j]);                                        \
                (void)b;                                                  \
                t_printf(" %llx", px(expr));                              \
            }                                                             \
            t_printf("\n");                                               \
        }                                                                 \
    } while (0)

static void rr32(void)
{
    ROW32("addu", RR("addu", a, b));
    ROW32("subu", RR("subu", a, b));
    ROW32("and", RR("and", a, b));
    ROW32("or", RR("or", a, b));
    ROW32("xor", RR("xor", a, b));
    ROW32("nor", RR("nor", a, b));
    ROW32("slt", RR("slt", a, b));
    ROW32("sltu", RR("sltu", a, b));
    ROW32("sllv", RR("sllv", a, b));
    ROW32("srlv", RR("srlv", a, b));
    ROW32("srav", RR("srav", a, b));
}

/* ADD/SUB without overflow: only pairs whose exact sum fits in 32 bits. */
static void add_sub_nooverflow(void)
{
    int i, j;
    for (i = 0; i < N32; i++) {
        rv a = SX(v32[i]);
        t_printf("add/sub %08x:", v32[i]);
        for (j = 0; j < N32; j++) {
            rv b = SX(v32[j]);
            long long s = (long long)(int)a + (int)b, d = (long long)(int)a - (int)b;
            if (s == (int)s)
                t_printf(" +%llx", px(RR("add", a, b)));
            else
                t_printf(" +ov");
            if (d == (int)d)
                t_printf(" -%llx", px(RR("sub", a, b)));
            else
                t_printf(" -ov");
        }
        t_printf("\n");
    }
}

#define IMMS(X)                                                           \
    X(0) X(1) X(-1) X(0x7FFF) X(-0x8000) X(0x1234) X(-2)
#define UIMMS(X) X(0) X(1) X(0x7FFF) X(0x8000) X(0xFFFF) X(0x1234)

static void imm32(void)
{
    int i;
    for (i = 0; i < N32; i++) {
        rv a = SX(v32[i]);
        t_printf("addiu  %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("addiu", a, k)));
        IMMS(X)
#undef X
        t_printf("\nslti   %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("slti", a, k)));
        IMMS(X)
#undef X
        t_printf("\nsltiu  %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("sltiu", a, k)));
        IMMS(X)
#undef X
        t_printf("\nandi   %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("andi", a, k)));
        UIMMS(X)
#undef X
        t_printf("\nori    %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("ori", a, k)));
        UIMMS(X)
#undef X
        t_printf("\nxori   %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("xori", a, k)));
        UIMMS(X)
#undef X
        t_printf("\nsll    %08x:", v32[i]);
#define SH(X) X(0) X(1) X(4) X(15) X(16) X(31)
#define X(k) t_printf(" %llx", px(RI("sll", a, k)));
        SH(X)
#undef X
        t_printf("\nsrl    %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("srl", a, k)));
        SH(X)
#undef X
        t_printf("\nsra    %08x:", v32[i]);
#define X(k) t_printf(" %llx", px(RI("sra", a, k)));
        SH(X)
#undef X
        t_printf("\n");
    }
    /* ADDI without overflow */
    t_printf("addi:");
    t_printf(" %llx", px(RI("addi", SX(0x7FFF0000), 0x7FFF)));
    t_printf(" %llx", px(RI("addi", SX(0x80008000), -0x8000)));
    t_printf(" %llx", px(RI("addi", SX(0xFFFFFFFF), 1)));
    t_printf(" %llx", px(RI("addi", SX(0), -1)));
    t_printf("\n");
}

static void lui(void)
{
    rv r;
    t_printf("lui:");
#define X(k)                                                              \
    __asm__ volatile("lui %0, %1" : "=r"(r) : "i"(k));                    \
    t_printf(" %llx", px(r));
    X(0) X(1) X(0x7FFF) X(0x8000) X(0xFFFF) X(0x1234)
#undef X
    t_printf("\n");
}

/* Register-zero: writes to $0 are discarded, reads of $0 give 0. */
static void zero_reg(void)
{
    rv r;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "li $8, 0x1234\n"
                     "addiu $0, $8, 1\n"
                     "addu %0, $0, $0\n"
                     "or $0, $8, $8\n"
                     "addu %0, %0, $0\n"
                     ".set pop"
                     : "=r"(r)::"$8");
    t_printf("zero: %llx\n", px(r));
}

#if ISA_64
#define ROW64(name, expr)                                                 \
    do {                                                                  \
        int i, j;                                                         \
        for (i = 0; i < N64; i++) {                                       \
            rv a = (rv)v64[i];                                            \
            t_printf("%-6s %llx:", name, v64[i]);                         \
            for (j = 0; j < N64; j++) {                                   \
                rv b = (rv)v64[j];                                        \
                (void)b;                                                  \
                t_printf(" %llx", px(expr));                              \
            }                                                             \
            t_printf("\n");                                               \
        }                                                                 \
    } while (0)

static void rr64(void)
{
    int i;
    ROW64("daddu", RR("daddu", a, b));
    ROW64("dsubu", RR("dsubu", a, b));
    ROW64("and64", RR("and", a, b));
    ROW64("slt64", RR("slt", a, b));
    ROW64("sltu64", RR("sltu", a, b));
    ROW64("dsllv", RR("dsllv", a, b));
    ROW64("dsrlv", RR("dsrlv", a, b));
    ROW64("dsrav", RR("dsrav", a, b));
    for (i = 0; i < N64; i++) {
        rv a = (rv)v64[i];
        t_printf("dshift %llx:", v64[i]);
#define X(op, k) t_printf(" %llx", px(RI(op, a, k)));
        X("dsll", 0) X("dsll", 1) X("dsll", 31) X("dsll32", 0) X("dsll32", 1)
        X("dsll32", 31) X("dsrl", 0) X("dsrl", 1) X("dsrl", 31)
        X("dsrl32", 0) X("dsrl32", 1) X("dsrl32", 31) X("dsra", 0)
        X("dsra", 1) X("dsra", 31) X("dsra32", 0) X("dsra32", 1)
        X("dsra32", 31)
#undef X
        t_printf("\ndaddiu %llx:", v64[i]);
#define X(k) t_printf(" %llx", px(RI("daddiu", a, k)));
        IMMS(X)
#undef X
        t_printf("\nslti64 %llx:", v64[i]);
#define X(k) t_printf(" %llx", px(RI("slti", a, k)) + px(RI("sltiu", a, k)) * 2);
        IMMS(X)
#undef X
        t_printf("\n");
    }
    /* DADD/DADDI/DSUB without overflow */
    t_printf("dadd: %llx %llx %llx %llx %llx\n",
             px(RR("dadd", 0x7FFFFFFFFFFFFFF0LL, 0xF)),
             px(RR("dadd", (rv)0x8000000000000001ULL, -1)),
             px(RR("dsub", (rv)0x8000000000000001ULL, 1)),
             px(RI("daddi", 0x7FFFFFFFFFFF8000LL, 0x7FFF)),
             px(RI("daddi", (rv)0x8000000000008000ULL, -0x8000)));
}
#endif

#if ISA_MIPS4
static void movcond(void)
{
    int i;
    static const rv tv[] = { 0, 1, -1, (rv)0x8000000000000000ULL,
                             (rv)0x100000000ULL };
    for (i = 0; i < 5; i++)
        t_printf("movn/movz t=%llx: %llx %llx\n", px(tv[i]),
                 px(RMOV("movn", 0x1111, 0x2222, tv[i])),
                 px(RMOV("movz", 0x1111, 0x2222, tv[i])));
}
#endif

void test_main(void)
{
    rr32();
    add_sub_nooverflow();
    imm32();
    lui();
    zero_reg();
#if ISA_64
    rr64();
#endif
#if ISA_MIPS4
    movcond();
#endif
}
