/*
 * plat_snap: a program that never ends, for the snapshot test
 * (tests/integration/test_platforms.py). It leaves a mark in each kind of
 * state a snapshot must carry, then prints one line per tick (about
 * 5,000,000 Count cycles) reading them all back:
 *
 *   tick <n> scr <DUART scratch> mask <GT interrupt mask>
 *            mem <last word of the NVRAM or of the SSA memory>
 *            bar <BAR 0x14 of the first Am79C971> csr12 <its CSR12>
 *
 * A router restored from a snapshot goes on counting from where it was
 * with the same values: the CPU (with its TLB: the GT-96100 routers' DUART
 * is mapped through it), RAM, the NS16552, the GT's registers, the
 * NVRAM / SSA memory, the PCI configuration (the Am79C971's BAR) and the
 * chip behind it (its RAP still selecting CSR12).
 *
 * Shared spec c3600-c2691-c37xx.md §1.1 (NVRAM 0x1FE00000, 128 KB by
 * default; SSA 0x16001000-0x16007FFF), §3.4 / §4.4 (GT interrupt mask
 * 0xC1C), devices.md §3.2 (Am79C971 RAP 0x14, RDP 0x10; CSR12 = PADR
 * 15:0, plain storage while stopped), NS16552 scratch register index 7.
 */
#include "pio.h"
#include "tio.h"

#define TICK 5000000u
#define SCR 0x38
#define GT_INT_MASK 0xC1C
#define NVRAM_LAST (0x1FE00000u + 128 * 1024 - 4)
#define SSA_LAST (0x16001000u + 0x7000 - 4)
#define AM_BAR 0x10100000u

static unsigned count(void)
{
    unsigned v;
    __asm__ volatile("mfc0 %0, $9" : "=r"(v));
    return v;
}

static struct pp_fn am;

static void seen(const struct pp_fn *f, void *arg)
{
    (void)arg;
    if (f->id == 0x20001022 && !am.id)
        am = *f;
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s\n", pp.name);
    unsigned mem = pp.family == PP_C3600 ? NVRAM_LAST : SSA_LAST;
    wr8(pp.duart + SCR, 0x5A);
    gt_wr(GT_INT_MASK, 0x00000010);
    wr32(mem, 0xC0FFEE00u | pp.id);
    pp_pci_scan(seen, NULL);
    if (am.id) {
        pci_wr(am.root, am.bus, am.dev, 0x14, AM_BAR);
        wr32(AM_BAR + 0x14, 12);      /* RAP := CSR12 */
        wr32(AM_BAR + 0x10, 0x1234);  /* PADR 15:0 */
    }
    for (unsigned n = 0;; n++) {
        unsigned t0 = count();
        while (count() - t0 < TICK)
            ;
        t_printf("tick %u scr %02x mask %08x mem %08x bar %08x csr12 %04x\n",
                 n, rd8(pp.duart + SCR), gt_rd(GT_INT_MASK), rd32(mem),
                 am.id ? pci_rd(am.root, am.bus, am.dev, 0x14) : 0,
                 am.id ? rd32(AM_BAR + 0x10) & 0xFFFF : 0);
    }
}
