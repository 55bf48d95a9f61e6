/*
 * idlepc and its subcommands (dynagen.md §13.5): measure, choose, apply,
 * save (router section, [[MODEL]] defaults, idle-PC database), timer
 * drift, idlemax/idlesleep, copy.
 */
#include <stdlib.h>
#include <string.h>

#include "dynagen/cli.h"
#include "dynagen/netedit.h"

/* Dynagen's library defaults (§6.1) */
#define IDLEMAX_DEFAULT 1500
#define IDLESLEEP_DEFAULT 30

static const char *const idle_subs[] = {"get",     "show",      "set",
                                        "save",    "showdrift", "idlemax",
                                        "idlesleep", "copy"};

static const char *idle_sub(const char *w)
{
    const char *found = NULL;
    size_t n = 0, wl = strlen(w);
    for (size_t i = 0; i < DG_ARRAY_SIZE(idle_subs); i++) {
        if (strcmp(idle_subs[i], w) == 0) {
            return idle_subs[i];
        }
        if (strncmp(idle_subs[i], w, wl) == 0) {
            found = idle_subs[i];
            n++;
        }
    }
    return n == 1 ? found : NULL;
}

static int idle_apply(struct cli *c, int dev, const char *pc)
{
    struct topo_dev *d = &c->lab->topo.devs[dev];
    char *v = hv_arg(pc);
    int rc;
    if (d->state == ST_STOPPED) {
        rc = cli_send(c, d->server, 0, NULL, "vm set_idle_pc %s %s", d->name,
                      v);
    } else {
        rc = cli_send(c, d->server, 0, NULL, "vm set_idle_pc_online %s 0 %s",
                      d->name, v);
    }
    free(v);
    if (rc == 0) {
        free(d->idlepc);
        d->idlepc = dg_strdup(pc);
    }
    return rc;
}

/* The candidate list and the choice (§13.5). Returns how many there were. */
static size_t idle_menu(struct cli *c, int dev, const struct hv_reply *r)
{
    struct dg_strv pcs = {0};
    for (size_t i = 0; i < r->lines.n; i++) {
        const char *l = r->lines.v[i];
        if (l[0] != '1' || l[3] != ' ') {
            continue;
        }
        struct dg_strv tok = {0};
        dg_split_ws(hv_line_text(l), &tok);
        if (tok.n) {
            long count = -1;
            if (tok.n > 1) {
                const char *cs = tok.v[1];
                count = strtol(cs + (cs[0] == '['), NULL, 10);
            }
            /* "*" marks 50 < count < 60 (the original's hint) */
            cli_printf(c, "%c %2zu: %s%s%s\n",
                       count > 50 && count < 60 ? '*' : ' ', pcs.n + 1,
                       tok.v[0], tok.n > 1 ? " " : "",
                       tok.n > 1 ? tok.v[1] : "");
            dg_strv_push(&pcs, dg_strdup(tok.v[0]));
        }
        dg_strv_free(&tok);
    }
    if (!pcs.n) {
        return 0;
    }
    cli_printf(c, "Potentially better idlepc values marked with \"*\"\n");
    char *prompt = dg_printf("Enter the number of the idlepc value to apply "
                             "[1-%zu] or ENTER for no change: ",
                             pcs.n);
    fflush(c->out);
    char *ans = cli_ask(c, prompt);
    free(prompt);
    long k;
    if (!ans || !dg_trim(ans)[0]) {
        cli_printf(c, "No changes made\n");
    } else if (dg_parse_long(ans, &k) < 0 || k < 1 || (size_t)k > pcs.n) {
        cli_printf(c, "Invalid selection\n");
    } else if (idle_apply(c, dev, pcs.v[k - 1]) == 0) {
        cli_printf(c, "Applied idlepc value %s to %s\n\n", pcs.v[k - 1],
                   c->lab->topo.devs[dev].name);
    }
    free(ans);
    size_t n = pcs.n;
    dg_strv_free(&pcs);
    return n;
}

static void idle_save(struct cli *c, int dev, const char *where)
{
    struct lab *l = c->lab;
    struct topo_dev *d = &l->topo.devs[dev];
    if (!d->idlepc) {
        cli_printf(c, "*** Error: device %s has no idlepc value to save\n",
                   d->name);
        return;
    }
    if (where && strcmp(where, "db") == 0) {
        char *img = dg_image_name(d->image ? d->image : "");
        int rc = idledb_set(&l->cfg.idb, img, d->idlepc);
        if (rc < 0) {
            cli_printf(c, "*** Error: cannot write %s: %s\n", l->cfg.idb.path,
                       strerror(-rc));
        } else {
            cli_printf(c, "idlepc value for image \"%s\" written to the "
                          "database (%s)\n",
                       img, l->cfg.idb.path);
        }
        free(img);
        return;
    }
    if (where && strcmp(where, "default") != 0) {
        cli_printf(c, "*** Error: unknown keyword %s (default or db)\n",
                   where);
        return;
    }
    if (!l->have_nf || !d->sec) {
        cli_printf(c, "*** Error: there is no network file to save to\n");
        return;
    }
    const struct topo_server *s = &l->topo.servers[d->server];
    const char *section = where ? d->model->name : d->sec->header;
    char *why;
    if (netedit_set(l->nf.path, s->nf->header, section, "idlepc", d->idlepc,
                    &why) < 0) {
        if (where) {
            cli_printf(c, "*** Error: section %s not found in network "
                          "configuration file for host %s\n",
                       section, s->host);
        } else {
            cli_printf(c, "*** Error: %s\n", why);
        }
        free(why);
        return;
    }
    cli_printf(c, "idlepc value saved to section: %s\n", section);
}

static void idle_copy(struct cli *c, int src, const char *target)
{
    struct topo *t = &c->lab->topo;
    struct topo_dev *s = &t->devs[src];
    if (!s->idlepc) {
        cli_printf(c, "*** Error: %s router does not have an idlepc value "
                      "set\n",
                   s->name);
        return;
    }
    int all = strcmp(target, "/all") == 0;
    int named = all ? -1 : topo_find_dev(t, target);
    if (!all && (named < 0 || t->devs[named].kind != T_ROUTER)) {
        cli_printf(c, "*** Error: Unknown device: %s\n", target);
        return;
    }
    char *pc = dg_strdup(s->idlepc);
    for (size_t i = 0; i < t->ndevs; i++) {
        struct topo_dev *d = &t->devs[i];
        if ((int)i == src || d->kind != T_ROUTER || (!all && (int)i != named)) {
            continue;
        }
        if (!d->image || !t->devs[src].image ||
            strcmp(d->image, t->devs[src].image) != 0) {
            if (!all) {
                cli_printf(c, "*** Error: %s does not run the same image as "
                              "%s\n",
                           d->name, t->devs[src].name);
            }
            continue;
        }
        if (idle_apply(c, (int)i, pc) == 0) {
            cli_printf(c, "%s: idlepc set to %s\n", d->name, pc);
        }
    }
    free(pc);
}

int cli_cmd_idlepc(struct cli *c, struct cli_args *a)
{
    struct lab *l = c->lab;
    struct topo *t = &l->topo;
    const char *sub = idle_sub(a->v.v[0]);
    if (!sub) {
        cli_printf(c, "*** Error: Unknown command %s\n", a->v.v[0]);
        return 0;
    }
    if (a->v.n < 2) {
        cli_printf(c, "*** Error: Incorrect number of parameters or invalid "
                      "parameters\n");
        return 0;
    }
    int dev = topo_find_dev(t, a->v.v[1]);
    if (dev < 0 || t->devs[dev].kind != T_ROUTER) {
        cli_printf(c, "*** Error: Unknown device: %s\n", a->v.v[1]);
        return 0;
    }
    struct topo_dev *d = &t->devs[dev];
    lab_refresh_states(l);
    int needs_value = strcmp(sub, "set") == 0 || strcmp(sub, "idlemax") == 0 ||
                      strcmp(sub, "idlesleep") == 0 ||
                      strcmp(sub, "copy") == 0;
    size_t max_args = needs_value || strcmp(sub, "save") == 0 ? 3 : 2;
    size_t min_args = needs_value ? 3 : 2;
    if (a->v.n < min_args || a->v.n > max_args) {
        cli_printf(c, "*** Error: Incorrect number of parameters or invalid "
                      "parameters\n");
        return 0;
    }
    if (strcmp(sub, "get") == 0 || strcmp(sub, "show") == 0) {
        if (d->state != ST_RUNNING) {
            cli_printf(c, "*** Error: router %s is %s. Idle-pc functions can "
                          "only be used on running routers\n",
                       d->name, topo_state_name(d->state));
            return 0;
        }
        int get = strcmp(sub, "get") == 0;
        if (get && d->idlepc) {
            cli_printf(c, "%s already has an idlepc value applied (%s).\n"
                          "Remove it from the network file and the idle-PC "
                          "database, reload the router, then measure "
                          "again.\n",
                       d->name, d->idlepc);
            return 0;
        }
        if (get) {
            cli_printf(c, "Please wait while gathering statistics...\n");
            fflush(c->out);
        }
        struct hv_reply r;
        if (cli_send(c, d->server, 0, &r, "vm %s_idle_pc_prop %s 0",
                     get ? "get" : "show", d->name) == 0 &&
            idle_menu(c, dev, &r) == 0) {
            if (!get && d->idlepc) {
                cli_printf(c, "%s has an idlepc value of: %s\n", d->name,
                           d->idlepc);
            } else {
                cli_printf(c, "No idlepc values found\n");
            }
        }
        hv_reply_free(&r);
    } else if (strcmp(sub, "set") == 0) {
        if (idle_apply(c, dev, a->v.v[2]) == 0) {
            cli_printf(c, "Applied idlepc value %s to %s\n", a->v.v[2],
                       d->name);
        }
    } else if (strcmp(sub, "save") == 0) {
        idle_save(c, dev, a->v.n > 2 ? a->v.v[2] : NULL);
    } else if (strcmp(sub, "showdrift") == 0) {
        cli_printf(c, "Current idlemax value: %ld\n",
                   d->idlemax ? d->idlemax : IDLEMAX_DEFAULT);
        cli_printf(c, "Current idlesleep value: %ld\n",
                   d->idlesleep ? d->idlesleep : IDLESLEEP_DEFAULT);
        if (d->state != ST_STOPPED) {
            struct hv_reply r;
            if (cli_send(c, d->server, 0, &r, "vm show_timer_drift %s 0",
                         d->name) == 0) {
                for (size_t i = 0; i + 1 < r.lines.n; i++) {
                    cli_printf(c, "%s\n", hv_line_text(r.lines.v[i]));
                }
            }
            hv_reply_free(&r);
        }
    } else if (strcmp(sub, "idlemax") == 0 || strcmp(sub, "idlesleep") == 0) {
        long v;
        if (dg_parse_long(a->v.v[2], &v) < 0 || v < 1) {
            cli_printf(c, "*** Error: %s must be a positive integer\n", sub);
            return 0;
        }
        int max = strcmp(sub, "idlemax") == 0;
        if (d->state != ST_STOPPED &&
            cli_send(c, d->server, 0, NULL, "vm %s %s 0 %ld",
                     max ? "set_idle_max" : "set_idle_sleep_time", d->name,
                     v) != 0) {
            return 0;
        }
        if (max) {
            d->idlemax = v;
        } else {
            d->idlesleep = v;
        }
        cli_printf(c, "%s: %s set to %ld\n", d->name, sub, v);
    } else if (strcmp(sub, "copy") == 0) {
        idle_copy(c, dev, a->v.v[2]);
    }
    return 0;
}
