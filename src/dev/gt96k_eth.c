/*
 * GT-96100 Ethernet ports 0 and 1: port registers, SMI and PHY model,
 * transmit queues, receive with the hash-table address filter (shared
 * spec c3600-c2691-c37xx.md §4.4; devices.md §3.5; GT-96100A datasheet,
 * "Ethernet" and "Hash table" chapters).
 *
 * Transmit: a queue runs while its "TX demand" bit is set; frames go out
 * when IOS sets the bit (SDCMR TXDL/TXDH, the doorbell) and on the
 * periodic scan (gt96k_tx_poll). Unlike the reference's one frame per
 * queue per 10 ms tick, a queue is drained (devices.md §4.3 [rec]).
 */
#include <string.h>

#include "dev/gt96k_internal.h"
#include "dev/nic.h"
#include "net/nio.h"

/* Port register offsets from GT96K_ETH_BASE(p) (§4.4). */
#define ETH_PCR 0x000
#define ETH_PCXR 0x008
#define ETH_PCMR 0x010
#define ETH_PSR 0x018
#define ETH_HTPR 0x028
#define ETH_SDCR 0x040
#define ETH_SDCMR 0x048
#define ETH_ICR 0x050
#define ETH_IMR 0x058
#define ETH_FRDP0 0x080 /* ..0x08C */
#define ETH_CRDP0 0x0A0 /* ..0x0AC */
#define ETH_CTDP0 0x0E0 /* queue 0, "low" */
#define ETH_CTDP1 0x0E4 /* queue 1, "high" */
#define ETH_MIB 0x1000  /* bytes RX, bytes TX, frames RX, frames TX */
#define ETH_PORT_SPAN 0x4000u

#define PCR_PM 0x00000001u  /* promiscuous */
#define PCR_HS 0x00001000u  /* hash size: 1 = 1/2 K entries */
#define PCR_HM 0x00002000u  /* hash mode */
#define PCR_HDM 0x00004000u /* hash default mode: receive on a miss */
#define PCXR_SPEED 0x00040000u /* §4.4: reads always 100 Mb/s */
#define PSR_VALUE 0x0000000Fu  /* 100 Mb/s, full duplex, flow ctl, link */

#define SDCMR_ERD 0x00000080u  /* enable RX DMA */
#define SDCMR_AR 0x00008000u   /* abort receive */
#define SDCMR_STDH 0x00010000u /* stop TX high */
#define SDCMR_STDL 0x00020000u /* stop TX low */
#define SDCMR_TXDH 0x00800000u /* start TX high */
#define SDCMR_TXDL 0x01000000u /* start TX low */

#define ICR_RXBUF 0x00000001u
#define ICR_TXBUFH 0x00000004u
#define ICR_TXBUFL 0x00000008u
#define ICR_TXENDH 0x00000040u
#define ICR_TXENDL 0x00000080u
#define ICR_RXERR 0x00000100u
#define ICR_TXERRH 0x00000400u
#define ICR_TXERRL 0x00000800u
#define ICR_TXUDR 0x00002000u
#define ICR_RXBUFQ0 0x00010000u /* also RX error of queue 0 [quirk] */
#define ICR_MII_STC 0x10000000u

/* SMI register (§4.4) */
#define SMI_DATA_MASK 0x0000FFFFu
#define SMI_PHY_SHIFT 16
#define SMI_REG_SHIFT 21
#define SMI_OP_READ 0x04000000u
#define SMI_READ_VALID 0x08000000u
#define PHY_ISOLATE 0x0400u

/* Hash table entries (§4.4) */
#define HTE_VALID 0x1ull
#define HTE_SKIP 0x2ull
#define HTE_RD 0x4ull
#define HTE_ADDR_MASK 0x0007FFFFFFFFFFF8ull
#define HTE_HOPS 12
#define ETH_MTU 1500

/* Per queue q (0 low, 1 high): SDCMR and ICR bits. */
static const uint32_t q_demand[2] = {SDCMR_TXDL, SDCMR_TXDH};
static const uint32_t q_stop[2] = {SDCMR_STDL, SDCMR_STDH};
static const uint32_t q_txbuf[2] = {ICR_TXBUFL, ICR_TXBUFH};
static const uint32_t q_txend[2] = {ICR_TXENDL, ICR_TXENDH};
static const uint32_t q_txerr[2] = {ICR_TXERRL, ICR_TXERRH};

void gt96k_eth_reset_locked(struct gt96k *gt)
{
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++) {
        struct gt96k_eth_port *e = &gt->eth[p];
        struct nic_stats st = e->st;
        memset(e, 0, sizeof(*e));
        e->st = st;
    }
}

/* ------------------------------------------------------------- PHYs */

/* §4.4 PHY model, PHY addresses 0 and 1 = ports 0 and 1. */
static uint32_t phy_read(struct gt96k *gt, unsigned phy, unsigned reg)
{
    if (phy >= GT96K_ETH_PORTS)
        return 0;
    switch (reg) {
    case 0: return gt->eth[phy].phy0 & ~0x8200u; /* reset, AN restart */
    case 1: return 0x782C;
    case 2: return 0x0040;
    case 3: return 0x61D4;
    case 4: return 0x01E1;
    case 5: return 0x41E1;
    default: return 0;
    }
}

static void phy_write(struct gt96k *gt, unsigned phy, unsigned reg,
                      uint16_t v)
{
    if (phy >= GT96K_ETH_PORTS || reg != 0)
        return; /* only register 0 is kept */
    struct gt96k_eth_port *e = &gt->eth[phy];
    if ((v ^ e->phy0) & PHY_ISOLATE)
        e->icr |= ICR_MII_STC; /* §4.4: isolate toggle */
    e->phy0 = v;
}

/* --------------------------------------------------------- transmit */

/*
 * One frame from queue q of port p (§4.4 "Transmit", devices.md §3.5).
 * Returns 1 if a frame left (or was dropped for want of a NIO), 0 when
 * the queue is idle or stopped.
 */
static int tx_one(struct gt96k *gt, unsigned p, unsigned q)
{
    struct gt96k_eth_port *e = &gt->eth[p];
    if ((e->sdcmr & q_stop[q]) || !(e->sdcmr & q_demand[q]) || !e->ctdp[q])
        return 0;
    uint32_t cur = e->ctdp[q];
    struct gt96k_desc d;
    gt96k_desc_read(gt, cur, &d);
    if (!(d.cmd & GT_DESC_OWN)) {
        /* end of the queue: stopped until IOS demands again */
        e->icr |= q_txend[q];
        e->sdcmr = (e->sdcmr | q_stop[q]) & ~q_demand[q];
        return 0;
    }
    size_t len = 0;
    int abort = 0, truncated = 0;
    for (unsigned n = 0;; n++) {
        if (!(d.cmd & GT_DESC_OWN)) {
            abort = 1;
            break;
        }
        uint32_t c = d.bytes >> 16;
        if (len + c > sizeof(gt->frame)) {
            truncated = 1;
        } else {
            nic_dma_read(gt->pm, d.buf, gt->frame + len, c);
            len += c;
        }
        if (d.cmd & GT_DESC_L)
            break;
        gt96k_desc_write_cmd(gt, cur, d.cmd & ~GT_DESC_OWN);
        if (!d.next || n > 1024) {
            abort = 1;
            break;
        }
        cur = d.next;
        gt96k_desc_read(gt, cur, &d);
    }
    if (!abort && len) {
        if (gt->eth_nio[p] && !truncated) {
            nic_isl_rewrite(gt->frame, len);
            if (nio_send(gt->eth_nio[p], gt->frame, len) >= 0) {
                e->st.tx_frames++;
                e->st.tx_bytes += len;
            } else {
                e->st.tx_dropped++;
            }
        } else {
            e->st.tx_dropped++;
        }
        e->mib[1] += (uint32_t)len;
        e->mib[3]++;
    }
    /* the last (or aborting) descriptor goes back to IOS */
    gt96k_desc_write_cmd(gt, cur, d.cmd & ~GT_DESC_OWN);
    e->ctdp[q] = d.next;
    e->icr |= q_txbuf[q];
    if (abort)
        e->icr |= ICR_TXUDR | q_txerr[q];
    else if (!d.next)
        e->icr |= q_txend[q];
    return 1;
}

int gt96k_eth_tx_locked(struct gt96k *gt, unsigned p)
{
    int sent = 0;
    for (unsigned q = 0; q < 2; q++) {
        unsigned budget = 256; /* a looping ring must not hang the CPU */
        while (budget--) {
            struct nio *nio = gt->eth_nio[p];
            if (nio && !nio_may_transmit(nio))
                break;
            if (!tx_one(gt, p, q))
                break;
            sent++;
        }
    }
    return sent;
}

/* A transmit queue is demanded and not stopped: a scan may find frames
 * (the doorbell drains a queue, which then stops itself at its end). */
int gt96k_eth_tx_on_locked(const struct gt96k *gt)
{
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++)
        for (unsigned q = 0; q < 2; q++) {
            const struct gt96k_eth_port *e = &gt->eth[p];
            if ((e->sdcmr & q_demand[q]) && !(e->sdcmr & q_stop[q]) &&
                e->ctdp[q])
                return 1;
        }
    return 0;
}

/* ---------------------------------------------------------- receive */

static unsigned bitrev8(unsigned b)
{
    b = ((b & 0xF0) >> 4) | ((b & 0x0F) << 4);
    b = ((b & 0xCC) >> 2) | ((b & 0x33) << 2);
    return ((b & 0xAA) >> 1) | ((b & 0x55) << 1);
}

static unsigned rev9(unsigned v)
{
    unsigned r = 0;
    for (int i = 0; i < 9; i++)
        if (v & (1u << i))
            r |= 1u << (8 - i);
    return r;
}

/* §4.4 hash functions; R = the address with each byte bit-reversed. */
static unsigned hash_index(const uint8_t *mac, int mode)
{
    uint64_t r = 0;
    for (int i = 0; i < ETH_ALEN; i++)
        r = (r << 8) | bitrev8(mac[i]);
    unsigned h;
    if (mode == 0) {
        h = (unsigned)((r & 0x3) | ((r >> 6) & 0x1FC));
        h ^= (unsigned)((r >> 15) & 0x1FF);
        h ^= (unsigned)((r >> 24) & 0x1FF);
        h |= (unsigned)((r >> 2) & 0x3F) << 9;
    } else {
        h = rev9((unsigned)((r >> 6) & 0x1FF));
        h ^= rev9((unsigned)((r >> 15) & 0x1FF));
        h ^= rev9((unsigned)((r >> 24) & 0x1FF));
        h |= (unsigned)(r & 0x3F) << 9;
    }
    return h;
}

enum { HT_MISS, HT_MATCH, HT_HOPS };

static int hash_lookup(struct gt96k *gt, const struct gt96k_eth_port *e,
                       const uint8_t *mac, uint64_t *entry)
{
    uint64_t want = 0;
    for (int i = 0; i < ETH_ALEN; i++)
        want |= (uint64_t)mac[i] << (3 + 8 * i);
    unsigned h = hash_index(mac, (e->pcr & PCR_HM) != 0);
    uint32_t addr = e->htpr + 8 * ((e->pcr & PCR_HS) ? (h & 0x7FF) : h);
    for (int i = 0; i < HTE_HOPS; i++, addr += 8) {
        *entry = ((uint64_t)nic_dma_read32(gt->pm, addr) << 32) |
                 nic_dma_read32(gt->pm, addr + 4);
        if (!(*entry & HTE_VALID))
            return HT_MISS;
        if ((*entry & HTE_SKIP) || (*entry & HTE_ADDR_MASK) != want)
            continue;
        return HT_MATCH;
    }
    return HT_HOPS;
}

/* Locked. Returns 1 when the frame went into the ring. */
static int rx_frame(struct gt96k *gt, unsigned p, const uint8_t *frame,
                    size_t len)
{
    struct gt96k_eth_port *e = &gt->eth[p];
    uint32_t start = e->frdp[0];
    if (!start) {
        e->icr |= ICR_RXERR | ICR_RXBUFQ0;
        return 0;
    }
    if (len < ETH_HLEN)
        return 0;
    uint64_t entry = 0;
    int hr = hash_lookup(gt, e, frame, &entry);
    int miss; /* the "M" bit: IOS filters such frames in software */
    if (hr == HT_HOPS)
        miss = 1;
    else if (hr == HT_MATCH && (entry & HTE_RD))
        miss = 0;
    else if (hr == HT_MISS && (e->pcr & PCR_HDM))
        miss = 0;
    else if (e->pcr & PCR_PM)
        miss = 1;
    else
        return 0; /* filtered out */

    struct gt96k_desc d0, d;
    uint32_t cur = start;
    gt96k_desc_read(gt, cur, &d0);
    struct gt96k_desc *dc = &d0;
    size_t left = len;
    const uint8_t *src = frame;
    for (unsigned n = 0;; n++) {
        if (!(dc->cmd & GT_DESC_OWN) || n > 1024) {
            e->icr |= ICR_RXERR | ICR_RXBUFQ0;
            return 0;
        }
        size_t size = dc->bytes >> 16;
        size_t c = left < size ? left : size;
        nic_dma_write(gt->pm, dc->buf, src, c);
        dc->bytes |= (uint32_t)c; /* IOS hands the count back zeroed */
        src += c;
        left -= c;
        dc->cmd &= ~GT_DESC_OWN;
        if (!left) {
            dc->cmd |= GT_DESC_L;
            dc->bytes += ETH_FCS_LEN; /* devices.md §1.6 */
        }
        if (n)
            gt96k_desc_write(gt, cur, dc);
        cur = dc->next;
        if (!left)
            break;
        if (!cur) {
            e->icr |= ICR_RXERR | ICR_RXBUFQ0;
            return 0;
        }
        gt96k_desc_read(gt, cur, &d);
        dc = &d;
    }
    e->frdp[0] = e->crdp[0] = cur;
    d0.cmd |= GT_DESC_F;
    if (hr == HT_HOPS)
        d0.cmd |= GT_RXD_HE;
    if (miss)
        d0.cmd |= GT_RXD_M;
    if (((unsigned)frame[12] << 8 | frame[13]) <= ETH_MTU)
        d0.cmd |= GT_RXD_FT;
    gt96k_desc_write(gt, start, &d0);
    e->mib[0] += (uint32_t)len;
    e->mib[2]++;
    e->icr |= ICR_RXBUF | ICR_RXBUFQ0;
    return 1;
}

void gt96k_eth_receive(struct gt96k *gt, unsigned port, const uint8_t *frame,
                       size_t len)
{
    if (port >= GT96K_ETH_PORTS)
        return;
    pthread_mutex_lock(&gt->lock);
    struct gt96k_eth_port *e = &gt->eth[port];
    /* §4.4: only while RX is enabled; queue 0 only */
    if ((e->sdcmr & SDCMR_ERD) && rx_frame(gt, port, frame, len)) {
        e->st.rx_frames++;
        e->st.rx_bytes += len;
    } else {
        e->st.rx_dropped++;
    }
    gt96k_unlock(gt);
}

/* -------------------------------------------------------- registers */

static void sdcmr_write(struct gt96k *gt, unsigned p, uint32_t v)
{
    struct gt96k_eth_port *e = &gt->eth[p];
    if (v & SDCMR_ERD)
        e->sdcmr = (e->sdcmr | SDCMR_ERD) & ~SDCMR_AR;
    if (v & SDCMR_AR)
        e->sdcmr &= ~SDCMR_ERD;
    for (unsigned q = 0; q < 2; q++) {
        if (v & q_demand[q])
            e->sdcmr = (e->sdcmr | q_demand[q]) & ~q_stop[q];
        if (v & q_stop[q])
            e->sdcmr = (e->sdcmr | q_stop[q]) & ~q_demand[q];
    }
    if (v & (SDCMR_TXDL | SDCMR_TXDH))
        gt96k_eth_tx_locked(gt, p); /* the doorbell */
}

static int port_access(struct gt96k *gt, unsigned p, uint32_t reg,
                       int is_write, uint32_t *v)
{
    struct gt96k_eth_port *e = &gt->eth[p];
    uint32_t *r = NULL;
    switch (reg) {
    case ETH_PCR: r = &e->pcr; break;
    case ETH_PCMR: r = &e->pcmr; break;
    case ETH_HTPR: r = &e->htpr; break;
    case ETH_SDCR: r = &e->sdcr; break;
    case ETH_IMR: r = &e->imr; break;
    case ETH_CTDP0: r = &e->ctdp[0]; break;
    case ETH_CTDP1: r = &e->ctdp[1]; break;
    case ETH_PCXR:
        if (is_write)
            e->pcxr = *v;
        else
            *v = e->pcxr | PCXR_SPEED;
        return 1;
    case ETH_PSR:
        if (!is_write)
            *v = PSR_VALUE;
        return 1;
    case ETH_SDCMR:
        if (is_write)
            sdcmr_write(gt, p, *v);
        else
            *v = e->sdcmr;
        return 1;
    case ETH_ICR:
        if (is_write)
            e->icr &= *v;
        else
            *v = e->icr;
        return 1;
    default:
        if (reg >= ETH_FRDP0 && reg < ETH_FRDP0 + 16 && !(reg & 3))
            r = &e->frdp[(reg - ETH_FRDP0) / 4];
        else if (reg >= ETH_CRDP0 && reg < ETH_CRDP0 + 16 && !(reg & 3))
            r = &e->crdp[(reg - ETH_CRDP0) / 4];
        else if (reg >= ETH_MIB && reg < ETH_MIB + 16 && !(reg & 3)) {
            if (!is_write) { /* read-to-clear */
                *v = e->mib[(reg - ETH_MIB) / 4];
                e->mib[(reg - ETH_MIB) / 4] = 0;
            }
            return 1;
        } else if (reg >= ETH_MIB && reg < ETH_MIB + 0x100) {
            if (!is_write)
                *v = 0; /* other MIB counters read 0 */
            return 1;
        }
        break;
    }
    if (!r)
        return 0;
    if (is_write)
        *r = *v;
    else
        *v = *r;
    return 1;
}

int gt96k_eth_access_locked(struct gt96k *gt, uint32_t off, int is_write,
                            uint32_t *v)
{
    if (off == GT96K_ETH_SMI) {
        if (is_write) {
            gt->smi = *v;
            if (!(*v & SMI_OP_READ))
                phy_write(gt, (*v >> SMI_PHY_SHIFT) & 0x1F,
                          (*v >> SMI_REG_SHIFT) & 0x1F,
                          (uint16_t)(*v & SMI_DATA_MASK));
        } else {
            *v = 0;
            if (gt->smi & SMI_OP_READ)
                *v = phy_read(gt, (gt->smi >> SMI_PHY_SHIFT) & 0x1F,
                              (gt->smi >> SMI_REG_SHIFT) & 0x1F) |
                     SMI_READ_VALID;
        }
        return 1;
    }
    if (off < GT96K_ETH_BASE(0) ||
        off >= GT96K_ETH_BASE(0) + GT96K_ETH_PORTS * ETH_PORT_SPAN)
        return 0;
    unsigned p = (off - GT96K_ETH_BASE(0)) / ETH_PORT_SPAN;
    return port_access(gt, p, (off - GT96K_ETH_BASE(0)) % ETH_PORT_SPAN,
                       is_write, v);
}
