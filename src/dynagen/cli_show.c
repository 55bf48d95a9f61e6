/*
 * show device / run / start / mac (dynagen.md §13.2-§13.4) and the
 * running topology in network-file syntax (show run, copy run start).
 */
#include <stdlib.h>
#include <string.h>

#include "dynagen/cli.h"
#include "dynagen/ini.h"
#include "dynagen/topo_hw.h"

/* ------------------------------------------------------------ show run */

static void run_kv(struct dg_buf *b, const char *indent, const char *key,
                   const char *value)
{
    char *q = ini_quote_value(value);
    dg_buf_addf(b, "%s%s = %s\n", indent, key, q);
    free(q);
}

static void run_long(struct dg_buf *b, const char *indent, const char *key,
                     long v)
{
    dg_buf_addf(b, "%s%s = %ld\n", indent, key, v);
}

static void run_router(struct cli *c, struct dg_buf *b, int idx,
                       int with_configs)
{
    const struct topo *t = &c->lab->topo;
    const struct topo_dev *d = &t->devs[idx];
    const struct hw_model *m = d->model;
    const char *in = "        ";
    dg_buf_addf(b, "    [[ROUTER %s]]\n", d->name);
    run_kv(b, in, "model", m->name);
    run_long(b, in, "console", d->console);
    if (d->aux) {
        run_long(b, in, "aux", d->aux);
    }
    if (d->image_given) {
        run_kv(b, in, "image", d->image_given);
    } else if (d->image && !d->firmware) {
        run_kv(b, in, "image", d->image);
    }
    if (d->npe && strcmp(d->npe, "npe-400") != 0) {
        run_kv(b, in, "npe", d->npe);
    }
    if (d->midplane && strcmp(d->midplane, "vxr") != 0) {
        run_kv(b, in, "midplane", d->midplane);
    }
    if (d->ram != m->ram) {
        run_long(b, in, "ram", d->ram);
    }
    if (d->nvram != m->nvram) {
        run_long(b, in, "nvram", d->nvram);
    }
    if (d->disk0 != m->disk0) {
        run_long(b, in, "disk0", d->disk0);
    }
    if (d->disk1 != m->disk1) {
        run_long(b, in, "disk1", d->disk1);
    }
    const char *strs[][2] = {{"mac", d->mac},         {"cnfg", d->cnfg},
                             {"confreg", d->confreg}, {"idlepc", d->idlepc},
                             {"exec_area", d->exec_area}};
    for (size_t i = 0; i < DG_ARRAY_SIZE(strs); i++) {
        if (strs[i][1]) {
            run_kv(b, in, strs[i][0], strs[i][1]);
        }
    }
    if (d->idlemax) {
        run_long(b, in, "idlemax", d->idlemax);
    }
    if (d->idlesleep) {
        run_long(b, in, "idlesleep", d->idlesleep);
    }
    if (d->iomem) {
        run_long(b, in, "iomem", d->iomem);
    }
    if (!d->mmap) {
        run_kv(b, in, "mmap", "false");
    }
    if (d->sparsemem) {
        run_kv(b, in, "sparsemem", "true");
    }
    if (d->oldidle) {
        run_kv(b, in, "oldidle", "true");
    }
    if (d->ghostios) {
        run_kv(b, in, "ghostios", "true");
    }
    if (d->ghostsize) {
        run_long(b, in, "ghostsize", d->ghostsize);
    }
    if (d->autostart != c->lab->nf.autostart) {
        run_kv(b, in, "autostart", d->autostart ? "true" : "false");
    }
    for (int s = 0; s < m->nslots && s < HW_MAX_SLOTS; s++) {
        const struct topo_slot *sl = &d->slots[s];
        if (sl->adapter && sl->adapter->cls != HW_ONBOARD) {
            dg_buf_addf(b, "%sslot%d = %s\n", in, s, sl->adapter->name);
        }
        for (int w = 0; w < HW_MAX_WICS; w++) {
            if (sl->wic[w]) {
                dg_buf_addf(b, "%swic%d/%d = %s\n", in, s, w,
                            sl->wic[w]->name);
            }
        }
    }
    for (size_t i = 0; i < d->nconns; i++) {
        const struct topo_conn *cn = &d->conns[i];
        if (cn->peer_kind == PEER_DEV && t->devs[cn->peer].kind == T_ROUTER &&
            cn->peer < idx) {
            continue; /* written on the other router */
        }
        dg_buf_addf(b, "%s%s = %s\n", in, cn->ifname, cn->peer_desc);
    }
    if (with_configs && d->configuration) {
        run_kv(b, in, "configuration", d->configuration);
    }
}

static void run_switch(struct cli *c, struct dg_buf *b, int idx)
{
    const struct topo_dev *d = &c->lab->topo.devs[idx];
    const char *in = "        ";
    dg_buf_addf(b, "    [[%s %s]]\n", topo_kind_name(d), d->name);
    for (size_t i = 0; i < d->nmaps; i++) {
        const struct topo_map *m = &d->maps[i];
        if (d->kind == T_ATMBR) {
            dg_buf_addf(b, "%s%ld = %ld:%ld:%ld\n", in, m->p1, m->p2, m->a2,
                        m->b2);
        } else if (m->vc) {
            dg_buf_addf(b, "%s%ld:%ld:%ld = %ld:%ld:%ld\n", in, m->p1, m->a1,
                        m->b1, m->p2, m->a2, m->b2);
        } else {
            dg_buf_addf(b, "%s%ld:%ld = %ld:%ld\n", in, m->p1, m->a1, m->p2,
                        m->a2);
        }
    }
    for (size_t i = 0; i < d->neports; i++) {
        const struct topo_ethport *e = &d->eports[i];
        struct topo_conn *cn =
            topo_conn_at((struct topo_dev *)d, -1, (int)e->port);
        dg_buf_addf(b, "%s%ld = %s %ld", in, e->port,
                    e->dot1q ? "dot1q" : "access", e->vlan);
        if (cn && cn->peer_kind == PEER_NIO) {
            dg_buf_addf(b, " %s", cn->peer_desc);
        }
        dg_buf_add(b, "\n");
    }
}

char *cli_running_config(struct cli *c, int router, int with_configs)
{
    const struct lab *l = c->lab;
    const struct topo *t = &l->topo;
    struct dg_buf b = {0};
    if (router >= 0) {
        run_router(c, &b, router, with_configs);
        return dg_buf_take(&b);
    }
    dg_buf_addf(&b, "autostart = %s\n", l->nf.autostart ? "true" : "false");
    if (l->nf.model && strcmp(l->nf.model->name, "7200") != 0) {
        dg_buf_addf(&b, "model = %s\n", l->nf.model->name);
    }
    for (size_t s = 0; s < t->nservers; s++) {
        const struct topo_server *sv = &t->servers[s];
        dg_buf_addf(&b, "\n[%s]\n", sv->nf->header);
        if (sv->nf->workingdir) {
            run_kv(&b, "    ", "workingdir", sv->nf->workingdir);
        }
        if (sv->nf->udp) {
            run_long(&b, "    ", "udp", sv->nf->udp);
        }
        if (sv->console_base != 2000) {
            run_long(&b, "    ", "console", sv->console_base);
        }
        if (sv->aux_base) {
            run_long(&b, "    ", "aux", sv->aux_base);
        }
        for (size_t i = 0; i < t->ndevs; i++) {
            if (t->devs[i].server != (int)s) {
                continue;
            }
            dg_buf_add(&b, "\n");
            if (t->devs[i].kind == T_ROUTER) {
                run_router(c, &b, (int)i, with_configs);
            } else {
                run_switch(c, &b, (int)i);
            }
        }
    }
    return dg_buf_take(&b);
}

/* ------------------------------------------------------------ show device */

static void dev_port(struct cli *c, const struct topo_dev *d, int slot,
                     int hvport, const char *letter, int ifslot, int ifport)
{
    const struct topo_conn *cn =
        topo_conn_at((struct topo_dev *)d, slot, hvport);
    cli_printf(c, "     %s%d/%d is ", hw_if_long(letter), ifslot, ifport);
    if (!cn) {
        cli_printf(c, "empty\n");
        return;
    }
    const struct topo *t = &c->lab->topo;
    const char *kind = cn->peer_kind == PEER_LAN   ? ""
                       : cn->peer_kind == PEER_NIO ? "NIO "
                       : t->devs[cn->peer].kind == T_ROUTER ? "router "
                                                            : "switch ";
    cli_printf(c, "connected to %s%s (%s)\n", kind, cn->peer_desc, cn->nio);
}

static void dev_router(struct cli *c, const struct topo_dev *d)
{
    const struct topo *t = &c->lab->topo;
    const struct hw_model *m = d->model;
    const struct topo_server *s = &t->servers[d->server];
    cli_printf(c, "Router %s is %s\n", d->name, topo_state_name(d->state));
    cli_printf(c, "  Hardware is dynamips emulated %s", m->long_name);
    if (d->npe) {
        char npe[16];
        snprintf(npe, sizeof(npe), "%s", d->npe);
        for (char *p = npe; *p; p++) {
            if (*p >= 'a' && *p <= 'z') {
                *p = (char)(*p - 'a' + 'A');
            }
        }
        cli_printf(c, " %s", npe);
    }
    cli_printf(c, " with %ld MB RAM\n", d->ram);
    cli_printf(c, "  Router's hypervisor runs on %s, console is on port %ld",
               s->label, d->console);
    if (d->aux) {
        cli_printf(c, ", aux is on port %ld", d->aux);
    }
    cli_printf(c, "\n  Image is %s%s\n", d->image ? d->image : "(none)",
               d->firmware ? " (the open firmware)" : "");
    if (d->idlepc) {
        cli_printf(c, "  Idle-PC value is %s\n", d->idlepc);
    } else {
        cli_printf(c, "  No Idle-PC value\n");
    }
    cli_printf(c, "  Idlemax value is %ld, idlesleep is %ld ms\n",
               d->idlemax ? d->idlemax : 1500,
               d->idlesleep ? d->idlesleep : 30);
    if (d->ghost_file) {
        cli_printf(c, "  Ghost file is %s\n", d->ghost_file);
    }
    cli_printf(c, "  %ld KB NVRAM, %ld MB disk0 size, %ld MB disk1 size\n",
               d->nvram, d->disk0, d->disk1);
    for (int sl = 0; sl < m->nslots && sl < HW_MAX_SLOTS; sl++) {
        const struct topo_slot *ts = &d->slots[sl];
        if (!ts->adapter) {
            continue;
        }
        const struct hw_adapter *a = ts->adapter;
        int total = 0;
        for (int g = 0; g < 2; g++) {
            total += a->ifs[g].letter ? a->ifs[g].count : 0;
        }
        cli_printf(c, "   slot %d hardware is %s with %d interface%s\n", sl,
                   a->name, total, total == 1 ? "" : "s");
        for (int g = 0; g < 2; g++) {
            const struct hw_ifgroup *ig = &a->ifs[g];
            for (int p = 0; ig->letter && p < ig->count; p++) {
                dev_port(c, d, sl, ig->base + p, ig->letter, sl, p);
            }
        }
        /* WIC ports are numbered per type across the sub-slots (§6.4) */
        int seen_s = 0, seen_e = 0;
        for (int w = 0; w < HW_MAX_WICS; w++) {
            const struct hw_adapter *wic = ts->wic[w];
            if (!wic) {
                continue;
            }
            const struct hw_ifgroup *ig = &wic->ifs[0];
            cli_printf(c, "   wic %d/%d hardware is %s with %d interface%s\n",
                       sl, w, wic->name, ig->count, ig->count == 1 ? "" : "s");
            int *seen = ig->letter[0] == 's' ? &seen_s : &seen_e;
            for (int p = 0; p < ig->count; p++) {
                dev_port(c, d, sl, 16 * (w + 1) + p, ig->letter, sl,
                         (*seen)++);
            }
        }
    }
}

static void dev_switch(struct cli *c, const struct topo_dev *d)
{
    const struct topo *t = &c->lab->topo;
    cli_printf(c, "%s %s is always on\n", topo_kind_name(d), d->name);
    cli_printf(c, "  Switch's hypervisor runs on %s\n",
               t->servers[d->server].label);
    for (size_t i = 0; i < d->nconns; i++) {
        const struct topo_conn *cn = &d->conns[i];
        cli_printf(c, "   port %d is connected to %s%s (%s)\n", cn->port,
                   cn->peer_kind == PEER_NIO ? "NIO " : "router ",
                   cn->peer_desc, cn->nio);
        for (size_t k = 0; k < d->nmaps; k++) {
            const struct topo_map *m = &d->maps[k];
            if (m->p1 != cn->port) {
                continue;
            }
            if (d->kind == T_FRSW) {
                cli_printf(c, "      incoming dlci %ld is switched to port "
                              "%ld outgoing dlci %ld\n",
                           m->a1, m->p2, m->a2);
            } else if (d->kind == T_ATMBR) {
                cli_printf(c, "      bridged to ATM port %ld vpi %ld vci "
                              "%ld\n",
                           m->p2, m->a2, m->b2);
            } else if (m->vc) {
                cli_printf(c, "      incoming vpi %ld vci %ld is switched to "
                              "port %ld outgoing vpi %ld vci %ld\n",
                           m->a1, m->b1, m->p2, m->a2, m->b2);
            } else {
                cli_printf(c, "      incoming vpi %ld is switched to port "
                              "%ld outgoing vpi %ld\n",
                           m->a1, m->p2, m->a2);
            }
        }
        for (size_t k = 0; k < d->neports; k++) {
            const struct topo_ethport *e = &d->eports[k];
            if (e->port == cn->port) {
                cli_printf(c, "      %s port, %s vlan %ld\n",
                           e->dot1q ? "802.1Q trunk" : "access",
                           e->dot1q ? "native" : "in", e->vlan);
            }
        }
    }
}

static int dev_name_cmp(const void *a, const void *b, void *arg)
{
    const struct topo *t = arg;
    return strcmp(t->devs[*(const int *)a].name, t->devs[*(const int *)b].name);
}

static void show_device(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = 0;
    if (a->v.n > 1) {
        for (size_t i = 1; i < a->v.n; i++) {
            int d = topo_find_dev(t, a->v.v[i]);
            if (d < 0) {
                cli_printf(c, "*** Error: unknown device: %s\n", a->v.v[i]);
            } else {
                devs[n++] = d;
            }
        }
    } else {
        for (size_t i = 0; i < t->ndevs; i++) {
            devs[n++] = (int)i;
        }
        qsort_r(devs, n, sizeof(int), dev_name_cmp, t);
    }
    lab_refresh_states(c->lab);
    for (size_t i = 0; i < n; i++) {
        const struct topo_dev *d = &t->devs[devs[i]];
        if (d->kind == T_ROUTER) {
            dev_router(c, d);
        } else {
            dev_switch(c, d);
        }
        cli_printf(c, "\n");
    }
    free(devs);
}

int cli_cmd_show(struct cli *c, struct cli_args *a)
{
    const char *w = a->v.v[0];
    size_t wl = strlen(w);
    struct topo *t = &c->lab->topo;
    if (strncmp("mac", w, wl) == 0) {
        int d = cli_ethsw_arg(c, a);
        if (d < 0) {
            return 0;
        }
        struct hv_reply r;
        if (cli_send(c, t->devs[d].server, 0, &r,
                     "ethsw show_mac_addr_table %s", t->devs[d].name) == 0) {
            for (size_t i = 0; i + 1 < r.lines.n; i++) {
                cli_printf(c, "%s\n", hv_line_text(r.lines.v[i]));
            }
        }
        hv_reply_free(&r);
    } else if (strncmp("device", w, wl) == 0) {
        show_device(c, a);
    } else if (strncmp("running-config", w, wl) == 0) {
        int r = -1;
        if (a->v.n > 1) {
            r = topo_find_dev(t, a->v.v[1]);
            if (r < 0 || t->devs[r].kind != T_ROUTER) {
                cli_printf(c, "*** Error: unknown router: %s\n", a->v.v[1]);
                return 0;
            }
        }
        char *text = cli_running_config(c, r, 0);
        cli_printf(c, "%s", text);
        free(text);
    } else if (strncmp("startup-config", w, wl) == 0 && wl >= 2) {
        if (!c->lab->have_nf) {
            cli_printf(c, "*** Error: no network file\n");
            return 0;
        }
        char *text;
        size_t len;
        int rc = dg_read_file(c->lab->nf.path, &text, &len);
        if (rc < 0) {
            cli_printf(c, "*** Error: cannot read %s: %s\n", c->lab->nf.path,
                       strerror(-rc));
            return 0;
        }
        cli_printf(c, "%s%s", text,
                   len && text[len - 1] != '\n' ? "\n" : "");
        free(text);
    } else {
        cli_printf(c, "*** Error: invalid show command (device, mac, run, "
                      "start)\n");
    }
    return 0;
}
