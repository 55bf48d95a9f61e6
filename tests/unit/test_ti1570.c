/*
 * TI TNETA1570 (devices.md §3.7, §1.8): the window (control memory, the
 * PHY register, the status-read rule, software reset), AAL5 segmentation
 * from a packet-segmentation ring through the scheduler (cells with HEC,
 * end-of-SDU, standard CRC-32 trailer, completion ring, PSR ownership and
 * index), a transparent cell, reassembly of received cells into chained
 * free buffers with the completion entry, OAM routing, the RX freeze.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/pci_bus.h"
#include "dev/ti1570.h"
#include "net/atm.h"
#include "net_harness.h"
#include "nic_harness.h"

#define REG(r) (0x3200 + 4 * (r))
#define TX_DMA(i) (0x8000 + 32 * (i))
#define PSR 0x1000     /* host: packet-segmentation ring */
#define TXB 0x2000     /* host: TX buffers */
#define TCR 0x3000     /* host: TX completion ring with interrupt */
#define FBP 0x4000     /* host: free-buffer pointers */
#define RXB 0x5000     /* host: RX buffers, 0x400 apart */
#define RCR 0x8000     /* host: RX completion ring with interrupt */
#define VPI 1
#define VCI 100
#define RX_BASE 0x800  /* VPI table base: entry (0x800 + vci) * 32 */

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p;
    struct ti1570 *d;
    struct device *dev;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    assert_int_equal(probe_init(&f->p, f->ev, "atm"), 0);
    struct ti1570_config c = {.name = "test atm", .pm = &f->r.pm,
                              .irq = irq_rec_line(&f->irq)};
    assert_int_equal(ti1570_create(&c, &f->d), 0);
    f->dev = ti1570_device(f->d);
    assert_int_equal(ti1570_set_nio(f->d, f->p.port), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    ti1570_destroy(f->d);
    probe_fini(&f->p);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static uint32_t cm(struct fx *f, uint32_t off)
{
    return (uint32_t)dev_read(f->dev, off, 4);
}

static void set_cm(struct fx *f, uint32_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, v);
}

static void test_window(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config cfg;
    ti1570_pci_config(f->d, &cfg);
    assert_int_equal(cfg.vendor_id, 0x104C);
    assert_int_equal(cfg.device_id, 0xA001);
    assert_int_equal(cfg.bar[0].size, 0x200000);
    set_cm(f, 0x12340, 0xCAFEF00D);
    assert_int_equal(cm(f, 0x12340), 0xCAFEF00D);
    assert_int_equal(dev_read(f->dev, 0x12341, 1), 0xFE);
    dev_write(f->dev, 0x12342, 2, 0x1234);
    assert_int_equal(cm(f, 0x12340), 0xCAFE1234);
    assert_int_equal(cm(f, 0x18000C), 0xA6);
    assert_int_equal(cm(f, 0x180010), 0);

    /* status & mask drive the line; every fifth status read clears 9:0 */
    set_cm(f, REG(2), 0x80);
    set_cm(f, REG(1), 0x80);
    assert_int_equal(f->irq.level, 1);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cm(f, REG(1)), 0x80);
    }
    assert_int_equal(cm(f, REG(1)), 0);
    assert_int_equal(f->irq.level, 0);
}

/* ---- transmit ---- */

static void tx_setup(struct fx *f, unsigned chan)
{
    set_cm(f, 0x0000, chan);                  /* scheduler slot 0 */
    set_cm(f, TX_DMA(chan) + 12, 0x80000000u | (PSR >> 2)); /* ON, index 0 */
    set_cm(f, REG(5), 3);                     /* TCR with IRQ: 4 entries */
    set_cm(f, REG(7), 3u << 16);              /* PSR: 4 entries */
    set_cm(f, REG(0x81), TCR);
    set_cm(f, REG(2), 0x1);                   /* CP_TX */
    for (int i = 0; i < 4; i++) {
        w32(&f->r, TCR + 4 * i, 0x80000000u);
    }
}

static void test_tx_aal5(void **state)
{
    struct fx *f = *state;
    tx_setup(f, 5);
    uint8_t pdu[100];
    for (int i = 0; i < 100; i++) {
        pdu[i] = (uint8_t)(i * 5 + 1);
    }
    /* one buffer: RDY SOP EOP, AAL5, TCR with interrupt, 100 bytes */
    w32(&f->r, TXB, 0xE0000000u | 1u << 26 | 1u << 25 | 100);
    w32(&f->r, TXB + 4, 0);
    w32(&f->r, TXB + 8, atm_make_hdr(VPI, VCI));
    w32(&f->r, TXB + 12, 0);
    memcpy(f->r.ram + TXB + 16, pdu, sizeof(pdu));
    w32(&f->r, PSR, 0x80000000u | TXB >> 2);
    assert_int_equal(ti1570_tx_poll(f->d), 3); /* 100 + 8 bytes: 3 cells */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 3);
    uint32_t crc = 0xFFFFFFFFu;
    for (int c = 0; c < 3; c++) {
        const uint8_t *cell = f->p.frames[c].data;
        assert_int_equal(f->p.frames[c].len, 53);
        uint32_t h = atm_hdr_word(cell);
        assert_int_equal(atm_vpi(h), VPI);
        assert_int_equal(atm_vci(h), VCI);
        assert_int_equal(cell[4], atm_hec(cell));
        assert_int_equal((h & ATM_PTI_EOP) != 0, c == 2);
        crc = aal5_crc_update(crc, cell + 5, c == 2 ? 44 : 48);
    }
    const uint8_t *last = f->p.frames[2].data;
    assert_memory_equal(f->p.frames[0].data + 5, pdu, 48);
    assert_memory_equal(f->p.frames[1].data + 5, pdu + 48, 48);
    assert_memory_equal(last + 5, pdu + 96, 4);
    assert_int_equal(be32_load(last + 45), 100); /* CPCS-UU, CPI, length */
    assert_int_equal(be32_load(last + 49), ~crc); /* standard CRC-32 */
    /* the net layer's reassembler agrees */
    struct aal5_reasm *ra = calloc(1, sizeof(*ra));
    int len = 0;
    for (int c = 0; c < 3; c++) {
        len = aal5_reasm_cell(ra, f->p.frames[c].data);
    }
    assert_int_equal(len, 100);
    assert_memory_equal(ra->buf, pdu, 100);
    free(ra);

    /* PSR entry back to IOS, index moved; buffer in the completion ring */
    assert_int_equal(r32(&f->r, PSR), TXB >> 2);
    assert_int_equal(cm(f, TX_DMA(5) + 12) & 0xFF, 1);
    assert_int_equal(cm(f, TX_DMA(5)) & 0x80000000u, 0); /* not ACT */
    assert_int_equal(r32(&f->r, TCR), TXB >> 2);
    assert_int_equal(cm(f, REG(1)) & 1, 1); /* CP_TX */
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(ti1570_tx_poll(f->d), 0); /* PSR entry 1 not owned */
}

static void test_tx_two_buffers_and_freeze(void **state)
{
    struct fx *f = *state;
    tx_setup(f, 9);
    /* 60 bytes in two buffers (40 + 20), the second at offset 4 */
    uint8_t pdu[60];
    for (int i = 0; i < 60; i++) {
        pdu[i] = (uint8_t)(0xA0 + i);
    }
    w32(&f->r, TXB, 0xC0000000u | 1u << 26 | 1u << 25 | 40);
    w32(&f->r, TXB + 4, (TXB + 0x100) >> 2);
    w32(&f->r, TXB + 8, atm_make_hdr(VPI, VCI));
    w32(&f->r, TXB + 12, 0);
    memcpy(f->r.ram + TXB + 16, pdu, 40);
    w32(&f->r, TXB + 0x100, 0xA0000000u | 1u << 26 | 1u << 25 | 4u << 16 |
                                20);
    memcpy(f->r.ram + TXB + 0x100 + 16 + 4, pdu + 40, 20);
    w32(&f->r, TCR + 4, 0); /* second completion slot still IOS's */
    w32(&f->r, PSR, 0x80000000u | TXB >> 2);
    assert_int_equal(ti1570_tx_poll(f->d), 2); /* 60 + 8 bytes */
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 2);
    assert_memory_equal(f->p.frames[0].data + 5, pdu, 48);
    assert_memory_equal(f->p.frames[1].data + 5, pdu + 48, 12);
    assert_int_equal(be32_load(f->p.frames[1].data + 45), 60);
    assert_int_equal(r32(&f->r, TCR), TXB >> 2);
    assert_int_equal(r32(&f->r, TCR + 4), 0);          /* not written */
    assert_int_equal(cm(f, REG(1)) & 0x100, 0x100);    /* TX_FRZ */
}

static void test_tx_transparent(void **state)
{
    struct fx *f = *state;
    tx_setup(f, 7);
    /* an OAM-like cell: transparent with PTI, 48 bytes */
    uint8_t payload[48];
    memset(payload, 0x6A, sizeof(payload));
    w32(&f->r, TXB, 0xE0000000u | 0u << 26 | 1u << 25 | 48);
    w32(&f->r, TXB + 8, atm_make_hdr(VPI, VCI) | 0x8); /* F5 OAM */
    memcpy(f->r.ram + TXB + 16, payload, 48);
    w32(&f->r, PSR, 0x80000000u | TXB >> 2);
    assert_int_equal(ti1570_tx_poll(f->d), 1);
    pump(f->ev, 10);
    assert_int_equal(f->p.n, 1);
    uint32_t h = atm_hdr_word(f->p.frames[0].data);
    assert_int_equal(h & 0xE, ATM_PTI_EOP); /* end of SDU, user cell */
    assert_memory_equal(f->p.frames[0].data + 5, payload, 48);
    assert_int_equal(r32(&f->r, TCR), TXB >> 2);
}

/* ---- receive ---- */

struct cells {
    int n;
    uint8_t c[8][ATM_CELL_SIZE];
};

static void keep_cell(void *arg, const uint8_t *cell)
{
    struct cells *k = arg;
    memcpy(k->c[k->n++], cell, ATM_CELL_SIZE);
}

/* VPI 1 enabled for VCIs up to 200; the VC's RX DMA state: AAL5, ring 0,
 * completion ring with interrupt; free-buffer ring 0: 16 pointers,
 * buffers of 2 cells. */
static void rx_setup(struct fx *f)
{
    set_cm(f, 0x4000 + 4 * VPI, 0x80000000u | RX_BASE << 16 | 200);
    uint32_t e = (RX_BASE + VCI) * 32;
    set_cm(f, e, 1u << 29 | 1u << 26);
    set_cm(f, e + 24, 0x80000000u | 0);
    set_cm(f, 0x3800, FBP);
    set_cm(f, 0x3804, 2u << 16);
    for (int i = 0; i < 16; i++) {
        w32(&f->r, FBP + 4 * i, 0x80000000u | (RXB + 0x400 * i) >> 2);
    }
    set_cm(f, REG(6), 7);
    set_cm(f, REG(0x83), RCR);
    for (int i = 0; i < 8; i++) {
        w32(&f->r, RCR + 32 * i + 16, 0x80000000u);
    }
    set_cm(f, REG(2), 0x80); /* CP_RX */
}

static void test_rx_aal5(void **state)
{
    struct fx *f = *state;
    rx_setup(f);
    uint8_t pdu[100];
    for (int i = 0; i < 100; i++) {
        pdu[i] = (uint8_t)(i ^ 0x5C);
    }
    struct cells k = {0};
    assert_int_equal(aal5_segment(pdu, sizeof(pdu), VPI, VCI, keep_cell, &k),
                     3);
    for (int i = 0; i < k.n; i++) {
        nio_send(f->p.peer, k.c[i], ATM_CELL_SIZE);
    }
    pump(f->ev, 10);
    /* two buffers: SOP + link to the second; EOP on the second */
    assert_int_equal(r32(&f->r, RXB + 4), 0x80000000u | (RXB + 0x400) >> 2);
    assert_int_equal(r32(&f->r, RXB + 8), atm_hdr_word(k.c[0]));
    assert_int_equal(r32(&f->r, RXB + 0x400 + 4), 0x40000000u);
    assert_memory_equal(f->r.ram + RXB + 16, k.c[0] + 5, 48);
    assert_memory_equal(f->r.ram + RXB + 16 + 48, k.c[1] + 5, 48);
    assert_memory_equal(f->r.ram + RXB + 0x400 + 16, k.c[2] + 5, 48);
    /* free-buffer pointers taken, ring index 2 */
    assert_int_equal(r32(&f->r, FBP) & 0x80000000u, 0);
    assert_int_equal(r32(&f->r, FBP + 4) & 0x80000000u, 0);
    assert_int_equal(cm(f, 0x3804) & 0x3FF, 2);
    /* completion entry */
    assert_int_equal(r32(&f->r, RCR), atm_hdr_word(k.c[2]));
    assert_int_equal(r32(&f->r, RCR + 4), 1u << 26);
    assert_int_equal(r32(&f->r, RCR + 8), 0x80000000u | RXB >> 2);
    assert_int_equal(r32(&f->r, RCR + 12), 100); /* trailer: length */
    assert_int_equal(r32(&f->r, RCR + 16), 0);   /* OWN back to IOS */
    assert_int_equal(cm(f, REG(1)) & 0x80, 0x80);
    assert_int_equal(f->irq.level, 1);
}

static void test_rx_routing_and_freeze(void **state)
{
    struct fx *f = *state;
    rx_setup(f);
    struct cells k = {0};
    uint8_t pdu[10] = {1, 2, 3};
    aal5_segment(pdu, sizeof(pdu), VPI, VCI, keep_cell, &k);
    /* unknown VPI, VCI beyond the range, wrong size: dropped */
    uint8_t c[ATM_CELL_SIZE];
    memcpy(c, k.c[0], sizeof(c));
    atm_put_hdr(c, atm_make_hdr(2, VCI) | ATM_PTI_EOP);
    ti1570_receive(f->d, c, sizeof(c));
    atm_put_hdr(c, atm_make_hdr(VPI, 300) | ATM_PTI_EOP);
    ti1570_receive(f->d, c, sizeof(c));
    ti1570_receive(f->d, k.c[0], 52);
    struct ti1570_stats st;
    ti1570_get_stats(f->d, &st);
    assert_int_equal(st.rx_dropped, 3);
    assert_int_equal(r32(&f->r, FBP) & 0x80000000u, 0x80000000u);

    /* OAM F5 (PTI 4) goes to RX DMA entry 0 */
    set_cm(f, 0x10000, 0);                /* PTI-based transparent */
    set_cm(f, 0x10000 + 24, 0x80000000u); /* ON, free-buffer ring 0 */
    atm_put_hdr(c, atm_make_hdr(VPI, VCI) | 0x8);
    ti1570_receive(f->d, c, sizeof(c));
    assert_int_equal(r32(&f->r, RXB + 8), atm_make_hdr(VPI, VCI) | 0x8);
    assert_int_equal(cm(f, 0x10000) & 0x80000000u, 0x80000000u); /* ACT */

    /* completion slot not handed back: RX freeze */
    w32(&f->r, RCR + 16, 0);
    ti1570_receive(f->d, k.c[0], ATM_CELL_SIZE);
    assert_int_equal(cm(f, REG(1)) & 0x200, 0x200);
}

static void test_soft_reset(void **state)
{
    struct fx *f = *state;
    rx_setup(f);
    struct cells k = {0};
    uint8_t pdu[10] = {0};
    aal5_segment(pdu, sizeof(pdu), VPI, VCI, keep_cell, &k);
    ti1570_receive(f->d, k.c[0], ATM_CELL_SIZE);
    assert_int_equal(r32(&f->r, RCR + 16), 0);
    set_cm(f, REG(0x0E), 1); /* software reset: ring positions back to 0 */
    w32(&f->r, RCR + 16, 0x80000000u);
    ti1570_receive(f->d, k.c[0], ATM_CELL_SIZE);
    assert_int_equal(r32(&f->r, RCR + 16), 0);
    assert_int_equal(r32(&f->r, RCR + 32 + 16), 0x80000000u);
    dev_reset(f->dev);
    assert_int_equal(cm(f, 0x3800), 0);
    assert_int_equal(f->irq.level, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_window, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_aal5, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_two_buffers_and_freeze, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_transparent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_aal5, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_routing_and_freeze, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_soft_reset, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
