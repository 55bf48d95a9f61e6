/*
 * iface.c - the interface list: naming, lookup, administrative and line
 * state, and the state-change log messages IOS prints.
 */
#include "fw.h"

#include "net.h"
#include "serial.h"

struct iface *ifaces;

static int iface_cmp(const struct iface *a, const struct iface *b)
{
    int va = if_types[a->type].is_virtual, vb = if_types[b->type].is_virtual;
    if (va != vb)
        return va - vb;
    if (va)
        return a->type != b->type ? (int)a->type - (int)b->type
                                  : a->port - b->port;
    if (a->slot != b->slot)
        return a->slot - b->slot;
    if (a->type != b->type) /* c7200: Gi0/0 before Et0/0; else Fa before Se */
        return plat.fam == PF_C7200 ? (int)b->type - (int)a->type
                                    : (int)a->type - (int)b->type;
    if (a->port != b->port)
        return a->port - b->port;
    return a->sub < b->sub ? -1 : a->sub > b->sub;
}

static void iface_insert(struct iface *i)
{
    struct iface **pp = &ifaces;
    while (*pp && iface_cmp(*pp, i) < 0)
        pp = &(*pp)->next;
    i->next = *pp;
    *pp = i;
}

struct iface *iface_phys(struct iface *i)
{
    return i->parent ? i->parent : i;
}

/* "Serial1/0.102": shares the chip (and MAC) of its main interface. */
struct iface *iface_add_sub(struct iface *parent, uint32_t sub, int p2p)
{
    struct iface *i = fw_alloc(sizeof(*i));
    i->type = parent->type;
    i->slot = parent->slot;
    i->port = parent->port;
    i->sub = sub;
    i->parent = parent;
    i->p2p = p2p;
    i->card = parent->card;
    i->encap = parent->type == IFT_SERIAL ? parent->encap : ENC_ARPA;
    i->keepalive = parent->keepalive;
    memcpy(i->mac, parent->mac, 6);
    snprintf(i->name, sizeof(i->name), "%s.%u", parent->name, sub);
    snprintf(i->sname, sizeof(i->sname), "%s.%u", parent->sname, sub);
    i->changed_ticks = sys_ticks();
    iface_insert(i);
    return i;
}

struct iface *iface_find_sub(enum if_type t, int slot, int port, uint32_t sub)
{
    for (struct iface *i = ifaces; i; i = i->next)
        if (i->type == t && i->slot == slot && i->port == port &&
            i->sub == sub)
            return i;
    return NULL;
}

struct iface *iface_add(enum if_type t, int slot, int port,
                        const struct card *c)
{
    struct iface *i = fw_alloc(sizeof(*i));
    i->type = t;
    i->slot = slot;
    i->port = port;
    i->card = c;
    i->shutdown = 1;
    i->keepalive = 10;
    if (if_types[t].is_virtual) {
        i->slot = -1;
        snprintf(i->name, sizeof(i->name), "%s%d", if_types[t].name, port);
        snprintf(i->sname, sizeof(i->sname), "%s%d", if_types[t].abbrev,
                 port);
        i->shutdown = 0;
    } else {
        snprintf(i->name, sizeof(i->name), "%s%d/%d", if_types[t].name,
                 slot, port);
        snprintf(i->sname, sizeof(i->sname), "%s%d/%d", if_types[t].abbrev,
                 slot, port);
    }
    if (t == IFT_SERIAL)
        i->encap = ENC_HDLC;
    else if (t != IFT_LOOPBACK)
        i->encap = ENC_ARPA;
    /* Interface MACs come from the chassis block (c7200.md §19). */
    memcpy(i->mac, hw.mac, 6);
    if (slot >= 0) {
        uint32_t lo = (uint32_t)i->mac[4] << 8 | i->mac[5];
        lo += (uint32_t)(slot * 8 + port);
        i->mac[4] = (uint8_t)(lo >> 8);
        i->mac[5] = (uint8_t)lo;
    }
    i->changed_ticks = sys_ticks();
    iface_insert(i);
    return i;
}

void iface_delete(struct iface *i)
{
    for (struct iface **pp = &ifaces; *pp; pp = &(*pp)->next) {
        if (*pp == i) {
            *pp = i->next;
            return; /* memory is not reclaimed (bump allocator) */
        }
    }
}

struct iface *iface_find(enum if_type t, int slot, int port)
{
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->type == t && i->port == port && !i->sub &&
            (if_types[t].is_virtual || i->slot == slot))
            return i;
    }
    return NULL;
}

/* Full or abbreviated name: "FastEthernet0/0", "fa0/0", "f0/0". */
struct iface *iface_by_name(const char *s)
{
    size_t n = 0;
    while (s[n] && !fw_isdigit(s[n]))
        n++;
    if (n == 0)
        return NULL;
    int type = -1;
    for (int t = 0; t < IFT_COUNT; t++) {
        if (fw_strncasecmp(s, if_types[t].name, n) == 0 &&
            strlen(if_types[t].name) >= n) {
            if (type >= 0)
                return NULL;
            type = t;
        }
    }
    if (type < 0)
        return NULL;
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->type != (enum if_type)type)
            continue;
        const char *num = strlen(i->name) > 0 ? i->name +
                                                    strlen(if_types[type].name)
                                              : "";
        if (strcmp(num, s + n) == 0)
            return i;
    }
    return NULL;
}

int if_is_ethernet(const struct iface *i)
{
    return i->type == IFT_ETHERNET || i->type == IFT_FASTETHERNET ||
           i->type == IFT_GIGABITETHERNET || i->type == IFT_VLAN;
}

/* Carrier: loopbacks always, otherwise what the driver reports. */
static int if_link(const struct iface *i)
{
    if (i->type == IFT_LOOPBACK)
        return 1;
    if (i->parent)
        return !i->parent->shutdown && if_link(i->parent);
    if (!i->nic || !i->nic->running)
        return 0;
    return i->nic->ops->link ? i->nic->ops->link(i->nic) : 1;
}

const char *if_status_str(const struct iface *i)
{
    if (i->shutdown)
        return "administratively down";
    return if_link(i) ? "up" : "down";
}

const char *if_proto_str(const struct iface *i)
{
    return i->line_up ? "up" : "down";
}

/* Recomputes the line protocol; logs the changes as IOS does. */
void iface_update_line(struct iface *i, int quiet)
{
    int link = !i->shutdown && if_link(i);
    /* Line protocol: Ethernet and loopbacks follow the link; serial
     * interfaces also need their encapsulation's keepalives. */
    int proto = link && (i->type != IFT_SERIAL || serial_line_up(i));
    if (i->parent)
        proto = link && i->parent->line_up &&
                (i->type != IFT_SERIAL || serial_line_up(i));
    if (link != i->link_up) {
        i->link_up = link;
        if (!quiet && !i->shutdown)
            fw_log("%%LINK-3-UPDOWN: Interface %s, changed state to %s",
                   i->name, link ? "up" : "down");
    }
    if (proto != i->line_up) {
        i->line_up = proto;
        i->changed_ticks = sys_ticks();
        if (!quiet)
            fw_log("%%LINEPROTO-5-UPDOWN: Line protocol on Interface %s, "
                   "changed state to %s", i->name, proto ? "up" : "down");
    }
    if (!i->parent)
        for (struct iface *s = i->next; s && s->parent == i; s = s->next)
            iface_update_line(s, quiet);
}

void iface_set_shutdown(struct iface *i, int down, int quiet)
{
    if (i->shutdown == down) {
        iface_update_line(i, quiet);
        return;
    }
    i->shutdown = down;
    if (i->nic) {
        if (down && i->nic->running) {
            i->nic->ops->stop(i->nic);
            i->nic->running = 0;
        } else if (!down && !i->nic->running) {
            i->nic->running = i->nic->ops->start(i->nic) == 0;
        }
        if (i->type == IFT_SERIAL && !i->parent)
            serial_reset(i);
    }
    if (down && !quiet) {
        i->link_up = 0;
        fw_log("%%LINK-5-CHANGED: Interface %s, changed state to "
               "administratively down", i->name);
    }
    iface_update_line(i, quiet);
}
