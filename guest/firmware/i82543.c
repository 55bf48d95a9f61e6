/*
 * i82543.c - Intel 82543 (8254x family) Fast/Gigabit Ethernet driver
 * (PA-2FE-TX, PA-GE, C7200-IO-2FE, C7200-IO-GE-E), on the chip's
 * guest-visible interface (devices.md §3.3):
 *
 *  - Register window through memory BAR0 (config offset 0x10), 32-bit
 *    registers at their datasheet offsets.
 *  - Legacy 16-byte descriptors (four big-endian words) in DRAM, rings
 *    addressed by physical address: RDBAL/RDLEN/RDH/RDT for receive,
 *    TDBAL/TDLEN/TDH/TDT for transmit. The driver owns the slots between
 *    the head and the tail; it gives slots back by moving the tail.
 *  - Frame data: the chip reverses the bytes of every 32-bit word it moves
 *    (devices.md §1.3). Buffer addresses are therefore handed to it in the
 *    byte-swapped window at 0xC0000000 (c7200.md §3.3), which reverses
 *    them once more: the frame lands in DRAM in wire order.
 *  - ICR read-to-clear; the interrupt (RXT0, TXDW) goes through the bay's
 *    network interrupt bit (c7200.md §4.2), the work is done in poll().
 *  - Link from STATUS.LU; the PHY's BMSR can also be read over the MDIO
 *    pins bit-banged through CTRL_EXT (SDP6 = MDC, SDP7 = MDIO).
 *
 * Descriptors and buffers are accessed through KSEG1 (uncached).
 */
#include "fw.h"

#include "drivers.h"
#include "ip.h"
#include "net.h"

#define REG(off) (*(volatile uint32_t *)(d->regs + (off)))

#define R_CTRL 0x0000
#define R_STATUS 0x0008
#define R_CTRL_EXT 0x0018
#define R_ICR 0x00C0
#define R_IMS 0x00D0
#define R_IMC 0x00D8
#define R_RCTL 0x0100
#define R_TCTL 0x0400
#define R_RDBAL 0x2800
#define R_RDBAH 0x2804
#define R_RDLEN 0x2808
#define R_RDH 0x2810
#define R_RDT 0x2818
#define R_TDBAL 0x3800
#define R_TDBAH 0x3804
#define R_TDLEN 0x3808
#define R_TDH 0x3810
#define R_TDT 0x3818

#define CTRL_FD 0x00000001
#define CTRL_SLU 0x00000040
#define STATUS_LU 0x00000002
#define CTRL_EXT_MDC 0x00000040   /* SDP6 data */
#define CTRL_EXT_MDIO 0x00000080  /* SDP7 data */
#define CTRL_EXT_MDIR 0x00000800  /* SDP7 direction: 1 = we drive */

#define ICR_TXDW 0x00000001
#define ICR_TXQE 0x00000002
#define ICR_RXO 0x00000040
#define ICR_RXT0 0x00000080

#define RCTL_EN 0x00000002
#define RCTL_BAM 0x00008000        /* broadcast accept */
#define RCTL_BSIZE_2048 0x00000000
#define RCTL_SECRC 0x04000000
#define TCTL_EN 0x00000002
#define TCTL_PSP 0x00000008

/* Descriptor word 2 (TX command) and word 3 (status) */
#define TXD_EOP (1u << 24)
#define TXD_IFCS (1u << 25)
#define TXD_RS (1u << 27)
#define TXD_DD 0x1
#define RXD_DD 0x1
#define RXD_EOP 0x2
#define RXD_ERRORS 0xFF00

#define NRX 32  /* ring length 512 bytes: a multiple of 128 */
#define NTX 16  /* 256 bytes */
#define BUFSZ 2048

#define BSWAP_WINDOW 0xC0000000u

struct desc {
    volatile uint32_t w[4];
};

struct e1k {
    struct nic nic;
    uint32_t regs;
    struct desc *rx, *tx;   /* KSEG1 */
    uint8_t *rxbuf, *txbuf; /* KSEG1 */
    int rx_next;            /* next slot the chip fills */
    int tx_next;            /* next free slot (= TDT) */
    int tx_clean;           /* oldest slot not yet reclaimed */
    int tx_used;
    int bay;
    volatile uint32_t icr;  /* causes seen by the interrupt */
};

/* A buffer's address as the chip must see it: through the swap window. */
static uint32_t dma_addr(const void *p)
{
    return BSWAP_WINDOW | phys(p);
}

/* --------------------------------------------------------------- MDIO */

static void mdio_out(struct e1k *d, int bit)
{
    uint32_t v = (REG(R_CTRL_EXT) & ~(CTRL_EXT_MDC | CTRL_EXT_MDIO)) |
                 CTRL_EXT_MDIR | (bit ? CTRL_EXT_MDIO : 0);
    REG(R_CTRL_EXT) = v;
    REG(R_CTRL_EXT) = v | CTRL_EXT_MDC; /* rising edge: PHY samples */
}

static int mdio_in(struct e1k *d)
{
    uint32_t v = REG(R_CTRL_EXT) & ~(CTRL_EXT_MDC | CTRL_EXT_MDIR);
    REG(R_CTRL_EXT) = v;
    REG(R_CTRL_EXT) = v | CTRL_EXT_MDC; /* PHY presents the next bit */
    return (REG(R_CTRL_EXT) & CTRL_EXT_MDIO) ? 1 : 0;
}

static uint16_t mdio_read(struct e1k *d, int phy, int reg)
{
    for (int i = 0; i < 32; i++)
        mdio_out(d, 1);                     /* preamble */
    uint32_t frame = 0x6 << 10 | (uint32_t)(phy & 31) << 5 | (reg & 31);
    for (int i = 13; i >= 0; i--)           /* start 01, read 10, addr */
        mdio_out(d, (frame >> i) & 1);
    (void)mdio_in(d);                       /* turnaround */
    uint16_t v = 0;
    for (int i = 0; i < 16; i++)
        v = (uint16_t)(v << 1 | (uint16_t)mdio_in(d));
    mdio_out(d, 1);                         /* back to idle */
    return v;
}

static int e1k_link(struct nic *n)
{
    struct e1k *d = (struct e1k *)n;
    if (!(REG(R_STATUS) & STATUS_LU))
        return 0;
    uint32_t sr = irq_save();
    uint16_t bmsr = mdio_read(d, 1, 1);
    irq_restore(sr);
    return (bmsr & 0x0004) != 0;
}

/* -------------------------------------------------------------- rings */

static void rings_init(struct e1k *d)
{
    for (int i = 0; i < NRX; i++) {
        struct desc *r = &d->rx[i];
        r->w[0] = dma_addr(d->rxbuf + i * BUFSZ);
        r->w[1] = 0;
        r->w[2] = 0;
        r->w[3] = 0;
    }
    for (int i = 0; i < NTX; i++) {
        struct desc *t = &d->tx[i];
        t->w[0] = dma_addr(d->txbuf + i * BUFSZ);
        t->w[1] = 0;
        t->w[2] = 0;
        t->w[3] = 0;
    }
    d->rx_next = d->tx_next = d->tx_clean = d->tx_used = 0;
}

static void tx_reclaim(struct e1k *d)
{
    while (d->tx_used > 0) {
        struct desc *t = &d->tx[d->tx_clean];
        if (!(t->w[3] & TXD_DD))
            break;
        t->w[3] = 0;
        d->tx_clean = (d->tx_clean + 1) % NTX;
        d->tx_used--;
    }
}

static int e1k_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct e1k *d = (struct e1k *)n;
    if (len == 0 || len > BUFSZ)
        return -1;
    uint32_t sr = irq_save();
    tx_reclaim(d);
    /* one slot stays empty: TDT must never catch up with TDH */
    if (d->tx_used >= NTX - 1) {
        irq_restore(sr);
        return -1;
    }
    struct desc *t = &d->tx[d->tx_next];
    memcpy(d->txbuf + d->tx_next * BUFSZ, frame, len);
    t->w[0] = dma_addr(d->txbuf + d->tx_next * BUFSZ);
    t->w[1] = 0;
    t->w[3] = 0;
    t->w[2] = TXD_EOP | TXD_IFCS | TXD_RS | (uint32_t)len;
    d->tx_next = (d->tx_next + 1) % NTX;
    d->tx_used++;
    REG(R_TDT) = (uint32_t)d->tx_next;
    irq_restore(sr);
    return 0;
}

static int e1k_start(struct nic *n)
{
    struct e1k *d = (struct e1k *)n;

    REG(R_IMC) = 0xFFFFFFFFu;
    REG(R_RCTL) = 0;
    REG(R_TCTL) = 0;
    (void)REG(R_ICR);
    rings_init(d);
    REG(R_CTRL) = CTRL_FD | CTRL_SLU;
    REG(R_RDBAL) = phys(d->rx);
    REG(R_RDBAH) = 0;
    REG(R_RDLEN) = NRX * sizeof(struct desc);
    REG(R_RDH) = 0;
    REG(R_RDT) = NRX - 1;  /* all slots but one belong to the chip */
    REG(R_TDBAL) = phys(d->tx);
    REG(R_TDBAH) = 0;
    REG(R_TDLEN) = NTX * sizeof(struct desc);
    REG(R_TDH) = 0;
    REG(R_TDT) = 0;
    d->icr = 0;
    REG(R_RCTL) = RCTL_EN | RCTL_BAM | RCTL_BSIZE_2048;
    REG(R_TCTL) = TCTL_EN | TCTL_PSP;
    REG(R_IMS) = ICR_RXT0 | ICR_RXO | ICR_TXDW;
    return 0;
}

static void e1k_stop(struct nic *n)
{
    struct e1k *d = (struct e1k *)n;
    REG(R_IMC) = 0xFFFFFFFFu;
    REG(R_RCTL) = 0;
    REG(R_TCTL) = 0;
    (void)REG(R_ICR);
}

/* Interrupt context: acknowledge (ICR read clears), leave work to poll. */
static void e1k_isr(struct nic *n)
{
    struct e1k *d = (struct e1k *)n;
    d->icr |= REG(R_ICR);
}

static void e1k_poll(struct nic *n)
{
    struct e1k *d = (struct e1k *)n;
    struct iface *ifp = n->ifp;
    d->icr = 0;

    int got = 0;
    for (int k = 0; k < NRX; k++) {
        struct desc *r = &d->rx[d->rx_next];
        uint32_t st = r->w[3];
        if (!(st & RXD_DD))
            break;
        uint32_t len = r->w[2] & 0xFFFF;
        if ((st & RXD_EOP) && !(st & RXD_ERRORS) && len > 4 &&
            len - 4 <= BUFSZ) {
            eth_input(ifp, d->rxbuf + d->rx_next * BUFSZ, len - 4);
        } else {
            ifp->in_drops++;
        }
        r->w[0] = dma_addr(d->rxbuf + d->rx_next * BUFSZ);
        r->w[1] = 0;
        r->w[2] = 0;
        r->w[3] = 0;
        /* the slot just emptied becomes the new tail */
        REG(R_RDT) = (uint32_t)d->rx_next;
        d->rx_next = (d->rx_next + 1) % NRX;
        got++;
    }
    (void)got;

    uint32_t sr = irq_save();
    tx_reclaim(d);
    irq_restore(sr);
}

static const struct nic_ops e1k_ops = {
    .start = e1k_start,
    .stop = e1k_stop,
    .isr = e1k_isr,
    .poll = e1k_poll,
    .tx = e1k_tx,
    .link = e1k_link,
};

struct nic *i82543_attach(struct iface *ifp, struct pci_func *f, int bay,
                          int irq_port)
{
    struct e1k *d = fw_alloc(sizeof(*d));
    d->nic.ops = &e1k_ops;
    d->nic.ifp = ifp;
    d->bay = bay;
    /* memory space + bus master */
    pci_cfg_write(f->root, f->bus, f->dev, 0x04, 0x00000006);
    d->regs = pci_map_bar(f, 0x10);
    d->nic.regs = d->regs;
    d->rx = uncached(fw_alloc(NRX * sizeof(struct desc)));
    d->tx = uncached(fw_alloc(NTX * sizeof(struct desc)));
    d->rxbuf = uncached(fw_alloc(NRX * BUFSZ));
    d->txbuf = uncached(fw_alloc(NTX * BUFSZ));
    REG(R_IMC) = 0xFFFFFFFFu;
    REG(R_RCTL) = 0;
    REG(R_TCTL) = 0;
    (void)REG(R_ICR);
    net_irq_register(bay, irq_port, &d->nic);
    return &d->nic;
}
