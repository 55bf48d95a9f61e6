/*
 * Galileo GT-96100: controller core, interrupt controller, IDMA, PCI
 * configuration ports (shared spec c3600-c2691-c37xx.md §4.4, §3.4;
 * devices.md §3.5). Ethernet in gt96k_eth.c, MPSC/SDMA in gt96k_sdma.c.
 * See gt96k.h.
 */
#include "dev/gt96k.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/gt96k_internal.h"
#include "dev/nic.h"
#include "dev/pci_bus.h"
#include "mem/physmap.h"
#include "net/nio.h"

#define GT96K_VENDOR 0x11AB          /* §4.4 */
#define GT96K_DEVICE 0x9653
#define GT96K_CLASS 0x03008005u      /* register 0x08, §4.4 */

/* Core registers shared with the GT-64120 (§3.4). */
#define REG_DMA_SRC0 0x810
#define REG_DMA_CTRL3 0x84C
#define REG_PCI_CMD 0xC00
#define REG_PCI1_CFG_ADDR 0xCF0
#define REG_PCI1_CFG_DATA 0xCF4
#define REG_PCI0_CFG_ADDR 0xCF8
#define REG_PCI0_CFG_DATA 0xCFC
#define REG_SDMA_CAUSE_CLR 0x103A13 /* byte write clears the SDMA cause */
#define REG_CIU_ARBITER 0x101AC0
#define REG_WATCHDOG_CFG 0x101A80
#define REG_WATCHDOG_VAL 0x101A84

#define INT_CAUSE_RO 0xC0000001u /* §4.4: bits 0, 30, 31 not clearable */
#define SER_ETH(p) (1u << (p))
#define SER_SDMA_SUM 0x10u
#define SER_SDMA_CHAN(ch) (1u << (8 + 2 * (ch)))
#define ETH_ICR_SUM 0x80000000u

#define DMA_CHAIN_DISABLE 0x00000200u /* §3.4 */
#define DMA_ENABLE 0x00001000u
#define DMA_FETCH_NEXT 0x00002000u
#define DMA_COUNT_MASK 0xFFFFu
#define DMA_MAX_RECORDS 65536

static const struct dev_field gt96k_fields[] = {
    {"int_cause", offsetof(struct gt96k, int_cause), 4},
    {"int0_mask", offsetof(struct gt96k, int0_mask), 4},
    {"int1_mask", offsetof(struct gt96k, int1_mask), 4},
    {"high_cause", offsetof(struct gt96k, high_cause), 4},
    {"hint0_mask", offsetof(struct gt96k, hint0_mask), 4},
    {"hint1_mask", offsetof(struct gt96k, hint1_mask), 4},
    {"ser_cause", offsetof(struct gt96k, ser_cause), 4},
    {"serint0_mask", offsetof(struct gt96k, serint0_mask), 4},
    {"serint1_mask", offsetof(struct gt96k, serint1_mask), 4},
    {"sdma_cause", offsetof(struct gt96k, sdma_cause), 4},
    {"sdma_mask", offsetof(struct gt96k, sdma_mask), 4},
    {"sgcr", offsetof(struct gt96k, sgcr), 4},
    {"smi", offsetof(struct gt96k, smi), 4},
    {"dma", offsetof(struct gt96k, dma), sizeof(struct gt96k_dma[4])},
    {"eth", offsetof(struct gt96k, eth),
     sizeof(struct gt96k_eth_port[GT96K_ETH_PORTS])},
    {"mpsc", offsetof(struct gt96k, mpsc),
     sizeof(struct gt96k_mpsc[GT96K_MPSC_CHANNELS])},
    {"sdma", offsetof(struct gt96k, sdma),
     sizeof(struct gt96k_sdma[GT96K_SDMA_GROUPS][GT96K_MPSC_CHANNELS])},
    {NULL, 0, 0},
};

void gt96k_guest_error(struct gt96k *gt, const char *fmt, ...)
{
    if (gt->logged >= 64)
        return;
    gt->logged++;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    log_msg(gt->lg, "GT96100", "%s: guest error: %s", gt->dev.name, buf);
}

/* ========================================================= interrupts */

void gt96k_update_locked(struct gt96k *gt)
{
    /* Ethernet port summaries (§4.4 ICR bit 31 -> high/serial cause) */
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++) {
        struct gt96k_eth_port *e = &gt->eth[p];
        if (e->icr & e->imr & ~ETH_ICR_SUM)
            e->icr |= ETH_ICR_SUM;
        else
            e->icr &= ~ETH_ICR_SUM;
        if (e->icr & ETH_ICR_SUM) {
            gt->ser_cause |= SER_ETH(p);
            gt->high_cause |= SER_ETH(p);
        } else {
            gt->ser_cause &= ~SER_ETH(p);
            gt->high_cause &= ~SER_ETH(p);
        }
    }
    /* SDMA: per-channel summaries and the masked summary */
    for (unsigned ch = 0; ch < GT96K_MPSC_CHANNELS; ch++) {
        if (gt->sdma_cause & (0xFu << (4 * ch)))
            gt->ser_cause |= SER_SDMA_CHAN(ch);
        else
            gt->ser_cause &= ~SER_SDMA_CHAN(ch);
    }
    if (gt->sdma_cause & gt->sdma_mask) {
        gt->ser_cause |= SER_SDMA_SUM;
        gt->high_cause |= GT96K_HINT_SDMA;
    } else {
        gt->ser_cause &= ~SER_SDMA_SUM;
        gt->high_cause &= ~GT96K_HINT_SDMA;
    }
    /* §4.4 line equations; the summary bits themselves do not feed back */
    uint32_t main = gt->int_cause & ~(GT96K_INT_INT0_SUM | GT96K_INT_INT1_SUM);
    int i0 = (main & gt->int0_mask) || (gt->high_cause & gt->hint0_mask);
    int i1 = (main & gt->int1_mask) || (gt->high_cause & gt->hint1_mask);
    gt->int_cause = main | (i0 ? GT96K_INT_INT0_SUM : 0) |
                    (i1 ? GT96K_INT_INT1_SUM : 0);
}

void gt96k_unlock(struct gt96k *gt)
{
    gt96k_update_locked(gt);
    int lv[3] = {
        (gt->int_cause & GT96K_INT_INT0_SUM) != 0,
        (gt->int_cause & GT96K_INT_INT1_SUM) != 0,
        (gt->ser_cause & gt->serint0_mask) != 0,
    };
    int changed[3];
    for (int i = 0; i < 3; i++) {
        changed[i] = lv[i] != gt->level[i];
        gt->level[i] = lv[i];
    }
    pthread_mutex_unlock(&gt->lock);
    const struct irq_line *out[3] = {&gt->int0, &gt->int1, &gt->serint0};
    for (int i = 0; i < 3; i++)
        if (changed[i])
            irq_set(out[i], lv[i]);
}

/* ======================================================= descriptors */

void gt96k_desc_read(struct gt96k *gt, uint32_t addr, struct gt96k_desc *d)
{
    d->bytes = nic_dma_read32(gt->pm, addr + GT_DESC_BYTES);
    d->cmd = nic_dma_read32(gt->pm, addr + GT_DESC_CMD);
    d->next = nic_dma_read32(gt->pm, addr + GT_DESC_NEXT);
    d->buf = nic_dma_read32(gt->pm, addr + GT_DESC_BUF);
}

void gt96k_desc_write(struct gt96k *gt, uint32_t addr,
                      const struct gt96k_desc *d)
{
    nic_dma_write32(gt->pm, addr + GT_DESC_BYTES, d->bytes);
    nic_dma_write32(gt->pm, addr + GT_DESC_CMD, d->cmd);
    nic_dma_write32(gt->pm, addr + GT_DESC_NEXT, d->next);
    nic_dma_write32(gt->pm, addr + GT_DESC_BUF, d->buf);
}

void gt96k_desc_write_cmd(struct gt96k *gt, uint32_t addr, uint32_t cmd)
{
    nic_dma_write32(gt->pm, addr + GT_DESC_CMD, cmd);
}

/* ================================================================ IDMA */

/* Records are little-endian words (§3.4). */
static uint32_t dma_word(struct gt96k *gt, uint32_t pa)
{
    return __builtin_bswap32(nic_dma_read32(gt->pm, pa));
}

static void dma_fetch(struct gt96k *gt, struct gt96k_dma *ch)
{
    uint32_t p = ch->next;
    ch->byte_count = dma_word(gt, p);
    ch->src = dma_word(gt, p + 4);
    ch->dst = dma_word(gt, p + 8);
    ch->next = dma_word(gt, p + 12);
}

static void dma_copy(struct gt96k *gt, uint32_t src, uint32_t dst,
                     uint32_t len)
{
    uint8_t buf[512];
    while (len) {
        uint32_t n = len < sizeof(buf) ? len : (uint32_t)sizeof(buf);
        nic_dma_read(gt->pm, src, buf, n);
        nic_dma_write(gt->pm, dst, buf, n);
        src += n;
        dst += n;
        len -= n;
    }
}

/* §3.4: a control write, run to completion. Locked. */
static void dma_control(struct gt96k *gt, unsigned n)
{
    struct gt96k_dma *ch = &gt->dma[n];
    if (ch->ctrl & DMA_FETCH_NEXT) {
        if (!ch->next) {
            gt96k_guest_error(gt, "IDMA %u fetch with a null record", n);
            return;
        }
        dma_fetch(gt, ch);
        ch->ctrl &= ~DMA_FETCH_NEXT;
    }
    if (!(ch->ctrl & DMA_ENABLE))
        return;
    for (unsigned rec = 0;; rec++) {
        dma_copy(gt, ch->src, ch->dst, ch->byte_count & DMA_COUNT_MASK);
        if ((ch->ctrl & DMA_CHAIN_DISABLE) || !ch->next)
            break;
        if (rec + 1 >= DMA_MAX_RECORDS) {
            gt96k_guest_error(gt, "IDMA %u chain too long", n);
            break;
        }
        dma_fetch(gt, ch);
    }
    gt->int_cause |= 1u << (4 + n);
}

static int dma_access(struct gt96k *gt, uint32_t off, int is_write,
                      uint32_t *v)
{
    if (off < REG_DMA_SRC0 || off > REG_DMA_CTRL3 || (off & 3))
        return 0;
    unsigned n = (off / 4) & 3;
    struct gt96k_dma *ch = &gt->dma[n];
    uint32_t *reg;
    switch (off & ~0xFu) {
    case 0x810: reg = &ch->src; break;
    case 0x820: reg = &ch->dst; break;
    case 0x830: reg = &ch->next; break;
    default: reg = &ch->ctrl; break;
    }
    if (!is_write) {
        *v = *reg;
        return 1;
    }
    *reg = *v;
    if (reg == &ch->ctrl)
        dma_control(gt, n);
    return 1;
}

/* ============================================================ registers */

/* §3.4 fixed values (the GT-64120 column). */
static int fixed_read(uint32_t off, uint32_t *v)
{
    switch (off) {
    case 0x008: *v = 0x000; return 1;
    case 0x010: *v = 0x07F; return 1;
    case 0x018: *v = 0x100; return 1;
    case 0x020: *v = 0x07F; return 1;
    case 0x400: *v = 0x00; return 1;
    case 0x404: *v = 0xFF; return 1;
    case 0x408: *v = 0x7F; return 1;
    case 0x40C: *v = 0x00; return 1;
    case 0x410: *v = 0x00; return 1;
    case 0x414: *v = 0xFF; return 1;
    case 0x418: *v = 0x7F; return 1;
    case 0x41C: *v = 0x00; return 1;
    case REG_PCI_CMD: *v = 0x00008001; return 1;
    case 0xC08: *v = 0xFFF; return 1;
    case 0xC0C: *v = 0xFFF; return 1;
    case REG_CIU_ARBITER: *v = 0x80000000u; return 1;
    case REG_WATCHDOG_CFG:
    case REG_WATCHDOG_VAL:
    case 0x103A38:
    case 0x103A3C:
    case 0x100A48:
        *v = 0;
        return 1;
    default: return 0;
    }
}

/* A storage register of the interrupt controller, or NULL. */
static uint32_t *int_reg(struct gt96k *gt, uint32_t off)
{
    switch (off) {
    case GT96K_INT0_MASK: return &gt->int0_mask;
    case GT96K_INT1_MASK: return &gt->int1_mask;
    case GT96K_HINT0_MASK: return &gt->hint0_mask;
    case GT96K_HINT1_MASK: return &gt->hint1_mask;
    case GT96K_SERINT0_MASK: return &gt->serint0_mask;
    case GT96K_SERINT1_MASK: return &gt->serint1_mask;
    case GT96K_SDMA_MASK: return &gt->sdma_mask;
    case GT96K_SGCR: return &gt->sgcr;
    default: return NULL;
    }
}

static uint32_t reg_read_locked(struct gt96k *gt, uint32_t off)
{
    uint32_t v = 0;
    uint32_t *r;
    if (fixed_read(off, &v) || dma_access(gt, off, 0, &v) ||
        gt96k_sdma_access_locked(gt, off, 0, &v) ||
        gt96k_eth_access_locked(gt, off, 0, &v))
        return v;
    if ((r = int_reg(gt, off)) != NULL)
        return *r;
    switch (off) {
    case GT96K_INT_CAUSE: return gt->int_cause;
    case GT96K_HINT_CAUSE: return gt->high_cause;
    case GT96K_SER_CAUSE: return gt->ser_cause;
    case GT96K_SDMA_CAUSE: return gt->sdma_cause;
    case REG_PCI0_CFG_ADDR: return pci_root_cfg_addr(gt->bus[0]);
    case REG_PCI0_CFG_DATA: return pci_root_cfg_data_read(gt->bus[0]);
    case REG_PCI1_CFG_ADDR:
        return gt->bus[1] ? pci_root_cfg_addr(gt->bus[1]) : 0;
    case REG_PCI1_CFG_DATA:
        return gt->bus[1] ? pci_root_cfg_data_read(gt->bus[1]) : 0;
    default:
        return 0; /* not modelled: reads 0 */
    }
}

static void reg_write_locked(struct gt96k *gt, uint32_t off, uint32_t v)
{
    uint32_t *r;
    if (fixed_read(off, &(uint32_t){0}) || dma_access(gt, off, 1, &v) ||
        gt96k_sdma_access_locked(gt, off, 1, &v) ||
        gt96k_eth_access_locked(gt, off, 1, &v))
        return;
    if ((r = int_reg(gt, off)) != NULL) {
        *r = v;
        return;
    }
    switch (off) {
    case GT96K_INT_CAUSE:
        gt->int_cause &= v | INT_CAUSE_RO;
        return;
    case GT96K_SDMA_CAUSE:
        gt->sdma_cause &= v;
        return;
    case REG_SDMA_CAUSE_CLR:
        gt->sdma_cause = 0; /* §4.4, devices.md §3.5 [quirk] */
        return;
    case REG_PCI0_CFG_ADDR:
        pci_root_set_cfg_addr(gt->bus[0], v);
        return;
    case REG_PCI0_CFG_DATA:
        pci_root_cfg_data_write(gt->bus[0], v);
        return;
    case REG_PCI1_CFG_ADDR:
        if (gt->bus[1])
            pci_root_set_cfg_addr(gt->bus[1], v);
        return;
    case REG_PCI1_CFG_DATA:
        if (gt->bus[1])
            pci_root_cfg_data_write(gt->bus[1], v);
        return;
    default:
        return; /* read-only or not modelled */
    }
}

static uint64_t gt96k_read(struct device *dev, uint64_t off, unsigned size)
{
    struct gt96k *gt = DEV_CONTAINER(dev, struct gt96k, dev);
    if (off >= GT96K_WINDOW_SIZE)
        return 0;
    pthread_mutex_lock(&gt->lock);
    uint32_t v = reg_read_locked(gt, (uint32_t)off);
    gt96k_unlock(gt);
    /* §4.4: 4-byte accesses are byte-reversed, smaller ones are not */
    return size == 4 ? __builtin_bswap32(v) : v;
}

static void gt96k_write(struct device *dev, uint64_t off, unsigned size,
                        uint64_t value)
{
    struct gt96k *gt = DEV_CONTAINER(dev, struct gt96k, dev);
    if (off >= GT96K_WINDOW_SIZE)
        return;
    uint32_t v = size == 4 ? __builtin_bswap32((uint32_t)value)
                           : (uint32_t)value;
    pthread_mutex_lock(&gt->lock);
    reg_write_locked(gt, (uint32_t)off, v);
    int on = gt96k_eth_tx_on_locked(gt);
    struct tx_kick kick = gt->kick;
    gt96k_unlock(gt);
    if (on)
        tx_kick(&kick); /* frames left for the periodic scan */
}

static void gt96k_reset(struct device *dev)
{
    struct gt96k *gt = DEV_CONTAINER(dev, struct gt96k, dev);
    pthread_mutex_lock(&gt->lock);
    gt->int_cause = gt->int0_mask = gt->int1_mask = 0;
    gt->high_cause = gt->hint0_mask = gt->hint1_mask = 0;
    gt->ser_cause = gt->serint0_mask = gt->serint1_mask = 0;
    gt->sdma_cause = gt->sdma_mask = gt->sgcr = 0;
    gt->smi = 0;
    memset(gt->dma, 0, sizeof(gt->dma));
    gt96k_eth_reset_locked(gt);
    gt96k_sdma_reset_locked(gt);
    gt96k_unlock(gt);
}

/* Restored from a snapshot: the periodic scan runs while a queue does. */
static void gt96k_loaded(struct device *dev)
{
    struct gt96k *gt = DEV_CONTAINER(dev, struct gt96k, dev);
    pthread_mutex_lock(&gt->lock);
    int on = gt96k_eth_tx_on_locked(gt);
    struct tx_kick kick = gt->kick;
    pthread_mutex_unlock(&gt->lock);
    if (on)
        tx_kick(&kick);
}

static const struct device_ops gt96k_ops = {
    .read = gt96k_read,
    .write = gt96k_write,
    .reset = gt96k_reset,
    .loaded = gt96k_loaded,
    .fields = gt96k_fields,
};

int gt96k_tx_on(struct gt96k *gt)
{
    pthread_mutex_lock(&gt->lock);
    int on = gt96k_eth_tx_on_locked(gt);
    pthread_mutex_unlock(&gt->lock);
    return on;
}

void gt96k_set_tx_kick(struct gt96k *gt, struct tx_kick kick)
{
    pthread_mutex_lock(&gt->lock);
    gt->kick = kick;
    pthread_mutex_unlock(&gt->lock);
}

int gt96k_tx_poll(struct gt96k *gt)
{
    int sent = 0;
    pthread_mutex_lock(&gt->lock);
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++)
        sent += gt96k_eth_tx_locked(gt, p);
    gt96k_unlock(gt);
    return sent;
}

void gt96k_eth_stats(struct gt96k *gt, unsigned port, struct nic_stats *st)
{
    pthread_mutex_lock(&gt->lock);
    *st = port < GT96K_ETH_PORTS ? gt->eth[port].st
                                 : (struct nic_stats){0};
    pthread_mutex_unlock(&gt->lock);
}

void gt96k_mpsc_stats(struct gt96k *gt, unsigned chan, struct nic_stats *st)
{
    pthread_mutex_lock(&gt->lock);
    *st = chan < GT96K_MPSC_CHANNELS ? gt->mpsc[chan].st
                                     : (struct nic_stats){0};
    pthread_mutex_unlock(&gt->lock);
}

void gt96k_dump(struct gt96k *gt, FILE *out)
{
    pthread_mutex_lock(&gt->lock);
    fprintf(out, "    main cause 0x%08x (Int0 mask 0x%08x, Int1 0x%08x), high "
            "cause 0x%08x, serial cause 0x%08x (SerInt0 mask 0x%08x), SDMA "
            "cause 0x%08x mask 0x%08x\n", gt->int_cause, gt->int0_mask,
            gt->int1_mask, gt->high_cause, gt->ser_cause, gt->serint0_mask,
            gt->sdma_cause, gt->sdma_mask);
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++) {
        const struct gt96k_eth_port *e = &gt->eth[p];
        fprintf(out, "    Ethernet %u: PCR 0x%08x SDCMR 0x%08x ICR 0x%08x "
                "IMR 0x%08x RX 0x%08x TX 0x%08x/0x%08x\n", p, e->pcr,
                e->sdcmr, e->icr, e->imr, e->crdp[0], e->ctdp[0],
                e->ctdp[1]);
    }
    pthread_mutex_unlock(&gt->lock);
}

/* ================================================================ NIOs */

static void eth_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct gt96k *gt = arg;
    (void)nio;
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++) {
        pthread_mutex_lock(&gt->lock);
        int mine = gt->eth_nio[p] == nio;
        pthread_mutex_unlock(&gt->lock);
        if (mine) {
            gt96k_eth_receive(gt, p, frame, len);
            return;
        }
    }
}

static void mpsc_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct gt96k *gt = arg;
    for (unsigned ch = 0; ch < GT96K_MPSC_CHANNELS; ch++) {
        pthread_mutex_lock(&gt->lock);
        int mine = gt->mpsc_nio[ch] == nio;
        pthread_mutex_unlock(&gt->lock);
        if (mine) {
            gt96k_mpsc_receive(gt, ch, frame, len);
            return;
        }
    }
}

int gt96k_eth_set_nio(struct gt96k *gt, unsigned port, struct nio *nio)
{
    if (port >= GT96K_ETH_PORTS)
        return -EINVAL;
    return nic_nio_swap(&gt->lock, &gt->eth_nio[port], nio, eth_rx, gt);
}

int gt96k_mpsc_set_nio(struct gt96k *gt, unsigned chan, struct nio *nio)
{
    if (chan >= GT96K_MPSC_CHANNELS)
        return -EINVAL;
    return nic_nio_swap(&gt->lock, &gt->mpsc_nio[chan], nio, mpsc_rx, gt);
}

int gt96k_mpsc_set_ethernet(struct gt96k *gt, unsigned chan, int on)
{
    if (chan >= GT96K_MPSC_CHANNELS)
        return -EINVAL;
    pthread_mutex_lock(&gt->lock);
    gt->mpsc_eth[chan] = on != 0;
    pthread_mutex_unlock(&gt->lock);
    return 0;
}

/* ========================================================== life cycle */

int gt96k_create(const struct gt96k_config *c, struct gt96k **out)
{
    if (!c || !c->pm || !c->bus0)
        return -EINVAL;
    struct gt96k *gt = calloc(1, sizeof(*gt));
    if (!gt)
        return -ENOMEM;
    gt->dev.name = c->name ? c->name : "gt96100";
    gt->dev.ops = &gt96k_ops;
    pthread_mutex_init(&gt->lock, NULL);
    gt->lg = c->lg;
    gt->pm = c->pm;
    gt->bus[0] = c->bus0;
    gt->bus[1] = c->bus1;
    gt->int0 = c->int0;
    gt->int1 = c->int1;
    gt->serint0 = c->serint0;
    gt96k_eth_reset_locked(gt);
    /* §4.4: bus 0 device 0, no interrupt pin of its own */
    struct pci_dev_config pc = {
        .name = gt->dev.name,
        .vendor_id = GT96K_VENDOR,
        .device_id = GT96K_DEVICE,
        .class_rev = GT96K_CLASS,
        .mode = PCI_HDR_PLATFORM,
    };
    int rc = pci_dev_add(c->bus0, 0, 0, &pc, &gt->pci);
    if (rc < 0) {
        pthread_mutex_destroy(&gt->lock);
        free(gt);
        return rc;
    }
    *out = gt;
    return 0;
}

void gt96k_destroy(struct gt96k *gt)
{
    if (!gt)
        return;
    for (unsigned p = 0; p < GT96K_ETH_PORTS; p++)
        gt96k_eth_set_nio(gt, p, NULL);
    for (unsigned ch = 0; ch < GT96K_MPSC_CHANNELS; ch++)
        gt96k_mpsc_set_nio(gt, ch, NULL);
    if (gt->pci)
        pci_dev_remove(gt->pci);
    pthread_mutex_destroy(&gt->lock);
    free(gt);
}

struct device *gt96k_device(struct gt96k *gt)
{
    return &gt->dev;
}
