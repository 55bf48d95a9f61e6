/*
 * Named objects of a hypervisor (hypervisor.md §4.1-4.3): VMs, NIOs,
 * switches, bridges, store objects. A name is unique within its kind.
 *
 * Two counts per object:
 *  - refs: references held by bindings (a VM slot port bound to a NIO, a
 *    switch port...). `delete` is refused while refs > 0 (§4.2).
 *  - holds: how many threads use the object right now. It keeps the memory
 *    alive; it never makes a delete fail.
 * A deleted object leaves the registry at once and is freed when its last
 * hold goes. Commands serialize on an object with its mutex and must check
 * `deleted` after taking it.
 *
 * Lock order: an object's mutex before the registry lock; the registry
 * lock is never held while waiting for anything else.
 */
#ifndef HV_REGISTRY_H
#define HV_REGISTRY_H

#include <pthread.h>

enum hv_kind {
    HV_KIND_VM,
    HV_KIND_NIO,
    HV_KIND_NIO_BRIDGE,
    HV_KIND_FRSW,
    HV_KIND_ATMSW,
    HV_KIND_ATM_BRIDGE,
    HV_KIND_ETHSW,
    HV_KIND_STORE,
    HV_KIND_COUNT,
};

struct hv_obj;
typedef void (*hv_obj_free_fn)(struct hv_obj *obj);

struct hv_obj {
    enum hv_kind kind;
    char *name;          /* under the registry lock when renamed */
    void *data;
    hv_obj_free_fn free_data;
    pthread_mutex_t mtx;
    int refs;            /* binding references (registry lock) */
    int holds;           /* users (registry lock) */
    int deleted;         /* out of the registry (registry lock) */
    struct hv_obj *next, *prev; /* list of its kind, newest first */
    struct hv_obj *hnext;       /* hash chain */
};

/* Name lookups through a hash of (kind, name): a process with thousands of
 * objects finds one in constant time. Power of two. */
#define HV_REG_BUCKETS 4096

struct hv_registry {
    pthread_mutex_t lock;
    struct hv_obj *head[HV_KIND_COUNT]; /* newest first */
    struct hv_obj *bucket[HV_REG_BUCKETS];
};

void hv_registry_init(struct hv_registry *reg);
/* Every object must be gone (hv_obj_remove) before this. */
void hv_registry_destroy(struct hv_registry *reg);

/*
 * Add an object; returns it held once (release with hv_obj_put), or NULL
 * with errno EEXIST (name taken) / ENOMEM. data is not freed on failure.
 */
struct hv_obj *hv_obj_add(struct hv_registry *reg, enum hv_kind kind,
                          const char *name, void *data,
                          hv_obj_free_fn free_data);
/* Look up and hold; NULL when there is no such object. */
struct hv_obj *hv_obj_get(struct hv_registry *reg, enum hv_kind kind,
                          const char *name);
void hv_obj_hold(struct hv_registry *reg, struct hv_obj *obj);
void hv_obj_put(struct hv_registry *reg, struct hv_obj *obj);
/* Look up, hold and lock (obj->mtx) an object not deleted; NULL when
 * there is none. Release with hv_obj_unlock_put. */
struct hv_obj *hv_obj_get_locked(struct hv_registry *reg, enum hv_kind kind,
                                 const char *name);
void hv_obj_unlock_put(struct hv_registry *reg, struct hv_obj *obj);

/* Take it out of the registry: -EBUSY while refs > 0, else 0. */
int hv_obj_remove(struct hv_registry *reg, struct hv_obj *obj);
/* Remove the object of that name, under its lock: 0, or -ENOENT (none,
 * or deleted already) / -EBUSY (referenced). The last hold frees it. */
int hv_obj_delete(struct hv_registry *reg, enum hv_kind kind,
                  const char *name);
/* 0, -EEXIST (new name taken, also the object's own), -ENOMEM. */
int hv_obj_rename(struct hv_registry *reg, struct hv_obj *obj,
                  const char *new_name);
void hv_obj_ref(struct hv_registry *reg, struct hv_obj *obj);
void hv_obj_unref(struct hv_registry *reg, struct hv_obj *obj);

/*
 * Held snapshot of every object of a kind, newest first. Returns the
 * count (>= 0) or -ENOMEM; release with hv_obj_list_put.
 */
int hv_obj_list(struct hv_registry *reg, enum hv_kind kind,
                struct hv_obj ***out);
void hv_obj_list_put(struct hv_registry *reg, struct hv_obj **list, int n);

#endif
