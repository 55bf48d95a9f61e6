/*
 * PA-POS-OC3: receive/transmit DMA and control/status registers behind
 * three PLX PCI9060 bridges, plus the card's control function
 * (devices.md §3.8, §3.9). See pos_oc3.h.
 */
#include "dev/pos_oc3.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/card_chip.h"
#include "dev/nic.h"
#include "dev/nic_chip.h"
#include "dev/pci_bus.h"
#include "dev/plx9060.h"
#include "mem/physmap.h"
#include "net/nio.h"

enum { SPACE_RX, SPACE_TX, SPACE_CS, SPACES };

#define DESC_SIZE 8
#define CS_STATUS_VALUE 0x00000FFFu   /* devices.md §3.8 */
#define CS_STATUS3_VALUE 0x0000007Fu  /* devices.md §3.8, 0x300008 */
#define CS_IRQ_RELEASE_READS 20       /* devices.md §3.8 [quirk, kept] */
#define CTRL1_CRC16 0x06              /* devices.md §3.8: 2-byte CRC */
#define CTRL1_CRC32 0x07              /* 4-byte CRC */
#define CRC16_SIZE 2
#define CRC32_SIZE 4
#define CTRL_ONES_A 0x404             /* devices.md §3.8: dev 3 window */
#define CTRL_ONES_B 0x406
#define CTRL_ONES_C 0x407
/* Longest descriptor chain walked for one frame: a NIO datagram (at most
 * 32768 bytes, devices.md §1.5) over 4-byte buffers, with room to spare. */
#define MAX_CHAIN 8192

struct pos_oc3;

struct pos_space {
    struct device dev;
    struct pos_oc3 *card;
    char name[80];
};

struct pos_oc3 {
    /* window, lock, name, DMA, IRQ, kick; the window is function 3's and
     * its fields are the card's */
    struct nic_chip base;
    struct nic_port port; /* NIO and counters (no byte counts on TX) */
    struct pos_space space[SPACES];
    struct plx9060 *plx[SPACES];

    /* state (pos_oc3_fields) */
    uint32_t rx_start, rx_current, tx_start, tx_current;
    uint32_t ctrl1;
    uint32_t crc_size;
    uint32_t cs_reads;

    unsigned logged; /* GE_* already logged */
    uint8_t tx_buf[POS_OC3_MAX_FRAME + 4]; /* + the last word's rounding */
};

static const struct dev_field pos_oc3_fields[] = {
    {"rx_start", offsetof(struct pos_oc3, rx_start), 4},
    {"rx_current", offsetof(struct pos_oc3, rx_current), 4},
    {"tx_start", offsetof(struct pos_oc3, tx_start), 4},
    {"tx_current", offsetof(struct pos_oc3, tx_current), 4},
    {"ctrl1", offsetof(struct pos_oc3, ctrl1), 4},
    {"crc_size", offsetof(struct pos_oc3, crc_size), 4},
    {"cs_reads", offsetof(struct pos_oc3, cs_reads), 4},
    {"irq_level", offsetof(struct pos_oc3, base.irq_level), 1},
    {NULL, 0, 0},
};

/* Kinds of guest mistakes, each logged once. */
enum {
    GE_RX_DESC = 1 << 0,
    GE_RX_BUF = 1 << 1,
    GE_TX_DESC = 1 << 2,
    GE_TX_BUF = 1 << 3,
    GE_TX_LONG = 1 << 4,
    GE_TX_ENDLESS = 1 << 5,
};

static void guest_error(struct pos_oc3 *d, unsigned kind, const char *what,
                        uint32_t addr)
{
    if (!(d->logged & kind)) {
        d->logged |= kind;
        log_msg(d->base.lg, "POS-OC3", "%s: guest error: %s (0x%08x)",
                d->base.name, what, addr);
    }
}

/* Something mapped at every byte of [addr, addr + len). */
static int dma_ok(struct pos_oc3 *d, uint32_t addr, uint32_t len)
{
    if (!len) {
        return 1;
    }
    uint64_t last = (uint64_t)addr + len - 1;
    return physmap_find(d->base.pm, addr) && physmap_find(d->base.pm, last);
}

/* ============================================================= receive */

/* devices.md §3.8 "Receive". Lock held; 1 if the frame was stored. */
static int rx_frame_locked(void *chip, const uint8_t *frame, size_t len)
{
    struct pos_oc3 *d = chip;
    uint32_t first = d->rx_current;
    if (!d->rx_start || !len) {
        return 0;
    }
    if (!dma_ok(d, first, DESC_SIZE)) {
        guest_error(d, GE_RX_DESC, "RX descriptor outside memory", first);
        return 0;
    }
    uint32_t w0 = nic_dma_read32(d->base.pm, first);
    if (!(w0 & POS_OC3_DESC_OWN)) {
        return 0; /* no buffer: dropped */
    }
    uint32_t cur = first, w1 = nic_dma_read32(d->base.pm, first + 4);
    uint32_t first_w0 = w0;
    size_t left = len;
    for (unsigned i = 0;; i++) {
        uint32_t n = w0 & POS_OC3_DESC_LEN;
        n = n < left ? n : (uint32_t)left;
        if (!dma_ok(d, w1, n)) {
            guest_error(d, GE_RX_BUF, "RX buffer outside memory", w1);
            return 0;
        }
        nic_dma_write(d->base.pm, w1, frame + (len - left), n);
        left -= n;
        uint32_t next = (w0 & POS_OC3_DESC_WRAP) ? d->rx_start
                                                 : cur + DESC_SIZE;
        uint32_t nw0;
        int more = 0;
        if (!left) {
            nw0 = n + d->crc_size; /* the CRC is counted, never stored */
        } else {
            /* The chip never refills the descriptor it started with. */
            if (next != first && i + 1 < MAX_CHAIN) {
                if (dma_ok(d, next, DESC_SIZE)) {
                    more = (nic_dma_read32(d->base.pm, next) &
                            POS_OC3_DESC_OWN) != 0;
                } else {
                    guest_error(d, GE_RX_DESC, "RX descriptor outside memory", next);
                }
            }
            nw0 = (more ? POS_OC3_DESC_CONT : 0) | n; /* else truncated */
        }
        if (i) {
            nic_dma_write32(d->base.pm, cur, nw0);
        } else {
            first_w0 = nw0;
        }
        d->rx_current = next;
        if (!more) {
            break;
        }
        cur = next;
        w0 = nic_dma_read32(d->base.pm, cur);
        w1 = nic_dma_read32(d->base.pm, cur + 4);
    }
    nic_dma_write32(d->base.pm, first, first_w0); /* written last */
    nic_chip_irq_locked(&d->base, 1);
    return 1;
}

void pos_oc3_receive(struct pos_oc3 *d, const uint8_t *frame, size_t len)
{
    nic_port_receive(&d->port, frame, len);
}

/* ============================================================ transmit */

/*
 * The chain from the current descriptor: how many descriptors, and
 * whether it can be sent. 0: not ready (a descriptor still host-owned);
 * otherwise the count, with *bad set when the frame must be dropped.
 */
static unsigned tx_chain_locked(struct pos_oc3 *d, uint32_t first, int *bad)
{
    uint32_t cur = first, total = 0;
    *bad = 0;
    for (unsigned n = 1;; n++) {
        uint32_t w0 = nic_dma_read32(d->base.pm, cur);
        if (!(w0 & POS_OC3_DESC_OWN)) {
            return 0; /* IOS is still filling the chain */
        }
        uint32_t len = w0 & POS_OC3_DESC_LEN;
        uint32_t buf = nic_dma_read32(d->base.pm, cur + 4);
        total += len;
        if (total > POS_OC3_MAX_FRAME) {
            guest_error(d, GE_TX_LONG, "TX frame longer than the 8192-byte buffer", cur);
            *bad = 1;
        } else if (!dma_ok(d, buf, (len + 3) & ~3u)) {
            guest_error(d, GE_TX_BUF, "TX buffer outside memory", buf);
            *bad = 1;
        }
        if (!(w0 & POS_OC3_DESC_CONT)) {
            return n;
        }
        uint32_t next = (w0 & POS_OC3_DESC_WRAP) ? d->tx_start
                                                 : cur + DESC_SIZE;
        if (next == first || n >= MAX_CHAIN) {
            guest_error(d, GE_TX_ENDLESS, "TX chain without an end", first);
            *bad = 1;
            return n;
        }
        if (!dma_ok(d, next, DESC_SIZE)) {
            guest_error(d, GE_TX_DESC, "TX descriptor outside memory", next);
            *bad = 1;
            return n;
        }
        cur = next;
    }
}

/* devices.md §3.8 "Transmit". Lock held; 1 if a frame left the ring. */
static int tx_frame_locked(struct pos_oc3 *d)
{
    uint32_t first = d->tx_current;
    if (!d->tx_start || !d->port.nio) {
        return 0;
    }
    if (!dma_ok(d, first, DESC_SIZE)) {
        guest_error(d, GE_TX_DESC, "TX descriptor outside memory", first);
        return 0;
    }
    int bad;
    unsigned count = tx_chain_locked(d, first, &bad);
    if (!count) {
        return 0;
    }
    uint32_t first_w0 = nic_dma_read32(d->base.pm, first);
    uint32_t cur = first, total = 0;
    for (unsigned i = 0; i < count; i++) {
        uint32_t w0 = nic_dma_read32(d->base.pm, cur);
        uint32_t len = w0 & POS_OC3_DESC_LEN;
        if (!bad && len) {
            /* Whole words, each byte-reversed; the next buffer lands
             * right after this one's last byte [reference convention]. */
            uint8_t *p = d->tx_buf + total;
            uint32_t words = (len + 3) & ~3u;
            nic_dma_read(d->base.pm, nic_dma_read32(d->base.pm, cur + 4), p,
                         words);
            for (uint32_t k = 0; k < words; k += 4) {
                uint8_t a = p[k], b = p[k + 1];
                p[k] = p[k + 3];
                p[k + 1] = p[k + 2];
                p[k + 2] = b;
                p[k + 3] = a;
            }
        }
        total += len;
        if (i) {
            nic_dma_write32(d->base.pm, cur, 0);
        }
        cur = (w0 & POS_OC3_DESC_WRAP) ? d->tx_start : cur + DESC_SIZE;
    }
    d->tx_current = cur;
    if (bad) {
        d->port.st.tx_dropped++;
    } else if (total) {
        nio_send(d->port.nio, d->tx_buf, total);
        d->port.st.tx_frames++;
    }
    nic_dma_write32(d->base.pm, first, first_w0 & ~POS_OC3_DESC_OWN);
    nic_chip_irq_locked(&d->base, 1);
    return 1;
}

/* A scan may find frames: the transmit ring is set (TX space ring start
 * register). Lock held. */
static int tx_on_locked(const struct pos_oc3 *d)
{
    return d->tx_start != 0;
}

int pos_oc3_tx_on(struct pos_oc3 *d)
{
    pthread_mutex_lock(&d->base.lock);
    int on = tx_on_locked(d);
    pthread_mutex_unlock(&d->base.lock);
    return on;
}

int pos_oc3_tx_poll(struct pos_oc3 *d)
{
    int sent = 0;
    pthread_mutex_lock(&d->base.lock);
    while (sent < POS_OC3_TX_BURST && tx_frame_locked(d)) {
        sent++;
    }
    pthread_mutex_unlock(&d->base.lock);
    return sent;
}

/* ======================================================= local spaces */

static uint64_t space_read(struct device *dev, uint64_t off, unsigned size)
{
    struct pos_space *s = DEV_CONTAINER(dev, struct pos_space, dev);
    struct pos_oc3 *d = s->card;
    unsigned k = (unsigned)(s - d->space);
    uint64_t v = 0;
    (void)size;
    pthread_mutex_lock(&d->base.lock);
    if (k == SPACE_RX || k == SPACE_TX) {
        uint32_t *start = k == SPACE_RX ? &d->rx_start : &d->tx_start;
        uint32_t *cur = k == SPACE_RX ? &d->rx_current : &d->tx_current;
        if (off == POS_OC3_RING_START) {
            v = *start;
        } else if (off == POS_OC3_RING_CURRENT) {
            v = *cur;
        }
    } else {
        switch (off) {
        case POS_OC3_CS_STATUS0:
        case POS_OC3_CS_STATUS1:
        case POS_OC3_CS_STATUS2:
            v = CS_STATUS_VALUE;
            if (++d->cs_reads == CS_IRQ_RELEASE_READS) {
                d->cs_reads = 0;
                nic_chip_irq_locked(&d->base, 0);
            }
            break;
        case POS_OC3_CS_STATUS3:
            v = CS_STATUS3_VALUE;
            break;
        case POS_OC3_CS_CTRL1:
            v = d->ctrl1;
            break;
        default:
            break;
        }
    }
    pthread_mutex_unlock(&d->base.lock);
    return v;
}

static void space_write(struct device *dev, uint64_t off, unsigned size,
                        uint64_t value)
{
    struct pos_space *s = DEV_CONTAINER(dev, struct pos_space, dev);
    struct pos_oc3 *d = s->card;
    unsigned k = (unsigned)(s - d->space);
    uint32_t v = (uint32_t)value;
    (void)size;
    pthread_mutex_lock(&d->base.lock);
    if (k == SPACE_RX || k == SPACE_TX) {
        if (off == POS_OC3_RING_START) {
            *(k == SPACE_RX ? &d->rx_start : &d->tx_start) = v;
        } else if (off == POS_OC3_RING_CURRENT) {
            *(k == SPACE_RX ? &d->rx_current : &d->tx_current) = v;
        }
    } else if (off == POS_OC3_CS_CTRL1) {
        d->ctrl1 = v & 0xFFFFu; /* a 16-bit register in the reference */
        d->crc_size = v == CTRL1_CRC32 ? CRC32_SIZE : CRC16_SIZE;
        if (v != CTRL1_CRC16 && v != CTRL1_CRC32) {
            log_msg(d->base.lg, "POS-OC3", "%s: control register 1 = 0x%x "
                    "(unknown), CRC size 2", d->base.name, v);
        }
    }
    /* the periodic scan is how it transmits */
    nic_chip_unlock_kick(&d->base, tx_on_locked(d));
}

static const struct device_ops space_ops = {
    .read = space_read,
    .write = space_write,
};

/* ===================================================== control window */

static uint64_t ctrl_read(struct device *dev, uint64_t off, unsigned size)
{
    (void)dev;
    switch (off) {
    case CTRL_ONES_A:
    case CTRL_ONES_B:
    case CTRL_ONES_C:
        /* all ones in the access's width (c7200.md §0) */
        return size >= 8 ? 0xFFFFFFFFu : (1ull << (8 * size)) - 1;
    default:
        return 0;
    }
}

static void ctrl_write(struct device *dev, uint64_t off, unsigned size,
                       uint64_t value)
{
    (void)dev, (void)off, (void)size, (void)value;
}

static void pos_reset(struct device *dev)
{
    struct pos_oc3 *d = DEV_CONTAINER(dev, struct pos_oc3, base.dev);
    pthread_mutex_lock(&d->base.lock);
    d->rx_start = d->rx_current = d->tx_start = d->tx_current = 0;
    d->ctrl1 = 0;
    d->crc_size = 0; /* as the reference, until control register 1 */
    d->cs_reads = 0;
    nic_chip_irq_locked(&d->base, 0);
    pthread_mutex_unlock(&d->base.lock);
    for (unsigned k = 0; k < SPACES; k++) {
        dev_reset(plx9060_device(d->plx[k]));
    }
}

/* Restored from a snapshot: the periodic scan runs while the ring is set. */
static void pos_loaded(struct device *dev)
{
    struct pos_oc3 *d = DEV_CONTAINER(dev, struct pos_oc3, base.dev);
    nic_chip_kick_if(&d->base, pos_oc3_tx_on(d));
}

static const struct device_ops pos_ops = {
    .read = ctrl_read,
    .write = ctrl_write,
    .reset = pos_reset,
    .loaded = pos_loaded,
    .fields = pos_oc3_fields,
};

/* ========================================================== life cycle */

int pos_oc3_create(const struct pos_oc3_config *c, struct pos_oc3 **out)
{
    static const char *const suffix[SPACES] = {"RX", "TX", "CS"};
    if (!c || !c->pm || !out) {
        return -EINVAL;
    }
    struct pos_oc3 *d = calloc(1, sizeof(*d));
    if (!d) {
        return -ENOMEM;
    }
    nic_chip_init(&d->base, c->name, "POS-OC3", &pos_ops, c->pm, c->lg,
                  c->irq, c->kick);
    nic_port_init(&d->port, &d->base.lock, rx_frame_locked, d);
    int rc = 0;
    for (unsigned k = 0; k < SPACES && rc == 0; k++) {
        struct pos_space *s = &d->space[k];
        snprintf(s->name, sizeof(s->name), "%s_%s", d->base.name, suffix[k]);
        s->dev.name = s->name;
        s->dev.ops = &space_ops;
        s->card = d;
        struct plx9060_config pc = {.name = s->name, .lg = c->lg,
                                    .local = &s->dev};
        rc = plx9060_create(&pc, &d->plx[k]);
    }
    if (rc < 0) {
        pos_oc3_destroy(d);
        return rc;
    }
    *out = d;
    return 0;
}

void pos_oc3_destroy(struct pos_oc3 *d)
{
    if (!d) {
        return;
    }
    pos_oc3_set_nio(d, NULL);
    for (unsigned k = 0; k < SPACES; k++) {
        plx9060_destroy(d->plx[k]);
    }
    nic_chip_fini(&d->base);
    free(d);
}

struct device *pos_oc3_device(struct pos_oc3 *d)
{
    return &d->base.dev;
}

void pos_oc3_pci_config(struct pos_oc3 *d, unsigned k,
                        struct pci_dev_config *cfg)
{
    if (k < SPACES) {
        plx9060_pci_config(d->plx[k], cfg);
        return;
    }
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = d->base.name;
    cfg->vendor_id = 0; /* devices.md §3.8: register 0x00 reads 0 */
    cfg->device_id = 0;
    cfg->mode = PCI_HDR_PLATFORM;
    cfg->bar[0].size = POS_OC3_CTRL_SIZE;
    cfg->bar[0].window = &d->base.dev;
}

void pos_oc3_attach_pci(struct pos_oc3 *d, unsigned k, struct pci_dev *pci)
{
    if (k < SPACES) {
        plx9060_attach_pci(d->plx[k], pci);
    }
}

struct device *pos_oc3_local(struct pos_oc3 *d, unsigned k)
{
    return k < SPACES ? &d->space[k].dev : NULL;
}

struct device *pos_oc3_plx(struct pos_oc3 *d, unsigned k)
{
    return k < SPACES ? plx9060_device(d->plx[k]) : NULL;
}

int pos_oc3_set_nio(struct pos_oc3 *d, struct nio *nio)
{
    return nic_port_attach(&d->port, nio);
}

void pos_oc3_get_stats(struct pos_oc3 *d, struct pos_oc3_stats *st)
{
    struct nic_stats s;
    nic_port_get_stats(&d->port, &s);
    *st = (struct pos_oc3_stats){s.rx_frames, s.rx_dropped, s.tx_frames,
                                 s.tx_dropped};
}

/* ======================================================== card layers */

static int card_create(const struct card_chip_config *c, void **out)
{
    struct pos_oc3_config pc = {.name = c->name, .pm = c->pm, .lg = c->lg,
                                .irq = c->irq, .kick = c->kick};
    return pos_oc3_create(&pc, (struct pos_oc3 **)out);
}

static int card_set_nio(void *chip, unsigned ch, struct nio *nio)
{
    (void)ch;
    return pos_oc3_set_nio(chip, nio);
}

static void card_stats(void *chip, unsigned ch, struct nic_stats *st)
{
    (void)ch;
    nic_port_get_stats(&((struct pos_oc3 *)chip)->port, st);
}

static void card_pci_fn(void *chip, unsigned k, struct pci_dev_config *cfg)
{
    pos_oc3_pci_config(chip, k, cfg);
}

static void card_pci_attached(void *chip, unsigned k, struct pci_dev *pci)
{
    pos_oc3_attach_pci(chip, k, pci);
}

CARD_CHIP_ADAPTERS(pos_oc3)

/* Three PLX 9060 and the control function, devices 0-3 of the bay. */
const struct card_chip_ops pos_oc3_card = {
    .what = "PLX 9060 x3 + POS",
    .create = card_create,
    .destroy = pos_oc3_card_destroy,
    .device = pos_oc3_card_device,
    .set_nio = card_set_nio,
    .tx_poll = pos_oc3_card_tx_poll,
    .tx_on = pos_oc3_card_tx_on,
    .stats = card_stats,
    .nfuncs = POS_OC3_FUNCS,
    .pci_config_fn = card_pci_fn,
    .pci_attached = card_pci_attached,
    .irq_fn = POS_OC3_IRQ_FUNC,
};
