/*
 * Ethernet switch: ingress classification, per-VLAN learning, egress
 * rules for access / dot1q / qinq ports (shared spec network.md §9; what
 * differs from the reference is listed in ethsw.h).
 *
 * Zero-copy forwarding: a received frame has two forms, the one it
 * arrived in and the other one (tag pushed or stripped), which is made in
 * place in the NIO receive buffer (NIO_RX_HEADROOM gives room to push).
 * All ports that want the arrival form are served first, then the frame
 * is transformed once and the remaining ports are served.
 */
#include "net/ethsw.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "net/dev_name.h"
#include "net/nio.h"

#define ETH_HDR_LEN 14
#define ETH_TAGGED_MIN 18 /* addresses, tag, type: spec §13 */
#define VLAN_TAG_LEN 4
#define VLAN_MAX 4095
#define TPID_8021Q 0x8100

#define MAC_WAYS 4
#define MAC_SETS (ETHSW_MAC_ENTRIES / MAC_WAYS)

struct mac_entry {
    uint8_t mac[6];
    uint16_t vlan;
    uint8_t port;
    uint8_t valid;
    uint32_t seen; /* monotonic seconds */
};

struct ethsw;

struct ethsw_port {
    struct ethsw *sw;
    struct nio *nio; /* NULL: free slot */
    int active;      /* receiving and a forwarding target */
    uint8_t index;
    enum ethsw_port_mode mode;
    unsigned vlan;
    unsigned tpid;
};

struct ethsw {
    char *name;
    struct logger *log;
    pthread_mutex_t lock;
    unsigned aging;
    struct ethsw_port ports[ETHSW_MAX_PORTS];
    struct mac_entry macs[MAC_SETS][MAC_WAYS];
    struct ethsw_stats stats;
};

/* What an output port gets. */
enum egress { EG_NONE, EG_UNTAGGED, EG_TAGGED };

static uint32_t now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (uint32_t)ts.tv_sec;
}

static int is_tag_tpid(unsigned t)
{
    /* The TPIDs the reference recognises on ingress (spec §9.2). */
    return t == 0x8100 || t == 0x9100 || t == 0x9200 || t == 0x88A8;
}

/* ------------------------------------------------------------ MAC table */

static unsigned mac_set(const uint8_t *mac, unsigned vlan)
{
    uint32_t h = ((uint32_t)mac[0] << 8 | mac[1]) ^
                 ((uint32_t)mac[2] << 8 | mac[3]) ^
                 ((uint32_t)mac[4] << 8 | mac[5]) ^ vlan;
    h ^= (uint32_t)mac[5] << 16 | (uint32_t)mac[3] << 24;
    return (h * 2654435761u) >> 22; /* top 10 bits: MAC_SETS = 1024 */
}

static int mac_live(const struct ethsw *sw, const struct mac_entry *e,
                    uint32_t now)
{
    return e->valid && (!sw->aging || now - e->seen <= sw->aging);
}

static void mac_learn(struct ethsw *sw, const uint8_t *mac, unsigned vlan,
                      uint8_t port, uint32_t now)
{
    struct mac_entry *set = sw->macs[mac_set(mac, vlan)];
    struct mac_entry *victim = NULL;
    for (int i = 0; i < MAC_WAYS; i++) {
        struct mac_entry *e = &set[i];
        if (e->valid && e->vlan == vlan && !memcmp(e->mac, mac, 6)) {
            e->port = port;
            e->seen = now;
            return;
        }
    }
    /* A free or aged-out way, else the least recently seen one. */
    for (int i = 0; i < MAC_WAYS && !victim; i++) {
        if (!mac_live(sw, &set[i], now)) {
            victim = &set[i];
        }
    }
    if (!victim) {
        victim = &set[0];
        for (int i = 1; i < MAC_WAYS; i++) {
            if (set[i].seen < victim->seen) {
                victim = &set[i];
            }
        }
    }
    memcpy(victim->mac, mac, 6);
    victim->vlan = (uint16_t)vlan;
    victim->port = port;
    victim->seen = now;
    victim->valid = 1;
}

/* The port for (mac, vlan), or -1. */
static int mac_lookup(struct ethsw *sw, const uint8_t *mac, unsigned vlan,
                      uint32_t now)
{
    struct mac_entry *set = sw->macs[mac_set(mac, vlan)];
    for (int i = 0; i < MAC_WAYS; i++) {
        struct mac_entry *e = &set[i];
        if (e->valid && e->vlan == vlan && !memcmp(e->mac, mac, 6)) {
            if (!mac_live(sw, e, now)) {
                e->valid = 0;
                return -1;
            }
            return e->port;
        }
    }
    return -1;
}

static void mac_flush_port(struct ethsw *sw, uint8_t port)
{
    for (int s = 0; s < MAC_SETS; s++) {
        for (int w = 0; w < MAC_WAYS; w++) {
            if (sw->macs[s][w].port == port) {
                sw->macs[s][w].valid = 0;
            }
        }
    }
}

/* ------------------------------------------------------------ switching */

static enum egress egress_rule(const struct ethsw_port *p, unsigned vlan,
                               int from_qinq)
{
    switch (p->mode) {
    case ETHSW_ACCESS:
    case ETHSW_QINQ:
        return p->vlan == vlan ? EG_UNTAGGED : EG_NONE;
    case ETHSW_DOT1Q:
        /* From a qinq port the outer tag is always pushed (spec §9.4). */
        if (from_qinq) {
            return EG_TAGGED;
        }
        return p->vlan == vlan ? EG_UNTAGGED : EG_TAGGED;
    }
    return EG_NONE;
}

static void ethsw_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct ethsw_port *in = arg;
    struct ethsw *sw = in->sw;
    (void)nio;

    pthread_mutex_lock(&sw->lock);
    if (!in->active) {
        goto out;
    }
    sw->stats.frames++;
    if (len < ETHSW_MIN_FRAME) {
        goto drop;
    }

    /* Ingress classification (spec §9.2). */
    unsigned vlan = in->vlan, push_tpid = TPID_8021Q;
    int tagged_in = 0, from_qinq = 0;
    unsigned type = (unsigned)frame[12] << 8 | frame[13];
    if (in->mode == ETHSW_DOT1Q && is_tag_tpid(type)) {
        if (len < ETH_TAGGED_MIN) {
            goto drop;
        }
        vlan = ((unsigned)frame[14] << 8 | frame[15]) & 0xFFF;
        tagged_in = 1;
    } else if (in->mode == ETHSW_QINQ) {
        push_tpid = in->tpid;
        from_qinq = 1;
    }
    if (vlan == 0) {
        goto drop;
    }

    uint32_t now = now_s();
    const uint8_t *dst = frame, *src = frame + 6;
    if (!(src[0] & 1)) {
        mac_learn(sw, src, vlan, in->index, now);
    }

    /* Output ports, split by the form they want. */
    struct ethsw_port *same[ETHSW_MAX_PORTS], *other[ETHSW_MAX_PORTS];
    size_t nsame = 0, nother = 0;
    enum egress arrival = tagged_in ? EG_TAGGED : EG_UNTAGGED;
    int target = (dst[0] & 1) ? -1 : mac_lookup(sw, dst, vlan, now);
    if (target == in->index) {
        goto drop; /* both ends on the input port */
    }
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        struct ethsw_port *p = &sw->ports[i];
        if (!p->active || p == in || (target >= 0 && i != target)) {
            continue;
        }
        enum egress eg = egress_rule(p, vlan, from_qinq);
        if (eg == arrival) {
            same[nsame++] = p;
        } else if (eg != EG_NONE) {
            other[nother++] = p;
        }
    }
    if (target >= 0) {
        sw->stats.forwarded++;
    } else {
        sw->stats.flooded++;
    }

    for (size_t i = 0; i < nsame; i++) {
        nio_send(same[i]->nio, frame, len);
    }
    if (!nother) {
        goto out;
    }
    if (tagged_in) {
        /* Strip the outermost tag: move the addresses over it. */
        memmove(frame + VLAN_TAG_LEN, frame, 12);
        frame += VLAN_TAG_LEN;
        len -= VLAN_TAG_LEN;
    } else {
        /* Push a tag: addresses move into the headroom (NIO_RX_HEADROOM). */
        memmove(frame - VLAN_TAG_LEN, frame, 12);
        frame -= VLAN_TAG_LEN;
        len += VLAN_TAG_LEN;
        frame[12] = (uint8_t)(push_tpid >> 8);
        frame[13] = (uint8_t)push_tpid;
        frame[14] = (uint8_t)(vlan >> 8); /* PCP 0, DEI 0 */
        frame[15] = (uint8_t)vlan;
    }
    for (size_t i = 0; i < nother; i++) {
        nio_send(other[i]->nio, frame, len);
    }
    goto out;
drop:
    sw->stats.dropped++;
out:
    pthread_mutex_unlock(&sw->lock);
}

/* ------------------------------------------------------------ management */

int ethsw_create(struct ethsw **out, struct logger *lg, const char *name)
{
    *out = NULL;
    if (!name || !*name) {
        return -EINVAL;
    }
    struct ethsw *sw = calloc(1, sizeof(*sw));
    if (!sw || !(sw->name = strdup(name))) {
        free(sw);
        return -ENOMEM;
    }
    sw->log = lg;
    sw->aging = ETHSW_DEFAULT_AGING;
    pthread_mutex_init(&sw->lock, NULL);
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        sw->ports[i].sw = sw;
        sw->ports[i].index = (uint8_t)i;
    }
    *out = sw;
    return 0;
}

void ethsw_destroy(struct ethsw *sw)
{
    if (!sw) {
        return;
    }
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        if (sw->ports[i].nio) {
            ethsw_remove_nio(sw, sw->ports[i].nio);
        }
    }
    pthread_mutex_destroy(&sw->lock);
    free(sw->name);
    free(sw);
}

const char *ethsw_name(const struct ethsw *sw)
{
    return sw->name;
}

int ethsw_rename(struct ethsw *sw, const char *name)
{
    return dev_name_set(&sw->lock, &sw->name, name);
}

static struct ethsw_port *find_port(struct ethsw *sw, const struct nio *nio)
{
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        if (nio && sw->ports[i].nio == nio) {
            return &sw->ports[i];
        }
    }
    return NULL;
}

int ethsw_add_nio(struct ethsw *sw, struct nio *nio)
{
    if (!nio) {
        return -EINVAL;
    }
    pthread_mutex_lock(&sw->lock);
    if (find_port(sw, nio)) {
        pthread_mutex_unlock(&sw->lock);
        return -EEXIST;
    }
    struct ethsw_port *p = NULL;
    for (int i = 0; i < ETHSW_MAX_PORTS && !p; i++) {
        if (!sw->ports[i].nio) {
            p = &sw->ports[i];
        }
    }
    if (!p) {
        pthread_mutex_unlock(&sw->lock);
        log_msg(sw->log, "ETHSW", "switch '%s': all %d ports in use",
                sw->name, ETHSW_MAX_PORTS);
        return -ENOSPC;
    }
    /* Reserve the slot; the handler ignores it until active. */
    p->nio = nio;
    p->active = 0;
    p->mode = ETHSW_ACCESS;
    p->vlan = 1;
    p->tpid = TPID_8021Q;
    pthread_mutex_unlock(&sw->lock);

    int rc = nio_set_rx(nio, ethsw_rx, p);
    pthread_mutex_lock(&sw->lock);
    if (rc < 0) {
        p->nio = NULL;
    } else {
        mac_flush_port(sw, p->index);
        p->active = 1;
        nio_hold(nio);
    }
    pthread_mutex_unlock(&sw->lock);
    return rc;
}

int ethsw_remove_nio(struct ethsw *sw, struct nio *nio)
{
    pthread_mutex_lock(&sw->lock);
    struct ethsw_port *p = find_port(sw, nio);
    if (!p || !p->active) {
        pthread_mutex_unlock(&sw->lock);
        return -ENOENT;
    }
    p->active = 0;
    mac_flush_port(sw, p->index);
    pthread_mutex_unlock(&sw->lock);

    nio_clear_rx(nio);
    pthread_mutex_lock(&sw->lock);
    p->nio = NULL;
    pthread_mutex_unlock(&sw->lock);
    nio_release(nio);
    return 0;
}

static int set_port(struct ethsw *sw, struct nio *nio,
                    enum ethsw_port_mode mode, unsigned vlan, unsigned tpid)
{
    if (vlan > VLAN_MAX) {
        return -EINVAL;
    }
    pthread_mutex_lock(&sw->lock);
    struct ethsw_port *p = find_port(sw, nio);
    if (!p || !p->active) {
        pthread_mutex_unlock(&sw->lock);
        return -ENOENT;
    }
    p->mode = mode;
    p->vlan = vlan;
    p->tpid = tpid;
    mac_flush_port(sw, p->index);
    pthread_mutex_unlock(&sw->lock);
    return 0;
}

int ethsw_set_access_port(struct ethsw *sw, struct nio *nio, unsigned vlan)
{
    return set_port(sw, nio, ETHSW_ACCESS, vlan, TPID_8021Q);
}

int ethsw_set_dot1q_port(struct ethsw *sw, struct nio *nio, unsigned native)
{
    return set_port(sw, nio, ETHSW_DOT1Q, native, TPID_8021Q);
}

int ethsw_set_qinq_port(struct ethsw *sw, struct nio *nio, unsigned outer,
                        unsigned tpid)
{
    if (tpid == 0) {
        tpid = TPID_8021Q;
    }
    if (!is_tag_tpid(tpid)) {
        log_msg(sw->log, "ETHSW", "switch '%s': unsupported TPID 0x%x",
                sw->name, tpid);
        return -EINVAL;
    }
    return set_port(sw, nio, ETHSW_QINQ, outer, tpid);
}

unsigned ethsw_parse_tpid(const char *s)
{
    if (!s || strncmp(s, "0x", 2) != 0 || !s[2]) {
        return TPID_8021Q;
    }
    char *end;
    unsigned long v = strtoul(s + 2, &end, 16);
    if (*end || v > 0xFFFF) {
        return 0xFFFFFFFFu; /* rejected by ethsw_set_qinq_port */
    }
    return (unsigned)v;
}

void ethsw_foreach_port(struct ethsw *sw,
                        void (*fn)(void *arg,
                                   const struct ethsw_port_info *port),
                        void *arg)
{
    struct ethsw_port_info info[ETHSW_MAX_PORTS];
    size_t n = 0;
    pthread_mutex_lock(&sw->lock);
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        struct ethsw_port *p = &sw->ports[i];
        if (p->active) {
            info[n++] = (struct ethsw_port_info){p->nio, p->mode, p->vlan,
                                                 p->tpid};
        }
    }
    pthread_mutex_unlock(&sw->lock);
    for (size_t i = 0; i < n; i++) {
        fn(arg, &info[i]);
    }
}

void ethsw_set_aging(struct ethsw *sw, unsigned seconds)
{
    pthread_mutex_lock(&sw->lock);
    sw->aging = seconds;
    pthread_mutex_unlock(&sw->lock);
}

void ethsw_clear_mac_table(struct ethsw *sw)
{
    pthread_mutex_lock(&sw->lock);
    memset(sw->macs, 0, sizeof(sw->macs));
    pthread_mutex_unlock(&sw->lock);
}

void ethsw_show_mac_table(struct ethsw *sw,
                          void (*fn)(void *arg, const char *line), void *arg)
{
    uint32_t now = now_s();
    pthread_mutex_lock(&sw->lock);
    for (int s = 0; s < MAC_SETS; s++) {
        for (int w = 0; w < MAC_WAYS; w++) {
            const struct mac_entry *e = &sw->macs[s][w];
            const struct ethsw_port *p = &sw->ports[e->port];
            if (!mac_live(sw, e, now) || !p->active) {
                continue;
            }
            char line[160];
            const uint8_t *m = e->mac;
            snprintf(line, sizeof(line),
                     "%02x%02x.%02x%02x.%02x%02x  %u  %s", m[0], m[1], m[2],
                     m[3], m[4], m[5], e->vlan, nio_name(p->nio));
            fn(arg, line);
        }
    }
    pthread_mutex_unlock(&sw->lock);
}

size_t ethsw_mac_count(struct ethsw *sw)
{
    uint32_t now = now_s();
    size_t n = 0;
    pthread_mutex_lock(&sw->lock);
    for (int s = 0; s < MAC_SETS; s++) {
        for (int w = 0; w < MAC_WAYS; w++) {
            n += mac_live(sw, &sw->macs[s][w], now) ? 1 : 0;
        }
    }
    pthread_mutex_unlock(&sw->lock);
    return n;
}

void ethsw_get_stats(struct ethsw *sw, struct ethsw_stats *st)
{
    pthread_mutex_lock(&sw->lock);
    *st = sw->stats;
    pthread_mutex_unlock(&sw->lock);
}
