/*
 * PCI bus model: bus segments, functions with their configuration space,
 * PCI-to-PCI bridges that route configuration cycles, and BARs that map a
 * function's register window into the guest physical map.
 *
 * Shape of a hierarchy (shared spec c7200.md §12.1, devices.md §1.1):
 *   - A root bus is what one host-bridge configuration port reaches (the
 *     GT's 0xCF8/0xCFC pair, or 0xCF0/0xCF4). It always carries bus
 *     number 0 and owns the port's configuration-address latch.
 *   - A secondary bus hangs behind a bridge function (type-1 header) whose
 *     register 0x18 holds primary/secondary/subordinate bus numbers. The
 *     secondary bus takes the number the guest programs there; until then
 *     it is unnumbered and unreachable.
 *   - A hidden route (c7200.md §12.3) is a bridge without a configuration
 *     function: the first request reaching its parent bus for a foreign
 *     bus number claims that number for the hidden bus, for good (until
 *     pci_bus_reset).
 *
 * Routing a configuration cycle for bus B (type 1 -> type 0): start at the
 * root; if the current bus carries number B the function is looked up
 * there; otherwise follow the bridge whose secondary..subordinate range
 * holds B (a bridge with nothing behind it ends the search), else the
 * hidden route; no route = no device.
 *
 * Two header behaviours (per function):
 *   PCI_HDR_PLATFORM - what the Cisco platforms present (c7200.md §12.1,
 *     devices.md §1.1): register 0x00 = device << 16 | vendor, 0x08 = the
 *     class/revision word, decoded BARs return the last value written,
 *     unmasked, and every write maps the window at exactly that address;
 *     everything else reads 0 / ignores writes unless the chip model's
 *     cfg_read/cfg_write hooks answer. Bridges add register 0x18.
 *   PCI_HDR_STANDARD - a PCI 2.x type-0/type-1 header: command/status,
 *     header type, BARs with size masks (write all-ones, read back the
 *     size), windows decoded only while the command register enables
 *     them, interrupt line (R/W) and pin (R/O), status bit 3 tracks the
 *     interrupt output. For platforms and tests that want real sizing.
 *
 * BAR windows are PCI memory mapped 1:1 onto CPU physical addresses
 * (c7200.md §3.1 "PCI memory (BARs)"), as uncached-only regions. I/O BARs
 * map into the pci_io space attached to the bus (STANDARD only; the
 * platform chips decode no I/O BAR, c7200.md §12.5).
 *
 * Threads: configuration cycles, BAR moves and topology changes run on
 * the CPU thread or while the CPU is stopped. pci_dev_set_irq may be called
 * from any thread if the function's irq_line tolerates it.
 */
#ifndef DEV_PCI_BUS_H
#define DEV_PCI_BUS_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct physmap;
struct pci_bus;
struct pci_dev;
struct pci_io;

#define PCI_MAX_DEVICES 32
#define PCI_MAX_FUNCTIONS 8
#define PCI_NUM_BARS 6

/* Configuration registers (PCI Local Bus spec 2.2, §6.1). */
#define PCI_REG_ID 0x00
#define PCI_REG_COMMAND 0x04 /* command (15:0), status (31:16) */
#define PCI_REG_CLASS 0x08   /* class code (31:8), revision (7:0) */
#define PCI_REG_HEADER 0x0C  /* header type in bits 23:16 */
#define PCI_REG_BAR0 0x10
#define PCI_REG_BUS_NUMBERS 0x18 /* type 1: primary, secondary, subordinate */
#define PCI_REG_SUBSYSTEM 0x2C
#define PCI_REG_INTERRUPT 0x3C /* line (7:0), pin (15:8) */

#define PCI_CMD_IO 0x0001
#define PCI_CMD_MEMORY 0x0002
#define PCI_CMD_MASTER 0x0004
#define PCI_CMD_PARITY 0x0040
#define PCI_CMD_SERR 0x0100
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_STATUS_INTERRUPT 0x0008

#define PCI_CLASS_BRIDGE_PCI 0x06040000u /* class 06.04.00, revision 0 */

/* Configuration address word (c7200.md §12.1). */
#define PCI_CFG_ENABLE 0x80000000u
#define PCI_CFG_BUS(a) (((a) >> 16) & 0xFFu)
#define PCI_CFG_DEV(a) (((a) >> 11) & 0x1Fu)
#define PCI_CFG_FN(a) (((a) >> 8) & 0x7u)
#define PCI_CFG_REG(a) ((a) & 0xFFu)
#define PCI_CFG_ADDR(bus, dev, fn, reg)                                  \
    (PCI_CFG_ENABLE | ((uint32_t)(bus) << 16) | ((uint32_t)(dev) << 11) | \
     ((uint32_t)(fn) << 8) | (uint32_t)(reg))

enum pci_header_mode {
    PCI_HDR_PLATFORM = 0,
    PCI_HDR_STANDARD = 1,
};

struct pci_bar_desc {
    /*
     * Window size in bytes; 0 = BAR not decoded (reads 0, ignores writes).
     * STANDARD: a power of two (>= 16 for memory, >= 4 for I/O). PLATFORM:
     * any size, it only bounds the mapped window.
     */
    uint32_t size;
    int io;                /* I/O-space BAR (STANDARD only) */
    struct device *window; /* what the BAR maps; may be NULL */
};

struct pci_dev_config {
    const char *name; /* copied (31 characters kept) */
    uint16_t vendor_id;
    uint16_t device_id;
    uint32_t class_rev; /* register 0x08 */
    enum pci_header_mode mode;
    uint8_t int_pin; /* STANDARD: 1 = INTA# ... 4 = INTD#, 0 = none */
    struct pci_bar_desc bar[PCI_NUM_BARS];
    struct irq_line irq; /* the function's interrupt output, machine-wired */
    /*
     * Chip-specific registers: every offset the header does not own goes
     * here (reg is the full 8-bit offset, unaligned ones included).
     * NULL hooks: read 0, writes ignored.
     */
    uint32_t (*cfg_read)(void *ctx, unsigned reg);
    void (*cfg_write)(void *ctx, unsigned reg, uint32_t value);
    void *ctx;
};

/* ---- buses ---- */

/*
 * A bus segment. number: 0 for a root, -1 for a secondary bus (its bridge
 * numbers it). pm receives BAR windows (may be NULL: nothing is mapped);
 * lg may be NULL. Returns 0 or -ENOMEM / -EINVAL.
 */
int pci_bus_create(const char *name, int number, struct physmap *pm,
                   struct logger *lg, struct pci_bus **out);
/* Removes the functions still on the bus, detaches it from its bridge. */
void pci_bus_destroy(struct pci_bus *bus);
const char *pci_bus_name(const struct pci_bus *bus);
int pci_bus_number(const struct pci_bus *bus); /* -1: unnumbered */
/* PCI I/O space for STANDARD I/O BARs of this bus (NULL = none). */
void pci_bus_set_io(struct pci_bus *bus, struct pci_io *io);
/*
 * Power-on state of everything reachable from bus: BARs 0 and unmapped,
 * command registers 0, bridges' 0x18 = 0 (secondaries unnumbered), hidden
 * routes unclaimed, configuration-address latch 0. Chip state is the
 * chip's business.
 */
void pci_bus_reset(struct pci_bus *bus);

/* The function at dev/fn on this very bus, or NULL. */
struct pci_dev *pci_bus_slot(const struct pci_bus *bus, unsigned dev,
                             unsigned fn);

/* ---- functions ---- */

/*
 * Adds a type-0 function at device dev (0-31), function fn (0-7).
 * Returns 0, -EINVAL (bad numbers or config), -EEXIST (slot taken) or
 * -ENOMEM.
 */
int pci_dev_add(struct pci_bus *bus, unsigned dev, unsigned fn,
                const struct pci_dev_config *cfg, struct pci_dev **out);
/* Unmaps the BAR windows, unhooks the function and frees it. */
void pci_dev_remove(struct pci_dev *d);

const char *pci_dev_name(const struct pci_dev *d);
struct pci_bus *pci_dev_bus(const struct pci_dev *d);
unsigned pci_dev_number(const struct pci_dev *d);
unsigned pci_dev_function(const struct pci_dev *d);
uint32_t pci_dev_id(const struct pci_dev *d); /* register 0x00 */

/* Level-sensitive interrupt output (INTx#) of the function. */
void pci_dev_set_irq(struct pci_dev *d, int level);
int pci_dev_irq_level(const struct pci_dev *d);

/* BAR i: the PCI address it holds (as register value, type bits excluded). */
uint32_t pci_dev_bar_base(const struct pci_dev *d, unsigned i);
/* 1 while BAR i's window is in the physical map (or the I/O space). */
int pci_dev_bar_mapped(const struct pci_dev *d, unsigned i);
/*
 * Changes BAR i's window size (e.g. a PLX local-space range register,
 * devices.md §3.9) and remaps it at its current base. 0 or -EINVAL.
 */
int pci_dev_set_bar_size(struct pci_dev *d, unsigned i, uint32_t size);

/* ---- bridges ---- */

/*
 * Adds a PCI-to-PCI bridge function at dev/fn of parent. secondary is the
 * bus behind it (NULL: a bridge with nothing behind it, which still answers
 * configuration cycles and ends routing for its range). cfg->class_rev 0
 * means PCI_CLASS_BRIDGE_PCI. The bridge owns register 0x18; the rest is
 * as for pci_dev_add (cfg_read/cfg_write hooks included). Returns as
 * pci_dev_add, and -EBUSY if secondary already hangs behind something.
 */
int pci_bridge_add(struct pci_bus *parent, unsigned dev, unsigned fn,
                   const struct pci_dev_config *cfg, struct pci_bus *secondary,
                   struct pci_dev **out);
/* Bus numbers of a bridge function (-1 while unprogrammed); 0 or -EINVAL. */
int pci_bridge_bus_numbers(const struct pci_dev *d, int *primary,
                           int *secondary, int *subordinate);
/* Attaches a hidden route (c7200.md §12.3) from parent to secondary. */
int pci_bus_add_hidden_route(struct pci_bus *parent, struct pci_bus *secondary);

/* ---- configuration cycles ---- */

/* Host-bridge port latch of a root bus (c7200.md §12.1). */
void pci_root_set_cfg_addr(struct pci_bus *root, uint32_t addr);
uint32_t pci_root_cfg_addr(const struct pci_bus *root);
/* Data-port cycle at the address held in the latch. */
uint32_t pci_root_cfg_data_read(struct pci_bus *root);
void pci_root_cfg_data_write(struct pci_bus *root, uint32_t value);

/*
 * One configuration cycle routed from root (bit 31 of the address is not
 * checked, c7200.md §12.1). Absent function: register 0x00 reads
 * 0xFFFFFFFF, others 0, writes dropped.
 */
uint32_t pci_cfg_read(struct pci_bus *root, uint32_t addr);
void pci_cfg_write(struct pci_bus *root, uint32_t addr, uint32_t value);

/* Routes like a configuration cycle but never claims a hidden route. */
struct pci_dev *pci_find(struct pci_bus *root, unsigned bus, unsigned dev,
                         unsigned fn);

#endif
