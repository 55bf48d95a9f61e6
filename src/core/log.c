/*
 * Log sink of a dynamips process: timestamped lines, one mutex.
 *
 * A logger is either synchronous (each line written to its FILE, line
 * buffered, by the thread that logs it) or attached to a log writer: then
 * logging a line only formats it into the logger's memory, and the
 * writer's thread creates the file and writes the lines, in order. That
 * takes file creation off the path of whoever logs: creating an inode can
 * cost tens of microseconds (ext4 without a journal skips every recently
 * deleted inode of the group when it allocates one), which a hypervisor
 * creating a VM per request pays on every `vm create`.
 */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* Bytes an async logger holds in memory before its writer has taken
 * them; beyond, whoever logs waits for the writer (a writer stuck on a
 * slow disk must not eat the memory; a VM should stay within 1 MiB,
 * issue 4's memory goal). Only the writer's own error reports are
 * dropped (and counted) instead. */
#define LOG_PENDING_MAX (256u << 10)
/* A buffer the writer has emptied is freed rather than kept above this. */
#define LOG_KEEP_CAP 16384

struct logger {
    FILE *fp;
    int echo;
    pthread_mutex_t lock;

    /*
     * Async loggers (w != NULL). The lines go into buf; a logger with
     * lines waits in w's queue (one entry at most). Whoever takes the
     * entry (the writer thread, or log_close, which takes it out of the
     * queue) owns fd until done; flags say who.
     */
    struct log_writer *w;
    char *path;        /* created by the writer when fd < 0 */
    char *dir;         /* the directory part of path */
    int fd;            /* the owner of the entry only */
    int failed;        /* the file could not be made or written (same) */
    char *buf;         /* lines not taken yet (lock) */
    size_t len, cap;   /* (lock) */
    unsigned long dropped; /* lines dropped over LOG_PENDING_MAX (lock) */
    int queued;        /* an entry is due: in the queue, or taken and its
                          lines not swapped out yet (lock) */
    int closing;       /* log_close called: no more lines (lock) */
    int inq;           /* in w's queue (w->mtx) */
    int busy;          /* the writer thread is at its entry (w->mtx) */
    struct logger *qnext; /* w's queue or w's stolen list (w->mtx) */
    unsigned long qseq;   /* when its entry was queued (w->mtx) */
};

struct log_writer {
    struct logger *err_log; /* where the writer's own errors go */
    pthread_t thread;
    pthread_mutex_t mtx;
    pthread_cond_t work; /* the writer waits for loggers to write */
    pthread_cond_t done; /* an entry was done (log_close, sync wait) */
    struct logger *head, *tail; /* the queue, in qseq order */
    struct logger *stolen;      /* entries log_close took out of it */
    unsigned long enq_seq;      /* entries queued so far */
    unsigned long cur_seq;      /* the writer thread's entry, 0: none */
    int waiters;
    int stop;
};

struct logger *log_open(const char *path)
{
    struct logger *lg = calloc(1, sizeof(*lg));
    if (!lg)
        return NULL;
    lg->fd = -1;
    pthread_mutex_init(&lg->lock, NULL);
    if (path) {
        lg->fp = fopen(path, "w");
        if (!lg->fp) {
            int e = errno;
            pthread_mutex_destroy(&lg->lock);
            free(lg);
            errno = e;
            return NULL;
        }
        setvbuf(lg->fp, NULL, _IOLBF, 0);
    }
    return lg;
}

/* --------------------------------------------------------- the writer */

/* The writer's own errors: to its err_log, or stderr without one. */
static void report(struct log_writer *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void report(struct log_writer *w, const char *fmt, ...)
{
    struct logger *to = __atomic_load_n(&w->err_log, __ATOMIC_ACQUIRE);
    va_list ap;
    va_start(ap, fmt);
    if (to) {
        log_vmsg(to, "LOG", fmt, ap);
    } else {
        fprintf(stderr, "dynamips: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
    }
    va_end(ap);
}

/* Write all of buf; 0 or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return -EIO;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

int link_fd(int fd, const char *path)
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

/*
 * Create path (or truncate what is there); the descriptor or -1 with
 * errno. The inode is made nameless first (O_TMPFILE) and then linked in:
 * allocating it is the slow part, and creating it by name holds the
 * directory's lock all that time, so that every other file operation in
 * that directory (a VM's lock file) waits for it.
 */
static int create_file(const struct logger *lg)
{
    int fd = open(lg->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    if (fd >= 0) {
        if (link_fd(fd, lg->path) == 0)
            return fd;
        close(fd); /* there already, no /proc: the ordinary way */
    }
    return open(lg->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
}

/* One queue entry: the lines gathered so far; with do_close, the file is
 * closed after them. */
static void write_entry(struct log_writer *w, struct logger *lg,
                        char **spare, size_t *spare_cap, int do_close)
{
    pthread_mutex_lock(&lg->lock);
    char *data = lg->buf;
    size_t len = lg->len, cap = lg->cap;
    unsigned long dropped = lg->dropped;
    lg->buf = *spare; /* the emptied buffer of the last entry */
    lg->cap = *spare_cap;
    lg->len = 0;
    lg->dropped = 0;
    lg->queued = 0;
    pthread_mutex_unlock(&lg->lock);

    if (lg->fd < 0 && !lg->failed) {
        lg->fd = create_file(lg);
        if (lg->fd < 0) {
            lg->failed = 1;
            report(w, "%s: cannot create the log file: %s (its lines are "
                   "dropped)", lg->path, strerror(errno));
        }
    }
    if (!lg->failed && len) {
        int rc = write_all(lg->fd, data, len);
        if (rc == 0 && dropped) {
            char note[96];
            int n = snprintf(note, sizeof(note),
                             "(%lu log lines dropped: the log writer was "
                             "behind)\n", dropped);
            rc = write_all(lg->fd, note, (size_t)n);
        }
        if (rc < 0) {
            lg->failed = 1;
            report(w, "%s: write: %s (further lines are dropped)", lg->path,
                   strerror(-rc));
        }
    }
    if (do_close && lg->fd >= 0) {
        if (close(lg->fd) < 0 && !lg->failed)
            report(w, "%s: close: %s", lg->path, strerror(errno));
        lg->fd = -1;
    }
    /* keep this entry's buffer for the next one, unless it grew big */
    if (cap > LOG_KEEP_CAP) {
        free(data);
        data = NULL;
        cap = 0;
    }
    *spare = data;
    *spare_cap = cap;
}

static void *writer_main(void *arg)
{
    struct log_writer *w = arg;
    char *spare = NULL;
    size_t spare_cap = 0;
    pthread_mutex_lock(&w->mtx);
    for (;;) {
        while (!w->head && !w->stop)
            pthread_cond_wait(&w->work, &w->mtx);
        struct logger *lg = w->head;
        if (!lg)
            break; /* stop asked and nothing left */
        w->head = lg->qnext;
        if (!w->head)
            w->tail = NULL;
        lg->inq = 0;
        lg->busy = 1;
        w->cur_seq = lg->qseq;
        pthread_mutex_unlock(&w->mtx);

        /* A closing logger is closed by log_close, which waits for busy
         * to drop: the writer leaves its file open. */
        write_entry(w, lg, &spare, &spare_cap, 0);

        pthread_mutex_lock(&w->mtx);
        w->cur_seq = 0;
        lg->busy = 0; /* log_close may take it from now on */
        if (w->waiters)
            pthread_cond_broadcast(&w->done);
    }
    pthread_mutex_unlock(&w->mtx);
    free(spare);
    return NULL;
}

/* Put lg in w's queue (lg->lock held, lg not queued). */
static void enqueue(struct logger *lg)
{
    struct log_writer *w = lg->w;
    lg->queued = 1;
    pthread_mutex_lock(&w->mtx);
    lg->inq = 1;
    lg->qnext = NULL;
    lg->qseq = ++w->enq_seq;
    if (w->tail)
        w->tail->qnext = lg;
    else
        w->head = lg;
    w->tail = lg;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mtx);
}

struct log_writer *log_writer_create(struct logger *err_log)
{
    struct log_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->err_log = err_log;
    pthread_mutex_init(&w->mtx, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_cond_destroy(&w->done);
        pthread_cond_destroy(&w->work);
        pthread_mutex_destroy(&w->mtx);
        free(w);
        errno = EAGAIN;
        return NULL;
    }
    return w;
}

void log_writer_report_to(struct log_writer *w, struct logger *err_log)
{
    if (w)
        __atomic_store_n(&w->err_log, err_log, __ATOMIC_RELEASE);
}

void log_writer_destroy(struct log_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mtx);
    w->stop = 1;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mtx);
    pthread_join(w->thread, NULL); /* it writes what is queued first */
    pthread_cond_destroy(&w->done);
    pthread_cond_destroy(&w->work);
    pthread_mutex_destroy(&w->mtx);
    free(w);
}

/* An entry queued up to seq is not done yet (w->mtx held). */
static int entries_due(const struct log_writer *w, unsigned long seq)
{
    /* sequence numbers are handed out in order: compare by difference */
    if (w->head && (long)(w->head->qseq - seq) <= 0)
        return 1; /* the queue is in qseq order */
    if (w->cur_seq && (long)(w->cur_seq - seq) <= 0)
        return 1;
    for (const struct logger *lg = w->stolen; lg; lg = lg->qnext)
        if ((long)(lg->qseq - seq) <= 0)
            return 1;
    return 0;
}

void log_writer_sync(struct log_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mtx);
    unsigned long seq = w->enq_seq;
    if (entries_due(w, seq)) {
        w->waiters++;
        while (entries_due(w, seq))
            pthread_cond_wait(&w->done, &w->mtx);
        w->waiters--;
    }
    pthread_mutex_unlock(&w->mtx);
}

struct logger *log_open_async(const char *path, struct log_writer *w,
                              int create_now)
{
    if (!w || !path)
        return log_open(path);
    struct logger *lg = calloc(1, sizeof(*lg));
    if (!lg)
        return NULL;
    lg->fd = -1;
    lg->w = w;
    lg->path = strdup(path);
    const char *slash = strrchr(path, '/');
    lg->dir = !slash ? strdup(".") : slash == path ? strdup("/")
                     : strndup(path, (size_t)(slash - path));
    if (!lg->path || !lg->dir) {
        free(lg->path);
        free(lg->dir);
        free(lg);
        errno = ENOMEM;
        return NULL;
    }
    /* A file already there is opened now, so what is wrong with it (a
     * directory, no permission) shows at once; only a new file is left
     * to the writer (creating it is the slow part). */
    if (create_now || access(path, F_OK) == 0 || errno != ENOENT) {
        lg->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (lg->fd < 0) {
            int e = errno;
            free(lg->path);
            free(lg->dir);
            free(lg);
            errno = e;
            return NULL;
        }
    }
    pthread_mutex_init(&lg->lock, NULL);
    return lg;
}

int log_pending(struct logger *lg)
{
    if (!lg || !lg->w)
        return 0;
    pthread_mutex_lock(&lg->w->mtx);
    int busy = lg->busy;
    pthread_mutex_unlock(&lg->w->mtx);
    return busy;
}

void log_close(struct logger *lg)
{
    if (!lg)
        return;
    if (lg->w) {
        struct log_writer *w = lg->w;
        pthread_mutex_lock(&lg->lock);
        lg->closing = 1; /* no more lines, no more queue entries */
        pthread_mutex_unlock(&lg->lock);
        /* The last lines are written here rather than after the other
         * loggers' entries: take this logger's entry out of the queue,
         * once the writer thread is out of an earlier one. */
        pthread_mutex_lock(&w->mtx);
        if (lg->busy) {
            w->waiters++;
            while (lg->busy)
                pthread_cond_wait(&w->done, &w->mtx);
            w->waiters--;
        }
        int had_entry = lg->inq;
        if (had_entry) {
            struct logger **pp = &w->head, *prev = NULL;
            while (*pp != lg) {
                prev = *pp;
                pp = &(*pp)->qnext;
            }
            *pp = lg->qnext;
            if (w->tail == lg)
                w->tail = prev;
            lg->inq = 0;
            lg->qnext = w->stolen; /* log_writer_sync waits for it */
            w->stolen = lg;
        }
        pthread_mutex_unlock(&w->mtx);

        char *spare = NULL;
        size_t spare_cap = 0;
        write_entry(w, lg, &spare, &spare_cap, 1);
        free(spare);

        if (had_entry) {
            pthread_mutex_lock(&w->mtx);
            struct logger **pp = &w->stolen;
            while (*pp != lg)
                pp = &(*pp)->qnext;
            *pp = lg->qnext;
            if (w->waiters)
                pthread_cond_broadcast(&w->done);
            pthread_mutex_unlock(&w->mtx);
        }
        free(lg->buf);
        free(lg->path);
        free(lg->dir);
    }
    if (lg->fp)
        fclose(lg->fp);
    pthread_mutex_destroy(&lg->lock);
    free(lg);
}

void log_set_echo(struct logger *lg, int on)
{
    if (lg)
        lg->echo = on;
}

/* Append a formatted line to an async logger (lg->lock held). */
static void append_line(struct logger *lg, const char *ts, long ms,
                        const char *tag, const char *msg)
{
    if (lg->closing)
        return;
    /* the line's length: "ts.mmm tag: msg\n" */
    size_t need = strlen(ts) + 5 + strlen(tag) + 2 + strlen(msg) + 1;
    struct log_writer *w = lg->w;
    if (lg->len + need > LOG_PENDING_MAX &&
        !pthread_equal(pthread_self(), w->thread)) {
        /* The writer is behind (a slow disk): wait until it has taken
         * these lines, as a synchronous logger waits for its write. (Its
         * own thread cannot: it reports its errors through loggers.) */
        pthread_mutex_unlock(&lg->lock);
        pthread_mutex_lock(&w->mtx);
        w->waiters++;
        while (lg->inq || lg->busy)
            pthread_cond_wait(&w->done, &w->mtx);
        w->waiters--;
        pthread_mutex_unlock(&w->mtx);
        pthread_mutex_lock(&lg->lock);
        if (lg->closing)
            return;
    }
    if (lg->len + need > LOG_PENDING_MAX) {
        lg->dropped++;
        return;
    }
    if (lg->len + need + 1 > lg->cap) {
        size_t cap = lg->cap ? lg->cap : 512;
        while (cap < lg->len + need + 1)
            cap *= 2;
        char *nb = realloc(lg->buf, cap);
        if (!nb) {
            lg->dropped++;
            return;
        }
        lg->buf = nb;
        lg->cap = cap;
    }
    int n = snprintf(lg->buf + lg->len, lg->cap - lg->len, "%s.%03ld %s: %s\n",
                     ts, ms, tag, msg);
    if (n > 0) /* need counted it: it fits */
        lg->len += (size_t)n;
    if (!lg->queued)
        enqueue(lg);
}

void log_vmsg(struct logger *lg, const char *tag, const char *fmt, va_list ap)
{
    if (!lg || (!lg->fp && !lg->w && !lg->echo))
        return;
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = 0;

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    localtime_r(&tv.tv_sec, &tm);
    char ts[32];
    strftime(ts, sizeof(ts), "%b %d %H:%M:%S", &tm);

    pthread_mutex_lock(&lg->lock);
    if (lg->w)
        append_line(lg, ts, (long)(tv.tv_usec / 1000), tag ? tag : "-", msg);
    else if (lg->fp)
        fprintf(lg->fp, "%s.%03ld %s: %s\n", ts, (long)(tv.tv_usec / 1000),
                tag ? tag : "-", msg);
    if (lg->echo)
        fprintf(stderr, "%s: %s\n", tag ? tag : "-", msg);
    pthread_mutex_unlock(&lg->lock);
}

void log_msg(struct logger *lg, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(lg, tag, fmt, ap);
    va_end(ap);
}
