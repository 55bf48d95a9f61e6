/*
 * The lab as built: servers with their resource counters, devices with
 * their settings, slots and connections, LAN bridges (dynagen.md §6-§11).
 * plan.c fills it from the network file while it writes the hypervisor
 * commands; the CLI reads and updates it while it drives the live lab.
 * Commands are appended to a plan (a list of lines per server); nothing
 * here talks to a server.
 */
#ifndef DYNAGEN_TOPO_H
#define DYNAGEN_TOPO_H

#include <stddef.h>

#include "dynagen/config.h"
#include "dynagen/dg_util.h"
#include "dynagen/hw.h"
#include "dynagen/netfile.h"

/* ------------------------------------------------------------ plans */

enum plan_phase {
    PH_LOAD,   /* servers, devices, links, mappings */
    PH_IMPORT, /* embedded configurations, if the user agrees */
    PH_POST,   /* ghosts, idle-PC database */
    PH_START,  /* autostart */
};

enum plan_kind {
    PK_PLAIN,
    PK_VERSION, /* hypervisor version: checked */
    PK_START,   /* vm start of a router: warns without idle-PC */
};

struct plan_cmd {
    int server;
    enum plan_phase phase;
    enum plan_kind kind;
    int dev;        /* router concerned, or -1 */
    char *line;
};

struct plan {
    struct plan_cmd *v;
    size_t n, cap;
    enum plan_phase phase; /* phase of commands added now */
};

void plan_add(struct plan *p, int server, enum plan_kind kind, int dev,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void plan_free(struct plan *p);

/* A hypervisor argument: as is, or in double quotes when it must be. */
char *hv_arg(const char *s);

/* ------------------------------------------------------------ topology */

struct topo_server {
    const struct nf_server *nf;
    char *host;
    int port;
    char *label;       /* host:port */
    char *workingdir;  /* as sent */
    long console_base;
    long aux_base;
    long udp_next;
    int local;         /* the host is this machine */
};

enum topo_kind { T_ROUTER, T_FRSW, T_ATMSW, T_ETHSW, T_ATMBR };
enum topo_state { ST_STOPPED, ST_RUNNING, ST_SUSPENDED };

enum topo_peer { PEER_DEV, PEER_LAN, PEER_NIO };

/* One connected port of a device. */
struct topo_conn {
    int slot;          /* router slot; -1 on a switch */
    int port;          /* router hypervisor port, or switch port */
    char *ifname;      /* router interface as named, e.g. "s1/0" */
    char *nio;         /* NIO bound to this port (on this device's server) */
    enum topo_peer peer_kind;
    int peer;          /* PEER_DEV: device index */
    int peer_slot, peer_port;
    char *peer_desc;   /* "R2 s1/0", "F1 1", "LAN 1", "NIO_tap:tap0" */
    int line;
};

struct topo_slot {
    const struct hw_adapter *adapter;
    const struct hw_adapter *wic[HW_MAX_WICS];
};

struct topo_map {     /* one switching entry, one direction */
    int vc;            /* ATM: VC (vpi:vci) rather than VP */
    long p1, a1, b1, p2, a2, b2;
};

struct topo_ethport {
    long port;
    int dot1q;
    long vlan;
};

struct topo_dev {
    enum topo_kind kind;
    char *name;
    int server;
    const struct nf_section *sec;
    /* routers */
    const struct hw_model *model;
    int id;
    long console, aux;
    char *image;          /* path sent with vm set_ios */
    char *image_given;    /* as written in the file (NULL: none) */
    int image_line;
    int firmware;         /* image is the open firmware */
    char *npe, *midplane, *idlepc, *confreg, *cnfg, *mac, *exec_area;
    char *configuration;  /* base64 startup-config */
    long ram, nvram, disk0, disk1, idlemax, idlesleep, ghostsize, iomem;
    int mmap, sparsemem, oldidle, ghostios, autostart;
    char *ghost_file;
    enum topo_state state;
    struct topo_slot slots[HW_MAX_SLOTS];
    /* switches */
    struct topo_map *maps;
    size_t nmaps;
    struct topo_ethport *eports;
    size_t neports;
    /* both */
    struct topo_conn *conns;
    size_t nconns;
};

struct topo_bridge {
    char *name;
    int server;
    struct dg_strv nios;
};

enum { NIO_T_UDP, NIO_T_LINUX_ETH, NIO_T_GEN_ETH, NIO_T_TAP, NIO_T_UNIX,
       NIO_T_VDE, NIO_T_NULL, NIO_T_COUNT };

struct topo {
    const struct nf_lab *lab;
    const struct dg_config *cfg;
    struct topo_server *servers;
    size_t nservers;
    struct topo_dev *devs;
    size_t ndevs;
    struct topo_bridge *bridges;
    size_t nbridges;
    int next_id;
    int nio_count[NIO_T_COUNT];
};

void topo_free(struct topo *t);

int topo_find_dev(const struct topo *t, const char *name);
/* case-insensitive host match, for send (§13.2) */
int topo_find_server_host(const struct topo *t, const char *host);
const char *topo_state_name(enum topo_state s);
const char *topo_kind_name(const struct topo_dev *d); /* 7200, FRSW... */

/*
 * The commands that start router dev (§13.2 start): idle-PC from the
 * database when it has none, vm start, idlemax/idlesleep. Updates the
 * router's idle-PC.
 */
void topo_start_cmds(struct topo *t, int dev, struct plan *p);

/*
 * Find the connection of a router interface (for capture, filter):
 * returns the connection, or NULL with *why.
 */
const struct topo_conn *topo_router_conn(const struct topo *t, int dev,
                                         const char *ifname, char **why);

#endif
