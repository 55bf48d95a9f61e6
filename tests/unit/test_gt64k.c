/*
 * GT-64010/GT-64120 and the c7200 PCI side, driven the way a guest drives
 * them: 32-bit stores and loads at the GT's physical window, values
 * byte-reversed by the CPU (c7200.md §11.1). Checks the register values
 * of §11.2 (observed ones included), a depth-first enumeration of every
 * NPE's topology against §12.2 (including the "observed on the reference"
 * bus numbering), BAR windows and bay interrupts through the MP FPGA
 * (§4.2), GT interrupt cause/mask (§11.4), the DMA engine (§11.3), the
 * byte-swapped windows (§3.2, §3.3) and the packet SRAM (§3.2).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dev/c7200_mpfpga.h"
#include "dev/gt64k.h"
#include "dev/pci_bus.h"
#include "machine/c7200/c7200_pci.h"
#include "mem/physmap.h"
#include "irq_harness.h"

#define RAM_SIZE (1u << 20)
#define GT1 C7200_GT_BASE_1
#define GT2 C7200_GT_BASE_2

struct win {
    struct device dev;
    uint64_t last_off;
    int reads;
};

static uint64_t win_read(struct device *d, uint64_t off, unsigned size)
{
    struct win *w = DEV_CONTAINER(d, struct win, dev);
    w->reads++;
    w->last_off = off;
    return 0x5A5A0000u | (uint32_t)off;
}

static const struct device_ops win_ops = {.read = win_read};

struct gfx {
    struct physmap pm;
    uint8_t *ram;
    struct irq_log gt_irq, net_irq, mgmt_irq, oir_irq;
    struct c7200_mpfpga *mp;
    struct c7200_pci *pci;
    struct pci_dev *markers[8];
    struct win win;
};

static struct gfx *gfx_new(const char *npe, const char *midplane)
{
    struct gfx *g = test_calloc(1, sizeof(*g));
    g->ram = test_calloc(1, RAM_SIZE);
    physmap_init(&g->pm, NULL, 0x1FFFFFFFFull);
    assert_int_equal(physmap_add_ram(&g->pm, "dram", 0, RAM_SIZE, g->ram, 0),
                     0);
    struct c7200_mpfpga_config mc = {
        .net_irq = {irq_log_set, &g->net_irq, 2},
        .pa_mgmt_irq = {irq_log_set, &g->mgmt_irq, 3},
        .oir_irq = {irq_log_set, &g->oir_irq, 6},
    };
    g->mp = c7200_mpfpga_create(&mc);
    assert_non_null(g->mp);
    struct c7200_pci_config pc = {
        .npe = npe,
        .midplane = midplane,
        .pm = &g->pm,
        .gt_irq = {irq_log_set, &g->gt_irq, 4},
        .mpfpga = g->mp,
    };
    assert_int_equal(c7200_pci_create(&pc, &g->pci), 0);
    g->win.dev.name = "win";
    g->win.dev.ops = &win_ops;
    return g;
}

static void gfx_free(struct gfx *g)
{
    for (int i = 0; i < 8; i++)
        pci_dev_remove(g->markers[i]);
    c7200_pci_destroy(g->pci);
    c7200_mpfpga_destroy(g->mp);
    physmap_free(&g->pm);
    test_free(g->ram);
    test_free(g);
}

/* ---- the guest's view of the GT ---- */

static uint32_t bswap(uint32_t v)
{
    return __builtin_bswap32(v);
}

static uint32_t cpu_ld(struct gfx *g, uint64_t pa)
{
    return (uint32_t)physmap_read(&g->pm, pa, 4, 0);
}

static void cpu_st(struct gfx *g, uint64_t pa, uint32_t v)
{
    physmap_write(&g->pm, pa, 4, v, 0);
}

/* A guest configuration read through port 0 (0xCF8) or 1 (0xCF0). */
static uint32_t cfg_rd(struct gfx *g, uint64_t gt, unsigned port,
                       unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
    uint64_t a = gt + (port ? GT_PCI1_CFG_ADDR : GT_PCI0_CFG_ADDR);
    cpu_st(g, a, bswap(PCI_CFG_ADDR(bus, dev, fn, reg)));
    return bswap(cpu_ld(g, a + 4));
}

static void cfg_wr(struct gfx *g, uint64_t gt, unsigned port, unsigned bus,
                   unsigned dev, unsigned fn, unsigned reg, uint32_t v)
{
    uint64_t a = gt + (port ? GT_PCI1_CFG_ADDR : GT_PCI0_CFG_ADDR);
    cpu_st(g, a, bswap(PCI_CFG_ADDR(bus, dev, fn, reg)));
    cpu_st(g, a + 4, bswap(v));
}

/* ---- depth-first enumeration, each root numbered from 1 ---- */

struct found {
    unsigned bus, dev;
    uint32_t id;
    int sec; /* bus number given to a bridge, -1 otherwise */
};

struct walk {
    struct gfx *g;
    unsigned port;
    unsigned next;
    struct found f[64];
    int n;
};

static int bus_answers(struct walk *w, unsigned bus)
{
    for (unsigned d = 0; d < 32; d++)
        if (cfg_rd(w->g, GT1, w->port, bus, d, 0, 0) != 0xFFFFFFFFu)
            return 1;
    return 0;
}

static void walk_bus(struct walk *w, unsigned bus)
{
    for (unsigned d = 0; d < 32; d++) {
        for (unsigned fn = 0; fn < 8; fn++) {
            uint32_t id = cfg_rd(w->g, GT1, w->port, bus, d, fn, 0);
            if (id == 0xFFFFFFFFu)
                continue;
            assert_true(w->n < 64);
            struct found *f = &w->f[w->n++];
            *f = (struct found){bus, d, id, -1};
            if ((cfg_rd(w->g, GT1, w->port, bus, d, fn, 0x08) >> 16) !=
                0x0604)
                continue;
            unsigned sec = w->next++;
            f->sec = (int)sec;
            cfg_wr(w->g, GT1, w->port, bus, d, fn, 0x18,
                   bus | sec << 8 | 0xFFu << 16);
            walk_bus(w, sec);
            /* A bus reachable only by its number (c7200.md §12.3). */
            if (bus_answers(w, w->next))
                walk_bus(w, w->next++);
            cfg_wr(w->g, GT1, w->port, bus, d, fn, 0x18,
                   bus | sec << 8 | (w->next - 1) << 16);
        }
    }
}

static void walk(struct gfx *g, unsigned port, struct walk *w)
{
    memset(w, 0, sizeof(*w));
    w->g = g;
    w->port = port;
    w->next = 1;
    walk_bus(w, 0);
}

static void expect_walk(const struct walk *w, const struct found *exp, int n)
{
    for (int i = 0; i < n && i < w->n; i++) {
        if (w->f[i].bus != exp[i].bus || w->f[i].dev != exp[i].dev ||
            w->f[i].id != exp[i].id || w->f[i].sec != exp[i].sec)
            print_error("entry %d: got %u:%u %08x sec %d, want %u:%u %08x "
                        "sec %d\n", i, w->f[i].bus, w->f[i].dev, w->f[i].id,
                        w->f[i].sec, exp[i].bus, exp[i].dev, exp[i].id,
                        exp[i].sec);
        assert_int_equal(w->f[i].bus, exp[i].bus);
        assert_int_equal(w->f[i].dev, exp[i].dev);
        assert_int_equal(w->f[i].id, exp[i].id);
        assert_int_equal(w->f[i].sec, exp[i].sec);
    }
    assert_int_equal(w->n, n);
}

/* Stand-ins for the chips that are later tasks: the C7200-IO-FE's
 * DEC21140 in bay 0, the CL-PD6729, and a marker per PA bay. */
#define ID_DEC21140 0x00091011u
#define ID_PD6729 0x11001013u
#define ID_SRAM 0x00051137u
#define ID_GT64010 0x014611ABu
#define ID_GT64120 0x462011ABu
#define ID_DEC21050 0x00011011u
#define ID_DEC21150 0x00231011u
#define MARKER(bay) (0xBA000000u | (bay))

static void add_stand_ins(struct gfx *g)
{
    struct pci_dev_config c = {.name = "dec21140", .vendor_id = 0x1011,
                               .device_id = 0x0009,
                               .class_rev = 0x02000011};
    assert_int_equal(c7200_pci_add_device(g->pci, 0,
                                          c7200_pci_bay0_device(g->pci), 0,
                                          &c, &g->markers[0]), 0);
    unsigned pd_dev;
    struct pci_bus *pd_bus = c7200_pci_pcmcia_bus(g->pci, &pd_dev);
    struct pci_dev_config pd = {.name = "clpd6729", .vendor_id = 0x1013,
                                .device_id = 0x1100};
    assert_int_equal(pci_dev_add(pd_bus, pd_dev, 0, &pd, &g->markers[7]), 0);
    for (unsigned bay = 1; bay <= 6; bay++) {
        struct pci_dev_config m = {.name = "marker", .vendor_id = (uint16_t)bay,
                                   .device_id = 0xBA00};
        /* devices at 0 collide with nothing: SRAM is on the group buses */
        assert_int_equal(c7200_pci_add_device(g->pci, bay, 0, (int)0, &m,
                                              &g->markers[bay]), 0);
    }
}

/* ================================================================ tests */

static void test_gt_fixed_registers_as_cpu_sees_them(void **state)
{
    (void)state;
    static const char *const npes[2] = {"npe-200", "npe-400"};
    for (int i = 0; i < 2; i++) {
        struct gfx *g = gfx_new(npes[i], "vxr");
        /* §11.2 observed: 32-bit loads through KSEG1 after reversal. */
        assert_int_equal(cpu_ld(g, GT1 + 0xC00), 0x01800000);
        assert_int_equal(cpu_ld(g, GT1 + 0x008), 0x00000000);
        assert_int_equal(cpu_ld(g, GT1 + 0x010), 0x7F000000);
        assert_int_equal(cpu_ld(g, GT1 + 0xC18), 0);
        assert_int_equal(cpu_ld(g, GT1 + 0xC1C), 0);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0x018)), i == 0 ? 0x080 : 0x100);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0x020)), 0x07F);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0x404)), 0xFF);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0x408)), 0x7F);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0x414)), 0xFF);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0x418)), 0x7F);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0xC08)), 0xFFF);
        assert_int_equal(bswap(cpu_ld(g, GT1 + 0xC0C)), 0xFFF);
        /* Fixed registers ignore writes; unknown ones read 0. */
        cpu_st(g, GT1 + 0xC00, 0);
        assert_int_equal(cpu_ld(g, GT1 + 0xC00), 0x01800000);
        cpu_st(g, GT1 + 0x100, 0x12345678);
        assert_int_equal(cpu_ld(g, GT1 + 0x100), 0);
        /* The latch reads back what the CPU stored. */
        cpu_st(g, GT1 + 0xCF8, 0x80001234);
        assert_int_equal(cpu_ld(g, GT1 + 0xCF8), 0x80001234);
        cpu_st(g, GT1 + 0xCF0, 0x80001234);
        /* §11: GT-64010 does not decode 0xCF0 (observed: reads 0). */
        assert_int_equal(cpu_ld(g, GT1 + 0xCF0), i == 0 ? 0 : 0x80001234);
        assert_int_equal(cpu_ld(g, GT1 + 0xCF4), 0);
        /* §3.1: the GT answers uncached accesses only. */
        assert_int_equal(physmap_read(&g->pm, GT1 + 0xC00, 4, 1), 0);
        gfx_free(g);
    }
}

static void test_config_data_is_byte_reversed(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-200", "vxr");
    add_stand_ins(g);
    /* §11.1: the DEC21140 ID 0x00091011 is seen by the CPU as 0x11100900. */
    cpu_st(g, GT1 + 0xCF8, bswap(PCI_CFG_ADDR(0, 6, 0, 0)));
    assert_int_equal(cpu_ld(g, GT1 + 0xCFC), 0x11100900);
    gfx_free(g);
}

static void test_gt_pci_identity(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-100", "vxr");
    /* §12.4: GT-64010 11AB:0146, 0x08 = 0, everything else 0 (0x3C too). */
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x00), ID_GT64010);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x08), 0);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x04), 0);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x3C), 0);
    gfx_free(g);
    g = gfx_new("npe-225", "vxr");
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x00), ID_GT64120);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x08), 0x03008005);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x0C), 0);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 0, 0, 0x10), 0);
    /* Bridge class word of §12.1. */
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 1, 0, 0x08), 0x06040000);
    /* The MB2 root has no GT identity. */
    assert_int_equal(cfg_rd(g, GT1, 1, 0, 0, 0, 0x00), 0xFFFFFFFFu);
    gfx_free(g);
}

static void test_enumerate_npe200(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-200", "vxr");
    add_stand_ins(g);
    struct walk w;
    walk(g, 0, &w);
    /* §12.2 "observed on the reference", NPE-200, port 0xCF8. */
    static const struct found exp[] = {
        {0, 0, ID_GT64010, -1}, {0, 1, ID_DEC21050, 1},
        {0, 2, ID_DEC21050, 2}, {2, 0, ID_SRAM, -1},
        {2, 1, ID_DEC21150, 3}, {3, 0, MARKER(1), -1},
        {2, 2, ID_DEC21150, 4}, {4, 0, MARKER(3), -1},
        {2, 3, ID_DEC21150, 5}, {5, 0, MARKER(5), -1},
        {0, 3, ID_DEC21050, 6}, {0, 4, ID_DEC21050, 7},
        {7, 0, ID_SRAM, -1},    {7, 1, ID_DEC21150, 8},
        {8, 0, MARKER(2), -1},  {7, 2, ID_DEC21150, 9},
        {9, 0, MARKER(4), -1},  {7, 3, ID_DEC21150, 10},
        {10, 0, MARKER(6), -1}, {0, 5, ID_PD6729, -1},
        {0, 6, ID_DEC21140, -1},
    };
    expect_walk(&w, exp, (int)(sizeof(exp) / sizeof(exp[0])));
    /* §12.2 observed: nothing behind 0xCF0 (the GT-64010 does not decode
     * the port: configuration data reads 0). */
    assert_int_equal(cfg_rd(g, GT1, 1, 0, 0, 0, 0), 0);
    assert_int_equal(cfg_rd(g, GT1, 1, 0, 7, 0, 0), 0);
    gfx_free(g);
}

static void test_enumerate_npe100_std_midplane(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-100", "std");
    struct walk w;
    walk(g, 0, &w);
    /* §12.2: no packet SRAM; "std" midplane: bay bridges are DEC 21050. */
    static const struct found exp[] = {
        {0, 0, ID_GT64010, -1},  {0, 1, ID_DEC21050, 1},
        {0, 2, ID_DEC21050, 2},  {2, 1, ID_DEC21050, 3},
        {2, 2, ID_DEC21050, 4},  {2, 3, ID_DEC21050, 5},
        {0, 3, ID_DEC21050, 6},  {0, 4, ID_DEC21050, 7},
        {7, 1, ID_DEC21050, 8},  {7, 2, ID_DEC21050, 9},
        {7, 3, ID_DEC21050, 10},
    };
    expect_walk(&w, exp, (int)(sizeof(exp) / sizeof(exp[0])));
    unsigned dev;
    assert_ptr_equal(c7200_pci_pcmcia_bus(g->pci, &dev),
                     c7200_pci_bay_bus(g->pci, 0));
    assert_int_equal(dev, 5);
    assert_int_equal(c7200_pci_bay0_device(g->pci), 6);
    assert_null(c7200_pci_root(g->pci, 1));
    assert_null(c7200_pci_gt(g->pci, 1));
    gfx_free(g);
}

static void check_npe400_like(const char *npe, uint32_t bay0_bridge)
{
    struct gfx *g = gfx_new(npe, "vxr");
    add_stand_ins(g);
    struct walk w;
    walk(g, 0, &w);
    /* §12.2 observed, NPE-400 port 0xCF8: bay 0 = bus 1, PD6729 at 2:16,
     * bays 1/3/5 at buses 3/4/5. */
    const struct found exp0[] = {
        {0, 0, ID_GT64120, -1},      {0, 1, bay0_bridge, 1},
        {1, 0, ID_DEC21140, -1},     {2, 16, ID_PD6729, -1},
        {0, 7, ID_DEC21150, 3},      {3, 0, MARKER(1), -1},
        {0, 8, ID_DEC21150, 4},      {4, 0, MARKER(3), -1},
        {0, 9, ID_DEC21150, 5},      {5, 0, MARKER(5), -1},
    };
    expect_walk(&w, exp0, 10);
    /* Port 0xCF0: bays 2/4/6 at buses 1/2/3. */
    walk(g, 1, &w);
    const struct found exp1[] = {
        {0, 7, ID_DEC21150, 1}, {1, 0, MARKER(2), -1},
        {0, 8, ID_DEC21150, 2}, {2, 0, MARKER(4), -1},
        {0, 9, ID_DEC21150, 3}, {3, 0, MARKER(6), -1},
    };
    expect_walk(&w, exp1, 6);
    unsigned dev;
    c7200_pci_pcmcia_bus(g->pci, &dev);
    assert_int_equal(dev, 16);
    assert_int_equal(c7200_pci_bay0_device(g->pci), 0);
    gfx_free(g);
}

static void test_enumerate_npe400(void **state)
{
    (void)state;
    /* §12.2: DEC 21050 to bay 0 on the NPE-400, DEC 21150 on 175/225. */
    check_npe400_like("npe-400", ID_DEC21050);
    check_npe400_like("npe-175", ID_DEC21150);
    check_npe400_like("npe-225", ID_DEC21150);
}

static void test_enumerate_npe300(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-300", "vxr");
    add_stand_ins(g);
    struct walk w;
    walk(g, 0, &w);
    static const struct found exp0[] = {
        {0, 0, ID_GT64120, -1},  {0, 1, ID_DEC21150, 1},
        {1, 0, ID_DEC21140, -1}, {2, 16, ID_PD6729, -1},
        {0, 2, ID_DEC21150, 3},  {3, 1, ID_DEC21150, 4},
        {4, 0, MARKER(1), -1},   {3, 2, ID_DEC21150, 5},
        {5, 0, MARKER(3), -1},   {3, 3, ID_DEC21150, 6},
        {6, 0, MARKER(5), -1},
    };
    expect_walk(&w, exp0, 11);
    walk(g, 1, &w);
    static const struct found exp1[] = {
        {0, 1, ID_DEC21150, 1}, {1, 1, ID_DEC21150, 2},
        {2, 0, MARKER(2), -1},  {1, 2, ID_DEC21150, 3},
        {3, 0, MARKER(4), -1},  {1, 3, ID_DEC21150, 4},
        {4, 0, MARKER(6), -1},
    };
    expect_walk(&w, exp1, 7);

    /* §11: the second GT reaches the same roots and shares the latches. */
    cpu_st(g, GT2 + 0xCF8, bswap(PCI_CFG_ADDR(0, 0, 0, 0)));
    assert_int_equal(bswap(cpu_ld(g, GT1 + 0xCFC)), ID_GT64120);
    assert_int_equal(bswap(cpu_ld(g, GT2 + 0xCFC)), ID_GT64120);
    assert_int_equal(cfg_rd(g, GT2, 1, 1, 1, 0, 0), ID_DEC21150);
    assert_non_null(c7200_pci_gt(g->pci, 1));
    /* Only one GT identity on PCI: nothing else at 0:0 of either root. */
    assert_int_equal(cfg_rd(g, GT2, 1, 0, 0, 0, 0), 0xFFFFFFFFu);
    /* The second GT cannot interrupt (§11, §11.4). */
    cpu_st(g, GT2 + GT_INT_MASK, bswap(0xFFFFFFFF));
    gt64k_set_cause(c7200_pci_gt(g->pci, 1), 0x10);
    assert_int_equal(g->gt_irq.level, 0);
    assert_int_equal(gt64k_irq_level(c7200_pci_gt(g->pci, 1)), 1);
    gfx_free(g);
}

static void test_reset_forgets_numbering(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    add_stand_ins(g);
    struct walk w;
    walk(g, 0, &w);
    assert_int_equal(cfg_rd(g, GT1, 0, 2, 16, 0, 0), ID_PD6729);
    c7200_pci_reset(g->pci);
    assert_int_equal(cpu_ld(g, GT1 + 0xCF8), 0);
    assert_int_equal(cfg_rd(g, GT1, 0, 0, 1, 0, 0x18), 0);
    assert_int_equal(cfg_rd(g, GT1, 0, 1, 0, 0, 0), 0xFFFFFFFFu);
    walk(g, 0, &w);
    assert_int_equal(w.n, 10);
    assert_int_equal(cfg_rd(g, GT1, 0, 2, 16, 0, 0), ID_PD6729);
    gfx_free(g);
}

static void test_bar_window_and_bay_interrupt(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    struct pci_dev_config c = {.name = "dec21140", .vendor_id = 0x1011,
                               .device_id = 0x0009,
                               .class_rev = 0x02000011};
    c.bar[1] = (struct pci_bar_desc){.size = 0x20000, .window = &g->win.dev};
    struct pci_dev *d;
    /* bay 3, port 0: MP FPGA 0x10 bit 24 (§4.2) */
    assert_int_equal(c7200_pci_add_device(g->pci, 3, 0, 0, &c, &d), 0);
    struct walk w;
    walk(g, 0, &w); /* without a PD6729, bay 3 ends up as bus 3 */
    unsigned bus = (unsigned)pci_bus_number(c7200_pci_bay_bus(g->pci, 3));
    assert_int_equal(cfg_rd(g, GT1, 0, bus, 0, 0, 0), ID_DEC21140);
    cfg_wr(g, GT1, 0, bus, 0, 0, 0x14, 0x48000000);
    assert_int_equal(cfg_rd(g, GT1, 0, bus, 0, 0, 0x14), 0x48000000);
    /* The window answers uncached accesses at the BAR address. */
    assert_int_equal(physmap_read(&g->pm, 0x48000028, 4, 0), 0x5A5A0028u);
    assert_int_equal(physmap_read(&g->pm, 0x48000028, 4, 1), 0);

    struct device *mp = c7200_mpfpga_device(g->mp);
    pci_dev_set_irq(d, 1);
    assert_int_equal(dev_read(mp, 0x10, 4), 1u << 24);
    assert_int_equal(g->net_irq.level, 0);
    dev_write(mp, 0x20, 4, 1u << 24);
    assert_int_equal(g->net_irq.level, 1);
    pci_dev_set_irq(d, 0);
    assert_int_equal(dev_read(mp, 0x10, 4), 0);
    assert_int_equal(g->net_irq.level, 0);

    /* Bay 6, port 2: second status register 0x18, bit 18. */
    struct irq_line l = c7200_pci_bay_irq(g->pci, 6, 2);
    irq_set(&l, 1);
    assert_int_equal(dev_read(mp, 0x18, 4), 1u << 18);
    irq_set(&l, 0);
    /* Out-of-range lines are inert. */
    l = c7200_pci_bay_irq(g->pci, 7, 0);
    irq_set(&l, 1);
    assert_int_equal(c7200_pci_add_device(g->pci, 7, 0, 0, &c, NULL), -EINVAL);
    pci_dev_remove(d);
    assert_null(physmap_find(&g->pm, 0x48000000));
    gfx_free(g);
}

static void test_gt_interrupt_cause_mask(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    struct gt64k *gt = c7200_pci_gt(g->pci, 0);
    gt64k_set_cause(gt, 0x30);
    assert_int_equal(g->gt_irq.level, 0); /* masked */
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_INT_CAUSE)), 0x30);
    cpu_st(g, GT1 + GT_INT_MASK, bswap(0x10));
    assert_int_equal(gt64k_int_mask(gt), 0x10);
    assert_int_equal(g->gt_irq.level, 1);
    /* §11.2: cause := cause AND written value. */
    cpu_st(g, GT1 + GT_INT_CAUSE, bswap(~0x10u));
    assert_int_equal(gt64k_int_cause(gt), 0x20);
    assert_int_equal(g->gt_irq.level, 0);
    cpu_st(g, GT1 + GT_INT_MASK, bswap(0x20));
    assert_int_equal(g->gt_irq.level, 1);
    cpu_st(g, GT1 + GT_INT_CAUSE, 0);
    assert_int_equal(gt64k_int_cause(gt), 0);
    assert_int_equal(g->gt_irq.level, 0);
    /* Device reset clears cause and mask. */
    gt64k_set_cause(gt, 0x20);
    assert_int_equal(g->gt_irq.level, 1);
    c7200_pci_reset(g->pci);
    assert_int_equal(g->gt_irq.level, 0);
    assert_int_equal(gt64k_int_mask(gt), 0);
    gfx_free(g);
}

/* ---- DMA ---- */

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void put_record(struct gfx *g, uint32_t at, uint32_t count,
                       uint32_t src, uint32_t dst, uint32_t next)
{
    put_le32(g->ram + at, count);
    put_le32(g->ram + at + 4, src);
    put_le32(g->ram + at + 8, dst);
    put_le32(g->ram + at + 12, next);
}

static void test_dma_chained_records(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    for (int i = 0; i < 256; i++)
        g->ram[0x2000 + i] = (uint8_t)i;
    put_record(g, 0x1000, 0xFFFF0010, 0x2000, 0x3000, 0x1010); /* 16 bytes */
    put_record(g, 0x1010, 8, 0x2080, 0x3100, 0);
    cpu_st(g, GT1 + GT_INT_MASK, bswap(GT_INT_DMA_DONE(2)));
    cpu_st(g, GT1 + GT_DMA_NEXT(2), bswap(0x1000));
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_NEXT(2))), 0x1000);
    cpu_st(g, GT1 + GT_DMA_CTRL(2),
           bswap(GT_DMA_FETCH_NEXT | GT_DMA_CHAN_ENABLE));
    /* §11.3: both records copied (count & 0xFFFF), bit 4+2 set, line 4. */
    assert_memory_equal(g->ram + 0x3000, g->ram + 0x2000, 16);
    assert_int_equal(g->ram[0x3010], 0);
    assert_memory_equal(g->ram + 0x3100, g->ram + 0x2080, 8);
    assert_int_equal(g->ram[0x3108], 0);
    assert_int_equal(gt64k_int_cause(c7200_pci_gt(g->pci, 0)), 0x40);
    assert_int_equal(g->gt_irq.level, 1);
    /* The fetch bit is cleared, the last record's registers are loaded. */
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_CTRL(2))),
                     GT_DMA_CHAN_ENABLE);
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_SRC(2))), 0x2080);
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_DST(2))), 0x3100);
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_NEXT(2))), 0);
    cpu_st(g, GT1 + GT_INT_CAUSE, 0);
    assert_int_equal(g->gt_irq.level, 0);
    gfx_free(g);
}

static void test_dma_chain_disabled_and_no_enable(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    memset(g->ram + 0x2000, 0xAB, 64);
    put_record(g, 0x1000, 4, 0x2000, 0x3000, 0x1010);
    put_record(g, 0x1010, 4, 0x2000, 0x3100, 0);
    /* Fetch without enable: registers loaded, nothing moves, no cause. */
    cpu_st(g, GT1 + GT_DMA_NEXT(0), bswap(0x1000));
    cpu_st(g, GT1 + GT_DMA_CTRL(0), bswap(GT_DMA_FETCH_NEXT));
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_SRC(0))), 0x2000);
    assert_int_equal(g->ram[0x3000], 0);
    assert_int_equal(gt64k_int_cause(c7200_pci_gt(g->pci, 0)), 0);
    /* Enable with chaining off (bit 0x200): only the loaded record. */
    cpu_st(g, GT1 + GT_DMA_CTRL(0),
           bswap(GT_DMA_CHAN_ENABLE | GT_DMA_CHAIN_DISABLE));
    assert_int_equal(g->ram[0x3003], 0xAB);
    assert_int_equal(g->ram[0x3004], 0);
    assert_int_equal(g->ram[0x3100], 0);
    assert_int_equal(gt64k_int_cause(c7200_pci_gt(g->pci, 0)), 0x10);
    /* Programmed directly: src/dst registers, count 0 (not decoded). */
    cpu_st(g, GT1 + GT_DMA_SRC(1), bswap(0x2000));
    assert_int_equal(bswap(cpu_ld(g, GT1 + GT_DMA_SRC(1))), 0x2000);
    gfx_free(g);
}

static void test_dma_guest_mistakes(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    /* A record pointing at itself in chained mode: bounded, no hang. */
    memset(g->ram + 0x2000, 0x11, 4);
    put_record(g, 0x1000, 4, 0x2000, 0x3000, 0x1000);
    cpu_st(g, GT1 + GT_DMA_NEXT(3), bswap(0x1000));
    cpu_st(g, GT1 + GT_DMA_CTRL(3),
           bswap(GT_DMA_FETCH_NEXT | GT_DMA_CHAN_ENABLE));
    assert_int_equal(g->ram[0x3000], 0x11);
    assert_int_equal(gt64k_int_cause(c7200_pci_gt(g->pci, 0)), 0x80);
    /* Fetch with a null pointer: logged and ignored, nothing completes. */
    cpu_st(g, GT1 + GT_DMA_NEXT(1), 0);
    cpu_st(g, GT1 + GT_DMA_CTRL(1),
           bswap(GT_DMA_FETCH_NEXT | GT_DMA_CHAN_ENABLE));
    assert_int_equal(gt64k_int_cause(c7200_pci_gt(g->pci, 0)), 0x80);
    /* Unmapped source or destination: dropped, still completes. */
    put_record(g, 0x1100, 64, 0x09000000, 0x3000, 0);
    cpu_st(g, GT1 + GT_DMA_NEXT(1), bswap(0x1100));
    cpu_st(g, GT1 + GT_DMA_CTRL(1),
           bswap(GT_DMA_FETCH_NEXT | GT_DMA_CHAN_ENABLE));
    assert_int_equal(g->ram[0x3000], 0x11);
    assert_true(gt64k_int_cause(c7200_pci_gt(g->pci, 0)) & 0x20);
    /* Into ROM-like read-only memory: dropped. */
    static uint8_t rom[0x1000];
    assert_int_equal(physmap_add_ram(&g->pm, "rom", 0x1FC00000, sizeof(rom),
                                     rom, PR_READONLY), 0);
    put_record(g, 0x1200, 4, 0x2000, 0x1FC00000, 0);
    cpu_st(g, GT1 + GT_DMA_NEXT(1), bswap(0x1200));
    cpu_st(g, GT1 + GT_DMA_CTRL(1),
           bswap(GT_DMA_FETCH_NEXT | GT_DMA_CHAN_ENABLE));
    assert_int_equal(rom[0], 0);
    gfx_free(g);
}

static void test_dma_through_bswap_window(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    static const uint8_t src[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    memcpy(g->ram + 0x2000, src, 8);
    /* §3.3, §11.3: a destination in the byte-swapped window. */
    put_record(g, 0x1000, 8, 0x2000, (uint32_t)C7200_BSWAP_BASE + 0x4000, 0);
    cpu_st(g, GT1 + GT_DMA_NEXT(0), bswap(0x1000));
    cpu_st(g, GT1 + GT_DMA_CTRL(0),
           bswap(GT_DMA_FETCH_NEXT | GT_DMA_CHAN_ENABLE));
    static const uint8_t want[8] = {3, 2, 1, 0, 7, 6, 5, 4};
    assert_memory_equal(g->ram + 0x4000, want, 8);
    gfx_free(g);
}

/* ---- byte-swapped windows and packet SRAM ---- */

static void test_bswap_window_sizes(void **state)
{
    (void)state;
    struct gfx *g = gfx_new("npe-400", "vxr");
    static const uint8_t b[8] = {0x00, 0x11, 0x22, 0x33,
                                 0x44, 0x55, 0x66, 0x77};
    memcpy(g->ram + 0x100, b, 8);
    uint64_t w = C7200_BSWAP_BASE + 0x100;
    /* §3.3: 1 byte -> P + (off ^ 3); 2 -> P + (off ^ 2) reversed; 4 ->
     * P + off reversed. */
    assert_int_equal(physmap_read(&g->pm, w + 0, 1, 0), 0x33);
    assert_int_equal(physmap_read(&g->pm, w + 1, 1, 0), 0x22);
    assert_int_equal(physmap_read(&g->pm, w + 3, 1, 0), 0x00);
    assert_int_equal(physmap_read(&g->pm, w + 4, 1, 0), 0x77);
    assert_int_equal(physmap_read(&g->pm, w + 0, 2, 0), 0x3322);
    assert_int_equal(physmap_read(&g->pm, w + 2, 2, 0), 0x1100);
    assert_int_equal(physmap_read(&g->pm, w + 0, 4, 0), 0x33221100);
    assert_int_equal(physmap_read(&g->pm, w + 4, 4, 0), 0x77665544);
    assert_int_equal(physmap_read(&g->pm, w + 0, 8, 0),
                     0x3322110077665544ull);
    /* Writes. */
    physmap_write(&g->pm, w + 0, 4, 0xAABBCCDD, 0);
    static const uint8_t w4[4] = {0xDD, 0xCC, 0xBB, 0xAA};
    assert_memory_equal(g->ram + 0x100, w4, 4);
    physmap_write(&g->pm, w + 2, 2, 0x1234, 0);
    assert_int_equal(g->ram[0x100], 0x34);
    assert_int_equal(g->ram[0x101], 0x12);
    physmap_write(&g->pm, w + 1, 1, 0x99, 0);
    assert_int_equal(g->ram[0x102], 0x99);
    physmap_write(&g->pm, w + 0, 8, 0x0102030405060708ull, 0);
    static const uint8_t w8[8] = {4, 3, 2, 1, 8, 7, 6, 5};
    assert_memory_equal(g->ram + 0x100, w8, 8);
    /* §3.1: the window is 1 GB, uncached only. */
    const struct phys_region *r = physmap_find(&g->pm, C7200_BSWAP_BASE);
    assert_int_equal(r->size, 0x40000000ull);
    assert_true(r->flags & PR_UNCACHED_ONLY);
    assert_int_equal(physmap_read(&g->pm, w, 4, 1), 0);
    /* Beyond DRAM: unmapped, reads 0. */
    assert_int_equal(physmap_read(&g->pm, C7200_BSWAP_BASE + 0x08000000, 4,
                                  0), 0);
    gfx_free(g);
}

static void check_sram(const char *npe, uint64_t bank)
{
    struct gfx *g = gfx_new(npe, "vxr");
    /* §3.2: two banks, aliases at +0x1_0000_0000, swapped views +0x800000 */
    for (int i = 0; i < 2; i++) {
        uint64_t base = C7200_SRAM_BASE + (uint64_t)i * bank;
        const struct phys_region *r = physmap_find(&g->pm, base);
        assert_non_null(r);
        assert_int_equal(r->base, base);
        assert_int_equal(r->size, bank);
        assert_true(r->flags & PR_RAM);
        const struct phys_region *a =
            physmap_find(&g->pm, base + 0x100000000ull);
        assert_non_null(a);
        assert_ptr_equal(a->host, r->host);
        physmap_write(&g->pm, base + 0x10, 4, 0x01020304, 1);
        assert_int_equal(physmap_read(&g->pm, base + 0x100000010ull, 4, 1),
                         0x01020304);
        assert_int_equal(physmap_read(&g->pm, base + 0x800010, 4, 0),
                         0x04030201);
        assert_int_equal(physmap_read(&g->pm, base + 0x800010, 1, 0), 0x04);
        assert_int_equal(physmap_find(&g->pm, base + 0x800000)->size, bank);
    }
    assert_null(physmap_find(&g->pm, C7200_SRAM_BASE + 2 * bank));
    gfx_free(g);
}

static void test_packet_sram(void **state)
{
    (void)state;
    check_sram("npe-150", 512u << 10);
    check_sram("npe-200", 2u << 20);
    struct gfx *g = gfx_new("npe-100", "vxr");
    assert_null(physmap_find(&g->pm, C7200_SRAM_BASE));
    gfx_free(g);
}

static void test_map_per_npe(void **state)
{
    (void)state;
    static const char *const npes[] = {"npe-100", "npe-150", "npe-175",
                                       "npe-200", "npe-225", "npe-300",
                                       "npe-400"};
    for (size_t i = 0; i < sizeof(npes) / sizeof(npes[0]); i++) {
        struct gfx *g = gfx_new(npes[i], "vxr");
        const struct phys_region *r = physmap_find(&g->pm, GT1);
        assert_non_null(r);
        assert_int_equal(r->size, 0x1000);
        assert_true(r->flags & PR_UNCACHED_ONLY);
        /* §3.1: GT #2 on the NPE-300 only. */
        assert_int_equal(physmap_find(&g->pm, GT2) != NULL,
                         strcmp(npes[i], "npe-300") == 0);
        r = physmap_find(&g->pm, C7200_PCI_IO_BASE);
        assert_non_null(r);
        assert_int_equal(r->size, 0x200000);
        assert_true(r->flags & PR_UNCACHED_ONLY);
        assert_non_null(c7200_pci_io(g->pci));
        for (unsigned bay = 0; bay < 7; bay++)
            assert_non_null(c7200_pci_bay_bus(g->pci, bay));
        assert_null(c7200_pci_bay_bus(g->pci, 7));
        gfx_free(g);
    }
}

static void test_create_errors(void **state)
{
    (void)state;
    struct physmap pm;
    physmap_init(&pm, NULL, 0x1FFFFFFFFull);
    struct c7200_pci *p;
    struct c7200_pci_config c = {.npe = "npe-g1", .pm = &pm};
    assert_int_equal(c7200_pci_create(&c, &p), -EINVAL);
    c.npe = "npe-400";
    c.midplane = "xyz";
    assert_int_equal(c7200_pci_create(&c, &p), -EINVAL);
    /* Something already at 0x14000000: -EEXIST, nothing left behind. */
    static uint8_t junk[0x1000];
    assert_int_equal(physmap_add_ram(&pm, "junk", GT1, sizeof(junk), junk, 0),
                     0);
    c.midplane = "std";
    assert_int_equal(c7200_pci_create(&c, &p), -EEXIST);
    assert_int_equal(pm.count, 1);
    physmap_free(&pm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gt_fixed_registers_as_cpu_sees_them),
        cmocka_unit_test(test_config_data_is_byte_reversed),
        cmocka_unit_test(test_gt_pci_identity),
        cmocka_unit_test(test_enumerate_npe200),
        cmocka_unit_test(test_enumerate_npe100_std_midplane),
        cmocka_unit_test(test_enumerate_npe400),
        cmocka_unit_test(test_enumerate_npe300),
        cmocka_unit_test(test_reset_forgets_numbering),
        cmocka_unit_test(test_bar_window_and_bay_interrupt),
        cmocka_unit_test(test_gt_interrupt_cause_mask),
        cmocka_unit_test(test_dma_chained_records),
        cmocka_unit_test(test_dma_chain_disabled_and_no_enable),
        cmocka_unit_test(test_dma_guest_mistakes),
        cmocka_unit_test(test_dma_through_bswap_window),
        cmocka_unit_test(test_bswap_window_sizes),
        cmocka_unit_test(test_packet_sram),
        cmocka_unit_test(test_map_per_npe),
        cmocka_unit_test(test_create_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
