/*
 * ATM switch (shared spec network.md §11.2): unidirectional VP
 * connections (input NIO, VPI) -> (output NIO, VPI) and VC connections
 * (input NIO, VPI, VCI) -> (output NIO, VPI, VCI). Each datagram must be
 * one 53-byte cell; VP connections are looked up first; PTI, CLP and the
 * payload are kept, the HEC is recomputed (a received HEC is not checked).
 * OAM cells follow their VP/VC like user cells. No ILMI, signalling or
 * policing.
 *
 * An NIO is listened to while it is the input of a connection. Cells are
 * switched on the event loop thread; management is thread-safe.
 *
 * Differences from the reference (spec §13): VPI (0-4095) and VCI
 * (0-65535) are validated; cells of another length are counted as drops;
 * a rejected create leaves existing connections alone.
 */
#ifndef NET_ATMSW_H
#define NET_ATMSW_H

#include <stdint.h>

struct logger;
struct nio;
struct atmsw;

struct atmsw_conn_info {
    struct nio *in;
    unsigned in_vpi, in_vci; /* in_vci/out_vci unused for a VPC */
    struct nio *out;
    unsigned out_vpi, out_vci;
    int is_vcc;
    uint64_t cells;
};

struct atmsw_stats {
    uint64_t cells;   /* datagrams received on input NIOs */
    uint64_t switched;
    uint64_t dropped; /* wrong length, no connection */
};

int atmsw_create(struct atmsw **out, struct logger *lg, const char *name);
void atmsw_destroy(struct atmsw *sw);
const char *atmsw_name(const struct atmsw *sw);
int atmsw_rename(struct atmsw *sw, const char *name);

/* -EINVAL bad value or NULL NIO, -EEXIST duplicate (or a VCC on a
 * VP-switched VPI), -EBUSY input NIO has another receiver. */
int atmsw_create_vpc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     struct nio *out, unsigned out_vpi);
int atmsw_delete_vpc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     struct nio *out, unsigned out_vpi);
int atmsw_create_vcc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     unsigned in_vci, struct nio *out, unsigned out_vpi,
                     unsigned out_vci);
int atmsw_delete_vcc(struct atmsw *sw, struct nio *in, unsigned in_vpi,
                     unsigned in_vci, struct nio *out, unsigned out_vpi,
                     unsigned out_vci);
/* VPCs then VCCs of each input NIO. */
void atmsw_foreach_conn(struct atmsw *sw,
                        void (*fn)(void *arg,
                                   const struct atmsw_conn_info *c),
                        void *arg);
void atmsw_get_stats(struct atmsw *sw, struct atmsw_stats *st);

#endif
