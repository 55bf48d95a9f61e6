/*
 * NIOs without a host network object: null (spec network.md §2.10) and
 * fifo (§2.9).
 *
 * null: sending counts the frame and discards it; nothing is received.
 * fifo: two endpoints joined by nio_fifo_crossconnect(). The reference kept
 * an unbounded queue per endpoint served by a thread; here the pair is a
 * UNIX datagram socket pair, so frames reach the peer's handler through
 * the event loop like any other NIO and the queue is bounded by the socket
 * buffer (a full queue loses the frame instead of growing memory).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nio_internal.h"

static ssize_t null_send(struct nio *nio, const void *frame, size_t len)
{
    (void)nio;
    (void)frame;
    return (ssize_t)len;
}

static int null_describe(const struct nio *nio, char *buf, size_t size)
{
    return snprintf(buf, size, "create_null %s", nio->name);
}

static const struct nio_ops null_ops = {
    .type = NIO_TYPE_NULL,
    .send = null_send,
    .describe = null_describe,
};

int nio_create_null(struct nio **out, struct evloop *ev, struct logger *lg,
                    const char *name)
{
    return nio_alloc(out, &null_ops, ev, lg, name);
}

static ssize_t fifo_send(struct nio *nio, const void *frame, size_t len)
{
    if (nio->fd < 0) {
        return -ENOTCONN;
    }
    ssize_t r = send(nio->fd, frame, len, MSG_DONTWAIT);
    return r < 0 ? -errno : r;
}

static ssize_t fifo_recv(struct nio *nio, uint8_t *buf, size_t size)
{
    ssize_t r = recv(nio->fd, buf, size, MSG_TRUNC | MSG_DONTWAIT);
    if (r < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? NIO_RX_NONE
                                                         : -errno;
    }
    return (size_t)r > size ? NIO_RX_OVERSIZE : r;
}

static void fifo_close(struct nio *nio)
{
    /* The peer keeps its socket; its sends now fail (ECONNREFUSED). */
    struct nio *peer = nio->u.fifo.peer;
    if (peer && peer->u.fifo.peer == nio) {
        peer->u.fifo.peer = NULL;
    }
    nio->u.fifo.peer = NULL;
}

static const struct nio_ops fifo_ops = {
    .type = NIO_TYPE_FIFO,
    .send = fifo_send,
    .recv = fifo_recv,
    .close = fifo_close,
};

int nio_create_fifo(struct nio **out, struct evloop *ev, struct logger *lg,
                    const char *name)
{
    return nio_alloc(out, &fifo_ops, ev, lg, name);
}

int nio_fifo_crossconnect(struct nio *a, struct nio *b)
{
    if (!a || !b || a == b || a->ops != &fifo_ops || b->ops != &fifo_ops) {
        return -EINVAL;
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                   sv) < 0) {
        return -errno;
    }
    int sz = 1 << 20;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    /* Detach from former peers, then join (old sockets are closed). */
    fifo_close(a);
    fifo_close(b);
    a->u.fifo.peer = b;
    b->u.fifo.peer = a;
    int rc = nio_attach_fd(a, sv[0]);
    int rc2 = nio_attach_fd(b, sv[1]);
    return rc < 0 ? rc : rc2;
}
