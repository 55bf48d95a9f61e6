/*
 * The chips behind the cards of mid_nm.c, as card_chip_ops tables
 * (dev/card_chip.h): the card chips' own (Am79C971 in its two identities,
 * Mueslix in chip mode 0, the NM-16ESW's BCM5605) and, defined here, the
 * GT-96100's Ethernet ports and MPSC channels, which belong to the chassis
 * (shared spec c3600-c2691-c37xx.md §5, §4.9; devices.md §2.2, §2.3).
 * Their card_chip_config carries the struct mid (machine) and the WIC.
 */
#ifndef MACHINE_CISCOMID_MID_NM_CHIPS_H
#define MACHINE_CISCOMID_MID_NM_CHIPS_H

#include "dev/card_chip.h"

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

/* The adapter of a chip kind (enum chip_kind), NULL for chips not
 * emulated here: the card layer's card_chip_ops_of_fn. */
const struct card_chip_ops *chip_ops_of(unsigned kind);

#endif
