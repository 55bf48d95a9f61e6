/*
 * The PCI-to-PCI bridge chips of the Cisco platforms (devices.md §1.2,
 * c7200.md §12.4). They differ only by identity: each is a pci_bus.h
 * bridge function in the platform header mode (register 0x08 reads
 * 0x06040000, register 0x18 holds the bus numbers, everything else reads
 * 0), except the AP1011, which answers four more registers.
 */
#ifndef DEV_PCI_BRIDGE_H
#define DEV_PCI_BRIDGE_H

#include <stdint.h>

struct pci_bus;
struct pci_dev;

enum pci_bridge_chip {
    PCI_BRIDGE_DEC21050,  /* 1011:0001 */
    PCI_BRIDGE_DEC21052,  /* 1011:0021 */
    PCI_BRIDGE_DEC21150,  /* 1011:0023 */
    PCI_BRIDGE_DEC21152,  /* 1011:0024 */
    PCI_BRIDGE_DEC21154,  /* 1011:0026 */
    PCI_BRIDGE_TI2050B,   /* 104C:AC28 */
    PCI_BRIDGE_PLX6520CB, /* 10B5:6520 */
    PCI_BRIDGE_PERICOM,   /* 12D8:8150 */
    PCI_BRIDGE_AP1011,    /* 14D9:0010 */
    PCI_BRIDGE_CHIP_COUNT
};

const char *pci_bridge_chip_name(enum pci_bridge_chip chip);
uint32_t pci_bridge_chip_id(enum pci_bridge_chip chip); /* register 0x00 */

/*
 * Adds the chip as function 0 of device dev on parent, bridging to
 * secondary (NULL: nothing behind it). Returns as pci_bridge_add.
 */
int pci_bridge_chip_add(struct pci_bus *parent, unsigned dev,
                        enum pci_bridge_chip chip, struct pci_bus *secondary,
                        struct pci_dev **out);

#endif
