/*
 * ip.c - IPv4 for the router: Ethernet II framing, ARP (RFC 826), the
 * routing table (connected and static routes), ICMP echo (RFC 792),
 * forwarding between interfaces, and ping with IOS's output.
 */
#include "fw.h"

#include "cp0.h"
#include "ip.h"
#include "net.h"
#include "serial.h"

#define ETH_HDR 14
#define ETH_ARP 0x0806
#define ETH_IP 0x0800
#define IP_HDR 20
#define PROTO_ICMP 1

static const uint8_t bcast_mac[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static uint16_t cksum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xFFFF) + (s >> 16);
    return (uint16_t)~s;
}

static int iface_usable(const struct iface *i)
{
    return i && !i->shutdown && i->line_up && i->ip;
}

/* ---------------------------------------------------------------- ARP */

#define ARP_MAX 128
#define ARP_AGE_S (4 * 3600)
struct arp_entry {
    uint32_t ip;
    uint8_t mac[6];
    uint8_t state; /* 0 free, 1 incomplete, 2 complete */
    struct iface *ifp;
    uint32_t when; /* ticks of the last update */
};
static struct arp_entry arp_tab[ARP_MAX];

static struct arp_entry *arp_find(uint32_t ip, struct iface *ifp)
{
    for (int k = 0; k < ARP_MAX; k++)
        if (arp_tab[k].state && arp_tab[k].ip == ip &&
            (!ifp || arp_tab[k].ifp == ifp))
            return &arp_tab[k];
    return NULL;
}

static struct arp_entry *arp_new(uint32_t ip, struct iface *ifp)
{
    struct arp_entry *old = &arp_tab[0];
    for (int k = 0; k < ARP_MAX; k++) {
        if (!arp_tab[k].state) {
            old = &arp_tab[k];
            break;
        }
        if (arp_tab[k].when < old->when)
            old = &arp_tab[k];
    }
    memset(old, 0, sizeof(*old));
    old->ip = ip;
    old->ifp = ifp;
    old->when = sys_ticks();
    return old;
}

static void arp_learn(struct iface *ifp, uint32_t ip, const uint8_t *mac,
                      int create)
{
    struct arp_entry *e = arp_find(ip, ifp);
    if (!e) {
        if (!create)
            return;
        e = arp_new(ip, ifp);
    }
    memcpy(e->mac, mac, 6);
    e->state = 2;
    e->when = sys_ticks();
}

static int eth_send(struct iface *ifp, const uint8_t *dst, uint16_t type,
                    const uint8_t *payload, size_t len)
{
    static uint8_t frame[1536];
    struct iface *phys = iface_phys(ifp);
    size_t h = ETH_HDR;
    if (!phys->nic || !phys->nic->running || len > 1500 || ifp->shutdown ||
        (ifp->parent && !ifp->vlan))
        return -1;
    memcpy(frame, dst, 6);
    memcpy(frame + 6, ifp->mac, 6);
    if (ifp->vlan) {
        put16(frame + 12, 0x8100); /* IEEE 802.1Q tag */
        put16(frame + 14, ifp->vlan);
        h += 4;
    }
    put16(frame + h - 2, type);
    memcpy(frame + h, payload, len);
    size_t n = h + len;
    if (n < 60) {
        memset(frame + n, 0, 60 - n);
        n = 60;
    }
    if (phys->nic->ops->tx(phys->nic, frame, n) < 0) {
        ifp->out_drops++;
        return -1;
    }
    ifp->out_pkts++;
    ifp->out_bytes += (uint32_t)n;
    return 0;
}

static void arp_send(struct iface *ifp, int op, const uint8_t *tha,
                     uint32_t tpa, const uint8_t *dst)
{
    uint8_t p[28];
    put16(p, 1);
    put16(p + 2, ETH_IP);
    p[4] = 6;
    p[5] = 4;
    put16(p + 6, (uint16_t)op);
    memcpy(p + 8, ifp->mac, 6);
    put32(p + 14, ifp->ip);
    memcpy(p + 18, tha, 6);
    put32(p + 24, tpa);
    eth_send(ifp, dst, ETH_ARP, p, sizeof(p));
}

static void arp_input(struct iface *ifp, const uint8_t *p, size_t len)
{
    static const uint8_t zero[6];
    if (len < 28 || get16(p) != 1 || get16(p + 2) != ETH_IP || p[4] != 6 ||
        p[5] != 4)
        return;
    uint16_t op = get16(p + 6);
    uint32_t spa = get32(p + 14), tpa = get32(p + 24);
    if (!ifp->ip)
        return;
    int for_us = tpa == ifp->ip;
    arp_learn(ifp, spa, p + 8, for_us);
    if (op == 1 && for_us)
        arp_send(ifp, 2, p + 8, spa, p + 8);
    (void)zero;
}

/* ------------------------------------------------------------ routing */

struct rt_hit {
    struct iface *ifp;
    uint32_t nexthop;
    int plen;
};

static int lookup_connected(uint32_t dst, struct rt_hit *h)
{
    int best = -1;
    for (struct iface *i = ifaces; i; i = i->next) {
        if (iface_usable(i) && i->type == IFT_SERIAL &&
            serial_ppp_peer(i) == dst) {
            /* the PPP peer's host route (IPCP) */
            h->ifp = i;
            h->nexthop = dst;
            h->plen = 32;
            return 1;
        }
    }
    for (struct iface *i = ifaces; i; i = i->next) {
        if (!iface_usable(i) || (dst & i->mask) != (i->ip & i->mask))
            continue;
        int l = mask_len(i->mask);
        if (l > best) {
            best = l;
            h->ifp = i;
            h->nexthop = dst;
            h->plen = l;
        }
    }
    return best >= 0;
}

static int lookup(uint32_t dst, struct rt_hit *h, int depth)
{
    struct rt_hit c;
    int have = lookup_connected(dst, &c);
    if (have)
        *h = c;
    for (struct static_route *r = cfg.routes; r; r = r->next) {
        if ((dst & r->mask) != r->prefix)
            continue;
        int l = mask_len(r->mask);
        if (have && l <= h->plen)
            continue;
        struct rt_hit g;
        if (r->oif) {
            if (!iface_usable(r->oif) && !(r->oif->line_up && !r->gateway))
                continue;
            g.ifp = r->oif;
            g.nexthop = r->gateway ? r->gateway : dst;
        } else if (depth < 4 && lookup(r->gateway, &g, depth + 1)) {
            /* recursive: towards the gateway's own next hop */
        } else {
            continue;
        }
        g.plen = l;
        *h = g;
        have = 1;
    }
    return have;
}

struct iface *ip_route_lookup(uint32_t dst, uint32_t *nexthop)
{
    struct rt_hit h;
    if (!lookup(dst, &h, 0))
        return NULL;
    *nexthop = h.nexthop;
    return h.ifp;
}

void ip_routes_changed(void)
{
    /* Routes are looked up from the configuration on every packet. */
}

static int is_local(uint32_t dst, struct iface **on)
{
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->ip && !i->shutdown && i->ip == dst) {
            *on = i;
            return 1;
        }
    }
    return 0;
}

/* ------------------------------------------------------------- output */

/* Sends an IP datagram (header included) towards nexthop on ifp. */
static int ip_send_on(struct iface *ifp, uint32_t nexthop, const uint8_t *pkt,
                      size_t len)
{
    if (ifp->type == IFT_SERIAL)
        return serial_output_ip(ifp, nexthop, pkt, len);
    if (!if_is_ethernet(ifp))
        return -1;
    if ((nexthop | ifp->mask) == 0xFFFFFFFFu && ifp->mask != 0xFFFFFFFFu)
        return eth_send(ifp, bcast_mac, ETH_IP, pkt, len);
    struct arp_entry *e = arp_find(nexthop, ifp);
    if (e && e->state == 2)
        return eth_send(ifp, e->mac, ETH_IP, pkt, len);
    /* Unresolved: ask, and drop this packet (as IOS does for the first
     * ping to a new neighbour). */
    if (!e) {
        e = arp_new(nexthop, ifp);
        e->state = 1;
    }
    static const uint8_t zero[6];
    arp_send(ifp, 1, zero, nexthop, bcast_mac);
    return -1;
}

static uint16_t ip_ident;

/* Builds and routes a datagram from this router. */
static int ip_output(uint32_t dst, uint8_t proto, const uint8_t *payload,
                     size_t len, uint8_t ttl)
{
    static uint8_t pkt[1500];
    uint32_t nh;
    struct iface *lo;
    if (len + IP_HDR > sizeof(pkt))
        return -1;
    if (is_local(dst, &lo))
        return -2; /* to ourselves: handled by the caller */
    struct iface *ifp = ip_route_lookup(dst, &nh);
    if (!ifp || !ifp->ip)
        return -1;
    pkt[0] = 0x45;
    pkt[1] = 0;
    put16(pkt + 2, (uint16_t)(len + IP_HDR));
    put16(pkt + 4, ip_ident++);
    put16(pkt + 6, 0);
    pkt[8] = ttl;
    pkt[9] = proto;
    put16(pkt + 10, 0);
    put32(pkt + 12, ifp->ip);
    put32(pkt + 16, dst);
    put16(pkt + 10, cksum(pkt, IP_HDR));
    memcpy(pkt + IP_HDR, payload, len);
    return ip_send_on(ifp, nh, pkt, len + IP_HDR);
}

/* -------------------------------------------------------------- ICMP */

static volatile uint16_t ping_id, ping_seq_got;
static volatile int ping_reply;
static volatile uint8_t ping_unreach;

#define PROTO_UDP 17
#define TRACE_PORT 33434
/* traceroute: the answer to the probe in flight */
static volatile uint16_t trace_port;    /* destination port of the probe */
static volatile int trace_got;          /* 0 none, 11 time exceeded, 3 unr */
static volatile uint8_t trace_code;
static volatile uint32_t trace_from;

static void icmp_send(uint32_t dst, uint8_t type, uint8_t code,
                      const uint8_t *body, size_t len)
{
    static uint8_t m[1480];
    if (len + 4 > sizeof(m))
        return;
    m[0] = type;
    m[1] = code;
    put16(m + 2, 0);
    memcpy(m + 4, body, len);
    put16(m + 2, cksum(m, len + 4));
    ip_output(dst, PROTO_ICMP, m, len + 4, 255);
}

static void icmp_input(uint32_t src, const uint8_t *p, size_t len)
{
    if (len < 8 || cksum(p, len) != 0)
        return;
    switch (p[0]) {
    case 8: /* echo request: answer with the same body */
        icmp_send(src, 0, 0, p + 4, len - 4);
        break;
    case 0: /* echo reply */
        if (get16(p + 4) == ping_id) {
            ping_seq_got = get16(p + 6);
            ping_reply = 1;
        }
        break;
    case 3:  /* unreachable: carries our header + 8 bytes */
    case 11: /* time exceeded */
        if (len >= 8 + IP_HDR + 8 && p[8 + 9] == PROTO_ICMP &&
            get16(p + 8 + IP_HDR + 4) == ping_id && p[0] == 3)
            ping_unreach = 'U';
        if (len >= 8 + IP_HDR + 8 && p[8 + 9] == PROTO_UDP && trace_port &&
            get16(p + 8 + ((p[8] & 0x0F) * 4) + 2) == trace_port) {
            trace_from = src;
            trace_code = p[1];
            trace_got = p[0];
        }
        break;
    default:
        break;
    }
}

/* ----------------------------------------------------------- input */

static void ip_forward(struct iface *in, uint8_t *pkt, size_t len)
{
    uint32_t dst = get32(pkt + 16), nh;
    if (!cfg.ip_routing)
        return;
    struct iface *out = ip_route_lookup(dst, &nh);
    if (!out) {
        /* host unreachable back to the sender */
        uint8_t body[4 + IP_HDR + 8];
        memset(body, 0, 4);
        memcpy(body + 4, pkt, len < IP_HDR + 8 ? len : IP_HDR + 8);
        icmp_send(get32(pkt + 12), 3, 1, body, sizeof(body));
        return;
    }
    if (pkt[8] <= 1) {
        uint8_t body[4 + IP_HDR + 8];
        memset(body, 0, 4);
        memcpy(body + 4, pkt, len < IP_HDR + 8 ? len : IP_HDR + 8);
        icmp_send(get32(pkt + 12), 11, 0, body, sizeof(body));
        return;
    }
    pkt[8]--;
    put16(pkt + 10, 0);
    put16(pkt + 10, cksum(pkt, (size_t)(pkt[0] & 0x0F) * 4));
    (void)in;
    ip_send_on(out, nh, pkt, len);
}

static void ip_input(struct iface *ifp, uint8_t *pkt, size_t len)
{
    if (len < IP_HDR || (pkt[0] >> 4) != 4)
        return;
    size_t hl = (size_t)(pkt[0] & 0x0F) * 4;
    size_t tl = get16(pkt + 2);
    if (hl < IP_HDR || tl < hl || tl > len || cksum(pkt, hl) != 0)
        return;
    uint32_t src = get32(pkt + 12), dst = get32(pkt + 16);
    struct iface *lo;
    int local = is_local(dst, &lo) || dst == 0xFFFFFFFFu ||
                (ifp->ip && (dst | ifp->mask) == 0xFFFFFFFFu &&
                 (dst & ifp->mask) == (ifp->ip & ifp->mask));
    if (local) {
        if ((get16(pkt + 6) & 0x3FFF) != 0)
            return; /* fragments are not reassembled */
        if (pkt[9] == PROTO_ICMP) {
            icmp_input(src, pkt + hl, tl - hl);
        } else if (pkt[9] == PROTO_UDP && dst != 0xFFFFFFFFu &&
                   (dst | ifp->mask) != 0xFFFFFFFFu) {
            /* no UDP service here: port unreachable (traceroute's end) */
            uint8_t body[4 + 60 + 8];
            size_t n = hl + 8 <= tl ? hl + 8 : tl;
            memset(body, 0, 4);
            memcpy(body + 4, pkt, n);
            icmp_send(src, 3, 3, body, 4 + n);
        }
        return;
    }
    ip_forward(ifp, pkt, tl);
}

void ip_input_pkt(struct iface *ifp, const uint8_t *pkt, size_t len)
{
    static uint8_t buf[1600];
    if (len > sizeof(buf))
        return;
    memcpy(buf, pkt, len);
    ip_input(ifp, buf, len);
}

void eth_input(struct iface *ifp, const uint8_t *frame, size_t len)
{
    static uint8_t buf[1536];
    if (len < ETH_HDR || len > sizeof(buf))
        return;
    ifp->in_pkts++;
    ifp->in_bytes += (uint32_t)len;
    if (!(frame[0] & 1) && memcmp(frame, ifp->mac, 6) != 0)
        return;
    uint16_t type = get16(frame + 12);
    size_t h = ETH_HDR;
    if (type == 0x8100 && len >= ETH_HDR + 4) {
        /* 802.1Q: the subinterface of that VLAN */
        uint16_t vid = get16(frame + 14) & 0x0FFF;
        struct iface *s = ifp->next;
        while (s && s->parent == ifp && s->vlan != vid)
            s = s->next;
        if (!s || s->parent != ifp || s->shutdown)
            return;
        ifp = s;
        ifp->in_pkts++;
        ifp->in_bytes += (uint32_t)len;
        type = get16(frame + 16);
        h += 4;
    }
    memcpy(buf, frame + h, len - h);
    if (type == ETH_ARP)
        arp_input(ifp, buf, len - h);
    else if (type == ETH_IP)
        ip_input(ifp, buf, len - h);
}

/* ---------------------------------------------------------------- ping */

void ip_ping(uint32_t dst, uint32_t count, uint32_t size, uint32_t tmo)
{
    char a[16];
    uint32_t ok = 0, rmin = ~0u, rmax = 0, rsum = 0;
    static uint8_t body[18024];
    int col = 0;

    if (size < 36)
        size = 36;
    tty_printf("\nType escape sequence to abort.\n"
               "Sending %u, %u-byte ICMP Echos to %s, timeout is %u "
               "seconds:\n", count, size, ip_str(dst, a), tmo);
    ping_id++;
    for (uint32_t seq = 0; seq < count; seq++) {
        size_t blen = size - IP_HDR - 4;
        put16(body, ping_id);
        put16(body + 2, (uint16_t)seq);
        for (size_t k = 4; k < blen; k++)
            body[k] = (uint8_t)(k == 4 ? 0xAB : 0xCD);
        ping_reply = 0;
        ping_unreach = 0;
        uint32_t t0 = sys_usec_start();
        uint32_t start_tick = sys_ticks();
        struct iface *lo;
        char mark = '.';
        if (is_local(dst, &lo)) {
            mark = '!';
            ping_reply = 1;
            ping_seq_got = (uint16_t)seq;
        } else if (icmp_send(dst, 8, 0, body, blen), 1) {
            /* wait for the reply, the timeout or an abort */
        }
        int aborted = 0;
        while (!(ping_reply && ping_seq_got == (uint16_t)seq) &&
               !ping_unreach &&
               sys_ticks() - start_tick < tmo * (1000 / TICK_MS)) {
            if (tty_abort_requested()) {
                aborted = 1;
                break;
            }
            fw_poll();
            /* the reply may have come in fw_poll: no sleep then */
            if (!(ping_reply && ping_seq_got == (uint16_t)seq) &&
                !ping_unreach) {
                sys_wake_at(start_tick + tmo * (1000 / TICK_MS));
                sys_idle();
            }
        }
        if (ping_reply && ping_seq_got == (uint16_t)seq) {
            uint32_t rtt = sys_usec_since(t0) / 1000;
            mark = '!';
            ok++;
            rsum += rtt;
            if (rtt < rmin)
                rmin = rtt;
            if (rtt > rmax)
                rmax = rtt;
        } else if (ping_unreach) {
            mark = (char)ping_unreach;
        }
        tty_putc(mark);
        if (++col == 70) {
            tty_putc('\n');
            col = 0;
        }
        if (aborted) {
            count = seq + 1;
            break;
        }
    }
    tty_printf("\nSuccess rate is %u percent (%u/%u)", count ? ok * 100 / count
                                                           : 0, ok, count);
    if (ok)
        tty_printf(", round-trip min/avg/max = %u/%u/%u ms", rmin, rsum / ok,
                   rmax);
    tty_putc('\n');
}

/* ---------------------------------------------------------- traceroute */

void ip_traceroute(uint32_t dst)
{
    char a[16];
    uint8_t udp[8 + 12];
    static uint16_t sport; /* .bss: source ports from 49152 */
    struct iface *lo;
    uint32_t nh;

    tty_printf("\nType escape sequence to abort.\nTracing the route to %s\n\n",
               ip_str(dst, a));
    for (int ttl = 1; ttl <= 30; ttl++) {
        uint32_t shown = 0;
        int done = 0;
        tty_printf("%3d", ttl);
        for (int probe = 0; probe < 3; probe++) {
            uint16_t dport = (uint16_t)(TRACE_PORT + ttl * 3 + probe);
            struct iface *out = ip_route_lookup(dst, &nh);
            if (is_local(dst, &lo) || !out || !out->ip) {
                tty_write(is_local(dst, &lo) ? " *" : " *");
                continue;
            }
            /* UDP header; checksum 0 (none, RFC 768) */
            put16(udp, (uint16_t)(49152 + (++sport & 0x3FFF)));
            put16(udp + 2, dport);
            put16(udp + 4, sizeof(udp));
            put16(udp + 6, 0);
            memset(udp + 8, 0, sizeof(udp) - 8);
            trace_got = 0;
            trace_port = dport;
            uint32_t t0 = sys_usec_start(), start = sys_ticks();
            ip_output(dst, PROTO_UDP, udp, sizeof(udp), (uint8_t)ttl);
            while (!trace_got && sys_ticks() - start < 3000 / TICK_MS) {
                if (tty_abort_requested()) {
                    trace_port = 0;
                    tty_putc('\n');
                    return;
                }
                fw_poll();
                if (!trace_got) { /* it may have come in fw_poll */
                    sys_wake_at(start + 3000 / TICK_MS);
                    sys_idle();
                }
            }
            trace_port = 0;
            if (!trace_got) {
                tty_write(" *");
                continue;
            }
            uint32_t rtt = sys_usec_since(t0) / 1000;
            if (trace_from != shown) {
                tty_printf(" %s", ip_str(trace_from, a));
                shown = trace_from;
            }
            if (trace_got == 3 && trace_code != 3)
                tty_printf(" !%c", trace_code == 1 ? 'H' : trace_code == 0
                                                          ? 'N' : 'A');
            else
                tty_printf(" %u msec", rtt);
            if (trace_got == 3)
                done = 1;
        }
        tty_putc('\n');
        if (done)
            break;
    }
}

/* ------------------------------------------------------------ periodic */

void ip_periodic(void)
{
    uint32_t now = sys_ticks();
    for (int k = 0; k < ARP_MAX; k++) {
        struct arp_entry *e = &arp_tab[k];
        if (e->state == 1 && now - e->when > 2000 / TICK_MS)
            e->state = 0;
        else if (e->state == 2 &&
                 now - e->when > ARP_AGE_S * (1000 / TICK_MS))
            e->state = 0;
    }
}

void ip_clear_arp(void)
{
    memset(arp_tab, 0, sizeof(arp_tab));
}

/* ---------------------------------------------------------- show arp */

void show_arp(void)
{
    char a[16];
    tty_write("Protocol  Address          Age (min)  Hardware Addr   Type   "
              "Interface\n");
    uint32_t now = sys_ticks();
    for (struct iface *i = ifaces; i; i = i->next) {
        if (!i->ip || !if_is_ethernet(i) || i->shutdown)
            continue;
        tty_printf("Internet  %-15s  %9s  %02x%02x.%02x%02x.%02x%02x  ARPA   "
                   "%s\n", ip_str(i->ip, a), "-", i->mac[0], i->mac[1],
                   i->mac[2], i->mac[3], i->mac[4], i->mac[5], i->name);
        for (int k = 0; k < ARP_MAX; k++) {
            struct arp_entry *e = &arp_tab[k];
            if (!e->state || e->ifp != i)
                continue;
            char age[12];
            snprintf(age, sizeof(age), "%u",
                     (now - e->when) * TICK_MS / 60000);
            if (e->state == 2)
                tty_printf("Internet  %-15s  %9s  %02x%02x.%02x%02x.%02x%02x"
                           "  ARPA   %s\n", ip_str(e->ip, a), age, e->mac[0],
                           e->mac[1], e->mac[2], e->mac[3], e->mac[4],
                           e->mac[5], i->name);
            else
                tty_printf("Internet  %-15s  %9s  Incomplete      ARPA\n",
                           ip_str(e->ip, a), "0");
        }
    }
}

/* ---------------------------------------------------- show ip route */

void show_ip_route(void)
{
    char a[16], g[16];
    uint32_t gw_lr = 0;
    int have_default = 0;
    struct rt_hit h;

    tty_write("Codes: C - connected, S - static, * - candidate default\n\n");
    for (struct static_route *r = cfg.routes; r; r = r->next) {
        if (r->prefix == 0 && r->mask == 0 && lookup(0, &h, 0)) {
            have_default = 1;
            gw_lr = r->gateway;
            break;
        }
    }
    if (have_default && gw_lr)
        tty_printf("Gateway of last resort is %s to network 0.0.0.0\n\n",
                   ip_str(gw_lr, a));
    else if (have_default)
        tty_write("Gateway of last resort is 0.0.0.0 to network 0.0.0.0\n\n");
    else
        tty_write("Gateway of last resort is not set\n\n");

    /* Connected and static routes, in address order. */
    uint64_t last = 0;
    int first = 1;
    for (;;) {
        /* next smallest prefix above `last` among all routes */
        uint64_t best = ~0ull;
        for (struct iface *i = ifaces; i; i = i->next)
            if (iface_usable(i)) {
                uint64_t k = (uint64_t)(i->ip & i->mask) << 6 |
                             (uint64_t)mask_len(i->mask);
                if ((first || k > last) && k < best)
                    best = k;
            }
        for (struct static_route *r = cfg.routes; r; r = r->next) {
            uint64_t k = (uint64_t)r->prefix << 6 | (uint64_t)mask_len(r->mask);
            if ((first || k > last) && k < best)
                best = k;
        }
        if (best == ~0ull)
            break;
        first = 0;
        last = best; /* key: prefix << 6 | length */
        uint32_t prefix = (uint32_t)(best >> 6);
        int plen = (int)(best & 63);
        uint32_t mask = plen ? 0xFFFFFFFFu << (32 - plen) : 0;
        for (struct iface *i = ifaces; i; i = i->next)
            if (iface_usable(i) && (i->ip & i->mask) == prefix &&
                i->mask == mask)
                tty_printf("C    %s/%d is directly connected, %s\n",
                           ip_str(prefix, a), plen, i->name);
        for (struct static_route *r = cfg.routes; r; r = r->next) {
            if (r->prefix != prefix || r->mask != mask)
                continue;
            struct rt_hit x;
            if (r->oif ? !r->oif->line_up : !lookup(r->gateway, &x, 1))
                continue;
            const char *code = prefix == 0 && mask == 0 ? "S*" : "S ";
            if (r->gateway && !r->oif)
                tty_printf("%s   %s/%d [%u/0] via %s\n", code,
                           ip_str(prefix, a), plen, r->distance,
                           ip_str(r->gateway, g));
            else if (r->gateway)
                tty_printf("%s   %s/%d [%u/0] via %s, %s\n", code,
                           ip_str(prefix, a), plen, r->distance,
                           ip_str(r->gateway, g), r->oif->name);
            else
                tty_printf("%s   %s/%d is directly connected, %s\n", code,
                           ip_str(prefix, a), plen, r->oif->name);
        }
    }
}
