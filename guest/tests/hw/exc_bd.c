/*
 * exc_bd: exceptions in branch delay slots, and the restart.
 *
 * R4000 User's Manual ch. 5 ("Exception Processing": EPC, Cause.BD): when
 * the faulting instruction is in a branch/jump delay slot, EPC holds the
 * address of the branch and Cause.BD = 1; returning to EPC re-executes the
 * branch, which must then take the same decision (its condition register is
 * not changed by the slot) and run the slot again. Here the handler fixes
 * the cause (it points the slot's base register at valid memory) and
 * returns to EPC unchanged; the test checks where execution went, that the
 * slot instruction completed once, and the link register.
 * One line per branch kind: beq/bne taken and not taken, bgez/bltz,
 * blez/bgtz, the likely forms (taken only: a not-taken likely branch has no
 * slot to fault in), the and-link forms, J, JAL, JR, JALR.
 */
#include "hw.h"

static uint32_t good[2] = { 0xABCD0123, 0 };
static volatile unsigned fixed;

/* Fault: the slot loads through $9 = bad (misaligned). Fix: $9 = good. */
static int fix_base(struct exc_frame *f, int vector)
{
    (void)vector;
    if (CAUSE_EXCCODE(f->cause) != EXC_ADEL || fixed)
        return 0;
    fixed = 1;
    f->gpr[9] = hw_addr(good);
    return 1; /* EPC unchanged: re-execute the branch */
}

/* path: 1 = fall-through, 2 = target; val = what the slot loaded;
 * link = $31 - address of the branch (0 when not written). */
#define BD(what, pre, br)                                                 \
    do {                                                                  \
        rv path_, val_, link_, pc_;                                       \
        hw_clear();                                                       \
        fixed = 0;                                                        \
        hw_on_exc = fix_base;                                             \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "li $31, 0\n"                                    \
                         "move $9, %4\n"                                  \
                         "li %1, 0\n"                                     \
                         pre "\n"                                         \
                         "la %3, 1f\n"                                    \
                         "1: " br "\n"                                    \
                         " lw %1, 0($9)\n"                                \
                         "li %0, 1\n"                                     \
                         "b 3f\n"                                         \
                         " nop\n"                                         \
                         "2: li %0, 2\n"                                  \
                         "3: move %2, $31\n"                              \
                         "beqz %2, 4f\n"                                  \
                         " nop\n"                                         \
                         "subu %2, %2, %3\n"                              \
                         "4:\n"                                           \
                         ".set pop"                                       \
                         : "=&r"(path_), "=&r"(val_), "=&r"(link_),       \
                           "=&r"(pc_)                                     \
                         : "r"(hw_addr(good) + 2)                         \
                         : "$8", "$9", "$31", "memory");                  \
        hw_show(what, px(pc_), 0);                                        \
        t_printf("  path=%lld slot=%llx link=%lld fixed=%u\n",            \
                 (long long)path_, px(val_), (long long)link_, fixed);    \
    } while (0)

void test_main(void)
{
    hw_init();
    BD("beq taken", "li $8, 0", "beq $8, $0, 2f");
    BD("beq not taken", "li $8, 1", "beq $8, $0, 2f");
    BD("bne taken", "li $8, 1", "bne $8, $0, 2f");
    BD("bne not taken", "li $8, 0", "bne $8, $0, 2f");
    BD("bgez taken", "li $8, 0", "bgez $8, 2f");
    BD("bltz not taken", "li $8, 0", "bltz $8, 2f");
    BD("blez taken", "li $8, -1", "blez $8, 2f");
    BD("bgtz not taken", "li $8, -1", "bgtz $8, 2f");
    BD("beql taken", "li $8, 0", "beql $8, $0, 2f");
    BD("bnel taken", "li $8, 5", "bnel $8, $0, 2f");
    BD("bgezl taken", "li $8, 5", "bgezl $8, 2f");
    BD("bltzal taken", "li $8, -5", "bltzal $8, 2f");
    BD("bltzal not taken", "li $8, 5", "bltzal $8, 2f");
    BD("bgezall taken", "li $8, 5", "bgezall $8, 2f");
    BD("j", "", "j 2f");
    BD("jal", "", "jal 2f");
    BD("jr", "la $8, 2f", "jr $8");
    BD("jalr", "la $8, 2f", "jalr $8");
    hw_on_exc = 0;
}
