/* Shared plumbing of the network modules (hv_net.h). */
#include "hv/hv_net.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/nio.h"

struct hv_obj *hv_nio_get(struct hv_ctx *c, const char *name)
{
    return hv_obj_get(&c->hv->reg, HV_KIND_NIO, name);
}

struct hv_obj *hv_netdev_find(struct hv_ctx *c, const struct hv_netdev_kind *k,
                              const char *name)
{
    struct hv_obj *obj = hv_obj_get_locked(&c->hv->reg, k->kind, name);
    if (!obj)
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'", name);
    return obj;
}

void hv_netdev_release(struct hv_ctx *c, struct hv_obj *obj)
{
    hv_obj_unlock_put(&c->hv->reg, obj);
}

int hv_netdev_bind(struct hv_netdev *d, struct hv_obj *nio_obj)
{
    if (d->nbinds == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct hv_obj **p = realloc(d->binds, cap * sizeof(*p));
        if (!p)
            return -ENOMEM;
        d->binds = p;
        d->cap = cap;
    }
    d->binds[d->nbinds++] = nio_obj;
    hv_obj_ref(d->reg, nio_obj);
    return 0;
}

void hv_netdev_unbind(struct hv_netdev *d, const struct nio *nio)
{
    for (size_t i = 0; i < d->nbinds; i++) {
        struct hv_obj *o = d->binds[i];
        if (o->data == nio) {
            d->binds[i] = d->binds[--d->nbinds];
            hv_obj_unref(d->reg, o);
            hv_obj_put(d->reg, o);
            return;
        }
    }
}

/* Object destructor: the device first (it lets go of the NIOs), then the
 * references on the NIO objects. */
static void netdev_free(struct hv_obj *obj)
{
    struct hv_netdev *d = obj->data;
    if (!d)
        return;
    if (d->dev)
        d->k->destroy(d->dev);
    for (size_t i = 0; i < d->nbinds; i++) {
        hv_obj_unref(d->reg, d->binds[i]);
        hv_obj_put(d->reg, d->binds[i]);
    }
    free(d->binds);
    free(d);
}

void hv_netdev_create(struct hv_ctx *c, const struct hv_netdev_kind *k,
                      const char *name)
{
    struct hv_netdev *d = calloc(1, sizeof(*d));
    if (d) {
        d->k = k;
        d->reg = &c->hv->reg;
    }
    if (!d || k->create(&d->dev, c->hv->log, name) < 0) {
        free(d);
        hv_err(c, HSC_ERR_CREATE, "unable to create %s '%s'", k->long_label,
               name);
        return;
    }
    struct hv_obj *obj = hv_obj_add(&c->hv->reg, k->kind, name, d,
                                    netdev_free);
    if (!obj) {
        k->destroy(d->dev);
        free(d);
        hv_err(c, HSC_ERR_CREATE, "unable to create %s '%s'", k->long_label,
               name);
        return;
    }
    hv_obj_put(&c->hv->reg, obj);
    hv_ok(c, "%s '%s' created", k->label, name);
}

void hv_netdev_rename(struct hv_ctx *c, const struct hv_netdev_kind *k,
                      const char *name, const char *new_name)
{
    struct hv_obj *obj = hv_netdev_find(c, k, name);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    int rc = hv_obj_rename(&c->hv->reg, obj, new_name);
    if (rc == 0)
        k->rename(d->dev, new_name);
    hv_rename_reply(c, rc, k->label, k->label, name, new_name);
    hv_netdev_release(c, obj);
}

void hv_netdev_delete(struct hv_ctx *c, const struct hv_netdev_kind *k,
                      const char *name)
{
    /* The last hold frees the device and its NIO references. */
    if (hv_obj_delete(&c->hv->reg, k->kind, name) == 0)
        hv_ok(c, "%s '%s' deleted", k->label, name);
    else
        hv_err(c, HSC_ERR_DELETE, "unable to delete %s '%s'", k->label, name);
}
