/*
 * Flash storage of the 3600 family and the GT-96100 routers (shared spec
 * c3600-c2691-c37xx.md §3.10, §3.11, §4.10):
 *   3600 family: an 8 MB bootflash SIMM (four Intel 28F016SA, byte
 *     interleaved) at 0x30000000, the CL-PD6729 PCMCIA controller at bus 0
 *     device 20 with its index/data pair at PCI I/O 0x4403/0x4402, and
 *     PCMCIA ATA disks disk0 / disk1 at 0x40000000 / 0x44000000 when their
 *     size is not 0 (default 0);
 *   GT-96100 routers: CompactFlash disk0 (system, IOS flash:, default
 *     16 MB) at 0x30000000 and disk1 (removable, slot0:) at 0x32000000.
 * Files: <prefix>_bootflash, <prefix>_disk0, <prefix>_disk1.
 */
#ifndef MACHINE_CISCOMID_MID_STORAGE_H
#define MACHINE_CISCOMID_MID_STORAGE_H

#include <stddef.h>

struct mid;
struct pci_bus;
struct pci_io;
struct mid_storage;

/* 3600 family: bus/devno of the PD6729, the PCI I/O space of its ports. */
int mid_storage_create_3600(struct mid *m, struct pci_bus *bus,
                            unsigned devno, struct pci_io *io, char *err,
                            size_t errlen);
/* GT-96100 routers. */
int mid_storage_create_cf(struct mid *m, char *err, size_t errlen);
void mid_storage_destroy(struct mid_storage *s);
void mid_storage_reset(struct mid_storage *s);

#endif
