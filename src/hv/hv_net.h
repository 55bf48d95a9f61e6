/*
 * Shared plumbing of the network modules (nio, nio_bridge, ethsw, frsw,
 * atmsw, atm_bridge; hypervisor.md §5.5-§5.10, network.md §12).
 *
 * Objects: an HV_KIND_NIO object's data is the `struct nio *` itself
 * (net/nio.h); whoever binds one (VM slot port, switch port, VC...) takes
 * a binding reference (hv_obj_ref) and a hold, and gives both back when
 * unbinding. Switches, hubs and bridges are `struct hv_netdev`s: the
 * net/ device plus the NIO objects it holds that way, one entry per
 * reference (a FR VC holds its input and its output NIO).
 */
#ifndef HV_NET_H
#define HV_NET_H

#include <stddef.h>

#include "hv/hv.h"

struct nio;

struct hv_netdev_kind {
    enum hv_kind kind;
    const char *label;      /* in replies: "ETHSW", "NIO bridge"... */
    const char *long_label; /* in creation errors: "Ethernet switch" */
    int (*create)(void **dev, struct logger *lg, const char *name);
    void (*destroy)(void *dev);
    int (*rename)(void *dev, const char *name);
};

struct hv_netdev {
    const struct hv_netdev_kind *k;
    struct hv_registry *reg;
    void *dev;
    struct hv_obj **binds; /* held and referenced NIO objects */
    size_t nbinds, cap;
};

/* NIO object by name, held (not locked); NULL if none. */
struct hv_obj *hv_nio_get(struct hv_ctx *c, const char *name);
static inline struct nio *hv_nio_of(struct hv_obj *obj)
{
    return obj->data;
}

/* Device object by name, held and locked (NULL: none, reply sent: 208). */
struct hv_obj *hv_netdev_find(struct hv_ctx *c, const struct hv_netdev_kind *k,
                              const char *name);
void hv_netdev_release(struct hv_ctx *c, struct hv_obj *obj);

/* Take over the hold of nio_obj and add a binding reference: 0/-ENOMEM. */
int hv_netdev_bind(struct hv_netdev *d, struct hv_obj *nio_obj);
/* Give back one binding of this NIO (reference and hold). */
void hv_netdev_unbind(struct hv_netdev *d, const struct nio *nio);

/* The generic create / rename / delete commands (list: hv_list_names). */
void hv_netdev_create(struct hv_ctx *c, const struct hv_netdev_kind *k,
                      const char *name);
void hv_netdev_rename(struct hv_ctx *c, const struct hv_netdev_kind *k,
                      const char *name, const char *new_name);
void hv_netdev_delete(struct hv_ctx *c, const struct hv_netdev_kind *k,
                      const char *name);

#endif
