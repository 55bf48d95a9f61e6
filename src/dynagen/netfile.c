/*
 * Network file -> lab model: the structure (dynagen.md §3, §4): top-level
 * keys, server sections, defaults and device sections, device names.
 * The keys inside sections are checked by netfile_keys.c. Errors carry
 * file:line.
 */
#include "dynagen/netfile_internal.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

static void nf_device_section(struct nf_ctx *c, struct nf_server *srv,
                              const struct ini_section *is)
{
    struct dg_strv t = {0};
    dg_split_ws(is->name, &t);
    struct nf_section s = {0};
    s.header = is->name;
    s.line = is->line;
    if (t.n == 1) {
        const struct hw_model *m = hw_model_find(t.v[0]);
        if (!m) {
            char *list = nf_model_list();
            NF_ERR(c, is->line,
                   "[[%s]]: neither a router model (%s) nor TYPE NAME "
                   "(ROUTER, FRSW, ATMSW, ETHSW, ATMBR)",
                   is->name, list);
            free(list);
            dg_strv_free(&t);
            return;
        }
        s.is_defaults = 1;
        s.model = m;
        s.kind = NF_ROUTER;
        s.name = dg_strdup(m->name);
    } else if (t.n == 2) {
        static const struct {
            const char *word;
            enum nf_dev_kind kind;
        } kinds[] = {{"ROUTER", NF_ROUTER}, {"FRSW", NF_FRSW},
                     {"ATMSW", NF_ATMSW},   {"ETHSW", NF_ETHSW},
                     {"ATMBR", NF_ATMBR}};
        size_t i;
        for (i = 0; i < DG_ARRAY_SIZE(kinds); i++) {
            if (dg_strcaseeq(t.v[0], kinds[i].word)) {
                break;
            }
        }
        if (i == DG_ARRAY_SIZE(kinds)) {
            NF_ERR(c, is->line,
                   "unknown device type '%s' in [[%s]] (ROUTER, FRSW, ATMSW, "
                   "ETHSW, ATMBR)",
                   t.v[0], is->name);
            dg_strv_free(&t);
            return;
        }
        s.kind = kinds[i].kind;
        s.name = dg_strdup(t.v[1]);
        if (dg_strcaseeq(s.name, "LAN")) {
            NF_ERR(c, is->line, "a device cannot be named LAN");
        } else if (strpbrk(s.name, "#!\"'/")) {
            NF_ERR(c, is->line,
                   "device name '%s': the characters # ! \" ' / are not "
                   "allowed",
                   s.name);
        }
        /* Device names are global across servers (§4). */
        for (size_t si = 0; si < c->lab->nservers; si++) {
            struct nf_server *o = &c->lab->servers[si];
            for (size_t j = 0; j < o->nsecs; j++) {
                if (!o->secs[j].is_defaults &&
                    strcmp(o->secs[j].name, s.name) == 0) {
                    NF_ERR(c, is->line,
                           "duplicate device name %s (first defined at line "
                           "%d)",
                           s.name, o->secs[j].line);
                }
            }
        }
    } else {
        NF_ERR(c, is->line,
               "unable to interpret [[%s]]: expected [[MODEL]] or [[TYPE "
               "NAME]]",
               is->name);
        dg_strv_free(&t);
        return;
    }
    dg_strv_free(&t);
    for (size_t i = 0; i < is->nkv; i++) {
        if (s.kind == NF_ROUTER) {
            nf_router_key(c, &s, &is->kv[i]);
        } else {
            nf_switch_key(c, &s, &is->kv[i]);
        }
    }
    srv->secs = dg_realloc(srv->secs, (srv->nsecs + 1) * sizeof(*srv->secs));
    srv->secs[srv->nsecs++] = s;
}

static int nf_split_host(const char *hdr, char **host, long *port)
{
    const char *last = strrchr(hdr, ':');
    *port = 7200;
    if (!last) {
        *host = dg_strdup(hdr);
        return 0;
    }
    const char *first = strchr(hdr, ':');
    char *h = dg_strndup(hdr, (size_t)(last - hdr));
    if (first != last) {
        /* IPv6: a port only if what is left is still an address */
        unsigned char buf[16];
        if (!nf_is_uint(last + 1) || inet_pton(AF_INET6, h, buf) != 1) {
            free(h);
            *host = dg_strdup(hdr);
            return 0;
        }
    }
    if (!nf_is_uint(last + 1) || !h[0]) {
        free(h);
        return -1;
    }
    *port = atol(last + 1);
    if (*port < 1 || *port > 65535) {
        free(h);
        return -1;
    }
    *host = h;
    return 0;
}

static void nf_server_section(struct nf_ctx *c, const struct ini_section *is)
{
    if (strcmp(is->name, "GNS3-DATA") == 0) {
        return; /* written by GNS3, ignored (§3.2) */
    }
    struct dg_strv t = {0};
    dg_split_ws(is->name, &t);
    if (t.n != 1) {
        NF_ERR(c, is->line,
               "[%s]: Qemu, VirtualBox and Pemu servers are not supported "
               "(a server section is [host] or [host:port])",
               is->name);
        dg_strv_free(&t);
        return;
    }
    dg_strv_free(&t);
    struct nf_server srv = {0};
    srv.header = is->name;
    srv.line = is->line;
    srv.console = 2000;
    long port;
    if (nf_split_host(is->name, &srv.host, &port) < 0) {
        NF_ERR(c, is->line, "[%s]: bad port (expected [host] or [host:port])",
               is->name);
        return;
    }
    srv.port = (int)port;
    for (size_t i = 0; i < is->nkv; i++) {
        const struct ini_kv *kv = &is->kv[i];
        long v;
        if (strcmp(kv->key, "port") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 65535, NULL, 0, &v) == 0) {
                srv.port = (int)v;
            }
        } else if (strcmp(kv->key, "workingdir") == 0) {
            if (nf_check_value(c, kv, OT_STR, 0, 0, NULL, 0, &v) == 0) {
                srv.workingdir = dg_strdup(kv->value);
            }
        } else if (strcmp(kv->key, "console") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 65535, NULL, 0, &v) == 0) {
                srv.console = v;
            }
        } else if (strcmp(kv->key, "udp") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 65535, NULL, 0, &v) == 0) {
                srv.udp = v;
            }
        } else if (strcmp(kv->key, "aux") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 65535, NULL, 0, &v) == 0) {
                srv.aux = v;
            }
        } else {
            NF_WARN(c, kv->line,
                    "'%s' is not a server setting (port, workingdir, console, "
                    "udp, aux): ignored",
                    kv->key);
        }
    }
    for (size_t i = 0; i < c->lab->nservers; i++) {
        struct nf_server *o = &c->lab->servers[i];
        if (strcmp(o->host, srv.host) == 0 && o->port == srv.port) {
            NF_ERR(c, is->line,
                   "server %s:%d is already defined at line %d (one section "
                   "per hypervisor)",
                   srv.host, srv.port, o->line);
        }
    }
    c->lab->servers =
        dg_realloc(c->lab->servers, (c->lab->nservers + 1) * sizeof(srv));
    c->lab->servers[c->lab->nservers++] = srv;
    struct nf_server *sp = &c->lab->servers[c->lab->nservers - 1];
    for (size_t i = 0; i < is->nsub; i++) {
        nf_device_section(c, sp, &is->sub[i]);
    }
}

static void nf_top_keys(struct nf_ctx *c, const struct ini_section *top)
{
    struct nf_lab *lab = c->lab;
    for (size_t i = 0; i < top->nkv; i++) {
        const struct ini_kv *kv = &top->kv[i];
        long v;
        const char *k = kv->key;
        if (strcmp(k, "autostart") == 0) {
            if (nf_check_value(c, kv, OT_BOOL, 0, 0, NULL, 0, &v) == 0) {
                lab->autostart = (int)v;
            }
        } else if (strcmp(k, "model") == 0) {
            nf_check_model(c, kv, &lab->model);
        } else if (strcmp(k, "ghostios") == 0) {
            if (nf_check_value(c, kv, OT_BOOL, 0, 0, NULL, 0, &v) == 0) {
                lab->ghostios = (int)v;
            }
        } else if (strcmp(k, "ghostsize") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 1L << 30, NULL, 0, &v) == 0) {
                lab->ghostsize = v;
            }
        } else if (strcmp(k, "sparsemem") == 0) {
            if (nf_check_value(c, kv, OT_BOOL, 0, 0, NULL, 0, &v) == 0) {
                lab->sparsemem = (int)v;
            }
        } else if (strcmp(k, "idlemax") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 1L << 30, NULL, 0, &v) == 0) {
                lab->idlemax = v;
            }
        } else if (strcmp(k, "idlesleep") == 0) {
            if (nf_check_value(c, kv, OT_INT, 1, 1L << 30, NULL, 0, &v) == 0) {
                lab->idlesleep = v;
            }
        } else if (strcmp(k, "oldidle") == 0) {
            if (nf_check_value(c, kv, OT_BOOL, 0, 0, NULL, 0, &v) == 0) {
                lab->oldidle = (int)v;
            }
        } else if (strcmp(k, "debug") == 0) {
            if (nf_check_value(c, kv, OT_INT, 0, 9, NULL, 0, &v) == 0) {
                lab->debug = v;
            }
        } else if (strcmp(k, "jitsharing") == 0 || strcmp(k, "version") == 0) {
            /* GNS3-era keys (§3.1): accepted, no effect */
        } else {
            NF_WARN(c, kv->line, "unknown top-level key '%s' ignored", k);
        }
    }
}

/* Values go into hypervisor command lines: no line breaks (§2.1 allows
 * triple-quoted values on several lines; no Dynagen key uses them). */
static int nf_no_multiline(struct nf_ctx *c, const struct ini_section *s)
{
    int rc = 0;
    for (size_t i = 0; i < s->nkv; i++) {
        if (strpbrk(s->kv[i].value, "\r\n")) {
            NF_ERR(c, s->kv[i].line, "%s: a value on several lines is not "
                                     "allowed in a network file",
                   s->kv[i].key);
            rc = -1;
        }
    }
    for (size_t i = 0; i < s->nsub; i++) {
        if (nf_no_multiline(c, &s->sub[i]) < 0) {
            rc = -1;
        }
    }
    return rc;
}

int nf_parse_text(struct nf_lab *lab, const char *path, const char *text,
                  size_t len, struct dg_diag *d)
{
    memset(lab, 0, sizeof(*lab));
    lab->path = dg_strdup(path);
    char *abs = dg_abspath(path);
    lab->dir = dg_dirname(abs);
    free(abs);
    lab->autostart = 1;
    lab->model = hw_model_find("7200");
    size_t before = d->nerrors;
    if (ini_parse(&lab->doc, path, text, len, d) < 0) {
        return -1;
    }
    struct nf_ctx c = {lab, d, path};
    if (nf_no_multiline(&c, &lab->doc.top) < 0) {
        return -1;
    }
    nf_top_keys(&c, &lab->doc.top);
    for (size_t i = 0; i < lab->doc.top.nsub; i++) {
        nf_server_section(&c, &lab->doc.top.sub[i]);
    }
    return d->nerrors == before ? 0 : -1;
}

int nf_load(struct nf_lab *lab, const char *path, struct dg_diag *d)
{
    char *text;
    size_t len;
    int rc = dg_read_file(path, &text, &len);
    if (rc < 0) {
        memset(lab, 0, sizeof(*lab));
        dg_err(d, path, 0, "cannot open the network file: %s", strerror(-rc));
        return -1;
    }
    rc = nf_parse_text(lab, path, text, len, d);
    free(text);
    return rc;
}

void nf_free(struct nf_lab *lab)
{
    for (size_t i = 0; i < lab->nservers; i++) {
        struct nf_server *s = &lab->servers[i];
        for (size_t j = 0; j < s->nsecs; j++) {
            struct nf_section *sec = &s->secs[j];
            for (size_t k = 0; k < sec->nkeys; k++) {
                struct nf_key *key = &sec->keys[k];
                free(key->dest.dev);
                free(key->dest.arg);
                nf_nio_free(&key->dest.nio);
                nf_nio_free(&key->nio);
            }
            free(sec->keys);
            free(sec->name);
        }
        free(s->secs);
        free(s->host);
        free(s->workingdir);
    }
    free(lab->servers);
    ini_free(&lab->doc);
    free(lab->path);
    free(lab->dir);
    memset(lab, 0, sizeof(*lab));
}
