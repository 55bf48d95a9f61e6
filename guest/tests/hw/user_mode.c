/*
 * user_mode: privilege checks in User mode (Status.KSU = 2, EXL = ERL = 0).
 *
 * R4000 User's Manual ch. 4 ("User mode": only kuseg, 2 GB, is accessible;
 * 64-bit operations need Status.UX = 1) and ch. 5 (Address Error,
 * Coprocessor Unusable with CE = 0 for CP0 instructions when CU0 = 0 in
 * User mode, Reserved Instruction):
 *  - a load/store to a kernel address (kseg0) raises AdEL/AdES, a jump to
 *    one raises AdEL on the fetch;
 *  - MFC0, ERET, TLBWI, CACHE raise CpU with CE = 0;
 *  - DADDU raises RI with UX = 0 and runs with UX = 1;
 *  - mapped kuseg accesses and SYSCALL behave as in kernel mode.
 * The user code is one instruction, then SYSCALL, in a TLB-mapped kuseg
 * page at 0x00400000 entered with ERET; the handler returns to kernel mode.
 */
#include "hw.h"

#define KSEG1(pa) ((volatile uint32_t *)(uintptr_t)(0xA0000000u + (pa)))
#define LO(pa, c, d, v, g)                                                \
    ((((uint64_t)(pa) >> 12) << 6) | ((c) << 3) | ((d) << 2) | ((v) << 1) | (g))
#define USER_VA 0x00400000u
#define CODE_PA 0x00A80000u
#define DATA_PA 0x00A81000u
#define KSU_USER 0x10u

static volatile uint64_t user_r8;
static volatile uint32_t user_ksu;

#if ISA_64
#define SET_RESUME "la $8, 3f\n sd $8, hw_resume\n"
#else
#define SET_RESUME "la $8, 3f\n sw $8, hw_resume+4\n sra $9, $8, 31\n" \
                   " sw $9, hw_resume\n"
#endif

static int back_to_kernel(struct exc_frame *f, int vector)
{
    (void)vector;
    user_r8 = f->gpr[8];
    user_ksu = (uint32_t)(f->status >> 3) & 3;
    f->status &= ~(uint64_t)(0x18 | ST_UX);
    f->epc = hw_resume;
    hw_resume = 0;
    return 1;
}

static void run_user(const char *what, uint32_t insn, uint32_t extra_sr,
                     unsigned flags)
{
    uint32_t sr = cp0_status() & ~(uint32_t)(ST_IE | 0x18 | ST_UX);
    KSEG1(CODE_PA)[0] = insn;
    KSEG1(CODE_PA)[1] = 0x00000000; /* nop (slot of a jump) */
    KSEG1(CODE_PA)[2] = 0x0000000C; /* syscall */
    KSEG1(CODE_PA)[3] = 0x1000FFFF; /* b . */
    KSEG1(CODE_PA)[4] = 0x00000000;
    hw_clear();
    hw_on_exc = back_to_kernel;
    user_r8 = 0;
    __asm__ volatile(".set push\n.set noreorder\n"
                     SET_RESUME
                     "li $8, 0x00400000\n"
                     "dmtc0 $8, $14\n"
                     "li $8, 0x1234\n"
                     "la $9, 0x80001000\n"
                     "li $10, 0x00401000\n"
                     "mtc0 %0, $12\n"
                     "nop\nnop\n"
                     "eret\n"
                     "3: nop\n"
                     ".set pop"
                     :
                     : "r"((rv)(int32_t)(sr | KSU_USER | ST_EXL | extra_sr))
                     : "$8", "$9", "$10", "memory");
    cp0_set_status(sr);
    hw_on_exc = 0;
    hw_show(what, USER_VA, flags);
    t_printf("  ksu=%u r8=%llx\n", user_ksu, (unsigned long long)user_r8);
}

void test_main(void)
{
    hw_init();
    KSEG1(DATA_PA)[0] = 0xFEEDF00D;
    mtc0(CP0_INDEX, 20);
    mtc0(CP0_PAGEMASK, 0);
    dmtc0(CP0_ENTRYHI, USER_VA);
    dmtc0(CP0_ENTRYLO0, LO(CODE_PA, 2, 0, 1, 0));
    dmtc0(CP0_ENTRYLO1, LO(DATA_PA, 2, 1, 1, 0));
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\nnop\nnop\n"
                     ".set pop" ::: "memory");

    run_user("user nop then syscall", 0x00000000, 0, 0);
    run_user("user lw kuseg", 0x8D480000 /* lw $8,0($10) */, 0, 0);
    run_user("user sw kuseg", 0xAD480004 /* sw $8,4($10) */, 0, 0);
    t_printf("  stored=%08x\n", KSEG1(DATA_PA)[1]);
    run_user("user lw kseg0", 0x8D280000 /* lw $8,0($9) */, 0, HW_BADVA);
    run_user("user sw kseg0", 0xAD280000 /* sw $8,0($9) */, 0, HW_BADVA);
    run_user("user jr kseg0", 0x01200008 /* jr $9 */, 0, HW_BADVA);
    run_user("user mfc0", 0x40086000 /* mfc0 $8,$12 */, 0, HW_CE);
    run_user("user eret", 0x42000018, 0, HW_CE);
    run_user("user tlbwi", 0x42000002, 0, HW_CE);
    run_user("user cache", 0xBD200000 /* cache 0,0($9) */, 0, HW_CE);
    run_user("user daddu ux=0", 0x014A402D /* daddu $8,$10,$10 */, 0, 0);
    run_user("user daddu ux=1", 0x014A402D, ST_UX, 0);
    run_user("user dsll32 ux=0", 0x000A403C /* dsll32 $8,$10,0 */, 0, 0);
}
