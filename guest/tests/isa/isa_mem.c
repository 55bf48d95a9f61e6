/*
 * isa_mem: loads and stores at every alignment, compared with qemu.
 *
 * What this pins (R4000 User's Manual appendix A, big-endian memory):
 *  - LB/LH/LW sign-extend, LBU/LHU/LWU zero-extend (LWU, LD, SD in n32);
 *  - LWL/LWR/SWL/SWR and LDL/LDR/SDL/SDR at byte offsets 0..3 / 0..7 merge
 *    exactly the bytes the big-endian rules select, leaving the other
 *    register bytes / memory bytes unchanged; the classic LWL x / LWR x+3
 *    (LDL x / LDR x+7) pairs load an unaligned word (doubleword);
 *  - destination registers start as sign-extended 32-bit values, where the
 *    R4000 (sign-extend bit 31 of the merged word) and later MIPS64 wording
 *    agree;
 *  - LL/SC and LLD/SCD: a load-linked / store-conditional pair with nothing
 *    in between succeeds (rt = 1) and stores.
 */
#include "isa.h"

static unsigned char mem[32] __attribute__((aligned(8)));

static void fill_mem(void)
{
    int i;
    for (i = 0; i < 32; i++)
        mem[i] = (unsigned char)(0x81 + 0x11 * i);
}

static void dump_mem(const char *tag, int n)
{
    int i;
    t_printf("%s:", tag);
    for (i = 0; i < n; i++)
        t_printf("%s%02x", (i & 7) ? "" : " ", mem[i]);
    t_printf("\n");
}

#define LOAD(op, off)                                                     \
    ({                                                                    \
        rv _r;                                                            \
        __asm__ volatile(op " %0, %2(%1)"                                 \
                         : "=r"(_r)                                       \
                         : "r"(mem), "i"(off)                             \
                         : "memory");                                     \
        _r;                                                               \
    })

#define LOADM(op, init, off)                                              \
    ({                                                                    \
        rv _r = (rv)(init);                                               \
        __asm__ volatile(op " %0, %2(%1)"                                 \
                         : "+r"(_r)                                       \
                         : "r"(mem), "i"(off)                             \
                         : "memory");                                     \
        _r;                                                               \
    })

#define STORE(op, val, off)                                               \
    __asm__ volatile(op " %0, %2(%1)"                                     \
                     :                                                    \
                     : "r"((rv)(val)), "r"(mem), "i"(off)                 \
                     : "memory")

static void plain_loads(void)
{
    fill_mem();
    t_printf("lb:");
#define X(o) t_printf(" %llx", px(LOAD("lb", o)));
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#undef X
    t_printf("\nlbu:");
#define X(o) t_printf(" %llx", px(LOAD("lbu", o)));
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#undef X
    t_printf("\nlh:");
#define X(o) t_printf(" %llx", px(LOAD("lh", o)));
    X(0) X(2) X(4) X(6) X(8) X(10)
#undef X
    t_printf("\nlhu:");
#define X(o) t_printf(" %llx", px(LOAD("lhu", o)));
    X(0) X(2) X(4) X(6) X(8) X(10)
#undef X
    t_printf("\nlw:");
#define X(o) t_printf(" %llx", px(LOAD("lw", o)));
    X(0) X(4) X(8) X(12) X(16)
#undef X
#if ISA_64
    t_printf("\nlwu:");
#define X(o) t_printf(" %llx", px(LOAD("lwu", o)));
    X(0) X(4) X(8) X(12) X(16)
#undef X
    t_printf("\nld:");
#define X(o) t_printf(" %llx", px(LOAD("ld", o)));
    X(0) X(8) X(16) X(24)
#undef X
#endif
    t_printf("\n");
}

static void plain_stores(void)
{
    fill_mem();
    STORE("sb", 0x1234567F, 1);
    STORE("sb", SX(0xFFFFFF80), 6);
    STORE("sh", 0x1234ABCD, 2);
    STORE("sh", SX(0x80007FFF), 10);
    STORE("sw", SX(0xDEADBEEF), 12);
#if ISA_64
    STORE("sd", 0x0102030405060708LL, 16);
    STORE("sw", 0x7FFFFFFFFFFFFFFFLL, 24); /* stores the low word */
#endif
    dump_mem("stores", 32);
}

static const rv init_w[2] = { SX(0x11111111), SX(0xEEEEEEEE) };

static void unaligned_words(void)
{
    int k;
    fill_mem();
    for (k = 0; k < 2; k++) {
        rv in = init_w[k];
        t_printf("lwl init=%llx:", px(in));
#define X(o) t_printf(" %llx", px(LOADM("lwl", in, o)));
        X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#undef X
        t_printf("\nlwr init=%llx:", px(in));
#define X(o) t_printf(" %llx", px(LOADM("lwr", in, o)));
        X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7)
#undef X
        t_printf("\n");
    }
    t_printf("lwl+lwr:");
#define X(o)                                                              \
    {                                                                     \
        rv r = 0;                                                         \
        __asm__ volatile("lwl %0, %2(%1)\n\tlwr %0, %2+3(%1)"             \
                         : "+r"(r) : "r"(mem), "i"(o) : "memory");        \
        t_printf(" %llx", px(r));                                         \
    }
    X(0) X(1) X(2) X(3) X(4) X(5)
#undef X
    t_printf("\n");
#define X(op, o)                                                          \
    fill_mem();                                                           \
    STORE(op, SX(0xA1B2C3D4), o);                                         \
    dump_mem(op " " #o, 8);
    X("swl", 0) X("swl", 1) X("swl", 2) X("swl", 3)
    X("swl", 4) X("swl", 5) X("swl", 6) X("swl", 7)
    X("swr", 0) X("swr", 1) X("swr", 2) X("swr", 3)
    X("swr", 4) X("swr", 5) X("swr", 6) X("swr", 7)
#undef X
    t_printf("swl+swr:\n");
#define X(o)                                                              \
    fill_mem();                                                           \
    __asm__ volatile("swl %0, %2(%1)\n\tswr %0, %2+3(%1)"                 \
                     : : "r"(SX(0x0A0B0C0D)), "r"(mem), "i"(o) : "memory"); \
    dump_mem("  off " #o, 8);
    X(0) X(1) X(2) X(3) X(4)
#undef X
}

#if ISA_64
static void unaligned_dwords(void)
{
    static const rv init_d[2] = { 0x1111111111111111LL,
                                  (rv)0xEEEEEEEEEEEEEEEEULL };
    int k;
    fill_mem();
    for (k = 0; k < 2; k++) {
        rv in = init_d[k];
        t_printf("ldl init=%llx:", px(in));
#define X(o) t_printf(" %llx", px(LOADM("ldl", in, o)));
        X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(15)
#undef X
        t_printf("\nldr init=%llx:", px(in));
#define X(o) t_printf(" %llx", px(LOADM("ldr", in, o)));
        X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(15)
#undef X
        t_printf("\n");
    }
    t_printf("ldl+ldr:");
#define X(o)                                                              \
    {                                                                     \
        rv r = 0;                                                         \
        __asm__ volatile("ldl %0, %2(%1)\n\tldr %0, %2+7(%1)"             \
                         : "+r"(r) : "r"(mem), "i"(o) : "memory");        \
        t_printf(" %llx", px(r));                                         \
    }
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(13)
#undef X
    t_printf("\n");
#define X(op, o)                                                          \
    fill_mem();                                                           \
    STORE(op, 0xA1B2C3D4E5F60718LL, o);                                   \
    dump_mem(op " " #o, 16);
    X("sdl", 0) X("sdl", 1) X("sdl", 2) X("sdl", 3)
    X("sdl", 4) X("sdl", 5) X("sdl", 6) X("sdl", 7)
    X("sdr", 0) X("sdr", 1) X("sdr", 2) X("sdr", 3)
    X("sdr", 4) X("sdr", 5) X("sdr", 6) X("sdr", 7)
    X("sdl", 9) X("sdr", 14)
#undef X
    t_printf("sdl+sdr:\n");
#define X(o)                                                              \
    fill_mem();                                                           \
    __asm__ volatile("sdl %0, %2(%1)\n\tsdr %0, %2+7(%1)"                 \
                     : : "r"((rv)0x0102030405060708LL), "r"(mem), "i"(o)  \
                     : "memory");                                         \
    dump_mem("  off " #o, 16);
    X(0) X(1) X(3) X(5) X(7) X(8)
#undef X
}
#endif

static void linked(void)
{
    rv old, ok;
    fill_mem();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "ll %0, 4(%2)\n"
                     "addiu %1, %0, 1\n"
                     "sc %1, 4(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(mem)
                     : "memory");
    t_printf("ll/sc: old=%llx sc=%llx\n", px(old), px(ok));
#if ISA_64
    __asm__ volatile(".set push\n.set noreorder\n"
                     "lld %0, 8(%2)\n"
                     "daddiu %1, %0, 1\n"
                     "scd %1, 8(%2)\n"
                     ".set pop"
                     : "=&r"(old), "=&r"(ok)
                     : "r"(mem)
                     : "memory");
    t_printf("lld/scd: old=%llx scd=%llx\n", px(old), px(ok));
#endif
    dump_mem("after", 16);
}

/* Loads into $0 must not change it; a load's base may be its target. */
static void special_regs(void)
{
    rv r;
    fill_mem();
    __asm__ volatile(".set push\n.set noreorder\n.set noat\n"
                     "lw $0, 0(%1)\n"
                     "move %0, $0\n"
                     ".set pop"
                     : "=r"(r) : "r"(mem) : "memory");
    t_printf("lw $0: %llx\n", px(r));
    r = (rv)(intptr_t)mem; /* sign-extended, as every 32-bit address */
    __asm__ volatile("lw %0, 8(%0)" : "+r"(r) : : "memory");
    t_printf("lw base=rt: %llx\n", px(r));
    /* negative offsets */
    __asm__ volatile("lhu %0, -2(%1)" : "=r"(r) : "r"(mem + 8) : "memory");
    t_printf("lhu -2: %llx\n", px(r));
}

void test_main(void)
{
    plain_loads();
    plain_stores();
    unaligned_words();
#if ISA_64
    unaligned_dwords();
#endif
    linked();
    special_regs();
}
