/*
 * PCI I/O space window: a short list of decoded ranges (shared spec
 * c7200.md §12.5). Accesses outside every range read 0 and drop writes
 * (c7200.md §0 default), logged a few times.
 */
#include "dev/pci_io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define PCI_IO_MAX_RANGES 32
#define PCI_IO_LOG_LIMIT 16

struct pci_io_range {
    uint32_t start;
    uint32_t size;
    struct device *dev;
};

struct pci_io {
    struct device dev;
    struct logger *lg;
    struct pci_io_range range[PCI_IO_MAX_RANGES];
    int count;
    unsigned logged;
};

static struct pci_io_range *pci_io_lookup(struct pci_io *io, uint64_t off)
{
    for (int i = 0; i < io->count; i++) {
        struct pci_io_range *r = &io->range[i];
        if (off >= r->start && off - r->start < r->size)
            return r;
    }
    return NULL;
}

static void pci_io_unclaimed(struct pci_io *io, uint64_t off, int is_write)
{
    if (io->logged >= PCI_IO_LOG_LIMIT)
        return;
    io->logged++;
    log_msg(io->lg, "PCI_IO", "guest %s at unclaimed I/O address 0x%llx",
            is_write ? "write" : "read", (unsigned long long)off);
}

static uint64_t pci_io_read(struct device *dev, uint64_t off, unsigned size)
{
    struct pci_io *io = DEV_CONTAINER(dev, struct pci_io, dev);
    struct pci_io_range *r = pci_io_lookup(io, off);
    if (!r || !r->dev) {
        pci_io_unclaimed(io, off, 0);
        return 0;
    }
    return dev_read(r->dev, off - r->start, size);
}

static void pci_io_write(struct device *dev, uint64_t off, unsigned size,
                         uint64_t value)
{
    struct pci_io *io = DEV_CONTAINER(dev, struct pci_io, dev);
    struct pci_io_range *r = pci_io_lookup(io, off);
    if (!r || !r->dev) {
        pci_io_unclaimed(io, off, 1);
        return;
    }
    dev_write(r->dev, off - r->start, size, value);
}

static void pci_io_dev_destroy(struct device *dev)
{
    pci_io_destroy(DEV_CONTAINER(dev, struct pci_io, dev));
}

static const struct device_ops pci_io_ops = {
    .read = pci_io_read,
    .write = pci_io_write,
    .destroy = pci_io_dev_destroy,
};

int pci_io_create(struct logger *lg, struct pci_io **out)
{
    struct pci_io *io = calloc(1, sizeof(*io));
    if (!io)
        return -ENOMEM;
    io->dev.name = "pci_io";
    io->dev.ops = &pci_io_ops;
    io->lg = lg;
    *out = io;
    return 0;
}

void pci_io_destroy(struct pci_io *io)
{
    free(io);
}

struct device *pci_io_device(struct pci_io *io)
{
    return &io->dev;
}

int pci_io_add(struct pci_io *io, uint32_t start, uint32_t size,
               struct device *dev)
{
    if (size == 0 || start >= PCI_IO_WINDOW_SIZE ||
        size > PCI_IO_WINDOW_SIZE - start)
        return -EINVAL;
    for (int i = 0; i < io->count; i++) {
        const struct pci_io_range *r = &io->range[i];
        if (start < r->start + r->size && r->start < start + size)
            return -EEXIST;
    }
    if (io->count == PCI_IO_MAX_RANGES)
        return -ENOMEM;
    io->range[io->count++] = (struct pci_io_range){start, size, dev};
    return 0;
}

int pci_io_remove(struct pci_io *io, uint32_t start)
{
    for (int i = 0; i < io->count; i++) {
        if (io->range[i].start == start) {
            memmove(&io->range[i], &io->range[i + 1],
                    (size_t)(io->count - i - 1) * sizeof(io->range[0]));
            io->count--;
            return 0;
        }
    }
    return -ENOENT;
}
