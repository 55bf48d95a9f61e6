/* Ghost RAM files: generate, check, map copy-on-write (see ghost.h). */
#include "mem/ghost.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/le_bytes.h"

#define GHOST_MAGIC "ODGHOST\0"
#define GHOST_VERSION 1u

/* Trailer offsets (little-endian integers). */
enum {
    T_MAGIC = 0, T_VERSION = 8, T_LENGTH = 12, T_RAM_SIZE = 16, T_ENTRY = 24,
    T_IMAGE_SIZE = 32, T_MTIME_SEC = 40, T_MTIME_NSEC = 48, T_PLATFORM = 56,
    T_IMAGE_NAME = 72, T_END = T_IMAGE_NAME + 240,
};

int ghost_generate_begin(struct guest_ram *ram, const char *path, size_t size,
                         char *err, size_t errlen)
{
    memset(ram, 0, sizeof(*ram));
    char *tmp = NULL;
    if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
        return errf(err, errlen, -ENOMEM, "out of memory");
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return errf(err, errlen, -e, "ghost file %s: %s", path, strerror(e));
    }
    int e = 0;
    void *p = MAP_FAILED;
    if (ftruncate(fd, (off_t)size + GHOST_TRAILER_SIZE) < 0)
        e = errno;
    else if ((p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
                       0)) == MAP_FAILED)
        e = errno;
    close(fd);
    if (e) {
        unlink(tmp);
        free(tmp);
        return errf(err, errlen, -e, "ghost file %s: %s", path, strerror(e));
    }
    ram->host = p;
    ram->size = size;
    ram->path = tmp; /* deleted by ram_free unless committed */
    ram->backing = RAM_GHOST_GEN;
    ram->ghost_path = strdup(path);
    if (!ram->ghost_path) {
        ram_free(ram);
        return errf(err, errlen, -ENOMEM, "out of memory");
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int ghost_generate_commit(struct guest_ram *ram, const char *platform,
                          const char *image, uint64_t entry, char *err,
                          size_t errlen)
{
    if (ram->backing != RAM_GHOST_GEN || !ram->path)
        return errf(err, errlen, -EINVAL, "no ghost file being generated");
    struct stat st;
    if (stat(image, &st) < 0)
        return errf(err, errlen, -errno, "%s: %s", image, strerror(errno));
    uint8_t t[GHOST_TRAILER_SIZE];
    memset(t, 0, sizeof(t));
    memcpy(t + T_MAGIC, GHOST_MAGIC, 8);
    put_le(t + T_VERSION, GHOST_VERSION, 4);
    put_le(t + T_LENGTH, GHOST_TRAILER_SIZE, 4);
    put_le(t + T_RAM_SIZE, ram->size, 8);
    put_le(t + T_ENTRY, entry, 8);
    put_le(t + T_IMAGE_SIZE, (uint64_t)st.st_size, 8);
    put_le(t + T_MTIME_SEC, (uint64_t)st.st_mtim.tv_sec, 8);
    put_le(t + T_MTIME_NSEC, (uint64_t)st.st_mtim.tv_nsec, 8);
    snprintf((char *)t + T_PLATFORM, T_IMAGE_NAME - T_PLATFORM, "%s",
             platform ? platform : "");
    snprintf((char *)t + T_IMAGE_NAME, T_END - T_IMAGE_NAME, "%s",
             base_name(image));

    int fd = open(ram->path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errf(err, errlen, -errno, "%s: %s", ram->path, strerror(errno));
    ssize_t n = pwrite(fd, t, sizeof(t), (off_t)ram->size);
    int e = n == (ssize_t)sizeof(t) ? 0 : (n < 0 ? errno : EIO);
    close(fd);
    if (e)
        return errf(err, errlen, -e, "%s: %s", ram->path, strerror(e));
    if (rename(ram->path, ram->ghost_path) < 0)
        return errf(err, errlen, -errno, "%s: %s", ram->ghost_path,
                    strerror(errno));
    free(ram->path);
    ram->path = NULL; /* the ghost stays */
    return 0;
}

int ghost_read_info(const char *path, size_t size, struct ghost_info *gi,
                    char *err, size_t errlen)
{
    memset(gi, 0, sizeof(*gi));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errf(err, errlen, -errno, "ghost file %s: %s", path,
                    strerror(errno));
    struct stat st;
    uint8_t t[T_END];
    int rc = 0;
    if (fstat(fd, &st) < 0) {
        rc = errf(err, errlen, -errno, "ghost file %s: %s", path,
                  strerror(errno));
    } else if (st.st_size < (off_t)GHOST_TRAILER_SIZE ||
               (st.st_size - GHOST_TRAILER_SIZE) % 4096 != 0 ||
               pread(fd, t, sizeof(t), st.st_size - GHOST_TRAILER_SIZE) !=
                   (ssize_t)sizeof(t) ||
               memcmp(t + T_MAGIC, GHOST_MAGIC, 8) != 0 ||
               get_le(t + T_VERSION, 4) != GHOST_VERSION ||
               get_le(t + T_RAM_SIZE, 8) !=
                   (uint64_t)(st.st_size - GHOST_TRAILER_SIZE)) {
        rc = errf(err, errlen, -EINVAL, "%s is not a ghost RAM file of this "
                  "emulator", path);
    }
    close(fd);
    if (rc < 0)
        return rc;
    gi->ram_size = get_le(t + T_RAM_SIZE, 8);
    gi->entry = get_le(t + T_ENTRY, 8);
    gi->image_size = get_le(t + T_IMAGE_SIZE, 8);
    gi->image_mtime_sec = (int64_t)get_le(t + T_MTIME_SEC, 8);
    gi->image_mtime_nsec = (int64_t)get_le(t + T_MTIME_NSEC, 8);
    memcpy(gi->platform, t + T_PLATFORM, sizeof(gi->platform) - 1);
    memcpy(gi->image_name, t + T_IMAGE_NAME, sizeof(gi->image_name) - 1);
    if (size && gi->ram_size != size)
        return errf(err, errlen, -EINVAL, "ghost file %s holds %llu MB of "
                    "RAM, the router has %llu MB", path,
                    (unsigned long long)(gi->ram_size >> 20),
                    (unsigned long long)(size >> 20));
    return 0;
}

int ghost_check_image(const struct ghost_info *gi, const char *image,
                      char *err, size_t errlen)
{
    struct stat st;
    if (!image)
        return 0; /* nothing to compare with */
    if (stat(image, &st) < 0)
        return errf(err, errlen, -errno, "%s: %s", image, strerror(errno));
    if ((uint64_t)st.st_size != gi->image_size ||
        (int64_t)st.st_mtim.tv_sec != gi->image_mtime_sec ||
        (int64_t)st.st_mtim.tv_nsec != gi->image_mtime_nsec)
        return errf(err, errlen, -ESTALE, "the ghost was made from another "
                    "%s (or the image changed since)", gi->image_name);
    return 0;
}

int ghost_map(struct guest_ram *ram, const char *path, size_t size,
              struct ghost_info *gi, char *err, size_t errlen)
{
    memset(ram, 0, sizeof(*ram));
    int rc = ghost_read_info(path, size, gi, err, errlen);
    if (rc < 0)
        return rc;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errf(err, errlen, -errno, "ghost file %s: %s", path,
                    strerror(errno));
    /* Private: stores copy the page; the file is never written. */
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_NORESERVE, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED)
        return errf(err, errlen, -e, "ghost file %s: %s", path, strerror(e));
    ram->host = p;
    ram->size = size;
    ram->backing = RAM_GHOST;
    ram->ghost_path = strdup(path);
    if (!ram->ghost_path) {
        ram_free(ram);
        return errf(err, errlen, -ENOMEM, "out of memory");
    }
    return 0;
}
