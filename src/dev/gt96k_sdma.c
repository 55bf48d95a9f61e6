/*
 * GT-96100 serial side: the eight MPSC channels (protocol registers only)
 * and the SDMA channels moving their HDLC frames between guest memory and
 * the channels' NIOs (shared spec c3600-c2691-c37xx.md §4.4 "Serial";
 * devices.md §3.5 "MPSC" and "SDMA"; GT-96100A datasheet). The WIC serial
 * ports of the 2691/3725/3745 are MPSC channels (§4.9).
 */
#include <string.h>

#include "dev/gt96k_internal.h"
#include "dev/nic.h"
#include "net/nio.h"

/* MPSC channel n at n * 0x8000 + 0xA00 (§4.4) */
#define MPSC_SPAN 0x8000u
#define MPSC_MMCRL 0xA00
#define MPSC_MMCRH 0xA04
#define MPSC_MPCR 0xA08
#define MPSC_CHR1 0xA0C
#define MPSC_CHR10 0xA30
#define MPSC_CHR10_READ_SET 0x20u /* §4.4: CHR10 reads with bit 5 set */
#define MMCRL_MODE_MASK 0x7u
#define MPSC_MODE_HDLC 0

/* SDMA channel c of group g at g * 0x100000 + c * 0x10000 + reg */
#define SDMA_SDC 0x0900
#define SDMA_SDCM 0x0908
#define SDMA_SCRDP 0x8910
#define SDMA_SCTDP 0xC910
#define SDMA_SFTDP 0xC914
#define SDCM_TXD 0x00800000u /* transmit demand */
#define SDCM_READ 0xFFu      /* §4.4: command reads return 0xFF */

/* SDMA cause, four bits per channel (§4.4) */
#define SDMA_RXBUF 0x1u
#define SDMA_RXERR 0x2u
#define SDMA_TXBUF 0x4u
#define SDMA_TXEND 0x8u
#define HDLC_CRC_LEN 2 /* devices.md §1.7: CRC-16 counted on receive */

static void set_cause(struct gt96k *gt, unsigned ch, uint32_t bits)
{
    gt->sdma_cause |= bits << (4 * ch);
}

void gt96k_sdma_reset_locked(struct gt96k *gt)
{
    memset(gt->sdma, 0, sizeof(gt->sdma));
    for (unsigned ch = 0; ch < GT96K_MPSC_CHANNELS; ch++) {
        struct gt96k_mpsc *m = &gt->mpsc[ch];
        m->mmcrl = m->mmcrh = m->mpcr = 0;
        memset(m->chr, 0, sizeof(m->chr));
    }
}

/* ---------------------------------------------------------- transmit */

/* One frame of SDMA channel ch (group g). 1 if a descriptor chain was
 * consumed, 0 when there is nothing to send. Locked. */
static int sdma_tx_one(struct gt96k *gt, unsigned g, unsigned ch)
{
    struct gt96k_sdma *s = &gt->sdma[g][ch];
    uint32_t start = s->sctdp, cur = start;
    if (!start)
        return 0;
    struct gt96k_desc d0, d;
    gt96k_desc_read(gt, start, &d0);
    if (!(d0.cmd & GT_DESC_OWN))
        return 0;
    struct gt96k_desc *dc = &d0;
    size_t len = 0;
    int abort = 0, truncated = 0;
    for (unsigned n = 0;; n++) {
        uint32_t c = dc->bytes >> 16;
        if (len + c > sizeof(gt->frame)) {
            truncated = 1;
        } else {
            nic_dma_read(gt->pm, dc->buf, gt->frame + len, c);
            len += c;
        }
        if (!(dc->cmd & GT_DESC_F))
            gt96k_desc_write_cmd(gt, cur, dc->cmd & ~GT_DESC_OWN);
        cur = dc->next;
        if (dc->cmd & GT_DESC_L)
            break;
        if (!cur || n > 1024) {
            abort = 1;
            break;
        }
        gt96k_desc_read(gt, cur, &d);
        dc = &d;
    }
    struct gt96k_mpsc *m = &gt->mpsc[ch];
    if (len && !abort) {
        /* HDLC goes to the NIO as it is (devices.md §1.7); a UART or
         * BISYNC channel has nothing behind it here */
        struct nio *nio = gt->mpsc_nio[ch];
        if ((m->mmcrl & MMCRL_MODE_MASK) == MPSC_MODE_HDLC && nio &&
            !truncated && nio_send(nio, gt->frame, len) >= 0) {
            m->st.tx_frames++;
            m->st.tx_bytes += len;
        } else {
            m->st.tx_dropped++;
        }
        set_cause(gt, ch, SDMA_TXBUF);
    }
    gt96k_desc_write_cmd(gt, start, d0.cmd & ~GT_DESC_OWN);
    s->sctdp = cur;
    if (abort || !cur) {
        set_cause(gt, ch, SDMA_TXEND);
        s->sdcm &= ~SDCM_TXD;
    }
    return 1;
}

/* ----------------------------------------------------------- receive */

void gt96k_mpsc_receive(struct gt96k *gt, unsigned chan,
                        const uint8_t *frame, size_t len)
{
    if (chan >= GT96K_MPSC_CHANNELS)
        return;
    pthread_mutex_lock(&gt->lock);
    /* §4.4: MPSC n receives through SDMA channel n of group SGCR bit n */
    struct gt96k_sdma *s = &gt->sdma[(gt->sgcr >> chan) & 1][chan];
    struct gt96k_mpsc *m = &gt->mpsc[chan];
    uint32_t start = s->scrdp, cur = start;
    struct gt96k_desc d0, d, *dc = &d0;
    size_t left = len;
    const uint8_t *src = frame;
    int ok = start != 0 && len > 0;
    if (ok)
        gt96k_desc_read(gt, start, &d0);
    for (unsigned n = 0; ok; n++) {
        if (!(dc->cmd & GT_DESC_OWN) || n > 1024) {
            ok = 0;
            break;
        }
        size_t size = dc->bytes >> 16;
        size_t c = left < size ? left : size;
        nic_dma_write(gt->pm, dc->buf, src, c);
        dc->bytes |= (uint32_t)c;
        src += c;
        left -= c;
        dc->cmd &= ~GT_DESC_OWN;
        if (!left) {
            dc->cmd |= GT_DESC_L;
            dc->bytes += gt->mpsc_eth[chan] ? ETH_FCS_LEN : HDLC_CRC_LEN;
        }
        if (n)
            gt96k_desc_write(gt, cur, dc);
        cur = dc->next;
        if (!left)
            break;
        if (!cur) {
            ok = 0;
            break;
        }
        gt96k_desc_read(gt, cur, &d);
        dc = &d;
    }
    if (ok) {
        s->scrdp = cur;
        d0.cmd |= GT_DESC_F;
        gt96k_desc_write(gt, start, &d0);
        set_cause(gt, chan, SDMA_RXBUF);
        m->st.rx_frames++;
        m->st.rx_bytes += len;
    } else {
        set_cause(gt, chan, SDMA_RXERR);
        m->st.rx_dropped++;
    }
    gt96k_unlock(gt);
}

/* --------------------------------------------------------- registers */

static int mpsc_access(struct gt96k *gt, uint32_t off, int is_write,
                       uint32_t *v)
{
    unsigned ch = off / MPSC_SPAN;
    uint32_t reg = off % MPSC_SPAN;
    if (ch >= GT96K_MPSC_CHANNELS || reg < MPSC_MMCRL || reg > MPSC_CHR10 ||
        (reg & 3))
        return 0;
    struct gt96k_mpsc *m = &gt->mpsc[ch];
    uint32_t *r;
    switch (reg) {
    case MPSC_MMCRL: r = &m->mmcrl; break;
    case MPSC_MMCRH: r = &m->mmcrh; break;
    case MPSC_MPCR: r = &m->mpcr; break;
    default: r = &m->chr[(reg - MPSC_CHR1) / 4]; break;
    }
    if (is_write)
        *r = *v;
    else
        *v = *r | (reg == MPSC_CHR10 ? MPSC_CHR10_READ_SET : 0);
    return 1;
}

static int sdma_access(struct gt96k *gt, uint32_t off, int is_write,
                       uint32_t *v)
{
    unsigned g = off >> 20, ch = (off >> 16) & 0xF;
    uint32_t reg = off & 0xFFFF;
    if (g >= GT96K_SDMA_GROUPS || ch >= GT96K_MPSC_CHANNELS)
        return 0;
    struct gt96k_sdma *s = &gt->sdma[g][ch];
    uint32_t *r;
    switch (reg) {
    case SDMA_SDC:
        if (!is_write)
            *v = 0;
        return 1;
    case SDMA_SDCM:
        if (!is_write) {
            *v = SDCM_READ;
            return 1;
        }
        s->sdcm = *v;
        if (s->sdcm & SDCM_TXD) {
            /* §4.4: every ready frame of the chain goes at once */
            unsigned budget = 1024;
            while (budget-- && sdma_tx_one(gt, g, ch))
                ;
        }
        return 1;
    case SDMA_SCRDP: r = &s->scrdp; break;
    case SDMA_SCTDP: r = &s->sctdp; break;
    case SDMA_SFTDP: r = &s->sftdp; break;
    default: return 0;
    }
    if (is_write)
        *r = *v;
    else
        *v = *r;
    return 1;
}

int gt96k_sdma_access_locked(struct gt96k *gt, uint32_t off, int is_write,
                             uint32_t *v)
{
    switch (off & 0xF00) {
    case 0x900: return sdma_access(gt, off, is_write, v);
    case 0xA00: return mpsc_access(gt, off, is_write, v);
    default: return 0;
    }
}
