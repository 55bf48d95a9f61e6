/*
 * Log sink: loggers written by a log writer thread keep every line in
 * order, from several threads, and are complete once closed; a file the
 * writer cannot create is reported, not fatal; log_writer_sync waits for
 * what was logged before it; an existing file is opened (and its errors
 * returned) at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/log.h"

struct dir {
    char path[64];
};

static void make_dir(struct dir *d)
{
    snprintf(d->path, sizeof(d->path), "/tmp/test_log.XXXXXX");
    assert_non_null(mkdtemp(d->path));
}

static void remove_dir(struct dir *d)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
    assert_int_equal(system(cmd), 0);
}

/* The whole file, NUL-terminated (NULL when missing). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[len] = 0;
    return buf;
}

static int count_lines(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

#define THREADS 4
#define LINES 2000

struct worker {
    struct logger *lg;
    int id;
};

static void *log_lines(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < LINES; i++)
        log_msg(w->lg, "T", "thread %d line %d", w->id, i);
    return NULL;
}

/* Every line of every thread is there, each thread's in its order. */
static void test_lines_in_order_from_threads(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    assert_non_null(w);
    char path[128];
    snprintf(path, sizeof(path), "%s/a_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0);
    assert_non_null(lg);
    pthread_t th[THREADS];
    struct worker wk[THREADS];
    for (int i = 0; i < THREADS; i++) {
        wk[i] = (struct worker){lg, i};
        assert_int_equal(pthread_create(&th[i], NULL, log_lines, &wk[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    log_msg(lg, "T", "last");
    log_close(lg);
    char *text = slurp(path);
    assert_non_null(text);
    for (int t = 0; t < THREADS; t++) {
        const char *p = text;
        for (int i = 0; i < LINES; i++) {
            char want[64];
            snprintf(want, sizeof(want), " T: thread %d line %d\n", t, i);
            p = strstr(p, want);
            assert_non_null(p); /* there, after the thread's last one */
        }
    }
    size_t len = strlen(text);
    assert_true(len > 9);
    assert_string_equal(text + len - 9, " T: last\n"); /* the last line */
    assert_int_equal(count_lines(text, "\n"), THREADS * LINES + 1);
    free(text);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* Far more lines than a logger holds in memory (LOG_PENDING_MAX): the
 * one logging waits for the writer; none is lost. */
static void test_flood_loses_nothing(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    char path[128];
    snprintf(path, sizeof(path), "%s/f_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0);
    assert_non_null(lg);
    enum { N = 40000 }; /* ~4 MB of lines */
    for (int i = 0; i < N; i++)
        log_msg(lg, "F", "%06d %s", i,
                "................................................"
                "..............................");
    log_close(lg);
    char *text = slurp(path);
    assert_non_null(text);
    assert_int_equal(count_lines(text, "\n"), N);
    assert_null(strstr(text, "dropped"));
    assert_non_null(strstr(text, " F: 039999 "));
    free(text);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* The file appears without a close, and log_writer_sync waits for it. */
static void test_sync_waits_for_the_file(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    char path[128];
    snprintf(path, sizeof(path), "%s/b_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0);
    assert_non_null(lg);
    log_msg(lg, "VM", "created");
    log_writer_sync(w);
    char *text = slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, " VM: created\n"));
    free(text);
    log_close(lg);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* Quiet lines: written by the next log_writer_sync of the thread; a
 * steady stream of them is written by the writer thread without one. */
static void test_quiet_lines(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    char path[128];
    snprintf(path, sizeof(path), "%s/q_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0);
    log_msg_quiet(lg, "Q", "one");
    log_writer_sync(w);
    char *text = slurp(path);
    assert_non_null(text);
    assert_non_null(strstr(text, " Q: one\n"));
    free(text);
    log_close(lg);

    enum { N = 40 };
    struct logger *many[N];
    char paths[N][128];
    for (int i = 0; i < N; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s/q%d_log.txt", d.path, i);
        many[i] = log_open_async(paths[i], w, 0);
        log_msg_quiet(many[i], "Q", "q%d", i);
        usleep(100); /* 4 ms in all: past the writer's delay */
    }
    /* all but the last few are written without a sync, in time */
    int written = 0;
    for (int tries = 0; tries < 2000 && written < N / 2; tries++) {
        written = 0;
        for (int i = 0; i < N; i++) {
            char *t = slurp(paths[i]);
            written += t && strstr(t, " Q: q");
            free(t);
        }
        usleep(1000);
    }
    assert_true(written >= N / 2);
    for (int i = 0; i < N; i++)
        log_close(many[i]);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* Many loggers opened, written and closed at once: each file complete. */
static void test_many_loggers_closed_complete(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    enum { N = 300 };
    struct logger *lg[N];
    char path[N][128];
    for (int i = 0; i < N; i++) {
        snprintf(path[i], sizeof(path[i]), "%s/vm%d_log.txt", d.path, i);
        lg[i] = log_open_async(path[i], w, 0);
        assert_non_null(lg[i]);
        log_msg(lg[i], "VM", "vm%d: created", i);
    }
    for (int i = 0; i < N; i++) {
        log_msg(lg[i], "VM", "vm%d: deleted", i);
        log_close(lg[i]); /* complete when it returns */
        char *text = slurp(path[i]);
        assert_non_null(text);
        char want[64], first[64];
        snprintf(first, sizeof(first), " VM: vm%d: created\n", i);
        snprintf(want, sizeof(want), " VM: vm%d: deleted\n", i);
        char *created = strstr(text, first);
        assert_non_null(created);
        assert_non_null(strstr(text, want));
        assert_true(strstr(text, want) > created);
        assert_int_equal(count_lines(text, "\n"), 2);
        free(text);
    }
    log_writer_destroy(w);
    remove_dir(&d);
}

/* A file that cannot be created: reported to the error log, the lines
 * dropped, nothing else breaks. */
static void test_create_error_reported(void **state)
{
    struct dir d;
    make_dir(&d);
    char errpath[128], bad[160];
    snprintf(errpath, sizeof(errpath), "%s/err_log.txt", d.path);
    struct log_writer *w = log_writer_create(NULL);
    struct logger *err = log_open_async(errpath, w, 1);
    assert_non_null(err);
    log_writer_report_to(w, err);
    /* a directory that does not exist: the writer's create fails */
    snprintf(bad, sizeof(bad), "%s/nodir/x_log.txt", d.path);
    struct logger *lg = log_open_async(bad, w, 0);
    assert_non_null(lg);
    log_msg(lg, "VM", "lost");
    log_close(lg);
    log_writer_report_to(w, NULL);
    log_close(err);
    log_writer_destroy(w);
    char *text = slurp(errpath);
    assert_non_null(text);
    assert_non_null(strstr(text, "nodir/x_log.txt: cannot create the log "
                                 "file: No such file or directory"));
    free(text);
    remove_dir(&d);
}

/* An existing path is opened at once: a directory there is an error of
 * log_open_async itself; an existing file is emptied. */
static void test_existing_path_opened_at_once(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    char path[128];
    snprintf(path, sizeof(path), "%s/dir_log.txt", d.path);
    assert_int_equal(mkdir(path, 0755), 0);
    errno = 0;
    assert_null(log_open_async(path, w, 0));
    assert_int_equal(errno, EISDIR);

    snprintf(path, sizeof(path), "%s/old_log.txt", d.path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("old content that is longer than the new\n", f);
    fclose(f);
    struct logger *lg = log_open_async(path, w, 0);
    assert_non_null(lg);
    log_msg(lg, "X", "new");
    log_close(lg);
    char *text = slurp(path);
    assert_null(strstr(text, "old content"));
    assert_non_null(strstr(text, " X: new\n"));
    free(text);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* Without a writer, log_open_async is log_open: written at once. */
static void test_no_writer_is_synchronous(void **state)
{
    struct dir d;
    make_dir(&d);
    char path[128];
    snprintf(path, sizeof(path), "%s/s_log.txt", d.path);
    struct logger *lg = log_open_async(path, NULL, 0);
    assert_non_null(lg);
    log_msg(lg, "S", "now");
    char *text = slurp(path);
    assert_non_null(strstr(text, " S: now\n"));
    free(text);
    log_close(lg);
    remove_dir(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines_in_order_from_threads),
        cmocka_unit_test(test_flood_loses_nothing),
        cmocka_unit_test(test_sync_waits_for_the_file),
        cmocka_unit_test(test_quiet_lines),
        cmocka_unit_test(test_many_loggers_closed_complete),
        cmocka_unit_test(test_create_error_reported),
        cmocka_unit_test(test_existing_path_opened_at_once),
        cmocka_unit_test(test_no_writer_is_synchronous),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
