/*
 * Cirrus Logic CL-PD6729 PCI-to-PCMCIA host adapter, two sockets (shared
 * spec c7200.md §12.2-§12.5, §15.1; c3600-c2691-c37xx.md §3.11).
 *
 * PCI function 1013:1100, class/revision word 0, no BAR, no interrupt,
 * PLATFORM header (c7200.md §12.4). Its registers are reached through an
 * index/data pair at a fixed place in PCI I/O space, not through a BAR
 * (§12.5): a two-byte range whose byte 0 is the data register and byte 1
 * the index register (c7200: I/O offsets 0x402/0x403, i.e. CPU physical
 * 0x1_0000_0402/0x1_0000_0403). Both answer any access size with the
 * value in the low-order bits (c7200.md §0): an access at the data byte is
 * a data access, one at the index byte an index access.
 *
 * Index 0x00-0x3F addresses socket A (disk0), 0x40-0x7F socket B (disk1),
 * 0x80 and up read 0 and ignore writes. Per socket (§15.1):
 *   0x00 chip revision            reads 0x48
 *   0x01 interface status         0xEF with a card inserted, 0x80 empty
 *   0x03 interrupt/general ctl    reads 0x40
 *   0x17 FIFO control             reads 0x80 (FIFO empty)
 *   0x2E extended index           write-only (logged once)
 *   everything else               reads back what was written
 * The memory-window registers are stored but not decoded: cards sit at
 * fixed physical windows that the machine maps (§15.1; c7200: 0x40000000
 * and 0x44000000, 2 MB each, dev/ata_disk.h).
 *
 * Threads: CPU thread (or CPU stopped), as pci_bus.h.
 */
#ifndef DEV_CLPD6729_H
#define DEV_CLPD6729_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct pci_bus;
struct pci_io;
struct clpd6729;

#define CLPD6729_VENDOR_ID 0x1013 /* Cirrus Logic, c7200.md §12.4 */
#define CLPD6729_DEVICE_ID 0x1100
#define CLPD6729_SOCKETS 2
#define CLPD6729_IO_SIZE 2   /* data, index */
#define CLPD6729_IO_DATA 0   /* offsets inside the I/O range */
#define CLPD6729_IO_INDEX 1
#define CLPD6729_C7200_IO_BASE 0x402u /* c7200.md §12.5 */

/* Socket registers, c7200.md §15.1 (names from the PD6729 data book). */
#define CLPD6729_REG_CHIP_REV 0x00
#define CLPD6729_REG_IF_STATUS 0x01
#define CLPD6729_REG_INTGEN_CTRL 0x03
#define CLPD6729_REG_FIFO_CTRL 0x17
#define CLPD6729_REG_EXT_INDEX 0x2E
#define CLPD6729_SOCKET_B 0x40 /* index of socket B's register 0 */

struct clpd6729_config {
    struct pci_bus *bus; /* where the PCI function goes (NULL: none) */
    unsigned devno;      /* device number on that bus */
    struct pci_io *io;   /* I/O space of the index/data pair (NULL: none) */
    uint32_t io_base;    /* CLPD6729_C7200_IO_BASE on the c7200 */
    struct logger *lg;
};

/*
 * Creates the controller, adds its PCI function and claims its I/O range.
 * 0, -ENOMEM, or the pci_dev_add / pci_io_add error (nothing is left
 * behind on failure).
 */
int clpd6729_create(const struct clpd6729_config *c, struct clpd6729 **out);
/* Removes the PCI function and the I/O range, frees. */
void clpd6729_destroy(struct clpd6729 *pd);
/* The index/data pair as a device (what the I/O range decodes to). */
struct device *clpd6729_io_device(struct clpd6729 *pd);
/* Card detect of socket 0 (A) or 1 (B). */
void clpd6729_set_card(struct clpd6729 *pd, unsigned socket, int present);
int clpd6729_card_present(const struct clpd6729 *pd, unsigned socket);

#endif
