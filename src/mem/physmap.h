/*
 * The guest physical address map of one VM: RAM-like regions (DRAM, ROM,
 * SRAM: direct host memory in guest byte order) and device windows.
 *
 * Regions are kept sorted; lookups are a binary search. The per-CPU
 * translation cache (cpu/mips64/mmu.c) remembers the result per 4 KB page,
 * so the map is only consulted on misses.
 */
#ifndef MEM_PHYSMAP_H
#define MEM_PHYSMAP_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct device;
struct logger;

enum {
    PR_RAM = 1 << 0,          /* host memory: accessed directly */
    PR_READONLY = 1 << 1,     /* writes are ignored (ROM) */
    PR_UNCACHED_ONLY = 1 << 2,/* answers only uncached accesses (c7200.md §3.1) */
};

struct phys_region {
    uint64_t base;
    uint64_t size;
    unsigned flags;
    uint8_t *host;          /* PR_RAM: host address of base */
    struct device *dev;     /* device window */
    const char *name;
};

struct phys_snapshot;

struct physmap {
    /* Current sorted regions. Other threads use physmap_find/read/write,
     * which read the published array (physmap.c); regions/count are for
     * the map's owner and debug listings. */
    const struct phys_region *regions;
    int count;
    struct phys_snapshot *snap;   /* published array (atomic) */
    pthread_mutex_t wlock;        /* serializes changes */
    struct logger *log;
    uint64_t bus_mask;      /* physical bus width mask (c7200: 0x1_FFFFFFFF) */
    unsigned unmapped_logged;
    /* Told about RAM writes that bypass the CPU (DMA, loaders), so the
     * translator can drop code translated from those bytes; any thread. */
    void (*ram_write_hook)(void *arg, uint64_t pa, uint64_t len);
    void *ram_write_arg;
    uint64_t dev_accesses;  /* device reads/writes so far (lockstep) */
};

void physmap_init(struct physmap *pm, struct logger *log, uint64_t bus_mask);
void physmap_free(struct physmap *pm);
/* One line per region, "  0x<first> - 0x<last>  <name>" (debug dumps). */
void physmap_show(const struct physmap *pm, FILE *out);

/* Add a region; fails with -EEXIST when it overlaps another one. */
int physmap_add_ram(struct physmap *pm, const char *name, uint64_t base,
                    uint64_t size, uint8_t *host, unsigned flags);
/*
 * A flash: reads (and instruction fetches) come straight from host memory,
 * writes go to dev, whose command logic changes that memory itself (and
 * tells the ram_write_hook about what it changed).
 */
int physmap_add_rom(struct physmap *pm, const char *name, uint64_t base,
                    uint64_t size, uint8_t *host, struct device *dev,
                    unsigned flags);
int physmap_add_device(struct physmap *pm, const char *name, uint64_t base,
                       uint64_t size, struct device *dev, unsigned flags);
/* Remove the region starting at base (PCI BAR moves, OIR). */
int physmap_remove(struct physmap *pm, uint64_t base);

/* The region holding pa, or NULL. */
const struct phys_region *physmap_find(const struct physmap *pm, uint64_t pa);

/*
 * Physical accesses of 1/2/4/8 bytes, big-endian, for DMA masters and slow
 * paths. `cached` tells whether the access is a cached one (uncached-only
 * windows then read 0 and drop writes, c7200.md §3.1).
 */
uint64_t physmap_read(struct physmap *pm, uint64_t pa, unsigned size,
                      int cached);
void physmap_write(struct physmap *pm, uint64_t pa, unsigned size,
                   uint64_t value, int cached);

/* Block copies for DMA / loaders; RAM only, 0 or -EFAULT. */
int physmap_copy_to(struct physmap *pm, uint64_t pa, const void *src,
                    size_t len);
int physmap_copy_from(struct physmap *pm, uint64_t pa, void *dst, size_t len);

/* Big-endian helpers on host memory holding guest bytes. */
static inline uint16_t be16_load(const uint8_t *p)
{
    uint16_t v;
    __builtin_memcpy(&v, p, 2);
    return __builtin_bswap16(v);
}
static inline uint32_t be32_load(const uint8_t *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, 4);
    return __builtin_bswap32(v);
}
static inline uint64_t be64_load(const uint8_t *p)
{
    uint64_t v;
    __builtin_memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}
static inline void be16_store(uint8_t *p, uint16_t v)
{
    v = __builtin_bswap16(v);
    __builtin_memcpy(p, &v, 2);
}
static inline void be32_store(uint8_t *p, uint32_t v)
{
    v = __builtin_bswap32(v);
    __builtin_memcpy(p, &v, 4);
}
static inline void be64_store(uint8_t *p, uint64_t v)
{
    v = __builtin_bswap64(v);
    __builtin_memcpy(p, &v, 8);
}

#endif
