/*
 * Boot-ROM flash with the AMD/JEDEC command set (shared spec
 * c3600-c2691-c37xx.md §4.10). See rom_flash.h.
 */
#include "dev/rom_flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "mem/physmap.h"

#define UNLOCK1_ADDR 0xAAA /* §4.10 */
#define UNLOCK2_ADDR 0x555
#define UNLOCK1_DATA 0xAA
#define UNLOCK2_DATA 0x55
#define CMD_PROGRAM 0xA0
#define CMD_ERASE_SETUP 0x80
#define CMD_CHIP_ERASE 0x10
#define CMD_SECTOR_ERASE 0x30

/* Sequencer states: bus cycles seen so far. */
enum flash_state {
    ST_IDLE = 0,
    ST_UNLOCK1,     /* 0xAAA <- 0xAA */
    ST_UNLOCK2,     /* 0x555 <- 0x55 */
    ST_PROGRAM,     /* 0xAAA <- 0xA0: the next write is the data */
    ST_ERASE1,      /* 0xAAA <- 0x80 */
    ST_ERASE2,      /* 0xAAA <- 0xAA */
    ST_ERASE3,      /* 0x555 <- 0x55: the next write is the erase command */
    ST_UNMODELLED,  /* ID / protection / configuration mode */
};

struct rom_flash {
    struct device dev;
    struct logger *lg;
    uint8_t *mem;
    size_t size;
    void (*modified)(void *ctx, uint64_t off, uint64_t len);
    void *ctx;
    uint32_t state;
    uint8_t logged;
};

static const struct dev_field rom_flash_fields[] = {
    {"state", offsetof(struct rom_flash, state), sizeof(uint32_t)},
    {NULL, 0, 0},
};

static uint64_t rom_flash_read(struct device *dev, uint64_t off,
                               unsigned size)
{
    struct rom_flash *f = DEV_CONTAINER(dev, struct rom_flash, dev);
    if (off + size > f->size)
        return 0;
    const uint8_t *p = f->mem + off;
    switch (size) {
    case 1: return *p;
    case 2: return be16_load(p);
    case 4: return be32_load(p);
    default: return be64_load(p);
    }
}

static void changed(struct rom_flash *f, uint64_t off, uint64_t len)
{
    if (f->modified)
        f->modified(f->ctx, off, len);
}

static void erase(struct rom_flash *f, uint64_t off, uint64_t len)
{
    /* §10 item 5: from the written address on, with zeros */
    if (off >= f->size)
        return;
    if (len > f->size - off)
        len = f->size - off;
    memset(f->mem + off, 0, len);
    changed(f, off, len);
}

static void rom_flash_write(struct device *dev, uint64_t off, unsigned size,
                            uint64_t value)
{
    struct rom_flash *f = DEV_CONTAINER(dev, struct rom_flash, dev);
    uint8_t d = (uint8_t)value;
    switch (f->state) {
    case ST_IDLE:
        /* Suspend 0xB0, resume 0x30, ID exit 0xF0: nothing to do. */
        f->state = off == UNLOCK1_ADDR && d == UNLOCK1_DATA ? ST_UNLOCK1
                                                            : ST_IDLE;
        return;
    case ST_UNLOCK1:
        f->state = off == UNLOCK2_ADDR && d == UNLOCK2_DATA ? ST_UNLOCK2
                                                            : ST_IDLE;
        return;
    case ST_UNLOCK2:
        f->state = ST_IDLE;
        if (off != UNLOCK1_ADDR)
            return;
        switch (d) {
        case CMD_PROGRAM: f->state = ST_PROGRAM; return;
        case CMD_ERASE_SETUP: f->state = ST_ERASE1; return;
        case 0x90: /* ID entry */
        case 0xC0: /* protection register */
        case 0xD0: /* configuration register */
            if (!f->logged) {
                f->logged = 1;
                log_msg(f->lg, "ROM_FLASH", "command 0x%02x (ID, "
                        "protection or configuration mode) not modelled",
                        d);
            }
            f->state = ST_UNMODELLED;
            return;
        default:
            return;
        }
    case ST_PROGRAM:
        f->state = ST_IDLE;
        if (off < f->size) {
            f->mem[off] = d; /* §4.10: stored as it is */
            changed(f, off, 1);
        }
        return;
    case ST_ERASE1:
        f->state = off == UNLOCK1_ADDR && d == UNLOCK1_DATA ? ST_ERASE2
                                                            : ST_IDLE;
        return;
    case ST_ERASE2:
        f->state = off == UNLOCK2_ADDR && d == UNLOCK2_DATA ? ST_ERASE3
                                                            : ST_IDLE;
        return;
    case ST_ERASE3:
        f->state = ST_IDLE;
        if (d == CMD_CHIP_ERASE)
            erase(f, off, f->size);
        else if (d == CMD_SECTOR_ERASE)
            erase(f, off, ROM_FLASH_SECTOR);
        return;
    default:
        /* The reference never leaves these modes but through the unlock
         * sequence of a new command. */
        if (off == UNLOCK1_ADDR && d == UNLOCK1_DATA)
            f->state = ST_UNLOCK1;
        return;
    }
}

static void rom_flash_reset(struct device *dev)
{
    DEV_CONTAINER(dev, struct rom_flash, dev)->state = ST_IDLE;
}

static const struct device_ops rom_flash_ops = {
    .read = rom_flash_read,
    .write = rom_flash_write,
    .reset = rom_flash_reset,
    .fields = rom_flash_fields,
};

static int open_backing(struct rom_flash *f, const char *path, size_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        int err = -errno;
        log_msg(f->lg, "ROM_FLASH", "cannot open %s: %s", path,
                strerror(errno));
        return err;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 ||
        ((uint64_t)st.st_size < size && ftruncate(fd, (off_t)size) != 0)) {
        int err = -errno;
        log_msg(f->lg, "ROM_FLASH", "cannot size %s to %zu bytes: %s", path,
                size, strerror(errno));
        close(fd);
        return err;
    }
    return fd;
}

int rom_flash_open(const struct rom_flash_config *c, struct rom_flash **out)
{
    *out = NULL;
    if (!c || c->size == 0)
        return -EINVAL;
    struct rom_flash *f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->dev.name = "rom";
    f->dev.ops = &rom_flash_ops;
    f->lg = c->lg;
    f->size = c->size;
    f->modified = c->modified;
    f->ctx = c->ctx;
    void *mem;
    if (c->path) {
        int fd = open_backing(f, c->path, c->size);
        if (fd < 0) {
            free(f);
            return fd;
        }
        mem = mmap(NULL, c->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        close(fd);
    } else {
        mem = mmap(NULL, c->size, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    }
    if (mem == MAP_FAILED) {
        int err = -errno;
        free(f);
        return err;
    }
    f->mem = mem;
    *out = f;
    return 0;
}

void rom_flash_destroy(struct rom_flash *f)
{
    if (!f)
        return;
    munmap(f->mem, f->size);
    free(f);
}

struct device *rom_flash_device(struct rom_flash *f)
{
    return &f->dev;
}

uint8_t *rom_flash_data(struct rom_flash *f)
{
    return f->mem;
}

size_t rom_flash_size(const struct rom_flash *f)
{
    return f->size;
}

int rom_flash_sync(struct rom_flash *f)
{
    return msync(f->mem, f->size, MS_SYNC) == 0 ? 0 : -errno;
}
