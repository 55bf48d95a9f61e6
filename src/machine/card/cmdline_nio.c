/* The command line's NIO bindings; see cmdline_nio.h. */
#include "machine/card/cmdline_nio.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "net/netcfg.h"
#include "net/nio.h"

int cmdline_num(const char *s, unsigned max, unsigned *out)
{
    char *end;
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

int cmdline_nio_split(struct cmdline_nio *b, const char *arg, char *err,
                      size_t errlen)
{
    memset(b, 0, sizeof(*b));
    if (snprintf(b->buf, sizeof(b->buf), "%s", arg ? arg : "") >=
        (int)sizeof(b->buf))
        return errf(err, errlen, -EINVAL, "argument too long");
    char *fields[CMDLINE_NIO_FIELDS + 2];
    int n = 0;
    for (char *p = b->buf; n < CMDLINE_NIO_FIELDS + 2;) {
        fields[n++] = p;
        p = strchr(p, ':');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (n < 3)
        return errf(err, errlen, -EINVAL,
                    "<slot>:<port>:<type>[:<parameters>] expected");
    if (n > CMDLINE_NIO_FIELDS + 1)
        return errf(err, errlen, -EINVAL, "too many parameters");
    b->slot_text = fields[0];
    b->port_text = fields[1];
    b->nfields = n - 2;
    for (int i = 0; i < b->nfields; i++)
        b->field[i] = fields[i + 2];
    return 0;
}

int cmdline_nio_taken(const struct cmdline_nio *b, unsigned n,
                      const struct cmdline_nio *nb)
{
    for (unsigned i = 0; i < n; i++)
        if (b[i].slot == nb->slot && b[i].port == nb->port)
            return 1;
    return 0;
}

int cmdline_nio_create(struct cmdline_nio *b, unsigned n, const char *prefix,
                       int instance_id, struct evloop *ev, struct logger *lg,
                       char *err, size_t errlen)
{
    for (unsigned i = 0; i < n; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%s-i%d/%u/%u", prefix, instance_id,
                 b[i].slot, b[i].port);
        char why[256] = "";
        int rc = netcfg_nio_create(&b[i].nio, ev, lg, name, b[i].field[0],
                                   b[i].nfields - 1, b[i].field + 1, why,
                                   sizeof(why));
        if (rc < 0) {
            b[i].nio = NULL;
            snprintf(err, errlen, "-s %u:%u: %s", b[i].slot, b[i].port, why);
            return rc;
        }
    }
    return 0;
}

void cmdline_nio_release(struct cmdline_nio *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (b[i].nio) {
            nio_destroy(b[i].nio);
            b[i].nio = NULL;
        }
    }
}
