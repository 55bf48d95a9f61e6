/*
 * WIC-1T / WIC-2T glue registers (shared spec c3600-c2691-c37xx.md §4.9).
 * See wic_serial.h.
 */
#include "dev/wic_serial.h"

#include <errno.h>
#include <stdlib.h>

struct wic_serial {
    struct device dev;
    unsigned ports;
};

static uint64_t wic_serial_read(struct device *dev, uint64_t off,
                                unsigned size)
{
    struct wic_serial *w = DEV_CONTAINER(dev, struct wic_serial, dev);
    switch (off) {
    case 0x04:
    case 0x08:
        return 0xFF; /* port 0 */
    case 0x14:
    case 0x18:
        return w->ports > 1 ? 0xFF : 0; /* port 1 (WIC-2T) */
    default:
        return 0; /* devices.md §3.5: left unset by the reference */
    }
}

static void wic_serial_write(struct device *dev, uint64_t off, unsigned size,
                             uint64_t value)
{
}

static const struct device_ops wic_serial_ops = {
    .read = wic_serial_read,
    .write = wic_serial_write,
};

struct wic_serial *wic_serial_create(unsigned ports)
{
    if (ports < 1 || ports > 2) {
        errno = EINVAL;
        return NULL;
    }
    struct wic_serial *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->dev.name = ports == 1 ? "wic-1t" : "wic-2t";
    w->dev.ops = &wic_serial_ops;
    w->ports = ports;
    return w;
}

void wic_serial_destroy(struct wic_serial *w)
{
    free(w);
}

struct device *wic_serial_device(struct wic_serial *w)
{
    return &w->dev;
}
