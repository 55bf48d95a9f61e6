/*
 * mpsc.c - WIC ports of the 2691, 3725 and 3745: GT-96100 MPSC channels
 * moving frames through the GT's serial DMA (c3600-c2691-c37xx.md §4.4
 * "Serial", §4.9).
 *
 *  - WIC w port p is MPSC channel {1, 0, 4, 2, 5, 3}[2w + p] (§4.9); the
 *    channel's main configuration (n * 0x8000 + 0xA00) mode 0 = HDLC.
 *  - SDMA channel n of group 0 (SGCR bit n = 0): command at n * 0x10000
 *    + 0x0908 (bit 23: transmit the ready frames of the TX chain), current
 *    RX descriptor + 0x8910, current / first TX descriptor + 0xC910 /
 *    + 0xC914. Descriptors and circular rings as the Ethernet ports'
 *    (gt96k_ring.c). A received frame's count includes its CRC: 2 bytes
 *    (HDLC CRC-16) on a serial WIC, 4 (Ethernet FCS) on a WIC-1ENET,
 *    whose frames are Ethernet frames on the same channel.
 *  - Interrupt: SDMA cause (4 bits a channel: RX buffer, RX error, TX
 *    buffer, TX end; write = AND) masked to the RX bits of the channels
 *    in use; their summary (serial cause bit 4) drives SerInt0, which is
 *    the I/O FPGA's slot 0 port 0 network interrupt (line 2).
 *  - No modem signals reach the GT: the line is up while the port runs;
 *    the encapsulation's keepalives decide the line protocol.
 */
#include "fw.h"

#include "drivers.h"
#include "gt96k_ring.h"
#include "ip.h"
#include "net.h"
#include "serial.h"

#define MPSC_MMCRL(ch) (0x8000u * (uint32_t)(ch) + 0xA00)
#define SDMA(ch, r) (0x10000u * (uint32_t)(ch) + (r))
#define SDCM 0x0908
#define SCRDP 0x8910
#define SCTDP 0xC910
#define SFTDP 0xC914
#define SDCM_TXD 0x00800000u
#define SGCR 0x101AF0
#define SDMA_CAUSE 0x103A10
#define SDMA_MASK 0x103A90
#define SERINT0_MASK 0x103A80
#define SER_SDMA_SUM 0x10u
#define CAUSE_RX 0x3u /* RX buffer, RX error of a channel */

#define NRX 16
#define NTX 16
#define BUFSZ 2048

struct mpsc {
    struct nic nic;
    int ch, eth;
    struct gt_ring ring;
};

static const uint8_t wic_channel[6] = {1, 0, 4, 2, 5, 3};

static int mp_link(struct nic *n)
{
    return n->running;
}

static int mp_start(struct nic *n)
{
    struct mpsc *d = (struct mpsc *)n;
    uint32_t sr = irq_save();
    gt_ring_reset(&d->ring);
    gt_write(SGCR, gt_read(SGCR) & ~(1u << d->ch)); /* receive on group 0 */
    gt_write(MPSC_MMCRL(d->ch), 0);                  /* HDLC */
    gt_write(SDMA(d->ch, SCTDP), phys(&d->ring.tx[0]));
    gt_write(SDMA(d->ch, SFTDP), phys(&d->ring.tx[0]));
    gt_write(SDMA(d->ch, SCRDP), phys(&d->ring.rx[0]));
    gt_write(SDMA_MASK, gt_read(SDMA_MASK) | CAUSE_RX << (4 * d->ch));
    gt_write(SERINT0_MASK, SER_SDMA_SUM);
    irq_restore(sr);
    return 0;
}

static void mp_stop(struct nic *n)
{
    struct mpsc *d = (struct mpsc *)n;
    uint32_t sr = irq_save();
    gt_write(SDMA(d->ch, SCRDP), 0);
    gt_write(SDMA_MASK, gt_read(SDMA_MASK) & ~(CAUSE_RX << (4 * d->ch)));
    irq_restore(sr);
}

/* One handler for every channel: SerInt0 is a single line. */
static void mp_isr(struct nic *n)
{
    (void)n;
    if (gt_read(SDMA_CAUSE))
        gt_write(SDMA_CAUSE, 0); /* write = AND: all clear */
}

static int mp_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct mpsc *d = (struct mpsc *)n;
    if (len == 0 ||
        gt_ring_tx(&d->ring, frame, len, GD_OWN | GD_EI | GD_F | GD_L))
        return -1;
    uint32_t sr = irq_save();
    gt_write(SDMA(d->ch, SDCM), SDCM_TXD);
    irq_restore(sr);
    return 0;
}

static void mp_poll(struct nic *n)
{
    struct mpsc *d = (struct mpsc *)n;
    if (d->eth)
        gt_ring_poll(&d->ring, n->ifp, 4, eth_input); /* Ethernet FCS */
    else
        gt_ring_poll(&d->ring, n->ifp, 2, serial_input); /* HDLC CRC-16 */
}

static const struct nic_ops mp_ops = {
    .start = mp_start,
    .stop = mp_stop,
    .poll = mp_poll,
    .tx = mp_tx,
    .link = mp_link,
};

static const struct nic_ops mp_irq_ops = {
    .isr = mp_isr,
};

struct nic *mpsc_attach(struct iface *ifp, int wic, int port, int ethernet)
{
    static struct nic *irq;
    if (wic < 0 || wic > 2 || port < 0 || port > 1)
        return NULL;
    if (!irq) {
        irq = fw_alloc(sizeof(*irq));
        irq->ops = &mp_irq_ops;
        net_irq_register(0, 0, irq); /* §2.6: SerInt0 = slot 0 port 0 */
    }
    struct mpsc *d = fw_alloc(sizeof(*d));
    d->nic.ops = &mp_ops;
    d->nic.ifp = ifp;
    d->nic.regs = plat.gt;
    d->ch = wic_channel[2 * wic + port];
    d->eth = ethernet;
    gt_ring_alloc(&d->ring, NRX, NTX, BUFSZ);
    return &d->nic;
}
