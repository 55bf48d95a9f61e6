/*
 * PLX PCI9060 bus-master interface chip (devices.md §3.9). See plx9060.h.
 */
#include "dev/plx9060.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/pci_bus.h"

#define RANGE_DECODE_MASK 0xFFFFFFF0u /* devices.md §3.9: bits 3:0 not size */

struct plx9060 {
    struct device dev; /* the register block */
    pthread_mutex_t lock;
    char name[64];
    struct logger *lg;
    struct device *local;
    void (*doorbell)(void *ctx, uint32_t value);
    void *ctx;
    struct pci_dev *pci;

    /* registers (plx9060_fields) */
    uint32_t range;
    uint32_t p2l_doorbell;
    uint32_t l2p_doorbell;
    uint8_t logged_offset;
};

static const struct dev_field plx9060_fields[] = {
    {"range", offsetof(struct plx9060, range), 4},
    {"p2l_doorbell", offsetof(struct plx9060, p2l_doorbell), 4},
    {"l2p_doorbell", offsetof(struct plx9060, l2p_doorbell), 4},
    {NULL, 0, 0},
};

static struct plx9060 *to_plx(struct device *dev)
{
    return DEV_CONTAINER(dev, struct plx9060, dev);
}

static uint32_t range_size(uint32_t range)
{
    return ~(range & RANGE_DECODE_MASK) + 1u;
}

/* The BAR2 window follows the range register; a range that decodes to no
 * size (0) leaves the window as it is. CPU thread. */
static void resize_local(struct plx9060 *p)
{
    uint32_t size = range_size(p->range);
    if (!p->pci || !p->local) {
        return;
    }
    if (!size || pci_dev_set_bar_size(p->pci, PLX9060_LOCAL_BAR, size) < 0) {
        log_msg(p->lg, "PLX9060", "%s: guest error: local space range "
                "0x%08x not usable, window kept", p->name, p->range);
    }
}

static void guest_error(struct plx9060 *p, const char *what, uint64_t off)
{
    if (!p->logged_offset) {
        p->logged_offset = 1;
        log_msg(p->lg, "PLX9060", "%s: guest error: %s at offset 0x%llx "
                "(not modelled)", p->name, what, (unsigned long long)off);
    }
}

static uint64_t plx_read(struct device *dev, uint64_t off, unsigned size)
{
    struct plx9060 *p = to_plx(dev);
    uint64_t v = 0;
    (void)size;
    pthread_mutex_lock(&p->lock);
    switch (off) {
    case PLX9060_LAS0RR:
        v = p->range;
        break;
    case PLX9060_P2LDBELL:
        v = 0; /* devices.md §3.9: write-only as modelled */
        break;
    case PLX9060_L2PDBELL:
        v = p->l2p_doorbell;
        break;
    default:
        guest_error(p, "read", off);
        break;
    }
    pthread_mutex_unlock(&p->lock);
    return v;
}

static void plx_write(struct device *dev, uint64_t off, unsigned size,
                      uint64_t value)
{
    struct plx9060 *p = to_plx(dev);
    uint32_t v = (uint32_t)value;
    (void)size;
    switch (off) {
    case PLX9060_LAS0RR:
        pthread_mutex_lock(&p->lock);
        p->range = v;
        pthread_mutex_unlock(&p->lock);
        resize_local(p);
        break;
    case PLX9060_P2LDBELL:
        pthread_mutex_lock(&p->lock);
        p->p2l_doorbell = v;
        pthread_mutex_unlock(&p->lock);
        if (p->doorbell) {
            p->doorbell(p->ctx, v);
        }
        break;
    case PLX9060_L2PDBELL:
        pthread_mutex_lock(&p->lock);
        p->l2p_doorbell &= ~v; /* write one to clear */
        pthread_mutex_unlock(&p->lock);
        break;
    default:
        pthread_mutex_lock(&p->lock);
        guest_error(p, "write", off);
        pthread_mutex_unlock(&p->lock);
        break;
    }
}

static void plx_reset(struct device *dev)
{
    struct plx9060 *p = to_plx(dev);
    pthread_mutex_lock(&p->lock);
    p->range = PLX9060_RANGE_DEFAULT;
    p->p2l_doorbell = 0;
    p->l2p_doorbell = 0;
    pthread_mutex_unlock(&p->lock);
    resize_local(p);
}

/* A snapshot loaded the range register: the window follows it. */
static void plx_loaded(struct device *dev)
{
    resize_local(to_plx(dev));
}

static const struct device_ops plx9060_ops = {
    .read = plx_read,
    .write = plx_write,
    .reset = plx_reset,
    .fields = plx9060_fields,
    .loaded = plx_loaded,
};

int plx9060_create(const struct plx9060_config *c, struct plx9060 **out)
{
    if (!c || !out) {
        return -EINVAL;
    }
    struct plx9060 *p = calloc(1, sizeof(*p));
    if (!p) {
        return -ENOMEM;
    }
    snprintf(p->name, sizeof(p->name), "%s", c->name ? c->name : "PLX9060");
    p->dev.name = p->name;
    p->dev.ops = &plx9060_ops;
    p->lg = c->lg;
    p->local = c->local;
    p->doorbell = c->doorbell;
    p->ctx = c->ctx;
    p->range = PLX9060_RANGE_DEFAULT;
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return 0;
}

void plx9060_destroy(struct plx9060 *p)
{
    if (!p) {
        return;
    }
    pthread_mutex_destroy(&p->lock);
    free(p);
}

struct device *plx9060_device(struct plx9060 *p)
{
    return &p->dev;
}

void plx9060_pci_config(struct plx9060 *p, struct pci_dev_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = p->name;
    cfg->vendor_id = PLX9060_PCI_VENDOR;
    cfg->device_id = PLX9060_PCI_DEVICE;
    cfg->class_rev = 0; /* c7200.md §12.4, observed on the reference */
    cfg->mode = PCI_HDR_PLATFORM;
    cfg->bar[PLX9060_REGS_BAR].size = PLX9060_REGS_SIZE;
    cfg->bar[PLX9060_REGS_BAR].window = &p->dev;
    if (p->local) {
        cfg->bar[PLX9060_LOCAL_BAR].size = plx9060_local_size(p);
        cfg->bar[PLX9060_LOCAL_BAR].window = p->local;
    }
}

void plx9060_attach_pci(struct plx9060 *p, struct pci_dev *pci)
{
    p->pci = pci;
}

uint32_t plx9060_local_size(struct plx9060 *p)
{
    pthread_mutex_lock(&p->lock);
    uint32_t s = range_size(p->range);
    pthread_mutex_unlock(&p->lock);
    return s;
}

void plx9060_set_l2p_doorbell(struct plx9060 *p, uint32_t value)
{
    pthread_mutex_lock(&p->lock);
    p->l2p_doorbell = value;
    pthread_mutex_unlock(&p->lock);
}
