/*
 * PCI I/O space window (shared spec c7200.md §12.5): a 2 MB physical
 * window (0x1_0000_0000 on the c7200) in which I/O ranges of PCI functions
 * are decoded. An access at window offset X reaches the range holding X
 * with the offset from the range start; nothing there reads 0 and drops
 * writes. Ranges are added by the machine (fixed addresses, as the
 * CL-PD6729 at 0x402/0x403) or by STANDARD-header I/O BARs (pci_bus.h).
 *
 * Threads: as pci_bus.h (CPU thread or CPU stopped).
 */
#ifndef DEV_PCI_IO_H
#define DEV_PCI_IO_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct pci_io;

#define PCI_IO_WINDOW_SIZE 0x200000u /* 2 MB, c7200.md §3.1 */

/* 0 or -ENOMEM. */
int pci_io_create(struct logger *lg, struct pci_io **out);
void pci_io_destroy(struct pci_io *io);
/* The window to map in the physical map. */
struct device *pci_io_device(struct pci_io *io);

/*
 * Decodes [start, start + size) to dev. 0, -EINVAL (empty range, beyond
 * the window), -EEXIST (overlap) or -ENOMEM.
 */
int pci_io_add(struct pci_io *io, uint32_t start, uint32_t size,
               struct device *dev);
/* Removes the range starting at start; 0 or -ENOENT. */
int pci_io_remove(struct pci_io *io, uint32_t start);

#endif
