/*
 * Frame Relay switch (frsw.h; shared spec network.md §10).
 *
 * Each input NIO has a port record with a direct DLCI -> VC table and its
 * LMI sequence counter. Two locks: `lock` guards the tables and is taken
 * by the receive handler; `mgmt` serialises management commands, which
 * (un)register receive handlers while holding only `mgmt`, never `lock`
 * (the rule of spec §1.5).
 */
#include "net/frsw.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/dev_name.h"
#include "net/fr_lmi.h"
#include "net/nio.h"

#define FR_ADDR_LEN 2

struct frsw_vc {
    struct nio *out;
    unsigned out_dlci;
    uint64_t frames;
};

struct frsw_port {
    struct frsw *sw;
    struct nio *nio;
    int active;
    unsigned nvcs;
    uint8_t lmi_seq;
    struct frsw_vc *vc[FR_DLCI_MAX + 1];
    struct frsw_port *next;
};

struct frsw {
    char *name;
    struct logger *log;
    pthread_mutex_t lock, mgmt;
    unsigned lmi_types;
    struct frsw_port *ports;
    struct frsw_stats stats;
    uint8_t reply[FR_LMI_MAX_REPLY]; /* under lock */
};

static void answer_lmi(struct frsw *sw, struct frsw_port *port,
                       enum fr_lmi_type type, const uint8_t *frame,
                       size_t len)
{
    uint16_t dlcis[FR_DLCI_MAX + 1];
    size_t n = 0;
    for (unsigned d = 0; d <= FR_DLCI_MAX; d++) {
        if (port->vc[d]) {
            dlcis[n++] = (uint16_t)d;
        }
    }
    int r = fr_lmi_reply(type, frame, len, &port->lmi_seq, dlcis, n,
                         sw->reply, sizeof(sw->reply));
    if (r < 0) {
        sw->stats.dropped++;
        return;
    }
    sw->stats.lmi_replies++;
    nio_send(port->nio, sw->reply, (size_t)r);
}

static void frsw_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct frsw_port *port = arg;
    struct frsw *sw = port->sw;
    (void)nio;
    pthread_mutex_lock(&sw->lock);
    if (!port->active) {
        goto out;
    }
    sw->stats.frames++;
    if (len < FR_ADDR_LEN) {
        sw->stats.dropped++;
        goto out;
    }
    unsigned dlci = fr_dlci(frame);
    struct frsw_vc *vc = port->vc[dlci];
    if (dlci != FR_DLCI_LMI && vc) {
        fr_set_dlci(frame, vc->out_dlci);
        vc->frames++;
        sw->stats.switched++;
        nio_send(vc->out, frame, len);
        goto out;
    }
    enum fr_lmi_type type = fr_lmi_classify(frame, len);
    if ((type == FR_LMI_CISCO) != (dlci == FR_DLCI_CISCO_LMI) ||
        !(type & sw->lmi_types)) {
        type = FR_LMI_NONE;
    }
    if (type != FR_LMI_NONE) {
        answer_lmi(sw, port, type, frame, len);
    } else {
        sw->stats.dropped++; /* no VC, or not an enquiry on DLCI 0 */
    }
out:
    pthread_mutex_unlock(&sw->lock);
}

int frsw_create(struct frsw **out, struct logger *lg, const char *name)
{
    *out = NULL;
    if (!name || !*name) {
        return -EINVAL;
    }
    struct frsw *sw = calloc(1, sizeof(*sw));
    if (!sw || !(sw->name = strdup(name))) {
        free(sw);
        return -ENOMEM;
    }
    sw->log = lg;
    sw->lmi_types = FR_LMI_ALL;
    pthread_mutex_init(&sw->lock, NULL);
    pthread_mutex_init(&sw->mgmt, NULL);
    *out = sw;
    return 0;
}

static struct frsw_port *find_port(struct frsw *sw, const struct nio *nio)
{
    for (struct frsw_port *p = sw->ports; p; p = p->next) {
        if (p->nio == nio) {
            return p;
        }
    }
    return NULL;
}

/* Delete a VC (mgmt held); unregisters the port when it was the last. */
static void drop_vc(struct frsw *sw, struct frsw_port *port, unsigned dlci)
{
    pthread_mutex_lock(&sw->lock);
    struct frsw_vc *vc = port->vc[dlci];
    port->vc[dlci] = NULL;
    int last = --port->nvcs == 0;
    if (last) {
        port->active = 0;
    }
    pthread_mutex_unlock(&sw->lock);
    nio_release(vc->out);
    nio_release(port->nio);
    free(vc);
    if (!last) {
        return;
    }
    nio_clear_rx(port->nio);
    pthread_mutex_lock(&sw->lock);
    struct frsw_port **pp = &sw->ports;
    while (*pp != port) {
        pp = &(*pp)->next;
    }
    *pp = port->next;
    pthread_mutex_unlock(&sw->lock);
    free(port);
}

void frsw_destroy(struct frsw *sw)
{
    if (!sw) {
        return;
    }
    pthread_mutex_lock(&sw->mgmt);
    while (sw->ports) {
        struct frsw_port *p = sw->ports;
        /* The last drop_vc() frees p: count instead of looking at it. */
        unsigned left = p->nvcs;
        for (unsigned d = 0; left; d++) {
            if (p->vc[d]) {
                left--;
                drop_vc(sw, p, d);
            }
        }
    }
    pthread_mutex_unlock(&sw->mgmt);
    pthread_mutex_destroy(&sw->lock);
    pthread_mutex_destroy(&sw->mgmt);
    free(sw->name);
    free(sw);
}

const char *frsw_name(const struct frsw *sw)
{
    return sw->name;
}

int frsw_rename(struct frsw *sw, const char *name)
{
    return dev_name_set(&sw->lock, &sw->name, name);
}

static int dlci_ok(unsigned d)
{
    return d >= 1 && d <= FR_DLCI_MAX;
}

int frsw_create_vc(struct frsw *sw, struct nio *in, unsigned in_dlci,
                   struct nio *out, unsigned out_dlci)
{
    if (!in || !out || !dlci_ok(in_dlci) || !dlci_ok(out_dlci)) {
        log_msg(sw->log, "FRSW", "switch '%s': bad VC %u -> %u", sw->name,
                in_dlci, out_dlci);
        return -EINVAL;
    }
    struct frsw_vc *vc = calloc(1, sizeof(*vc));
    if (!vc) {
        return -ENOMEM;
    }
    vc->out = out;
    vc->out_dlci = out_dlci;

    pthread_mutex_lock(&sw->mgmt);
    struct frsw_port *port = find_port(sw, in);
    if (port && port->vc[in_dlci]) {
        pthread_mutex_unlock(&sw->mgmt);
        free(vc);
        log_msg(sw->log, "FRSW", "switch '%s': VC on %s DLCI %u exists",
                sw->name, nio_name(in), in_dlci);
        return -EEXIST;
    }
    if (!port) {
        port = calloc(1, sizeof(*port));
        if (!port) {
            pthread_mutex_unlock(&sw->mgmt);
            free(vc);
            return -ENOMEM;
        }
        port->sw = sw;
        port->nio = in;
        int rc = nio_set_rx(in, frsw_rx, port);
        if (rc < 0) {
            pthread_mutex_unlock(&sw->mgmt);
            free(port);
            free(vc);
            return rc;
        }
        pthread_mutex_lock(&sw->lock);
        port->next = sw->ports;
        sw->ports = port;
        pthread_mutex_unlock(&sw->lock);
    }
    nio_hold(in);
    nio_hold(out);
    pthread_mutex_lock(&sw->lock);
    port->vc[in_dlci] = vc;
    port->nvcs++;
    port->active = 1;
    pthread_mutex_unlock(&sw->lock);
    pthread_mutex_unlock(&sw->mgmt);
    return 0;
}

int frsw_delete_vc(struct frsw *sw, struct nio *in, unsigned in_dlci,
                   struct nio *out, unsigned out_dlci)
{
    pthread_mutex_lock(&sw->mgmt);
    struct frsw_port *port = find_port(sw, in);
    struct frsw_vc *vc =
        port && in_dlci <= FR_DLCI_MAX ? port->vc[in_dlci] : NULL;
    if (!vc || vc->out != out || vc->out_dlci != out_dlci) {
        pthread_mutex_unlock(&sw->mgmt);
        return -ENOENT;
    }
    drop_vc(sw, port, in_dlci);
    pthread_mutex_unlock(&sw->mgmt);
    return 0;
}

void frsw_foreach_vc(struct frsw *sw,
                     void (*fn)(void *arg, const struct frsw_vc_info *vc),
                     void *arg)
{
    pthread_mutex_lock(&sw->mgmt);
    for (struct frsw_port *p = sw->ports; p; p = p->next) {
        for (unsigned d = 0; d <= FR_DLCI_MAX; d++) {
            pthread_mutex_lock(&sw->lock);
            struct frsw_vc *vc = p->vc[d];
            struct frsw_vc_info info = {0};
            if (vc) {
                info = (struct frsw_vc_info){p->nio, d, vc->out,
                                             vc->out_dlci, vc->frames};
            }
            pthread_mutex_unlock(&sw->lock);
            if (vc) {
                fn(arg, &info);
            }
        }
    }
    pthread_mutex_unlock(&sw->mgmt);
}

void frsw_set_lmi_types(struct frsw *sw, unsigned mask)
{
    pthread_mutex_lock(&sw->lock);
    sw->lmi_types = mask & FR_LMI_ALL;
    pthread_mutex_unlock(&sw->lock);
}

void frsw_get_stats(struct frsw *sw, struct frsw_stats *st)
{
    pthread_mutex_lock(&sw->lock);
    *st = sw->stats;
    pthread_mutex_unlock(&sw->lock);
}
