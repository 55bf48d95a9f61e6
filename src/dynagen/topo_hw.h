/*
 * Topology operations shared by plan.c and the CLI (internal): router
 * slots, connections, interface resolution.
 */
#ifndef DYNAGEN_TOPO_HW_H
#define DYNAGEN_TOPO_HW_H

#include "dynagen/topo.h"

void topo_add_conn(struct topo_dev *d, const struct topo_conn *c);
struct topo_conn *topo_conn_at(struct topo_dev *d, int slot, int port);
/* Install an adapter (binding command unless on-board; p may be NULL). */
int topo_install_adapter(struct topo *t, int dev, int slot,
                         const struct hw_adapter *a, struct plan *p);
void topo_install_wic(struct topo *t, int dev, int slot, int sub,
                      const struct hw_adapter *w, struct plan *p);
/*
 * Router interface -> (slot, hypervisor port). With a plan, empty slots
 * and WIC sub-slots are filled (§7.2, §7.3) and the bindings added to
 * it; without one, the topology is only read.
 */
int topo_resolve_if(struct topo *t, int dev, const struct hw_ifname *ifn,
                    struct plan *p, int *slot, int *port, char **why);

#endif
