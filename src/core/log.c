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
 *
 * A logger with lines to write has one entry: in the writer's queue, or
 * "in flight" while one thread writes it. Besides the writer's thread,
 * log_writer_sync and log_close take entries and write them themselves
 * rather than wait for the thread to come to them.
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

#include "core/fd_io.h"

/* Bytes an async logger holds in memory before its writer has taken
 * them; beyond, whoever logs waits for the writer (a writer stuck on a
 * slow disk must not eat the memory; a VM should stay within 1 MiB,
 * issue 4's memory goal). Only the writer's own error reports are
 * dropped (and counted) instead. */
#define LOG_PENDING_MAX (256u << 10)
/* The writer thread leaves an entry this long to the thread that made
 * it: a hypervisor command's thread writes its lines itself before the
 * reply (log_writer_sync, log_close) faster than it could hand them over
 * and wait; and a burst of lines from any thread goes out in fewer
 * writes. 200 us: the longest a hypervisor reply is held in a burst. */
#define LOG_WRITER_DELAY_NS 200000L
/* A buffer the writer has emptied is freed rather than kept above this. */
#define LOG_KEEP_CAP 16384

struct logger {
    FILE *fp;
    int echo;
    pthread_mutex_t lock;

    /* async loggers (w != NULL) */
    struct log_writer *w;
    char *path;        /* created by the writer when fd < 0 */
    char *dir;         /* the directory part of path */
    int fd;            /* the thread that has the entry in flight only */
    int failed;        /* the file could not be made or written (same) */
    char *buf;         /* lines not taken yet (lock) */
    size_t len, cap;   /* (lock) */
    unsigned long dropped; /* lines dropped over LOG_PENDING_MAX (lock) */
    int queued;        /* it has an entry, queued or in flight (lock) */
    int closing;       /* log_close called: no more lines (lock) */
    int inq;           /* the entry is in w's queue (w->mtx) */
    int inflight;      /* the entry is being written (w->mtx) */
    struct logger *qnext; /* w's queue or in-flight list (w->mtx) */
    struct logger *qprev; /* w's queue (w->mtx) */
    unsigned long qseq;   /* when the entry was made (w->mtx) */
    long long qtime;      /* the same, CLOCK_MONOTONIC ns (w->mtx) */
};

struct log_writer {
    struct logger *err_log; /* where the writer's own errors go */
    pthread_t thread;
    pthread_mutex_t mtx;
    pthread_cond_t work; /* the writer waits for entries (monotonic) */
    pthread_cond_t done; /* an entry was written (waiters > 0) */
    struct logger *head, *tail; /* the queue, in qseq order */
    struct logger *inflight;    /* entries being written */
    unsigned long enq_seq;      /* entries made so far */
    unsigned long epoch;        /* entries written so far */
    int waiters;
    int idle;                   /* the writer thread waits for a signal */
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

/* Errors writing lg: to w's err_log, or stderr without one (or when it
 * is lg itself). */
static void report(struct log_writer *w, const struct logger *lg,
                   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void report(struct log_writer *w, const struct logger *lg,
                   const char *fmt, ...)
{
    struct logger *to = __atomic_load_n(&w->err_log, __ATOMIC_ACQUIRE);
    if (to == lg)
        to = NULL;
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

/* Write lines swapped out of a logger (the entry's thread). */
static void write_lines(struct log_writer *w, struct logger *lg,
                        const char *data, size_t len, unsigned long dropped)
{
    if (lg->fd < 0 && !lg->failed) {
        lg->fd = create_file(lg);
        if (lg->fd < 0) {
            lg->failed = 1;
            report(w, lg, "%s: cannot create the log file: %s (its lines are "
                   "dropped)", lg->path, strerror(errno));
        }
    }
    if (lg->failed || (!len && !dropped))
        return;
    int rc = fd_write_all(lg->fd, data, len);
    if (rc == 0 && dropped) {
        char note[96];
        int n = snprintf(note, sizeof(note), "(%lu log lines dropped: the "
                         "log writer was behind)\n", dropped);
        rc = fd_write_all(lg->fd, note, (size_t)n);
    }
    if (rc < 0) {
        lg->failed = 1;
        report(w, lg, "%s: write: %s (further lines are dropped)", lg->path,
               strerror(-rc));
    }
}

/* Take lg's entry: out of the queue (if there), in flight (w->mtx held). */
static void take(struct log_writer *w, struct logger *lg)
{
    if (lg->inq) {
        if (lg->qprev)
            lg->qprev->qnext = lg->qnext;
        else
            w->head = lg->qnext;
        if (lg->qnext)
            lg->qnext->qprev = lg->qprev;
        else
            w->tail = lg->qprev;
        lg->inq = 0;
    }
    lg->inflight = 1;
    lg->qnext = w->inflight;
    w->inflight = lg;
}

/*
 * Write the entry taken with take() (w->mtx not held): the lines logged
 * so far, then, with do_close, close the file. Lines logged meanwhile
 * make the entry go back to the head of the queue with its place (they
 * may be older than anything queued after it), else it ends.
 */
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
    pthread_mutex_unlock(&lg->lock);

    write_lines(w, lg, data, len, dropped);
    if (do_close && lg->fd >= 0) {
        if (close(lg->fd) < 0 && !lg->failed)
            report(w, lg, "%s: close: %s", lg->path, strerror(errno));
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

    pthread_mutex_lock(&lg->lock);
    int more = lg->len || lg->dropped;
    if (!more)
        lg->queued = 0;
    pthread_mutex_lock(&w->mtx);
    struct logger **pp = &w->inflight;
    while (*pp != lg)
        pp = &(*pp)->qnext;
    *pp = lg->qnext;
    lg->inflight = 0;
    if (more) {
        lg->inq = 1;
        lg->qprev = NULL;
        lg->qnext = w->head;
        if (w->head)
            w->head->qprev = lg;
        else
            w->tail = lg;
        w->head = lg;
        if (w->idle)
            pthread_cond_signal(&w->work);
    }
    w->epoch++;
    if (w->waiters)
        pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->mtx);
    pthread_mutex_unlock(&lg->lock);
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *writer_main(void *arg)
{
    struct log_writer *w = arg;
    char *spare = NULL;
    size_t spare_cap = 0;
    pthread_mutex_lock(&w->mtx);
    for (;;) {
        struct logger *lg = w->head;
        if (!lg) {
            if (w->stop)
                break; /* nothing left */
            w->idle = 1;
            pthread_cond_wait(&w->work, &w->mtx);
            w->idle = 0;
            continue;
        }
        long long due = lg->qtime + LOG_WRITER_DELAY_NS;
        if (!w->stop && now_ns() < due) {
            struct timespec ts = {.tv_sec = (time_t)(due / 1000000000LL),
                                  .tv_nsec = (long)(due % 1000000000LL)};
            pthread_cond_timedwait(&w->work, &w->mtx, &ts);
            continue; /* taken meanwhile, maybe */
        }
        take(w, lg);
        pthread_mutex_unlock(&w->mtx);
        /* a closing logger is closed by log_close, after this entry */
        write_entry(w, lg, &spare, &spare_cap, 0);
        pthread_mutex_lock(&w->mtx);
    }
    pthread_mutex_unlock(&w->mtx);
    free(spare);
    return NULL;
}

/* Give lg an entry at the end of w's queue (lg->lock held, no entry). */
static void enqueue(struct logger *lg, int quiet)
{
    struct log_writer *w = lg->w;
    lg->queued = 1;
    pthread_mutex_lock(&w->mtx);
    lg->inq = 1;
    lg->qnext = NULL;
    lg->qprev = w->tail;
    lg->qseq = ++w->enq_seq;
    lg->qtime = now_ns();
    /* A writer thread that is not idle comes to the queue by itself. A
     * quiet entry wakes it only when others have waited past the delay
     * (a burst of them). */
    int wake = w->idle && (!quiet || (w->head && lg->qtime - w->head->qtime
                                                     >= LOG_WRITER_DELAY_NS));
    if (w->tail)
        w->tail->qnext = lg;
    else
        w->head = lg;
    w->tail = lg;
    if (wake)
        pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mtx);
}

/* Wait for an entry to be written (w->mtx held). */
static void wait_done(struct log_writer *w)
{
    w->waiters++;
    pthread_cond_wait(&w->done, &w->mtx);
    w->waiters--;
}

struct log_writer *log_writer_create(struct logger *err_log)
{
    struct log_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return NULL;
    w->err_log = err_log;
    pthread_mutex_init(&w->mtx, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->work, &ca);
    pthread_condattr_destroy(&ca);
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

/* An entry made up to seq is not written yet (w->mtx held). */
static int entries_due(const struct log_writer *w, unsigned long seq)
{
    /* sequence numbers are handed out in order: compare by difference */
    if (w->head && (long)(w->head->qseq - seq) <= 0)
        return 1; /* the queue is in qseq order */
    for (const struct logger *lg = w->inflight; lg; lg = lg->qnext)
        if ((long)(lg->qseq - seq) <= 0)
            return 1;
    return 0;
}

void log_writer_sync(struct log_writer *w)
{
    if (!w)
        return;
    char *spare = NULL;
    size_t spare_cap = 0;
    pthread_mutex_lock(&w->mtx);
    unsigned long seq = w->enq_seq;
    while (entries_due(w, seq)) {
        struct logger *lg = w->head;
        if (lg && (long)(lg->qseq - seq) <= 0) {
            /* write it here rather than wait for the writer thread */
            take(w, lg);
            pthread_mutex_unlock(&w->mtx);
            write_entry(w, lg, &spare, &spare_cap, 0);
            pthread_mutex_lock(&w->mtx);
        } else {
            wait_done(w); /* in flight elsewhere */
        }
    }
    pthread_mutex_unlock(&w->mtx);
    free(spare);
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
    int inflight = lg->inflight;
    pthread_mutex_unlock(&lg->w->mtx);
    return inflight;
}

void log_close(struct logger *lg)
{
    if (!lg)
        return;
    if (lg->w) {
        struct log_writer *w = lg->w;
        pthread_mutex_lock(&lg->lock);
        lg->closing = 1; /* no more lines, no entry made from now on */
        pthread_mutex_unlock(&lg->lock);
        /* The last lines are written here, not after the other loggers'
         * entries: its entry is taken out of the queue (or made), once
         * no other thread has it in flight. */
        pthread_mutex_lock(&w->mtx);
        while (lg->inflight)
            wait_done(w);
        if (!lg->inq)
            lg->qseq = w->enq_seq + 1; /* no lines: due for no sync */
        take(w, lg);
        pthread_mutex_unlock(&w->mtx);
        char *spare = NULL;
        size_t spare_cap = 0;
        write_entry(w, lg, &spare, &spare_cap, 1);
        free(spare);
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
                        const char *tag, const char *msg, int quiet)
{
    if (lg->closing)
        return;
    /* the line's length: "ts.mmm tag: msg\n" */
    size_t need = strlen(ts) + 5 + strlen(tag) + 2 + strlen(msg) + 1;
    struct log_writer *w = lg->w;
    while (lg->len + need > LOG_PENDING_MAX &&
           !pthread_equal(pthread_self(), w->thread)) {
        /* The writer is behind (a slow disk): wait until it has written
         * an entry, as a synchronous logger waits for its write. (Its
         * own thread cannot: it reports its errors through loggers.)
         * Entries end holding lg->lock first: none ends unseen between
         * the check above and reading the epoch. */
        pthread_mutex_lock(&w->mtx);
        unsigned long epoch = w->epoch;
        pthread_mutex_unlock(&lg->lock);
        while (w->epoch == epoch)
            wait_done(w);
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
        enqueue(lg, quiet);
}

static void vmsg(struct logger *lg, const char *tag, const char *fmt,
                 va_list ap, int quiet)
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
        append_line(lg, ts, (long)(tv.tv_usec / 1000), tag ? tag : "-", msg,
                    quiet);
    else if (lg->fp)
        fprintf(lg->fp, "%s.%03ld %s: %s\n", ts, (long)(tv.tv_usec / 1000),
                tag ? tag : "-", msg);
    if (lg->echo)
        fprintf(stderr, "%s: %s\n", tag ? tag : "-", msg);
    pthread_mutex_unlock(&lg->lock);
}

void log_vmsg(struct logger *lg, const char *tag, const char *fmt, va_list ap)
{
    vmsg(lg, tag, fmt, ap, 0);
}

void log_msg(struct logger *lg, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(lg, tag, fmt, ap, 0);
    va_end(ap);
}

void log_msg_quiet(struct logger *lg, const char *tag, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(lg, tag, fmt, ap, 1);
    va_end(ap);
}
