/*
 * plat_pci: PCI enumeration as IOS does it on a 3600-family or GT-96100
 * router: configuration cycles through the GT system controller (0xCF8/
 * 0xCFC for root bus 0, 0xCF0/0xCF4 for root bus 1 on the GT-64120 and
 * GT-96100), every bridge numbered as it is found (register 0x18) and the
 * bus behind it scanned, then each network chip's BAR programmed and one
 * identification register read through the window it maps.
 *
 * Shared spec c3600-c2691-c37xx.md §3.4 / §4.4 (controller identities,
 * register 0x08), §3.5 / §4.5 / §5.3 (topology and device numbers);
 * devices.md §1.1 (absent functions: 0x00 reads all ones, others 0; BARs
 * map at the written address), §1.2 (bridges: class 0x06040000, bus
 * numbers at 0x18), §3.2 (Am79C971 BAR 0x14, CSR88 through RAP 0x14 /
 * RDP 0x10), §3.6 (Mueslix BAR 0x10, TPU command response 0x2C2C reads
 * 0x0000FFFF), §3.12 (BCM5605 of the NM-16ESW: 2 MB window at BAR 0x10,
 * S-channel MII read of PHY register 2: result 0x00048000, output 0x0040).
 */
#include "pio.h"
#include "tio.h"

#define BAR_WINDOWS 0x10000000u /* free physical space above the RAM */
#define BIG_WINDOWS 0x12000000u /* 2 MB windows, 2 MB aligned */

struct fn {
    int root;
    unsigned bus, dev;
    uint32_t id;
};

static struct fn found[64];
static unsigned nfound;

static void seen(const struct pp_fn *f, void *arg)
{
    (void)arg;
    t_printf("%*sroot %d bus %u dev %2u: %04x:%04x class %08x\n",
             2 * f->depth, "", f->root, f->bus, f->dev, f->id & 0xFFFF,
             f->id >> 16, f->class);
    if (f->class >> 16 == PP_CLASS_BRIDGE)
        t_printf("%*s  bus numbers %06x\n", 2 * f->depth, "",
                 pci_rd(f->root, f->bus, f->dev, 0x18) & 0xFFFFFF);
    else if (nfound < 64)
        found[nfound++] = (struct fn){f->root, f->bus, f->dev, f->id};
}

static void window(const struct fn *f, unsigned n)
{
    unsigned base = BAR_WINDOWS + n * 0x100000;
    switch (f->id) {
    case 0x20001022: /* Am79C971 / Am79C970A: BAR 0x14 */
        pci_wr(f->root, f->bus, f->dev, 0x14, base);
        wr32(base + 0x14, 88); /* RAP := CSR88 */
        t_printf("  %u/%u/%u Am79C971: BAR %08x, CSR88 %08x\n", f->root,
                 f->bus, f->dev, pci_rd(f->root, f->bus, f->dev, 0x14),
                 rd32(base + 0x10));
        break;
    case 0x00011137: /* Mueslix: BAR 0x10 */
        pci_wr(f->root, f->bus, f->dev, 0x10, base);
        t_printf("  %u/%u/%u Mueslix: BAR %08x, TPU response %08x\n",
                 f->root, f->bus, f->dev,
                 pci_rd(f->root, f->bus, f->dev, 0x10),
                 rd32(base + 0x2C2C));
        break;
    case 0x560514E4: /* BCM5605: BAR 0x10, 2 MB */
        base = BIG_WINDOWS + n * 0x200000;
        pci_wr(f->root, f->bus, f->dev, 0x10, base);
        wr32(base + 0x158, 2u << 24 | 2u << 16); /* PHY 2, register 2 */
        wr32(base + 0x050, 0x90);                /* S-channel MII read */
        t_printf("  %u/%u/%u BCM5605: BAR %08x, MII result %08x, "
                 "PHY ID %08x\n", f->root, f->bus, f->dev,
                 pci_rd(f->root, f->bus, f->dev, 0x10), rd32(base + 0x050),
                 rd32(base + 0x15C));
        break;
    default:
        break;
    }
}

void test_main(void)
{
    if (pp_init() < 0) {
        t_printf("unknown platform id %x\n", pp.id);
        return;
    }
    t_printf("platform %s\n", pp.name);
    pp_pci_scan(seen, NULL);
    t_printf("absent function: 0x00 %08x 0x08 %08x\n", pci_rd(0, 0, 31, 0),
             pci_rd(0, 0, 31, 0x08));
    t_printf("windows:\n");
    for (unsigned i = 0; i < nfound; i++)
        window(&found[i], i);
}
