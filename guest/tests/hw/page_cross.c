/*
 * page_cross: instruction fetch across TLB page boundaries.
 *
 * R4000 User's Manual ch. 5 (EPC/BD, TLB exceptions on instruction fetch):
 *  - a jump in the last word of a mapped page whose delay slot lies in an
 *    invalid page raises TLBL on the delay-slot fetch with EPC = the jump,
 *    Cause.BD = 1, BadVAddr = the delay-slot address; once the handler
 *    validates the page and returns to EPC, the jump and its slot execute;
 *  - falling through from a mapped page into an unmapped one raises a TLB
 *    refill (vector 0x000) with EPC = BadVAddr = the first word of the new
 *    page, BD = 0; after the refill the code continues there;
 *  - J/JAL in the last word of a 256 MB region take the upper four target
 *    bits from the address of the delay slot (appendix A, J: "the
 *    high-order bits of the address of the delay slot"), i.e. they land in
 *    the next region; JAL links to the word after the delay slot.
 * Code runs from kuseg 0x00400FF8 onwards, mapped uncached.
 */
#include "hw.h"

#define KSEG1(pa) ((volatile uint32_t *)(uintptr_t)(0xA0000000u + (pa)))
#define LO(pa, c, d, v, g)                                                \
    ((((uint64_t)(pa) >> 12) << 6) | ((c) << 3) | ((d) << 2) | ((v) << 1) | (g))
#define PA_EVEN 0x00A40000u
#define PA_ODD  0x00A41000u

static void write_entry(unsigned idx, uint32_t hi, uint64_t lo0, uint64_t lo1)
{
    mtc0(CP0_INDEX, idx);
    mtc0(CP0_PAGEMASK, 0);
    dmtc0(CP0_ENTRYHI, hi);
    dmtc0(CP0_ENTRYLO0, lo0);
    dmtc0(CP0_ENTRYLO1, lo1);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\nnop\nnop\n"
                     ".set pop" ::: "memory");
}

/* On the first exception: make the odd page valid (same entry), retry. */
static int validate(struct exc_frame *f, int vector)
{
    (void)f;
    (void)vector;
    write_entry(12, 0x00400000, LO(PA_EVEN, 2, 0, 1, 1), LO(PA_ODD, 2, 0, 1, 1));
    dmtc0(CP0_ENTRYHI, 0);
    return 1;
}

/* Refill for the page after: map 0x00402000 (even half) to PA_ODD+... */
static int refill_next(struct exc_frame *f, int vector)
{
    (void)f;
    if (vector != EXC_VEC_TLB_REFILL)
        return 0;
    write_entry(13, 0x00402000, LO(PA_ODD, 2, 0, 1, 1), 0 | 1);
    dmtc0(CP0_ENTRYHI, 0);
    return 1;
}

static uint32_t call(uint32_t va)
{
    register rv v0 __asm__("$2");
    __asm__ volatile(".set push\n.set noreorder\n"
                     "move $24, %1\n"
                     "jalr $24\n"
                     " li $2, 0\n"
                     ".set pop"
                     : "=r"(v0)
                     : "r"((rv)(int32_t)va)
                     : "$24", "$25", "$31", "memory");
    return (uint32_t)v0;
}

void test_main(void)
{
    uint32_t v;
    hw_init();

    /* even page: ...FF8: li v0,7 / ...FFC: jr ra; odd page +0: addiu v0,1 */
    KSEG1(PA_EVEN)[0xFF8 / 4] = 0x24020007;  /* addiu v0, zero, 7 */
    KSEG1(PA_EVEN)[0xFFC / 4] = 0x03E00008;  /* jr ra */
    KSEG1(PA_ODD)[0] = 0x24420001;           /* addiu v0, v0, 1 (slot) */
    write_entry(12, 0x00400000, LO(PA_EVEN, 2, 0, 1, 1),
                LO(PA_ODD, 2, 0, 0, 1));     /* odd half invalid */
    dmtc0(CP0_ENTRYHI, 0);
    hw_clear();
    hw_on_exc = validate;
    v = call(0x00400FF8);
    hw_on_exc = 0;
    hw_show("slot in invalid page", 0x00400FFC, HW_BADVA | HW_BADVA_REL | HW_COUNT);
    t_printf("  v0=%u\n", v);

    /* fall through from 0x00401FFC (odd half, valid) into 0x00402000 */
    KSEG1(PA_ODD)[0xFF8 / 4] = 0x24020010;   /* addiu v0, zero, 16 */
    KSEG1(PA_ODD)[0xFFC / 4] = 0x24420001;   /* addiu v0, v0, 1 */
    KSEG1(PA_ODD)[0] = 0x03E00008;           /* (at 0x00402000) jr ra */
    KSEG1(PA_ODD)[1] = 0x24420100;           /*   addiu v0, v0, 0x100 */
    hw_clear();
    hw_on_exc = refill_next;
    v = call(0x00401FF8);
    hw_on_exc = 0;
    hw_show("fall into unmapped page", 0x00402000,
            HW_BADVA | HW_BADVA_REL | HW_COUNT);
    t_printf("  v0=%u\n", v);

    /* J / JAL at 0x0FFFFFFC: delay slot at 0x10000000, target 0x1000010x */
    KSEG1(PA_EVEN + 0x10000)[0xFF8 / 4] = 0x24020005; /* addiu v0,zero,5 */
    KSEG1(PA_EVEN + 0x10000)[0xFFC / 4] = 0x08000040; /* j 0x?0000100 */
    KSEG1(PA_ODD + 0x10000)[0] = 0x24420001;          /* addiu v0,v0,1 */
    KSEG1(PA_ODD + 0x10000)[0x100 / 4] = 0x03E00008;  /* jr ra */
    KSEG1(PA_ODD + 0x10000)[0x104 / 4] = 0x24420010;  /* addiu v0,v0,16 */
    write_entry(14, 0x0FFFE000, 1, LO(PA_EVEN + 0x10000, 2, 0, 1, 1));
    write_entry(15, 0x10000000, LO(PA_ODD + 0x10000, 2, 0, 1, 1), 1);
    dmtc0(CP0_ENTRYHI, 0);
    hw_clear();
    v = call(0x0FFFFFF8);
    hw_show("j in the last word of a 256 MB region", 0, 0);
    t_printf("  v0=%u\n", v);
    /* JAL: returns through the link (0x10000004) to a jr ra there */
    KSEG1(PA_EVEN + 0x10000)[0xFF8 / 4] = 0x03E0C825; /* move t9, ra */
    KSEG1(PA_EVEN + 0x10000)[0xFFC / 4] = 0x0C000040; /* jal 0x?0000100 */
    KSEG1(PA_ODD + 0x10000)[0] = 0x24020002;          /* li v0, 2 (slot) */
    KSEG1(PA_ODD + 0x10000)[1] = 0x03200008;          /* jr t9 */
    KSEG1(PA_ODD + 0x10000)[2] = 0x24420100;          /*  addiu v0,v0,256 */
    KSEG1(PA_ODD + 0x10000)[0x100 / 4] = 0x03E00008;  /* jr ra */
    KSEG1(PA_ODD + 0x10000)[0x104 / 4] = 0x24420010;  /*  addiu v0,v0,16 */
    hw_clear();
    v = call(0x0FFFFFF8);
    hw_show("jal in the last word of a 256 MB region", 0, 0);
    t_printf("  v0=%u\n", v);
}
