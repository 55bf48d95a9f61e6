/*
 * Topology helpers: plans, lookups, router slots and interface resolution
 * with the automatic adapter and WIC insertion of dynagen.md §7.2-§7.3,
 * and the start sequence of §13.2.
 */
#include "dynagen/topo.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dynagen/topo_hw.h"

void plan_add(struct plan *p, int server, enum plan_kind kind, int dev,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = dg_vprintf(fmt, ap);
    va_end(ap);
    dg_grow(&p->v, &p->cap, p->n, sizeof(*p->v));
    struct plan_cmd *c = &p->v[p->n++];
    c->server = server;
    c->phase = p->phase;
    c->kind = kind;
    c->dev = dev;
    c->line = line;
}

void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->v[i].line);
    }
    free(p->v);
    memset(p, 0, sizeof(*p));
}

char *hv_arg(const char *s)
{
    /* hypervisor.md §2.2: blanks, '#', '!' and quotes need quoting; an
     * empty string is no token at all, so it is sent quoted too. */
    if (s[0] && !strpbrk(s, " \t#!\"'")) {
        return dg_strdup(s);
    }
    return dg_printf("\"%s\"", s);
}

static void topo_conn_free(struct topo_conn *c)
{
    free(c->ifname);
    free(c->nio);
    free(c->peer_desc);
}

void topo_free(struct topo *t)
{
    for (size_t i = 0; i < t->nservers; i++) {
        free(t->servers[i].host);
        free(t->servers[i].label);
        free(t->servers[i].workingdir);
    }
    free(t->servers);
    for (size_t i = 0; i < t->ndevs; i++) {
        struct topo_dev *d = &t->devs[i];
        free(d->name);
        free(d->image);
        free(d->image_given);
        free(d->npe);
        free(d->midplane);
        free(d->idlepc);
        free(d->confreg);
        free(d->cnfg);
        free(d->mac);
        free(d->exec_area);
        free(d->configuration);
        free(d->ghost_file);
        free(d->maps);
        free(d->eports);
        for (size_t c = 0; c < d->nconns; c++) {
            topo_conn_free(&d->conns[c]);
        }
        free(d->conns);
    }
    free(t->devs);
    for (size_t i = 0; i < t->nbridges; i++) {
        free(t->bridges[i].name);
        dg_strv_free(&t->bridges[i].nios);
    }
    free(t->bridges);
    memset(t, 0, sizeof(*t));
}

int topo_find_dev(const struct topo *t, const char *name)
{
    for (size_t i = 0; i < t->ndevs; i++) {
        if (strcmp(t->devs[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int topo_find_server_host(const struct topo *t, const char *host)
{
    for (size_t i = 0; i < t->nservers; i++) {
        if (dg_strcaseeq(t->servers[i].host, host) ||
            dg_strcaseeq(t->servers[i].label, host)) {
            return (int)i;
        }
    }
    return -1;
}

const char *topo_state_name(enum topo_state s)
{
    switch (s) {
    case ST_RUNNING:
        return "running";
    case ST_SUSPENDED:
        return "suspended";
    case ST_STOPPED:
        break;
    }
    return "stopped";
}

const char *topo_kind_name(const struct topo_dev *d)
{
    switch (d->kind) {
    case T_ROUTER:
        return d->model->name;
    case T_FRSW:
        return "FRSW";
    case T_ATMSW:
        return "ATMSW";
    case T_ETHSW:
        return "ETHSW";
    case T_ATMBR:
        return "ATMBR";
    }
    return "?";
}

/* ------------------------------------------------------------ slots */

void topo_add_conn(struct topo_dev *d, const struct topo_conn *c)
{
    d->conns = dg_realloc(d->conns, (d->nconns + 1) * sizeof(*d->conns));
    d->conns[d->nconns++] = *c;
}

struct topo_conn *topo_conn_at(struct topo_dev *d, int slot, int port)
{
    for (size_t i = 0; i < d->nconns; i++) {
        if (d->conns[i].slot == slot && d->conns[i].port == port) {
            return &d->conns[i];
        }
    }
    return NULL;
}

int topo_install_adapter(struct topo *t, int dev, int slot,
                         const struct hw_adapter *a, struct plan *p)
{
    struct topo_dev *d = &t->devs[dev];
    d->slots[slot].adapter = a;
    if (a->cls != HW_ONBOARD && p) {
        plan_add(p, d->server, PK_PLAIN, dev, "vm slot_add_binding %s %d 0 %s",
                 d->name, slot, a->wire);
    }
    return 0;
}

void topo_install_wic(struct topo *t, int dev, int slot, int sub,
                      const struct hw_adapter *w, struct plan *p)
{
    struct topo_dev *d = &t->devs[dev];
    d->slots[slot].wic[sub] = w;
    if (p) {
        plan_add(p, d->server, PK_PLAIN, dev, "vm slot_add_binding %s %d %d %s",
                 d->name, slot, 16 * (sub + 1), w->wire);
    }
}

/* 1751/1760: slot 1 is WIC sub-slot 1 of slot 0 (§6.4). */
static int topo_pseudo_slot1(const struct hw_model *m)
{
    return strcmp(m->name, "1751") == 0 || strcmp(m->name, "1760") == 0;
}

/*
 * WIC ports of type letter in slot 0: ordinal n -> (sub-slot, port). The
 * sub-slots considered are [first, last].
 */
static int topo_wic_port(const struct topo_slot *s, const char *letter,
                         int first, int last, int n, int *hvport)
{
    int k = 0;
    for (int w = first; w <= last && w < HW_MAX_WICS; w++) {
        const struct hw_adapter *wic = s->wic[w];
        if (!wic) {
            continue;
        }
        const struct hw_ifgroup *g = hw_adapter_ifgroup(wic, letter);
        if (!g) {
            continue;
        }
        if (n < k + g->count) {
            *hvport = 16 * (w + 1) + (n - k);
            return 0;
        }
        k += g->count;
    }
    return -1;
}

static int topo_free_sub(const struct topo_slot *s, int first, int last)
{
    for (int w = first; w <= last && w < HW_MAX_WICS; w++) {
        if (!s->wic[w]) {
            return w;
        }
    }
    return -1;
}

static int topo_resolve_wic(struct topo *t, int dev,
                            const struct hw_ifname *ifn, int slot0_first,
                            int slot0_last, struct plan *p, int *hvport,
                            char **why)
{
    struct topo_dev *d = &t->devs[dev];
    const struct hw_model *m = d->model;
    struct topo_slot *s = &d->slots[0];
    const struct hw_adapter *a = s->adapter;
    const char *l = ifn->letter;
    int port = ifn->port;
    int is_s = strcmp(l, "s") == 0;
    int is_e = strcmp(l, "e") == 0;
    const struct hw_adapter *want =
        hw_wic_find(is_s ? "WIC-2T" : "WIC-1ENET");
    if (p && is_s && !topo_pseudo_slot1(m) && hw_wic_allowed(m, want)) {
        /* serial: free sub-slots 0..port/2 get WIC-2Ts first, which
         * renumbers the ports of WICs further right (§6.4 example) */
        for (int w = slot0_first; w <= port / 2 && w <= slot0_last; w++) {
            if (!s->wic[w]) {
                topo_install_wic(t, dev, 0, w, want, p);
            }
        }
    }
    if (topo_wic_port(s, l, slot0_first, slot0_last, port, hvport) == 0) {
        return 0;
    }
    if (!p || !(is_s || is_e) || !hw_wic_allowed(m, want)) {
        if (p && is_e) {
            *why = dg_printf("ethernet adapter not supported on port %d for "
                             "device %s",
                             port, d->name);
        } else {
            *why = dg_printf("invalid interface %s%d/%d specified on device "
                             "%s. Port %d does not exist on adapter %s "
                             "already in slot %d",
                             l, ifn->slot, port, d->name, port, a->name,
                             ifn->slot);
        }
        return -1;
    }
    if (is_s && !topo_pseudo_slot1(m)) {
        /* make sure sub-slots 0..port/2 hold WIC-2Ts (§7.3) */
        int need = port / 2;
        if (need > slot0_last) {
            *why = dg_printf("On router %s no available wicslots on slot 0 "
                             "for adapter WIC-2T",
                             d->name);
            return -1;
        }
        for (int w = slot0_first; w <= need; w++) {
            if (!s->wic[w]) {
                topo_install_wic(t, dev, 0, w, want, p);
            }
        }
        if (topo_wic_port(s, l, slot0_first, slot0_last, port, hvport) == 0) {
            return 0;
        }
        for (int w = slot0_first; w <= need; w++) {
            if (s->wic[w] != want) {
                topo_install_wic(t, dev, 0, w, want, p);
            }
        }
    } else {
        /* one WIC at a time into free sub-slots until the port exists */
        for (;;) {
            int w = topo_free_sub(s, slot0_first, slot0_last);
            if (w < 0) {
                *why = dg_printf("On router %s no available wicslots on slot "
                                 "%d for adapter %s",
                                 d->name, ifn->slot, want->name);
                return -1;
            }
            topo_install_wic(t, dev, 0, w, want, p);
            if (topo_wic_port(s, l, slot0_first, slot0_last, port, hvport) ==
                0) {
                return 0;
            }
        }
    }
    if (topo_wic_port(s, l, slot0_first, slot0_last, port, hvport) == 0) {
        return 0;
    }
    *why = dg_printf("invalid interface %s%d/%d specified on device %s", l,
                     ifn->slot, port, d->name);
    return -1;
}

int topo_resolve_if(struct topo *t, int dev, const struct hw_ifname *ifn,
                    struct plan *p, int *slot_out, int *port_out, char **why)
{
    struct topo_dev *d = &t->devs[dev];
    const struct hw_model *m = d->model;
    int slot = ifn->slot;
    *why = NULL;
    if (slot < 0 || slot >= m->nslots) {
        *why = dg_printf("invalid slot %d specified on device %s", slot,
                         d->name);
        return -1;
    }
    if (topo_pseudo_slot1(m)) {
        /* slot 0: WIC sub-slot 0 only; slot 1: WIC sub-slot 1 */
        struct topo_slot *s0 = &d->slots[0];
        const struct hw_ifgroup *g = hw_adapter_ifgroup(s0->adapter,
                                                        ifn->letter);
        if (slot == 0 && g) {
            if (ifn->port >= g->count) {
                *why = dg_printf("invalid interface %s0/%d on device %s: %s "
                                 "has %d %s interface(s)",
                                 ifn->letter, ifn->port, d->name,
                                 s0->adapter->name, g->count,
                                 hw_if_long(ifn->letter));
                return -1;
            }
            *slot_out = 0;
            *port_out = g->base + ifn->port;
            return 0;
        }
        *slot_out = 0;
        return topo_resolve_wic(t, dev, ifn, slot, slot, p, port_out, why);
    }
    struct topo_slot *s = &d->slots[slot];
    if (!s->adapter) {
        if (!p) {
            *why = dg_printf("interface %s%d/%d on device %s is not "
                             "connected (slot %d is empty)",
                             ifn->letter, slot, ifn->port, d->name, slot);
            return -1;
        }
        const struct hw_adapter *a =
            hw_auto_adapter(m, d->npe, d->name, ifn, why);
        if (!a) {
            return -1;
        }
        enum hw_fit fit = hw_adapter_fits(m, a, slot);
        if (fit == HW_FIT_BAD_SLOT) {
            *why = dg_printf("Invalid slot %d on router: %s", slot, d->name);
            return -1;
        }
        if (fit != HW_FIT_OK) {
            *why = dg_printf("%s is not supported in slot %d on router: %s",
                             a->name, slot, d->name);
            return -1;
        }
        topo_install_adapter(t, dev, slot, a, p);
    }
    const struct hw_adapter *a = s->adapter;
    const struct hw_ifgroup *g = hw_adapter_ifgroup(a, ifn->letter);
    if (g) {
        if (ifn->port >= g->count) {
            *why = dg_printf("invalid interface %s%d/%d on device %s: %s in "
                             "slot %d has %d %s interface(s)",
                             ifn->letter, slot, ifn->port, d->name, a->name,
                             slot, g->count, hw_if_long(ifn->letter));
            return -1;
        }
        *slot_out = slot;
        *port_out = g->base + ifn->port;
        return 0;
    }
    if (a->wic_slots > 0 && slot == 0) {
        *slot_out = 0;
        return topo_resolve_wic(t, dev, ifn, 0, a->wic_slots - 1, p, port_out,
                                why);
    }
    *why = dg_printf("attempt to connect to non-existent interface %s%d/%d "
                     "in slot %d on device %s (%s)",
                     ifn->letter, slot, ifn->port, slot, d->name, a->name);
    return -1;
}

const struct topo_conn *topo_router_conn(const struct topo *t, int dev,
                                         const char *ifname, char **why)
{
    struct hw_ifname ifn;
    *why = NULL;
    if (hw_parse_ifname(ifname, &ifn) < 0) {
        *why = dg_printf("Error parsing interface descriptor: %s", ifname);
        return NULL;
    }
    int slot, port;
    /* resolution without a plan never changes the topology */
    if (topo_resolve_if((struct topo *)t, dev, &ifn, NULL, &slot, &port,
                        why) < 0) {
        return NULL;
    }
    struct topo_conn *c = topo_conn_at(&t->devs[dev], slot, port);
    if (!c) {
        *why = dg_printf("interface %s on device %s is not connected",
                         ifname, t->devs[dev].name);
        return NULL;
    }
    return c;
}

void topo_start_cmds(struct topo *t, int dev, struct plan *p)
{
    struct topo_dev *d = &t->devs[dev];
    if (!d->idlepc && d->image) {
        char *img = dg_image_name(d->image);
        const char *pc = idledb_get(&t->cfg->idb, img);
        if (pc) {
            d->idlepc = dg_strdup(pc);
            plan_add(p, d->server, PK_PLAIN, dev, "vm set_idle_pc %s %s",
                     d->name, pc);
        }
        free(img);
    }
    plan_add(p, d->server, PK_START, dev, "vm start %s", d->name);
    if (d->idlemax) {
        plan_add(p, d->server, PK_PLAIN, dev, "vm set_idle_max %s 0 %ld",
                 d->name, d->idlemax);
    }
    if (d->idlesleep) {
        plan_add(p, d->server, PK_PLAIN, dev,
                 "vm set_idle_sleep_time %s 0 %ld", d->name, d->idlesleep);
    }
}
