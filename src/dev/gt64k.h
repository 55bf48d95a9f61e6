/*
 * Galileo GT-64010 / GT-64120 system controller as the c7200 NPEs present
 * it (shared spec c7200.md §11): a 4 KB register window (0x14000000, and
 * 0x15000000 for the NPE-300's second GT-64120) holding the PCI
 * configuration ports, the interrupt cause/mask pair and four DMA
 * channels. Fixed DRAM-decode values are answered; everything else reads 0.
 *
 * Byte order (§11.1): the register file is little-endian. A CPU write is
 * byte-reversed (all four bytes, whatever the access size) before it
 * reaches a register; a read returns the byte-reversed register value in
 * the low-order bits. Register values below are the GT's own.
 *
 * PCI: the 0xCF8/0xCFC pair drives root bus bus0, the 0xCF0/0xCF4 pair
 * (GT-64120 only) root bus bus1 ("MB2"); each root owns its address latch,
 * so two controllers sharing the roots (NPE-300) share the latches. With
 * pci_identity set the GT adds itself as bus 0 device 0 (11AB:0146 or
 * 11AB:4620, register 0x08 per §12.4).
 *
 * Interrupt (§11.4): irq (CPU line 4 on the c7200) is asserted while
 * cause AND mask != 0. DMA (§11.3) runs to completion inside the control
 * register write, through the physical map (byte-swap windows apply).
 *
 * Threads: register accesses from the CPU thread.
 */
#ifndef DEV_GT64K_H
#define DEV_GT64K_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct physmap;
struct pci_bus;
struct gt64k;

enum gt64k_model {
    GT64010,
    GT64120,
};

#define GT64K_WINDOW_SIZE 0x1000u /* c7200.md §3.1 */

/* Register offsets, c7200.md §11.2. */
#define GT_RAS10_LOW 0x008
#define GT_RAS10_HIGH 0x010
#define GT_RAS32_LOW 0x018
#define GT_RAS32_HIGH 0x020
#define GT_RAS0_LOW 0x400
#define GT_RAS0_HIGH 0x404
#define GT_RAS1_LOW 0x408
#define GT_RAS1_HIGH 0x40C
#define GT_RAS2_LOW 0x410
#define GT_RAS2_HIGH 0x414
#define GT_RAS3_LOW 0x418
#define GT_RAS3_HIGH 0x41C
#define GT_DMA_SRC(ch) (0x810 + 4 * (ch))
#define GT_DMA_DST(ch) (0x820 + 4 * (ch))
#define GT_DMA_NEXT(ch) (0x830 + 4 * (ch))
#define GT_DMA_CTRL(ch) (0x840 + 4 * (ch))
#define GT_PCI_COMMAND 0xC00
#define GT_PCI_CS10_SIZE 0xC08
#define GT_PCI_CS32_SIZE 0xC0C
#define GT_INT_CAUSE 0xC18
#define GT_INT_MASK 0xC1C
#define GT_PCI1_CFG_ADDR 0xCF0 /* GT-64120 only */
#define GT_PCI1_CFG_DATA 0xCF4
#define GT_PCI0_CFG_ADDR 0xCF8
#define GT_PCI0_CFG_DATA 0xCFC

#define GT_DMA_CHANNELS 4
/* Channel control bits used (c7200.md §11.3). */
#define GT_DMA_CHAIN_DISABLE 0x00000200u /* 0 = chained */
#define GT_DMA_CHAN_ENABLE 0x00001000u
#define GT_DMA_FETCH_NEXT 0x00002000u
/* Interrupt cause bit of a finished channel (bits 4-7). */
#define GT_INT_DMA_DONE(ch) (1u << (4 + (ch)))

struct gt64k_config {
    enum gt64k_model model;
    const char *name; /* kept by pointer; NULL = the model's name */
    struct logger *lg;
    struct physmap *pm;   /* DMA target; required */
    struct pci_bus *bus0; /* root behind 0xCF8/0xCFC; may be NULL */
    struct pci_bus *bus1; /* root behind 0xCF0/0xCF4 (GT-64120); may be NULL */
    int pci_identity;     /* add bus0 device 0 for this controller */
    struct irq_line irq;  /* unset = cannot interrupt (NPE-300 second GT) */
};

/* 0, -EINVAL, -EEXIST (bus0 device 0 taken) or -ENOMEM. */
int gt64k_create(const struct gt64k_config *c, struct gt64k **out);
/* Removes the PCI identity and frees. */
void gt64k_destroy(struct gt64k *gt);
struct device *gt64k_device(struct gt64k *gt);

/* Register values (GT byte order), for tests and debug dumps. */
uint32_t gt64k_int_cause(const struct gt64k *gt);
uint32_t gt64k_int_mask(const struct gt64k *gt);
int gt64k_irq_level(const struct gt64k *gt);
/* Raise cause bits from inside the controller's world (tests, timers). */
void gt64k_set_cause(struct gt64k *gt, uint32_t bits);

#endif
