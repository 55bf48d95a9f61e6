/*
 * AMD Am79C971 / Am79C970A (devices.md §3.2): DWIO register ports, chip-ID
 * per card type, initialization block, CSR0 semantics (STOP, INIT, STRT,
 * TDMD, the RINT/TINT clearing rule, IENA), transmit and receive through
 * SWSTYLE 2 and 3 rings in guest RAM to and from a NIO, the address
 * filter, truncation when the ring runs out, the PHY behind BCR33/34.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/am79c971.h"
#include "dev/nic.h"
#include "dev/pci_bus.h"
#include "net_harness.h"
#include "nic_harness.h"

#define RDP 0x10
#define RAP 0x14
#define BDP 0x1C
#define IBLOCK 0x0500
#define RXRING 0x1000
#define TXRING 0x2000
#define RXBUF 0x10000
#define TXBUF 0x20000

#define C0_INIT (1u << 0)
#define C0_STRT (1u << 1)
#define C0_STOP (1u << 2)
#define C0_TDMD (1u << 3)
#define C0_TXON (1u << 4)
#define C0_RXON (1u << 5)
#define C0_IENA (1u << 6)
#define C0_INTR (1u << 7)
#define C0_IDON (1u << 8)
#define C0_TINT (1u << 9)
#define C0_RINT (1u << 10)

#define D_OWN (1u << 31)
#define D_ERR (1u << 30)
#define D_BUFF (1u << 26)
#define D_STP (1u << 25)
#define D_ENP (1u << 24)
#define D_ONES 0xF000u
#define BCNT(n) ((0u - (uint32_t)(n)) & 0xFFFu)

static const uint8_t me[6] = {0x00, 0x0C, 0x29, 0x11, 0x22, 0x33};

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p;
    struct am79c971 *d;
    struct device *dev;
};

static int setup_type(void **state, enum am79c971_type type)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    assert_int_equal(probe_init(&f->p, f->ev, "e0"), 0);
    struct am79c971_config c = {
        .name = "test e",
        .type = type,
        .pm = &f->r.pm,
        .irq = irq_rec_line(&f->irq),
    };
    assert_int_equal(am79c971_create(&c, &f->d), 0);
    f->dev = am79c971_device(f->d);
    assert_int_equal(am79c971_set_nio(f->d, f->p.port), 0);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_type(state, AM79C971_10BASE_T);
}

static int setup_fe(void **state)
{
    return setup_type(state, AM79C971_100BASE_TX);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    am79c971_destroy(f->d);
    probe_fini(&f->p);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static uint32_t csr(struct fx *f, unsigned n)
{
    dev_write(f->dev, RAP, 4, n);
    return (uint32_t)dev_read(f->dev, RDP, 4);
}

static void set_csr(struct fx *f, unsigned n, uint32_t v)
{
    dev_write(f->dev, RAP, 4, n);
    dev_write(f->dev, RDP, 4, v);
}

static uint32_t bcr(struct fx *f, unsigned n)
{
    dev_write(f->dev, RAP, 4, n);
    return (uint32_t)dev_read(f->dev, BDP, 4);
}

static void set_bcr(struct fx *f, unsigned n, uint32_t v)
{
    dev_write(f->dev, RAP, 4, n);
    dev_write(f->dev, BDP, 4, v);
}

/* Initialization block: RLEN 4, TLEN 2 descriptors; then INIT + STRT. */
static void init_chip(struct fx *f, unsigned style, uint32_t mode)
{
    w32(&f->r, IBLOCK, (1u << 28) | (2u << 20) | mode);
    w32(&f->r, IBLOCK + 4, (uint32_t)me[3] << 24 | (uint32_t)me[2] << 16 |
                               (uint32_t)me[1] << 8 | me[0]);
    w32(&f->r, IBLOCK + 8, (uint32_t)me[5] << 8 | me[4]);
    w32(&f->r, IBLOCK + 20, RXRING);
    w32(&f->r, IBLOCK + 24, TXRING);
    set_bcr(f, 20, style);
    set_csr(f, 1, IBLOCK & 0xFFFF);
    set_csr(f, 2, IBLOCK >> 16);
    set_csr(f, 0, C0_INIT | C0_IENA);
    set_csr(f, 0, C0_IDON | C0_STRT | C0_IENA);
}

/* Logical descriptor words at the style's offsets. */
static void put_desc(struct fx *f, unsigned style, uint32_t a, uint32_t buf,
                     uint32_t flags, uint32_t misc)
{
    w32(&f->r, a + (style == 2 ? 0 : 8), buf);
    w32(&f->r, a + (style == 2 ? 8 : 0), misc);
    w32(&f->r, a + 4, flags);
}

static uint32_t flags_at(struct fx *f, uint32_t a)
{
    return r32(&f->r, a + 4);
}

static uint32_t misc_at(struct fx *f, unsigned style, uint32_t a)
{
    return r32(&f->r, a + (style == 2 ? 8 : 0));
}

/* ---- registers ---- */

static void test_identity(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config cfg;
    am79c971_pci_config(f->d, &cfg);
    assert_int_equal(cfg.vendor_id, 0x1022);
    assert_int_equal(cfg.device_id, 0x2000);
    assert_int_equal(cfg.class_rev, 0x02000002);
    assert_ptr_equal(cfg.bar[1].window, f->dev);
    assert_int_equal(csr(f, 88), 0x02621003); /* Am79C970A: 10BASE-T card */
    set_csr(f, 88, 0);
    assert_int_equal(csr(f, 88), 0x02621003);
}

static void test_identity_fe(void **state)
{
    struct fx *f = *state;
    assert_int_equal(csr(f, 88), 0x02623003);
}

static void test_registers(void **state)
{
    struct fx *f = *state;
    assert_int_equal(csr(f, 0), 0);
    dev_write(f->dev, RAP, 4, 0x1FF);
    assert_int_equal(dev_read(f->dev, RAP, 4), 0xFF);
    assert_int_equal(bcr(f, 9), 1);
    set_bcr(f, 20, 3);
    assert_int_equal(csr(f, 58), 3); /* CSR58 aliases BCR20 */
    set_csr(f, 6, 0x5300);
    assert_int_equal(csr(f, 6), 0x5300);
    set_csr(f, 40, 0x1234); /* plain storage */
    assert_int_equal(csr(f, 40), 0x1234);
    assert_int_equal(dev_read(f->dev, 0x00, 4), 0); /* address PROM: not decoded */
    /* PHY 0 through BCR33/34; other addresses read 0, writes ignored */
    set_bcr(f, 33, 1);
    assert_int_equal(bcr(f, 34), 0x782D);
    set_bcr(f, 34, 0);
    assert_int_equal(bcr(f, 34), 0x782D);
    set_bcr(f, 33, (1u << 5) | 1);
    assert_int_equal(bcr(f, 34), 0);
}

static void test_init_block(void **state)
{
    struct fx *f = *state;
    w32(&f->r, IBLOCK, (1u << 28) | (2u << 20) | 0x0003);
    w32(&f->r, IBLOCK + 4, 0x11290C00);
    w32(&f->r, IBLOCK + 8, 0x3322);
    w32(&f->r, IBLOCK + 20, RXRING);
    w32(&f->r, IBLOCK + 24, TXRING);
    set_csr(f, 1, IBLOCK);
    set_csr(f, 2, 0);
    set_csr(f, 0, C0_INIT);
    uint32_t c0 = csr(f, 0);
    assert_true(c0 & C0_IDON);
    assert_true(c0 & C0_INTR);
    assert_int_equal(f->irq.level, 0); /* IENA not set */
    assert_int_equal(csr(f, 15), 0x0003);
    assert_int_equal(csr(f, 12), 0x0C00);
    assert_int_equal(csr(f, 13), 0x1129);
    assert_int_equal(csr(f, 14), 0x3322);
    assert_int_equal(csr(f, 6), 0x1200);
    set_csr(f, 0, C0_IENA);
    assert_int_equal(f->irq.level, 1);
    set_csr(f, 3, C0_IDON); /* masked */
    assert_int_equal(f->irq.level, 0);
    assert_false(csr(f, 0) & C0_INTR);
    set_csr(f, 3, 0);
    set_csr(f, 0, C0_IDON | C0_IENA); /* write one to clear */
    assert_false(csr(f, 0) & C0_IDON);
    assert_int_equal(f->irq.level, 0);
    /* STRT with CSR15 DRX | DTX: neither RXON nor TXON */
    set_csr(f, 0, C0_STRT);
    assert_int_equal(csr(f, 0) & (C0_RXON | C0_TXON), 0);
    set_csr(f, 15, 0);
    assert_int_equal(csr(f, 0) & (C0_RXON | C0_TXON), C0_RXON | C0_TXON);
    /* STOP: CSR0 = STOP exactly, IENA gone */
    set_csr(f, 0, C0_STOP | C0_IENA);
    assert_int_equal(csr(f, 0), C0_STOP);
}

static void test_rint_tint_clear_rule(void **state)
{
    struct fx *f = *state;
    init_chip(f, 2, 0);
    put_desc(f, 2, RXRING, RXBUF, D_OWN | D_ONES | BCNT(1536), 0);
    uint8_t frame[60];
    make_frame(frame, sizeof(frame), NULL);
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_true(csr(f, 0) & C0_RINT);
    assert_int_equal(f->irq.level, 1);
    /* two CSR0 writes since the start: the next one is the third */
    set_csr(f, 0, C0_RINT | C0_IENA);
    assert_false(csr(f, 0) & C0_RINT);
    assert_int_equal(f->irq.level, 0);
    put_desc(f, 2, RXRING + 16, RXBUF, D_OWN | D_ONES | BCNT(1536), 0);
    am79c971_receive(f->d, frame, sizeof(frame));
    set_csr(f, 0, C0_RINT | C0_IENA); /* 1st: kept */
    assert_true(csr(f, 0) & C0_RINT);
    set_csr(f, 0, C0_RINT | C0_IENA); /* 2nd: kept */
    assert_true(csr(f, 0) & C0_RINT);
    set_csr(f, 0, C0_RINT | C0_IENA); /* 3rd: cleared */
    assert_false(csr(f, 0) & C0_RINT);
    /* writing IENA as 0 does not clear it */
    set_csr(f, 0, 0);
    assert_true(csr(f, 0) & C0_IENA);
}

/* ---- transmit ---- */

static void tx_style(struct fx *f, unsigned style)
{
    init_chip(f, style, 0);
    uint8_t frame[200];
    make_frame(frame, sizeof(frame), NULL);
    memcpy(f->r.ram + TXBUF, frame, 120);
    memcpy(f->r.ram + TXBUF + 0x1000, frame + 120, 80);
    put_desc(f, style, TXRING + 16, TXBUF + 0x1000,
             D_OWN | D_ENP | D_ONES | BCNT(80), 0);
    put_desc(f, style, TXRING, TXBUF, D_OWN | D_STP | D_ONES | BCNT(120), 0);
    set_csr(f, 0, C0_TDMD | C0_IENA);
    assert_int_equal(flags_at(f, TXRING), D_STP | D_ONES | BCNT(120));
    assert_int_equal(flags_at(f, TXRING + 16), D_ENP | D_ONES | BCNT(80));
    assert_true(csr(f, 0) & C0_TINT);
    assert_int_equal(f->irq.level, 1);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    assert_int_equal(f->p.frames[0].len, 200);
    assert_memory_equal(f->p.frames[0].data, frame, 200);
    /* the ring (2 entries) wraps: next frame from entry 0 by the scan */
    put_desc(f, style, TXRING, TXBUF, D_OWN | D_STP | D_ENP | BCNT(60), 0);
    assert_int_equal(am79c971_tx_poll(f->d), 1);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 2);
    assert_int_equal(f->p.frames[1].len, 60);
}

static void test_tx_style2(void **state)
{
    tx_style(*state, 2);
}

static void test_tx_style3(void **state)
{
    tx_style(*state, 3);
}

static void test_tx_waits_for_whole_frame(void **state)
{
    struct fx *f = *state;
    init_chip(f, 2, 0);
    put_desc(f, 2, TXRING + 16, TXBUF + 100, D_ENP | BCNT(20), 0);
    put_desc(f, 2, TXRING, TXBUF, D_OWN | D_STP | BCNT(100), 0);
    set_csr(f, 0, C0_TDMD);
    assert_int_equal(flags_at(f, TXRING), D_OWN | D_STP | BCNT(100));
    assert_int_equal(am79c971_tx_poll(f->d), 0);
    put_desc(f, 2, TXRING + 16, TXBUF + 100, D_OWN | D_ENP | BCNT(20), 0);
    assert_int_equal(am79c971_tx_poll(f->d), 1);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    assert_int_equal(f->p.frames[0].len, 120);
}

static void test_tx_needs_txon_and_style(void **state)
{
    struct fx *f = *state;
    init_chip(f, 1, 0); /* style 1: not supported, nothing moves */
    put_desc(f, 2, TXRING, TXBUF, D_OWN | D_STP | D_ENP | BCNT(60), 0);
    assert_int_equal(am79c971_tx_poll(f->d), 0);
    set_bcr(f, 20, 2);
    set_csr(f, 15, 2); /* DTX */
    assert_int_equal(am79c971_tx_poll(f->d), 0);
    set_csr(f, 15, 0);
    assert_int_equal(am79c971_tx_poll(f->d), 1);
}

/* ---- receive ---- */

static void rx_style(struct fx *f, unsigned style)
{
    init_chip(f, style, 0);
    for (unsigned i = 0; i < 4; i++) {
        put_desc(f, style, RXRING + 16 * i, RXBUF + 0x800 * i,
                 D_OWN | D_ONES | BCNT(1536), 0xABC00000u);
    }
    uint8_t frame[100];
    make_frame(frame, sizeof(frame), NULL);
    nio_send(f->p.peer, frame, sizeof(frame));
    pump(f->ev, 10);
    assert_int_equal(flags_at(f, RXRING),
                     D_STP | D_ENP | D_ONES | BCNT(1536));
    assert_int_equal(misc_at(f, style, RXRING), 0xABC00000u | 104);
    assert_memory_equal(f->r.ram + RXBUF, frame, sizeof(frame));
    assert_true(csr(f, 0) & C0_RINT);
    assert_int_equal(f->irq.level, 1);
}

static void test_rx_style2(void **state)
{
    rx_style(*state, 2);
}

static void test_rx_style3(void **state)
{
    rx_style(*state, 3);
}

static void test_rx_filter(void **state)
{
    struct fx *f = *state;
    init_chip(f, 2, 0);
    for (unsigned i = 0; i < 4; i++) {
        put_desc(f, 2, RXRING + 16 * i, RXBUF + 0x800 * i,
                 D_OWN | BCNT(1536), 0);
    }
    static const uint8_t other[6] = {0x00, 0x0C, 0x29, 0x11, 0x22, 0x34};
    uint8_t frame[60];
    make_frame(frame, sizeof(frame), other);
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_true(flags_at(f, RXRING) & D_OWN); /* not for us */
    make_frame(frame, sizeof(frame), me);
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_false(flags_at(f, RXRING) & D_OWN);
    make_frame(frame, sizeof(frame), other);
    set_csr(f, 15, 1u << 15); /* PROM */
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_false(flags_at(f, RXRING + 16) & D_OWN);
    set_csr(f, 15, 1u << 0); /* DRX: receiver off */
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_true(flags_at(f, RXRING + 32) & D_OWN);
}

static void test_rx_multi_and_truncation(void **state)
{
    struct fx *f = *state;
    init_chip(f, 2, 0);
    for (unsigned i = 0; i < 3; i++) {
        put_desc(f, 2, RXRING + 16 * i, RXBUF + 0x100 * i,
                 D_OWN | BCNT(64), 0);
    }
    uint8_t frame[150];
    make_frame(frame, sizeof(frame), NULL);
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_int_equal(flags_at(f, RXRING), D_STP | BCNT(64));
    assert_int_equal(flags_at(f, RXRING + 16), BCNT(64));
    assert_int_equal(flags_at(f, RXRING + 32), D_ENP | BCNT(64));
    assert_int_equal(misc_at(f, 2, RXRING + 32), 154);
    assert_memory_equal(f->r.ram + RXBUF, frame, 64);
    assert_memory_equal(f->r.ram + RXBUF + 0x100, frame + 64, 64);
    assert_memory_equal(f->r.ram + RXBUF + 0x200, frame + 128, 22);

    /* one descriptor left (entry 3), then entry 0 not ours: truncated */
    put_desc(f, 2, RXRING + 48, RXBUF + 0x300, D_OWN | BCNT(64), 0);
    am79c971_receive(f->d, frame, sizeof(frame));
    assert_int_equal(flags_at(f, RXRING + 48),
                     D_STP | D_ERR | D_BUFF | D_ENP | BCNT(64));
    /* ring full: dropped */
    struct nic_stats st;
    am79c971_receive(f->d, frame, sizeof(frame));
    am79c971_get_stats(f->d, &st);
    assert_int_equal(st.rx_frames, 2);
    assert_int_equal(st.rx_dropped, 1);
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    init_chip(f, 2, 0);
    assert_int_equal(f->irq.level, 0);
    set_csr(f, 0, C0_INIT | C0_IENA);
    assert_int_equal(f->irq.level, 1);
    dev_reset(f->dev);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(csr(f, 0), 0);
    assert_int_equal(bcr(f, 20), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_fe, setup_fe, teardown),
        cmocka_unit_test_setup_teardown(test_registers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_block, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rint_tint_clear_rule, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_style2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_style3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_waits_for_whole_frame, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_needs_txon_and_style, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rx_style2, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_style3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_filter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_multi_and_truncation, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
