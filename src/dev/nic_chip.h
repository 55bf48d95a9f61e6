/*
 * The frame every network chip model builds its registers in (dec21140,
 * am79c971, i8254x, ti1570, mueslix, pos_oc3): what each one holds alike
 * around its own state, and the steps of its life cycle that are the same
 * for all of them.
 *
 *   create  -> nic_chip_init: name, register window, DMA target, logger,
 *              interrupt line, the card layer's transmit-scan kick, lock
 *   reset   -> nic_chip_irq_locked(c, 0): the line goes down if it was up
 *   loaded  -> nic_chip_kick_if(c, tx_on): a snapshot that restores the
 *              transmitter on wakes the card layer's scan (device.h)
 *   write   -> nic_chip_unlock_kick(c, tx_on): so does a register write
 *              that leaves it on
 *   destroy -> nic_chip_fini, once the chip's NIOs are detached
 *
 * The chip's own structure embeds a struct nic_chip as its first member,
 * so its struct device (first here) is also the chip's address, as the
 * snapshot's field offsets expect (dev/device.h).
 */
#ifndef DEV_NIC_CHIP_H
#define DEV_NIC_CHIP_H

#include <pthread.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct physmap;

struct nic_chip {
    struct device dev; /* the register window */
    pthread_mutex_t lock; /* registers, rings, ports */
    char name[64];        /* for logs and the PCI function */
    struct physmap *pm;   /* DMA */
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* transmitter on (card layer's scan); optional */
    /* Level the chip drives on irq; part of the chip's saved state (its
     * field table names it "irq_level", one byte). */
    uint8_t irq_level;
};

/*
 * Fill in c: name (fallback when name is NULL; copied, cut to fit), the
 * window's ops, the other parts as given; the lock is initialised and the
 * line is taken as low. Called by create on a zeroed chip, before reset.
 */
void nic_chip_init(struct nic_chip *c, const char *name, const char *fallback,
                   const struct device_ops *ops, struct physmap *pm,
                   struct logger *lg, struct irq_line irq,
                   struct tx_kick kick);
/* The lock goes; the chip's NIOs must be detached already. */
void nic_chip_fini(struct nic_chip *c);

/* Lock held: drive the interrupt line at level (0 or 1) if it changes. */
void nic_chip_irq_locked(struct nic_chip *c, int level);

/* Not under the lock: wake the card layer's transmit scan when tx_on. */
static inline void nic_chip_kick_if(struct nic_chip *c, int tx_on)
{
    if (tx_on) {
        tx_kick(&c->kick);
    }
}

/* Lock held: release it, then wake the transmit scan when tx_on (as the
 * chip saw it under the lock; the scan takes the lock itself). */
static inline void nic_chip_unlock_kick(struct nic_chip *c, int tx_on)
{
    pthread_mutex_unlock(&c->lock);
    nic_chip_kick_if(c, tx_on);
}

#endif
