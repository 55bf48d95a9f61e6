/*
 * pio: platform identification, address mapping, GT and PCI access,
 * EEPROM bit-banging for the platform probes (see pio.h).
 */
#include "pio.h"

#include "c7200.h"
#include "cp0.h"
#include "platform.h"
#include "tio.h"

struct pp_platform pp;

#define KSEG1_LIMIT 0x20000000u
#define TLB_VA_BASE 0xC0000000u /* kseg2 */
#define PAIR_SIZE 0x02000000u   /* two 16 MB pages */
#define PAGEMASK_16M 0x01FFE000u
#define TLB_SLOTS 8

static unsigned mapped[TLB_SLOTS]; /* physical base + 1 of each pair */

static void tlb_pair(unsigned index, unsigned va, unsigned pa)
{
    unsigned lo = (2u << 3) | 0x4 | 0x2 | 0x1; /* uncached, D, V, G */
    mtc0(CP0_PAGEMASK, PAGEMASK_16M);
    mtc0(CP0_ENTRYHI, va);
    mtc0(CP0_ENTRYLO0, ((pa >> 12) << 6) | lo);
    mtc0(CP0_ENTRYLO1, (((pa + PAIR_SIZE / 2) >> 12) << 6) | lo);
    mtc0(CP0_INDEX, index);
    __asm__ volatile(".set push\n\t.set mips3\n\tnop\n\ttlbwi\n\tnop\n\t"
                     ".set pop" : : : "memory");
    mtc0(CP0_PAGEMASK, 0);
}

volatile void *pp_io(unsigned pa)
{
    if (pa < KSEG1_LIMIT)
        return (volatile void *)(KSEG1_BASE | pa);
    unsigned base = pa & ~(PAIR_SIZE - 1);
    unsigned i;
    for (i = 0; i < TLB_SLOTS && mapped[i]; i++)
        if (mapped[i] == base + 1)
            break;
    if (i == TLB_SLOTS)
        i = TLB_SLOTS - 1; /* out of slots: reuse the last one */
    if (mapped[i] != base + 1) {
        tlb_pair(i + 1, TLB_VA_BASE + i * PAIR_SIZE, base);
        mapped[i] = base + 1;
    }
    return (volatile void *)(TLB_VA_BASE + i * PAIR_SIZE + (pa - base));
}

int pp_init(void)
{
    unsigned id = platform_id();
    pp.id = id;
    switch (id) {
    case PLATFORM_C3620_3640:
    case PLATFORM_C3660:
        pp.family = PP_C3600;
        pp.gt = 0x14000000;
        pp.fpga = 0x1E800000;
        pp.duart = 0x1E840000;
        /* §3.6 0x30000: chassis type in bits 5-7 */
        switch (rd8(pp.fpga + 0x30000) & 0xE0) {
        case 0x80: pp.name = "3620"; pp.nslots = 2; pp.gt_buses = 1; break;
        case 0x00: pp.name = "3640"; pp.nslots = 4; pp.gt_buses = 1; break;
        default: pp.name = "3660"; pp.nslots = 7; pp.gt_buses = 2; break;
        }
        return 0;
    case PLATFORM_C2691:
    case PLATFORM_C3725:
    case PLATFORM_C3745:
        pp.family = PP_GT96K;
        pp.gt = id == PLATFORM_C3745 ? 0x24000000 : 0x14000000;
        pp.fpga = id == PLATFORM_C3745 ? 0x1FA00000 : 0x1E800000;
        pp.duart = 0x3C100000;
        pp.name = id == PLATFORM_C2691   ? "2691"
                  : id == PLATFORM_C3725 ? "3725"
                                         : "3745";
        pp.nslots = id == PLATFORM_C2691 ? 2 : id == PLATFORM_C3725 ? 3 : 5;
        pp.gt_buses = 2;
        return 0;
    default:
        return -1;
    }
}

/* No libgcc here: the byte reversal by hand (MIPS III has no wsbh). */
static uint32_t swap32(uint32_t v)
{
    return v << 24 | (v & 0xFF00) << 8 | (v >> 8 & 0xFF00) | v >> 24;
}

uint32_t gt_rd(unsigned off)
{
    return swap32(rd32(pp.gt + off));
}

void gt_wr(unsigned off, uint32_t v)
{
    wr32(pp.gt + off, swap32(v));
}

static unsigned cfg_port(int root)
{
    return root ? 0xCF0 : 0xCF8;
}

uint32_t pci_rd(int root, unsigned bus, unsigned dev, unsigned reg)
{
    gt_wr(cfg_port(root), 0x80000000u | bus << 16 | dev << 11 | reg);
    return gt_rd(cfg_port(root) + 4);
}

void pci_wr(int root, unsigned bus, unsigned dev, unsigned reg, uint32_t v)
{
    gt_wr(cfg_port(root), 0x80000000u | bus << 16 | dev << 11 | reg);
    gt_wr(cfg_port(root) + 4, v);
}

static void scan_bus(int root, unsigned bus, unsigned *next_bus, int depth,
                     void (*seen)(const struct pp_fn *f, void *arg),
                     void *arg)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        struct pp_fn f = {root, bus, dev, pci_rd(root, bus, dev, 0x00), 0,
                          depth};
        if (f.id == 0xFFFFFFFFu)
            continue;
        f.class = pci_rd(root, bus, dev, 0x08);
        if (f.class >> 16 != PP_CLASS_BRIDGE) {
            seen(&f, arg);
            continue;
        }
        unsigned sec = (*next_bus)++;
        pci_wr(root, bus, dev, 0x18, sec << 16 | sec << 8 | bus);
        seen(&f, arg);
        scan_bus(root, sec, next_bus, depth + 1, seen, arg);
    }
}

void pp_pci_scan(void (*seen)(const struct pp_fn *f, void *arg), void *arg)
{
    unsigned next_bus = 1;
    for (int root = 0; root < pp.gt_buses; root++)
        scan_bus(root, 0, &next_bus, 0, seen, arg);
}

/* ------------------------------------------------------------ EEPROMs */

static void ee_wr(unsigned pa, int width, unsigned v)
{
    if (width == 8)
        wr8(pa, (uint8_t)v);
    else
        wr16(pa, (uint16_t)v);
}

static unsigned ee_rd(unsigned pa, int width)
{
    return width == 8 ? rd8(pa) : rd16(pa);
}

unsigned pp_eeprom_word(unsigned pa, int width, unsigned keep,
                        const struct pp_wire *w, unsigned addr)
{
    unsigned cs = 1u << w->cs, sk = 1u << w->sk, di = 1u << w->di;
    unsigned bits = 0x3u | (addr << 3); /* start 1, opcode 1 0, a0 first */
    unsigned v = 0;
    int i;

    ee_wr(pa, width, keep);
    ee_wr(pa, width, keep | cs);
    for (i = 0; i < 9; i++) {
        unsigned d = ((bits >> i) & 1) ? di : 0;
        ee_wr(pa, width, keep | cs | d);
        ee_wr(pa, width, keep | cs | d | sk);
    }
    for (i = 0; i < 16; i++) {
        ee_wr(pa, width, keep | cs);
        ee_wr(pa, width, keep | cs | sk);
        v |= ((ee_rd(pa, width) >> w->dout) & 1u) << i;
    }
    ee_wr(pa, width, keep);
    return v;
}

void pp_eeprom_dump(const char *name, unsigned pa, int width, unsigned keep,
                    const struct pp_wire *w)
{
    unsigned words[64];
    unsigned a, last = 0;

    for (a = 0; a < 64; a++) {
        words[a] = pp_eeprom_word(pa, width, keep, w, a);
        if (words[a] != 0xFFFF)
            last = a + 1;
    }
    t_printf("%s:\n", name);
    for (a = 0; a < last; a += 8) {
        unsigned k;
        t_printf("  %02x:", a);
        for (k = a; k < a + 8; k++)
            t_printf(" %04x", words[k]);
        t_printf("\n");
    }
    if (last < 64)
        t_printf("  %02x..3f: ffff\n", (last + 7) & ~7u);
}
