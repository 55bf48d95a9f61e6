/*
 * CL-PD6729 PCMCIA controller: index/data register pair, per-socket
 * register file with the fixed answers of c7200.md §15.1. See clpd6729.h.
 */
#include "dev/clpd6729.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "dev/pci_bus.h"
#include "dev/pci_io.h"

/* c7200.md §15.1 */
#define CHIP_REVISION 0x48
#define IF_STATUS_CARD 0xEF
#define IF_STATUS_EMPTY 0x80
#define INTGEN_CTRL_VALUE 0x40
#define FIFO_EMPTY 0x80
#define INDEX_RESERVED 0x80 /* 0x80 and up: no socket */
#define SOCKET_REGS 0x40

struct clpd6729 {
    struct device dev;
    struct logger *lg;
    struct pci_dev *pci;
    struct pci_io *io;
    uint32_t io_base;
    int io_claimed;

    uint8_t index;
    uint8_t regs[INDEX_RESERVED]; /* both sockets, by index */
    uint8_t card[CLPD6729_SOCKETS];
    uint8_t logged_ext;
};

static const struct dev_field clpd6729_fields[] = {
    {"index", offsetof(struct clpd6729, index), 1},
    {"regs", offsetof(struct clpd6729, regs), INDEX_RESERVED},
    {"card", offsetof(struct clpd6729, card), CLPD6729_SOCKETS},
    {NULL, 0, 0},
};

static struct clpd6729 *to_pd(struct device *d)
{
    return DEV_CONTAINER(d, struct clpd6729, dev);
}

static uint8_t data_read(struct clpd6729 *pd)
{
    uint8_t idx = pd->index;
    if (idx >= INDEX_RESERVED) {
        return 0;
    }
    unsigned socket = idx / SOCKET_REGS;
    switch (idx % SOCKET_REGS) {
    case CLPD6729_REG_CHIP_REV:
        return CHIP_REVISION;
    case CLPD6729_REG_IF_STATUS:
        return pd->card[socket] ? IF_STATUS_CARD : IF_STATUS_EMPTY;
    case CLPD6729_REG_INTGEN_CTRL:
        return INTGEN_CTRL_VALUE;
    case CLPD6729_REG_FIFO_CTRL:
        return FIFO_EMPTY;
    case CLPD6729_REG_EXT_INDEX:
        return 0; /* write-only */
    default:
        return pd->regs[idx];
    }
}

static void data_write(struct clpd6729 *pd, uint8_t v)
{
    uint8_t idx = pd->index;
    if (idx >= INDEX_RESERVED) {
        return;
    }
    switch (idx % SOCKET_REGS) {
    case CLPD6729_REG_CHIP_REV:
    case CLPD6729_REG_IF_STATUS:
    case CLPD6729_REG_INTGEN_CTRL:
    case CLPD6729_REG_FIFO_CTRL:
        break; /* fixed answers */
    case CLPD6729_REG_EXT_INDEX:
        if (!pd->logged_ext) {
            pd->logged_ext = 1;
            log_msg(pd->lg, "CLPD6729", "extended register index 0x%02x "
                    "written: extended registers are not modelled", v);
        }
        break;
    default:
        pd->regs[idx] = v;
        break;
    }
}

static uint64_t clpd6729_read(struct device *d, uint64_t off, unsigned size)
{
    struct clpd6729 *pd = to_pd(d);
    switch (off) {
    case CLPD6729_IO_DATA:
        return data_read(pd);
    case CLPD6729_IO_INDEX:
        return pd->index;
    default:
        return 0;
    }
}

static void clpd6729_write(struct device *d, uint64_t off, unsigned size,
                           uint64_t value)
{
    struct clpd6729 *pd = to_pd(d);
    switch (off) {
    case CLPD6729_IO_DATA:
        data_write(pd, (uint8_t)value);
        break;
    case CLPD6729_IO_INDEX:
        pd->index = (uint8_t)value;
        break;
    default:
        break;
    }
}

static void clpd6729_reset(struct device *d)
{
    struct clpd6729 *pd = to_pd(d);
    pd->index = 0;
    memset(pd->regs, 0, sizeof(pd->regs)); /* the cards stay inserted */
}

static const struct device_ops clpd6729_ops = {
    .read = clpd6729_read,
    .write = clpd6729_write,
    .reset = clpd6729_reset,
    .fields = clpd6729_fields,
};

int clpd6729_create(const struct clpd6729_config *c, struct clpd6729 **out)
{
    *out = NULL;
    struct clpd6729 *pd = calloc(1, sizeof(*pd));
    if (!pd) {
        return -ENOMEM;
    }
    pd->dev.name = "clpd6729";
    pd->dev.ops = &clpd6729_ops;
    pd->lg = c->lg;
    pd->io = c->io;
    pd->io_base = c->io_base;

    int rc = 0;
    if (c->io) {
        rc = pci_io_add(c->io, c->io_base, CLPD6729_IO_SIZE, &pd->dev);
        pd->io_claimed = rc == 0;
    }
    if (rc == 0 && c->bus) {
        /* c7200.md §12.4: class/revision 0, no BAR decoded, no interrupt */
        struct pci_dev_config pc = {
            .name = "clpd6729",
            .vendor_id = CLPD6729_VENDOR_ID,
            .device_id = CLPD6729_DEVICE_ID,
            .class_rev = 0,
            .mode = PCI_HDR_PLATFORM,
        };
        rc = pci_dev_add(c->bus, c->devno, 0, &pc, &pd->pci);
    }
    if (rc < 0) {
        clpd6729_destroy(pd);
        return rc;
    }
    *out = pd;
    return 0;
}

void clpd6729_destroy(struct clpd6729 *pd)
{
    if (!pd) {
        return;
    }
    if (pd->pci) {
        pci_dev_remove(pd->pci);
    }
    if (pd->io_claimed) {
        pci_io_remove(pd->io, pd->io_base);
    }
    free(pd);
}

struct device *clpd6729_io_device(struct clpd6729 *pd)
{
    return &pd->dev;
}

void clpd6729_set_card(struct clpd6729 *pd, unsigned socket, int present)
{
    if (socket < CLPD6729_SOCKETS) {
        pd->card[socket] = present != 0;
    }
}

int clpd6729_card_present(const struct clpd6729 *pd, unsigned socket)
{
    return socket < CLPD6729_SOCKETS && pd->card[socket];
}
