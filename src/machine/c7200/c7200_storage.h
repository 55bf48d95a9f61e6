/*
 * Cisco 7200 storage wiring (shared spec c7200.md §3.1, §12.3-§12.5, §14,
 * §15): the bootflash SIMM, the CL-PD6729 PCMCIA controller and the ATA
 * flash disks in its two sockets.
 *
 * Physical map entries it owns:
 *   0x1A00_0000  8 MB  bootflash, 4 x 28F016SA byte-interleaved
 *                      (uncached accesses only, §3.1)
 *   0x4000_0000  2 MB  socket A card (disk0), when disk0 > 0 MB
 *   0x4400_0000  2 MB  socket B card (disk1), when disk1 > 0 MB
 * and, in the PCI side built by c7200_pci.h: the PD6729 function where
 * c7200_pci_pcmcia_bus() says (bus 0 device 5, or the hidden bus device
 * 16), its index/data pair at PCI I/O 0x402/0x403 (§12.5).
 *
 * Image files: <prefix>_bootflash, <prefix>_disk0, <prefix>_disk1 in the
 * working directory (hypervisor.md §4.6), policies in dev/bootflash.h and
 * dev/ata_disk.h.
 */
#ifndef MACHINE_C7200_STORAGE_H
#define MACHINE_C7200_STORAGE_H

#include <stddef.h>

struct logger;
struct physmap;
struct c7200_pci;
struct c7200_storage;

#define C7200_BOOTFLASH_BASE 0x1A000000ull /* c7200.md §3.1 */
#define C7200_PCMCIA_A_BASE 0x40000000ull
#define C7200_PCMCIA_B_BASE 0x44000000ull

struct c7200_storage_config {
    struct physmap *pm;
    struct logger *lg;
    struct c7200_pci *pci;
    const char *file_prefix; /* "c7200_i0": image files <prefix>_<name> */
    unsigned disk_mb[2];     /* disk0, disk1; 0 = empty socket */
};

/*
 * Builds and maps everything above. 0, or a negative errno with a message
 * naming the device and the file in err (nothing is left behind).
 */
int c7200_storage_create(const struct c7200_storage_config *c,
                         struct c7200_storage **out, char *err,
                         size_t errlen);
/* Unmaps and frees (before the PCI side and the physical map go). */
void c7200_storage_destroy(struct c7200_storage *s);
/* Power-on state of the chips; the stored bytes stay. */
void c7200_storage_reset(struct c7200_storage *s);

#endif
