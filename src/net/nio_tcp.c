/*
 * TCP NIOs (shared spec network.md §2.8): a stream where every frame is
 * preceded by its length, 4 bytes big-endian, both directions (the
 * framing of QEMU's stream socket netdev). Only the command line and the
 * switch configuration files create them; they are not saved.
 *
 * Fixed from the reference: partial reads are reassembled instead of
 * desynchronising the stream, a closed peer stops the NIO instead of
 * spinning, host names resolve, and a frame is never half-written (a
 * writer that cannot start drops the frame; one that has started finishes
 * it, waiting at most TCP_TX_WAIT_MS, else the stream is closed).
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "net/nio_internal.h"

#define TCP_HDR_LEN 4
#define TCP_TX_WAIT_MS 1000

static ssize_t tcp_send(struct nio *nio, const void *frame, size_t len)
{
    struct nio_stream *s = &nio->u.tcp;
    uint8_t hdr[TCP_HDR_LEN] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16),
                                (uint8_t)(len >> 8), (uint8_t)len};
    struct iovec iov[2] = {{hdr, sizeof(hdr)}, {(void *)frame, len}};
    size_t total = sizeof(hdr) + len, done = 0;
    ssize_t rc = (ssize_t)len;
    pthread_mutex_lock(&s->tx_lock);
    while (done < total) {
        struct msghdr mh = {.msg_iov = iov, .msg_iovlen = 2};
        ssize_t r = sendmsg(nio->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (done == 0) {
                rc = -EAGAIN; /* nothing written: drop this frame */
                break;
            }
            struct pollfd pfd = {.fd = nio->fd, .events = POLLOUT};
            if (poll(&pfd, 1, TCP_TX_WAIT_MS) <= 0) {
                shutdown(nio->fd, SHUT_RDWR); /* stream is now corrupt */
                rc = -ETIMEDOUT;
                break;
            }
            continue;
        }
        if (r < 0) {
            rc = -errno;
            break;
        }
        done += (size_t)r;
        for (int i = 0; i < 2 && r > 0; i++) {
            size_t k = (size_t)r < iov[i].iov_len ? (size_t)r : iov[i].iov_len;
            iov[i].iov_base = (char *)iov[i].iov_base + k;
            iov[i].iov_len -= k;
            r -= (ssize_t)k;
        }
    }
    pthread_mutex_unlock(&s->tx_lock);
    return rc;
}

static ssize_t tcp_recv(struct nio *nio, uint8_t *buf, size_t size)
{
    struct nio_stream *s = &nio->u.tcp;
    for (;;) {
        ssize_t r;
        if (s->have_hdr < TCP_HDR_LEN) {
            r = recv(nio->fd, s->hdr + s->have_hdr, TCP_HDR_LEN - s->have_hdr,
                     MSG_DONTWAIT);
        } else if (s->want > size) {
            /* Oversized frame: read it into the buffer piecewise, drop. */
            size_t left = s->want - s->have;
            r = recv(nio->fd, buf, left < size ? left : size, MSG_DONTWAIT);
        } else {
            r = recv(nio->fd, buf + s->have, s->want - s->have, MSG_DONTWAIT);
        }
        if (r == 0) {
            return NIO_RX_CLOSED;
        }
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return NIO_RX_NONE;
            }
            return errno == ECONNRESET ? NIO_RX_CLOSED : -errno;
        }
        if (s->have_hdr < TCP_HDR_LEN) {
            s->have_hdr += (size_t)r;
            if (s->have_hdr == TCP_HDR_LEN) {
                s->want = (size_t)s->hdr[0] << 24 | (size_t)s->hdr[1] << 16 |
                          (size_t)s->hdr[2] << 8 | s->hdr[3];
                s->have = 0;
                if (s->want == 0) {
                    s->have_hdr = 0;
                    return 0; /* empty frame: counted by the core */
                }
            }
            continue;
        }
        s->have += (size_t)r;
        if (s->have < s->want) {
            continue;
        }
        size_t len = s->want;
        s->have_hdr = 0;
        s->want = s->have = 0;
        return len > size ? NIO_RX_OVERSIZE : (ssize_t)len;
    }
}

static void tcp_close(struct nio *nio)
{
    free(nio->u.tcp.host);
    free(nio->u.tcp.port);
    pthread_mutex_destroy(&nio->u.tcp.tx_lock);
}

static const struct nio_ops tcp_cli_ops = {
    .type = NIO_TYPE_TCP_CLI,
    .send = tcp_send,
    .recv = tcp_recv,
    .close = tcp_close,
};

static const struct nio_ops tcp_ser_ops = {
    .type = NIO_TYPE_TCP_SER,
    .send = tcp_send,
    .recv = tcp_recv,
    .close = tcp_close,
};

static int tcp_alloc(struct nio **out, const struct nio_ops *ops,
                     struct evloop *ev, struct logger *lg, const char *name)
{
    int rc = nio_alloc(out, ops, ev, lg, name);
    if (rc == 0) {
        pthread_mutex_init(&(*out)->u.tcp.tx_lock, NULL);
    }
    return rc;
}

static void tcp_ready(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    nio_fd_nonblock(fd);
}

int nio_create_tcp_cli(struct nio **out, struct evloop *ev,
                       struct logger *lg, const char *name, const char *host,
                       const char *port)
{
    struct nio *nio;
    int rc = tcp_alloc(&nio, &tcp_cli_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g) {
        nio_log(nio, "cannot resolve '%s' port '%s': %s", host, port,
                gai_strerror(g));
        nio_free_failed(nio);
        return -EHOSTUNREACH;
    }
    rc = -ECONNREFUSED;
    for (struct addrinfo *ai = res; ai && nio->fd < 0; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            nio->fd = fd;
            rc = 0;
        } else {
            rc = -errno;
            close(fd);
        }
    }
    freeaddrinfo(res);
    if (rc < 0) {
        nio_log(nio, "connect to %s:%s: %s", host, port, strerror(-rc));
        nio_free_failed(nio);
        return rc;
    }
    tcp_ready(nio->fd);
    nio->u.tcp.host = strdup(host);
    nio->u.tcp.port = strdup(port);
    *out = nio;
    return 0;
}

int nio_create_tcp_ser(struct nio **out, struct evloop *ev,
                       struct logger *lg, const char *name, const char *port)
{
    struct nio *nio;
    int rc = tcp_alloc(&nio, &tcp_ser_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    char *end;
    unsigned long p = strtoul(port, &end, 10);
    if (*end || p == 0 || p > 65535) {
        nio_log(nio, "bad TCP port '%s'", port);
        nio_free_failed(nio);
        return -EINVAL;
    }
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)p),
                             .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one,
                             sizeof(one)) < 0 ||
        bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 1) < 0) {
        rc = -errno;
        nio_log(nio, "listen on TCP port %lu: %s", p, strerror(errno));
        if (ls >= 0) {
            close(ls);
        }
        nio_free_failed(nio);
        return rc;
    }
    /* As the reference: wait here for the one client (spec §2.8). */
    int fd;
    do {
        fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    rc = fd < 0 ? -errno : 0;
    close(ls);
    if (rc < 0) {
        nio_log(nio, "accept on TCP port %lu: %s", p, strerror(-rc));
        nio_free_failed(nio);
        return rc;
    }
    nio->fd = fd;
    tcp_ready(fd);
    nio->u.tcp.port = strdup(port);
    *out = nio;
    return 0;
}
