/*
 * Galileo GT-96100 (shared spec c3600-c2691-c37xx.md §4.4; devices.md
 * §3.5): PCI identity, byte order of 4-byte vs smaller accesses, the
 * interrupt controller (main cause AND-write with read-only bits, Int0 /
 * Int1 / SerInt0), IDMA, the Ethernet ports (SMI and PHY model, port
 * status, transmit gather and queue end, receive with the hash-table
 * filter and the M bit, MIB counters), SDMA serial transmit / receive and
 * the byte write that clears the SDMA cause.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/gt96k.h"
#include "dev/pci_bus.h"
#include "net_harness.h"
#include "nic_harness.h"

#define ETH0 0x84800u
#define TXD 0x1000u  /* descriptors */
#define RXD 0x2000u
#define HT 0x10000u  /* hash table (8K entries: 64 KB) */
#define TXBUF 0x40000u
#define RXBUF 0x50000u

#define OWN 0x80000000u
#define FIRST 0x00020000u
#define LAST 0x00010000u
#define RX_M 0x00001000u
#define RX_FT 0x00000800u

struct fx {
    struct nic_ram r;
    struct irq_rec int0, int1, ser0;
    struct evloop *ev;
    struct probe eth, ser;
    struct pci_bus *bus0, *bus1;
    struct gt96k *gt;
    struct device *dev;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    assert_int_equal(probe_init(&f->eth, f->ev, "fa0"), 0);
    assert_int_equal(probe_init(&f->ser, f->ev, "se0"), 0);
    assert_int_equal(pci_bus_create("b0", 0, &f->r.pm, NULL, &f->bus0), 0);
    assert_int_equal(pci_bus_create("b1", 0, &f->r.pm, NULL, &f->bus1), 0);
    struct gt96k_config c = {
        .pm = &f->r.pm,
        .bus0 = f->bus0,
        .bus1 = f->bus1,
        .int0 = irq_rec_line(&f->int0),
        .int1 = irq_rec_line(&f->int1),
        .serint0 = irq_rec_line(&f->ser0),
    };
    assert_int_equal(gt96k_create(&c, &f->gt), 0);
    f->dev = gt96k_device(f->gt);
    dev_reset(f->dev);
    assert_int_equal(gt96k_eth_set_nio(f->gt, 0, f->eth.port), 0);
    assert_int_equal(gt96k_mpsc_set_nio(f->gt, 1, f->ser.port), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    gt96k_destroy(f->gt);
    pci_bus_destroy(f->bus1);
    pci_bus_destroy(f->bus0);
    probe_fini(&f->eth);
    probe_fini(&f->ser);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

/* The CPU's view: 4-byte accesses carry the byte-reversed value. */
static uint32_t rd(struct fx *f, uint32_t off)
{
    return __builtin_bswap32((uint32_t)dev_read(f->dev, off, 4));
}

static void wr(struct fx *f, uint32_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, __builtin_bswap32(v));
}

/* ---- core ---- */

static void test_identity_and_byte_order(void **state)
{
    struct fx *f = *state;
    wr(f, 0xCF8, 0x80000000u);
    assert_int_equal(rd(f, 0xCFC), 0x965311AB);
    wr(f, 0xCF8, 0x80000008u);
    assert_int_equal(rd(f, 0xCFC), 0x03008005);
    /* §4.4: 8/16-bit accesses are not swapped */
    dev_write(f->dev, 0xC1C, 2, 0x1234);
    assert_int_equal(rd(f, 0xC1C), 0x1234);
    assert_int_equal(dev_read(f->dev, 0xC1C, 2), 0x1234);
    assert_int_equal(dev_read(f->dev, 0xC1C, 4), 0x34120000);
    assert_int_equal(rd(f, 0x018), 0x100);          /* RAS[3:2] low */
    assert_int_equal(rd(f, 0xC00), 0x00008001);     /* PCI command */
    assert_int_equal(rd(f, 0x101AC0), 0x80000000u); /* CIU arbiter */
}

static void test_interrupt_controller(void **state)
{
    struct fx *f = *state;
    /* IDMA sets main cause bit 4 (§3.4) */
    w32(&f->r, 0x3000, __builtin_bswap32(8));     /* byte count (LE) */
    w32(&f->r, 0x3004, __builtin_bswap32(0x3100)); /* source */
    w32(&f->r, 0x3008, __builtin_bswap32(0x3200)); /* destination */
    w32(&f->r, 0x300C, 0);
    w32(&f->r, 0x3100, 0x11223344);
    w32(&f->r, 0x3104, 0x55667788);
    wr(f, 0xC1C, 0x10); /* Int0 main mask */
    wr(f, 0x830, 0x3000);
    wr(f, 0x840, 0x2000 | 0x1000 | 0x200);
    assert_int_equal(r32(&f->r, 0x3200), 0x11223344);
    assert_int_equal(r32(&f->r, 0x3204), 0x55667788);
    assert_int_equal(rd(f, 0xC18), 0x40000010u); /* bit 30: Int0 active */
    assert_int_equal(f->int0.level, 1);
    assert_int_equal(f->int1.level, 0);
    wr(f, 0xC24, 0x10); /* Int1 too */
    assert_int_equal(f->int1.level, 1);
    assert_int_equal(rd(f, 0xC18), 0xC0000010u);
    /* write = AND, bits 0, 30, 31 not clearable */
    wr(f, 0xC18, 0);
    assert_int_equal(rd(f, 0xC18), 0);
    assert_int_equal(f->int0.level, 0);
    assert_int_equal(f->int1.level, 0);
}

/* ---- Ethernet ---- */

static uint32_t smi_read(struct fx *f, unsigned phy, unsigned reg)
{
    wr(f, 0x80810, 1u << 26 | reg << 21 | phy << 16);
    return rd(f, 0x80810);
}

static void test_smi_and_status(void **state)
{
    struct fx *f = *state;
    assert_int_equal(smi_read(f, 0, 1), 0x08000000u | 0x782C);
    assert_int_equal(smi_read(f, 1, 2), 0x08000000u | 0x0040);
    assert_int_equal(smi_read(f, 0, 3), 0x08000000u | 0x61D4);
    assert_int_equal(smi_read(f, 0, 5), 0x08000000u | 0x41E1);
    assert_int_equal(smi_read(f, 5, 1), 0x08000000u); /* no PHY 5 */
    /* register 0: stored, bits 15 and 9 read back clear; isolate toggle
     * raises ICR bit 28 */
    wr(f, 0x80810, 0u << 21 | 0u << 16 | 0x8600);
    assert_int_equal(smi_read(f, 0, 0) & 0xFFFF, 0x0400);
    assert_int_equal(rd(f, ETH0 + 0x50) & 0x10000000u, 0x10000000u);
    assert_int_equal(rd(f, ETH0 + 0x18), 0x0F);                /* PSR */
    assert_int_equal(rd(f, ETH0 + 0x08) & (1u << 18), 1u << 18); /* PCXR */
}

static void tx_desc(struct fx *f, uint32_t a, uint32_t cmd, uint32_t len,
                    uint32_t next, uint32_t buf)
{
    w32(&f->r, a, len << 16);
    w32(&f->r, a + 4, cmd);
    w32(&f->r, a + 8, next);
    w32(&f->r, a + 12, buf);
}

static void test_eth_transmit_gather_and_end(void **state)
{
    struct fx *f = *state;
    uint8_t frame[100];
    make_frame(frame, sizeof(frame), NULL);
    memcpy(f->r.ram + TXBUF, frame, 60);
    memcpy(f->r.ram + TXBUF + 0x100, frame + 60, 40);
    tx_desc(f, TXD, OWN | FIRST, 60, TXD + 16, TXBUF);
    tx_desc(f, TXD + 16, OWN | LAST, 40, 0, TXBUF + 0x100);
    wr(f, ETH0 + 0x58, 0x88); /* IMR: TXBUFL, TXENDL */
    wr(f, 0xC9C, 0x1);        /* Int0 high mask: port 0 summary */
    wr(f, ETH0 + 0xE0, TXD);  /* queue 0 ("low") */
    wr(f, ETH0 + 0x48, 1u << 24); /* TXDL: the doorbell */
    pump(f->ev, 20);
    assert_int_equal(f->eth.n, 1);
    assert_int_equal(f->eth.frames[0].len, 100);
    assert_memory_equal(f->eth.frames[0].data, frame, 100);
    assert_int_equal(r32(&f->r, TXD + 4) & OWN, 0);
    assert_int_equal(r32(&f->r, TXD + 20) & OWN, 0);
    /* TX buffer + end of chain, summary, high cause, Int0 */
    assert_int_equal(rd(f, ETH0 + 0x50), 0x80000088u);
    assert_int_equal(rd(f, 0xC98) & 1, 1);
    assert_int_equal(f->int0.level, 1);
    assert_int_equal(rd(f, ETH0 + 0xE0), 0);
    assert_int_equal(rd(f, ETH0 + 0x85800 - ETH0 + 4), 100); /* bytes TX */
    assert_int_equal(rd(f, 0x85804), 0);                     /* read-clear */
    assert_int_equal(rd(f, 0x8580C), 1);
    wr(f, ETH0 + 0x50, 0);
    assert_int_equal(f->int0.level, 0);
}

static void test_eth_transmit_not_owned_stops_queue(void **state)
{
    struct fx *f = *state;
    tx_desc(f, TXD, 0, 60, 0, TXBUF); /* IOS still owns it */
    wr(f, ETH0 + 0xE0, TXD);
    wr(f, ETH0 + 0x48, 1u << 24);
    pump(f->ev, 10);
    assert_int_equal(f->eth.n, 0);
    assert_int_equal(rd(f, ETH0 + 0x50) & 0x80, 0x80); /* TXENDL */
    uint32_t sdcmr = rd(f, ETH0 + 0x48);
    assert_int_equal(sdcmr & (1u << 17), 1u << 17);     /* stopped */
    assert_int_equal(sdcmr & (1u << 24), 0);            /* no demand */
}

static void rx_ring(struct fx *f, unsigned n, uint32_t size)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t a = RXD + 16 * i;
        w32(&f->r, a, size << 16);
        w32(&f->r, a + 4, OWN);
        w32(&f->r, a + 8, i + 1 < n ? a + 16 : 0);
        w32(&f->r, a + 12, RXBUF + 0x800 * i);
    }
    wr(f, ETH0 + 0x80, RXD);
    wr(f, ETH0 + 0x48, 1u << 7); /* ERD: receive on */
}

/* §4.4 hash, mode 0, and the entry for a MAC at index h. */
static unsigned rev8(unsigned b)
{
    unsigned r = 0;
    for (int i = 0; i < 8; i++)
        if (b & (1u << i))
            r |= 1u << (7 - i);
    return r;
}

static unsigned hash0(const uint8_t *mac)
{
    uint64_t r = 0;
    for (int i = 0; i < 6; i++)
        r = r << 8 | rev8(mac[i]);
    unsigned h = (unsigned)((r & 3) | ((r >> 8) & 0x7F) << 2);
    h ^= (unsigned)((r >> 15) & 0x1FF);
    h ^= (unsigned)((r >> 24) & 0x1FF);
    return h | (unsigned)((r >> 2) & 0x3F) << 9;
}

static void ht_add(struct fx *f, const uint8_t *mac, int receive)
{
    uint64_t e = 1 | (receive ? 4 : 0);
    for (int i = 0; i < 6; i++)
        e |= (uint64_t)mac[i] << (3 + 8 * i);
    uint32_t a = HT + 8 * hash0(mac);
    w32(&f->r, a, (uint32_t)(e >> 32));
    w32(&f->r, a + 4, (uint32_t)e);
}

static void test_eth_receive_hash_filter(void **state)
{
    struct fx *f = *state;
    static const uint8_t me[6] = {0x00, 0x12, 0x34, 0x56, 0x78, 0x9A};
    static const uint8_t other[6] = {0x00, 0x12, 0x34, 0x56, 0x78, 0x9B};
    uint8_t frame[200];
    rx_ring(f, 4, 128);
    wr(f, ETH0 + 0x28, HT);
    ht_add(f, me, 1);
    /* not in the table, not promiscuous: dropped */
    make_frame(frame, 200, other);
    gt96k_eth_receive(f->gt, 0, frame, 200);
    assert_int_equal(r32(&f->r, RXD + 4) & OWN, OWN);
    /* in the table: two descriptors, no M, count + 4 on the last */
    make_frame(frame, 200, me);
    gt96k_eth_receive(f->gt, 0, frame, 200);
    assert_int_equal(r32(&f->r, RXD + 4), FIRST);
    assert_int_equal(r32(&f->r, RXD) & 0xFFFF, 128);
    assert_int_equal(r32(&f->r, RXD + 20), LAST);
    assert_int_equal(r32(&f->r, RXD + 16) & 0xFFFF, 72 + 4);
    assert_memory_equal(f->r.ram + RXBUF, frame, 128);
    assert_memory_equal(f->r.ram + RXBUF + 0x800, frame + 128, 72);
    assert_int_equal(rd(f, ETH0 + 0x80), RXD + 32); /* next free */
    assert_int_equal(rd(f, ETH0 + 0x50) & 0x10001, 0x10001);
    /* promiscuous: accepted with M (IOS filters it in software) */
    wr(f, ETH0 + 0x00, 1);
    make_frame(frame, 60, other);
    gt96k_eth_receive(f->gt, 0, frame, 60);
    assert_int_equal(r32(&f->r, RXD + 36), FIRST | LAST | RX_M);
    /* an 802.3 length field sets FT */
    make_frame(frame, 60, me);
    frame[12] = 0x00;
    frame[13] = 0x2E;
    gt96k_eth_receive(f->gt, 0, frame, 60);
    assert_int_equal(r32(&f->r, RXD + 52), FIRST | LAST | RX_FT);
    /* ring exhausted: RX error */
    gt96k_eth_receive(f->gt, 0, frame, 60);
    assert_int_equal(rd(f, ETH0 + 0x50) & 0x100, 0x100);
    assert_int_equal(rd(f, 0x85808), 3); /* frames received */
}

static void test_eth_receive_needs_rx_enabled(void **state)
{
    struct fx *f = *state;
    uint8_t frame[64];
    rx_ring(f, 1, 128);
    wr(f, ETH0 + 0x00, 1);        /* promiscuous */
    wr(f, ETH0 + 0x48, 1u << 15); /* abort receive */
    make_frame(frame, 64, NULL);
    gt96k_eth_receive(f->gt, 0, frame, 64);
    assert_int_equal(r32(&f->r, RXD + 4), OWN);
}

/* ---- serial (SDMA / MPSC) ---- */

static void test_sdma_transmit_receive(void **state)
{
    struct fx *f = *state;
    static const uint8_t hdlc[] = {0x0F, 0x00, 0x08, 0x00, 0x45, 0x00};
    memcpy(f->r.ram + TXBUF, hdlc, sizeof(hdlc));
    /* MPSC 1 in HDLC mode (MMCRL mode 0), its SDMA channel of group 0 */
    wr(f, 1 * 0x8000 + 0xA00, 0);
    assert_int_equal(rd(f, 1 * 0x8000 + 0xA30) & 0x20, 0x20); /* CHR10 */
    tx_desc(f, TXD, OWN | FIRST | LAST, sizeof(hdlc), 0, TXBUF);
    wr(f, 0x103A80, 1u << (8 + 2 * 1)); /* SerInt0: channel 1 summary */
    wr(f, 0x10000 + 0xC910, TXD);
    wr(f, 0x10000 + 0x0908, 1u << 23);  /* transmit demand */
    pump(f->ev, 20);
    assert_int_equal(f->ser.n, 1);
    assert_memory_equal(f->ser.frames[0].data, hdlc, sizeof(hdlc));
    assert_int_equal(r32(&f->r, TXD + 4) & OWN, 0);
    assert_int_equal(rd(f, 0x103A10), 0xC0u); /* TXBUF, TXEND of ch 1 */
    assert_int_equal(rd(f, 0x103A00) & (1u << 10), 1u << 10);
    assert_int_equal(f->ser0.level, 1);
    assert_int_equal(rd(f, 0x10000 + 0x0908), 0xFF);
    /* any byte write at 0x103A13 clears the whole cause */
    dev_write(f->dev, 0x103A13, 1, 0);
    assert_int_equal(rd(f, 0x103A10), 0);
    assert_int_equal(f->ser0.level, 0);

    /* receive on MPSC 1, SDMA group 0 (SGCR bit 1 = 0): CRC-16 counted */
    w32(&f->r, RXD, 64u << 16);
    w32(&f->r, RXD + 4, OWN);
    w32(&f->r, RXD + 8, 0);
    w32(&f->r, RXD + 12, RXBUF);
    wr(f, 0x10000 + 0x8910, RXD);
    gt96k_mpsc_receive(f->gt, 1, hdlc, sizeof(hdlc));
    assert_int_equal(r32(&f->r, RXD + 4), FIRST | LAST);
    assert_int_equal(r32(&f->r, RXD) & 0xFFFF, sizeof(hdlc) + 2);
    assert_memory_equal(f->r.ram + RXBUF, hdlc, sizeof(hdlc));
    assert_int_equal(rd(f, 0x103A10), 0x10u); /* RXBUF of channel 1 */
    /* no descriptor left: RX error */
    gt96k_mpsc_receive(f->gt, 1, hdlc, sizeof(hdlc));
    assert_int_equal(rd(f, 0x103A10) & 0x20u, 0x20u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_and_byte_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_interrupt_controller, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_smi_and_status, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_eth_transmit_gather_and_end,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_eth_transmit_not_owned_stops_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_eth_receive_hash_filter, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_eth_receive_needs_rx_enabled,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_sdma_transmit_receive, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
