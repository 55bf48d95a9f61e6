/*
 * Stand-alone network devices from configuration files (shared spec
 * network.md §2.12): the files the reference reads with -E (Ethernet
 * switch), -f (Frame Relay switch), -a (ATM switch), -b (NIO bridge, i.e.
 * hub) and -M (ATM bridge), and the colon NIO syntax of -s.
 *
 * Line-oriented; '#' starts a comment; fields are separated by ':'; lines
 * without ':' are ignored. Statements:
 *   Ethernet switch  IF:<nio>:<type>:<args>   (access port, VLAN 1)
 *                    ACCESS:<nio>:<vlan>  DOT1Q:<nio>:<native>
 *                    QINQ:<nio>:<outer>[:0x<tpid>]
 *   FR switch        IF:...  VC:<in_nio>:<in_dlci>:<out_nio>:<out_dlci>
 *   ATM switch       IF:...  VP:<in>:<in_vpi>:<out>:<out_vpi>
 *                    VC:<in>:<vpi>:<vci>:<out>:<vpi>:<vci>
 *   ATM bridge       IF:...  BRIDGE:<eth_nio>:<atm_nio>:<vpi>:<vci>
 *   hub              <nio>:<type>:<args>
 * NIO types and arguments: udp:<lport>:<rhost>:<rport>, unix:<local>:
 * <remote>, vde:<control>:<local>, tap:<dev>, tcp_cli:<host>:<port>,
 * tcp_ser:<port>, linux_eth:<if>, gen_eth:<if>, null.
 *
 * A netcfg owns the NIOs and devices it built (one NIO namespace for all
 * the files loaded into it). Errors name the file and line:
 * "sw.cfg:3: unknown NIO 'x'".
 */
#ifndef NET_NETCFG_H
#define NET_NETCFG_H

#include <stddef.h>

struct evloop;
struct logger;
struct nio;
struct netcfg;
struct ethsw;
struct frsw;
struct atmsw;
struct hub;
struct atm_bridge;

enum netcfg_kind {
    NETCFG_ETHSW,      /* -E */
    NETCFG_FRSW,       /* -f */
    NETCFG_ATMSW,      /* -a */
    NETCFG_HUB,        /* -b */
    NETCFG_ATM_BRIDGE, /* -M */
};

/*
 * Create an NIO from its type name and colon-separated arguments (the -s
 * and IF: syntax), e.g. type "udp", argv {"10000", "127.0.0.1", "10001"}.
 * err receives a message on failure. Returns 0 or a negative errno.
 */
int netcfg_nio_create(struct nio **out, struct evloop *ev, struct logger *lg,
                      const char *name, const char *type, int argc,
                      char *const argv[], char *err, size_t errlen);

int netcfg_create(struct netcfg **out, struct evloop *ev, struct logger *lg);
/* Destroys the devices, then the NIOs. */
void netcfg_destroy(struct netcfg *cfg);

/*
 * Build one device named name from a file. On error nothing of that file
 * is left behind; err says what and where. Returns 0 or a negative errno.
 */
int netcfg_load(struct netcfg *cfg, enum netcfg_kind kind, const char *path,
                const char *name, char *err, size_t errlen);

struct nio *netcfg_find_nio(struct netcfg *cfg, const char *name);
void netcfg_foreach_nio(struct netcfg *cfg,
                        void (*fn)(void *arg, struct nio *nio), void *arg);
/* Device by name (NULL: not found or of another kind). */
struct ethsw *netcfg_find_ethsw(struct netcfg *cfg, const char *name);
struct frsw *netcfg_find_frsw(struct netcfg *cfg, const char *name);
struct atmsw *netcfg_find_atmsw(struct netcfg *cfg, const char *name);
struct hub *netcfg_find_hub(struct netcfg *cfg, const char *name);
struct atm_bridge *netcfg_find_atm_bridge(struct netcfg *cfg,
                                          const char *name);

#endif
