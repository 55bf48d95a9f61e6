/* Guest physical address map: sorted regions, binary search. */
#include "mem/physmap.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/device.h"

/*
 * The region array is copy-on-write: a change builds a new sorted array and
 * publishes it with one atomic pointer store, so lookups from other threads
 * (device DMA on the event loop, the CPU thread) never see a half-moved
 * array and take no lock. Replaced arrays are kept until physmap_free: the
 * map changes only a handful of times per boot (BAR programming, OIR), and
 * a reader may still hold a region pointer from the old array.
 */
struct phys_snapshot {
    struct phys_snapshot *retired; /* older arrays, freed at physmap_free */
    int count;
    struct phys_region regions[];
};

void physmap_init(struct physmap *pm, struct logger *log, uint64_t bus_mask)
{
    memset(pm, 0, sizeof(*pm));
    pm->log = log;
    pm->bus_mask = bus_mask;
    pthread_mutex_init(&pm->wlock, NULL);
}

void physmap_free(struct physmap *pm)
{
    struct phys_snapshot *s = pm->snap;
    while (s) {
        struct phys_snapshot *next = s->retired;
        free(s);
        s = next;
    }
    pm->snap = NULL;
    pm->regions = NULL;
    pm->count = 0;
    pthread_mutex_destroy(&pm->wlock);
}

void physmap_show(const struct physmap *pm, FILE *out)
{
    for (int i = 0; i < pm->count; i++) {
        const struct phys_region *r = &pm->regions[i];
        fprintf(out, "  0x%09llx - 0x%09llx  %s\n",
                (unsigned long long)r->base,
                (unsigned long long)(r->base + r->size - 1), r->name);
    }
}

/* Publish a new array (writer lock held). */
static void physmap_publish(struct physmap *pm, struct phys_snapshot *ns)
{
    ns->retired = pm->snap;
    pm->regions = ns->regions;
    pm->count = ns->count;
    __atomic_store_n(&pm->snap, ns, __ATOMIC_RELEASE);
}

static struct phys_snapshot *snapshot_alloc(int count)
{
    return malloc(sizeof(struct phys_snapshot) +
                  (size_t)count * sizeof(struct phys_region));
}

static int physmap_insert(struct physmap *pm, const struct phys_region *nr)
{
    if (nr->size == 0 || nr->base + nr->size < nr->base)
        return -EINVAL;
    pthread_mutex_lock(&pm->wlock);
    int n = pm->count, rc = 0;
    const struct phys_region *cur = pm->regions;
    int pos = 0;
    while (pos < n && cur[pos].base < nr->base)
        pos++;
    if ((pos > 0 && cur[pos - 1].base + cur[pos - 1].size > nr->base) ||
        (pos < n && nr->base + nr->size > cur[pos].base)) {
        rc = -EEXIST;
        goto out;
    }
    struct phys_snapshot *ns = snapshot_alloc(n + 1);
    if (!ns) {
        rc = -ENOMEM;
        goto out;
    }
    if (pos > 0)
        memcpy(ns->regions, cur, (size_t)pos * sizeof(*nr));
    ns->regions[pos] = *nr;
    if (n > pos)
        memcpy(&ns->regions[pos + 1], cur + pos,
               (size_t)(n - pos) * sizeof(*nr));
    ns->count = n + 1;
    physmap_publish(pm, ns);
out:
    pthread_mutex_unlock(&pm->wlock);
    return rc;
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
    pthread_mutex_lock(&pm->wlock);
    int n = pm->count, rc = -ENOENT;
    const struct phys_region *cur = pm->regions;
    for (int i = 0; i < n; i++) {
        if (cur[i].base != base)
            continue;
        struct phys_snapshot *ns = snapshot_alloc(n - 1);
        if (!ns) {
            rc = -ENOMEM;
            break;
        }
        if (i > 0)
            memcpy(ns->regions, cur, (size_t)i * sizeof(*cur));
        if (n - i - 1 > 0)
            memcpy(&ns->regions[i], cur + i + 1,
                   (size_t)(n - i - 1) * sizeof(*cur));
        ns->count = n - 1;
        physmap_publish(pm, ns);
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&pm->wlock);
    return rc;
}

const struct phys_region *physmap_find(const struct physmap *pm, uint64_t pa)
{
    const struct phys_snapshot *snap =
        __atomic_load_n(&pm->snap, __ATOMIC_ACQUIRE);
    if (!snap)
        return NULL;
    int lo = 0, hi = snap->count - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const struct phys_region *r = &snap->regions[mid];
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
    if (__atomic_fetch_add(&pm->unmapped_logged, 1, __ATOMIC_RELAXED) < 64) {
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
    __atomic_fetch_add(&pm->dev_accesses, 1, __ATOMIC_RELAXED);
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
            __atomic_fetch_add(&pm->dev_accesses, 1, __ATOMIC_RELAXED);
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
    __atomic_fetch_add(&pm->dev_accesses, 1, __ATOMIC_RELAXED);
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
