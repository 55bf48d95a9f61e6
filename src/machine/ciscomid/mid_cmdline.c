/*
 * Command-line cards and NIO bindings of the 3600 family and the GT-96100
 * routers (hypervisor.md §7.4). See mid_cmdline.h.
 */
#include "machine/ciscomid/mid_cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/vm.h"
#include "machine/ciscomid/mid_nm.h"
#include "net/nio.h"

/* A usage error: -EINVAL with the reason in err. */
#define fail(err, errlen, ...) errf(err, errlen, -EINVAL, __VA_ARGS__)

void mid_cmdline_init(struct mid_cmdline *c, const struct mid_platform *p,
                      const struct mid_model *model)
{
    memset(c, 0, sizeof(*c));
    c->plat = p;
    c->model = model;
}

/* The card the slot / sub-slot will hold: -p, else the built-in one. */
static const char *slot_card(const struct mid_cmdline *c, unsigned slot,
                             unsigned sub)
{
    if (c->card[slot][sub])
        return c->card[slot][sub];
    return slot == 0 && sub == 0 ? c->model->slot0_card : NULL;
}

int mid_cmdline_card(struct mid_cmdline *c, const char *arg, char *err,
                     size_t errlen)
{
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s", arg ? arg : "");
    char *f[3];
    int n = 0;
    for (char *p = tmp; n < 3;) {
        f[n++] = p;
        p = strchr(p, ':');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (n < 2 || strchr(f[n - 1], ':'))
        return fail(err, errlen, "<slot>:<card> or <slot>:<port>:<card> "
                    "expected");
    const char *card = f[n - 1];
    const char *card_arg = arg + (card - tmp); /* the same tail in argv */
    unsigned slot, port = 0;
    if (cmdline_num(f[0], 999, &slot) < 0)
        return fail(err, errlen, "slot number expected, not '%s'", f[0]);
    if (n == 3 && cmdline_num(f[1], 999, &port) < 0)
        return fail(err, errlen, "port number expected, not '%s'", f[1]);
    unsigned sub = port / MID_WIC_PORT_BASE;
    if (slot >= c->model->nslots)
        return fail(err, errlen, "slot %u out of range (0-%u on a %s)", slot,
                    c->model->nslots - 1, c->model->name);
    if (port % MID_WIC_PORT_BASE || sub > MID_MAX_WICS)
        return fail(err, errlen, "port %u is not a card position (0, or "
                    "16/32/48 for WIC 0/1/2)", port);
    switch (mid_nm_card_check(c->plat->family, c->model->nslots, slot, sub,
                              card)) {
    case 0:
        break;
    case -ENOENT:
        return fail(err, errlen, "unknown card '%s'", card);
    case -ENOTSUP:
        return fail(err, errlen, "card '%s' is not emulated", card);
    default:
        return fail(err, errlen, "card '%s' does not fit slot %u%s of a %s",
                    card, slot, sub ? " (WIC)" : "", c->model->name);
    }
    if (c->card[slot][sub])
        return fail(err, errlen, "slot %u port %u given twice", slot, port);
    c->card[slot][sub] = card_arg;
    return 0;
}

int mid_cmdline_nio(struct mid_cmdline *c, const char *arg, char *err,
                    size_t errlen)
{
    if (c->nb == MID_CMDLINE_BINDINGS)
        return fail(err, errlen, "too many NIO bindings");
    struct cmdline_nio *b = &c->b[c->nb];
    int rc = cmdline_nio_split(b, arg, err, errlen);
    if (rc < 0)
        return rc;
    if (cmdline_num(b->slot_text, 999, &b->slot) < 0 ||
        b->slot >= c->model->nslots)
        return fail(err, errlen, "slot number 0-%u expected, not '%s'",
                    c->model->nslots - 1, b->slot_text);
    if (cmdline_num(b->port_text, 999, &b->port) < 0 ||
        b->port >= MID_WIC_PORT_BASE * (1 + MID_MAX_WICS))
        return fail(err, errlen, "port number expected, not '%s'",
                    b->port_text);
    if (cmdline_nio_taken(c->b, c->nb, b))
        return fail(err, errlen, "slot %u port %u given twice", b->slot,
                    b->port);
    c->nb++;
    return 0;
}

int mid_cmdline_check(struct mid_cmdline *c, char *err, size_t errlen)
{
    for (unsigned i = 0; i < c->nb; i++) {
        const struct cmdline_nio *b = &c->b[i];
        unsigned sub = b->port / MID_WIC_PORT_BASE;
        unsigned p = b->port % MID_WIC_PORT_BASE;
        if (sub && b->slot != 0)
            return fail(err, errlen, "-s %u:%u: WIC ports are in slot 0",
                        b->slot, b->port);
        const char *card = slot_card(c, b->slot, sub);
        if (!card)
            return fail(err, errlen, "-s %u:%u: no card there (add -p "
                        "%u%s:<card>)", b->slot, b->port, b->slot,
                        sub ? (sub == 1 ? ":16" : sub == 2 ? ":32" : ":48")
                            : "");
        int ports = mid_nm_card_ports(card);
        if ((int)p >= ports)
            return fail(err, errlen, "-s %u:%u: %s has %d port%s", b->slot,
                        b->port, card, ports, ports == 1 ? "" : "s");
    }
    return 0;
}

int mid_cmdline_apply(struct mid_cmdline *c, struct vm *vm,
                      struct evloop *ev, struct logger *lg, char *err,
                      size_t errlen)
{
    int rc = mid_cmdline_check(c, err, errlen);
    if (rc == 0)
        rc = cmdline_nio_create(c->b, c->nb, c->plat->name,
                                vm->cfg.instance_id, ev, lg, err, errlen);
    /* modules first, then the WICs they hold */
    for (unsigned sub = 0; rc == 0 && sub <= MID_MAX_WICS; sub++) {
        for (unsigned slot = 0; rc == 0 && slot < MID_MAX_SLOTS; slot++) {
            const char *card = c->card[slot][sub];
            if (!card)
                continue;
            rc = mid_nm_insert(vm, slot, sub, card);
            if (rc < 0) {
                snprintf(err, errlen, "cannot insert %s in slot %u: %s",
                         card, slot, strerror(-rc));
                rc = rc == -EINVAL ? -EIO : rc;
            }
        }
    }
    for (unsigned i = 0; rc == 0 && i < c->nb; i++) {
        struct cmdline_nio *b = &c->b[i];
        rc = mid_nm_bind_nio(vm, b->slot, b->port, b->nio);
        if (rc < 0) {
            snprintf(err, errlen, "cannot bind NIO %s to slot %u port %u: %s",
                     nio_name(b->nio), b->slot, b->port, strerror(-rc));
            rc = rc == -EINVAL ? -EIO : rc;
        }
    }
    return rc;
}

void mid_cmdline_release(struct mid_cmdline *c)
{
    cmdline_nio_release(c->b, c->nb);
}
