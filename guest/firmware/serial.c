/*
 * serial.c - serial encapsulations (see serial.h).
 *
 * Cisco HDLC: address 0x0F (unicast) / 0x8F (broadcast), control 0, then
 * an EtherType (0x0800 IPv4, 0x8035 SLARP). SLARP keepalive: code 2, my
 * sequence, your sequence (the last one heard), reliability 0xFFFF. The
 * line protocol is up while the peer's keepalives arrive (three intervals
 * without one bring it down); a keepalive is sent at once when the first
 * one is heard, so both ends come up quickly.
 *
 * PPP: 0xFF 0x03, protocol. LCP negotiates the magic number and MRU
 * (everything else is rejected, so frames keep their full header); IPCP
 * the IP address. Echo-Requests are answered; the line protocol is up when
 * LCP is Opened, IP flows when IPCP is Opened too.
 *
 * Frame Relay: two-byte Q.922 address, then the Cisco encapsulation (an
 * EtherType) or the IETF one (0x03 0xCC for IPv4); both are accepted, the
 * Cisco one is sent. LMI status enquiries (full status every sixth) go out
 * every keepalive period; the switch's answers give the PVC states and the
 * line protocol. DLCI for a next hop: static map, else an Inverse ARP
 * entry, else the only DLCI of the interface.
 */
#include "fw.h"

#include "ip.h"
#include "net.h"
#include "serial.h"

#define HDLC_UNICAST 0x0F
#define HDLC_BCAST 0x8F
#define ET_IP 0x0800
#define ET_SLARP 0x8035
#define ET_ARP 0x0806
#define PPP_IP 0x0021
#define PPP_IPCP 0x8021
#define PPP_LCP 0xC021

enum { CP_CLOSED, CP_REQSENT, CP_ACKRCVD, CP_ACKSENT, CP_OPENED };

struct cp {                 /* one PPP control protocol */
    int state;
    uint8_t id;
    int retries;
    uint32_t last_tx;       /* ticks */
};

#define MAX_PVC 32
struct pvc {
    uint16_t dlci;
    uint8_t active, seen;
    uint32_t peer_ip;       /* learnt by Inverse ARP */
    uint32_t in_pkts, out_pkts;
    uint32_t inarp_sent;
};

struct ser {
    int encap;              /* encapsulation the state belongs to */
    int carrier;
    uint32_t last_ka_tx, last_rx;
    /* HDLC */
    uint32_t myseq, yourseq;
    int hdlc_up;
    /* PPP */
    struct cp lcp, ipcp;
    uint32_t magic, peer_ip;
    uint32_t echo_unanswered;
    /* Frame Relay */
    uint8_t lmi_tx_seq, lmi_rx_seq;
    int lmi_count, lmi_up;
    uint32_t lmi_enq, lmi_stat;
    struct pvc pvc[MAX_PVC];
    int npvc;
};

static struct ser *ser_of(struct iface *i)
{
    if (!i->ser)
        i->ser = fw_alloc(sizeof(struct ser));
    return i->ser;
}

static int send_frame(struct iface *i, const uint8_t *f, size_t n)
{
    if (i->parent) {
        if (i->shutdown)
            return -1;
        i->out_pkts++;
        i->out_bytes += (uint32_t)n;
        i = i->parent;
    }
    if (!i->nic || !i->nic->running || i->shutdown)
        return -1;
    if (i->nic->ops->tx(i->nic, f, n) < 0) {
        i->out_drops++;
        return -1;
    }
    i->out_pkts++;
    i->out_bytes += (uint32_t)n;
    return 0;
}

static uint32_t ticks_per_s(void)
{
    return 1000 / TICK_MS;
}

/* ============================================================== HDLC */

static void slarp_keepalive(struct iface *i)
{
    struct ser *s = ser_of(i);
    uint8_t f[4 + 18];
    uint32_t sec, ms;
    f[0] = HDLC_BCAST;
    f[1] = 0;
    put16(f + 2, ET_SLARP);
    put32(f + 4, 2);                 /* keepalive */
    put32(f + 8, ++s->myseq);
    put32(f + 12, s->yourseq);
    put16(f + 16, 0xFFFF);
    sys_uptime(&sec, &ms);
    put32(f + 18, sec * 1000 + ms);
    s->last_ka_tx = sys_ticks();
    send_frame(i, f, sizeof(f));
}

static void slarp_input(struct iface *i, const uint8_t *p, size_t n)
{
    struct ser *s = ser_of(i);
    if (n < 14)
        return;
    uint32_t code = get32(p);
    if (code == 2) {
        s->yourseq = get32(p + 4);
        s->last_rx = sys_ticks();
        if (!s->hdlc_up) {
            s->hdlc_up = 1;
            slarp_keepalive(i); /* let the peer see us at once */
            iface_update_line(i, 0);
        }
    } else if (code == 0 && i->ip) {
        /* address request: answer with ours */
        uint8_t f[4 + 18];
        memset(f, 0, sizeof(f));
        f[0] = HDLC_UNICAST;
        put16(f + 2, ET_SLARP);
        put32(f + 4, 1);
        put32(f + 8, i->ip);
        put32(f + 12, i->mask);
        send_frame(i, f, sizeof(f));
    }
}

/* =============================================================== PPP */

static void ppp_send(struct iface *i, uint16_t proto, const uint8_t *p,
                     size_t n)
{
    uint8_t f[1600];
    if (n + 4 > sizeof(f))
        return;
    f[0] = 0xFF;
    f[1] = 0x03;
    put16(f + 2, proto);
    memcpy(f + 4, p, n);
    send_frame(i, f, n + 4);
}

static void cp_send(struct iface *i, uint16_t proto, uint8_t code, uint8_t id,
                    const uint8_t *data, size_t n)
{
    uint8_t p[600];
    if (n + 4 > sizeof(p))
        return;
    p[0] = code;
    p[1] = id;
    put16(p + 2, (uint16_t)(n + 4));
    memcpy(p + 4, data, n);
    ppp_send(i, proto, p, n + 4);
}

static void lcp_send_req(struct iface *i)
{
    struct ser *s = ser_of(i);
    uint8_t o[6] = {5, 6};
    put32(o + 2, s->magic);
    cp_send(i, PPP_LCP, 1, ++s->lcp.id, o, sizeof(o));
    s->lcp.last_tx = sys_ticks();
    s->lcp.retries++;
}

static void ipcp_send_req(struct iface *i)
{
    struct ser *s = ser_of(i);
    uint8_t o[6] = {3, 6};
    put32(o + 2, i->ip);
    cp_send(i, PPP_IPCP, 1, ++s->ipcp.id, o, sizeof(o));
    s->ipcp.last_tx = sys_ticks();
    s->ipcp.retries++;
}

static void ppp_open_check(struct iface *i)
{
    struct ser *s = ser_of(i);
    iface_update_line(i, 0);
    if (s->lcp.state == CP_OPENED && s->ipcp.state == CP_CLOSED && i->ip) {
        s->ipcp.state = CP_REQSENT;
        s->ipcp.retries = 0;
        ipcp_send_req(i);
    }
}

static void ppp_restart(struct iface *i)
{
    struct ser *s = ser_of(i);
    int was_open = s->lcp.state == CP_OPENED;
    memset(&s->lcp, 0, sizeof(s->lcp));
    memset(&s->ipcp, 0, sizeof(s->ipcp));
    s->peer_ip = 0;
    s->echo_unanswered = 0;
    if (!s->magic)
        s->magic = 0x5A000000u ^ (uint32_t)(uintptr_t)i ^ sys_ticks() * 2654435761u;
    if (was_open)
        iface_update_line(i, 0);
    if (s->carrier) {
        s->lcp.state = CP_REQSENT;
        lcp_send_req(i);
    }
}

/* Options of a Configure-Request: which to reject (returned in rej) and
 * whether they are all acceptable. */
static void cp_input(struct iface *i, uint16_t proto, const uint8_t *p,
                     size_t n)
{
    struct ser *s = ser_of(i);
    struct cp *cp = proto == PPP_LCP ? &s->lcp : &s->ipcp;
    if (n < 4)
        return;
    uint8_t code = p[0], id = p[1];
    size_t len = get16(p + 2);
    if (len < 4 || len > n)
        return;
    const uint8_t *d = p + 4;
    size_t dl = len - 4;
    s->last_rx = sys_ticks();

    switch (code) {
    case 1: { /* Configure-Request */
        uint8_t rej[256];
        size_t rl = 0;
        uint32_t peer_ip = 0;
        for (size_t o = 0; o + 2 <= dl;) {
            uint8_t t = d[o], ol = d[o + 1];
            if (ol < 2 || o + ol > dl)
                break;
            int ok;
            if (proto == PPP_LCP)
                ok = t == 1 || (t == 5 && ol == 6) || (t == 2 && ol == 6);
            else {
                ok = t == 3 && ol == 6;
                if (ok)
                    peer_ip = get32(d + o + 2);
            }
            if (!ok && rl + ol <= sizeof(rej)) {
                memcpy(rej + rl, d + o, ol);
                rl += ol;
            }
            o += ol;
        }
        if (proto == PPP_IPCP && s->lcp.state != CP_OPENED)
            return;
        if (rl) {
            cp_send(i, proto, 4, id, rej, rl); /* Configure-Reject */
            break;
        }
        cp_send(i, proto, 2, id, d, dl);       /* Configure-Ack */
        if (proto == PPP_IPCP)
            s->peer_ip = peer_ip;
        if (cp->state == CP_ACKRCVD) {
            cp->state = CP_OPENED;
            if (proto == PPP_LCP)
                ppp_open_check(i);
        } else if (cp->state != CP_OPENED) {
            cp->state = CP_ACKSENT;
            if (cp->retries == 0) {
                if (proto == PPP_LCP)
                    lcp_send_req(i);
                else if (i->ip)
                    ipcp_send_req(i);
            }
        } else {
            /* renegotiation by the peer: stay open, ask again */
            if (proto == PPP_LCP)
                lcp_send_req(i);
            else
                ipcp_send_req(i);
        }
        break;
    }
    case 2: /* Configure-Ack */
        if (id != cp->id)
            break;
        if (cp->state == CP_ACKSENT) {
            cp->state = CP_OPENED;
            if (proto == PPP_LCP)
                ppp_open_check(i);
        } else if (cp->state == CP_REQSENT) {
            cp->state = CP_ACKRCVD;
        }
        break;
    case 3: /* Configure-Nak */
    case 4: /* Configure-Reject */
        if (id != cp->id)
            break;
        if (proto == PPP_LCP)
            lcp_send_req(i);
        else
            ipcp_send_req(i);
        break;
    case 5: /* Terminate-Request */
        cp_send(i, proto, 6, id, NULL, 0);
        if (proto == PPP_LCP)
            ppp_restart(i);
        else
            memset(&s->ipcp, 0, sizeof(s->ipcp));
        break;
    case 9: /* Echo-Request */
        if (proto == PPP_LCP && s->lcp.state == CP_OPENED && dl >= 4) {
            uint8_t e[4];
            put32(e, s->magic);
            cp_send(i, proto, 10, id, e, 4);
        }
        break;
    case 10: /* Echo-Reply */
        s->echo_unanswered = 0;
        break;
    default:
        break;
    }
}

static void ppp_periodic(struct iface *i)
{
    struct ser *s = ser_of(i);
    uint32_t now = sys_ticks();
    if (!s->carrier)
        return;
    if (s->lcp.state == CP_CLOSED) {
        ppp_restart(i);
        return;
    }
    if (s->lcp.state != CP_OPENED) {
        if (now - s->lcp.last_tx >= 2 * ticks_per_s()) {
            if (s->lcp.retries > 10)
                s->lcp.retries = 0;
            lcp_send_req(i);
        }
        return;
    }
    if (s->ipcp.state != CP_OPENED && i->ip &&
        now - s->ipcp.last_tx >= 2 * ticks_per_s()) {
        if (s->ipcp.state == CP_CLOSED)
            s->ipcp.state = CP_REQSENT;
        ipcp_send_req(i);
    }
    if (i->keepalive &&
        now - s->last_ka_tx >= (uint32_t)i->keepalive * ticks_per_s()) {
        uint8_t e[4];
        put32(e, s->magic);
        s->last_ka_tx = now;
        if (++s->echo_unanswered > 5) {
            ppp_restart(i);
            return;
        }
        cp_send(i, PPP_LCP, 9, ++s->lcp.id, e, 4);
    }
}

uint32_t serial_ppp_peer(struct iface *i)
{
    struct ser *s = i->ser;
    return s && i->encap == ENC_PPP && s->ipcp.state == CP_OPENED
               ? s->peer_ip : 0;
}

/* ======================================================= Frame Relay */

static void q922(uint8_t *p, uint16_t dlci)
{
    p[0] = (uint8_t)((dlci >> 4) << 2);
    p[1] = (uint8_t)((dlci & 0x0F) << 4 | 1);
}

static struct pvc *pvc_get(struct ser *s, uint16_t dlci, int create)
{
    for (int k = 0; k < s->npvc; k++)
        if (s->pvc[k].dlci == dlci)
            return &s->pvc[k];
    if (!create || s->npvc >= MAX_PVC)
        return NULL;
    struct pvc *p = &s->pvc[s->npvc++];
    memset(p, 0, sizeof(*p));
    p->dlci = dlci;
    return p;
}

static int lmi_dlci(const struct iface *i)
{
    return i->fr_lmi_set && i->fr_lmi != 0 ? 0 : 1023;
}

static void lmi_enquiry(struct iface *i)
{
    struct ser *s = ser_of(i);
    uint8_t f[32];
    size_t n = 0;
    int full = s->lmi_count % 6 == 0;
    int type = i->fr_lmi_set ? i->fr_lmi : 0; /* 0 cisco 1 ansi 2 q933a */

    q922(f, (uint16_t)lmi_dlci(i));
    if (type == 0)
        f[0] = 0xFC, f[1] = 0xF1;          /* DLCI 1023 */
    n = 2;
    f[n++] = 0x03;                          /* UI */
    f[n++] = type == 0 ? 0x09 : 0x08;       /* protocol discriminator */
    f[n++] = 0x00;                          /* call reference */
    f[n++] = 0x75;                          /* STATUS ENQUIRY */
    if (type == 1)
        f[n++] = 0x95;                      /* locking shift (ANSI) */
    f[n++] = type == 2 ? 0x51 : 0x01;       /* report type */
    f[n++] = 1;
    f[n++] = full ? 0x00 : 0x01;
    f[n++] = type == 2 ? 0x53 : 0x03;       /* link integrity */
    f[n++] = 2;
    s->lmi_tx_seq = (uint8_t)(s->lmi_tx_seq == 255 ? 1 : s->lmi_tx_seq + 1);
    f[n++] = s->lmi_tx_seq;
    f[n++] = s->lmi_rx_seq;
    s->lmi_count++;
    s->lmi_enq++;
    s->last_ka_tx = sys_ticks();
    send_frame(i, f, n);
}

/* The subinterface a DLCI belongs to ("frame-relay interface-dlci" under
 * it), or the main interface. */
static struct iface *dlci_owner(struct iface *main, uint16_t dlci)
{
    for (struct iface *s = main->next; s && s->parent == main; s = s->next)
        for (int k = 0; k < s->fr_ndlci; k++)
            if (s->fr_dlci[k] == dlci)
                return s;
    return main;
}

static void inarp_send(struct iface *i, struct pvc *p, int op, uint32_t tpa)
{
    uint8_t f[4 + 24];
    struct iface *o = dlci_owner(i, p->dlci);
    q922(f, p->dlci);
    put16(f + 2, ET_ARP);
    put16(f + 4, 0x000F);     /* hardware: Frame Relay */
    put16(f + 6, ET_IP);
    f[8] = 2;                 /* hardware address: the Q.922 address */
    f[9] = 4;
    put16(f + 10, (uint16_t)op);
    q922(f + 12, p->dlci);
    put32(f + 14, o->ip);
    f[18] = 0;
    f[19] = 0;
    put32(f + 20, tpa);
    send_frame(i, f, sizeof(f));
    if (op == 8)
        p->inarp_sent = sys_ticks() | 1;
}

/* A DLCI with a static map needs no Inverse ARP (as IOS). */
static int dlci_mapped(struct iface *i, uint16_t dlci)
{
    struct iface *o = dlci_owner(i, dlci);
    if (o->p2p)
        return 1; /* point-to-point: the peer is whoever is at the end */
    for (int k = 0; k < o->fr_nmaps; k++)
        if (o->fr_maps[k].dlci == dlci)
            return 1;
    return 0;
}

static void lmi_input(struct iface *i, const uint8_t *p, size_t n)
{
    struct ser *s = ser_of(i);
    size_t k = 0;
    if (n < 4 || p[k + 2] != 0x7D)         /* STATUS */
        return;
    k = 3;
    if (k < n && p[k] == 0x95)
        k++;
    int full = 0;
    for (int j = 0; j < s->npvc; j++)
        s->pvc[j].seen = 0;
    while (k + 2 <= n) {
        uint8_t ie = p[k], l = p[k + 1];
        const uint8_t *v = p + k + 2;
        if (k + 2 + l > n)
            break;
        if ((ie == 0x01 || ie == 0x51) && l >= 1) {
            full = v[0] == 0x00;
        } else if ((ie == 0x03 || ie == 0x53) && l >= 2) {
            s->lmi_rx_seq = v[0];
        } else if (ie == 0x07 && l >= 3) {
            uint16_t dlci;
            int active;
            if (l >= 6 && lmi_dlci(i) == 1023) {    /* Cisco LMI */
                dlci = get16(v);
                active = (v[2] & 0x02) != 0;
            } else {                                 /* ANSI / Q.933 */
                dlci = (uint16_t)((v[0] & 0x3F) << 4 | (v[1] >> 3 & 0x0F));
                active = (v[2] & 0x02) != 0;
            }
            struct pvc *pv = pvc_get(s, dlci, 1);
            if (pv) {
                int was = pv->active;
                pv->active = (uint8_t)active;
                pv->seen = 1;
                if (active && !was && dlci_owner(i, dlci)->ip &&
                    !pv->peer_ip && !dlci_mapped(i, dlci))
                    inarp_send(i, pv, 8, 0);
                if (active != was) {
                    struct iface *o = dlci_owner(i, dlci);
                    if (o != i)
                        iface_update_line(o, 0);
                }
            }
        }
        k += 2 + (size_t)l;
    }
    if (full) {
        for (int j = 0; j < s->npvc; j++)
            if (!s->pvc[j].seen && s->pvc[j].active) {
                s->pvc[j].active = 0;
                struct iface *o = dlci_owner(i, s->pvc[j].dlci);
                if (o != i)
                    iface_update_line(o, 0);
            }
    }
    s->lmi_stat++;
    s->last_rx = sys_ticks();
    if (!s->lmi_up) {
        s->lmi_up = 1;
        iface_update_line(i, 0);
    }
}

static void inarp_input(struct iface *i, uint16_t dlci, const uint8_t *p,
                        size_t n)
{
    struct ser *s = ser_of(i);
    if (n < 20 || get16(p) != 0x000F || get16(p + 2) != ET_IP || p[4] != 2 ||
        p[5] != 4)
        return;
    uint16_t op = get16(p + 6);
    uint32_t spa = get32(p + 10);
    struct pvc *pv = pvc_get(s, dlci, 1);
    if (!pv)
        return;
    if (op == 8 || op == 9)
        pv->peer_ip = spa;
    if (op == 8 && dlci_owner(i, dlci)->ip)
        inarp_send(i, pv, 9, spa);
}

static void fr_input(struct iface *i, const uint8_t *f, size_t n)
{
    struct ser *s = ser_of(i);
    if (n < 4)
        return;
    uint16_t dlci = (uint16_t)((f[0] >> 2) << 4 | f[1] >> 4);
    if ((dlci == 0 || dlci == 1023) && f[2] == 0x03) {
        lmi_input(i, f + 3, n - 3);
        return;
    }
    struct pvc *pv = pvc_get(s, dlci, 0);
    if (pv)
        pv->in_pkts++;
    struct iface *o = dlci_owner(i, dlci);
    if (o != i) {
        o->in_pkts++;
        o->in_bytes += (uint32_t)n;
    }
    if (f[2] == 0x03 && f[3] == 0xCC) {    /* IETF, IPv4 */
        ip_input_pkt(o, f + 4, n - 4);
        return;
    }
    uint16_t et = get16(f + 2);
    if (et == ET_IP)
        ip_input_pkt(o, f + 4, n - 4);
    else if (et == ET_ARP)
        inarp_input(i, dlci, f + 4, n - 4);
}

static int fr_dlci_for(struct iface *i, uint32_t nexthop)
{
    struct iface *m = iface_phys(i);
    struct ser *s = ser_of(m);
    if (i->parent && i->p2p)
        return i->fr_ndlci ? i->fr_dlci[0] : -1;
    for (int k = 0; k < i->fr_nmaps; k++)
        if (i->fr_maps[k].ip == nexthop)
            return i->fr_maps[k].dlci;
    for (int k = 0; k < s->npvc; k++)
        if (s->pvc[k].peer_ip == nexthop &&
            dlci_owner(m, s->pvc[k].dlci) == i)
            return s->pvc[k].dlci;
    if (i->fr_ndlci == 1)
        return i->fr_dlci[0];
    if (!i->parent && i->fr_ndlci == 0 && i->fr_nmaps == 0) {
        int found = -1, count = 0;
        for (int k = 0; k < s->npvc; k++)
            if (s->pvc[k].active && dlci_owner(m, s->pvc[k].dlci) == m) {
                found = s->pvc[k].dlci;
                count++;
            }
        if (count == 1)
            return found;
    }
    return -1;
}

static void fr_periodic(struct iface *i)
{
    struct ser *s = ser_of(i);
    uint32_t now = sys_ticks();
    if (!i->keepalive) {
        return;
    }
    if (now - s->last_ka_tx >= (uint32_t)i->keepalive * ticks_per_s())
        lmi_enquiry(i);
    if (s->lmi_up &&
        now - s->last_rx > 3u * (uint32_t)i->keepalive * ticks_per_s()) {
        s->lmi_up = 0;
        iface_update_line(i, 0);
    }
    /* Inverse ARP again for active PVCs still without a peer address */
    for (int k = 0; k < s->npvc; k++) {
        struct pvc *pv = &s->pvc[k];
        if (pv->active && !pv->peer_ip && dlci_owner(i, pv->dlci)->ip &&
            !dlci_mapped(i, pv->dlci) &&
            now - pv->inarp_sent > 5 * ticks_per_s())
            inarp_send(i, pv, 8, 0);
    }
}

/* ============================================================ common */

void serial_input(struct iface *i, const uint8_t *f, size_t n)
{
    struct ser *s = ser_of(i);
    i->in_pkts++;
    i->in_bytes += (uint32_t)n;
    if (s->encap != (int)i->encap)
        serial_reset(i);
    switch (i->encap) {
    case ENC_HDLC:
        if (n < 4 || (f[0] != HDLC_UNICAST && f[0] != HDLC_BCAST))
            return;
        if (get16(f + 2) == ET_SLARP)
            slarp_input(i, f + 4, n - 4);
        else if (get16(f + 2) == ET_IP && s->hdlc_up)
            ip_input_pkt(i, f + 4, n - 4);
        break;
    case ENC_PPP: {
        size_t k = 0;
        if (n >= 2 && f[0] == 0xFF && f[1] == 0x03)
            k = 2;
        if (n < k + 2)
            return;
        uint16_t proto = get16(f + k);
        if (proto == PPP_LCP || proto == PPP_IPCP) {
            cp_input(i, proto, f + k + 2, n - k - 2);
        } else if (proto == PPP_IP) {
            if (s->ipcp.state == CP_OPENED)
                ip_input_pkt(i, f + k + 2, n - k - 2);
        } else if (s->lcp.state == CP_OPENED) {
            /* Protocol-Reject */
            uint8_t r[64];
            size_t l = n - k < sizeof(r) ? n - k : sizeof(r);
            memcpy(r, f + k, l);
            cp_send(i, PPP_LCP, 8, ++s->lcp.id, r, l);
        }
        break;
    }
    case ENC_FR:
        fr_input(i, f, n);
        break;
    default:
        break;
    }
}

int serial_output_ip(struct iface *i, uint32_t nexthop, const uint8_t *pkt,
                     size_t len)
{
    uint8_t f[1600];
    struct iface *m = iface_phys(i);
    struct ser *s = ser_of(m);
    if (len + 4 > sizeof(f) || !serial_line_up(i))
        return -1;
    switch (m->encap) {
    case ENC_HDLC:
        f[0] = HDLC_UNICAST;
        f[1] = 0;
        put16(f + 2, ET_IP);
        break;
    case ENC_PPP:
        if (s->ipcp.state != CP_OPENED)
            return -1;
        f[0] = 0xFF;
        f[1] = 0x03;
        put16(f + 2, PPP_IP);
        break;
    case ENC_FR: {
        int dlci = fr_dlci_for(i, nexthop);
        if (dlci < 0)
            return -1;
        struct pvc *pv = pvc_get(s, (uint16_t)dlci, 1);
        if (pv)
            pv->out_pkts++;
        if (pv && !pv->active && s->lmi_count && m->keepalive)
            return -1; /* LMI says the PVC is down */
        q922(f, (uint16_t)dlci);
        put16(f + 2, ET_IP);
        break;
    }
    default:
        return -1;
    }
    memcpy(f + 4, pkt, len);
    return send_frame(i, f, len + 4);
}

int serial_line_up(struct iface *i)
{
    if (i->parent) {
        struct iface *m = i->parent;
        if (!m->line_up || i->shutdown)
            return 0;
        if (m->encap == ENC_FR && i->p2p && m->keepalive) {
            /* point-to-point: up while its PVC is active */
            struct ser *s = ser_of(m);
            for (int k = 0; k < i->fr_ndlci; k++) {
                struct pvc *p = pvc_get(s, i->fr_dlci[k], 0);
                if (p && p->active)
                    return 1;
            }
            return 0;
        }
        return 1;
    }
    struct ser *s = ser_of(i);
    if (!s->carrier || s->encap != (int)i->encap)
        return 0;
    switch (i->encap) {
    case ENC_HDLC:
        return i->keepalive ? s->hdlc_up : 1;
    case ENC_PPP:
        return s->lcp.state == CP_OPENED;
    case ENC_FR:
        return i->keepalive ? s->lmi_up : 1;
    default:
        return 0;
    }
}

void serial_reset(struct iface *i)
{
    if (i->parent)
        return;
    struct ser *s = ser_of(i);
    uint32_t magic = s->magic;
    memset(s, 0, sizeof(*s));
    s->magic = magic;
    s->encap = (int)i->encap;
    s->carrier = !i->shutdown && i->nic && i->nic->running &&
                 i->nic->ops->link(i->nic);
    if (!s->carrier)
        return;
    switch (i->encap) {
    case ENC_HDLC:
        if (i->keepalive)
            slarp_keepalive(i);
        break;
    case ENC_PPP:
        ppp_restart(i);
        break;
    case ENC_FR:
        if (i->keepalive)
            lmi_enquiry(i);
        break;
    default:
        break;
    }
}

void serial_periodic(void)
{
    uint32_t now = sys_ticks();
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->type != IFT_SERIAL || !i->nic || i->parent)
            continue;
        struct ser *s = ser_of(i);
        int carrier = !i->shutdown && i->nic->running &&
                      i->nic->ops->link(i->nic);
        if (carrier != s->carrier || s->encap != (int)i->encap) {
            serial_reset(i);
            iface_update_line(i, 0);
            continue;
        }
        if (!carrier)
            continue;
        switch (i->encap) {
        case ENC_HDLC:
            if (!i->keepalive)
                break;
            if (now - s->last_ka_tx >= (uint32_t)i->keepalive * ticks_per_s())
                slarp_keepalive(i);
            if (s->hdlc_up && now - s->last_rx >
                                  3u * (uint32_t)i->keepalive * ticks_per_s()) {
                s->hdlc_up = 0;
                iface_update_line(i, 0);
            }
            break;
        case ENC_PPP:
            ppp_periodic(i);
            break;
        case ENC_FR:
            fr_periodic(i);
            break;
        default:
            break;
        }
    }
}

/* ============================================================== show */

void show_frame_relay_pvc(void)
{
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->type != IFT_SERIAL || i->encap != ENC_FR || !i->ser ||
            i->parent)
            continue;
        struct ser *s = i->ser;
        tty_printf("\nPVC Statistics for interface %s (Frame Relay DTE)\n\n",
                   i->name);
        for (int k = 0; k < s->npvc; k++) {
            struct pvc *p = &s->pvc[k];
            tty_printf("DLCI = %u, DLCI USAGE = LOCAL, PVC STATUS = %s, "
                       "INTERFACE = %s\n\n  input pkts %u  output pkts %u\n\n",
                       p->dlci, p->active ? "ACTIVE" : "INACTIVE",
                       dlci_owner(i, p->dlci)->name,
                       p->in_pkts, p->out_pkts);
        }
    }
}

void show_frame_relay_map(void)
{
    char a[16];
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->type != IFT_SERIAL || iface_phys(i)->encap != ENC_FR)
            continue;
        const char *st = i->shutdown ? "administratively down"
                         : i->line_up ? "up" : "down";
        for (int k = 0; k < i->fr_nmaps; k++)
            tty_printf("%s (%s): ip %s dlci %u(0x%X,0x%X), static,\n"
                       "              %sCISCO, status defined, %s\n",
                       i->name, st, ip_str(i->fr_maps[k].ip, a),
                       i->fr_maps[k].dlci, i->fr_maps[k].dlci,
                       (i->fr_maps[k].dlci >> 4) << 10 |
                           (i->fr_maps[k].dlci & 15) << 4 | 1,
                       i->fr_maps[k].broadcast ? "broadcast,\n              "
                                               : "",
                       "active");
        if (i->parent && i->p2p) {
            for (int k = 0; k < i->fr_ndlci; k++)
                tty_printf("%s (%s): point-to-point dlci, dlci %u(0x%X,0x%X), "
                           "broadcast\n          status defined, active\n",
                           i->name, st, i->fr_dlci[k], i->fr_dlci[k],
                           (i->fr_dlci[k] >> 4) << 10 |
                               (i->fr_dlci[k] & 15) << 4 | 1);
        }
        if (!i->ser || i->parent)
            continue;
        for (int k = 0; k < i->ser->npvc; k++) {
            struct pvc *p = &i->ser->pvc[k];
            if (p->peer_ip && !dlci_owner(i, p->dlci)->p2p)
                tty_printf("%s (%s): ip %s dlci %u(0x%X,0x%X), dynamic,\n"
                           "              broadcast,, status defined, %s\n",
                           dlci_owner(i, p->dlci)->name, st,
                           ip_str(p->peer_ip, a), p->dlci,
                           p->dlci, (p->dlci >> 4) << 10 | (p->dlci & 15) << 4 | 1,
                           p->active ? "active" : "inactive");
        }
    }
}

void show_frame_relay_lmi(void)
{
    static const char *const names[] = {"CISCO", "ANSI", "Q933A"};
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->type != IFT_SERIAL || i->encap != ENC_FR || i->parent)
            continue;
        struct ser *s = ser_of(i);
        tty_printf("\nLMI Statistics for interface %s (Frame Relay DTE) LMI "
                   "TYPE = %s\n  Num Status Enq. Sent %u      Num Status msgs "
                   "Rcvd %u\n", i->name,
                   names[i->fr_lmi_set ? i->fr_lmi : 0], s->lmi_enq,
                   s->lmi_stat);
    }
}

/* Encapsulation lines of "show interfaces". */
void serial_show_iface(struct iface *i)
{
    if (i->parent)
        return;
    static const char *const st[] = {"Closed", "REQsent", "ACKrcvd",
                                     "ACKsent", "Open"};
    static const char *const lmi[] = {"CISCO", "ANSI Annex D", "CCITT"};
    struct ser *s = ser_of(i);
    if (i->encap == ENC_PPP) {
        tty_printf("  LCP %s\n", st[s->lcp.state]);
        if (s->ipcp.state == CP_OPENED)
            tty_write("  Open: IPCP\n");
    } else if (i->encap == ENC_FR) {
        tty_printf("  LMI enq sent  %u, LMI stat recvd %u, LMI upd recvd 0, "
                   "DTE LMI %s\n", s->lmi_enq, s->lmi_stat,
                   s->lmi_up ? "up" : "down");
        tty_printf("  LMI DLCI %d  LMI type is %s  frame relay DTE\n",
                   lmi_dlci(i), lmi[i->fr_lmi_set ? i->fr_lmi : 0]);
    }
}
