/*
 * Log sink: the general log file of a dynamips process (-l, default
 * dynamips_log.txt). One per process, handed down to every VM and device;
 * thread-safe. A NULL logger discards everything.
 */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdarg.h>
#include <stdio.h>

struct logger;

struct logger *log_open(const char *path); /* NULL path: stderr-less sink */
void log_close(struct logger *lg);
void log_msg(struct logger *lg, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(struct logger *lg, const char *tag, const char *fmt, va_list ap);
/* Also echo every message to stderr (debug runs). */
void log_set_echo(struct logger *lg, int on);

#endif
