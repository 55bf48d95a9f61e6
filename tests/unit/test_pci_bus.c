/*
 * PCI bus model: configuration cycles against c7200.md §12.1-§12.3 and
 * devices.md §1.1-§1.2 (absent functions, identities, platform BARs,
 * bridges and their routing, the hidden route), plus the STANDARD header
 * (command register, BAR sizing, interrupt pin/status), BAR windows in the
 * physical map and the PCI I/O space.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/pci_bridge.h"
#include "dev/pci_bus.h"
#include "dev/pci_io.h"
#include "mem/physmap.h"
#include "irq_harness.h"

/* ---- a register window that records what reaches it ---- */

struct win {
    struct device dev;
    uint64_t last_off;
    unsigned last_size;
    uint64_t last_value;
    int reads, writes;
};

static uint64_t win_read(struct device *d, uint64_t off, unsigned size)
{
    struct win *w = DEV_CONTAINER(d, struct win, dev);
    w->reads++;
    w->last_off = off;
    w->last_size = size;
    return 0xA5000000u | (uint32_t)off;
}

static void win_write(struct device *d, uint64_t off, unsigned size,
                      uint64_t v)
{
    struct win *w = DEV_CONTAINER(d, struct win, dev);
    w->writes++;
    w->last_off = off;
    w->last_size = size;
    w->last_value = v;
}

static const struct device_ops win_ops = {.read = win_read,
                                          .write = win_write};

static void win_init(struct win *w)
{
    memset(w, 0, sizeof(*w));
    w->dev.name = "win";
    w->dev.ops = &win_ops;
}

/* ---- fixture: a physmap with RAM at 0 and one root bus ---- */

struct fx {
    struct physmap pm;
    uint8_t ram[0x10000];
    struct pci_bus *root;
    struct win w0, w1;
};

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    physmap_init(&f->pm, NULL, 0x1FFFFFFFFull);
    assert_int_equal(physmap_add_ram(&f->pm, "dram", 0, sizeof(f->ram),
                                     f->ram, 0), 0);
    assert_int_equal(pci_bus_create("root", 0, &f->pm, NULL, &f->root), 0);
    win_init(&f->w0);
    win_init(&f->w1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    pci_bus_destroy(f->root);
    physmap_free(&f->pm);
    test_free(f);
    return 0;
}

static uint32_t cfg_rd(struct pci_bus *root, unsigned bus, unsigned dev,
                       unsigned fn, unsigned reg)
{
    return pci_cfg_read(root, PCI_CFG_ADDR(bus, dev, fn, reg));
}

static void cfg_wr(struct pci_bus *root, unsigned bus, unsigned dev,
                   unsigned fn, unsigned reg, uint32_t v)
{
    pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn, reg), v);
}

/* DEC21140-like platform function: ID 1011:0009, CSRs behind BAR 0x14. */
static struct pci_dev_config tulip_cfg(struct win *w)
{
    struct pci_dev_config c = {
        .name = "dec21140",
        .vendor_id = 0x1011,
        .device_id = 0x0009,
        .class_rev = 0x02000011, /* c7200.md §12.4 */
        .mode = PCI_HDR_PLATFORM,
    };
    c.bar[1] = (struct pci_bar_desc){.size = 0x20000, .window = &w->dev};
    return c;
}

/* ================================================================ tests */

static void test_absent_function(void **state)
{
    struct fx *f = *state;
    /* c7200.md §12.1: 0x00 reads all-ones, other registers 0. */
    assert_int_equal(cfg_rd(f->root, 0, 5, 0, 0x00), 0xFFFFFFFFu);
    assert_int_equal(cfg_rd(f->root, 0, 5, 0, 0x08), 0);
    assert_int_equal(cfg_rd(f->root, 0, 31, 7, 0x3C), 0);
    assert_int_equal(cfg_rd(f->root, 9, 0, 0, 0x00), 0xFFFFFFFFu);
    cfg_wr(f->root, 0, 5, 0, 0x10, 0x12345678); /* dropped, no crash */
    assert_null(pci_find(f->root, 0, 5, 0));
}

static void test_identity_and_unmodelled_registers(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c = tulip_cfg(&f->w0);
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 6, 0, &c, &d), 0);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x00), 0x00091011);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x08), 0x02000011);
    /* §12.1: command, header type, subsystem, ROM BAR, interrupt read 0. */
    cfg_wr(f->root, 0, 6, 0, 0x04, 0xFFFF);
    cfg_wr(f->root, 0, 6, 0, 0x3C, 0x0109);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x04), 0);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x0C), 0);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x2C), 0);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x30), 0);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x3C), 0);
    /* Undecoded BAR 0x10 (the I/O BAR of the 21140) reads 0. */
    cfg_wr(f->root, 0, 6, 0, 0x10, 0x1000);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x10), 0);
    /* Other functions of the same device are absent. */
    assert_int_equal(cfg_rd(f->root, 0, 6, 1, 0x00), 0xFFFFFFFFu);
    assert_ptr_equal(pci_find(f->root, 0, 6, 0), d);
    assert_ptr_equal(pci_bus_slot(f->root, 6, 0), d);
    assert_int_equal(pci_dev_number(d), 6);
    assert_int_equal(pci_dev_function(d), 0);
    assert_string_equal(pci_dev_name(d), "dec21140");
}

static void test_add_errors(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c = tulip_cfg(&f->w0);
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 32, 0, &c, &d), -EINVAL);
    assert_int_equal(pci_dev_add(f->root, 0, 8, &c, &d), -EINVAL);
    assert_int_equal(pci_dev_add(f->root, 3, 0, &c, &d), 0);
    assert_int_equal(pci_dev_add(f->root, 3, 0, &c, &d), -EEXIST);
    c.mode = PCI_HDR_STANDARD;
    c.bar[1].size = 0x3000; /* not a power of two */
    assert_int_equal(pci_dev_add(f->root, 4, 0, &c, &d), -EINVAL);
}

static void test_platform_bar_maps_at_written_value(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c = tulip_cfg(&f->w0);
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 0, 0, &c, &d), 0);

    /* §12.1: reads 0 until written, nothing mapped. */
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x14), 0);
    assert_false(pci_dev_bar_mapped(d, 1));
    assert_null(physmap_find(&f->pm, 0x48000000));

    cfg_wr(f->root, 0, 0, 0, 0x14, 0x48000000);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x14), 0x48000000);
    assert_true(pci_dev_bar_mapped(d, 1));
    const struct phys_region *r = physmap_find(&f->pm, 0x48000010);
    assert_non_null(r);
    assert_ptr_equal(r->dev, &f->w0.dev);
    assert_int_equal(r->base, 0x48000000);
    assert_int_equal(r->size, 0x20000);
    assert_true(r->flags & PR_UNCACHED_ONLY);
    /* Accesses reach the chip with window offsets. */
    assert_int_equal(physmap_read(&f->pm, 0x48000028, 4, 0), 0xA5000028u);
    physmap_write(&f->pm, 0x48000030, 4, 0xCAFE, 0);
    assert_int_equal(f->w0.last_off, 0x30);
    assert_int_equal(f->w0.last_value, 0xCAFE);

    /* Moving the BAR moves the window. */
    cfg_wr(f->root, 0, 0, 0, 0x14, 0x48100000);
    assert_null(physmap_find(&f->pm, 0x48000000));
    assert_ptr_equal(physmap_find(&f->pm, 0x48100000)->dev, &f->w0.dev);
    assert_int_equal(pci_dev_bar_base(d, 1), 0x48100000);

    /* No sizing on the platform: all-ones reads back unmasked (§12.1). */
    cfg_wr(f->root, 0, 0, 0, 0x14, 0xFFFFFFFF);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x14), 0xFFFFFFFFu);
    assert_null(physmap_find(&f->pm, 0x48100000));

    /* Unaligned value: still exactly that address. */
    cfg_wr(f->root, 0, 0, 0, 0x14, 0x48200004);
    assert_int_equal(physmap_find(&f->pm, 0x48200004)->base, 0x48200004);

    /* Removal unmaps. */
    pci_dev_remove(d);
    assert_null(physmap_find(&f->pm, 0x48200004));
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x00), 0xFFFFFFFFu);
}

static void test_bar_over_ram_is_refused(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c = tulip_cfg(&f->w0);
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 0, 0, &c, &d), 0);
    /* §12.1 allows a write of 0; the window would cover DRAM: refused,
     * logged, DRAM untouched, the value still reads back. */
    cfg_wr(f->root, 0, 0, 0, 0x14, 0);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x14), 0);
    assert_false(pci_dev_bar_mapped(d, 1));
    assert_true(physmap_find(&f->pm, 0x100)->flags & PR_RAM);
    /* A later good value maps it. */
    cfg_wr(f->root, 0, 0, 0, 0x14, 0x50000000);
    assert_true(pci_dev_bar_mapped(d, 1));
}

static void test_two_windows_cannot_overlap(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c0 = tulip_cfg(&f->w0), c1 = tulip_cfg(&f->w1);
    struct pci_dev *d0, *d1;
    assert_int_equal(pci_dev_add(f->root, 1, 0, &c0, &d0), 0);
    assert_int_equal(pci_dev_add(f->root, 2, 0, &c1, &d1), 0);
    cfg_wr(f->root, 0, 1, 0, 0x14, 0x48000000);
    cfg_wr(f->root, 0, 2, 0, 0x14, 0x48010000);
    assert_true(pci_dev_bar_mapped(d0, 1));
    assert_false(pci_dev_bar_mapped(d1, 1));
    /* The first one keeps its window. */
    assert_ptr_equal(physmap_find(&f->pm, 0x48010000)->dev, &f->w0.dev);
    cfg_wr(f->root, 0, 1, 0, 0x14, 0x49000000);
    cfg_wr(f->root, 0, 2, 0, 0x14, 0x48010000);
    assert_true(pci_dev_bar_mapped(d1, 1));
}

static void test_standard_header_bar_sizing(void **state)
{
    struct fx *f = *state;
    struct pci_io *io;
    assert_int_equal(pci_io_create(NULL, &io), 0);
    pci_bus_set_io(f->root, io);
    struct irq_log irq = {0};
    struct pci_dev_config c = {
        .name = "std",
        .vendor_id = 0x8086,
        .device_id = 0x1001,
        .class_rev = 0x02000003,
        .mode = PCI_HDR_STANDARD,
        .int_pin = 1,
        .irq = {irq_log_set, &irq, 42},
    };
    c.bar[0] = (struct pci_bar_desc){.size = 0x20000, .window = &f->w0.dev};
    c.bar[1] = (struct pci_bar_desc){.size = 0x40, .io = 1,
                                     .window = &f->w1.dev};
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 4, 0, &c, &d), 0);

    /* Sizing: write all-ones, read back the size mask (PCI 2.2 §6.2.5). */
    cfg_wr(f->root, 0, 4, 0, 0x10, 0xFFFFFFFF);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x10), 0xFFFE0000u);
    cfg_wr(f->root, 0, 4, 0, 0x14, 0xFFFFFFFF);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x14), 0xFFFFFFC1u);
    /* Undecoded BARs read 0 even after all-ones. */
    cfg_wr(f->root, 0, 4, 0, 0x18, 0xFFFFFFFF);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x18), 0);
    /* Decode is off: nothing mapped during sizing. */
    assert_false(pci_dev_bar_mapped(d, 0));
    assert_null(physmap_find(&f->pm, 0xFFFE0000));

    /* Assign, then enable memory and I/O decode. */
    cfg_wr(f->root, 0, 4, 0, 0x10, 0x48012345);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x10), 0x48000000);
    cfg_wr(f->root, 0, 4, 0, 0x14, 0x400);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x14), 0x401);
    assert_false(pci_dev_bar_mapped(d, 0));
    cfg_wr(f->root, 0, 4, 0, 0x04, 0xFFFF);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x04) & 0xFFFF, 0x0547);
    cfg_wr(f->root, 0, 4, 0, 0x04, PCI_CMD_IO | PCI_CMD_MEMORY);
    assert_true(pci_dev_bar_mapped(d, 0));
    assert_true(pci_dev_bar_mapped(d, 1));
    assert_ptr_equal(physmap_find(&f->pm, 0x48000000)->dev, &f->w0.dev);
    /* The I/O BAR decodes in the PCI I/O space. */
    struct device *iod = pci_io_device(io);
    assert_int_equal(dev_read(iod, 0x408, 1), 0xA5000008u);
    dev_write(iod, 0x402, 1, 0x5A);
    assert_int_equal(f->w1.last_off, 2);
    assert_int_equal(dev_read(iod, 0x500, 1), 0);

    /* Header type 0, interrupt pin R/O, line R/W. */
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x0C), 0);
    cfg_wr(f->root, 0, 4, 0, 0x3C, 0xFFFF0A0B);
    assert_int_equal(cfg_rd(f->root, 0, 4, 0, 0x3C), 0x010B);

    /* Interrupt: status bit 3, INTx disable gates the output. */
    pci_dev_set_irq(d, 1);
    assert_int_equal(irq.level, 1);
    assert_int_equal(irq.line, 42);
    assert_true(cfg_rd(f->root, 0, 4, 0, 0x04) & (PCI_STATUS_INTERRUPT << 16));
    cfg_wr(f->root, 0, 4, 0, 0x04, PCI_CMD_MEMORY | PCI_CMD_INTX_DISABLE);
    assert_int_equal(irq.level, 0);
    assert_false(pci_dev_bar_mapped(d, 1)); /* I/O decode off now */
    cfg_wr(f->root, 0, 4, 0, 0x04, PCI_CMD_MEMORY);
    assert_int_equal(irq.level, 1);
    pci_dev_set_irq(d, 0);
    assert_int_equal(irq.level, 0);
    assert_false(cfg_rd(f->root, 0, 4, 0, 0x04) &
                 (PCI_STATUS_INTERRUPT << 16));

    /* Disabling memory decode unmaps. */
    cfg_wr(f->root, 0, 4, 0, 0x04, 0);
    assert_false(pci_dev_bar_mapped(d, 0));
    assert_null(physmap_find(&f->pm, 0x48000000));

    pci_dev_remove(d);
    pci_io_destroy(io);
}

static void test_platform_irq_forwarding(void **state)
{
    struct fx *f = *state;
    struct irq_log irq = {0};
    struct pci_dev_config c = tulip_cfg(&f->w0);
    c.irq = (struct irq_line){irq_log_set, &irq, 8};
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 0, 0, &c, &d), 0);
    pci_dev_set_irq(d, 1);
    assert_int_equal(irq.level, 1);
    assert_int_equal(irq.line, 8);
    assert_int_equal(pci_dev_irq_level(d), 1);
    pci_dev_set_irq(d, 0);
    assert_int_equal(irq.level, 0);
    /* A function without a line: no crash. */
    struct pci_dev_config c2 = tulip_cfg(&f->w1);
    struct pci_dev *d2;
    assert_int_equal(pci_dev_add(f->root, 1, 0, &c2, &d2), 0);
    pci_dev_set_irq(d2, 1);
}

static void test_bar_resize(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c = tulip_cfg(&f->w0);
    struct pci_dev *d;
    assert_int_equal(pci_dev_add(f->root, 0, 0, &c, &d), 0);
    cfg_wr(f->root, 0, 0, 0, 0x14, 0x48000000);
    assert_int_equal(pci_dev_set_bar_size(d, 1, 0x100000), 0);
    assert_int_equal(physmap_find(&f->pm, 0x480F0000)->base, 0x48000000);
    assert_int_equal(pci_dev_set_bar_size(d, 1, 0), -EINVAL);
}

/* ---- bridges ---- */

static void test_bridge_routes_after_programming(void **state)
{
    struct fx *f = *state;
    struct pci_bus *sec;
    assert_int_equal(pci_bus_create("sec", -1, &f->pm, NULL, &sec), 0);
    struct pci_dev *br;
    assert_int_equal(pci_bridge_chip_add(f->root, 2, PCI_BRIDGE_DEC21050, sec,
                                         &br), 0);
    struct pci_dev_config c = tulip_cfg(&f->w0);
    assert_int_equal(pci_dev_add(sec, 3, 0, &c, NULL), 0);

    /* c7200.md §12.4: identity and class; everything else 0. */
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0x00), 0x00011011);
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0x08), 0x06040000);
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0x0C), 0); /* observed */
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0x18), 0);

    /* Unprogrammed: the secondary bus is unreachable (§12.1). */
    assert_int_equal(pci_bus_number(sec), -1);
    for (unsigned b = 0; b < 256; b++)
        if (b != 0)
            assert_int_equal(cfg_rd(f->root, b, 3, 0, 0), 0xFFFFFFFFu);

    /* Program primary 0, secondary 1, subordinate 1; the whole word
     * (upper byte included) reads back. */
    cfg_wr(f->root, 0, 2, 0, 0x18, 0x40010100);
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0x18), 0x40010100);
    assert_int_equal(pci_bus_number(sec), 1);
    int p, s, u;
    assert_int_equal(pci_bridge_bus_numbers(br, &p, &s, &u), 0);
    assert_int_equal(p, 0);
    assert_int_equal(s, 1);
    assert_int_equal(u, 1);
    assert_int_equal(cfg_rd(f->root, 1, 3, 0, 0), 0x00091011);
    assert_int_equal(cfg_rd(f->root, 1, 4, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(cfg_rd(f->root, 2, 3, 0, 0), 0xFFFFFFFFu);

    /* Type-1 write reaches the secondary function's BAR. */
    cfg_wr(f->root, 1, 3, 0, 0x14, 0x48000000);
    assert_ptr_equal(physmap_find(&f->pm, 0x48000000)->dev, &f->w0.dev);

    /* Renumbering changes routing at once. */
    cfg_wr(f->root, 0, 2, 0, 0x18, 0x00050500);
    assert_int_equal(cfg_rd(f->root, 1, 3, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(cfg_rd(f->root, 5, 3, 0, 0), 0x00091011);

    /* Destroying the secondary bus detaches it (no dangling route). */
    pci_bus_destroy(sec);
    assert_null(physmap_find(&f->pm, 0x48000000));
    assert_int_equal(cfg_rd(f->root, 5, 3, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0), 0x00011011);
}

static void test_nested_bridges_and_empty_bridge(void **state)
{
    struct fx *f = *state;
    struct pci_bus *a, *b;
    assert_int_equal(pci_bus_create("a", -1, &f->pm, NULL, &a), 0);
    assert_int_equal(pci_bus_create("b", -1, &f->pm, NULL, &b), 0);
    /* root dev 1: bridge with nothing behind; dev 2 -> a; a dev 1 -> b */
    assert_int_equal(pci_bridge_chip_add(f->root, 1, PCI_BRIDGE_DEC21050,
                                         NULL, NULL), 0);
    assert_int_equal(pci_bridge_chip_add(f->root, 2, PCI_BRIDGE_DEC21050, a,
                                         NULL), 0);
    assert_int_equal(pci_bridge_chip_add(a, 1, PCI_BRIDGE_DEC21150, b, NULL),
                     0);
    struct pci_dev_config c = tulip_cfg(&f->w0);
    assert_int_equal(pci_dev_add(b, 0, 0, &c, NULL), 0);

    cfg_wr(f->root, 0, 1, 0, 0x18, 0x00010100); /* empty bridge: bus 1 */
    cfg_wr(f->root, 0, 2, 0, 0x18, 0x00FF0200); /* a = 2, sub 255 */
    assert_int_equal(cfg_rd(f->root, 2, 1, 0, 0), 0x00231011);
    cfg_wr(f->root, 2, 1, 0, 0x18, 0x00030302); /* b = 3 */
    cfg_wr(f->root, 0, 2, 0, 0x18, 0x00030200); /* a's range 2..3 */
    assert_int_equal(cfg_rd(f->root, 3, 0, 0, 0), 0x00091011);
    /* Bus 1 is behind the empty bridge: nothing answers. */
    assert_int_equal(cfg_rd(f->root, 1, 0, 0, 0), 0xFFFFFFFFu);
    /* Bus 4 is outside every range. */
    assert_int_equal(cfg_rd(f->root, 4, 0, 0, 0), 0xFFFFFFFFu);

    /* Reset: numbers gone, routes closed, register reads 0. */
    pci_bus_reset(f->root);
    assert_int_equal(cfg_rd(f->root, 0, 2, 0, 0x18), 0);
    assert_int_equal(cfg_rd(f->root, 3, 0, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(pci_bus_number(a), -1);
    assert_int_equal(pci_bus_number(f->root), 0);

    pci_bus_destroy(b);
    pci_bus_destroy(a);
}

static void test_bridge_add_errors(void **state)
{
    struct fx *f = *state;
    struct pci_bus *a;
    assert_int_equal(pci_bus_create("a", -1, &f->pm, NULL, &a), 0);
    assert_int_equal(pci_bridge_chip_add(f->root, 1, PCI_BRIDGE_DEC21050, a,
                                         NULL), 0);
    /* a already hangs behind a bridge */
    assert_int_equal(pci_bridge_chip_add(f->root, 2, PCI_BRIDGE_DEC21050, a,
                                         NULL), -EBUSY);
    /* a loop: root behind a bridge on a */
    assert_int_equal(pci_bridge_chip_add(a, 0, PCI_BRIDGE_DEC21050, f->root,
                                         NULL), -EINVAL);
    assert_int_equal(pci_bridge_chip_add(f->root, 3, PCI_BRIDGE_CHIP_COUNT,
                                         NULL, NULL), -EINVAL);
    pci_bus_destroy(a);
}

static void test_bridge_chip_identities(void **state)
{
    (void)state;
    /* devices.md §1.2 */
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_DEC21050), 0x00011011);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_DEC21052), 0x00211011);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_DEC21150), 0x00231011);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_DEC21152), 0x00241011);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_DEC21154), 0x00261011);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_TI2050B), 0xAC28104C);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_PLX6520CB), 0x652010B5);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_PERICOM), 0x815012D8);
    assert_int_equal(pci_bridge_chip_id(PCI_BRIDGE_AP1011), 0x001014D9);
    assert_string_equal(pci_bridge_chip_name(PCI_BRIDGE_DEC21150),
                        "dec21150");
}

static void test_ap1011_extra_registers(void **state)
{
    struct fx *f = *state;
    assert_int_equal(pci_bridge_chip_add(f->root, 0, PCI_BRIDGE_AP1011, NULL,
                                         NULL), 0);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x08), 0x06040000);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x34), 0x40);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x40), 0x00210008);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x44), 0x20);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x48), 0xC0);
}

static void test_hidden_route_claims_first_foreign_number(void **state)
{
    struct fx *f = *state;
    struct pci_bus *bay0, *hid;
    assert_int_equal(pci_bus_create("bay0", -1, &f->pm, NULL, &bay0), 0);
    assert_int_equal(pci_bus_create("pcmcia", -1, &f->pm, NULL, &hid), 0);
    assert_int_equal(pci_bridge_chip_add(f->root, 1, PCI_BRIDGE_DEC21150,
                                         bay0, NULL), 0);
    assert_int_equal(pci_bus_add_hidden_route(bay0, hid), 0);
    struct pci_dev_config pd = {.name = "clpd6729", .vendor_id = 0x1013,
                                .device_id = 0x1100};
    assert_int_equal(pci_dev_add(hid, 16, 0, &pd, NULL), 0);

    /* c7200.md §12.3: bay 0 = bus 1, bridge 0:1 covers 1..2. */
    cfg_wr(f->root, 0, 1, 0, 0x18, 0x00020100);
    assert_int_equal(cfg_rd(f->root, 1, 16, 0, 0), 0xFFFFFFFFu);
    /* pci_find never claims */
    assert_null(pci_find(f->root, 2, 16, 0));
    /* The first foreign request (bus 2) claims; 2:16 answers. */
    assert_int_equal(cfg_rd(f->root, 2, 0, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(pci_bus_number(hid), 2);
    assert_int_equal(cfg_rd(f->root, 2, 16, 0, 0), 0x11001013);
    assert_non_null(pci_find(f->root, 2, 16, 0));
    /* The claim is permanent: renumbering the range elsewhere does not
     * move it... */
    cfg_wr(f->root, 0, 1, 0, 0x18, 0x00030100);
    assert_int_equal(cfg_rd(f->root, 3, 16, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(cfg_rd(f->root, 2, 16, 0, 0), 0x11001013);
    /* ...and the subordinate number must cover it to stay reachable. */
    cfg_wr(f->root, 0, 1, 0, 0x18, 0x00010100);
    assert_int_equal(cfg_rd(f->root, 2, 16, 0, 0), 0xFFFFFFFFu);

    /* Reset undoes the claim; a different first number is then taken. */
    pci_bus_reset(f->root);
    cfg_wr(f->root, 0, 1, 0, 0x18, 0x00090100);
    assert_int_equal(cfg_rd(f->root, 7, 16, 0, 0), 0x11001013);
    assert_int_equal(cfg_rd(f->root, 2, 16, 0, 0), 0xFFFFFFFFu);
    assert_int_equal(pci_bus_add_hidden_route(bay0, hid), -EINVAL);

    pci_bus_destroy(hid);
    assert_int_equal(cfg_rd(f->root, 7, 16, 0, 0), 0xFFFFFFFFu);
    pci_bus_destroy(bay0);
}

static void test_root_latch(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config c = tulip_cfg(&f->w0);
    assert_int_equal(pci_dev_add(f->root, 6, 0, &c, NULL), 0);
    pci_root_set_cfg_addr(f->root, PCI_CFG_ADDR(0, 6, 0, 0));
    assert_int_equal(pci_root_cfg_addr(f->root), 0x80003000u);
    assert_int_equal(pci_root_cfg_data_read(f->root), 0x00091011);
    /* Bit 31 is not checked (§12.1). */
    pci_root_set_cfg_addr(f->root, 0x00003000u);
    assert_int_equal(pci_root_cfg_data_read(f->root), 0x00091011);
    pci_root_set_cfg_addr(f->root, 0x00003014u);
    pci_root_cfg_data_write(f->root, 0x48000000);
    assert_true(physmap_find(&f->pm, 0x48000000) != NULL);
    /* Unaligned register offsets reach the chip hook, not the header. */
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x01), 0);
    assert_int_equal(cfg_rd(f->root, 0, 6, 0, 0x16), 0);
}

struct hook_rec {
    unsigned last_reg;
    uint32_t last_val;
};

static uint32_t hook_rd(void *ctx, unsigned reg)
{
    return 0xC0DE0000u | reg;
}

static void hook_wr(void *ctx, unsigned reg, uint32_t v)
{
    struct hook_rec *h = ctx;
    h->last_reg = reg;
    h->last_val = v;
}

static void test_chip_hooks(void **state)
{
    struct fx *f = *state;
    struct hook_rec h = {0};
    struct pci_dev_config c = tulip_cfg(&f->w0);
    c.cfg_read = hook_rd;
    c.cfg_write = hook_wr;
    c.ctx = &h;
    assert_int_equal(pci_dev_add(f->root, 0, 0, &c, NULL), 0);
    /* devices.md §3.1: CFCS 0x04, CFLT 0x0C, CFDD 0x40 are chip registers. */
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x40), 0xC0DE0040u);
    cfg_wr(f->root, 0, 0, 0, 0x40, 0x12);
    assert_int_equal(h.last_reg, 0x40);
    assert_int_equal(h.last_val, 0x12);
    /* The core keeps ID, class and decoded BARs. */
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x00), 0x00091011);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x08), 0x02000011);
    cfg_wr(f->root, 0, 0, 0, 0x14, 0x48000000);
    assert_int_equal(cfg_rd(f->root, 0, 0, 0, 0x14), 0x48000000);
    assert_int_equal(h.last_reg, 0x40);
}

static void test_pci_io_ranges(void **state)
{
    struct fx *f = *state;
    struct pci_io *io;
    assert_int_equal(pci_io_create(NULL, &io), 0);
    assert_int_equal(pci_io_add(io, 0x402, 2, &f->w0.dev), 0);
    assert_int_equal(pci_io_add(io, 0x403, 1, &f->w1.dev), -EEXIST);
    assert_int_equal(pci_io_add(io, PCI_IO_WINDOW_SIZE - 1, 2, &f->w1.dev),
                     -EINVAL);
    assert_int_equal(pci_io_add(io, 0x1000, 0, &f->w1.dev), -EINVAL);
    struct device *d = pci_io_device(io);
    assert_int_equal(dev_read(d, 0x403, 1), 0xA5000001u);
    assert_int_equal(f->w0.last_off, 1);
    assert_int_equal(dev_read(d, 0x401, 1), 0);
    assert_int_equal(pci_io_remove(io, 0x402), 0);
    assert_int_equal(pci_io_remove(io, 0x402), -ENOENT);
    assert_int_equal(dev_read(d, 0x403, 1), 0);
    dev_destroy(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_absent_function, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_and_unmodelled_registers,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_platform_bar_maps_at_written_value,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bar_over_ram_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_two_windows_cannot_overlap, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_standard_header_bar_sizing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_platform_irq_forwarding, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bar_resize, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bridge_routes_after_programming,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_bridges_and_empty_bridge,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_bridge_add_errors, setup,
                                        teardown),
        cmocka_unit_test(test_bridge_chip_identities),
        cmocka_unit_test_setup_teardown(test_ap1011_extra_registers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_hidden_route_claims_first_foreign_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_latch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chip_hooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pci_io_ranges, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
