/*
 * The command line's NIO bindings (hypervisor.md §7.4, network.md §2.12),
 * as the c7200 (c7200_pa_cmdline.h) and the 3600 / GT-96100 routers
 * (mid_cmdline.h) take them:
 *   -s <slot>:<port>:<type>[:<params>...]
 * NIO types as netcfg_nio_create() takes them. This is the part the
 * platforms share: splitting an argument, number fields, duplicates, the
 * NIOs' creation and release. Which slots and ports exist is the
 * platform's to check.
 */
#ifndef MACHINE_CARD_CMDLINE_NIO_H
#define MACHINE_CARD_CMDLINE_NIO_H

#include <stddef.h>

struct evloop;
struct logger;
struct nio;

#define CMDLINE_NIO_FIELDS 8 /* type and up to 7 parameters */

/* One -s argument; plain storage, so it may live on a stack. */
struct cmdline_nio {
    unsigned slot, port;
    const char *slot_text, *port_text; /* in buf, for the caller's checks */
    char buf[256];                     /* the argument, split */
    char *field[CMDLINE_NIO_FIELDS];   /* type, parameters */
    int nfields;
    struct nio *nio;                   /* after cmdline_nio_create */
};

/*
 * Splits arg into b (slot_text, port_text, field[]); slot and port are
 * left for the caller to parse and check. 0 or -EINVAL with the reason in
 * err (a usage error).
 */
int cmdline_nio_split(struct cmdline_nio *b, const char *arg, char *err,
                      size_t errlen);

/* A decimal number of s, at most max: 0, or -1 for anything else. */
int cmdline_num(const char *s, unsigned max, unsigned *out);

/* 1 when one of b[0..n) is on b's slot and port already. */
int cmdline_nio_taken(const struct cmdline_nio *b, unsigned n,
                      const struct cmdline_nio *nb);

/*
 * Creates the NIO of each of b[0..n), named "<prefix>-i<id>/<slot>/<port>".
 * 0, or the NIO layer's error with "-s <slot>:<port>: <why>" in err (the
 * NIOs made so far stay, for cmdline_nio_release).
 */
int cmdline_nio_create(struct cmdline_nio *b, unsigned n, const char *prefix,
                       int instance_id, struct evloop *ev, struct logger *lg,
                       char *err, size_t errlen);

/* Destroys the NIOs cmdline_nio_create made. */
void cmdline_nio_release(struct cmdline_nio *b, unsigned n);

#endif
