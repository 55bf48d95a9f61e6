/* Guest physical address map: sorted regions, binary search. */
#include "mem/physmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/device.h"

void physmap_init(struct physmap *pm, struct logger *log, uint64_t bus_mask)
{
    memset(pm, 0, sizeof(*pm));
    pm->log = log;
    pm->bus_mask = bus_mask;
}

void physmap_free(struct physmap *pm)
{
    free(pm->regions);
    pm->regions = NULL;
    pm->count = pm->cap = 0;
}

static int physmap_insert(struct physmap *pm, const struct phys_region *nr)
{
    if (nr->size == 0 || nr->base + nr->size < nr->base)
        return -EINVAL;
    int pos = 0;
    while (pos < pm->count && pm->regions[pos].base < nr->base)
        pos++;
    if (pos > 0) {
        const struct phys_region *p = &pm->regions[pos - 1];
        if (p->base + p->size > nr->base)
            return -EEXIST;
    }
    if (pos < pm->count && nr->base + nr->size > pm->regions[pos].base)
        return -EEXIST;
    if (pm->count == pm->cap) {
        int ncap = pm->cap ? pm->cap * 2 : 16;
        struct phys_region *r = realloc(pm->regions, ncap * sizeof(*r));
        if (!r)
            return -ENOMEM;
        pm->regions = r;
        pm->cap = ncap;
    }
    memmove(&pm->regions[pos + 1], &pm->regions[pos],
            (pm->count - pos) * sizeof(*nr));
    pm->regions[pos] = *nr;
    pm->count++;
    return 0;
}

int physmap_add_ram(struct physmap *pm, const char *name, uint64_t base,
                    uint64_t size, uint8_t *host, unsigned flags)
{
    struct phys_region r = {.base = base, .size = size,
                            .flags = flags | PR_RAM, .host = host,
                            .name = name};
    return physmap_insert(pm, &r);
}

int physmap_add_rom(struct physmap *pm, const char *name, uint64_t base,
                    uint64_t size, uint8_t *host, struct device *dev,
                    unsigned flags)
{
    struct phys_region r = {.base = base, .size = size,
                            .flags = flags | PR_RAM | PR_READONLY,
                            .host = host, .dev = dev, .name = name};
    return physmap_insert(pm, &r);
}

int physmap_add_device(struct physmap *pm, const char *name, uint64_t base,
                       uint64_t size, struct device *dev, unsigned flags)
{
    struct phys_region r = {.base = base, .size = size,
                            .flags = flags & ~PR_RAM, .dev = dev,
                            .name = name};
    return physmap_insert(pm, &r);
}

int physmap_remove(struct physmap *pm, uint64_t base)
{
    for (int i = 0; i < pm->count; i++) {
        if (pm->regions[i].base == base) {
            memmove(&pm->regions[i], &pm->regions[i + 1],
                    (pm->count - i - 1) * sizeof(pm->regions[0]));
            pm->count--;
            return 0;
        }
    }
    return -ENOENT;
}

const struct phys_region *physmap_find(const struct physmap *pm, uint64_t pa)
{
    int lo = 0, hi = pm->count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const struct phys_region *r = &pm->regions[mid];
        if (pa < r->base)
            hi = mid - 1;
        else if (pa - r->base >= r->size)
            lo = mid + 1;
        else
            return r;
    }
    return NULL;
}

static void physmap_unmapped(struct physmap *pm, uint64_t pa, int is_write)
{
    /* Reads of unmapped space return 0, writes vanish (c7200.md §3.1). */
    if (pm->unmapped_logged < 64) {
        pm->unmapped_logged++;
        log_msg(pm->log, "MEM", "%s of unmapped physical address 0x%llx",
                is_write ? "write" : "read", (unsigned long long)pa);
    }
}

uint64_t physmap_read(struct physmap *pm, uint64_t pa, unsigned size,
                      int cached)
{
    const struct phys_region *r = physmap_find(pm, pa);
    if (!r || (cached && (r->flags & PR_UNCACHED_ONLY))) {
        physmap_unmapped(pm, pa, 0);
        return 0;
    }
    uint64_t off = pa - r->base;
    if (r->flags & PR_RAM) {
        if (off + size > r->size)
            return 0;
        const uint8_t *p = r->host + off;
        switch (size) {
        case 1: return *p;
        case 2: return be16_load(p);
        case 4: return be32_load(p);
        default: return be64_load(p);
        }
    }
    pm->dev_accesses++;
    return dev_read(r->dev, off, size);
}

void physmap_write(struct physmap *pm, uint64_t pa, unsigned size,
                   uint64_t value, int cached)
{
    const struct phys_region *r = physmap_find(pm, pa);
    if (!r || (cached && (r->flags & PR_UNCACHED_ONLY))) {
        physmap_unmapped(pm, pa, 1);
        return;
    }
    uint64_t off = pa - r->base;
    if (r->flags & PR_RAM) {
        if ((r->flags & PR_READONLY) && r->dev && off + size <= r->size) {
            /* a flash: its command logic decides (physmap_add_rom) */
            pm->dev_accesses++;
            dev_write(r->dev, off, size, value);
            return;
        }
        if ((r->flags & PR_READONLY) || off + size > r->size)
            return;
        uint8_t *p = r->host + off;
        switch (size) {
        case 1: *p = (uint8_t)value; break;
        case 2: be16_store(p, (uint16_t)value); break;
        case 4: be32_store(p, (uint32_t)value); break;
        default: be64_store(p, value); break;
        }
        if (pm->ram_write_hook)
            pm->ram_write_hook(pm->ram_write_arg, pa, size);
        return;
    }
    pm->dev_accesses++;
    dev_write(r->dev, off, size, value);
}

int physmap_copy_to(struct physmap *pm, uint64_t pa, const void *src,
                    size_t len)
{
    const uint8_t *s = src;
    while (len) {
        const struct phys_region *r = physmap_find(pm, pa);
        if (!r || !(r->flags & PR_RAM))
            return -EFAULT;
        uint64_t off = pa - r->base;
        size_t n = r->size - off < len ? (size_t)(r->size - off) : len;
        memcpy(r->host + off, s, n);
        if (pm->ram_write_hook)
            pm->ram_write_hook(pm->ram_write_arg, pa, n);
        s += n;
        pa += n;
        len -= n;
    }
    return 0;
}

int physmap_copy_from(struct physmap *pm, uint64_t pa, void *dst, size_t len)
{
    uint8_t *d = dst;
    while (len) {
        const struct phys_region *r = physmap_find(pm, pa);
        if (!r || !(r->flags & PR_RAM))
            return -EFAULT;
        uint64_t off = pa - r->base;
        size_t n = r->size - off < len ? (size_t)(r->size - off) : len;
        memcpy(d, r->host + off, n);
        d += n;
        pa += n;
        len -= n;
    }
    return 0;
}
