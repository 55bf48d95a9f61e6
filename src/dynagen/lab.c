/*
 * Lab session: open (file -> plan), connect, run plans, load with the
 * import question, reset on exit (dynagen.md §1.2, §12.1).
 */
#include "dynagen/lab.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int lab_open(struct lab *l, const char *netfile, const char *ini_path,
             struct dg_diag *d)
{
    if (!l->out) {
        l->out = stdout;
    }
    if (!l->err) {
        l->err = stderr;
    }
    if (dg_config_load(&l->cfg, ini_path, d) < 0) {
        return -1;
    }
    if (netfile) {
        l->have_nf = 1;
        if (nf_load(&l->nf, netfile, d) < 0) {
            return -1;
        }
    } else {
        /* no file: an empty lab (§1.1, 0.11.0) */
        if (nf_parse_text(&l->nf, "(none)", "", 0, d) < 0) {
            return -1;
        }
    }
    struct dg_diag quiet = {0}; /* an empty lab needs no warning */
    int rc = plan_build(&l->topo, &l->nf, &l->cfg, &l->plan,
                        netfile ? d : &quiet);
    dg_diag_free(&quiet);
    l->conns = dg_calloc(l->topo.nservers + 1, sizeof(*l->conns));
    l->versions = dg_calloc(l->topo.nservers + 1, sizeof(char *));
    for (size_t i = 0; i < l->topo.nservers; i++) {
        hv_conn_init(&l->conns[i], l->topo.servers[i].host,
                     l->topo.servers[i].port);
        l->conns[i].nosend = l->nosend;
        l->conns[i].debug = l->debug;
    }
    return rc;
}

void lab_close(struct lab *l)
{
    for (size_t i = 0; l->conns && i < l->topo.nservers; i++) {
        hv_conn_free(&l->conns[i]);
        free(l->versions[i]);
    }
    free(l->conns);
    free(l->versions);
    plan_free(&l->plan);
    topo_free(&l->topo);
    nf_free(&l->nf);
    dg_config_free(&l->cfg);
    l->conns = NULL;
    l->versions = NULL;
}

int lab_connect(struct lab *l)
{
    int rc = 0;
    for (size_t i = 0; i < l->topo.nservers; i++) {
        if (l->conns[i].fd >= 0 || l->conns[i].nosend) {
            continue;
        }
        char *why;
        if (hv_connect(&l->conns[i], 10000, &why) < 0) {
            fprintf(l->err, "*** Error: %s\n", why);
            free(why);
            rc = -1;
        }
    }
    return rc;
}

/*
 * The tutorial's Ethernet switch lab (ethsw1.net) bridges a port to
 * "NIO_gen_eth:\Device\NPF_{GUID}", the WinPcap name of an adapter on the
 * author's Windows host; anywhere else the server cannot open it. Say what
 * to write instead.
 */
static void lab_hint_host_nio(FILE *err, const char *line)
{
    static const char cmd[] = "nio create_gen_eth ";
    if (strncmp(line, cmd, sizeof(cmd) - 1) != 0) {
        return;
    }
    const char *dev = strchr(line + sizeof(cmd) - 1, ' ');
    if (!dev || strncasecmp(dev + 1, "\\Device\\NPF_", 12) != 0) {
        return;  /* 12: strlen("\\Device\\NPF_") */
    }
    fprintf(err, "Note: %s is the name of a network adapter on a Windows "
            "host (WinPcap); on this server name a host interface instead "
            "(NIO_gen_eth:eth0 or NIO_linux_eth:eth0), or use NIO_null:name "
            "to leave the port unconnected\n", dev + 1);
}

int lab_cmd(struct lab *l, int s, const char *line, struct hv_reply *r)
{
    char *why;
    struct hv_conn *c = &l->conns[s];
    if (c->fd < 0 && !c->nosend) {
        /* a server that went away may be back */
        if (hv_connect(c, 10000, &why) < 0) {
            memset(r, 0, sizeof(*r));
            fprintf(l->err, "*** Error: %s\n", why);
            free(why);
            return -1;
        }
    }
    int rc = hv_send(c, line, r, &why);
    if (rc < 0) {
        fprintf(l->err, "*** Error: %s\n", why);
        free(why);
    } else if (rc > 0) {
        for (size_t i = 0; i + 1 < r->lines.n; i++) {
            fprintf(l->err, "%s\n", r->lines.v[i]);
        }
        fprintf(l->err, "*** Error: %s rejected \"%s\": %s\n", c->label,
                line, r->lines.n ? r->lines.v[r->lines.n - 1] : "?");
        lab_hint_host_nio(l->err, line);
    }
    return rc;
}

/* §12.1: at least 0.2.8-RC1. */
static int lab_check_version(struct lab *l, int s, const char *text)
{
    free(l->versions[s]);
    l->versions[s] = dg_strdup(text);
    int a, b, c, rc;
    if (hv_parse_version(text, &a, &b, &c, &rc) < 0) {
        fprintf(l->err,
                "*** Warning:  cannot parse the version \"%s\" of server %s\n",
                text, l->conns[s].label);
        return 0;
    }
    long v = ((long)a * 10000 + b * 100 + c) * 1000 + rc;
    if (v < 208L * 1000 + 1) {
        fprintf(l->err,
                "*** Error: this version of Dynagen requires at least version "
                "0.2.8-RC1 of dynamips; server %s has version %s\n",
                l->conns[s].label, text);
        return -1;
    }
    return 0;
}

int lab_run(struct lab *l, const struct plan *p, int phase, int stop_on_error,
            int print_replies)
{
    int failed = 0;
    for (size_t i = 0; i < p->n; i++) {
        const struct plan_cmd *cmd = &p->v[i];
        if (phase >= 0 && (int)cmd->phase != phase) {
            continue;
        }
        if (l->stop && *l->stop) {
            fprintf(l->err, "*** Interrupted\n");
            return -1;
        }
        struct topo_dev *dev =
            cmd->dev >= 0 ? &l->topo.devs[cmd->dev] : NULL;
        if (cmd->kind == PK_START && dev && !dev->idlepc && !dev->firmware) {
            fprintf(l->err,
                    "*** Warning:  Starting %s with no idle-pc value\n",
                    dev->name);
        }
        struct hv_reply r;
        int rc = lab_cmd(l, cmd->server, cmd->line, &r);
        if (rc < 0) {
            hv_reply_free(&r);
            return -1;
        }
        if (rc == 0 && cmd->kind == PK_VERSION &&
            lab_check_version(l, cmd->server, hv_reply_text(&r)) < 0) {
            rc = 1;
        }
        if (rc == 0 && cmd->kind == PK_START && dev) {
            dev->state = ST_RUNNING;
            if (print_replies) {
                for (size_t k = 0; k < r.lines.n; k++) {
                    fprintf(l->out, "%s\n", r.lines.v[k]);
                }
            }
        }
        hv_reply_free(&r);
        if (rc > 0) {
            failed++;
            if (stop_on_error) {
                break;
            }
        }
    }
    return failed;
}

static int lab_has_phase(const struct plan *p, enum plan_phase ph)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i].phase == ph) {
            return 1;
        }
    }
    return 0;
}

int lab_load(struct lab *l, int ask_import, FILE *answers)
{
    if (lab_connect(l) < 0) {
        fprintf(l->err, "*** Error:  errors during loading of the topology "
                        "file, please correct them\n");
        return -1;
    }
    int rc = lab_run(l, &l->plan, PH_LOAD, 1, 0);
    if (rc != 0) {
        fprintf(l->err, "*** Error:  errors during loading of the topology "
                        "file, please correct them\n");
        return -1;
    }
    if (lab_has_phase(&l->plan, PH_IMPORT)) {
        int yes = !ask_import;
        if (ask_import) {
            fprintf(l->out, "There are saved configurations in your network "
                            "file. \nDo you wish to import them (Y/N)? ");
            fflush(l->out);
            char buf[64];
            if (answers && fgets(buf, sizeof(buf), answers)) {
                yes = buf[0] == 'y' || buf[0] == 'Y';
            }
        }
        if (yes && lab_run(l, &l->plan, PH_IMPORT, 0, 0) < 0) {
            return -1;
        }
    }
    if (lab_run(l, &l->plan, PH_POST, 0, 0) < 0) {
        return -1;
    }
    rc = lab_run(l, &l->plan, PH_START, 0, 1);
    if (rc < 0) {
        return -1;
    }
    return rc;
}

void lab_reset_all(struct lab *l)
{
    for (size_t i = 0; i < l->topo.nservers; i++) {
        struct hv_conn *c = &l->conns[i];
        if (c->fd < 0 && !c->nosend) {
            continue;
        }
        struct hv_reply r;
        char *why;
        if (hv_send(c, "hypervisor reset", &r, &why) < 0) {
            free(why);
        }
        hv_reply_free(&r);
    }
    for (size_t i = 0; i < l->topo.ndevs; i++) {
        l->topo.devs[i].state = ST_STOPPED;
    }
}

void lab_refresh_states(struct lab *l)
{
    int *skip = dg_calloc(l->topo.nservers + 1, sizeof(int));
    for (size_t i = 0; i < l->topo.ndevs; i++) {
        struct topo_dev *d = &l->topo.devs[i];
        struct hv_conn *c = &l->conns[d->server];
        if (d->kind != T_ROUTER || c->nosend || c->fd < 0 || skip[d->server]) {
            continue;
        }
        char *line = dg_printf("vm get_status %s", d->name);
        struct hv_reply r;
        char *why;
        int rc = hv_send(c, line, &r, &why);
        free(line);
        if (rc < 0) {
            free(why);
            skip[d->server] = 1;
        } else if (rc == 0) {
            switch (atoi(hv_reply_text(&r))) {
            case 2:
                d->state = ST_RUNNING;
                break;
            case 3:
                d->state = ST_SUSPENDED;
                break;
            default:
                d->state = ST_STOPPED;
                break;
            }
        } else if (r.code == 202) {
            skip[d->server] = 1; /* no get_status on that server */
        }
        hv_reply_free(&r);
    }
    free(skip);
}
