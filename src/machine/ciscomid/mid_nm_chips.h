/*
 * The chips behind the cards of mid_nm.c: one adapter per chip model
 * (Am79C971 in its two identities, Mueslix in chip mode 0, the GT-96100's
 * Ethernet ports and MPSC channels, the NM-16ESW's BCM5605) giving the
 * card layer one interface
 * (shared spec c3600-c2691-c37xx.md §5; devices.md §2.2, §2.3).
 */
#ifndef MACHINE_CISCOMID_MID_NM_CHIPS_H
#define MACHINE_CISCOMID_MID_NM_CHIPS_H

#include <stdint.h>

#include "dev/device.h"

struct mid;
struct nio;
struct pci_dev_config;

enum chip_kind {
    CHIP_AM79C970A, /* Am79C971 model with the 10BASE-T identity */
    CHIP_AM79C971,  /* 100BASE-TX identity */
    CHIP_MUESLIX,   /* chip mode 0 (devices.md §3.6) */
    CHIP_GT_ETH,    /* the GT-96100's Ethernet ports */
    CHIP_GT_MPSC,   /* GT-96100 MPSC channels of a WIC */
    CHIP_BCM5605,   /* NM-16ESW switch */
    CHIP_I8255X,    /* NM-NAM, NM-CIDS: not emulated */
    CHIP_GT_MPSC_ETH, /* WIC-1ENET: Ethernet frames on an MPSC channel */
    CHIP_NONE,      /* a card without a chip model */
};

struct chip_stats {
    uint64_t rx_frames, rx_dropped, tx_frames, tx_dropped;
};

/* What the card layer needs from a chip model. */
struct chip_ops {
    const char *what; /* for `show hardware` */
    /* wic: the WIC sub-slot (0-2) of an MPSC card, else 0 */
    int (*create)(struct mid *m, int wic, const char *name,
                  struct irq_line irq, void **out);
    void (*destroy)(void *chip);
    void (*pci_config)(void *chip, struct pci_dev_config *cfg); /* or NULL */
    struct device *(*device)(void *chip);                        /* or NULL */
    int (*set_nio)(void *chip, unsigned channel, struct nio *nio);
    int (*tx_poll)(void *chip);
    void (*stats)(void *chip, unsigned channel, struct chip_stats *st);
};

/* The adapter of a chip kind, NULL for chips not emulated here. */
const struct chip_ops *chip_ops_of(enum chip_kind k);

#endif
