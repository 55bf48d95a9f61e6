/*
 * PA-POS-OC3 and its PLX PCI9060 bridges (devices.md §3.8, §3.9, §1.3,
 * §1.7): the four PCI functions on a real bus (identities, BAR windows,
 * the PLX range register widening local space so the control/status
 * registers at 0x300000 become reachable), the ring registers, the CRC
 * size of control register 1, the every-20th-status-read interrupt
 * release, receive into one and several descriptors (CONT, CRC size,
 * OWN/WRAP written back clear, the first descriptor written last,
 * truncation when the next one is host-owned), transmit of a gathered
 * chain with every 32-bit word byte-reversed, and guest mistakes:
 * descriptors or buffers outside memory, endless chains, oversize frames
 * are logged as guest errors and dropped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"
#include "dev/pci_bus.h"
#include "dev/plx9060.h"
#include "dev/pos_oc3.h"
#include "net_harness.h"
#include "nic_harness.h"

#define OWN POS_OC3_DESC_OWN
#define WRAP POS_OC3_DESC_WRAP
#define CONT POS_OC3_DESC_CONT
#define RXR 0x1000  /* RX ring */
#define TXR 0x2000  /* TX ring */
#define BUF 0x10000 /* buffers, 0x1000 apart */
#define OUTSIDE 0x08000000u /* nothing mapped there (RAM is 1 MB) */

/* Where the test's guest puts the windows (above the 1 MB of RAM). */
#define PLX_REGS(k) (0x10000000u + 0x1000u * (k))
#define LOCAL(k) (0x10400000u * ((k) + 1))
#define CTRL_WIN 0x10010000u

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p;
    struct logger *lg;
    char logpath[64];
    struct pos_oc3 *d;
    struct device *rx, *tx, *cs;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    assert_int_equal(probe_init(&f->p, f->ev, "pos"), 0);
    strcpy(f->logpath, "/tmp/test_pos_oc3.XXXXXX");
    int fd = mkstemp(f->logpath);
    assert_true(fd >= 0);
    close(fd);
    f->lg = log_open(f->logpath);
    struct pos_oc3_config c = {.name = "test pos", .pm = &f->r.pm,
                               .lg = f->lg, .irq = irq_rec_line(&f->irq)};
    assert_int_equal(pos_oc3_create(&c, &f->d), 0);
    f->rx = pos_oc3_local(f->d, 0);
    f->tx = pos_oc3_local(f->d, 1);
    f->cs = pos_oc3_local(f->d, 2);
    assert_int_equal(pos_oc3_set_nio(f->d, f->p.port), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    pos_oc3_destroy(f->d);
    probe_fini(&f->p);
    evloop_destroy(f->ev);
    log_close(f->lg);
    unlink(f->logpath);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static int logged(struct fx *f, const char *what)
{
    char buf[8192] = {0};
    FILE *fp = fopen(f->logpath, "r");
    assert_non_null(fp);
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = 0;
    return strstr(buf, what) != NULL;
}

static void rings(struct fx *f)
{
    dev_write(f->rx, POS_OC3_RING_START, 4, RXR);
    dev_write(f->rx, POS_OC3_RING_CURRENT, 4, RXR);
    dev_write(f->tx, POS_OC3_RING_START, 4, TXR);
    dev_write(f->tx, POS_OC3_RING_CURRENT, 4, TXR);
}

/* ----------------------------------------------------------- PCI side */

static void test_pci_functions_and_windows(void **state)
{
    struct fx *f = *state;
    struct pci_bus *root;
    assert_int_equal(pci_bus_create("bay", 0, &f->r.pm, NULL, &root), 0);
    struct pci_dev *fn[POS_OC3_FUNCS];
    for (unsigned k = 0; k < POS_OC3_FUNCS; k++) {
        struct pci_dev_config cfg;
        pos_oc3_pci_config(f->d, k, &cfg);
        assert_int_equal(pci_dev_add(root, k, 0, &cfg, &fn[k]), 0);
        pos_oc3_attach_pci(f->d, k, fn[k]);
    }
    /* devices.md §3.8 / c7200.md §12.4: three PLX 9060, an ID-less fourth */
    for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, k, 0, 0)),
                         0x906010B5u);
        assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, k, 0, 8)), 0);
        pci_cfg_write(root, PCI_CFG_ADDR(0, k, 0, 0x10), PLX_REGS(k));
        pci_cfg_write(root, PCI_CFG_ADDR(0, k, 0, 0x14), 0x12345000);
        pci_cfg_write(root, PCI_CFG_ADDR(0, k, 0, 0x18), LOCAL(k));
        assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, k, 0, 0x10)),
                         PLX_REGS(k));
        assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, k, 0, 0x14)), 0);
        assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, k, 0, 0x18)),
                         LOCAL(k));
    }
    assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, 3, 0, 0)), 0);
    pci_cfg_write(root, PCI_CFG_ADDR(0, 3, 0, 0x10), CTRL_WIN);
    assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(0, 3, 0, 0x10)),
                     CTRL_WIN);

    /* control window: 0x404/0x406/0x407 all ones at any width */
    assert_int_equal(physmap_read(&f->r.pm, CTRL_WIN + 0x404, 4, 0),
                     0xFFFFFFFFu);
    assert_int_equal(physmap_read(&f->r.pm, CTRL_WIN + 0x406, 2, 0), 0xFFFF);
    assert_int_equal(physmap_read(&f->r.pm, CTRL_WIN + 0x407, 1, 0), 0xFF);
    assert_int_equal(physmap_read(&f->r.pm, CTRL_WIN + 0x400, 4, 0), 0);

    /* ring registers through the RX/TX local spaces */
    physmap_write(&f->r.pm, LOCAL(0) + 0x04, 4, 0x1234, 0);
    physmap_write(&f->r.pm, LOCAL(1) + 0x08, 4, 0x5678, 0);
    assert_int_equal(dev_read(f->rx, 0x04, 4), 0x1234);
    assert_int_equal(physmap_read(&f->r.pm, LOCAL(1) + 0x08, 4, 0), 0x5678);

    /* CS: 1 MB by default does not reach 0x300000 ... */
    uint32_t cs = LOCAL(2);
    assert_int_equal(physmap_read(&f->r.pm, PLX_REGS(2), 4, 0), 0xFFF00000u);
    assert_null(physmap_find(&f->r.pm, cs + POS_OC3_CS_STATUS0));
    /* ... until the range register asks for 4 MB */
    physmap_write(&f->r.pm, PLX_REGS(2) + PLX9060_LAS0RR, 4, 0xFFC00000u, 0);
    assert_int_equal(physmap_read(&f->r.pm, cs + POS_OC3_CS_STATUS0, 4, 0),
                     0x00000FFFu);
    assert_int_equal(physmap_read(&f->r.pm, cs + POS_OC3_CS_STATUS3, 4, 0),
                     0x7F);

    /* doorbells: PCI-to-local reads 0, local-to-PCI is write-one-clear */
    physmap_write(&f->r.pm, PLX_REGS(0) + PLX9060_P2LDBELL, 4, 5, 0);
    assert_int_equal(physmap_read(&f->r.pm, PLX_REGS(0) + 0x60, 4, 0), 0);
    assert_int_equal(physmap_read(&f->r.pm, PLX_REGS(0) + 0x04, 4, 0), 0);
    assert_true(logged(f, "guest error"));

    /* a range that decodes to nothing keeps the window */
    physmap_write(&f->r.pm, PLX_REGS(2), 4, 0, 0);
    assert_non_null(physmap_find(&f->r.pm, cs + POS_OC3_CS_STATUS0));

    for (unsigned k = 0; k < POS_OC3_FUNCS; k++) {
        pos_oc3_attach_pci(f->d, k, NULL);
        pci_dev_remove(fn[k]);
    }
    pci_bus_destroy(root);
    assert_null(physmap_find(&f->r.pm, CTRL_WIN));
}

static void test_plx_range_sizes(void **state)
{
    struct fx *f = *state;
    struct device *plx = pos_oc3_plx(f->d, 1);
    assert_int_equal(dev_read(plx, PLX9060_LAS0RR, 4), 0xFFF00000u);
    dev_write(plx, PLX9060_LAS0RR, 4, 0xFFC0000Fu); /* low bits: not size */
    assert_int_equal(dev_read(plx, PLX9060_LAS0RR, 4), 0xFFC0000Fu);
    dev_reset(pos_oc3_device(f->d));
    assert_int_equal(dev_read(plx, PLX9060_LAS0RR, 4), 0xFFF00000u);
}

/* ------------------------------------------------------ CS registers */

static void test_ctrl1_crc_size_and_irq_release(void **state)
{
    struct fx *f = *state;
    uint8_t frame[10] = {0xFF, 0x03, 0x00, 0x21, 1, 2, 3, 4, 5, 6};
    rings(f);
    w32(&f->r, RXR, OWN | WRAP | 64);
    w32(&f->r, RXR + 4, BUF);

    /* before control register 1 is written, no CRC is counted */
    pos_oc3_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXR), 10);
    assert_int_equal(f->irq.level, 1);

    for (unsigned crc_reg = 6; crc_reg <= 9; crc_reg++) {
        dev_write(f->cs, POS_OC3_CS_CTRL1, 4, crc_reg);
        assert_int_equal(dev_read(f->cs, POS_OC3_CS_CTRL1, 4), crc_reg);
        w32(&f->r, RXR, OWN | WRAP | 64);
        pos_oc3_receive(f->d, frame, sizeof(frame));
        assert_int_equal(r32(&f->r, RXR), 10 + (crc_reg == 7 ? 4 : 2));
    }
    assert_int_equal(dev_read(f->cs, POS_OC3_CS_CTRL1, 4), 9);
    dev_write(f->cs, POS_OC3_CS_CTRL1, 4, 0x10007); /* 16 bits kept */
    assert_int_equal(dev_read(f->cs, POS_OC3_CS_CTRL1, 4), 7);

    /* the line drops at the 20th read of 0x300000/4/1C, not before */
    static const uint32_t st[3] = {POS_OC3_CS_STATUS0, POS_OC3_CS_STATUS1,
                                   POS_OC3_CS_STATUS2};
    for (int i = 0; i < 19; i++) {
        assert_int_equal(dev_read(f->cs, st[i % 3], 4), 0xFFF);
        assert_int_equal(dev_read(f->cs, POS_OC3_CS_STATUS3, 4), 0x7F);
    }
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(dev_read(f->cs, st[0], 4), 0xFFF);
    assert_int_equal(f->irq.level, 0);
    /* unknown offsets: 0 */
    assert_int_equal(dev_read(f->cs, 0x300010, 4), 0);
    assert_int_equal(dev_read(f->rx, 0x0C, 4), 0);
}

/* ------------------------------------------------------------ receive */

static void test_rx_chain(void **state)
{
    struct fx *f = *state;
    uint8_t frame[150];
    make_frame(frame, sizeof(frame), NULL);
    rings(f);
    dev_write(f->cs, POS_OC3_CS_CTRL1, 4, 0x07);
    for (int i = 0; i < 4; i++) {
        w32(&f->r, RXR + 8 * i, OWN | (i == 3 ? WRAP : 0) | 64);
        w32(&f->r, RXR + 8 * i + 4, BUF + 0x1000 * i);
    }
    pos_oc3_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXR), CONT | 64);
    assert_int_equal(r32(&f->r, RXR + 8), CONT | 64);
    assert_int_equal(r32(&f->r, RXR + 16), 22 + 4);
    assert_int_equal(r32(&f->r, RXR + 24), OWN | WRAP | 64);
    assert_memory_equal(f->r.ram + BUF, frame, 64);
    assert_memory_equal(f->r.ram + BUF + 0x1000, frame + 64, 64);
    assert_memory_equal(f->r.ram + BUF + 0x2000, frame + 128, 22);
    assert_int_equal(dev_read(f->rx, POS_OC3_RING_CURRENT, 4), RXR + 24);

    /* the next frame takes descriptor 3, whose WRAP leads to the start,
     * which is host-owned: truncated, no CONT, no CRC */
    pos_oc3_receive(f->d, frame, 100);
    assert_int_equal(r32(&f->r, RXR + 24), 64); /* WRAP and OWN cleared */
    assert_int_equal(dev_read(f->rx, POS_OC3_RING_CURRENT, 4), RXR);
    /* nothing owned at the current descriptor: dropped */
    pos_oc3_receive(f->d, frame, 20);
    struct pos_oc3_stats s;
    pos_oc3_get_stats(f->d, &s);
    assert_int_equal(s.rx_frames, 2);
    assert_int_equal(s.rx_dropped, 1);
    /* no ring at all: dropped */
    dev_write(f->rx, POS_OC3_RING_START, 4, 0);
    pos_oc3_receive(f->d, frame, 20);
    pos_oc3_get_stats(f->d, &s);
    assert_int_equal(s.rx_dropped, 2);
}

/* ----------------------------------------------------------- transmit */

/* What the line carries for a buffer: whole words, each reversed. */
static void reversed(const uint8_t *in, uint32_t len, uint8_t *out)
{
    uint8_t w[4];
    for (uint32_t i = 0; i < len; i += 4) {
        for (int k = 0; k < 4; k++) {
            w[k] = in[i + 3 - k];
        }
        memcpy(out + i, w, len - i < 4 ? len - i : 4);
    }
}

static void test_tx_gather_reversed(void **state)
{
    struct fx *f = *state;
    rings(f);
    for (int i = 0; i < 0x40; i++) {
        f->r.ram[BUF + i] = (uint8_t)(0x10 + i);
        f->r.ram[BUF + 0x1000 + i] = (uint8_t)(0x80 + i);
    }
    w32(&f->r, TXR, OWN | CONT | 6);
    w32(&f->r, TXR + 4, BUF);
    w32(&f->r, TXR + 8, OWN | WRAP | 11);
    w32(&f->r, TXR + 12, BUF + 0x1000);
    /* the chain is not whole yet while the second is host-owned */
    w32(&f->r, TXR + 8, WRAP | 11);
    assert_int_equal(pos_oc3_tx_poll(f->d), 0);
    w32(&f->r, TXR + 8, OWN | WRAP | 11);
    assert_int_equal(pos_oc3_tx_poll(f->d), 1);
    pump(f->ev, 20);
    assert_int_equal(f->p.n, 1);
    uint8_t want[17];
    reversed(f->r.ram + BUF, 6, want);
    reversed(f->r.ram + BUF + 0x1000, 11, want + 6);
    assert_int_equal(f->p.frames[0].len, 17);
    assert_memory_equal(f->p.frames[0].data, want, 17);
    assert_int_equal(want[0], 0x13); /* 10 11 12 13 -> 13 12 11 10 */
    assert_int_equal(r32(&f->r, TXR), CONT | 6); /* OWN cleared */
    assert_int_equal(r32(&f->r, TXR + 8), 0);
    assert_int_equal(dev_read(f->tx, POS_OC3_RING_CURRENT, 4), TXR);
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(pos_oc3_tx_poll(f->d), 0);
    /* without a NIO nothing moves */
    w32(&f->r, TXR, OWN | WRAP | 4);
    pos_oc3_set_nio(f->d, NULL);
    assert_int_equal(pos_oc3_tx_poll(f->d), 0);
    assert_int_equal(r32(&f->r, TXR), OWN | WRAP | 4);
}

/* ------------------------------------------------------ guest mistakes */

static void test_bad_descriptors(void **state)
{
    struct fx *f = *state;
    uint8_t frame[64];
    make_frame(frame, sizeof(frame), NULL);
    struct pos_oc3_stats s;

    /* RX ring pointing outside memory */
    dev_write(f->rx, POS_OC3_RING_START, 4, OUTSIDE);
    dev_write(f->rx, POS_OC3_RING_CURRENT, 4, OUTSIDE);
    pos_oc3_receive(f->d, frame, sizeof(frame));
    pos_oc3_get_stats(f->d, &s);
    assert_int_equal(s.rx_dropped, 1);
    assert_true(logged(f, "guest error: RX descriptor outside memory"));
    assert_int_equal(f->irq.level, 0);

    /* RX buffer outside memory: dropped, descriptor untouched */
    rings(f);
    w32(&f->r, RXR, OWN | WRAP | 64);
    w32(&f->r, RXR + 4, NIC_RAM_SIZE - 16);
    pos_oc3_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXR), OWN | WRAP | 64);
    pos_oc3_get_stats(f->d, &s);
    assert_int_equal(s.rx_dropped, 2);

    /* RX ring of zero-length owned descriptors: ends at the start */
    for (int i = 0; i < 4; i++) {
        w32(&f->r, RXR + 8 * i, OWN | (i == 3 ? WRAP : 0));
        w32(&f->r, RXR + 8 * i + 4, BUF);
    }
    pos_oc3_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXR + 24), 0); /* truncated there */

    /* TX descriptor outside memory */
    dev_write(f->tx, POS_OC3_RING_START, 4, OUTSIDE);
    dev_write(f->tx, POS_OC3_RING_CURRENT, 4, OUTSIDE);
    assert_int_equal(pos_oc3_tx_poll(f->d), 0);
    assert_true(logged(f, "TX descriptor outside memory"));

    /* TX buffer outside memory: the frame is consumed, not sent */
    rings(f);
    w32(&f->r, TXR, OWN | WRAP | 100);
    w32(&f->r, TXR + 4, OUTSIDE);
    assert_int_equal(pos_oc3_tx_poll(f->d), 1);
    assert_int_equal(r32(&f->r, TXR), WRAP | 100);

    /* endless chain: every descriptor says CONT, the ring wraps */
    rings(f);
    for (int i = 0; i < 4; i++) {
        w32(&f->r, TXR + 8 * i, OWN | CONT | (i == 3 ? WRAP : 0) | 16);
        w32(&f->r, TXR + 8 * i + 4, BUF);
    }
    assert_int_equal(pos_oc3_tx_poll(f->d), 1);
    /* longer than the 8192-byte frame buffer */
    rings(f);
    for (int i = 0; i < 3; i++) {
        w32(&f->r, TXR + 8 * i, OWN | (i < 2 ? CONT : WRAP) | 0x1FFF);
        w32(&f->r, TXR + 8 * i + 4, BUF);
    }
    assert_int_equal(pos_oc3_tx_poll(f->d), 1);
    pump(f->ev, 20);
    assert_int_equal(f->p.n, 0);
    assert_true(logged(f, "TX buffer outside memory"));
    assert_true(logged(f, "TX chain without an end"));
    assert_true(logged(f, "TX frame longer than the 8192-byte buffer"));
    assert_true(logged(f, "RX buffer outside memory"));
    pos_oc3_get_stats(f->d, &s);
    assert_int_equal(s.tx_dropped, 3);
    assert_int_equal(s.tx_frames, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pci_functions_and_windows,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_plx_range_sizes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ctrl1_crc_size_and_irq_release,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_gather_reversed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_descriptors, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
