/*
 * exc_addr: Address Error exceptions (AdEL 4 load/fetch, AdES 5 store).
 *
 * R4000 User's Manual ch. 5 "Address Error Exception" and appendix A: a load
 * or store not aligned to its size (LH/LHU/SH on odd, LW/LWU/SW/LL/SC on
 * non-multiple-of-4, LD/SD/LLD/SCD on non-multiple-of-8 addresses), or an
 * instruction fetch from a PC that is not word aligned, raises AdEL/AdES
 * through the general vector with BadVAddr = the failing address and
 * EPC = the instruction (for a fetch: the misaligned PC itself, after
 * JR/JALR to it; the link register of the JALR is already written). The
 * destination register / memory are left unchanged. LB/SB and the
 * LWL/LWR/SWL/SWR family never raise alignment errors.
 * In kernel mode every 32-bit segment is accessible; in n32 builds a
 * 64-bit address that is not a sign-extended 32-bit value is outside the
 * 32-bit (KX = 0) address space and raises an address error too (R4000
 * manual ch. 4, 32-bit addressing; MIPS64 PRA "Address Error").
 */
#include "hw.h"

static uint32_t buf[8] __attribute__((aligned(16))) = {
    0x11223344, 0x55667788, 0x99AABBCC, 0xDDEEFF00,
};

#define LD(what, insn, off)                                               \
    do {                                                                  \
        rv d_ = 0x5555, pc_;                                              \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "la %1, 1f\n"                                    \
                         "1: " insn " %0, %3(%2)\n"                       \
                         "nop\n.set pop"                                  \
                         : "+r"(d_), "=&r"(pc_)                           \
                         : "r"(buf), "i"(off)                             \
                         : "memory");                                     \
        hw_show(what, px(pc_), HW_BADVA_BASE);                            \
        t_printf("  rt=%llx\n", px(d_));                                  \
    } while (0)

/* The value register is in/out: SC/SCD write their result into it. */
#define ST(what, insn, off)                                               \
    do {                                                                  \
        rv pc_, v_ = -1;                                                  \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n"                    \
                         "la %0, 1f\n"                                    \
                         "1: " insn " %1, %3(%2)\n"                       \
                         "nop\n.set pop"                                  \
                         : "=&r"(pc_), "+r"(v_)                           \
                         : "r"(buf), "i"(off)                             \
                         : "memory");                                     \
        hw_show(what, px(pc_), HW_BADVA_BASE);                            \
        t_printf("  mem=%08x %08x %08x\n", buf[0], buf[1], buf[2]);       \
    } while (0)

/* Store the address of local label 3 into hw_resume (64-bit, big-endian). */
#if ISA_64
#define SET_RESUME "la $8, 3f\n sd $8, hw_resume\n"
#else
#define SET_RESUME "la $8, 3f\n sw $8, hw_resume+4\n sra $9, $8, 31\n" \
                   " sw $9, hw_resume\n"
#endif

static void fetch_errors(void)
{
    rv pc_, link_;
    /* JR to a PC two bytes into a word. */
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     SET_RESUME
                     "la %0, 1f\n"
                     "addiu $10, %0, 2\n"
                     "jr $10\n"
                     " nop\n"
                     "1: nop\n"
                     "nop\n"
                     "3: nop\n"
                     ".set pop"
                     : "=&r"(pc_)
                     :
                     : "$8", "$9", "$10", "memory");
    hw_show("jr to ref+2", px(pc_), HW_BADVA | HW_BADVA_REL);
    /* JALR to a PC one byte into a word: the link register is written. */
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     SET_RESUME
                     "la %0, 1f\n"
                     "addiu $10, %0, 1\n"
                     "li %1, 0\n"
                     "2: jalr %1, $10\n"
                     " nop\n"
                     "1: nop\n"
                     "nop\n"
                     "3: la $10, 2b\n"
                     "subu %1, %1, $10\n"
                     ".set pop"
                     : "=&r"(pc_), "=&r"(link_)
                     :
                     : "$8", "$9", "$10", "memory");
    hw_show("jalr to ref+1", px(pc_), HW_BADVA | HW_BADVA_REL);
    t_printf("  link=jalr%+lld\n", (long long)link_);
}

static void slot_error(void)
{
    rv d_ = 0x5555, pc_;
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "la %1, 1f\n"
                     "1: beq $0, $0, 2f\n"
                     " lw %0, 2(%2)\n"
                     "2: nop\n"
                     ".set pop"
                     : "+r"(d_), "=&r"(pc_)
                     : "r"(buf)
                     : "memory");
    hw_show("lw+2 in beq slot", px(pc_), HW_BADVA_BASE);
    t_printf("  rt=%llx\n", px(d_));
}

void test_main(void)
{
    hw_init();
    hw_va_base = hw_addr(buf);
    t_printf("buf aligned: %d\n", ((uintptr_t)buf & 15) == 0);

    LD("lw +0", "lw", 0);
    LD("lw +1", "lw", 1);
    LD("lw +2", "lw", 2);
    LD("lw +3", "lw", 3);
    LD("lh +1", "lh", 1);
    LD("lh +2", "lh", 2);
    LD("lhu +3", "lhu", 3);
    LD("lb +3", "lb", 3);
    LD("lbu +1", "lbu", 1);
    LD("ll +2", "ll", 2);
    LD("lwl +1", "lwl", 1);
    LD("lwr +2", "lwr", 2);
    ST("sw +1", "sw", 1);
    ST("sw +6", "sw", 6);
    ST("sh +3", "sh", 3);
    ST("sc +2", "sc", 2);
    ST("sb +3", "sb", 3);
    ST("sh +6", "sh", 6);
#if ISA_64
    LD("ld +4", "ld", 4);
    LD("ld +1", "ld", 1);
    LD("ld +8", "ld", 8);
    LD("lwu +2", "lwu", 2);
    LD("lld +4", "lld", 4);
    LD("ldl +3", "ldl", 3);
    ST("sd +4", "sd", 4);
    ST("scd +2", "scd", 2);
#endif
    fetch_errors();
    slot_error();
#if ISA_64
    {
        /* 32-bit mode (Status.KX = 0): outside the compatibility segments */
        rv d_, pc_;
        static const rv bad[3] = { 0x0000000080000000LL,
                                   0x4000000000000000LL,
                                   (rv)0xC000000000000000ULL };
        int i;
        for (i = 0; i < 3; i++) {
            d_ = 0x5555;
            hw_clear();
            __asm__ volatile(".set push\n.set noreorder\n"
                             "la %1, 1f\n"
                             "1: lw %0, 0(%2)\n"
                             "nop\n.set pop"
                             : "+r"(d_), "=&r"(pc_)
                             : "r"(bad[i])
                             : "memory");
            t_printf("va %llx ", px(bad[i]));
            hw_show("lw", px(pc_), HW_BADVA);
        }
    }
#endif
    t_printf("done\n");
}
