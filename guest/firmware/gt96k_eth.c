/*
 * gt96k_eth.c - the GT-96100's two Fast Ethernet ports, FastEthernet0/0
 * and 0/1 of the 2691, 3725 and 3745 (c3600-c2691-c37xx.md §4.4, §5.7).
 *
 *  - Port p registers at 0x84800 + 0x4000 p of the GT: port configuration
 *    (PCR), status, hash table pointer, SDMA command, interrupt cause
 *    (write = AND) and mask, first/current RX descriptor of queue 0,
 *    current TX descriptor of queue 0 ("low").
 *  - 16-byte descriptors of big-endian words: byte counts, command/status
 *    (OWN 31, enable interrupt 23, generate CRC 22, pad 18, first 17,
 *    last 16, error summary 15), next descriptor, buffer. Both rings are
 *    circular; the GT follows the next pointers (gt96k_ring.c). A
 *    received frame's count includes the 4 CRC bytes.
 *  - Receive filter: the GT's hash table (hash mode 0, 1/2 K entries):
 *    an entry for the port's MAC and one for broadcast, both "receive".
 *  - Transmit: OWN handed over, then SDMA command "start TX low" (which
 *    also restarts a queue that stopped at the end of the ring).
 *  - Interrupt: cause bits RX buffer (0), RX error (8), RX queue 0 (16)
 *    unmasked; the port's summary reaches CPU line 3 through the GT's
 *    Interrupt0 high-cause mask (bit p). The handler acknowledges, the
 *    main loop polls the ring.
 */
#include "fw.h"

#include "drivers.h"
#include "gt96k_ring.h"
#include "ip.h"
#include "net.h"

#define PORT(p) (0x84800u + 0x4000u * (uint32_t)(p))
#define PCR 0x00
#define PSR 0x18
#define HTPR 0x28
#define SDCMR 0x48
#define ICR 0x50
#define IMR 0x58
#define FRDP0 0x80
#define CRDP0 0xA0
#define CTDP0 0xE0

#define PCR_HS 0x00001000u     /* hash size 1/2 K entries */
#define PSR_LINK 0x00000008u   /* port status: link up */
#define SDCMR_ERD 0x00000080u  /* enable RX DMA */
#define SDCMR_AR 0x00008000u   /* abort RX */
#define SDCMR_STDL 0x00020000u /* stop TX low */
#define SDCMR_TXDL 0x01000000u /* start TX low */
#define ICR_RX 0x00010101u     /* RX buffer, RX error, RX queue 0 */
#define GT_HIGH_MASK0 0xC9C    /* Interrupt0 high-cause mask */

#define D_GC 0x00400000u /* generate CRC */
#define D_P 0x00040000u  /* pad */

#define NRX 32
#define NTX 16
#define BUFSZ 1536
#define HT_ENTRIES 2048 /* 1/2 K mode: 8-byte entries, index h & 0x7FF */
#define HT_PROBES 12

struct gte {
    struct nic nic;
    int port;
    struct gt_ring ring;
    volatile uint32_t *ht;   /* (HT_ENTRIES + HT_PROBES) 64-bit entries */
};

static uint32_t port_rd(const struct gte *d, uint32_t reg)
{
    return gt_read(PORT(d->port) + reg);
}

static void port_wr(const struct gte *d, uint32_t reg, uint32_t v)
{
    gt_write(PORT(d->port) + reg, v);
}

static uint8_t rev8(uint8_t b)
{
    uint8_t r = 0;
    for (int i = 0; i < 8; i++)
        r = (uint8_t)(r << 1 | ((b >> i) & 1));
    return r;
}

/* §4.4 hash mode 0: R = the six bytes in wire order (byte 0 most
 * significant), each bit-reversed; lo = R[31:0], hi = R[47:32]. */
static uint32_t mac_hash(const uint8_t *m)
{
    uint32_t hi = (uint32_t)rev8(m[0]) << 8 | rev8(m[1]);
    uint32_t lo = (uint32_t)rev8(m[2]) << 24 | (uint32_t)rev8(m[3]) << 16 |
                  (uint32_t)rev8(m[4]) << 8 | rev8(m[5]);
    uint32_t h = (lo & 0x3) | ((lo >> 8) & 0x7F) << 2;
    h ^= (lo >> 15) & 0x1FF;                  /* R[23:15] */
    h ^= (lo >> 24) | (hi & 1) << 8;          /* R[32:24] */
    h |= ((lo >> 2) & 0x3F) << 9;             /* R[7:2] */
    return h;
}

/* An entry (64 bits, high word first): valid (bit 0), receive (bit 2),
 * MAC byte k in bits 3 + 8k. */
static void ht_add(struct gte *d, const uint8_t *m)
{
    uint32_t lo = 0x5 | (uint32_t)m[0] << 3 | (uint32_t)m[1] << 11 |
                  (uint32_t)m[2] << 19 | (uint32_t)m[3] << 27;
    uint32_t hi = (uint32_t)m[3] >> 5 | (uint32_t)m[4] << 3 |
                  (uint32_t)m[5] << 11;
    uint32_t i = mac_hash(m) & (HT_ENTRIES - 1);
    for (int n = 0; n < HT_PROBES; n++, i++) {
        volatile uint32_t *p = &d->ht[2 * i];
        if (!(p[1] & 1)) {
            p[0] = hi;
            p[1] = lo;
            return;
        }
    }
}

static int gte_link(struct nic *n)
{
    struct gte *d = (struct gte *)n;
    return (port_rd(d, PSR) & PSR_LINK) != 0;
}

static int gte_start(struct nic *n)
{
    struct gte *d = (struct gte *)n;
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    uint32_t sr = irq_save();

    port_wr(d, SDCMR, SDCMR_AR | SDCMR_STDL);
    for (int i = 0; i < 2 * (HT_ENTRIES + HT_PROBES); i++)
        d->ht[i] = 0;
    ht_add(d, n->ifp->mac);
    ht_add(d, bcast);
    gt_ring_reset(&d->ring);
    port_wr(d, HTPR, phys(d->ht));
    port_wr(d, PCR, PCR_HS);
    port_wr(d, FRDP0, phys(&d->ring.rx[0]));
    port_wr(d, CRDP0, phys(&d->ring.rx[0]));
    port_wr(d, CTDP0, phys(&d->ring.tx[0]));
    port_wr(d, ICR, 0);
    port_wr(d, IMR, ICR_RX);
    gt_write(GT_HIGH_MASK0,
             gt_read(GT_HIGH_MASK0) | 1u << d->port); /* §4.4 high cause */
    port_wr(d, SDCMR, SDCMR_ERD);
    irq_restore(sr);
    return 0;
}

static void gte_stop(struct nic *n)
{
    struct gte *d = (struct gte *)n;
    uint32_t sr = irq_save();
    port_wr(d, SDCMR, SDCMR_AR | SDCMR_STDL);
    port_wr(d, IMR, 0);
    port_wr(d, ICR, 0);
    gt_write(GT_HIGH_MASK0, gt_read(GT_HIGH_MASK0) & ~(1u << d->port));
    irq_restore(sr);
}

static void gte_isr(struct nic *n)
{
    struct gte *d = (struct gte *)n;
    uint32_t st = port_rd(d, ICR);
    if (st)
        port_wr(d, ICR, ~st); /* write = AND */
}

static int gte_tx(struct nic *n, const uint8_t *frame, size_t len)
{
    struct gte *d = (struct gte *)n;
    if (gt_ring_tx(&d->ring, frame, len, GD_OWN | D_GC | D_P | GD_F | GD_L))
        return -1;
    uint32_t sr = irq_save();
    port_wr(d, SDCMR, SDCMR_ERD | SDCMR_TXDL);
    irq_restore(sr);
    return 0;
}

static void gte_poll(struct nic *n)
{
    struct gte *d = (struct gte *)n;
    gt_ring_poll(&d->ring, n->ifp, 4, eth_input); /* count includes CRC */
}

static const struct nic_ops gte_ops = {
    .start = gte_start,
    .stop = gte_stop,
    .isr = gte_isr,
    .poll = gte_poll,
    .tx = gte_tx,
    .link = gte_link,
};

struct nic *gt96k_eth_attach(struct iface *ifp, int port)
{
    struct gte *d = fw_alloc(sizeof(*d));
    d->nic.ops = &gte_ops;
    d->nic.ifp = ifp;
    d->nic.regs = plat.gt + PORT(port);
    d->port = port;
    gt_ring_alloc(&d->ring, NRX, NTX, BUFSZ);
    d->ht = uncached(fw_alloc(8 * (HT_ENTRIES + HT_PROBES)));
    port_wr(d, SDCMR, SDCMR_AR | SDCMR_STDL);
    port_wr(d, IMR, 0);
    net_gt_register(&d->nic);
    return &d->nic;
}
