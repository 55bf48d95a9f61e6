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

#include "dynagen/plan_internal.h"

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

struct deftab *plan_deftab(struct pc *c, int server,
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
    struct deftab *d = plan_deftab(c, server, sec->model, 1);
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

/* ------------------------------------------------------------ devices */

void plan_set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = v ? dg_strdup(v) : NULL;
}

int plan_new_dev(struct pc *c, enum topo_kind kind, int server,
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

static void pc_switch(struct pc *c, int server, const struct nf_section *sec)
{
    static const struct {
        enum topo_kind kind;
        const char *module;
    } kinds[] = {[NF_FRSW] = {T_FRSW, "frsw"},
                 [NF_ATMSW] = {T_ATMSW, "atmsw"},
                 [NF_ETHSW] = {T_ETHSW, "ethsw"},
                 [NF_ATMBR] = {T_ATMBR, "atm_bridge"}};
    int dev = plan_new_dev(c, kinds[sec->kind].kind, server, sec);
    plan_add(c->p, server, PK_PLAIN, dev, "%s create %s",
             kinds[sec->kind].module, sec->name);
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
                plan_set_str(&e->ghost_file, file);
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
                plan_router(&c, (int)si, sec);
            } else {
                pc_switch(&c, (int)si, sec);
            }
        }
    }
    for (size_t i = 0; i < c.nlinks; i++) {
        plan_link(&c, c.links[i].dev, c.links[i].k);
    }
    for (size_t i = 0; i < t->ndevs; i++) {
        if (t->devs[i].kind == T_ETHSW) {
            plan_switch_side_links(&c, (int)i);
        }
    }
    for (size_t i = 0; i < t->ndevs; i++) {
        enum topo_kind k = t->devs[i].kind;
        if (k == T_FRSW || k == T_ATMSW || k == T_ATMBR) {
            plan_mappings(&c, (int)i);
        }
    }
    for (size_t i = 0; i < t->ndevs; i++) {
        if (t->devs[i].kind == T_ETHSW) {
            plan_ethports(&c, (int)i);
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
