/*
 * NIO core: naming, the send path (debug, filters, counters, OS send), the
 * receive path on the event loop (read, checks, filters, counters,
 * handler), receive-handler registration, references, statistics and the
 * bandwidth window. The OS side of each type lives in nio_<type>.c.
 *
 * Differences from the reference, all in shared spec network.md §13: an
 * oversized datagram is dropped and counted instead of being truncated
 * (§4), zero-length datagrams and datagrams from another source are
 * counted (drop_empty, drop_foreign), and a second receive handler is
 * refused instead of silently ignored (§1.5).
 */
#include "net/nio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "net/nio_internal.h"

#define RELAXED memory_order_relaxed

static void count(atomic_uint_fast64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, RELAXED);
}

void nio_log(const struct nio *nio, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    log_msg(nio->log, "NIO", "NIO '%s': %s", nio->name, msg);
}

int nio_fd_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
        fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
        return -errno;
    }
    return 0;
}

int nio_alloc(struct nio **out, const struct nio_ops *ops, struct evloop *ev,
              struct logger *lg, const char *name)
{
    *out = NULL;
    if (!name || !*name) {
        log_msg(lg, "NIO", "NIO: empty name");
        return -EINVAL;
    }
    struct nio *nio = calloc(1, sizeof(*nio));
    if (!nio) {
        return -ENOMEM;
    }
    nio->name = strdup(name);
    /* Pages are only backed once touched: a slot costs what its frames
     * use, not its size (64 KB with recv_many: a whole datagram). */
    nio->rx_slots = ops->recv_many ? NIO_RX_BATCH : 1;
    nio->rx_slot = ops->recv_many ? NIO_RX_DGRAM_SLOT : NIO_RX_SLOT;
    void *rx = mmap(NULL, nio->rx_slots * nio->rx_slot,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                    0);
    nio->rxbuf = rx == MAP_FAILED ? NULL : rx;
    if (!nio->name || !nio->rxbuf) {
        free(nio->name);
        if (nio->rxbuf) {
            munmap(nio->rxbuf, nio->rx_slots * nio->rx_slot);
        }
        free(nio);
        return -ENOMEM;
    }
    nio->ops = ops;
    nio->ev = ev;
    nio->log = lg;
    nio->fd = -1;
    nio->fd_aux = -1;
    pthread_mutex_init(&nio->filter_lock, NULL);
    pthread_mutex_init(&nio->bw_lock, NULL);
    *out = nio;
    return 0;
}

static void nio_free(struct nio *nio)
{
    pthread_mutex_destroy(&nio->filter_lock);
    pthread_mutex_destroy(&nio->bw_lock);
    munmap(nio->rxbuf, nio->rx_slots * nio->rx_slot);
    free(nio->txq);
    free(nio->name);
    free(nio);
}

void nio_free_failed(struct nio *nio)
{
    if (!nio) {
        return;
    }
    if (nio->ops->close) {
        nio->ops->close(nio);
    }
    if (nio->fd >= 0) {
        close(nio->fd);
    }
    if (nio->fd_aux >= 0) {
        close(nio->fd_aux);
    }
    nio_free(nio);
}

/* ------------------------------------------------------------- naming */

const char *nio_name(const struct nio *nio)
{
    return nio ? nio->name : "(none)";
}

int nio_rename(struct nio *nio, const char *name)
{
    if (!name || !*name) {
        return -EINVAL;
    }
    char *n = strdup(name);
    if (!n) {
        return -ENOMEM;
    }
    /* Other threads only read the name for log lines; the old string is
     * freed after the swap, which a concurrent reader could still see:
     * renames are rare management commands, done while idle. */
    char *old = nio->name;
    nio->name = n;
    free(old);
    return 0;
}

enum nio_type nio_get_type(const struct nio *nio)
{
    return nio->ops->type;
}

const char *nio_type_name(enum nio_type type)
{
    static const char *const names[] = {
        [NIO_TYPE_UDP] = "udp",         [NIO_TYPE_UDP_AUTO] = "udp_auto",
        [NIO_TYPE_UNIX] = "unix",       [NIO_TYPE_VDE] = "vde",
        [NIO_TYPE_TAP] = "tap",         [NIO_TYPE_LINUX_ETH] = "linux_eth",
        [NIO_TYPE_GEN_ETH] = "gen_eth", [NIO_TYPE_NULL] = "null",
        [NIO_TYPE_FIFO] = "fifo",       [NIO_TYPE_TCP_CLI] = "tcp_cli",
        [NIO_TYPE_TCP_SER] = "tcp_ser",
    };
    if ((unsigned)type < sizeof(names) / sizeof(names[0]) && names[type]) {
        return names[type];
    }
    return "unknown";
}

int nio_describe(const struct nio *nio, char *buf, size_t size)
{
    if (!nio->ops->describe) {
        return -ENOTSUP;
    }
    return nio->ops->describe(nio, buf, size);
}

/* -------------------------------------------------------- references */

void nio_hold(struct nio *nio)
{
    atomic_fetch_add(&nio->users, 1);
}

void nio_release(struct nio *nio)
{
    atomic_fetch_sub(&nio->users, 1);
}

unsigned nio_users(const struct nio *nio)
{
    return atomic_load(&((struct nio *)nio)->users);
}

/* -------------------------------------------------------------- debug */

static void debug_dump(const struct nio *nio, const char *what,
                       const uint8_t *p, size_t len)
{
    /* Built in one buffer so lines of two threads do not interleave. */
    size_t cap = 128 + len * 4;
    char *out = malloc(cap);
    if (!out) {
        return;
    }
    size_t n = (size_t)snprintf(out, cap, "NIO '%s': %s packet (%zu bytes)\n",
                                nio->name, what, len);
    for (size_t i = 0; i < len && n + 8 < cap; i++) {
        n += (size_t)snprintf(out + n, cap - n, "%02x%s", p[i],
                              (i % 16 == 15 || i + 1 == len) ? "\n" : " ");
    }
    fwrite(out, 1, n, stdout);
    fflush(stdout);
    free(out);
}

void nio_set_debug(struct nio *nio, int level)
{
    atomic_store(&nio->debug, level);
}

/* ---------------------------------------------------------- bandwidth */

#define BW_SLOTS 10
#define BW_SLOT_MS 30 /* spec §6.2: 10 slots of 30 ms = 300 ms window */

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Age the window up to now (bw_lock held). */
static void bw_advance(struct nio *nio)
{
    uint64_t now = mono_ms();
    if (!nio->bw_slot_time) {
        nio->bw_slot_time = now;
        return;
    }
    unsigned steps = 0;
    while (now - nio->bw_slot_time >= BW_SLOT_MS && steps < BW_SLOTS) {
        nio->bw_slot = (nio->bw_slot + 1) % BW_SLOTS;
        nio->bw_total -= nio->bw_slot_bytes[nio->bw_slot];
        nio->bw_slot_bytes[nio->bw_slot] = 0;
        nio->bw_slot_time += BW_SLOT_MS;
        steps++;
    }
    if (now - nio->bw_slot_time >= BW_SLOT_MS) {
        nio->bw_slot_time = now; /* idle longer than the window */
    }
}

void nio_set_bandwidth(struct nio *nio, unsigned kbps)
{
    pthread_mutex_lock(&nio->bw_lock);
    memset(nio->bw_slot_bytes, 0, sizeof(nio->bw_slot_bytes));
    nio->bw_total = 0;
    nio->bw_slot = 0;
    nio->bw_slot_time = 0;
    atomic_store(&nio->bw_kbps, kbps);
    pthread_mutex_unlock(&nio->bw_lock);
}

unsigned nio_get_bandwidth(const struct nio *nio)
{
    return atomic_load(&((struct nio *)nio)->bw_kbps);
}

int nio_may_transmit(struct nio *nio)
{
    if (!nio) {
        return 1;
    }
    unsigned limit = atomic_load_explicit(&nio->bw_kbps, RELAXED);
    if (!limit) {
        return 1;
    }
    pthread_mutex_lock(&nio->bw_lock);
    bw_advance(nio);
    /* bits per second over the window, divided by 1024 (spec §6.2) */
    uint64_t rate = nio->bw_total * 8 * 1000 / (1024 * BW_SLOTS * BW_SLOT_MS);
    pthread_mutex_unlock(&nio->bw_lock);
    return rate < limit;
}

static void bw_account(struct nio *nio, size_t len)
{
    pthread_mutex_lock(&nio->bw_lock);
    bw_advance(nio);
    nio->bw_slot_bytes[nio->bw_slot] += len;
    nio->bw_total += len;
    pthread_mutex_unlock(&nio->bw_lock);
}

/* --------------------------------------------------------------- send */

/*
 * Frames queued by the loop thread during a round of fd callbacks (a
 * switch forwarding what it just received): they leave in order, in one
 * sendmmsg() per NIO at the end of the round (or when the queue is full).
 */
struct nio_txq {
    unsigned n;
    size_t used;
    struct mmsghdr msgs[NIO_TX_BATCH];
    struct iovec iov[NIO_TX_BATCH];
    uint8_t data[NIO_TXQ_BYTES];
};

static void txq_flush(struct nio *nio)
{
    struct nio_txq *q = nio->txq;
    unsigned i = 0;
    while (i < q->n) {
        int r = nio->ops->send_many(nio, q->msgs + i, q->n - i);
        if (r > 0) {
            i += (unsigned)r;
        } else if (r == -EAGAIN || r == -EWOULDBLOCK || r == -ENOBUFS ||
                   r == -ENOTCONN) {
            /* Socket buffer full or no peer: the rest is lost too, as
             * with one send per frame (never wait). */
            count(&nio->tx_errors, q->n - i);
            break;
        } else {
            count(&nio->tx_errors, 1); /* this frame only */
            i++;
        }
    }
    q->n = 0;
    q->used = 0;
}

static void txq_flush_cb(void *arg)
{
    struct nio *nio = arg;
    if (nio->txq && nio->txq->n) {
        txq_flush(nio);
    }
}

/* Queue a frame (loop thread, dispatching); the length, or what a direct
 * send returns when the frame does not fit a queue. */
static ssize_t txq_add(struct nio *nio, const void *frame, size_t len)
{
    struct nio_txq *q = nio->txq;
    if (!q) {
        q = nio->txq = malloc(sizeof(*q));
        if (!q) {
            return nio->ops->send(nio, frame, len);
        }
        q->n = 0;
        q->used = 0;
        nio->tx_flush.fn = txq_flush_cb;
        nio->tx_flush.arg = nio;
    }
    if (q->n && (q->n == NIO_TX_BATCH || q->used + len > NIO_TXQ_BYTES)) {
        txq_flush(nio);
    }
    if (len > NIO_TXQ_BYTES) {
        return nio->ops->send(nio, frame, len); /* after the queued ones */
    }
    uint8_t *p = q->data + q->used;
    memcpy(p, frame, len);
    q->used += len;
    q->iov[q->n] = (struct iovec){.iov_base = p, .iov_len = len};
    q->msgs[q->n].msg_hdr = (struct msghdr){.msg_iov = &q->iov[q->n],
                                            .msg_iovlen = 1};
    if (q->n++ == 0) {
        evloop_defer(nio->ev, &nio->tx_flush);
    }
    return (ssize_t)len;
}

ssize_t nio_send(struct nio *nio, const void *frame, size_t len)
{
    if (!nio) {
        return -ENXIO;
    }
    if (atomic_load_explicit(&nio->debug, RELAXED)) {
        debug_dump(nio, "sending", frame, len);
    }
    if (atomic_load_explicit(&nio->filters_active, RELAXED) &&
        !nio_filter_run(nio, NIO_DIR_TX, frame, len)) {
        count(&nio->drop_filter, 1);
        return -EPERM;
    }
    count(&nio->pkts_out, 1);
    count(&nio->bytes_out, len);
    if (atomic_load_explicit(&nio->bw_kbps, RELAXED)) {
        bw_account(nio, len);
    }
    ssize_t r;
    if (nio->ops->send_many && nio->ev && evloop_dispatching(nio->ev)) {
        r = txq_add(nio, frame, len);
    } else {
        r = nio->ops->send(nio, frame, len);
    }
    if (r < 0) {
        count(&nio->tx_errors, 1);
    }
    return r;
}

/* ------------------------------------------------------------ receive */

/* A frame in a receive slot (NIO_RX_HEADROOM bytes before buf). */
static void deliver_slot(struct nio *nio, uint8_t *buf, size_t len)
{
    if (len == 0) {
        count(&nio->drop_empty, 1);
        return;
    }
    if (atomic_load_explicit(&nio->debug, RELAXED)) {
        debug_dump(nio, "received", buf, len);
    }
    if (atomic_load_explicit(&nio->filters_active, RELAXED) &&
        !nio_filter_run(nio, NIO_DIR_RX, buf, len)) {
        count(&nio->drop_filter, 1);
        return;
    }
    count(&nio->pkts_in, 1);
    count(&nio->bytes_in, len);
    if (nio->rx_fn) {
        nio->rx_fn(nio, buf, len, nio->rx_arg);
    }
}

void nio_deliver(struct nio *nio, const uint8_t *frame, size_t len)
{
    uint8_t *buf = nio->rxbuf + NIO_RX_HEADROOM;
    if (len > NIO_MAX_FRAME) {
        count(&nio->drop_oversize, 1);
        return;
    }
    if (len && frame != buf) {
        memcpy(buf, frame, len);
    }
    deliver_slot(nio, buf, len);
}

/* One receive result: a frame or a reason to drop. */
static int rx_result(struct nio *nio, uint8_t *buf, ssize_t r)
{
    if (r >= 0) {
        deliver_slot(nio, buf, (size_t)r);
    } else if (r == NIO_RX_OVERSIZE) {
        count(&nio->drop_oversize, 1);
    } else if (r == NIO_RX_FOREIGN) {
        count(&nio->drop_foreign, 1);
    } else if (r == NIO_RX_CLOSED) {
        nio_log(nio, "peer closed the connection");
        return -1;
    } else {
        /* e.g. ECONNREFUSED left by an ICMP error: count, go on. */
        count(&nio->rx_errors, 1);
    }
    return 0;
}

static void unwatch(struct nio *nio)
{
    if (nio->fd_watched) {
        evloop_del_fd(nio->ev, nio->fd);
        nio->fd_watched = 0;
    }
    if (nio->fd_aux_watched) {
        evloop_del_fd(nio->ev, nio->fd_aux);
        nio->fd_aux_watched = 0;
    }
}

/* The frames of a datagram coalesced by UDP GRO, in order, each with the
 * checks of a datagram of its own. The bytes before a frame (its
 * handler's headroom) are the end of the one delivered before it. */
static void rx_segments(struct nio *nio, uint8_t *buf, size_t len,
                        size_t seg)
{
    for (size_t off = 0; off < len && nio->rx_fn; off += seg) {
        size_t n = len - off < seg ? len - off : seg;
        if (n > NIO_MAX_FRAME) {
            count(&nio->drop_oversize, 1);
        } else {
            deliver_slot(nio, buf + off, n);
        }
    }
}

/* Read the budget (frames) in batches of NIO_RX_BATCH datagrams, one slot
 * each. */
static void rx_batches(struct nio *nio)
{
    uint8_t *bufs[NIO_RX_BATCH];
    struct nio_rx_dgram res[NIO_RX_BATCH];
    for (int i = 0; i < NIO_RX_BATCH; i++) {
        bufs[i] = nio->rxbuf + (size_t)i * nio->rx_slot + NIO_RX_HEADROOM;
    }
    int budget = NIO_RX_BUDGET;
    while (budget > 0 && nio->rx_fn) {
        int want = budget < NIO_RX_BATCH ? budget : NIO_RX_BATCH;
        int k = nio->ops->recv_many(nio, bufs, res, want);
        if (k == NIO_RX_NONE) {
            return;
        }
        if (k <= 0) {
            count(&nio->rx_errors, 1);
            budget--;
            continue;
        }
        for (int i = 0; i < k && nio->rx_fn; i++) {
            if (res[i].seg && res[i].len > 0) {
                rx_segments(nio, bufs[i], (size_t)res[i].len, res[i].seg);
            } else if (res[i].frames > 1 && res[i].len == NIO_RX_FOREIGN) {
                count(&nio->drop_foreign, res[i].frames);
            } else if (res[i].frames > 1 && res[i].len == NIO_RX_OVERSIZE) {
                count(&nio->drop_oversize, res[i].frames);
            } else {
                rx_result(nio, bufs[i], res[i].len);
            }
            budget -= (int)res[i].frames;
        }
        if (k < want) {
            return; /* the socket is empty */
        }
    }
}

static void fd_ready(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct nio *nio = arg;
    (void)ev;
    (void)events;
    if (fd == nio->fd_aux) {
        nio->ops->aux_ready(nio);
        return;
    }
    if (nio->ops->rx_ready) {
        nio->ops->rx_ready(nio);
        return;
    }
    if (nio->ops->recv_many) {
        rx_batches(nio);
        return;
    }
    uint8_t *buf = nio->rxbuf + NIO_RX_HEADROOM;
    for (int i = 0; i < NIO_RX_BUDGET && nio->rx_fn; i++) {
        ssize_t r = nio->ops->recv(nio, buf, NIO_MAX_FRAME);
        if (r == NIO_RX_NONE) {
            return;
        }
        if (rx_result(nio, buf, r) < 0) {
            unwatch(nio);
            return;
        }
    }
}

static int watch(struct nio *nio)
{
    if (nio->fd < 0 || nio->fd_watched || !nio->rx_fn || !nio->ev) {
        return 0;
    }
    int rc = evloop_add_fd(nio->ev, nio->fd, EV_READ, fd_ready, nio);
    if (rc == 0) {
        nio->fd_watched = 1;
    }
    if (rc == 0 && nio->fd_aux >= 0 && nio->ops->aux_ready) {
        rc = evloop_add_fd(nio->ev, nio->fd_aux, EV_READ, fd_ready, nio);
        if (rc < 0) {
            unwatch(nio);
        } else {
            nio->fd_aux_watched = 1;
        }
    }
    return rc;
}

struct rx_req {
    struct nio *nio;
    nio_rx_fn fn;
    void *arg;
    int fd;
    int rc;
};

static void set_rx_here(void *p)
{
    struct rx_req *r = p;
    struct nio *nio = r->nio;
    if (nio->rx_fn) {
        r->rc = -EBUSY;
        return;
    }
    nio->rx_fn = r->fn;
    nio->rx_arg = r->arg;
    r->rc = watch(nio);
    if (r->rc < 0) {
        nio->rx_fn = NULL;
        nio->rx_arg = NULL;
    }
}

static void clear_rx_here(void *p)
{
    struct rx_req *r = p;
    /* Frames queued in this round leave first (nio_destroy from an fd
     * callback); the flush is no longer pending. */
    if (r->nio->ev) {
        evloop_defer_cancel(r->nio->ev, &r->nio->tx_flush);
    }
    txq_flush_cb(r->nio);
    unwatch(r->nio);
    r->nio->rx_fn = NULL;
    r->nio->rx_arg = NULL;
}

static void attach_fd_here(void *p)
{
    struct rx_req *r = p;
    unwatch(r->nio);
    if (r->nio->fd >= 0) {
        close(r->nio->fd);
    }
    r->nio->fd = r->fd;
    r->rc = watch(r->nio);
}

/* Run fn on the loop thread (or here when there is no loop). */
static int on_loop(struct nio *nio, ev_fn fn, void *arg)
{
    if (!nio->ev) {
        fn(arg);
        return 0;
    }
    return evloop_call_sync(nio->ev, fn, arg);
}

int nio_set_rx(struct nio *nio, nio_rx_fn fn, void *arg)
{
    if (!nio || !fn) {
        return -EINVAL;
    }
    struct rx_req r = {.nio = nio, .fn = fn, .arg = arg};
    int rc = on_loop(nio, set_rx_here, &r);
    if (rc == 0) {
        rc = r.rc;
    }
    if (rc == -EBUSY) {
        nio_log(nio, "already bound to another receiver");
    } else if (rc < 0) {
        nio_log(nio, "cannot listen: %s", strerror(-rc));
    }
    return rc;
}

void nio_clear_rx(struct nio *nio)
{
    if (!nio) {
        return;
    }
    struct rx_req r = {.nio = nio};
    on_loop(nio, clear_rx_here, &r);
}

int nio_has_rx(const struct nio *nio)
{
    return nio->rx_fn != NULL;
}

int nio_attach_fd(struct nio *nio, int fd)
{
    struct rx_req r = {.nio = nio, .fd = fd};
    int rc = on_loop(nio, attach_fd_here, &r);
    return rc < 0 ? rc : r.rc;
}

/* ---------------------------------------------------------- lifetime */

void nio_destroy(struct nio *nio)
{
    if (!nio) {
        return;
    }
    nio_clear_rx(nio);
    nio_filter_free_all(nio);
    if (nio->ops->close) {
        nio->ops->close(nio);
    }
    if (nio->fd >= 0) {
        close(nio->fd);
    }
    if (nio->fd_aux >= 0) {
        close(nio->fd_aux);
    }
    nio_free(nio);
}

/* --------------------------------------------------------- statistics */

void nio_get_stats(const struct nio *cnio, struct nio_stats *st)
{
    struct nio *nio = (struct nio *)cnio;
    st->pkts_in = atomic_load_explicit(&nio->pkts_in, RELAXED);
    st->pkts_out = atomic_load_explicit(&nio->pkts_out, RELAXED);
    st->bytes_in = atomic_load_explicit(&nio->bytes_in, RELAXED);
    st->bytes_out = atomic_load_explicit(&nio->bytes_out, RELAXED);
    st->drop_oversize = atomic_load_explicit(&nio->drop_oversize, RELAXED);
    st->drop_empty = atomic_load_explicit(&nio->drop_empty, RELAXED);
    st->drop_foreign = atomic_load_explicit(&nio->drop_foreign, RELAXED);
    st->drop_filter = atomic_load_explicit(&nio->drop_filter, RELAXED);
    st->tx_errors = atomic_load_explicit(&nio->tx_errors, RELAXED);
    st->rx_errors = atomic_load_explicit(&nio->rx_errors, RELAXED);
}

void nio_reset_stats(struct nio *nio)
{
    atomic_uint_fast64_t *all[] = {
        &nio->pkts_in,       &nio->pkts_out,     &nio->bytes_in,
        &nio->bytes_out,     &nio->drop_oversize, &nio->drop_empty,
        &nio->drop_foreign,  &nio->drop_filter,  &nio->tx_errors,
        &nio->rx_errors,
    };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        atomic_store_explicit(all[i], 0, RELAXED);
    }
}
