/*
 * Command-line port adapters and NIO bindings of a c7200 (hypervisor.md
 * §7.4, network.md §2.12). See c7200_pa_cmdline.h.
 */
#include "machine/c7200/c7200_pa_cmdline.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/vm.h"
#include "machine/c7200/c7200_pa.h"
#include "net/nio.h"

#define MAX_BINDINGS C7200_PA_CMDLINE_BINDINGS
#define DEFAULT_IO_CARD "C7200-IO-FE" /* c7200.md §1 */

typedef struct cmdline_nio cmd_binding;

/* A usage error: -EINVAL with the reason in err. */
#define fail(err, errlen, ...) errf(err, errlen, -EINVAL, __VA_ARGS__)

void c7200_pa_cmdline_init(struct c7200_pa_cmdline *c)
{
    memset(c, 0, sizeof(*c));
}

static void list_cards(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (unsigned i = 0; c7200_pa_card_at(i) && n < len; i++) {
        const char *name = c7200_pa_card_at(i);
        if (c7200_pa_card_check(0, name) < 0 &&
            c7200_pa_card_check(1, name) < 0) {
            continue; /* not emulated */
        }
        int w = snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
        n += w > 0 ? (size_t)w : 0;
    }
}

int c7200_pa_cmdline_card(struct c7200_pa_cmdline *c, const char *arg,
                          char *err, size_t errlen)
{
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s", arg ? arg : "");
    char *colon = strchr(tmp, ':');
    if (!colon) {
        return fail(err, errlen, "<slot>:<card> expected");
    }
    *colon = '\0';
    char *card = colon + 1;
    char *sub = strchr(card, ':');
    if (sub) { /* <slot>:<subslot>:<card>: a 7200 has no sub-slots */
        *sub = '\0';
        unsigned ss;
        if (cmdline_num(card, 15, &ss) < 0 || ss != 0) {
            return fail(err, errlen, "a c7200 has no sub-slot '%s'", card);
        }
        card = sub + 1;
    }
    const char *card_arg = arg + (card - tmp); /* the same tail in argv */
    unsigned slot;
    if (cmdline_num(tmp, 999, &slot) < 0) {
        return fail(err, errlen, "slot number expected, not '%s'", tmp);
    }
    if (slot >= C7200_PA_BAYS) {
        return fail(err, errlen, "slot %u out of range (0-%d)", slot,
                    C7200_PA_BAYS - 1);
    }
    char known[512];
    switch (c7200_pa_card_check(slot, card)) {
    case 0:
        break;
    case -ENOENT:
        list_cards(known, sizeof(known));
        return fail(err, errlen, "unknown card '%s' (cards: %s)", card, known);
    case -ENOTSUP:
        return fail(err, errlen, "card '%s' is not emulated", card);
    default:
        return fail(err, errlen, "card '%s' does not fit slot %u (I/O cards "
                    "go in slot 0, port adapters in slots 1-6)", card, slot);
    }
    if (c->card[slot]) {
        return fail(err, errlen, "slot %u given twice", slot);
    }
    c->card[slot] = card_arg;
    return 0;
}

int c7200_pa_cmdline_nio(struct c7200_pa_cmdline *c, const char *arg,
                         char *err, size_t errlen)
{
    if (c->nb == MAX_BINDINGS) {
        return fail(err, errlen, "too many NIO bindings");
    }
    cmd_binding *b = &c->b[c->nb];
    int rc = cmdline_nio_split(b, arg, err, errlen);
    if (rc < 0) {
        return rc;
    }
    if (cmdline_num(b->slot_text, 999, &b->slot) < 0 ||
        b->slot >= C7200_PA_BAYS) {
        return fail(err, errlen, "slot number 0-%d expected, not '%s'",
                    C7200_PA_BAYS - 1, b->slot_text);
    }
    if (cmdline_num(b->port_text, 999, &b->port) < 0 ||
        b->port >= C7200_PA_MAX_PORTS) {
        return fail(err, errlen, "port number 0-%d expected, not '%s'",
                    C7200_PA_MAX_PORTS - 1, b->port_text);
    }
    if (cmdline_nio_taken(c->b, c->nb, b)) {
        return fail(err, errlen, "slot %u port %u given twice", b->slot,
                    b->port);
    }
    c->nb++;
    return 0;
}

static const char *slot_card(const struct c7200_pa_cmdline *c, unsigned slot)
{
    if (c->card[slot]) {
        return c->card[slot];
    }
    return slot == 0 ? DEFAULT_IO_CARD : NULL;
}

int c7200_pa_cmdline_check(struct c7200_pa_cmdline *c, char *err,
                           size_t errlen)
{
    for (unsigned i = 0; i < c->nb; i++) {
        const cmd_binding *b = &c->b[i];
        const char *card = slot_card(c, b->slot);
        if (!card) {
            return fail(err, errlen, "-s %u:%u: slot %u has no card (add -p "
                        "%u:<card>)", b->slot, b->port, b->slot, b->slot);
        }
        int ports = c7200_pa_card_ports(card);
        if ((int)b->port >= ports) {
            return fail(err, errlen, "-s %u:%u: %s has %d port%s (0-%d)",
                        b->slot, b->port, card, ports, ports == 1 ? "" : "s",
                        ports - 1);
        }
    }
    return 0;
}

int c7200_pa_cmdline_apply(struct c7200_pa_cmdline *c, struct vm *vm,
                           struct evloop *ev, struct logger *lg,
                           char *err, size_t errlen)
{
    int rc = c7200_pa_cmdline_check(c, err, errlen);
    if (rc == 0) {
        rc = cmdline_nio_create(c->b, c->nb, "c7200", vm->cfg.instance_id, ev,
                                lg, err, errlen);
    }
    for (unsigned slot = 0; rc == 0 && slot < C7200_PA_BAYS; slot++) {
        if (!c->card[slot]) {
            continue;
        }
        rc = c7200_pa_insert(vm, slot, c->card[slot]);
        if (rc < 0) {
            snprintf(err, errlen, "cannot insert %s in slot %u: %s",
                     c->card[slot], slot,
                     rc == -EEXIST ? "this NPE has no room for it"
                                   : strerror(-rc));
            rc = rc == -EINVAL ? -EIO : rc; /* not a usage error here */
        }
    }
    for (unsigned i = 0; rc == 0 && i < c->nb; i++) {
        cmd_binding *b = &c->b[i];
        rc = c7200_pa_bind_nio(vm, b->slot, b->port, b->nio);
        if (rc < 0) {
            snprintf(err, errlen, "cannot bind NIO %s to slot %u port %u: %s",
                     nio_name(b->nio), b->slot, b->port, strerror(-rc));
            rc = rc == -EINVAL ? -EIO : rc;
        }
    }
    return rc;
}

void c7200_pa_cmdline_release(struct c7200_pa_cmdline *c)
{
    cmdline_nio_release(c->b, c->nb);
}
