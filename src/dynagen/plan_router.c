/*
 * Routers of a plan (dynagen.md §6, §10.2, §12.2): creation, console
 * and AUX ports, chassis, the defaults table then the router's own keys
 * (options, slots, WICs; links are collected for later), and the image
 * or the open firmware.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynagen/plan_internal.h"

static int pc_port_owner(const struct topo *t, int server, long port,
                         int except)
{
    for (size_t i = 0; i < t->ndevs; i++) {
        const struct topo_dev *d = &t->devs[i];
        if ((int)i == except || d->kind != T_ROUTER || d->server != server) {
            continue;
        }
        if (d->console == port || (d->aux && d->aux == port)) {
            return (int)i;
        }
    }
    return -1;
}

static int pc_valid_mac(const char *s)
{
    /* xx:xx:xx:xx:xx:xx (§6.1) */
    if (strlen(s) != 17) {
        return 0;
    }
    for (int i = 0; i < 17; i++) {
        char ch = s[i];
        if (i % 3 == 2) {
            if (ch != ':') {
                return 0;
            }
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                     (ch >= 'A' && ch <= 'F'))) {
            return 0;
        }
    }
    return 1;
}


/* The platforms the open firmware runs on (guest/firmware/plat.c). */
static int fw_runs_on(const char *platform)
{
    static const char *const ok[] = {"c7200", "c3600", "c2691", "c3725",
                                     "c3745"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strcmp(platform, ok[i]) == 0)
            return 1;
    return 0;
}

/* The image to send: the file's if it exists (or cannot be checked). */
static void pc_image(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo_dev *d = &c->t->devs[dev];
    const struct topo_server *s = &c->t->servers[d->server];
    plan_set_str(&d->image_given, k->value);
    d->image_line = k->line;
    int missing = 0;
    if (!k->value[0]) {
        missing = 1;
    } else if (s->local) {
        char *path = dg_path_join(s->workingdir, k->value);
        missing = access(path, R_OK) != 0;
        free(path);
    }
    if (missing && fw_runs_on(d->model->platform)) {
        plan_set_str(&d->image, c->cfg->firmware);
        d->firmware = 1;
    } else {
        if (missing) {
            PC_WARN(c, k->line,
                    "%s: image \"%s\" not found (the open firmware does not "
                    "run on the %s)",
                    d->name, k->value, d->model->platform);
        }
        plan_set_str(&d->image, k->value);
        d->firmware = 0;
    }
    if (strchr(d->image, '"')) {
        PC_ERR(c, k->line, "%s: image path contains a double quote", d->name);
    }
    plan_add(c->p, d->server, PK_PLAIN, dev, "vm set_ios %s \"%s\"", d->name,
             d->image);
}

static void pc_option(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo *t = c->t;
    struct topo_dev *d = &t->devs[dev];
    const char *plat = d->model->platform;
    int c7200 = strcmp(plat, "c7200") == 0;
    struct plan *p = c->p;
    int s = d->server;
    const char *n = d->name;
    switch (k->opt->opt) {
    case OPT_MODEL:
    case OPT_GUI:
    case OPT_ROM: /* accepted, ignored (§6.1) */
        break;
    case OPT_CONSOLE: {
        int o = pc_port_owner(t, s, k->ival, dev);
        if (o >= 0) {
            PC_ERR(c, k->line, "%s: console port %ld is already in use by "
                               "device: %s",
                   n, k->ival, t->devs[o].name);
            break;
        }
        d->console = k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_con_tcp_port %s %ld", n, k->ival);
        break;
    }
    case OPT_AUX: {
        int o = pc_port_owner(t, s, k->ival, dev);
        if (o >= 0 || k->ival == d->console) {
            PC_ERR(c, k->line, "%s: aux port %ld is already in use by "
                               "device: %s",
                   n, k->ival, o >= 0 ? t->devs[o].name : n);
            break;
        }
        d->aux = k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_aux_tcp_port %s %ld", n, k->ival);
        break;
    }
    case OPT_MAC:
        if (!pc_valid_mac(k->value)) {
            PC_ERR(c, k->line, "%s: invalid MAC address \"%s\". Format is "
                               "\"xx:xx:xx:xx:xx:xx\".",
                   n, k->value);
            break;
        }
        plan_set_str(&d->mac, k->value);
        plan_add(p, s, PK_PLAIN, dev, "%s set_mac_addr %s %s", plat, n,
                 k->value);
        break;
    case OPT_IMAGE:
        pc_image(c, dev, k);
        break;
    case OPT_RAM:
        if (k->ival < 1) {
            PC_ERR(c, k->line, "%s: invalid ram size %ld", n, k->ival);
            break;
        }
        d->ram = k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_ram %s %ld", n, k->ival);
        break;
    case OPT_NVRAM:
        if (k->ival < 1) {
            PC_ERR(c, k->line, "%s: invalid nvram size %ld", n, k->ival);
            break;
        }
        d->nvram = k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_nvram %s %ld", n, k->ival);
        break;
    case OPT_DISK0:
        d->disk0 = k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_disk0 %s %ld", n, k->ival);
        break;
    case OPT_DISK1:
        d->disk1 = k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_disk1 %s %ld", n, k->ival);
        break;
    case OPT_CNFG:
        if (strchr(k->value, '"')) {
            PC_ERR(c, k->line, "%s: cnfg path contains a double quote", n);
            break;
        }
        plan_set_str(&d->cnfg, k->value);
        plan_add(p, s, PK_PLAIN, dev, "vm set_config %s \"%s\"", n, k->value);
        break;
    case OPT_CONFREG: {
        char *v = hv_arg(k->value);
        plan_set_str(&d->confreg, k->value);
        plan_add(p, s, PK_PLAIN, dev, "vm set_conf_reg %s %s", n, v);
        free(v);
        break;
    }
    case OPT_IDLEPC: {
        char *v = hv_arg(k->value);
        plan_set_str(&d->idlepc, k->value);
        plan_add(p, s, PK_PLAIN, dev, "vm set_idle_pc %s %s", n, v);
        free(v);
        break;
    }
    case OPT_EXEC_AREA: {
        long v;
        if (dg_parse_long(k->value, &v) < 0 || v < 0) {
            PC_ERR(c, k->line, "%s: exec_area \"%s\" is not a size in MB", n,
                   k->value);
            break;
        }
        plan_set_str(&d->exec_area, k->value);
        plan_add(p, s, PK_PLAIN, dev, "vm set_exec_area %s %ld", n, v);
        break;
    }
    case OPT_CLOCK:
        if (k->ival < 1) {
            PC_ERR(c, k->line, "%s: invalid clock divisor %ld", n, k->ival);
            break;
        }
        plan_add(p, s, PK_PLAIN, dev, "vm set_clock_divisor %s %ld", n,
                 k->ival);
        break;
    case OPT_NPE:
        if (c7200) { /* other models: no such setting, ignored */
            plan_set_str(&d->npe, k->value);
            plan_add(p, s, PK_PLAIN, dev, "c7200 set_npe %s %s", n, k->value);
        }
        break;
    case OPT_MIDPLANE:
        if (c7200) {
            plan_set_str(&d->midplane, k->value);
            plan_add(p, s, PK_PLAIN, dev, "c7200 set_midplane %s %s", n,
                     k->value);
        }
        break;
    case OPT_MMAP:
        d->mmap = (int)k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_ram_mmap %s %ld", n, k->ival);
        break;
    case OPT_SPARSEMEM:
        d->sparsemem = (int)k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_sparse_mem %s %ld", n, k->ival);
        break;
    case OPT_OLDIDLE:
        /* the wire value is the flag itself (§11.4) */
        d->oldidle = (int)k->ival;
        plan_add(p, s, PK_PLAIN, dev, "vm set_blk_direct_jump %s %ld", n,
                 k->ival);
        break;
    case OPT_GHOSTIOS:
        d->ghostios = (int)k->ival;
        break;
    case OPT_GHOSTSIZE:
        d->ghostsize = k->ival;
        break;
    case OPT_AUTOSTART:
        d->autostart = (int)k->ival;
        break;
    case OPT_CONFIGURATION:
        plan_set_str(&d->configuration, k->value);
        break;
    case OPT_IDLEMAX:
        d->idlemax = k->ival;
        break;
    case OPT_IDLESLEEP:
        d->idlesleep = k->ival;
        break;
    case OPT_IOMEM: {
        long v;
        if (dg_parse_long(k->value, &v) < 0) {
            PC_ERR(c, k->line, "%s: invalid iomem type, must be an integer",
                   n);
            break;
        }
        if (v % 5) {
            PC_ERR(c, k->line, "%s: iomem must be a multiple of 5", n);
            break;
        }
        d->iomem = v;
        if (strcmp(plat, "c3600") == 0 || strcmp(plat, "c1700") == 0) {
            plan_add(p, s, PK_PLAIN, dev, "%s set_iomem %s %ld", plat, n, v);
        }
        break;
    }
    case OPT_COUNT:
        break;
    }
}

static void pc_slot(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo_dev *d = &c->t->devs[dev];
    const struct hw_adapter *a = hw_adapter_find(k->value);
    if (!a) {
        PC_ERR(c, k->line, "Unknown adapter %s specified for slot %d",
               k->value, k->slot);
        return;
    }
    enum hw_fit fit = hw_adapter_fits(d->model, a, k->slot);
    if (fit == HW_FIT_BAD_SLOT) {
        PC_ERR(c, k->line, "Invalid slot %d on router: %s (a %s has slots "
                           "0-%d)",
               k->slot, d->name, d->model->name, d->model->nslots - 1);
        return;
    }
    if (fit != HW_FIT_OK) {
        PC_ERR(c, k->line, "%s is not supported in slot %d on router: %s",
               a->name, k->slot, d->name);
        return;
    }
    const struct hw_adapter *cur = d->slots[k->slot].adapter;
    if (cur == a) {
        return;
    }
    if (cur) {
        PC_ERR(c, k->line, "%s slot %d is already occupied! (by %s)", d->name,
               k->slot, cur->name);
        return;
    }
    topo_install_adapter(c->t, dev, k->slot, a, c->p);
}

static void pc_wic(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo_dev *d = &c->t->devs[dev];
    const struct hw_adapter *w = hw_wic_find(k->value);
    if (!w) {
        PC_ERR(c, k->line, "Invalid WIC: %s (WIC-1T, WIC-2T, WIC-1ENET)",
               k->value);
        return;
    }
    if (!hw_wic_allowed(d->model, w)) {
        PC_ERR(c, k->line, "%s is not supported on router: %s (a %s)",
               w->name, d->name, d->model->name);
        return;
    }
    const struct hw_adapter *a =
        k->slot >= 0 && k->slot < d->model->nslots ? d->slots[k->slot].adapter
                                                    : NULL;
    if (k->slot != 0 || !a || k->sub >= a->wic_slots) {
        PC_ERR(c, k->line, "On router %s, invalid wic subslot %d for WIC "
                           "specification: %s",
               d->name, k->sub, k->key);
        return;
    }
    if (d->slots[0].wic[k->sub] == w) {
        return;
    }
    topo_install_wic(c->t, dev, 0, k->sub, w, c->p);
}

static void pc_router_key(struct pc *c, int dev, const struct nf_key *k)
{
    switch (k->kind) {
    case NFK_OPTION:
        pc_option(c, dev, k);
        break;
    case NFK_SLOT:
        pc_slot(c, dev, k);
        break;
    case NFK_WIC:
        pc_wic(c, dev, k);
        break;
    case NFK_LINK:
        c->links = dg_realloc(c->links, (c->nlinks + 1) * sizeof(*c->links));
        c->links[c->nlinks].dev = dev;
        c->links[c->nlinks].k = k;
        c->nlinks++;
        break;
    default:
        break;
    }
}

void plan_router(struct pc *c, int server, const struct nf_section *sec)
{
    struct topo *t = c->t;
    const struct nf_lab *lab = c->lab;
    int dev = plan_new_dev(c, T_ROUTER, server, sec);
    struct topo_dev *d = &t->devs[dev];
    const struct hw_model *m = sec->model ? sec->model : lab->model;
    struct topo_server *s = &t->servers[server];
    d->model = m;
    d->id = t->next_id++;
    d->mmap = 1;
    d->autostart = lab->autostart;
    d->ram = m->ram;
    d->nvram = m->nvram;
    d->disk0 = m->disk0;
    d->disk1 = m->disk1;
    d->state = ST_STOPPED;

    long con = s->console_base + d->id;
    while (pc_port_owner(t, server, con, dev) >= 0) {
        con++;
    }
    d->console = con;
    plan_add(c->p, server, PK_PLAIN, dev, "vm create %s %d %s", d->name, d->id,
             m->platform);
    plan_add(c->p, server, PK_PLAIN, dev, "vm set_con_tcp_port %s %ld",
             d->name, con);
    if (s->aux_base) {
        long aux = s->aux_base + d->id;
        while (pc_port_owner(t, server, aux, -1) >= 0) {
            aux++;
        }
        d->aux = aux;
        plan_add(c->p, server, PK_PLAIN, dev, "vm set_aux_tcp_port %s %ld",
                 d->name, aux);
    }
    if (strcmp(m->platform, "c7200") == 0) {
        /* every 7200 is created with an NPE-400 (§6.2, 0.11.0) */
        d->npe = dg_strdup("npe-400");
        d->midplane = dg_strdup("vxr");
        plan_add(c->p, server, PK_PLAIN, dev, "c7200 set_npe %s npe-400",
                 d->name);
    }
    if (m->chassis) {
        plan_add(c->p, server, PK_PLAIN, dev, "%s set_chassis %s %s",
                 m->platform, d->name, m->name);
    }
    if (m->slot0) {
        topo_install_adapter(t, dev, 0, hw_adapter_find(m->slot0), NULL);
    }

    /* defaults of this model on this server, then the lab-wide keys */
    struct deftab *tab = plan_deftab(c, server, m, 0);
    int has[OPT_COUNT] = {0};
    for (size_t i = 0; tab && i < tab->n; i++) {
        if (tab->keys[i]->kind == NFK_OPTION) {
            has[tab->keys[i]->opt->opt] = 1;
        }
        pc_router_key(c, dev, tab->keys[i]);
    }
    d = &t->devs[dev];
    if (!has[OPT_GHOSTIOS]) {
        d->ghostios = lab->ghostios;
    }
    if (!has[OPT_GHOSTSIZE] && lab->ghostsize) {
        d->ghostsize = lab->ghostsize;
    }
    if (!has[OPT_SPARSEMEM]) {
        d->sparsemem = lab->sparsemem;
        plan_add(c->p, server, PK_PLAIN, dev, "vm set_sparse_mem %s %d",
                 d->name, lab->sparsemem);
    }
    if (!has[OPT_IDLEMAX] && lab->idlemax) {
        d->idlemax = lab->idlemax;
    }
    if (!has[OPT_IDLESLEEP] && lab->idlesleep) {
        d->idlesleep = lab->idlesleep;
    }
    if (!has[OPT_OLDIDLE]) {
        d->oldidle = lab->oldidle;
        plan_add(c->p, server, PK_PLAIN, dev, "vm set_blk_direct_jump %s %d",
                 d->name, lab->oldidle);
    }
    for (size_t i = 0; i < sec->nkeys; i++) {
        pc_router_key(c, dev, &sec->keys[i]);
    }
    d = &t->devs[dev];
    if (!d->image) {
        if (fw_runs_on(m->platform)) {
            d->image = dg_strdup(c->cfg->firmware);
            d->firmware = 1;
            plan_add(c->p, server, PK_PLAIN, dev, "vm set_ios %s \"%s\"",
                     d->name, d->image);
        } else {
            PC_ERR(c, sec->line,
                   "router %s does not have an image set (the open firmware "
                   "does not run on the %s)",
                   d->name, m->platform);
        }
    }
    if (d->firmware) {
        if (d->image_given) {
            PC_NOTE(c, d->image_line,
                    "%s: image \"%s\" not found: using the open firmware %s",
                    d->name, d->image_given, d->image);
        } else {
            PC_NOTE(c, sec->line, "%s: no image: using the open firmware %s",
                    d->name, d->image);
        }
        if (!c->cfg->firmware_found && !c->warned_firmware) {
            c->warned_firmware = 1;
            PC_WARN(c, sec->line, "the open firmware %s is not installed",
                    d->image);
        }
    }
}
