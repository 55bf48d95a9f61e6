/* Guest RAM: anonymous or file-backed mmap. */
#include "mem/ram.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int ram_alloc(struct guest_ram *ram, size_t size, const char *path)
{
    memset(ram, 0, sizeof(*ram));
    void *p;
    if (!path) {
        p = mmap(NULL, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED)
            return -errno;
    } else {
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
            return -errno;
        if (ftruncate(fd, (off_t)size) < 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return -e;
        }
        p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        int e = errno;
        close(fd);
        if (p == MAP_FAILED) {
            unlink(path);
            return -e;
        }
        ram->path = strdup(path);
        ram->backing = RAM_FILE;
    }
    ram->host = p;
    ram->size = size;
    return 0;
}

void ram_free(struct guest_ram *ram)
{
    if (ram->host)
        munmap(ram->host, ram->size);
    if (ram->path) {
        unlink(ram->path);
        free(ram->path);
    }
    free(ram->ghost_path);
    memset(ram, 0, sizeof(*ram));
}
