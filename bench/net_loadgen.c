/*
 * Load generator for bench/net_bench.py (loopback UDP only).
 *
 *   net_loadgen gen <a_port> <to_port> <b_port> <from_port> <size> <secs>
 *       Socket A (a_port) sends Ethernet frames of <size> bytes to
 *       127.0.0.1:<to_port>; socket B (b_port) receives them back from
 *       <from_port> (the device under test forwards A -> B). A window of
 *       frames in flight keeps the pipe full without overrunning it.
 *       Prints "sent=<n> received=<n> seconds=<s>".
 *   net_loadgen rate <a_port> <to_port> <b_port> <from_port> <size> <secs>
 *                    <fps>
 *       Open loop: socket A sends <fps> frames per second, evenly spaced
 *       (bursts of at most RATE_BURST frames when the clock is behind),
 *       for <secs> seconds, whatever comes back; B counts what arrives,
 *       including what is still in flight 100 ms after the last frame.
 *       Prints "sent=<n> received=<n> seconds=<s>": sent / seconds is the
 *       offered rate actually achieved.
 *   Both take an optional last argument: the frame to send, <size> bytes
 *   in hex (default: A's MAC to B's, type 0x0800, zeros), e.g. an IPv4
 *   packet addressed to a router's interface.
 *   Options before gen or rate: -g: A sends with UDP segmentation
 *   offload (udp(7) UDP_SEGMENT: a burst of frames is one sendmsg() that
 *   the kernel cuts into one datagram per frame), as a peer of our own
 *   kind does; -G: B receives with UDP_GRO (datagrams the kernel kept
 *   together arrive as one buffer, counted frame by frame).
 *   net_loadgen relay <in_port> <out_port> <to_port>
 *       The baseline forwarder: every datagram received on in_port is
 *       sent from out_port to 127.0.0.1:<to_port>, one recvfrom() and
 *       one sendto() per frame, the simplest NIO. Runs until killed.
 *   net_loadgen brelay <in_port> <out_port> <to_port> <from_port>
 *       The batched baseline: the same relay with the system calls our
 *       NIOs make: sockets connected (in_port to from_port, out_port to
 *       to_port), epoll_wait(), recvmmsg() batches of up to 32 datagrams
 *       until the socket is empty, each batch out in one UDP_SEGMENT
 *       sendmsg().
 *   net_loadgen floor <batch> <connected 0|1> <gso 0|1> <size>
 *       The kernel's cost per frame of the same system calls with no
 *       wake-ups at all (one thread, the input filled beforehand), for
 *       batches of <batch> frames (1-32). Prints us_per_frame.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 128
#define BATCH 32
#define RATE_BURST 16
/* The largest UDP payload over IPv4 (65535 - 20 - 8): one segmented send
 * at most, and one GRO buffer. */
#define MAX_DGRAM 65507

/* Options: segmented sends from A, GRO on B. */
struct opts {
    int gso, gro;
};

/* The sender's side of a run: n frames of size bytes, as n datagrams
 * (sendmmsg) or, with gso, one segmented sendmsg() per burst. */
struct sender {
    int fd, gso;
    size_t size;
    unsigned segs; /* frames per segmented send at most */
    struct sockaddr_in dst;
    uint8_t *burst; /* segs copies of the frame */
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
};

static void sender_init(struct sender *s, int fd, int gso,
                        const uint8_t *frame, size_t size,
                        struct sockaddr_in dst)
{
    s->fd = fd;
    s->gso = gso;
    s->size = size;
    s->dst = dst;
    s->segs = BATCH;
    if (s->segs * size > MAX_DGRAM) {
        s->segs = (unsigned)(MAX_DGRAM / size);
    }
    s->burst = malloc((size_t)BATCH * size);
    if (!s->burst) {
        exit(1);
    }
    for (unsigned i = 0; i < BATCH; i++) {
        memcpy(s->burst + i * size, frame, size);
        s->iov[i] = (struct iovec){s->burst + i * size, size};
        s->msgs[i].msg_hdr = (struct msghdr){.msg_name = &s->dst,
                                             .msg_namelen = sizeof(s->dst),
                                             .msg_iov = &s->iov[i],
                                             .msg_iovlen = 1};
    }
}

/* Send up to n (<= BATCH) frames; how many went out. */
static unsigned sender_send(struct sender *s, unsigned n)
{
    if (!s->gso || n < 2) {
        int r = sendmmsg(s->fd, s->msgs, n, 0);
        return r > 0 ? (unsigned)r : 0;
    }
    if (n > s->segs) {
        n = s->segs;
    }
    union {
        char buf[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {s->burst, n * s->size};
    struct msghdr h = {.msg_name = &s->dst,
                       .msg_namelen = sizeof(s->dst),
                       .msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = ctl.buf,
                       .msg_controllen = sizeof(ctl.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&h);
    uint16_t seg = (uint16_t)s->size;
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof(seg));
    memcpy(CMSG_DATA(c), &seg, sizeof(seg));
    if (sendmsg(s->fd, &h, 0) < 0) {
        if (errno != EAGAIN && errno != ENOBUFS) {
            perror("net_loadgen: sendmsg with UDP_SEGMENT");
            exit(1);
        }
        return 0;
    }
    return n;
}

/* The receiver's side: B's datagrams counted as frames (a GRO buffer holds
 * several, its UDP_GRO message gives their size). */
struct receiver {
    int fd, gro;
    uint8_t *bufs; /* BATCH buffers of MAX_DGRAM bytes with gro, else 2048 */
    size_t bufsize;
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl[BATCH];
};

static void receiver_init(struct receiver *r, int fd, int gro)
{
    r->fd = fd;
    r->gro = gro;
    r->bufsize = gro ? MAX_DGRAM : 2048;
    r->bufs = malloc(BATCH * r->bufsize);
    if (!r->bufs) {
        exit(1);
    }
    if (gro) {
        int on = 1;
        if (setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) < 0) {
            perror("net_loadgen: UDP_GRO");
            exit(1);
        }
    }
    for (int i = 0; i < BATCH; i++) {
        r->iov[i] = (struct iovec){r->bufs + i * r->bufsize, r->bufsize};
    }
}

/* Frames received in one recvmmsg() (0 when none). */
static uint64_t receiver_recv(struct receiver *r)
{
    for (int i = 0; i < BATCH; i++) {
        r->msgs[i].msg_hdr = (struct msghdr){.msg_iov = &r->iov[i],
                                             .msg_iovlen = 1};
        if (r->gro) {
            r->msgs[i].msg_hdr.msg_control = r->ctl[i].buf;
            r->msgs[i].msg_hdr.msg_controllen = sizeof(r->ctl[i].buf);
        }
    }
    int n = recvmmsg(r->fd, r->msgs, BATCH, MSG_DONTWAIT, NULL);
    uint64_t frames = 0;
    for (int i = 0; i < n; i++) {
        struct msghdr *h = &r->msgs[i].msg_hdr;
        size_t len = r->msgs[i].msg_len;
        int seg = 0;
        for (struct cmsghdr *c = r->gro ? CMSG_FIRSTHDR(h) : NULL; c;
             c = CMSG_NXTHDR(h, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
                memcpy(&seg, CMSG_DATA(c), sizeof(seg));
            }
        }
        frames += seg > 0 && len > (size_t)seg
                      ? (len + (size_t)seg - 1) / (size_t)seg
                      : 1;
    }
    return frames;
}

static int udp_bound(unsigned port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int sz = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("bind");
        exit(1);
    }
    return fd;
}

static struct sockaddr_in loopback(unsigned port)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    return sa;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Opens A and B and makes B's MAC known to the device under test (a frame
 * from B first), so A -> B is a known unicast for a learning switch. */
static void setup_pair(unsigned a_port, unsigned b_port, unsigned from,
                       int *a, int *b, uint8_t *frame)
{
    static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0xA};
    static const uint8_t mac_b[6] = {2, 0, 0, 0, 0, 0xB};
    struct sockaddr_in back = loopback(from);
    uint8_t junk[65536];
    *a = udp_bound(a_port);
    *b = udp_bound(b_port);
    memcpy(frame, mac_a, 6);
    memcpy(frame + 6, mac_b, 6);
    frame[12] = 0x08;
    sendto(*b, frame, 60, 0, (struct sockaddr *)&back, sizeof(back));
    usleep(100000);
    memcpy(frame, mac_b, 6);
    memcpy(frame + 6, mac_a, 6);
    while (recv(*a, junk, sizeof(junk), MSG_DONTWAIT) > 0) {
    }
}

/* The frame given in hex on the command line, if any, replaces the
 * default one; 0, or -1 when it is not <size> bytes of hex. */
static int use_frame(uint8_t *frame, size_t size, const char *hex)
{
    if (!hex) {
        return 0;
    }
    if (strlen(hex) != 2 * size) {
        return -1;
    }
    for (size_t i = 0; i < size; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
            return -1;
        }
        frame[i] = (uint8_t)v;
    }
    return 0;
}

static int gen(const struct opts *o, unsigned a_port, unsigned to,
               unsigned b_port, unsigned from, size_t size, double secs,
               const char *hex)
{
    static uint8_t frame[65536];
    int a, b;
    if (size < 14 || size > MAX_DGRAM) {
        return 2;
    }
    setup_pair(a_port, b_port, from, &a, &b, frame);
    if (use_frame(frame, size, hex) < 0) {
        fprintf(stderr, "net_loadgen: the frame is not %zu bytes of hex\n",
                size);
        return 2;
    }
    static struct sender tx;
    static struct receiver rx;
    sender_init(&tx, a, o->gso, frame, size, loopback(to));
    receiver_init(&rx, b, o->gro);

    /* credit: frames considered back (received, or given up as lost) */
    uint64_t sent = 0, received = 0, credit = 0;
    double t0 = now(), end = t0 + secs, last_rx = t0;
    while (now() < end) {
        uint64_t room = sent - credit < WINDOW ? WINDOW - (sent - credit) : 0;
        if (room >= BATCH) {
            sent += sender_send(&tx, BATCH);
        }
        struct pollfd pfd = {.fd = b, .events = POLLIN};
        if (poll(&pfd, 1, room >= BATCH ? 0 : 10) > 0) {
            uint64_t n = receiver_recv(&rx);
            if (n > 0) {
                received += n;
                credit += n;
                last_rx = now();
            }
        } else if (room < BATCH && now() - last_rx > 0.05) {
            /* Frames were lost: open the window again. */
            credit = sent;
            last_rx = now();
        }
    }
    double t = now() - t0;
    /* Count what is still in flight. */
    usleep(50000);
    uint64_t n;
    while ((n = receiver_recv(&rx)) > 0) {
        received += n;
    }
    printf("sent=%llu received=%llu seconds=%.3f\n", (unsigned long long)sent,
           (unsigned long long)received, t);
    return 0;
}

static int rate(const struct opts *o, unsigned a_port, unsigned to,
                unsigned b_port, unsigned from, size_t size, double secs,
                double fps, const char *hex)
{
    static uint8_t frame[65536];
    int a, b;
    if (size < 14 || size > MAX_DGRAM || fps <= 0) {
        return 2;
    }
    setup_pair(a_port, b_port, from, &a, &b, frame);
    if (use_frame(frame, size, hex) < 0) {
        fprintf(stderr, "net_loadgen: the frame is not %zu bytes of hex\n",
                size);
        return 2;
    }
    static struct sender tx;
    static struct receiver rx;
    sender_init(&tx, a, o->gso, frame, size, loopback(to));
    receiver_init(&rx, b, o->gro);
    uint64_t sent = 0, received = 0;
    uint64_t total = (uint64_t)(secs * fps + 0.5);
    double t0 = now(), t = t0;
    while (sent < total) {
        t = now();
        uint64_t due = (uint64_t)((t - t0) * fps) + 1;
        if (due > total) {
            due = total;
        }
        if (due > sent) {
            uint64_t k = due - sent;
            sent += sender_send(&tx, k < RATE_BURST ? (unsigned)k
                                                    : RATE_BURST);
        } else {
            /* Far from the next frame (low rates): sleep in poll(). */
            double wait = (double)sent / fps - (t - t0);
            struct pollfd pfd = {.fd = b, .events = POLLIN};
            if (wait > 300e-6) {
                poll(&pfd, 1, (int)(wait * 1e3));
            }
        }
        received += receiver_recv(&rx);
    }
    double elapsed = now() - t0;
    double end = now() + 0.1;
    while (now() < end) {
        struct pollfd pfd = {.fd = b, .events = POLLIN};
        if (poll(&pfd, 1, 10) > 0) {
            received += receiver_recv(&rx);
        }
    }
    printf("sent=%llu received=%llu seconds=%.3f\n", (unsigned long long)sent,
           (unsigned long long)received, elapsed);
    return 0;
}

static int relay(unsigned in_port, unsigned out_port, unsigned to)
{
    int in = udp_bound(in_port), out = udp_bound(out_port);
    struct sockaddr_in dst = loopback(to);
    uint8_t buf[65536];
    for (;;) {
        struct pollfd pfd = {.fd = in, .events = POLLIN};
        if (poll(&pfd, 1, -1) <= 0) {
            continue;
        }
        for (int i = 0; i < 64; i++) {
            struct sockaddr_in src;
            socklen_t sl = sizeof(src);
            ssize_t r = recvfrom(in, buf, sizeof(buf), MSG_DONTWAIT,
                                 (struct sockaddr *)&src, &sl);
            if (r < 0) {
                break;
            }
            sendto(out, buf, (size_t)r, MSG_DONTWAIT, (struct sockaddr *)&dst,
                   sizeof(dst));
        }
    }
    return 0;
}

/* One UDP_SEGMENT send of n frames of the same size (iov), or n plain
 * datagrams when they differ or n is 1; on a connected socket. */
static void brelay_send(int fd, struct iovec *iov, unsigned n)
{
    unsigned same = 1;
    while (same < n && iov[same].iov_len == iov[0].iov_len) {
        same++;
    }
    if (n > 1 && same == n) {
        union {
            char buf[CMSG_SPACE(sizeof(uint16_t))];
            struct cmsghdr align;
        } ctl;
        struct msghdr h = {.msg_iov = iov,
                           .msg_iovlen = n,
                           .msg_control = ctl.buf,
                           .msg_controllen = sizeof(ctl.buf)};
        struct cmsghdr *c = CMSG_FIRSTHDR(&h);
        uint16_t seg = (uint16_t)iov[0].iov_len;
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(seg));
        memcpy(CMSG_DATA(c), &seg, sizeof(seg));
        if (sendmsg(fd, &h, MSG_DONTWAIT) >= 0) {
            return;
        }
    }
    struct mmsghdr m[BATCH];
    for (unsigned i = 0; i < n; i++) {
        m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
    }
    sendmmsg(fd, m, n, MSG_DONTWAIT);
}

/* The batched baseline: the best a forwarder can do with the sockets
 * alone, as our NIOs use them: both sockets connected (to <from_port>
 * and <to_port>), epoll_wait(), then recvmmsg() of up to BATCH datagrams
 * until the socket is empty, each batch out in one UDP_SEGMENT send. */
static int brelay(unsigned in_port, unsigned out_port, unsigned to,
                  unsigned from)
{
    int in = udp_bound(in_port), out = udp_bound(out_port);
    struct sockaddr_in dst = loopback(to), src = loopback(from);
    if (connect(in, (struct sockaddr *)&src, sizeof(src)) < 0 ||
        connect(out, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
        perror("net_loadgen: connect");
        return 1;
    }
    /* epoll, as our event loop: the fd is registered once. */
    int ep = epoll_create1(0);
    struct epoll_event ee = {.events = EPOLLIN};
    if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, in, &ee) < 0) {
        perror("net_loadgen: epoll");
        return 1;
    }
    static uint8_t bufs[BATCH][2048];
    struct mmsghdr m[BATCH];
    struct iovec iov[BATCH], out_iov[BATCH];
    for (;;) {
        if (epoll_wait(ep, &ee, 1, -1) <= 0) {
            continue;
        }
        int k;
        do {
            for (int i = 0; i < BATCH; i++) {
                iov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
                m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i],
                                               .msg_iovlen = 1};
            }
            k = recvmmsg(in, m, BATCH, MSG_DONTWAIT, NULL);
            for (int i = 0; i < k; i++) {
                out_iov[i] = (struct iovec){bufs[i], m[i].msg_len};
            }
            if (k > 0) {
                brelay_send(out, out_iov, (unsigned)k);
            }
        } while (k == BATCH);
    }
    return 0;
}

static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The kernel's cost of forwarding with no wake-ups: one thread fills the
 * input socket with <batch> datagrams of <size> bytes (not timed), then
 * reads them with one recvmmsg() and sends them with one UDP_SEGMENT
 * send (one sendmmsg() of single datagrams when <gso> is 0), timed with
 * the thread's CPU clock; the output's receiver is drained untimed.
 * <connected>: both sockets connected, no addresses in the calls.
 * Prints the CPU time per frame in us. */
static int floor_cost(unsigned batch, int connected, int gso, size_t size)
{
    if (batch < 1 || batch > BATCH || size < 14 || size > 2048) {
        return 2;
    }
    struct sockaddr_in a_in = loopback(0), a_src = loopback(0),
                       a_out = loopback(0), a_dst = loopback(0);
    int fds[4];
    struct sockaddr_in *addrs[4] = {&a_src, &a_in, &a_out, &a_dst};
    for (int i = 0; i < 4; i++) {
        socklen_t l = sizeof(*addrs[i]);
        fds[i] = udp_bound(0);
        getsockname(fds[i], (struct sockaddr *)addrs[i], &l);
    }
    int src = fds[0], in = fds[1], out = fds[2], dst = fds[3];
    if (connected &&
        (connect(in, (struct sockaddr *)&a_src, sizeof(a_src)) < 0 ||
         connect(out, (struct sockaddr *)&a_dst, sizeof(a_dst)) < 0)) {
        perror("net_loadgen: connect");
        return 1;
    }
    static uint8_t frame[2048], bufs[BATCH][2048], junk[BATCH][2048];
    struct mmsghdr sm[BATCH], rm[BATCH], om[BATCH], dm[BATCH];
    struct iovec siov[BATCH], riov[BATCH], oiov[BATCH], diov[BATCH];
    struct sockaddr_in from[BATCH];
    for (unsigned i = 0; i < BATCH; i++) {
        siov[i] = (struct iovec){frame, size};
        sm[i].msg_hdr = (struct msghdr){.msg_name = &a_in,
                                        .msg_namelen = sizeof(a_in),
                                        .msg_iov = &siov[i],
                                        .msg_iovlen = 1};
        diov[i] = (struct iovec){junk[i], sizeof(junk[i])};
        dm[i].msg_hdr = (struct msghdr){.msg_iov = &diov[i],
                                        .msg_iovlen = 1};
    }
    /* 200000 frames: enough to be steady, a second or two. */
    unsigned rounds = 200000 / batch;
    double spent = 0;
    unsigned long frames = 0;
    for (unsigned r = 0; r < rounds; r++) {
        sendmmsg(src, sm, batch, 0);
        double t0 = thread_cpu();
        for (unsigned i = 0; i < batch; i++) {
            riov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
            rm[i].msg_hdr = (struct msghdr){
                .msg_name = connected ? NULL : &from[i],
                .msg_namelen = connected ? 0 : sizeof(from[i]),
                .msg_iov = &riov[i],
                .msg_iovlen = 1};
        }
        int k = recvmmsg(in, rm, batch, MSG_DONTWAIT, NULL);
        for (int i = 0; i < k; i++) {
            oiov[i] = (struct iovec){bufs[i], rm[i].msg_len};
        }
        if (k > 1 && gso) {
            union {
                char buf[CMSG_SPACE(sizeof(uint16_t))];
                struct cmsghdr align;
            } ctl;
            struct msghdr h = {.msg_name = connected ? NULL : &a_dst,
                               .msg_namelen = connected ? 0 : sizeof(a_dst),
                               .msg_iov = oiov,
                               .msg_iovlen = (size_t)k,
                               .msg_control = ctl.buf,
                               .msg_controllen = sizeof(ctl.buf)};
            struct cmsghdr *c = CMSG_FIRSTHDR(&h);
            uint16_t seg = (uint16_t)size;
            c->cmsg_level = SOL_UDP;
            c->cmsg_type = UDP_SEGMENT;
            c->cmsg_len = CMSG_LEN(sizeof(seg));
            memcpy(CMSG_DATA(c), &seg, sizeof(seg));
            sendmsg(out, &h, MSG_DONTWAIT);
        } else if (k > 0) {
            for (int i = 0; i < k; i++) {
                om[i].msg_hdr = (struct msghdr){
                    .msg_name = connected ? NULL : &a_dst,
                    .msg_namelen = connected ? 0 : sizeof(a_dst),
                    .msg_iov = &oiov[i],
                    .msg_iovlen = 1};
            }
            sendmmsg(out, om, (unsigned)k, MSG_DONTWAIT);
        }
        spent += thread_cpu() - t0;
        frames += k > 0 ? (unsigned long)k : 0;
        while (recvmmsg(dst, dm, BATCH, MSG_DONTWAIT, NULL) > 0) {
        }
    }
    printf("batch=%u connected=%d gso=%d size=%zu us_per_frame=%.3f\n",
           batch, connected, gso, size, spent / (double)frames * 1e6);
    return 0;
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    while (argc > 1 && argv[1][0] == '-') {
        if (!strcmp(argv[1], "-g")) {
            o.gso = 1;
        } else if (!strcmp(argv[1], "-G")) {
            o.gro = 1;
        } else {
            break;
        }
        argv++;
        argc--;
    }
    if ((argc == 8 || argc == 9) && !strcmp(argv[1], "gen")) {
        return gen(&o, (unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                   (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]),
                   (size_t)atoi(argv[6]), atof(argv[7]),
                   argc == 9 ? argv[8] : NULL);
    }
    if ((argc == 9 || argc == 10) && !strcmp(argv[1], "rate")) {
        return rate(&o, (unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                    (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]),
                    (size_t)atoi(argv[6]), atof(argv[7]), atof(argv[8]),
                    argc == 10 ? argv[9] : NULL);
    }
    if (argc == 5 && !strcmp(argv[1], "relay")) {
        return relay((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                     (unsigned)atoi(argv[4]));
    }
    if (argc == 6 && !strcmp(argv[1], "floor")) {
        return floor_cost((unsigned)atoi(argv[2]), atoi(argv[3]),
                          atoi(argv[4]), (size_t)atoi(argv[5]));
    }
    if (argc == 6 && !strcmp(argv[1], "brelay")) {
        return brelay((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                      (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]));
    }
    fprintf(stderr, "usage: net_loadgen [-g] [-G] gen|rate ... | relay ... "
                    "| brelay ... | floor ...\n");
    return 2;
}
