/*
 * Log sink of a dynamips process: timestamped lines, one mutex.
 *
 * A logger is either synchronous (each line written to its FILE, line
 * buffered, by the thread that logs it) or attached to a log writer: then
 * logging a line only formats it into the logger's memory, and the
 * writer's thread creates the file and writes the lines, in order. That
 * takes file creation off the path of whoever logs: creating an inode can
 * cost tens of microseconds to a millisecond (ext4 without a journal
 * skips every inode of the group deleted in the last minute or so when
 * it allocates one, reading each one's deletion time), which a hypervisor
 * creating a VM per request pays on every `vm create`.
 *
 * A logger with lines to write has one entry: in the writer's queue, or
 * "in flight" while one thread writes it. Besides the writer's thread,
 * log_writer_sync and log_close take entries and write them themselves
 * rather than wait for the thread to come to them.
 *
 * log_release hands a logger whose file is not made yet over to the
 * writer: its entry moves to a second queue, of released loggers, which
 * the writer's thread writes after the others and then frees; no thread
 * waits for them but log_writer_sync_all (and log_writer_destroy). A
 * released logger's file is filled before it gets its name, and it takes
 * no name that another file took meanwhile: that file is newer (a logger
 * opened on the same path later, a rename, another process), as when a
 * file opened for writing later replaces what was there.
 */
#include "core/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
/* The writer thread's nice value above the process's: a CPU-time weight
 * about a tenth of theirs (the kernel's table: 1024 at nice 0, 110 at
 * 10), so that a pipelining client's commands are not slowed by the
 * files of their VMs (issue 4's pipelined requests per second). */
#define LOG_WRITER_NICE 10
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
    int closing;       /* no more lines: LOG_CLOSED, LOG_RELEASED (lock) */
    int made;          /* the file exists (w->mtx) */
    int released;      /* log_release: the writer frees it (w->mtx) */
    int inq;           /* the entry is in a queue of w (w->mtx): the
                          released one when released */
    int inflight;      /* the entry is being written (w->mtx) */
    struct logger *qnext; /* w's queue or in-flight list (w->mtx) */
    struct logger *qprev; /* w's queue (w->mtx) */
    unsigned long qseq;   /* when the entry was made (w->mtx) */
    long long qtime;      /* the same, CLOCK_MONOTONIC ns (w->mtx) */
};

/* lg->closing */
enum { LOG_OPEN, LOG_CLOSED, LOG_RELEASED };

/* A doubly linked queue of entries (w->mtx). */
struct log_queue {
    struct logger *head, *tail;
};

struct log_writer {
    struct logger *err_log; /* where the writer's own errors go */
    pthread_t thread;
    pthread_mutex_t mtx;
    /* Held while an inode is allocated: threads that allocate in one
     * directory at once collide in ext4's scan of the group and each
     * takes longer than both in turn. */
    pthread_mutex_t create_mtx;
    pthread_cond_t work; /* the writer waits for entries (monotonic) */
    pthread_cond_t done; /* an entry was written (waiters > 0) */
    struct log_queue queue;     /* open loggers' entries, in qseq order */
    struct log_queue released;  /* released loggers' entries */
    unsigned long nreleased;    /* released loggers not freed yet */
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

/* Write the lines, then the note, to a new file: fd, or -1 with errno
 * (fd closed). */
static int fill(int fd, const char *data, size_t len, const char *note,
                size_t nlen)
{
    int rc = fd_write_all(fd, data, len);
    if (rc == 0)
        rc = fd_write_all(fd, note, nlen);
    if (rc < 0) {
        close(fd);
        errno = -rc;
        return -1;
    }
    return fd;
}

/*
 * Create lg's file with data in it (the lines, then the note): the
 * descriptor, or -1 with errno; -1 with errno EEXIST for a released
 * logger whose name another file took. The inode is made nameless first
 * (O_TMPFILE), filled and then linked in: allocating it is the slow part,
 * and creating it by name holds the directory's lock all that time, so
 * that every other file operation in that directory (a VM's lock file)
 * waits for it; and the file appears with its lines. Neither the link
 * nor the O_EXCL create of a system without O_TMPFILE replaces a file.
 *
 * A file that took the name first is replaced (truncated) only for a
 * logger still open: decided under lg->lock, which log_release takes to
 * mark it released, so that a logger released while its file was being
 * made (the lines taken before the release) never truncates a file made
 * meanwhile (another VM's renamed to the name, another process's).
 */
static int create_file(struct log_writer *w, struct logger *lg,
                       const char *data, size_t len, const char *note,
                       size_t nlen)
{
    pthread_mutex_lock(&w->create_mtx);
    int fd = open(lg->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    pthread_mutex_unlock(&w->create_mtx);
    int taken = 0;
    if (fd >= 0) {
        if (fill(fd, data, len, note, nlen) < 0)
            return -1;
        if (link_fd(fd, lg->path) == 0)
            return fd;
        taken = errno == EEXIST;
        close(fd); /* there already, or no /proc */
    }
    if (!taken) {
        pthread_mutex_lock(&w->create_mtx);
        fd = open(lg->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        pthread_mutex_unlock(&w->create_mtx);
        if (fd >= 0)
            return fill(fd, data, len, note, nlen);
        if (errno != EEXIST)
            return -1;
    }
    pthread_mutex_lock(&lg->lock);
    if (lg->closing == LOG_RELEASED) {
        pthread_mutex_unlock(&lg->lock);
        errno = EEXIST; /* that newer file stays */
        return -1;
    }
    /* open: replace it, as opening the file at once would have */
    fd = open(lg->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    pthread_mutex_unlock(&lg->lock);
    if (fd < 0)
        return -1;
    return fill(fd, data, len, note, nlen);
}

/* Write lines swapped out of a logger (the entry's thread); the file is
 * made first if it is not there. 1 when it was made here. */
static int write_lines(struct log_writer *w, struct logger *lg,
                       const char *data, size_t len, unsigned long dropped)
{
    char note[96] = "";
    size_t nlen = 0;
    if (dropped)
        nlen = (size_t)snprintf(note, sizeof(note), "(%lu log lines "
                                "dropped: the log writer was behind)\n",
                                dropped);
    if (lg->failed)
        return 0;
    if (lg->fd < 0) {
        lg->fd = create_file(w, lg, data, len, note, nlen);
        if (lg->fd >= 0)
            return 1;
        lg->failed = 1;
        /* A released logger's name taken by a newer file: that one
         * stays, as if it had replaced this one. */
        if (errno != EEXIST)
            report(w, lg, "%s: cannot create the log file: %s (its lines "
                   "are dropped)", lg->path, strerror(errno));
        return 0;
    }
    int rc = fd_write_all(lg->fd, data, len);
    if (rc == 0)
        rc = fd_write_all(lg->fd, note, nlen);
    if (rc < 0) {
        lg->failed = 1;
        report(w, lg, "%s: write: %s (further lines are dropped)", lg->path,
               strerror(-rc));
    }
    return 0;
}

static void q_remove(struct log_queue *q, struct logger *lg)
{
    if (lg->qprev)
        lg->qprev->qnext = lg->qnext;
    else
        q->head = lg->qnext;
    if (lg->qnext)
        lg->qnext->qprev = lg->qprev;
    else
        q->tail = lg->qprev;
}

static void q_push_tail(struct log_queue *q, struct logger *lg)
{
    lg->qnext = NULL;
    lg->qprev = q->tail;
    if (q->tail)
        q->tail->qnext = lg;
    else
        q->head = lg;
    q->tail = lg;
}

static void q_push_head(struct log_queue *q, struct logger *lg)
{
    lg->qprev = NULL;
    lg->qnext = q->head;
    if (q->head)
        q->head->qprev = lg;
    else
        q->tail = lg;
    q->head = lg;
}

/* Take lg's entry: out of its queue (if there), in flight (w->mtx). */
static void take(struct log_writer *w, struct logger *lg)
{
    if (lg->inq) {
        q_remove(lg->released ? &w->released : &w->queue, lg);
        lg->inq = 0;
    }
    lg->inflight = 1;
    lg->qnext = w->inflight;
    w->inflight = lg;
}

/* Free an async logger no thread refers to any more. */
static void free_async(struct logger *lg)
{
    if (lg->fd >= 0)
        close(lg->fd);
    free(lg->buf);
    free(lg->path);
    free(lg->dir);
    pthread_mutex_destroy(&lg->lock);
    free(lg);
}

/* Close lg's file, if open (the entry's thread); an error is reported
 * unless its lines failed already. */
static void close_file(struct log_writer *w, struct logger *lg)
{
    if (lg->fd >= 0 && close(lg->fd) < 0 && !lg->failed)
        report(w, lg, "%s: close: %s", lg->path, strerror(errno));
    lg->fd = -1;
}

/*
 * Write the entry taken with take() (w->mtx not held): the lines logged
 * so far, then, with do_close, close the file. Lines logged meanwhile
 * make the entry go back to the head of the queue with its place (they
 * may be older than anything queued after it), else it ends. A released
 * logger goes back to the end of its queue, or, done, is closed and
 * freed.
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

    if (write_lines(w, lg, data, len, dropped)) {
        pthread_mutex_lock(&w->mtx);
        lg->made = 1;
        pthread_mutex_unlock(&w->mtx);
    }
    if (do_close)
        close_file(w, lg);
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
    int done = lg->released && !more;
    if (more) {
        lg->inq = 1;
        if (lg->released)
            q_push_tail(&w->released, lg);
        else
            q_push_head(&w->queue, lg);
        if (w->idle)
            pthread_cond_signal(&w->work);
    }
    if (done)
        w->nreleased--;
    w->epoch++;
    if (w->waiters)
        pthread_cond_broadcast(&w->done);
    pthread_mutex_unlock(&w->mtx);
    pthread_mutex_unlock(&lg->lock);
    if (done) {
        /* no lines can come (closing), no thread has it (released) */
        close_file(w, lg);
        free_async(lg);
    }
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
    /* Below the threads that log: what it writes is waited for by no
     * one (a thread that waits writes the entries itself), and creating
     * files can take a core for as long as they come (an inode is 0.1 to
     * 1 ms of CPU on a busy ext4); only the entry it has in flight (and
     * the inode it allocates, create_mtx) can hold up a waiting thread.
     * Failing is harmless. */
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0); /* this thread's, on Linux */
    if (errno == 0)
        setpriority(PRIO_PROCESS, (id_t)gettid(),
                    nice + LOG_WRITER_NICE > 19 ? 19 : nice + LOG_WRITER_NICE);
    pthread_mutex_lock(&w->mtx);
    for (;;) {
        struct logger *lg = w->queue.head;
        long long due = lg ? lg->qtime + LOG_WRITER_DELAY_NS : 0;
        if (lg && !w->stop && now_ns() < due) {
            /* not due yet: a released logger's meanwhile */
            lg = NULL;
        }
        if (!lg)
            lg = w->released.head;
        if (!lg && due) {
            struct timespec ts = {.tv_sec = (time_t)(due / 1000000000LL),
                                  .tv_nsec = (long)(due % 1000000000LL)};
            pthread_cond_timedwait(&w->work, &w->mtx, &ts);
            continue; /* taken meanwhile, maybe */
        }
        if (!lg) {
            if (w->stop)
                break; /* nothing left */
            w->idle = 1;
            pthread_cond_wait(&w->work, &w->mtx);
            w->idle = 0;
            continue;
        }
        take(w, lg);
        pthread_mutex_unlock(&w->mtx);
        /* a closing logger is closed by log_close after this entry, a
         * released one by write_entry */
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
    lg->qseq = ++w->enq_seq;
    lg->qtime = now_ns();
    /* A writer thread that is not idle comes to the queue by itself. A
     * quiet entry wakes it only when others have waited past the delay
     * (a burst of them). */
    int wake = w->idle &&
               (!quiet || (w->queue.head && lg->qtime - w->queue.head->qtime
                                                >= LOG_WRITER_DELAY_NS));
    q_push_tail(&w->queue, lg);
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
    pthread_mutex_init(&w->create_mtx, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->work, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&w->done, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        pthread_cond_destroy(&w->done);
        pthread_cond_destroy(&w->work);
        pthread_mutex_destroy(&w->create_mtx);
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
    pthread_mutex_destroy(&w->create_mtx);
    pthread_mutex_destroy(&w->mtx);
    free(w);
}

/* Sequence numbers are handed out in order: compared by difference. */
static int seq_le(unsigned long a, unsigned long b)
{
    return (long)(a - b) <= 0;
}

/* An entry that sync must wait for is in flight (w->mtx held). */
static int inflight_due(const struct log_writer *w, unsigned long seq,
                        int released)
{
    for (const struct logger *lg = w->inflight; lg; lg = lg->qnext)
        if (lg->released ? released : seq_le(lg->qseq, seq))
            return 1;
    return 0;
}

/* log_writer_sync; with released, log_writer_sync_all. */
static void sync_entries(struct log_writer *w, int released)
{
    if (!w)
        return;
    char *spare = NULL;
    size_t spare_cap = 0;
    pthread_mutex_lock(&w->mtx);
    unsigned long seq = w->enq_seq;
    for (;;) {
        struct logger *lg = w->queue.head; /* in qseq order */
        if (!lg || !seq_le(lg->qseq, seq))
            lg = released ? w->released.head : NULL;
        if (lg) {
            /* write it here rather than wait for the writer thread */
            take(w, lg);
            pthread_mutex_unlock(&w->mtx);
            write_entry(w, lg, &spare, &spare_cap, 0);
            pthread_mutex_lock(&w->mtx);
        } else if (inflight_due(w, seq, released)) {
            wait_done(w); /* in flight elsewhere */
        } else {
            break;
        }
    }
    pthread_mutex_unlock(&w->mtx);
    free(spare);
}

void log_writer_sync(struct log_writer *w)
{
    sync_entries(w, 0);
}

void log_writer_sync_all(struct log_writer *w)
{
    sync_entries(w, 1);
}

void log_writer_forget(struct log_writer *w, const char *path)
{
    if (!w || !path)
        return;
    struct logger *gone = NULL;
    pthread_mutex_lock(&w->mtx);
    for (int again = 1; again && w->nreleased;) {
        again = 0;
        for (struct logger *lg = w->released.head, *next; lg; lg = next) {
            next = lg->qnext;
            if (strcmp(lg->path, path) != 0)
                continue;
            q_remove(&w->released, lg);
            lg->inq = 0;
            w->nreleased--;
            lg->qnext = gone;
            gone = lg;
        }
        for (const struct logger *lg = w->inflight; lg; lg = lg->qnext)
            if (lg->released && strcmp(lg->path, path) == 0) {
                wait_done(w); /* then it may be back in the queue */
                again = 1;
                break;
            }
    }
    pthread_mutex_unlock(&w->mtx);
    while (gone) {
        struct logger *lg = gone;
        gone = lg->qnext;
        free_async(lg); /* lines and all: a newer file replaces it */
    }
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
    /* This file replaces one of a released logger not written yet. */
    log_writer_forget(w, path);
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
        lg->made = 1;
    }
    pthread_mutex_init(&lg->lock, NULL);
    return lg;
}

/* The last lines of lg written and its file closed here, once no other
 * thread has its entry in flight (w->mtx held; released). */
static void close_here(struct log_writer *w, struct logger *lg)
{
    if (!lg->inq)
        lg->qseq = w->enq_seq + 1; /* no lines: due for no sync */
    take(w, lg);
    pthread_mutex_unlock(&w->mtx);
    char *spare = NULL;
    size_t spare_cap = 0;
    write_entry(w, lg, &spare, &spare_cap, 1);
    free(spare);
    free_async(lg);
}

/* No more lines for lg (w's loggers), as `how`; the lock of w then held. */
static void stop_lines(struct logger *lg, int how)
{
    pthread_mutex_lock(&lg->lock);
    lg->closing = how; /* no more lines, no entry made from now on */
    pthread_mutex_unlock(&lg->lock);
    pthread_mutex_lock(&lg->w->mtx);
}

void log_close(struct logger *lg)
{
    if (!lg)
        return;
    if (lg->w) {
        struct log_writer *w = lg->w;
        /* The last lines are written here, not after the other loggers'
         * entries: its entry is taken out of the queue (or made), once
         * no other thread has it in flight. */
        stop_lines(lg, LOG_CLOSED);
        while (lg->inflight)
            wait_done(w);
        close_here(w, lg);
        return;
    }
    if (lg->fp)
        fclose(lg->fp);
    pthread_mutex_destroy(&lg->lock);
    free(lg);
}

void log_release(struct logger *lg)
{
    if (!lg || !lg->w) {
        log_close(lg);
        return;
    }
    struct log_writer *w = lg->w;
    stop_lines(lg, LOG_RELEASED);
    /* The file is there (or cannot be): closed here, as log_close, which
     * costs no inode. An entry in flight elsewhere is left to finish it
     * when the file is being made by that thread. */
    while (lg->inflight && lg->made)
        wait_done(w);
    if (!lg->inflight && (lg->made || lg->failed)) {
        close_here(w, lg);
        return;
    }
    lg->released = 1;
    w->nreleased++;
    if (lg->inq)
        q_remove(&w->queue, lg);
    if (!lg->inflight) {
        /* its entry (made now if it had none: the file is made empty) */
        if (!lg->inq)
            lg->qseq = ++w->enq_seq;
        lg->inq = 1;
        q_push_tail(&w->released, lg);
        if (w->idle)
            pthread_cond_signal(&w->work);
    }
    pthread_mutex_unlock(&w->mtx);
}

void log_close_discard(struct logger *lg)
{
    if (!lg || !lg->w) {
        log_close(lg);
        return;
    }
    struct log_writer *w = lg->w;
    stop_lines(lg, LOG_CLOSED);
    while (lg->inflight)
        wait_done(w);
    if (lg->made) {
        close_here(w, lg);
        return;
    }
    if (lg->inq) {
        q_remove(&w->queue, lg);
        lg->inq = 0;
    }
    pthread_mutex_unlock(&w->mtx);
    free_async(lg);
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
