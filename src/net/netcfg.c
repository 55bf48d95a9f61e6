/*
 * Configuration files for stand-alone network devices (netcfg.h; shared
 * spec network.md §2.12).
 */
#include "net/netcfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/atm_bridge.h"
#include "net/atmsw.h"
#include "net/ethsw.h"
#include "net/frsw.h"
#include "net/hub.h"
#include "net/nio.h"

#define MAX_FIELDS 16

struct cfg_nio {
    struct nio *nio;
    int load; /* the netcfg_load() call that created it */
    struct cfg_nio *next;
};

struct cfg_dev {
    enum netcfg_kind kind;
    char *name;
    void *obj;
    struct cfg_dev *next;
};

struct netcfg {
    struct evloop *ev;
    struct logger *log;
    int loads;
    struct cfg_nio *nios;
    struct cfg_dev *devs;
};

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

/* Strict decimal in [0, max]. */
static int parse_uint(const char *s, unsigned long max, unsigned *out)
{
    char *end;
    if (!s || !*s || *s == '-' || *s == '+') {
        return -EINVAL;
    }
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*end || errno || v > max) {
        return -EINVAL;
    }
    *out = (unsigned)v;
    return 0;
}

int netcfg_nio_create(struct nio **out, struct evloop *ev, struct logger *lg,
                      const char *name, const char *type, int argc,
                      char *const argv[], char *err, size_t errlen)
{
    static const struct {
        const char *type;
        int argc;
    } types[] = {{"udp", 3},     {"unix", 2},      {"vde", 2},
                 {"tap", 1},     {"tcp_cli", 2},   {"tcp_ser", 1},
                 {"linux_eth", 1}, {"gen_eth", 1}, {"null", 0}};
    int want = -1;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (type && !strcmp(type, types[i].type)) {
            want = types[i].argc;
        }
    }
    if (want < 0) {
        return fail(err, errlen, -EINVAL, "unknown NIO type '%s'",
                    type ? type : "");
    }
    if (argc != want) {
        return fail(err, errlen, -EINVAL,
                    "NIO type '%s' takes %d parameter%s, not %d", type, want,
                    want == 1 ? "" : "s", argc);
    }
    int rc;
    if (!strcmp(type, "udp")) {
        unsigned lport, rport;
        if (parse_uint(argv[0], 65535, &lport) < 0 ||
            parse_uint(argv[2], 65535, &rport) < 0) {
            return fail(err, errlen, -EINVAL, "bad UDP port in '%s:%s:%s'",
                        argv[0], argv[1], argv[2]);
        }
        rc = nio_create_udp(out, ev, lg, name, lport, argv[1], rport);
    } else if (!strcmp(type, "unix")) {
        rc = nio_create_unix(out, ev, lg, name, argv[0], argv[1]);
    } else if (!strcmp(type, "vde")) {
        rc = nio_create_vde(out, ev, lg, name, argv[0], argv[1]);
    } else if (!strcmp(type, "tap")) {
        rc = nio_create_tap(out, ev, lg, name, argv[0]);
    } else if (!strcmp(type, "tcp_cli")) {
        rc = nio_create_tcp_cli(out, ev, lg, name, argv[0], argv[1]);
    } else if (!strcmp(type, "tcp_ser")) {
        rc = nio_create_tcp_ser(out, ev, lg, name, argv[0]);
    } else if (!strcmp(type, "linux_eth")) {
        rc = nio_create_linux_eth(out, ev, lg, name, argv[0]);
    } else if (!strcmp(type, "gen_eth")) {
        rc = nio_create_gen_eth(out, ev, lg, name, argv[0]);
    } else {
        rc = nio_create_null(out, ev, lg, name);
    }
    if (rc < 0) {
        return fail(err, errlen, rc, "cannot create %s NIO '%s': %s", type,
                    name, strerror(-rc));
    }
    return 0;
}

int netcfg_create(struct netcfg **out, struct evloop *ev, struct logger *lg)
{
    struct netcfg *cfg = calloc(1, sizeof(*cfg));
    if (!cfg) {
        return -ENOMEM;
    }
    cfg->ev = ev;
    cfg->log = lg;
    *out = cfg;
    return 0;
}

static void dev_free(struct cfg_dev *d)
{
    switch (d->kind) {
    case NETCFG_ETHSW:
        ethsw_destroy(d->obj);
        break;
    case NETCFG_FRSW:
        frsw_destroy(d->obj);
        break;
    case NETCFG_ATMSW:
        atmsw_destroy(d->obj);
        break;
    case NETCFG_HUB:
        hub_destroy(d->obj);
        break;
    case NETCFG_ATM_BRIDGE:
        atm_bridge_destroy(d->obj);
        break;
    }
    free(d->name);
    free(d);
}

/* Destroy the NIOs of one load (load < 0: all). */
static void nios_free(struct netcfg *cfg, int load)
{
    struct cfg_nio **pp = &cfg->nios;
    while (*pp) {
        struct cfg_nio *n = *pp;
        if (load < 0 || n->load == load) {
            *pp = n->next;
            nio_destroy(n->nio);
            free(n);
        } else {
            pp = &n->next;
        }
    }
}

void netcfg_destroy(struct netcfg *cfg)
{
    if (!cfg) {
        return;
    }
    while (cfg->devs) {
        struct cfg_dev *d = cfg->devs;
        cfg->devs = d->next;
        dev_free(d);
    }
    nios_free(cfg, -1);
    free(cfg);
}

struct nio *netcfg_find_nio(struct netcfg *cfg, const char *name)
{
    for (struct cfg_nio *n = cfg->nios; n; n = n->next) {
        if (!strcmp(nio_name(n->nio), name)) {
            return n->nio;
        }
    }
    return NULL;
}

void netcfg_foreach_nio(struct netcfg *cfg,
                        void (*fn)(void *arg, struct nio *nio), void *arg)
{
    for (struct cfg_nio *n = cfg->nios; n; n = n->next) {
        fn(arg, n->nio);
    }
}

static void *find_dev(struct netcfg *cfg, enum netcfg_kind kind,
                      const char *name)
{
    for (struct cfg_dev *d = cfg->devs; d; d = d->next) {
        if (d->kind == kind && !strcmp(d->name, name)) {
            return d->obj;
        }
    }
    return NULL;
}

struct ethsw *netcfg_find_ethsw(struct netcfg *cfg, const char *name)
{
    return find_dev(cfg, NETCFG_ETHSW, name);
}

struct frsw *netcfg_find_frsw(struct netcfg *cfg, const char *name)
{
    return find_dev(cfg, NETCFG_FRSW, name);
}

struct atmsw *netcfg_find_atmsw(struct netcfg *cfg, const char *name)
{
    return find_dev(cfg, NETCFG_ATMSW, name);
}

struct hub *netcfg_find_hub(struct netcfg *cfg, const char *name)
{
    return find_dev(cfg, NETCFG_HUB, name);
}

struct atm_bridge *netcfg_find_atm_bridge(struct netcfg *cfg,
                                          const char *name)
{
    return find_dev(cfg, NETCFG_ATM_BRIDGE, name);
}

/* ------------------------------------------------------------ loading */

struct loader {
    struct netcfg *cfg;
    struct cfg_dev *dev;
    const char *path;
    int line;
    char *err;
    size_t errlen;
};

#define LFAIL(L, rc, ...)                                                     \
    fail_at((L), (rc), __VA_ARGS__)

static int fail_at(struct loader *L, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail_at(struct loader *L, int rc, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return fail(L->err, L->errlen, rc, "%s:%d: %s", L->path, L->line, msg);
}

/* "<nio>:<type>:<args>" starting at f[0]. */
static int add_nio(struct loader *L, int nf, char **f, struct nio **out)
{
    if (nf < 2) {
        return LFAIL(L, -EINVAL, "expected <nio>:<type>[:<parameters>]");
    }
    if (netcfg_find_nio(L->cfg, f[0])) {
        return LFAIL(L, -EEXIST, "NIO '%s' already exists", f[0]);
    }
    struct cfg_nio *cn = calloc(1, sizeof(*cn));
    if (!cn) {
        return -ENOMEM;
    }
    char msg[200];
    int rc = netcfg_nio_create(&cn->nio, L->cfg->ev, L->cfg->log, f[0], f[1],
                               nf - 2, f + 2, msg, sizeof(msg));
    if (rc < 0) {
        free(cn);
        return LFAIL(L, rc, "%s", msg);
    }
    cn->load = L->cfg->loads;
    cn->next = L->cfg->nios;
    L->cfg->nios = cn;
    *out = cn->nio;
    return 0;
}

static int need_nio(struct loader *L, const char *name, struct nio **out)
{
    *out = netcfg_find_nio(L->cfg, name);
    return *out ? 0 : LFAIL(L, -ENOENT, "unknown NIO '%s'", name);
}

static int need_uint(struct loader *L, const char *s, unsigned long max,
                     const char *what, unsigned *out)
{
    if (parse_uint(s, max, out) < 0) {
        return LFAIL(L, -EINVAL, "bad %s '%s' (0 to %lu)", what, s, max);
    }
    return 0;
}

static int op_error(struct loader *L, int rc, const char *what)
{
    return LFAIL(L, rc, "%s: %s", what, strerror(-rc));
}

static int eth_line(struct loader *L, int nf, char **f)
{
    struct ethsw *sw = L->dev->obj;
    struct nio *nio;
    unsigned v;
    int rc;
    if (!strcmp(f[0], "IF")) {
        if ((rc = add_nio(L, nf - 1, f + 1, &nio)) < 0) {
            return rc;
        }
        rc = ethsw_add_nio(sw, nio);
        return rc < 0 ? op_error(L, rc, "cannot add port") : 0;
    }
    int is_access = !strcmp(f[0], "ACCESS"), is_dot1q = !strcmp(f[0], "DOT1Q");
    int is_qinq = !strcmp(f[0], "QINQ");
    if (!is_access && !is_dot1q && !is_qinq) {
        return LFAIL(L, -EINVAL, "unknown statement '%s'", f[0]);
    }
    if (nf != 3 && !(is_qinq && nf == 4)) {
        return LFAIL(L, -EINVAL, "expected %s:<nio>:<vlan>%s", f[0],
                     is_qinq ? "[:0x<tpid>]" : "");
    }
    if ((rc = need_nio(L, f[1], &nio)) < 0 ||
        (rc = need_uint(L, f[2], 4095, "VLAN", &v)) < 0) {
        return rc;
    }
    if (is_access) {
        rc = ethsw_set_access_port(sw, nio, v);
    } else if (is_dot1q) {
        rc = ethsw_set_dot1q_port(sw, nio, v);
    } else {
        rc = ethsw_set_qinq_port(sw, nio, v,
                                 ethsw_parse_tpid(nf == 4 ? f[3] : NULL));
    }
    return rc < 0 ? op_error(L, rc, "cannot apply port settings") : 0;
}

static int fr_line(struct loader *L, int nf, char **f)
{
    struct nio *in, *out;
    unsigned a, b;
    int rc;
    if (!strcmp(f[0], "IF")) {
        return add_nio(L, nf - 1, f + 1, &in);
    }
    if (strcmp(f[0], "VC") != 0) {
        return LFAIL(L, -EINVAL, "unknown statement '%s'", f[0]);
    }
    if (nf != 5) {
        return LFAIL(L, -EINVAL, "expected VC:<in>:<dlci>:<out>:<dlci>");
    }
    if ((rc = need_nio(L, f[1], &in)) < 0 ||
        (rc = need_uint(L, f[2], 1023, "DLCI", &a)) < 0 ||
        (rc = need_nio(L, f[3], &out)) < 0 ||
        (rc = need_uint(L, f[4], 1023, "DLCI", &b)) < 0) {
        return rc;
    }
    rc = frsw_create_vc(L->dev->obj, in, a, out, b);
    return rc < 0 ? op_error(L, rc, "cannot create VC") : 0;
}

static int atm_line(struct loader *L, int nf, char **f)
{
    struct nio *in, *out;
    unsigned v[4];
    int rc;
    if (!strcmp(f[0], "IF")) {
        return add_nio(L, nf - 1, f + 1, &in);
    }
    if (!strcmp(f[0], "VP")) {
        if (nf != 5) {
            return LFAIL(L, -EINVAL, "expected VP:<in>:<vpi>:<out>:<vpi>");
        }
        if ((rc = need_nio(L, f[1], &in)) < 0 ||
            (rc = need_uint(L, f[2], 4095, "VPI", &v[0])) < 0 ||
            (rc = need_nio(L, f[3], &out)) < 0 ||
            (rc = need_uint(L, f[4], 4095, "VPI", &v[1])) < 0) {
            return rc;
        }
        rc = atmsw_create_vpc(L->dev->obj, in, v[0], out, v[1]);
        return rc < 0 ? op_error(L, rc, "cannot create VP connection") : 0;
    }
    if (!strcmp(f[0], "VC")) {
        if (nf != 7) {
            return LFAIL(L, -EINVAL,
                         "expected VC:<in>:<vpi>:<vci>:<out>:<vpi>:<vci>");
        }
        if ((rc = need_nio(L, f[1], &in)) < 0 ||
            (rc = need_uint(L, f[2], 4095, "VPI", &v[0])) < 0 ||
            (rc = need_uint(L, f[3], 65535, "VCI", &v[1])) < 0 ||
            (rc = need_nio(L, f[4], &out)) < 0 ||
            (rc = need_uint(L, f[5], 4095, "VPI", &v[2])) < 0 ||
            (rc = need_uint(L, f[6], 65535, "VCI", &v[3])) < 0) {
            return rc;
        }
        rc = atmsw_create_vcc(L->dev->obj, in, v[0], v[1], out, v[2], v[3]);
        return rc < 0 ? op_error(L, rc, "cannot create VC connection") : 0;
    }
    return LFAIL(L, -EINVAL, "unknown statement '%s'", f[0]);
}

static int bridge_line(struct loader *L, int nf, char **f)
{
    struct nio *eth, *atm;
    unsigned vpi, vci;
    int rc;
    if (!strcmp(f[0], "IF")) {
        return add_nio(L, nf - 1, f + 1, &eth);
    }
    if (strcmp(f[0], "BRIDGE") != 0) {
        return LFAIL(L, -EINVAL, "unknown statement '%s'", f[0]);
    }
    if (nf != 5) {
        return LFAIL(L, -EINVAL, "expected BRIDGE:<eth>:<atm>:<vpi>:<vci>");
    }
    if ((rc = need_nio(L, f[1], &eth)) < 0 ||
        (rc = need_nio(L, f[2], &atm)) < 0 ||
        (rc = need_uint(L, f[3], 4095, "VPI", &vpi)) < 0 ||
        (rc = need_uint(L, f[4], 65535, "VCI", &vci)) < 0) {
        return rc;
    }
    rc = atm_bridge_configure(L->dev->obj, eth, atm, vpi, vci);
    return rc < 0 ? op_error(L, rc, "cannot configure bridge") : 0;
}

static int hub_line(struct loader *L, int nf, char **f)
{
    struct nio *nio;
    int rc = add_nio(L, nf, f, &nio);
    if (rc == 0 && (rc = hub_add_nio(L->dev->obj, nio)) < 0) {
        return op_error(L, rc, "cannot add hub port");
    }
    return rc;
}

static int dev_new(struct cfg_dev *d, struct logger *lg)
{
    switch (d->kind) {
    case NETCFG_ETHSW:
        return ethsw_create((struct ethsw **)&d->obj, lg, d->name);
    case NETCFG_FRSW:
        return frsw_create((struct frsw **)&d->obj, lg, d->name);
    case NETCFG_ATMSW:
        return atmsw_create((struct atmsw **)&d->obj, lg, d->name);
    case NETCFG_HUB:
        return hub_create((struct hub **)&d->obj, lg, d->name);
    case NETCFG_ATM_BRIDGE:
        return atm_bridge_create((struct atm_bridge **)&d->obj, lg, d->name);
    }
    return -EINVAL;
}

/* Remove '#' comments and trailing blanks; split on ':'. */
static int split(char *line, char **f)
{
    char *hash = strchr(line, '#');
    if (hash) {
        *hash = '\0';
    }
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
                 line[n - 1] == ' ' || line[n - 1] == '\t')) {
        line[--n] = '\0';
    }
    while (*line == ' ' || *line == '\t') {
        line++;
    }
    if (!strchr(line, ':')) {
        return 0;
    }
    int nf = 0;
    for (char *s = line; nf < MAX_FIELDS;) {
        f[nf++] = s;
        char *c = strchr(s, ':');
        if (!c) {
            break;
        }
        *c = '\0';
        s = c + 1;
    }
    return nf;
}

int netcfg_load(struct netcfg *cfg, enum netcfg_kind kind, const char *path,
                const char *name, char *err, size_t errlen)
{
    if (!name || !*name) {
        name = "default";
    }
    if (find_dev(cfg, kind, name)) {
        return fail(err, errlen, -EEXIST, "%s: device '%s' already exists",
                    path, name);
    }
    FILE *fp = fopen(path, "r");
    if (!fp) {
        return fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
    }
    struct cfg_dev *d = calloc(1, sizeof(*d));
    int rc = d && (d->name = strdup(name)) ? 0 : -ENOMEM;
    if (rc == 0) {
        d->kind = kind;
        rc = dev_new(d, cfg->log);
    }
    if (rc < 0) {
        if (d) {
            free(d->name);
        }
        free(d);
        fclose(fp);
        return fail(err, errlen, rc, "%s: %s", path, strerror(-rc));
    }
    cfg->loads++;
    struct loader L = {cfg, d, path, 0, err, errlen};
    char *line = NULL;
    size_t cap = 0;
    static int (*const handlers[])(struct loader *, int, char **) = {
        [NETCFG_ETHSW] = eth_line,    [NETCFG_FRSW] = fr_line,
        [NETCFG_ATMSW] = atm_line,    [NETCFG_HUB] = hub_line,
        [NETCFG_ATM_BRIDGE] = bridge_line,
    };
    while (rc == 0 && getline(&line, &cap, fp) > 0) {
        L.line++;
        char *f[MAX_FIELDS];
        int nf = split(line, f);
        if (nf > 0) {
            rc = handlers[kind](&L, nf, f);
        }
    }
    free(line);
    fclose(fp);
    if (rc < 0) {
        dev_free(d);
        nios_free(cfg, cfg->loads);
        log_msg(cfg->log, "NETCFG", "%s", err ? err : path);
        return rc;
    }
    d->next = cfg->devs;
    cfg->devs = d;
    return 0;
}
