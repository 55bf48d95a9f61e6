/*
 * File-backed NVRAM with the DS1216 calendar at offset 3 (shared spec
 * c7200.md §13.1-13.2). See nvram.h for the file-size policy.
 */
#include "dev/nvram.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

#define NVRAM_MAX_SIZE (64u * 1024 * 1024) /* far above any platform */

struct nvram {
    struct device dev;
    struct logger *lg;
    uint8_t *mem;
    size_t size;
    int fd;              /* the backing file, -1 when anonymous */
    struct ds1216 cal;
    uint8_t logged_range;
};

static const struct dev_field nvram_fields[] = {
    {"cal.recog", offsetof(struct nvram, cal.recog), 8},
    {"cal.rdata", offsetof(struct nvram, cal.rdata), 8},
    {NULL, 0, 0},
};

static struct nvram *to_nv(struct device *d)
{
    return DEV_CONTAINER(d, struct nvram, dev);
}

static int in_range(struct nvram *nv, uint64_t off, unsigned size)
{
    if (size >= 1 && size <= 8 && off < nv->size && size <= nv->size - off) {
        return 1;
    }
    if (!nv->logged_range) {
        nv->logged_range = 1;
        log_msg(nv->lg, "NVRAM",
                "guest error: %u-byte access at 0x%llx outside 0x%zx bytes",
                size, (unsigned long long)off, nv->size);
    }
    return 0;
}

static uint64_t nvram_read(struct device *d, uint64_t off, unsigned size)
{
    struct nvram *nv = to_nv(d);
    uint64_t v = 0;

    if (off == NVRAM_CALENDAR_OFFSET && size == 1) {
        return ds1216_read(&nv->cal); /* only this exact access, §13.1 */
    }
    if (!in_range(nv, off, size)) {
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        v = (v << 8) | nv->mem[off + i]; /* big-endian, §13.1 */
    }
    return v;
}

static void nvram_write(struct device *d, uint64_t off, unsigned size,
                        uint64_t value)
{
    struct nvram *nv = to_nv(d);

    if (off == NVRAM_CALENDAR_OFFSET && size == 1) {
        ds1216_write(&nv->cal, (uint8_t)value);
        return;
    }
    if (!in_range(nv, off, size)) {
        return;
    }
    for (unsigned i = size; i-- > 0;) {
        nv->mem[off + i] = (uint8_t)value;
        value >>= 8;
    }
}

static void nvram_reset(struct device *d)
{
    ds1216_reset(&to_nv(d)->cal); /* the memory is battery-backed */
}

static void nvram_dev_destroy(struct device *d)
{
    struct nvram *nv = to_nv(d);

    if (nv->mem) {
        munmap(nv->mem, nv->size);
    }
    if (nv->fd >= 0) {
        close(nv->fd);
    }
    free(nv);
}

static const struct device_ops nvram_ops = {
    .read = nvram_read,
    .write = nvram_write,
    .reset = nvram_reset,
    .destroy = nvram_dev_destroy,
    .fields = nvram_fields,
};

/* Open or create the file and make it at least `size` bytes long. */
static int open_backing(struct nvram *nv, const char *path, size_t size)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        int err = -errno;
        log_msg(nv->lg, "NVRAM", "cannot open %s: %s", path, strerror(errno));
        return err;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    if ((uint64_t)st.st_size < size) {
        /* Missing or short file: zero-extend, existing bytes kept. */
        if (ftruncate(fd, (off_t)size) != 0) {
            int err = -errno;
            log_msg(nv->lg, "NVRAM", "cannot size %s to %zu bytes: %s", path,
                    size, strerror(errno));
            close(fd);
            return err;
        }
    } else if ((uint64_t)st.st_size > size) {
        log_msg(nv->lg, "NVRAM",
                "%s is %lld bytes, NVRAM is %zu: the rest is kept unused",
                path, (long long)st.st_size, size);
    }
    return fd;
}

int nvram_open(const struct nvram_config *c, struct nvram **out)
{
    size_t size = c->size ? c->size : NVRAM_DEFAULT_SIZE;

    *out = NULL;
    if (size > NVRAM_MAX_SIZE || size <= NVRAM_CALENDAR_OFFSET) {
        return -EINVAL;
    }
    struct nvram *nv = calloc(1, sizeof(*nv));
    if (!nv) {
        return -ENOMEM;
    }
    nv->dev.name = "nvram";
    nv->dev.ops = &nvram_ops;
    nv->lg = c->lg;
    nv->size = size;
    nv->fd = -1;
    ds1216_init(&nv->cal, c->clock, c->clock_ctx, c->calendar_localtime);

    void *mem;
    if (c->path) {
        int fd = open_backing(nv, c->path, size);
        if (fd < 0) {
            free(nv);
            return fd;
        }
        mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (mem == MAP_FAILED)
            close(fd);
        else
            nv->fd = fd; /* kept for nvram_is_blank */
    } else {
        mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    }
    if (mem == MAP_FAILED) {
        int err = -errno;
        log_msg(nv->lg, "NVRAM", "cannot map %zu bytes: %s", size,
                strerror(errno));
        free(nv);
        return err;
    }
    nv->mem = mem;
    *out = nv;
    return 0;
}

void nvram_destroy(struct nvram *nv)
{
    if (nv) {
        nvram_dev_destroy(&nv->dev);
    }
}

struct device *nvram_device(struct nvram *nv)
{
    return &nv->dev;
}

/*
 * Blank test of a file-backed NVRAM through the file, not the mapping:
 * reading the mapping would map every page of it into the process (128 KB
 * of an idle router's memory). Holes are skipped (SEEK_DATA); the data
 * parts are read into a buffer. -1: the file could not tell.
 */
static int file_is_blank(const struct nvram *nv)
{
    uint8_t buf[4096];
    off_t at = 0, end = (off_t)nv->size;
    while (at < end) {
        off_t data = lseek(nv->fd, at, SEEK_DATA);
        if (data < 0)
            return errno == ENXIO ? 1 : -1; /* only a hole after `at` */
        if (data >= end)
            return 1;
        size_t want = (size_t)(end - data) < sizeof(buf)
                          ? (size_t)(end - data) : sizeof(buf);
        ssize_t n = pread(nv->fd, buf, want, data);
        if (n <= 0)
            return -1;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i])
                return 0;
        at = data + n;
    }
    return 1;
}

int nvram_is_blank(const struct nvram *nv)
{
    if (nv->fd >= 0) {
        int blank = file_is_blank(nv);
        if (blank >= 0)
            return blank;
    }
    for (size_t i = 0; i < nv->size; i++) {
        if (nv->mem[i]) {
            return 0;
        }
    }
    return 1;
}

uint8_t *nvram_data(struct nvram *nv)
{
    return nv->mem;
}

size_t nvram_size(const struct nvram *nv)
{
    return nv->size;
}

int nvram_sync(struct nvram *nv)
{
    return msync(nv->mem, nv->size, MS_SYNC) == 0 ? 0 : -errno;
}
