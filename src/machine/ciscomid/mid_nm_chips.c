/*
 * The chip tables of the card layer: the GT-96100's ports, and which
 * table serves each chip kind (see mid_nm_chips.h).
 */
#include "machine/ciscomid/mid_nm_chips.h"

#include <errno.h>
#include <stdlib.h>

#include "dev/am79c971.h"
#include "dev/bcm5605.h"
#include "dev/gt96k.h"
#include "dev/mueslix.h"
#include "machine/ciscomid/mid.h"

/* ---- GT-96100 Ethernet ports and MPSC channels ---- */

/* The GT belongs to the chassis; a card only points at its ports. */
struct gt_ref {
    struct gt96k *gt;
    int wic; /* MPSC: WIC index 0-2 */
};

/* §4.9: WIC w port p -> MPSC channel */
static const uint8_t wic_mpsc[MID_MAX_WICS][2] = {{1, 0}, {4, 2}, {5, 3}};

static int gt_ref_create(const struct card_chip_config *c, void **out)
{
    struct mid *m = c->machine;
    struct gt96k *gt = m->plat->gt96k ? m->plat->gt96k(m) : NULL;
    if (!gt)
        return -ENODEV;
    struct gt_ref *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->gt = gt;
    r->wic = (int)c->wic;
    *out = r;
    return 0;
}

static void gt_ref_destroy(void *chip)
{
    free(chip);
}

/* The Ethernet ports: the card layer's scan is told when a queue runs. */
static int gte_create(const struct card_chip_config *c, void **out)
{
    int rc = gt_ref_create(c, out);
    if (rc == 0)
        gt96k_set_tx_kick(((struct gt_ref *)*out)->gt, c->kick);
    return rc;
}

static void gte_destroy(void *chip)
{
    gt96k_set_tx_kick(((struct gt_ref *)chip)->gt, (struct tx_kick){0});
    gt_ref_destroy(chip);
}

static int gte_tx_on(void *chip)
{
    return gt96k_tx_on(((struct gt_ref *)chip)->gt);
}

static int gte_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    return gt96k_eth_set_nio(((struct gt_ref *)chip)->gt, ch, nio);
}

static int gte_tx_poll(void *chip)
{
    return gt96k_tx_poll(((struct gt_ref *)chip)->gt);
}

static void gte_stats(void *chip, unsigned ch, struct nic_stats *st)
{
    gt96k_eth_stats(((struct gt_ref *)chip)->gt, ch, st);
}

static int mpsc_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    struct gt_ref *r = chip;
    if (ch > 1)
        return -EINVAL;
    return gt96k_mpsc_set_nio(r->gt, wic_mpsc[r->wic][ch], nio);
}

static void mpsc_stats(void *chip, unsigned ch, struct nic_stats *st)
{
    struct gt_ref *r = chip;
    gt96k_mpsc_stats(r->gt, wic_mpsc[r->wic][ch & 1], st);
}

/* The GT drives its own interrupt lines (§4.3): no irq, no PCI function. */
static const struct card_chip_ops gt_eth_chip = {
    .what = "GT-96100 Ethernet",
    .create = gte_create,
    .destroy = gte_destroy,
    .set_nio = gte_set_nio,
    .tx_poll = gte_tx_poll,
    .tx_on = gte_tx_on,
    .stats = gte_stats,
};

/* MPSC channels transmit by themselves (no tx_poll). */
static const struct card_chip_ops gt_mpsc_chip = {
    .what = "GT-96100 MPSC",
    .create = gt_ref_create,
    .destroy = gt_ref_destroy,
    .set_nio = mpsc_set_nio,
    .stats = mpsc_stats,
};

/*
 * WIC-1ENET (§5.2 EEPROM; the reference drives it only on the 1700, from
 * an MPC860 SCC channel): here its one port is the MPSC channel of the
 * WIC's port 0 (§4.9), carrying Ethernet frames (received counts include
 * the 4 FCS bytes).
 */
static int mpsc_eth_create(const struct card_chip_config *c, void **out)
{
    int rc = gt_ref_create(c, out);
    if (rc == 0)
        gt96k_mpsc_set_ethernet(((struct gt_ref *)*out)->gt,
                                wic_mpsc[c->wic][0], 1);
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

static const struct card_chip_ops gt_mpsc_eth_chip = {
    .what = "GT-96100 MPSC (Ethernet)",
    .create = mpsc_eth_create,
    .destroy = mpsc_eth_destroy,
    .set_nio = mpsc_eth_set_nio,
    .stats = mpsc_stats,
};

const struct card_chip_ops *chip_ops_of(unsigned kind)
{
    switch (kind) {
    case CHIP_AM79C970A: return &am79c970a_card;
    case CHIP_AM79C971: return &am79c971_card;
    case CHIP_MUESLIX: return &mueslix_nm_card;
    case CHIP_GT_ETH: return &gt_eth_chip;
    case CHIP_GT_MPSC: return &gt_mpsc_chip;
    case CHIP_GT_MPSC_ETH: return &gt_mpsc_eth_chip;
    case CHIP_BCM5605: return &bcm5605_card;
    default: return NULL; /* not emulated */
    }
}

