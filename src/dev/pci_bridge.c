/*
 * Bridge chip identities (devices.md §1.2, c7200.md §12.4). The routing
 * and register 0x18 are the generic bridge of pci_bus.c.
 */
#include "dev/pci_bridge.h"

#include <errno.h>

#include "dev/pci_bus.h"

static const struct {
    const char *name;
    uint16_t vendor, device;
} chips[PCI_BRIDGE_CHIP_COUNT] = {
    [PCI_BRIDGE_DEC21050] = {"dec21050", 0x1011, 0x0001},
    [PCI_BRIDGE_DEC21052] = {"dec21052", 0x1011, 0x0021},
    [PCI_BRIDGE_DEC21150] = {"dec21150", 0x1011, 0x0023},
    [PCI_BRIDGE_DEC21152] = {"dec21152", 0x1011, 0x0024},
    [PCI_BRIDGE_DEC21154] = {"dec21154", 0x1011, 0x0026},
    [PCI_BRIDGE_TI2050B] = {"ti2050b", 0x104C, 0xAC28},
    [PCI_BRIDGE_PLX6520CB] = {"plx6520cb", 0x10B5, 0x6520},
    [PCI_BRIDGE_PERICOM] = {"pericom", 0x12D8, 0x8150},
    [PCI_BRIDGE_AP1011] = {"ap1011", 0x14D9, 0x0010},
};

/* AP1011 HyperTransport/PCI bridge extras, devices.md §1.2. */
static uint32_t ap1011_cfg_read(void *ctx, unsigned reg)
{
    (void)ctx;
    switch (reg) {
    case 0x34: return 0x40;
    case 0x40: return 0x00210008;
    case 0x44: return 0x20;
    case 0x48: return 0xC0;
    default: return 0;
    }
}

const char *pci_bridge_chip_name(enum pci_bridge_chip chip)
{
    return (unsigned)chip < PCI_BRIDGE_CHIP_COUNT ? chips[chip].name : "?";
}

uint32_t pci_bridge_chip_id(enum pci_bridge_chip chip)
{
    if ((unsigned)chip >= PCI_BRIDGE_CHIP_COUNT)
        return 0xFFFFFFFFu;
    return (uint32_t)chips[chip].device << 16 | chips[chip].vendor;
}

int pci_bridge_chip_add(struct pci_bus *parent, unsigned dev,
                        enum pci_bridge_chip chip, struct pci_bus *secondary,
                        struct pci_dev **out)
{
    if ((unsigned)chip >= PCI_BRIDGE_CHIP_COUNT)
        return -EINVAL;
    struct pci_dev_config cfg = {
        .name = chips[chip].name,
        .vendor_id = chips[chip].vendor,
        .device_id = chips[chip].device,
        .class_rev = PCI_CLASS_BRIDGE_PCI, /* c7200.md §12.4 (observed) */
        .mode = PCI_HDR_PLATFORM,
        .cfg_read = chip == PCI_BRIDGE_AP1011 ? ap1011_cfg_read : NULL,
    };
    return pci_bridge_add(parent, dev, 0, &cfg, secondary, out);
}
