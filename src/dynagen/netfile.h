/*
 * The network file as a lab model (dynagen.md §3-§9): top-level settings,
 * server sections, and in each server its defaults and device sections in
 * file order, every key validated and classified (router option, slot,
 * WIC, link, switch mapping/port). Pure data: nothing is resolved against
 * hardware or other devices here (that is plan.c), but everything that
 * can be checked on one line is, with "file:line: ..." errors.
 */
#ifndef DYNAGEN_NETFILE_H
#define DYNAGEN_NETFILE_H

#include <stddef.h>

#include "dynagen/dg_util.h"
#include "dynagen/hw.h"
#include "dynagen/ini.h"

enum nf_opt_type { OT_STR, OT_INT, OT_BOOL, OT_CHOICE, OT_FLOAT };

/* Router options of §6.1 (valid in [[ROUTER]] and [[MODEL]]). */
enum nf_opt {
    OPT_MODEL, OPT_CONSOLE, OPT_AUX, OPT_MAC, OPT_IMAGE, OPT_RAM, OPT_NVRAM,
    OPT_CNFG, OPT_CONFREG, OPT_IDLEPC, OPT_EXEC_AREA, OPT_CLOCK, OPT_NPE,
    OPT_MIDPLANE, OPT_DISK0, OPT_DISK1, OPT_MMAP, OPT_GHOSTIOS,
    OPT_GHOSTSIZE, OPT_SPARSEMEM, OPT_AUTOSTART, OPT_CONFIGURATION,
    OPT_IDLEMAX, OPT_IDLESLEEP, OPT_OLDIDLE, OPT_ROM, OPT_IOMEM,
    OPT_GUI, /* x, y, z, hx, hy, symbol, key, serial: accepted, ignored */
    OPT_COUNT
};

struct nf_option {
    const char *key;
    enum nf_opt opt;
    enum nf_opt_type type;
    long min, max;
};

const struct nf_option *nf_option_find(const char *key);

enum nf_dev_kind { NF_ROUTER, NF_FRSW, NF_ATMSW, NF_ETHSW, NF_ATMBR };
const char *nf_dev_kind_name(enum nf_dev_kind k); /* "ROUTER", "FRSW", ... */

/* A manual NIO string: NIO_<type>:<params> (§8.4). */
struct nf_nio {
    char *type;    /* udp linux_eth gen_eth tap unix vde null (lower case) */
    char *args[3];
    int nargs;
};

enum nf_dest_kind { NF_DEST_DEV, NF_DEST_LAN, NF_DEST_NIO };

struct nf_dest {
    enum nf_dest_kind kind;
    char *dev;     /* NF_DEST_DEV: device name; NF_DEST_LAN: LAN id */
    char *arg;     /* NF_DEST_DEV: interface or switch port, as written */
    struct nf_nio nio;
};

enum nf_key_kind {
    NFK_OPTION,  /* router option */
    NFK_SLOT,    /* slotN = ADAPTER */
    NFK_WIC,     /* wicS/W = WIC */
    NFK_LINK,    /* interface = destination */
    NFK_FRMAP,   /* FRSW p1:dlci1 = p2:dlci2 */
    NFK_ATMVP,   /* ATMSW p1:vpi1 = p2:vpi2 */
    NFK_ATMVC,   /* ATMSW p1:vpi1:vci1 = p2:vpi2:vci2 */
    NFK_ETHPORT, /* ETHSW N = access|dot1q VLAN [NIO | ROUTER IF] */
    NFK_BRMAP,   /* ATMBR eth = atm:vpi:vci */
    NFK_IGNORED, /* GUI coordinates and the like */
};

struct nf_key {
    enum nf_key_kind kind;
    const char *key;
    const char *value;
    int line;
    /* NFK_OPTION */
    const struct nf_option *opt;
    long ival;           /* integer or boolean value */
    /* NFK_SLOT / NFK_WIC */
    int slot, sub;
    /* NFK_LINK */
    struct hw_ifname ifn;
    struct nf_dest dest;
    /* mappings: ports and their DLCI / VPI / VCI */
    long p1, a1, b1, p2, a2, b2;
    /* NFK_ETHPORT (a link written on the switch side, 0.13: dest.dev
     * is the router, dest.arg and ifn its interface) */
    int dot1q;
    long vlan;
    int has_nio;
    struct nf_nio nio;
};

struct nf_section {
    int is_defaults;          /* [[MODEL]] */
    const struct hw_model *model; /* defaults: its model; router: own model */
    enum nf_dev_kind kind;
    char *name;               /* device name, or the model */
    const char *header;       /* text inside [[ ]] */
    int line;
    struct nf_key *keys;
    size_t nkeys;
};

struct nf_server {
    const char *header;       /* text inside [ ], used by save */
    char *host;
    int port;
    int line;
    char *workingdir;         /* NULL: directory of the file */
    long console;             /* console base (2000) */
    long udp;                 /* 0: dynagen.ini udp, else 10000 */
    long aux;                 /* 0: none */
    struct nf_section *secs;
    size_t nsecs;
};

struct nf_lab {
    char *path;               /* as given */
    char *dir;                /* absolute directory of the file */
    struct ini_doc doc;
    int autostart;
    const struct hw_model *model;
    int ghostios;
    long ghostsize;           /* 0: unset */
    int sparsemem;
    long idlemax, idlesleep;  /* 0: unset */
    int oldidle;
    long debug;
    struct nf_server *servers;
    size_t nservers;
};

/*
 * Build the model from text. Every problem found is added to d; returns
 * 0 when there was no error (warnings allowed), -1 otherwise. The lab
 * must be freed with nf_free() in both cases.
 */
int nf_parse_text(struct nf_lab *lab, const char *path, const char *text,
                  size_t len, struct dg_diag *d);
int nf_load(struct nf_lab *lab, const char *path, struct dg_diag *d);
void nf_free(struct nf_lab *lab);

/* Parse a NIO string "NIO_type:params" (§8.4); -1 with *why on error. */
int nf_parse_nio(const char *s, struct nf_nio *nio, char **why);
void nf_nio_free(struct nf_nio *nio);
/* Parse "yes/no/true/false/on/off/1/0"; -1 if not a boolean. */
int nf_parse_bool(const char *s);

#endif
