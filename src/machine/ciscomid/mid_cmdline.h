/*
 * The command line's cards and NIO bindings for the 3600 family and the
 * GT-96100 routers (hypervisor.md §7.4; as c7200_pa_cmdline.h for the
 * c7200):
 *   -p <slot>:<card>  or  -p <slot>:<port>:<card>   a card; port 16, 32, 48
 *                                                    = WIC 0, 1, 2 of slot 0
 *   -s <slot>:<port>:<type>[:<params>...]           a NIO on a port (WIC
 *                                                    ports: 16 * (w + 1) + p)
 * NIO types as netcfg_nio_create() takes them. The NIO of slot s port p is
 * named "<platform>-i<id>/<s>/<p>". Built-in slot-0 cards (Leopard-2FE,
 * GT96100-FE) are there without a -p.
 *
 * Use: collect every -p / -s (syntax and catalogue checks against the
 * platform and chassis: usage errors), then after vm_create() apply, and
 * release after vm_destroy().
 */
#ifndef MACHINE_CISCOMID_MID_CMDLINE_H
#define MACHINE_CISCOMID_MID_CMDLINE_H

#include <stddef.h>

#include "machine/card/cmdline_nio.h"
#include "machine/ciscomid/mid.h"

struct evloop;
struct logger;
struct vm;

#define MID_CMDLINE_BINDINGS 64

struct mid_cmdline {
    const struct mid_platform *plat;
    const struct mid_model *model;
    const char *card[MID_MAX_SLOTS][1 + MID_MAX_WICS];
    struct cmdline_nio b[MID_CMDLINE_BINDINGS];
    unsigned nb;
};

void mid_cmdline_init(struct mid_cmdline *c, const struct mid_platform *p,
                      const struct mid_model *model);
/* One argument; 0 or -EINVAL with the reason in err (usage error). */
int mid_cmdline_card(struct mid_cmdline *c, const char *arg, char *err,
                     size_t errlen);
int mid_cmdline_nio(struct mid_cmdline *c, const char *arg, char *err,
                    size_t errlen);
/* After all options: every -s names a port of a card that will be there. */
int mid_cmdline_check(struct mid_cmdline *c, char *err, size_t errlen);
/* Into a created router: 0, -EINVAL (usage), other -errno (reason in err). */
int mid_cmdline_apply(struct mid_cmdline *c, struct vm *vm,
                      struct evloop *ev, struct logger *lg, char *err,
                      size_t errlen);
void mid_cmdline_release(struct mid_cmdline *c);

#endif
