/*
 * exc_ri_cpu: Reserved Instruction (ExcCode 10) and Coprocessor Unusable
 * (ExcCode 11, with the coprocessor number in Cause.CE, bits 29:28).
 *
 * R4000 User's Manual ch. 5 ("Reserved Instruction Exception",
 * "Coprocessor Unusable Exception") and the opcode tables of appendix A
 * (MIPS III; RM7000: MIPS IV plus SPECIAL2 MUL/MAD/MADU): an undefined
 * major opcode (0x1E, 0x1F, 0x3B), SPECIAL function (0x05, 0x28) or REGIMM
 * rt (0x04) raises RI; a CP1 (FPU) or CP2 instruction with Status.CU1/CU2
 * clear raises CpU with CE = 1 / 2. CP0 instructions in kernel mode never
 * raise CpU, whatever CU0 holds; 64-bit instructions are always enabled in
 * kernel mode (ch. 4: 64-bit operations), so the o32 image runs them too.
 * PREF (MIPS IV, RM7000) is a hint that never raises an address-related
 * exception, even for an unmapped address; CACHE in kernel mode raises
 * nothing either.
 */
#include "hw.h"

#define WORD(what, text, flags)                                           \
    do {                                                                  \
        rv pc_;                                                           \
        hw_clear();                                                       \
        __asm__ volatile(".set push\n.set noreorder\n.set mips3\n"        \
                         ".set hardfloat\n"                              \
                         "la %0, 1f\n"                                    \
                         "1: " text "\n"                                  \
                         "nop\n.set pop"                                  \
                         : "=&r"(pc_)                                     \
                         : "r"(scratch)                                   \
                         : "memory", "$8");                               \
        hw_show(what, px(pc_), flags);                                    \
    } while (0)

static uint32_t scratch[4] __attribute__((aligned(16))) = { 1, 2, 3, 4 };

static void ri(void)
{
    WORD("opcode 1e", ".word 0x78000000", 0);
    WORD("opcode 1f", ".word 0x7c000000", 0);
    WORD("opcode 3b", ".word 0xec000000", 0);
    WORD("special funct 05", ".word 0x00000005", 0);
    WORD("special funct 28", ".word 0x00000028", 0);
    WORD("regimm rt 04", ".word 0x04040000", 0);
    WORD("ri in beq slot", "beq $0, $0, 2f\n .word 0x7c000000\n2:", 0);
}

static void cpu(void)
{
    uint32_t sr = cp0_status();
    t_printf("status cu1=%u cu2=%u\n", (sr >> 29) & 1, (sr >> 30) & 1);
    WORD("mfc1", "mfc1 $8, $f0", HW_CE);
    WORD("mtc1", "mtc1 $0, $f2", HW_CE);
    WORD("lwc1", "lwc1 $f0, 0(%1)", HW_CE);
    WORD("swc1", "swc1 $f0, 0(%1)", HW_CE);
    WORD("ldc1", "ldc1 $f0, 0(%1)", HW_CE);
    WORD("sdc1", "sdc1 $f0, 0(%1)", HW_CE);
    WORD("dmfc1", "dmfc1 $8, $f0", HW_CE);
    WORD("cfc1", "cfc1 $8, $31", HW_CE);
    WORD("add.s", "add.s $f0, $f2, $f4", HW_CE);
    WORD("bc1f", "bc1f 2f\n nop\n2:", HW_CE);
    WORD("mfc2", ".word 0x48080000", HW_CE);
    WORD("lwc2", ".word 0xc8080000", HW_CE);
    WORD("cpu in bne slot", "bne $0, $0, 2f\n mfc1 $8, $f0\n2:", HW_CE);
    t_printf("scratch=%x %x\n", scratch[0], scratch[1]);
}

static void kernel_ok(void)
{
    uint32_t sr = cp0_status(), v;
    rv r;
    /* CP0 access in kernel mode with CU0 = 0 */
    cp0_set_status(sr & ~(uint32_t)ST_CU0);
    hw_clear();
    v = mfc0(CP0_PRID);
    cp0_set_status(sr);
    hw_show("mfc0 with cu0=0", 0, 0);
    t_printf("  prid=%08x\n", v);
    /* 64-bit operations in kernel mode (also from the o32 image) */
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n.set mips3\n.set gp=64\n"
                     "li $8, 0x12345678\n"
                     "dsll32 $8, $8, 0\n"
                     "daddiu $8, $8, 0x7654\n"
                     "dsrl32 $9, $8, 0\n"
                     "dmult $8, $9\n"
                     "mflo $8\n"
                     "dsra $8, $8, 16\n"
                     "sll %0, $8, 0\n"
                     ".set pop"
                     : "=r"(r)
                     :
                     : "$8", "$9", "hi", "lo");
    hw_show("64-bit ops in kernel mode", 0, 0);
    t_printf("  low word=%08x\n", (unsigned)r);
    /* hints and cache operations */
    hw_clear();
    __asm__ volatile(".set push\n.set mips4\n"
                     "pref 0, 0(%0)\n"
                     "pref 4, 0(%1)\n"
                     ".set pop"
                     : : "r"(scratch), "r"((rv)0x00F00000) : "memory");
    hw_show("pref (also to an unmapped address)", 0, 0);
    hw_clear();
    __asm__ volatile(".set push\n.set mips3\n"
                     "cache 0x15, 0(%0)\n"   /* Hit_Writeback_Inv_D */
                     "cache 0x10, 0(%0)\n"   /* Hit_Invalidate_I */
                     "cache 0x19, 0(%0)\n"   /* Hit_Writeback_D */
                     ".set pop"
                     : : "r"(scratch) : "memory");
    hw_show("cache hit ops on kseg0", 0, 0);
    t_printf("  scratch=%x %x\n", scratch[0], scratch[1]);
}

void test_main(void)
{
    hw_init();
    ri();
    cpu();
    kernel_ok();
}
