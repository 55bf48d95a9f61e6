/*
 * tlb: the joint TLB of the default NPE-400 CPU (RM7000, 64 entries).
 *
 * Written from the R4000 User's Manual ch. 4 (memory management: TLB entry
 * format, EntryHi/EntryLo/PageMask/Index/Random/Wired/Context registers,
 * TLBP/TLBR/TLBWI/TLBWR) and ch. 5 (TLB Refill, TLB Invalid, TLB Modified
 * exceptions, vectors), RM7000 data sheet (64-entry TLB):
 *  - TLBWI/TLBR round trip; G read back in both EntryLo = AND of the two G
 *    bits written;
 *  - TLBP: Index of the matching entry, or Index.P (bit 31) set on a miss;
 *    the match ignores the ASID of global entries and the VPN2 bits covered
 *    by PageMask;
 *  - mapped loads/stores through 4 KB, 16 KB and 1 MB pages, even/odd
 *    halves, ASID-selected entries;
 *  - a miss with Status.EXL = 0 goes to the refill vector 0x80000000
 *    (TLBL 2 / TLBS 3), an invalid entry (V = 0) to the general vector
 *    0x80000180 with the same codes, a store to a page with D = 0 raises
 *    TLB Modified (1); BadVAddr = the address, EntryHi.VPN2 = its VPN2 with
 *    the ASID kept, Context.BadVPN2 (bits 22:4) = VA[31:13] with PTEBase
 *    kept; a miss with EXL = 1 goes to the general vector and leaves EPC;
 *  - a refill handler that writes the entry and returns re-executes the
 *    access; instruction fetches are translated too;
 *  - TLBWR writes only entries in [Wired, 63]; Random stays in that range;
 *  - kseg0/kseg1 are unmapped views of physical memory; with Status.ERL = 1
 *    kuseg is unmapped too (ch. 4, "User mode / ERL").
 */
#include "hw.h"

#define NTLB 64
#define KSEG1(pa) ((volatile uint32_t *)(uintptr_t)(0xA0000000u + (pa)))
#define USEG(va) ((volatile uint32_t *)(uintptr_t)(va))

/* EntryLo: PFN (PA >> 12) at bit 6, C at 5:3, D 2, V 1, G 0. */
#define LO(pa, c, d, v, g)                                                \
    ((((uint64_t)(pa) >> 12) << 6) | ((c) << 3) | ((d) << 2) | ((v) << 1) | (g))

static void tlb_wi(unsigned idx, uint32_t mask, uint64_t hi, uint64_t lo0,
                   uint64_t lo1)
{
    mtc0(CP0_INDEX, idx);
    mtc0(CP0_PAGEMASK, mask);
    dmtc0(CP0_ENTRYHI, hi);
    dmtc0(CP0_ENTRYLO0, lo0);
    dmtc0(CP0_ENTRYLO1, lo1);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwi\nnop\nnop\n"
                     ".set pop" ::: "memory");
}

static void tlb_wr(uint32_t mask, uint64_t hi, uint64_t lo0, uint64_t lo1)
{
    mtc0(CP0_PAGEMASK, mask);
    dmtc0(CP0_ENTRYHI, hi);
    dmtc0(CP0_ENTRYLO0, lo0);
    dmtc0(CP0_ENTRYLO1, lo1);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwr\nnop\nnop\n"
                     ".set pop" ::: "memory");
}

struct tlbe {
    uint32_t mask;
    uint64_t hi, lo0, lo1;
};

static struct tlbe tlb_r(unsigned idx)
{
    struct tlbe e;
    mtc0(CP0_INDEX, idx);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbr\nnop\nnop\n"
                     ".set pop" ::: "memory");
    e.mask = mfc0(CP0_PAGEMASK);
    e.hi = dmfc0(CP0_ENTRYHI);
    e.lo0 = dmfc0(CP0_ENTRYLO0);
    e.lo1 = dmfc0(CP0_ENTRYLO1);
    return e;
}

static uint32_t tlb_p(uint64_t hi)
{
    dmtc0(CP0_ENTRYHI, hi);
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbp\nnop\nnop\n"
                     ".set pop" ::: "memory");
    return mfc0(CP0_INDEX);
}

static void set_asid(unsigned asid)
{
    dmtc0(CP0_ENTRYHI, asid);
}

/* Unique unmatchable tags (kseg0 VPN2s, never translated). */
static void tlb_clear(void)
{
    unsigned i;
    for (i = 0; i < NTLB; i++)
        tlb_wi(i, 0, (uint64_t)(int64_t)(int32_t)(0x80000000u + i * 0x2000), 0, 0);
}

static void show_e(const char *what, struct tlbe e)
{
    t_printf("%s: mask=%08x hi=%08x lo0=%08x lo1=%08x\n", what, e.mask,
             (uint32_t)e.hi, (uint32_t)e.lo0, (uint32_t)e.lo1);
}

/* Load through a mapped address; the exception (if any) is recorded. */
static uint32_t load(uint32_t va, rv *pc)
{
    rv d = 0x5555, p;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "la %1, 1f\n"
                     "1: lw %0, 0(%2)\n"
                     "nop\n.set pop"
                     : "+r"(d), "=&r"(p)
                     : "r"((rv)(int32_t)va)
                     : "memory");
    if (pc)
        *pc = p;
    return (uint32_t)d;
}

static void store(uint32_t va, uint32_t v, rv *pc)
{
    rv p;
    __asm__ volatile(".set push\n.set noreorder\n"
                     "la %0, 1f\n"
                     "1: sw %1, 0(%2)\n"
                     "nop\n.set pop"
                     : "=&r"(p)
                     : "r"((rv)(int32_t)v), "r"((rv)(int32_t)va)
                     : "memory");
    if (pc)
        *pc = p;
}

static void mark(uint32_t pa)
{
    *KSEG1(pa) = pa ^ 0x5A000000u;
}

static void identity(void)
{
    struct tlbe e;
    unsigned i, ok = 1;
    /* every index 0..63 holds its own entry */
    for (i = 0; i < NTLB; i++)
        tlb_wi(i, 0, 0x10000000u + i * 0x2000, LO(i << 12, 2, 0, 0, 0), 0);
    for (i = 0; i < NTLB; i++) {
        e = tlb_r(i);
        if ((uint32_t)e.hi != 0x10000000u + i * 0x2000 ||
            (uint32_t)e.lo0 != (uint32_t)LO(i << 12, 2, 0, 0, 0))
            ok = 0;
    }
    t_printf("64 entries round trip: %u\n", ok);
    tlb_clear();
}

static void roundtrip(void)
{
    tlb_wi(5, 0x6000, 0x00408000 | 0x12, LO(0x00400000, 3, 1, 1, 1),
           LO(0x00404000, 2, 0, 1, 0));
    show_e("tlbr 5 (16K, G only in lo0)", tlb_r(5));
    tlb_wi(6, 0, 0x00600000 | 0x55, LO(0x00240000, 3, 1, 1, 1),
           LO(0x00241000, 3, 0, 0, 1));
    show_e("tlbr 6 (4K, global)", tlb_r(6));
    t_printf("tlbp hit:        index=%08x\n", tlb_p(0x00408000 | 0x12));
    t_printf("tlbp odd half:   index=%08x\n", tlb_p(0x0040C000 | 0x12));
    t_printf("tlbp global:     index=%08x\n", tlb_p(0x00600000 | 0x01));
    t_printf("tlbp asid 13:    p=%u\n", tlb_p(0x00408000 | 0x13) >> 31);
    t_printf("tlbp miss:       p=%u\n", tlb_p(0x00700000 | 0x12) >> 31);
    tlb_clear();
}

static void mapped(void)
{
    static const uint32_t pas[] = {
        0x00200000, 0x00200FFC, 0x00300000, 0x00210000, 0x00220000,
        0x00400000, 0x00403FFC, 0x00500000, 0x00503FFC,
        0x00600000, 0x006FFFFC, 0x00800000, 0x008FFFFC,
    };
    unsigned i;
    for (i = 0; i < sizeof(pas) / sizeof(pas[0]); i++)
        mark(pas[i]);
    /* 4K pair, ASID 1 */
    tlb_wi(1, 0, 0x00400000 | 1, LO(0x00200000, 3, 1, 1, 0),
           LO(0x00300000, 3, 1, 1, 0));
    /* same VPN2, ASID 2 */
    tlb_wi(2, 0, 0x00400000 | 2, LO(0x00210000, 3, 1, 1, 0), 0);
    /* global page */
    tlb_wi(3, 0, 0x00500000 | 9, LO(0x00220000, 3, 1, 1, 1),
           LO(0x00221000, 3, 1, 0, 1));
    /* 16K pair */
    tlb_wi(4, 0x6000, 0x01000000, LO(0x00400000, 3, 1, 1, 1),
           LO(0x00500000, 3, 1, 1, 1));
    /* 1M pair */
    tlb_wi(7, 0x1FE000, 0x02000000, LO(0x00600000, 3, 1, 1, 1),
           LO(0x00800000, 3, 1, 1, 1));

    hw_clear();
    set_asid(1);
    t_printf("asid1 00400000=%08x 00400ffc=%08x 00401000=%08x\n",
             load(0x00400000, 0), load(0x00400FFC, 0), load(0x00401000, 0));
    set_asid(2);
    t_printf("asid2 00400000=%08x\n", load(0x00400000, 0));
    t_printf("asid2 global 00500000=%08x\n", load(0x00500000, 0));
    set_asid(1);
    t_printf("asid1 global 00500000=%08x\n", load(0x00500000, 0));
    t_printf("16K 01000000=%08x 01003ffc=%08x 01004000=%08x 01007ffc=%08x\n",
             load(0x01000000, 0), load(0x01003FFC, 0), load(0x01004000, 0),
             load(0x01007FFC, 0));
    t_printf("1M 02000000=%08x 020ffffc=%08x 02100000=%08x 021ffffc=%08x\n",
             load(0x02000000, 0), load(0x020FFFFC, 0), load(0x02100000, 0),
             load(0x021FFFFC, 0));
    store(0x00400010, 0x12345678, 0);
    store(0x00401020, 0x9ABCDEF0, 0);
    t_printf("stores seen at pa: %08x %08x\n", *KSEG1(0x00200010),
             *KSEG1(0x00300020));
    hw_show("no exceptions while mapped", 0, HW_COUNT);

    /* rewriting an entry that was just used must take effect at once */
    tlb_wi(1, 0, 0x00400000 | 1, LO(0x00210000, 3, 1, 1, 0),
           LO(0x00300000, 3, 1, 1, 0));
    t_printf("after remap 00400000=%08x\n", load(0x00400000, 0));
    {
        rv pc;
        uint32_t v;
        tlb_wi(1, 0, 0x00400000 | 1, LO(0x00210000, 3, 1, 0, 0),
               LO(0x00300000, 3, 1, 1, 0));
        hw_clear();
        v = load(0x00400000, &pc);
        hw_show("after invalidating the used entry", px(pc), HW_BADVA);
        t_printf("  rt=%08x\n", v);
        /* D cleared on a page just written: the next store faults */
        tlb_wi(1, 0, 0x00400000 | 1, LO(0x00210000, 3, 1, 1, 0),
               LO(0x00300000, 3, 0, 1, 0));
        hw_clear();
        store(0x00401020, 0x55AA55AA, &pc);
        hw_show("store after clearing D", px(pc), HW_BADVA);
        t_printf("  mem=%08x\n", *KSEG1(0x00300020));
    }
    set_asid(0);
}

static int refill_fix(struct exc_frame *f, int vector)
{
    /* A minimal refill handler: EntryHi already holds VPN2|ASID. */
    if (vector != EXC_VEC_TLB_REFILL)
        return 0;
    mtc0(CP0_PAGEMASK, 0);
    dmtc0(CP0_ENTRYLO0, LO(0x00900000, 3, 1, 1, 0));
    dmtc0(CP0_ENTRYLO1, LO(0x00901000, 3, 1, 1, 0));
    __asm__ volatile(".set push\n.set noreorder\nnop\nnop\ntlbwr\nnop\nnop\n"
                     ".set pop" ::: "memory");
    (void)f;
    return 1; /* EPC unchanged: retry the access */
}

static void refill(void)
{
    rv pc;
    uint32_t v;
    mtc0(CP0_CONTEXT, 0xFF800000u);
    set_asid(7);
    hw_clear();
    v = load(0x00800004, &pc);
    hw_show("load miss", px(pc), HW_BADVA | HW_EXL);
    t_printf("  entryhi=%08x context=%08x rt=%08x\n", (uint32_t)hw_last.entryhi,
             (uint32_t)hw_last.context, v);
    hw_clear();
    store(0x00A02ffc, 1, &pc);
    hw_show("store miss", px(pc), HW_BADVA);
    t_printf("  entryhi=%08x context=%08x\n", (uint32_t)hw_last.entryhi,
             (uint32_t)hw_last.context);
    hw_clear();
    v = load(0xC0001000, &pc);
    hw_show("ksseg load miss", px(pc), HW_BADVA);
    t_printf("  entryhi=%08x context=%08x\n", (uint32_t)hw_last.entryhi,
             (uint32_t)hw_last.context);
    /* refill handler writes the entry, the load is retried */
    mark(0x00900008);
    mark(0x00901008);
    hw_clear();
    hw_on_exc = refill_fix;
    v = load(0x00E00008, &pc);
    hw_show("refill and retry", px(pc), HW_COUNT);
    t_printf("  value=%08x odd=%08x\n", v, load(0x00E01008, 0));
    hw_on_exc = 0;
    set_asid(0);
}

static void invalid_and_mod(void)
{
    rv pc;
    uint32_t v;
    mark(0x00910000);
    mark(0x00911000);
    mark(0x00920008);
    tlb_wi(8, 0, 0x00A00000, LO(0x00910000, 3, 1, 0, 1),
           LO(0x00911000, 3, 1, 1, 1));
    tlb_wi(9, 0, 0x00B00000, LO(0x00920000, 3, 0, 1, 1),
           LO(0x00921000, 3, 0, 1, 1));
    set_asid(3);
    hw_clear();
    v = load(0x00A00000, &pc);
    hw_show("load invalid (V=0)", px(pc), HW_BADVA);
    t_printf("  entryhi=%08x rt=%08x\n", (uint32_t)hw_last.entryhi, v);
    hw_clear();
    store(0x00A00004, 7, &pc);
    hw_show("store invalid (V=0)", px(pc), HW_BADVA);
    hw_clear();
    v = load(0x00A01000, &pc);
    hw_show("load valid odd half", px(pc), 0);
    t_printf("  rt=%08x\n", v);
    hw_clear();
    v = load(0x00B00008, &pc);
    hw_show("load D=0 page", px(pc), 0);
    t_printf("  rt=%08x\n", v);
    hw_clear();
    store(0x00B00008, 0x11111111, &pc);
    hw_show("store D=0 page", px(pc), HW_BADVA);
    t_printf("  entryhi=%08x mem=%08x\n", (uint32_t)hw_last.entryhi,
             *KSEG1(0x00920008));
    set_asid(0);
}

/* Store the address of local label 3 into hw_resume (64-bit, big-endian). */
#if ISA_64
#define SET_RESUME "la $8, 3f\n sd $8, hw_resume\n"
#else
#define SET_RESUME "la $8, 3f\n sw $8, hw_resume+4\n sra $9, $8, 31\n" \
                   " sw $9, hw_resume\n"
#endif

static void fetch(void)
{
    rv pc;
    uint32_t r;
    /* jump to an unmapped page: TLBL on the fetch, EPC = target */
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     SET_RESUME
                     "li %0, 0x00C00000\n"
                     "jr %0\n"
                     " nop\n"
                     "3: nop\n"
                     ".set pop"
                     : "=&r"(pc)
                     :
                     : "$8", "$9", "memory");
    hw_show("fetch miss", px(pc), HW_BADVA | HW_BADVA_REL);
    t_printf("  badva=%08x\n", (uint32_t)hw_last.badvaddr);
    /* map the page uncached over a tiny function and call it */
    KSEG1(0x00940000)[0] = 0x3C021234; /* lui v0, 0x1234 */
    KSEG1(0x00940000)[1] = 0x03E00008; /* jr ra */
    KSEG1(0x00940000)[2] = 0x34425678; /* ori v0, v0, 0x5678 (slot) */
    tlb_wi(10, 0, 0x00C00000, LO(0x00940000, 2, 0, 1, 1),
           LO(0x00941000, 2, 0, 0, 1));
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "li $25, 0x00C00000\n"
                     "jalr $25\n"
                     " nop\n"
                     "move %0, $2\n"
                     ".set pop"
                     : "=r"(r)
                     :
                     : "$2", "$25", "$31", "memory");
    hw_show("call mapped code", 0, HW_COUNT);
    t_printf("  v0=%08x\n", r);
    /* remap the same virtual code page onto other code: the new code runs */
    KSEG1(0x00942000)[0] = 0x3C029ABC; /* lui v0, 0x9abc */
    KSEG1(0x00942000)[1] = 0x03E00008; /* jr ra */
    KSEG1(0x00942000)[2] = 0x3442DEF0; /* ori v0, v0, 0xdef0 (slot) */
    tlb_wi(10, 0, 0x00C00000, LO(0x00942000, 2, 0, 1, 1),
           LO(0x00941000, 2, 0, 0, 1));
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "li $25, 0x00C00000\n"
                     "jalr $25\n"
                     " nop\n"
                     "move %0, $2\n"
                     ".set pop"
                     : "=r"(r)
                     :
                     : "$2", "$25", "$31", "memory");
    hw_show("call after remapping the code page", 0, HW_COUNT);
    t_printf("  v0=%08x\n", r);
}

static void exl_miss(void)
{
    rv pc;
    uint32_t sr = cp0_status();
    dmtc0(CP0_EPC, 0xFFFFFFFF80001230ULL);
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     SET_RESUME
                     "la %0, 1f\n"
                     "ori $10, %1, 2\n"      /* Status.EXL = 1 */
                     "mtc0 $10, $12\n"
                     "nop\nnop\n"
                     "li $10, 0x00D00000\n"
                     "1: lw $10, 0($10)\n"
                     "nop\n"
                     "3: nop\n"
                     ".set pop"
                     : "=&r"(pc)
                     : "r"((rv)(int32_t)(sr & ~(uint32_t)ST_IE))
                     : "$8", "$9", "$10", "memory");
    hw_show("miss with EXL=1", px(pc), HW_BADVA | HW_EXL);
    t_printf("  status exl after eret=%u\n", (cp0_status() & ST_EXL) ? 1 : 0);
}

static void random_wired(void)
{
    unsigned i, ok = 1, inrange = 1, lasthit;
    struct tlbe e;
    tlb_clear();
    tlb_wi(3, 0, 0x00500000, LO(0x00220000, 3, 1, 1, 1), 0);
    mtc0(CP0_WIRED, 8);
    t_printf("wired=%u\n", mfc0(CP0_WIRED));
    for (i = 0; i < 40; i++) {
        uint32_t r = mfc0(CP0_RANDOM);
        if (r < 8 || r > 63)
            inrange = 0;
    }
    t_printf("random within [8,63]: %u\n", inrange);
    for (i = 0; i < 100; i++) {
        uint32_t idx;
        tlb_wr(0, 0x20000000u + i * 0x2000, 0, 0);
        idx = tlb_p(0x20000000u + i * 0x2000);
        if ((idx >> 31) || idx < 8 || idx > 63)
            ok = 0;
    }
    lasthit = !(tlb_p(0x20000000u + 99 * 0x2000) >> 31);
    e = tlb_r(3);
    t_printf("tlbwr indices within [8,63]: %u last hit: %u\n", ok, lasthit);
    t_printf("wired entry 3 kept: %u\n", (uint32_t)e.hi == 0x00500000u);
    mtc0(CP0_WIRED, 0);
    tlb_clear();
}

static void unmapped(void)
{
    uint32_t v, sr = cp0_status();
    *KSEG1(0x00200100) = 0xC0FFEE01;
    t_printf("kseg0 sees kseg1 write: %08x\n",
             *(volatile uint32_t *)(uintptr_t)0x80200100u);
    /* ERL = 1: kuseg is an unmapped, uncached window on physical memory */
    *KSEG1(0x00200200) = 0xC0FFEE02;
    hw_clear();
    __asm__ volatile(".set push\n.set noreorder\n"
                     "ori $10, %1, 4\n"      /* Status.ERL = 1 */
                     "mtc0 $10, $12\n"
                     "nop\nnop\n"
                     "li $10, 0x00200200\n"
                     "lw %0, 0($10)\n"
                     "mtc0 %1, $12\n"
                     "nop\nnop\n"
                     ".set pop"
                     : "=&r"(v)
                     : "r"((rv)(int32_t)(sr & ~(uint32_t)ST_IE))
                     : "$10", "memory");
    cp0_set_status(sr);
    hw_show("kuseg with ERL=1", 0, 0);
    t_printf("  value=%08x\n", v);
}

void test_main(void)
{
    hw_init();
    identity();
    roundtrip();
    mapped();
    refill();
    invalid_and_mod();
    fetch();
    exl_miss();
    random_wired();
    unmapped();
}
