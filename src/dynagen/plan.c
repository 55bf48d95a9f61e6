/*
 * The load of a lab as a plan (dynagen.md §1.2 steps 5-11): servers and
 * devices in file order (§3.3 defaults, §6, §12.2), links after all
 * devices (§8, §10), switch mappings and Ethernet ports after all links
 * (§9), embedded configurations, ghosts and the idle-PC database (§11),
 * autostart.
 *
 * Order of the commands made from one defaults table (§5: unspecified in
 * the original): the [[MODEL]] keys in file order (a later section
 * updates a key in place), then the lab-wide keys copied into every
 * model (sparsemem, oldidle, ...) that the table does not set.
 */
#include "dynagen/plan.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynagen/topo_hw.h"

struct deftab {
    int server;
    const struct hw_model *model;
    const struct nf_key **keys;
    size_t n;
};

struct pending_link {
    int dev;
    const struct nf_key *k;
};

struct pc {
    struct topo *t;
    const struct nf_lab *lab;
    const struct dg_config *cfg;
    struct plan *p;
    struct dg_diag *d;
    const char *file;
    struct deftab *tabs;
    size_t ntabs;
    struct pending_link *links;
    size_t nlinks;
    int warned_firmware;
};

#define PC_ERR(c, line, ...) dg_err((c)->d, (c)->file, (line), __VA_ARGS__)
#define PC_WARN(c, line, ...) dg_warn((c)->d, (c)->file, (line), __VA_ARGS__)
#define PC_NOTE(c, line, ...) dg_note((c)->d, (c)->file, (line), __VA_ARGS__)

static const char *const nio_type_names[NIO_T_COUNT] = {
    "udp", "linux_eth", "gen_eth", "tap", "unix", "vde", "null"};

static int pc_nio_type(const char *type)
{
    for (int i = 0; i < NIO_T_COUNT; i++) {
        if (strcmp(nio_type_names[i], type) == 0) {
            return i;
        }
    }
    return -1;
}

/* ------------------------------------------------------------ servers */

static int pc_host_is_local(const char *host)
{
    if (dg_strcaseeq(host, "localhost") || strncmp(host, "127.", 4) == 0 ||
        strcmp(host, "::1") == 0 || strcmp(host, "0.0.0.0") == 0) {
        return 1;
    }
    char name[256];
    if (gethostname(name, sizeof(name)) == 0) {
        name[sizeof(name) - 1] = '\0';
        if (dg_strcaseeq(name, host)) {
            return 1;
        }
    }
    return 0;
}

static void pc_server(struct pc *c, size_t si)
{
    const struct nf_server *nf = &c->lab->servers[si];
    struct topo *t = c->t;
    t->servers = dg_realloc(t->servers, (t->nservers + 1) * sizeof(*t->servers));
    struct topo_server *s = &t->servers[t->nservers++];
    memset(s, 0, sizeof(*s));
    s->nf = nf;
    s->host = dg_strdup(nf->host);
    s->port = nf->port;
    s->label = dg_printf("%s:%d", nf->host, nf->port);
    s->workingdir = dg_strdup(nf->workingdir ? nf->workingdir : c->lab->dir);
    s->console_base = nf->console;
    s->aux_base = nf->aux;
    s->udp_next = nf->udp ? nf->udp : c->cfg->udp;
    s->local = pc_host_is_local(nf->host);
    int idx = (int)t->nservers - 1;
    plan_add(c->p, idx, PK_VERSION, -1, "hypervisor version");
    plan_add(c->p, idx, PK_PLAIN, -1, "hypervisor reset");
    if (strchr(s->workingdir, '"')) {
        PC_ERR(c, nf->line, "workingdir \"%s\" contains a double quote",
               s->workingdir);
    }
    plan_add(c->p, idx, PK_PLAIN, -1, "hypervisor working_dir \"%s\"",
             s->workingdir);
}

/* ------------------------------------------------------------ defaults */

static struct deftab *pc_deftab(struct pc *c, int server,
                                const struct hw_model *m, int create)
{
    for (size_t i = 0; i < c->ntabs; i++) {
        if (c->tabs[i].server == server && c->tabs[i].model == m) {
            return &c->tabs[i];
        }
    }
    if (!create) {
        return NULL;
    }
    c->tabs = dg_realloc(c->tabs, (c->ntabs + 1) * sizeof(*c->tabs));
    struct deftab *d = &c->tabs[c->ntabs++];
    memset(d, 0, sizeof(*d));
    d->server = server;
    d->model = m;
    return d;
}

static int pc_same_key(const struct nf_key *a, const struct nf_key *b)
{
    if (a->kind != b->kind) {
        return 0;
    }
    switch (a->kind) {
    case NFK_OPTION:
        return a->opt->opt == b->opt->opt;
    case NFK_SLOT:
        return a->slot == b->slot;
    case NFK_WIC:
        return a->slot == b->slot && a->sub == b->sub;
    default:
        return 0;
    }
}

static void pc_defaults(struct pc *c, int server, const struct nf_section *sec)
{
    struct deftab *d = pc_deftab(c, server, sec->model, 1);
    for (size_t i = 0; i < sec->nkeys; i++) {
        const struct nf_key *k = &sec->keys[i];
        if (k->kind == NFK_IGNORED ||
            (k->kind == NFK_OPTION && k->opt->opt == OPT_MODEL)) {
            continue;
        }
        size_t j;
        for (j = 0; j < d->n; j++) {
            if (pc_same_key(d->keys[j], k)) {
                d->keys[j] = k;
                break;
            }
        }
        if (j == d->n) {
            d->keys = dg_realloc(d->keys, (d->n + 1) * sizeof(*d->keys));
            d->keys[d->n++] = k;
        }
    }
}

/* ------------------------------------------------------------ routers */

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

static void pc_set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = v ? dg_strdup(v) : NULL;
}

/* The image to send: the file's if it exists (or cannot be checked). */
static void pc_image(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo_dev *d = &c->t->devs[dev];
    const struct topo_server *s = &c->t->servers[d->server];
    pc_set_str(&d->image_given, k->value);
    d->image_line = k->line;
    int missing = 0;
    if (!k->value[0]) {
        missing = 1;
    } else if (s->local) {
        char *path = dg_path_join(s->workingdir, k->value);
        missing = access(path, R_OK) != 0;
        free(path);
    }
    if (missing && strcmp(d->model->platform, "c7200") == 0) {
        pc_set_str(&d->image, c->cfg->firmware);
        d->firmware = 1;
    } else {
        if (missing) {
            PC_WARN(c, k->line,
                    "%s: image \"%s\" not found (the open firmware runs only "
                    "on the 7200)",
                    d->name, k->value);
        }
        pc_set_str(&d->image, k->value);
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
        pc_set_str(&d->mac, k->value);
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
        pc_set_str(&d->cnfg, k->value);
        plan_add(p, s, PK_PLAIN, dev, "vm set_config %s \"%s\"", n, k->value);
        break;
    case OPT_CONFREG: {
        char *v = hv_arg(k->value);
        pc_set_str(&d->confreg, k->value);
        plan_add(p, s, PK_PLAIN, dev, "vm set_conf_reg %s %s", n, v);
        free(v);
        break;
    }
    case OPT_IDLEPC: {
        char *v = hv_arg(k->value);
        pc_set_str(&d->idlepc, k->value);
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
        pc_set_str(&d->exec_area, k->value);
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
            pc_set_str(&d->npe, k->value);
            plan_add(p, s, PK_PLAIN, dev, "c7200 set_npe %s %s", n, k->value);
        }
        break;
    case OPT_MIDPLANE:
        if (c7200) {
            pc_set_str(&d->midplane, k->value);
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
        pc_set_str(&d->configuration, k->value);
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

static int pc_new_dev(struct pc *c, enum topo_kind kind, int server,
                      const struct nf_section *sec)
{
    struct topo *t = c->t;
    t->devs = dg_realloc(t->devs, (t->ndevs + 1) * sizeof(*t->devs));
    struct topo_dev *d = &t->devs[t->ndevs];
    memset(d, 0, sizeof(*d));
    d->kind = kind;
    d->name = dg_strdup(sec->name);
    d->server = server;
    d->sec = sec;
    d->id = -1;
    return (int)t->ndevs++;
}

static void pc_router(struct pc *c, int server, const struct nf_section *sec)
{
    struct topo *t = c->t;
    const struct nf_lab *lab = c->lab;
    int dev = pc_new_dev(c, T_ROUTER, server, sec);
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
    struct deftab *tab = pc_deftab(c, server, m, 0);
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
        if (strcmp(m->platform, "c7200") == 0) {
            d->image = dg_strdup(c->cfg->firmware);
            d->firmware = 1;
            plan_add(c->p, server, PK_PLAIN, dev, "vm set_ios %s \"%s\"",
                     d->name, d->image);
        } else {
            PC_ERR(c, sec->line,
                   "router %s does not have an image set (the open firmware "
                   "runs only on the 7200)",
                   d->name);
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

static void pc_switch(struct pc *c, int server, const struct nf_section *sec)
{
    static const struct {
        enum topo_kind kind;
        const char *module;
    } kinds[] = {[NF_FRSW] = {T_FRSW, "frsw"},
                 [NF_ATMSW] = {T_ATMSW, "atmsw"},
                 [NF_ETHSW] = {T_ETHSW, "ethsw"},
                 [NF_ATMBR] = {T_ATMBR, "atm_bridge"}};
    int dev = pc_new_dev(c, kinds[sec->kind].kind, server, sec);
    plan_add(c->p, server, PK_PLAIN, dev, "%s create %s",
             kinds[sec->kind].module, sec->name);
}

/* ------------------------------------------------------------ links */

static char *pc_nio_name(struct pc *c, int type)
{
    return dg_printf("nio_%s%d", nio_type_names[type],
                     c->t->nio_count[type]++);
}

/* §10.3, §10.4: automatic UDP ports and remote addresses. */
static void pc_udp_pair(struct pc *c, int s1, int s2, long *p1, long *p2,
                        const char **h1, const char **h2)
{
    struct topo_server *a = &c->t->servers[s1];
    struct topo_server *b = &c->t->servers[s2];
    int same_host = strcmp(a->host, b->host) == 0;
    if (s1 != s2 && same_host && labs(a->udp_next - b->udp_next) < 500) {
        b->udp_next += 1000; /* two hypervisors on one machine (0.11.0) */
    }
    *p1 = a->udp_next++;
    *p2 = b->udp_next++;
    /* h1: the address a's NIO sends to; h2: b's */
    *h1 = same_host ? "127.0.0.1" : b->host;
    *h2 = same_host ? "127.0.0.1" : a->host;
}

static int pc_is_loopback_name(const char *h)
{
    return dg_strcaseeq(h, "localhost") || strncmp(h, "127.", 4) == 0 ||
           strcmp(h, "::1") == 0;
}

/* Create the UDP NIO pair between (s1, dev1) and (s2, dev2). */
static void pc_make_udp(struct pc *c, int s1, int s2, int line, char **n1,
                        char **n2)
{
    long p1, p2;
    const char *h1, *h2;
    pc_udp_pair(c, s1, s2, &p1, &p2, &h1, &h2);
    struct topo_server *a = &c->t->servers[s1];
    struct topo_server *b = &c->t->servers[s2];
    if (strcmp(a->host, b->host) != 0 &&
        (pc_is_loopback_name(a->host) || pc_is_loopback_name(b->host))) {
        PC_WARN(c, line,
                "link between servers %s and %s: a server named \"%s\" cannot "
                "be reached from the other one; in a multi-server lab name "
                "every server by an address the others can reach (§10.5)",
                a->label, b->label,
                pc_is_loopback_name(a->host) ? a->host : b->host);
    }
    *n1 = pc_nio_name(c, NIO_T_UDP);
    *n2 = pc_nio_name(c, NIO_T_UDP);
    char *r1 = hv_arg(h1);
    char *r2 = hv_arg(h2);
    plan_add(c->p, s1, PK_PLAIN, -1, "nio create_udp %s %ld %s %ld", *n1, p1,
             r1, p2);
    plan_add(c->p, s2, PK_PLAIN, -1, "nio create_udp %s %ld %s %ld", *n2, p2,
             r2, p1);
    free(r1);
    free(r2);
}

/* A manual NIO (§8.4): its name and creation command. */
static char *pc_manual_nio(struct pc *c, int server, const struct nf_nio *nio)
{
    int type = pc_nio_type(nio->type);
    char *name;
    if (type == NIO_T_NULL) {
        name = hv_arg(nio->args[0]); /* 0.11.0 uses the text as the name */
    } else {
        name = pc_nio_name(c, type);
    }
    struct dg_buf b = {0};
    dg_buf_addf(&b, "nio create_%s %s", nio->type, name);
    if (type != NIO_T_NULL) {
        for (int i = 0; i < nio->nargs; i++) {
            char *a = hv_arg(nio->args[i]);
            dg_buf_addf(&b, " %s", a);
            free(a);
        }
    }
    plan_add(c->p, server, PK_PLAIN, -1, "%s", b.s);
    dg_buf_free(&b);
    return name;
}

static char *pc_nio_text(const struct nf_nio *nio)
{
    struct dg_buf b = {0};
    dg_buf_addf(&b, "NIO_%s", nio->type);
    for (int i = 0; i < nio->nargs; i++) {
        dg_buf_addf(&b, ":%s", nio->args[i]);
    }
    return dg_buf_take(&b);
}

static void pc_conn(struct topo_dev *d, int slot, int port, const char *ifname,
                    const char *nio, enum topo_peer kind, int peer,
                    int peer_slot, int peer_port, char *peer_desc, int line)
{
    struct topo_conn cn = {0};
    cn.slot = slot;
    cn.port = port;
    cn.ifname = ifname ? dg_strdup(ifname) : NULL;
    cn.nio = dg_strdup(nio);
    cn.peer_kind = kind;
    cn.peer = peer;
    cn.peer_slot = peer_slot;
    cn.peer_port = peer_port;
    cn.peer_desc = peer_desc;
    cn.line = line;
    topo_add_conn(d, &cn);
}

static char *pc_ifname(const struct hw_ifname *i)
{
    return dg_printf("%s%d/%d", i->letter, i->slot, i->port);
}

static int pc_link_error(struct pc *c, int dev, const struct nf_key *k,
                         char *why)
{
    PC_ERR(c, k->line, "connecting %s %s to %s: %s", c->t->devs[dev].name,
           k->key, k->value, why);
    free(why);
    return -1;
}

static int pc_switch_group_ok(enum topo_kind kind, const char *letter)
{
    int g = hw_if_group(letter);
    switch (kind) {
    case T_ETHSW:
        return g == 1;
    case T_FRSW:
        return g == 2;
    case T_ATMSW:
        return g == 3;
    case T_ATMBR:
        return g == 1 || g == 3;
    case T_ROUTER:
        break;
    }
    return 0;
}

static const char *pc_switch_letter(enum topo_kind kind)
{
    return kind == T_FRSW ? "s" : kind == T_ATMSW ? "a" : "f";
}

static void pc_link_router(struct pc *c, int dev, const struct nf_key *k,
                           int peer)
{
    struct topo *t = c->t;
    struct hw_ifname rif;
    if (hw_parse_ifname(k->dest.arg, &rif) < 0) {
        pc_link_error(c, dev, k,
                      dg_printf("malformed destination interface: %s",
                                k->dest.arg));
        return;
    }
    if (hw_if_group(k->ifn.letter) != hw_if_group(rif.letter)) {
        pc_link_error(c, dev, k,
                      dg_printf("cannot connect %s to %s", k->ifn.letter,
                                rif.letter));
        return;
    }
    int ls, lp, rs, rp;
    char *why;
    if (topo_resolve_if(t, dev, &k->ifn, c->p, &ls, &lp, &why) < 0) {
        pc_link_error(c, dev, k, why);
        return;
    }
    if (topo_resolve_if(t, peer, &rif, c->p, &rs, &rp, &why) < 0) {
        pc_link_error(c, dev, k, why);
        return;
    }
    struct topo_conn *lc = topo_conn_at(&t->devs[dev], ls, lp);
    struct topo_conn *rc = topo_conn_at(&t->devs[peer], rs, rp);
    if (lc && lc->peer_kind == PEER_DEV && lc->peer == peer &&
        lc->peer_slot == rs && lc->peer_port == rp) {
        return; /* the same cable written on both ends (§8.5) */
    }
    if (dev == peer && ls == rs && lp == rp) {
        pc_link_error(c, dev, k,
                      dg_strdup("an interface cannot be connected to itself"));
        return;
    }
    if (lc || rc) {
        pc_link_error(c, dev, k,
                      dg_printf("%s already occupied by a different "
                                "connection",
                                lc && rc ? "source and destination ports are"
                                : lc     ? "source port is"
                                         : "destination port is"));
        return;
    }
    struct topo_dev *ld = &t->devs[dev];
    struct topo_dev *rd = &t->devs[peer];
    char *n1, *n2;
    pc_make_udp(c, ld->server, rd->server, k->line, &n1, &n2);
    plan_add(c->p, ld->server, PK_PLAIN, dev, "vm slot_add_nio_binding %s %d %d %s",
             ld->name, ls, lp, n1);
    plan_add(c->p, rd->server, PK_PLAIN, peer,
             "vm slot_add_nio_binding %s %d %d %s", rd->name, rs, rp, n2);
    char *lname = pc_ifname(&k->ifn);
    char *rname = pc_ifname(&rif);
    pc_conn(ld, ls, lp, lname, n1, PEER_DEV, peer, rs, rp,
            dg_printf("%s %s", rd->name, rname), k->line);
    rd = &t->devs[peer];
    pc_conn(rd, rs, rp, rname, n2, PEER_DEV, dev, ls, lp,
            dg_printf("%s %s", t->devs[dev].name, lname), k->line);
    free(lname);
    free(rname);
    free(n1);
    free(n2);
}

static void pc_link_switch(struct pc *c, int dev, const struct nf_key *k,
                           int sw)
{
    struct topo *t = c->t;
    long port;
    if (dg_parse_long(k->dest.arg, &port) < 0 || port < 0) {
        pc_link_error(c, dev, k,
                      dg_printf("%s is a switch: expected \"%s PORT\" with a "
                                "port number",
                                t->devs[sw].name, t->devs[sw].name));
        return;
    }
    enum topo_kind kind = t->devs[sw].kind;
    if (!pc_switch_group_ok(kind, k->ifn.letter)) {
        pc_link_error(c, dev, k,
                      dg_printf("cannot connect %s to %s", k->ifn.letter,
                                pc_switch_letter(kind)));
        return;
    }
    int ls, lp;
    char *why;
    if (topo_resolve_if(t, dev, &k->ifn, c->p, &ls, &lp, &why) < 0) {
        pc_link_error(c, dev, k, why);
        return;
    }
    struct topo_conn *lc = topo_conn_at(&t->devs[dev], ls, lp);
    struct topo_conn *rc = topo_conn_at(&t->devs[sw], -1, (int)port);
    if (lc && lc->peer_kind == PEER_DEV && lc->peer == sw &&
        lc->peer_port == port) {
        return;
    }
    if (lc || rc) {
        pc_link_error(c, dev, k,
                      dg_printf("%s already occupied by a different "
                                "connection",
                                lc && rc ? "source and destination ports are"
                                : lc     ? "source port is"
                                         : "destination port is"));
        return;
    }
    struct topo_dev *ld = &t->devs[dev];
    struct topo_dev *sd = &t->devs[sw];
    char *n1, *n2;
    pc_make_udp(c, ld->server, sd->server, k->line, &n1, &n2);
    plan_add(c->p, ld->server, PK_PLAIN, dev,
             "vm slot_add_nio_binding %s %d %d %s", ld->name, ls, lp, n1);
    if (kind == T_ETHSW) {
        plan_add(c->p, sd->server, PK_PLAIN, sw, "ethsw add_nio %s %s",
                 sd->name, n2);
    }
    char *lname = pc_ifname(&k->ifn);
    pc_conn(ld, ls, lp, lname, n1, PEER_DEV, sw, -1, (int)port,
            dg_printf("%s %ld", sd->name, port), k->line);
    sd = &t->devs[sw];
    pc_conn(sd, -1, (int)port, NULL, n2, PEER_DEV, dev, ls, lp,
            dg_printf("%s %s", t->devs[dev].name, lname), k->line);
    free(lname);
    free(n1);
    free(n2);
}

static int pc_bridge(struct pc *c, const char *name, int server)
{
    struct topo *t = c->t;
    for (size_t i = 0; i < t->nbridges; i++) {
        if (strcmp(t->bridges[i].name, name) == 0) {
            return (int)i;
        }
    }
    t->bridges = dg_realloc(t->bridges, (t->nbridges + 1) * sizeof(*t->bridges));
    struct topo_bridge *b = &t->bridges[t->nbridges];
    memset(b, 0, sizeof(*b));
    b->name = dg_strdup(name);
    b->server = server;
    char *a = hv_arg(name);
    plan_add(c->p, server, PK_PLAIN, -1, "nio_bridge create %s", a);
    free(a);
    return (int)t->nbridges++;
}

static void pc_link_lan(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo *t = c->t;
    if (hw_if_group(k->ifn.letter) != 1) {
        pc_link_error(c, dev, k,
                      dg_printf("cannot connect %s to f (a LAN is Ethernet)",
                                k->ifn.letter));
        return;
    }
    int ls, lp;
    char *why;
    if (topo_resolve_if(t, dev, &k->ifn, c->p, &ls, &lp, &why) < 0) {
        pc_link_error(c, dev, k, why);
        return;
    }
    struct topo_conn *lc = topo_conn_at(&t->devs[dev], ls, lp);
    if (lc) {
        pc_link_error(c, dev, k,
                      dg_strdup("source port is already occupied by a "
                                "different connection"));
        return;
    }
    int b = pc_bridge(c, k->dest.dev, t->devs[dev].server);
    struct topo_dev *ld = &t->devs[dev];
    char *n1, *n2;
    pc_make_udp(c, ld->server, t->bridges[b].server, k->line, &n1, &n2);
    plan_add(c->p, ld->server, PK_PLAIN, dev,
             "vm slot_add_nio_binding %s %d %d %s", ld->name, ls, lp, n1);
    char *bn = hv_arg(k->dest.dev);
    plan_add(c->p, t->bridges[b].server, PK_PLAIN, -1,
             "nio_bridge add_nio %s %s", bn, n2);
    free(bn);
    dg_strv_push(&t->bridges[b].nios, dg_strdup(n2));
    char *lname = pc_ifname(&k->ifn);
    pc_conn(ld, ls, lp, lname, n1, PEER_LAN, b, -1, -1,
            dg_printf("LAN %s", k->dest.dev), k->line);
    free(lname);
    free(n1);
    free(n2);
}

static void pc_link_nio(struct pc *c, int dev, const struct nf_key *k)
{
    struct topo *t = c->t;
    int ls, lp;
    char *why;
    if (topo_resolve_if(t, dev, &k->ifn, c->p, &ls, &lp, &why) < 0) {
        pc_link_error(c, dev, k, why);
        return;
    }
    if (topo_conn_at(&t->devs[dev], ls, lp)) {
        pc_link_error(c, dev, k,
                      dg_strdup("source port is already occupied by a "
                                "different connection"));
        return;
    }
    struct topo_dev *ld = &t->devs[dev];
    char *nio = pc_manual_nio(c, ld->server, &k->dest.nio);
    plan_add(c->p, ld->server, PK_PLAIN, dev,
             "vm slot_add_nio_binding %s %d %d %s", ld->name, ls, lp, nio);
    char *lname = pc_ifname(&k->ifn);
    pc_conn(ld, ls, lp, lname, nio, PEER_NIO, -1, -1, -1,
            pc_nio_text(&k->dest.nio), k->line);
    free(lname);
    free(nio);
}

static void pc_link(struct pc *c, int dev, const struct nf_key *k)
{
    switch (k->dest.kind) {
    case NF_DEST_NIO:
        pc_link_nio(c, dev, k);
        return;
    case NF_DEST_LAN:
        pc_link_lan(c, dev, k);
        return;
    case NF_DEST_DEV:
        break;
    }
    int peer = topo_find_dev(c->t, k->dest.dev);
    if (peer < 0) {
        pc_link_error(c, dev, k, dg_printf("nonexistent device %s",
                                           k->dest.dev));
        return;
    }
    if (c->t->devs[peer].kind == T_ROUTER) {
        pc_link_router(c, dev, k, peer);
    } else {
        pc_link_switch(c, dev, k, peer);
    }
}

/* ------------------------------------------------------------ switches */

static const char *pc_port_nio(struct pc *c, int sw, long port, int line)
{
    struct topo_conn *cn = topo_conn_at(&c->t->devs[sw], -1, (int)port);
    if (!cn) {
        PC_ERR(c, line, "%s: switchport %ld is not connected to anything",
               c->t->devs[sw].name, port);
        return NULL;
    }
    return cn->nio;
}

static int pc_map_has_source(const struct topo_dev *d, int vc, long p, long a,
                             long b)
{
    for (size_t i = 0; i < d->nmaps; i++) {
        const struct topo_map *m = &d->maps[i];
        if (m->vc == vc && m->p1 == p && m->a1 == a && (!vc || m->b1 == b)) {
            return 1;
        }
    }
    return 0;
}

static void pc_add_map(struct topo_dev *d, int vc, long p1, long a1, long b1,
                       long p2, long a2, long b2)
{
    d->maps = dg_realloc(d->maps, (d->nmaps + 1) * sizeof(*d->maps));
    struct topo_map m = {vc, p1, a1, b1, p2, a2, b2};
    d->maps[d->nmaps++] = m;
}

static void pc_mappings(struct pc *c, int sw)
{
    struct topo_dev *d = &c->t->devs[sw];
    const struct nf_section *sec = d->sec;
    for (size_t i = 0; i < sec->nkeys; i++) {
        const struct nf_key *k = &sec->keys[i];
        if (k->kind != NFK_FRMAP && k->kind != NFK_ATMVP &&
            k->kind != NFK_ATMVC && k->kind != NFK_BRMAP) {
            continue;
        }
        const char *n1 = pc_port_nio(c, sw, k->p1, k->line);
        const char *n2 = pc_port_nio(c, sw, k->p2, k->line);
        if (!n1 || !n2) {
            continue;
        }
        int vc = k->kind == NFK_ATMVC;
        if (k->kind == NFK_BRMAP) {
            plan_add(c->p, d->server, PK_PLAIN, sw,
                     "atm_bridge configure %s %s %s %ld %ld", d->name, n1, n2,
                     k->a2, k->b2);
            pc_add_map(d, 1, k->p1, 0, 0, k->p2, k->a2, k->b2);
            continue;
        }
        /* a line whose source is already switched is skipped (§9.1) */
        if (pc_map_has_source(d, vc, k->p1, k->a1, k->b1)) {
            continue;
        }
        for (int dir = 0; dir < 2; dir++) {
            const char *na = dir ? n2 : n1, *nb = dir ? n1 : n2;
            long pa = dir ? k->p2 : k->p1, pb = dir ? k->p1 : k->p2;
            long aa = dir ? k->a2 : k->a1, ab = dir ? k->a1 : k->a2;
            long ba = dir ? k->b2 : k->b1, bb = dir ? k->b1 : k->b2;
            if (dir && pc_map_has_source(d, vc, pa, aa, ba)) {
                continue;
            }
            if (k->kind == NFK_FRMAP) {
                plan_add(c->p, d->server, PK_PLAIN, sw,
                         "frsw create_vc %s %s %ld %s %ld", d->name, na, aa,
                         nb, ab);
            } else if (k->kind == NFK_ATMVP) {
                plan_add(c->p, d->server, PK_PLAIN, sw,
                         "atmsw create_vpc %s %s %ld %s %ld", d->name, na, aa,
                         nb, ab);
            } else {
                plan_add(c->p, d->server, PK_PLAIN, sw,
                         "atmsw create_vcc %s %s %ld %ld %s %ld %ld", d->name,
                         na, aa, ba, nb, ab, bb);
            }
            d = &c->t->devs[sw];
            pc_add_map(d, vc, pa, aa, ba, pb, ab, bb);
        }
    }
}

static void pc_ethports(struct pc *c, int sw)
{
    struct topo_dev *d = &c->t->devs[sw];
    const struct nf_section *sec = d->sec;
    for (size_t i = 0; i < sec->nkeys; i++) {
        const struct nf_key *k = &sec->keys[i];
        if (k->kind != NFK_ETHPORT) {
            continue;
        }
        const char *type = k->dot1q ? "dot1q" : "access";
        d = &c->t->devs[sw];
        struct topo_conn *cn = topo_conn_at(d, -1, (int)k->p1);
        char *nio = NULL;
        if (k->has_nio) {
            if (cn) {
                PC_ERR(c, k->line,
                       "%s port %ld: already connected to %s; it cannot also "
                       "be bound to %s",
                       d->name, k->p1, cn->peer_desc, k->value);
                continue;
            }
            nio = pc_manual_nio(c, d->server, &k->nio);
            plan_add(c->p, d->server, PK_PLAIN, sw, "ethsw add_nio %s %s",
                     d->name, nio);
            d = &c->t->devs[sw];
            pc_conn(d, -1, (int)k->p1, NULL, nio, PEER_NIO, -1, -1, -1,
                    pc_nio_text(&k->nio), k->line);
        } else if (!cn) {
            /* only a warning for Ethernet switches (§9) */
            PC_WARN(c, k->line,
                    "%s: switchport %ld is not connected to anything",
                    d->name, k->p1);
            continue;
        } else {
            nio = dg_strdup(cn->nio);
        }
        plan_add(c->p, d->server, PK_PLAIN, sw, "ethsw set_%s_port %s %s %ld",
                 type, d->name, nio, k->vlan);
        d = &c->t->devs[sw];
        d->eports = dg_realloc(d->eports, (d->neports + 1) * sizeof(*d->eports));
        struct topo_ethport ep = {k->p1, k->dot1q, k->vlan};
        d->eports[d->neports++] = ep;
        free(nio);
    }
}

/* ------------------------------------------------------------ post */

/* §11.1: one ghost per (server, image) shared by two routers or more. */
static void pc_ghosts(struct pc *c)
{
    struct topo *t = c->t;
    int *done = dg_calloc(t->ndevs, sizeof(int));
    for (size_t i = 0; i < t->ndevs; i++) {
        struct topo_dev *d = &t->devs[i];
        if (done[i] || d->kind != T_ROUTER || !d->ghostios || !d->mmap ||
            !d->image) {
            continue;
        }
        size_t members = 0;
        long ram = 0, ghostsize = 0;
        for (size_t j = i; j < t->ndevs; j++) {
            struct topo_dev *e = &t->devs[j];
            if (e->kind == T_ROUTER && e->ghostios && e->mmap && e->image &&
                e->server == d->server && strcmp(e->image, d->image) == 0 &&
                strcmp(e->model->platform, d->model->platform) == 0) {
                members++;
                if (e->ram > ram) {
                    ram = e->ram;
                }
                if (e->ghostsize && !ghostsize) {
                    ghostsize = e->ghostsize;
                }
            }
        }
        if (members < 2) {
            continue;
        }
        const char *host = t->servers[d->server].host;
        char *img = dg_image_name(d->image);
        char *file = dg_printf("%s-%s.ghost", img, host);
        char *vm = dg_printf("ghost-%s", file);
        char *qfile = hv_arg(file);
        char *qvm = hv_arg(vm);
        int s = d->server;
        int id = t->next_id++;
        plan_add(c->p, s, PK_PLAIN, -1, "vm create %s %d %s", qvm, id,
                 d->model->platform);
        plan_add(c->p, s, PK_PLAIN, -1, "vm set_ios %s \"%s\"", qvm, d->image);
        if (d->npe) {
            plan_add(c->p, s, PK_PLAIN, -1, "c7200 set_npe %s %s", qvm, d->npe);
        }
        plan_add(c->p, s, PK_PLAIN, -1, "vm set_ghost_status %s 1", qvm);
        plan_add(c->p, s, PK_PLAIN, -1, "vm set_ghost_file %s %s", qvm, qfile);
        plan_add(c->p, s, PK_PLAIN, -1, "vm set_ram %s %ld", qvm,
                 ghostsize ? ghostsize : ram);
        plan_add(c->p, s, PK_PLAIN, -1, "vm start %s", qvm);
        plan_add(c->p, s, PK_PLAIN, -1, "vm stop %s", qvm);
        plan_add(c->p, s, PK_PLAIN, -1, "vm delete %s", qvm);
        for (size_t j = i; j < t->ndevs; j++) {
            struct topo_dev *e = &t->devs[j];
            if (e->kind == T_ROUTER && e->ghostios && e->mmap && e->image &&
                e->server == d->server && strcmp(e->image, d->image) == 0 &&
                strcmp(e->model->platform, d->model->platform) == 0) {
                done[j] = 1;
                plan_add(c->p, s, PK_PLAIN, (int)j, "vm set_ghost_status %s 2",
                         e->name);
                plan_add(c->p, s, PK_PLAIN, (int)j, "vm set_ghost_file %s %s",
                         e->name, qfile);
                pc_set_str(&e->ghost_file, file);
            }
        }
        free(img);
        free(file);
        free(vm);
        free(qfile);
        free(qvm);
    }
    free(done);
}

static void pc_idledb(struct pc *c)
{
    struct topo *t = c->t;
    for (size_t i = 0; i < t->ndevs; i++) {
        struct topo_dev *d = &t->devs[i];
        if (d->kind != T_ROUTER || d->idlepc || !d->image) {
            continue;
        }
        char *img = dg_image_name(d->image);
        const char *pc = idledb_get(&c->cfg->idb, img);
        if (pc) {
            d->idlepc = dg_strdup(pc);
            char *a = hv_arg(pc);
            plan_add(c->p, d->server, PK_PLAIN, (int)i, "vm set_idle_pc %s %s",
                     d->name, a);
            free(a);
        }
        free(img);
    }
}

/* ------------------------------------------------------------ main */

int plan_build(struct topo *t, const struct nf_lab *lab,
               const struct dg_config *cfg, struct plan *p, struct dg_diag *d)
{
    memset(t, 0, sizeof(*t));
    t->lab = lab;
    t->cfg = cfg;
    struct pc c = {t, lab, cfg, p, d, lab->path, NULL, 0, NULL, 0, 0};
    size_t before = d->nerrors;
    p->phase = PH_LOAD;
    if (lab->nservers == 0) {
        dg_warn(d, lab->path, 0, "no [server] section: the lab is empty");
    }
    for (size_t si = 0; si < lab->nservers; si++) {
        pc_server(&c, si);
        const struct nf_server *s = &lab->servers[si];
        for (size_t j = 0; j < s->nsecs; j++) {
            const struct nf_section *sec = &s->secs[j];
            if (sec->is_defaults) {
                pc_defaults(&c, (int)si, sec);
            } else if (sec->kind == NF_ROUTER) {
                pc_router(&c, (int)si, sec);
            } else {
                pc_switch(&c, (int)si, sec);
            }
        }
    }
    for (size_t i = 0; i < c.nlinks; i++) {
        pc_link(&c, c.links[i].dev, c.links[i].k);
    }
    for (size_t i = 0; i < t->ndevs; i++) {
        enum topo_kind k = t->devs[i].kind;
        if (k == T_FRSW || k == T_ATMSW || k == T_ATMBR) {
            pc_mappings(&c, (int)i);
        }
    }
    for (size_t i = 0; i < t->ndevs; i++) {
        if (t->devs[i].kind == T_ETHSW) {
            pc_ethports(&c, (int)i);
        }
    }
    p->phase = PH_IMPORT;
    for (size_t i = 0; i < t->ndevs; i++) {
        struct topo_dev *dv = &t->devs[i];
        if (dv->kind == T_ROUTER && dv->configuration) {
            plan_add(p, dv->server, PK_PLAIN, (int)i, "vm push_config %s %s",
                     dv->name, dv->configuration);
        }
    }
    p->phase = PH_POST;
    pc_ghosts(&c);
    pc_idledb(&c);
    p->phase = PH_START;
    for (size_t i = 0; i < t->ndevs; i++) {
        if (t->devs[i].kind == T_ROUTER && t->devs[i].autostart) {
            topo_start_cmds(t, (int)i, p);
        }
    }
    for (size_t i = 0; i < c.ntabs; i++) {
        free(c.tabs[i].keys);
    }
    free(c.tabs);
    free(c.links);
    return d->nerrors == before ? 0 : -1;
}

void plan_print(const struct topo *t, const struct plan *p, FILE *out)
{
    static const char *const phase_note[] = {
        [PH_LOAD] = NULL,
        [PH_IMPORT] = "# embedded configurations (pushed if the user "
                      "agrees at the prompt)",
        [PH_POST] = "# ghost IOS and idle-PC database",
        [PH_START] = "# autostart",
    };
    for (size_t s = 0; s < t->nservers; s++) {
        fprintf(out, "%s[%s]\n", s ? "\n" : "", t->servers[s].label);
        int phase = PH_LOAD;
        for (size_t i = 0; i < p->n; i++) {
            const struct plan_cmd *cmd = &p->v[i];
            if (cmd->server != (int)s) {
                continue;
            }
            if ((int)cmd->phase != phase) {
                phase = (int)cmd->phase;
                if (phase_note[phase]) {
                    fprintf(out, "%s\n", phase_note[phase]);
                }
            }
            fprintf(out, "%s\n", cmd->line);
        }
    }
}
