/*
 * TCP side of the hypervisor (hypervisor.md §1): listeners, connections,
 * line framing, and the per-connection worker threads.
 *
 * A connection is shared by the event-loop thread (socket I/O) and its
 * worker (command execution) under conn->mtx:
 *   loop:   reads bytes, cuts them into lines, queues them for the worker;
 *           writes queued reply bytes; closes the socket.
 *   worker: takes lines in order, runs them, appends the replies.
 * Replies come out in request order; a client may pipeline. A client that
 * goes away mid-command does not disturb the command: its reply is
 * dropped. The connection is freed on the loop thread once the socket is
 * closed and the worker has been joined.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "hv/hv.h"

/* §2.1: lines of at least 1 MiB MUST work; we take 64 times that. */
#define HV_LINE_MAX (64u << 20)
/* Stop reading while this many request bytes wait for the worker. */
#define HV_QUEUE_HIGH (4u << 20)
#define HV_READ_CHUNK 65536
#define HV_RELISTEN_MS 100
#define HV_CLOSE_FLUSH_MS 2000 /* at shutdown, time to deliver replies */

struct hv_line {
    struct hv_line *next;
    size_t len;
    int too_long;
    char text[];
};

struct hv_conn {
    struct hypervisor *hv;
    struct hv_conn *next; /* hv->conns, loop thread */
    int fd;               /* loop thread; -1 once closed */
    unsigned events;      /* loop thread */
    char peer[64];

    /* line assembly, loop thread */
    char *part;
    size_t part_len, part_cap;
    int discarding; /* inside an over-long line */

    pthread_mutex_t mtx;
    pthread_cond_t cond;
    /* under mtx */
    struct hv_line *q_head, *q_tail;
    size_t q_bytes;
    int eof;          /* the peer sent everything it will send */
    int dead;         /* the socket failed: drop everything */
    int closing;      /* `hypervisor close`/shutdown: no more requests */
    int worker_done;
    int kick_pending;
    char *out;
    size_t out_len, out_off, out_cap;

    pthread_t worker;
    int worker_started;
    int worker_joined;     /* loop thread */
    long close_deadline;   /* loop thread: ms clock, 0 = none */
};

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int hv_is_stopping(struct hypervisor *hv)
{
    return __atomic_load_n(&hv->stopping, __ATOMIC_ACQUIRE);
}

void hv_request_stop(struct hypervisor *hv)
{
    pthread_kill(hv->main_thread, SIGUSR1);
}

/* --------------------------------------------------------------- queue */

static void line_queue_free(struct hv_conn *c)
{
    struct hv_line *l = c->q_head;
    while (l) {
        struct hv_line *next = l->next;
        free(l);
        l = next;
    }
    c->q_head = c->q_tail = NULL;
    c->q_bytes = 0;
}

/* Queue one complete line for the worker (loop thread, mtx not held). */
static int push_line(struct hv_conn *c, const char *text, size_t len,
                     int too_long)
{
    struct hv_line *l = malloc(sizeof(*l) + len + 1);
    if (!l)
        return -ENOMEM;
    l->next = NULL;
    l->len = len;
    l->too_long = too_long;
    if (len)
        memcpy(l->text, text, len);
    l->text[len] = '\0';
    pthread_mutex_lock(&c->mtx);
    if (c->q_tail)
        c->q_tail->next = l;
    else
        c->q_head = l;
    c->q_tail = l;
    c->q_bytes += len + 1;
    pthread_cond_signal(&c->cond);
    pthread_mutex_unlock(&c->mtx);
    return 0;
}

static int part_append(struct hv_conn *c, const char *p, size_t n)
{
    if (n == 0)
        return 0;
    if (c->part_len + n > c->part_cap) {
        size_t cap = c->part_cap ? c->part_cap : 256;
        while (cap < c->part_len + n)
            cap *= 2;
        char *np = realloc(c->part, cap);
        if (!np)
            return -ENOMEM;
        c->part = np;
        c->part_cap = cap;
    }
    memcpy(c->part + c->part_len, p, n);
    c->part_len += n;
    return 0;
}

static void part_reset(struct hv_conn *c)
{
    c->part_len = 0;
    if (c->part_cap > 65536) { /* don't keep a huge buffer around */
        free(c->part);
        c->part = NULL;
        c->part_cap = 0;
    }
}

/* Cut received bytes into lines at LF (§2.1). */
static int feed(struct hv_conn *c, const char *p, size_t n)
{
    while (n) {
        const char *lf = memchr(p, '\n', n);
        size_t k = lf ? (size_t)(lf - p) : n;
        if (c->discarding) {
            /* nothing to keep */
        } else if (c->part_len + k > HV_LINE_MAX) {
            part_reset(c);
            c->discarding = 1;
        } else if (part_append(c, p, k) < 0) {
            return -ENOMEM;
        }
        if (!lf)
            break;
        int rc = c->discarding ? push_line(c, "", 0, 1)
                               : push_line(c, c->part, c->part_len, 0);
        c->discarding = 0;
        part_reset(c);
        if (rc < 0)
            return rc;
        p += k + 1;
        n -= k + 1;
    }
    return 0;
}

/* ---------------------------------------------------------- loop side */

static void conn_io(struct evloop *ev, int fd, unsigned events, void *arg);

/* Which events the connection needs now (loop thread, mtx held). */
static unsigned wanted_events(struct hv_conn *c)
{
    unsigned e = 0;
    if (!c->eof && !c->dead && !c->closing && c->q_bytes < HV_QUEUE_HIGH)
        e |= EV_READ;
    if (!c->dead && c->out_off < c->out_len)
        e |= EV_WRITE;
    return e;
}

/* Write what we can (loop thread, mtx held). */
static void flush_out(struct hv_conn *c)
{
    while (!c->dead && c->out_off < c->out_len) {
        ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                         MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                c->dead = 1;
            break;
        }
        c->out_off += (size_t)w;
    }
    if (c->dead || c->out_off == c->out_len) {
        c->out_off = c->out_len = 0;
        if (c->out_cap > 65536) {
            free(c->out);
            c->out = NULL;
            c->out_cap = 0;
        }
    }
}

static void conn_free(struct hv_conn *c)
{
    evloop_cancel_calls(c->hv->ev, c);
    line_queue_free(c);
    free(c->part);
    free(c->out);
    pthread_mutex_destroy(&c->mtx);
    pthread_cond_destroy(&c->cond);
    free(c);
}

/* Close the socket and drop the connection once nothing is left to do. */
static void conn_update(struct hv_conn *c)
{
    struct hypervisor *hv = c->hv;
    pthread_mutex_lock(&c->mtx);
    if (c->fd >= 0)
        flush_out(c);
    if (c->close_deadline && now_ms() > c->close_deadline)
        c->dead = 1;
    int finished = c->worker_done && (c->dead || c->out_len == 0);
    unsigned want = wanted_events(c);
    if (c->dead) {
        /* wake the worker: its queue is dropped */
        line_queue_free(c);
        pthread_cond_signal(&c->cond);
    }
    pthread_mutex_unlock(&c->mtx);

    if (c->fd >= 0 && (finished || c->dead)) {
        evloop_del_fd(hv->ev, c->fd);
        close(c->fd);
        c->fd = -1;
        log_msg(hv->log, "HYPERVISOR", "connection from %s closed", c->peer);
    } else if (c->fd >= 0 && want != c->events) {
        if (evloop_mod_fd(hv->ev, c->fd, want) == 0)
            c->events = want;
    }
    if (c->fd < 0 && c->worker_done && !c->worker_joined) {
        pthread_join(c->worker, NULL);
        c->worker_joined = 1;
    }
    if (c->fd < 0 && c->worker_joined) {
        for (struct hv_conn **pp = &hv->conns; *pp; pp = &(*pp)->next) {
            if (*pp == c) {
                *pp = c->next;
                hv->nconns--;
                break;
            }
        }
        conn_free(c);
    }
}

static void conn_kick(void *arg)
{
    struct hv_conn *c = arg;
    pthread_mutex_lock(&c->mtx);
    c->kick_pending = 0;
    pthread_mutex_unlock(&c->mtx);
    conn_update(c);
}

static void conn_io(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct hv_conn *c = arg;
    if (events & EV_READ) {
        char buf[HV_READ_CHUNK];
        ssize_t r = recv(fd, buf, sizeof(buf), 0);
        if (r > 0) {
            if (feed(c, buf, (size_t)r) < 0) {
                pthread_mutex_lock(&c->mtx);
                c->dead = 1;
                pthread_mutex_unlock(&c->mtx);
            }
        } else if (r == 0) {
            /* The peer is done sending: a last line without LF still
             * counts, then the worker finishes what is queued. */
            int rc = 0;
            if (c->part_len && !c->discarding)
                rc = push_line(c, c->part, c->part_len, 0);
            part_reset(c);
            pthread_mutex_lock(&c->mtx);
            c->eof = 1;
            if (rc < 0)
                c->dead = 1;
            pthread_cond_signal(&c->cond);
            pthread_mutex_unlock(&c->mtx);
        } else if (errno != EAGAIN && errno != EWOULDBLOCK &&
                   errno != EINTR) {
            pthread_mutex_lock(&c->mtx);
            c->dead = 1;
            pthread_mutex_unlock(&c->mtx);
        }
    } else if (events & EV_ERROR) {
        pthread_mutex_lock(&c->mtx);
        c->dead = 1;
        pthread_mutex_unlock(&c->mtx);
    }
    conn_update(c);
}

/* --------------------------------------------------------- worker side */

static void worker_kick(struct hv_conn *c)
{
    /* mtx held */
    if (!c->kick_pending) {
        c->kick_pending = 1;
        if (evloop_call(c->hv->ev, conn_kick, c) < 0)
            c->kick_pending = 0;
    }
}

static int out_append(struct hv_conn *c, const char *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 1024;
        while (cap < c->out_len + n)
            cap *= 2;
        char *np = realloc(c->out, cap);
        if (!np)
            return -ENOMEM;
        c->out = np;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 0;
}

static void *conn_worker(void *arg)
{
    struct hv_conn *c = arg;
    struct hypervisor *hv = c->hv;
    pthread_mutex_lock(&c->mtx);
    for (;;) {
        while (!c->q_head && !c->eof && !c->dead && !c->closing)
            pthread_cond_wait(&c->cond, &c->mtx);
        if (c->dead || c->closing || !c->q_head)
            break;
        struct hv_line *l = c->q_head;
        c->q_head = l->next;
        if (!c->q_head)
            c->q_tail = NULL;
        int was_full = c->q_bytes >= HV_QUEUE_HIGH;
        c->q_bytes -= l->len + 1;
        if (was_full && c->q_bytes < HV_QUEUE_HIGH)
            worker_kick(c); /* reading resumes */
        pthread_mutex_unlock(&c->mtx);

        struct hv_reply reply;
        hv_reply_init(&reply);
        struct hv_ctx ctx = {.hv = hv, .reply = &reply};
        if (l->too_long)
            hv_reply_final(&reply, HSC_ERR_PARSING,
                           "Parse error: line too long (over %u bytes)",
                           HV_LINE_MAX);
        else
            hv_dispatch_line(&ctx, l->text, l->len);
        free(l);
        hv_reply_finish(&reply);
        size_t n;
        const char *data = hv_reply_data(&reply, &n);

        pthread_mutex_lock(&c->mtx);
        if (!c->dead && out_append(c, data, n) < 0)
            c->dead = 1;
        hv_reply_free(&reply);
        if (ctx.close_conn || ctx.stop_server)
            c->closing = 1;
        worker_kick(c);
        if (ctx.stop_server) {
            pthread_mutex_unlock(&c->mtx);
            hv_request_stop(hv);
            pthread_mutex_lock(&c->mtx);
        }
    }
    line_queue_free(c);
    c->worker_done = 1;
    worker_kick(c);
    pthread_mutex_unlock(&c->mtx);
    return NULL;
}

/* ----------------------------------------------------------- listeners */

static void peer_name(const struct sockaddr_storage *ss, char *buf,
                      size_t len)
{
    char host[64], serv[16];
    if (getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host,
                    sizeof(host), serv, sizeof(serv),
                    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
        snprintf(buf, len, "%.46s:%.8s", host, serv);
    else
        snprintf(buf, len, "?");
}

static void listen_enable(struct hypervisor *hv, int on)
{
    for (int i = 0; i < hv->nlisten; i++)
        evloop_mod_fd(hv->ev, hv->listen_fd[i], on ? EV_READ : 0);
}

static void relisten(void *arg)
{
    struct hypervisor *hv = arg;
    hv->relisten_timer = 0;
    if (!hv_is_stopping(hv))
        listen_enable(hv, 1);
}

static void on_accept(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct hypervisor *hv = arg;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
                      SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0) {
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
            errno == ENOMEM) {
            /* Out of resources: pause accepting instead of spinning. */
            log_msg(hv->log, "HYPERVISOR", "accept: %s", strerror(errno));
            listen_enable(hv, 0);
            if (!hv->relisten_timer) {
                long id = evloop_add_timer(ev, HV_RELISTEN_MS, 0, relisten,
                                           hv);
                hv->relisten_timer = id > 0 ? id : 0;
            }
        }
        return;
    }
    if (hv_is_stopping(hv)) {
        close(cfd);
        return;
    }
    int one = 1;
    setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

    struct hv_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        close(cfd);
        return;
    }
    c->hv = hv;
    c->fd = cfd;
    peer_name(&ss, c->peer, sizeof(c->peer));
    pthread_mutex_init(&c->mtx, NULL);
    pthread_cond_init(&c->cond, NULL);
    if (pthread_create(&c->worker, NULL, conn_worker, c) != 0) {
        log_msg(hv->log, "HYPERVISOR", "no thread for a connection from %s",
                c->peer);
        close(cfd);
        pthread_mutex_destroy(&c->mtx);
        pthread_cond_destroy(&c->cond);
        free(c);
        return;
    }
    c->worker_started = 1;
    c->events = EV_READ;
    if (evloop_add_fd(ev, cfd, EV_READ, conn_io, c) < 0) {
        pthread_mutex_lock(&c->mtx);
        c->dead = 1;
        pthread_cond_signal(&c->cond);
        pthread_mutex_unlock(&c->mtx);
        pthread_join(c->worker, NULL);
        close(cfd);
        conn_free(c);
        return;
    }
    c->next = hv->conns;
    hv->conns = c;
    hv->nconns++;
    log_msg(hv->log, "HYPERVISOR", "connection from %s", c->peer);
}

static int open_listener(struct hypervisor *hv, const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                                       SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0)
        return -errno;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    /* Keep the families apart: IPv6 on :: must not claim IPv4 too. */
    if (ai->ai_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0) {
        int err = -errno;
        close(fd);
        return err;
    }
    return fd;
}

int hv_server_listen(struct hypervisor *hv)
{
    char port[16];
    snprintf(port, sizeof(port), "%d", hv->opt.port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
    };
    struct addrinfo *res = NULL;
    int rc = getaddrinfo(hv->opt.listen_addr, port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "Hypervisor: cannot resolve '%s': %s\n",
                hv->opt.listen_addr ? hv->opt.listen_addr : "*",
                gai_strerror(rc));
        return -EINVAL;
    }
    int last_err = 0;
    for (struct addrinfo *ai = res; ai && hv->nlisten < HV_MAX_LISTENERS;
         ai = ai->ai_next) {
        int fd = open_listener(hv, ai);
        if (fd < 0) {
            char host[NI_MAXHOST] = "?";
            getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL,
                        0, NI_NUMERICHOST);
            fprintf(stderr, "Hypervisor: cannot listen on %s port %d: %s\n",
                    host, hv->opt.port, strerror(-fd));
            last_err = fd;
            continue;
        }
        if (evloop_add_fd(hv->ev, fd, EV_READ, on_accept, hv) < 0) {
            close(fd);
            continue;
        }
        hv->listen_fd[hv->nlisten++] = fd;
    }
    freeaddrinfo(res);
    if (hv->nlisten == 0) {
        fprintf(stderr, "Hypervisor: unable to create TCP sockets.\n");
        return last_err ? last_err : -EADDRNOTAVAIL;
    }
    return 0;
}

/* ------------------------------------------------------------ shutdown */

static void close_listeners(void *arg)
{
    struct hypervisor *hv = arg;
    if (hv->relisten_timer) {
        evloop_del_timer(hv->ev, hv->relisten_timer);
        hv->relisten_timer = 0;
    }
    for (int i = 0; i < hv->nlisten; i++) {
        evloop_del_fd(hv->ev, hv->listen_fd[i]);
        close(hv->listen_fd[i]);
    }
    hv->nlisten = 0;
    long deadline = now_ms() + HV_CLOSE_FLUSH_MS;
    struct hv_conn *next;
    for (struct hv_conn *c = hv->conns; c; c = next) {
        next = c->next; /* conn_update may free c */
        pthread_mutex_lock(&c->mtx);
        c->closing = 1;
        pthread_cond_signal(&c->cond);
        pthread_mutex_unlock(&c->mtx);
        c->close_deadline = deadline;
        conn_update(c);
    }
}

struct conn_count {
    struct hypervisor *hv;
    int n;
};

static void count_conns(void *arg)
{
    struct conn_count *cc = arg;
    struct hv_conn *next;
    for (struct hv_conn *c = cc->hv->conns; c; c = next) {
        next = c->next;
        conn_update(c); /* enforces the flush deadline */
    }
    cc->n = cc->hv->nconns;
}

/*
 * Stop accepting, let every connection finish its current command and
 * deliver its replies (for a while), close them all. Main thread.
 */
void hv_server_shutdown(struct hypervisor *hv)
{
    __atomic_store_n(&hv->stopping, 1, __ATOMIC_RELEASE);
    evloop_call_sync(hv->ev, close_listeners, hv);
    for (;;) {
        struct conn_count cc = {hv, 0};
        evloop_call_sync(hv->ev, count_conns, &cc);
        if (cc.n == 0)
            break;
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}
