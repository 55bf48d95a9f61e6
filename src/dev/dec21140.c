/*
 * DEC 21140 Fast Ethernet controller (devices.md §3.1, DECchip 21140
 * Hardware Reference Manual). See dec21140.h.
 *
 * CSR window: CSR n at offset 8n, n = 0..15, 32-bit values in the
 * low-order bits of any access (c7200.md §0). Other offsets are guest
 * errors (logged once, read 0, writes ignored).
 */
#include "dev/dec21140.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "dev/card_chip.h"
#include "dev/nic.h"
#include "dev/nic_chip.h"
#include "dev/pci_bus.h"

#define DEC21140_NCSR 16

/* CSR numbers, datasheet §3.2 */
enum {
    CSR0_BUS_MODE = 0,
    CSR1_TX_POLL = 1,
    CSR2_RX_POLL = 2,
    CSR3_RX_LIST = 3,
    CSR4_TX_LIST = 4,
    CSR5_STATUS = 5,
    CSR6_OPMODE = 6,
    CSR7_INTR_ENABLE = 7,
    CSR8_MISSED = 8,
    CSR9_MII = 9,
};

static const char *const csr_names[DEC21140_NCSR] = {
    "CSR0 bus mode",    "CSR1 TX poll demand",  "CSR2 RX poll demand",
    "CSR3 RX list base", "CSR4 TX list base",   "CSR5 status",
    "CSR6 operation mode", "CSR7 interrupt enable", "CSR8 missed frames",
    "CSR9 serial ROM/MII", "CSR10 boot ROM address", "CSR11 GP timer",
    "CSR12 GP port",    "CSR13 reserved",       "CSR14 reserved",
    "CSR15 watchdog",
};

/* CSR5 status bits, datasheet §3.2.2.6 / devices.md §3.1 */
#define CSR5_TI (1u << 0)
#define CSR5_TPS (1u << 1)
#define CSR5_TU (1u << 2)
#define CSR5_TJT (1u << 3)
#define CSR5_UNF (1u << 5)
#define CSR5_RI (1u << 6)
#define CSR5_RU (1u << 7)
#define CSR5_RPS (1u << 8)
#define CSR5_RWT (1u << 9)
#define CSR5_GTE (1u << 11)
#define CSR5_FBE (1u << 13)
#define CSR5_AIS (1u << 15)
#define CSR5_NIS (1u << 16)
#define CSR5_RS_SHIFT 17
#define CSR5_TS_SHIFT 20
#define CSR5_STATE_RUNNING 3u /* "running, waiting for packet" */
#define CSR5_NIS_BITS (CSR5_TI | CSR5_RI | CSR5_TU)
#define CSR5_AIS_BITS (CSR5_TPS | CSR5_TJT | CSR5_UNF | CSR5_RU | CSR5_RPS | \
                       CSR5_RWT | CSR5_GTE | CSR5_FBE)

/* CSR6 operation mode */
#define CSR6_SR (1u << 1)  /* start receive */
#define CSR6_PR (1u << 6)  /* promiscuous */
#define CSR6_ST (1u << 13) /* start transmit */

/* CSR9 MII management bits, datasheet §3.2.2.10 */
#define CSR9_MDC (1u << 16)
#define CSR9_MDO (1u << 17)
#define CSR9_MII_READ (1u << 18)
#define CSR9_MDI (1u << 19)
#define CSR9_WR (1u << 13)
#define CSR9_RD (1u << 14)
#define CSR9_CLOCK_OUT (CSR9_WR | CSR9_MDC)
#define CSR9_CLOCK_IN (CSR9_MII_READ | CSR9_RD | CSR9_MDC)

/* Power-on values, devices.md §3.1 */
#define CSR0_RESET 0xFFF80000u
#define CSR5_RESET 0xFC000000u
#define CSR8_RESET 0xFFFE0000u

/* Descriptors: four big-endian words, stride 16 (devices.md §3.1) */
#define DESC_SIZE 16
#define DES0_OWN (1u << 31)
#define RDES0_FL_SHIFT 16
#define RDES0_FL_MASK 0x3FFFu
#define RDES0_ES (1u << 15)
#define RDES0_DE (1u << 14)
#define RDES0_MF (1u << 10)
#define RDES0_FS (1u << 9)
#define RDES0_LS (1u << 8)
#define RDES1_RER (1u << 25)
#define RDES1_RCH (1u << 24)
#define TDES1_IC (1u << 31)
#define TDES1_LS (1u << 30)
#define TDES1_FS (1u << 29)
#define TDES1_SET (1u << 27)
#define TDES1_TER (1u << 25)
#define TDES1_TCH (1u << 24)
#define DES1_BS1(w) ((w) & 0x7FFu)
#define DES1_BS2(w) (((w) >> 11) & 0x7FFu) /* datasheet field 21:11 */

/* PHY register 1 (BMSR) link status, IEEE 802.3 22.2.4.2 */
#define MII_BMSR 1
#define BMSR_LINK 0x0004u

#define SETUP_FRAME_LEN 192 /* 16 perfect-filter entries x 12 bytes */
#define FILTER_ENTRIES 16
#define MAX_FRAME 2048      /* devices.md §1.5: declared maximum */
#define TX_GATHER_MAX 16384 /* bytes gathered for one frame */
#define TX_POLL_FRAMES 32   /* per scan, as the reference's tick */
#define RING_WALK_MAX 1024  /* descriptors per frame: a loop is a guest bug */

struct dec21140 {
    struct nic_chip base; /* window, lock, name, DMA, IRQ, kick */
    struct nic_port port; /* NIO and counters */
    uint8_t *txbuf; /* TX_GATHER_MAX bytes, used under the lock */

    /* state (dec21140_fields) */
    uint32_t csr[DEC21140_NCSR];
    uint32_t rx_current;
    uint32_t tx_current;
    uint8_t filter[FILTER_ENTRIES][ETH_ALEN];
    uint8_t filter_valid[FILTER_ENTRIES];
    struct nic_mii mii;
    uint16_t phy[32][32];

    uint8_t logged_bad_offset;
    uint8_t logged_oversize;
    uint8_t logged_ring;
};

static const struct dev_field dec21140_fields[] = {
    {"csr", offsetof(struct dec21140, csr), sizeof(uint32_t) * DEC21140_NCSR},
    {"rx_current", offsetof(struct dec21140, rx_current), 4},
    {"tx_current", offsetof(struct dec21140, tx_current), 4},
    {"filter", offsetof(struct dec21140, filter),
     FILTER_ENTRIES * ETH_ALEN},
    {"filter_valid", offsetof(struct dec21140, filter_valid), FILTER_ENTRIES},
    {"mii", offsetof(struct dec21140, mii), sizeof(struct nic_mii)},
    {"phy", offsetof(struct dec21140, phy), sizeof(uint16_t) * 32 * 32},
    {"irq_level", offsetof(struct dec21140, base.irq_level), 1},
    {NULL, 0, 0},
};

static struct dec21140 *to_dec(struct device *dev)
{
    return DEV_CONTAINER(dev, struct dec21140, base.dev);
}

/* ========================================================= interrupts */

/* CSR5 summary bits and the line (CSR7 not applied, devices.md §3.1). */
static void update_irq_locked(struct dec21140 *d)
{
    uint32_t s = d->csr[CSR5_STATUS] & ~(CSR5_NIS | CSR5_AIS);
    if (s & CSR5_NIS_BITS) {
        s |= CSR5_NIS;
    }
    if (s & CSR5_AIS_BITS) {
        s |= CSR5_AIS;
    }
    d->csr[CSR5_STATUS] = s;
    nic_chip_irq_locked(&d->base, (s & (CSR5_NIS | CSR5_AIS)) != 0);
}

/* ================================================================ PHY */

static uint16_t phy_read(void *ctx, unsigned phy, unsigned reg)
{
    struct dec21140 *d = ctx;
    if (reg == MII_BMSR) {
        /* devices.md §3.1: link status only, from the NIO */
        return d->port.nio ? BMSR_LINK : 0;
    }
    return d->phy[phy & 31][reg & 31];
}

static void phy_write(void *ctx, unsigned phy, unsigned reg, uint16_t v)
{
    struct dec21140 *d = ctx;
    d->phy[phy & 31][reg & 31] = v;
}

static void csr9_write(struct dec21140 *d, uint32_t v)
{
    d->csr[CSR9_MII] = v;
    uint32_t op = v & ~CSR9_MDO;
    if (op == CSR9_CLOCK_OUT) {
        nic_mii_clock_in(&d->mii, (v & CSR9_MDO) != 0);
    } else if (op == CSR9_CLOCK_IN) {
        if (nic_mii_clock_out(&d->mii)) {
            d->csr[CSR9_MII] |= CSR9_MDI;
        } else {
            d->csr[CSR9_MII] &= ~CSR9_MDI;
        }
    }
}

/* ============================================================ receive */

static int rx_filter_pass(const struct dec21140 *d, const uint8_t *frame)
{
    if ((d->csr[CSR6_OPMODE] & CSR6_PR) || nic_eth_is_group(frame)) {
        return 1;
    }
    for (int i = 0; i < FILTER_ENTRIES; i++) {
        if (d->filter_valid[i] && memcmp(d->filter[i], frame, ETH_ALEN) == 0) {
            return 1;
        }
    }
    return 0;
}

static uint32_t rx_next(const struct dec21140 *d, uint32_t addr,
                        uint32_t rdes1, uint32_t rdes3)
{
    if (rdes1 & RDES1_RER) {
        return d->csr[CSR3_RX_LIST];
    }
    if (rdes1 & RDES1_RCH) {
        return rdes3;
    }
    return addr + DESC_SIZE;
}

static void ring_error(struct dec21140 *d, const char *what, uint32_t addr)
{
    if (!d->logged_ring) {
        d->logged_ring = 1;
        log_msg(d->base.lg, "DEC21140", "%s: guest error: %s at 0x%08x",
                d->base.name, what, addr);
    }
}

/* devices.md §3.1 "Receive". Lock held. Returns 1 if the frame was stored. */
static int rx_frame_locked(void *chip, const uint8_t *frame, size_t len)
{
    struct dec21140 *d = chip;
    if (!d->csr[CSR3_RX_LIST] || !(d->csr[CSR6_OPMODE] & CSR6_SR) ||
        len < ETH_ALEN) {
        return 0;
    }
    if (!rx_filter_pass(d, frame)) {
        return 0;
    }
    if (len > MAX_FRAME) {
        if (!d->logged_oversize) {
            d->logged_oversize = 1;
            log_msg(d->base.lg, "DEC21140", "%s: received frames longer "
                    "than %d bytes are dropped", d->base.name, MAX_FRAME);
        }
        return 0;
    }
    uint32_t first = d->rx_current;
    uint32_t addr = first;
    if (!(nic_dma_read32(d->base.pm, addr) & DES0_OWN)) {
        return 0; /* ring full: dropped without RU (devices.md §3.1) */
    }
    uint32_t first_status = 0;
    size_t done = 0;
    for (int n = 0;; n++) {
        uint32_t rdes1 = nic_dma_read32(d->base.pm, addr + 4);
        uint32_t rdes2 = nic_dma_read32(d->base.pm, addr + 8);
        uint32_t rdes3 = nic_dma_read32(d->base.pm, addr + 12);
        size_t c1 = DES1_BS1(rdes1);
        if (c1 > len - done) {
            c1 = len - done;
        }
        nic_dma_write(d->base.pm, rdes2, frame + done, c1);
        done += c1;
        if (!(rdes1 & RDES1_RCH)) {
            size_t c2 = DES1_BS2(rdes1);
            if (c2 > len - done) {
                c2 = len - done;
            }
            nic_dma_write(d->base.pm, rdes3, frame + done, c2);
            done += c2;
        }
        uint32_t next = rx_next(d, addr, rdes1, rdes3);
        d->rx_current = next;

        uint32_t status;
        int last = 0;
        if (done == len) {
            status = RDES0_LS |
                     (((uint32_t)(len + ETH_FCS_LEN) & RDES0_FL_MASK)
                      << RDES0_FL_SHIFT);
            if (nic_eth_is_group(frame)) {
                status |= RDES0_MF;
            }
            last = 1;
        } else if (n + 1 >= RING_WALK_MAX || next == first ||
                   !(nic_dma_read32(d->base.pm, next) & DES0_OWN)) {
            if (n + 1 >= RING_WALK_MAX || next == first) {
                ring_error(d, "RX frame does not fit the ring", addr);
            }
            status = RDES0_LS | RDES0_DE; /* truncated frame */
            last = 1;
        } else {
            status = 0;
        }
        if (n == 0) {
            first_status = status;
        } else {
            nic_dma_write32(d->base.pm, addr, status);
        }
        if (last) {
            break;
        }
        addr = next;
    }
    /* The first descriptor goes back to the host last (devices.md §3.1). */
    nic_dma_write32(d->base.pm, first, first_status | RDES0_FS);
    d->csr[CSR5_STATUS] |= CSR5_RI;
    update_irq_locked(d);
    return 1;
}

void dec21140_receive(struct dec21140 *d, const uint8_t *frame, size_t len)
{
    nic_port_receive(&d->port, frame, len);
}

/* =========================================================== transmit */

static uint32_t tx_next(const struct dec21140 *d, uint32_t addr,
                        uint32_t tdes1, uint32_t tdes3)
{
    if (tdes1 & TDES1_TER) {
        return d->csr[CSR4_TX_LIST];
    }
    if (tdes1 & TDES1_TCH) {
        return tdes3;
    }
    return addr + DESC_SIZE;
}

/* Setup frame: the perfect filter (devices.md §3.1 "Setup frames"). */
static void load_setup_frame(struct dec21140 *d, uint32_t buf, size_t len)
{
    uint8_t sf[SETUP_FRAME_LEN];
    if (len < SETUP_FRAME_LEN) {
        ring_error(d, "short setup frame", buf);
        return;
    }
    nic_dma_read(d->base.pm, buf, sf, sizeof(sf));
    for (int i = 0; i < FILTER_ENTRIES; i++) {
        /* the first two bytes of each of the entry's three longwords */
        static const int pos[ETH_ALEN] = {0, 1, 4, 5, 8, 9};
        for (int k = 0; k < ETH_ALEN; k++) {
            d->filter[i][k] = sf[i * 12 + pos[k]];
        }
        d->filter_valid[i] = !nic_eth_is_group(d->filter[i]);
    }
}

enum tx_result { TX_NONE, TX_DONE, TX_WAIT };

/* One descriptor chain from tx_current. Lock held. */
static enum tx_result tx_one_locked(struct dec21140 *d, uint8_t *buf)
{
    uint32_t first = d->tx_current;
    uint32_t tdes0 = nic_dma_read32(d->base.pm, first);
    if (!(tdes0 & DES0_OWN)) {
        return TX_NONE;
    }
    uint32_t tdes1 = nic_dma_read32(d->base.pm, first + 4);
    if (!(tdes1 & (TDES1_FS | TDES1_LS))) {
        /* Not data: a setup frame, or a descriptor to skip. */
        if (tdes1 & TDES1_SET) {
            load_setup_frame(d, nic_dma_read32(d->base.pm, first + 8),
                             DES1_BS1(tdes1));
        }
        d->tx_current = tx_next(d, first, tdes1,
                                nic_dma_read32(d->base.pm, first + 12));
        nic_dma_write32(d->base.pm, first, 0);
        if (tdes1 & TDES1_IC) {
            d->csr[CSR5_STATUS] |= CSR5_TI;
        }
        return TX_DONE;
    }

    /* Gather buffers up to LS; a descriptor not yet handed over leaves
     * the whole frame for later (nothing consumed). */
    uint32_t consumed[RING_WALK_MAX];
    int nconsumed = 0;
    size_t len = 0;
    int truncated = 0;
    uint32_t addr = first;
    uint32_t ic = tdes1 & TDES1_IC;
    for (;;) {
        uint32_t w2 = nic_dma_read32(d->base.pm, addr + 8);
        uint32_t w3 = nic_dma_read32(d->base.pm, addr + 12);
        size_t c1 = DES1_BS1(tdes1);
        size_t c2 = (tdes1 & TDES1_TCH) ? 0 : DES1_BS2(tdes1);
        if (len + c1 + c2 > TX_GATHER_MAX) {
            truncated = 1;
        } else {
            nic_dma_read(d->base.pm, w2, buf + len, c1);
            len += c1;
            nic_dma_read(d->base.pm, w3, buf + len, c2);
            len += c2;
        }
        uint32_t next = tx_next(d, addr, tdes1, w3);
        if (addr != first) {
            consumed[nconsumed++] = addr;
        }
        if (tdes1 & (TDES1_LS | TDES1_SET)) {
            ic |= tdes1 & TDES1_IC; /* datasheet: IC of the last one */
            d->tx_current = next;
            break;
        }
        if (nconsumed + 1 >= RING_WALK_MAX || next == first) {
            ring_error(d, "TX frame without a last descriptor", first);
            d->tx_current = next;
            truncated = 1;
            break;
        }
        if (!(nic_dma_read32(d->base.pm, next) & DES0_OWN)) {
            return TX_WAIT;
        }
        addr = next;
        tdes1 = nic_dma_read32(d->base.pm, addr + 4);
    }

    if (truncated) {
        d->port.st.tx_dropped++;
    } else {
        nic_isl_rewrite(buf, len);
        nic_port_send_locked(&d->port, buf, len);
    }
    for (int i = 0; i < nconsumed; i++) {
        nic_dma_write32(d->base.pm, consumed[i], 0);
    }
    nic_dma_write32(d->base.pm, first, 0); /* ownership back, status 0 */
    if (ic) {
        d->csr[CSR5_STATUS] |= CSR5_TI;
    }
    return TX_DONE;
}

/* Transmit what the ring holds, at most max frames. Lock held. */
static int tx_scan_locked(struct dec21140 *d, int max)
{
    int sent = 0;
    while (sent < max && d->csr[CSR4_TX_LIST] &&
           (d->csr[CSR6_OPMODE] & CSR6_ST)) {
        if (!nic_port_may_transmit(&d->port)) {
            break; /* bandwidth limit: back-pressure */
        }
        if (tx_one_locked(d, d->txbuf) != TX_DONE) {
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
static int tx_on_locked(const struct dec21140 *d)
{
    return d->csr[CSR4_TX_LIST] && (d->csr[CSR6_OPMODE] & CSR6_ST);
}

int dec21140_tx_on(struct dec21140 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int on = tx_on_locked(d);
    pthread_mutex_unlock(&d->base.lock);
    return on;
}

int dec21140_tx_poll(struct dec21140 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int n = tx_scan_locked(d, TX_POLL_FRAMES);
    pthread_mutex_unlock(&d->base.lock);
    return n;
}

/* ========================================================== registers */

static uint64_t dec21140_read(struct device *dev, uint64_t off, unsigned size)
{
    struct dec21140 *d = to_dec(dev);
    unsigned n = (unsigned)(off / 8);
    uint32_t v = 0;
    pthread_mutex_lock(&d->base.lock);
    if ((off & 7) || n >= DEC21140_NCSR) {
        if (!d->logged_bad_offset) {
            d->logged_bad_offset = 1;
            log_msg(d->base.lg, "DEC21140", "%s: guest error: read at "
                    "offset 0x%llx (no CSR there)", d->base.name,
                    (unsigned long long)off);
        }
    } else if (n == CSR5_STATUS) {
        v = d->csr[CSR5_STATUS];
        if (d->csr[CSR6_OPMODE] & CSR6_SR) {
            v |= CSR5_STATE_RUNNING << CSR5_RS_SHIFT;
        }
        if (d->csr[CSR6_OPMODE] & CSR6_ST) {
            v |= CSR5_STATE_RUNNING << CSR5_TS_SHIFT;
        }
    } else if (n == CSR8_MISSED) {
        d->csr[CSR8_MISSED] = 0; /* cleared by the read */
    } else {
        v = d->csr[n];
    }
    pthread_mutex_unlock(&d->base.lock);
    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void dec21140_write(struct device *dev, uint64_t off, unsigned size,
                           uint64_t value)
{
    struct dec21140 *d = to_dec(dev);
    unsigned n = (unsigned)(off / 8);
    uint32_t v = (uint32_t)value;
    (void)size;
    pthread_mutex_lock(&d->base.lock);
    if ((off & 7) || n >= DEC21140_NCSR) {
        if (!d->logged_bad_offset) {
            d->logged_bad_offset = 1;
            log_msg(d->base.lg, "DEC21140", "%s: guest error: write of "
                    "0x%08x at offset 0x%llx (no CSR there)", d->base.name, v,
                    (unsigned long long)off);
        }
        pthread_mutex_unlock(&d->base.lock);
        return;
    }
    int kick = 0;
    switch (n) {
    case CSR1_TX_POLL:
        d->csr[n] = v;
        tx_scan_locked(d, TX_POLL_FRAMES);
        kick = tx_on_locked(d);
        break;
    case CSR3_RX_LIST:
        d->csr[n] = v;
        d->rx_current = v;
        break;
    case CSR4_TX_LIST:
        d->csr[n] = v;
        d->tx_current = v;
        kick = tx_on_locked(d);
        break;
    case CSR5_STATUS:
        d->csr[n] &= ~v; /* write one to clear */
        update_irq_locked(d);
        break;
    case CSR6_OPMODE:
        d->csr[n] = v;
        tx_scan_locked(d, TX_POLL_FRAMES);
        kick = tx_on_locked(d);
        break;
    case CSR9_MII:
        csr9_write(d, v);
        break;
    default:
        d->csr[n] = v;
        break;
    }
    /* the periodic scan runs while TX is on */
    nic_chip_unlock_kick(&d->base, kick);
}

static void dec21140_reset(struct device *dev)
{
    struct dec21140 *d = to_dec(dev);
    pthread_mutex_lock(&d->base.lock);
    memset(d->csr, 0, sizeof(d->csr));
    d->csr[CSR0_BUS_MODE] = CSR0_RESET;
    d->csr[CSR5_STATUS] = CSR5_RESET;
    d->csr[CSR8_MISSED] = CSR8_RESET;
    d->rx_current = d->tx_current = 0;
    memset(d->filter, 0, sizeof(d->filter));
    memset(d->filter_valid, 0, sizeof(d->filter_valid));
    nic_mii_reset(&d->mii);
    memset(d->phy, 0, sizeof(d->phy));
    nic_chip_irq_locked(&d->base, 0);
    pthread_mutex_unlock(&d->base.lock);
}

/* Restored from a snapshot: the periodic scan runs while TX is on. */
static void dec21140_loaded(struct device *dev)
{
    struct dec21140 *d = to_dec(dev);
    nic_chip_kick_if(&d->base, dec21140_tx_on(d));
}

static const struct device_ops dec21140_ops = {
    .read = dec21140_read,
    .write = dec21140_write,
    .reset = dec21140_reset,
    .loaded = dec21140_loaded,
    .fields = dec21140_fields,
};

/* ========================================================== life cycle */

int dec21140_create(const struct dec21140_config *c, struct dec21140 **out)
{
    if (!c || !c->pm) {
        return -EINVAL;
    }
    struct dec21140 *d = calloc(1, sizeof(*d));
    if (d) {
        d->txbuf = malloc(TX_GATHER_MAX);
    }
    if (!d || !d->txbuf) {
        free(d);
        return -ENOMEM;
    }
    nic_chip_init(&d->base, c->name, "dec21140", &dec21140_ops, c->pm, c->lg,
                  c->irq, c->kick);
    d->mii.phy_read = phy_read;
    d->mii.phy_write = phy_write;
    d->mii.ctx = d;
    nic_port_init(&d->port, &d->base.lock, rx_frame_locked, d);
    dec21140_reset(&d->base.dev);
    *out = d;
    return 0;
}

void dec21140_destroy(struct dec21140 *d)
{
    if (!d) {
        return;
    }
    dec21140_set_nio(d, NULL);
    nic_chip_fini(&d->base);
    free(d->txbuf);
    free(d);
}

struct device *dec21140_device(struct dec21140 *d)
{
    return &d->base.dev;
}

void dec21140_pci_config(struct dec21140 *d, struct pci_dev_config *cfg)
{
    static const struct nic_pci_id id = {
        DEC21140_PCI_VENDOR, DEC21140_PCI_DEVICE, DEC21140_PCI_CLASS,
        DEC21140_CSR_BAR, DEC21140_WINDOW_SIZE,
    };
    nic_pci_config(cfg, &id, d->base.name, &d->base.dev);
}

int dec21140_set_nio(struct dec21140 *d, struct nio *nio)
{
    return nic_port_attach(&d->port, nio);
}

struct nio *dec21140_nio(struct dec21140 *d)
{
    return nic_port_nio(&d->port);
}

void dec21140_dump(struct dec21140 *d, FILE *out)
{
    pthread_mutex_lock(&d->base.lock);
    for (int i = 0; i < DEC21140_NCSR; i++) {
        fprintf(out, "    %-24s 0x%08x\n", csr_names[i], d->csr[i]);
    }
    fprintf(out, "    RX current 0x%08x, TX current 0x%08x\n", d->rx_current,
            d->tx_current);
    pthread_mutex_unlock(&d->base.lock);
}

void dec21140_get_stats(struct dec21140 *d, struct nic_stats *st)
{
    nic_port_get_stats(&d->port, st);
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c, void **out)
{
    struct dec21140_config dc = {.name = c->name, .pm = c->pm, .lg = c->lg,
                                 .irq = c->irq, .kick = c->kick};
    return dec21140_create(&dc, (struct dec21140 **)out);
}

CARD_CHIP_ADAPTERS(dec21140)
CARD_CHIP_PCI_ADAPTER(dec21140)
CARD_CHIP_PORT_ADAPTERS(dec21140)

const struct card_chip_ops dec21140_card = {
    .what = "DEC21140",
    .create = card_create,
    .destroy = dec21140_card_destroy,
    .pci_config = dec21140_card_pci,
    .device = dec21140_card_device,
    .set_nio = dec21140_card_set_nio,
    .tx_poll = dec21140_card_tx_poll,
    .tx_on = dec21140_card_tx_on,
    .stats = dec21140_card_stats,
};
