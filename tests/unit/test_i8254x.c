/*
 * Intel 82543 (devices.md §3.3): identity and constant registers, the PHY
 * through CTRL_EXT bit-banging with the exact clock accounting, transmit
 * on the TDT doorbell (word-reversed buffers, RS/DD, TXDW/TXQE, frames
 * over several descriptors, incomplete frames left alone), receive into
 * buffer-size chunks (word-reversed, lengths with the FCS, EOP), RXO when
 * the ring is short, the RXT0 re-arm on ICR reads, 82542 aliases.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/i8254x.h"
#include "dev/pci_bus.h"
#include "net_harness.h"
#include "nic_harness.h"

#define TXRING 0x1000
#define RXRING 0x2000
#define TXBUF 0x8000
#define RXBUF 0x10000

#define ICR 0x00C0
#define IMS 0x00D0
#define RCTL 0x0100
#define TCTL 0x0400
#define CTRL_EXT 0x0018

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p;
    struct i8254x *d;
    struct device *dev;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    assert_int_equal(probe_init(&f->p, f->ev, "ge0"), 0);
    struct i8254x_config c = {.name = "test ge", .pm = &f->r.pm,
                              .irq = irq_rec_line(&f->irq)};
    assert_int_equal(i8254x_create(&c, &f->d), 0);
    f->dev = i8254x_device(f->d);
    assert_int_equal(i8254x_set_nio(f->d, f->p.port), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    i8254x_destroy(f->d);
    probe_fini(&f->p);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static uint32_t rd(struct fx *f, uint32_t off)
{
    return (uint32_t)dev_read(f->dev, off, 4);
}

static void wr(struct fx *f, uint32_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, v);
}

/* Bytes as IOS leaves them in memory: each aligned word reversed. */
static void put_swapped(struct fx *f, uint32_t a, const uint8_t *p,
                        size_t len)
{
    for (size_t i = 0; i < len; i++) {
        f->r.ram[a + (i ^ 3)] = p[i];
    }
}

static void test_identity(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config cfg;
    i8254x_pci_config(f->d, &cfg);
    assert_int_equal(cfg.vendor_id, 0x8086);
    assert_int_equal(cfg.device_id, 0x1001);
    assert_int_equal(cfg.class_rev, 0x02000003);
    assert_ptr_equal(cfg.bar[0].window, f->dev);
    assert_int_equal(rd(f, 0x0008), 3);          /* STATUS: FD | LU */
    assert_int_equal(rd(f, 0x0020), 0x10000000); /* MDIC ready */
    wr(f, 0x5400, 0x12345678);                   /* RAL0: not modelled */
    assert_int_equal(rd(f, 0x5400), 0);
    wr(f, 0x0110, 0xABCD0); /* 82542 RDBAL alias */
    assert_int_equal(rd(f, 0x2800), 0xABCD0);
    wr(f, 0x2808, 0x12345);
    assert_int_equal(rd(f, 0x0118), 0x12300);
}

/* ---- MDIO through CTRL_EXT: SDP6 = MDC, SDP7 = MDIO, bit 11 = dir ---- */

static void mdc(struct fx *f, int drive, int bit)
{
    uint32_t v = (drive ? 0x800u : 0) | (bit ? 0x80u : 0);
    wr(f, CTRL_EXT, v);
    wr(f, CTRL_EXT, v | 0x40u); /* rising edge */
}

static void mdio_header(struct fx *f, int is_read, unsigned phy, unsigned reg)
{
    for (int i = 0; i < 32; i++) {
        mdc(f, 1, 1);
    }
    mdc(f, 1, 0);
    mdc(f, 1, 1);
    mdc(f, 1, is_read);
    mdc(f, 1, !is_read);
    for (int i = 4; i >= 0; i--) {
        mdc(f, 1, (phy >> i) & 1);
    }
    for (int i = 4; i >= 0; i--) {
        mdc(f, 1, (reg >> i) & 1);
    }
}

static uint16_t mdio_read(struct fx *f, unsigned phy, unsigned reg)
{
    mdio_header(f, 1, phy, reg);
    mdc(f, 0, 0); /* one turnaround clock */
    uint16_t v = 0;
    for (int i = 0; i < 16; i++) {
        mdc(f, 0, 0); /* D15 appears on the first clock after it */
        v = (uint16_t)(v << 1 | ((rd(f, CTRL_EXT) >> 7) & 1));
    }
    return v;
}

static void mdio_write(struct fx *f, unsigned phy, unsigned reg, uint16_t v)
{
    mdio_header(f, 0, phy, reg);
    mdc(f, 1, 1);
    mdc(f, 1, 0);
    for (int i = 15; i >= 0; i--) {
        mdc(f, 1, (v >> i) & 1);
    }
}

static void test_phy(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mdio_read(f, 1, 1), 0x782C);
    assert_int_equal(mdio_read(f, 1, 2), 0x0013);
    assert_int_equal(mdio_read(f, 7, 3), 0x61D4);
    assert_int_equal(mdio_read(f, 1, 5), 0x41E1);
    assert_int_equal(mdio_read(f, 1, 0x11), 0x4700);
    mdio_write(f, 1, 0, 0x9200); /* reset + restart AN */
    assert_int_equal(mdio_read(f, 1, 0), 0x3000);
    mdio_write(f, 1, 4, 0x0DE1);
    assert_int_equal(mdio_read(f, 1, 4), 0x0DE1);
    assert_int_equal(mdio_read(f, 2, 4), 0);
}

/* ---- transmit ---- */

static void tx_desc(struct fx *f, unsigned i, uint32_t buf, uint32_t w2)
{
    uint32_t a = TXRING + 16 * i;
    w32(&f->r, a, buf);
    w32(&f->r, a + 4, 0);
    w32(&f->r, a + 8, w2);
    w32(&f->r, a + 12, 0);
}

#define T_EOP (1u << 24)
#define T_RS (1u << 27)

static void tx_setup(struct fx *f)
{
    wr(f, 0x3800, TXRING);
    wr(f, 0x3808, 8 * 16);
    wr(f, 0x3810, 0);
    wr(f, 0x3818, 0);
    wr(f, TCTL, 2);
    wr(f, IMS, 0x3);
}

static void test_tx(void **state)
{
    struct fx *f = *state;
    tx_setup(f);
    uint8_t frame[200];
    make_frame(frame, sizeof(frame), NULL);
    put_swapped(f, TXBUF, frame, 64);
    tx_desc(f, 0, TXBUF, T_EOP | T_RS | 62);
    wr(f, 0x3818, 1); /* TDT: the doorbell */
    assert_int_equal(rd(f, 0x3810), 1);
    assert_int_equal(r32(&f->r, TXRING + 12) & 1, 1); /* DD */
    assert_int_equal(f->irq.level, 1);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    assert_int_equal(f->p.frames[0].len, 62);
    assert_memory_equal(f->p.frames[0].data, frame, 62);
    assert_int_equal(rd(f, ICR), 0x3); /* TXDW | TXQE, cleared by the read */
    assert_int_equal(rd(f, ICR), 0);
    assert_int_equal(f->irq.level, 0);

    /* three buffers (30 + 31 + 9 bytes), each word-reversed on its own;
     * the last descriptor is not there yet: nothing moves */
    put_swapped(f, TXBUF + 0x100, frame, 32);
    put_swapped(f, TXBUF + 0x200, frame + 30, 32);
    put_swapped(f, TXBUF + 0x300, frame + 61, 12);
    tx_desc(f, 1, TXBUF + 0x100, 30);
    tx_desc(f, 2, TXBUF + 0x200, T_RS | 31);
    tx_desc(f, 3, TXBUF + 0x300, T_EOP | 9);
    wr(f, 0x3818, 3);
    assert_int_equal(rd(f, 0x3810), 1);
    assert_int_equal(i8254x_tx_poll(f->d), 0);
    wr(f, 0x3818, 4);
    assert_int_equal(rd(f, 0x3810), 4);
    assert_int_equal(r32(&f->r, TXRING + 16 * 2 + 12), 1);
    assert_int_equal(r32(&f->r, TXRING + 16 * 3 + 12), 0); /* no RS */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 2);
    assert_int_equal(f->p.frames[1].len, 70);
    assert_memory_equal(f->p.frames[1].data, frame, 70);
    /* TCTL.EN off: the doorbell does nothing */
    wr(f, TCTL, 0);
    tx_desc(f, 4, TXBUF, T_EOP | 60);
    wr(f, 0x3818, 5);
    assert_int_equal(rd(f, 0x3810), 4);
}

/* ---- receive ---- */

static void rx_setup(struct fx *f, unsigned ndesc, uint32_t tail,
                     uint32_t bsize_bits)
{
    for (unsigned i = 0; i < ndesc; i++) {
        w32(&f->r, RXRING + 16 * i, RXBUF + 0x1000 * i);
        w32(&f->r, RXRING + 16 * i + 4, 0);
    }
    wr(f, 0x2800, RXRING);
    wr(f, 0x2808, ndesc * 16);
    wr(f, 0x2810, 0);
    wr(f, 0x2818, tail);
    wr(f, RCTL, 2 | bsize_bits);
    wr(f, IMS, 0xC0);
}

static void test_rx_chunks(void **state)
{
    struct fx *f = *state;
    rx_setup(f, 8, 3, 3u << 16); /* 256-byte buffers, 3 free */
    uint8_t frame[300];
    make_frame(frame, sizeof(frame), NULL);
    nio_send(f->p.peer, frame, sizeof(frame));
    pump(f->ev, 10);
    assert_int_equal(r32(&f->r, RXRING + 8), 256);
    assert_int_equal(r32(&f->r, RXRING + 12), 0x5);     /* IXSM | DD */
    assert_int_equal(r32(&f->r, RXRING + 16 + 8), 48);  /* 44 + FCS */
    assert_int_equal(r32(&f->r, RXRING + 16 + 12), 0x7); /* | EOP */
    for (int i = 0; i < 256; i++) {
        assert_int_equal(f->r.ram[RXBUF + (i ^ 3)], frame[i]);
    }
    for (int i = 0; i < 44; i++) {
        assert_int_equal(f->r.ram[RXBUF + 0x1000 + (i ^ 3)], frame[256 + i]);
    }
    assert_int_equal(rd(f, 0x2810), 2);
    assert_int_equal(f->irq.level, 1);

    /* one slot left: a 2-chunk frame does not fit, RXO, nothing written */
    i8254x_receive(f->d, frame, sizeof(frame));
    assert_int_equal(rd(f, 0x2810), 2);
    assert_int_equal(r32(&f->r, RXRING + 32 + 12), 0);
    /* a small one does */
    i8254x_receive(f->d, frame, 60);
    assert_int_equal(rd(f, 0x2810), 3);
    /* two frames: RXT0 on three ICR reads (the re-arm) */
    uint32_t icr = rd(f, ICR);
    assert_int_equal(icr & 0xC0, 0xC0); /* RXT0 | RXO */
    assert_int_equal(rd(f, ICR), 0x80);
    assert_int_equal(rd(f, ICR), 0x80);
    assert_int_equal(rd(f, ICR), 0);
    assert_int_equal(f->irq.level, 0);
}

static void test_rx_buffer_sizes(void **state)
{
    struct fx *f = *state;
    rx_setup(f, 8, 3, 0); /* BSIZE 0: 2048 */
    uint8_t frame[1514];
    make_frame(frame, sizeof(frame), NULL);
    i8254x_receive(f->d, frame, sizeof(frame));
    assert_int_equal(r32(&f->r, RXRING + 8), 1518);
    assert_int_equal(rd(f, 0x2810), 1);
    wr(f, RCTL, 2 | (1u << 25)); /* BSEX with BSIZE 0: invalid */
    i8254x_receive(f->d, frame, 60);
    assert_int_equal(rd(f, 0x2810), 1);
    wr(f, RCTL, 2 | (1u << 25) | (3u << 16)); /* 4096 */
    i8254x_receive(f->d, frame, sizeof(frame));
    assert_int_equal(rd(f, 0x2810), 2);
    wr(f, RCTL, 0); /* disabled */
    i8254x_receive(f->d, frame, 60);
    assert_int_equal(rd(f, 0x2810), 2);
}

static void test_ics_imc(void **state)
{
    struct fx *f = *state;
    wr(f, IMS, 0x4);
    wr(f, 0x00C8, 0x4); /* ICS */
    assert_int_equal(f->irq.level, 1);
    wr(f, 0x00D8, 0x4); /* IMC */
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(rd(f, IMS), 0);
    assert_int_equal(rd(f, ICR), 0x4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_buffer_sizes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ics_imc, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
