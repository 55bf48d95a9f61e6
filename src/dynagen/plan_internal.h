/*
 * Internal to the plan builder (plan.c, plan_router.c, plan_links.c):
 * the state of one build and the steps each file contributes.
 */
#ifndef DYNAGEN_PLAN_INTERNAL_H
#define DYNAGEN_PLAN_INTERNAL_H

#include "dynagen/plan.h"
#include "dynagen/topo_hw.h"

struct deftab {
    int server;
    const struct hw_model *model;
    const struct nf_key **keys;
    size_t n;
};

struct pending_link {
    int dev;
    const struct nf_key *k;
};

/* One plan build ("pc": plan context). */
struct pc {
    struct topo *t;
    const struct nf_lab *lab;
    const struct dg_config *cfg;
    struct plan *p;
    struct dg_diag *d;
    const char *file;
    struct deftab *tabs;
    size_t ntabs;
    struct pending_link *links;
    size_t nlinks;
    int warned_firmware;
};

#define PC_ERR(c, line, ...) dg_err((c)->d, (c)->file, (line), __VA_ARGS__)
#define PC_WARN(c, line, ...) dg_warn((c)->d, (c)->file, (line), __VA_ARGS__)
#define PC_NOTE(c, line, ...) dg_note((c)->d, (c)->file, (line), __VA_ARGS__)

/* plan.c */
/* The defaults table of a model on a server (created when asked). */
struct deftab *plan_deftab(struct pc *c, int server, const struct hw_model *m,
                           int create);
int plan_new_dev(struct pc *c, enum topo_kind kind, int server,
                 const struct nf_section *sec);
void plan_set_str(char **dst, const char *v);

/* plan_router.c: create a router from its section and the defaults */
void plan_router(struct pc *c, int server, const struct nf_section *sec);

/* plan_links.c: links (§8, §10), then mappings and Ethernet ports (§9) */
void plan_link(struct pc *c, int dev, const struct nf_key *k);
/* ETHSW "N = access 1 R1 f0/0" (0.13): the same link from the router */
void plan_switch_side_links(struct pc *c, int sw);
void plan_mappings(struct pc *c, int sw);
void plan_ethports(struct pc *c, int sw);

#endif
