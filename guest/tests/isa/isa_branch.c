/*
 * isa_branch: every conditional branch, taken and not taken, its delay
 * slot, the branch-likely nullification and the link register; jumps and
 * register jumps. Compared with qemu.
 *
 * What this pins (R4000 User's Manual appendix A; MIPS IV ISA):
 *  - the delay slot of a branch/jump executes whether or not it is taken;
 *  - a branch-likely (BEQL/BNEL/BLEZL/BGTZL/BLTZL/BGEZL/BLTZALL/BGEZALL)
 *    nullifies its delay slot when not taken (a store there must not
 *    write memory) and executes it when taken;
 *  - BLTZAL/BGEZAL/BLTZALL/BGEZALL and JAL/JALR write the return address
 *    (branch address + 8) whether or not the branch is taken; JALR writes
 *    rd (any register);
 *  - the condition / jump register is read before the delay slot runs,
 *    even when the delay slot overwrites it;
 *  - in n32 builds comparisons are 64-bit (values that differ only in the
 *    upper word, 0x80000000 as a positive 64-bit value).
 * Each line prints: path (T taken / N not taken), delay slot count,
 * and for link forms the link value minus the branch address.
 */
#include "isa.h"

struct res {
    rv path, ds, link;
};

static void show(const char *what, struct res r, int linked)
{
    t_printf("%-26s %c ds=%lld", what, r.path == 2 ? 'T' : r.path == 1 ? 'N' : '?',
             (long long)r.ds);
    if (linked)
        t_printf(" link=+%lld", (long long)r.link);
    t_printf("\n");
}

/* Two-register branch. */
#define BR2(op, a, b)                                                     \
    ({                                                                    \
        struct res _r;                                                    \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "move %1, $0\n"                                  \
                         op " %3, %4, 1f\n"                               \
                         " addiu %1, %1, 1\n"                             \
                         "li %0, 1\n"                                     \
                         "b 2f\n"                                         \
                         " nop\n"                                         \
                         "1: li %0, 2\n"                                  \
                         "2:\n"                                           \
                         ".set pop"                                       \
                         : "=&r"(_r.path), "=&r"(_r.ds), "=&r"(_r.link)   \
                         : "r"((rv)(a)), "r"((rv)(b)));                   \
        _r.link = 0;                                                      \
        _r;                                                               \
    })

/* One-register branch. */
#define BR1(op, a)                                                        \
    ({                                                                    \
        struct res _r;                                                    \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "move %1, $0\n"                                  \
                         op " %3, 1f\n"                                   \
                         " addiu %1, %1, 1\n"                             \
                         "li %0, 1\n"                                     \
                         "b 2f\n"                                         \
                         " nop\n"                                         \
                         "1: li %0, 2\n"                                  \
                         "2:\n"                                           \
                         ".set pop"                                       \
                         : "=&r"(_r.path), "=&r"(_r.ds), "=&r"(_r.link)   \
                         : "r"((rv)(a)));                                 \
        _r.link = 0;                                                      \
        _r;                                                               \
    })

/* One-register branch-and-link: ra - address of the branch. */
#define BRAL(op, a)                                                       \
    ({                                                                    \
        struct res _r;                                                    \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "move %1, $0\n"                                  \
                         "li $31, 0\n"                                    \
                         "3: " op " %3, 1f\n"                             \
                         " addiu %1, %1, 1\n"                             \
                         "li %0, 1\n"                                     \
                         "b 2f\n"                                         \
                         " nop\n"                                         \
                         "1: li %0, 2\n"                                  \
                         "2: la %2, 3b\n"                                 \
                         "subu %2, $31, %2\n"                             \
                         ".set pop"                                       \
                         : "=&r"(_r.path), "=&r"(_r.ds), "=&r"(_r.link)   \
                         : "r"((rv)(a))                                   \
                         : "$31");                                        \
        _r;                                                               \
    })

#if ISA_64
#define UPPER ((rv)0x100000000LL)
#else
#define UPPER ((rv)0)
#endif

static void two_reg(void)
{
#define T2(op, a, b) show(op " " #a "," #b, BR2(op, a, b), 0)
    T2("beq", 5, 5);
    T2("beq", 5, 6);
    T2("beq", -1, -1);
    T2("bne", 5, 5);
    T2("bne", 5, 6);
    T2("beql", 5, 5);
    T2("beql", 5, 6);
    T2("bnel", 5, 5);
    T2("bnel", 5, 6);
#if ISA_64
    T2("beq", 7 + UPPER, 7);
    T2("bne", 7 + UPPER, 7);
    T2("beql", 7 + UPPER, 7);
    T2("bnel", 7 + UPPER, 7);
#endif
#undef T2
}

static const rv one_vals[] = {
    0, 1, -1, SX(0x7FFFFFFF), SX(0x80000000),
#if ISA_64
    (rv)0x80000000LL, (rv)0x8000000000000000ULL, (rv)0x100000000LL,
#endif
};
#define NONE ((int)(sizeof(one_vals) / sizeof(one_vals[0])))

static void one_reg(void)
{
    int i;
    char name[48];
    for (i = 0; i < NONE; i++) {
        rv a = one_vals[i];
#define T1(op)                                                            \
        t_snprintf(name, sizeof(name), "%s %llx", op, px(a));             \
        show(name, BR1(op, a), 0);
        T1("blez") T1("bgtz") T1("bltz") T1("bgez")
        T1("blezl") T1("bgtzl") T1("bltzl") T1("bgezl")
#undef T1
#define TL(op)                                                            \
        t_snprintf(name, sizeof(name), "%s %llx", op, px(a));             \
        show(name, BRAL(op, a), 1);
        TL("bltzal") TL("bgezal") TL("bltzall") TL("bgezall")
#undef TL
    }
}

/* A nullified store must not reach memory. */
static volatile int cells2[2] = { 100, 200 };
static void nullified_store(void)
{
    rv v = 0x5555;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "bnel $0, $0, 1f\n"
                     " sw %0, 0(%1)\n"
                     "1:\n"
                     "beql $0, $0, 2f\n"
                     " sw %0, 4(%1)\n"
                     "nop\n"
                     "2:\n"
                     ".set pop"
                     :
                     : "r"(v), "r"(cells2)
                     : "memory");
    t_printf("likely stores: not-taken=%d taken=%d\n", cells2[0], cells2[1]);
}

/* Condition read before the delay slot changes it. */
static void cond_before_slot(void)
{
    rv a = 1, path;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "li %1, 0\n"
                     "bne %0, $0, 1f\n"
                     " move %0, $0\n"
                     "li %1, 1\n"
                     "1: addiu %1, %1, 2\n"
                     ".set pop"
                     : "+r"(a), "=&r"(path));
    t_printf("cond before slot: path=%lld a=%lld\n", (long long)path, (long long)a);
}

static void jumps(void)
{
    rv ds = 0, link = 0, rdv = 0, path = 0, tgt;
    /* J and JAL to labels; delay slots run. */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "move %0, $0\n"
                     "j 1f\n"
                     " addiu %0, %0, 1\n"
                     "addiu %0, %0, 100\n"
                     "1: li $31, 0\n"
                     "3: jal 2f\n"
                     " addiu %0, %0, 1\n"
                     "addiu %0, %0, 100\n"
                     "2: la %1, 3b\n"
                     "subu %1, $31, %1\n"
                     ".set pop"
                     : "=&r"(ds), "=&r"(link)
                     :
                     : "$31");
    t_printf("j/jal: ds=%lld link=+%lld\n", (long long)ds, (long long)link);

    /* JR and JALR rd with the target register overwritten in the slot. */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "la %3, 1f\n"
                     "move %0, $0\n"
                     "jr %3\n"
                     " move %3, $0\n"
                     "addiu %0, %0, 100\n"
                     "1: la %3, 2f\n"
                     "3: jalr %2, %3\n"
                     " move %3, $0\n"
                     "addiu %0, %0, 100\n"
                     "2: la %1, 3b\n"
                     "subu %1, %2, %1\n"
                     ".set pop"
                     : "=&r"(path), "=&r"(link), "=&r"(rdv), "=&r"(tgt));
    t_printf("jr/jalr rd: bad=%lld link=+%lld\n", (long long)path, (long long)link);

    /* JALR with the default rd ($31), used as a call. */
    __asm__ volatile(".set push\n.set noreorder\n"
                     "la %1, 1f\n"
                     "li $31, 0\n"
                     "3: jalr %1\n"
                     " nop\n"
                     "1: la %1, 3b\n"
                     "subu %0, $31, %1\n"
                     ".set pop"
                     : "=&r"(link), "=&r"(tgt)
                     :
                     : "$31");
    t_printf("jalr: link=+%lld\n", (long long)link);

    /* BAL / B aliases (BGEZAL $0 / BEQ $0,$0). */
    {
        struct res r = BRAL("bgezal", 0);
        show("bal", r, 1);
        r = BR2("beq", 0, 0);
        show("b", r, 0);
    }
}

/* Backward loop with the counter decremented in the delay slot. */
static void loops(void)
{
    rv n = 10, acc = 0;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "1: addiu %1, %1, 3\n"
                     "bgtz %0, 1b\n"
                     " addiu %0, %0, -1\n"
                     ".set pop"
                     : "+r"(n), "+r"(acc));
    t_printf("loop: n=%lld acc=%lld\n", (long long)n, (long long)acc);
    n = 5;
    acc = 0;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "1: addiu %0, %0, -1\n"
                     "bnel %0, $0, 1b\n"
                     " addiu %1, %1, 10\n"
                     ".set pop"
                     : "+r"(n), "+r"(acc));
    t_printf("likely loop: n=%lld acc=%lld\n", (long long)n, (long long)acc);
}

/* Recursion through function pointers (JALR) to depth 200. */
typedef rv (*fn_t)(rv);
static rv f_odd(rv n);
static volatile fn_t fns[2];
static rv f_even(rv n)
{
    return n == 0 ? 1 : fns[1](n - 1) + 2;
}
static rv f_odd(rv n)
{
    return n == 0 ? 0 : fns[0](n - 1) * 3 % 1000003;
}

void test_main(void)
{
    two_reg();
    one_reg();
    nullified_store();
    cond_before_slot();
    jumps();
    loops();
    fns[0] = f_even;
    fns[1] = f_odd;
    t_printf("mutual recursion: %lld %lld\n", (long long)fns[0](200),
             (long long)fns[0](201));
}
