/*
 * fd_io.h - whole writes to a blocking file descriptor.
 */
#ifndef CORE_FD_IO_H
#define CORE_FD_IO_H

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

/* Write all of buf, again after EINTR and short writes: 0, or -errno
 * (-EIO when write(2) makes no progress). */
static inline int fd_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

#endif
