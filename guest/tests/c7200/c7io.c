/*
 * c7io: GT access, configuration cycles and the PCI walk of the c7200
 * probes (see c7io.h).
 */
#include "c7io.h"

/* No libgcc byte swap here (MIPS III has no wsbh). */
static uint32_t swap32(uint32_t v)
{
    return v << 24 | (v & 0xFF00) << 8 | (v >> 8 & 0xFF00) | v >> 24;
}

uint32_t gt_rd(unsigned off)
{
    return swap32(rd32(C7_GT + off));
}

void gt_wr(unsigned off, uint32_t v)
{
    wr32(C7_GT + off, swap32(v));
}

static unsigned cfg_port(int root)
{
    return root ? 0xCF0 : 0xCF8; /* c7200.md §11.2 */
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

int c7_roots(void)
{
    /* c7200.md §11: the GT-64120 (11AB:4620) has the second port */
    return pci_rd(0, 0, 0, 0) == 0x462011ABu ? 2 : 1;
}

static void walk_bus(const struct c7_walk *w, int root, unsigned bus,
                     unsigned *next, int depth, int hidden)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        struct c7_fn f = {root, bus, dev, pci_rd(root, bus, dev, 0x00), 0,
                          depth, hidden};
        if (f.id == 0xFFFFFFFFu)
            continue;
        f.class = pci_rd(root, bus, dev, 0x08);
        if (f.class >> 16 != C7_CLASS_BRIDGE) {
            w->fn(&f, w->arg);
            continue;
        }
        unsigned sec = (*next)++;
        pci_wr(root, bus, dev, 0x18, 0xFFu << 16 | sec << 8 | bus);
        w->fn(&f, w->arg);
        walk_bus(w, root, sec, next, depth + 1, 0);
        /* a bus behind this one without a bridge function (§12.3) */
        unsigned probe = *next;
        for (unsigned d = 0; d < 32; d++) {
            if (pci_rd(root, probe, d, 0x00) != 0xFFFFFFFFu) {
                (*next)++;
                walk_bus(w, root, probe, next, depth + 1, 1);
                break;
            }
        }
        pci_wr(root, bus, dev, 0x18, (*next - 1) << 16 | sec << 8 | bus);
        w->bus_done(&f, pci_rd(root, bus, dev, 0x18), w->arg);
    }
}

void c7_pci_walk(const struct c7_walk *w)
{
    int roots = c7_roots();
    for (int root = 0; root < roots; root++) {
        unsigned next = 1;
        walk_bus(w, root, 0, &next, 0, 0);
    }
}
