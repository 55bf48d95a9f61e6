/*
 * ATM bridge: RFC 2684 (formerly RFC 1483) bridged Ethernet over one AAL5
 * VC (shared spec network.md §11.5). Each Ethernet frame received on the
 * Ethernet NIO gets the 10-byte bridged header (LLC AA AA 03, OUI
 * 00 80 C2, PID 00 07 = 802.3 without FCS, 2 pad bytes) and is segmented
 * into cells on VPI/VCI towards the ATM NIO. Cells from the ATM NIO on
 * that VPI/VCI are reassembled; a PDU that starts with exactly that
 * header and is longer than it goes out on the Ethernet NIO without it.
 * Everything else (other PIDs, routed or VC-multiplexed PDUs, other VCs,
 * OAM cells, datagrams that are not one cell) is dropped and counted.
 *
 * Both NIOs are listened to while the bridge is configured. Frames are
 * bridged on the event loop thread; management is thread-safe.
 */
#ifndef NET_ATM_BRIDGE_H
#define NET_ATM_BRIDGE_H

#include <stdint.h>

struct logger;
struct nio;
struct atm_bridge;

struct atm_bridge_stats {
    uint64_t eth_frames; /* Ethernet frames segmented */
    uint64_t cells_out;
    uint64_t cells_in;   /* cells of the configured VC */
    uint64_t pdus_in;    /* PDUs forwarded to Ethernet */
    uint64_t dropped;
};

int atm_bridge_create(struct atm_bridge **out, struct logger *lg,
                      const char *name);
void atm_bridge_destroy(struct atm_bridge *br);
const char *atm_bridge_name(const struct atm_bridge *br);
int atm_bridge_rename(struct atm_bridge *br, const char *name);

/* -EISCONN already configured (unconfigure first), -EINVAL bad values,
 * -EBUSY an NIO has another receiver. */
int atm_bridge_configure(struct atm_bridge *br, struct nio *eth,
                         struct nio *atm, unsigned vpi, unsigned vci);
/* -ENOTCONN: not configured. */
int atm_bridge_unconfigure(struct atm_bridge *br);
/* 0 and the configuration, or -ENOTCONN. */
int atm_bridge_get_config(struct atm_bridge *br, struct nio **eth,
                          struct nio **atm, unsigned *vpi, unsigned *vci);
void atm_bridge_get_stats(struct atm_bridge *br,
                          struct atm_bridge_stats *st);

#endif
