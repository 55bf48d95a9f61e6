/*
 * DEC 21140 "Tulip" PCI Fast Ethernet controller (shared spec devices.md
 * §3.1; DECchip 21140 Hardware Reference Manual). One port: the
 * C7200-IO-FE's FastEthernet0/0 and the PA-FE-TX.
 *
 * What it exposes:
 *   - PCI function 1011:0009, class/revision 0x02000011; the CSR window
 *     (16 CSRs, CSR n at offset 8n) decoded by the memory BAR at 0x14
 *     (CBMA); the I/O BAR at 0x10 is not decoded (devices.md §3.1).
 *   - One level interrupt output (INTA#): CSR5 NIS or AIS.
 *   - Bus-master DMA into guest memory: descriptor rings (four big-endian
 *     words) and frame buffers.
 *   - An MII PHY behind CSR9 whose BMSR link bit follows the NIO.
 *
 * Life cycle: dec21140_create (window, interrupt, DMA) -> the platform adds
 * the PCI function from dec21140_pci_config -> dec21140_set_nio (backend)
 * -> dev_reset (power-on CSR values) -> dec21140_destroy.
 *
 * Transmit happens at once on CSR1 (transmit poll demand) and CSR6 (start)
 * writes; dec21140_tx_poll() is the periodic scan for guests that never
 * ring the doorbell. Received frames are written into the RX ring on the
 * NIO's event-loop thread and the interrupt is raised at once.
 *
 * Threads: register accesses (CPU thread), receive (event loop) and the
 * poll (any thread) serialise on the chip's mutex.
 */
#ifndef DEV_DEC21140_H
#define DEV_DEC21140_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"

struct logger;
struct nic_stats;
struct nio;
struct physmap;
struct pci_dev_config;
struct dec21140;

#define DEC21140_PCI_VENDOR 0x1011
#define DEC21140_PCI_DEVICE 0x0009
#define DEC21140_PCI_CLASS 0x02000011u /* devices.md §3.1 */
#define DEC21140_CSR_BAR 1             /* config offset 0x14 */
#define DEC21140_WINDOW_SIZE 0x20000   /* 128 KB, devices.md §3.1 */

struct dec21140_config {
    const char *name;   /* for logs; copied */
    struct physmap *pm; /* DMA */
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* transmitter on (card layer's scan); optional */
};

int dec21140_create(const struct dec21140_config *c, struct dec21140 **out);
/* Detaches the NIO (its receive handler) and frees the chip. */
void dec21140_destroy(struct dec21140 *d);
struct device *dec21140_device(struct dec21140 *d);

/* PCI identity and BAR of the chip, window = the CSR window. */
void dec21140_pci_config(struct dec21140 *d, struct pci_dev_config *cfg);

/*
 * Attach the port to a NIO (NULL: unplug). Registers the receive handler;
 * never call it holding a lock the NIO's receive path takes. Returns 0 or
 * the error of nio_set_rx() (e.g. -EBUSY: the NIO already has a consumer).
 */
int dec21140_set_nio(struct dec21140 *d, struct nio *nio);
struct nio *dec21140_nio(struct dec21140 *d);

/* One received frame (what the NIO handler calls). */
void dec21140_receive(struct dec21140 *d, const uint8_t *frame, size_t len);
/* Periodic transmit scan; returns the number of frames sent. */
int dec21140_tx_poll(struct dec21140 *d);
/* The transmitter is on (CSR6 ST with a TX list in CSR4): a scan may find
 * frames. While it is off the card layer's scan sleeps; writes to CSR1,
 * CSR4 and CSR6 that leave it on call the configuration's kick. */
int dec21140_tx_on(struct dec21140 *d);

/* Frame counters of the port (dev/nic.h). */
void dec21140_get_stats(struct dec21140 *d, struct nic_stats *st);
/* CSRs by name and ring positions, for debug dumps. */
void dec21140_dump(struct dec21140 *d, FILE *out);

/* The chip as the card layers use it (dev/card_chip.h). */
extern const struct card_chip_ops dec21140_card;

#endif
