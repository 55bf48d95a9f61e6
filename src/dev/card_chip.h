/*
 * A chip model as the card layers see it: the c7200 port adapters
 * (machine/c7200/c7200_pa.c) and the network modules, on-board interfaces
 * and WICs of the 3600 family and the GT-96100 routers
 * (machine/ciscomid/mid_nm.c). Each chip model exposes one const table of
 * these operations (dec21140_card, am79c970a_card...), which both card
 * layers share; a card is a list of chips and the ports each one serves.
 *
 * Life cycle: create (from a card_chip_config) -> the card layer adds the
 * PCI function(s) from pci_config / pci_config_fn -> set_nio per port ->
 * reset through device -> destroy (which detaches the chip's NIOs).
 *
 * Threads: create, destroy and set_nio run on the thread that owns the VM
 * and never under a lock that a NIO receive handler takes (set_nio waits
 * for the event loop); tx_poll runs on the event loop (the card layer's
 * transmit timer); stats from any thread (the chips lock inside).
 */
#ifndef DEV_CARD_CHIP_H
#define DEV_CARD_CHIP_H

#include <string.h>

#include "dev/device.h"
#include "dev/nic.h"

struct logger;
struct nio;
struct pci_dev;
struct pci_dev_config;
struct physmap;

struct card_chip_config {
    const char *name; /* for logs and the PCI function; copied */
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    /* Chips that are part of the chassis rather than of the card (the
     * GT-96100's ports): the machine layer's own context, and the WIC
     * sub-slot (0-2) a card sits in. Unused by the card chips. */
    void *machine;
    unsigned wic;
    /* The card layer's transmit scan, for chips with tx_on. */
    struct tx_kick kick;
};

#define CARD_CHIP_MAX_FUNCS 4

struct card_chip_ops {
    const char *what; /* for `show hardware` and the chip's name */
    int (*create)(const struct card_chip_config *c, void **out);
    void (*destroy)(void *chip);
    /* The chip's PCI function; NULL: none (chassis chips). */
    void (*pci_config)(void *chip, struct pci_dev_config *cfg);
    /* The register window, reset with the router; NULL: none. */
    struct device *(*device)(void *chip);
    /* Port channel of the chip to a NIO (NULL: unplug); as
     * dec21140_set_nio(). */
    int (*set_nio)(void *chip, unsigned channel, struct nio *nio);
    /* Periodic transmit scan (frames sent); NULL: it sends by itself. */
    int (*tx_poll)(void *chip);
    /* Whether a scan may find frames: the transmitter is on (NULL: always
     * assumed on). A chip with tx_on calls its configuration's kick when
     * the transmitter turns on or the guest rings its doorbell. */
    int (*tx_on)(void *chip);
    /* Counters of a channel; NULL: none (zeros). */
    void (*stats)(void *chip, unsigned channel, struct nic_stats *st);
    /* Chips that present several PCI functions (devices devno, devno+1,
     * ...): how many, the configuration of function k, the PCI layer's
     * function made of it (NULL when it goes), and which one carries the
     * interrupt. 0 / NULL for the one-function chips (pci_config). */
    unsigned nfuncs;
    void (*pci_config_fn)(void *chip, unsigned k, struct pci_dev_config *cfg);
    void (*pci_attached)(void *chip, unsigned k, struct pci_dev *pci);
    unsigned irq_fn;
};

static inline int card_chip_tx_poll(const struct card_chip_ops *o,
                                    void *chip)
{
    return o->tx_poll ? o->tx_poll(chip) : 0;
}

static inline int card_chip_tx_on(const struct card_chip_ops *o, void *chip)
{
    return o->tx_poll && (!o->tx_on || o->tx_on(chip));
}

static inline void card_chip_reset(const struct card_chip_ops *o, void *chip)
{
    struct device *dev = o->device ? o->device(chip) : NULL;
    if (dev) {
        dev_reset(dev);
    }
}

static inline void card_chip_stats(const struct card_chip_ops *o, void *chip,
                                   unsigned channel, struct nic_stats *st)
{
    memset(st, 0, sizeof(*st));
    if (o->stats) {
        o->stats(chip, channel, st);
    }
}

/*
 * The adapters every chip model writes alike, from its typed API to the
 * table's void pointer (P is the model's prefix: dec21140, mueslix...).
 *
 * CARD_CHIP_ADAPTERS(P): P_destroy(struct P *), P_device(struct P *),
 * P_tx_poll(struct P *) and P_tx_on(struct P *) as P_card_destroy,
 * P_card_device, P_card_tx_poll and P_card_tx_on.
 */
#define CARD_CHIP_ADAPTERS(P)                                              \
    static void P##_card_destroy(void *chip)                               \
    {                                                                      \
        P##_destroy(chip);                                                 \
    }                                                                      \
    static struct device *P##_card_device(void *chip)                      \
    {                                                                      \
        return P##_device(chip);                                           \
    }                                                                      \
    static int P##_card_tx_poll(void *chip)                                \
    {                                                                      \
        return P##_tx_poll(chip);                                          \
    }                                                                      \
    static int P##_card_tx_on(void *chip)                                  \
    {                                                                      \
        return P##_tx_on(chip);                                            \
    }

/* P_pci_config(struct P *, struct pci_dev_config *) as P_card_pci. */
#define CARD_CHIP_PCI_ADAPTER(P)                                           \
    static void P##_card_pci(void *chip, struct pci_dev_config *cfg)       \
    {                                                                      \
        P##_pci_config(chip, cfg);                                         \
    }

/* A one-port chip: P_set_nio(struct P *, struct nio *) and
 * P_get_stats(struct P *, struct nic_stats *) as P_card_set_nio and
 * P_card_stats (the channel is not looked at). */
#define CARD_CHIP_PORT_ADAPTERS(P)                                         \
    static int P##_card_set_nio(void *chip, unsigned ch, struct nio *nio)  \
    {                                                                      \
        (void)ch;                                                          \
        return P##_set_nio(chip, nio);                                     \
    }                                                                      \
    static void P##_card_stats(void *chip, unsigned ch,                    \
                               struct nic_stats *st)                       \
    {                                                                      \
        (void)ch;                                                          \
        P##_get_stats(chip, st);                                           \
    }

/* A chip with channels: P_set_nio(struct P *, unsigned, struct nio *) and
 * P_get_stats(struct P *, unsigned, struct nic_stats *). */
#define CARD_CHIP_CHANNEL_ADAPTERS(P)                                      \
    static int P##_card_set_nio(void *chip, unsigned ch, struct nio *nio)  \
    {                                                                      \
        return P##_set_nio(chip, ch, nio);                                 \
    }                                                                      \
    static void P##_card_stats(void *chip, unsigned ch,                    \
                               struct nic_stats *st)                       \
    {                                                                      \
        P##_get_stats(chip, ch, st);                                       \
    }

#endif
