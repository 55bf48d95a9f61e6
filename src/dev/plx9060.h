/*
 * PLX PCI9060 PCI bus-master interface chip, as the reference presents it
 * (shared spec devices.md §3.9; c7200.md §12.4): a PCI function that maps
 * its own register block and one local-bus space into the guest's
 * physical map. What sits on the local bus belongs to the card (the
 * PA-POS-OC3 hangs its RX, TX and control/status registers there).
 *
 * What it exposes:
 *   - PCI function 10B5:9060, class/revision 0, no interrupt output;
 *     BAR0 (config 0x10) maps the 4 KB register block, BAR2 (config 0x18)
 *     maps local space 0. Other configuration registers read 0.
 *   - Register block:
 *       0x00 local space 0 range (R/W; window size =
 *            ~(range & 0xFFFFFFF0) + 1, power-on 0xFFF00000 = 1 MB; a write
 *            resizes the BAR2 window where it stands)
 *       0x60 PCI-to-local doorbell (W: stored, the card is told)
 *       0x64 local-to-PCI doorbell (R: what the card set; W: ones clear)
 *     every other offset reads 0, writes are ignored (guest error, logged
 *     once). No DMA engines, interrupts or serial EEPROM are modelled.
 *
 * Threads: register accesses come from the CPU thread; the range register
 * resizes the BAR window, which the PCI layer allows there.
 */
#ifndef DEV_PLX9060_H
#define DEV_PLX9060_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct pci_dev;
struct pci_dev_config;
struct plx9060;

#define PLX9060_PCI_VENDOR 0x10B5    /* devices.md §3.9 */
#define PLX9060_PCI_DEVICE 0x9060
#define PLX9060_REGS_BAR 0           /* config 0x10 */
#define PLX9060_LOCAL_BAR 2          /* config 0x18 */
#define PLX9060_REGS_SIZE 0x1000     /* devices.md §3.9: 4 KB block */
#define PLX9060_RANGE_DEFAULT 0xFFF00000u /* devices.md §3.9: 1 MB */

#define PLX9060_LAS0RR 0x00 /* local address space 0 range */
#define PLX9060_P2LDBELL 0x60
#define PLX9060_L2PDBELL 0x64

struct plx9060_config {
    const char *name; /* for logs; copied */
    struct logger *lg;
    struct device *local; /* local space 0 (may be NULL: nothing there) */
    /* Told about each write to the PCI-to-local doorbell (may be NULL). */
    void (*doorbell)(void *ctx, uint32_t value);
    void *ctx;
};

int plx9060_create(const struct plx9060_config *c, struct plx9060 **out);
void plx9060_destroy(struct plx9060 *p);
/* The register block (BAR0's window). */
struct device *plx9060_device(struct plx9060 *p);
void plx9060_pci_config(struct plx9060 *p, struct pci_dev_config *cfg);
/* The function the PCI layer made of that configuration (for resizing
 * the local-space window); NULL detaches. */
void plx9060_attach_pci(struct plx9060 *p, struct pci_dev *pci);
/* Local space 0 size for the current range register. */
uint32_t plx9060_local_size(struct plx9060 *p);
/* The card sets the local-to-PCI doorbell. */
void plx9060_set_l2p_doorbell(struct plx9060 *p, uint32_t value);

#endif
