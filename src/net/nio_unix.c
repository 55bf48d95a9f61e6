/*
 * UNIX datagram NIOs (shared spec network.md §2.3) and VDE switch ports
 * (§2.4), which are UNIX datagram sockets reached through a control
 * handshake. One bare frame per datagram.
 *
 * Unlike the reference the socket is non-blocking: a peer whose queue is
 * full loses the frame instead of stalling the event loop (§1.5).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/nio_internal.h"

/* VDE control request (spec §2.4): magic, version 3, "new control". */
#define VDE_MAGIC 0xFEEDFACEu
#define VDE_VERSION 3u
#define VDE_REQ_NEW_CONTROL 0u

struct vde_request {
    uint32_t magic;
    uint32_t version;
    uint32_t type;
    struct sockaddr_un sock;
};

static ssize_t unix_send(struct nio *nio, const void *frame, size_t len)
{
    struct nio_unix *u = &nio->u.un;
    ssize_t r = sendto(nio->fd, frame, len, MSG_DONTWAIT,
                       (const struct sockaddr *)&u->raddr, u->raddr_len);
    return r < 0 ? -errno : r;
}

static ssize_t unix_recv(struct nio *nio, uint8_t *buf, size_t size)
{
    ssize_t r = recv(nio->fd, buf, size, MSG_TRUNC | MSG_DONTWAIT);
    if (r < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? NIO_RX_NONE
                                                         : -errno;
    }
    return (size_t)r > size ? NIO_RX_OVERSIZE : r;
}

static void unix_close(struct nio *nio)
{
    struct nio_unix *u = &nio->u.un;
    if (u->local && nio->fd >= 0) {
        unlink(u->local);
    }
    if (u->ctl_fd >= 0) {
        close(u->ctl_fd);
        u->ctl_fd = -1;
    }
    free(u->local);
    free(u->remote);
    free(u->ctl);
    u->local = u->remote = u->ctl = NULL;
}

static int unix_describe(const struct nio *nio, char *buf, size_t size)
{
    return snprintf(buf, size, "create_unix %s %s %s", nio->name,
                    nio->u.un.local, nio->u.un.remote);
}

static int vde_describe(const struct nio *nio, char *buf, size_t size)
{
    /* The control path, so the line recreates the port (the reference
     * wrote the switch's data socket here, spec §2.4). */
    return snprintf(buf, size, "create_vde %s %s %s", nio->name,
                    nio->u.un.ctl, nio->u.un.local);
}

static const struct nio_ops unix_ops = {
    .type = NIO_TYPE_UNIX,
    .send = unix_send,
    .recv = unix_recv,
    .close = unix_close,
    .describe = unix_describe,
};

static const struct nio_ops vde_ops = {
    .type = NIO_TYPE_VDE,
    .send = unix_send,
    .recv = unix_recv,
    .close = unix_close,
    .describe = vde_describe,
};

static int make_sun(struct nio *nio, const char *path, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (!path || !*path || strlen(path) >= sizeof(sa->sun_path)) {
        nio_log(nio, "bad UNIX socket path '%s' (1 to %zu bytes)",
                path ? path : "", sizeof(sa->sun_path) - 1);
        return -ENAMETOOLONG;
    }
    strcpy(sa->sun_path, path);
    return 0;
}

/* Datagram socket bound to local; 0 or a negative errno. */
static int bind_local(struct nio *nio, const char *local)
{
    struct sockaddr_un sa;
    int rc = make_sun(nio, local, &sa);
    if (rc < 0) {
        return rc;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return -errno;
    }
    /* A stale file is not removed (as the reference): say so clearly. */
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        rc = -errno;
        nio_log(nio, "bind '%s': %s", local, strerror(errno));
        close(fd);
        return rc;
    }
    nio->fd = fd;
    nio->u.un.local = strdup(local);
    return nio->u.un.local ? 0 : -ENOMEM;
}

int nio_create_unix(struct nio **out, struct evloop *ev, struct logger *lg,
                    const char *name, const char *local, const char *remote)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &unix_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    nio->u.un.ctl_fd = -1;
    struct sockaddr_un ra;
    rc = make_sun(nio, remote, &ra);
    if (rc == 0) {
        rc = bind_local(nio, local);
    }
    if (rc == 0) {
        memcpy(&nio->u.un.raddr, &ra, sizeof(ra));
        nio->u.un.raddr_len = sizeof(ra);
        nio->u.un.remote = strdup(remote);
        rc = nio->u.un.remote ? 0 : -ENOMEM;
    }
    if (rc < 0) {
        nio_free_failed(nio);
        return rc;
    }
    *out = nio;
    return 0;
}

static int full_io(int fd, void *buf, size_t len, int writing)
{
    size_t done = 0;
    while (done < len) {
        ssize_t r = writing ? write(fd, (char *)buf + done, len - done)
                            : read(fd, (char *)buf + done, len - done);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return r < 0 ? -errno : -ECONNRESET;
        }
        done += (size_t)r;
    }
    return 0;
}

int nio_create_vde(struct nio **out, struct evloop *ev, struct logger *lg,
                   const char *name, const char *control, const char *local)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &vde_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    nio->u.un.ctl_fd = -1;
    struct sockaddr_un ctl;
    rc = make_sun(nio, control, &ctl);
    if (rc < 0) {
        goto fail;
    }
    nio->u.un.ctl = strdup(control);
    nio->u.un.ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (!nio->u.un.ctl || nio->u.un.ctl_fd < 0) {
        rc = nio->u.un.ctl ? -errno : -ENOMEM;
        goto fail;
    }
    if (connect(nio->u.un.ctl_fd, (struct sockaddr *)&ctl, sizeof(ctl)) < 0) {
        rc = -errno;
        nio_log(nio, "connect to VDE control '%s': %s", control,
                strerror(errno));
        goto fail;
    }
    rc = bind_local(nio, local);
    if (rc < 0) {
        goto fail;
    }
    struct vde_request req;
    memset(&req, 0, sizeof(req));
    req.magic = VDE_MAGIC;
    req.version = VDE_VERSION;
    req.type = VDE_REQ_NEW_CONTROL;
    req.sock.sun_family = AF_UNIX;
    strcpy(req.sock.sun_path, local);
    struct sockaddr_un data;
    rc = full_io(nio->u.un.ctl_fd, &req, sizeof(req), 1);
    if (rc == 0) {
        rc = full_io(nio->u.un.ctl_fd, &data, sizeof(data), 0);
    }
    if (rc < 0) {
        nio_log(nio, "VDE handshake on '%s': %s", control, strerror(-rc));
        goto fail;
    }
    data.sun_path[sizeof(data.sun_path) - 1] = '\0';
    memcpy(&nio->u.un.raddr, &data, sizeof(data));
    nio->u.un.raddr_len = sizeof(data);
    nio->u.un.remote = strdup(data.sun_path);
    *out = nio;
    return 0;
fail:
    nio_free_failed(nio);
    return rc;
}
