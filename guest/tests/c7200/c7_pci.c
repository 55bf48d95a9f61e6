/*
 * c7_pci: the PCI hierarchy of a c7200 as IOS walks it, for whatever NPE,
 * midplane and cards the router was started with. Every root is walked
 * depth-first (c7io.c), each function's identity and header registers are
 * printed, then every BAR of a non-bridge function is written with an
 * address of its own and read back (decoded BARs return it, the others
 * read 0), bridges print their final bus numbers.
 *
 * Shared spec c7200.md §12.1 (absent functions, registers 0x04/0x0C/0x2C/
 * 0x3C read 0, BARs read back unmasked, bridges' register 0x18), §12.2
 * (topology per NPE), §12.4 (identities, register 0x08, decoded BARs),
 * §10 (card functions and device numbers). The GT itself (root 0, bus 0,
 * device 0) gets no BAR writes: its BARs are the CPU's own windows.
 */
#include "c7io.h"
#include "tio.h"

#define BAR_SPACE 0x60000000u /* free physical space (c7200.md §3.1) */
#define FN_SPAN 0x00400000u   /* 4 MB per function */
#define BAR_STEP 0x00100000u  /* 1 MB per BAR: room for the PLX local space */

struct state {
    unsigned nfn;
};

static void fn(const struct c7_fn *f, void *arg)
{
    struct state *s = arg;
    int r = f->root;
    t_printf("%*sr%d b%u d%2u: %04x:%04x class %08x", 2 * f->depth, "", r,
             f->bus, f->dev, f->id & 0xFFFF, f->id >> 16, f->class);
    t_printf(" cmd %08x hdr %08x sub %08x int %08x%s\n",
             pci_rd(r, f->bus, f->dev, 0x04), pci_rd(r, f->bus, f->dev, 0x0C),
             pci_rd(r, f->bus, f->dev, 0x2C), pci_rd(r, f->bus, f->dev, 0x3C),
             f->hidden ? " (no bridge)" : "");
    if (f->class >> 16 == C7_CLASS_BRIDGE)
        return;
    if (r == 0 && f->bus == 0 && f->dev == 0)
        return; /* the GT */
    unsigned base = BAR_SPACE + s->nfn++ * FN_SPAN;
    t_printf("%*s  bars", 2 * f->depth, "");
    for (unsigned i = 0; i < 6; i++) {
        unsigned reg = 0x10 + 4 * i;
        uint32_t before = pci_rd(r, f->bus, f->dev, reg);
        pci_wr(r, f->bus, f->dev, reg, base + i * BAR_STEP);
        t_printf(" %02x=%08x", reg, pci_rd(r, f->bus, f->dev, reg));
        if (before)
            t_printf("(was %08x)", before);
    }
    t_printf("\n");
}

static void bus_done(const struct c7_fn *f, uint32_t numbers, void *arg)
{
    (void)arg;
    t_printf("%*s  r%d b%u d%u bus numbers %08x\n", 2 * f->depth, "",
             f->root, f->bus, f->dev, numbers);
}

void test_main(void)
{
    struct state s = {0};
    struct c7_walk w = {fn, bus_done, &s};
    t_printf("roots %d\n", c7_roots());
    c7_pci_walk(&w);
    t_printf("absent: 0x00 %08x 0x08 %08x\n", pci_rd(0, 0, 31, 0x00),
             pci_rd(0, 0, 31, 0x08));
}
