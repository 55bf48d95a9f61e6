/*
 * The command line's port adapters and NIO bindings for a c7200
 * (hypervisor.md §7.4, network.md §2.12):
 *   -p <slot>:<card>  or  -p <slot>:0:<card>       a card in a bay
 *   -s <slot>:<port>:<type>[:<params>...]           a NIO on a port
 * NIO types as netcfg_nio_create() takes them: udp:<lport>:<rhost>:<rport>,
 * unix:<local>:<remote>, vde:<control>:<local>, tap:<dev>,
 * tcp_cli:<host>:<port>, tcp_ser:<port>, linux_eth:<if>, gen_eth:<if>,
 * null. The NIO of slot s port p is named "c7200-i<id>/<s>/<p>".
 *
 * Use: collect every -p / -s while parsing options (syntax and catalogue
 * checks, errors are usage errors), then after vm_create() apply them
 * (creates the NIOs, inserts the cards, binds), and free after
 * vm_destroy() (destroys the NIOs). Bay 0 holds the C7200-IO-FE unless a
 * -p 0:<card> says otherwise.
 */
#ifndef MACHINE_C7200_PA_CMDLINE_H
#define MACHINE_C7200_PA_CMDLINE_H

#include <stddef.h>

#include "machine/c7200/c7200_pa.h"
#include "machine/card/cmdline_nio.h"

struct evloop;
struct logger;
struct vm;

#define C7200_PA_CMDLINE_BINDINGS (C7200_PA_BAYS * C7200_PA_MAX_PORTS)

/* Plain storage (no allocation until apply), so it may live on a stack. */
struct c7200_pa_cmdline {
    const char *card[C7200_PA_BAYS]; /* tails of the -p arguments */
    struct cmdline_nio b[C7200_PA_CMDLINE_BINDINGS];
    unsigned nb;
};

void c7200_pa_cmdline_init(struct c7200_pa_cmdline *c);

/*
 * One -p / -s argument (a -p argument must outlive c: argv). Returns 0,
 * or -EINVAL with the reason in err ("unknown card 'PA-9T'", "slot 7 out
 * of range (0-6)"...): a usage error.
 */
int c7200_pa_cmdline_card(struct c7200_pa_cmdline *c, const char *arg,
                          char *err, size_t errlen);
int c7200_pa_cmdline_nio(struct c7200_pa_cmdline *c, const char *arg,
                         char *err, size_t errlen);

/*
 * After all options: every -s names a port of a card that will be there.
 * 0 or -EINVAL (usage error, reason in err).
 */
int c7200_pa_cmdline_check(struct c7200_pa_cmdline *c, char *err,
                           size_t errlen);

/*
 * Build it into a created, not yet started router. Returns 0; -EINVAL for
 * a NIO type or parameter the NIO layer refuses (usage error); another
 * negative errno when a NIO or card cannot be created (reason in err).
 */
int c7200_pa_cmdline_apply(struct c7200_pa_cmdline *c, struct vm *vm,
                           struct evloop *ev, struct logger *lg,
                           char *err, size_t errlen);

/* Destroys the NIOs apply created (after vm_destroy). */
void c7200_pa_cmdline_release(struct c7200_pa_cmdline *c);

#endif
