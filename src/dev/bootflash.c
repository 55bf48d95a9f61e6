/*
 * Byte-interleaved bank of Intel flash chips backed by an image file
 * (shared spec c7200.md §14). See bootflash.h for the file policy.
 */
#include "dev/bootflash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "dev/intel_flash.h"

#define ERASED 0xFF

struct bootflash {
    struct device dev;
    struct logger *lg;
    uint8_t *mem;
    size_t size;
    int mapped;        /* mem is a file mapping (else calloc'd) */
    unsigned chips;
    unsigned chip_shift; /* log2(chips) */
    struct intel_flash chip[BOOTFLASH_MAX_CHIPS];
    char chip_name[BOOTFLASH_MAX_CHIPS][32];
    uint8_t logged_range;
};

#define CHIP_FIELDS(i)                                                      \
    {"chip" #i ".state", offsetof(struct bootflash, chip[i].state), 1},     \
    {"chip" #i ".status", offsetof(struct bootflash, chip[i].status), 1},   \
    {"chip" #i ".buf_count", offsetof(struct bootflash, chip[i].buf_count), \
     1},                                                                    \
    {"chip" #i ".buf_loaded",                                               \
     offsetof(struct bootflash, chip[i].buf_loaded), 1},                    \
    {"chip" #i ".buf_base", offsetof(struct bootflash, chip[i].buf_base), 4}, \
    {"chip" #i ".buf_valid", offsetof(struct bootflash, chip[i].buf_valid), \
     4},                                                                    \
    {"chip" #i ".buf", offsetof(struct bootflash, chip[i].buf),             \
     INTEL_FLASH_BUF_MAX}

static const struct dev_field bootflash_fields[] = {
    CHIP_FIELDS(0), CHIP_FIELDS(1), CHIP_FIELDS(2), CHIP_FIELDS(3),
    {NULL, 0, 0},
};

static int errf(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errlen) {
        vsnprintf(err, errlen, fmt, ap);
    }
    va_end(ap);
    return code;
}

static struct bootflash *to_bf(struct device *d)
{
    return DEV_CONTAINER(d, struct bootflash, dev);
}

static int in_range(struct bootflash *bf, uint64_t off, unsigned size)
{
    if (size >= 1 && size <= 8 && off < bf->size && size <= bf->size - off) {
        return 1;
    }
    if (!bf->logged_range) {
        bf->logged_range = 1;
        log_msg(bf->lg, "BOOTFLASH",
                "guest error: %u-byte access at 0x%llx outside 0x%zx bytes",
                size, (unsigned long long)off, bf->size);
    }
    return 0;
}

/* The chip on byte lane a, and its offset. */
static struct intel_flash *lane(struct bootflash *bf, uint64_t a,
                                uint32_t *chip_off)
{
    *chip_off = (uint32_t)(a >> bf->chip_shift);
    return &bf->chip[a & (bf->chips - 1)];
}

static uint64_t bootflash_read(struct device *d, uint64_t off, unsigned size)
{
    struct bootflash *bf = to_bf(d);
    uint64_t v = 0;

    if (!in_range(bf, off, size)) {
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        uint32_t co;
        struct intel_flash *f = lane(bf, off + i, &co);
        v = (v << 8) | intel_flash_read(f, co); /* big-endian bus */
    }
    return v;
}

static void bootflash_write(struct device *d, uint64_t off, unsigned size,
                            uint64_t value)
{
    struct bootflash *bf = to_bf(d);

    if (!in_range(bf, off, size)) {
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        uint32_t co;
        struct intel_flash *f = lane(bf, off + i, &co);
        intel_flash_write(f, co, (uint8_t)(value >> (8 * (size - 1 - i))));
    }
}

static void bootflash_dev_reset(struct device *d)
{
    bootflash_reset(to_bf(d));
}

static void bootflash_dev_destroy(struct device *d)
{
    bootflash_destroy(to_bf(d));
}

static const struct device_ops bootflash_ops = {
    .read = bootflash_read,
    .write = bootflash_write,
    .reset = bootflash_dev_reset,
    .destroy = bootflash_dev_destroy,
    .fields = bootflash_fields,
};

/* Opens and maps the image; fills with 0xFF what the file did not have. */
static int map_image(struct bootflash *bf, const char *path, char *err,
                     size_t errlen)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        return errf(err, errlen, -errno, "bootflash image %s: %s", path,
                    strerror(errno));
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = -errno;
        close(fd);
        return errf(err, errlen, rc, "bootflash image %s: %s", path,
                    strerror(-rc));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return errf(err, errlen, -EINVAL,
                    "bootflash image %s is not a regular file", path);
    }
    size_t have = (size_t)st.st_size;
    if (have < bf->size && ftruncate(fd, (off_t)bf->size) != 0) {
        int rc = -errno;
        close(fd);
        return errf(err, errlen, rc, "bootflash image %s: cannot make it "
                    "%zu bytes: %s", path, bf->size, strerror(-rc));
    }
    void *p = mmap(NULL, bf->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int map_errno = errno;
    close(fd); /* the mapping keeps the file */
    if (p == MAP_FAILED) {
        return errf(err, errlen, -map_errno, "bootflash image %s: mmap: %s",
                    path, strerror(map_errno));
    }
    bf->mem = p;
    bf->mapped = 1;
    if (have < bf->size) {
        memset(bf->mem + have, ERASED, bf->size - have);
        if (have) {
            log_msg(bf->lg, "BOOTFLASH", "%s had %zu bytes: extended to %zu "
                    "with erased (0xFF) flash", path, have, bf->size);
        }
    } else if (have > bf->size) {
        log_msg(bf->lg, "BOOTFLASH", "%s has %zu bytes, the flash %zu: the "
                "rest is kept unused", path, have, bf->size);
    }
    return 0;
}

int bootflash_open(const struct bootflash_config *c, struct bootflash **out,
                   char *err, size_t errlen)
{
    *out = NULL;
    const struct intel_flash_model *m = intel_flash_model_find(c->chip);
    if (!m) {
        return errf(err, errlen, -EINVAL, "unknown flash chip '%s'",
                    c->chip ? c->chip : "");
    }
    unsigned shift;
    switch (c->chips) {
    case 1: shift = 0; break;
    case 2: shift = 1; break;
    case 4: shift = 2; break;
    default:
        return errf(err, errlen, -EINVAL, "bootflash: %u chips (1, 2 or 4)",
                    c->chips);
    }
    struct bootflash *bf = calloc(1, sizeof(*bf));
    if (!bf) {
        return errf(err, errlen, -ENOMEM, "out of memory");
    }
    bf->dev.name = "bootflash";
    bf->dev.ops = &bootflash_ops;
    bf->lg = c->lg;
    bf->chips = c->chips;
    bf->chip_shift = shift;
    bf->size = (size_t)m->size * c->chips;

    int rc = 0;
    if (c->path) {
        rc = map_image(bf, c->path, err, errlen);
    } else {
        bf->mem = malloc(bf->size);
        if (bf->mem) {
            memset(bf->mem, ERASED, bf->size);
        } else {
            rc = errf(err, errlen, -ENOMEM, "out of memory");
        }
    }
    if (rc < 0) {
        free(bf);
        return rc;
    }
    for (unsigned i = 0; i < bf->chips; i++) {
        snprintf(bf->chip_name[i], sizeof(bf->chip_name[i]),
                 "bootflash chip %u", i);
        intel_flash_init(&bf->chip[i], m, bf->mem + i, bf->chips, bf->lg,
                         bf->chip_name[i]);
    }
    *out = bf;
    return 0;
}

void bootflash_destroy(struct bootflash *bf)
{
    if (!bf) {
        return;
    }
    if (bf->mapped) {
        munmap(bf->mem, bf->size);
    } else {
        free(bf->mem);
    }
    free(bf);
}

struct device *bootflash_device(struct bootflash *bf)
{
    return &bf->dev;
}

void bootflash_reset(struct bootflash *bf)
{
    for (unsigned i = 0; i < bf->chips; i++) {
        intel_flash_reset(&bf->chip[i]);
    }
}

size_t bootflash_size(const struct bootflash *bf)
{
    return bf->size;
}

uint8_t *bootflash_data(struct bootflash *bf)
{
    return bf->mem;
}

struct intel_flash *bootflash_chip(struct bootflash *bf, unsigned i)
{
    return i < bf->chips ? &bf->chip[i] : NULL;
}

int bootflash_sync(struct bootflash *bf)
{
    if (bf->mapped && msync(bf->mem, bf->size, MS_SYNC) != 0) {
        return -errno;
    }
    return 0;
}
