/*
 * config.c - the running configuration: global settings, static routes,
 * line settings, and its text form as IOS writes it (show running-config,
 * write memory).
 */
#include "fw.h"

struct config cfg;

void config_init(void)
{
    memset(&cfg, 0, sizeof(cfg));
    fw_strlcpy(cfg.hostname, "Router", sizeof(cfg.hostname));
    cfg.domain_lookup = 1;
    cfg.ip_routing = 1;
    cfg.con.login = cfg.aux.login = cfg.vty.login = -1;
}

/* ----------------------------------------------------------- routes */

static int route_cmp(const struct static_route *a,
                     const struct static_route *b)
{
    if (a->prefix != b->prefix)
        return a->prefix < b->prefix ? -1 : 1;
    if (a->mask != b->mask)
        return a->mask < b->mask ? -1 : 1;
    if (a->gateway != b->gateway)
        return a->gateway < b->gateway ? -1 : 1;
    return 0;
}

int route_add(uint32_t prefix, uint32_t mask, uint32_t gw, struct iface *oif,
              int distance)
{
    struct static_route **pp = &cfg.routes;
    for (struct static_route *r = cfg.routes; r; r = r->next) {
        if (r->prefix == prefix && r->mask == mask && r->gateway == gw &&
            r->oif == oif) {
            r->distance = (uint8_t)distance; /* same route: update */
            return 0;
        }
    }
    struct static_route *n = fw_alloc(sizeof(*n));
    n->prefix = prefix;
    n->mask = mask;
    n->gateway = gw;
    n->oif = oif;
    n->distance = (uint8_t)distance;
    while (*pp && route_cmp(*pp, n) <= 0)
        pp = &(*pp)->next;
    n->next = *pp;
    *pp = n;
    return 0;
}

/* Removes matching routes; match_any: every route to prefix/mask. */
int route_del(uint32_t prefix, uint32_t mask, uint32_t gw, struct iface *oif,
              int match_any)
{
    int n = 0;
    for (struct static_route **pp = &cfg.routes; *pp;) {
        struct static_route *r = *pp;
        if (r->prefix == prefix && r->mask == mask &&
            (match_any || (r->gateway == gw && r->oif == oif))) {
            *pp = r->next;
            n++;
        } else {
            pp = &r->next;
        }
    }
    return n;
}

/* ----------------------------------------------------------- render */

static void render_line(struct sbuf *b, const char *name,
                        const struct line_cfg *l, int is_vty)
{
    sb_printf(b, "line %s\n", name);
    if (l->exec_timeout_set)
        sb_printf(b, " exec-timeout %d %d\n", l->exec_timeout_min,
                  l->exec_timeout_sec);
    if (l->privilege)
        sb_printf(b, " privilege level %d\n", l->privilege);
    if (l->password[0])
        sb_printf(b, " password %s\n", l->password);
    if (l->logging_sync)
        sb_puts(b, " logging synchronous\n");
    if (l->login == 1 || (is_vty && l->login == -1))
        sb_puts(b, " login\n");
    else if (l->login == 0 && is_vty)
        sb_puts(b, " no login\n");
}

static void render_iface(struct sbuf *b, const struct iface *i)
{
    char a[16], m[16];
    if (i->parent && i->type == IFT_SERIAL)
        sb_printf(b, "interface %s %s\n", i->name,
                  i->p2p ? "point-to-point" : "multipoint");
    else
        sb_printf(b, "interface %s\n", i->name);
    if (i->vlan)
        sb_printf(b, " encapsulation dot1Q %u\n", i->vlan);
    if (i->desc)
        sb_printf(b, " description %s\n", i->desc);
    if (i->bandwidth)
        sb_printf(b, " bandwidth %u\n", i->bandwidth);
    if (i->ip)
        sb_printf(b, " ip address %s %s\n", ip_str(i->ip, a),
                  ip_str(i->mask, m));
    else
        sb_puts(b, " no ip address\n");
    if (i->type == IFT_SERIAL && !i->parent) {
        if (i->encap == ENC_PPP)
            sb_puts(b, " encapsulation ppp\n");
        else if (i->encap == ENC_FR)
            sb_puts(b, " encapsulation frame-relay\n");
    }
    if (i->parent)
        ; /* keepalives belong to the main interface */
    else if (i->keepalive == 0)
        sb_puts(b, " no keepalive\n");
    else if (i->keepalive != 10)
        sb_printf(b, " keepalive %d\n", i->keepalive);
    for (int k = 0; k < i->fr_nmaps; k++)
        sb_printf(b, " frame-relay map ip %s %u%s\n",
                  ip_str(i->fr_maps[k].ip, a), i->fr_maps[k].dlci,
                  i->fr_maps[k].broadcast ? " broadcast" : "");
    if (i->shutdown)
        sb_puts(b, " shutdown\n");
    if (i->duplex)
        sb_printf(b, " duplex %s\n", i->duplex == 1   ? "half"
                                     : i->duplex == 2 ? "full"
                                                      : "auto");
    if (i->speed)
        sb_printf(b, " speed %s\n", i->speed == 10    ? "10"
                                    : i->speed == 100 ? "100"
                                                      : "auto");
    if (i->clock_rate)
        sb_printf(b, " clock rate %u\n", i->clock_rate);
    for (int k = 0; k < i->fr_ndlci; k++)
        sb_printf(b, " frame-relay interface-dlci %u\n", i->fr_dlci[k]);
    if (i->fr_lmi_set)
        sb_printf(b, " frame-relay lmi-type %s\n",
                  i->fr_lmi == 1   ? "ansi"
                  : i->fr_lmi == 2 ? "q933a"
                                   : "cisco");
    sb_puts(b, "!\n");
}

size_t config_render(char *buf, size_t size)
{
    struct sbuf b;
    char a[16], m[16], g[16];

    sb_init(&b, buf, size);
    sb_puts(&b, "!\n");
    for (int k = 0; k < cfg.nservice; k++)
        sb_printf(&b, "%s\n", cfg.service_lines[k]);
    if (cfg.nservice)
        sb_puts(&b, "!\n");
    sb_printf(&b, "hostname %s\n", cfg.hostname);
    sb_puts(&b, "!\n");
    if (cfg.enable_secret[0])
        sb_printf(&b, "enable secret 5 %s\n", cfg.enable_secret);
    if (cfg.enable_password[0])
        sb_printf(&b, "enable password %s\n", cfg.enable_password);
    if (cfg.enable_secret[0] || cfg.enable_password[0])
        sb_puts(&b, "!\n");
    if (!cfg.ip_routing)
        sb_puts(&b, "no ip routing\n");
    if (cfg.ip_cef)
        sb_puts(&b, "ip cef\n");
    if (!cfg.domain_lookup)
        sb_puts(&b, "no ip domain lookup\n");
    if (!cfg.ip_routing || cfg.ip_cef || !cfg.domain_lookup)
        sb_puts(&b, "!\n");
    for (struct iface *i = ifaces; i; i = i->next)
        render_iface(&b, i);
    for (struct static_route *r = cfg.routes; r; r = r->next) {
        sb_printf(&b, "ip route %s %s", ip_str(r->prefix, a),
                  ip_str(r->mask, m));
        if (r->oif)
            sb_printf(&b, " %s", r->oif->name);
        if (r->gateway)
            sb_printf(&b, " %s", ip_str(r->gateway, g));
        if (r->distance != 1)
            sb_printf(&b, " %u", r->distance);
        sb_puts(&b, "\n");
    }
    if (cfg.routes)
        sb_puts(&b, "!\n");
    if (cfg.banner_motd)
        sb_printf(&b, "banner motd ^C\n%s\n^C\n!\n", cfg.banner_motd);
    render_line(&b, "con 0", &cfg.con, 0);
    render_line(&b, "aux 0", &cfg.aux, 0);
    render_line(&b, "vty 0 4", &cfg.vty, 1);
    sb_puts(&b, "!\nend\n");
    return b.len;
}
