/*
 * Cisco 7200 system controller and PCI side (shared spec c7200.md §3, §11,
 * §12): the GT-64010/GT-64120 controller(s), the per-NPE PCI topology of
 * §12.2 (bridges with the exact device numbers, the hidden PCMCIA route of
 * §12.3, packet SRAM functions), the byte-swapped window over physical 0
 * (§3.3), packet SRAM banks (§3.2) and the PCI I/O space (§12.5).
 *
 * Physical map entries it owns (§3.1, §3.5):
 *   0x1400_0000  4 KB   GT #1                (all NPEs)
 *   0x1500_0000  4 KB   GT-64120 #2          (NPE-300)
 *   0x4B00_0000  ...    packet SRAM banks, aliases at +0x1_0000_0000,
 *                       byte-swapped views at +0x80_0000 (NPE-150/200)
 *   0xC000_0000  1 GB   byte-swapped view of physical 0
 *   0x1_0000_0000 2 MB  PCI I/O space
 *   BAR windows wherever the guest programs them.
 *
 * What port adapters use (after the machine created this):
 *   bus = c7200_pci_bay_bus(pci, bay);
 *   cfg.irq = c7200_pci_bay_irq(pci, bay, port);   (MP FPGA, §4.2)
 *   pci_dev_add(bus, devno, 0, &cfg, &dev);  ...  pci_dev_set_irq(dev, 1);
 * or c7200_pci_add_device() which does the two steps. Card models remove
 * their functions (pci_dev_remove) before the machine destroys this.
 *
 * Threads: as pci_bus.h.
 */
#ifndef MACHINE_C7200_PCI_H
#define MACHINE_C7200_PCI_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct physmap;
struct pci_bus;
struct pci_dev;
struct pci_dev_config;
struct pci_io;
struct gt64k;
struct c7200_mpfpga;
struct c7200_pci;
struct vm;

/* c7200.md §3.1 */
#define C7200_GT_BASE_1 0x14000000ull
#define C7200_GT_BASE_2 0x15000000ull /* NPE-300 */
#define C7200_SRAM_BASE 0x4B000000ull
#define C7200_BSWAP_BASE 0xC0000000ull
#define C7200_BSWAP_SIZE 0x40000000ull /* 1 GB over physical 0 */
#define C7200_PCI_IO_BASE 0x100000000ull

#define C7200_PCI_BAYS 7 /* bays 0-6 have a PCI bus on the MIPS NPEs */

struct c7200_pci_config {
    const char *npe;      /* "npe-100" ... "npe-400" */
    const char *midplane; /* "vxr" (default) or "std": bay bridge chip */
    struct physmap *pm;
    struct logger *lg;
    struct irq_line gt_irq;      /* CPU line 4 (§4.1) */
    struct c7200_mpfpga *mpfpga; /* bay interrupts (§4.2); NULL = none */
};

/*
 * Builds everything above and maps it. Returns 0, -EINVAL (unknown NPE or
 * midplane), -EEXIST (a window collides with the map) or -ENOMEM.
 */
int c7200_pci_create(const struct c7200_pci_config *c, struct c7200_pci **out);
/* Unmaps and frees everything (call before the physical map is freed). */
void c7200_pci_destroy(struct c7200_pci *p);
/* Power-on state: GT registers, bus numbers, BARs, hidden route. */
void c7200_pci_reset(struct c7200_pci *p);

/* PCI bus of bay 0-6 (bay 0 = the main bus on NPE-100/150/200), or NULL. */
struct pci_bus *c7200_pci_bay_bus(struct c7200_pci *p, unsigned bay);
/*
 * Device number of the C7200-IO-FE's DEC21140 on the bay-0 bus: 6 on
 * NPE-100/150/200 (bus 0 itself), 0 on the others (§12.2, devices.md §2.1).
 */
unsigned c7200_pci_bay0_device(const struct c7200_pci *p);
/* The interrupt line of (bay, port): MP FPGA network status bit (§4.2). */
struct irq_line c7200_pci_bay_irq(struct c7200_pci *p, unsigned bay,
                                  unsigned port);
/*
 * pci_dev_add on bay's bus with cfg->irq replaced by the (bay, irq_port)
 * line (irq_port < 0: keep cfg->irq, e.g. no interrupt). 0 or -errno.
 */
int c7200_pci_add_device(struct c7200_pci *p, unsigned bay, unsigned devno,
                         int irq_port, const struct pci_dev_config *cfg,
                         struct pci_dev **out);

/* Where the CL-PD6729 goes: bus 0 device 5, or the hidden bus device 16. */
struct pci_bus *c7200_pci_pcmcia_bus(struct c7200_pci *p, unsigned *devno);
struct pci_io *c7200_pci_io(struct c7200_pci *p);
/* Root behind GT port 0 (0xCF8/0xCFC) or 1 (0xCF0/0xCF4; NULL on GT-64010). */
struct pci_bus *c7200_pci_root(struct c7200_pci *p, unsigned port);
/* GT i (0, or 1 on NPE-300), or NULL. */
struct gt64k *c7200_pci_gt(struct c7200_pci *p, unsigned i);

/* The running c7200's instance (defined in c7200.c). */
struct c7200_pci *c7200_machine_pci(struct vm *vm);

#endif
