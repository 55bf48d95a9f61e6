/*
 * gt96k_ring.h - descriptor rings of the GT-96100's DMA engines, as its
 * Fast Ethernet ports (gt96k_eth.c) and its MPSC channels' serial DMA
 * (mpsc.c) both use them (c3600-c2691-c37xx.md §4.4).
 *
 *  - 16-byte descriptors of big-endian words: byte counts (buffer size or
 *    frame length in the high half, bytes received in the low half),
 *    command/status (OWN 31, enable interrupt 23, first 17, last 16,
 *    error summary 15), next descriptor, buffer.
 *  - Both rings circular, kept uncached; the GT follows the next pointers.
 */
#ifndef FW_GT96K_RING_H
#define FW_GT96K_RING_H

#include <stddef.h>
#include <stdint.h>

#define GD_OWN 0x80000000u
#define GD_EI 0x00800000u
#define GD_F 0x00020000u
#define GD_L 0x00010000u
#define GD_ES 0x00008000u

struct gt_desc {
    volatile uint32_t bytes, cmd, next, buf;
};

struct gt_ring {
    struct gt_desc *rx, *tx;
    uint8_t *rxbuf, *txbuf;
    int nrx, ntx, bufsz;
    int rx_next, tx_next;
};

struct iface;

/* Descriptors and buffers for nrx / ntx frames of bufsz bytes. */
void gt_ring_alloc(struct gt_ring *g, int nrx, int ntx, int bufsz);
/* Every RX descriptor handed to the GT (interrupt on), TX ones empty. */
void gt_ring_reset(struct gt_ring *g);
/* The frame into the next TX descriptor, handed over with cmd (OWN and
 * the engine's bits); -1 when it is longer than a buffer or the ring is
 * full. The caller then tells the engine. */
int gt_ring_tx(struct gt_ring *g, const uint8_t *frame, size_t len,
               uint32_t cmd);
/* The frames received so far (at most a ring's worth): a whole frame
 * without error, its count less `trailer` bytes (CRC or FCS), goes to
 * input(ifp, ...), anything else counts as an input drop; each descriptor
 * goes back to the GT. */
void gt_ring_poll(struct gt_ring *g, struct iface *ifp, uint32_t trailer,
                  void (*input)(struct iface *ifp, const uint8_t *frame,
                                size_t len));

#endif
