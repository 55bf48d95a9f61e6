/*
 * Helpers for the unit tests of devices backed by a host file (ATA disk,
 * bootflash, NVRAM): the file's size, and bytes read or written at an
 * offset, each checked with cmocka's assertions.
 */
#ifndef TESTS_FILE_HARNESS_H
#define TESTS_FILE_HARNESS_H

#include <fcntl.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static inline off_t file_size(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_size;
}

static inline void file_read(const char *path, off_t off, void *buf,
                             size_t len)
{
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, buf, len, off), (ssize_t)len);
    close(fd);
}

static inline void file_write(const char *path, off_t off, const void *buf,
                              size_t len)
{
    int fd = open(path, O_RDWR | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, buf, len, off), (ssize_t)len);
    close(fd);
}

#endif
