/*
 * CLI commands on devices (dynagen.md §13.2, §13.3, §13.7): list,
 * start/stop/suspend/resume/reload, console/telnet/aux, capture,
 * no capture, filter, confreg, cpuinfo, send, clear mac.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dynagen/cli.h"
#include "dynagen/topo_hw.h"

struct list_row {
    char *text;
    char *key; /* the padded console column */
    size_t order;
};

static int list_cmp(const void *a, const void *b)
{
    const struct list_row *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) {
        return c;
    }
    return x->order < y->order ? -1 : x->order > y->order;
}

int cli_cmd_list(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    regex_t re;
    int filter = a->v.n > 0;
    /* list REGEXP: only the devices whose name matches (0.13) */
    if (filter && regcomp(&re, a->v.v[0], REG_EXTENDED | REG_NOSUB) != 0) {
        cli_printf(c, "*** Error: invalid regular expression %s\n",
                   a->v.v[0]);
        return 0;
    }
    lab_refresh_states(c->lab);
    cli_printf(c, "%-10s %-10s %-10s %-15s %-10s\n", "Name", "Type", "State",
               "Server", "Console");
    struct list_row *rows = dg_calloc(t->ndevs + 1, sizeof(*rows));
    for (size_t i = 0; i < t->ndevs; i++) {
        const struct topo_dev *d = &t->devs[i];
        char console[16];
        if (d->kind == T_ROUTER) {
            snprintf(console, sizeof(console), "%ld", d->console);
        } else {
            strcpy(console, "n/a");
        }
        rows[i].key = dg_printf("%-10s", console);
        rows[i].order = i;
        rows[i].text = dg_printf(
            "%-10s %-10s %-10s %-15s %-10s", d->name, topo_kind_name(d),
            d->kind == T_ROUTER ? topo_state_name(d->state) : "always on",
            t->servers[d->server].label, console);
    }
    qsort(rows, t->ndevs, sizeof(*rows), list_cmp);
    for (size_t i = 0; i < t->ndevs; i++) {
        if (!filter ||
            regexec(&re, t->devs[rows[i].order].name, 0, NULL, 0) == 0) {
            cli_printf(c, "%s\n", rows[i].text);
        }
        free(rows[i].text);
        free(rows[i].key);
    }
    free(rows);
    if (filter) {
        regfree(&re);
    }
    return 0;
}

static void cli_start_one(struct cli *c, int dev)
{
    struct plan p = {0};
    p.phase = PH_START;
    topo_start_cmds(&c->lab->topo, dev, &p);
    lab_run(c->lab, &p, -1, 1, 1);
    plan_free(&p);
}

int cli_cmd_start(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    long delay = 0;
    size_t n;
    if (strcmp(a->v.v[0], "/all") == 0) {
        n = cli_routers(c, a, 0, 1, devs);
        delay = c->lab->cfg.delay;
        if (a->v.n > 1 && (dg_parse_long(a->v.v[1], &delay) < 0 || delay < 0)) {
            cli_printf(c, "*** Error: invalid delay %s\n", a->v.v[1]);
            free(devs);
            return 0;
        }
    } else {
        n = cli_routers(c, a, 0, a->v.n, devs);
    }
    lab_refresh_states(c->lab);
    int started = 0;
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        if (d->state == ST_RUNNING) {
            cli_printf(c, "Note: router %s is already running\n", d->name);
            continue;
        }
        if (d->state == ST_SUSPENDED) {
            cli_printf(c, "*** Error: router %s is suspended and cannot be "
                          "started. Use Resume.\n",
                       d->name);
            continue;
        }
        if (started && delay > 0) {
            cli_printf(c, "Delaying start of next device for %ld seconds...\n",
                       delay);
            fflush(c->out);
            dg_sleep_ms(delay * 1000);
        }
        cli_start_one(c, devs[i]);
        started++;
    }
    free(devs);
    return 0;
}

enum life_op { OP_STOP, OP_SUSPEND, OP_RESUME };

static int cli_life(struct cli *c, struct cli_args *a, enum life_op op)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    lab_refresh_states(c->lab);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        const char *cmd = NULL;
        enum topo_state next = d->state;
        switch (op) {
        case OP_STOP:
            if (d->state == ST_STOPPED) {
                cli_printf(c, "Note: router %s is already stopped\n", d->name);
                break;
            }
            cmd = "stop";
            next = ST_STOPPED;
            break;
        case OP_SUSPEND:
            if (d->state == ST_STOPPED) {
                cli_printf(c, "Note: router %s is stopped and cannot be "
                              "suspended\n",
                           d->name);
            } else if (d->state == ST_SUSPENDED) {
                cli_printf(c, "Note: router %s is already suspended\n",
                           d->name);
            } else {
                cmd = "suspend";
                next = ST_SUSPENDED;
            }
            break;
        case OP_RESUME:
            if (d->state == ST_STOPPED) {
                cli_printf(c, "Note: router %s is stopped and cannot be "
                              "resumed\n",
                           d->name);
            } else if (d->state == ST_RUNNING) {
                cli_printf(c, "Note: router %s is already running\n", d->name);
            } else {
                cmd = "resume";
                next = ST_RUNNING;
            }
            break;
        }
        if (cmd && cli_send(c, d->server, 1, NULL, "vm %s %s", cmd, d->name) ==
                       0) {
            d->state = next;
        }
    }
    free(devs);
    return 0;
}

int cli_cmd_stop(struct cli *c, struct cli_args *a)
{
    return cli_life(c, a, OP_STOP);
}

int cli_cmd_suspend(struct cli *c, struct cli_args *a)
{
    return cli_life(c, a, OP_SUSPEND);
}

int cli_cmd_resume(struct cli *c, struct cli_args *a)
{
    return cli_life(c, a, OP_RESUME);
}

/*
 * Snapshots go through the hypervisor's vm save_state / load_state; the
 * file is named after the router, in the hypervisor's working directory.
 */
static int cli_state(struct cli *c, struct cli_args *a, int restore)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    lab_refresh_states(c->lab);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        if (!restore && d->state == ST_STOPPED) {
            cli_printf(c, "Note: router %s is stopped: nothing to snapshot\n",
                       d->name);
            continue;
        }
        if (cli_send(c, d->server, 1, NULL, "vm %s %s \"%s.state\"",
                     restore ? "load_state" : "save_state", d->name,
                     d->name) == 0 && restore)
            d->state = ST_RUNNING;
    }
    free(devs);
    return 0;
}

int cli_cmd_snapshot(struct cli *c, struct cli_args *a)
{
    return cli_state(c, a, 0);
}

int cli_cmd_restore(struct cli *c, struct cli_args *a)
{
    return cli_state(c, a, 1);
}

int cli_cmd_reload(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    lab_refresh_states(c->lab);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        if (d->state != ST_STOPPED) {
            if (cli_send(c, d->server, 1, NULL, "vm stop %s", d->name) != 0) {
                continue;
            }
            d->state = ST_STOPPED;
            fflush(c->out);
            dg_sleep_ms(1000);
        }
        cli_start_one(c, devs[i]);
    }
    free(devs);
    return 0;
}

/* Can something connect to host:port? 0, or an errno. */
static int cli_probe(const char *host, long port)
{
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    char ps[16];
    snprintf(ps, sizeof(ps), "%ld", port);
    if (getaddrinfo(host, ps, &hints, &res) != 0) {
        return EHOSTUNREACH;
    }
    int err = ECONNREFUSED;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                        ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            close(fd);
            err = 0;
            break;
        }
        err = errno;
        close(fd);
    }
    freeaddrinfo(res);
    return err;
}

static char *cli_telnet_command(const char *tmpl, const char *host, long port,
                                const char *name)
{
    struct dg_buf b = {0};
    for (const char *p = tmpl; *p; p++) {
        if (p[0] == '%' && p[1]) {
            p++;
            switch (*p) {
            case 'h':
                dg_buf_add(&b, host);
                continue;
            case 'p':
                dg_buf_addf(&b, "%ld", port);
                continue;
            case 'd':
                dg_buf_add(&b, name);
                continue;
            case '%':
                dg_buf_addc(&b, '%');
                continue;
            default:
                dg_buf_addc(&b, '%');
                break;
            }
        }
        dg_buf_addc(&b, *p);
    }
    return dg_buf_take(&b);
}

static int cli_connect_ports(struct cli *c, struct cli_args *a, int aux)
{
    struct lab *l = c->lab;
    struct topo *t = &l->topo;
    if (l->notelnet) {
        return 0;
    }
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    lab_refresh_states(l);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        if (d->state != ST_RUNNING) {
            cli_printf(c, "Skipping %s device: %s\n", topo_state_name(d->state),
                       d->name);
            continue;
        }
        long port = aux ? d->aux : d->console;
        if (aux && !port) {
            cli_printf(c, "*** Error: %s has no AUX port (set aux = PORT in "
                          "its section)\n",
                       d->name);
            continue;
        }
        const char *host = t->servers[d->server].host;
        int err = cli_probe(host, port);
        if (err) {
            cli_printf(c, "*** Error: cannot open the %s of %s at %s:%ld: "
                          "%s\n",
                       aux ? "AUX port" : "console", d->name, host, port,
                       strerror(err));
            continue;
        }
        char *cmd = cli_telnet_command(aux ? l->cfg.telnet_aux : l->cfg.telnet,
                                       host, port, d->name);
        fflush(c->out);
        int rc = system(cmd);
        if (rc == -1 || (WIFEXITED(rc) && WEXITSTATUS(rc) == 127)) {
            cli_printf(c, "*** Error: the console command failed: %s\n", cmd);
        }
        free(cmd);
        if (n > 1) {
            dg_sleep_ms(500);
        }
    }
    free(devs);
    return 0;
}

int cli_cmd_console(struct cli *c, struct cli_args *a)
{
    return cli_connect_ports(c, a, 0);
}

int cli_cmd_aux(struct cli *c, struct cli_args *a)
{
    return cli_connect_ports(c, a, 1);
}

/* The NIO of DEV IF; prints the error and returns NULL when none. */
static const struct topo_conn *cli_if_nio(struct cli *c, const char *dev,
                                          const char *ifname, int *devidx)
{
    struct topo *t = &c->lab->topo;
    int d = topo_find_dev(t, dev);
    if (d < 0) {
        cli_printf(c, "*** Error: Unknown device: %s\n", dev);
        return NULL;
    }
    if (t->devs[d].kind != T_ROUTER) {
        cli_printf(c, "*** Error: invalid device: %s (not a router)\n", dev);
        return NULL;
    }
    char *why;
    const struct topo_conn *cn = topo_router_conn(t, d, ifname, &why);
    if (!cn) {
        cli_printf(c, "*** Error: %s\n", why);
        free(why);
        return NULL;
    }
    *devidx = d;
    return cn;
}

int cli_cmd_capture(struct cli *c, struct cli_args *a)
{
    int d;
    const struct topo_conn *cn = cli_if_nio(c, a->v.v[0], a->v.v[1], &d);
    if (!cn) {
        return 0;
    }
    struct hw_ifname ifn;
    hw_parse_ifname(a->v.v[1], &ifn);
    /* dynagen.md §13.7 */
    static const struct {
        const char *word, *dlt;
    } types[] = {{"ETH", "EN10MB"},
                 {"FR", "FRELAY"},
                 {"HDLC", "C_HDLC"},
                 {"PPP", "PPP_SERIAL"},
                 {"ATM", "ATM_RFC1483"}};
    const char *dlt = NULL;
    if (a->v.n > 3) {
        for (size_t i = 0; i < DG_ARRAY_SIZE(types); i++) {
            if (dg_strcaseeq(a->v.v[3], types[i].word)) {
                dlt = types[i].dlt;
            }
        }
        if (!dlt) {
            cli_printf(c, "*** Error: Invalid linktype: %s (ETH, FR, HDLC, "
                          "PPP)\n",
                       a->v.v[3]);
            return 0;
        }
    } else if (hw_if_group(ifn.letter) == 1) {
        dlt = "EN10MB";
    } else if (strcmp(ifn.letter, "s") == 0) {
        cli_printf(c, "*** Error: Link type must be specified for serial "
                      "interfaces (FR, HDLC or PPP)\n");
        return 0;
    } else if (strcmp(ifn.letter, "a") == 0) {
        dlt = "ATM_RFC1483";
    } else {
        cli_printf(c, "*** Error: Packet capture is not supported on this "
                      "interface type\n");
        return 0;
    }
    struct topo_dev *dv = &c->lab->topo.devs[d];
    if (cli_send(c, dv->server, 0, NULL, "nio bind_filter %s 2 capture",
                 cn->nio) != 0) {
        return 0;
    }
    char *file = hv_arg(a->v.v[2]);
    cli_send(c, dv->server, 0, NULL, "nio setup_filter %s 2 %s %s", cn->nio,
             dlt, file);
    free(file);
    return 0;
}

int cli_cmd_no(struct cli *c, struct cli_args *a)
{
    if (strcmp(a->v.v[0], "capture") != 0 || a->v.n != 3) {
        cli_printf(c, "*** Error: Error parsing command (no capture device "
                      "interface)\n");
        return 0;
    }
    int d;
    const struct topo_conn *cn = cli_if_nio(c, a->v.v[1], a->v.v[2], &d);
    if (cn) {
        cli_send(c, c->lab->topo.devs[d].server, 0, NULL,
                 "nio unbind_filter %s 2", cn->nio);
    }
    return 0;
}

int cli_cmd_filter(struct cli *c, struct cli_args *a)
{
    const char *name = a->v.v[2];
    const char *dirw = a->v.v[3];
    if (strcmp(name, "freq_drop") && strcmp(name, "capture") &&
        strcmp(name, "none")) {
        cli_printf(c, "*** Error: Unknown filter: %s (freq_drop, capture, "
                      "none)\n",
                   name);
        return 0;
    }
    int dir = strcmp(dirw, "in") == 0     ? 0
              : strcmp(dirw, "out") == 0  ? 1
              : strcmp(dirw, "both") == 0 ? 2
                                          : -1;
    if (dir < 0) {
        cli_printf(c, "*** Error: invalid filter direction %s (in, out, "
                      "both)\n",
                   dirw);
        return 0;
    }
    int d;
    const struct topo_conn *cn = cli_if_nio(c, a->v.v[0], a->v.v[1], &d);
    if (!cn) {
        return 0;
    }
    int s = c->lab->topo.devs[d].server;
    if (strcmp(name, "none") == 0) {
        cli_send(c, s, 0, NULL, "nio unbind_filter %s %d", cn->nio, dir);
        return 0;
    }
    if (cli_send(c, s, 0, NULL, "nio bind_filter %s %d %s", cn->nio, dir,
                 name) != 0) {
        return 0;
    }
    if (a->v.n > 4) {
        struct dg_buf b = {0};
        for (size_t i = 4; i < a->v.n; i++) {
            char *q = hv_arg(a->v.v[i]);
            dg_buf_addf(&b, " %s", q);
            free(q);
        }
        cli_send(c, s, 0, NULL, "nio setup_filter %s %d%s", cn->nio, dir, b.s);
        dg_buf_free(&b);
    }
    return 0;
}

int cli_cmd_confreg(struct cli *c, struct cli_args *a)
{
    const char *v = a->v.v[a->v.n - 1];
    if (strncmp(v, "0x", 2) != 0 && strncmp(v, "0X", 2) != 0) {
        cli_printf(c, "*** Error: No confreg value specified (e.g. "
                      "0x2142)\n");
        return 0;
    }
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n - 1, devs);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        if (cli_send(c, d->server, 0, NULL, "vm set_conf_reg %s %s", d->name,
                     v) == 0) {
            free(d->confreg);
            d->confreg = dg_strdup(v);
        }
    }
    free(devs);
    return 0;
}

int cli_cmd_cpuinfo(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        struct hv_reply r;
        if (cli_send(c, d->server, 0, &r, "vm cpu_info %s 0", d->name) == 0 &&
            r.lines.n) {
            cli_printf(c, "%s\n", r.lines.v[0]);
        }
        hv_reply_free(&r);
    }
    free(devs);
    return 0;
}

int cli_cmd_send(struct cli *c, struct cli_args *a)
{
    struct lab *l = c->lab;
    int s = topo_find_server_host(&l->topo, a->v.v[0]);
    if (s < 0) {
        cli_printf(c, "*** Error: Unknown host %s\n", a->v.v[0]);
        return 0;
    }
    const char *cmd = a->rest + strlen(a->v.v[0]);
    while (dg_is_blank((unsigned char)*cmd)) {
        cmd++;
    }
    if (!*cmd) {
        cli_printf(c, "*** Error: Error parsing command\n");
        return 0;
    }
    struct hv_conn *conn = &l->conns[s];
    char *why = NULL;
    if (conn->fd < 0 && !conn->nosend && hv_connect(conn, 10000, &why) < 0) {
        cli_printf(c, "*** Error: %s\n", why);
        free(why);
        return 0;
    }
    struct hv_reply r;
    if (hv_send(conn, cmd, &r, &why) < 0) {
        cli_printf(c, "*** Error: %s\n", why);
        free(why);
    }
    for (size_t i = 0; i < r.lines.n; i++) {
        cli_printf(c, "%s\n", r.lines.v[i]);
    }
    hv_reply_free(&r);
    return 0;
}

int cli_cmd_clear(struct cli *c, struct cli_args *a)
{
    if (strcmp(a->v.v[0], "mac") != 0) {
        cli_printf(c, "*** Error: invalid clear command (clear mac "
                      "ethernet_switch)\n");
        return 0;
    }
    struct topo *t = &c->lab->topo;
    int d = cli_ethsw_arg(c, a);
    if (d < 0) {
        return 0;
    }
    cli_send(c, t->devs[d].server, 1, NULL, "ethsw clear_mac_addr_table %s",
             t->devs[d].name);
    return 0;
}
