/*
 * TI TNETA1570 ATM SAR (devices.md §3.7, TI data manual). See ti1570.h.
 *
 * The chip keeps almost everything in its control memory, which IOS
 * writes: this model reads and updates the tables there (values as IOS
 * wrote them, 32-bit words) and keeps privately only the completion-ring
 * positions and the partly filled transmit cell.
 *
 * Window:
 *   0x000000-0x0FFFFF control memory (32-bit words; narrower accesses use
 *                     the big-endian byte lanes of the word)
 *     0x3204 status: a read returns it; every fifth read clears bits 9:0
 *            first [reference behaviour, devices.md §3.7, kept for IOS]
 *     0x3238 software reset: any access resets the ring positions and
 *            the transmit FIFO (tables kept)
 *   0x18000C R 0xA6 (outside control memory, a framer/PHY register)
 *   anything else reads 0, writes ignored.
 */
#include "dev/ti1570.h"

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
#include "mem/physmap.h"
#include "net/atm.h"
#include "net/nio.h"

/* Control memory map, devices.md §3.7 (data manual p. 66) */
#define CM_SCHED 0x0000
#define CM_REGS 0x3200
#define CM_FBR 0x3800
#define CM_RX_VPI 0x4000
#define CM_TX_DMA 0x8000
#define CM_RX_DMA 0x10000
#define SCHED_WORDS 3100 /* 6200 slots, two per word */
#define DMA_ENTRY 32     /* bytes per TX/RX DMA state entry */
#define PHY_REG 0x18000C
#define PHY_VALUE 0xA6

/* Internal registers (word index from 0x3200) */
enum {
    R_CONFIG = 0x00,
    R_STATUS = 0x01,
    R_IMASK = 0x02,
    R_TX_CRING_SIZE = 0x05,
    R_RX_CRING_SIZE = 0x06,
    R_TX_PSR_SIZE = 0x07, /* and the FIFO-mode RX buffer size */
    R_FIFO_VCI_MASK = 0x0C,
    R_SOFT_RESET = 0x0E,
    R_TCR_WOI = 0x80,
    R_TCR_WI = 0x81,
    R_RCR_WOI = 0x82,
    R_RCR_WI = 0x83,
};
#define REG_OFF(r) (CM_REGS + 4 * (r))

#define CFG_BP_SEL 0x2u
#define ST_CP_TX 0x001u
#define ST_CP_RX 0x080u
#define ST_TX_FRZ 0x100u
#define ST_RX_FRZ 0x200u
#define ST_CLEARED_BITS 0x3FFu
#define STATUS_CLEAR_EVERY 5

/* TX DMA state entry words and bits (devices.md §3.7) */
enum { TW_CTRL, TW_CUR, TW_HDR, TW_STATE, TW_NEXT, TW_START, TW_CRC,
       TW_AAL5 };
#define T_ACT (1u << 31) /* = RDY in a buffer header */
#define T_SOP (1u << 30)
#define T_EOP (1u << 29)
#define T_ABORT (1u << 28)
#define T_AAL(w) (((w) >> 26) & 3u)
#define T_TCR_SEL (1u << 25)
#define T_OFFSET(w) (((w) >> 16) & 0xFFu)
#define T_COUNT 0xFFFFu
#define AAL_TRANSP_PTI 0
#define AAL_AAL5 1
#define AAL_TRANSP 2
#define TS_DMA_ON (1u << 31)
#define TS_PSR_BASE 0x3FFFFF00u
#define TS_PSR_INDEX 0xFFu
#define PSR_OWN (1u << 31)
#define PTR_MASK 0x3FFFFFFFu
#define TCR_OWN (1u << 31)
#define TCR_ABORT (1u << 30)
#define TX_BUF_HDR 16
#define TX_CELLS_PER_SLOT 16

/* RX DMA state entry words and bits */
enum { RW_CTRL, RW_CUR, RW_START, RW_LEN, RW_SOP, RW_CRC, RW_FBR, RW_TMO };
#define R_ACT (1u << 31)
#define R_RCR_SEL (1u << 29)
#define R_WAIT_EOP (1u << 28)
#define R_AAL(w) (((w) >> 26) & 3u)
#define R_FIFO (1u << 25)
#define RAAL_PTI 0
#define RAAL_AAL5 1
#define RAAL_COUNT 2
#define RF_DMA_ON (1u << 31)
#define RF_INDEX 0xFFu
#define VPI_ENABLE (1u << 31)
#define BUFPTR_OWN (1u << 31)
#define RXBUF_SOP (1u << 31)
#define RXBUF_EOP (1u << 30)
#define RCR_AAL5 (1u << 26)
#define RCR_VALID (1u << 31)
#define RCR_OWN (1u << 31)
#define RCR_ERROR (1u << 30)
#define RCR_ENTRY 32
#define RX_BUF_HDR 16
#define OAM_F5_SEG_DMA 0 /* RX DMA entries for OAM cells, devices.md §3.7 */
#define OAM_F5_RM_DMA 1
#define OAM_F4_DMA 2

#define AAL5_TRAILER_POS (ATM_HDR_SIZE + ATM_PAYLOAD_SIZE - AAL5_TRAILER_SIZE)

struct ti1570 {
    struct nic_chip base; /* window, lock, name, DMA, IRQ, kick */
    struct nic_port port; /* NIO; its rx counters count cells */
    uint32_t *cm; /* control memory, TI1570_CTRL_MEM_SIZE bytes */

    /* state besides the control memory (ti1570_fields) */
    uint8_t cell[ATM_CELL_SIZE]; /* transmit FIFO: the cell being filled */
    uint32_t cell_pos, cell_avail;
    uint32_t tcr_wi, tcr_woi, rcr_wi, rcr_woi; /* completion ring indices */
    uint32_t status_reads;

    struct ti1570_stats st; /* rx_cells, rx_dropped: kept by port */
    uint8_t logged_bad_offset;
    uint8_t logged_table;
};

static const struct dev_field ti1570_fields[] = {
    {"cell", offsetof(struct ti1570, cell), ATM_CELL_SIZE},
    {"cell_pos", offsetof(struct ti1570, cell_pos), 4},
    {"cell_avail", offsetof(struct ti1570, cell_avail), 4},
    {"tcr_wi", offsetof(struct ti1570, tcr_wi), 4},
    {"tcr_woi", offsetof(struct ti1570, tcr_woi), 4},
    {"rcr_wi", offsetof(struct ti1570, rcr_wi), 4},
    {"rcr_woi", offsetof(struct ti1570, rcr_woi), 4},
    {"status_reads", offsetof(struct ti1570, status_reads), 4},
    {"irq_level", offsetof(struct ti1570, base.irq_level), 1},
    /* the control memory is saved with the chip, see ti1570_dump */
    {NULL, 0, 0},
};

static struct ti1570 *to_ti(struct device *dev)
{
    return DEV_CONTAINER(dev, struct ti1570, base.dev);
}

static uint32_t *reg(struct ti1570 *d, unsigned r)
{
    return &d->cm[REG_OFF(r) >> 2];
}

static void update_irq_locked(struct ti1570 *d)
{
    nic_chip_irq_locked(&d->base, (*reg(d, R_STATUS) & *reg(d, R_IMASK)) != 0);
}

static void set_status(struct ti1570 *d, uint32_t bits)
{
    *reg(d, R_STATUS) |= bits;
    update_irq_locked(d);
}

static void table_error(struct ti1570 *d, const char *what, uint32_t v)
{
    if (!d->logged_table) {
        d->logged_table = 1;
        log_msg(d->base.lg, "TI1570", "%s: guest error: %s (0x%08x)",
                d->base.name, what, v);
    }
}

static void fifo_clear(struct ti1570 *d)
{
    memset(d->cell, 0, sizeof(d->cell));
    d->cell_pos = ATM_HDR_SIZE;
    d->cell_avail = ATM_PAYLOAD_SIZE;
}

static void soft_reset(struct ti1570 *d)
{
    fifo_clear(d);
    d->tcr_wi = d->tcr_woi = d->rcr_wi = d->rcr_woi = 0;
}

/* ============================================================ transmit */

/* Load the TX buffer at addr into DMA state t; 0 if not ready (RDY). */
static int tx_acquire(struct ti1570 *d, uint32_t *t, uint32_t addr)
{
    uint32_t ctrl = nic_dma_read32(d->base.pm, addr);
    if (!(ctrl & T_ACT)) {
        return 0;
    }
    t[TW_CTRL] = ctrl; /* RDY lands on ACT */
    t[TW_NEXT] = nic_dma_read32(d->base.pm, addr + 4) << 2;
    if (ctrl & T_SOP) {
        t[TW_HDR] = nic_dma_read32(d->base.pm, addr + 8);
        t[TW_AAL5] = nic_dma_read32(d->base.pm, addr + 12);
        t[TW_CRC] = 0xFFFFFFFFu; /* AAL5 CRC register preset */
    }
    t[TW_CUR] = addr + TX_BUF_HDR + T_OFFSET(ctrl);
    t[TW_START] = addr;
    return 1;
}

static void cell_send(struct ti1570 *d)
{
    if (d->port.nio) {
        nio_send(d->port.nio, d->cell, ATM_CELL_SIZE);
    }
    d->st.tx_cells++;
    fifo_clear(d);
}

/* Header (end-of-SDU if asked) and as much of the buffer as fits. */
static uint32_t cell_fill(struct ti1570 *d, uint32_t *t, int end_of_sdu)
{
    uint32_t count = t[TW_CTRL] & T_COUNT;
    uint32_t len = count < d->cell_avail ? count : d->cell_avail;
    uint32_t hdr = t[TW_HDR];
    if (end_of_sdu) {
        hdr = (hdr & ~(uint32_t)ATM_PTI_NUSER) | ATM_PTI_EOP;
    }
    atm_put_hdr(d->cell, hdr);
    nic_dma_read(d->base.pm, t[TW_CUR], d->cell + d->cell_pos, len);
    d->cell_pos += len;
    d->cell_avail -= len;
    t[TW_CUR] += len;
    t[TW_CTRL] = (t[TW_CTRL] & ~T_COUNT) | (count - len);
    if (T_AAL(t[TW_CTRL]) == AAL_AAL5) {
        t[TW_AAL5] = (t[TW_AAL5] & ~0xFFFFu) |
                     ((t[TW_AAL5] + len) & 0xFFFFu);
    }
    return len;
}

static void cell_pad(struct ti1570 *d, uint32_t n)
{
    n = n > d->cell_avail ? d->cell_avail : n;
    memset(d->cell + d->cell_pos, 0, n);
    d->cell_pos += n;
    d->cell_avail -= n;
}

/* Sends the cell when full; AAL5 data cells feed the running CRC. */
static void cell_flush(struct ti1570 *d, uint32_t *t, int aal5)
{
    if (d->cell_avail) {
        return; /* partly filled: continues with the next buffer */
    }
    if (aal5) {
        t[TW_CRC] = aal5_crc_update(t[TW_CRC], d->cell + ATM_HDR_SIZE,
                                    ATM_PAYLOAD_SIZE);
    }
    cell_send(d);
}

/* Transparent AAL: 48-byte cells, the last zero-padded. Returns 1 at the
 * end of the packet; *buf_end when the buffer is used up. */
static int tx_transparent(struct ti1570 *d, uint32_t *t, int with_pti,
                          int *buf_end)
{
    uint32_t count = t[TW_CTRL] & T_COUNT;
    if (!(t[TW_CTRL] & T_EOP)) {
        uint32_t len = cell_fill(d, t, 0);
        cell_flush(d, t, 0);
        *buf_end = count == len;
        return 0;
    }
    int last = count <= d->cell_avail;
    cell_fill(d, t, last && with_pti);
    if (last) {
        cell_pad(d, d->cell_avail);
        *buf_end = 1; /* posted too (the reference does not) */
    }
    cell_flush(d, t, 0);
    return last;
}

/* AAL5: data cells, then the trailer (CPCS-UU/CPI/length, CRC-32) in the
 * last 8 bytes of the last cell, an extra cell if it does not fit. */
static int tx_aal5(struct ti1570 *d, uint32_t *t, int *buf_end)
{
    uint32_t count = t[TW_CTRL] & T_COUNT;
    if (!(t[TW_CTRL] & T_EOP)) {
        uint32_t len = cell_fill(d, t, 0);
        cell_flush(d, t, 1);
        *buf_end = count == len;
        return 0;
    }
    if (count + AAL5_TRAILER_SIZE <= d->cell_avail) {
        cell_fill(d, t, 1);
        cell_pad(d, d->cell_avail - AAL5_TRAILER_SIZE);
        uint8_t *tr = d->cell + AAL5_TRAILER_POS;
        be32_store(tr, t[TW_AAL5]);
        uint32_t crc = aal5_crc_update(t[TW_CRC], d->cell + ATM_HDR_SIZE,
                                       ATM_PAYLOAD_SIZE - 4);
        be32_store(tr + 4, ~crc); /* standard CRC (devices.md §1.8 [rec]) */
        cell_send(d);
        *buf_end = 1;
        return 1;
    }
    cell_fill(d, t, 0);
    cell_pad(d, d->cell_avail);
    cell_flush(d, t, 1);
    return 0;
}

/* Buffer start address into the TX completion ring TCR select names. */
static void tx_complete(struct ti1570 *d, const uint32_t *t)
{
    int wi = (t[TW_CTRL] & T_TCR_SEL) != 0;
    uint32_t *pos = wi ? &d->tcr_wi : &d->tcr_woi;
    uint32_t addr = *reg(d, wi ? R_TCR_WI : R_TCR_WOI) + *pos * 4;
    if (!(nic_dma_read32(d->base.pm, addr) & TCR_OWN)) {
        set_status(d, ST_TX_FRZ); /* IOS has not given the slot back */
        return;
    }
    uint32_t v = t[TW_START] >> 2;
    if (t[TW_CTRL] & T_ABORT) {
        v |= TCR_ABORT;
    }
    nic_dma_write32(d->base.pm, addr, v);
    uint32_t sizes = *reg(d, R_TX_CRING_SIZE);
    uint32_t last = (wi ? sizes : sizes >> 16) & 0x1FFFu;
    *pos = *pos >= last ? 0 : *pos + 1;
}

/* One cell (or none) for TX DMA channel i. Returns 1 on progress. */
static int tx_channel_cell(struct ti1570 *d, unsigned i)
{
    uint32_t *t = &d->cm[(CM_TX_DMA + DMA_ENTRY * i) >> 2];
    if (!(t[TW_STATE] & TS_DMA_ON)) {
        return 0;
    }
    uint32_t psr_addr = ((t[TW_STATE] & TS_PSR_BASE) +
                         (t[TW_STATE] & TS_PSR_INDEX)) << 2;
    if (!(t[TW_CTRL] & T_ACT)) { /* a new packet from the PSR ring? */
        uint32_t e = nic_dma_read32(d->base.pm, psr_addr);
        if (!(e & PSR_OWN)) {
            return 0;
        }
        if (!tx_acquire(d, t, (e & PTR_MASK) << 2)) {
            table_error(d, "packet-segmentation entry owned, its buffer "
                        "not ready", e);
            return 0;
        }
    }
    uint32_t count = t[TW_CTRL] & T_COUNT;
    if (!count && !(t[TW_CTRL] & T_EOP) && !tx_acquire(d, t, t[TW_NEXT])) {
        return 0; /* next buffer not ready yet */
    }
    int buf_end = 0, pkt_end;
    switch (T_AAL(t[TW_CTRL])) {
    case AAL_TRANSP_PTI:
        pkt_end = tx_transparent(d, t, 1, &buf_end);
        break;
    case AAL_TRANSP:
        pkt_end = tx_transparent(d, t, 0, &buf_end);
        break;
    case AAL_AAL5:
        pkt_end = tx_aal5(d, t, &buf_end);
        break;
    default:
        table_error(d, "TX DMA entry with AAL type 3", t[TW_CTRL]);
        return 0;
    }
    if (buf_end) {
        tx_complete(d, t);
    }
    if (pkt_end) {
        t[TW_CTRL] &= ~T_ACT;
        uint32_t e = nic_dma_read32(d->base.pm, psr_addr);
        nic_dma_write32(d->base.pm, psr_addr, e & ~PSR_OWN);
        uint32_t idx = t[TW_STATE] & TS_PSR_INDEX;
        uint32_t last = (*reg(d, R_TX_PSR_SIZE) >> 16) & 0xFFu;
        idx = idx >= last ? 0 : idx + 1;
        t[TW_STATE] = (t[TW_STATE] & ~TS_PSR_INDEX) | idx;
        d->st.tx_packets++;
    }
    if ((t[TW_CTRL] & T_TCR_SEL) &&
        (pkt_end || (buf_end && (*reg(d, R_CONFIG) & CFG_BP_SEL)))) {
        set_status(d, ST_CP_TX);
    }
    return 1;
}

/* devices.md §3.7 "Transmit": every scheduler slot, up to 16 cells. */
static int tx_scan_locked(struct ti1570 *d)
{
    uint64_t before = d->st.tx_cells;
    if (!nic_port_may_transmit(&d->port)) {
        return 0;
    }
    for (unsigned w = 0; w < SCHED_WORDS; w++) {
        uint32_t slot = d->cm[(CM_SCHED >> 2) + w];
        if (!slot) {
            continue;
        }
        unsigned idx[2] = {slot & 0x3FFu, (slot >> 16) & 0x3FFu};
        for (int k = 0; k < 2; k++) {
            for (int n = 0; idx[k] && n < TX_CELLS_PER_SLOT; n++) {
                if (!tx_channel_cell(d, idx[k])) {
                    break;
                }
            }
        }
    }
    return (int)(d->st.tx_cells - before);
}

/* 1 when one of the n control memory words from word index w is a
 * non-zero scheduler table word. */
static int sched_set(const struct ti1570 *d, uint64_t w, unsigned n)
{
    for (uint64_t i = w; i < w + n; i++) {
        if (i - (CM_SCHED >> 2) < SCHED_WORDS && d->cm[i]) { /* wraps below */
            return 1;
        }
    }
    return 0;
}

/* A scan may send cells: the scheduler table names a channel (until
 * then a walk finds nothing to do). Lock held. */
static int tx_on_locked(const struct ti1570 *d)
{
    return sched_set(d, CM_SCHED >> 2, SCHED_WORDS);
}

int ti1570_tx_on(struct ti1570 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int on = tx_on_locked(d);
    pthread_mutex_unlock(&d->base.lock);
    return on;
}

int ti1570_tx_poll(struct ti1570 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int n = tx_scan_locked(d);
    pthread_mutex_unlock(&d->base.lock);
    return n;
}

/* ============================================================= receive */

/* A free buffer for RX DMA state r: its address and size (cells). */
static int rx_acquire(struct ti1570 *d, uint32_t *r, uint32_t hdr,
                      uint32_t *buf, uint32_t *size)
{
    uint32_t bp, ptr;
    if (r[RW_CTRL] & R_FIFO) {
        bp = (r[RW_FBR] & PTR_MASK) << 2;
        ptr = nic_dma_read32(d->base.pm, bp);
        *size = *reg(d, R_TX_PSR_SIZE) & 0xFFFFu;
        if (!(ptr & BUFPTR_OWN)) {
            return 0;
        }
    } else {
        uint32_t *f = &d->cm[(CM_FBR + 8 * (r[RW_FBR] & RF_INDEX)) >> 2];
        uint32_t entries = ((f[1] >> 10) & 0x3Fu) * 16 + 16;
        uint32_t cur = f[1] & 0x3FFu;
        *size = f[1] >> 16;
        bp = f[0] + cur * 4;
        ptr = nic_dma_read32(d->base.pm, bp);
        if (!(ptr & BUFPTR_OWN)) {
            return 0;
        }
        nic_dma_write32(d->base.pm, bp, ptr & ~BUFPTR_OWN);
        cur = cur + 1 >= entries ? 0 : cur + 1;
        f[1] = (f[1] & ~0x3FFu) | cur;
    }
    *buf = (ptr & PTR_MASK) << 2;
    nic_dma_write32(d->base.pm, *buf + 4, 0);   /* control word */
    nic_dma_write32(d->base.pm, *buf + 8, hdr); /* ATM header */
    return 1;
}

static void rx_use_buffer(uint32_t *r, uint32_t buf, uint32_t size,
                          int sop)
{
    r[RW_CUR] = buf + RX_BUF_HDR;
    r[RW_START] = buf >> 2;
    uint32_t count = r[RW_LEN] & 0xFFFF0000u; /* cells left in the packet */
    if (sop && R_AAL(r[RW_CTRL]) == RAAL_COUNT) {
        count = (r[RW_CRC] & 0xFFFFu) << 16; /* initial cell count */
    }
    r[RW_LEN] = count | (size & 0xFFFFu);
}

/* End of packet: the completion entry (devices.md §3.7 "Receive" 7). */
static void rx_complete(struct ti1570 *d, uint32_t *r, uint32_t hdr,
                        uint32_t trailer)
{
    int wi = (r[RW_CTRL] & R_RCR_SEL) != 0;
    uint32_t *pos = wi ? &d->rcr_wi : &d->rcr_woi;
    uint32_t addr = *reg(d, wi ? R_RCR_WI : R_RCR_WOI) + *pos * RCR_ENTRY;
    if (!(nic_dma_read32(d->base.pm, addr + 16) & RCR_OWN)) {
        set_status(d, ST_RX_FRZ); /* ACT stays: as the reference */
        return;
    }
    uint8_t e[RCR_ENTRY] = {0};
    be32_store(e, hdr);
    be32_store(e + 4, R_AAL(r[RW_CTRL]) == RAAL_AAL5 ? RCR_AAL5 : 0);
    be32_store(e + 8, RCR_VALID | r[RW_SOP]);
    be32_store(e + 12, trailer);
    be32_store(e + 16, r[RW_FBR] & PTR_MASK); /* OWN back to the host */
    nic_dma_write(d->base.pm, addr, e, sizeof(e));
    r[RW_CTRL] &= ~R_ACT;
    uint32_t sizes = *reg(d, R_RX_CRING_SIZE);
    uint32_t last = (wi ? sizes : sizes >> 16) & 0x3FFu;
    *pos = *pos >= last ? 0 : *pos + 1;
    d->st.rx_packets++;
    if (wi) {
        set_status(d, ST_CP_RX);
    }
}

/* The RX DMA state for a cell, or NULL (devices.md §3.7 "Receive" 2-3). */
static uint32_t *rx_route(struct ti1570 *d, uint32_t hdr)
{
    unsigned vpi = atm_vpi(hdr), vci = atm_vci(hdr);
    uint32_t vw = d->cm[(CM_RX_VPI >> 2) + vpi];
    if (!(vw & VPI_ENABLE)) {
        return NULL;
    }
    uint32_t off;
    if (vci == 3 || vci == 4) {
        off = CM_RX_DMA + DMA_ENTRY * OAM_F4_DMA;
    } else if (hdr & ATM_PTI_NUSER) {
        unsigned pti = (hdr >> 1) & 7;
        off = CM_RX_DMA +
              DMA_ENTRY * (pti < 6 ? OAM_F5_SEG_DMA : OAM_F5_RM_DMA);
    } else {
        uint32_t mask = *reg(d, R_FIFO_VCI_MASK) >> 16;
        if ((vci & ~mask) > (vw & 0xFFFFu)) {
            return NULL; /* beyond the VPI's VCI range */
        }
        off = (((vw >> 16) & 0x7FFFu) + vci) * DMA_ENTRY; /* unmasked VCI */
        if (off < CM_RX_DMA || off + DMA_ENTRY > TI1570_CTRL_MEM_SIZE) {
            table_error(d, "RX VPI table points outside the RX DMA table",
                        vw);
            return NULL;
        }
    }
    return &d->cm[off >> 2];
}

static int rx_cell_locked(struct ti1570 *d, const uint8_t *cell)
{
    uint32_t hdr = atm_hdr_word(cell);
    uint32_t *r = rx_route(d, hdr);
    if (!r || !(r[RW_FBR] & RF_DMA_ON)) {
        return 0;
    }
    unsigned pti = (hdr >> 1) & 7;
    int pti_eop = pti == 1 || pti == 3;
    if (r[RW_CTRL] & R_WAIT_EOP) {
        /* out of buffers earlier: drop up to the end of that packet,
         * then start afresh (the reference stayed wedged here) */
        if (pti_eop || R_AAL(r[RW_CTRL]) == RAAL_COUNT) {
            r[RW_CTRL] &= ~(R_WAIT_EOP | R_ACT);
        }
        return 0;
    }
    uint32_t buf, size;
    if (!(r[RW_CTRL] & R_ACT)) { /* start of packet */
        if (!rx_acquire(d, r, hdr, &buf, &size)) {
            if (!pti_eop) {
                r[RW_CTRL] |= R_WAIT_EOP; /* the rest of it goes too */
            }
            return 0;
        }
        rx_use_buffer(r, buf, size, 1);
        r[RW_SOP] = r[RW_START];
        nic_dma_write32(d->base.pm, buf + 4, RXBUF_SOP);
        r[RW_CTRL] |= R_ACT;
    }
    if (!(r[RW_LEN] & 0xFFFFu)) { /* buffer full: chain a new one */
        uint32_t prev = r[RW_START] << 2;
        if (!rx_acquire(d, r, hdr, &buf, &size)) {
            r[RW_CTRL] |= pti_eop ? 0 : R_WAIT_EOP;
            if (pti_eop) {
                r[RW_CTRL] &= ~R_ACT; /* packet lost, next one afresh */
            }
            return 0;
        }
        rx_use_buffer(r, buf, size, 0);
        uint32_t c = nic_dma_read32(d->base.pm, prev + 4);
        nic_dma_write32(d->base.pm, prev + 4, c | r[RW_START]);
    }
    nic_dma_write(d->base.pm, r[RW_CUR], cell + ATM_HDR_SIZE,
                  ATM_PAYLOAD_SIZE);
    r[RW_CUR] += ATM_PAYLOAD_SIZE;
    r[RW_LEN] = (r[RW_LEN] & ~0xFFFFu) | ((r[RW_LEN] - 1) & 0xFFFFu);
    int eop;
    if (R_AAL(r[RW_CTRL]) == RAAL_COUNT) {
        uint32_t cnt = (r[RW_LEN] >> 16) - 1;
        r[RW_LEN] = (r[RW_LEN] & 0xFFFFu) | (cnt & 0xFFFFu) << 16;
        eop = (cnt & 0xFFFFu) == 0;
    } else {
        eop = pti_eop;
    }
    if (eop) {
        uint32_t ctl = (r[RW_START] << 2) + 4;
        nic_dma_write32(d->base.pm, ctl, nic_dma_read32(d->base.pm,
                        ctl) | RXBUF_EOP);
        rx_complete(d, r, hdr, be32_load(cell + AAL5_TRAILER_POS));
    }
    return 1;
}

/* A frame on the NIO is one cell. Lock held. */
static int rx_frame_locked(void *chip, const uint8_t *frame, size_t len)
{
    return len == ATM_CELL_SIZE && rx_cell_locked(chip, frame);
}

void ti1570_receive(struct ti1570 *d, const uint8_t *cell, size_t len)
{
    nic_port_receive(&d->port, cell, len);
}

/* ============================================================ window */

static uint64_t ti1570_read(struct device *dev, uint64_t off, unsigned size)
{
    struct ti1570 *d = to_ti(dev);
    uint64_t v = 0;
    pthread_mutex_lock(&d->base.lock);
    if (off + size <= TI1570_CTRL_MEM_SIZE) {
        if (off == REG_OFF(R_STATUS) &&
            ++d->status_reads == STATUS_CLEAR_EVERY) {
            d->status_reads = 0;
            *reg(d, R_STATUS) &= ~ST_CLEARED_BITS; /* [quirk, kept] */
            update_irq_locked(d);
        }
        if (off == REG_OFF(R_SOFT_RESET)) {
            soft_reset(d);
        }
        uint32_t w = d->cm[off >> 2];
        if (size >= 4) {
            v = size == 8 ? (uint64_t)w << 32 | d->cm[(off >> 2) + 1] : w;
        } else {
            unsigned shift = (unsigned)(4 - size - (off & 3)) * 8;
            v = (w >> shift) & ((1u << (size * 8)) - 1);
        }
    } else if (off == PHY_REG) {
        v = PHY_VALUE;
    } else if (!d->logged_bad_offset && off >= TI1570_WINDOW_SIZE) {
        d->logged_bad_offset = 1;
        log_msg(d->base.lg, "TI1570", "%s: guest error: read at 0x%llx",
                d->base.name, (unsigned long long)off);
    }
    pthread_mutex_unlock(&d->base.lock);
    return v;
}

static void ti1570_write(struct device *dev, uint64_t off, unsigned size,
                         uint64_t value)
{
    struct ti1570 *d = to_ti(dev);
    int kick = 0;
    pthread_mutex_lock(&d->base.lock);
    if (off + size <= TI1570_CTRL_MEM_SIZE) {
        uint32_t *w = &d->cm[off >> 2];
        if (size == 8) {
            w[0] = (uint32_t)(value >> 32);
            w[1] = (uint32_t)value;
        } else if (size == 4) {
            *w = (uint32_t)value;
        } else {
            unsigned shift = (unsigned)(4 - size - (off & 3)) * 8;
            uint32_t m = ((1u << (size * 8)) - 1) << shift;
            *w = (*w & ~m) | (((uint32_t)value << shift) & m);
        }
        /* a non-zero scheduler word turns the transmitter on */
        kick = sched_set(d, off >> 2, size == 8 ? 2 : 1);
        if (off == REG_OFF(R_SOFT_RESET)) {
            soft_reset(d);
        }
        if ((off & ~3ull) == REG_OFF(R_STATUS) ||
            (off & ~3ull) == REG_OFF(R_IMASK)) {
            update_irq_locked(d);
        }
    }
    /* the periodic walk is how it transmits */
    nic_chip_unlock_kick(&d->base, kick);
}

static void ti1570_reset(struct device *dev)
{
    struct ti1570 *d = to_ti(dev);
    pthread_mutex_lock(&d->base.lock);
    memset(d->cm, 0, TI1570_CTRL_MEM_SIZE);
    soft_reset(d);
    d->status_reads = 0;
    nic_chip_irq_locked(&d->base, 0);
    pthread_mutex_unlock(&d->base.lock);
}

/* Restored from a snapshot: the periodic walk runs while the schedule
 * names a channel. */
static void ti1570_loaded(struct device *dev)
{
    struct ti1570 *d = to_ti(dev);
    nic_chip_kick_if(&d->base, ti1570_tx_on(d));
}

static const struct device_ops ti1570_ops = {
    .read = ti1570_read,
    .write = ti1570_write,
    .reset = ti1570_reset,
    .loaded = ti1570_loaded,
    .fields = ti1570_fields,
};

/* ========================================================== life cycle */

int ti1570_create(const struct ti1570_config *c, struct ti1570 **out)
{
    if (!c || !c->pm) {
        return -EINVAL;
    }
    struct ti1570 *d = calloc(1, sizeof(*d));
    if (d) {
        d->cm = calloc(1, TI1570_CTRL_MEM_SIZE);
    }
    if (!d || !d->cm) {
        free(d);
        return -ENOMEM;
    }
    nic_chip_init(&d->base, c->name, "ti1570", &ti1570_ops, c->pm, c->lg,
                  c->irq, c->kick);
    nic_port_init(&d->port, &d->base.lock, rx_frame_locked, d);
    ti1570_reset(&d->base.dev);
    *out = d;
    return 0;
}

void ti1570_destroy(struct ti1570 *d)
{
    if (!d) {
        return;
    }
    ti1570_set_nio(d, NULL);
    nic_chip_fini(&d->base);
    free(d->cm);
    free(d);
}

struct device *ti1570_device(struct ti1570 *d)
{
    return &d->base.dev;
}

void ti1570_pci_config(struct ti1570 *d, struct pci_dev_config *cfg)
{
    static const struct nic_pci_id id = {
        TI1570_PCI_VENDOR, TI1570_PCI_DEVICE, 0 /* c7200.md §12.4 */,
        TI1570_REG_BAR, TI1570_WINDOW_SIZE,
    };
    nic_pci_config(cfg, &id, d->base.name, &d->base.dev);
}

int ti1570_set_nio(struct ti1570 *d, struct nio *nio)
{
    return nic_port_attach(&d->port, nio);
}

struct nio *ti1570_nio(struct ti1570 *d)
{
    return nic_port_nio(&d->port);
}

void ti1570_get_stats(struct ti1570 *d, struct ti1570_stats *st)
{
    pthread_mutex_lock(&d->base.lock);
    *st = d->st;
    st->rx_cells = d->port.st.rx_frames;
    st->rx_dropped = d->port.st.rx_dropped;
    pthread_mutex_unlock(&d->base.lock);
}

void ti1570_dump(struct ti1570 *d, FILE *out)
{
    pthread_mutex_lock(&d->base.lock);
    fprintf(out, "    config 0x%08x status 0x%08x mask 0x%08x; TX completion "
            "rings at %u / %u, RX at %u / %u (with / without interrupt)\n",
            *reg(d, R_CONFIG), *reg(d, R_STATUS), *reg(d, R_IMASK),
            d->tcr_wi, d->tcr_woi, d->rcr_wi, d->rcr_woi);
    pthread_mutex_unlock(&d->base.lock);
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c, void **out)
{
    struct ti1570_config tc = {.name = c->name, .pm = c->pm, .lg = c->lg,
                               .irq = c->irq, .kick = c->kick};
    return ti1570_create(&tc, (struct ti1570 **)out);
}

static int card_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    (void)ch;
    return ti1570_set_nio(chip, nio);
}

/* Cells count as frames; the NIO never refuses one (tx_dropped 0). */
static void card_stats(void *chip, unsigned ch, struct nic_stats *st)
{
    struct ti1570_stats s;
    (void)ch;
    ti1570_get_stats(chip, &s);
    st->rx_frames = s.rx_cells;
    st->rx_dropped = s.rx_dropped;
    st->tx_frames = s.tx_cells;
}

CARD_CHIP_ADAPTERS(ti1570)
CARD_CHIP_PCI_ADAPTER(ti1570)

const struct card_chip_ops ti1570_card = {
    .what = "TI1570",
    .create = card_create,
    .destroy = ti1570_card_destroy,
    .pci_config = ti1570_card_pci,
    .device = ti1570_card_device,
    .set_nio = card_set_nio,
    .tx_poll = ti1570_card_tx_poll,
    .tx_on = ti1570_card_tx_on,
    .stats = card_stats,
};
