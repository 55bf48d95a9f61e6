/* Cisco 7200 snapshots: the machine's part (c7200_state.h). */
#include "machine/c7200/c7200_state.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/snapshot.h"
#include "core/vm.h"
#include "dev/nvram.h"
#include "dev/pci_bus.h"
#include "dev/scn2681.h"
#include "machine/c7200/c7200_pci.h"

/* One PCI function as the guest programmed it. */
struct pci_rec {
    uint8_t bus, dev, fn, bars_mapped;
    uint32_t reg[64];
};
#define PCI_REC_SIZE (4 + 64 * 4)

static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return code;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static int is_bridge(uint32_t class_rev)
{
    return (class_rev >> 16) == (PCI_CLASS_BRIDGE_PCI >> 16);
}

/* ------------------------------------------------------------- PCI */

/*
 * Every function the root reaches with the bus numbers the guest gave,
 * in bus order (a bridge comes before what is behind it): latch, then
 * per function its header registers and which BARs are mapped.
 */
static void pci_save(struct snap_writer *w, struct pci_bus *root,
                     const char *name)
{
    snap_begin(w, "PCI", name);
    uint8_t b[PCI_REC_SIZE];
    put_le(b, pci_root_cfg_addr(root), 4);
    snap_write(w, b, 4);
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
                           pci_cfg_read(root, PCI_CFG_ADDR(bus, dev, fn,
                                                           r * 4)), 4);
                snap_write(w, b, PCI_REC_SIZE);
            }
        }
    }
    snap_end(w);
}

/*
 * Replay the guest's configuration writes: bridge bus numbers (which also
 * claims a hidden route again), mapped BARs, command and interrupt line.
 * Chip-specific registers (0x40 up) are not written back: some have side
 * effects on write.
 */
static int pci_load(const struct snap_reader *r, struct pci_bus *root,
                    const char *name, char *err, size_t errlen)
{
    size_t len;
    const uint8_t *d = snap_find(r, "PCI", name, &len);
    if (!d)
        return 0; /* the root did not exist when saved either */
    if (len < 4 || (len - 4) % PCI_REC_SIZE)
        return errf(err, errlen, -EINVAL, "PCI %s: corrupt", name);
    uint32_t latch = (uint32_t)get_le(d, 4);
    for (size_t pos = 4; pos < len; pos += PCI_REC_SIZE) {
        const uint8_t *e = d + pos;
        unsigned bus = e[0], dev = e[1], fn = e[2], mapped = e[3];
        uint32_t reg[64];
        for (unsigned i = 0; i < 64; i++)
            reg[i] = (uint32_t)get_le(e + 4 + 4 * i, 4);
        int bridge = is_bridge(reg[PCI_REG_CLASS / 4]);
        if (bridge)
            pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn,
                                             PCI_REG_BUS_NUMBERS),
                          reg[PCI_REG_BUS_NUMBERS / 4]);
        for (unsigned i = 0; i < (bridge ? 2u : PCI_NUM_BARS); i++)
            if (mapped & (1u << i))
                pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn,
                                                 PCI_REG_BAR0 + 4 * i),
                              reg[PCI_REG_BAR0 / 4 + i]);
        pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn, PCI_REG_COMMAND),
                      reg[PCI_REG_COMMAND / 4] & 0xFFFFu);
        pci_cfg_write(root, PCI_CFG_ADDR(bus, dev, fn, PCI_REG_INTERRUPT),
                      reg[PCI_REG_INTERRUPT / 4]);
        if (!pci_find(root, bus, dev, fn))
            return errf(err, errlen, -EINVAL, "PCI %s: no function %u:%u.%u "
                        "in this VM (other cards?)", name, bus, dev, fn);
    }
    pci_root_set_cfg_addr(root, latch);
    return 0;
}

/* ---------------------------------------------------------- devices */

/* "<region>@<base>": stable across VMs of the same configuration. */
static void dev_key(const struct phys_region *reg, char *buf, size_t len)
{
    snprintf(buf, len, "%s@%09llx", reg->name ? reg->name : "?",
             (unsigned long long)reg->base);
}

/* Devices with a field list, each once (windows may alias one chip). */
static int first_region_of(const struct physmap *pm, int i)
{
    const struct phys_region *reg = &pm->regions[i];
    if (!reg->dev || !reg->dev->ops || !reg->dev->ops->fields)
        return 0;
    for (int j = 0; j < i; j++)
        if (pm->regions[j].dev == reg->dev)
            return 0;
    return 1;
}

/*
 * Other writable host memory in the map (packet SRAM): each once, keyed
 * like devices. Flash (host memory with a device for writes) keeps its
 * contents in its image file.
 */
static int other_ram(const struct vm *vm, const struct c7200_parts *p, int i)
{
    const struct phys_region *reg = &vm->pm.regions[i];
    if (!(reg->flags & PR_RAM) || (reg->flags & PR_READONLY) || reg->dev ||
        !reg->host || reg->host == vm->ram.host ||
        (p->iomem && reg->host == p->iomem->host))
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

int c7200_state_save(struct vm *vm, struct snap_writer *w, char *err,
                     size_t errlen)
{
    struct c7200_parts p;
    if (c7200_machine_parts(vm, &p) < 0)
        return errf(err, errlen, -EINVAL, "no hardware");
    uint8_t mach[12];
    put_le(mach, *p.confreg, 4);
    put_le(mach + 4, *p.entry, 8);
    snap_put(w, "C72", "machine", mach, sizeof(mach));
    snap_put(w, "NVRM", "nvram", nvram_data(p.nvram), nvram_size(p.nvram));
    if (p.iomem) {
        int rc = snap_put_ram(w, "iomem", p.iomem, err, errlen);
        if (rc < 0)
            return rc;
    }
    for (unsigned port = 0; port < 2; port++) {
        struct pci_bus *root = c7200_pci_root(p.pci, port);
        if (root)
            pci_save(w, root, port ? "root1" : "root0");
    }
    snap_put_fields(w, "duart", p.duart, scn2681_fields);
    for (int i = 0; i < vm->pm.count; i++) {
        char key[96];
        dev_key(&vm->pm.regions[i], key, sizeof(key));
        if (other_ram(vm, &p, i)) {
            struct guest_ram ram = region_ram(&vm->pm.regions[i]);
            int rc = snap_put_ram(w, key, &ram, err, errlen);
            if (rc < 0)
                return rc;
        }
        if (!first_region_of(&vm->pm, i))
            continue;
        snap_put_fields(w, key, vm->pm.regions[i].dev,
                        vm->pm.regions[i].dev->ops->fields);
    }
    return w->err ? errf(err, errlen, -w->err, "%s", strerror(w->err)) : 0;
}

int c7200_state_load(struct vm *vm, struct snap_reader *r, char *err,
                     size_t errlen)
{
    struct c7200_parts p;
    if (c7200_machine_parts(vm, &p) < 0)
        return errf(err, errlen, -EINVAL, "no hardware");
    size_t len;
    const uint8_t *mach = snap_find(r, "C72", "machine", &len);
    if (!mach || len != 12)
        return errf(err, errlen, -EINVAL, "not a c7200 snapshot");

    /* from power-on state, as the saved VM once was */
    c7200_machine_reset(vm);
    *p.confreg = (uint32_t)get_le(mach, 4);
    *p.entry = get_le(mach + 4, 8);

    const uint8_t *nv = snap_find(r, "NVRM", "nvram", &len);
    if (!nv || len != nvram_size(p.nvram))
        return errf(err, errlen, -EINVAL, "NVRAM: %s", nv ? "other size"
                                                        : "missing");
    memcpy(nvram_data(p.nvram), nv, len);
    nvram_sync(p.nvram);
    if (p.iomem) {
        int rc = snap_get_ram(r, "iomem", p.iomem, err, errlen);
        if (rc < 0)
            return rc;
    }
    for (unsigned port = 0; port < 2; port++) {
        struct pci_bus *root = c7200_pci_root(p.pci, port);
        int rc = root ? pci_load(r, root, port ? "root1" : "root0", err,
                                 errlen)
                      : 0;
        if (rc < 0)
            return rc;
    }
    /* Now that BAR windows are back in the map, their chips too. */
    if (snap_get_fields(r, "duart", p.duart, scn2681_fields))
        log_msg(vm->log, "SNAPSHOT", "%s: DUART state incomplete",
                vm->cfg.name);
    for (int i = 0; i < vm->pm.count; i++) {
        char key[96];
        dev_key(&vm->pm.regions[i], key, sizeof(key));
        if (other_ram(vm, &p, i)) {
            struct guest_ram ram = region_ram(&vm->pm.regions[i]);
            int rc = snap_get_ram(r, key, &ram, err, errlen);
            if (rc < 0)
                return rc;
        }
        if (!first_region_of(&vm->pm, i))
            continue;
        int m = snap_get_fields(r, key, vm->pm.regions[i].dev,
                                vm->pm.regions[i].dev->ops->fields);
        if (m)
            log_msg(vm->log, "SNAPSHOT", "%s: %d field%s of %s not in the "
                    "snapshot: power-on values kept", vm->cfg.name, m,
                    m == 1 ? "" : "s", key);
    }
    return 0;
}
