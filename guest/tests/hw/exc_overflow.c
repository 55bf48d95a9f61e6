/*
 * exc_overflow: Integer Overflow (Cause.ExcCode 12, "Ov").
 *
 * R4000 User's Manual, appendix A (ADD, ADDI, SUB, DADD, DADDI, DSUB) and
 * ch. 5 "Integer Overflow Exception": a two's complement overflow of the
 * 32-bit (64-bit for the D forms) result raises Ov through the general
 * vector (0x80000180), EPC = the instruction (or the branch, with Cause.BD
 * set, in a delay slot), and the destination register is NOT modified.
 * ADDU/ADDIU/SUBU/DADDU/DADDIU/DSUBU never trap.
 * Each case presets rd to 0x5555 and prints it after the instruction.
 */
#include "hw.h"

#define OP3(what, insn, a, b)                                             \
    do {                                                                  \
        rv d_ = 0x5555, pc_;                                              \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n.set noat\n"         \
                         "la %1, 1f\n"                                    \
                         "1: " insn " %0, %2, %3\n"                       \
                         "nop\n.set pop"                                  \
                         : "+r"(d_), "=&r"(pc_)                           \
                         : "r"((rv)(a)), "r"((rv)(b))                     \
                         : "memory");                                     \
        hw_show(what, px(pc_), HW_EXL);                                   \
        t_printf("  rd=%llx\n", px(d_));                                  \
    } while (0)

#define OPI(what, insn, a, imm)                                           \
    do {                                                                  \
        rv d_ = 0x5555, pc_;                                              \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n.set noat\n"         \
                         "la %1, 1f\n"                                    \
                         "1: " insn " %0, %2, %3\n"                       \
                         "nop\n.set pop"                                  \
                         : "+r"(d_), "=&r"(pc_)                           \
                         : "r"((rv)(a)), "i"(imm)                         \
                         : "memory");                                     \
        hw_show(what, px(pc_), HW_EXL);                                   \
        t_printf("  rd=%llx\n", px(d_));                                  \
    } while (0)

/* The overflowing instruction in the delay slot of a taken / not-taken
 * branch: EPC = branch, BD = 1, rd unchanged. */
#define OPBD(what, br, a, b)                                              \
    do {                                                                  \
        rv d_ = 0x5555, pc_;                                              \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n.set noat\n"         \
                         "la %1, 1f\n"                                    \
                         "1: " br " $0, $0, 2f\n"                         \
                         "add %0, %2, %3\n"                               \
                         "2: nop\n.set pop"                               \
                         : "+r"(d_), "=&r"(pc_)                           \
                         : "r"((rv)(a)), "r"((rv)(b))                     \
                         : "memory");                                     \
        hw_show(what, px(pc_), 0);                                        \
        t_printf("  rd=%llx\n", px(d_));                                  \
    } while (0)

void test_main(void)
{
    hw_init();

    OP3("add 7fffffff+1", "add", SX(0x7FFFFFFF), 1);
    OP3("add 80000000+ffffffff", "add", SX(0x80000000), -1);
    OP3("add 80000000+80000000", "add", SX(0x80000000), SX(0x80000000));
    OP3("add 7fffffff+80000000", "add", SX(0x7FFFFFFF), SX(0x80000000));
    OP3("add -1+-1", "add", -1, -1);
    OPI("addi 7fffffff+1", "addi", SX(0x7FFFFFFF), 1);
    OPI("addi 80000000-1", "addi", SX(0x80000000), -1);
    OPI("addi 7fff8000+7fff", "addi", SX(0x7FFF8000), 0x7FFF);
    OPI("addi 80008000-8000", "addi", SX(0x80008000), -0x8000);
    OP3("sub 80000000-1", "sub", SX(0x80000000), 1);
    OP3("sub 0-80000000", "sub", 0, SX(0x80000000));
    OP3("sub 7fffffff-ffffffff", "sub", SX(0x7FFFFFFF), -1);
    OP3("sub ffffffff-7fffffff", "sub", -1, SX(0x7FFFFFFF));
    OP3("sub 5-7", "sub", 5, 7);
    /* the unsigned forms wrap silently */
    OP3("addu 7fffffff+1", "addu", SX(0x7FFFFFFF), 1);
    OPI("addiu 80000000-1", "addiu", SX(0x80000000), -1);
    OP3("subu 80000000-1", "subu", SX(0x80000000), 1);
    /* in a delay slot */
    OPBD("add in taken beq slot", "beq", SX(0x7FFFFFFF), 1);
    OPBD("add in not-taken bne slot", "bne", SX(0x7FFFFFFF), 1);
#if ISA_64
    OP3("dadd 7fffffffffffffff+1", "dadd", 0x7FFFFFFFFFFFFFFFLL, 1);
    OP3("dadd 8000000000000000+-1", "dadd", (rv)0x8000000000000000ULL, -1);
    OP3("dadd 7fffffff+1", "dadd", SX(0x7FFFFFFF), 1);
    OP3("dadd ffffffff80000000+-1", "dadd", SX(0x80000000), -1);
    OPI("daddi 7fffffffffffffff+1", "daddi", 0x7FFFFFFFFFFFFFFFLL, 1);
    OPI("daddi 8000000000000000-1", "daddi", (rv)0x8000000000000000ULL, -1);
    OPI("daddi 7fffffff+1", "daddi", SX(0x7FFFFFFF), 1);
    OP3("dsub 8000000000000000-1", "dsub", (rv)0x8000000000000000ULL, 1);
    OP3("dsub 0-8000000000000000", "dsub", 0, (rv)0x8000000000000000ULL);
    OP3("dsub ffffffff80000000-1", "dsub", SX(0x80000000), 1);
    OP3("daddu 7fffffffffffffff+1", "daddu", 0x7FFFFFFFFFFFFFFFLL, 1);
    OPI("daddiu 8000000000000000-1", "daddiu", (rv)0x8000000000000000ULL, -1);
    OP3("dsubu 8000000000000000-1", "dsubu", (rv)0x8000000000000000ULL, 1);
#endif
}
