/*
 * AMD Am79C971 "PCnet-FAST" / Am79C970A "PCnet-PCI II" Ethernet controller
 * (shared spec devices.md §3.2; AMD Am79C971 and Am79C970A datasheets).
 * One chip per port: PA-4E / PA-8E on the c7200, NM-1E / NM-4E / NM-1FE-TX
 * elsewhere.
 *
 * What it exposes:
 *   - PCI function 1022:2000, class/revision 0x02000002; a 16 KB register
 *     window at the memory BAR 0x14 with the 32-bit (DWIO) port layout:
 *     RDP 0x10 (CSR data), RAP 0x14 (register address), BDP 0x1C (BCR
 *     data). The address PROM and the RESET port are not decoded.
 *   - One level interrupt output (INTA#): CSR0 INTR and IENA.
 *   - Bus-master DMA: the initialization block and descriptor rings
 *     (SWSTYLE 2 or 3, 16-byte descriptors of big-endian words), buffers.
 *   - An MII PHY at address 0, read through BCR33/BCR34, link always up.
 *
 * Identity: the card chooses the chip-ID in CSR88 (devices.md §3.2):
 * 10BASE-T cards present an Am79C970A, 100BASE-TX cards an Am79C971.
 *
 * Life cycle and threads as dec21140.h: create -> PCI function from
 * am79c971_pci_config -> set_nio -> dev_reset -> destroy. Transmit at once
 * on CSR0 TDMD and STRT; am79c971_tx_poll() is the periodic scan.
 */
#ifndef DEV_AM79C971_H
#define DEV_AM79C971_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"

struct logger;
struct nic_stats;
struct nio;
struct physmap;
struct pci_dev_config;
struct am79c971;

#define AM79C971_PCI_VENDOR 0x1022
#define AM79C971_PCI_DEVICE 0x2000
#define AM79C971_PCI_CLASS 0x02000002u /* devices.md §3.2 */
#define AM79C971_REG_BAR 1             /* config offset 0x14 */
#define AM79C971_WINDOW_SIZE 0x4000    /* 16 KB */

enum am79c971_type {
    AM79C971_10BASE_T = 0,   /* CSR88 0x02621003: Am79C970A (PA-4E, PA-8E) */
    AM79C971_100BASE_TX = 1, /* CSR88 0x02623003: Am79C971 (NM-1FE-TX) */
};

struct am79c971_config {
    const char *name; /* for logs; copied */
    enum am79c971_type type;
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* transmitter on (card layer's scan); optional */
};

int am79c971_create(const struct am79c971_config *c, struct am79c971 **out);
void am79c971_destroy(struct am79c971 *d);
struct device *am79c971_device(struct am79c971 *d);
void am79c971_pci_config(struct am79c971 *d, struct pci_dev_config *cfg);

/* As dec21140_set_nio(). */
int am79c971_set_nio(struct am79c971 *d, struct nio *nio);
struct nio *am79c971_nio(struct am79c971 *d);

void am79c971_receive(struct am79c971 *d, const uint8_t *frame, size_t len);
/* Periodic transmit scan; returns the number of frames sent. */
int am79c971_tx_poll(struct am79c971 *d);
/* The transmitter is on (CSR0 TXON after an initialization block): a scan
 * may find frames. While it is off the card layer's scan sleeps; a
 * register write that leaves it on calls the configuration's kick. */
int am79c971_tx_on(struct am79c971 *d);

/* Frame counters of the port (dev/nic.h). */
void am79c971_get_stats(struct am79c971 *d, struct nic_stats *st);
/* Main CSRs by name and ring positions, for debug dumps. */
void am79c971_dump(struct am79c971 *d, FILE *out);

/* The chip as the card layers use it (dev/card_chip.h), in its 10BASE-T
 * (Am79C970A) and 100BASE-TX (Am79C971) identities. */
extern const struct card_chip_ops am79c970a_card;
extern const struct card_chip_ops am79c971_card;

#endif
