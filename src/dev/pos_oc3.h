/*
 * PA-POS-OC3 packet-over-SONET port adapter as the reference presents it
 * (shared spec devices.md §3.8, §1.7; c7200.md §10, §12.4): three PLX
 * PCI9060 bridges whose local buses carry the receive DMA, transmit DMA
 * and control/status registers, and a fourth PCI function without an
 * identity that owns the card's interrupt.
 *
 * What it exposes (four PCI functions, in order):
 *   0  PLX 9060 "RX": local space 0x04 RX ring start, 0x08 current RX
 *      descriptor (R/W)
 *   1  PLX 9060 "TX": local space 0x04 TX ring start, 0x08 current TX
 *      descriptor (R/W)
 *   2  PLX 9060 "CS": local space
 *        0x300000, 0x300004, 0x30001C  R 0x00000FFF; every 20th read of
 *                 any of them releases the interrupt [reference behaviour,
 *                 devices.md §3.8, kept for IOS]
 *        0x300008  R 0x0000007F
 *        0x300028  control register 1 (R/W, 16 bits): 0x06 selects a 2-byte
 *                  CRC, 0x07 a 4-byte CRC, anything else 2 (the CRC size
 *                  is 0 until the first write)
 *      (the default 1 MB local space does not reach 0x300000: IOS widens
 *      it through the PLX range register)
 *   3  ID 0000:0000 (register 0x00 reads 0), BAR0 maps a 64 KB window:
 *      0x404, 0x406, 0x407 read all ones. Interrupt output of the card.
 * Every other offset reads 0, writes are ignored.
 *
 * Descriptors (8 bytes, big-endian words): word 0 = OWN (31, chip owns)
 * | WRAP (30, the next descriptor is the ring start) | CONT (27, the frame
 * goes on in the next descriptor) | length (12:0); word 1 = buffer
 * address. Receive fills descriptors from the current one, reports data +
 * CRC size in the last, writes the first descriptor last and raises the
 * interrupt; written words carry neither OWN nor WRAP (as the reference).
 * Transmit gathers one CONT chain, byte-reverses every 32-bit word of
 * each buffer (the reference's transmit convention, devices.md §1.3),
 * zeroes the chain's other descriptors, clears OWN in the first and
 * raises the interrupt. The NIO carries the HDLC/PPP frame IOS built, no
 * FCS (devices.md §1.7).
 *
 * Guest mistakes (a descriptor or buffer outside mapped memory, a chain
 * longer than the 8192-byte frame buffer or one that never ends) are
 * logged once as guest errors; the frame is dropped.
 *
 * Transmit is driven by pos_oc3_tx_poll() (no doorbell): each call sends
 * the frames the ring holds (up to POS_OC3_TX_BURST). Receive runs on the
 * NIO's event-loop thread.
 */
#ifndef DEV_POS_OC3_H
#define DEV_POS_OC3_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct nio;
struct pci_dev;
struct pci_dev_config;
struct physmap;
struct pos_oc3;

#define POS_OC3_FUNCS 4          /* PCI functions, devices 0-3 of the bay */
#define POS_OC3_IRQ_FUNC 3       /* devices.md §3.8: dev 3 owns the line */
#define POS_OC3_CTRL_SIZE 0x10000 /* devices.md §3.8: 64 KB */
#define POS_OC3_MAX_FRAME 8192   /* devices.md §1.5: TX gather buffer */
#define POS_OC3_TX_BURST 16

/* Local-space registers (devices.md §3.8). */
#define POS_OC3_RING_START 0x04
#define POS_OC3_RING_CURRENT 0x08
#define POS_OC3_CS_STATUS0 0x300000
#define POS_OC3_CS_STATUS1 0x300004
#define POS_OC3_CS_STATUS2 0x30001C
#define POS_OC3_CS_STATUS3 0x300008
#define POS_OC3_CS_CTRL1 0x300028

#define POS_OC3_DESC_OWN 0x80000000u
#define POS_OC3_DESC_WRAP 0x40000000u
#define POS_OC3_DESC_CONT 0x08000000u
#define POS_OC3_DESC_LEN 0x1FFFu

struct pos_oc3_config {
    const char *name; /* for logs; copied */
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq; /* function 3's INTA# */
    struct tx_kick kick; /* ring set (card layer's scan); optional */
};

struct pos_oc3_stats {
    uint64_t rx_frames, rx_dropped, tx_frames, tx_dropped;
};

int pos_oc3_create(const struct pos_oc3_config *c, struct pos_oc3 **out);
void pos_oc3_destroy(struct pos_oc3 *d);
/* The control window (function 3's BAR0); its reset resets the card. */
struct device *pos_oc3_device(struct pos_oc3 *d);
/* PCI function k (0..3) and the PCI layer's function made of it. */
void pos_oc3_pci_config(struct pos_oc3 *d, unsigned k,
                        struct pci_dev_config *cfg);
void pos_oc3_attach_pci(struct pos_oc3 *d, unsigned k, struct pci_dev *pci);
/* Local-space windows (0 RX, 1 TX, 2 CS) and PLX register blocks, for
 * tests that poke them without a PCI bus. */
struct device *pos_oc3_local(struct pos_oc3 *d, unsigned k);
struct device *pos_oc3_plx(struct pos_oc3 *d, unsigned k);

/* As dec21140_set_nio(): NULL detaches. */
int pos_oc3_set_nio(struct pos_oc3 *d, struct nio *nio);
/* One frame from the line (what the NIO delivers). */
void pos_oc3_receive(struct pos_oc3 *d, const uint8_t *frame, size_t len);
/* Transmit scan; returns the frames sent. */
int pos_oc3_tx_poll(struct pos_oc3 *d);
/* A scan may find frames (the TX ring start is set): while it is not, the
 * card layer's scan sleeps; a register write that leaves it set calls the
 * configuration's kick. */
int pos_oc3_tx_on(struct pos_oc3 *d);
void pos_oc3_get_stats(struct pos_oc3 *d, struct pos_oc3_stats *st);

/* The chip as the card layers use it (dev/card_chip.h). */
extern const struct card_chip_ops pos_oc3_card;

#endif
