/*
 * Error messages for the err/errlen pair most create, load and parse
 * functions take: the message goes into the caller's buffer, the code
 * (0 or -errno) is returned, so a failure path is one statement.
 */
#ifndef CORE_ERRMSG_H
#define CORE_ERRMSG_H

#include <stddef.h>

/* Writes the message into err (nothing when err is NULL or errlen 0)
 * and returns code. */
int errf(char *err, size_t errlen, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
