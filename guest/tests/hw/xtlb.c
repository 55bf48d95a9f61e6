/*
 * xtlb: 64-bit kernel addressing (Status.KX = 1), n32 build.
 *
 * R4000 User's Manual ch. 4 (64-bit address spaces: xkuseg from 0,
 * xkphys 0x8000000000000000-0xBFFFFFFFFFFFFFFF unmapped with the cache
 * algorithm in VA[61:59] and the physical address in the low bits, xkseg
 * from 0xC000000000000000; the 32-bit compatibility segments stay
 * available; xkuseg is the current user space, so beyond 2^31 it needs
 * Status.UX = 1 and is an address error otherwise) and ch. 5 (XTLB Refill vector 0x80000080 for a TLB miss on a
 * 64-bit address with EXL = 0; EntryHi.R = VA[63:62], VPN2 = VA[39:13];
 * XContext.R at bits 32:31, BadVPN2 = VA[39:13] at bits 30:4, PTEBase in
 * 63:33 kept). c7200.md §2.2/§16.1: the fixed 32-bit translation of the
 * reference is a shortcut not to copy.
 */
#include "hw.h"

#if ISA_64
#define KSEG1(pa) ((volatile uint32_t *)(uintptr_t)(0xA0000000u + (pa)))
#define LO(pa, c, d, v, g)                                                \
    ((((uint64_t)(pa) >> 12) << 6) | ((c) << 3) | ((d) << 2) | ((v) << 1) | (g))

static uint32_t load64(rv va, rv *pc)
{
    rv d = 0x5555, p;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "la %1, 1f\n"
                     "1: lw %0, 0(%2)\n"
                     "nop\n.set pop"
                     : "+r"(d), "=&r"(p)
                     : "r"(va)
                     : "memory");
    if (pc)
        *pc = p;
    return (uint32_t)d;
}

static void show_miss(const char *what, rv va)
{
    rv pc;
    uint32_t v;
    hw_clear();
    v = load64(va, &pc);
    hw_show(what, px(pc), HW_BADVA);
    t_printf("  entryhi=%llx xcontext=%llx rt=%x\n",
             (unsigned long long)hw_last.entryhi,
             (unsigned long long)dmfc0(CP0_XCONTEXT), v);
}

void test_main(void)
{
    uint32_t sr;
    hw_init();
    sr = cp0_status() & ~(uint32_t)ST_IE;
    KSEG1(0x00200100)[0] = 0xC0DE0100;
    KSEG1(0x00260000)[0] = 0xC0DE6000;
    KSEG1(0x00270000)[0] = 0xC0DE7000;

    /* invalidate the TLB with unique kseg0 tags */
    {
        unsigned i;
        for (i = 0; i < 64; i++) {
            mtc0(CP0_INDEX, i);
            mtc0(CP0_PAGEMASK, 0);
            dmtc0(CP0_ENTRYHI, 0xFFFFFFFF80000000ULL + i * 0x2000);
            dmtc0(CP0_ENTRYLO0, 0);
            dmtc0(CP0_ENTRYLO1, 0);
            __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\n"
                             "nop\nnop\n.set pop" ::: "memory");
        }
    }
    dmtc0(CP0_ENTRYHI, 0x05);               /* ASID 5 */
    dmtc0(CP0_XCONTEXT, 0xFFFFFFFE00000000ULL);

    cp0_set_status(sr | ST_KX);
    t_printf("kx=%u ux=%u\n", (cp0_status() & ST_KX) ? 1 : 0,
             (cp0_status() & ST_UX) ? 1 : 0);
    {
        rv pc;
        hw_clear();
        load64((rv)0x0000000100000000ULL, &pc);
        hw_show("xkuseg 0000000100000000 with ux=0", px(pc), HW_BADVA);
    }
    show_miss("xkseg miss c000000000002004", (rv)0xC000000000002004ULL);
    cp0_set_status(sr | ST_KX | ST_UX);
    t_printf("kx=%u ux=%u\n", (cp0_status() & ST_KX) ? 1 : 0,
             (cp0_status() & ST_UX) ? 1 : 0);
    t_printf("xkphys uncached 9000000000200100=%08x\n",
             load64((rv)0x9000000000200100ULL, 0));
    t_printf("ckseg1 ffffffffa0200100=%08x\n",
             load64((rv)0xFFFFFFFFA0200100ULL, 0));
    show_miss("xkuseg miss 0000000100000000", (rv)0x0000000100000000ULL);
    show_miss("xkuseg miss 000000ffffffe008", (rv)0x000000FFFFFFE008ULL);
    show_miss("xkuseg miss 0000000080000000", (rv)0x0000000080000000ULL);

    /* map xkuseg 0x0000000100000000 and xkseg 0xC000000000010000 */
    mtc0(CP0_INDEX, 1);
    mtc0(CP0_PAGEMASK, 0);
    dmtc0(CP0_ENTRYHI, 0x0000000100000000ULL | 5);
    dmtc0(CP0_ENTRYLO0, LO(0x00260000, 2, 1, 1, 0));
    dmtc0(CP0_ENTRYLO1, 0);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\nnop\nnop\n"
                     ".set pop" ::: "memory");
    mtc0(CP0_INDEX, 2);
    dmtc0(CP0_ENTRYHI, 0xC000000000010000ULL | 5);
    dmtc0(CP0_ENTRYLO0, LO(0x00270000, 2, 1, 1, 0));
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\nnop\nnop\n"
                     ".set pop" ::: "memory");
    mtc0(CP0_INDEX, 2);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbr\nnop\nnop\n"
                     ".set pop" ::: "memory");
    t_printf("tlbr 2 entryhi=%llx\n", (unsigned long long)dmfc0(CP0_ENTRYHI));
    dmtc0(CP0_ENTRYHI, 0x05);
    hw_clear();
    t_printf("mapped xkuseg 0000000100000000=%08x\n",
             load64((rv)0x0000000100000000ULL, 0));
    t_printf("mapped xkseg c000000000010000=%08x\n",
             load64((rv)0xC000000000010000ULL, 0));
    /* the same low 32 bits in 32-bit space are a different address */
    t_printf("tlbp 0000000000000000|5: p=%u\n",
             ({ dmtc0(CP0_ENTRYHI, 0x05);
                __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbp\n"
                                 "nop\nnop\n.set pop" ::: "memory");
                mfc0(CP0_INDEX) >> 31; }));
    hw_show("no exceptions while mapped", 0, HW_COUNT);

    cp0_set_status(sr);
    t_printf("kx=%u ux=%u\n", (cp0_status() & ST_KX) ? 1 : 0,
             (cp0_status() & ST_UX) ? 1 : 0);
    dmtc0(CP0_ENTRYHI, 0);
}
#else
void test_main(void)
{
    t_printf("64-bit addressing is tested by the n32 build\n");
}
#endif
