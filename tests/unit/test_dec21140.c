/*
 * DEC 21140 (devices.md §3.1): CSR reset values and side effects, transmit
 * from descriptor rings in guest RAM to a NIO (doorbell and scan, chains,
 * setup frames, incomplete chains left alone), receive into the ring
 * (single and multi-descriptor frames, full ring, address filter), the
 * interrupt line, and the PHY link bit read by bit-banging CSR9.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/dec21140.h"
#include "dev/nic.h"
#include "dev/pci_bus.h"
#include "net_harness.h"
#include "nic_harness.h"

#define CSR(n) ((n) * 8)
#define TXRING 0x1000
#define RXRING 0x3000
#define TXBUF 0x8000
#define RXBUF 0x10000

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p;
    struct dec21140 *d;
    struct device *dev;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    assert_int_equal(probe_init(&f->p, f->ev, "fe0"), 0);
    struct dec21140_config c = {
        .name = "test fe",
        .pm = &f->r.pm,
        .irq = irq_rec_line(&f->irq),
    };
    assert_int_equal(dec21140_create(&c, &f->d), 0);
    f->dev = dec21140_device(f->d);
    assert_int_equal(dec21140_set_nio(f->d, f->p.port), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    dec21140_destroy(f->d);
    probe_fini(&f->p);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static uint32_t rd(struct fx *f, unsigned n)
{
    return (uint32_t)dev_read(f->dev, CSR(n), 4);
}

static void wr(struct fx *f, unsigned n, uint32_t v)
{
    dev_write(f->dev, CSR(n), 4, v);
}

/* ---- registers ---- */

static void test_pci_identity(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config cfg;
    dec21140_pci_config(f->d, &cfg);
    assert_int_equal(cfg.vendor_id, 0x1011);
    assert_int_equal(cfg.device_id, 0x0009);
    assert_int_equal(cfg.class_rev, 0x02000011);
    assert_ptr_equal(cfg.bar[1].window, f->dev); /* CBMA, offset 0x14 */
    assert_int_equal(cfg.bar[0].size, 0);
}

static void test_reset_values(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0), 0xFFF80000);
    assert_int_equal(rd(f, 5), 0xFC000000);
    assert_int_equal(rd(f, 8), 0); /* read clears the missed-frame counter */
    assert_int_equal(rd(f, 6), 0);
    /* offsets between CSRs: guest error, read 0 */
    assert_int_equal(dev_read(f->dev, 4, 4), 0);
    dev_write(f->dev, 0x84, 4, 0x1234);
    assert_int_equal(dev_read(f->dev, 0x84, 4), 0);
}

static void test_csr5_running_states(void **state)
{
    struct fx *f = *state;
    wr(f, 6, 1u << 1); /* SR */
    assert_int_equal(rd(f, 5) & (7u << 17), 3u << 17);
    wr(f, 6, (1u << 1) | (1u << 13));
    assert_int_equal(rd(f, 5) & (7u << 20), 3u << 20);
    wr(f, 6, 0);
    assert_int_equal(rd(f, 5) & 0x7E0000u, 0);
}

/* ---- transmit ---- */

static void tx_desc(struct fx *f, uint32_t a, uint32_t tdes1, uint32_t b1,
                    uint32_t b2)
{
    w32(&f->r, a + 4, tdes1);
    w32(&f->r, a + 8, b1);
    w32(&f->r, a + 12, b2);
    w32(&f->r, a, 1u << 31); /* OWN last, as a driver does */
}

#define T_IC (1u << 31)
#define T_LS (1u << 30)
#define T_FS (1u << 29)
#define T_SET (1u << 27)
#define T_TER (1u << 25)
#define T_TCH (1u << 24)

static void test_tx_single_on_doorbell(void **state)
{
    struct fx *f = *state;
    uint8_t frame[60];
    make_frame(frame, sizeof(frame), NULL);
    memcpy(f->r.ram + TXBUF, frame, sizeof(frame));
    tx_desc(f, TXRING, T_IC | T_FS | T_LS | T_TER | 60, TXBUF, 0);
    wr(f, 4, TXRING);
    wr(f, 6, 1u << 13); /* ST: sends at once */
    assert_int_equal(r32(&f->r, TXRING), 0); /* handed back, status 0 */
    assert_int_equal(f->irq.level, 1);
    assert_true(rd(f, 5) & 1u);         /* TI */
    assert_true(rd(f, 5) & (1u << 16)); /* NIS */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    assert_int_equal(f->p.frames[0].len, 60);
    assert_memory_equal(f->p.frames[0].data, frame, 60);

    wr(f, 5, 1u); /* write one to clear TI */
    assert_int_equal(rd(f, 5) & 0x1FFFFu, 0);
    assert_int_equal(f->irq.level, 0);

    /* TER wrapped back to CSR4: the same descriptor again, via CSR1 */
    tx_desc(f, TXRING, T_FS | T_LS | T_TER | 60, TXBUF, 0);
    wr(f, 1, 1);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 2);
    assert_int_equal(f->irq.level, 0); /* no IC: no TI */
}

static void test_tx_chain_two_buffers(void **state)
{
    struct fx *f = *state;
    uint8_t frame[300];
    make_frame(frame, sizeof(frame), NULL);
    /* desc 0: buffer 1 = 100 bytes, buffer 2 = 50 bytes; desc 1 chained
     * (TCH) holds the last 150 bytes */
    memcpy(f->r.ram + TXBUF, frame, 100);
    memcpy(f->r.ram + TXBUF + 0x400, frame + 100, 50);
    memcpy(f->r.ram + TXBUF + 0x800, frame + 150, 150);
    tx_desc(f, TXRING + 16, T_LS | T_TCH | T_IC | 150, TXBUF + 0x800,
            TXRING);
    tx_desc(f, TXRING, T_FS | (50u << 11) | 100, TXBUF, TXBUF + 0x400);
    wr(f, 4, TXRING);
    wr(f, 6, 1u << 13);
    assert_int_equal(r32(&f->r, TXRING), 0);
    assert_int_equal(r32(&f->r, TXRING + 16), 0);
    assert_int_equal(f->irq.level, 1); /* IC on the last descriptor */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    assert_int_equal(f->p.frames[0].len, 300);
    assert_memory_equal(f->p.frames[0].data, frame, 300);
}

static void test_tx_incomplete_chain_waits(void **state)
{
    struct fx *f = *state;
    uint8_t frame[120];
    make_frame(frame, sizeof(frame), NULL);
    memcpy(f->r.ram + TXBUF, frame, sizeof(frame));
    /* second half not handed over yet */
    w32(&f->r, TXRING + 16 + 4, T_LS | T_TER | 60);
    w32(&f->r, TXRING + 16 + 8, TXBUF + 60);
    tx_desc(f, TXRING, T_FS | 60, TXBUF, 0);
    wr(f, 4, TXRING);
    wr(f, 6, 1u << 13);
    assert_int_equal(r32(&f->r, TXRING), 1u << 31); /* untouched */
    assert_int_equal(dec21140_tx_poll(f->d), 0);
    w32(&f->r, TXRING + 16, 1u << 31);
    assert_int_equal(dec21140_tx_poll(f->d), 1); /* the periodic scan */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    assert_int_equal(f->p.frames[0].len, 120);
    assert_memory_equal(f->p.frames[0].data, frame, 120);
}

static void test_tx_isl_rewrite(void **state)
{
    struct fx *f = *state;
    uint8_t frame[100];
    memset(frame, 0, sizeof(frame));
    static const uint8_t isl[6] = {0x01, 0x00, 0x0C, 0x00, 0x10, 0x00};
    memcpy(frame, isl, 6);
    /* length field: 12 bytes of LLC+ISL header + inner 70 + CRC 4 */
    frame[12] = 0;
    frame[13] = 86;
    for (int i = 26; i < 96; i++) {
        frame[i] = (uint8_t)i;
    }
    memcpy(f->r.ram + TXBUF, frame, sizeof(frame));
    tx_desc(f, TXRING, T_FS | T_LS | T_TER | 100, TXBUF, 0);
    wr(f, 4, TXRING);
    wr(f, 6, 1u << 13);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    const uint8_t *o = f->p.frames[0].data;
    assert_int_equal(o[4], 0x00);
    uint32_t crc = nic_crc32(frame + 26, 70);
    assert_int_equal(o[96], crc & 0xFF);
    assert_int_equal(o[99], crc >> 24);
}

/* ---- receive ---- */

#define R_RER (1u << 25)
#define R_RCH (1u << 24)

static void rx_desc(struct fx *f, uint32_t a, uint32_t rdes1, uint32_t b1,
                    uint32_t b2)
{
    w32(&f->r, a + 4, rdes1);
    w32(&f->r, a + 8, b1);
    w32(&f->r, a + 12, b2);
    w32(&f->r, a, 1u << 31);
}

static void rx_start(struct fx *f)
{
    wr(f, 3, RXRING);
    wr(f, 6, 1u << 1); /* SR */
}

static void test_rx_single(void **state)
{
    struct fx *f = *state;
    rx_desc(f, RXRING, 1536, RXBUF, 0);
    rx_desc(f, RXRING + 16, R_RER | 1536, RXBUF + 0x800, 0);
    rx_start(f);
    uint8_t frame[64];
    make_frame(frame, sizeof(frame), NULL);
    nio_send(f->p.peer, frame, sizeof(frame));
    pump(f->ev, 10);
    uint32_t rdes0 = r32(&f->r, RXRING);
    assert_int_equal(rdes0 & (1u << 31), 0);
    assert_int_equal((rdes0 >> 16) & 0x3FFF, 64 + 4); /* FL counts the FCS */
    assert_int_equal(rdes0 & ((1u << 9) | (1u << 8)), (1u << 9) | (1u << 8));
    assert_true(rdes0 & (1u << 10)); /* MF: broadcast */
    assert_memory_equal(f->r.ram + RXBUF, frame, sizeof(frame));
    assert_int_equal(f->irq.level, 1);
    assert_true(rd(f, 5) & (1u << 6)); /* RI */

    /* next frame lands in the second descriptor, then RER wraps */
    nio_send(f->p.peer, frame, 60);
    pump(f->ev, 10);
    assert_int_equal(r32(&f->r, RXRING + 16) & (1u << 31), 0);
    assert_memory_equal(f->r.ram + RXBUF + 0x800, frame, 60);
    /* ring full now: dropped, descriptors untouched */
    nio_send(f->p.peer, frame, 60);
    pump(f->ev, 10);
    struct nic_stats st;
    dec21140_get_stats(f->d, &st);
    assert_int_equal(st.rx_frames, 2);
    assert_int_equal(st.rx_dropped, 1);
    rx_desc(f, RXRING, 1536, RXBUF, 0);
    dec21140_receive(f->d, frame, 60);
    assert_int_equal(r32(&f->r, RXRING) & (1u << 31), 0);
}

static void test_rx_multi_descriptor(void **state)
{
    struct fx *f = *state;
    /* buffers of 32 + 32 bytes per descriptor, 4 descriptors */
    for (int i = 0; i < 4; i++) {
        uint32_t a = RXRING + 16u * (unsigned)i;
        rx_desc(f, a, (i == 3 ? R_RER : 0) | (32u << 11) | 32,
                RXBUF + 0x100u * (unsigned)i, RXBUF + 0x100u * (unsigned)i +
                0x80);
    }
    rx_start(f);
    uint8_t frame[150];
    make_frame(frame, sizeof(frame), NULL);
    dec21140_receive(f->d, frame, sizeof(frame));
    /* 64 + 64 + 22 bytes: three descriptors */
    assert_int_equal(r32(&f->r, RXRING), 1u << 9);         /* FS only */
    assert_int_equal(r32(&f->r, RXRING + 16), 0);          /* middle */
    uint32_t last = r32(&f->r, RXRING + 32);
    assert_int_equal(last & ~(0x3FFFu << 16), (1u << 8) | (1u << 10));
    assert_int_equal(last >> 16, 154);
    assert_int_equal(r32(&f->r, RXRING + 48), 1u << 31); /* still ours */
    assert_memory_equal(f->r.ram + RXBUF, frame, 32);
    assert_memory_equal(f->r.ram + RXBUF + 0x80, frame + 32, 32);
    assert_memory_equal(f->r.ram + RXBUF + 0x100, frame + 64, 32);
    assert_memory_equal(f->r.ram + RXBUF + 0x180, frame + 96, 32);
    assert_memory_equal(f->r.ram + RXBUF + 0x200, frame + 128, 22);
}

static void test_rx_truncated_when_ring_runs_out(void **state)
{
    struct fx *f = *state;
    rx_desc(f, RXRING, 32, RXBUF, 0);
    w32(&f->r, RXRING + 16 + 4, R_RER | 32); /* not owned */
    rx_start(f);
    uint8_t frame[100];
    make_frame(frame, sizeof(frame), NULL);
    dec21140_receive(f->d, frame, sizeof(frame));
    /* FS | LS | DE on the only descriptor */
    assert_int_equal(r32(&f->r, RXRING),
                     (1u << 9) | (1u << 8) | (1u << 14));
}

static void test_rx_needs_start_and_filter(void **state)
{
    struct fx *f = *state;
    rx_desc(f, RXRING, R_RER | 1536, RXBUF, 0);
    uint8_t frame[60];
    static const uint8_t me[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
    make_frame(frame, sizeof(frame), me);
    dec21140_receive(f->d, frame, sizeof(frame)); /* not started */
    assert_int_equal(r32(&f->r, RXRING), 1u << 31);
    rx_start(f);
    dec21140_receive(f->d, frame, sizeof(frame)); /* unicast, no filter */
    assert_int_equal(r32(&f->r, RXRING), 1u << 31);

    /* setup frame: perfect filter entry 0 = me */
    uint8_t sf[192];
    memset(sf, 0xFF, sizeof(sf)); /* the other entries: broadcast */
    static const int pos[6] = {0, 1, 4, 5, 8, 9};
    for (int k = 0; k < 6; k++) {
        sf[pos[k]] = me[k];
    }
    memcpy(f->r.ram + TXBUF, sf, sizeof(sf));
    tx_desc(f, TXRING, T_SET | T_IC | T_TER | 192, TXBUF, 0);
    wr(f, 4, TXRING);
    wr(f, 6, (1u << 13) | (1u << 1));
    assert_int_equal(r32(&f->r, TXRING), 0);
    assert_true(rd(f, 5) & 1u); /* TI for the setup frame's IC */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 0); /* setup frames never reach the wire */

    dec21140_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXRING) & (1u << 31), 0);

    /* promiscuous mode takes anything */
    static const uint8_t other[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x66};
    make_frame(frame, sizeof(frame), other);
    rx_desc(f, RXRING, R_RER | 1536, RXBUF, 0);
    dec21140_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXRING), 1u << 31);
    wr(f, 6, (1u << 1) | (1u << 6));
    dec21140_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXRING) & (1u << 31), 0);
}

/* ---- MII through CSR9 ---- */

#define MII_WR_CLK 0x00012000u
#define MII_RD_CLK 0x00054000u

static void mii_out(struct fx *f, int bit)
{
    wr(f, 9, MII_WR_CLK | (bit ? 1u << 17 : 0));
}

static uint16_t mii_read(struct fx *f, unsigned phy, unsigned reg)
{
    for (int i = 0; i < 32; i++) {
        mii_out(f, 1);
    }
    static const int hdr[4] = {0, 1, 1, 0}; /* start 01, read 10 */
    for (int i = 0; i < 4; i++) {
        mii_out(f, hdr[i]);
    }
    for (int i = 4; i >= 0; i--) {
        mii_out(f, (phy >> i) & 1);
    }
    for (int i = 4; i >= 0; i--) {
        mii_out(f, (reg >> i) & 1);
    }
    wr(f, 9, MII_RD_CLK); /* turnaround */
    assert_int_equal(rd(f, 9) & (1u << 19), 0);
    uint16_t v = 0;
    for (int i = 0; i < 16; i++) {
        wr(f, 9, MII_RD_CLK);
        v = (uint16_t)(v << 1 | ((rd(f, 9) >> 19) & 1));
    }
    return v;
}

static void mii_write(struct fx *f, unsigned phy, unsigned reg, uint16_t v)
{
    for (int i = 0; i < 32; i++) {
        mii_out(f, 1);
    }
    static const int hdr[4] = {0, 1, 0, 1}; /* start 01, write 01 */
    for (int i = 0; i < 4; i++) {
        mii_out(f, hdr[i]);
    }
    for (int i = 4; i >= 0; i--) {
        mii_out(f, (phy >> i) & 1);
    }
    for (int i = 4; i >= 0; i--) {
        mii_out(f, (reg >> i) & 1);
    }
    mii_out(f, 1);
    mii_out(f, 0);
    for (int i = 15; i >= 0; i--) {
        mii_out(f, (v >> i) & 1);
    }
}

static void test_mii_link_follows_nio(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mii_read(f, 1, 1), 0x0004);
    mii_write(f, 1, 4, 0x01E1);
    assert_int_equal(mii_read(f, 1, 4), 0x01E1);
    assert_int_equal(mii_read(f, 2, 4), 0);
    dec21140_set_nio(f->d, NULL);
    assert_int_equal(mii_read(f, 1, 1), 0);
}

static void test_reset_clears_state(void **state)
{
    struct fx *f = *state;
    rx_desc(f, RXRING, R_RER | 1536, RXBUF, 0);
    rx_start(f);
    uint8_t frame[60];
    make_frame(frame, sizeof(frame), NULL);
    dec21140_receive(f->d, frame, sizeof(frame));
    assert_int_equal(f->irq.level, 1);
    dev_reset(f->dev);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(rd(f, 3), 0);
    assert_int_equal(rd(f, 5), 0xFC000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pci_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reset_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csr5_running_states, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_single_on_doorbell, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_chain_two_buffers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_incomplete_chain_waits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_isl_rewrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_single, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_multi_descriptor, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rx_truncated_when_ring_runs_out,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_needs_start_and_filter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_mii_link_follows_nio, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset_clears_state, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
