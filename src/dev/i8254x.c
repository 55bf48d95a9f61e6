/*
 * Intel 82543GC (i8254x) gigabit Ethernet controller (devices.md §3.3,
 * Intel 8254x Software Developer's Manual). See i8254x.h.
 *
 * Registers are 32-bit, at the offsets of the manual's table 13-2 (values
 * in the low-order bits of any access). Offsets this model does not know
 * read 0 and ignore writes, as the reference does (RAL/RAH, MTA, VFTA,
 * statistics, ITR...): logged once as unimplemented.
 */
#include "dev/i8254x.h"

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

/* Register offsets, manual table 13-2 (82542 aliases in §13.4) */
enum {
    REG_CTRL = 0x0000,
    REG_STATUS = 0x0008,
    REG_CTRL_EXT = 0x0018,
    REG_MDIC = 0x0020,
    REG_FCAL = 0x0028,
    REG_FCAH = 0x002C,
    REG_FCT = 0x0030,
    REG_ICR = 0x00C0,
    REG_ICS = 0x00C8,
    REG_IMS = 0x00D0,
    REG_IMC = 0x00D8,
    REG_RCTL = 0x0100,
    REG_TCTL = 0x0400,
    REG_RDBAL = 0x2800,
    REG_RDBAH = 0x2804,
    REG_RDLEN = 0x2808,
    REG_RDH = 0x2810,
    REG_RDT = 0x2818,
    REG_RDTR = 0x2820,
    REG_TDBAL = 0x3800,
    REG_TDBAH = 0x3804,
    REG_TDLEN = 0x3808,
    REG_TDH = 0x3810,
    REG_TDT = 0x3818,
};

static const struct {
    uint32_t alias, reg;
} aliases_82542[] = {
    {0x0108, REG_RDTR},  {0x0110, REG_RDBAL}, {0x0114, REG_RDBAH},
    {0x0118, REG_RDLEN}, {0x0120, REG_RDH},   {0x0128, REG_RDT},
    {0x0420, REG_TDBAL}, {0x0424, REG_TDBAH}, {0x0428, REG_TDLEN},
    {0x0430, REG_TDH},   {0x0438, REG_TDT},
};

#define STATUS_FD 0x1u /* full duplex */
#define STATUS_LU 0x2u /* link up */
#define MDIC_READY 0x10000000u

/* CTRL_EXT software-definable pins used for MDIO (devices.md §3.3) */
#define CTRL_EXT_SDP6_DATA 0x00000040u /* MDC */
#define CTRL_EXT_SDP7_DATA 0x00000080u /* MDIO */
#define CTRL_EXT_SDP7_IODIR 0x00000800u /* 1: host drives MDIO */

/* ICR bits, manual §13.4.17 */
#define ICR_TXDW 0x00000001u
#define ICR_TXQE 0x00000002u
#define ICR_RXO 0x00000040u
#define ICR_RXT0 0x00000080u

#define RCTL_EN 0x00000002u
#define RCTL_BSIZE(v) (((v) >> 16) & 3u)
#define RCTL_BSEX 0x02000000u
#define TCTL_EN 0x00000002u
#define RING_LEN_MASK 0x000FFF80u
#define INDEX_MASK 0xFFFFu

/* Legacy descriptors, manual §3.2.3 / §3.3.3 */
#define DESC_SIZE 16
#define TXD_EOP (1u << 24)
#define TXD_RS (1u << 27)
#define TXD_DD 0x1u
#define RXD_DD 0x1u
#define RXD_EOP 0x2u
#define RXD_IXSM 0x4u
#define DESC_LEN 0xFFFFu

#define MAX_FRAME 16384 /* devices.md §1.5: TX gather buffer */
#define TX_POLL_FRAMES 16

/* MDIO decoder states: the reference's clock accounting (devices.md §3.3) */
enum {
    MDIO_RESET = 0,
    MDIO_IDLE = 1,
    MDIO_START = 2,
    MDIO_OPCODE = 3,
    MDIO_OP_READ = 4,
    MDIO_OP_WRITE = 5,
    MDIO_PHY = 6,      /* 6..10 */
    MDIO_REG = 11,     /* 11..15 */
    MDIO_TA = 16,      /* 16..17 */
    MDIO_DATA = 18,    /* 18..35 */
};

struct i8254x {
    struct nic_chip base; /* window, lock, name, DMA, IRQ, kick */
    struct nic_port port; /* NIO and counters */
    uint8_t *txbuf; /* MAX_FRAME + 4 bytes of scratch, used locked */

    /* state (i8254x_fields) */
    uint32_t ctrl, ctrl_ext, fcal, fcah, fct;
    uint32_t icr, ims;
    uint32_t rctl, tctl;
    uint32_t rdbal, rdbah, rdlen, rdh, rdt, rdtr;
    uint32_t tdbal, tdbah, tdlen, tdh, tdt;
    uint32_t rx_pending; /* frames not yet re-armed as RXT0 */
    uint8_t mdio_state, mdio_bit, mdio_phy, mdio_reg, mdio_read;
    int8_t mdio_pos;
    uint16_t mdio_data;
    uint16_t phy[32][32];

    uint8_t logged_unknown;
    uint8_t logged_addr;
};

static const struct dev_field i8254x_fields[] = {
    {"ctrl", offsetof(struct i8254x, ctrl), 4},
    {"ctrl_ext", offsetof(struct i8254x, ctrl_ext), 4},
    {"fcal", offsetof(struct i8254x, fcal), 4},
    {"fcah", offsetof(struct i8254x, fcah), 4},
    {"fct", offsetof(struct i8254x, fct), 4},
    {"icr", offsetof(struct i8254x, icr), 4},
    {"ims", offsetof(struct i8254x, ims), 4},
    {"rctl", offsetof(struct i8254x, rctl), 4},
    {"tctl", offsetof(struct i8254x, tctl), 4},
    {"rdbal", offsetof(struct i8254x, rdbal), 4},
    {"rdbah", offsetof(struct i8254x, rdbah), 4},
    {"rdlen", offsetof(struct i8254x, rdlen), 4},
    {"rdh", offsetof(struct i8254x, rdh), 4},
    {"rdt", offsetof(struct i8254x, rdt), 4},
    {"rdtr", offsetof(struct i8254x, rdtr), 4},
    {"tdbal", offsetof(struct i8254x, tdbal), 4},
    {"tdbah", offsetof(struct i8254x, tdbah), 4},
    {"tdlen", offsetof(struct i8254x, tdlen), 4},
    {"tdh", offsetof(struct i8254x, tdh), 4},
    {"tdt", offsetof(struct i8254x, tdt), 4},
    {"rx_pending", offsetof(struct i8254x, rx_pending), 4},
    {"mdio", offsetof(struct i8254x, mdio_state),
     offsetof(struct i8254x, phy) - offsetof(struct i8254x, mdio_state)},
    {"phy", offsetof(struct i8254x, phy), sizeof(uint16_t) * 32 * 32},
    {"irq_level", offsetof(struct i8254x, base.irq_level), 1},
    {NULL, 0, 0},
};

static struct i8254x *to_i8(struct device *dev)
{
    return DEV_CONTAINER(dev, struct i8254x, base.dev);
}

static void update_irq_locked(struct i8254x *d)
{
    nic_chip_irq_locked(&d->base, (d->icr & d->ims) != 0);
}

/* ================================================================ PHY */

/* devices.md §3.3 "PHY registers" (any PHY address). */
static uint16_t phy_read(const struct i8254x *d, unsigned phy, unsigned reg)
{
    switch (reg) {
    case 0: /* reset and restart-AN self-clear; 100 Mb/s */
        return (uint16_t)((d->phy[phy][0] & ~0x8200u) | 0x2000u);
    case 1:
        return 0x782C; /* link up, AN complete */
    case 2:
        return 0x0013;
    case 3:
        return 0x61D4;
    case 5:
        return 0x41E1;
    case 6:
        return 0x0001;
    case 0x11:
        return 0x4700;
    default:
        return d->phy[phy][reg];
    }
}

/* One MDC rising edge; mdio_bit is the line's current value. */
static void mdio_clock(struct i8254x *d)
{
    switch (d->mdio_state) {
    case MDIO_RESET:
        d->mdio_phy = d->mdio_reg = 0;
        d->mdio_pos = 15;
        d->mdio_data = 0;
        /* this clock is also an idle bit */
        __attribute__((fallthrough));
    case MDIO_IDLE:
        d->mdio_state = d->mdio_bit ? MDIO_IDLE : MDIO_START;
        break;
    case MDIO_START:
        d->mdio_state = d->mdio_bit ? MDIO_OPCODE : MDIO_RESET;
        break;
    case MDIO_OPCODE:
        d->mdio_state = d->mdio_bit ? MDIO_OP_READ : MDIO_OP_WRITE;
        break;
    case MDIO_OP_READ:
    case MDIO_OP_WRITE:
        if (d->mdio_bit == (d->mdio_state == MDIO_OP_WRITE)) {
            d->mdio_read = d->mdio_state == MDIO_OP_READ;
            d->mdio_state = MDIO_PHY;
        } else {
            d->mdio_state = MDIO_RESET;
        }
        break;
    default:
        if (d->mdio_state < MDIO_REG) {
            d->mdio_phy = (uint8_t)((d->mdio_phy << 1 | d->mdio_bit) & 31);
            d->mdio_state++;
        } else if (d->mdio_state < MDIO_TA) {
            d->mdio_reg = (uint8_t)((d->mdio_reg << 1 | d->mdio_bit) & 31);
            d->mdio_state++;
        } else if (d->mdio_state < MDIO_DATA) {
            /* turnaround: one clock for a read, two for a write */
            d->mdio_state = d->mdio_read ? MDIO_DATA : d->mdio_state + 1;
        } else {
            if (d->mdio_state == MDIO_DATA && d->mdio_read) {
                d->mdio_data = phy_read(d, d->mdio_phy, d->mdio_reg);
            }
            if (d->mdio_read) {
                d->mdio_bit = (d->mdio_data >> d->mdio_pos) & 1;
            } else {
                d->mdio_data |= (uint16_t)(d->mdio_bit << d->mdio_pos);
            }
            if (d->mdio_pos == 0) {
                if (!d->mdio_read) {
                    d->phy[d->mdio_phy][d->mdio_reg] = d->mdio_data;
                }
                d->mdio_state = MDIO_RESET;
            } else {
                d->mdio_state++;
            }
            d->mdio_pos--;
        }
        break;
    }
}

static void ctrl_ext_write(struct i8254x *d, uint32_t v)
{
    if (!(d->ctrl_ext & CTRL_EXT_SDP6_DATA) && (v & CTRL_EXT_SDP6_DATA)) {
        if (v & CTRL_EXT_SDP7_IODIR) {
            d->mdio_bit = (v & CTRL_EXT_SDP7_DATA) ? 1 : 0;
        }
        mdio_clock(d);
    }
    d->ctrl_ext = v;
}

static uint32_t ctrl_ext_read(const struct i8254x *d)
{
    uint32_t v = d->ctrl_ext;
    if (!(v & CTRL_EXT_SDP7_IODIR)) { /* the PHY drives MDIO */
        v = d->mdio_bit ? v | CTRL_EXT_SDP7_DATA : v & ~CTRL_EXT_SDP7_DATA;
    }
    return v;
}

/* ======================================================== descriptors */

static void addr_error(struct i8254x *d, uint32_t hi)
{
    if (!d->logged_addr) {
        d->logged_addr = 1;
        log_msg(d->base.lg, "I8254X", "%s: guest error: 64-bit address (high "
                "word 0x%08x) beyond the 32-bit PCI space", d->base.name, hi);
    }
}

/* Bytes of every aligned 32-bit word reversed (devices.md §1.3). */
static void swap_words(uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i += 4) {
        uint8_t a = p[i], b = p[i + 1];
        p[i] = p[i + 3];
        p[i + 1] = p[i + 2];
        p[i + 2] = b;
        p[i + 3] = a;
    }
}

static uint32_t rx_buffer_size(uint32_t rctl)
{
    static const uint32_t normal[4] = {2048, 1024, 512, 256};
    static const uint32_t extended[4] = {0, 16384, 8192, 4096};
    unsigned b = RCTL_BSIZE(rctl);
    return (rctl & RCTL_BSEX) ? extended[b] : normal[b];
}

/* ============================================================ receive */

/* devices.md §3.3 "Receive". Lock held. Returns 1 if stored. */
static int rx_frame_locked(void *chip, const uint8_t *frame, size_t len)
{
    struct i8254x *d = chip;
    uint32_t bs = rx_buffer_size(d->rctl);
    uint32_t n = d->rdlen / DESC_SIZE;
    if (!(d->rctl & RCTL_EN) || !bs || !n || !len || len > MAX_FRAME ||
        d->rdh >= n || d->rdt >= n) {
        return 0;
    }
    uint32_t base = d->rdbal;
    if (d->rdbah) {
        addr_error(d, d->rdbah);
        return 0;
    }
    /* Whole frame or nothing (devices.md §3.3 [rec]): enough free slots? */
    uint32_t free_slots = (d->rdt + n - d->rdh) % n;
    uint32_t chunks = (uint32_t)((len + bs - 1) / bs);
    if (chunks > free_slots) {
        d->icr |= ICR_RXO;
        update_irq_locked(d);
        return 0;
    }
    uint8_t *tmp = d->txbuf; /* scratch: TX and RX both run locked */
    size_t done = 0;
    for (uint32_t k = 0; k < chunks; k++) {
        uint32_t a = base + d->rdh * DESC_SIZE;
        size_t clen = len - done < bs ? len - done : bs;
        size_t norm = (clen + 3) & ~(size_t)3;
        memcpy(tmp, frame + done, clen);
        memset(tmp + clen, 0, norm - clen);
        swap_words(tmp, norm);
        uint32_t hi = nic_dma_read32(d->base.pm, a + 4);
        if (hi) {
            addr_error(d, hi);
        } else {
            nic_dma_write(d->base.pm, nic_dma_read32(d->base.pm, a), tmp,
                          norm);
        }
        done += clen;
        int last = done == len;
        /* length counts the absent FCS on the last chunk (§1.6) */
        nic_dma_write32(d->base.pm, a + 8,
                        (uint32_t)(clen + (last ? ETH_FCS_LEN : 0)) &
                            DESC_LEN);
        nic_dma_write32(d->base.pm, a + 12,
                        RXD_IXSM | RXD_DD | (last ? RXD_EOP : 0));
        d->rdh = (d->rdh + 1) % n;
    }
    d->icr |= ICR_RXT0;
    d->rx_pending++;
    update_irq_locked(d);
    return 1;
}

void i8254x_receive(struct i8254x *d, const uint8_t *frame, size_t len)
{
    nic_port_receive(&d->port, frame, len);
}

/* =========================================================== transmit */

/* One frame from TDH, if the ring holds all of it up to EOP. Lock held. */
static int tx_one_locked(struct i8254x *d, uint32_t n)
{
    uint32_t base = d->tdbal;
    /* the frame's last descriptor must be there before anything moves */
    uint32_t idx = d->tdh;
    int complete = 0;
    while (idx != d->tdt) {
        uint32_t w2 = nic_dma_read32(d->base.pm, base + idx * DESC_SIZE + 8);
        idx = (idx + 1) % n;
        if (w2 & TXD_EOP) {
            complete = 1;
            break;
        }
    }
    if (!complete) {
        return 0;
    }
    size_t len = 0;
    int truncated = 0;
    uint32_t icr = 0;
    for (;;) {
        uint32_t a = base + d->tdh * DESC_SIZE;
        uint32_t lo = nic_dma_read32(d->base.pm, a);
        uint32_t hi = nic_dma_read32(d->base.pm, a + 4);
        uint32_t w2 = nic_dma_read32(d->base.pm, a + 8);
        size_t blen = w2 & DESC_LEN;
        size_t norm = (blen + 3) & ~(size_t)3;
        if (hi) {
            addr_error(d, hi);
            truncated = 1;
        } else if (len + norm > MAX_FRAME) {
            truncated = 1;
        } else if (!truncated) {
            nic_dma_read(d->base.pm, lo, d->txbuf + len, norm);
            swap_words(d->txbuf + len, norm);
            len += blen;
        }
        if (w2 & TXD_RS) {
            uint32_t w3 = nic_dma_read32(d->base.pm, a + 12);
            nic_dma_write32(d->base.pm, a + 12, w3 | TXD_DD);
            icr |= ICR_TXDW;
        }
        d->tdh = (d->tdh + 1) % n;
        if (w2 & TXD_EOP) {
            break;
        }
    }
    if (truncated || !len) {
        d->port.st.tx_dropped++;
    } else {
        nic_port_send_locked(&d->port, d->txbuf, len);
    }
    if (d->tdh == d->tdt) {
        icr |= ICR_TXQE;
    }
    d->icr |= icr;
    return 1;
}

static int tx_scan_locked(struct i8254x *d, int max)
{
    uint32_t n = d->tdlen / DESC_SIZE;
    int sent = 0;
    if (!(d->tctl & TCTL_EN) || !n || d->tdh >= n || d->tdt >= n) {
        return 0;
    }
    if (d->tdbah) {
        addr_error(d, d->tdbah);
        return 0;
    }
    while (sent < max && d->tdh != d->tdt) {
        if (!nic_port_may_transmit(&d->port)) {
            break;
        }
        if (!tx_one_locked(d, n)) {
            break;
        }
        sent++;
    }
    if (sent) {
        update_irq_locked(d);
    }
    return sent;
}

/*
 * A scan may find frames: the transmitter is enabled with descriptors
 * between head and tail (the doorbell sends at most TX_POLL_FRAMES, and
 * none while the NIO holds back). Lock held.
 */
static int tx_on_locked(const struct i8254x *d)
{
    return (d->tctl & TCTL_EN) && d->tdh != d->tdt;
}

int i8254x_tx_on(struct i8254x *d)
{
    pthread_mutex_lock(&d->base.lock);
    int on = tx_on_locked(d);
    pthread_mutex_unlock(&d->base.lock);
    return on;
}

int i8254x_tx_poll(struct i8254x *d)
{
    pthread_mutex_lock(&d->base.lock);
    int n = tx_scan_locked(d, TX_POLL_FRAMES);
    pthread_mutex_unlock(&d->base.lock);
    return n;
}

/* ========================================================== registers */

static uint32_t canonical(uint64_t off)
{
    for (size_t i = 0; i < sizeof(aliases_82542) / sizeof(aliases_82542[0]);
         i++) {
        if (aliases_82542[i].alias == off) {
            return aliases_82542[i].reg;
        }
    }
    return (uint32_t)off;
}

static void unknown_reg(struct i8254x *d, uint64_t off, int is_write)
{
    if (!d->logged_unknown) {
        d->logged_unknown = 1;
        log_msg(d->base.lg, "I8254X",
                "%s: unimplemented: %s of register 0x%05llx "
                "(reads 0, writes ignored; logged once)", d->base.name,
                is_write ? "write" : "read", (unsigned long long)off);
    }
}

static uint64_t i8254x_read(struct device *dev, uint64_t off, unsigned size)
{
    struct i8254x *d = to_i8(dev);
    uint32_t v = 0;
    pthread_mutex_lock(&d->base.lock);
    switch (canonical(off)) {
    case REG_CTRL: v = d->ctrl; break;
    case REG_STATUS: v = STATUS_FD | STATUS_LU; break; /* link always up */
    case REG_CTRL_EXT: v = ctrl_ext_read(d); break;
    case REG_MDIC: v = MDIC_READY; break; /* IOS bit-bangs instead */
    case REG_FCAL: v = d->fcal; break;
    case REG_FCAH: v = d->fcah; break;
    case REG_FCT: v = d->fct; break;
    case REG_ICR:
        v = d->icr;
        d->icr = 0;
        /* RXT0 again per received frame not yet seen [quirk, kept] */
        if (d->rx_pending) {
            d->rx_pending--;
            d->icr |= ICR_RXT0;
        }
        update_irq_locked(d);
        break;
    case REG_IMS: v = d->ims; break;
    case REG_RCTL: v = d->rctl; break;
    case REG_TCTL: v = d->tctl; break;
    case REG_RDBAL: v = d->rdbal; break;
    case REG_RDBAH: v = d->rdbah; break;
    case REG_RDLEN: v = d->rdlen; break;
    case REG_RDH: v = d->rdh; break;
    case REG_RDT: v = d->rdt; break;
    case REG_RDTR: v = d->rdtr; break;
    case REG_TDBAL: v = d->tdbal; break;
    case REG_TDBAH: v = d->tdbah; break;
    case REG_TDLEN: v = d->tdlen; break;
    case REG_TDH: v = d->tdh; break;
    case REG_TDT: v = d->tdt; break;
    default: unknown_reg(d, off, 0); break;
    }
    pthread_mutex_unlock(&d->base.lock);
    return size >= 4 ? v : v & ((1u << (size * 8)) - 1);
}

static void i8254x_write(struct device *dev, uint64_t off, unsigned size,
                         uint64_t value)
{
    struct i8254x *d = to_i8(dev);
    uint32_t v = (uint32_t)value;
    (void)size;
    pthread_mutex_lock(&d->base.lock);
    switch (canonical(off)) {
    case REG_CTRL: d->ctrl = v; break;
    case REG_CTRL_EXT: ctrl_ext_write(d, v); break;
    case REG_FCAL: d->fcal = v; break;
    case REG_FCAH: d->fcah = v & 0xFFFF; break;
    case REG_FCT: d->fct = v & 0xFFFF; break;
    case REG_ICS:
        d->icr |= v;
        update_irq_locked(d);
        break;
    case REG_IMS:
        d->ims |= v;
        update_irq_locked(d);
        break;
    case REG_IMC:
        d->ims &= ~v;
        update_irq_locked(d);
        break;
    case REG_RCTL: d->rctl = v; break;
    case REG_TCTL:
        d->tctl = v;
        tx_scan_locked(d, TX_POLL_FRAMES);
        break;
    case REG_RDBAL: d->rdbal = v & ~0xFu; break;
    case REG_RDBAH: d->rdbah = v; break;
    case REG_RDLEN: d->rdlen = v & RING_LEN_MASK; break;
    case REG_RDH: d->rdh = v & INDEX_MASK; break;
    case REG_RDT: d->rdt = v & INDEX_MASK; break;
    case REG_RDTR: d->rdtr = v; break;
    case REG_TDBAL: d->tdbal = v & ~0xFu; break;
    case REG_TDBAH: d->tdbah = v; break;
    case REG_TDLEN: d->tdlen = v & RING_LEN_MASK; break;
    case REG_TDH: d->tdh = v & INDEX_MASK; break;
    case REG_TDT:
        d->tdt = v & INDEX_MASK;
        tx_scan_locked(d, TX_POLL_FRAMES); /* the doorbell */
        break;
    case REG_STATUS:
    case REG_MDIC:
    case REG_ICR:
        break; /* read-only here */
    default: unknown_reg(d, off, 1); break;
    }
    /* frames left for the periodic scan */
    nic_chip_unlock_kick(&d->base, tx_on_locked(d));
}

static void i8254x_reset(struct device *dev)
{
    struct i8254x *d = to_i8(dev);
    pthread_mutex_lock(&d->base.lock);
    d->ctrl = d->ctrl_ext = d->fcal = d->fcah = d->fct = 0;
    d->icr = d->ims = 0;
    d->rctl = d->tctl = 0;
    d->rdbal = d->rdbah = d->rdlen = d->rdh = d->rdt = d->rdtr = 0;
    d->tdbal = d->tdbah = d->tdlen = d->tdh = d->tdt = 0;
    d->rx_pending = 0;
    d->mdio_state = MDIO_RESET;
    d->mdio_bit = d->mdio_phy = d->mdio_reg = d->mdio_read = 0;
    d->mdio_pos = 15;
    d->mdio_data = 0;
    memset(d->phy, 0, sizeof(d->phy));
    nic_chip_irq_locked(&d->base, 0);
    pthread_mutex_unlock(&d->base.lock);
}

/* Restored from a snapshot: the periodic scan runs while frames wait. */
static void i8254x_loaded(struct device *dev)
{
    struct i8254x *d = to_i8(dev);
    nic_chip_kick_if(&d->base, i8254x_tx_on(d));
}

static const struct device_ops i8254x_ops = {
    .read = i8254x_read,
    .write = i8254x_write,
    .reset = i8254x_reset,
    .loaded = i8254x_loaded,
    .fields = i8254x_fields,
};

/* ========================================================== life cycle */

int i8254x_create(const struct i8254x_config *c, struct i8254x **out)
{
    if (!c || !c->pm) {
        return -EINVAL;
    }
    struct i8254x *d = calloc(1, sizeof(*d));
    if (d) {
        d->txbuf = malloc(MAX_FRAME + 4);
    }
    if (!d || !d->txbuf) {
        free(d);
        return -ENOMEM;
    }
    nic_chip_init(&d->base, c->name, "i8254x", &i8254x_ops, c->pm, c->lg,
                  c->irq, c->kick);
    nic_port_init(&d->port, &d->base.lock, rx_frame_locked, d);
    i8254x_reset(&d->base.dev);
    *out = d;
    return 0;
}

void i8254x_destroy(struct i8254x *d)
{
    if (!d) {
        return;
    }
    i8254x_set_nio(d, NULL);
    nic_chip_fini(&d->base);
    free(d->txbuf);
    free(d);
}

struct device *i8254x_device(struct i8254x *d)
{
    return &d->base.dev;
}

void i8254x_pci_config(struct i8254x *d, struct pci_dev_config *cfg)
{
    static const struct nic_pci_id id = {
        I8254X_PCI_VENDOR, I8254X_PCI_DEVICE, I8254X_PCI_CLASS,
        I8254X_REG_BAR, I8254X_WINDOW_SIZE,
    };
    nic_pci_config(cfg, &id, d->base.name, &d->base.dev);
}

int i8254x_set_nio(struct i8254x *d, struct nio *nio)
{
    return nic_port_attach(&d->port, nio);
}

struct nio *i8254x_nio(struct i8254x *d)
{
    return nic_port_nio(&d->port);
}

void i8254x_get_stats(struct i8254x *d, struct nic_stats *st)
{
    nic_port_get_stats(&d->port, st);
}

void i8254x_dump(struct i8254x *d, FILE *out)
{
    pthread_mutex_lock(&d->base.lock);
    fprintf(out, "    CTRL 0x%08x CTRL_EXT 0x%08x ICR 0x%08x IMS 0x%08x "
            "RCTL 0x%08x TCTL 0x%08x\n", d->ctrl, d->ctrl_ext, d->icr,
            d->ims, d->rctl, d->tctl);
    fprintf(out, "    RX ring 0x%08x (%u bytes) head %u tail %u; TX ring "
            "0x%08x (%u bytes) head %u tail %u\n", d->rdbal, d->rdlen,
            d->rdh, d->rdt, d->tdbal, d->tdlen, d->tdh, d->tdt);
    pthread_mutex_unlock(&d->base.lock);
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c, void **out)
{
    struct i8254x_config ic = {.name = c->name, .pm = c->pm, .lg = c->lg,
                               .irq = c->irq, .kick = c->kick};
    return i8254x_create(&ic, (struct i8254x **)out);
}

CARD_CHIP_ADAPTERS(i8254x)
CARD_CHIP_PCI_ADAPTER(i8254x)
CARD_CHIP_PORT_ADAPTERS(i8254x)

const struct card_chip_ops i8254x_card = {
    .what = "Intel 82543",
    .create = card_create,
    .destroy = i8254x_card_destroy,
    .pci_config = i8254x_card_pci,
    .device = i8254x_card_device,
    .set_nio = i8254x_card_set_nio,
    .tx_poll = i8254x_card_tx_poll,
    .tx_on = i8254x_card_tx_on,
    .stats = i8254x_card_stats,
};
