/*
 * Packet SRAM of the NPE-150 and NPE-200 (shared spec c7200.md §3.2): one
 * bank is plain memory at its physical base, the same storage again at
 * base + 0x1_0000_0000 (33-bit alias), a byte-swapped view (§3.3) at
 * base + 0x80_0000, and a PCI function 1137:0005 without decoded BARs
 * (§12.2, §12.4) at device 0 of its "PA bays" bus.
 *
 * The machine creates two banks (sram0 / sram1). Memory answers cached
 * and uncached accesses; the byte-swapped view only uncached ones (§3.1).
 */
#ifndef DEV_C7200_SRAM_H
#define DEV_C7200_SRAM_H

#include <stddef.h>
#include <stdint.h>

struct logger;
struct physmap;
struct pci_bus;
struct c7200_sram;

#define C7200_SRAM_ALIAS_OFFSET 0x100000000ull /* §3.2 */
#define C7200_SRAM_BSWAP_OFFSET 0x800000ull    /* §3.2 */
#define C7200_SRAM_PCI_VENDOR 0x1137
#define C7200_SRAM_PCI_DEVICE 0x0005

struct c7200_sram_config {
    const char *name; /* "sram0"; copied */
    struct physmap *pm;
    struct logger *lg;
    uint64_t base;
    size_t size;
    struct pci_bus *bus; /* NULL: no PCI identity */
    unsigned devno;
};

/* Maps the three windows and adds the PCI function; 0 or -errno. */
int c7200_sram_create(const struct c7200_sram_config *c,
                      struct c7200_sram **out);
/* Unmaps everything and frees the memory. */
void c7200_sram_destroy(struct c7200_sram *s);
/* The bank's storage (size bytes, guest byte order). */
uint8_t *c7200_sram_host(struct c7200_sram *s);

#endif
