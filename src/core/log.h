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
struct log_writer;

struct logger *log_open(const char *path); /* NULL path: stderr-less sink */
void log_close(struct logger *lg);
void log_msg(struct logger *lg, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(struct logger *lg, const char *tag, const char *fmt, va_list ap);
/*
 * log_msg for a thread that calls log_writer_sync or log_close soon (a
 * hypervisor command before its reply): the line does not wake the writer
 * thread, that thread writes it itself then; unless lines pile up.
 */
void log_msg_quiet(struct logger *lg, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/*
 * A thread that writes the files of the loggers opened with
 * log_open_async; its own errors (a file it cannot create or write) go to
 * err_log (stderr when NULL; log_writer_report_to changes it). Destroy it
 * after closing those loggers.
 */
struct log_writer *log_writer_create(struct logger *err_log);
void log_writer_report_to(struct log_writer *w, struct logger *err_log);
void log_writer_destroy(struct log_writer *w);
/* Returns once every line logged before the call to an open logger of w
 * is in its file (or dropped, the error reported); not those of released
 * loggers (log_release). */
void log_writer_sync(struct log_writer *w);
/* log_writer_sync, and every released logger's file complete. */
void log_writer_sync_all(struct log_writer *w);
/*
 * A logger whose lines w's thread writes, in order; logging one only
 * formats it into memory. A file not there yet is created by that thread
 * too (soon after; errors go to w's err_log) unless create_now; an
 * existing one is opened here. With w NULL, the same as log_open. NULL
 * with errno on failure. A released logger of the same path whose file
 * is not made yet is forgotten (log_writer_forget): this file replaces
 * it.
 */
struct logger *log_open_async(const char *path, struct log_writer *w,
                              int create_now);
/*
 * Close: log_close returns once every line is written and the file
 * closed (made first if need be). log_release does the same when the
 * file is there; otherwise it returns at once and the writer makes the
 * file, with every line, and closes it: soon after, at the latest in
 * log_writer_sync_all or log_writer_destroy; it takes no name another
 * file took meanwhile. log_close_discard closes a file that is there as
 * log_close does, and drops the lines of one not made yet: no file.
 */
void log_release(struct logger *lg);
void log_close_discard(struct logger *lg);
/* Released loggers of path not written yet are dropped (a file that
 * replaces theirs is being made, or theirs is removed); returns once
 * none is being written. */
void log_writer_forget(struct log_writer *w, const char *path);
/* Also echo every message to stderr (debug runs). */
void log_set_echo(struct logger *lg, int on);

#endif
