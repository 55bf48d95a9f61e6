/*
 * exc_trap: conditional traps, SYSCALL and BREAK.
 *
 * R4000 User's Manual appendix A (TEQ, TNE, TGE, TGEU, TLT, TLTU and the
 * immediate forms TEQI, TNEI, TGEI, TGEIU, TLTI, TLTIU; SYSCALL; BREAK) and
 * ch. 5: a trap whose condition holds raises Trap (ExcCode 13), SYSCALL
 * raises Sys (8), BREAK raises Bp (9), all through the general vector with
 * EPC = the instruction, or = the branch with Cause.BD = 1 in a delay slot.
 * Comparisons are signed except TGEU/TLTU/TGEIU/TLTIU; the immediate is
 * sign-extended in all forms (also the unsigned ones). n32 builds add
 * 64-bit comparisons (operands that differ only in the upper word).
 */
#include "hw.h"

#define TR(what, insn, a, b)                                              \
    do {                                                                  \
        rv pc_;                                                           \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "la %0, 1f\n"                                    \
                         "1: " insn " %1, %2\n"                           \
                         "nop\n.set pop"                                  \
                         : "=&r"(pc_)                                     \
                         : "r"((rv)(a)), "r"((rv)(b))                     \
                         : "memory");                                     \
        hw_show(what, px(pc_), 0);                                        \
    } while (0)

#define TRI(what, insn, a, imm)                                           \
    do {                                                                  \
        rv pc_;                                                           \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "la %0, 1f\n"                                    \
                         "1: " insn " %1, %2\n"                           \
                         "nop\n.set pop"                                  \
                         : "=&r"(pc_)                                     \
                         : "r"((rv)(a)), "i"(imm)                         \
                         : "memory");                                     \
        hw_show(what, px(pc_), 0);                                        \
    } while (0)

/* A whole instruction word at a known address (for code fields). */
#define WORD(what, text)                                                  \
    do {                                                                  \
        rv pc_;                                                           \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "la %0, 1f\n"                                    \
                         "1: " text "\n"                                  \
                         "nop\n.set pop"                                  \
                         : "=&r"(pc_)                                     \
                         :                                                \
                         : "memory");                                     \
        hw_show(what, px(pc_), 0);                                        \
    } while (0)

/* In the delay slot of a branch: EPC = branch, BD = 1. */
#define SLOT(what, br, text)                                              \
    do {                                                                  \
        rv pc_;                                                           \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "la %0, 1f\n"                                    \
                         "1: " br "\n"                                    \
                         text "\n"                                        \
                         "2: nop\n.set pop"                               \
                         : "=&r"(pc_)                                     \
                         :                                                \
                         : "memory", "$31");                              \
        hw_show(what, px(pc_), 0);                                        \
    } while (0)

void test_main(void)
{
    hw_init();

    TR("teq 5,5", "teq", 5, 5);
    TR("teq 5,6", "teq", 5, 6);
    TR("tne 5,5", "tne", 5, 5);
    TR("tne 5,6", "tne", 5, 6);
    TR("tge -1,1", "tge", -1, 1);
    TR("tge 1,-1", "tge", 1, -1);
    TR("tge 3,3", "tge", 3, 3);
    TR("tgeu -1,1", "tgeu", -1, 1);
    TR("tgeu 1,-1", "tgeu", 1, -1);
    TR("tgeu 3,3", "tgeu", 3, 3);
    TR("tlt -1,1", "tlt", -1, 1);
    TR("tlt 1,-1", "tlt", 1, -1);
    TR("tlt 3,3", "tlt", 3, 3);
    TR("tltu -1,1", "tltu", -1, 1);
    TR("tltu 1,-1", "tltu", 1, -1);
    TR("tltu 3,3", "tltu", 3, 3);
    TRI("teqi -1,-1", "teqi", -1, -1);
    TRI("teqi 0,1", "teqi", 0, 1);
    TRI("tnei 0,1", "tnei", 0, 1);
    TRI("tnei 7,7", "tnei", 7, 7);
    TRI("tgei -5,-6", "tgei", -5, -6);
    TRI("tgei -5,-4", "tgei", -5, -4);
    TRI("tgeiu 7fff,-1", "tgeiu", 0x7FFF, -1); /* imm sext: 0x7fff < ~0 */
    TRI("tgeiu -1,-1", "tgeiu", -1, -1);
    TRI("tgeiu 8000,7fff", "tgeiu", 0x8000, 0x7FFF);
    TRI("tlti -5,-4", "tlti", -5, -4);
    TRI("tlti 0,-32768", "tlti", 0, -32768);
    TRI("tltiu 5,-1", "tltiu", 5, -1);
    TRI("tltiu -1,1", "tltiu", -1, 1);
#if ISA_64
    TR("teq 64-bit upper differs", "teq", 0x100000005LL, 5);
    TR("tne 64-bit upper differs", "tne", 0x100000005LL, 5);
    TR("tlt 64 80000000,1", "tlt", 0x80000000LL, 1);
    TR("tltu 64 ffffffff80000000,80000000", "tltu", SX(0x80000000), 0x80000000LL);
    TRI("teqi 64 100000000,0", "teqi", 0x100000000LL, 0);
    TRI("tgei 64 8000000000000000,0", "tgei", (rv)0x8000000000000000ULL, 0);
#endif
    WORD("syscall", "syscall");
    WORD("syscall code 0x12345", ".word 0x0048d14c");
    WORD("break", "break");
    WORD("break 7", "break 7");
    SLOT("syscall in taken beq slot", "beq $0, $0, 2f", "syscall");
    SLOT("break in not-taken bne slot", "bne $0, $0, 2f", "break");
    SLOT("teq in taken bgezal slot", "bgezal $0, 2f", "teq $0, $0");
    SLOT("syscall in j slot", "j 2f", "syscall");
    SLOT("syscall in beql taken slot", "beql $0, $0, 2f", "syscall");
    /* a not-taken likely branch nullifies the slot: no exception */
    SLOT("syscall in beql not-taken slot", "bnel $0, $0, 2f", "syscall");
    t_printf("done\n");
}
