/*
 * Network-file values and keys: the router options and their types
 * (dynagen.md §6.1, the original configspec's ranges), boolean and NIO
 * syntax (§2.3, §8.4), and the classification of every key of a device
 * section (option, slot, WIC, link, switch mapping or port, §6-§9).
 */
#include <stdlib.h>
#include <string.h>

#include "dynagen/netfile_internal.h"

static const struct nf_option nf_options[] = {
    {"model", OPT_MODEL, OT_CHOICE, 0, 0},
    {"console", OPT_CONSOLE, OT_INT, 1, 65535},
    {"aux", OPT_AUX, OT_INT, 1, 65535},
    {"mac", OPT_MAC, OT_STR, 0, 0},
    {"image", OPT_IMAGE, OT_STR, 0, 0},
    {"ram", OPT_RAM, OT_INT, 0, 1L << 30},
    {"nvram", OPT_NVRAM, OT_INT, 0, 1L << 30},
    {"cnfg", OPT_CNFG, OT_STR, 0, 0},
    {"confreg", OPT_CONFREG, OT_STR, 0, 0},
    {"idlepc", OPT_IDLEPC, OT_STR, 0, 0},
    {"exec_area", OPT_EXEC_AREA, OT_STR, 0, 0},
    {"clock", OPT_CLOCK, OT_INT, 0, 1L << 30},
    {"npe", OPT_NPE, OT_CHOICE, 0, 0},
    {"midplane", OPT_MIDPLANE, OT_CHOICE, 0, 0},
    {"disk0", OPT_DISK0, OT_INT, 0, 1L << 30},
    {"disk1", OPT_DISK1, OT_INT, 0, 1L << 30},
    {"mmap", OPT_MMAP, OT_BOOL, 0, 0},
    {"ghostios", OPT_GHOSTIOS, OT_BOOL, 0, 0},
    {"ghostsize", OPT_GHOSTSIZE, OT_INT, 1, 1L << 30},
    {"sparsemem", OPT_SPARSEMEM, OT_BOOL, 0, 0},
    {"autostart", OPT_AUTOSTART, OT_BOOL, 0, 0},
    {"configuration", OPT_CONFIGURATION, OT_STR, 0, 0},
    {"idlemax", OPT_IDLEMAX, OT_INT, 1, 1L << 30},
    {"idlesleep", OPT_IDLESLEEP, OT_INT, 1, 1L << 30},
    {"oldidle", OPT_OLDIDLE, OT_BOOL, 0, 0},
    {"rom", OPT_ROM, OT_INT, 0, 1L << 30},
    {"iomem", OPT_IOMEM, OT_STR, 0, 0},
    /* written by GNS3 (0.11.0/0.13), or Pemu only: ignored */
    {"x", OPT_GUI, OT_FLOAT, 0, 0},
    {"y", OPT_GUI, OT_FLOAT, 0, 0},
    {"z", OPT_GUI, OT_FLOAT, 0, 0},
    {"hx", OPT_GUI, OT_FLOAT, 0, 0},
    {"hy", OPT_GUI, OT_FLOAT, 0, 0},
    {"symbol", OPT_GUI, OT_STR, 0, 0},
    {"key", OPT_GUI, OT_STR, 0, 0},
    {"serial", OPT_GUI, OT_STR, 0, 0},
};

static const char *const nf_npes[] = {"npe-100", "npe-150", "npe-175",
                                      "npe-200", "npe-225", "npe-300",
                                      "npe-400", "npe-g1",  "npe-g2"};
static const char *const nf_midplanes[] = {"std", "vxr"};

const struct nf_option *nf_option_find(const char *key)
{
    for (size_t i = 0; i < DG_ARRAY_SIZE(nf_options); i++) {
        if (strcmp(nf_options[i].key, key) == 0) {
            return &nf_options[i];
        }
    }
    return NULL;
}

const char *nf_dev_kind_name(enum nf_dev_kind k)
{
    static const char *const names[] = {"ROUTER", "FRSW", "ATMSW", "ETHSW",
                                        "ATMBR"};
    return names[k];
}

int nf_parse_bool(const char *s)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < DG_ARRAY_SIZE(yes); i++) {
        if (dg_strcaseeq(s, yes[i])) {
            return 1;
        }
        if (dg_strcaseeq(s, no[i])) {
            return 0;
        }
    }
    return -1;
}

static char *nf_choices(const char *const *v, size_t n)
{
    struct dg_buf b = {0};
    for (size_t i = 0; i < n; i++) {
        dg_buf_addf(&b, "%s%s", i ? ", " : "", v[i]);
    }
    return dg_buf_take(&b);
}

char *nf_model_list(void)
{
    struct dg_buf b = {0};
    for (size_t i = 0; i < hw_model_count(); i++) {
        dg_buf_addf(&b, "%s%s", i ? " " : "", hw_model_name(i));
    }
    return dg_buf_take(&b);
}

int nf_check_value(struct nf_ctx *c, const struct ini_kv *kv,
                          enum nf_opt_type type, long min, long max,
                          const char *const *choices, size_t nchoices,
                          long *ival)
{
    *ival = 0;
    if (kv->is_list && type != OT_STR) {
        NF_ERR(c, kv->line,
               "%s = %s: a list (a comma outside quotes) where one value is "
               "expected",
               kv->key, kv->value);
        return -1;
    }
    if (kv->is_list) {
        NF_ERR(c, kv->line,
               "%s = %s: the comma makes it a list; put the value in "
               "double quotes",
               kv->key, kv->value);
        return -1;
    }
    switch (type) {
    case OT_STR:
        return 0;
    case OT_FLOAT: {
        char *end;
        (void)strtod(kv->value, &end);
        if (end == kv->value || *end) {
            NF_ERR(c, kv->line, "%s = \"%s\" is not a number", kv->key,
                   kv->value);
            return -1;
        }
        return 0;
    }
    case OT_BOOL: {
        int b = nf_parse_bool(kv->value);
        if (b < 0) {
            NF_ERR(c, kv->line,
                   "%s = \"%s\" is not a boolean (true/false, yes/no, "
                   "on/off, 1/0)",
                   kv->key, kv->value);
            return -1;
        }
        *ival = b;
        return 0;
    }
    case OT_INT: {
        long v;
        if (dg_parse_long(kv->value, &v) < 0) {
            NF_ERR(c, kv->line, "%s = \"%s\" is not an integer", kv->key,
                   kv->value);
            return -1;
        }
        if (v < min) {
            NF_ERR(c, kv->line, "%s = %s is too small (at least %ld)",
                   kv->key, kv->value, min);
            return -1;
        }
        if (v > max) {
            NF_ERR(c, kv->line, "%s = %s is too big (at most %ld)", kv->key,
                   kv->value, max);
            return -1;
        }
        *ival = v;
        return 0;
    }
    case OT_CHOICE:
        for (size_t i = 0; i < nchoices; i++) {
            if (strcmp(kv->value, choices[i]) == 0) {
                *ival = (long)i;
                return 0;
            }
        }
        {
            char *list = nf_choices(choices, nchoices);
            NF_ERR(c, kv->line, "%s = \"%s\" is not one of: %s", kv->key,
                   kv->value, list);
            free(list);
        }
        return -1;
    }
    return -1;
}

int nf_check_model(struct nf_ctx *c, const struct ini_kv *kv,
                          const struct hw_model **out)
{
    if (kv->is_list) {
        NF_ERR(c, kv->line, "%s = %s: a list where one model is expected",
               kv->key, kv->value);
        return -1;
    }
    const struct hw_model *m = hw_model_find(kv->value);
    if (!m) {
        char *list = nf_model_list();
        NF_ERR(c, kv->line, "%s = \"%s\": unknown model (models: %s)",
               kv->key, kv->value, list);
        free(list);
        return -1;
    }
    *out = m;
    return 0;
}

void nf_nio_free(struct nf_nio *nio)
{
    free(nio->type);
    for (int i = 0; i < nio->nargs; i++) {
        free(nio->args[i]);
    }
    memset(nio, 0, sizeof(*nio));
}

int nf_is_uint(const char *s)
{
    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}

int nf_parse_nio(const char *s, struct nf_nio *nio, char **why)
{
    memset(nio, 0, sizeof(*nio));
    *why = NULL;
    if (!dg_strncaseeq(s, "nio_", 4)) {
        *why = dg_printf("bad NIO specified: \"%s\" (expected NIO_type:...)",
                         s);
        return -1;
    }
    const char *colon = strchr(s, ':');
    if (!colon) {
        *why = dg_printf("malformed NIO \"%s\": no ':' after the type", s);
        return -1;
    }
    char *type = dg_strndup(s + 4, (size_t)(colon - s - 4));
    for (char *p = type; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        }
    }
    const char *rest = colon + 1;
    nio->type = type;
    if (strcmp(type, "udp") == 0) {
        /* lport:rhost:rport; the host may hold colons (IPv6) */
        const char *c1 = strchr(rest, ':');
        const char *c2 = strrchr(rest, ':');
        if (!c1 || c1 == c2) {
            *why = dg_printf("bad NIO specified: \"%s\" (expected "
                             "NIO_udp:LOCALPORT:HOST:REMOTEPORT)",
                             s);
            goto fail;
        }
        nio->args[0] = dg_strndup(rest, (size_t)(c1 - rest));
        nio->args[1] = dg_strndup(c1 + 1, (size_t)(c2 - c1 - 1));
        nio->args[2] = dg_strdup(c2 + 1);
        nio->nargs = 3;
        if (!nf_is_uint(nio->args[0]) || !nf_is_uint(nio->args[2]) ||
            !nio->args[1][0] || atol(nio->args[0]) > 65535 ||
            atol(nio->args[2]) > 65535) {
            *why = dg_printf("bad NIO specified: \"%s\" (expected "
                             "NIO_udp:LOCALPORT:HOST:REMOTEPORT)",
                             s);
            goto fail;
        }
        return 0;
    }
    if (strcmp(type, "unix") == 0 || strcmp(type, "vde") == 0) {
        const char *c1 = strchr(rest, ':');
        if (!c1 || c1 == rest || !c1[1]) {
            *why = dg_printf("bad NIO specified: \"%s\" (expected NIO_%s:%s)",
                             s, type,
                             type[0] == 'u' ? "LOCAL:REMOTE" : "CONTROL:LOCAL");
            goto fail;
        }
        nio->args[0] = dg_strndup(rest, (size_t)(c1 - rest));
        nio->args[1] = dg_strdup(c1 + 1);
        nio->nargs = 2;
        return 0;
    }
    if (strcmp(type, "linux_eth") == 0 || strcmp(type, "gen_eth") == 0 ||
        strcmp(type, "tap") == 0 || strcmp(type, "null") == 0) {
        if (!rest[0]) {
            *why = dg_printf("bad NIO specified: \"%s\" (nothing after ':')",
                             s);
            goto fail;
        }
        nio->args[0] = dg_strdup(rest);
        nio->nargs = 1;
        return 0;
    }
    *why = dg_printf("bad NIO specified: unknown NIO type \"%s\" (udp, "
                     "linux_eth, gen_eth, tap, unix, vde, null)",
                     type);
fail:
    nf_nio_free(nio);
    return -1;
}

static int nf_parse_dest(struct nf_ctx *c, const char *dev, struct nf_key *k)
{
    struct dg_strv t = {0};
    dg_split_ws(k->value, &t);
    int rc = 0;
    if (t.n == 1 && dg_strncaseeq(t.v[0], "nio_", 4)) {
        char *why;
        k->dest.kind = NF_DEST_NIO;
        if (nf_parse_nio(t.v[0], &k->dest.nio, &why) < 0) {
            NF_ERR(c, k->line, "%s %s = %s: %s", dev, k->key, k->value, why);
            free(why);
            rc = -1;
        }
    } else if (t.n == 2 && dg_strcaseeq(t.v[0], "LAN")) {
        k->dest.kind = NF_DEST_LAN;
        k->dest.dev = dg_strdup(t.v[1]);
    } else if (t.n == 2) {
        k->dest.kind = NF_DEST_DEV;
        k->dest.dev = dg_strdup(t.v[0]);
        k->dest.arg = dg_strdup(t.v[1]);
    } else {
        NF_ERR(c, k->line,
               "attempt to connect %s %s to unknown device \"%s\" (expected "
               "DEVICE INTERFACE, SWITCH PORT, LAN ID or NIO_type:...)",
               dev, k->key, k->value);
        rc = -1;
    }
    dg_strv_free(&t);
    return rc;
}

/* "N:M" or "N:M:O" of unsigned integers; returns the count or -1. */
static int nf_parse_colon_ints(const char *s, long *v)
{
    int n = 0;
    const char *p = s;
    while (dg_is_blank((unsigned char)*p)) {
        p++;
    }
    for (;;) {
        if (n == 3 || *p < '0' || *p > '9') {
            return -1;
        }
        long x = 0;
        while (*p >= '0' && *p <= '9') {
            x = x * 10 + (*p - '0');
            if (x > 100000000L) {
                return -1;
            }
            p++;
        }
        v[n++] = x;
        if (*p == ':') {
            p++;
            continue;
        }
        while (dg_is_blank((unsigned char)*p)) {
            p++;
        }
        return *p ? -1 : n;
    }
}

static void nf_add_key(struct nf_section *s, const struct nf_key *k)
{
    s->keys = dg_realloc(s->keys, (s->nkeys + 1) * sizeof(*s->keys));
    s->keys[s->nkeys++] = *k;
}

static int nf_is_gui_key(const char *key)
{
    const struct nf_option *o = nf_option_find(key);
    return o && o->opt == OPT_GUI;
}

void nf_router_key(struct nf_ctx *c, struct nf_section *s,
                          const struct ini_kv *kv)
{
    struct nf_key k = {0};
    k.key = kv->key;
    k.value = kv->value;
    k.line = kv->line;
    const struct nf_option *o = nf_option_find(kv->key);
    if (o) {
        k.kind = o->opt == OPT_GUI ? NFK_IGNORED : NFK_OPTION;
        k.opt = o;
        int rc = 0;
        if (o->opt == OPT_MODEL) {
            const struct hw_model *m;
            rc = nf_check_model(c, kv, &m);
            if (rc == 0 && !s->is_defaults) {
                s->model = m;
            }
        } else if (o->opt == OPT_NPE) {
            rc = nf_check_value(c, kv, OT_CHOICE, 0, 0, nf_npes,
                                DG_ARRAY_SIZE(nf_npes), &k.ival);
        } else if (o->opt == OPT_MIDPLANE) {
            rc = nf_check_value(c, kv, OT_CHOICE, 0, 0, nf_midplanes,
                                DG_ARRAY_SIZE(nf_midplanes), &k.ival);
        } else {
            rc = nf_check_value(c, kv, o->type, o->min, o->max, NULL, 0,
                                &k.ival);
        }
        if (rc == 0) {
            nf_add_key(s, &k);
        }
        return;
    }
    const char *key = kv->key;
    if (dg_strncaseeq(key, "slot", 4) && nf_is_uint(key + 4)) {
        k.kind = NFK_SLOT;
        k.slot = atoi(key + 4);
        if (kv->is_list || !kv->value[0]) {
            NF_ERR(c, kv->line, "%s = %s: expected one adapter name", key,
                   kv->value);
            return;
        }
        nf_add_key(s, &k);
        return;
    }
    if (dg_strncaseeq(key, "wic", 3)) {
        const char *p = key + 3;
        const char *slash = strchr(p, '/');
        if (slash && slash > p) {
            char *a = dg_strndup(p, (size_t)(slash - p));
            int ok = nf_is_uint(a) && nf_is_uint(slash + 1);
            if (ok) {
                k.kind = NFK_WIC;
                k.slot = atoi(a);
                k.sub = atoi(slash + 1);
            }
            free(a);
            if (ok) {
                if (kv->is_list || !kv->value[0]) {
                    NF_ERR(c, kv->line, "%s = %s: expected one WIC name", key,
                           kv->value);
                    return;
                }
                nf_add_key(s, &k);
                return;
            }
        }
    }
    if (hw_parse_ifname(key, &k.ifn) == 0) {
        if (s->is_defaults) {
            NF_ERR(c, kv->line,
                   "%s = %s: links belong in [[ROUTER name]] sections, not "
                   "in the [[%s]] defaults",
                   key, kv->value, s->name);
            return;
        }
        k.kind = NFK_LINK;
        if (nf_parse_dest(c, s->name, &k) == 0) {
            nf_add_key(s, &k);
        } else {
            nf_nio_free(&k.dest.nio);
            free(k.dest.dev);
            free(k.dest.arg);
        }
        return;
    }
    /* Option keys are lower case (§2.4): say so when that is the slip. */
    char *lower = dg_strdup(key);
    for (char *p = lower; *p; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            *p = (char)(*p - 'A' + 'a');
        }
    }
    if (nf_option_find(lower)) {
        NF_ERR(c, kv->line,
               "unknown config item '%s' (option names are lower case: "
               "'%s')",
               key, lower);
    } else {
        NF_ERR(c, kv->line, "unknown config item: %s = %s", key, kv->value);
    }
    free(lower);
}

void nf_switch_key(struct nf_ctx *c, struct nf_section *s,
                          const struct ini_kv *kv)
{
    struct nf_key k = {0};
    k.key = kv->key;
    k.value = kv->value;
    k.line = kv->line;
    if (nf_is_gui_key(kv->key)) {
        k.kind = NFK_IGNORED;
        nf_add_key(s, &k);
        return;
    }
    long a[3], b[3];
    int na = nf_parse_colon_ints(kv->key, a);
    int nb = kv->is_list ? -1 : nf_parse_colon_ints(kv->value, b);
    switch (s->kind) {
    case NF_FRSW:
        if (na != 2 || nb != 2) {
            NF_ERR(c, kv->line,
                   "invalid switch mapping entry: %s = %s (expected "
                   "PORT:DLCI = PORT:DLCI)",
                   kv->key, kv->value);
            return;
        }
        k.kind = NFK_FRMAP;
        k.p1 = a[0];
        k.a1 = a[1];
        k.p2 = b[0];
        k.a2 = b[1];
        if (k.a1 > 1023 || k.a2 > 1023) {
            NF_ERR(c, kv->line, "%s = %s: a DLCI is 0-1023", kv->key,
                   kv->value);
            return;
        }
        break;
    case NF_ATMSW:
        if (na < 2 || na != nb) {
            NF_ERR(c, kv->line,
                   "invalid switch mapping entry: %s = %s (expected "
                   "PORT:VPI = PORT:VPI or PORT:VPI:VCI = PORT:VPI:VCI)",
                   kv->key, kv->value);
            return;
        }
        k.kind = na == 2 ? NFK_ATMVP : NFK_ATMVC;
        k.p1 = a[0];
        k.a1 = a[1];
        k.b1 = na == 3 ? a[2] : 0;
        k.p2 = b[0];
        k.a2 = b[1];
        k.b2 = nb == 3 ? b[2] : 0;
        if (k.a1 > 4095 || k.a2 > 4095 || k.b1 > 65535 || k.b2 > 65535) {
            NF_ERR(c, kv->line, "%s = %s: VPI is 0-4095, VCI 0-65535",
                   kv->key, kv->value);
            return;
        }
        break;
    case NF_ATMBR:
        if (na != 1 || nb != 3) {
            NF_ERR(c, kv->line,
                   "invalid bridge mapping entry: %s = %s (expected "
                   "ETHPORT = ATMPORT:VPI:VCI)",
                   kv->key, kv->value);
            return;
        }
        k.kind = NFK_BRMAP;
        k.p1 = a[0];
        k.p2 = b[0];
        k.a2 = b[1];
        k.b2 = b[2];
        break;
    case NF_ETHSW: {
        if (na != 1) {
            NF_ERR(c, kv->line,
                   "invalid Ethernet switchport config: %s = %s (expected "
                   "PORT = access|dot1q VLAN [NIO_type:...])",
                   kv->key, kv->value);
            return;
        }
        struct dg_strv t = {0};
        dg_split_ws(kv->value, &t);
        int ok = 1;
        if (kv->is_list || t.n < 2 || t.n > 4) {
            NF_ERR(c, kv->line,
                   "invalid Ethernet switchport config: %s = %s (expected "
                   "PORT = access|dot1q VLAN [NIO_type:... | ROUTER "
                   "INTERFACE])",
                   kv->key, kv->value);
            ok = 0;
        } else if (!dg_strcaseeq(t.v[0], "access") &&
                   !dg_strcaseeq(t.v[0], "dot1q")) {
            NF_ERR(c, kv->line,
                   "invalid porttype '%s' for port %s (access or dot1q)",
                   t.v[0], kv->key);
            ok = 0;
        } else if (dg_parse_long(t.v[1], &k.vlan) < 0 || k.vlan < 0 ||
                   k.vlan > 4095) {
            NF_ERR(c, kv->line, "port %s: VLAN \"%s\" is not 0-4095",
                   kv->key, t.v[1]);
            ok = 0;
        } else if (t.n == 4) {
            /* 0.13: the link to a router written on the switch side */
            if (hw_parse_ifname(t.v[3], &k.ifn) < 0) {
                NF_ERR(c, kv->line, "port %s: \"%s\" is not an interface "
                                    "name",
                       kv->key, t.v[3]);
                ok = 0;
            } else {
                k.dest.kind = NF_DEST_DEV;
                k.dest.dev = dg_strdup(t.v[2]);
                k.dest.arg = dg_strdup(t.v[3]);
            }
        } else if (t.n == 3) {
            char *why;
            if (!strchr(t.v[2], ':')) {
                NF_ERR(c, kv->line, "port %s: malformed NETIO \"%s\"",
                       kv->key, t.v[2]);
                ok = 0;
            } else if (nf_parse_nio(t.v[2], &k.nio, &why) < 0) {
                NF_ERR(c, kv->line, "port %s: %s", kv->key, why);
                free(why);
                ok = 0;
            } else {
                k.has_nio = 1;
            }
        }
        if (ok) {
            k.kind = NFK_ETHPORT;
            k.p1 = a[0];
            k.dot1q = dg_strcaseeq(t.v[0], "dot1q");
        }
        dg_strv_free(&t);
        if (!ok) {
            return;
        }
        break;
    }
    case NF_ROUTER:
        return;
    }
    nf_add_key(s, &k);
}
