/* Config push/extract on NVRAM image files; see ios_nvram_file.h. */
#include "dev/ios_nvram_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"

/* Reads up to want bytes at offset 0; returns the count or -errno. */
static ssize_t read_all(int fd, uint8_t *p, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ssize_t n = pread(fd, p + got, want - got, (off_t)got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int ios_nvram_file_load(const char *path, size_t max, uint8_t **buf,
                        size_t *len, char *err, size_t errlen)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        return errf(err, errlen, -e, "%s: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return errf(err, errlen, -e, "%s: %s", path, strerror(e));
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return errf(err, errlen, -EISDIR, "%s: is a directory", path);
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > max) {
        close(fd);
        return errf(err, errlen, -EFBIG, "%s: %lld bytes is more than the "
                    "%zu accepted", path, (long long)st.st_size, max);
    }
    size_t n = (size_t)st.st_size;
    uint8_t *p = malloc(n + 1);
    if (!p) {
        close(fd);
        return errf(err, errlen, -ENOMEM, "%s: out of memory", path);
    }
    ssize_t got = read_all(fd, p, n);
    close(fd);
    if (got < 0) {
        free(p);
        return errf(err, errlen, (int)got, "%s: read error: %s", path,
                    strerror((int)-got));
    }
    p[got] = 0;
    *buf = p;
    *len = (size_t)got;
    return 0;
}

int ios_nvram_file_extract(const char *path, size_t nvram_size,
                           const struct ios_nvram_layout *l,
                           struct ios_nvram_configs *out, char *err,
                           size_t errlen)
{
    uint8_t *img;
    size_t len;
    char why[320];
    memset(out, 0, sizeof(*out));
    int rc = ios_nvram_file_load(path, IOS_NVRAM_FILE_MAX, &img, &len, err,
                                 errlen);
    if (rc < 0) {
        return rc;
    }
    if (nvram_size && len > nvram_size) {
        len = nvram_size; /* the guest sees only the first nvram_size bytes */
    }
    rc = ios_nvram_fs_read(img, len, l, out, why, sizeof(why));
    free(img);
    if (rc < 0) {
        return errf(err, errlen, rc, "%s: %s", path, why);
    }
    return 0;
}

int ios_nvram_file_push(const char *path, size_t nvram_size,
                        const struct ios_nvram_layout *l, const char *startup,
                        size_t startup_len, const char *priv, size_t priv_len,
                        char *err, size_t errlen)
{
    char why[320];
    if (nvram_size == 0 || nvram_size > IOS_NVRAM_FILE_MAX) {
        return errf(err, errlen, -EINVAL, "%s: bad NVRAM size %zu", path,
                    nvram_size);
    }
    uint8_t *img = calloc(1, nvram_size);
    if (!img) {
        return errf(err, errlen, -ENOMEM, "%s: out of memory", path);
    }
    int fd = open(path, O_RDWR | O_CLOEXEC);
    int created = 0;
    if (fd < 0 && errno == ENOENT) {
        created = 1; /* created below, once the configs are known to fit */
    } else if (fd < 0) {
        int e = errno;
        free(img);
        return errf(err, errlen, -e, "%s: %s", path, strerror(e));
    } else {
        ssize_t got = read_all(fd, img, nvram_size);
        if (got < 0) {
            close(fd);
            free(img);
            return errf(err, errlen, (int)got, "%s: read error: %s", path,
                        strerror((int)-got));
        }
    }

    int rc = ios_nvram_fs_write(img, nvram_size, l, startup, startup_len,
                                priv, priv_len, why, sizeof(why));
    if (rc < 0) {
        if (fd >= 0) {
            close(fd);
        }
        free(img);
        return errf(err, errlen, rc, "%s: %s", path, why);
    }
    if (created) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            int e = errno;
            free(img);
            return errf(err, errlen, -e, "%s: cannot create: %s", path,
                        strerror(e));
        }
    }
    /* Only the file-system area is written: the ROM's bytes stay as they
     * are in the file, even if a guest changed them meanwhile. */
    struct stat st;
    if (fstat(fd, &st) < 0 ||
        ((uint64_t)st.st_size < nvram_size &&
         ftruncate(fd, (off_t)nvram_size) < 0)) {
        int e = errno;
        close(fd);
        free(img);
        return errf(err, errlen, -e, "%s: cannot extend to %zu bytes: %s",
                    path, nvram_size, strerror(e));
    }
    size_t done = l->offset;
    size_t end = l->size ? l->offset + l->size : nvram_size;
    while (done < end) {
        ssize_t n = pwrite(fd, img + done, end - done, (off_t)done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            int e = n < 0 ? errno : EIO;
            close(fd);
            free(img);
            return errf(err, errlen, -e, "%s: write error: %s", path,
                        strerror(e));
        }
        done += (size_t)n;
    }
    free(img);
    if (close(fd) < 0) {
        int e = errno;
        return errf(err, errlen, -e, "%s: %s", path, strerror(e));
    }
    return 0;
}
