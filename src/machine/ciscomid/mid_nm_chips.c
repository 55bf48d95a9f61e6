/*
 * Chip adapters of the card layer (see mid_nm_chips.h).
 */
#include "machine/ciscomid/mid_nm_chips.h"

#include <errno.h>
#include <stdlib.h>

#include "dev/am79c971.h"
#include "dev/bcm5605.h"
#include "dev/gt96k.h"
#include "dev/mueslix.h"
#include "dev/nic.h"
#include "machine/ciscomid/mid.h"

/* ---- Am79C971 / Am79C970A ---- */

static int am_create(const char *name, enum am79c971_type type,
                     struct mid *m, struct irq_line irq, void **out)
{
    struct am79c971_config c = {.name = name, .type = type, .pm = &m->vm->pm,
                                .lg = m->vm->log, .irq = irq};
    return am79c971_create(&c, (struct am79c971 **)out);
}

static int am10_create(struct mid *m, int wic, const char *name,
                       struct irq_line irq, void **out)
{
    (void)wic;
    /* devices.md §3.2: NM-1E / NM-4E present the Am79C970A */
    return am_create(name, AM79C971_10BASE_T, m, irq, out);
}

static int am100_create(struct mid *m, int wic, const char *name,
                        struct irq_line irq, void **out)
{
    (void)wic;
    return am_create(name, AM79C971_100BASE_TX, m, irq, out);
}

static void am_destroy(void *chip)
{
    am79c971_destroy(chip);
}

static void am_pci(void *chip, struct pci_dev_config *cfg)
{
    am79c971_pci_config(chip, cfg);
}

static struct device *am_device(void *chip)
{
    return am79c971_device(chip);
}

static int am_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    (void)ch;
    return am79c971_set_nio(chip, nio);
}

static int am_tx_poll(void *chip)
{
    return am79c971_tx_poll(chip);
}

static void am_stats(void *chip, unsigned ch, struct chip_stats *st)
{
    struct nic_stats s;
    (void)ch;
    am79c971_get_stats(chip, &s);
    *st = (struct chip_stats){s.rx_frames, s.rx_dropped, s.tx_frames,
                              s.tx_dropped};
}

static const struct chip_ops am79c970a_chip = {
    "Am79C970A", am10_create, am_destroy, am_pci, am_device,
    am_set_nio, am_tx_poll, am_stats,
};

static const struct chip_ops am79c971_chip = {
    "Am79C971", am100_create, am_destroy, am_pci, am_device,
    am_set_nio, am_tx_poll, am_stats,
};

/* ---- Mueslix ---- */

static int mx_create(struct mid *m, int wic, const char *name,
                     struct irq_line irq, void **out)
{
    (void)wic;
    /* devices.md §3.6: the NM-4T runs chip mode 0 */
    struct mueslix_config c = {.name = name, .mode = MUESLIX_MODE_NM,
                               .pm = &m->vm->pm, .lg = m->vm->log,
                               .irq = irq};
    return mueslix_create(&c, (struct mueslix **)out);
}

static void mx_destroy(void *chip)
{
    mueslix_destroy(chip);
}

static void mx_pci(void *chip, struct pci_dev_config *cfg)
{
    mueslix_pci_config(chip, cfg);
}

static struct device *mx_device(void *chip)
{
    return mueslix_device(chip);
}

static int mx_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    return mueslix_set_nio(chip, ch, nio);
}

static int mx_tx_poll(void *chip)
{
    return mueslix_tx_poll(chip);
}

static void mx_stats(void *chip, unsigned ch, struct chip_stats *st)
{
    struct nic_stats s;
    mueslix_get_stats(chip, ch, &s);
    *st = (struct chip_stats){s.rx_frames, s.rx_dropped, s.tx_frames,
                              s.tx_dropped};
}

static const struct chip_ops mueslix_chip = {
    "Mueslix", mx_create, mx_destroy, mx_pci, mx_device,
    mx_set_nio, mx_tx_poll, mx_stats,
};

/* ---- GT-96100 Ethernet ports and MPSC channels ---- */

/* The GT belongs to the chassis; a card only points at its ports. */
struct gt_ref {
    struct gt96k *gt;
    int wic; /* MPSC: WIC index 0-2 */
};

/* §4.9: WIC w port p -> MPSC channel */
static const uint8_t wic_mpsc[MID_MAX_WICS][2] = {{1, 0}, {4, 2}, {5, 3}};

static int gt_ref_create(struct mid *m, int wic, void **out)
{
    struct gt96k *gt = m->plat->gt96k ? m->plat->gt96k(m) : NULL;
    if (!gt)
        return -ENODEV;
    struct gt_ref *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->gt = gt;
    r->wic = wic;
    *out = r;
    return 0;
}

static void gt_ref_destroy(void *chip)
{
    free(chip);
}

static int gte_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    return gt96k_eth_set_nio(((struct gt_ref *)chip)->gt, ch, nio);
}

static int gte_tx_poll(void *chip)
{
    return gt96k_tx_poll(((struct gt_ref *)chip)->gt);
}

static void gt_stats_conv(const struct gt96k_stats *s, struct chip_stats *st)
{
    *st = (struct chip_stats){s->rx_frames, s->rx_dropped, s->tx_frames,
                              s->tx_dropped};
}

static void gte_stats(void *chip, unsigned ch, struct chip_stats *st)
{
    struct gt96k_stats s;
    gt96k_eth_stats(((struct gt_ref *)chip)->gt, ch, &s);
    gt_stats_conv(&s, st);
}

static int no_tx_poll(void *chip)
{
    (void)chip;
    return 0;
}

static int mpsc_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    struct gt_ref *r = chip;
    if (ch > 1)
        return -EINVAL;
    return gt96k_mpsc_set_nio(r->gt, wic_mpsc[r->wic][ch], nio);
}

static void mpsc_stats(void *chip, unsigned ch, struct chip_stats *st)
{
    struct gt_ref *r = chip;
    struct gt96k_stats s;
    gt96k_mpsc_stats(r->gt, wic_mpsc[r->wic][ch & 1], &s);
    gt_stats_conv(&s, st);
}

static int gte_create(struct mid *m, int wic, const char *name,
                      struct irq_line irq, void **out)
{
    (void)wic;
    (void)name;
    (void)irq; /* the GT drives its own lines (§4.3) */
    return gt_ref_create(m, 0, out);
}

static int mpsc_create(struct mid *m, int wic, const char *name,
                       struct irq_line irq, void **out)
{
    (void)name;
    (void)irq;
    return gt_ref_create(m, wic, out);
}

static const struct chip_ops gt_eth_chip = {
    "GT-96100 Ethernet", gte_create, gt_ref_destroy, NULL, NULL,
    gte_set_nio, gte_tx_poll, gte_stats,
};

static const struct chip_ops gt_mpsc_chip = {
    "GT-96100 MPSC", mpsc_create, gt_ref_destroy, NULL, NULL,
    mpsc_set_nio, no_tx_poll, mpsc_stats,
};

/*
 * WIC-1ENET (§5.2 EEPROM; the reference drives it only on the 1700, from
 * an MPC860 SCC channel): here its one port is the MPSC channel of the
 * WIC's port 0 (§4.9), carrying Ethernet frames (received counts include
 * the 4 FCS bytes).
 */
static int mpsc_eth_create(struct mid *m, int wic, const char *name,
                           struct irq_line irq, void **out)
{
    (void)name;
    (void)irq;
    int rc = gt_ref_create(m, wic, out);
    if (rc == 0)
        gt96k_mpsc_set_ethernet(((struct gt_ref *)*out)->gt,
                                wic_mpsc[wic][0], 1);
    return rc;
}

static void mpsc_eth_destroy(void *chip)
{
    struct gt_ref *r = chip;
    gt96k_mpsc_set_ethernet(r->gt, wic_mpsc[r->wic][0], 0);
    free(r);
}

static int mpsc_eth_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    return ch == 0 ? mpsc_set_nio(chip, 0, nio) : -EINVAL;
}

static const struct chip_ops gt_mpsc_eth_chip = {
    "GT-96100 MPSC (Ethernet)", mpsc_eth_create, mpsc_eth_destroy, NULL,
    NULL, mpsc_eth_set_nio, no_tx_poll, mpsc_stats,
};

/* ---- BCM5605 (NM-16ESW) ---- */

static int bcm_create(struct mid *m, int wic, const char *name,
                      struct irq_line irq, void **out)
{
    (void)wic;
    struct bcm5605_config c = {.name = name, .pm = &m->vm->pm,
                               .lg = m->vm->log, .irq = irq};
    return bcm5605_create(&c, (struct bcm5605 **)out);
}

static void bcm_destroy(void *chip)
{
    bcm5605_destroy(chip);
}

static void bcm_pci(void *chip, struct pci_dev_config *cfg)
{
    bcm5605_pci_config(chip, cfg);
}

static struct device *bcm_device(void *chip)
{
    return bcm5605_device(chip);
}

static int bcm_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    return bcm5605_set_nio(chip, ch, nio);
}

static int bcm_tx_poll(void *chip)
{
    return bcm5605_tx_poll(chip);
}

static void bcm_stats(void *chip, unsigned ch, struct chip_stats *st)
{
    struct bcm5605_stats s;
    bcm5605_get_stats(chip, ch, &s);
    *st = (struct chip_stats){s.rx_frames, s.rx_dropped, s.tx_frames,
                              s.tx_dropped};
}

static const struct chip_ops bcm5605_chip = {
    "BCM5605", bcm_create, bcm_destroy, bcm_pci, bcm_device,
    bcm_set_nio, bcm_tx_poll, bcm_stats,
};

const struct chip_ops *chip_ops_of(enum chip_kind k)
{
    switch (k) {
    case CHIP_AM79C970A: return &am79c970a_chip;
    case CHIP_AM79C971: return &am79c971_chip;
    case CHIP_MUESLIX: return &mueslix_chip;
    case CHIP_GT_ETH: return &gt_eth_chip;
    case CHIP_GT_MPSC: return &gt_mpsc_chip;
    case CHIP_GT_MPSC_ETH: return &gt_mpsc_eth_chip;
    case CHIP_BCM5605: return &bcm5605_chip;
    default: return NULL; /* not emulated */
    }
}

