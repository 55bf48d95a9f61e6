/*
 * dynagen --check: load a lab, run a console script against it (see
 * check.h), reset the hypervisors, exit 0 or 1.
 */
#include "dynagen/check.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dynagen/cli.h"

enum ck_op { CK_EXPECT, CK_SEND, CK_SENDRAW, CK_SLEEP, CK_CLI };

struct ck_step {
    enum ck_op op;
    int line;
    char *dev;
    char *text;     /* expect/send text, or the CLI command */
    int is_regex;
    regex_t re;
    long timeout_s;
};

struct ck_console {
    int fd;
    struct dg_buf out;  /* everything received, telnet commands removed */
    size_t cursor;      /* expect searches from here */
    int iac_state;      /* 0 data, 1 after IAC, 2 option byte, 3 SB, 4 SB IAC */
    int iac_cmd;
};

#define TN_IAC 255
#define TN_DONT 254
#define TN_DO 253
#define TN_WONT 252
#define TN_WILL 251
#define TN_SB 250
#define TN_SE 240

static void ck_free_steps(struct ck_step *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].dev);
        free(v[i].text);
        if (v[i].is_regex) {
            regfree(&v[i].re);
        }
    }
    free(v);
}

/* Next token: word, "string" (escapes) or /regex/. 1, 0 at end, -1. */
static int ck_token(const char **p, char **out, int *kind)
{
    const char *s = *p;
    while (dg_is_blank((unsigned char)*s)) {
        s++;
    }
    if (!*s || *s == '#') {
        *p = s;
        return 0;
    }
    struct dg_buf b = {0};
    if (*s == '"') {
        s++;
        while (*s && *s != '"') {
            if (*s == '\\' && s[1]) {
                s++;
                dg_buf_addc(&b, *s == 'n' ? '\n' : *s == 'r' ? '\r'
                                            : *s == 't' ? '\t' : *s);
            } else {
                dg_buf_addc(&b, *s);
            }
            s++;
        }
        if (*s != '"') {
            dg_buf_free(&b);
            return -1;
        }
        s++;
        *kind = 1;
    } else if (*s == '/') {
        s++;
        while (*s && *s != '/') {
            if (*s == '\\' && s[1] == '/') {
                s++;
            }
            dg_buf_addc(&b, *s++);
        }
        if (*s != '/') {
            dg_buf_free(&b);
            return -1;
        }
        s++;
        *kind = 2;
    } else {
        while (*s && !dg_is_blank((unsigned char)*s)) {
            dg_buf_addc(&b, *s++);
        }
        *kind = 0;
    }
    *p = s;
    *out = dg_buf_take(&b);
    return 1;
}

static int ck_parse(const char *path, struct ck_step **steps, size_t *nsteps)
{
    char *text;
    size_t len;
    int rc = dg_read_file(path, &text, &len);
    if (rc < 0) {
        fprintf(stderr, "%s: cannot read the script: %s\n", path,
                strerror(-rc));
        return -1;
    }
    struct ck_step *v = NULL;
    size_t n = 0, cap = 0;
    int lineno = 0, errors = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        /* strtok_r skips empty lines: count them from the text */
        lineno = 1;
        for (const char *q = text; q < line; q++) {
            lineno += *q == '\n' || *q == '\0';
        }
        const char *p = line;
        char *word;
        int kind;
        int t = ck_token(&p, &word, &kind);
        if (t == 0) {
            continue;
        }
        if (t < 0) {
            fprintf(stderr, "%s:%d: unterminated string\n", path, lineno);
            errors++;
            continue;
        }
        struct ck_step st = {0};
        st.line = lineno;
        st.timeout_s = 60;
        if (strcmp(word, "cli") == 0) {
            st.op = CK_CLI;
            while (dg_is_blank((unsigned char)*p)) {
                p++;
            }
            st.text = dg_strdup(p);
            dg_trim(st.text);
            if (!st.text[0]) {
                fprintf(stderr, "%s:%d: cli needs a command\n", path, lineno);
                errors++;
            }
        } else if (strcmp(word, "sleep") == 0) {
            st.op = CK_SLEEP;
            char *num = NULL;
            int k2;
            if (ck_token(&p, &num, &k2) != 1 ||
                dg_parse_long(num, &st.timeout_s) < 0 || st.timeout_s < 0) {
                fprintf(stderr, "%s:%d: sleep SECONDS\n", path, lineno);
                errors++;
            }
            free(num);
        } else if (strcmp(word, "expect") == 0 || strcmp(word, "wait") == 0 ||
                   strcmp(word, "send") == 0 || strcmp(word, "sendraw") == 0) {
            st.op = word[0] == 's' ? (word[4] ? CK_SENDRAW : CK_SEND)
                                   : CK_EXPECT;
            int k1, k2;
            if (ck_token(&p, &st.dev, &k1) != 1 ||
                ck_token(&p, &st.text, &k2) != 1) {
                fprintf(stderr, "%s:%d: %s ROUTER \"text\"%s\n", path, lineno,
                        word, st.op == CK_EXPECT ? " [SECONDS]" : "");
                errors++;
            } else {
                if (k2 == 2) {
                    if (st.op != CK_EXPECT) {
                        fprintf(stderr, "%s:%d: %s takes a \"string\", not a "
                                        "/regex/\n",
                                path, lineno, word);
                        errors++;
                    } else if (regcomp(&st.re, st.text,
                                       REG_EXTENDED | REG_NEWLINE) != 0) {
                        fprintf(stderr, "%s:%d: bad regular expression /%s/\n",
                                path, lineno, st.text);
                        errors++;
                    } else {
                        st.is_regex = 1;
                    }
                }
                char *num = NULL;
                int k3;
                if (st.op == CK_EXPECT && ck_token(&p, &num, &k3) == 1 &&
                    (dg_parse_long(num, &st.timeout_s) < 0 ||
                     st.timeout_s < 1)) {
                    fprintf(stderr, "%s:%d: bad timeout \"%s\"\n", path,
                            lineno, num);
                    errors++;
                }
                free(num);
            }
        } else {
            fprintf(stderr, "%s:%d: unknown directive \"%s\" (expect, send, "
                            "sendraw, sleep, cli)\n",
                    path, lineno, word);
            errors++;
        }
        free(word);
        dg_grow(&v, &cap, n, sizeof(*v));
        v[n++] = st;
    }
    free(text);
    if (errors) {
        ck_free_steps(v, n);
        return -1;
    }
    *steps = v;
    *nsteps = n;
    return 0;
}

static int ck_open(const char *host, long port)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    char ps[16];
    snprintf(ps, sizeof(ps), "%ld", port);
    if (getaddrinfo(host, ps, &hints, &res) != 0) {
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

/* Feed received bytes: answer option negotiation with refusals. */
static void ck_feed(struct ck_console *c, const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = p[i];
        switch (c->iac_state) {
        case 0:
            if (b == TN_IAC) {
                c->iac_state = 1;
            } else if (b != '\r' && b != '\0') {
                dg_buf_addc(&c->out, (char)b);
            }
            break;
        case 1:
            if (b == TN_IAC) {
                dg_buf_addc(&c->out, (char)b);
                c->iac_state = 0;
            } else if (b >= TN_WILL) {
                c->iac_cmd = b;
                c->iac_state = 2;
            } else if (b == TN_SB) {
                c->iac_state = 3;
            } else {
                c->iac_state = 0;
            }
            break;
        case 2: {
            /* agree to the server echoing and suppressing go-ahead (the
             * usual character mode), refuse everything else */
            unsigned char reply[3] = {TN_IAC, 0, b};
            int ok = b == 1 || b == 3;
            if (c->iac_cmd == TN_WILL) {
                reply[1] = ok ? TN_DO : TN_DONT;
            } else if (c->iac_cmd == TN_DO) {
                reply[1] = ok ? TN_WILL : TN_WONT;
            }
            if (reply[1] && send(c->fd, reply, 3, MSG_NOSIGNAL) < 0) {
                /* the next read reports it */
            }
            c->iac_state = 0;
            break;
        }
        case 3:
            c->iac_state = b == TN_IAC ? 4 : 3;
            break;
        case 4:
            c->iac_state = b == TN_SE ? 0 : 3;
            break;
        }
    }
}

static int ck_send(struct ck_console *c, const char *text, int enter)
{
    struct dg_buf b = {0};
    for (const char *s = text; *s; s++) {
        if ((unsigned char)*s == TN_IAC) {
            dg_buf_addc(&b, (char)TN_IAC);
        }
        dg_buf_addc(&b, *s);
    }
    if (enter) {
        dg_buf_add(&b, "\r\n");
    }
    size_t off = 0;
    int rc = 0;
    while (off < b.len) {
        ssize_t w = send(c->fd, b.s + off, b.len - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            rc = -1;
            break;
        }
        off += (size_t)w;
    }
    dg_buf_free(&b);
    return rc;
}

static int ck_match(struct ck_console *c, const struct ck_step *st)
{
    const char *hay = c->out.s ? c->out.s + c->cursor : "";
    if (st->is_regex) {
        regmatch_t m;
        if (regexec(&st->re, hay, 1, &m, 0) == 0) {
            c->cursor += (size_t)m.rm_eo;
            return 1;
        }
        return 0;
    }
    const char *f = strstr(hay, st->text);
    if (f) {
        c->cursor += (size_t)(f - hay) + strlen(st->text);
        return 1;
    }
    return 0;
}

/*
 * Whether the router closed the console (a stop or reload from a cli
 * step does): what is already there is read first, so no output is lost.
 */
static int ck_closed(struct ck_console *c)
{
    for (;;) {
        unsigned char buf[4096];
        ssize_t got = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (got > 0) {
            ck_feed(c, buf, (size_t)got);
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
                        errno == EINTR)) {
            return 0;
        }
        return 1;
    }
}

/* Read until the step matches or its time runs out. */
static int ck_expect(struct ck_console *c, const struct ck_step *st)
{
    long long end = dg_now_ms() + st->timeout_s * 1000;
    for (;;) {
        if (ck_match(c, st)) {
            return 0;
        }
        long long left = end - dg_now_ms();
        if (left <= 0) {
            return -1;
        }
        struct pollfd pfd = {c->fd, POLLIN, 0};
        int n = poll(&pfd, 1, (int)left);
        if (n < 0 && errno != EINTR) {
            return -1;
        }
        if (n > 0) {
            unsigned char buf[4096];
            ssize_t got = recv(c->fd, buf, sizeof(buf), 0);
            if (got <= 0) {
                return -2;
            }
            ck_feed(c, buf, (size_t)got);
        }
    }
}

static void ck_tail(const struct ck_console *c)
{
    const char *s = c->out.s ? c->out.s : "";
    size_t n = c->out.len;
    size_t from = n > 600 ? n - 600 : 0;
    fprintf(stderr, "---- last console output ----\n%s\n"
                    "-----------------------------\n",
            s + from);
}

int check_run(struct lab *l, const char *script)
{
    struct ck_step *steps = NULL;
    size_t n = 0;
    if (ck_parse(script, &steps, &n) < 0) {
        return 1;
    }
    struct topo *t = &l->topo;
    for (size_t i = 0; i < n; i++) {
        if (steps[i].dev) {
            int d = topo_find_dev(t, steps[i].dev);
            if (d < 0 || t->devs[d].kind != T_ROUTER) {
                fprintf(stderr, "%s:%d: %s is not a router of the lab\n",
                        script, steps[i].line, steps[i].dev);
                ck_free_steps(steps, n);
                return 1;
            }
        }
    }
    int status = 0;
    if (lab_load(l, 0, NULL) != 0) {
        fprintf(stderr, "check: the lab did not load\n");
        lab_reset_all(l);
        ck_free_steps(steps, n);
        return 1;
    }
    printf("check: lab loaded\n");
    fflush(stdout);
    struct ck_console *cons = dg_calloc(t->ndevs + 1, sizeof(*cons));
    for (size_t i = 0; i < t->ndevs; i++) {
        cons[i].fd = -1;
    }
    struct cli cli;
    cli_init(&cli, l, stdin, stdout);
    cli.interactive = 0;
    size_t passed = 0, expects = 0;
    for (size_t i = 0; i < n && !status; i++) {
        struct ck_step *st = &steps[i];
        if (l->stop && *l->stop) {
            fprintf(stderr, "check: interrupted\n");
            status = 1;
            break;
        }
        if (st->op == CK_SLEEP) {
            dg_sleep_ms(st->timeout_s * 1000);
            continue;
        }
        if (st->op == CK_CLI) {
            printf("=> %s\n", st->text);
            cli_exec(&cli, st->text);
            fflush(stdout);
            continue;
        }
        int d = topo_find_dev(t, st->dev);
        struct ck_console *c = &cons[d];
        if (c->fd >= 0 && st->op != CK_EXPECT && ck_closed(c)) {
            /* a new console session: expect looks at what it brings */
            close(c->fd);
            c->fd = -1;
            c->iac_state = 0;
            c->cursor = c->out.len;
        }
        if (c->fd < 0) {
            struct topo_dev *dv = &t->devs[d];
            c->fd = ck_open(t->servers[dv->server].host, dv->console);
            if (c->fd < 0) {
                fprintf(stderr, "%s:%d: FAILED: cannot open the console of "
                                "%s at %s:%ld: %s\n",
                        script, st->line, dv->name,
                        t->servers[dv->server].host, dv->console,
                        strerror(errno));
                status = 1;
                break;
            }
        }
        if (st->op == CK_SEND || st->op == CK_SENDRAW) {
            if (ck_send(c, st->text, st->op == CK_SEND) < 0) {
                fprintf(stderr, "%s:%d: FAILED: the console of %s closed\n",
                        script, st->line, st->dev);
                status = 1;
            }
            continue;
        }
        expects++;
        int rc = ck_expect(c, st);
        if (rc == 0) {
            passed++;
            printf("check: %s:%d: ok: %s saw %s%s%s\n", script, st->line,
                   st->dev, st->is_regex ? "/" : "\"", st->text,
                   st->is_regex ? "/" : "\"");
            fflush(stdout);
            continue;
        }
        fprintf(stderr, "%s:%d: FAILED: %s%s%s not seen on %s within %ld s%s\n",
                script, st->line, st->is_regex ? "/" : "\"", st->text,
                st->is_regex ? "/" : "\"", st->dev, st->timeout_s,
                rc == -2 ? " (the console closed)" : "");
        ck_tail(c);
        status = 1;
    }
    printf("check: %zu of %zu expectations met%s\n", passed, expects,
           status ? ": FAILED" : "");
    for (size_t i = 0; i < t->ndevs; i++) {
        if (cons[i].fd >= 0) {
            close(cons[i].fd);
        }
        dg_buf_free(&cons[i].out);
    }
    free(cons);
    cli_free(&cli);
    lab_reset_all(l);
    ck_free_steps(steps, n);
    return status;
}
