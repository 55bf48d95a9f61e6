/*
 * ATM switch (atmsw.h; shared spec network.md §11.2).
 *
 * Per input NIO: a direct VPI table of VP connections and a hash of VC
 * connections keyed by (VPI, VCI). Locks as in the Frame Relay switch:
 * `lock` for the tables (taken by the receive handler), `mgmt` for
 * management, which (un)registers receivers without holding `lock`.
 */
#include "net/atmsw.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/atm.h"
#include "net/dev_name.h"
#include "net/nio.h"

#define VC_BUCKETS 1024 /* spec §4 */

struct atmsw_conn {
    unsigned in_vpi, in_vci;
    struct nio *out;
    unsigned out_vpi, out_vci;
    uint64_t cells;
    struct atmsw_conn *next; /* VC hash chain */
};

struct atmsw_port {
    struct atmsw *sw;
    struct nio *nio;
    int active;
    unsigned nconns;
    struct atmsw_conn *vp[ATM_VPI_MAX + 1];
    struct atmsw_conn *vc[VC_BUCKETS];
    struct atmsw_port *next;
};

struct atmsw {
    char *name;
    struct logger *log;
    pthread_mutex_t lock, mgmt;
    struct atmsw_port *ports;
    struct atmsw_stats stats;
};

static unsigned vc_hash(unsigned vpi, unsigned vci)
{
    return ((vpi << 6) ^ vci ^ (vci >> 10)) & (VC_BUCKETS - 1);
}

static struct atmsw_conn **vc_slot(struct atmsw_port *p, unsigned vpi,
                                   unsigned vci)
{
    struct atmsw_conn **pp = &p->vc[vc_hash(vpi, vci)];
    while (*pp && ((*pp)->in_vpi != vpi || (*pp)->in_vci != vci)) {
        pp = &(*pp)->next;
    }
    return pp;
}

static void atmsw_rx(struct nio *nio, uint8_t *cell, size_t len, void *arg)
{
    struct atmsw_port *port = arg;
    struct atmsw *sw = port->sw;
    (void)nio;
    pthread_mutex_lock(&sw->lock);
    if (!port->active) {
        goto out;
    }
    sw->stats.cells++;
    if (len != ATM_CELL_SIZE) {
        sw->stats.dropped++;
        goto out;
    }
    uint32_t w = atm_hdr_word(cell);
    unsigned vpi = atm_vpi(w), vci = atm_vci(w);
    struct atmsw_conn *c = port->vp[vpi];
    if (c) {
        w = (w & 0x000FFFFFu) | (uint32_t)c->out_vpi << 20;
    } else if ((c = *vc_slot(port, vpi, vci)) != NULL) {
        w = (w & 0xFu) | atm_make_hdr(c->out_vpi, c->out_vci);
    } else {
        sw->stats.dropped++;
        goto out;
    }
    atm_put_hdr(cell, w);
    c->cells++;
    sw->stats.switched++;
    nio_send(c->out, cell, len);
out:
    pthread_mutex_unlock(&sw->lock);
}

int atmsw_create(struct atmsw **out, struct logger *lg, const char *name)
{
    *out = NULL;
    if (!name || !*name) {
        return -EINVAL;
    }
    struct atmsw *sw = calloc(1, sizeof(*sw));
    if (!sw || !(sw->name = strdup(name))) {
        free(sw);
        return -ENOMEM;
    }
    sw->log = lg;
    pthread_mutex_init(&sw->lock, NULL);
    pthread_mutex_init(&sw->mgmt, NULL);
    *out = sw;
    return 0;
}

const char *atmsw_name(const struct atmsw *sw)
{
    return sw->name;
}

int atmsw_rename(struct atmsw *sw, const char *name)
{
    return dev_name_set(&sw->lock, &sw->name, name);
}

static struct atmsw_port *find_port(struct atmsw *sw, const struct nio *nio)
{
    for (struct atmsw_port *p = sw->ports; p; p = p->next) {
        if (p->nio == nio) {
            return p;
        }
    }
    return NULL;
}

/* The port of input NIO in, registering it if new (mgmt held). */
static int get_port(struct atmsw *sw, struct nio *in, struct atmsw_port **out)
{
    struct atmsw_port *port = find_port(sw, in);
    if (port) {
        *out = port;
        return 0;
    }
    port = calloc(1, sizeof(*port));
    if (!port) {
        return -ENOMEM;
    }
    port->sw = sw;
    port->nio = in;
    int rc = nio_set_rx(in, atmsw_rx, port);
    if (rc < 0) {
        free(port);
        return rc;
    }
    pthread_mutex_lock(&sw->lock);
    port->next = sw->ports;
    sw->ports = port;
    pthread_mutex_unlock(&sw->lock);
    *out = port;
    return 0;
}

/* After a connection left the port (mgmt held, lock not held). */
static void conn_gone(struct atmsw *sw, struct atmsw_port *port,
                      struct atmsw_conn *c, int last)
{
    nio_release(c->out);
    nio_release(port->nio);
    free(c);
    if (!last) {
        return;
    }
    nio_clear_rx(port->nio);
    pthread_mutex_lock(&sw->lock);
    struct atmsw_port **pp = &sw->ports;
    while (*pp != port) {
        pp = &(*pp)->next;
    }
    *pp = port->next;
    pthread_mutex_unlock(&sw->lock);
    free(port);
}

static int create_conn(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                       unsigned in_vci, struct nio *out, unsigned out_vpi,
                       unsigned out_vci, int is_vcc)
{
    if (!in || !out || in_vpi > ATM_VPI_MAX || out_vpi > ATM_VPI_MAX ||
        in_vci > ATM_VCI_MAX || out_vci > ATM_VCI_MAX) {
        log_msg(sw->log, "ATMSW", "switch '%s': bad connection values",
                sw->name);
        return -EINVAL;
    }
    struct atmsw_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        return -ENOMEM;
    }
    *c = (struct atmsw_conn){in_vpi, in_vci, out, out_vpi, out_vci, 0, NULL};
    pthread_mutex_lock(&sw->mgmt);
    struct atmsw_port *port = find_port(sw, in);
    int exists = 0;
    if (port) {
        exists = port->vp[in_vpi] != NULL ||
                 (is_vcc && *vc_slot(port, in_vpi, in_vci) != NULL);
    }
    int rc = exists ? -EEXIST : get_port(sw, in, &port);
    if (rc < 0) {
        pthread_mutex_unlock(&sw->mgmt);
        free(c);
        return rc;
    }
    nio_hold(in);
    nio_hold(out);
    pthread_mutex_lock(&sw->lock);
    if (is_vcc) {
        *vc_slot(port, in_vpi, in_vci) = c;
    } else {
        port->vp[in_vpi] = c; /* shadows VCCs on that VPI (§11.2) */
    }
    port->nconns++;
    port->active = 1;
    pthread_mutex_unlock(&sw->lock);
    pthread_mutex_unlock(&sw->mgmt);
    return 0;
}

static int delete_conn(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                       unsigned in_vci, struct nio *out, unsigned out_vpi,
                       unsigned out_vci, int is_vcc)
{
    if (in_vpi > ATM_VPI_MAX || in_vci > ATM_VCI_MAX) {
        return -ENOENT;
    }
    pthread_mutex_lock(&sw->mgmt);
    struct atmsw_port *port = find_port(sw, in);
    struct atmsw_conn **pp = NULL;
    if (port) {
        pp = is_vcc ? vc_slot(port, in_vpi, in_vci) : &port->vp[in_vpi];
    }
    struct atmsw_conn *c = pp ? *pp : NULL;
    if (!c || c->out != out || c->out_vpi != out_vpi ||
        (is_vcc && c->out_vci != out_vci)) {
        pthread_mutex_unlock(&sw->mgmt);
        return -ENOENT;
    }
    pthread_mutex_lock(&sw->lock);
    *pp = c->next;
    int last = --port->nconns == 0;
    if (last) {
        port->active = 0;
    }
    pthread_mutex_unlock(&sw->lock);
    conn_gone(sw, port, c, last);
    pthread_mutex_unlock(&sw->mgmt);
    return 0;
}

int atmsw_create_vpc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     struct nio *out, unsigned out_vpi)
{
    return create_conn(sw, in, in_vpi, 0, out, out_vpi, 0, 0);
}

int atmsw_delete_vpc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     struct nio *out, unsigned out_vpi)
{
    return delete_conn(sw, in, in_vpi, 0, out, out_vpi, 0, 0);
}

int atmsw_create_vcc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     unsigned in_vci, struct nio *out, unsigned out_vpi,
                     unsigned out_vci)
{
    return create_conn(sw, in, in_vpi, in_vci, out, out_vpi, out_vci, 1);
}

int atmsw_delete_vcc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     unsigned in_vci, struct nio *out, unsigned out_vpi,
                     unsigned out_vci)
{
    return delete_conn(sw, in, in_vpi, in_vci, out, out_vpi, out_vci, 1);
}

void atmsw_foreach_conn(struct atmsw *sw,
                        void (*fn)(void *arg,
                                   const struct atmsw_conn_info *c),
                        void *arg)
{
    pthread_mutex_lock(&sw->mgmt);
    for (struct atmsw_port *p = sw->ports; p; p = p->next) {
        for (int kind = 0; kind < 2; kind++) {
            size_t n = kind ? VC_BUCKETS : ATM_VPI_MAX + 1;
            for (size_t i = 0; i < n; i++) {
                struct atmsw_conn *c = kind ? p->vc[i] : p->vp[i];
                for (; c; c = c->next) {
                    pthread_mutex_lock(&sw->lock);
                    struct atmsw_conn_info info = {
                        p->nio,     c->in_vpi,  c->in_vci, c->out,
                        c->out_vpi, c->out_vci, kind,      c->cells};
                    pthread_mutex_unlock(&sw->lock);
                    fn(arg, &info);
                }
            }
        }
    }
    pthread_mutex_unlock(&sw->mgmt);
}

void atmsw_destroy(struct atmsw *sw)
{
    if (!sw) {
        return;
    }
    struct atmsw_conn_info *all = NULL;
    size_t n = 0, cap = 0;
    pthread_mutex_lock(&sw->mgmt);
    for (struct atmsw_port *p = sw->ports; p; p = p->next) {
        cap += p->nconns;
    }
    all = cap ? calloc(cap, sizeof(*all)) : NULL;
    for (struct atmsw_port *p = sw->ports; p && all; p = p->next) {
        for (size_t i = 0; i <= ATM_VPI_MAX; i++) {
            if (p->vp[i]) {
                struct atmsw_conn *c = p->vp[i];
                all[n++] = (struct atmsw_conn_info){
                    p->nio, c->in_vpi, 0, c->out, c->out_vpi, 0, 0, 0};
            }
        }
        for (size_t i = 0; i < VC_BUCKETS; i++) {
            for (struct atmsw_conn *c = p->vc[i]; c; c = c->next) {
                all[n++] = (struct atmsw_conn_info){
                    p->nio,     c->in_vpi,  c->in_vci, c->out,
                    c->out_vpi, c->out_vci, 1,         0};
            }
        }
    }
    pthread_mutex_unlock(&sw->mgmt);
    for (size_t i = 0; i < n; i++) {
        struct atmsw_conn_info *c = &all[i];
        delete_conn(sw, c->in, c->in_vpi, c->in_vci, c->out, c->out_vpi,
                    c->out_vci, c->is_vcc);
    }
    free(all);
    pthread_mutex_destroy(&sw->lock);
    pthread_mutex_destroy(&sw->mgmt);
    free(sw->name);
    free(sw);
}

void atmsw_get_stats(struct atmsw *sw, struct atmsw_stats *st)
{
    pthread_mutex_lock(&sw->lock);
    *st = sw->stats;
    pthread_mutex_unlock(&sw->lock);
}
