/*
 * Byte-interleaved bank of Intel flash chips backed by an image file
 * (shared spec c7200.md §14). See bootflash.h for the file policy.
 */
#include "dev/bootflash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "dev/intel_flash.h"

#define ERASED 0xFF
/* Bytes per write when filling a new image: large enough that the calls
 * cost nothing next to the copying (8 MB in 32 writes), small enough to
 * allocate at once. */
#define FILL_CHUNK (256u << 10)

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

    /* Background fill of a new image's erased bytes (fill_async). */
    int fill_pending;  /* atomic: the filler runs or was not joined */
    pthread_t filler;
    int fill_fd;
    size_t fill_from;
    int fill_rc;       /* the filler's result, read after the join */
    char *fill_path;   /* for the log */
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

static struct bootflash *to_bf(struct device *d)
{
    return DEV_CONTAINER(d, struct bootflash, dev);
}

/*
 * Wait for the background fill (device accesses on the CPU thread,
 * destroy, sync, data: never two of them at once).
 */
static void fill_wait(struct bootflash *bf)
{
    if (!__atomic_load_n(&bf->fill_pending, __ATOMIC_ACQUIRE)) {
        return;
    }
    pthread_join(bf->filler, NULL);
    close(bf->fill_fd);
    if (bf->fill_rc < 0) {
        log_msg(bf->lg, "BOOTFLASH", "%s: erased bytes from 0x%zx not "
                "written: %s", bf->fill_path, bf->fill_from,
                strerror(-bf->fill_rc));
    }
    free(bf->fill_path);
    bf->fill_path = NULL;
    __atomic_store_n(&bf->fill_pending, 0, __ATOMIC_RELEASE);
}

static int in_range(struct bootflash *bf, uint64_t off, unsigned size)
{
    fill_wait(bf);
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

/*
 * Erased flash (0xFF) into the file from byte `from` to `to`, with write
 * calls rather than through the mapping: the bytes go to the page cache,
 * and the process maps (and counts in its RSS) only the pages the guest
 * touches later. A blank 8 MB bank then costs the process nothing until
 * used, and the start does not wait for 2048 page faults.
 */
static int fill_erased(int fd, size_t from, size_t to)
{
    size_t chunk = FILL_CHUNK;
    uint8_t *buf = malloc(chunk);
    if (!buf) {
        return -ENOMEM;
    }
    memset(buf, ERASED, chunk);
    int rc = 0;
    while (from < to) {
        size_t n = to - from < chunk ? to - from : chunk;
        ssize_t w = pwrite(fd, buf, n, (off_t)from);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            rc = w < 0 ? -errno : -EIO;
            break;
        }
        from += (size_t)w;
    }
    free(buf);
    return rc;
}

static void *filler_main(void *arg)
{
    struct bootflash *bf = arg;
    bf->fill_rc = fill_erased(bf->fill_fd, bf->fill_from, bf->size);
    return NULL;
}

/*
 * Opens and maps the image; fills with 0xFF what the file did not have,
 * now or (async) on a thread of its own that the first access waits for.
 */
static int map_image(struct bootflash *bf, const char *path, int async,
                     char *err, size_t errlen)
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
    if (have < bf->size && async) {
        /* The file gets its size now (holes), the filler the bytes. */
        if (ftruncate(fd, (off_t)bf->size) != 0) {
            int rc = -errno;
            close(fd);
            return errf(err, errlen, rc, "bootflash image %s: cannot make "
                        "it %zu bytes: %s", path, bf->size, strerror(-rc));
        }
    } else if (have < bf->size) {
        int rc = fill_erased(fd, have, bf->size);
        if (rc < 0) {
            close(fd);
            return errf(err, errlen, rc, "bootflash image %s: cannot make it "
                        "%zu bytes: %s", path, bf->size, strerror(-rc));
        }
    }
    void *p = mmap(NULL, bf->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int map_errno = errno;
    if (p == MAP_FAILED) {
        close(fd);
        return errf(err, errlen, -map_errno, "bootflash image %s: mmap: %s",
                    path, strerror(map_errno));
    }
    bf->mem = p;
    bf->mapped = 1;
    if (have < bf->size && async) {
        bf->fill_fd = fd;
        bf->fill_from = have;
        bf->fill_path = strdup(path);
        if (pthread_create(&bf->filler, NULL, filler_main, bf) == 0) {
            __atomic_store_n(&bf->fill_pending, 1, __ATOMIC_RELEASE);
            fd = -1; /* the filler's now */
        } else {
            free(bf->fill_path);
            bf->fill_path = NULL;
            int rc = fill_erased(fd, have, bf->size);
            if (rc < 0) {
                munmap(p, bf->size);
                close(fd);
                return errf(err, errlen, rc, "bootflash image %s: %s", path,
                            strerror(-rc));
            }
        }
    }
    if (fd >= 0) {
        close(fd); /* the mapping keeps the file */
    }
    if (have < bf->size) {
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
        rc = map_image(bf, c->path, c->fill_async, err, errlen);
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
    fill_wait(bf);
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
    fill_wait(bf);
    return bf->mem;
}

struct intel_flash *bootflash_chip(struct bootflash *bf, unsigned i)
{
    return i < bf->chips ? &bf->chip[i] : NULL;
}

int bootflash_sync(struct bootflash *bf)
{
    fill_wait(bf);
    if (bf->mapped && msync(bf->mem, bf->size, MS_SYNC) != 0) {
        return -errno;
    }
    return 0;
}
