/*
 * Ethernet switch (shared spec network.md §9): up to 64 ports, each an
 * NIO in one of three modes: access (one VLAN, untagged), dot1q trunk
 * (native VLAN untagged, others 802.1Q-tagged) or qinq (802.1Q tunnel:
 * the customer's frames, tagged or not, ride in one outer VLAN). MAC
 * addresses are learned per VLAN, unknown and group destinations are
 * flooded within the VLAN.
 *
 * Frames are switched on the event loop thread as they arrive; the
 * management functions are thread-safe (one mutex per switch, never held
 * while a receive handler is (un)registered).
 *
 * Where this switch differs from the reference (spec §13, all invisible
 * to a correctly configured lab):
 *  - MAC entries age out (default 300 s; ethsw_set_aging(sw, 0) keeps
 *    them forever as the reference) and live in a 4-way set-associative
 *    table of 4096 entries instead of a direct-mapped one.
 *  - Reconfiguring or removing a port flushes its MAC entries.
 *  - Tagged frames shorter than 18 bytes are dropped (runts < 14 too),
 *    frames with a group source address are not learned.
 *  - qinq ports behave as a tunnel would: untagged customer frames are
 *    accepted, qinq <-> access in the same VLAN and qinq <-> qinq with the
 *    same outer VLAN forward the frame as is (the reference dropped the
 *    first two and stripped the customer's tag in the third).
 *  - A frame is never dropped because the switch is busy (the reference
 *    dropped it on lock contention, §9.7).
 * Kept: tags pushed on a trunk carry PCP 0 and TPID 0x8100, or the qinq
 * port's TPID for frames from a qinq port (pushed even when the trunk's
 * native VLAN is the outer VLAN); frames forwarded trunk to trunk keep
 * their tag untouched; VID 0 (priority-tagged) frames are dropped.
 */
#ifndef NET_ETHSW_H
#define NET_ETHSW_H

#include <stddef.h>
#include <stdint.h>

struct logger;
struct nio;
struct ethsw;

#define ETHSW_MAX_PORTS 64       /* spec §9 */
#define ETHSW_MAC_ENTRIES 4096   /* spec §4 */
#define ETHSW_DEFAULT_AGING 300  /* seconds */
#define ETHSW_MIN_FRAME 14       /* spec §9.2 */

enum ethsw_port_mode { ETHSW_ACCESS, ETHSW_DOT1Q, ETHSW_QINQ };

struct ethsw_stats {
    uint64_t frames;   /* received on a port */
    uint64_t forwarded; /* sent to one learned port */
    uint64_t flooded;  /* sent to every port of the VLAN */
    uint64_t dropped;  /* runts, VLAN 0, destination on the input port */
};

int ethsw_create(struct ethsw **out, struct logger *lg, const char *name);
/* Removes every port (releasing its NIO) and frees the switch. */
void ethsw_destroy(struct ethsw *sw);
const char *ethsw_name(const struct ethsw *sw);
int ethsw_rename(struct ethsw *sw, const char *name);

/* New ports are access ports in VLAN 1. -EEXIST: already a port of this
 * switch; -ENOSPC: 64 ports; -EBUSY: the NIO has another receiver. */
int ethsw_add_nio(struct ethsw *sw, struct nio *nio);
/* -ENOENT: not a port of this switch. */
int ethsw_remove_nio(struct ethsw *sw, struct nio *nio);

/* VLAN 0..4095 (0: the port drops what it receives untagged, as the
 * reference). -ENOENT: not a port; -EINVAL: value out of range. */
int ethsw_set_access_port(struct ethsw *sw, struct nio *nio, unsigned vlan);
int ethsw_set_dot1q_port(struct ethsw *sw, struct nio *nio, unsigned native);
/* tpid 0 means 0x8100; accepted 0x8100, 0x9100, 0x9200, 0x88A8. */
int ethsw_set_qinq_port(struct ethsw *sw, struct nio *nio, unsigned outer,
                        unsigned tpid);
/*
 * The hypervisor's optional TPID argument: "0x" and hex digits; any other
 * spelling means the default 0x8100 (spec §9.1). Returns the value.
 */
unsigned ethsw_parse_tpid(const char *s);

struct ethsw_port_info {
    struct nio *nio;
    enum ethsw_port_mode mode;
    unsigned vlan; /* access VLAN, native VLAN or outer VLAN */
    unsigned tpid; /* qinq only */
};
/* Ports in slot order. */
void ethsw_foreach_port(struct ethsw *sw,
                        void (*fn)(void *arg,
                                   const struct ethsw_port_info *port),
                        void *arg);

/* Seconds after which an unused entry is forgotten; 0: never. */
void ethsw_set_aging(struct ethsw *sw, unsigned seconds);
void ethsw_clear_mac_table(struct ethsw *sw);
/*
 * Each live MAC entry as the hypervisor prints it (spec §9.6):
 * "0200.0000.00aa  10  n1". fn runs with the switch locked: it must not
 * call back into the switch.
 */
void ethsw_show_mac_table(struct ethsw *sw,
                          void (*fn)(void *arg, const char *line), void *arg);
/* Number of live MAC entries. */
size_t ethsw_mac_count(struct ethsw *sw);

void ethsw_get_stats(struct ethsw *sw, struct ethsw_stats *st);

#endif
