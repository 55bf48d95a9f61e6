/*
 * PCI bus model: configuration space of functions and bridges, routing of
 * configuration cycles through bridges, BAR windows in the physical map
 * (shared spec c7200.md §12.1-§12.3, devices.md §1.1-§1.2). See pci_bus.h
 * for the two header behaviours.
 */
#include "dev/pci_bus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/pci_io.h"
#include "mem/physmap.h"

#define PCI_NAME_LEN 32
#define PCI_LOG_LIMIT 32    /* guest-error messages per bus */
#define PCI_MAX_DEPTH 256   /* routing hops: at most one per bus number */
#define PCI_BRIDGE_BARS 2   /* a type-1 header has BAR0/BAR1 only */

/* Writable command bits (PCI 2.2 §6.2.2): I/O, memory, master, parity,
 * SERR#, interrupt disable. */
#define PCI_CMD_WRITABLE                                                   \
    (PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_PARITY |       \
     PCI_CMD_SERR | PCI_CMD_INTX_DISABLE)

enum bar_map { BAR_UNMAPPED = 0, BAR_IN_PHYSMAP, BAR_IN_IO };

struct pci_bar {
    struct pci_bar_desc desc;
    uint32_t value;   /* register contents, type bits excluded */
    int written;      /* PLATFORM: decoded once the guest wrote it */
    enum bar_map map; /* where the window currently is */
    uint64_t map_base;
};

struct pci_bridge_state {
    struct pci_bus *secondary;
    uint32_t bus_reg; /* register 0x18 as last written */
    int primary, sec, sub;
};

struct pci_dev {
    char name[PCI_NAME_LEN];
    struct pci_bus *bus;
    uint8_t devno, fn;
    struct pci_dev_config cfg; /* cfg.name points at name */
    uint16_t command;
    uint8_t int_line;
    int irq_level;
    struct pci_bar bar[PCI_NUM_BARS];
    int is_bridge;
    struct pci_bridge_state br;
};

struct pci_bus {
    char name[PCI_NAME_LEN];
    int number;
    int reset_number; /* 0 for a root, -1 for a secondary */
    struct physmap *pm;
    struct logger *lg;
    struct pci_io *io;
    uint32_t cfg_addr; /* host-bridge latch when used as a root */
    struct pci_dev *slot[PCI_MAX_DEVICES][PCI_MAX_FUNCTIONS];

    /* Upstream: the bridge function or the hidden route we hang behind. */
    struct pci_dev *up_bridge;
    struct pci_bus *up_hidden;

    /* Hidden route leaving this bus (c7200.md §12.3). */
    struct pci_bus *hidden;
    int hidden_claimed;

    unsigned logged;
};

static void pci_log(struct pci_bus *bus, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void pci_log(struct pci_bus *bus, const char *fmt, ...)
{
    if (bus->logged >= PCI_LOG_LIMIT)
        return;
    bus->logged++;
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(bus->lg, "PCI", fmt, ap);
    va_end(ap);
}

static void copy_name(char *dst, const char *src)
{
    snprintf(dst, PCI_NAME_LEN, "%s", src ? src : "?");
}

/* ================================================================ buses */

int pci_bus_create(const char *name, int number, struct physmap *pm,
                   struct logger *lg, struct pci_bus **out)
{
    if (number < -1 || number > 255)
        return -EINVAL;
    struct pci_bus *bus = calloc(1, sizeof(*bus));
    if (!bus)
        return -ENOMEM;
    copy_name(bus->name, name);
    bus->number = bus->reset_number = number;
    bus->pm = pm;
    bus->lg = lg;
    *out = bus;
    return 0;
}

static void bus_detach_upstream(struct pci_bus *bus)
{
    if (bus->up_bridge) {
        bus->up_bridge->br.secondary = NULL;
        bus->up_bridge = NULL;
    }
    if (bus->up_hidden) {
        bus->up_hidden->hidden = NULL;
        bus->up_hidden->hidden_claimed = 0;
        bus->up_hidden = NULL;
    }
}

void pci_bus_destroy(struct pci_bus *bus)
{
    if (!bus)
        return;
    for (unsigned d = 0; d < PCI_MAX_DEVICES; d++)
        for (unsigned f = 0; f < PCI_MAX_FUNCTIONS; f++)
            if (bus->slot[d][f])
                pci_dev_remove(bus->slot[d][f]);
    if (bus->hidden) {
        bus->hidden->up_hidden = NULL;
        bus->hidden->number = bus->hidden->reset_number;
    }
    bus_detach_upstream(bus);
    free(bus);
}

const char *pci_bus_name(const struct pci_bus *bus)
{
    return bus->name;
}

int pci_bus_number(const struct pci_bus *bus)
{
    return bus->number;
}

void pci_bus_set_io(struct pci_bus *bus, struct pci_io *io)
{
    bus->io = io;
}

struct pci_dev *pci_bus_slot(const struct pci_bus *bus, unsigned dev,
                             unsigned fn)
{
    if (dev >= PCI_MAX_DEVICES || fn >= PCI_MAX_FUNCTIONS)
        return NULL;
    return bus->slot[dev][fn];
}

/* ============================================================ BAR windows */

static int bar_count(const struct pci_dev *d)
{
    return d->is_bridge ? PCI_BRIDGE_BARS : PCI_NUM_BARS;
}

static uint32_t bar_addr_mask(const struct pci_bar *b)
{
    /* Size bits read back as zero; I/O BARs keep bits 31:2 (PCI 2.2 §6.2.5). */
    uint32_t m = ~(b->desc.size - 1);
    return b->desc.io ? (m & ~0x3u) : (m & ~0xFu);
}

static void bar_unmap(struct pci_dev *d, struct pci_bar *b)
{
    if (b->map == BAR_IN_PHYSMAP && d->bus->pm)
        physmap_remove(d->bus->pm, b->map_base);
    else if (b->map == BAR_IN_IO && d->bus->io)
        pci_io_remove(d->bus->io, (uint32_t)b->map_base);
    b->map = BAR_UNMAPPED;
}

/* Where BAR i wants its window now; 0 = nowhere. */
static enum bar_map bar_wanted(const struct pci_dev *d, const struct pci_bar *b,
                               uint64_t *base)
{
    if (!b->desc.size || !b->desc.window)
        return BAR_UNMAPPED;
    *base = b->value;
    if (d->cfg.mode == PCI_HDR_PLATFORM) {
        /* c7200.md §12.1: mapped at exactly the written value, any value;
         * I/O BARs are not decoded (§12.5). */
        return (!b->desc.io && b->written) ? BAR_IN_PHYSMAP : BAR_UNMAPPED;
    }
    /* STANDARD: decode enabled by the command register; base 0 stands for
     * "unassigned" (inference: no platform places a window at 0). */
    if (b->value == 0)
        return BAR_UNMAPPED;
    if (b->desc.io)
        return (d->command & PCI_CMD_IO) && d->bus->io ? BAR_IN_IO
                                                       : BAR_UNMAPPED;
    return (d->command & PCI_CMD_MEMORY) ? BAR_IN_PHYSMAP : BAR_UNMAPPED;
}

static void bar_update(struct pci_dev *d, unsigned i)
{
    struct pci_bar *b = &d->bar[i];
    uint64_t base = 0;
    enum bar_map want = bar_wanted(d, b, &base);
    if (want == b->map && (want == BAR_UNMAPPED || base == b->map_base))
        return;
    bar_unmap(d, b);
    if (want == BAR_UNMAPPED)
        return;
    int rc = -ENODEV;
    if (want == BAR_IN_PHYSMAP && d->bus->pm)
        rc = physmap_add_device(d->bus->pm, d->name, base, b->desc.size,
                                b->desc.window, PR_UNCACHED_ONLY);
    else if (want == BAR_IN_IO)
        rc = pci_io_add(d->bus->io, (uint32_t)base, b->desc.size,
                        b->desc.window);
    if (rc < 0) {
        /* A guest placing a window over something else: leave it unmapped. */
        pci_log(d->bus, "guest error: %s BAR%u at 0x%llx (+0x%x) not mapped "
                "(%s)", d->name, i, (unsigned long long)base, b->desc.size,
                strerror(-rc));
        return;
    }
    b->map = want;
    b->map_base = base;
}

static void bars_update(struct pci_dev *d)
{
    for (int i = 0; i < bar_count(d); i++)
        bar_update(d, (unsigned)i);
}

static void bar_write(struct pci_dev *d, unsigned i, uint32_t v)
{
    struct pci_bar *b = &d->bar[i];
    if (d->cfg.mode == PCI_HDR_PLATFORM)
        b->value = v; /* unmasked, c7200.md §12.1 */
    else
        b->value = v & bar_addr_mask(b);
    b->written = 1;
    bar_update(d, i);
}

static uint32_t bar_read(const struct pci_dev *d, unsigned i)
{
    const struct pci_bar *b = &d->bar[i];
    if (d->cfg.mode == PCI_HDR_PLATFORM)
        return b->value;
    return b->value | (b->desc.io ? 0x1u : 0x0u);
}

/* Is BAR i decoded by this function's header? */
static int bar_decoded(const struct pci_dev *d, unsigned i)
{
    const struct pci_bar *b = &d->bar[i];
    if ((int)i >= bar_count(d) || !b->desc.size)
        return 0;
    return d->cfg.mode == PCI_HDR_STANDARD || !b->desc.io;
}

/* ============================================================ functions */

static int config_valid(const struct pci_dev_config *cfg)
{
    if (cfg->mode != PCI_HDR_PLATFORM && cfg->mode != PCI_HDR_STANDARD)
        return 0;
    if (cfg->mode == PCI_HDR_STANDARD) {
        if (cfg->int_pin > 4)
            return 0;
        for (int i = 0; i < PCI_NUM_BARS; i++) {
            uint32_t s = cfg->bar[i].size;
            if (s && ((s & (s - 1)) || s < (cfg->bar[i].io ? 4u : 16u)))
                return 0;
        }
    }
    return 1;
}

static int dev_insert(struct pci_bus *bus, unsigned devno, unsigned fn,
                      const struct pci_dev_config *cfg, struct pci_dev **out)
{
    if (!bus || !cfg || devno >= PCI_MAX_DEVICES || fn >= PCI_MAX_FUNCTIONS ||
        !config_valid(cfg))
        return -EINVAL;
    if (bus->slot[devno][fn])
        return -EEXIST;
    struct pci_dev *d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    copy_name(d->name, cfg->name);
    d->cfg = *cfg;
    d->cfg.name = d->name;
    d->bus = bus;
    d->devno = (uint8_t)devno;
    d->fn = (uint8_t)fn;
    for (int i = 0; i < PCI_NUM_BARS; i++)
        d->bar[i].desc = cfg->bar[i];
    d->br.primary = d->br.sec = d->br.sub = -1;
    bus->slot[devno][fn] = d;
    *out = d;
    return 0;
}

int pci_dev_add(struct pci_bus *bus, unsigned dev, unsigned fn,
                const struct pci_dev_config *cfg, struct pci_dev **out)
{
    struct pci_dev *d;
    int rc = dev_insert(bus, dev, fn, cfg, &d);
    if (rc < 0)
        return rc;
    if (out)
        *out = d;
    return 0;
}

void pci_dev_remove(struct pci_dev *d)
{
    if (!d)
        return;
    for (int i = 0; i < PCI_NUM_BARS; i++)
        bar_unmap(d, &d->bar[i]);
    if (d->is_bridge && d->br.secondary) {
        d->br.secondary->up_bridge = NULL;
        d->br.secondary->number = d->br.secondary->reset_number;
    }
    d->bus->slot[d->devno][d->fn] = NULL;
    free(d);
}

const char *pci_dev_name(const struct pci_dev *d)
{
    return d->name;
}

struct pci_bus *pci_dev_bus(const struct pci_dev *d)
{
    return d->bus;
}

unsigned pci_dev_number(const struct pci_dev *d)
{
    return d->devno;
}

unsigned pci_dev_function(const struct pci_dev *d)
{
    return d->fn;
}

uint32_t pci_dev_id(const struct pci_dev *d)
{
    return (uint32_t)d->cfg.device_id << 16 | d->cfg.vendor_id;
}

static void irq_update(struct pci_dev *d)
{
    int out = d->irq_level;
    if (d->cfg.mode == PCI_HDR_STANDARD && (d->command & PCI_CMD_INTX_DISABLE))
        out = 0;
    irq_set(&d->cfg.irq, out);
}

void pci_dev_set_irq(struct pci_dev *d, int level)
{
    d->irq_level = level ? 1 : 0;
    irq_update(d);
}

int pci_dev_irq_level(const struct pci_dev *d)
{
    return d->irq_level;
}

uint32_t pci_dev_bar_base(const struct pci_dev *d, unsigned i)
{
    return i < PCI_NUM_BARS ? d->bar[i].value : 0;
}

int pci_dev_bar_mapped(const struct pci_dev *d, unsigned i)
{
    return i < PCI_NUM_BARS && d->bar[i].map != BAR_UNMAPPED;
}

int pci_dev_set_bar_size(struct pci_dev *d, unsigned i, uint32_t size)
{
    if (i >= PCI_NUM_BARS || !size)
        return -EINVAL;
    struct pci_bar *b = &d->bar[i];
    if (d->cfg.mode == PCI_HDR_STANDARD &&
        ((size & (size - 1)) || size < (b->desc.io ? 4u : 16u)))
        return -EINVAL;
    bar_unmap(d, b);
    b->desc.size = size;
    if (d->cfg.mode == PCI_HDR_STANDARD)
        b->value &= bar_addr_mask(b);
    bar_update(d, i);
    return 0;
}

/* ============================================================== bridges */

static int is_ancestor_or_self(const struct pci_bus *maybe,
                               const struct pci_bus *bus)
{
    for (int n = 0; bus && n < PCI_MAX_DEPTH; n++) {
        if (bus == maybe)
            return 1;
        bus = bus->up_bridge ? bus->up_bridge->bus : bus->up_hidden;
    }
    return 0;
}

int pci_bridge_add(struct pci_bus *parent, unsigned dev, unsigned fn,
                   const struct pci_dev_config *cfg, struct pci_bus *secondary,
                   struct pci_dev **out)
{
    if (secondary) {
        if (secondary->up_bridge || secondary->up_hidden)
            return -EBUSY;
        if (parent && is_ancestor_or_self(secondary, parent))
            return -EINVAL;
    }
    struct pci_dev *d;
    int rc = dev_insert(parent, dev, fn, cfg, &d);
    if (rc < 0)
        return rc;
    d->is_bridge = 1;
    if (!d->cfg.class_rev)
        d->cfg.class_rev = PCI_CLASS_BRIDGE_PCI; /* devices.md §1.2 */
    d->br.secondary = secondary;
    if (secondary) {
        secondary->up_bridge = d;
        secondary->number = -1; /* unreachable until 0x18 is written */
    }
    if (out)
        *out = d;
    return 0;
}

int pci_bridge_bus_numbers(const struct pci_dev *d, int *primary,
                           int *secondary, int *subordinate)
{
    if (!d || !d->is_bridge)
        return -EINVAL;
    if (primary)
        *primary = d->br.primary;
    if (secondary)
        *secondary = d->br.sec;
    if (subordinate)
        *subordinate = d->br.sub;
    return 0;
}

static void bridge_set_numbers(struct pci_dev *d, uint32_t v)
{
    /* c7200.md §12.1: bits 7-0 primary, 15-8 secondary, 23-16 subordinate;
     * the whole word reads back; routing changes at once. */
    d->br.bus_reg = v;
    d->br.primary = (int)(v & 0xFF);
    d->br.sec = (int)((v >> 8) & 0xFF);
    d->br.sub = (int)((v >> 16) & 0xFF);
    if (d->br.secondary)
        d->br.secondary->number = d->br.sec;
    pci_log(d->bus, "bridge %s (%d:%u.%u): primary %d, secondary %d, "
            "subordinate %d", d->name, d->bus->number, d->devno, d->fn,
            d->br.primary, d->br.sec, d->br.sub);
}

int pci_bus_add_hidden_route(struct pci_bus *parent, struct pci_bus *secondary)
{
    if (!parent || !secondary || parent->hidden)
        return -EINVAL;
    if (secondary->up_bridge || secondary->up_hidden)
        return -EBUSY;
    if (is_ancestor_or_self(secondary, parent))
        return -EINVAL;
    parent->hidden = secondary;
    parent->hidden_claimed = 0;
    secondary->up_hidden = parent;
    secondary->number = -1;
    return 0;
}

/* ============================================================== routing */

/*
 * The bus carrying number busno, reached from root; claim: let an unclaimed
 * hidden route take the number (c7200.md §12.3).
 */
static struct pci_bus *route(struct pci_bus *root, unsigned busno, int claim)
{
    struct pci_bus *cur = root;
    for (int hops = 0; cur && hops < PCI_MAX_DEPTH; hops++) {
        if (cur->number == (int)busno)
            return cur;
        struct pci_bus *next = NULL;
        int routed = 0;
        for (unsigned d = 0; d < PCI_MAX_DEVICES && !routed; d++) {
            for (unsigned f = 0; f < PCI_MAX_FUNCTIONS && !routed; f++) {
                const struct pci_dev *b = cur->slot[d][f];
                if (b && b->is_bridge && b->br.sec >= 0 &&
                    (int)busno >= b->br.sec && (int)busno <= b->br.sub) {
                    next = b->br.secondary; /* NULL: nothing behind it */
                    routed = 1;
                }
            }
        }
        if (!routed && cur->hidden) {
            if (cur->hidden_claimed) {
                if (cur->hidden->number == (int)busno)
                    next = cur->hidden;
            } else if (claim) {
                cur->hidden_claimed = 1;
                cur->hidden->number = (int)busno;
                pci_log(cur, "hidden route from bus %d claims bus %u (%s)",
                        cur->number, busno, cur->hidden->name);
                next = cur->hidden;
            }
        }
        cur = next;
    }
    return NULL;
}

struct pci_dev *pci_find(struct pci_bus *root, unsigned bus, unsigned dev,
                         unsigned fn)
{
    if (!root || bus > 255 || dev >= PCI_MAX_DEVICES || fn >= PCI_MAX_FUNCTIONS)
        return NULL;
    struct pci_bus *b = route(root, bus, 0);
    return b ? b->slot[dev][fn] : NULL;
}

static struct pci_dev *cfg_target(struct pci_bus *root, uint32_t addr)
{
    struct pci_bus *b = route(root, PCI_CFG_BUS(addr), 1);
    return b ? b->slot[PCI_CFG_DEV(addr)][PCI_CFG_FN(addr)] : NULL;
}

/* ======================================================= config registers */

static int bar_index(const struct pci_dev *d, unsigned reg, unsigned *i)
{
    if (reg < PCI_REG_BAR0 || (reg & 3))
        return 0;
    unsigned n = (reg - PCI_REG_BAR0) / 4;
    if ((int)n >= bar_count(d))
        return 0;
    *i = n;
    return 1;
}

static uint32_t hook_read(const struct pci_dev *d, unsigned reg)
{
    return d->cfg.cfg_read ? d->cfg.cfg_read(d->cfg.ctx, reg) : 0;
}

static void hook_write(struct pci_dev *d, unsigned reg, uint32_t v)
{
    if (d->cfg.cfg_write)
        d->cfg.cfg_write(d->cfg.ctx, reg, v);
}

static uint32_t dev_cfg_read(struct pci_dev *d, unsigned reg)
{
    unsigned i;
    if (reg == PCI_REG_ID)
        return pci_dev_id(d);
    if (reg == PCI_REG_CLASS)
        return d->cfg.class_rev;
    if (d->is_bridge && reg == PCI_REG_BUS_NUMBERS)
        return d->br.bus_reg;
    if (bar_index(d, reg, &i) && bar_decoded(d, i))
        return bar_read(d, i);
    if (d->cfg.mode == PCI_HDR_STANDARD) {
        switch (reg) {
        case PCI_REG_COMMAND: {
            uint32_t status = d->irq_level ? PCI_STATUS_INTERRUPT : 0;
            return status << 16 | d->command;
        }
        case PCI_REG_HEADER:
            return (uint32_t)(d->is_bridge ? 0x01 : 0x00) << 16;
        case PCI_REG_INTERRUPT:
            return (uint32_t)d->cfg.int_pin << 8 | d->int_line;
        default:
            break;
        }
    }
    return hook_read(d, reg);
}

static void dev_cfg_write(struct pci_dev *d, unsigned reg, uint32_t v)
{
    unsigned i;
    if (reg == PCI_REG_ID || reg == PCI_REG_CLASS)
        return; /* read-only */
    if (d->is_bridge && reg == PCI_REG_BUS_NUMBERS) {
        bridge_set_numbers(d, v);
        return;
    }
    if (bar_index(d, reg, &i) && bar_decoded(d, i)) {
        bar_write(d, i, v);
        return;
    }
    if (d->cfg.mode == PCI_HDR_STANDARD) {
        switch (reg) {
        case PCI_REG_COMMAND:
            d->command = (uint16_t)(v & PCI_CMD_WRITABLE);
            bars_update(d);
            irq_update(d);
            return;
        case PCI_REG_HEADER:
            return;
        case PCI_REG_INTERRUPT:
            d->int_line = (uint8_t)v;
            return;
        default:
            break;
        }
    }
    hook_write(d, reg, v);
}

uint32_t pci_cfg_read(struct pci_bus *root, uint32_t addr)
{
    struct pci_dev *d = cfg_target(root, addr);
    unsigned reg = PCI_CFG_REG(addr);
    if (!d) /* c7200.md §12.1: absent function */
        return reg == PCI_REG_ID ? 0xFFFFFFFFu : 0;
    return dev_cfg_read(d, reg);
}

void pci_cfg_write(struct pci_bus *root, uint32_t addr, uint32_t value)
{
    struct pci_dev *d = cfg_target(root, addr);
    if (d)
        dev_cfg_write(d, PCI_CFG_REG(addr), value);
}

void pci_root_set_cfg_addr(struct pci_bus *root, uint32_t addr)
{
    root->cfg_addr = addr;
}

uint32_t pci_root_cfg_addr(const struct pci_bus *root)
{
    return root->cfg_addr;
}

uint32_t pci_root_cfg_data_read(struct pci_bus *root)
{
    return pci_cfg_read(root, root->cfg_addr);
}

void pci_root_cfg_data_write(struct pci_bus *root, uint32_t value)
{
    pci_cfg_write(root, root->cfg_addr, value);
}

/* ================================================================ reset */

static void dev_reset_header(struct pci_dev *d)
{
    for (int i = 0; i < PCI_NUM_BARS; i++) {
        bar_unmap(d, &d->bar[i]);
        d->bar[i].value = 0;
        d->bar[i].written = 0;
    }
    d->command = 0;
    d->int_line = 0;
    if (d->is_bridge) {
        d->br.bus_reg = 0;
        d->br.primary = d->br.sec = d->br.sub = -1;
    }
}

static void bus_reset(struct pci_bus *bus, int depth)
{
    if (!bus || depth >= PCI_MAX_DEPTH)
        return;
    bus->cfg_addr = 0;
    bus->number = bus->reset_number;
    if (bus->up_bridge || bus->up_hidden)
        bus->number = -1;
    for (unsigned d = 0; d < PCI_MAX_DEVICES; d++) {
        for (unsigned f = 0; f < PCI_MAX_FUNCTIONS; f++) {
            struct pci_dev *p = bus->slot[d][f];
            if (!p)
                continue;
            dev_reset_header(p);
            if (p->is_bridge)
                bus_reset(p->br.secondary, depth + 1);
        }
    }
    if (bus->hidden) {
        bus->hidden_claimed = 0;
        bus_reset(bus->hidden, depth + 1);
    }
}

void pci_bus_reset(struct pci_bus *bus)
{
    bus_reset(bus, 0);
}
