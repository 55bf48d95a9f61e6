/*
 * UDP NIOs (shared spec network.md §2.1, §2.2): one bare frame per
 * datagram, the format GNS3, ubridge and VPCS speak (§3.1).
 *
 * udp: the socket is bound to the wildcard address of the remote's family
 * at the local port, then connected to the remote, as the reference does
 * (spec §2.1): the kernel then keeps the route of the peer (no lookup per
 * send) and sends and receives need no address. The bind is made without
 * SO_REUSEADDR, so a local port already in use is reported (EADDRINUSE)
 * instead of two NIOs silently sharing it (the reference sets it); only
 * then is SO_REUSEADDR set, and a second, unconnected socket (fd_aux) is
 * bound to the same wildcard address and port. The kernel gives a
 * datagram to the socket that matches it best (its UDP lookup scores a
 * connected socket's match of source address and port above a wildcard
 * one's): the connected one takes the peer's datagrams to the local
 * address connect() chose (Linux sets it from the route: 127.0.0.1 for a
 * peer on loopback), fd_aux everything else. Its datagrams from any other
 * source are counted (drop_foreign) and dropped, where the reference's
 * kernel drops them silently; the peer's own datagrams to another local
 * address are delivered, as with the wildcard bind of the reference.
 * The same per-frame checks apply on both sockets. Where the connect or
 * the second bind fails (no route yet, an exotic kernel) the socket stays
 * unconnected and alone: frames go out with sendto() and the source of
 * every datagram is checked here instead. DYNAMIPS_NO_UDP_CONNECT (any
 * non-empty value) keeps every udp NIO that way, for tests and
 * comparisons. A connected socket learns of an ICMP port unreachable from
 * a peer not (yet) listening and reports it once, on the next send or
 * receive; it is ignored, as the reference does (the send goes again).
 *
 * udp_auto: the first free port of a range on a dual-stack socket; it
 * receives from anyone until nio_udp_auto_connect() names the peer.
 *
 * Segmentation offload (Linux, udp(7); the kernel's
 * Documentation/networking/segmentation-offloads.rst): frames queued in
 * one round (nio.c) that have the same size leave as one sendmsg() with
 * UDP_SEGMENT, which the kernel cuts into one datagram per frame (on the
 * wire, or at a receiving socket on this host that did not ask for GRO):
 * every peer still sees one bare frame per datagram (a packet sniffer on
 * the sending host's loopback, which sees packets before the receiving
 * socket cuts them, shows one UDP packet per run). The socket has
 * UDP_GRO on: datagrams of one sender that the kernel kept together (a
 * peer sending with UDP_SEGMENT on this host, or a NIC's GRO) arrive as
 * one buffer with their size in a UDP_GRO control message, and nio.c
 * splits it into frames. A kernel or a route without it: the first
 * segmented send fails (EIO, EOPNOTSUPP, or EINVAL with small frames) and
 * the socket sends one datagram per frame from then on; frames longer
 * than the path MTU are refused (EMSGSIZE, or EINVAL on some kernels):
 * from then on frames of that size and longer leave one datagram each (the
 * kernel fragments them as before) and shorter ones still go segmented.
 * The environment variables DYNAMIPS_NO_UDP_GSO and DYNAMIPS_NO_UDP_GRO
 * (any non-empty value) turn either side off, for tests and comparisons.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/nio_internal.h"

/* Socket buffers: room for bursts between two loop iterations. */
#define UDP_SOCKBUF (1 << 20)

/* Segments of one UDP_SEGMENT send at most: UDP_MAX_SEGMENTS of the
 * kernel's include/linux/udp.h (64 until Linux 6.9, 128 since). */
#define GSO_MAX_SEGS 64
/* Bytes of one UDP_SEGMENT send at most: the largest UDP payload over
 * IPv4, 65535 - 20 (IP header) - 8 (UDP header); IPv6 allows 65527. */
#define GSO_MAX_BYTES 65507

/* The error a connected socket keeps from an ICMP port unreachable (a peer
 * that was not listening): reported once, then cleared. */
static int icmp_refused(const struct nio *nio, int err)
{
    return err == ECONNREFUSED && nio->u.udp.connected;
}

static ssize_t udp_send(struct nio *nio, const void *frame, size_t len)
{
    struct nio_udp *u = &nio->u.udp;
    if (!u->remote_len) {
        return -ENOTCONN;
    }
    for (int tries = 0;; tries++) {
        ssize_t r = u->connected
                        ? send(nio->fd, frame, len, MSG_DONTWAIT)
                        : sendto(nio->fd, frame, len, MSG_DONTWAIT,
                                 (const struct sockaddr *)&u->remote,
                                 u->remote_len);
        if (r >= 0) {
            return r;
        }
        if (tries || !icmp_refused(nio, errno)) {
            return -errno;
        }
    }
}

static int same_peer(const struct sockaddr_storage *a,
                     const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) {
        return 0;
    }
    if (a->ss_family == AF_INET) {
        const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
        return x->sin_port == y->sin_port &&
               x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
        return x->sin6_port == y->sin6_port &&
               !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr));
    }
    return 0;
}

/* One datagram from fd: its length, or an NIO_RX_* drop reason. The
 * source is checked when check_src (an unconnected socket). */
static ssize_t recv_one(struct nio *nio, int fd, int check_src, uint8_t *buf,
                        size_t size)
{
    struct nio_udp *u = &nio->u.udp;
    struct sockaddr_storage src;
    socklen_t slen = sizeof(src);
    ssize_t r;
    int tries = 0;
    while ((r = recvfrom(fd, buf, size, MSG_TRUNC | MSG_DONTWAIT,
                         (struct sockaddr *)&src, &slen)) < 0 &&
           !tries++ && fd == nio->fd && icmp_refused(nio, errno)) {
        slen = sizeof(src);
    }
    if (r < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? NIO_RX_NONE
                                                         : -errno;
    }
    if (check_src && u->remote_len && !same_peer(&src, &u->remote)) {
        return NIO_RX_FOREIGN;
    }
    return (size_t)r > size ? NIO_RX_OVERSIZE : r;
}

static ssize_t udp_recv(struct nio *nio, uint8_t *buf, size_t size)
{
    return recv_one(nio, nio->fd, !nio->u.udp.connected, buf, size);
}

/* The datagrams the connected socket did not take (see the top of this
 * file): from the peer to another local address (delivered), or from
 * anyone else (drop_foreign). */
static void udp_aux_ready(struct nio *nio)
{
    uint8_t *buf = nio->rxbuf + NIO_RX_HEADROOM;
    for (int i = 0; i < NIO_RX_BUDGET && nio->rx_fn; i++) {
        ssize_t r = recv_one(nio, nio->fd_aux, 1, buf, NIO_MAX_FRAME);
        if (r == NIO_RX_NONE) {
            return;
        }
        if (r >= 0) {
            nio_deliver(nio, buf, (size_t)r);
        } else if (r == NIO_RX_FOREIGN) {
            atomic_fetch_add_explicit(&nio->drop_foreign, 1,
                                      memory_order_relaxed);
        } else if (r == NIO_RX_OVERSIZE) {
            atomic_fetch_add_explicit(&nio->drop_oversize, 1,
                                      memory_order_relaxed);
        } else {
            atomic_fetch_add_explicit(&nio->rx_errors, 1,
                                      memory_order_relaxed);
        }
    }
}

/* The UDP_GRO control message of a received datagram: its frames' size,
 * 0 when it holds one frame. */
static uint32_t gro_size(const struct msghdr *h)
{
    if (!h->msg_controllen) {
        return 0;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c;
         c = CMSG_NXTHDR((struct msghdr *)h, c)) {
        if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
            c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int v;
            memcpy(&v, CMSG_DATA(c), sizeof(v));
            return v > 0 ? (uint32_t)v : 0;
        }
    }
    return 0;
}

/* Up to n datagrams in one recvmmsg(); the same checks per datagram. */
static int udp_recv_many(struct nio *nio, uint8_t *const bufs[],
                         struct nio_rx_dgram res[], int n)
{
    struct nio_udp *u = &nio->u.udp;
    struct mmsghdr m[NIO_RX_BATCH];
    struct iovec iov[NIO_RX_BATCH];
    struct sockaddr_storage src[NIO_RX_BATCH];
    /* One int: the UDP_GRO message (udp(7)). */
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl[NIO_RX_BATCH];
    if (n > NIO_RX_BATCH) {
        n = NIO_RX_BATCH;
    }
    /* A connected socket takes the peer's datagrams only: no source to
     * read or check. */
    int check_src = u->remote_len && !u->connected;
    for (int i = 0; i < n; i++) {
        iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = NIO_RX_DGRAM};
        m[i].msg_hdr = (struct msghdr){.msg_name = check_src ? &src[i] : NULL,
                                       .msg_namelen =
                                           check_src ? sizeof(src[i]) : 0,
                                       .msg_iov = &iov[i],
                                       .msg_iovlen = 1};
        if (u->gro) {
            m[i].msg_hdr.msg_control = ctl[i].buf;
            m[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
        }
    }
    /* MSG_TRUNC: msg_len is the datagram's real length (udp(7)). */
    int k = recvmmsg(nio->fd, m, (unsigned)n, MSG_TRUNC | MSG_DONTWAIT,
                     NULL);
    if (k < 0 && icmp_refused(nio, errno)) {
        k = recvmmsg(nio->fd, m, (unsigned)n, MSG_TRUNC | MSG_DONTWAIT,
                     NULL);
    }
    if (k < 0) {
        return (errno == EAGAIN || errno == EWOULDBLOCK) ? NIO_RX_NONE
                                                         : -errno;
    }
    for (int i = 0; i < k; i++) {
        const struct sockaddr_storage *from = &src[i];
        size_t len = m[i].msg_len;
        uint32_t seg = u->gro ? gro_size(&m[i].msg_hdr) : 0;
        if (seg >= len) {
            seg = 0; /* one frame */
        }
        res[i].seg = seg;
        res[i].frames = seg ? (uint32_t)((len + seg - 1) / seg) : 1;
        if (check_src && !same_peer(from, &u->remote)) {
            res[i].len = NIO_RX_FOREIGN;
        } else if ((m[i].msg_hdr.msg_flags & MSG_TRUNC) ||
                   len > NIO_RX_DGRAM || (!seg && len > NIO_MAX_FRAME)) {
            res[i].len = NIO_RX_OVERSIZE;
        } else {
            res[i].len = (ssize_t)len;
        }
    }
    return k;
}

/* Runs of same-size frames become one datagram each with UDP_SEGMENT. */
struct gso_batch {
    struct mmsghdr msgs[NIO_TX_BATCH];
    struct iovec iov[NIO_TX_BATCH];
    unsigned frames[NIO_TX_BATCH]; /* frames per entry */
    size_t seg[NIO_TX_BATCH];      /* segment size, 0: one plain frame */
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } ctl[NIO_TX_BATCH];
};

/* Group m[0..n) into entries; returns how many. */
static unsigned gso_group(const struct nio_udp *u, struct gso_batch *b,
                          const struct mmsghdr *m, unsigned n)
{
    unsigned e = 0;
    for (unsigned i = 0; i < n; i++) {
        b->iov[i] = m[i].msg_hdr.msg_iov[0];
    }
    for (unsigned i = 0; i < n;) {
        size_t len = b->iov[i].iov_len, total = len;
        unsigned j = i + 1;
        if (len && len <= u->gso_max) {
            while (j < n && j - i < GSO_MAX_SEGS &&
                   b->iov[j].iov_len == len && total + len <= GSO_MAX_BYTES) {
                total += len;
                j++;
            }
            /* The kernel's rule: the last segment may be shorter. */
            if (j < n && j - i < GSO_MAX_SEGS &&
                b->iov[j].iov_len && b->iov[j].iov_len < len &&
                total + b->iov[j].iov_len <= GSO_MAX_BYTES) {
                j++;
            }
        }
        struct msghdr *h = &b->msgs[e].msg_hdr;
        *h = (struct msghdr){.msg_name =
                                 u->connected ? NULL : (void *)&u->remote,
                             .msg_namelen = u->connected ? 0 : u->remote_len,
                             .msg_iov = &b->iov[i],
                             .msg_iovlen = j - i};
        b->frames[e] = j - i;
        b->seg[e] = 0;
        if (j - i > 1) {
            uint16_t gso = (uint16_t)len; /* len <= GSO_MAX_BYTES */
            h->msg_control = b->ctl[e].buf;
            h->msg_controllen = sizeof(b->ctl[e].buf);
            struct cmsghdr *c = CMSG_FIRSTHDR(h);
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(gso));
            memcpy(CMSG_DATA(c), &gso, sizeof(gso));
            b->seg[e] = len;
        }
        e++;
        i = j;
    }
    return e;
}

/* A segment this long fits any path: the 576-byte datagram every IPv4
 * host takes (RFC 791) less 20 bytes of IP and 8 of UDP header. */
#define GSO_ALWAYS_FITS 548

/* A segmented send with segments of seg bytes was refused with err: 1
 * when that is the offload's fault (the frames then go again, one
 * datagram each), 0 when the error is the frames' own. */
static int gso_refused(struct nio *nio, size_t seg, int err)
{
    struct nio_udp *u = &nio->u.udp;
    if (err != EINVAL && err != EIO && err != EOPNOTSUPP &&
        err != EMSGSIZE && err != ENOPROTOOPT) {
        return 0;
    }
    if ((err == EMSGSIZE || err == EINVAL) && seg > GSO_ALWAYS_FITS) {
        /* Segments longer than the path MTU (EINVAL on some kernels):
         * longer frames no longer go segmented, shorter ones still do. */
        u->gso_max = seg - 1;
        nio_log(nio, "UDP segmentation offload refused for %zu-byte "
                     "frames (%s): frames of that size and more leave "
                     "one datagram each", seg, strerror(err));
        return 1;
    }
    u->gso = 0;
    nio_log(nio, "UDP segmentation offload refused (%s): one datagram "
                 "per frame from now on", strerror(err));
    return 1;
}

/* The queued frames of a round in one sendmmsg(), runs of same-size
 * frames as one segmented datagram each. */
static int udp_send_many(struct nio *nio, struct mmsghdr *m, unsigned n)
{
    struct nio_udp *u = &nio->u.udp;
    if (!u->remote_len) {
        return -ENOTCONN;
    }
    if (n > NIO_TX_BATCH) {
        n = NIO_TX_BATCH;
    }
    while (u->gso && n > 1) {
        struct gso_batch b;
        unsigned e = gso_group(u, &b, m, n);
        if (e == n) {
            break; /* nothing to segment */
        }
        int r = sendmmsg(nio->fd, b.msgs, e, MSG_DONTWAIT);
        if (r < 0 && icmp_refused(nio, errno)) {
            r = sendmmsg(nio->fd, b.msgs, e, MSG_DONTWAIT);
        }
        if (r < 0) {
            if (b.seg[0] && gso_refused(nio, b.seg[0], errno)) {
                continue; /* group again without it */
            }
            return -errno;
        }
        unsigned sent = 0;
        for (int i = 0; i < r; i++) {
            sent += b.frames[i];
        }
        return (int)sent;
    }
    for (unsigned i = 0; !u->connected && i < n; i++) {
        m[i].msg_hdr.msg_name = &u->remote;
        m[i].msg_hdr.msg_namelen = u->remote_len;
    }
    int r = sendmmsg(nio->fd, m, n, MSG_DONTWAIT);
    if (r < 0 && icmp_refused(nio, errno)) {
        r = sendmmsg(nio->fd, m, n, MSG_DONTWAIT);
    }
    return r < 0 ? -errno : r;
}

static int udp_describe(const struct nio *nio, char *buf, size_t size)
{
    const struct nio_udp *u = &nio->u.udp;
    /* An unconnected udp_auto is saved as the reference does (§2.2). */
    if (!u->rhost) {
        return snprintf(buf, size, "create_udp %s %u (null) -1", nio->name,
                        u->lport);
    }
    return snprintf(buf, size, "create_udp %s %u %s %u", nio->name, u->lport,
                    u->rhost, u->rport);
}

static void udp_close(struct nio *nio)
{
    free(nio->u.udp.rhost);
    nio->u.udp.rhost = NULL;
}

static const struct nio_ops udp_ops = {
    .type = NIO_TYPE_UDP,
    .send = udp_send,
    .recv = udp_recv,
    .recv_many = udp_recv_many,
    .send_many = udp_send_many,
    .aux_ready = udp_aux_ready,
    .close = udp_close,
    .describe = udp_describe,
};

static const struct nio_ops udp_auto_ops = {
    .type = NIO_TYPE_UDP_AUTO,
    .send = udp_send,
    .recv = udp_recv,
    .recv_many = udp_recv_many,
    .send_many = udp_send_many,
    .close = udp_close,
    .describe = udp_describe,
};

static unsigned sock_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        return 0;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    return 0;
}

/* Socket buffers and offloads of a new socket (loop not running yet). */
static void set_bufs(struct nio *nio, int fd)
{
    int sz = UDP_SOCKBUF;
    /* Best effort: the kernel caps these at rmem_max/wmem_max. */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    struct nio_udp *u = &nio->u.udp;
    const char *no_gso = getenv("DYNAMIPS_NO_UDP_GSO");
    const char *no_gro = getenv("DYNAMIPS_NO_UDP_GRO");
    /* A size of 0 segments nothing: the option's probe (Linux >= 4.18);
     * each send that segments names its size in a control message. */
    int zero = 0, on = 1;
    u->gso = !(no_gso && *no_gso) &&
             setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) == 0;
    u->gso_max = GSO_MAX_BYTES;
    /* Linux >= 5.0. */
    u->gro = !(no_gro && *no_gro) &&
             setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) == 0;
}

/* Connect fd (bound, without SO_REUSEADDR) to the peer ai, with the
 * unconnected fd_aux beside it on the same port (see the top of this
 * file); on any failure fd stays as it was, unconnected and alone. */
static void connect_peer(struct nio *nio, int fd, const struct addrinfo *ai)
{
    const char *off = getenv("DYNAMIPS_NO_UDP_CONNECT");
    if (off && *off) {
        return;
    }
    struct sockaddr_storage local;
    socklen_t llen = sizeof(local);
    int on = 1, zero = 0;
    if (getsockname(fd, (struct sockaddr *)&local, &llen) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0) {
        return;
    }
    int aux = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (aux >= 0 &&
        setsockopt(aux, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == 0 &&
        bind(aux, (struct sockaddr *)&local, llen) == 0 &&
        connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
        nio_fd_nonblock(aux);
        nio->fd_aux = aux;
        nio->u.udp.connected = 1;
        return;
    }
    int err = errno;
    if (aux >= 0) {
        close(aux);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &zero, sizeof(zero));
    nio_log(nio, "cannot connect the socket (%s): the source of each "
                 "datagram is checked here", strerror(err));
}

/* Resolve host:port as a datagram peer; 0 or a negative errno. */
static int resolve(struct nio *nio, const char *host, unsigned port,
                   int passive, struct addrinfo **res)
{
    char sport[16];
    snprintf(sport, sizeof(sport), "%u", port);
    struct addrinfo hints = {.ai_socktype = SOCK_DGRAM,
                             .ai_family = AF_UNSPEC};
    if (passive) {
        hints.ai_flags = AI_PASSIVE;
    }
    int rc = getaddrinfo(host, sport, &hints, res);
    if (rc) {
        nio_log(nio, "cannot resolve '%s': %s", host ? host : "",
                gai_strerror(rc));
        return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
    }
    return 0;
}

int nio_create_udp(struct nio **out, struct evloop *ev, struct logger *lg,
                   const char *name, unsigned lport, const char *rhost,
                   unsigned rport)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &udp_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    if (lport > 65535 || rport == 0 || rport > 65535 || !rhost) {
        nio_log(nio, "bad UDP ports %u -> %u", lport, rport);
        nio_free_failed(nio);
        return -EINVAL;
    }
    struct addrinfo *res;
    rc = resolve(nio, rhost, rport, 0, &res);
    if (rc < 0) {
        nio_free_failed(nio);
        return rc;
    }
    rc = -EAFNOSUPPORT;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) {
            continue;
        }
        int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            rc = -errno;
            continue;
        }
        struct sockaddr_storage local = {.ss_family = ai->ai_family};
        socklen_t llen;
        if (ai->ai_family == AF_INET) {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&local;
            s4->sin_port = htons((uint16_t)lport);
            s4->sin_addr.s_addr = htonl(INADDR_ANY);
            llen = sizeof(*s4);
        } else {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&local;
            s6->sin6_port = htons((uint16_t)lport);
            s6->sin6_addr = in6addr_any;
            llen = sizeof(*s6);
        }
        if (bind(fd, (struct sockaddr *)&local, llen) < 0) {
            rc = -errno;
            nio_log(nio, "bind UDP port %u: %s", lport, strerror(errno));
            close(fd);
            continue;
        }
        nio_fd_nonblock(fd);
        set_bufs(nio, fd);
        connect_peer(nio, fd, ai);
        memcpy(&nio->u.udp.remote, ai->ai_addr, ai->ai_addrlen);
        nio->u.udp.remote_len = ai->ai_addrlen;
        nio->fd = fd;
        rc = 0;
        break;
    }
    freeaddrinfo(res);
    if (rc == 0) {
        nio->u.udp.lport = sock_port(nio->fd);
        nio->u.udp.rport = rport;
        nio->u.udp.rhost = strdup(rhost);
        if (!nio->u.udp.rhost) {
            rc = -ENOMEM;
        }
    }
    if (rc < 0) {
        nio_free_failed(nio);
        return rc;
    }
    *out = nio;
    return 0;
}

int nio_create_udp_auto(struct nio **out, struct evloop *ev,
                        struct logger *lg, const char *name,
                        const char *laddr, unsigned first, unsigned last)
{
    struct nio *nio;
    int rc = nio_alloc(&nio, &udp_auto_ops, ev, lg, name);
    if (rc < 0) {
        return rc;
    }
    if (first == 0 || first > last || last > 65535) {
        nio_log(nio, "bad UDP port range %u-%u", first, last);
        nio_free_failed(nio);
        return -EINVAL;
    }
    const char *host = (laddr && *laddr) ? laddr : NULL;
    rc = -EADDRINUSE;
    for (unsigned port = first; port <= last && nio->fd < 0; port++) {
        struct addrinfo *res;
        int r = resolve(nio, host, port, 1, &res);
        if (r < 0) {
            rc = r;
            break;
        }
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) {
                continue;
            }
            int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                continue;
            }
            if (ai->ai_family == AF_INET6) {
                int off = 0; /* dual stack, as the reference */
                setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
            }
            if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
                nio_fd_nonblock(fd);
                set_bufs(nio, fd);
                nio->fd = fd;
                rc = 0;
                break;
            }
            close(fd);
        }
        freeaddrinfo(res);
    }
    if (rc < 0) {
        nio_log(nio, "no free UDP port in %u-%u: %s", first, last,
                strerror(-rc));
        nio_free_failed(nio);
        return rc;
    }
    nio->u.udp.lport = sock_port(nio->fd);
    *out = nio;
    return 0;
}

/* IPv4 peer on an IPv6 dual-stack socket: ::ffff:a.b.c.d. */
static void map_v4(struct sockaddr_storage *ss, socklen_t *len)
{
    struct sockaddr_in v4;
    memcpy(&v4, ss, sizeof(v4));
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6,
                              .sin6_port = v4.sin_port};
    v6.sin6_addr.s6_addr[10] = 0xff;
    v6.sin6_addr.s6_addr[11] = 0xff;
    memcpy(&v6.sin6_addr.s6_addr[12], &v4.sin_addr, 4);
    memset(ss, 0, sizeof(*ss));
    memcpy(ss, &v6, sizeof(v6));
    *len = sizeof(v6);
}

int nio_udp_auto_connect(struct nio *nio, const char *rhost, unsigned rport)
{
    if (nio->ops != &udp_auto_ops) {
        return -EINVAL;
    }
    struct nio_udp *u = &nio->u.udp;
    if (u->remote_len) {
        nio_log(nio, "already connected");
        return -EISCONN;
    }
    if (!rhost || rport == 0 || rport > 65535) {
        return -EINVAL;
    }
    struct sockaddr_storage own;
    socklen_t olen = sizeof(own);
    if (getsockname(nio->fd, (struct sockaddr *)&own, &olen) < 0) {
        return -errno;
    }
    struct addrinfo *res;
    int rc = resolve(nio, rhost, rport, 0, &res);
    if (rc < 0) {
        return rc;
    }
    rc = -EAFNOSUPPORT;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        struct sockaddr_storage peer = {0};
        socklen_t plen = ai->ai_addrlen;
        memcpy(&peer, ai->ai_addr, plen);
        if (own.ss_family == AF_INET6 && peer.ss_family == AF_INET) {
            map_v4(&peer, &plen);
        }
        if (peer.ss_family != own.ss_family) {
            continue;
        }
        u->remote = peer;
        u->remote_len = plen;
        rc = 0;
        break;
    }
    freeaddrinfo(res);
    if (rc < 0) {
        nio_log(nio, "cannot reach '%s' from this socket's family", rhost);
        return rc;
    }
    u->rport = rport;
    u->rhost = strdup(rhost);
    return u->rhost ? 0 : -ENOMEM;
}

unsigned nio_udp_local_port(const struct nio *nio)
{
    if (nio->ops != &udp_ops && nio->ops != &udp_auto_ops) {
        return 0;
    }
    return nio->u.udp.lport;
}
