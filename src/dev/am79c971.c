/*
 * AMD Am79C971 / Am79C970A Ethernet controller (devices.md §3.2, AMD
 * datasheets). See am79c971.h.
 *
 * Window (DWIO layout, 32-bit values in the low-order bits of any access):
 *   0x10 RDP  data of CSR[RAP]
 *   0x14 RAP  register address pointer (8 bits)
 *   0x1C BDP  data of BCR[RAP]
 * Anything else reads 0 and ignores writes (guest error, logged once).
 */
#include "dev/am79c971.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/card_chip.h"
#include "dev/nic.h"
#include "dev/nic_chip.h"
#include "dev/pci_bus.h"

#define NREGS 256 /* RAP is 8 bits wide */

/* Register window, datasheet "Software Access" (DWIO) */
#define REG_RDP 0x10
#define REG_RAP 0x14
#define REG_BDP 0x1C

/* CSR0, datasheet "CSR0: Controller Status and Control Register" */
#define CSR0_INIT (1u << 0)
#define CSR0_STRT (1u << 1)
#define CSR0_STOP (1u << 2)
#define CSR0_TDMD (1u << 3)
#define CSR0_TXON (1u << 4)
#define CSR0_RXON (1u << 5)
#define CSR0_IENA (1u << 6)
#define CSR0_INTR (1u << 7)
#define CSR0_IDON (1u << 8)
#define CSR0_TINT (1u << 9)
#define CSR0_RINT (1u << 10)
#define CSR0_MERR (1u << 11)
#define CSR0_MISS (1u << 12)
#define CSR0_CERR (1u << 13)
#define CSR0_BABL (1u << 14)
#define CSR0_CAUSES 0x7F00u /* bits 14:8, masked by CSR3 bits 14:8 */
#define CSR0_W1C (CSR0_BABL | CSR0_CERR | CSR0_MISS | CSR0_MERR | CSR0_IDON)

#define CSR15_DRX (1u << 0)
#define CSR15_DTX (1u << 1)
#define CSR15_PROM (1u << 15)

/* CSR numbers with side effects */
enum {
    CSR_STATUS = 0,
    CSR_IADR_LO = 1,
    CSR_IADR_HI = 2,
    CSR_MASKS = 3,
    CSR_RING_LEN = 6,
    CSR_PADR0 = 12,
    CSR_PADR1 = 13,
    CSR_PADR2 = 14,
    CSR_MODE = 15,
    CSR_SWSTYLE = 58, /* alias of BCR20, datasheet */
    CSR_CHIP_ID = 88,
};

enum {
    BCR_FDC = 9,      /* full-duplex control */
    BCR_SWSTYLE = 20, /* software style */
    BCR_MIIADDR = 33,
    BCR_MIIDATA = 34,
};

/* Descriptor flags word (RMD1 / TMD1), datasheet */
#define DESC_OWN (1u << 31)
#define DESC_ERR (1u << 30)
#define RMD1_BUFF (1u << 26) /* datasheet bit (devices.md §3.2 [rec]) */
#define DESC_STP (1u << 25)
#define DESC_ENP (1u << 24)
#define DESC_BCNT(w) ((0u - ((w) & 0xFFFu)) & 0xFFFu) /* two's complement */
#define RMD2_MCNT 0xFFFu

#define DESC_SIZE 16
#define RING_MAX 512        /* devices.md §3.2 */
#define INIT_BLOCK_WORDS 7  /* 28 bytes, 32-bit format */
#define MAX_FRAME 2048      /* devices.md §1.5 */
#define TX_GATHER_MAX 16384
#define TX_POLL_FRAMES 16   /* per scan */
#define RINT_TINT_CLEAR_EVERY 3 /* devices.md §3.2 [quirk], kept for IOS */

/* PHY at address 0, devices.md §3.2 "MII PHY" (writes ignored) */
static const uint16_t phy_regs[32] = {
    0x1000, 0x782D, 0x0013, 0x78E2, 0x01E1, 0xC9E1, 0x000F, 0x2001,
    0x0000, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF,
    0x0104, 0x4780, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x0000, 0x0000, 0x00C8, 0x0000, 0xFFFF, 0x0000, 0x0000, 0x0000,
};

/* Logical descriptor words and where each software style keeps them. */
struct desc {
    uint32_t addr;  /* buffer address */
    uint32_t flags; /* OWN ... BCNT */
    uint32_t misc;  /* RX: MCNT; TX: error bits */
};

struct am79c971 {
    struct nic_chip base; /* window, lock, name, DMA, IRQ, kick */
    enum am79c971_type type;
    struct nic_port port; /* NIO and counters */
    uint8_t *txbuf; /* TX_GATHER_MAX bytes, used under the lock */

    /* state (am79c971_fields) */
    uint32_t csr[NREGS];
    uint32_t bcr[NREGS];
    uint32_t rap;
    uint32_t rx_start, tx_start;
    uint32_t rx_l2len, tx_l2len;
    uint32_t rx_pos, tx_pos;
    uint32_t csr0_writes; /* for the RINT/TINT clearing rule */

    uint8_t logged_bad_offset;
    uint8_t logged_style;
    uint8_t logged_oversize;
    uint8_t logged_ring;
};

static const struct dev_field am79c971_fields[] = {
    {"csr", offsetof(struct am79c971, csr), sizeof(uint32_t) * NREGS},
    {"bcr", offsetof(struct am79c971, bcr), sizeof(uint32_t) * NREGS},
    {"rap", offsetof(struct am79c971, rap), 4},
    {"rx_start", offsetof(struct am79c971, rx_start), 4},
    {"tx_start", offsetof(struct am79c971, tx_start), 4},
    {"rx_l2len", offsetof(struct am79c971, rx_l2len), 4},
    {"tx_l2len", offsetof(struct am79c971, tx_l2len), 4},
    {"rx_pos", offsetof(struct am79c971, rx_pos), 4},
    {"tx_pos", offsetof(struct am79c971, tx_pos), 4},
    {"csr0_writes", offsetof(struct am79c971, csr0_writes), 4},
    {"irq_level", offsetof(struct am79c971, base.irq_level), 1},
    {NULL, 0, 0},
};

static struct am79c971 *to_am(struct device *dev)
{
    return DEV_CONTAINER(dev, struct am79c971, base.dev);
}

static uint32_t ring_len(uint32_t l2len)
{
    uint32_t n = 1u << (l2len & 0xF);
    return n > RING_MAX ? RING_MAX : n;
}

/* ========================================================= interrupts */

/* INTR = unmasked causes; the line is INTR and IENA (datasheet CSR0). */
static void update_irq_locked(struct am79c971 *d)
{
    uint32_t enabled = CSR0_CAUSES & ~(d->csr[CSR_MASKS] & CSR0_CAUSES);
    if (d->csr[CSR_STATUS] & enabled) {
        d->csr[CSR_STATUS] |= CSR0_INTR;
    } else {
        d->csr[CSR_STATUS] &= ~CSR0_INTR;
    }
    int level = (d->csr[CSR_STATUS] & (CSR0_INTR | CSR0_IENA)) ==
                (CSR0_INTR | CSR0_IENA);
    nic_chip_irq_locked(&d->base, level);
}

static void update_rx_tx_on(struct am79c971 *d)
{
    d->csr[CSR_STATUS] &= ~(CSR0_RXON | CSR0_TXON);
    if (d->csr[CSR_STATUS] & CSR0_STRT) {
        if (!(d->csr[CSR_MODE] & CSR15_DRX)) {
            d->csr[CSR_STATUS] |= CSR0_RXON;
        }
        if (!(d->csr[CSR_MODE] & CSR15_DTX)) {
            d->csr[CSR_STATUS] |= CSR0_TXON;
        }
    }
}

/* ========================================================= descriptors */

static void ring_error(struct am79c971 *d, const char *what, uint32_t addr)
{
    if (!d->logged_ring) {
        d->logged_ring = 1;
        log_msg(d->base.lg, "AM79C971", "%s: guest error: %s at 0x%08x",
                d->base.name, what, addr);
    }
}

/* Offsets of (addr, flags, misc) for the current software style. */
static int desc_layout(struct am79c971 *d, unsigned off[3])
{
    switch (d->bcr[BCR_SWSTYLE] & 0xFF) {
    case 2:
        off[0] = 0, off[1] = 4, off[2] = 8;
        return 0;
    case 3:
        off[0] = 8, off[1] = 4, off[2] = 0;
        return 0;
    default:
        if (!d->logged_style) {
            d->logged_style = 1;
            log_msg(d->base.lg, "AM79C971",
                    "%s: unimplemented: software style "
                    "%u (only 2 and 3): descriptors ignored", d->base.name,
                    d->bcr[BCR_SWSTYLE] & 0xFF);
        }
        return -1;
    }
}

static void desc_read(struct am79c971 *d, const unsigned off[3], uint32_t a,
                      struct desc *x)
{
    x->addr = nic_dma_read32(d->base.pm, a + off[0]);
    x->flags = nic_dma_read32(d->base.pm, a + off[1]);
    x->misc = nic_dma_read32(d->base.pm, a + off[2]);
}

static uint32_t rx_addr(const struct am79c971 *d, uint32_t pos)
{
    return d->rx_start + pos * DESC_SIZE;
}

static uint32_t tx_addr(const struct am79c971 *d, uint32_t pos)
{
    return d->tx_start + pos * DESC_SIZE;
}

/* ===================================================== initialization */

/* devices.md §3.2 "Initialization block" (32-bit format). Lock held. */
static void fetch_init_block(struct am79c971 *d)
{
    uint32_t iadr = (d->csr[CSR_IADR_HI] & 0xFFFF) << 16 |
                    (d->csr[CSR_IADR_LO] & 0xFFFF);
    if (!iadr) {
        ring_error(d, "INIT without an initialization block address", 0);
        return;
    }
    uint32_t ib[INIT_BLOCK_WORDS];
    for (int i = 0; i < INIT_BLOCK_WORDS; i++) {
        ib[i] = nic_dma_read32(d->base.pm, iadr + 4u * (unsigned)i);
    }
    d->csr[CSR_MODE] = ib[0] & 0xFFFF;
    d->rx_l2len = (ib[0] >> 20) & 0xF;
    d->tx_l2len = (ib[0] >> 28) & 0xF;
    /* PADR: byte 0 in bits 7:0 of word 1 ... byte 5 in bits 15:8 of word 2 */
    d->csr[CSR_PADR0] = ib[1] & 0xFFFF;
    d->csr[CSR_PADR1] = ib[1] >> 16;
    d->csr[CSR_PADR2] = ib[2] & 0xFFFF;
    d->rx_start = ib[5];
    d->tx_start = ib[6];
    d->rx_pos = d->tx_pos = 0;
    d->csr[CSR_STATUS] |= CSR0_IDON;
    update_rx_tx_on(d);
}

/* ============================================================ receive */

static int rx_filter_pass(const struct am79c971 *d, const uint8_t *dst)
{
    if ((d->csr[CSR_MODE] & CSR15_PROM) || nic_eth_is_group(dst)) {
        return 1;
    }
    uint8_t padr[ETH_ALEN];
    for (int i = 0; i < 3; i++) {
        padr[2 * i] = (uint8_t)d->csr[CSR_PADR0 + i];
        padr[2 * i + 1] = (uint8_t)(d->csr[CSR_PADR0 + i] >> 8);
    }
    return memcmp(padr, dst, ETH_ALEN) == 0;
}

/* devices.md §3.2 "Receive". Lock held. Returns 1 if stored. */
static int rx_frame_locked(void *chip, const uint8_t *frame, size_t len)
{
    struct am79c971 *d = chip;
    unsigned off[3];
    if (!d->rx_start || !(d->csr[CSR_STATUS] & CSR0_RXON) ||
        len < ETH_ALEN || !rx_filter_pass(d, frame) ||
        desc_layout(d, off) < 0) {
        return 0;
    }
    if (len > MAX_FRAME) {
        if (!d->logged_oversize) {
            d->logged_oversize = 1;
            log_msg(d->base.lg, "AM79C971",
                    "%s: received frames longer than %d "
                    "bytes are dropped", d->base.name, MAX_FRAME);
        }
        return 0;
    }
    uint32_t nring = ring_len(d->rx_l2len);
    uint32_t first = rx_addr(d, d->rx_pos);
    struct desc x0;
    desc_read(d, off, first, &x0);
    if (!(x0.flags & DESC_OWN)) {
        return 0; /* ring full: dropped, MISS not set (devices.md §3.2) */
    }
    struct desc x = x0;
    uint32_t addr = first;
    size_t done = 0;
    for (uint32_t n = 0;; n++) {
        size_t c = DESC_BCNT(x.flags);
        if (c > len - done) {
            c = len - done;
        }
        nic_dma_write(d->base.pm, x.addr, frame + done, c);
        done += c;
        d->rx_pos = (d->rx_pos + 1) % nring;
        uint32_t flags = x.flags;
        if (n) {
            flags &= ~DESC_OWN;
        }
        if (done == len) {
            flags |= DESC_ENP;
            if (n) {
                nic_dma_write32(d->base.pm, addr + off[1], flags);
            } else {
                x0.flags = flags;
            }
            uint32_t misc = (x.misc & ~RMD2_MCNT) |
                            ((uint32_t)(len + ETH_FCS_LEN) & RMD2_MCNT);
            nic_dma_write32(d->base.pm, addr + off[2], misc);
            break;
        }
        uint32_t next = rx_addr(d, d->rx_pos);
        struct desc nx;
        desc_read(d, off, next, &nx);
        if (next == first || n + 1 >= nring || !(nx.flags & DESC_OWN)) {
            if (next == first || n + 1 >= nring) {
                ring_error(d, "RX frame does not fit the ring", addr);
            }
            flags |= DESC_ERR | RMD1_BUFF | DESC_ENP; /* truncated */
            if (n) {
                nic_dma_write32(d->base.pm, addr + off[1], flags);
            } else {
                x0.flags = flags;
            }
            break;
        }
        if (n) {
            nic_dma_write32(d->base.pm, addr + off[1], flags);
        }
        addr = next;
        x = nx;
    }
    /* The first descriptor goes back to the host last. */
    nic_dma_write32(d->base.pm, first + off[1],
                    (x0.flags & ~DESC_OWN) | DESC_STP);
    d->csr[CSR_STATUS] |= CSR0_RINT;
    update_irq_locked(d);
    return 1;
}

void am79c971_receive(struct am79c971 *d, const uint8_t *frame, size_t len)
{
    nic_port_receive(&d->port, frame, len);
}

/* =========================================================== transmit */

enum tx_result { TX_NONE, TX_DONE, TX_WAIT };

/* devices.md §3.2 "Transmit", one frame. Lock held. */
static enum tx_result tx_one_locked(struct am79c971 *d, const unsigned off[3])
{
    uint32_t nring = ring_len(d->tx_l2len);
    uint32_t pos = d->tx_pos;
    uint32_t first = tx_addr(d, pos);
    struct desc x;
    desc_read(d, off, first, &x);
    if (!(x.flags & DESC_OWN)) {
        return TX_NONE;
    }
    uint32_t first_flags = x.flags;
    uint32_t consumed[RING_MAX];
    uint32_t consumed_flags[RING_MAX];
    uint32_t nconsumed = 0;
    size_t len = 0;
    int truncated = 0;
    for (uint32_t n = 0;; n++) {
        size_t c = DESC_BCNT(x.flags);
        if (len + c > TX_GATHER_MAX) {
            truncated = 1;
        } else {
            nic_dma_read(d->base.pm, x.addr, d->txbuf + len, c);
            len += c;
        }
        uint32_t addr = tx_addr(d, pos);
        if (n && !(x.flags & DESC_STP)) {
            consumed[nconsumed] = addr;
            consumed_flags[nconsumed++] = x.flags & ~DESC_OWN;
        }
        pos = (pos + 1) % nring;
        if (x.flags & DESC_ENP) {
            break;
        }
        if (n + 1 >= nring || pos == d->tx_pos) {
            ring_error(d, "TX frame without an end-of-packet descriptor",
                       first);
            truncated = 1;
            break;
        }
        desc_read(d, off, tx_addr(d, pos), &x);
        if (!(x.flags & DESC_OWN)) {
            return TX_WAIT; /* rest of the frame not handed over yet */
        }
    }
    d->tx_pos = pos;
    if (truncated) {
        d->port.st.tx_dropped++;
    } else {
        nic_isl_rewrite(d->txbuf, len);
        nic_port_send_locked(&d->port, d->txbuf, len);
    }
    for (uint32_t i = 0; i < nconsumed; i++) {
        nic_dma_write32(d->base.pm, consumed[i] + off[1], consumed_flags[i]);
    }
    nic_dma_write32(d->base.pm, first + off[1], first_flags & ~DESC_OWN);
    d->csr[CSR_STATUS] |= CSR0_TINT;
    return TX_DONE;
}

static int tx_scan_locked(struct am79c971 *d, int max)
{
    unsigned off[3];
    int sent = 0;
    if (!d->tx_start || !(d->csr[CSR_STATUS] & CSR0_TXON) ||
        desc_layout(d, off) < 0) {
        return 0;
    }
    while (sent < max) {
        if (!nic_port_may_transmit(&d->port)) {
            break;
        }
        if (tx_one_locked(d, off) != TX_DONE) {
            break;
        }
        sent++;
    }
    if (sent) {
        update_irq_locked(d);
    }
    return sent;
}

/* A scan may find frames. Lock held. */
static int tx_on_locked(const struct am79c971 *d)
{
    return d->tx_start && (d->csr[CSR_STATUS] & CSR0_TXON);
}

int am79c971_tx_on(struct am79c971 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int on = tx_on_locked(d);
    pthread_mutex_unlock(&d->base.lock);
    return on;
}

int am79c971_tx_poll(struct am79c971 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int n = tx_scan_locked(d, TX_POLL_FRAMES);
    pthread_mutex_unlock(&d->base.lock);
    return n;
}

/* ========================================================== registers */

/* devices.md §3.2 "CSR0 write", in that order. Lock held. */
static void csr0_write(struct am79c971 *d, uint32_t v)
{
    if (v & CSR0_STOP) {
        d->csr[CSR_STATUS] = CSR0_STOP;
        d->rx_pos = d->tx_pos = 0;
        update_irq_locked(d);
        return;
    }
    uint32_t w1c = CSR0_W1C;
    if (++d->csr0_writes == RINT_TINT_CLEAR_EVERY) {
        w1c |= CSR0_RINT | CSR0_TINT;
        d->csr0_writes = 0;
    }
    d->csr[CSR_STATUS] &= ~(v & w1c);
    d->csr[CSR_STATUS] |= v & CSR0_IENA; /* only STOP clears it [quirk] */
    if (v & CSR0_INIT) {
        d->csr[CSR_STATUS] |= CSR0_INIT;
        d->csr[CSR_STATUS] &= ~CSR0_STOP;
        fetch_init_block(d);
    }
    if (v & CSR0_STRT) {
        d->csr[CSR_STATUS] |= CSR0_STRT;
        d->csr[CSR_STATUS] &= ~CSR0_STOP;
        update_rx_tx_on(d);
    }
    update_irq_locked(d);
    if (v & (CSR0_TDMD | CSR0_STRT)) {
        tx_scan_locked(d, TX_POLL_FRAMES); /* transmit demand */
    }
}

static uint32_t csr_read(struct am79c971 *d, unsigned n)
{
    switch (n) {
    case CSR_RING_LEN:
        return d->tx_l2len << 12 | d->rx_l2len << 8;
    case CSR_SWSTYLE:
        return d->bcr[BCR_SWSTYLE];
    case CSR_CHIP_ID:
        /* devices.md §3.2: part 0x2621 (Am79C970A) / 0x2623, AMD */
        return d->type == AM79C971_10BASE_T ? 0x02621003u : 0x02623003u;
    default:
        return d->csr[n];
    }
}

static void csr_write(struct am79c971 *d, unsigned n, uint32_t v)
{
    switch (n) {
    case CSR_STATUS:
        csr0_write(d, v);
        break;
    case CSR_MASKS:
        d->csr[n] = v;
        update_irq_locked(d);
        break;
    case CSR_RING_LEN:
        d->rx_l2len = (v >> 8) & 0xF;
        d->tx_l2len = (v >> 12) & 0xF;
        break;
    case CSR_MODE:
        d->csr[n] = v;
        update_rx_tx_on(d);
        break;
    case CSR_SWSTYLE:
        d->bcr[BCR_SWSTYLE] = v;
        break;
    case CSR_CHIP_ID:
        break; /* read-only */
    default:
        d->csr[n] = v;
        break;
    }
}

static uint32_t bcr_read(struct am79c971 *d, unsigned n)
{
    switch (n) {
    case BCR_FDC:
        return 1; /* full duplex enabled, devices.md §3.2 */
    case BCR_MIIDATA: {
        unsigned phy = (d->bcr[BCR_MIIADDR] >> 5) & 0x1F;
        unsigned reg = d->bcr[BCR_MIIADDR] & 0x1F;
        return phy == 0 ? phy_regs[reg] : 0;
    }
    default:
        return d->bcr[n];
    }
}

static void bcr_write(struct am79c971 *d, unsigned n, uint32_t v)
{
    if (n == BCR_MIIDATA || n == BCR_FDC) {
        return; /* PHY writes ignored (devices.md §3.2) */
    }
    d->bcr[n] = v;
}

static void bad_offset(struct am79c971 *d, uint64_t off, int is_write)
{
    if (!d->logged_bad_offset) {
        d->logged_bad_offset = 1;
        log_msg(d->base.lg, "AM79C971", "%s: guest error: %s at offset 0x%llx "
                "(not a DWIO port)", d->base.name, is_write ? "write" : "read",
                (unsigned long long)off);
    }
}

static uint64_t am79c971_read(struct device *dev, uint64_t off, unsigned size)
{
    struct am79c971 *d = to_am(dev);
    uint32_t v = 0;
    pthread_mutex_lock(&d->base.lock);
    switch (off) {
    case REG_RDP:
        v = csr_read(d, d->rap);
        break;
    case REG_RAP:
        v = d->rap;
        break;
    case REG_BDP:
        v = bcr_read(d, d->rap);
        break;
    default:
        bad_offset(d, off, 0);
        break;
    }
    pthread_mutex_unlock(&d->base.lock);
    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void am79c971_write(struct device *dev, uint64_t off, unsigned size,
                           uint64_t value)
{
    struct am79c971 *d = to_am(dev);
    uint32_t v = (uint32_t)value;
    (void)size;
    pthread_mutex_lock(&d->base.lock);
    switch (off) {
    case REG_RDP:
        csr_write(d, d->rap, v);
        break;
    case REG_RAP:
        d->rap = v & 0xFF;
        break;
    case REG_BDP:
        bcr_write(d, d->rap, v);
        break;
    default:
        bad_offset(d, off, 1);
        break;
    }
    /* the periodic scan runs while TX is on */
    nic_chip_unlock_kick(&d->base, tx_on_locked(d));
}

static void am79c971_reset(struct device *dev)
{
    struct am79c971 *d = to_am(dev);
    pthread_mutex_lock(&d->base.lock);
    memset(d->csr, 0, sizeof(d->csr));
    memset(d->bcr, 0, sizeof(d->bcr));
    d->rap = 0;
    d->rx_start = d->tx_start = 0;
    d->rx_l2len = d->tx_l2len = 0;
    d->rx_pos = d->tx_pos = 0;
    d->csr0_writes = 0;
    nic_chip_irq_locked(&d->base, 0);
    pthread_mutex_unlock(&d->base.lock);
}

/* Restored from a snapshot: the periodic scan runs while TX is on. */
static void am79c971_loaded(struct device *dev)
{
    struct am79c971 *d = to_am(dev);
    nic_chip_kick_if(&d->base, am79c971_tx_on(d));
}

static const struct device_ops am79c971_ops = {
    .read = am79c971_read,
    .write = am79c971_write,
    .reset = am79c971_reset,
    .loaded = am79c971_loaded,
    .fields = am79c971_fields,
};

/* ========================================================== life cycle */

int am79c971_create(const struct am79c971_config *c, struct am79c971 **out)
{
    if (!c || !c->pm) {
        return -EINVAL;
    }
    struct am79c971 *d = calloc(1, sizeof(*d));
    if (d) {
        d->txbuf = malloc(TX_GATHER_MAX);
    }
    if (!d || !d->txbuf) {
        free(d);
        return -ENOMEM;
    }
    nic_chip_init(&d->base, c->name, "am79c971", &am79c971_ops, c->pm, c->lg,
                  c->irq, c->kick);
    d->type = c->type;
    nic_port_init(&d->port, &d->base.lock, rx_frame_locked, d);
    am79c971_reset(&d->base.dev);
    *out = d;
    return 0;
}

void am79c971_destroy(struct am79c971 *d)
{
    if (!d) {
        return;
    }
    am79c971_set_nio(d, NULL);
    nic_chip_fini(&d->base);
    free(d->txbuf);
    free(d);
}

struct device *am79c971_device(struct am79c971 *d)
{
    return &d->base.dev;
}

void am79c971_pci_config(struct am79c971 *d, struct pci_dev_config *cfg)
{
    static const struct nic_pci_id id = {
        AM79C971_PCI_VENDOR, AM79C971_PCI_DEVICE, AM79C971_PCI_CLASS,
        AM79C971_REG_BAR, AM79C971_WINDOW_SIZE,
    };
    nic_pci_config(cfg, &id, d->base.name, &d->base.dev);
}

int am79c971_set_nio(struct am79c971 *d, struct nio *nio)
{
    return nic_port_attach(&d->port, nio);
}

struct nio *am79c971_nio(struct am79c971 *d)
{
    return nic_port_nio(&d->port);
}

void am79c971_get_stats(struct am79c971 *d, struct nic_stats *st)
{
    nic_port_get_stats(&d->port, st);
}

void am79c971_dump(struct am79c971 *d, FILE *out)
{
    static const struct {
        unsigned n;
        const char *name;
    } shown[] = {
        {0, "CSR0 status"}, {3, "CSR3 interrupt masks"}, {15, "CSR15 mode"},
        {12, "CSR12 PADR 15:0"}, {13, "CSR13 PADR 31:16"},
        {14, "CSR14 PADR 47:32"},
    };
    pthread_mutex_lock(&d->base.lock);
    for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
        fprintf(out, "    %-24s 0x%04x\n", shown[i].name, d->csr[shown[i].n]);
    }
    fprintf(out, "    BCR20 software style     %u\n", d->bcr[BCR_SWSTYLE]);
    fprintf(out, "    RX ring 0x%08x (%u), at %u; TX ring 0x%08x (%u), at "
            "%u\n", d->rx_start, ring_len(d->rx_l2len), d->rx_pos,
            d->tx_start, ring_len(d->tx_l2len), d->tx_pos);
    pthread_mutex_unlock(&d->base.lock);
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c,
                       enum am79c971_type type, void **out)
{
    struct am79c971_config ac = {.name = c->name, .type = type, .pm = c->pm,
                                 .lg = c->lg, .irq = c->irq, .kick = c->kick};
    return am79c971_create(&ac, (struct am79c971 **)out);
}

static int card_create_10(const struct card_chip_config *c, void **out)
{
    return card_create(c, AM79C971_10BASE_T, out);
}

static int card_create_100(const struct card_chip_config *c, void **out)
{
    return card_create(c, AM79C971_100BASE_TX, out);
}

CARD_CHIP_ADAPTERS(am79c971)
CARD_CHIP_PCI_ADAPTER(am79c971)
CARD_CHIP_PORT_ADAPTERS(am79c971)

/* The two identities differ only in their name and the type they create. */
#define AM79C971_CARD_OPS(name, create_fn)                                 \
    {                                                                      \
        .what = name, .create = create_fn,                                 \
        .destroy = am79c971_card_destroy, .pci_config = am79c971_card_pci, \
        .device = am79c971_card_device, .set_nio = am79c971_card_set_nio,  \
        .tx_poll = am79c971_card_tx_poll, .tx_on = am79c971_card_tx_on,    \
        .stats = am79c971_card_stats,                                      \
    }

/* devices.md §2.1, §3.2: the PA-4E/PA-8E and NM-1E/NM-4E chips show the
 * 10BASE-T identity */
const struct card_chip_ops am79c970a_card =
    AM79C971_CARD_OPS("Am79C970A", card_create_10);

const struct card_chip_ops am79c971_card =
    AM79C971_CARD_OPS("Am79C971", card_create_100);
