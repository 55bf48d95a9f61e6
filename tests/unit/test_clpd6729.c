/*
 * CL-PD6729 PCMCIA controller (c7200.md §12.4, §12.5, §15.1): the PCI
 * function's identity, the index/data pair in PCI I/O space at
 * 0x402/0x403, the fixed per-socket answers, card detect, plain storage,
 * reset, and clean removal.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "dev/clpd6729.h"
#include "dev/pci_bus.h"
#include "dev/pci_io.h"

#define DEVNO 16 /* the hidden PCMCIA bus's device on NPE-175+ (§12.2) */

struct fx {
    struct pci_bus *root;
    struct pci_io *io;
    struct device *iodev; /* the whole I/O window, as the CPU sees it */
    struct clpd6729 *pd;
};

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    assert_int_equal(pci_bus_create("root", 0, NULL, NULL, &f->root), 0);
    assert_int_equal(pci_io_create(NULL, &f->io), 0);
    f->iodev = pci_io_device(f->io);
    struct clpd6729_config c = {
        .bus = f->root,
        .devno = DEVNO,
        .io = f->io,
        .io_base = CLPD6729_C7200_IO_BASE,
    };
    assert_int_equal(clpd6729_create(&c, &f->pd), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    clpd6729_destroy(f->pd);
    pci_io_destroy(f->io);
    pci_bus_destroy(f->root);
    test_free(f);
    return 0;
}

/* Byte accesses at CPU physical 0x1_0000_0403 (index), 0x402 (data). */
static uint8_t reg_read(struct fx *f, uint8_t index)
{
    dev_write(f->iodev, 0x403, 1, index);
    return (uint8_t)dev_read(f->iodev, 0x402, 1);
}

static void reg_write(struct fx *f, uint8_t index, uint8_t v)
{
    dev_write(f->iodev, 0x403, 1, index);
    dev_write(f->iodev, 0x402, 1, v);
}

static void test_pci_identity(void **state)
{
    struct fx *f = *state;
    /* §12.4: 1013:1100, class/revision 0 (observed), no BAR */
    assert_int_equal(pci_cfg_read(f->root, PCI_CFG_ADDR(0, DEVNO, 0, 0)),
                     0x11001013u);
    assert_int_equal(pci_cfg_read(f->root, PCI_CFG_ADDR(0, DEVNO, 0, 8)), 0);
    pci_cfg_write(f->root, PCI_CFG_ADDR(0, DEVNO, 0, 0x10), 0x48000000u);
    assert_int_equal(pci_cfg_read(f->root, PCI_CFG_ADDR(0, DEVNO, 0, 0x10)),
                     0);
    assert_int_equal(pci_cfg_read(f->root, PCI_CFG_ADDR(0, DEVNO, 0, 0x3C)),
                     0);
}

static void test_fixed_registers(void **state)
{
    struct fx *f = *state;
    for (unsigned s = 0; s < 2; s++) {
        uint8_t b = (uint8_t)(s * CLPD6729_SOCKET_B);
        assert_int_equal(reg_read(f, b + 0x00), 0x48);
        assert_int_equal(reg_read(f, b + 0x01), 0x80); /* empty */
        assert_int_equal(reg_read(f, b + 0x03), 0x40);
        assert_int_equal(reg_read(f, b + 0x17), 0x80);
        /* writes do not change them */
        reg_write(f, b + 0x00, 0x11);
        reg_write(f, b + 0x03, 0x00);
        reg_write(f, b + 0x17, 0x00);
        assert_int_equal(reg_read(f, b + 0x00), 0x48);
        assert_int_equal(reg_read(f, b + 0x03), 0x40);
        assert_int_equal(reg_read(f, b + 0x17), 0x80);
        /* extended index: write-only */
        reg_write(f, b + 0x2E, 0x0A);
        assert_int_equal(reg_read(f, b + 0x2E), 0);
    }
}

static void test_card_detect(void **state)
{
    struct fx *f = *state;
    clpd6729_set_card(f->pd, 0, 1);
    assert_int_equal(reg_read(f, 0x01), 0xEF);
    assert_int_equal(reg_read(f, 0x41), 0x80);
    assert_true(clpd6729_card_present(f->pd, 0));
    assert_false(clpd6729_card_present(f->pd, 1));
    clpd6729_set_card(f->pd, 1, 1);
    assert_int_equal(reg_read(f, 0x41), 0xEF);
    clpd6729_set_card(f->pd, 0, 0);
    assert_int_equal(reg_read(f, 0x01), 0x80);
    clpd6729_set_card(f->pd, 2, 1); /* no such socket: ignored */
    assert_false(clpd6729_card_present(f->pd, 2));
}

static void test_storage_and_index(void **state)
{
    struct fx *f = *state;
    /* window registers etc. read back, per socket */
    reg_write(f, 0x10, 0x12);
    reg_write(f, 0x50, 0x34);
    reg_write(f, 0x3F, 0x56);
    reg_write(f, 0x04, 0x0F); /* card status change: plain storage */
    assert_int_equal(reg_read(f, 0x10), 0x12);
    assert_int_equal(reg_read(f, 0x50), 0x34);
    assert_int_equal(reg_read(f, 0x3F), 0x56);
    assert_int_equal(reg_read(f, 0x04), 0x0F);
    /* the index register reads back */
    dev_write(f->iodev, 0x403, 1, 0x5A);
    assert_int_equal(dev_read(f->iodev, 0x403, 1), 0x5A);
    /* 0x80 and up: nothing */
    reg_write(f, 0x80, 0x77);
    reg_write(f, 0xFF, 0x77);
    assert_int_equal(reg_read(f, 0x80), 0);
    assert_int_equal(reg_read(f, 0xC0), 0);
    /* wider accesses: the value travels in the low-order bits (§0) */
    dev_write(f->iodev, 0x403, 4, 0x11111110u);
    dev_write(f->iodev, 0x402, 2, 0xAB99);
    assert_int_equal(dev_read(f->iodev, 0x402, 4), 0x99);
    assert_int_equal(dev_read(f->iodev, 0x403, 2), 0x10);
    /* the bytes around the pair are not the controller's */
    assert_int_equal(dev_read(f->iodev, 0x401, 1), 0);
    assert_int_equal(dev_read(f->iodev, 0x404, 1), 0);
    assert_int_equal(dev_read(f->iodev, 0x400, 4), 0);
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    clpd6729_set_card(f->pd, 1, 1);
    reg_write(f, 0x10, 0x12);
    dev_reset(clpd6729_io_device(f->pd));
    assert_int_equal(dev_read(f->iodev, 0x403, 1), 0);
    assert_int_equal(reg_read(f, 0x10), 0);
    assert_int_equal(reg_read(f, 0x41), 0xEF); /* the card stays */
}

static void test_destroy_unhooks(void **state)
{
    struct fx *f = *state;
    clpd6729_destroy(f->pd);
    f->pd = NULL;
    assert_int_equal(pci_cfg_read(f->root, PCI_CFG_ADDR(0, DEVNO, 0, 0)),
                     0xFFFFFFFFu);
    dev_write(f->iodev, 0x403, 1, 0);
    assert_int_equal(dev_read(f->iodev, 0x402, 1), 0);
    /* the place is free again */
    struct clpd6729_config c = {
        .bus = f->root,
        .devno = DEVNO,
        .io = f->io,
        .io_base = CLPD6729_C7200_IO_BASE,
    };
    assert_int_equal(clpd6729_create(&c, &f->pd), 0);
    assert_int_equal(reg_read(f, 0), 0x48);
}

static void test_create_conflicts(void **state)
{
    struct fx *f = *state;
    struct clpd6729 *pd2 = NULL;
    /* the I/O range is taken */
    struct clpd6729_config c = {
        .bus = f->root, .devno = 3, .io = f->io,
        .io_base = CLPD6729_C7200_IO_BASE,
    };
    assert_int_equal(clpd6729_create(&c, &pd2), -EEXIST);
    assert_null(pd2);
    /* the PCI slot is taken: the I/O range claimed first is given back */
    c.devno = DEVNO;
    c.io_base = 0x4402; /* the c3600's place */
    assert_int_equal(clpd6729_create(&c, &pd2), -EEXIST);
    assert_int_equal(pci_io_add(f->io, 0x4402, 2, NULL), 0);
    /* no bus and no I/O space: a bare register file */
    struct clpd6729_config bare = {0};
    assert_int_equal(clpd6729_create(&bare, &pd2), 0);
    struct device *d = clpd6729_io_device(pd2);
    dev_write(d, CLPD6729_IO_INDEX, 1, 0x41);
    assert_int_equal(dev_read(d, CLPD6729_IO_DATA, 1), 0x80);
    clpd6729_destroy(pd2);
    clpd6729_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pci_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fixed_registers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_card_detect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_storage_and_index, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_destroy_unhooks, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_create_conflicts, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
