/*
 * fd_io.h - whole writes to a blocking file descriptor; naming a file
 * made without a name.
 */
#ifndef CORE_FD_IO_H
#define CORE_FD_IO_H

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
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

/* Give the file open as fd (an O_TMPFILE one, say) the name path, as
 * linkat: 0, or -1 with errno (EEXIST: path is there already). */
static inline int link_fd(int fd, const char *path)
{
    /* Linux >= 6.10 lets the opener link its file by descriptor; older
     * ones need CAP_DAC_READ_SEARCH for it, or take /proc's name of it
     * (whose lookup costs more than the rest of the link). */
    if (linkat(fd, "", AT_FDCWD, path, AT_EMPTY_PATH) == 0)
        return 0;
    if (errno == EEXIST)
        return -1;
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    return linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW);
}

#endif
