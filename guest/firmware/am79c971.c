/*
 * am79c971.c - AMD Am79C970A/Am79C971 (PCnet) Ethernet driver: PA-4E and
 * PA-8E, one chip per port (devices.md §3.2).
 *
 *  - Register window through the memory BAR at 0x14, 32-bit I/O layout
 *    (DWIO): RDP 0x10, RAP 0x14, BDP 0x1C.
 *  - Software style 2 (BCR20): 16-byte descriptors of big-endian words,
 *    buffer address at +0, flags (OWN, STP, ENP, BCNT) at +4, message
 *    count at +8.
 *  - 32-bit initialization block (mode, ring lengths, PADR, ring bases),
 *    loaded by CSR0 INIT, then STRT with interrupts enabled (IENA).
 *  - CSR0 RINT/TINT/IDON... are write-one-to-clear; the handler repeats
 *    the acknowledge until they read clear (a chip may need more than one
 *    write, devices.md §3.2 "every third write").
 *  - Link: PHY register 1 (BCR33 selects, BCR34 reads), bit 2.
 */
#include "fw.h"

#include "drivers.h"
#include "ip.h"
#include "net.h"

#define RDP 0x10
#define RAP 0x14
#define BDP 0x1C
#define REG(off) (*(volatile uint32_t *)(d->regs + (off)))

#define CSR0_INIT 0x0001
#define CSR0_STRT 0x0002
#define CSR0_STOP 0x0004
#define CSR0_TDMD 0x0008
#define CSR0_IENA 0x0040
#define CSR0_IDON 0x0100
#define CSR0_TINT 0x0200
#define CSR0_RINT 0x0400
#define CSR0_ACK 0x7F00 /* BABL CERR MISS MERR RINT TINT IDON */

#define D_OWN 0x80000000u
#define D_ERR 0x40000000u
#define D_STP 0x02000000u
#define D_ENP 0x01000000u
#define D_ONES 0x0000F000u
#define TX_ADD_FCS 0x20000000u

#define L2RX 5
#define L2TX 4
#define NRX (1 << L2RX)
#define NTX (1 << L2TX)
#define BUFSZ 1536

struct pdesc {
    volatile uint32_t addr, flags, misc, user;
};

struct pcnet {
    struct nic nic;
    uint32_t regs;
    struct pdesc *rx, *tx;
    uint8_t *rxbuf, *txbuf;
    volatile uint32_t *init;   /* 7 words */
    int rx_next, tx_next;
};

static uint32_t csr_rd(struct pcnet *d, int n)
{
    REG(RAP) = (uint32_t)n;
    return REG(RDP);
}

static void csr_wr(struct pcnet *d, int n, uint32_t v)
{
    REG(RAP) = (uint32_t)n;
    REG(RDP) = v;
}

static uint32_t bcr_rd(struct pcnet *d, int n)
{
    REG(RAP) = (uint32_t)n;
    return REG(BDP);
}

static void bcr_wr(struct pcnet *d, int n, uint32_t v)
{
    REG(RAP) = (uint32_t)n;
    REG(BDP) = v;
}

static uint32_t bcnt(unsigned n)
{
    return D_ONES | ((uint32_t)(-(int)n) & 0xFFF);
}

static int pcnet_link(struct nic *n)
{
    struct pcnet *d = (struct pcnet *)n;
    uint32_t sr = irq_save();
    bcr_wr(d, 33, 0 << 5 | 1);  /* PHY 0, register 1 (BMSR) */
    uint32_t v = bcr_rd(d, 34);
    irq_restore(sr);
    return (v & 0x0004) != 0;
}

static int pcnet_start(struct nic *n)
{
    struct pcnet *d = (struct pcnet *)n;
    const uint8_t *m = n->ifp->mac;
    uint32_t sr = irq_save(); /* RAP/RDP pairs vs. the interrupt handler */

    csr_wr(d, 0, CSR0_STOP);
    bcr_wr(d, 20, 2);           /* SWSTYLE 2: 32-bit PCnet-PCI II */
    for (int i = 0; i < NRX; i++) {
        d->rx[i].addr = phys(d->rxbuf + i * BUFSZ);
        d->rx[i].misc = 0;
        d->rx[i].user = 0;
        d->rx[i].flags = D_OWN | bcnt(BUFSZ);
    }
    for (int i = 0; i < NTX; i++) {
        d->tx[i].addr = phys(d->txbuf + i * BUFSZ);
        d->tx[i].misc = 0;
        d->tx[i].user = 0;
        d->tx[i].flags = 0;
    }
    d->rx_next = d->tx_next = 0;
    d->init[0] = (uint32_t)L2TX << 28 | (uint32_t)L2RX << 20 | 0; /* mode */
    d->init[1] = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 |
                 (uint32_t)m[1] << 8 | m[0];
    d->init[2] = (uint32_t)m[5] << 8 | m[4];
    d->init[3] = 0;             /* logical address filter */
    d->init[4] = 0;
    d->init[5] = phys(d->rx);
    d->init[6] = phys(d->tx);
    uint32_t ia = phys((const void *)d->init);
    csr_wr(d, 1, ia & 0xFFFF);
    csr_wr(d, 2, ia >> 16);
    csr_wr(d, 3, 0x0100);       /* IDON masked */
    csr_wr(d, 15, 0);           /* normal mode */
    csr_wr(d, 0, CSR0_INIT);
    for (int i = 0; i < 1000 && !(csr_rd(d, 0) & CSR0_IDON); i++)
        ;
    csr_wr(d, 0, CSR0_IDON | CSR0_STRT | CSR0_IENA);
    irq_restore(sr);
    return 0;
}

static void pcnet_stop(struct nic *n)
{
    struct pcnet *d = (struct pcnet *)n;
    uint32_t sr = irq_save();
    csr_wr(d, 0, CSR0_STOP);
    irq_restore(sr);
}

static void pcnet_isr(struct nic *n)
{
    struct pcnet *d = (struct pcnet *)n;
    for (int k = 0; k < 4; k++) {
        uint32_t st = csr_rd(d, 0);
        if (!(st & CSR0_ACK))
            break;
        csr_wr(d, 0, (st & CSR0_ACK) | CSR0_IENA);
    }
}

static int pcnet_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct pcnet *d = (struct pcnet *)n;
    struct pdesc *t = &d->tx[d->tx_next];
    if (len > BUFSZ || (t->flags & D_OWN))
        return -1;
    memcpy(d->txbuf + d->tx_next * BUFSZ, frame, len);
    t->misc = 0;
    t->flags = D_OWN | D_STP | D_ENP | TX_ADD_FCS | bcnt((unsigned)len);
    d->tx_next = (d->tx_next + 1) % NTX;
    uint32_t sr = irq_save();
    csr_wr(d, 0, CSR0_TDMD | CSR0_IENA);
    irq_restore(sr);
    return 0;
}

static void pcnet_poll(struct nic *n)
{
    struct pcnet *d = (struct pcnet *)n;
    struct iface *ifp = n->ifp;
    for (int k = 0; k < NRX; k++) {
        struct pdesc *r = &d->rx[d->rx_next];
        uint32_t f = r->flags;
        if (f & D_OWN)
            break;
        uint32_t mcnt = r->misc & 0xFFF;
        if ((f & (D_STP | D_ENP)) == (D_STP | D_ENP) && !(f & D_ERR) &&
            mcnt > 4 && mcnt - 4 <= BUFSZ)
            eth_input(ifp, d->rxbuf + d->rx_next * BUFSZ, mcnt - 4);
        else
            ifp->in_drops++;
        r->misc = 0;
        r->flags = D_OWN | bcnt(BUFSZ);
        d->rx_next = (d->rx_next + 1) % NRX;
    }
}

static const struct nic_ops pcnet_ops = {
    .start = pcnet_start,
    .stop = pcnet_stop,
    .isr = pcnet_isr,
    .poll = pcnet_poll,
    .tx = pcnet_tx,
    .link = pcnet_link,
};

struct nic *am79c971_attach(struct iface *ifp, struct pci_func *f, int bay,
                            int irq_port)
{
    struct pcnet *d = fw_alloc(sizeof(*d));
    d->nic.ops = &pcnet_ops;
    d->nic.ifp = ifp;
    pci_cfg_write(f->root, f->bus, f->dev, 0x04, 0x00000006);
    d->regs = pci_map_bar(f, 0x14);
    d->nic.regs = d->regs;
    d->rx = uncached(fw_alloc(NRX * sizeof(struct pdesc)));
    d->tx = uncached(fw_alloc(NTX * sizeof(struct pdesc)));
    d->rxbuf = uncached(fw_alloc(NRX * BUFSZ));
    d->txbuf = uncached(fw_alloc(NTX * BUFSZ));
    d->init = uncached(fw_alloc(7 * sizeof(uint32_t)));
    csr_wr(d, 0, CSR0_STOP);
    net_irq_register(bay, irq_port, &d->nic);
    return &d->nic;
}
