/*
 * pci.c - PCI enumeration through the GT-64010/64120/96100 configuration
 * ports (c7200.md §11-12; c3600-c2691-c37xx.md §3.4, §4.4: the same
 * mechanism #1 ports on every platform, 32-bit accesses byte-reversed).
 *
 * The GT register file is little-endian: every 32-bit value crossing it
 * (configuration address and data) is byte-reversed (§11.1). Root 0 is
 * port 0xCF8/0xCFC, root 1 (GT-64120 only) port 0xCF0/0xCF4; each root's
 * top bus is bus 0 and its bridges are numbered depth-first from 1
 * (§12.1), which also keeps the invisible PCMCIA route of §12.3 untouched:
 * no request for a foreign bus number ever reaches the bay-0 bus.
 *
 * BARs: PCI memory is identity-mapped onto CPU physical addresses (§12.1);
 * windows are handed out from a free hole of the physical map below
 * 512 MB (0x18000000, 256 KB apart), so they are reachable through KSEG1
 * without TLB mappings.
 */
#include "fw.h"

#include "c7200.h"

#define GT_REG(off) MMIO32(plat.gt + (off))
#define PCI_WINDOW_BASE 0x18000000u
#define PCI_WINDOW_STEP 0x00040000u

struct pci_func pci_funcs[PCI_MAX_FUNCS];
int pci_nfuncs;
static int next_bus;
static uint32_t next_window;

static uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xFF00) | (v << 8 & 0xFF0000) | v << 24;
}

static void cfg_addr(int root, int bus, int dev, int reg)
{
    uint32_t a = 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
                 (uint32_t)(reg & 0xFC);
    GT_REG(root ? 0xCF0 : 0xCF8) = bswap32(a);
}

uint32_t pci_cfg_read(int root, int bus, int dev, int reg)
{
    uint32_t sr = irq_save();
    cfg_addr(root, bus, dev, reg);
    uint32_t v = bswap32(GT_REG(root ? 0xCF4 : 0xCFC));
    irq_restore(sr);
    return v;
}

void pci_cfg_write(int root, int bus, int dev, int reg, uint32_t v)
{
    uint32_t sr = irq_save();
    cfg_addr(root, bus, dev, reg);
    GT_REG(root ? 0xCF4 : 0xCFC) = bswap32(v);
    irq_restore(sr);
}

static void scan_bus(int root, int bus, int depth, const uint8_t *path)
{
    for (int dev = 0; dev < 32; dev++) {
        uint32_t id = pci_cfg_read(root, bus, dev, 0x00);
        if (id == 0xFFFFFFFFu || id == 0)
            continue;
        uint32_t cls = pci_cfg_read(root, bus, dev, 0x08);
        if (pci_nfuncs < PCI_MAX_FUNCS) {
            struct pci_func *f = &pci_funcs[pci_nfuncs++];
            f->root = (uint8_t)root;
            f->bus = (uint8_t)bus;
            f->dev = (uint8_t)dev;
            f->depth = (uint8_t)depth;
            for (int i = 0; i < depth && i < 3; i++)
                f->path[i] = path[i];
            f->path[depth < 3 ? depth : 3] = (uint8_t)dev;
            f->vendor = (uint16_t)id;
            f->device = (uint16_t)(id >> 16);
            f->class_rev = cls;
            f->bay = -1;
        }
        if ((cls >> 16) == 0x0604 && depth < 3 && next_bus < 255) {
            /* PCI-to-PCI bridge: number its secondary bus, open the
             * subordinate range while scanning below, then close it. */
            int sec = next_bus++;
            uint8_t sub_path[4];
            for (int i = 0; i < depth; i++)
                sub_path[i] = path[i];
            sub_path[depth] = (uint8_t)dev;
            pci_cfg_write(root, bus, dev, 0x18,
                          (uint32_t)bus | (uint32_t)sec << 8 | 0xFFu << 16);
            scan_bus(root, sec, depth + 1, sub_path);
            pci_cfg_write(root, bus, dev, 0x18,
                          (uint32_t)bus | (uint32_t)sec << 8 |
                              (uint32_t)(next_bus - 1) << 16);
        }
    }
}

void pci_enumerate(int two_roots)
{
    pci_nfuncs = 0;
    next_window = PCI_WINDOW_BASE;
    for (int root = 0; root < (two_roots ? 2 : 1); root++) {
        next_bus = 1;
        scan_bus(root, 0, 0, NULL);
    }
}

uint32_t pci_map_bar(struct pci_func *f, int reg)
{
    return pci_map_bar_size(f, reg, PCI_WINDOW_STEP);
}

uint32_t pci_map_bar_size(struct pci_func *f, int reg, uint32_t size)
{
    if (!f->bar) {
        next_window = (next_window + size - 1) & ~(size - 1);
        f->bar = next_window;
        next_window += size;
    }
    pci_cfg_write(f->root, f->bus, f->dev, reg, f->bar);
    return KSEG1_BASE | f->bar;
}
