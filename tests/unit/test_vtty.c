/*
 * vtty: the telnet server with real sockets on loopback (negotiation,
 * greeting, replay, input decoding, Ctrl-], several clients, slow and
 * vanishing clients, back-pressure), the terminal with stdin/stdout moved
 * onto pipes and files, injection and notification.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/evloop.h"
#include "core/vtty.h"
#include "core/vtty_internal.h"

#define IAC "\xff"
/* What the server sends first (hypervisor.md §7.6). */
static const char hello_opts[] = IAC "\xfd\x18" IAC "\xfb\x01" IAC "\xfb\x03"
                                 IAC "\xfe\x22";
#define HELLO_LEN 12
static const char greeting[] =
    "Connected to Dynamips VM \"R1\" (ID 3, type c7200) - Console port\r\n"
    "Press ENTER to get the prompt.\r\n";

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void msleep(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* ----------------------------------------------------------- fixture */

struct fx {
    struct evloop *ev;
    struct vtty *vt;
    pthread_mutex_t lock;
    int notified;
    int notify_in_loop;
    int keys[16];
    int nkeys;
    struct vtty *key_vt;
};

static void on_notify(void *arg)
{
    struct fx *f = arg;
    int in_loop = evloop_in_loop(f->ev);
    pthread_mutex_lock(&f->lock);
    f->notified++;
    f->notify_in_loop = in_loop;
    pthread_mutex_unlock(&f->lock);
}

static void on_monitor(void *arg, struct vtty *vt, int key)
{
    struct fx *f = arg;
    pthread_mutex_lock(&f->lock);
    if (f->nkeys < 16) {
        f->keys[f->nkeys++] = key;
    }
    f->key_vt = vt;
    pthread_mutex_unlock(&f->lock);
}

static struct vtty_config tcp_cfg(void)
{
    struct vtty_config c = {
        .type = VTTY_TCP,
        .tcp_port = 0,
        .vm_name = "R1",
        .vm_id = 3,
        .platform = "c7200",
        .port_name = "Console",
    };
    return c;
}

static struct fx *fx_new(const struct vtty_config *cfg)
{
    struct fx *f = calloc(1, sizeof(*f));
    pthread_mutex_init(&f->lock, NULL);
    f->ev = evloop_create();
    assert_non_null(f->ev);
    assert_int_equal(evloop_start_thread(f->ev), 0);
    f->vt = vtty_create(f->ev, cfg, NULL);
    assert_non_null(f->vt);
    vtty_set_notify(f->vt, on_notify, f);
    return f;
}

static void fx_free(struct fx *f)
{
    vtty_destroy(f->vt);
    evloop_destroy(f->ev);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

static int fx_get(struct fx *f, int *v)
{
    pthread_mutex_lock(&f->lock);
    int r = *v;
    pthread_mutex_unlock(&f->lock);
    return r;
}

/* ----------------------------------------------------------- clients */

static int client_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

/* Read until len bytes came or timeout; returns the count. */
static size_t read_n(int fd, char *buf, size_t len, unsigned timeout_ms)
{
    size_t got = 0;
    uint64_t end = now_ms() + timeout_ms;
    while (got < len) {
        int64_t left = (int64_t)(end - now_ms());
        if (left <= 0) {
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0) {
            continue;
        }
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    return got;
}

/* Read what arrives within ms (at most cap bytes). */
static size_t read_for(int fd, char *buf, size_t cap, unsigned ms)
{
    return read_n(fd, buf, cap, ms);
}

/* Connect and consume negotiation + greeting (checked). */
static int client_connect_greeted(int port)
{
    int fd = client_connect(port);
    size_t want = HELLO_LEN + strlen(greeting);
    char buf[256];
    assert_int_equal(read_n(fd, buf, want, 2000), want);
    assert_memory_equal(buf, hello_opts, HELLO_LEN);
    assert_memory_equal(buf + HELLO_LEN, greeting, strlen(greeting));
    return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
    assert_int_equal(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Collect n guest input bytes through vtty_getc. */
static size_t get_input(struct vtty *vt, char *buf, size_t n,
                        unsigned timeout_ms)
{
    size_t got = 0;
    uint64_t end = now_ms() + timeout_ms;
    while (got < n && now_ms() < end) {
        int c = vtty_getc(vt);
        if (c < 0) {
            msleep(1);
            continue;
        }
        buf[got++] = (char)c;
    }
    return got;
}

static int nclients(struct vtty *vt)
{
    pthread_mutex_lock(&vt->out_lock);
    int n = vt->nclients;
    pthread_mutex_unlock(&vt->out_lock);
    return n;
}

static int wait_clients(struct vtty *vt, int n)
{
    uint64_t end = now_ms() + 2000;
    while (nclients(vt) != n) {
        if (now_ms() > end) {
            return 0;
        }
        msleep(1);
    }
    return 1;
}

/* ------------------------------------------------------------- tests */

static void test_tcp_port_zero_picks_port(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int port = vtty_tcp_port(f->vt);
    assert_true(port > 0 && port < 65536);
    fx_free(f);
}

static void test_tcp_negotiation_and_greeting(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    char buf[64];
    assert_int_equal(read_for(fd, buf, sizeof(buf), 100), 0); /* nothing else */
    close(fd);
    fx_free(f);
}

static void test_tcp_aux_greeting(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    cfg.port_name = "AUX";
    cfg.vm_name = "router-2";
    cfg.vm_id = 12;
    cfg.platform = "c3745";
    struct fx *f = fx_new(&cfg);
    int fd = client_connect(vtty_tcp_port(f->vt));
    static const char want[] =
        "Connected to Dynamips VM \"router-2\" (ID 12, type c3745) - AUX "
        "port\r\nPress ENTER to get the prompt.\r\n";
    char buf[256];
    size_t n = HELLO_LEN + strlen(want);
    assert_int_equal(read_n(fd, buf, n, 2000), n);
    assert_memory_equal(buf + HELLO_LEN, want, strlen(want));
    close(fd);
    fx_free(f);
}

static void test_tcp_notelnetmsg(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    cfg.notelnetmsg = 1;
    struct fx *f = fx_new(&cfg);
    vtty_put(f->vt, "old output", 10);
    int fd = client_connect(vtty_tcp_port(f->vt));
    char buf[256];
    /* Options, no greeting, then the output no client has received yet
     * (what the guest printed before anyone connected). */
    assert_int_equal(read_for(fd, buf, sizeof(buf), 200), HELLO_LEN + 10);
    assert_memory_equal(buf, hello_opts, HELLO_LEN);
    assert_memory_equal(buf + HELLO_LEN, "old output", 10);
    vtty_put(f->vt, "live", 4);
    assert_int_equal(read_n(fd, buf, 4, 2000), 4);
    assert_memory_equal(buf, "live", 4);
    /* A second client: options only, what the first got is not sent
     * again (as the reference, which never replays without greeting). */
    int fd2 = client_connect(vtty_tcp_port(f->vt));
    assert_int_equal(read_for(fd2, buf, sizeof(buf), 200), HELLO_LEN);
    assert_memory_equal(buf, hello_opts, HELLO_LEN);
    close(fd2);
    close(fd);
    /* Output while nobody is connected goes to the next client. */
    usleep(100 * 1000); /* the loop sees both clients leave */
    vtty_put(f->vt, "unseen", 6);
    fd = client_connect(vtty_tcp_port(f->vt));
    assert_int_equal(read_for(fd, buf, sizeof(buf), 200), HELLO_LEN + 6);
    assert_memory_equal(buf + HELLO_LEN, "unseen", 6);
    close(fd);
    fx_free(f);
}

static void test_tcp_history_replay(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    char out[5000];
    for (size_t i = 0; i < sizeof(out); i++) {
        out[i] = (char)('A' + i % 26);
    }
    /* Pieces, as a UART would send them. */
    for (size_t i = 0; i < sizeof(out); i += 100) {
        vtty_put(f->vt, out + i, 100);
    }
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    char buf[4096];
    assert_int_equal(read_n(fd, buf, 4096, 2000), 4096);
    assert_memory_equal(buf, out + sizeof(out) - 4096, 4096);
    assert_int_equal(read_for(fd, buf, sizeof(buf), 100), 0);
    vtty_putc(f->vt, '!');
    assert_int_equal(read_n(fd, buf, 1, 2000), 1);
    assert_int_equal(buf[0], '!');
    close(fd);
    fx_free(f);
}

static void test_tcp_print_not_replayed(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd1 = client_connect_greeted(vtty_tcp_port(f->vt));
    vtty_put(f->vt, "guest", 5);
    vtty_print(f->vt, "[menu]");
    char buf[64];
    assert_int_equal(read_n(fd1, buf, 11, 2000), 11);
    assert_memory_equal(buf, "guest[menu]", 11);
    int fd2 = client_connect_greeted(vtty_tcp_port(f->vt));
    assert_int_equal(read_for(fd2, buf, sizeof(buf), 200), 5);
    assert_memory_equal(buf, "guest", 5);
    close(fd1);
    close(fd2);
    fx_free(f);
}

static void test_tcp_input_decoding(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    /* IAC IAC, CR NUL, CR LF, option replies and a subnegotiation. */
    static const char in[] = "a" IAC IAC "b\r\0c\r\nd" IAC "\xfd\x01"
                             IAC "\xfc\x22" IAC "\xfa\x1f\x00\x50\x00\x18"
                             IAC "\xf0" "e" IAC "\xf1" "f";
    send_all(fd, in, sizeof(in) - 1);
    static const char want[] = "a\xff" "b\rc\rdef";
    char buf[32];
    assert_int_equal(get_input(f->vt, buf, 9, 2000), 9);
    assert_memory_equal(buf, want, 9);
    msleep(20);
    assert_false(vtty_has_input(f->vt));
    assert_true(fx_get(f, &f->notified) > 0);
    assert_true(fx_get(f, &f->notify_in_loop));
    close(fd);
    fx_free(f);
}

/* Sequences cut across TCP segments decode the same. */
static void test_tcp_input_split_sequences(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    const char *parts[] = {"x\r", "\n", "y" IAC, IAC, IAC, "\xfb", "\x18",
                           "z\r", "\0", "\r", "w"};
    const size_t lens[] = {2, 1, 2, 1, 1, 1, 1, 2, 1, 1, 1};
    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        send_all(fd, parts[i], lens[i]);
        msleep(5);
    }
    static const char want[] = "x\ry\xffz\r\rw";
    char buf[16];
    assert_int_equal(get_input(f->vt, buf, 8, 2000), 8);
    assert_memory_equal(buf, want, 8);
    close(fd);
    fx_free(f);
}

static void test_tcp_lone_lf_passes(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    send_all(fd, "ls\n", 3);
    char buf[4];
    assert_int_equal(get_input(f->vt, buf, 3, 2000), 3);
    assert_memory_equal(buf, "ls\n", 3);
    close(fd);
    fx_free(f);
}

static void test_tcp_ttype_and_title(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    send_all(fd, IAC "\xfb\x18", 3); /* WILL TTYPE */
    char buf[64];
    static const char sb_send[] = IAC "\xfa\x18\x01" IAC "\xf0";
    assert_int_equal(read_n(fd, buf, 6, 2000), 6);
    assert_memory_equal(buf, sb_send, 6);
    static const char is_xterm[] = IAC "\xfa\x18\x00XTERM-256COLOR" IAC "\xf0";
    send_all(fd, is_xterm, sizeof(is_xterm) - 1);
    static const char title[] = "\033]0;R1\007";
    assert_int_equal(read_n(fd, buf, 7, 2000), 7);
    assert_memory_equal(buf, title, 7);
    /* Another type: no title. */
    static const char is_ansi[] = IAC "\xfa\x18\x00" "ANSI" IAC "\xf0";
    send_all(fd, is_ansi, sizeof(is_ansi) - 1);
    assert_int_equal(read_for(fd, buf, sizeof(buf), 100), 0);
    assert_false(vtty_has_input(f->vt));
    close(fd);
    fx_free(f);
}

static void test_tcp_output_iac_doubled(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    vtty_put(f->vt, "a\xff" "b", 3);
    char buf[8];
    assert_int_equal(read_n(fd, buf, 4, 2000), 4);
    assert_memory_equal(buf, "a\xff\xff" "b", 4);
    close(fd);
    fx_free(f);
}

static void test_tcp_multiple_clients(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int port = vtty_tcp_port(f->vt);
    int fd[3];
    for (int i = 0; i < 3; i++) {
        fd[i] = client_connect_greeted(port);
    }
    assert_true(wait_clients(f->vt, 3));
    vtty_put(f->vt, "hello", 5);
    for (int i = 0; i < 3; i++) {
        char buf[8];
        assert_int_equal(read_n(fd[i], buf, 5, 2000), 5);
        assert_memory_equal(buf, "hello", 5);
    }
    /* All may type. */
    for (int i = 0; i < 3; i++) {
        char c = (char)('1' + i);
        send_all(fd[i], &c, 1);
        char got;
        assert_int_equal(get_input(f->vt, &got, 1, 2000), 1);
        assert_int_equal(got, c);
    }
    for (int i = 0; i < 3; i++) {
        close(fd[i]);
    }
    fx_free(f);
}

static void test_tcp_disconnect_cleanup(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int port = vtty_tcp_port(f->vt);
    int a = client_connect_greeted(port);
    int b = client_connect_greeted(port);
    int c = client_connect_greeted(port);
    assert_true(wait_clients(f->vt, 3));
    close(a);
    /* b resets the connection with unread data pending. */
    struct linger lg = {1, 0};
    setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    vtty_put(f->vt, "x", 1);
    msleep(20);
    close(b);
    assert_true(wait_clients(f->vt, 1));
    for (int i = 0; i < 50; i++) {
        vtty_put(f->vt, "more", 4); /* to closed peers: no SIGPIPE, no harm */
    }
    char buf[256];
    assert_int_equal(read_n(c, buf, 201, 2000), 201);
    assert_int_equal(buf[0], 'x');
    close(c);
    assert_true(wait_clients(f->vt, 0));
    fx_free(f);
}

static void test_tcp_destroy_closes_clients(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int port = vtty_tcp_port(f->vt);
    int fd = client_connect_greeted(port);
    assert_true(wait_clients(f->vt, 1));
    vtty_destroy(f->vt);
    f->vt = NULL;
    char buf[8];
    assert_int_equal(recv(fd, buf, sizeof(buf), 0), 0); /* EOF */
    close(fd);
    /* The port is free again. */
    cfg.tcp_port = port;
    f->vt = vtty_create(f->ev, &cfg, NULL);
    assert_non_null(f->vt);
    assert_int_equal(vtty_tcp_port(f->vt), port);
    fx_free(f);
}

static void test_tcp_port_in_use(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    cfg.tcp_port = vtty_tcp_port(f->vt);
    errno = 0;
    struct vtty *vt2 = vtty_create(f->ev, &cfg, NULL);
    assert_null(vt2);
    assert_int_equal(errno, EADDRINUSE);
    cfg.tcp_port = 70000;
    assert_null(vtty_create(f->ev, &cfg, NULL));
    assert_int_equal(errno, EINVAL);
    cfg.tcp_port = 0;
    cfg.bind_addr = "192.0.2.1"; /* TEST-NET: not ours */
    assert_null(vtty_create(f->ev, &cfg, NULL));
    assert_int_equal(errno, EADDRNOTAVAIL);
    fx_free(f);
}

static void test_tcp_bind_addr(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    cfg.bind_addr = "0.0.0.0";
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    close(fd);
    fx_free(f);
}

static void test_tcp_ctrl_monitor(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    vtty_set_monitor(f->vt, on_monitor, f);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    /* a ^]x b ^]^] c ^]<Enter as CR LF>: keys x and CR; the LF of the
     * Enter is eaten by the CR LF rule. */
    send_all(fd, "a\x1dxb\x1d\x1d" "c\x1d\r\n", 10);
    char buf[8];
    assert_int_equal(get_input(f->vt, buf, 4, 2000), 4);
    assert_memory_equal(buf, "ab\x1d" "c", 4);
    msleep(20);
    assert_false(vtty_has_input(f->vt));
    assert_int_equal(fx_get(f, &f->nkeys), 2);
    assert_int_equal(f->keys[0], 'x');
    assert_int_equal(f->keys[1], '\r');
    assert_ptr_equal(f->key_vt, f->vt);
    /* Ctrl-] state is per client: a ^] from one does not eat another's
     * next byte. */
    int fd2 = client_connect_greeted(vtty_tcp_port(f->vt));
    send_all(fd, "\x1d", 1);
    msleep(20);
    send_all(fd2, "q", 1);
    assert_int_equal(get_input(f->vt, buf, 1, 2000), 1);
    assert_int_equal(buf[0], 'q');
    send_all(fd, "d", 1);
    msleep(50);
    assert_int_equal(fx_get(f, &f->nkeys), 3);
    assert_int_equal(f->keys[2], 'd');
    close(fd);
    close(fd2);
    fx_free(f);
}

static void test_tcp_ctrl_without_monitor(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    send_all(fd, "a\x1dzb\x1d\x1d", 6);
    char buf[8];
    assert_int_equal(get_input(f->vt, buf, 3, 2000), 3);
    assert_memory_equal(buf, "ab\x1d", 3);
    close(fd);
    fx_free(f);
}

static void test_tcp_noctrl(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    cfg.noctrl = 1;
    struct fx *f = fx_new(&cfg);
    vtty_set_monitor(f->vt, on_monitor, f);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    send_all(fd, "\x1dx\x1d", 3);
    char buf[4];
    assert_int_equal(get_input(f->vt, buf, 3, 2000), 3);
    assert_memory_equal(buf, "\x1dx\x1d", 3);
    assert_int_equal(fx_get(f, &f->nkeys), 0);
    close(fd);
    fx_free(f);
}

/* A client that never reads must not block vtty_put; readers still get
 * the newest output. */
static void test_tcp_slow_client(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int port = vtty_tcp_port(f->vt);
    int stuck = client_connect(port);
    int rcv = 4096;
    setsockopt(stuck, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
    int good = client_connect_greeted(port);
    assert_true(wait_clients(f->vt, 2));

    char chunk[1024];
    memset(chunk, '.', sizeof(chunk));
    uint64_t t0 = now_ms();
    for (int i = 0; i < 4096; i++) { /* 4 MiB */
        vtty_put(f->vt, chunk, sizeof(chunk));
        if (i % 64 == 0) { /* the good client keeps up */
            char sink[65536];
            while (recv(good, sink, sizeof(sink), MSG_DONTWAIT) > 0) {
            }
        }
    }
    vtty_put(f->vt, "END", 3);
    assert_true(now_ms() - t0 < 5000);
    /* The good client ends with END. */
    char buf[65536];
    char last[3] = {0};
    uint64_t end = now_ms() + 3000;
    while (now_ms() < end && memcmp(last, "END", 3) != 0) {
        size_t n = read_for(good, buf, sizeof(buf), 50);
        if (n >= 3) {
            memcpy(last, buf + n - 3, 3);
        } else if (n) {
            memmove(last, last + n, 3 - n);
            memcpy(last + 3 - n, buf, n);
        }
    }
    assert_memory_equal(last, "END", 3);
    /* The stuck client lost bytes and still is connected. */
    assert_int_equal(nclients(f->vt), 2);
    close(stuck);
    close(good);
    fx_free(f);
}

/* More input than the queue holds is not lost: reading pauses. */
static void test_tcp_input_backpressure(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    int fd = client_connect_greeted(vtty_tcp_port(f->vt));
    enum { N = 20000 };
    static char data[N], got[N];
    for (int i = 0; i < N; i++) {
        data[i] = (char)('a' + i % 23);
    }
    send_all(fd, data, N);
    msleep(100); /* let the queue fill and the reading pause */
    assert_int_equal(get_input(f->vt, got, N, 5000), N);
    assert_memory_equal(got, data, N);
    pthread_mutex_lock(&f->vt->in_lock);
    assert_int_equal(f->vt->in_dropped, 0);
    pthread_mutex_unlock(&f->vt->in_lock);
    close(fd);
    fx_free(f);
}

static void test_inject_notifies_on_loop(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    assert_false(vtty_has_input(f->vt));
    vtty_inject(f->vt, "show\r", 5);
    assert_true(vtty_has_input(f->vt));
    uint64_t end = now_ms() + 2000;
    while (fx_get(f, &f->notified) == 0 && now_ms() < end) {
        msleep(1);
    }
    assert_true(fx_get(f, &f->notified) > 0);
    assert_true(fx_get(f, &f->notify_in_loop));
    char buf[8];
    assert_int_equal(get_input(f->vt, buf, 5, 100), 5);
    assert_memory_equal(buf, "show\r", 5);
    assert_int_equal(vtty_getc(f->vt), -1);
    /* Ctrl-] is not interpreted in injected text. */
    vtty_inject(f->vt, "\x1d", 1);
    assert_int_equal(vtty_getc(f->vt), 0x1d);
    fx_free(f);
}

static void test_none(void **state)
{
    struct vtty_config cfg = {.type = VTTY_NONE};
    struct vtty *vt = vtty_create(NULL, &cfg, NULL);
    assert_non_null(vt);
    vtty_put(vt, "discarded", 9);
    vtty_print(vt, "also");
    assert_int_equal(vtty_tcp_port(vt), -1);
    vtty_inject(vt, "k", 1);
    assert_int_equal(vtty_getc(vt), 'k');
    assert_int_equal(vtty_getc(vt), -1);
    vtty_term_restore(vt);
    vtty_destroy(vt);
    vtty_destroy(NULL);
}

/* A notify callback that was replaced is not called any more. */
static void test_set_notify_replaces(void **state)
{
    struct vtty_config cfg = tcp_cfg();
    struct fx *f = fx_new(&cfg);
    vtty_set_notify(f->vt, NULL, NULL);
    vtty_inject(f->vt, "a", 1);
    msleep(30);
    assert_int_equal(fx_get(f, &f->notified), 0);
    fx_free(f);
}

/* ---------------------------------------------------------- terminal */

struct stdio_swap {
    int saved_in, saved_out;
    int in_w;  /* write here: the vtty's stdin */
    int out_r; /* read here: the vtty's stdout */
};

static void swap_stdio(struct stdio_swap *s, int stdin_fd)
{
    int o[2];
    fflush(stdout);
    s->saved_in = dup(STDIN_FILENO);
    s->saved_out = dup(STDOUT_FILENO);
    s->in_w = -1;
    if (stdin_fd < 0) {
        int i[2];
        assert_int_equal(pipe(i), 0);
        dup2(i[0], STDIN_FILENO);
        close(i[0]);
        s->in_w = i[1];
    } else {
        dup2(stdin_fd, STDIN_FILENO);
    }
    assert_int_equal(pipe(o), 0);
    dup2(o[1], STDOUT_FILENO);
    close(o[1]);
    s->out_r = o[0];
}

static void restore_stdio(struct stdio_swap *s)
{
    dup2(s->saved_in, STDIN_FILENO);
    dup2(s->saved_out, STDOUT_FILENO);
    close(s->saved_in);
    close(s->saved_out);
    if (s->in_w >= 0) {
        close(s->in_w);
    }
    close(s->out_r);
}

/* Each terminal test gets its stdio back even when an assertion fails. */
static int stdio_setup(void **state)
{
    static struct stdio_swap s;
    memset(&s, 0, sizeof(s));
    s.saved_in = s.saved_out = s.in_w = s.out_r = -1;
    *state = &s;
    return 0;
}

static int stdio_teardown(void **state)
{
    struct stdio_swap *s = *state;
    if (s->saved_in >= 0) {
        restore_stdio(s);
    }
    return 0;
}

static void test_term_pipes(void **state)
{
    struct stdio_swap *sp = *state, s;
    swap_stdio(sp, -1);
    s = *sp;
    struct vtty_config cfg = {.type = VTTY_TERM, .vm_name = "R1"};
    struct fx *f = fx_new(&cfg);
    vtty_set_monitor(f->vt, on_monitor, f);

    /* Input as-is (no telnet rules), Ctrl-] handling applies. */
    assert_int_equal(write(s.in_w, "ab\r\n\x1d\x1d\x1dq" IAC "c", 10), 10);
    char buf[16];
    assert_int_equal(get_input(f->vt, buf, 7, 2000), 7);
    assert_memory_equal(buf, "ab\r\n\x1d\xff" "c", 7);
    assert_int_equal(fx_get(f, &f->nkeys), 1);
    assert_int_equal(f->keys[0], 'q');

    vtty_put(f->vt, "out\n", 4);
    assert_int_equal(read_n(s.out_r, buf, 4, 2000), 4);
    assert_memory_equal(buf, "out\n", 4);

    /* EOF on stdin stops only the reading. */
    close(s.in_w);
    sp->in_w = -1;
    msleep(30);
    vtty_put(f->vt, "still", 5);
    assert_int_equal(read_n(s.out_r, buf, 5, 2000), 5);
    assert_memory_equal(buf, "still", 5);
    vtty_inject(f->vt, "i", 1);
    assert_int_equal(vtty_getc(f->vt), 'i');

    fx_free(f);
}

/* stdin from a regular file (epoll cannot watch it): read all of it,
 * pausing when the queue is full. */
static void test_term_file_stdin(void **state)
{
    char path[] = "/tmp/test_vtty_XXXXXX";
    int tfd = mkstemp(path);
    assert_true(tfd >= 0);
    unlink(path);
    enum { N = 10000 };
    static char data[N], got[N];
    for (int i = 0; i < N; i++) {
        data[i] = (char)('A' + i % 26);
    }
    assert_int_equal(write(tfd, data, N), N);
    lseek(tfd, 0, SEEK_SET);

    struct stdio_swap *s = *state;
    swap_stdio(s, tfd);
    close(tfd);
    struct vtty_config cfg = {.type = VTTY_TERM};
    struct fx *f = fx_new(&cfg);
    assert_int_equal(get_input(f->vt, got, N, 5000), N);
    assert_memory_equal(got, data, N);
    msleep(20);
    assert_int_equal(vtty_getc(f->vt), -1);
    fx_free(f);
}

/* Nobody reads stdout: vtty_put stays quick, the backlog keeps the newest
 * bytes and counts the dropped ones; a reader then gets the newest. */
static void test_term_slow_stdout(void **state)
{
    struct stdio_swap s, *sp = *state;
    swap_stdio(sp, -1);
    s = *sp;
    struct vtty_config cfg = {.type = VTTY_TERM};
    struct fx *f = fx_new(&cfg);
    char chunk[1024];
    memset(chunk, '-', sizeof(chunk));
    uint64_t t0 = now_ms();
    for (int i = 0; i < 1024; i++) {
        vtty_put(f->vt, chunk, sizeof(chunk));
    }
    vtty_put(f->vt, "END", 3);
    assert_true(now_ms() - t0 < 3000);
    pthread_mutex_lock(&f->vt->out_lock);
    assert_true(f->vt->term_dropped > 0);
    pthread_mutex_unlock(&f->vt->out_lock);

    static char buf[1 << 20];
    size_t total = 0;
    char last[3] = {0};
    uint64_t end = now_ms() + 3000;
    while (now_ms() < end && memcmp(last, "END", 3) != 0) {
        size_t n = read_for(s.out_r, buf, sizeof(buf), 50);
        total += n;
        if (n >= 3) {
            memcpy(last, buf + n - 3, 3);
        }
    }
    assert_memory_equal(last, "END", 3);
    assert_true(total < 1024 * 1024);
    fx_free(f);
}

/* A second terminal console cannot share stdin. */
static void test_term_twice_busy(void **state)
{
    swap_stdio(*state, -1);
    struct vtty_config cfg = {.type = VTTY_TERM};
    struct fx *f = fx_new(&cfg);
    errno = 0;
    assert_null(vtty_create(f->ev, &cfg, NULL));
    assert_int_equal(errno, EBUSY);
    fx_free(f);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tcp_port_zero_picks_port),
        cmocka_unit_test(test_tcp_negotiation_and_greeting),
        cmocka_unit_test(test_tcp_aux_greeting),
        cmocka_unit_test(test_tcp_notelnetmsg),
        cmocka_unit_test(test_tcp_history_replay),
        cmocka_unit_test(test_tcp_print_not_replayed),
        cmocka_unit_test(test_tcp_input_decoding),
        cmocka_unit_test(test_tcp_input_split_sequences),
        cmocka_unit_test(test_tcp_lone_lf_passes),
        cmocka_unit_test(test_tcp_ttype_and_title),
        cmocka_unit_test(test_tcp_output_iac_doubled),
        cmocka_unit_test(test_tcp_multiple_clients),
        cmocka_unit_test(test_tcp_disconnect_cleanup),
        cmocka_unit_test(test_tcp_destroy_closes_clients),
        cmocka_unit_test(test_tcp_port_in_use),
        cmocka_unit_test(test_tcp_bind_addr),
        cmocka_unit_test(test_tcp_ctrl_monitor),
        cmocka_unit_test(test_tcp_ctrl_without_monitor),
        cmocka_unit_test(test_tcp_noctrl),
        cmocka_unit_test(test_tcp_slow_client),
        cmocka_unit_test(test_tcp_input_backpressure),
        cmocka_unit_test(test_inject_notifies_on_loop),
        cmocka_unit_test(test_none),
        cmocka_unit_test(test_set_notify_replaces),
        cmocka_unit_test_setup_teardown(test_term_pipes, stdio_setup,
                                        stdio_teardown),
        cmocka_unit_test_setup_teardown(test_term_file_stdin, stdio_setup,
                                        stdio_teardown),
        cmocka_unit_test_setup_teardown(test_term_slow_stdout, stdio_setup,
                                        stdio_teardown),
        cmocka_unit_test_setup_teardown(test_term_twice_busy, stdio_setup,
                                        stdio_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
