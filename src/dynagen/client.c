/*
 * Hypervisor client: TCP connect with a time limit, line out, reply in
 * (hypervisor.md §3.1: "-" after the code marks the last line).
 */
#include "dynagen/client.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void hv_conn_init(struct hv_conn *c, const char *host, int port)
{
    memset(c, 0, sizeof(*c));
    c->host = dg_strdup(host);
    c->port = port;
    c->label = dg_printf("%s:%d", host, port);
    c->fd = -1;
    c->timeout_ms = 300 * 1000;
}

static int hv_connect_addr(const struct addrinfo *ai, int timeout_ms,
                           int *err)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
        if (errno != EINPROGRESS) {
            *err = errno;
            close(fd);
            return -1;
        }
        struct pollfd pfd = {fd, POLLOUT, 0};
        int n;
        do {
            n = poll(&pfd, 1, timeout_ms);
        } while (n < 0 && errno == EINTR);
        if (n == 0) {
            *err = ETIMEDOUT;
            close(fd);
            return -1;
        }
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
        if (n < 0 || soerr) {
            *err = n < 0 ? errno : soerr;
            close(fd);
            return -1;
        }
    }
    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int hv_connect(struct hv_conn *c, int timeout_ms, char **why)
{
    *why = NULL;
    if (c->nosend) {
        return 0;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[16];
    snprintf(port, sizeof(port), "%d", c->port);
    int g = getaddrinfo(c->host, port, &hints, &res);
    if (g != 0) {
        *why = dg_printf("could not connect to dynamips server %s: cannot "
                         "resolve \"%s\": %s",
                         c->label, c->host, gai_strerror(g));
        return -1;
    }
    int err = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        c->fd = hv_connect_addr(ai, timeout_ms, &err);
        if (c->fd >= 0) {
            break;
        }
    }
    freeaddrinfo(res);
    if (c->fd < 0) {
        *why = dg_printf("could not connect to dynamips server %s: %s (is "
                         "\"dynamips -H %d\" running there?)",
                         c->label, strerror(err), c->port);
        return -1;
    }
    return 0;
}

void hv_close(struct hv_conn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    dg_buf_free(&c->in);
}

void hv_conn_free(struct hv_conn *c)
{
    hv_close(c);
    free(c->host);
    free(c->label);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

void hv_reply_free(struct hv_reply *r)
{
    dg_strv_free(&r->lines);
    r->code = 0;
}

const char *hv_line_text(const char *line)
{
    if (strlen(line) >= 4 && line[0] >= '0' && line[0] <= '9' &&
        line[1] >= '0' && line[1] <= '9' && line[2] >= '0' && line[2] <= '9' &&
        (line[3] == '-' || line[3] == ' ')) {
        return line + 4;
    }
    return line;
}

const char *hv_reply_text(const struct hv_reply *r)
{
    if (!r->lines.n) {
        return "";
    }
    return hv_line_text(r->lines.v[r->lines.n - 1]);
}

static int hv_fail(struct hv_conn *c, char **why, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int hv_fail(struct hv_conn *c, char **why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = dg_vprintf(fmt, ap);
    va_end(ap);
    *why = dg_printf("could not communicate with dynamips server %s: %s",
                     c->label, m);
    free(m);
    hv_close(c);
    return -1;
}

/* A complete line from the input buffer, or NULL. */
static char *hv_take_line(struct hv_conn *c)
{
    if (!c->in.len) {
        return NULL;
    }
    char *nl = memchr(c->in.s, '\n', c->in.len);
    if (!nl) {
        return NULL;
    }
    size_t n = (size_t)(nl - c->in.s);
    size_t end = n;
    if (end && c->in.s[end - 1] == '\r') {
        end--;
    }
    char *line = dg_strndup(c->in.s, end);
    memmove(c->in.s, nl + 1, c->in.len - n - 1);
    c->in.len -= n + 1;
    c->in.s[c->in.len] = '\0';
    return line;
}

static int hv_is_final(const char *line)
{
    return strlen(line) >= 4 && line[0] >= '0' && line[0] <= '9' &&
           line[1] >= '0' && line[1] <= '9' && line[2] >= '0' &&
           line[2] <= '9' && line[3] == '-';
}

int hv_send(struct hv_conn *c, const char *line, struct hv_reply *r,
            char **why)
{
    memset(r, 0, sizeof(*r));
    *why = NULL;
    if (c->debug) {
        fprintf(stderr, "%s <- %s\n", c->label, line);
    }
    if (c->nosend) {
        dg_strv_push(&r->lines, dg_strdup("100-OK"));
        r->code = 100;
        return 0;
    }
    if (c->fd < 0) {
        *why = dg_printf("not connected to dynamips server %s", c->label);
        return -1;
    }
    if (strpbrk(line, "\r\n")) {
        *why = dg_printf("a command cannot hold a line break");
        return -1;
    }
    char *out = dg_printf("%s\n", line);
    size_t len = strlen(out), off = 0;
    while (off < len) {
        ssize_t w = send(c->fd, out + off, len - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            int e = errno;
            free(out);
            return hv_fail(c, why, "%s", strerror(e));
        }
        off += (size_t)w;
    }
    free(out);
    long long deadline = dg_now_ms() + c->timeout_ms;
    for (;;) {
        char *l;
        while ((l = hv_take_line(c)) != NULL) {
            if (c->debug) {
                fprintf(stderr, "%s -> %s\n", c->label, l);
            }
            dg_strv_push(&r->lines, l);
            if (hv_is_final(l)) {
                r->code = atoi(l);
                return r->code == 100 ? 0 : 1;
            }
        }
        long long left = deadline - dg_now_ms();
        if (left <= 0) {
            return hv_fail(c, why, "timed out waiting for the reply to \"%s\"",
                           line);
        }
        struct pollfd pfd = {c->fd, POLLIN, 0};
        int n = poll(&pfd, 1, (int)(left > 1000000 ? 1000000 : left));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return hv_fail(c, why, "%s", strerror(errno));
        }
        if (n == 0) {
            continue;
        }
        char buf[4096];
        ssize_t got = recv(c->fd, buf, sizeof(buf), 0);
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            return hv_fail(c, why, "%s", strerror(errno));
        }
        if (got == 0) {
            return hv_fail(c, why, "the server closed the connection");
        }
        dg_buf_addn(&c->in, buf, (size_t)got);
    }
}

int hv_parse_version(const char *text, int *a, int *b, int *c, int *rc)
{
    /* "a.b.c-RCn-arch" or "a.b.c-arch" (dynagen.md §12.1) */
    int n = 0;
    if (sscanf(text, "%d.%d.%d%n", a, b, c, &n) != 3) {
        return -1;
    }
    *rc = 999;
    const char *p = text + n;
    if (p[0] == '-' && (p[1] == 'R' || p[1] == 'r') &&
        (p[2] == 'C' || p[2] == 'c')) {
        int v;
        if (sscanf(p + 3, "%d", &v) == 1) {
            *rc = v;
        }
    }
    return 0;
}
