/*
 * Texas Instruments TNETA1570 ATM segmentation and reassembly device
 * (shared spec devices.md §3.7, §1.8; TI TNETA1570 data manual). The ATM
 * side of the PA-A1; its companion PLX PCI9060ES is an identity only.
 *
 * What it exposes:
 *   - PCI function 104C:A001 (class/revision 0); a 2 MB window at BAR0
 *     (config 0x10): the 1 MB control memory IOS fills with tables (TX
 *     scheduler, internal registers at 0x3200, free-buffer rings at
 *     0x3800, RX VPI table at 0x4000, TX DMA states at 0x8000, RX DMA
 *     states at 0x10000), and a PHY register at 0x18000C.
 *   - One level interrupt output: status (0x3204) & mask (0x3208).
 *   - Bus-master DMA in host memory: packet-segmentation rings, TX
 *     buffers, free-buffer pointer rings, RX buffers, TX and RX completion
 *     rings (big-endian words).
 *   - A NIO carrying one 53-byte cell per datagram (devices.md §1.8):
 *     header with HEC, 48 payload bytes. AAL5 PDUs are segmented with the
 *     standard CRC-32 trailer; received cells are reassembled into buffer
 *     chains and posted to the RX completion rings.
 *
 * Transmit is driven by ti1570_tx_poll() (the scheduler table walk): the
 * chip has no doorbell, IOS hands packets over by setting OWN in host
 * memory. Received cells are stored on the NIO's event-loop thread.
 *
 * Threads: as dec21140.h.
 */
#ifndef DEV_TI1570_H
#define DEV_TI1570_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"

struct logger;
struct nio;
struct physmap;
struct pci_dev_config;
struct ti1570;

#define TI1570_PCI_VENDOR 0x104C
#define TI1570_PCI_DEVICE 0xA001
#define TI1570_REG_BAR 0          /* config offset 0x10 */
#define TI1570_WINDOW_SIZE 0x200000
#define TI1570_CTRL_MEM_SIZE 0x100000

struct ti1570_config {
    const char *name; /* for logs; copied */
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* schedule set (card layer's walk); optional */
};

struct ti1570_stats {
    uint64_t rx_cells, rx_dropped, tx_cells;
    uint64_t rx_packets, tx_packets;
};

int ti1570_create(const struct ti1570_config *c, struct ti1570 **out);
void ti1570_destroy(struct ti1570 *d);
struct device *ti1570_device(struct ti1570 *d);
void ti1570_pci_config(struct ti1570 *d, struct pci_dev_config *cfg);

/* As dec21140_set_nio(). */
int ti1570_set_nio(struct ti1570 *d, struct nio *nio);
struct nio *ti1570_nio(struct ti1570 *d);

/* One received datagram (cells of any other size than 53 are dropped). */
void ti1570_receive(struct ti1570 *d, const uint8_t *cell, size_t len);
/* One walk of the TX scheduler table; returns the cells sent. */
int ti1570_tx_poll(struct ti1570 *d);
/* A walk may send cells (the scheduler table names a channel): while it
 * does not, the card layer's walk sleeps; a write that leaves one named
 * calls the configuration's kick. */
int ti1570_tx_on(struct ti1570 *d);

void ti1570_get_stats(struct ti1570 *d, struct ti1570_stats *st);
void ti1570_dump(struct ti1570 *d, FILE *out);

/* The chip as the card layers use it (dev/card_chip.h). */
extern const struct card_chip_ops ti1570_card;

#endif
