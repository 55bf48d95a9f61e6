/*
 * The one device interface every chip model implements.
 *
 * A device is a register window on the guest's physical bus. The machine
 * maps it at a physical base; the CPU (or a DMA master) calls read/write
 * with the byte offset from that base and the access size (1, 2, 4 or 8).
 * Values travel in the low-order bits of a host integer, as the reference
 * platform decodes them (shared spec c7200.md §0): a 32-bit register at
 * offset X is "the access at base+X" whatever its size.
 *
 * Guest mistakes (unknown offset, odd size) never crash: reads return 0,
 * writes are ignored, and the device may log a guest error.
 */
#ifndef DEV_DEVICE_H
#define DEV_DEVICE_H

#include <stddef.h>
#include <stdint.h>

struct device;

/* One field of a device's state: used by snapshots and debug dumps. */
struct dev_field {
    const char *name;
    size_t offset; /* offsetof() in the device structure */
    size_t size;   /* bytes */
};

struct device_ops {
    uint64_t (*read)(struct device *dev, uint64_t offset, unsigned size);
    void (*write)(struct device *dev, uint64_t offset, unsigned size,
                  uint64_t value);
    void (*reset)(struct device *dev);    /* power-on values; may be NULL */
    void (*destroy)(struct device *dev);  /* frees the device; may be NULL */
    const struct dev_field *fields;       /* state description; may be NULL */
    /* After a snapshot put the fields back: re-derive what depends on them
     * (a window size set by a register...); may be NULL. */
    void (*loaded)(struct device *dev);
};

/* Embed as the first member of a chip's structure. */
struct device {
    const char *name;
    const struct device_ops *ops;
};

#define DEV_CONTAINER(ptr, type, member) \
    ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline uint64_t dev_read(struct device *d, uint64_t off, unsigned size)
{
    return d->ops->read ? d->ops->read(d, off, size) : 0;
}

static inline void dev_write(struct device *d, uint64_t off, unsigned size,
                             uint64_t v)
{
    if (d->ops->write)
        d->ops->write(d, off, size, v);
}

static inline void dev_reset(struct device *d)
{
    if (d->ops->reset)
        d->ops->reset(d);
}

static inline void dev_destroy(struct device *d)
{
    if (d && d->ops->destroy)
        d->ops->destroy(d);
}

/*
 * An interrupt output. The machine that wires a device fills it in; the
 * device only raises and lowers it (level-sensitive).
 */
struct irq_line {
    void (*set)(void *ctx, int line, int level);
    void *ctx;
    int line;
};

static inline void irq_set(const struct irq_line *l, int level)
{
    if (l && l->set)
        l->set(l->ctx, l->line, level);
}

/*
 * The periodic transmit scan of a chip's card layer sleeps while no chip
 * has its transmitter on (card_layer.h). A chip calls tx_kick() when the
 * guest turns its transmitter on or rings its transmit doorbell, and when
 * a snapshot restores it with the transmitter on. Any thread, not under
 * the chip's lock (the card layer's scan takes it). fn NULL: no scan.
 */
struct tx_kick {
    void (*fn)(void *ctx);
    void *ctx;
};

static inline void tx_kick(const struct tx_kick *k)
{
    if (k && k->fn)
        k->fn(k->ctx);
}

#endif
