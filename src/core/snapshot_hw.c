/* Snapshot building blocks shared by the machines (snapshot_hw.h). */
#include "core/snapshot_hw.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/le_bytes.h"
#include "core/log.h"
#include "core/snapshot.h"
#include "core/vm.h"
#include "dev/pci_bus.h"

/* One function: bus, device, function, mapped-BAR bits, 64 registers. */
#define PCI_REC_SIZE (4 + 64 * 4)

/* ------------------------------------------------------------- PCI */

void snap_pci_save(struct snap_writer *w, struct pci_bus *root,
                   const char *name)
{
    uint8_t b[PCI_REC_SIZE];
    snap_begin(w, "PCI", name);
    put_le(b, pci_root_cfg_addr(root), 4);
    snap_write(w, b, 4);
    /* bus order: a bridge comes before what is behind it */
    for (unsigned bus = 0; bus < 256; bus++) {
        for (unsigned dev = 0; dev < PCI_MAX_DEVICES; dev++) {
            for (unsigned fn = 0; fn < PCI_MAX_FUNCTIONS; fn++) {
                struct pci_dev *d = pci_find(root, bus, dev, fn);
                if (!d)
                    continue;
                b[0] = (uint8_t)bus;
                b[1] = (uint8_t)dev;
                b[2] = (uint8_t)fn;
                b[3] = 0;
                for (unsigned i = 0; i < PCI_NUM_BARS; i++)
                    if (pci_dev_bar_mapped(d, i))
                        b[3] |= (uint8_t)(1u << i);
                for (unsigned r = 0; r < 64; r++)
                    put_le(b + 4 + 4 * r,
                           pci_cfg_read(root,
                                        PCI_CFG_ADDR(bus, dev, fn, r * 4)),
                           4);
                snap_write(w, b, PCI_REC_SIZE);
            }
        }
    }
    snap_end(w);
}

/* bars_only: the second pass (snap_pci_reload_bars). */
static int pci_replay(const struct snap_reader *r, struct pci_bus *root,
                      const char *name, int bars_only, char *err,
                      size_t errlen)
{
    size_t len;
    const uint8_t *d = snap_find(r, "PCI", name, &len);
    if (!d)
        return 0;
    if (len < 4 || (len - 4) % PCI_REC_SIZE)
        return errf(err, errlen, -EINVAL, "PCI %s: corrupt", name);
    for (size_t pos = 4; pos < len; pos += PCI_REC_SIZE) {
        const uint8_t *e = d + pos;
        unsigned bus = e[0], dev = e[1], fn = e[2], mapped = e[3];
        uint32_t reg[64];
        for (unsigned i = 0; i < 64; i++)
            reg[i] = (uint32_t)get_le(e + 4 + 4 * i, 4);
        int bridge = (reg[PCI_REG_CLASS / 4] >> 16) ==
                     (PCI_CLASS_BRIDGE_PCI >> 16);
        /* a bridge's bus numbers first: what is behind it appears */
        if (bridge && !bars_only)
            pci_cfg_write(root,
                          PCI_CFG_ADDR(bus, dev, fn, PCI_REG_BUS_NUMBERS),
                          reg[PCI_REG_BUS_NUMBERS / 4]);
        /* A configuration read, as the guest's own walk made: the first
         * cycle to a bus number no bridge routes claims a hidden route
         * (c7200.md §12.3), which pci_find alone does not. */
        (void)pci_cfg_read(root, PCI_CFG_ADDR(bus, dev, fn, PCI_REG_ID));
        if (!pci_find(root, bus, dev, fn))
            return errf(err, errlen, -EINVAL, "PCI %s: no function "
                        "%u:%u.%u in this VM (other cards?)", name, bus,
                        dev, fn);
        for (unsigned i = 0; i < (bridge ? 2u : PCI_NUM_BARS); i++)
            if (mapped & (1u << i))
                pci_cfg_write(root,
                              PCI_CFG_ADDR(bus, dev, fn, PCI_REG_BAR0 + 4 * i),
                              reg[PCI_REG_BAR0 / 4 + i]);
        if (bars_only)
            continue;
        pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn, PCI_REG_COMMAND),
                      reg[PCI_REG_COMMAND / 4] & 0xFFFFu);
        pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn, PCI_REG_INTERRUPT),
                      reg[PCI_REG_INTERRUPT / 4]);
    }
    if (!bars_only)
        pci_root_set_cfg_addr(root, (uint32_t)get_le(d, 4));
    return 0;
}

int snap_pci_load(const struct snap_reader *r, struct pci_bus *root,
                  const char *name, char *err, size_t errlen)
{
    return pci_replay(r, root, name, 0, err, errlen);
}

int snap_pci_reload_bars(const struct snap_reader *r, struct pci_bus *root,
                         const char *name, char *err, size_t errlen)
{
    return pci_replay(r, root, name, 1, err, errlen);
}

/* ------------------------------------------------------ physical map */

static void region_key(const struct phys_region *reg, char *buf, size_t len)
{
    snprintf(buf, len, "%s@%09llx", reg->name ? reg->name : "?",
             (unsigned long long)reg->base);
}

/* A device with a field list, at its first window. */
static int device_here(const struct physmap *pm, int i)
{
    const struct phys_region *reg = &pm->regions[i];
    if (!reg->dev || !reg->dev->ops || !reg->dev->ops->fields)
        return 0;
    for (int j = 0; j < i; j++)
        if (pm->regions[j].dev == reg->dev)
            return 0;
    return 1;
}

/* Writable host memory without a device, not RAM nor skipped, once. */
static int memory_here(const struct vm *vm, int i, void *const *skip)
{
    const struct phys_region *reg = &vm->pm.regions[i];
    if (!(reg->flags & PR_RAM) || (reg->flags & PR_READONLY) || reg->dev ||
        !reg->host || reg->host == vm->ram.host)
        return 0;
    for (size_t k = 0; skip && skip[k]; k++)
        if (reg->host == skip[k])
            return 0;
    for (int j = 0; j < i; j++)
        if (vm->pm.regions[j].host == reg->host)
            return 0;
    return 1;
}

static struct guest_ram region_ram(const struct phys_region *reg)
{
    return (struct guest_ram){.host = reg->host, .size = reg->size,
                              .backing = RAM_ANON};
}

int snap_map_save(struct vm *vm, struct snap_writer *w, void *const *skip,
                  char *err, size_t errlen)
{
    for (int i = 0; i < vm->pm.count; i++) {
        const struct phys_region *reg = &vm->pm.regions[i];
        char key[96];
        region_key(reg, key, sizeof(key));
        if (memory_here(vm, i, skip)) {
            struct guest_ram ram = region_ram(reg);
            int rc = snap_put_ram(w, key, &ram, err, errlen);
            if (rc < 0)
                return rc;
        }
        if (device_here(&vm->pm, i))
            snap_put_fields(w, key, reg->dev, reg->dev->ops->fields);
    }
    return w->err ? errf(err, errlen, -w->err, "%s", strerror(w->err)) : 0;
}

int snap_map_load(struct vm *vm, const struct snap_reader *r,
                  void *const *skip, char *err, size_t errlen)
{
    for (int i = 0; i < vm->pm.count; i++) {
        const struct phys_region *reg = &vm->pm.regions[i];
        char key[96];
        region_key(reg, key, sizeof(key));
        if (memory_here(vm, i, skip)) {
            struct guest_ram ram = region_ram(reg);
            int rc = snap_get_ram(r, key, &ram, err, errlen);
            if (rc < 0)
                return rc;
        }
        if (!device_here(&vm->pm, i))
            continue;
        int m = snap_get_fields(r, key, reg->dev, reg->dev->ops->fields);
        if (reg->dev->ops->loaded)
            reg->dev->ops->loaded(reg->dev);
        if (m)
            log_msg(vm->log, "SNAPSHOT", "%s: %d field%s of %s not in the "
                    "snapshot: power-on values kept", vm->cfg.name, m,
                    m == 1 ? "" : "s", key);
    }
    return 0;
}
