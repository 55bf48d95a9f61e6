/* Byte-swapped view of physical memory, c7200.md §3.3 (see the header). */
#include "dev/bswap_window.h"

#include <errno.h>
#include <stdlib.h>

#include "mem/physmap.h"

struct bswap_window {
    struct device dev;
    struct physmap *pm;
    uint64_t target;
};

static uint64_t bswap_read(struct device *dev, uint64_t off, unsigned size)
{
    struct bswap_window *w = DEV_CONTAINER(dev, struct bswap_window, dev);
    uint64_t pa = w->target + off;
    switch (size) {
    case 1:
        return physmap_read(w->pm, pa ^ 3, 1, 0);
    case 2:
        return __builtin_bswap16((uint16_t)physmap_read(w->pm, pa ^ 2, 2, 0));
    case 4:
        return __builtin_bswap32((uint32_t)physmap_read(w->pm, pa, 4, 0));
    case 8: {
        uint64_t hi = __builtin_bswap32((uint32_t)physmap_read(w->pm, pa, 4, 0));
        uint64_t lo =
            __builtin_bswap32((uint32_t)physmap_read(w->pm, pa + 4, 4, 0));
        return hi << 32 | lo;
    }
    default:
        return 0;
    }
}

static void bswap_write(struct device *dev, uint64_t off, unsigned size,
                        uint64_t v)
{
    struct bswap_window *w = DEV_CONTAINER(dev, struct bswap_window, dev);
    uint64_t pa = w->target + off;
    switch (size) {
    case 1:
        physmap_write(w->pm, pa ^ 3, 1, v & 0xFF, 0);
        break;
    case 2:
        physmap_write(w->pm, pa ^ 2, 2, __builtin_bswap16((uint16_t)v), 0);
        break;
    case 4:
        physmap_write(w->pm, pa, 4, __builtin_bswap32((uint32_t)v), 0);
        break;
    case 8:
        physmap_write(w->pm, pa, 4, __builtin_bswap32((uint32_t)(v >> 32)), 0);
        physmap_write(w->pm, pa + 4, 4, __builtin_bswap32((uint32_t)v), 0);
        break;
    default:
        break;
    }
}

static void bswap_dev_destroy(struct device *dev)
{
    bswap_window_destroy(DEV_CONTAINER(dev, struct bswap_window, dev));
}

static const struct device_ops bswap_ops = {
    .read = bswap_read,
    .write = bswap_write,
    .destroy = bswap_dev_destroy,
};

int bswap_window_create(const char *name, struct physmap *pm, uint64_t target,
                        struct bswap_window **out)
{
    if (!pm)
        return -EINVAL;
    struct bswap_window *w = calloc(1, sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->dev.name = name ? name : "bswap";
    w->dev.ops = &bswap_ops;
    w->pm = pm;
    w->target = target;
    *out = w;
    return 0;
}

void bswap_window_destroy(struct bswap_window *w)
{
    free(w);
}

struct device *bswap_window_device(struct bswap_window *w)
{
    return &w->dev;
}
