/*
 * Cisco 7200 system controller, PCI topology per NPE and the windows PCI
 * masters use (shared spec c7200.md §3.1-§3.3, §3.5, §11, §12). See
 * c7200_pci.h.
 */
#include "machine/c7200/c7200_pci.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/bswap_window.h"
#include "dev/c7200_mpfpga.h"
#include "dev/c7200_sram.h"
#include "dev/gt64k.h"
#include "dev/pci_bridge.h"
#include "dev/pci_bus.h"
#include "dev/pci_io.h"
#include "mem/physmap.h"

enum c7200_topology {
    TOPO_GT64010, /* NPE-100/150/200: one root, bay 0 on bus 0 */
    TOPO_GT64120, /* NPE-175/225/400: two roots, bay bridges on the roots */
    TOPO_NPE300,  /* NPE-300: two GT-64120, "head" bridges */
};

struct c7200_npe_pci {
    const char *npe;
    enum c7200_topology topo;
    enum pci_bridge_chip bay0_bridge; /* TOPO_GT64120 / TOPO_NPE300 */
    uint32_t sram_bank;               /* bytes per packet SRAM bank */
};

/* c7200.md §2.1, §3.2, §12.2 */
static const struct c7200_npe_pci npe_pci[] = {
    {"npe-100", TOPO_GT64010, PCI_BRIDGE_DEC21050, 0},
    {"npe-150", TOPO_GT64010, PCI_BRIDGE_DEC21050, 512u << 10},
    {"npe-175", TOPO_GT64120, PCI_BRIDGE_DEC21150, 0},
    {"npe-200", TOPO_GT64010, PCI_BRIDGE_DEC21050, 2u << 20},
    {"npe-225", TOPO_GT64120, PCI_BRIDGE_DEC21150, 0},
    {"npe-300", TOPO_NPE300, PCI_BRIDGE_DEC21150, 0},
    {"npe-400", TOPO_GT64120, PCI_BRIDGE_DEC21050, 0},
};

/* Device numbers of the bay bridges, §12.2. */
static const unsigned bays_135[3] = {1, 3, 5};
static const unsigned bays_246[3] = {2, 4, 6};
#define GT64010_BAY_BRIDGE_DEV0 1 /* bays x on the "bays" buses: dev 1/2/3 */
#define GT64120_BAY_BRIDGE_DEV0 7 /* bays x on the roots: dev 7/8/9 */
#define GT64010_PCMCIA_DEV 5
#define HIDDEN_PCMCIA_DEV 16 /* §12.3: "bus 2, device 16" */
#define GT64010_BAY0_DEV 6   /* C7200-IO-FE's DEC21140 on bus 0 */

enum { BUS_ROOT0, BUS_ROOT1, BUS_PA135, BUS_PA246, BUS_BAY0, BUS_BAY1,
       BUS_PCMCIA = BUS_BAY1 + 6, BUS_COUNT };

enum { MAP_GT1, MAP_GT2, MAP_BSWAP, MAP_PCI_IO, MAP_COUNT };

struct c7200_pci {
    const struct c7200_npe_pci *npe;
    enum pci_bridge_chip bay_bridge;
    struct physmap *pm;
    struct logger *lg;
    struct c7200_mpfpga *mpfpga;

    struct pci_bus *bus[BUS_COUNT];
    struct pci_bus *bay[C7200_PCI_BAYS];
    struct pci_bus *pcmcia_bus;
    unsigned pcmcia_dev;

    struct gt64k *gt[2];
    struct bswap_window *bswap;
    struct pci_io *io;
    struct c7200_sram *sram[2];
    uint64_t map_base[MAP_COUNT];
    int mapped[MAP_COUNT];
};

/* ========================================================= interrupts */

static void bay_irq_set(void *ctx, int line, int level)
{
    struct c7200_pci *p = ctx;
    if (p->mpfpga)
        c7200_mpfpga_net_irq(p->mpfpga, line / 8, line % 8, level);
}

struct irq_line c7200_pci_bay_irq(struct c7200_pci *p, unsigned bay,
                                  unsigned port)
{
    if (bay >= C7200_PCI_BAYS || port > 7)
        return (struct irq_line){0};
    return (struct irq_line){.set = bay_irq_set, .ctx = p,
                             .line = (int)(bay * 8 + port)};
}

/* ============================================================ buses */

static int new_bus(struct c7200_pci *p, int idx, const char *name, int number)
{
    int rc = pci_bus_create(name, number, p->pm, p->lg, &p->bus[idx]);
    if (rc == 0)
        pci_bus_set_io(p->bus[idx], p->io);
    return rc;
}

static int add_bay_bridges(struct c7200_pci *p, struct pci_bus *parent,
                           unsigned first_dev, const unsigned bays[3])
{
    for (int i = 0; i < 3; i++) {
        int rc = pci_bridge_chip_add(parent, first_dev + (unsigned)i,
                                     p->bay_bridge, p->bay[bays[i]], NULL);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* NPE-100/150/200, §12.2. */
static int build_gt64010(struct c7200_pci *p)
{
    static const struct {
        unsigned dev;
        int bus; /* behind it; -1 nothing */
    } main_bridges[4] = {{1, -1}, {2, BUS_PA135}, {3, -1}, {4, BUS_PA246}};
    struct pci_bus *root = p->bus[BUS_ROOT0];
    for (int i = 0; i < 4; i++) {
        struct pci_bus *sec =
            main_bridges[i].bus < 0 ? NULL : p->bus[main_bridges[i].bus];
        int rc = pci_bridge_chip_add(root, main_bridges[i].dev,
                                     PCI_BRIDGE_DEC21050, sec, NULL);
        if (rc < 0)
            return rc;
    }
    p->bay[0] = root;
    p->pcmcia_bus = root;
    p->pcmcia_dev = GT64010_PCMCIA_DEV;
    int rc = add_bay_bridges(p, p->bus[BUS_PA135], GT64010_BAY_BRIDGE_DEV0,
                             bays_135);
    if (rc == 0)
        rc = add_bay_bridges(p, p->bus[BUS_PA246], GT64010_BAY_BRIDGE_DEV0,
                             bays_246);
    return rc;
}

/* NPE-175/225/400, §12.2. */
static int build_gt64120(struct c7200_pci *p)
{
    int rc = pci_bridge_chip_add(p->bus[BUS_ROOT0], 1, p->npe->bay0_bridge,
                                 p->bay[0], NULL);
    if (rc == 0)
        rc = add_bay_bridges(p, p->bus[BUS_ROOT0], GT64120_BAY_BRIDGE_DEV0,
                             bays_135);
    if (rc == 0)
        rc = add_bay_bridges(p, p->bus[BUS_ROOT1], GT64120_BAY_BRIDGE_DEV0,
                             bays_246);
    return rc;
}

/* NPE-300, §12.2. */
static int build_npe300(struct c7200_pci *p)
{
    int rc = pci_bridge_chip_add(p->bus[BUS_ROOT0], 1, PCI_BRIDGE_DEC21150,
                                 p->bay[0], NULL);
    if (rc == 0)
        rc = pci_bridge_chip_add(p->bus[BUS_ROOT0], 2, PCI_BRIDGE_DEC21150,
                                 p->bus[BUS_PA135], NULL);
    if (rc == 0)
        rc = pci_bridge_chip_add(p->bus[BUS_ROOT1], 1, PCI_BRIDGE_DEC21150,
                                 p->bus[BUS_PA246], NULL);
    if (rc == 0)
        rc = add_bay_bridges(p, p->bus[BUS_PA135], 1, bays_135);
    if (rc == 0)
        rc = add_bay_bridges(p, p->bus[BUS_PA246], 1, bays_246);
    return rc;
}

static int build_buses(struct c7200_pci *p)
{
    static const char *const bay_names[6] = {"PA bay 1", "PA bay 2",
                                             "PA bay 3", "PA bay 4",
                                             "PA bay 5", "PA bay 6"};
    int two_roots = p->npe->topo != TOPO_GT64010;
    int rc = new_bus(p, BUS_ROOT0, two_roots ? "MB0/MB1" : "MB0/MB1/MB2", 0);
    if (rc == 0 && two_roots)
        rc = new_bus(p, BUS_ROOT1, "MB2", 0);
    if (rc == 0 && p->npe->topo != TOPO_GT64120)
        rc = new_bus(p, BUS_PA135, "PA bays 1/3/5", -1);
    if (rc == 0 && p->npe->topo != TOPO_GT64120)
        rc = new_bus(p, BUS_PA246, "PA bays 2/4/6", -1);
    for (int i = 0; rc == 0 && i < 6; i++) {
        rc = new_bus(p, BUS_BAY1 + i, bay_names[i], -1);
        if (rc == 0)
            p->bay[1 + i] = p->bus[BUS_BAY1 + i];
    }
    if (rc == 0 && two_roots) {
        rc = new_bus(p, BUS_BAY0, "PA bay 0", -1);
        if (rc == 0) {
            p->bay[0] = p->bus[BUS_BAY0];
            rc = new_bus(p, BUS_PCMCIA, "I/O secondary bus", -1);
        }
        if (rc == 0) /* §12.3: invisible route from the bay-0 bus */
            rc = pci_bus_add_hidden_route(p->bay[0], p->bus[BUS_PCMCIA]);
        p->pcmcia_bus = p->bus[BUS_PCMCIA];
        p->pcmcia_dev = HIDDEN_PCMCIA_DEV;
    }
    if (rc < 0)
        return rc;
    switch (p->npe->topo) {
    case TOPO_GT64010: return build_gt64010(p);
    case TOPO_GT64120: return build_gt64120(p);
    default: return build_npe300(p);
    }
}

/* ========================================================= controllers */

static int map_window(struct c7200_pci *p, int idx, const char *name,
                      uint64_t base, uint64_t size, struct device *dev)
{
    int rc = physmap_add_device(p->pm, name, base, size, dev,
                                PR_UNCACHED_ONLY);
    if (rc < 0) {
        log_msg(p->lg, "C7200", "cannot map %s at 0x%llx: %s", name,
                (unsigned long long)base, strerror(-rc));
        return rc;
    }
    p->map_base[idx] = base;
    p->mapped[idx] = 1;
    return 0;
}

static int build_controllers(struct c7200_pci *p, const struct irq_line *irq)
{
    /* §11: GT-64010 on NPE-100/150/200, GT-64120 elsewhere; the second
     * GT-64120 of the NPE-300 shares both roots, has no PCI identity and
     * cannot interrupt (§11 table, §11.4). */
    int n = p->npe->topo == TOPO_NPE300 ? 2 : 1;
    for (int i = 0; i < n; i++) {
        struct gt64k_config gc = {
            .model = p->npe->topo == TOPO_GT64010 ? GT64010 : GT64120,
            .name = n == 1 ? NULL : (i == 0 ? "gt64120(1)" : "gt64120(2)"),
            .lg = p->lg,
            .pm = p->pm,
            .bus0 = p->bus[BUS_ROOT0],
            .bus1 = p->bus[BUS_ROOT1],
            .pci_identity = i == 0,
            .irq = i == 0 ? *irq : (struct irq_line){0},
        };
        int rc = gt64k_create(&gc, &p->gt[i]);
        if (rc == 0)
            rc = map_window(p, MAP_GT1 + i, gt64k_device(p->gt[i])->name,
                            i == 0 ? C7200_GT_BASE_1 : C7200_GT_BASE_2,
                            GT64K_WINDOW_SIZE, gt64k_device(p->gt[i]));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int build_windows(struct c7200_pci *p)
{
    /* §3.3: 1 GB byte-swapped view of physical 0. */
    int rc = bswap_window_create("mem_bswap", p->pm, 0, &p->bswap);
    if (rc == 0)
        rc = map_window(p, MAP_BSWAP, "mem_bswap", C7200_BSWAP_BASE,
                        C7200_BSWAP_SIZE, bswap_window_device(p->bswap));
    /* §12.5 */
    if (rc == 0)
        rc = map_window(p, MAP_PCI_IO, "pci_io", C7200_PCI_IO_BASE,
                        PCI_IO_WINDOW_SIZE, pci_io_device(p->io));
    if (rc < 0 || !p->npe->sram_bank)
        return rc;
    /* §3.2: banks back to back at 0x4B000000, on the "PA bays" buses. */
    static const char *const names[2] = {"sram0", "sram1"};
    for (int i = 0; i < 2; i++) {
        struct c7200_sram_config sc = {
            .name = names[i],
            .pm = p->pm,
            .lg = p->lg,
            .base = C7200_SRAM_BASE + (uint64_t)i * p->npe->sram_bank,
            .size = p->npe->sram_bank,
            .bus = p->bus[i == 0 ? BUS_PA135 : BUS_PA246],
            .devno = 0,
        };
        rc = c7200_sram_create(&sc, &p->sram[i]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ============================================================ life cycle */

int c7200_pci_create(const struct c7200_pci_config *c, struct c7200_pci **out)
{
    const struct c7200_npe_pci *npe = NULL;
    if (!c || !c->pm || !c->npe)
        return -EINVAL;
    for (size_t i = 0; i < sizeof(npe_pci) / sizeof(npe_pci[0]); i++)
        if (strcmp(npe_pci[i].npe, c->npe) == 0)
            npe = &npe_pci[i];
    if (!npe)
        return -EINVAL;
    /* §12.2: DEC 21050 bay bridges with "std", DEC 21150 with "vxr". */
    enum pci_bridge_chip bay_bridge;
    if (!c->midplane || strcmp(c->midplane, "vxr") == 0)
        bay_bridge = PCI_BRIDGE_DEC21150;
    else if (strcmp(c->midplane, "std") == 0)
        bay_bridge = PCI_BRIDGE_DEC21050;
    else
        return -EINVAL;

    struct c7200_pci *p = calloc(1, sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->npe = npe;
    p->bay_bridge = bay_bridge;
    p->pm = c->pm;
    p->lg = c->lg;
    p->mpfpga = c->mpfpga;

    int rc = pci_io_create(c->lg, &p->io);
    if (rc == 0)
        rc = build_buses(p);
    if (rc == 0)
        rc = build_controllers(p, &c->gt_irq);
    if (rc == 0)
        rc = build_windows(p);
    if (rc < 0) {
        c7200_pci_destroy(p);
        return rc;
    }
    *out = p;
    return 0;
}

void c7200_pci_destroy(struct c7200_pci *p)
{
    if (!p)
        return;
    for (int i = 0; i < MAP_COUNT; i++)
        if (p->mapped[i])
            physmap_remove(p->pm, p->map_base[i]);
    for (int i = 0; i < 2; i++) {
        c7200_sram_destroy(p->sram[i]);
        gt64k_destroy(p->gt[i]);
    }
    /* Leaves first: a bus's destruction removes what is still on it. */
    for (int i = BUS_COUNT - 1; i >= 0; i--)
        pci_bus_destroy(p->bus[i]);
    bswap_window_destroy(p->bswap);
    pci_io_destroy(p->io);
    free(p);
}

void c7200_pci_reset(struct c7200_pci *p)
{
    for (int i = 0; i < 2; i++)
        if (p->gt[i])
            dev_reset(gt64k_device(p->gt[i]));
    pci_bus_reset(p->bus[BUS_ROOT0]);
    if (p->bus[BUS_ROOT1])
        pci_bus_reset(p->bus[BUS_ROOT1]);
}

/* ============================================================ accessors */

struct pci_bus *c7200_pci_bay_bus(struct c7200_pci *p, unsigned bay)
{
    return bay < C7200_PCI_BAYS ? p->bay[bay] : NULL;
}

unsigned c7200_pci_bay0_device(const struct c7200_pci *p)
{
    return p->npe->topo == TOPO_GT64010 ? GT64010_BAY0_DEV : 0;
}

int c7200_pci_add_device(struct c7200_pci *p, unsigned bay, unsigned devno,
                         int irq_port, const struct pci_dev_config *cfg,
                         struct pci_dev **out)
{
    struct pci_bus *bus = c7200_pci_bay_bus(p, bay);
    if (!bus || !cfg || irq_port > 7)
        return -EINVAL;
    struct pci_dev_config c = *cfg;
    if (irq_port >= 0)
        c.irq = c7200_pci_bay_irq(p, bay, (unsigned)irq_port);
    return pci_dev_add(bus, devno, 0, &c, out);
}

struct pci_bus *c7200_pci_pcmcia_bus(struct c7200_pci *p, unsigned *devno)
{
    if (devno)
        *devno = p->pcmcia_dev;
    return p->pcmcia_bus;
}

struct pci_io *c7200_pci_io(struct c7200_pci *p)
{
    return p->io;
}

struct pci_bus *c7200_pci_root(struct c7200_pci *p, unsigned port)
{
    return port < 2 ? p->bus[BUS_ROOT0 + port] : NULL;
}

struct gt64k *c7200_pci_gt(struct c7200_pci *p, unsigned i)
{
    return i < 2 ? p->gt[i] : NULL;
}
