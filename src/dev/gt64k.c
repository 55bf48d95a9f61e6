/*
 * Galileo GT-64010 / GT-64120 system controller, c7200 subset (shared spec
 * c7200.md §11, §12). See gt64k.h for byte order, PCI ports and interrupt.
 *
 * Registers (GT offsets, values before the CPU-side byte reversal):
 *   0x008-0x020  DRAM decode, fixed       0x400-0x41C  RAS0-3, fixed
 *   0x810-0x84C  DMA channels 0-3         0xC00        PCI command, fixed
 *   0xC08/0xC0C  PCI_0 bank sizes, fixed  0xC18/0xC1C  interrupt cause/mask
 *   0xCF0/0xCF4  PCI "MB2" config (GT-64120)  0xCF8/0xCFC  PCI bus 0 config
 * Other offsets read 0 and ignore writes (logged once per offset).
 */
#include "dev/gt64k.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/pci_bus.h"
#include "mem/physmap.h"

#define GT_VENDOR_GALILEO 0x11AB /* c7200.md §12.4 */
#define GT_DEVICE_64010 0x0146
#define GT_DEVICE_64120 0x4620
#define GT_CLASS_64120 0x03008005u /* register 0x08, §12.4 (observed) */

#define GT_DMA_RECORD_SIZE 16     /* four little-endian words, §11.3 */
#define GT_DMA_COUNT_MASK 0xFFFFu /* byte count: low 16 bits, §11.3 */
#define GT_DMA_MAX_RECORDS 65536  /* a looping chain is a guest error */
#define GT_LOG_LIMIT 64

struct gt_dma_channel {
    uint32_t byte_count;
    uint32_t src;
    uint32_t dst;
    uint32_t next;    /* next-record pointer */
    uint32_t current; /* current-record pointer, latched with next */
    uint32_t ctrl;
};

struct gt64k {
    struct device dev;
    enum gt64k_model model;
    struct logger *lg;
    struct physmap *pm;
    struct pci_bus *bus[2]; /* 0xCF8/0xCFC, 0xCF0/0xCF4 */
    struct pci_dev *pci;    /* our identity on bus 0, if any */
    struct irq_line irq;
    int irq_level;

    uint32_t int_cause;
    uint32_t int_mask;
    struct gt_dma_channel dma[GT_DMA_CHANNELS];

    uint8_t logged[GT64K_WINDOW_SIZE / 32]; /* one bit per word offset */
    unsigned log_count;
};

static const struct dev_field gt64k_fields[] = {
    {"int_cause", offsetof(struct gt64k, int_cause), sizeof(uint32_t)},
    {"int_mask", offsetof(struct gt64k, int_mask), sizeof(uint32_t)},
    {"dma", offsetof(struct gt64k, dma), sizeof(struct gt_dma_channel[4])},
    {NULL, 0, 0},
};

static const char *gt_model_name(enum gt64k_model m)
{
    return m == GT64010 ? "gt64010" : "gt64120";
}

static void gt_log_unknown(struct gt64k *gt, uint64_t off, int is_write,
                           uint32_t v)
{
    unsigned w = (unsigned)(off / 4) % (GT64K_WINDOW_SIZE / 4);
    uint8_t bit = (uint8_t)(1u << (w % 8));
    if ((gt->logged[w / 8] & bit) || gt->log_count >= GT_LOG_LIMIT)
        return;
    gt->logged[w / 8] |= bit;
    gt->log_count++;
    if (is_write)
        log_msg(gt->lg, "GT64K", "%s: write of 0x%08x to unmodelled offset "
                "0x%03llx ignored", gt->dev.name, v, (unsigned long long)off);
    else
        log_msg(gt->lg, "GT64K", "%s: read of unmodelled offset 0x%03llx "
                "returns 0", gt->dev.name, (unsigned long long)off);
}

/* ============================================================ interrupt */

static void gt_update_irq(struct gt64k *gt)
{
    /* c7200.md §11.4: asserted while cause AND mask != 0. */
    int level = (gt->int_cause & gt->int_mask) != 0;
    gt->irq_level = level;
    irq_set(&gt->irq, level);
}

void gt64k_set_cause(struct gt64k *gt, uint32_t bits)
{
    gt->int_cause |= bits;
    gt_update_irq(gt);
}

uint32_t gt64k_int_cause(const struct gt64k *gt)
{
    return gt->int_cause;
}

uint32_t gt64k_int_mask(const struct gt64k *gt)
{
    return gt->int_mask;
}

int gt64k_irq_level(const struct gt64k *gt)
{
    return gt->irq_level;
}

/* ================================================================== DMA */

/* Byte copy between physical addresses; RAM to RAM in blocks, anything
 * else (byte-swap windows, device windows) a byte at a time. */
static void gt_dma_copy(struct gt64k *gt, uint64_t src, uint64_t dst,
                        uint32_t len)
{
    struct physmap *pm = gt->pm;
    while (len) {
        const struct phys_region *rs = physmap_find(pm, src);
        const struct phys_region *rd = physmap_find(pm, dst);
        if (!rs || !rd) {
            /* As the reference: the rest of this record is dropped. */
            log_msg(gt->lg, "GT64K", "%s: guest error: DMA from 0x%llx to "
                    "0x%llx touches unmapped memory, %u bytes dropped",
                    gt->dev.name, (unsigned long long)src,
                    (unsigned long long)dst, len);
            return;
        }
        uint32_t n = 1;
        if ((rs->flags & PR_RAM) && (rd->flags & PR_RAM) &&
            !(rd->flags & PR_READONLY)) {
            uint64_t sl = rs->size - (src - rs->base);
            uint64_t dl = rd->size - (dst - rd->base);
            uint64_t m = sl < dl ? sl : dl;
            n = m < len ? (uint32_t)m : len;
            memmove(rd->host + (dst - rd->base), rs->host + (src - rs->base),
                    n);
        } else {
            physmap_write(pm, dst, 1, physmap_read(pm, src, 1, 0), 0);
        }
        src += n;
        dst += n;
        len -= n;
    }
}

static uint32_t gt_dma_word(struct gt64k *gt, uint64_t pa)
{
    /* Records are little-endian words (§11.3). */
    return __builtin_bswap32((uint32_t)physmap_read(gt->pm, pa, 4, 0));
}

static void gt_dma_fetch(struct gt64k *gt, struct gt_dma_channel *ch)
{
    uint64_t p = ch->next;
    ch->byte_count = gt_dma_word(gt, p);
    ch->src = gt_dma_word(gt, p + 4);
    ch->dst = gt_dma_word(gt, p + 8);
    ch->next = gt_dma_word(gt, p + 12);
    ch->current = (uint32_t)p;
}

/* A write to a channel control register, c7200.md §11.3. */
static void gt_dma_control(struct gt64k *gt, unsigned n)
{
    struct gt_dma_channel *ch = &gt->dma[n];
    if (ch->ctrl & GT_DMA_FETCH_NEXT) {
        if (!ch->next) {
            /* Nothing to fetch: the write is ignored (as the reference). */
            log_msg(gt->lg, "GT64K", "%s: guest error: DMA channel %u fetch "
                    "with a null record pointer", gt->dev.name, n);
            return;
        }
        gt_dma_fetch(gt, ch);
        ch->ctrl &= ~GT_DMA_FETCH_NEXT;
    }
    if (!(ch->ctrl & GT_DMA_CHAN_ENABLE))
        return;
    for (unsigned rec = 0;; rec++) {
        gt_dma_copy(gt, ch->src, ch->dst, ch->byte_count & GT_DMA_COUNT_MASK);
        if ((ch->ctrl & GT_DMA_CHAIN_DISABLE) || !ch->next)
            break;
        if (rec + 1 >= GT_DMA_MAX_RECORDS) {
            log_msg(gt->lg, "GT64K", "%s: guest error: DMA channel %u chain "
                    "longer than %u records, stopped", gt->dev.name, n,
                    GT_DMA_MAX_RECORDS);
            break;
        }
        gt_dma_fetch(gt, ch);
    }
    gt->int_cause |= GT_INT_DMA_DONE(n);
    gt_update_irq(gt);
}

/* 1 if off is a DMA register (value in/out through *v). */
static int gt_dma_access(struct gt64k *gt, unsigned off, int is_write,
                         uint32_t *v)
{
    if (off < GT_DMA_SRC(0) || off > GT_DMA_CTRL(3) || (off & 3))
        return 0;
    unsigned n = (off / 4) & 3;
    struct gt_dma_channel *ch = &gt->dma[n];
    uint32_t *reg;
    switch (off & ~0xFu) {
    case GT_DMA_SRC(0): reg = &ch->src; break;
    case GT_DMA_DST(0): reg = &ch->dst; break;
    case GT_DMA_NEXT(0): reg = &ch->next; break;
    default: reg = &ch->ctrl; break;
    }
    if (!is_write) {
        *v = *reg;
        return 1;
    }
    *reg = *v;
    if (reg == &ch->next)
        ch->current = *v; /* §11.2: also latched as current record */
    else if (reg == &ch->ctrl)
        gt_dma_control(gt, n);
    return 1;
}

/* ============================================================ registers */

static int gt_fixed_read(const struct gt64k *gt, unsigned off, uint32_t *v)
{
    /* c7200.md §11.2: fixed "128 MB" decode values and PCI settings. */
    switch (off) {
    case GT_RAS10_LOW: *v = 0x000; return 1;
    case GT_RAS10_HIGH: *v = 0x07F; return 1;
    case GT_RAS32_LOW: *v = gt->model == GT64010 ? 0x080 : 0x100; return 1;
    case GT_RAS32_HIGH: *v = 0x07F; return 1;
    case GT_RAS0_LOW: *v = 0x00; return 1;
    case GT_RAS0_HIGH: *v = 0xFF; return 1;
    case GT_RAS1_LOW: *v = 0x7F; return 1;
    case GT_RAS1_HIGH: *v = 0x00; return 1;
    case GT_RAS2_LOW: *v = 0x00; return 1;
    case GT_RAS2_HIGH: *v = 0xFF; return 1;
    case GT_RAS3_LOW: *v = 0x7F; return 1;
    case GT_RAS3_HIGH: *v = 0x00; return 1;
    case GT_PCI_COMMAND: *v = 0x00008001; return 1;
    case GT_PCI_CS10_SIZE: *v = 0xFFF; return 1;
    case GT_PCI_CS32_SIZE: *v = 0xFFF; return 1;
    default: return 0;
    }
}

/* The root behind a configuration port, or NULL if not decoded here. */
static struct pci_bus *gt_cfg_port(struct gt64k *gt, unsigned off,
                                   int *is_data)
{
    switch (off) {
    case GT_PCI0_CFG_ADDR: *is_data = 0; return gt->bus[0];
    case GT_PCI0_CFG_DATA: *is_data = 1; return gt->bus[0];
    case GT_PCI1_CFG_ADDR: *is_data = 0; break;
    case GT_PCI1_CFG_DATA: *is_data = 1; break;
    default: return NULL;
    }
    /* §11: the GT-64010 does not decode 0xCF0/0xCF4. */
    return gt->model == GT64120 ? gt->bus[1] : NULL;
}

static uint32_t gt_reg_read(struct gt64k *gt, unsigned off)
{
    uint32_t v = 0;
    int is_data;
    struct pci_bus *root;
    if (gt_dma_access(gt, off, 0, &v) || gt_fixed_read(gt, off, &v))
        return v;
    switch (off) {
    case GT_INT_CAUSE:
        return gt->int_cause;
    case GT_INT_MASK:
        return gt->int_mask;
    default:
        break;
    }
    if ((root = gt_cfg_port(gt, off, &is_data)) != NULL)
        return is_data ? pci_root_cfg_data_read(root) : pci_root_cfg_addr(root);
    gt_log_unknown(gt, off, 0, 0);
    return 0;
}

static void gt_reg_write(struct gt64k *gt, unsigned off, uint32_t v)
{
    int is_data;
    struct pci_bus *root;
    if (gt_dma_access(gt, off, 1, &v) || gt_fixed_read(gt, off, &(uint32_t){0}))
        return; /* fixed registers ignore writes */
    switch (off) {
    case GT_INT_CAUSE:
        gt->int_cause &= v; /* §11.2: write 0 to clear */
        gt_update_irq(gt);
        return;
    case GT_INT_MASK:
        gt->int_mask = v;
        gt_update_irq(gt);
        return;
    default:
        break;
    }
    if ((root = gt_cfg_port(gt, off, &is_data)) != NULL) {
        if (is_data)
            pci_root_cfg_data_write(root, v);
        else
            pci_root_set_cfg_addr(root, v);
        return;
    }
    gt_log_unknown(gt, off, 1, v);
}

static uint64_t gt64k_read(struct device *dev, uint64_t off, unsigned size)
{
    struct gt64k *gt = DEV_CONTAINER(dev, struct gt64k, dev);
    if (off >= GT64K_WINDOW_SIZE)
        return 0;
    /* §11.1: all four bytes reversed, whatever the access size. */
    return __builtin_bswap32(gt_reg_read(gt, (unsigned)off));
}

static void gt64k_write(struct device *dev, uint64_t off, unsigned size,
                        uint64_t value)
{
    struct gt64k *gt = DEV_CONTAINER(dev, struct gt64k, dev);
    if (off >= GT64K_WINDOW_SIZE)
        return;
    gt_reg_write(gt, (unsigned)off, __builtin_bswap32((uint32_t)value));
}

static void gt64k_reset(struct device *dev)
{
    struct gt64k *gt = DEV_CONTAINER(dev, struct gt64k, dev);
    gt->int_cause = 0;
    gt->int_mask = 0;
    memset(gt->dma, 0, sizeof(gt->dma));
    gt_update_irq(gt);
}

static void gt64k_dev_destroy(struct device *dev)
{
    gt64k_destroy(DEV_CONTAINER(dev, struct gt64k, dev));
}

static const struct device_ops gt64k_ops = {
    .read = gt64k_read,
    .write = gt64k_write,
    .reset = gt64k_reset,
    .destroy = gt64k_dev_destroy,
    .fields = gt64k_fields,
};

/* ============================================================ life cycle */

int gt64k_create(const struct gt64k_config *c, struct gt64k **out)
{
    if (!c || !c->pm || (c->model != GT64010 && c->model != GT64120) ||
        (c->pci_identity && !c->bus0))
        return -EINVAL;
    struct gt64k *gt = calloc(1, sizeof(*gt));
    if (!gt)
        return -ENOMEM;
    gt->dev.name = c->name ? c->name : gt_model_name(c->model);
    gt->dev.ops = &gt64k_ops;
    gt->model = c->model;
    gt->lg = c->lg;
    gt->pm = c->pm;
    gt->bus[0] = c->bus0;
    gt->bus[1] = c->bus1;
    gt->irq = c->irq;

    if (c->pci_identity) {
        /* §11 / §12.4: bus 0 device 0, no BARs, every other register 0. */
        struct pci_dev_config pc = {
            .name = gt->dev.name,
            .vendor_id = GT_VENDOR_GALILEO,
            .device_id =
                c->model == GT64010 ? GT_DEVICE_64010 : GT_DEVICE_64120,
            .class_rev = c->model == GT64010 ? 0 : GT_CLASS_64120,
            .mode = PCI_HDR_PLATFORM,
        };
        int rc = pci_dev_add(c->bus0, 0, 0, &pc, &gt->pci);
        if (rc < 0) {
            free(gt);
            return rc;
        }
    }
    *out = gt;
    return 0;
}

void gt64k_destroy(struct gt64k *gt)
{
    if (!gt)
        return;
    if (gt->pci)
        pci_dev_remove(gt->pci);
    free(gt);
}

struct device *gt64k_device(struct gt64k *gt)
{
    return &gt->dev;
}
