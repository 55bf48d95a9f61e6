/*
 * Broadcom BCM5605 of the NM-16ESW (shared spec devices.md §3.12): PCI
 * identity, S-channel commands and their result codes, tables and
 * registers through the message words, ARL insert / delete storage, the
 * PHYs behind the MII registers and the link-change interrupt, frame
 * switching (flooding, learning, the index-0 lookup, tag push / pop, BPDUs
 * to the CPU only, membership and discard checks, ingress mirroring),
 * front-port switching while the CPU RX ring is unavailable, the CPU
 * receive ring (always tagged, status words, ring end) and the CPU
 * transmit ring (explicit bitmap, "switch decides", FCS room, ring end).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/bcm5605.h"
#include "dev/pci_bus.h"
#include "net_harness.h"
#include "nic_harness.h"

#define NPROBE 4
#define TXD 0x1000u
#define RXD 0x2000u
#define TXBUF 0x10000u
#define RXBUF 0x20000u

#define SCHAN 0x050
#define TX_RING 0x110
#define RX_RING 0x114
#define LINK 0x140
#define INTR 0x144
#define MII_IN 0x158
#define MII_OUT 0x15C
#define DW(n) (0x800u + 4u * (n))

#define T_ARLCNT 0x01000000u
#define T_ARL 0x02000000u
#define T_PTABLE 0x03000000u
#define T_VTABLE 0x05000000u
#define CPU (1u << BCM5605_CPU_PORT)

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p[NPROBE]; /* front ports 0-3: switch ports 2, 0, 6, 4 */
    struct bcm5605 *b;
    struct device *dev;
};

static uint32_t bit(unsigned front)
{
    return 1u << bcm5605_switch_port(front);
}

static uint32_t rd(struct fx *f, uint32_t off)
{
    return (uint32_t)dev_read(f->dev, off, 4);
}

static void wr(struct fx *f, uint32_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, v);
}

/* One S-channel message: DW0 opcode, then the words; the result code. */
static uint32_t msg(struct fx *f, unsigned op, const uint32_t *w, unsigned n)
{
    wr(f, DW(0), (uint32_t)op << 26);
    for (unsigned i = 0; i < n; i++)
        wr(f, DW(i + 1), w[i]);
    wr(f, SCHAN, 0x80);
    return rd(f, SCHAN);
}

static void table_write(struct fx *f, uint32_t table, unsigned index,
                        const uint32_t *e, unsigned n)
{
    uint32_t w[8] = {table | index};
    memcpy(w + 1, e, n * 4);
    assert_int_equal(msg(f, 0x09, w, n + 1), 0x00008002);
    assert_int_equal(rd(f, DW(0)), 0x0Au << 26);
}

static uint32_t table_read(struct fx *f, uint32_t table, unsigned index,
                           unsigned word)
{
    uint32_t w[1] = {table | index};
    msg(f, 0x07, w, 1);
    assert_int_equal(rd(f, DW(0)), 0x08u << 26);
    return rd(f, DW(1 + word));
}

static uint32_t mii(struct fx *f, unsigned port, unsigned reg, int write,
                    uint16_t v)
{
    wr(f, MII_IN, reg << 24 | port << 16 | v);
    wr(f, SCHAN, write ? 0x91 : 0x90);
    assert_int_equal(rd(f, SCHAN), 0x00048000);
    return rd(f, MII_OUT);
}

/* VLAN 1: front ports 0-2 untagged members, 3 a tagged (trunk) member. */
static void vlan_setup(struct fx *f)
{
    uint32_t members = bit(0) | bit(1) | bit(2) | bit(3) | CPU;
    uint32_t v[4] = {1, members, bit(0) | bit(1) | bit(2), 0};
    table_write(f, T_VTABLE, 1, v, 4);
    for (unsigned i = 0; i < NPROBE; i++) {
        uint32_t pt[6] = {1};
        table_write(f, T_PTABLE, bcm5605_switch_port(i), pt, 6);
    }
    uint32_t one = 1; /* empty ARL: count word = entries + 1 */
    table_write(f, T_ARLCNT, 0, &one, 1);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    char name[16];
    for (unsigned i = 0; i < NPROBE; i++) {
        snprintf(name, sizeof(name), "fa%u", i);
        assert_int_equal(probe_init(&f->p[i], f->ev, name), 0);
    }
    struct bcm5605_config c = {.name = "nm16esw", .pm = &f->r.pm,
                               .irq = irq_rec_line(&f->irq)};
    assert_int_equal(bcm5605_create(&c, &f->b), 0);
    f->dev = bcm5605_device(f->b);
    dev_reset(f->dev);
    for (unsigned i = 0; i < NPROBE; i++)
        assert_int_equal(bcm5605_set_nio(f->b, i, f->p[i].port), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    bcm5605_destroy(f->b);
    for (unsigned i = 0; i < NPROBE; i++)
        probe_fini(&f->p[i]);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static void reset_probes(struct fx *f)
{
    for (unsigned i = 0; i < NPROBE; i++)
        probe_reset(&f->p[i]);
}

/* A frame into front port `in` through its NIO. */
static void inject(struct fx *f, unsigned in, const uint8_t *fr, size_t len)
{
    assert_true(nio_send(f->p[in].peer, fr, len) >= 0);
    pump(f->ev, 20);
}

static void frame(uint8_t *fr, size_t len, const uint8_t *dst, uint8_t src)
{
    make_frame(fr, len, dst);
    fr[11] = src;
}

/* ---- identity, S-channel, PHY ---- */

static void test_pci_identity(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config cfg;
    bcm5605_pci_config(f->b, &cfg);
    assert_int_equal(cfg.vendor_id, 0x14E4);
    assert_int_equal(cfg.device_id, 0x5605);
    assert_int_equal(cfg.bar[0].size, 0x200000);
    assert_ptr_equal(cfg.bar[0].window, f->dev);
    static const unsigned map[16] = {2, 0, 6, 4, 10, 8, 14, 12,
                                     3, 1, 7, 5, 11, 9, 15, 13};
    for (unsigned i = 0; i < 16; i++)
        assert_int_equal(bcm5605_switch_port(i), map[i]);
}

static void test_schan_commands_and_tables(void **state)
{
    struct fx *f = *state;
    wr(f, SCHAN, 0x13); /* link scan */
    assert_int_equal(rd(f, SCHAN), 0);
    wr(f, SCHAN, 0x42);
    assert_int_equal(rd(f, SCHAN), 0xFFFFFFFFu);
    uint32_t v[4] = {5, 0x0800000F, 0x3, 0};
    table_write(f, T_VTABLE, 7, v, 4);
    assert_int_equal(table_read(f, T_VTABLE, 7, 0), 5);
    assert_int_equal(table_read(f, T_VTABLE, 7, 1), 0x0800000F);
    /* copies 1 and 2 alias copy 0 */
    assert_int_equal(table_read(f, T_VTABLE | 0x00100000, 7, 2), 3);
    assert_int_equal(table_read(f, T_VTABLE | 0x00200000, 7, 1), 0x0800000F);
    /* unknown table or index: zeros */
    assert_int_equal(table_read(f, 0x0F000000, 0, 0), 0);
    assert_int_equal(table_read(f, T_VTABLE, 300, 0), 0);
    /* registers: generic storage */
    uint32_t w[2] = {0x12345, 0xCAFE};
    assert_int_equal(msg(f, 0x0D, w, 2), 0x00008002);
    assert_int_equal(rd(f, DW(0)), 0x0Eu << 26);
    w[1] = 0;
    msg(f, 0x0B, w, 1);
    assert_int_equal(rd(f, DW(0)), 0x0Cu << 26);
    assert_int_equal(rd(f, DW(1)), 0xCAFE);
    w[0] = 0x54321;
    msg(f, 0x0B, w, 1);
    assert_int_equal(rd(f, DW(1)), 0);
    /* ARL lookup: acknowledged, nothing looked up */
    msg(f, 0x19, w, 1);
    assert_int_equal(rd(f, DW(0)), 0x08u << 26);
}

static void test_arl_insert_delete(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    uint32_t a[3] = {0x00000001, 0x00010200, 0x8 | 2u << 15};
    assert_int_equal(msg(f, 0x0F, a, 3), 0x00008002);
    assert_int_equal(rd(f, DW(0)), 0x10u << 26);
    assert_int_equal(rd(f, DW(1)), 0);
    uint32_t b[3] = {0x00000002, 0x00010200, 0x8 | 4u << 15};
    msg(f, 0x0F, b, 3);
    assert_int_equal(rd(f, DW(1)), 1);
    assert_int_equal(table_read(f, T_ARLCNT, 0, 0), 3);
    /* same MAC + VLAN: replaced in place */
    a[2] = 0x8 | 6u << 15;
    msg(f, 0x0F, a, 3);
    assert_int_equal(rd(f, DW(1)), 0);
    assert_int_equal(table_read(f, T_ARLCNT, 0, 0), 3);
    assert_int_equal(table_read(f, T_ARL, 0, 2), 0x8 | 6u << 15);
    /* delete: the last entry moves into the hole */
    msg(f, 0x11, a, 2);
    assert_int_equal(rd(f, DW(0)), 0x12u << 26);
    assert_int_equal(table_read(f, T_ARLCNT, 0, 0), 2);
    assert_int_equal(table_read(f, T_ARL, 0, 0), 2);
    assert_int_equal(table_read(f, T_ARL, 1, 0), 0);
}

static void test_phy_and_link_interrupt(void **state)
{
    struct fx *f = *state;
    unsigned sw0 = bcm5605_switch_port(0);
    assert_int_equal(mii(f, sw0, 1, 0, 0), 0x782C);
    assert_int_equal(mii(f, sw0, 2, 0, 0), 0x0040);
    assert_int_equal(mii(f, sw0, 3, 0, 0), 0x61D4);
    assert_int_equal(mii(f, sw0, 4, 0, 0), 0x01E1);
    assert_int_equal(mii(f, sw0, 5, 0, 0), 0x41E1);
    assert_int_equal(mii(f, sw0, 9, 0, 0), 0);
    /* no NIO on front port 4: no link */
    assert_int_equal(mii(f, bcm5605_switch_port(4), 1, 0, 0), 0);
    assert_int_equal(rd(f, LINK), 0xFFFF);
    /* reg 0 reads back without bits 15 and 9 */
    mii(f, sw0, 0, 1, 0x3300 | 0x8000);
    assert_int_equal(mii(f, sw0, 0, 0, 0), 0x3100);
    assert_int_equal(f->irq.level, 0);
    /* isolate: the link goes, the link-change cause is reported once */
    mii(f, sw0, 0, 1, 0x0400);
    assert_int_equal(mii(f, sw0, 1, 0, 0), 0);
    assert_int_equal(rd(f, LINK), 0xFFFF & ~(1u << sw0));
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(rd(f, INTR), 0x200 | 0x010);
    assert_int_equal(f->irq.level, 0);
    assert_int_equal(rd(f, INTR), 0x200);
    /* rewriting the same isolate state changes nothing */
    mii(f, sw0, 0, 1, 0x0400);
    assert_int_equal(f->irq.level, 0);
}

/* ---- switching ---- */

static void test_flood_learn_and_index0(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    /* no CPU RX ring at all: front ports still switch (quirk fixed) */
    uint8_t fr[128], mac_a[6] = {0x02, 0, 0, 0, 0, 0xA};
    frame(fr, 100, mac_a, 0xB); /* B -> A, A unknown: flood */
    inject(f, 0, fr, 100);
    assert_int_equal(f->p[0].n, 0);
    assert_int_equal(f->p[1].n, 1);
    assert_int_equal(f->p[2].n, 1);
    assert_memory_equal(f->p[1].frames[0].data, fr, 100);
    assert_int_equal(f->p[1].frames[0].len, 100);
    /* front port 3 is a tagged member: a VLAN 1 tag was pushed */
    assert_int_equal(f->p[3].n, 1);
    assert_int_equal(f->p[3].frames[0].len, 104);
    assert_int_equal(f->p[3].frames[0].data[12], 0x81);
    assert_int_equal(f->p[3].frames[0].data[15], 1);
    assert_memory_equal(f->p[3].frames[0].data + 16, fr + 12, 88);
    /* B was learned at index 0 on switch port of front 0, hit set */
    assert_int_equal(table_read(f, T_ARLCNT, 0, 0), 2);
    assert_int_equal(table_read(f, T_ARL, 0, 0), 0x0000000B);
    assert_int_equal(table_read(f, T_ARL, 0, 1), 0x00010200);
    assert_int_equal(table_read(f, T_ARL, 0, 2),
                     0x10 | bcm5605_switch_port(0) << 15);
    /* A -> B: found at index 0, so only front port 0 */
    reset_probes(f);
    uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 0xB};
    frame(fr, 80, mac_b, 0xA);
    inject(f, 2, fr, 80);
    assert_int_equal(f->p[0].n, 1);
    assert_int_equal(f->p[1].n, 0);
    assert_int_equal(f->p[3].n, 0);
    struct bcm5605_stats st;
    bcm5605_get_stats(f->b, 0, &st);
    assert_int_equal(st.rx_frames, 1);
    assert_int_equal(st.tx_frames, 1);
}

static void test_tag_pop_membership_discard(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    uint8_t fr[128], tagged[132];
    frame(fr, 100, NULL, 0xC);
    memcpy(tagged, fr, 12);
    tagged[12] = 0x81;
    tagged[13] = 0x00;
    tagged[14] = 0x00;
    tagged[15] = 0x01;
    memcpy(tagged + 16, fr + 12, 88);
    /* tagged in on the trunk: popped on the untagged members */
    inject(f, 3, tagged, 104);
    assert_int_equal(f->p[0].n, 1);
    assert_int_equal(f->p[0].frames[0].len, 100);
    assert_memory_equal(f->p[0].frames[0].data, fr, 100);
    assert_int_equal(f->p[3].n, 0);
    /* a VLAN the VTABLE does not hold: dropped */
    reset_probes(f);
    tagged[15] = 9;
    inject(f, 3, tagged, 104);
    for (unsigned i = 0; i < NPROBE; i++)
        assert_int_equal(f->p[i].n, 0);
    /* not a member: dropped */
    uint32_t v[4] = {1, bit(1) | bit(2), bit(1) | bit(2), 0};
    table_write(f, T_VTABLE, 1, v, 4);
    inject(f, 0, fr, 100);
    assert_int_equal(f->p[1].n, 0);
    /* member, but untagged frames discarded on that port */
    v[1] |= bit(0);
    table_write(f, T_VTABLE, 1, v, 4);
    uint32_t pt[6] = {1 | 1u << 14};
    table_write(f, T_PTABLE, bcm5605_switch_port(0), pt, 6);
    inject(f, 0, fr, 100);
    assert_int_equal(f->p[1].n, 0);
    pt[0] = 1;
    table_write(f, T_PTABLE, bcm5605_switch_port(0), pt, 6);
    inject(f, 0, fr, 100);
    assert_int_equal(f->p[1].n, 1);
}

static void test_ingress_mirror(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    /* mirror-to: front port 3, enabled; front port 0 mirrored */
    uint32_t w[2] = {0x80006, 0x40 | bcm5605_switch_port(3)};
    msg(f, 0x0D, w, 2);
    uint32_t pt[6] = {1, 0x20000000u};
    table_write(f, T_PTABLE, bcm5605_switch_port(0), pt, 6);
    uint8_t fr[100];
    frame(fr, 100, NULL, 0xD);
    inject(f, 0, fr, 100);
    /* the unmodified mirror copy plus the tagged flood copy */
    assert_int_equal(f->p[3].n, 2);
    assert_int_equal(f->p[3].frames[0].len, 100);
    assert_memory_equal(f->p[3].frames[0].data, fr, 100);
    assert_int_equal(f->p[3].frames[1].len, 104);
}

/* ---- the CPU's rings ---- */

static void rx_desc(struct fx *f, unsigned i, int cont)
{
    w32(&f->r, RXD + 32 * i, RXBUF + 0x800 * i);
    w32(&f->r, RXD + 32 * i + 4, 0x7F0 | (cont ? 0x80000000u : 0));
    w32(&f->r, RXD + 32 * i + 0x14, 0);
    w32(&f->r, RXD + 32 * i + 0x18, 0);
}

static void test_cpu_receive_ring(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    rx_desc(f, 0, 1);
    rx_desc(f, 1, 0);
    wr(f, RX_RING, RXD);
    assert_int_equal(rd(f, RX_RING), RXD);
    /* a BPDU: the CPU only, tagged with the port VLAN */
    static const uint8_t stp[6] = {0x01, 0x80, 0xC2, 0x00, 0x00, 0x00};
    uint8_t fr[64];
    frame(fr, 64, stp, 0xE);
    inject(f, 1, fr, 64);
    for (unsigned i = 0; i < NPROBE; i++)
        assert_int_equal(f->p[i].n, 0);
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(r32(&f->r, RXD + 0x14), 0x40000000u | (68 + 4));
    assert_int_equal(r32(&f->r, RXD + 0x18),
                     0x100 | bcm5605_switch_port(1));
    assert_memory_equal(f->r.ram + RXBUF, fr, 12);
    assert_int_equal(r32(&f->r, RXBUF + 12), 0x81000001);
    assert_memory_equal(f->r.ram + RXBUF + 16, fr + 12, 52);
    assert_int_equal(rd(f, INTR), 0x200);
    assert_int_equal(f->irq.level, 0);
    /* a flood: the CPU's copy lands in the last descriptor: ring end */
    frame(fr, 64, NULL, 0xF);
    inject(f, 1, fr, 64);
    assert_int_equal(f->p[0].n, 1);
    assert_int_equal(r32(&f->r, RXD + 32 + 0x14), 0x40000000u | (68 + 4));
    assert_int_equal(rd(f, INTR), 0x200 | 0x400);
    /* ring end latched: the next CPU copy is dropped, switching goes on */
    inject(f, 1, fr, 64);
    assert_int_equal(f->p[0].n, 2);
    assert_int_equal(rd(f, INTR), 0x200 | 0x400);
    /* rewriting the ring address restarts receive */
    rx_desc(f, 0, 1);
    wr(f, RX_RING, RXD);
    assert_int_equal(rd(f, INTR), 0x200);
    inject(f, 1, fr, 64);
    assert_int_equal(r32(&f->r, RXD + 0x14), 0x40000000u | (68 + 4));
}

static void tx_desc(struct fx *f, unsigned i, uint32_t buf, uint32_t len,
                    uint32_t flags, uint32_t bitmap)
{
    w32(&f->r, TXD + 32 * i, buf);
    w32(&f->r, TXD + 32 * i + 4, len | flags);
    w32(&f->r, TXD + 32 * i + 8, bitmap);
}

static void test_cpu_transmit_ring(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    uint8_t fr[200];
    frame(fr, 200, NULL, 0x1);
    memcpy(f->r.ram + TXBUF, fr, 200);
    /* explicit bitmap, two buffers: out unchanged, last 4 bytes dropped */
    tx_desc(f, 0, TXBUF, 120, 0x80000000u | 0x00040000u | 0x04000000u,
            bit(2));
    tx_desc(f, 1, TXBUF + 120, 84, 0x80000000u, bit(2));
    /* switch decides: a tagged VLAN 1 broadcast floods (not to the CPU) */
    uint8_t tagged[104] = {0};
    memcpy(tagged, fr, 12);
    tagged[12] = 0x81;
    tagged[13] = 0;
    tagged[14] = 0;
    tagged[15] = 1;
    memcpy(tagged + 16, fr + 12, 84);
    memcpy(f->r.ram + TXBUF + 0x400, tagged, 104);
    tx_desc(f, 2, TXBUF + 0x400, 104, 0, 0x00800000u);
    assert_int_equal(bcm5605_tx_poll(f->b), 0); /* no ring address yet */
    wr(f, TX_RING, TXD);
    assert_int_equal(bcm5605_tx_poll(f->b), 2);
    pump(f->ev, 20);
    assert_int_equal(f->p[2].n, 2);
    assert_int_equal(f->p[2].frames[0].len, 200);
    assert_memory_equal(f->p[2].frames[0].data, fr, 200);
    assert_int_equal(f->p[2].frames[1].len, 96); /* popped, FCS room gone */
    assert_memory_equal(f->p[2].frames[1].data, fr, 96);
    assert_int_equal(f->p[0].n, 1);
    assert_int_equal(f->p[3].n, 1); /* the tag kept */
    assert_int_equal(f->p[3].frames[0].len, 100);
    assert_int_equal(f->p[3].frames[0].data[15], 1);
    /* the ring end is latched and reported */
    assert_int_equal(f->irq.level, 1);
    assert_int_equal(rd(f, INTR), 0x200 | 0x100);
    assert_int_equal(bcm5605_tx_poll(f->b), 0);
    /* an untagged frame with "switch decides" goes nowhere */
    reset_probes(f);
    tx_desc(f, 0, TXBUF, 104, 0, 0x00800000u);
    wr(f, TX_RING, TXD);
    assert_int_equal(rd(f, INTR), 0x200);
    bcm5605_tx_poll(f->b);
    pump(f->ev, 20);
    for (unsigned i = 0; i < NPROBE; i++)
        assert_int_equal(f->p[i].n, 0);
}

static void test_reset_and_unplug(void **state)
{
    struct fx *f = *state;
    vlan_setup(f);
    assert_int_equal(bcm5605_set_nio(f->b, 16, NULL), -EINVAL);
    assert_int_equal(bcm5605_set_nio(f->b, 1, NULL), 0);
    assert_int_equal(mii(f, bcm5605_switch_port(1), 1, 0, 0), 0);
    uint8_t fr[64];
    frame(fr, 64, NULL, 0x7);
    inject(f, 0, fr, 64);
    assert_int_equal(f->p[1].n, 0);
    assert_int_equal(f->p[2].n, 1);
    dev_reset(f->dev);
    assert_int_equal(table_read(f, T_VTABLE, 1, 1), 0);
    assert_int_equal(table_read(f, T_ARLCNT, 0, 0), 0);
    reset_probes(f);
    inject(f, 0, fr, 64); /* no VLAN any more */
    assert_int_equal(f->p[2].n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pci_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schan_commands_and_tables,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_arl_insert_delete, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_phy_and_link_interrupt, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_flood_learn_and_index0, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tag_pop_membership_discard,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ingress_mirror, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cpu_receive_ring, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cpu_transmit_ring, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset_and_unplug, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
