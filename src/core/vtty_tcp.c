/*
 * The telnet side of a vtty: listeners on the console/AUX TCP port and the
 * clients sharing it. Everything here runs on the event loop thread, except
 * vtty_client_send(), which vtty_put() calls from any thread under
 * out_lock. Behavior on connect follows hypervisor.md §7.6.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "core/vtty_internal.h"

#define VTTY_LISTEN_BACKLOG 16
#define VTTY_RELISTEN_MS 100 /* retry accept() after running out of fds */

/* ------------------------------------------------------------ output */

/* Raw bytes to one client (out_lock held). Returns 1 if newly backlogged. */
static int client_send_raw(struct vtty_client *c, const uint8_t *p, size_t n)
{
    if (c->dead || !n) {
        return 0;
    }
    size_t before = c->out.len;
    if (vtty_sink_write(c->fd, 1, &c->out, &c->dropped, p, n) < 0) {
        c->dead = 1; /* the loop sees the error and closes it */
        bytering_consume(&c->out, c->out.len);
        return 0;
    }
    return !before && c->out.len;
}

/* Data to one client: a 0xFF data byte goes out as IAC IAC (RFC 854). */
int vtty_client_send(struct vtty_client *c, const uint8_t *p, size_t n)
{
    int armed = 0;
    while (n) {
        const uint8_t *ff = memchr(p, TELNET_IAC, n);
        size_t k = ff ? (size_t)(ff - p) + 1 : n;
        armed |= client_send_raw(c, p, k);
        if (ff) {
            armed |= client_send_raw(c, ff, 1);
        }
        p += k;
        n -= k;
    }
    return armed;
}

/* Register the interest the client's state calls for (out_lock held). */
void vtty_client_update_events(struct vtty_client *c)
{
    unsigned events;
    if (c->dead) {
        events = EV_READ; /* the read sees the error, then we close */
    } else {
        events = (c->vt->in_paused ? 0 : EV_READ) | (c->out.len ? EV_WRITE : 0);
    }
    if (events != c->events && evloop_mod_fd(c->vt->ev, c->fd, events) == 0) {
        c->events = events;
    }
}

/* ----------------------------------------------------------- clients */

static void client_close(struct vtty_client *c)
{
    struct vtty *vt = c->vt;
    evloop_del_fd(vt->ev, c->fd);
    pthread_mutex_lock(&vt->out_lock);
    for (struct vtty_client **pp = &vt->clients; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            vt->nclients--;
            break;
        }
    }
    pthread_mutex_unlock(&vt->out_lock);
    close(c->fd);
    log_msg(vt->lg, "VTTY", "%s: %s disconnected", vt->name, c->peer);
    bytering_free(&c->out);
    free(c);
}

/* Answers to the client's option negotiation (out_lock taken here). */
static void client_telnet_event(void *arg, int cmd, int opt,
                                const uint8_t *sb, size_t sb_len)
{
    struct vtty_client *c = arg;
    struct vtty *vt = c->vt;
    int armed = 0;

    pthread_mutex_lock(&vt->out_lock);
    if (cmd == TELNET_WILL && opt == TELOPT_TTYPE) {
        /* RFC 1091: ask for the terminal type. */
        static const uint8_t send_ttype[] = {TELNET_IAC, TELNET_SB,
                                             TELOPT_TTYPE, TELQUAL_SEND,
                                             TELNET_IAC, TELNET_SE};
        armed = client_send_raw(c, send_ttype, sizeof(send_ttype));
    } else if (cmd == TELNET_SB && opt == TELOPT_TTYPE && sb_len >= 2 &&
               sb[0] == TELQUAL_IS && strchr("xXvV", sb[1])) {
        /* xterm- or vt-like: put the router name in the window title, as
         * the reference does on the first letter of the type. */
        char title[96];
        int n = snprintf(title, sizeof(title), "\033]0;%s\007", vt->vm_name);
        if (n > 0 && (size_t)n < sizeof(title)) {
            armed = client_send_raw(c, (const uint8_t *)title, (size_t)n);
        }
    }
    if (armed) {
        vtty_client_update_events(c);
    }
    pthread_mutex_unlock(&vt->out_lock);
}

static void client_read(struct vtty_client *c, unsigned events)
{
    struct vtty *vt = c->vt;
    uint8_t buf[VTTY_READ_CHUNK], data[VTTY_READ_CHUNK];

    size_t room = vtty_input_room(vt);
    if (!room) {
        if (events & EV_ERROR) {
            client_close(c);
        } else {
            vtty_pause_sources(vt);
        }
        return;
    }
    ssize_t n = recv(c->fd, buf, room < sizeof(buf) ? room : sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
    }
    if (n <= 0) {
        client_close(c);
        return;
    }
    /* Decoding never makes more bytes than it reads, so all of it fits. */
    size_t k = telnet_rx_decode(&c->rx, buf, (size_t)n, data,
                                client_telnet_event, c);
    vtty_user_input(vt, &c->ctrl, data, k);
}

static void client_ready(struct evloop *ev, int fd, unsigned events,
                         void *arg)
{
    struct vtty_client *c = arg;
    struct vtty *vt = c->vt;

    if (events & EV_WRITE) {
        pthread_mutex_lock(&vt->out_lock);
        if (vtty_sink_drain(fd, 1, &c->out) < 0) {
            c->dead = 1;
            bytering_consume(&c->out, c->out.len);
        }
        if (!c->out.len && c->dropped) {
            log_msg(vt->lg, "VTTY", "%s: %s too slow, %llu bytes dropped",
                    vt->name, c->peer, (unsigned long long)c->dropped);
            c->dropped = 0;
        }
        vtty_client_update_events(c);
        pthread_mutex_unlock(&vt->out_lock);
    }
    if (c->dead) {
        client_close(c);
    } else if (events & EV_READ) {
        client_read(c, events);
    } else if (events & EV_ERROR) {
        client_close(c);
    }
}

static void peer_name(const struct sockaddr_storage *ss, socklen_t len,
                      char *out, size_t size)
{
    char host[64], serv[16];
    if (getnameinfo((const struct sockaddr *)ss, len, host, sizeof(host), serv,
                    sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        snprintf(out, size, "%s port %s", host, serv);
    } else {
        snprintf(out, size, "a client");
    }
}

/* Negotiation, greeting and replay, then live output (out_lock held). */
static void client_hello(struct vtty *vt, struct vtty_client *c)
{
    /* The reference's options on connect (hypervisor.md §7.6): the client
     * goes to character mode with the server echoing. */
    static const uint8_t opts[] = {
        TELNET_IAC, TELNET_DO,   TELOPT_TTYPE,    TELNET_IAC,
        TELNET_WILL, TELOPT_ECHO, TELNET_IAC,     TELNET_WILL,
        TELOPT_SGA, TELNET_IAC,  TELNET_DONT,     TELOPT_LINEMODE,
    };
    client_send_raw(c, opts, sizeof(opts));
    uint8_t hist[VTTY_HISTORY_SIZE];
    size_t n = vt->history.len;
    bytering_copy(&vt->history, hist);
    size_t unseen = vt->unseen;
    vt->unseen = 0;
    if (vt->notelnetmsg) {
        /* The reference replays only along with the greeting, so a client
         * connecting just after `vm start` lost the first output. Without
         * the greeting we replay what no client has received yet: all of
         * the boot output for the first client, nothing for the next. */
        vtty_client_send(c, hist + n - unseen, unseen);
        return;
    }
    client_send_raw(c, (const uint8_t *)vt->greeting, strlen(vt->greeting));
    vtty_client_send(c, hist, n);
}

static void client_open(struct vtty *vt, int fd,
                        const struct sockaddr_storage *ss, socklen_t sslen)
{
    char peer[128];
    peer_name(ss, sslen, peer, sizeof(peer));
    if (vt->nclients >= VTTY_MAX_CLIENTS) {
        static const char msg[] = "Too many connections to this console.\r\n";
        send(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT | MSG_NOSIGNAL);
        close(fd);
        log_msg(vt->lg, "VTTY", "%s: %s refused, %d clients already",
                vt->name, peer, vt->nclients);
        return;
    }
    struct vtty_client *c = calloc(1, sizeof(*c));
    if (!c || bytering_init(&c->out, VTTY_BACKLOG_SIZE) < 0) {
        free(c);
        close(fd);
        return;
    }
    c->vt = vt;
    c->fd = fd;
    telnet_rx_init(&c->rx);
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    /* Keystrokes and echo go out at once; dead peers are noticed
     * (the reference sets both too). */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));

    int rc = evloop_add_fd(vt->ev, fd, EV_READ, client_ready, c);
    if (rc < 0) {
        log_msg(vt->lg, "VTTY", "%s: %s: %s", vt->name, peer, strerror(-rc));
        bytering_free(&c->out);
        free(c);
        close(fd);
        return;
    }
    c->events = EV_READ;
    pthread_mutex_lock(&vt->out_lock);
    c->next = vt->clients;
    vt->clients = c;
    vt->nclients++;
    client_hello(vt, c);
    vtty_client_update_events(c);
    pthread_mutex_unlock(&vt->out_lock);
    log_msg(vt->lg, "VTTY", "%s: %s connected", vt->name, peer);
}

/* --------------------------------------------------------- listeners */

static void listener_ready(struct evloop *ev, int fd, unsigned events,
                           void *arg);

static void relisten(void *arg)
{
    struct vtty *vt = arg;
    vt->relisten_timer = 0;
    for (int i = 0; i < vt->nlfd; i++) {
        evloop_mod_fd(vt->ev, vt->lfd[i], EV_READ);
    }
}

static void listener_ready(struct evloop *ev, int fd, unsigned events,
                           void *arg)
{
    struct vtty *vt = arg;
    for (;;) {
        struct sockaddr_storage ss;
        socklen_t sslen = sizeof(ss);
        int cfd = accept4(fd, (struct sockaddr *)&ss, &sslen,
                          SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (cfd >= 0) {
            client_open(vt, cfd, &ss, sslen);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED) {
            continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
            errno == ENOMEM) {
            /* The connection stays pending: stop polling for a while
             * rather than spin on it. */
            log_msg(vt->lg, "VTTY", "%s: accept: %s", vt->name,
                    strerror(errno));
            for (int i = 0; i < vt->nlfd; i++) {
                evloop_mod_fd(ev, vt->lfd[i], 0);
            }
            if (!vt->relisten_timer) {
                long id = evloop_add_timer(ev, VTTY_RELISTEN_MS, 0, relisten,
                                           vt);
                vt->relisten_timer = id > 0 ? id : 0;
            }
        }
        return;
    }
}

static int listen_on(struct vtty *vt, const struct addrinfo *ai, int v6only)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
                                       SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        return -errno;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6 && v6only) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    }
    /* Port 0 picks a free port; the other addresses then take the same. */
    struct sockaddr_storage addr;
    memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
    if (vt->port > 0) {
        if (ai->ai_family == AF_INET) {
            ((struct sockaddr_in *)&addr)->sin_port = htons((uint16_t)vt->port);
        } else if (ai->ai_family == AF_INET6) {
            ((struct sockaddr_in6 *)&addr)->sin6_port =
                htons((uint16_t)vt->port);
        }
    }
    if (bind(fd, (struct sockaddr *)&addr, ai->ai_addrlen) < 0 ||
        listen(fd, VTTY_LISTEN_BACKLOG) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    struct sockaddr_storage bound;
    socklen_t blen = sizeof(bound);
    if (getsockname(fd, (struct sockaddr *)&bound, &blen) == 0) {
        vt->port = bound.ss_family == AF_INET6
                       ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
                       : ntohs(((struct sockaddr_in *)&bound)->sin_port);
    }
    return fd;
}

int vtty_tcp_open(struct vtty *vt, const struct vtty_config *cfg)
{
    const char *addr =
        cfg->bind_addr && *cfg->bind_addr ? cfg->bind_addr : "127.0.0.1";
    if (cfg->tcp_port < 0 || cfg->tcp_port > 65535) {
        log_msg(vt->lg, "VTTY", "%s: bad TCP port %d", vt->name,
                cfg->tcp_port);
        return -EINVAL;
    }
    char port[16];
    snprintf(port, sizeof(port), "%d", cfg->tcp_port);
    struct addrinfo hints = {
        .ai_flags = AI_PASSIVE | AI_NUMERICSERV,
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
    };
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(addr, port, &hints, &res);
    if (gai != 0) {
        log_msg(vt->lg, "VTTY", "%s: cannot resolve %s: %s", vt->name, addr,
                gai_strerror(gai));
        return -EADDRNOTAVAIL;
    }
    int count = 0, err = -EADDRNOTAVAIL;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        count++;
    }
    vt->port = 0;
    for (struct addrinfo *ai = res; ai && vt->nlfd < VTTY_MAX_LISTENERS;
         ai = ai->ai_next) {
        int fd = listen_on(vt, ai, count > 1);
        if (fd < 0) {
            err = fd;
            continue;
        }
        vt->lfd[vt->nlfd++] = fd;
    }
    freeaddrinfo(res);
    if (!vt->nlfd) {
        log_msg(vt->lg, "VTTY", "%s: cannot listen on %s port %d: %s",
                vt->name, addr, cfg->tcp_port, strerror(-err));
        vt->port = -1;
        return err;
    }
    for (int i = 0; i < vt->nlfd; i++) {
        int rc = evloop_add_fd(vt->ev, vt->lfd[i], EV_READ, listener_ready, vt);
        if (rc < 0) {
            log_msg(vt->lg, "VTTY", "%s: %s", vt->name, strerror(-rc));
            vtty_tcp_close(vt);
            return rc;
        }
    }
    log_msg(vt->lg, "VTTY", "%s: telnet server on %s port %d", vt->name, addr,
            vt->port);
    return 0;
}

/* Close listeners and clients (loop thread, or no loop running). */
void vtty_tcp_close(struct vtty *vt)
{
    if (vt->relisten_timer) {
        evloop_del_timer(vt->ev, vt->relisten_timer);
        vt->relisten_timer = 0;
    }
    for (int i = 0; i < vt->nlfd; i++) {
        evloop_del_fd(vt->ev, vt->lfd[i]); /* -ENOENT if never added */
        close(vt->lfd[i]);
    }
    vt->nlfd = 0;
    while (vt->clients) {
        client_close(vt->clients);
    }
}
