/*
 * Connections of a plan: links to routers, switches, LANs and host NIOs
 * with their UDP NIO pairs (dynagen.md §8, §10.3-§10.5), then FR/ATM
 * mappings and Ethernet switch ports (§9).
 */
#include <stdlib.h>
#include <string.h>

#include "dynagen/plan_internal.h"

/* NIO names are nio_<type><k>, a counter per type (§8.4; the original
 * spelled the VDE ones NIO_vde<k>, a name nothing depends on). */
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

/* The slot and port of the link's own interface; -1 with the error
 * reported. */
static int pc_local_if(struct pc *c, int dev, const struct nf_key *k,
                       int *slot, int *port)
{
    char *why;
    if (topo_resolve_if(c->t, dev, &k->ifn, c->p, slot, port, &why) < 0) {
        pc_link_error(c, dev, k, why);
        return -1;
    }
    return 0;
}

/* Neither end of the link is taken (lc, rc: their connections, or NULL);
 * else 0 with the error reported. */
static int pc_ports_free(struct pc *c, int dev, const struct nf_key *k,
                         const struct topo_conn *lc,
                         const struct topo_conn *rc)
{
    if (!lc && !rc) {
        return 1;
    }
    pc_link_error(c, dev, k,
                  dg_printf("%s already occupied by a different connection",
                            lc && rc ? "source and destination ports are"
                            : lc     ? "source port is"
                                     : "destination port is"));
    return 0;
}

/* The router's side of a link: NIO nio on its slot/port. */
static void pc_bind_nio(struct pc *c, int dev, int slot, int port,
                        const char *nio)
{
    const struct topo_dev *d = &c->t->devs[dev];
    plan_add(c->p, d->server, PK_PLAIN, dev,
             "vm slot_add_nio_binding %s %d %d %s", d->name, slot, port, nio);
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
    if (pc_local_if(c, dev, k, &ls, &lp) < 0) {
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
    if (!pc_ports_free(c, dev, k, lc, rc)) {
        return;
    }
    struct topo_dev *ld = &t->devs[dev];
    struct topo_dev *rd = &t->devs[peer];
    char *n1, *n2;
    pc_make_udp(c, ld->server, rd->server, k->line, &n1, &n2);
    pc_bind_nio(c, dev, ls, lp, n1);
    pc_bind_nio(c, peer, rs, rp, n2);
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
    if (pc_local_if(c, dev, k, &ls, &lp) < 0) {
        return;
    }
    struct topo_conn *lc = topo_conn_at(&t->devs[dev], ls, lp);
    struct topo_conn *rc = topo_conn_at(&t->devs[sw], -1, (int)port);
    if (lc && lc->peer_kind == PEER_DEV && lc->peer == sw &&
        lc->peer_port == port) {
        return;
    }
    if (!pc_ports_free(c, dev, k, lc, rc)) {
        return;
    }
    struct topo_dev *ld = &t->devs[dev];
    struct topo_dev *sd = &t->devs[sw];
    char *n1, *n2;
    pc_make_udp(c, ld->server, sd->server, k->line, &n1, &n2);
    pc_bind_nio(c, dev, ls, lp, n1);
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
    if (pc_local_if(c, dev, k, &ls, &lp) < 0 ||
        !pc_ports_free(c, dev, k, topo_conn_at(&t->devs[dev], ls, lp),
                       NULL)) {
        return;
    }
    int b = pc_bridge(c, k->dest.dev, t->devs[dev].server);
    struct topo_dev *ld = &t->devs[dev];
    char *n1, *n2;
    pc_make_udp(c, ld->server, t->bridges[b].server, k->line, &n1, &n2);
    pc_bind_nio(c, dev, ls, lp, n1);
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
    if (pc_local_if(c, dev, k, &ls, &lp) < 0 ||
        !pc_ports_free(c, dev, k, topo_conn_at(&t->devs[dev], ls, lp),
                       NULL)) {
        return;
    }
    struct topo_dev *ld = &t->devs[dev];
    char *nio = pc_manual_nio(c, ld->server, &k->dest.nio);
    pc_bind_nio(c, dev, ls, lp, nio);
    char *lname = pc_ifname(&k->ifn);
    pc_conn(ld, ls, lp, lname, nio, PEER_NIO, -1, -1, -1,
            pc_nio_text(&k->dest.nio), k->line);
    free(lname);
    free(nio);
}

void plan_link(struct pc *c, int dev, const struct nf_key *k)
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

void plan_switch_side_links(struct pc *c, int sw)
{
    const struct nf_section *sec = c->t->devs[sw].sec;
    for (size_t i = 0; i < sec->nkeys; i++) {
        const struct nf_key *k = &sec->keys[i];
        if (k->kind != NFK_ETHPORT || k->dest.kind != NF_DEST_DEV ||
            !k->dest.dev) {
            continue;
        }
        int r = topo_find_dev(c->t, k->dest.dev);
        if (r < 0 || c->t->devs[r].kind != T_ROUTER) {
            PC_ERR(c, k->line, "%s port %ld: %s is not a router of the lab",
                   c->t->devs[sw].name, k->p1, k->dest.dev);
            continue;
        }
        /* the link as the router would have written it */
        struct nf_key link = {0};
        char *port = dg_printf("%s %ld", c->t->devs[sw].name, k->p1);
        link.kind = NFK_LINK;
        link.key = k->dest.arg;
        link.value = port;
        link.line = k->line;
        link.ifn = k->ifn;
        link.dest.kind = NF_DEST_DEV;
        link.dest.dev = c->t->devs[sw].name;
        link.dest.arg = port + strlen(c->t->devs[sw].name) + 1;
        plan_link(c, r, &link);
        free(port);
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

void plan_mappings(struct pc *c, int sw)
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

void plan_ethports(struct pc *c, int sw)
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
