/*
 * Log sink: loggers written by a log writer thread keep every line in
 * order, from several threads, and are complete once closed; a file the
 * writer cannot create is reported, not fatal; log_writer_sync waits for
 * what was logged before it; an existing file is opened (and its errors
 * returned) at once. Released loggers: complete at once when their file
 * is there, else written afterwards (log_writer_sync_all, destroy); they
 * take no name a newer file took, also when released while their file
 * was being made; a logger of the same path replaces
 * them; log_close_discard makes no file.
 */
#include <dirent.h>
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

/* Occurrences of needle in s. Not with strstr: ASan's strstr measures
 * the whole haystack on every call, which made counting the 40000 lines
 * of test_flood_loses_nothing take 40 s. */
static int count_lines(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; *p;) {
        size_t i = 0;
        while (needle[i] && p[i] == needle[i])
            i++;
        if (!needle[i]) {
            n++;
            p += i;
        } else {
            p++;
        }
    }
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

/* The content of a file: "" when missing. */
static char *slurp_or_empty(const char *path)
{
    char *t = slurp(path);
    return t ? t : strdup("");
}

/* A writer thread that has gone idle (waits for a signal): a quiet line
 * is then left to whoever syncs or closes. */
static struct log_writer *idle_writer(void)
{
    struct log_writer *w = log_writer_create(NULL);
    assert_non_null(w);
    usleep(20000);
    return w;
}

/* Released when its file is there: complete when log_release returns. */
static void test_release_of_a_made_file_completes_it(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = log_writer_create(NULL);
    char path[128];
    snprintf(path, sizeof(path), "%s/m_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0);
    log_msg(lg, "VM", "created");
    log_writer_sync(w); /* the file is made */
    for (int i = 0; i < 100; i++)
        log_msg(lg, "VM", "line %d", i);
    log_msg_quiet(lg, "VM", "deleted");
    log_release(lg);
    char *text = slurp(path);
    assert_non_null(text);
    assert_int_equal(count_lines(text, "\n"), 102);
    size_t len = strlen(text);
    assert_true(len > 13);
    assert_string_equal(text + len - 13, " VM: deleted\n");
    free(text);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* Released before their files were made: each one complete after
 * log_writer_sync_all, which log_writer_sync is not; those released
 * after it are complete when the writer is destroyed. */
static void test_released_files_made_later(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = idle_writer();
    enum { N = 200 };
    static char path[N][128];
    for (int i = 0; i < N; i++) {
        snprintf(path[i], sizeof(path[i]), "%s/r%d_log.txt", d.path, i);
        struct logger *lg = log_open_async(path[i], w, 0);
        assert_non_null(lg);
        if (i % 10) /* and some with no line at all: an empty file */
            log_msg_quiet(lg, "VM", "r%d: created", i);
        if (i % 10 > 1)
            log_msg_quiet(lg, "VM", "r%d: deleted", i);
        log_release(lg);
    }
    log_writer_sync(w); /* none of them is an open logger's */
    log_writer_sync_all(w);
    for (int i = 0; i < N; i++) {
        char *text = slurp(path[i]);
        assert_non_null(text);
        int lines = i % 10 == 0 ? 0 : i % 10 == 1 ? 1 : 2;
        assert_int_equal(count_lines(text, "\n"), lines);
        char want[64];
        snprintf(want, sizeof(want), " VM: r%d: deleted\n", i);
        if (lines == 2)
            assert_string_equal(text + strlen(text) - strlen(want), want);
        free(text);
    }
    for (int i = 0; i < N; i++) {
        snprintf(path[i], sizeof(path[i]), "%s/s%d_log.txt", d.path, i);
        struct logger *lg = log_open_async(path[i], w, 0);
        log_msg_quiet(lg, "VM", "s%d: deleted", i);
        log_release(lg);
    }
    log_writer_destroy(w);
    for (int i = 0; i < N; i++) {
        char *text = slurp(path[i]);
        assert_non_null(text);
        assert_int_equal(count_lines(text, "\n"), 1);
        free(text);
    }
    remove_dir(&d);
}

/* A released logger whose name a newer file took leaves that file as it
 * is (it replaced the released one's). */
static void test_released_logger_leaves_a_newer_file(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = idle_writer();
    char path[128];
    snprintf(path, sizeof(path), "%s/n_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0); /* no file yet */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("newer\n", f);
    fclose(f);
    log_msg_quiet(lg, "VM", "older");
    log_release(lg);
    log_writer_sync_all(w);
    char *text = slurp(path);
    assert_string_equal(text, "newer\n");
    free(text);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* A logger opened on the path of a released one: its lines only, the
 * released one's are gone (its file made or not). */
static void test_open_replaces_a_released_logger(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = idle_writer();
    char path[128];
    snprintf(path, sizeof(path), "%s/x_log.txt", d.path);
    for (int round = 0; round < 50; round++) {
        struct logger *old = log_open_async(path, w, 0);
        log_msg_quiet(old, "VM", "old %d", round);
        log_release(old);
        struct logger *lg = log_open_async(path, w, 0);
        assert_non_null(lg);
        log_msg_quiet(lg, "VM", "new %d", round);
        log_writer_sync_all(w);
        char *text = slurp(path);
        assert_non_null(text);
        char want[32];
        snprintf(want, sizeof(want), " VM: new %d\n", round);
        assert_int_equal(count_lines(text, "\n"), 1);
        assert_non_null(strstr(text, want));
        free(text);
        log_close(lg);
        assert_int_equal(unlink(path), 0);
    }
    log_writer_destroy(w);
    remove_dir(&d);
}

/* log_close_discard: no file for a logger whose file was not made, nor
 * for a released one of the path forgotten; a made file is complete. */
static void test_discard(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = idle_writer();
    char path[128], made[128];
    snprintf(path, sizeof(path), "%s/d_log.txt", d.path);
    struct logger *lg = log_open_async(path, w, 0);
    log_msg_quiet(lg, "VM", "created");
    log_close_discard(lg);
    log_writer_sync_all(w);
    assert_int_equal(access(path, F_OK), -1);

    struct logger *old = log_open_async(path, w, 0);
    log_msg_quiet(old, "VM", "deleted");
    log_release(old);
    log_writer_forget(w, path);
    log_writer_sync_all(w);
    char *text = slurp_or_empty(path);
    /* made by the writer before the forget, or not at all */
    assert_true(strcmp(text, "") == 0 || strstr(text, " VM: deleted\n"));
    free(text);
    unlink(path);

    snprintf(made, sizeof(made), "%s/e_log.txt", d.path);
    lg = log_open_async(made, w, 0);
    log_msg(lg, "VM", "created");
    log_writer_sync(w);
    log_msg_quiet(lg, "VM", "deleted");
    log_close_discard(lg);
    text = slurp(made);
    assert_non_null(text);
    assert_int_equal(count_lines(text, "\n"), 2);
    free(text);
    log_writer_destroy(w);
    remove_dir(&d);
}

/* 1 when this process has a file open that was made nameless in dir
 * (O_TMPFILE: "<dir>/#<inode> (deleted)" in /proc/self/fd): the writer
 * is filling a file it has not linked in yet. */
static int tmpfile_open_in(const char *dir)
{
    DIR *fds = opendir("/proc/self/fd");
    if (!fds)
        return 0;
    char prefix[96];
    int plen = snprintf(prefix, sizeof(prefix), "%s/#", dir);
    int found = 0;
    struct dirent *de;
    while (!found && (de = readdir(fds))) {
        char link[300], target[256];
        snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
        ssize_t n = readlink(link, target, sizeof(target) - 1);
        if (n > plen && strncmp(target, prefix, (size_t)plen) == 0)
            found = 1;
    }
    closedir(fds);
    return found;
}

/*
 * A logger released while the writer makes its file (its lines taken
 * before the release) leaves a file that took the name meanwhile as it
 * is, as one released before: it must not be truncated and written over.
 * Each round catches the writer between making its nameless file and
 * linking it in (240 KB of lines to fill); a round where the writer
 * linked first proves nothing and is not counted.
 */
static void test_released_while_made_leaves_a_newer_file(void **state)
{
    struct dir d;
    make_dir(&d);
    struct log_writer *w = idle_writer();
    char line[121];
    memset(line, '.', sizeof(line) - 1);
    line[sizeof(line) - 1] = 0;
    int caught = 0;
    /* 1600 lines of 150 bytes: within LOG_PENDING_MAX (256 KiB), so
     * logging them never waits for the writer */
    enum { ROUNDS = 200, NLINES = 1600 };
    for (int round = 0; round < ROUNDS && caught < 5; round++) {
        char path[128], kick[128];
        snprintf(path, sizeof(path), "%s/w%d_log.txt", d.path, round);
        snprintf(kick, sizeof(kick), "%s/k%d_log.txt", d.path, round);
        struct logger *lg = log_open_async(path, w, 0);
        assert_non_null(lg);
        for (int i = 0; i < NLINES; i++) /* quiet: the writer sleeps on */
            log_msg_quiet(lg, "VM", "%04d %s", i, line);
        /* a line of another logger wakes the writer: it takes lg's
         * entry first (older), due by now */
        struct logger *k = log_open_async(kick, w, 0);
        log_msg(k, "VM", "kick");
        /* (or, too late, linked in already) */
        while (!tmpfile_open_in(d.path) && access(path, F_OK) != 0)
            ;
        log_release(lg);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0) {
            caught++;
            assert_int_equal(write(fd, "newer\n", 6), 6);
            close(fd);
        }
        log_writer_sync_all(w);
        log_close(k);
        if (fd >= 0) {
            char *text = slurp(path);
            assert_non_null(text);
            assert_string_equal(text, "newer\n");
            free(text);
        }
    }
    printf("caught the writer between its O_TMPFILE and its link: %d\n",
           caught);
    log_writer_destroy(w);
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
        cmocka_unit_test(test_release_of_a_made_file_completes_it),
        cmocka_unit_test(test_released_files_made_later),
        cmocka_unit_test(test_released_logger_leaves_a_newer_file),
        cmocka_unit_test(test_open_replaces_a_released_logger),
        cmocka_unit_test(test_discard),
        cmocka_unit_test(test_released_while_made_leaves_a_newer_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
