/*
 * mueslix.c - Cisco "Mueslix" 4-channel synchronous serial controller:
 * PA-4T+ (one chip) and PA-8T (two chips), chip mode 1 (devices.md §3.6).
 *
 *  - 16 KB window through BAR0 (config 0x10): interrupt status (0x000,
 *    write-one-to-clear) and mask (0x010), channel enable mask (0x014, TX
 *    bit 2n, RX bit 2n+1), channel n block at 0x100 + 0x100 n, TPU command
 *    port 0x2C24 (opcode bits 19:12: 0x00 enable, 0x30 disable).
 *  - Per channel: CRC control (+0x00; 0x08 = CRC-16), line signals (+0x60,
 *    all ones with a cable), TX ring start/end (+0x80/+0x84), RX ring
 *    start/end (+0x88/+0x8C); in mode 1 the end registers hold the address
 *    of the last descriptor.
 *  - 8-byte descriptors (two big-endian words: flags/length, buffer).
 *    Receive: OWN | buffer size; the chip returns FS | LS | length, the
 *    length counting the CRC bytes plus one. Transmit (mode 1): OWN | FS |
 *    LS | PAD << 22 | length in 32-bit words, PAD = valid bytes in the last
 *    word (0 = 4).
 *  - Interrupt: status bit n = TX done, 4 + n = RX on channel n; one line
 *    per chip (c7200.md §4.2: PA-8T chip 1 on port bit 1).
 *
 * NM-4T (3600 family, 2691, 37xx): chip mode 0 (c3600-c2691-c37xx.md
 * §5.5, devices.md §3.6): the ring end registers point one past the last
 * descriptor, the TX length is a byte count, TPU opcode 0x10 disables.
 *
 * The chip has no transmit doorbell; writing the interrupt status register
 * (with 0: clears nothing) makes it look at its TX rings at once.
 */
#include "fw.h"

#include "drivers.h"
#include "net.h"
#include "serial.h"

#define REG(off) (*(volatile uint32_t *)(c->regs + (off)))
#define R_STATUS 0x0000
#define R_MASK 0x0010
#define R_ENABLE 0x0014
#define R_TPU_CMD 0x2C24
#define CH(n, off) (0x100 + 0x100 * (n) + (off))
#define CH_CRC 0x00
#define CH_SIGNALS 0x60
#define CH_TX_START 0x80
#define CH_TX_END 0x84
#define CH_RX_START 0x88
#define CH_RX_END 0x8C

#define D_OWN 0x80000000u
#define D_FS 0x40000000u
#define D_LS 0x20000000u
#define D_ERRS 0x1E000000u /* overrun, ignored, abort, CRC */
#define CRC16 2

#define NRX 16
#define NTX 16
#define BUFSZ 2048

struct mdesc {
    volatile uint32_t w0, buf;
};

struct mchip;

struct mchan {
    struct nic nic;
    struct mchip *chip;
    int n;
    struct mdesc *rx, *tx;
    uint8_t *rxbuf, *txbuf;
    int rx_next, tx_next;
};

struct mchip {
    struct nic irq;           /* the chip's interrupt */
    uint32_t regs;
    struct mchan *ch[4];
    uint32_t enable, mask;
    int mode0;
};

static int mx_link(struct nic *n)
{
    struct mchan *h = (struct mchan *)n;
    struct mchip *c = h->chip;
    return REG(CH(h->n, CH_SIGNALS)) != 0;
}

static int mx_start(struct nic *n)
{
    struct mchan *h = (struct mchan *)n;
    struct mchip *c = h->chip;
    int k = h->n;

    for (int i = 0; i < NRX; i++) {
        h->rx[i].buf = phys(h->rxbuf + i * BUFSZ);
        h->rx[i].w0 = D_OWN | BUFSZ;
    }
    for (int i = 0; i < NTX; i++) {
        h->tx[i].buf = phys(h->txbuf + i * BUFSZ);
        h->tx[i].w0 = 0;
    }
    h->rx_next = h->tx_next = 0;
    uint32_t sr = irq_save();
    REG(CH(k, CH_CRC)) = 0x08; /* CRC-16 */
    REG(CH(k, CH_TX_START)) = phys(&h->tx[0]);
    /* ring end: the last descriptor (mode 1) or one past it (mode 0) */
    REG(CH(k, CH_TX_END)) = phys(&h->tx[c->mode0 ? NTX : NTX - 1]);
    REG(CH(k, CH_RX_START)) = phys(&h->rx[0]);
    REG(CH(k, CH_RX_END)) = phys(&h->rx[c->mode0 ? NRX : NRX - 1]);
    c->mask |= (1u << k) | (0x10u << k);
    REG(R_MASK) = c->mask;
    c->enable |= 3u << (2 * k);
    REG(R_ENABLE) = c->enable;
    REG(R_TPU_CMD) = 0x00u << 12 | (uint32_t)k; /* channel enable */
    irq_restore(sr);
    return 0;
}

static void mx_stop(struct nic *n)
{
    struct mchan *h = (struct mchan *)n;
    struct mchip *c = h->chip;
    int k = h->n;
    uint32_t sr = irq_save();
    /* channel disable: opcode 0x10 in mode 0, 0x30 in mode 1 */
    REG(R_TPU_CMD) = (c->mode0 ? 0x10u : 0x30u) << 12 | (uint32_t)k;
    c->enable &= ~(3u << (2 * k));
    REG(R_ENABLE) = c->enable;
    c->mask &= ~((1u << k) | (0x10u << k));
    REG(R_MASK) = c->mask;
    irq_restore(sr);
}

static void mx_isr(struct nic *n)
{
    struct mchip *c = (struct mchip *)n;
    uint32_t st = REG(R_STATUS);
    REG(R_STATUS) = st; /* write one to clear */
}

static int mx_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct mchan *h = (struct mchan *)n;
    struct mchip *c = h->chip;
    struct mdesc *t = &h->tx[h->tx_next];
    if (len == 0 || len > BUFSZ || (t->w0 & D_OWN))
        return -1;
    memcpy(h->txbuf + h->tx_next * BUFSZ, frame, len);
    uint32_t words = (uint32_t)(len + 3) / 4, pad = (uint32_t)len & 3;
    if (c->mode0)
        t->w0 = D_OWN | D_FS | D_LS | (uint32_t)len; /* bytes */
    else
        t->w0 = D_OWN | D_FS | D_LS | pad << 22 | words;
    h->tx_next = (h->tx_next + 1) % NTX;
    REG(R_STATUS) = 0; /* look at the TX ring now */
    return 0;
}

static void mx_poll(struct nic *n)
{
    struct mchan *h = (struct mchan *)n;
    struct iface *ifp = n->ifp;
    for (int k = 0; k < NRX; k++) {
        struct mdesc *r = &h->rx[h->rx_next];
        uint32_t w = r->w0;
        if (w & D_OWN)
            break;
        uint32_t l = w & 0xFFFF;
        if ((w & (D_FS | D_LS)) == (D_FS | D_LS) && !(w & D_ERRS) &&
            l > CRC16 + 1 && l - (CRC16 + 1) <= BUFSZ)
            serial_input(ifp, h->rxbuf + h->rx_next * BUFSZ,
                         l - (CRC16 + 1));
        else
            ifp->in_drops++;
        r->w0 = D_OWN | BUFSZ;
        h->rx_next = (h->rx_next + 1) % NRX;
    }
}

static const struct nic_ops mx_ops = {
    .start = mx_start,
    .stop = mx_stop,
    .poll = mx_poll,
    .tx = mx_tx,
    .link = mx_link,
};

static const struct nic_ops mx_chip_ops = {
    .isr = mx_isr,
};

/* Chips already set up, by PCI function. */
static struct {
    struct pci_func *f;
    struct mchip *c;
} chips[12];

struct nic *mueslix_attach(struct iface *ifp, struct pci_func *f, int bay,
                           int port)
{
    struct mchip *c = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(chips); i++)
        if (chips[i].f == f)
            c = chips[i].c;
    if (!c) {
        c = fw_alloc(sizeof(*c));
        c->irq.ops = &mx_chip_ops;
        c->mode0 = plat.fam != PF_C7200;
        pci_cfg_write(f->root, f->bus, f->dev, 0x04, 0x00000006);
        c->regs = pci_map_bar(f, 0x10);
        c->irq.regs = c->regs;
        REG(R_MASK) = 0;
        REG(R_ENABLE) = 0;
        REG(R_STATUS) = 0xFFFFFFFFu;
        for (size_t i = 0; i < ARRAY_SIZE(chips); i++)
            if (!chips[i].f) {
                chips[i].f = f;
                chips[i].c = c;
                break;
            }
        /* one interrupt per chip: chip k of the card on port bit k */
        net_irq_register(bay, port / 4, &c->irq);
    }
    struct mchan *h = fw_alloc(sizeof(*h));
    h->nic.ops = &mx_ops;
    h->nic.ifp = ifp;
    h->nic.regs = c->regs;
    h->chip = c;
    h->n = port % 4;
    c->ch[h->n] = h;
    h->rx = uncached(fw_alloc(NRX * sizeof(struct mdesc)));
    h->tx = uncached(fw_alloc(NTX * sizeof(struct mdesc)));
    h->rxbuf = uncached(fw_alloc(NRX * BUFSZ));
    h->txbuf = uncached(fw_alloc(NTX * BUFSZ));
    return &h->nic;
}
