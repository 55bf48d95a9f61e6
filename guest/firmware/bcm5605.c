/*
 * bcm5605.c - the NM-16ESW EtherSwitch module: a Broadcom BCM5605 layer-2
 * switch (devices.md §3.12; c3600-c2691-c37xx.md §5.6). Its sixteen
 * FastEthernet<slot>/0-15 are switch ports in VLAN 1; the router reaches
 * that VLAN through interface Vlan1, whose frames go in and out through
 * the switch's CPU port (27), as on IOS.
 *
 *  - 2 MB register window at BAR0 (config 0x10). S-channel: data words
 *    DW0-DW20 at 0x800, command 0x80 at 0x050 executes the message of DW0
 *    (opcode in bits 31:26: 0x09 writes table entry DW1 = table | index
 *    with the words from DW2).
 *  - Set up at attach: VTABLE entry 1 = VLAN 1, members ports 0-15 and the
 *    CPU, untagged on 0-15; PTABLE entries 0-15 = port VLAN 1; the ARL
 *    count word 1 (empty table, learning on).
 *  - CPU receive: a ring of 32-byte descriptors (w0 buffer, w1 size | bit
 *    31 "ring continues"); the chip writes +0x14 = 0x40000000 | (length +
 *    4) and moves on, or latches the ring end at a descriptor without bit
 *    31 until the ring address (0x114) is written again. Frames for the
 *    CPU always carry an 802.1Q tag, removed here.
 *  - CPU transmit: a chain of descriptors (w1 = length with 4 bytes of FCS
 *    room | bit 31 but on the last; w2 bit 23: the switch forwards by its
 *    tables, which needs a tagged frame: VLAN 1 is pushed here) started by
 *    writing the ring address (0x110); the chip latches "TX ring end"
 *    (interrupt status bit 8) after the last one. Descriptors are not
 *    written back: frames sent while a chain runs wait in the other half
 *    of the buffers for the next chain.
 *  - Interrupt (slot, port 0): reading the status (0x144) lowers it.
 *  - Port link: PHY register 1 (BMSR) bit 2 of the port, read through the
 *    S-channel (MII input 0x158 = register << 24 | port << 16, command
 *    0x90, result in 0x15C); front port n is switch port {2, 0, 6, 4, 10,
 *    8, 14, 12, 3, 1, 7, 5, 11, 9, 15, 13}[n]. Vlan1's line is up while
 *    any switch port is.
 */
#include "fw.h"

#include "drivers.h"
#include "ip.h"
#include "net.h"

#define REG(off) (*(volatile uint32_t *)(d->regs + (off)))
#define R_SCHAN 0x050
#define R_TX_RING 0x110
#define R_RX_RING 0x114
#define R_MII_IN 0x158
#define R_MII_OUT 0x15C
#define SCHAN_MII_READ 0x90
#define BMSR_LINK 0x0004
#define R_INTR 0x144
#define R_DW(n) (0x800 + 4 * (n))
#define SCHAN_EXEC 0x80
#define OP_WRITE_MEM 0x09
#define T_ARL_COUNT 0x01000000u
#define T_PTABLE 0x03000000u
#define T_VTABLE 0x05000000u
#define CPU_PORT 27
#define FRONT_MASK 0xFFFFu
#define INTR_TX_END 0x100u
#define D_CONT 0x80000000u
#define TX_SWITCH 0x00800000u
#define RX_DONE 0x40000000u
#define DESC 32
#define WINDOW 0x200000u /* 2 MB */

#define NRX 32
#define NTX 16 /* two halves of 8: one in flight, one filling */
#define BUFSZ 1536

struct bcm {
    struct nic nic;          /* Vlan1 */
    uint32_t regs;
    volatile uint32_t *rx, *tx; /* descriptors, 8 words each */
    uint8_t *rxbuf, *txbuf;
    int rx_next;
    int busy;                /* a chain is in flight */
    int half;                /* the half being filled */
    int nfill;               /* frames waiting in it */
    uint16_t fill_len[NTX / 2];
};

static const uint8_t front_to_bcm[16] = {2, 0, 6, 4, 10, 8, 14, 12,
                                         3, 1, 7, 5, 11, 9, 15, 13};

static void write_mem(struct bcm *d, uint32_t table, unsigned index,
                      const uint32_t *w, unsigned n)
{
    REG(R_DW(0)) = (uint32_t)OP_WRITE_MEM << 26;
    REG(R_DW(1)) = table | index;
    for (unsigned i = 0; i < n; i++)
        REG(R_DW(2 + i)) = w[i];
    REG(R_SCHAN) = SCHAN_EXEC;
}

static void rx_arm(struct bcm *d)
{
    for (int i = 0; i < NRX; i++) {
        volatile uint32_t *r = d->rx + 8 * i;
        r[0] = phys(d->rxbuf + i * BUFSZ);
        r[1] = BUFSZ | (i < NRX - 1 ? D_CONT : 0);
        r[5] = 0; /* +0x14: status written by the chip */
        r[6] = 0;
    }
    d->rx_next = 0;
    REG(R_RX_RING) = phys(d->rx);
}

/* Starts the half being filled as one chain. */
static void tx_kick(struct bcm *d)
{
    int base = d->half * (NTX / 2);
    for (int k = 0; k < d->nfill; k++) {
        volatile uint32_t *t = d->tx + 8 * (base + k);
        t[0] = phys(d->txbuf + (base + k) * BUFSZ);
        t[1] = (uint32_t)(d->fill_len[k] + 4) | (k < d->nfill - 1 ? D_CONT
                                                                  : 0);
        t[2] = TX_SWITCH;
    }
    REG(R_TX_RING) = phys(d->tx + 8 * base);
    d->busy = 1;
    d->half ^= 1;
    d->nfill = 0;
}

static void tx_check(struct bcm *d)
{
    if (d->busy && (REG(R_INTR) & INTR_TX_END))
        d->busy = 0;
    if (!d->busy && d->nfill)
        tx_kick(d);
}

static int vl_start(struct nic *n)
{
    struct bcm *d = (struct bcm *)n;
    uint32_t sr = irq_save();
    rx_arm(d);
    irq_restore(sr);
    return 0;
}

static void vl_stop(struct nic *n)
{
    struct bcm *d = (struct bcm *)n;
    uint32_t sr = irq_save();
    REG(R_RX_RING) = 0;
    irq_restore(sr);
}

static void vl_isr(struct nic *n)
{
    struct bcm *d = (struct bcm *)n;
    (void)REG(R_INTR); /* lowers the line */
}

static int vl_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct bcm *d = (struct bcm *)n;
    uint32_t sr = irq_save();
    tx_check(d);
    if (len < 12 || len + 4 > BUFSZ - 4 || d->nfill >= NTX / 2) {
        irq_restore(sr);
        return -1;
    }
    uint8_t *b = d->txbuf + (d->half * (NTX / 2) + d->nfill) * BUFSZ;
    memcpy(b, frame, 12);
    b[12] = 0x81; /* 802.1Q, VLAN 1, priority 0 */
    b[13] = 0x00;
    b[14] = 0x00;
    b[15] = 0x01;
    memcpy(b + 16, frame + 12, len - 12);
    d->fill_len[d->nfill++] = (uint16_t)(len + 4);
    tx_check(d);
    irq_restore(sr);
    return 0;
}

static void vl_poll(struct nic *n)
{
    struct bcm *d = (struct bcm *)n;
    struct iface *ifp = n->ifp;
    for (int k = 0; k < NRX && d->rx_next < NRX; k++) {
        volatile uint32_t *r = d->rx + 8 * d->rx_next;
        uint32_t st = r[5];
        if (!(st & RX_DONE))
            break;
        uint32_t len = st & 0xFFFF;
        uint8_t *f = d->rxbuf + d->rx_next * BUFSZ;
        if (len > 4 && len - 4 <= BUFSZ) {
            len -= 4;
            if (len >= 18 && f[12] == 0x81 && f[13] == 0x00) {
                /* the tag every frame for the CPU carries */
                memmove(f + 12, f + 16, len - 16);
                len -= 4;
            }
            eth_input(ifp, f, len);
        } else {
            ifp->in_drops++;
        }
        r[5] = 0;
        d->rx_next++;
    }
    uint32_t sr = irq_save();
    if (d->rx_next == NRX)
        rx_arm(d); /* the ring end was latched: start over */
    tx_check(d);
    irq_restore(sr);
}

static int phy_link(struct bcm *d, unsigned bcm_port)
{
    uint32_t sr = irq_save();
    REG(R_MII_IN) = 1u << 24 | bcm_port << 16; /* BMSR */
    REG(R_SCHAN) = SCHAN_MII_READ;
    uint32_t v = REG(R_MII_OUT);
    irq_restore(sr);
    return (v & BMSR_LINK) != 0;
}

static int vl_link(struct nic *n)
{
    struct bcm *d = (struct bcm *)n;
    for (unsigned p = 0; p < 16; p++)
        if (phy_link(d, p))
            return 1;
    return 0;
}

static const struct nic_ops vl_ops = {
    .start = vl_start,
    .stop = vl_stop,
    .isr = vl_isr,
    .poll = vl_poll,
    .tx = vl_tx,
    .link = vl_link,
};

/* A front port: link from the switch, no frames of its own. */
struct swport {
    struct nic nic;
    struct bcm *chip;
    int bcm_port;
};

static int sp_start(struct nic *n)
{
    (void)n;
    return 0;
}

static int sp_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    (void)n;
    (void)frame;
    (void)len;
    return -1; /* a switch port: IP goes through interface Vlan1 */
}

static int sp_link(struct nic *n)
{
    struct swport *p = (struct swport *)n;
    return phy_link(p->chip, (unsigned)p->bcm_port);
}

static const struct nic_ops sp_ops = {
    .start = sp_start,
    .tx = sp_tx,
    .link = sp_link,
};

void bcm5605_attach(int slot, const struct card *c, struct pci_func *f,
                    const uint8_t *base_mac)
{
    struct bcm *d = fw_alloc(sizeof(*d));
    d->nic.ops = &vl_ops;
    pci_cfg_write(f->root, f->bus, f->dev, 0x04, 0x00000006);
    d->regs = pci_map_bar_size(f, 0x10, WINDOW);
    d->nic.regs = d->regs;
    d->rx = uncached(fw_alloc(NRX * DESC));
    d->tx = uncached(fw_alloc(NTX * DESC));
    d->rxbuf = uncached(fw_alloc(NRX * BUFSZ));
    d->txbuf = uncached(fw_alloc(NTX * BUFSZ));
    REG(R_RX_RING) = 0;
    REG(R_TX_RING) = 0;

    static const uint32_t one = 1;
    write_mem(d, T_ARL_COUNT, 0, &one, 1);
    const uint32_t vlan1[4] = {1, FRONT_MASK | 1u << CPU_PORT, FRONT_MASK,
                               0};
    write_mem(d, T_VTABLE, 1, vlan1, 4);
    const uint32_t port[6] = {1, 0, 0, 0, 0, 0};
    for (unsigned p = 0; p < 16; p++)
        write_mem(d, T_PTABLE, p, port, 6);

    for (int p = 0; p < 16; p++) {
        struct iface *i = iface_add(IFT_FASTETHERNET, slot, p, c);
        struct swport *sp = fw_alloc(sizeof(*sp));
        sp->nic.ops = &sp_ops;
        sp->nic.ifp = i;
        sp->chip = d;
        sp->bcm_port = front_to_bcm[p];
        i->pci = f;
        i->nic = &sp->nic;
        iface_set_shutdown(i, 0, 1); /* switch ports start enabled */
    }
    struct iface *v = iface_find(IFT_VLAN, -1, 1);
    if (v)
        return; /* one Vlan1: the first module's */
    v = iface_add(IFT_VLAN, -1, 1, c);
    v->shutdown = 1;
    if (base_mac)
        memcpy(v->mac, base_mac, 6);
    v->nic = &d->nic;
    d->nic.ifp = v;
    net_irq_register(slot, 0, &d->nic);
}
