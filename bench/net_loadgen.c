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
 *   net_loadgen relay <in_port> <out_port> <to_port>
 *       The baseline forwarder: every datagram received on in_port is
 *       sent from out_port to 127.0.0.1:<to_port>, one recvfrom() and
 *       one sendto() per frame, as the NIO layer does. Runs until killed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define WINDOW 128
#define BATCH 32
#define RATE_BURST 16

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

static int gen(unsigned a_port, unsigned to, unsigned b_port, unsigned from,
               size_t size, double secs, const char *hex)
{
    static uint8_t frame[65536];
    int a, b;
    if (size < 14 || size > sizeof(frame)) {
        return 2;
    }
    setup_pair(a_port, b_port, from, &a, &b, frame);
    if (use_frame(frame, size, hex) < 0) {
        fprintf(stderr, "net_loadgen: the frame is not %zu bytes of hex\n",
                size);
        return 2;
    }
    struct sockaddr_in dst = loopback(to);

    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        iov[i] = (struct iovec){frame, size};
        msgs[i].msg_hdr = (struct msghdr){.msg_name = &dst,
                                          .msg_namelen = sizeof(dst),
                                          .msg_iov = &iov[i],
                                          .msg_iovlen = 1};
    }
    static uint8_t rbuf[BATCH][2048];
    struct mmsghdr rmsgs[BATCH];
    struct iovec riov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        riov[i] = (struct iovec){rbuf[i], sizeof(rbuf[i])};
        rmsgs[i].msg_hdr = (struct msghdr){.msg_iov = &riov[i],
                                           .msg_iovlen = 1};
    }

    /* credit: frames considered back (received, or given up as lost) */
    uint64_t sent = 0, received = 0, credit = 0;
    double t0 = now(), end = t0 + secs, last_rx = t0;
    while (now() < end) {
        uint64_t room = sent - credit < WINDOW ? WINDOW - (sent - credit) : 0;
        if (room >= BATCH) {
            int n = sendmmsg(a, msgs, BATCH, 0);
            if (n > 0) {
                sent += (uint64_t)n;
            }
        }
        struct pollfd pfd = {.fd = b, .events = POLLIN};
        if (poll(&pfd, 1, room >= BATCH ? 0 : 10) > 0) {
            int n = recvmmsg(b, rmsgs, BATCH, MSG_DONTWAIT, NULL);
            if (n > 0) {
                received += (uint64_t)n;
                credit += (uint64_t)n;
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
    int n;
    while ((n = recvmmsg(b, rmsgs, BATCH, MSG_DONTWAIT, NULL)) > 0) {
        received += (uint64_t)n;
    }
    printf("sent=%llu received=%llu seconds=%.3f\n", (unsigned long long)sent,
           (unsigned long long)received, t);
    return 0;
}

static int rate(unsigned a_port, unsigned to, unsigned b_port, unsigned from,
                size_t size, double secs, double fps, const char *hex)
{
    static uint8_t frame[65536];
    int a, b;
    if (size < 14 || size > sizeof(frame) || fps <= 0) {
        return 2;
    }
    setup_pair(a_port, b_port, from, &a, &b, frame);
    if (use_frame(frame, size, hex) < 0) {
        fprintf(stderr, "net_loadgen: the frame is not %zu bytes of hex\n",
                size);
        return 2;
    }
    struct sockaddr_in dst = loopback(to);
    struct mmsghdr msgs[RATE_BURST];
    struct iovec iov[RATE_BURST];
    for (int i = 0; i < RATE_BURST; i++) {
        iov[i] = (struct iovec){frame, size};
        msgs[i].msg_hdr = (struct msghdr){.msg_name = &dst,
                                          .msg_namelen = sizeof(dst),
                                          .msg_iov = &iov[i],
                                          .msg_iovlen = 1};
    }
    static uint8_t rbuf[BATCH][2048];
    struct mmsghdr rmsgs[BATCH];
    struct iovec riov[BATCH];
    for (int i = 0; i < BATCH; i++) {
        riov[i] = (struct iovec){rbuf[i], sizeof(rbuf[i])};
        rmsgs[i].msg_hdr = (struct msghdr){.msg_iov = &riov[i],
                                           .msg_iovlen = 1};
    }
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
            int n = sendmmsg(a, msgs, k < RATE_BURST ? (unsigned)k
                                                     : RATE_BURST, 0);
            if (n > 0) {
                sent += (uint64_t)n;
            }
        } else {
            /* Far from the next frame (low rates): sleep in poll(). */
            double wait = (double)sent / fps - (t - t0);
            struct pollfd pfd = {.fd = b, .events = POLLIN};
            if (wait > 300e-6) {
                poll(&pfd, 1, (int)(wait * 1e3));
            }
        }
        int n = recvmmsg(b, rmsgs, BATCH, MSG_DONTWAIT, NULL);
        if (n > 0) {
            received += (uint64_t)n;
        }
    }
    double elapsed = now() - t0;
    double end = now() + 0.1;
    while (now() < end) {
        struct pollfd pfd = {.fd = b, .events = POLLIN};
        if (poll(&pfd, 1, 10) > 0) {
            int n = recvmmsg(b, rmsgs, BATCH, MSG_DONTWAIT, NULL);
            if (n > 0) {
                received += (uint64_t)n;
            }
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

int main(int argc, char **argv)
{
    if ((argc == 8 || argc == 9) && !strcmp(argv[1], "gen")) {
        return gen((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                   (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]),
                   (size_t)atoi(argv[6]), atof(argv[7]),
                   argc == 9 ? argv[8] : NULL);
    }
    if ((argc == 9 || argc == 10) && !strcmp(argv[1], "rate")) {
        return rate((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                    (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]),
                    (size_t)atoi(argv[6]), atof(argv[7]), atof(argv[8]),
                    argc == 10 ? argv[9] : NULL);
    }
    if (argc == 5 && !strcmp(argv[1], "relay")) {
        return relay((unsigned)atoi(argv[2]), (unsigned)atoi(argv[3]),
                     (unsigned)atoi(argv[4]));
    }
    fprintf(stderr, "usage: net_loadgen gen|rate|relay ...\n");
    return 2;
}
