/*
 * NIO core and types: UDP wire format and source filtering, udp_auto,
 * UNIX sockets, null, fifo, size checks (oversize, empty), statistics,
 * receive-handler rules, filters (freq_drop, capture file format per link
 * type), bandwidth window, save lines. Shared spec network.md §1-§7.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/nio.h"
#include "net/nio_filter.h"
#include "net_harness.h"

struct rx_log {
    int n;
    size_t len[16];
    uint8_t last[64];
};

static void rx_count(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct rx_log *r = arg;
    (void)nio;
    if (r->n < 16) {
        r->len[r->n] = len;
    }
    r->n++;
    memcpy(r->last, frame, len < sizeof(r->last) ? len : sizeof(r->last));
}

/* A UDP socket on 127.0.0.1, port chosen by the kernel. */
static int udp_sock(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    socklen_t len = sizeof(sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    *port = ntohs(sa.sin_port);
    return fd;
}

static void udp_to(int fd, unsigned port, const void *buf, size_t len)
{
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&sa,
                            sizeof(sa)),
                     (ssize_t)len);
}

/* A UDP NIO talking to a test socket, both on loopback. */
struct udp_pair {
    struct evloop *ev;
    struct nio *nio;
    int peer;
    unsigned peer_port, nio_port;
};

static void udp_pair_init(struct udp_pair *u)
{
    u->ev = evloop_create();
    u->peer = udp_sock(&u->peer_port);
    assert_int_equal(nio_create_udp(&u->nio, u->ev, NULL, "u1", 0,
                                    "127.0.0.1", u->peer_port),
                     0);
    u->nio_port = nio_udp_local_port(u->nio);
    assert_true(u->nio_port > 0);
}

static void udp_pair_fini(struct udp_pair *u)
{
    nio_destroy(u->nio);
    close(u->peer);
    evloop_destroy(u->ev);
}

static void test_udp_bare_frames_both_ways(void **state)
{
    (void)state;
    struct udp_pair u;
    udp_pair_init(&u);
    struct rx_log r = {0};
    assert_int_equal(nio_set_rx(u.nio, rx_count, &r), 0);

    /* A 42-byte ARP-sized frame from the peer arrives as is. */
    uint8_t f[42];
    for (size_t i = 0; i < sizeof(f); i++) {
        f[i] = (uint8_t)i;
    }
    udp_to(u.peer, u.nio_port, f, sizeof(f));
    pump(u.ev, 20);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.len[0], 42);
    assert_memory_equal(r.last, f, 42);

    /* A frame sent on the NIO is one bare datagram from nio_port. */
    assert_int_equal(nio_send(u.nio, f, 20), 20);
    uint8_t got[100];
    struct sockaddr_in src;
    socklen_t sl = sizeof(src);
    ssize_t n = recvfrom(u.peer, got, sizeof(got), 0, (struct sockaddr *)&src,
                         &sl);
    assert_int_equal(n, 20);
    assert_memory_equal(got, f, 20);
    assert_int_equal(ntohs(src.sin_port), u.nio_port);

    struct nio_stats st;
    nio_get_stats(u.nio, &st);
    assert_int_equal(st.pkts_in, 1);
    assert_int_equal(st.bytes_in, 42);
    assert_int_equal(st.pkts_out, 1);
    assert_int_equal(st.bytes_out, 20);
    nio_reset_stats(u.nio);
    nio_get_stats(u.nio, &st);
    assert_int_equal(st.pkts_in + st.pkts_out + st.bytes_in + st.bytes_out,
                     0);
    udp_pair_fini(&u);
}

static void test_udp_drops_foreign_empty_oversize(void **state)
{
    (void)state;
    struct udp_pair u;
    udp_pair_init(&u);
    struct rx_log r = {0};
    assert_int_equal(nio_set_rx(u.nio, rx_count, &r), 0);

    unsigned other_port;
    int other = udp_sock(&other_port);
    uint8_t f[64] = {1, 2, 3};
    udp_to(other, u.nio_port, f, sizeof(f));  /* wrong source port */
    udp_to(u.peer, u.nio_port, f, 0);         /* empty datagram */
    static uint8_t big[40000];
    udp_to(u.peer, u.nio_port, big, sizeof(big)); /* > NIO_MAX_FRAME */
    udp_to(u.peer, u.nio_port, big, NIO_MAX_FRAME); /* exactly the max */
    udp_to(u.peer, u.nio_port, f, sizeof(f));
    pump(u.ev, 30);

    assert_int_equal(r.n, 2);
    assert_int_equal(r.len[0], NIO_MAX_FRAME);
    assert_int_equal(r.len[1], 64);
    struct nio_stats st;
    nio_get_stats(u.nio, &st);
    assert_int_equal(st.pkts_in, 2);
    assert_int_equal(st.drop_foreign, 1);
    assert_int_equal(st.drop_empty, 1);
    assert_int_equal(st.drop_oversize, 1);
    close(other);
    udp_pair_fini(&u);
}

static void test_udp_port_in_use_is_an_error(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct nio *a, *b;
    assert_int_equal(nio_create_udp(&a, ev, NULL, "a", 0, "127.0.0.1", 9),
                     0);
    unsigned port = nio_udp_local_port(a);
    assert_int_equal(
        nio_create_udp(&b, ev, NULL, "b", port, "127.0.0.1", 9), -EADDRINUSE);
    assert_int_equal(nio_create_udp(&b, ev, NULL, "b", 1, "no.such.host.invalid",
                                    9) < 0,
                     1);
    char line[128];
    snprintf(line, sizeof(line), "create_udp a %u 127.0.0.1 9", port);
    char got[128];
    assert_true(nio_describe(a, got, sizeof(got)) > 0);
    assert_string_equal(got, line);
    nio_destroy(a);
    evloop_destroy(ev);
}

static void test_udp_ipv6_peer(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    int s = socket(AF_INET6, SOCK_DGRAM, 0);
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                              .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(s);
        evloop_destroy(ev);
        skip();
    }
    socklen_t sl = sizeof(sa);
    getsockname(s, (struct sockaddr *)&sa, &sl);
    struct nio *n;
    assert_int_equal(
        nio_create_udp(&n, ev, NULL, "v6", 0, "::1", ntohs(sa.sin6_port)), 0);
    struct rx_log r = {0};
    nio_set_rx(n, rx_count, &r);
    sa.sin6_port = htons((uint16_t)nio_udp_local_port(n));
    uint8_t f[60] = {0xAA};
    sendto(s, f, sizeof(f), 0, (struct sockaddr *)&sa, sizeof(sa));
    pump(ev, 20);
    assert_int_equal(r.n, 1);
    assert_int_equal(nio_send(n, f, 60), 60);
    assert_int_equal(recv(s, f, sizeof(f), 0), 60);
    nio_destroy(n);
    close(s);
    evloop_destroy(ev);
}

static void test_udp_auto(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    unsigned probe;
    int ps = udp_sock(&probe);
    close(ps); /* a port that was just free: start the range there */
    struct nio *a, *b;
    int rc = nio_create_udp_auto(&a, ev, NULL, "ua", "127.0.0.1", probe,
                                 probe + 20);
    assert_int_equal(rc, 0);
    rc = nio_create_udp_auto(&b, ev, NULL, "ub", "127.0.0.1", probe,
                             probe + 20);
    assert_int_equal(rc, 0);
    unsigned pa = nio_udp_local_port(a), pb = nio_udp_local_port(b);
    assert_true(pa >= probe && pb > pa && pb <= probe + 20);

    /* Not connected: sends fail, receives from anyone. */
    uint8_t f[60] = {7};
    assert_int_equal(nio_send(a, f, 60), -ENOTCONN);
    struct rx_log r = {0};
    nio_set_rx(a, rx_count, &r);
    unsigned sp;
    int s = udp_sock(&sp);
    udp_to(s, pa, f, 60);
    pump(ev, 20);
    assert_int_equal(r.n, 1);

    /* Connect a to the test socket: then only that source counts. */
    assert_int_equal(nio_udp_auto_connect(a, "127.0.0.1", sp), 0);
    assert_int_equal(nio_udp_auto_connect(a, "127.0.0.1", sp), -EISCONN);
    assert_int_equal(nio_send(a, f, 60), 60);
    assert_int_equal(recv(s, f, sizeof(f), 0), 60);
    unsigned op;
    int other = udp_sock(&op);
    udp_to(other, pa, f, 60);
    udp_to(s, pa, f, 60);
    pump(ev, 20);
    assert_int_equal(r.n, 2);
    char line[128], want[128];
    nio_describe(a, line, sizeof(line));
    snprintf(want, sizeof(want), "create_udp ua %u 127.0.0.1 %u", pa, sp);
    assert_string_equal(line, want);
    nio_describe(b, line, sizeof(line));
    snprintf(want, sizeof(want), "create_udp ub %u (null) -1", pb);
    assert_string_equal(line, want);
    close(s);
    close(other);
    nio_destroy(a);
    nio_destroy(b);
    evloop_destroy(ev);
}

static void test_unix_sockets(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    char pa[64], pb[64];
    snprintf(pa, sizeof(pa), "/tmp/nio_test_a.%d", (int)getpid());
    snprintf(pb, sizeof(pb), "/tmp/nio_test_b.%d", (int)getpid());
    unlink(pa);
    unlink(pb);
    struct nio *a, *b, *c;
    assert_int_equal(nio_create_unix(&a, ev, NULL, "a", pa, pb), 0);
    assert_int_equal(nio_create_unix(&b, ev, NULL, "b", pb, pa), 0);
    /* The path exists now: a third one cannot bind it. */
    assert_int_equal(nio_create_unix(&c, ev, NULL, "c", pa, pb), -EADDRINUSE);
    char longp[200];
    memset(longp, 'x', sizeof(longp) - 1);
    longp[sizeof(longp) - 1] = 0;
    assert_int_equal(nio_create_unix(&c, ev, NULL, "c", longp, pb),
                     -ENAMETOOLONG);

    struct rx_log r = {0};
    nio_set_rx(b, rx_count, &r);
    uint8_t f[100] = {0x55};
    assert_int_equal(nio_send(a, f, 100), 100);
    pump(ev, 20);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.len[0], 100);
    nio_destroy(a);
    nio_destroy(b);
    struct stat stt;
    assert_int_equal(stat(pa, &stt), -1); /* unlinked on delete */
    evloop_destroy(ev);
}

static void test_null_and_fifo(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct nio *n;
    assert_int_equal(nio_create_null(&n, ev, NULL, "n"), 0);
    uint8_t f[64] = {0};
    assert_int_equal(nio_send(n, f, 64), 64);
    struct nio_stats st;
    nio_get_stats(n, &st);
    assert_int_equal(st.pkts_out, 1);
    char line[64];
    nio_describe(n, line, sizeof(line));
    assert_string_equal(line, "create_null n");
    nio_destroy(n);

    struct nio *a, *b;
    nio_create_fifo(&a, ev, NULL, "fa");
    nio_create_fifo(&b, ev, NULL, "fb");
    assert_int_equal(nio_send(a, f, 64), -ENOTCONN);
    struct rx_log r = {0};
    assert_int_equal(nio_set_rx(b, rx_count, &r), 0); /* before connect */
    assert_int_equal(nio_fifo_crossconnect(a, b), 0);
    assert_int_equal(nio_send(a, f, 64), 64);
    pump(ev, 10);
    assert_int_equal(r.n, 1);
    assert_int_equal(nio_describe(a, line, sizeof(line)), -ENOTSUP);
    nio_destroy(a);
    nio_destroy(b);
    evloop_destroy(ev);
}

static void test_one_receiver_per_nio(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct probe p;
    assert_int_equal(probe_init(&p, ev, "p"), 0);
    struct rx_log r = {0};
    assert_int_equal(nio_set_rx(p.peer, rx_count, &r), -EBUSY);
    nio_clear_rx(p.peer);
    assert_int_equal(nio_set_rx(p.peer, rx_count, &r), 0);
    uint8_t f[60] = {1};
    nio_send(p.port, f, 60);
    pump(ev, 10);
    assert_int_equal(r.n, 1);
    assert_int_equal(p.n, 0);
    assert_int_equal(nio_users(p.port), 0);
    nio_hold(p.port);
    assert_int_equal(nio_users(p.port), 1);
    nio_release(p.port);
    probe_fini(&p);
    evloop_destroy(ev);
}

static void test_freq_drop(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct probe p;
    probe_init(&p, ev, "p");
    char *three[] = {"3"}, *all[] = {"-1"}, *none[] = {"0"};

    assert_int_equal(nio_filter_bind(p.peer, NIO_DIR_RX, "nonsense"),
                     -ENOENT);
    assert_int_equal(nio_filter_unbind(p.peer, NIO_DIR_RX), -ENOENT);
    assert_int_equal(nio_filter_setup(p.peer, NIO_DIR_RX, 1, three),
                     -ENOENT);
    assert_int_equal(nio_filter_bind(p.peer, NIO_DIR_RX, "freq_drop"), 0);
    assert_string_equal(nio_filter_name(p.peer, NIO_DIR_RX), "freq_drop");
    assert_int_equal(nio_filter_setup(p.peer, NIO_DIR_RX, 2, three),
                     -EINVAL);
    assert_int_equal(nio_filter_setup(p.peer, NIO_DIR_RX, 1, three), 0);

    /* spec §7.2 [obs]: with N = 3, frames 3 and 6 of six are dropped. */
    uint8_t f[60];
    for (int i = 1; i <= 6; i++) {
        f[0] = (uint8_t)i;
        nio_send(p.port, f, 60);
    }
    pump(ev, 10);
    assert_int_equal(p.n, 4);
    assert_int_equal(p.frames[0].data[0], 1);
    assert_int_equal(p.frames[1].data[0], 2);
    assert_int_equal(p.frames[2].data[0], 4);
    assert_int_equal(p.frames[3].data[0], 5);
    struct nio_stats st;
    nio_get_stats(p.peer, &st);
    assert_int_equal(st.pkts_in, 4); /* dropped frames are not counted */
    assert_int_equal(st.drop_filter, 2);

    /* Unbind: inactive but attached; a second unbind is fine. */
    assert_int_equal(nio_filter_unbind(p.peer, NIO_DIR_RX), 0);
    assert_int_equal(nio_filter_unbind(p.peer, NIO_DIR_RX), 0);
    probe_reset(&p);
    nio_send(p.port, f, 60);
    nio_send(p.port, f, 60);
    nio_send(p.port, f, 60);
    pump(ev, 10);
    assert_int_equal(p.n, 3);

    /* Setup again without rebinding; -1 drops everything on TX. */
    assert_int_equal(nio_filter_bind(p.port, NIO_DIR_TX, "freq_drop"), 0);
    assert_int_equal(nio_filter_setup(p.port, NIO_DIR_TX, 1, all), 0);
    assert_int_equal(nio_send(p.port, f, 60), -EPERM);
    nio_get_stats(p.port, &st);
    assert_int_equal(st.pkts_out, 9); /* the drop is not counted */
    assert_int_equal(nio_filter_setup(p.port, NIO_DIR_TX, 1, none), 0);
    assert_int_equal(nio_send(p.port, f, 60), 60);
    assert_int_equal(nio_dir_from_int(0), NIO_DIR_RX);
    assert_int_equal(nio_dir_from_int(1), NIO_DIR_TX);
    assert_int_equal(nio_dir_from_int(7), NIO_DIR_BOTH);
    probe_fini(&p);
    evloop_destroy(ev);
}

static size_t read_file(const char *path, uint8_t *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return 0;
    }
    size_t n = fread(buf, 1, size, f);
    fclose(f);
    return n;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void test_capture_header_per_link_type(void **state)
{
    (void)state;
    /* spec §7.5: name -> LINKTYPE written in the file */
    static const struct {
        const char *name;
        uint32_t linktype;
    } types[] = {{"en10mb", 1},  {"c_hdlc", 104},     {"ppp_serial", 50},
                 {"frelay", 107}, {"atm_rfc1483", 100}, {"EN10MB", 1},
                 {"bogus", 1}};
    struct evloop *ev = evloop_create();
    struct nio *n;
    nio_create_null(&n, ev, NULL, "cap");
    char path[64];
    snprintf(path, sizeof(path), "/tmp/nio_cap.%d.pcap", (int)getpid());
    assert_int_equal(nio_filter_bind(n, NIO_DIR_BOTH, "capture"), 0);
    char *bad[] = {"en10mb"};
    assert_int_equal(nio_filter_setup(n, NIO_DIR_BOTH, 1, bad), -EINVAL);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char *args[] = {(char *)types[i].name, path};
        assert_int_equal(nio_filter_setup(n, NIO_DIR_BOTH, 2, args), 0);
        /* Header on disk at once, before any frame. */
        uint8_t h[64];
        assert_int_equal(read_file(path, h, sizeof(h)), 24);
        assert_int_equal(le32(h), 0xA1B2C3D4u);
        assert_int_equal(h[4] | h[5] << 8, 2);
        assert_int_equal(h[6] | h[7] << 8, 4);
        assert_int_equal(le32(h + 16), 65535);
        assert_int_equal(le32(h + 20), types[i].linktype);
    }
    assert_int_equal(nio_capture_dlt("frelay"), 107);
    assert_int_equal(nio_capture_dlt("nope"), -ENOENT);
    nio_destroy(n);
    unlink(path);
    evloop_destroy(ev);
}

static void test_capture_records_both_directions(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct probe p;
    probe_init(&p, ev, "p");
    char path[64];
    snprintf(path, sizeof(path), "/tmp/nio_cap2.%d.pcap", (int)getpid());
    char *args[] = {"en10mb", path};
    nio_filter_bind(p.peer, NIO_DIR_BOTH, "capture");
    assert_int_equal(nio_filter_setup(p.peer, NIO_DIR_BOTH, 2, args), 0);
    uint8_t f[70];
    memset(f, 0xAB, sizeof(f));
    nio_send(p.peer, f, 70); /* TX on the captured NIO */
    nio_send(p.port, f, 50); /* RX on it */
    pump(ev, 10);
    static uint8_t buf[4096];
    /* Flushed per record: readable while the capture runs. */
    size_t n = read_file(path, buf, sizeof(buf));
    assert_int_equal(n, 24 + 16 + 70 + 16 + 50);
    assert_int_equal(le32(buf + 24 + 8), 70);  /* caplen */
    assert_int_equal(le32(buf + 24 + 12), 70); /* len */
    assert_int_equal(le32(buf + 24 + 16 + 70 + 8), 50);
    assert_true(le32(buf + 24) > 1600000000u); /* wall-clock seconds */
    /* Unbind closes the file; later frames are not written. */
    nio_filter_unbind(p.peer, NIO_DIR_BOTH);
    nio_send(p.peer, f, 70);
    assert_int_equal(read_file(path, buf, sizeof(buf)), n);
    probe_fini(&p);
    unlink(path);
    evloop_destroy(ev);
}

static void test_bandwidth_window(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct nio *n;
    nio_create_null(&n, ev, NULL, "bw");
    uint8_t f[1000] = {0};
    assert_true(nio_may_transmit(n));
    nio_set_bandwidth(n, 100); /* 100 Kbit/s: 3840 bytes per 300 ms */
    assert_int_equal(nio_get_bandwidth(n), 100);
    assert_true(nio_may_transmit(n));
    for (int i = 0; i < 4; i++) {
        nio_send(n, f, sizeof(f));
    }
    assert_false(nio_may_transmit(n));
    /* After the window (300 ms) the bytes have aged out. */
    usleep(350 * 1000);
    assert_true(nio_may_transmit(n));
    nio_set_bandwidth(n, 0);
    for (int i = 0; i < 100; i++) {
        nio_send(n, f, sizeof(f));
    }
    assert_true(nio_may_transmit(n));
    nio_destroy(n);
    evloop_destroy(ev);
}

static void test_send_to_nothing(void **state)
{
    (void)state;
    uint8_t f[10] = {0};
    assert_int_equal(nio_send(NULL, f, 10), -ENXIO);
    assert_string_equal(nio_type_name(NIO_TYPE_LINUX_ETH), "linux_eth");
    struct evloop *ev = evloop_create();
    struct nio *n;
    assert_int_equal(nio_create_null(&n, ev, NULL, ""), -EINVAL);
    assert_int_equal(nio_create_null(&n, ev, NULL, "x"), 0);
    assert_int_equal(nio_rename(n, "y"), 0);
    assert_string_equal(nio_name(n), "y");
    assert_int_equal(nio_get_type(n), NIO_TYPE_NULL);
    nio_destroy(n);
    evloop_destroy(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_udp_bare_frames_both_ways),
        cmocka_unit_test(test_udp_drops_foreign_empty_oversize),
        cmocka_unit_test(test_udp_port_in_use_is_an_error),
        cmocka_unit_test(test_udp_ipv6_peer),
        cmocka_unit_test(test_udp_auto),
        cmocka_unit_test(test_unix_sockets),
        cmocka_unit_test(test_null_and_fifo),
        cmocka_unit_test(test_one_receiver_per_nio),
        cmocka_unit_test(test_freq_drop),
        cmocka_unit_test(test_capture_header_per_link_type),
        cmocka_unit_test(test_capture_records_both_directions),
        cmocka_unit_test(test_bandwidth_window),
        cmocka_unit_test(test_send_to_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
