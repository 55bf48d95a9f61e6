/*
 * dec21140.c - DEC 21140 "Tulip" Fast Ethernet driver (C7200-IO-FE,
 * PA-FE-TX), on the chip's guest-visible interface (devices.md §3.1):
 *
 *  - CSR window through the memory BAR at config offset 0x14; CSR n at
 *    window offset 8n, 32-bit, datasheet bit numbering.
 *  - Descriptor rings of 16-byte descriptors (four big-endian words, ring
 *    stride 16) in DRAM, addressed by physical address (CSR3 receive,
 *    CSR4 transmit); frame data copied byte for byte.
 *  - A setup frame (16 perfect-filter entries, our address in each) so
 *    unicast frames to us are received.
 *  - CSR5 status, write-one-to-clear; interrupt on RI/TI through the bay's
 *    network interrupt bit (c7200.md §4.2).
 *  - Link from the PHY's BMSR (register 1, bit 2) read over the MII
 *    management interface bit-banged through CSR9.
 *
 * Descriptors and buffers are accessed through KSEG1 (uncached), so the
 * driver would be right on a CPU with caches as well.
 */
#include "fw.h"

#include "drivers.h"
#include "ip.h"
#include "net.h"

#define CSR(n) (*(volatile uint32_t *)(d->regs + 8 * (n)))

/* CSR0 */
#define CSR0_SWR 0x00000001
/* CSR5 / CSR7 bits */
#define ST_TI 0x00000001
#define ST_TU 0x00000004
#define ST_RI 0x00000040
#define ST_RU 0x00000080
#define ST_AIS 0x00008000
#define ST_NIS 0x00010000
/* CSR6 */
#define OM_SR 0x00000002
#define OM_ST 0x00002000
/* CSR9 MII management */
#define MII_MDC 0x00010000
#define MII_MDO 0x00020000
#define MII_READ 0x00040000
#define MII_MDI 0x00080000
#define MII_RD 0x00004000
#define MII_WR 0x00002000

/* Descriptor words */
#define DES0_OWN 0x80000000u
#define RDES0_FL(x) (((x) >> 16) & 0x3FFF)
#define RDES0_ES 0x00008000
#define RDES0_FS 0x00000200
#define RDES0_LS 0x00000100
#define RDES1_RER 0x02000000
#define TDES1_IC 0x80000000u
#define TDES1_LS 0x40000000
#define TDES1_FS 0x20000000
#define TDES1_SET 0x08000000
#define TDES1_TER 0x02000000

#define NRX 32
#define NTX 16
#define BUFSZ 1536

struct desc {
    volatile uint32_t w[4];
};

struct tulip {
    struct nic nic;
    uint32_t regs;
    struct desc *rx, *tx;     /* KSEG1 */
    uint8_t *rxbuf, *txbuf;   /* KSEG1, NRX/NTX buffers of BUFSZ */
    int rx_next, tx_next, tx_clean;
    int bay;
    volatile uint32_t status; /* CSR5 bits seen by the interrupt */
    uint8_t setup[192];
};

/* ---------------------------------------------------------------- MII */

static void mii_out(struct tulip *d, int bit)
{
    uint32_t v = MII_WR | (bit ? MII_MDO : 0);
    CSR(9) = v;
    CSR(9) = v | MII_MDC; /* MDC rising edge clocks MDO in */
}

static int mii_in(struct tulip *d)
{
    CSR(9) = MII_READ | MII_RD;
    CSR(9) = MII_READ | MII_RD | MII_MDC;
    return (CSR(9) & MII_MDI) ? 1 : 0;
}

static uint16_t mii_read(struct tulip *d, int phy, int reg)
{
    for (int i = 0; i < 32; i++)
        mii_out(d, 1);                      /* preamble */
    uint32_t frame = 0x6 << 10 | (uint32_t)(phy & 31) << 5 | (reg & 31);
    /* start 01, read 10, PHY address, register: 14 bits, MSB first */
    for (int i = 13; i >= 0; i--)
        mii_out(d, (frame >> i) & 1);
    (void)mii_in(d);                        /* turnaround */
    uint16_t v = 0;
    for (int i = 0; i < 16; i++)
        v = (uint16_t)(v << 1 | (uint16_t)mii_in(d));
    return v;
}

static int tulip_link(struct nic *n)
{
    struct tulip *d = (struct tulip *)n;
    uint32_t sr = irq_save();
    uint16_t bmsr = mii_read(d, 1, 1);
    irq_restore(sr);
    return (bmsr & 0x0004) != 0;
}

/* -------------------------------------------------------------- rings */

static void rings_init(struct tulip *d)
{
    for (int i = 0; i < NRX; i++) {
        struct desc *r = &d->rx[i];
        r->w[1] = BUFSZ | (i == NRX - 1 ? RDES1_RER : 0);
        r->w[2] = phys(d->rxbuf + i * BUFSZ);
        r->w[3] = 0;
        r->w[0] = DES0_OWN;
    }
    for (int i = 0; i < NTX; i++) {
        struct desc *t = &d->tx[i];
        t->w[0] = 0;
        t->w[1] = i == NTX - 1 ? TDES1_TER : 0;
        t->w[2] = phys(d->txbuf + i * BUFSZ);
        t->w[3] = 0;
    }
    d->rx_next = d->tx_next = d->tx_clean = 0;
}

/* Queues a descriptor; 0, or -1 when the ring is full. */
static int tx_queue(struct tulip *d, const uint8_t *data, size_t len,
                    uint32_t flags)
{
    struct desc *t = &d->tx[d->tx_next];
    if (t->w[0] & DES0_OWN)
        return -1;
    memcpy(d->txbuf + d->tx_next * BUFSZ, data, len);
    t->w[1] = flags | (uint32_t)len |
              (d->tx_next == NTX - 1 ? TDES1_TER : 0);
    t->w[0] = DES0_OWN;
    d->tx_next = (d->tx_next + 1) % NTX;
    CSR(1) = 1; /* transmit poll demand */
    return 0;
}

static int tulip_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct tulip *d = (struct tulip *)n;
    if (len > BUFSZ)
        return -1;
    return tx_queue(d, frame, len, TDES1_FS | TDES1_LS);
}

static int tulip_start(struct nic *n)
{
    struct tulip *d = (struct tulip *)n;
    const uint8_t *mac = n->ifp->mac;

    CSR(6) = 0;
    CSR(7) = 0;
    CSR(0) = 0;               /* bus mode: defaults */
    CSR(5) = 0xFFFFFFFFu;     /* clear any status */
    rings_init(d);
    CSR(3) = phys(d->rx);
    CSR(4) = phys(d->tx);
    /* Perfect filter: our address in all 16 entries; each entry is three
     * longwords whose first two bytes (memory order) carry the address. */
    memset(d->setup, 0, sizeof(d->setup));
    for (int e = 0; e < 16; e++) {
        uint8_t *p = d->setup + 12 * e;
        p[0] = mac[0]; p[1] = mac[1];
        p[4] = mac[2]; p[5] = mac[3];
        p[8] = mac[4]; p[9] = mac[5];
    }
    tx_queue(d, d->setup, sizeof(d->setup), TDES1_SET);
    CSR(7) = ST_NIS | ST_AIS | ST_RI | ST_TI | ST_RU | ST_TU;
    CSR(6) = OM_SR | OM_ST;
    CSR(1) = 1;
    return 0;
}

static void tulip_stop(struct nic *n)
{
    struct tulip *d = (struct tulip *)n;
    CSR(6) = 0;
    CSR(7) = 0;
    CSR(5) = 0xFFFFFFFFu;
}

/* Interrupt context: acknowledge, leave the work to poll(). */
static void tulip_isr(struct nic *n)
{
    struct tulip *d = (struct tulip *)n;
    uint32_t st = CSR(5);
    CSR(5) = st & 0x0001FFFF; /* write-one-to-clear */
    d->status |= st;
}

static void tulip_poll(struct nic *n)
{
    struct tulip *d = (struct tulip *)n;
    struct iface *ifp = n->ifp;
    d->status = 0;

    for (int k = 0; k < NRX; k++) {
        struct desc *r = &d->rx[d->rx_next];
        uint32_t s = r->w[0];
        if (s & DES0_OWN)
            break;
        uint32_t fl = RDES0_FL(s);
        if ((s & (RDES0_FS | RDES0_LS)) == (RDES0_FS | RDES0_LS) &&
            !(s & RDES0_ES) && fl > 4 && fl - 4 <= BUFSZ) {
            eth_input(ifp, d->rxbuf + d->rx_next * BUFSZ, fl - 4);
        } else {
            ifp->in_drops++;
        }
        r->w[0] = DES0_OWN; /* back to the chip */
        d->rx_next = (d->rx_next + 1) % NRX;
    }
    /* A receive stopped for lack of descriptors resumes on demand. */
    CSR(2) = 1;
}

static const struct nic_ops tulip_ops = {
    .start = tulip_start,
    .stop = tulip_stop,
    .isr = tulip_isr,
    .poll = tulip_poll,
    .tx = tulip_tx,
    .link = tulip_link,
};

struct nic *dec21140_attach(struct iface *ifp, struct pci_func *f, int bay,
                            int irq_port)
{
    struct tulip *d = fw_alloc(sizeof(*d));
    d->nic.ops = &tulip_ops;
    d->nic.ifp = ifp;
    d->bay = bay;
    /* memory space + bus master (the emulated chip ignores 0x04) */
    pci_cfg_write(f->root, f->bus, f->dev, 0x04, 0x00000006);
    d->regs = pci_map_bar(f, 0x14);
    d->nic.regs = d->regs;
    d->rx = uncached(fw_alloc(NRX * sizeof(struct desc)));
    d->tx = uncached(fw_alloc(NTX * sizeof(struct desc)));
    d->rxbuf = uncached(fw_alloc(NRX * BUFSZ));
    d->txbuf = uncached(fw_alloc(NTX * BUFSZ));
    CSR(6) = 0;
    CSR(7) = 0;
    CSR(0) = CSR0_SWR; /* software reset (datasheet) */
    CSR(0) = 0;
    net_irq_register(bay, irq_port, &d->nic);
    return &d->nic;
}
