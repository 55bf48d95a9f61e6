/*
 * net_testd: runs stand-alone network devices built from the reference's
 * configuration files (src/net/netcfg.h), for the integration tests and
 * the network benchmark, until SIGINT/SIGTERM.
 *
 *   net_testd [-l log] [-E ethsw.cfg] [-f frsw.cfg] [-a atmsw.cfg]
 *             [-b hub.cfg] [-M atm_bridge.cfg] ...
 *
 * Each device is named after its file (sw1.cfg -> "sw1"); NIO names are
 * shared by all files. "ready" is printed once everything is built. Then
 * commands are read from standard input, one per line, answered in the
 * hypervisor's reply style (1xx info / 100- final, 2xx- error):
 *
 *   stats <nio>          100-<pkts_in> <pkts_out> <bytes_in> <bytes_out>
 *                        <drop_oversize> <drop_empty> <drop_foreign>
 *                        <drop_filter> <tx_errors> <rx_errors>
 *   reset_stats <nio>
 *   bind_filter <nio> <dir> <filter> / setup_filter <nio> <dir> <args..>
 *   unbind_filter <nio> <dir>
 *   debug <nio> <level>
 *   show_mac <ethsw> / clear_mac <ethsw> / set_aging <ethsw> <seconds>
 *   send <nio> <hex>     send one frame out of an NIO
 *   quit
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "net/ethsw.h"
#include "net/netcfg.h"
#include "net/nio.h"
#include "net/nio_filter.h"

#define MAX_ARGS 16

struct testd {
    struct evloop *ev;
    struct netcfg *cfg;
    char line[65536 * 2 + 256];
    size_t have;
};

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void reply(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fputc('\n', stdout);
    fflush(stdout);
}

static void mac_line(void *arg, const char *line)
{
    (void)arg;
    printf("101 %s\n", line);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void cmd_send(struct nio *nio, const char *hex)
{
    size_t n = 0, cap = strlen(hex) / 2 + 1;
    uint8_t *buf = malloc(cap);
    int hi = -1;
    for (; buf && *hex; hex++) {
        int v = hexval(*hex);
        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    ssize_t r = buf ? nio_send(nio, buf, n) : -ENOMEM;
    free(buf);
    if (r < 0) {
        reply("215-send: %s", strerror((int)-r));
    } else {
        reply("100-%zd", r);
    }
}

static void run_command(struct testd *t, int argc, char **argv)
{
    const char *cmd = argv[0];
    if (!strcmp(cmd, "quit")) {
        reply("100-OK");
        evloop_stop(t->ev);
        return;
    }
    if (argc < 2) {
        reply("203-Bad number of parameters");
        return;
    }
    if (!strcmp(cmd, "show_mac") || !strcmp(cmd, "clear_mac") ||
        !strcmp(cmd, "set_aging")) {
        struct ethsw *sw = netcfg_find_ethsw(t->cfg, argv[1]);
        if (!sw) {
            reply("208-unable to find object '%s'", argv[1]);
        } else if (!strcmp(cmd, "show_mac")) {
            ethsw_show_mac_table(sw, mac_line, NULL);
            reply("100-OK");
        } else if (!strcmp(cmd, "clear_mac")) {
            ethsw_clear_mac_table(sw);
            reply("100-OK");
        } else if (argc == 3) {
            ethsw_set_aging(sw, (unsigned)atoi(argv[2]));
            reply("100-OK");
        } else {
            reply("203-Bad number of parameters");
        }
        return;
    }
    struct nio *nio = netcfg_find_nio(t->cfg, argv[1]);
    if (!nio) {
        reply("208-unable to find object '%s'", argv[1]);
        return;
    }
    enum nio_dir dir = argc > 2 ? nio_dir_from_int(atol(argv[2])) : 0;
    if (!strcmp(cmd, "stats")) {
        struct nio_stats s;
        nio_get_stats(nio, &s);
        reply("100-%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
              (unsigned long long)s.pkts_in, (unsigned long long)s.pkts_out,
              (unsigned long long)s.bytes_in,
              (unsigned long long)s.bytes_out,
              (unsigned long long)s.drop_oversize,
              (unsigned long long)s.drop_empty,
              (unsigned long long)s.drop_foreign,
              (unsigned long long)s.drop_filter,
              (unsigned long long)s.tx_errors,
              (unsigned long long)s.rx_errors);
    } else if (!strcmp(cmd, "reset_stats")) {
        nio_reset_stats(nio);
        reply("100-OK");
    } else if (!strcmp(cmd, "debug") && argc == 3) {
        nio_set_debug(nio, atoi(argv[2]));
        reply("100-OK");
    } else if (!strcmp(cmd, "send") && argc == 3) {
        cmd_send(nio, argv[2]);
    } else if (!strcmp(cmd, "bind_filter") && argc == 4) {
        int rc = nio_filter_bind(nio, dir, argv[3]);
        rc < 0 ? reply("208-Unknown filter %s", argv[3]) : reply("100-OK");
    } else if (!strcmp(cmd, "unbind_filter") && argc == 3) {
        int rc = nio_filter_unbind(nio, dir);
        rc < 0 ? reply("208-No filter previously defined") : reply("100-OK");
    } else if (!strcmp(cmd, "setup_filter") && argc >= 3) {
        int rc = nio_filter_setup(nio, dir, argc - 3, argv + 3);
        rc < 0 ? reply("215-Failed to setup filter") : reply("100-OK");
    } else {
        reply("200-unknown command or bad parameters '%s'", cmd);
    }
}

static void handle_line(struct testd *t, char *line)
{
    char *argv[MAX_ARGS];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r"); tok && argc < MAX_ARGS;
         tok = strtok(NULL, " \t\r")) {
        argv[argc++] = tok;
    }
    if (argc) {
        run_command(t, argc, argv);
    }
}

static void stdin_ready(struct evloop *ev, int fd, unsigned events, void *arg)
{
    struct testd *t = arg;
    (void)events;
    ssize_t r = read(fd, t->line + t->have, sizeof(t->line) - 1 - t->have);
    if (r <= 0) {
        /* EOF: keep running until a signal (stdin may be /dev/null). */
        evloop_del_fd(ev, fd);
        return;
    }
    t->have += (size_t)r;
    char *nl;
    while ((nl = memchr(t->line, '\n', t->have)) != NULL) {
        *nl = '\0';
        handle_line(t, t->line);
        size_t used = (size_t)(nl - t->line) + 1;
        memmove(t->line, nl + 1, t->have - used);
        t->have -= used;
    }
    if (t->have == sizeof(t->line) - 1) {
        t->have = 0; /* a line longer than the buffer: drop it */
    }
}

static void signal_ready(struct evloop *ev, int fd, unsigned events,
                         void *arg)
{
    struct signalfd_siginfo si;
    (void)events;
    (void)arg;
    if (read(fd, &si, sizeof(si)) > 0) {
        evloop_stop(ev);
    }
}

/* "dir/sw1.cfg" -> "sw1" */
static void dev_name(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, size, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot && dot != out) {
        *dot = '\0';
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: net_testd [-l log] [-E ethsw.cfg] [-f frsw.cfg] "
                    "[-a atmsw.cfg] [-b hub.cfg] [-M atm_bridge.cfg] ...\n");
}

int main(int argc, char **argv)
{
    static struct testd t;
    struct logger *lg = NULL;
    for (int i = 1; i + 1 < argc; i++) {
        if (!strcmp(argv[i], "-l")) {
            lg = log_open(argv[i + 1]);
        }
    }
    t.ev = evloop_create();
    if (!t.ev || netcfg_create(&t.cfg, t.ev, lg) < 0) {
        fprintf(stderr, "net_testd: out of memory\n");
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-l") && i + 1 < argc) {
            i++;
            continue;
        }
        static const char opts[] = "EfabM";
        static const enum netcfg_kind kinds[] = {
            NETCFG_ETHSW, NETCFG_FRSW, NETCFG_ATMSW, NETCFG_HUB,
            NETCFG_ATM_BRIDGE};
        const char *o = argv[i][0] == '-' && argv[i][1] && !argv[i][2]
                            ? strchr(opts, argv[i][1])
                            : NULL;
        if (!o || i + 1 >= argc) {
            usage();
            return 2;
        }
        const char *path = argv[++i];
        char name[128], err[512];
        dev_name(path, name, sizeof(name));
        if (netcfg_load(t.cfg, kinds[o - opts], path, name, err,
                        sizeof(err)) < 0) {
            fprintf(stderr, "net_testd: %s\n", err);
            return 1;
        }
    }

    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    evloop_add_fd(t.ev, sfd, EV_READ, signal_ready, NULL);
    evloop_add_fd(t.ev, STDIN_FILENO, EV_READ, stdin_ready, &t);
    reply("ready");
    evloop_run(t.ev);

    netcfg_destroy(t.cfg);
    evloop_destroy(t.ev);
    close(sfd);
    log_close(lg);
    return 0;
}
