/* Registry of named hypervisor objects (hypervisor.md §4.1-4.3). */
#include "hv/hv_registry.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void hv_registry_init(struct hv_registry *reg)
{
    memset(reg, 0, sizeof(*reg));
    pthread_mutex_init(&reg->lock, NULL);
}

void hv_registry_destroy(struct hv_registry *reg)
{
    pthread_mutex_destroy(&reg->lock);
}

/* FNV-1a (32-bit offset basis and prime) over the kind and the name. */
static unsigned name_hash(enum hv_kind kind, const char *name)
{
    uint32_t h = 2166136261u ^ (uint32_t)kind;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h & (HV_REG_BUCKETS - 1);
}

static struct hv_obj *find_locked(struct hv_registry *reg, enum hv_kind kind,
                                  const char *name)
{
    for (struct hv_obj *o = reg->bucket[name_hash(kind, name)]; o;
         o = o->hnext)
        if (o->kind == kind && strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

static void hash_insert(struct hv_registry *reg, struct hv_obj *o)
{
    struct hv_obj **b = &reg->bucket[name_hash(o->kind, o->name)];
    o->hnext = *b;
    *b = o;
}

static void hash_remove(struct hv_registry *reg, struct hv_obj *o)
{
    for (struct hv_obj **pp = &reg->bucket[name_hash(o->kind, o->name)];
         *pp; pp = &(*pp)->hnext) {
        if (*pp == o) {
            *pp = o->hnext;
            break;
        }
    }
    o->hnext = NULL;
}

struct hv_obj *hv_obj_add(struct hv_registry *reg, enum hv_kind kind,
                          const char *name, void *data,
                          hv_obj_free_fn free_data)
{
    struct hv_obj *o = calloc(1, sizeof(*o));
    char *copy = strdup(name);
    if (!o || !copy) {
        free(o);
        free(copy);
        errno = ENOMEM;
        return NULL;
    }
    o->kind = kind;
    o->name = copy;
    o->data = data;
    o->free_data = free_data;
    o->holds = 1;
    pthread_mutex_init(&o->mtx, NULL);

    pthread_mutex_lock(&reg->lock);
    if (find_locked(reg, kind, name)) {
        pthread_mutex_unlock(&reg->lock);
        pthread_mutex_destroy(&o->mtx);
        free(copy);
        free(o);
        errno = EEXIST;
        return NULL;
    }
    o->next = reg->head[kind];
    o->prev = NULL;
    if (o->next)
        o->next->prev = o;
    reg->head[kind] = o;
    hash_insert(reg, o);
    pthread_mutex_unlock(&reg->lock);
    return o;
}

struct hv_obj *hv_obj_get(struct hv_registry *reg, enum hv_kind kind,
                          const char *name)
{
    pthread_mutex_lock(&reg->lock);
    struct hv_obj *o = find_locked(reg, kind, name);
    if (o)
        o->holds++;
    pthread_mutex_unlock(&reg->lock);
    return o;
}

void hv_obj_hold(struct hv_registry *reg, struct hv_obj *obj)
{
    pthread_mutex_lock(&reg->lock);
    obj->holds++;
    pthread_mutex_unlock(&reg->lock);
}

void hv_obj_put(struct hv_registry *reg, struct hv_obj *obj)
{
    if (!obj)
        return;
    pthread_mutex_lock(&reg->lock);
    int last = --obj->holds == 0 && obj->deleted;
    pthread_mutex_unlock(&reg->lock);
    if (!last)
        return;
    if (obj->free_data)
        obj->free_data(obj);
    pthread_mutex_destroy(&obj->mtx);
    free(obj->name);
    free(obj);
}

struct hv_obj *hv_obj_get_locked(struct hv_registry *reg, enum hv_kind kind,
                                 const char *name)
{
    struct hv_obj *obj = hv_obj_get(reg, kind, name);
    if (obj) {
        pthread_mutex_lock(&obj->mtx);
        if (!obj->deleted)
            return obj;
        pthread_mutex_unlock(&obj->mtx);
        hv_obj_put(reg, obj);
    }
    return NULL;
}

void hv_obj_unlock_put(struct hv_registry *reg, struct hv_obj *obj)
{
    pthread_mutex_unlock(&obj->mtx);
    hv_obj_put(reg, obj);
}

int hv_obj_delete(struct hv_registry *reg, enum hv_kind kind,
                  const char *name)
{
    struct hv_obj *obj = hv_obj_get(reg, kind, name);
    if (!obj)
        return -ENOENT;
    pthread_mutex_lock(&obj->mtx);
    int rc = obj->deleted ? -ENOENT : hv_obj_remove(reg, obj);
    pthread_mutex_unlock(&obj->mtx);
    hv_obj_put(reg, obj);
    return rc;
}

int hv_obj_remove(struct hv_registry *reg, struct hv_obj *obj)
{
    pthread_mutex_lock(&reg->lock);
    if (obj->deleted) {
        pthread_mutex_unlock(&reg->lock);
        return -ENOENT;
    }
    if (obj->refs > 0) {
        pthread_mutex_unlock(&reg->lock);
        return -EBUSY;
    }
    if (obj->prev)
        obj->prev->next = obj->next;
    else
        reg->head[obj->kind] = obj->next;
    if (obj->next)
        obj->next->prev = obj->prev;
    obj->next = obj->prev = NULL;
    hash_remove(reg, obj);
    obj->deleted = 1;
    pthread_mutex_unlock(&reg->lock);
    return 0;
}

int hv_obj_rename(struct hv_registry *reg, struct hv_obj *obj,
                  const char *new_name)
{
    char *copy = strdup(new_name);
    if (!copy)
        return -ENOMEM;
    pthread_mutex_lock(&reg->lock);
    if (find_locked(reg, obj->kind, new_name)) {
        pthread_mutex_unlock(&reg->lock);
        free(copy);
        return -EEXIST;
    }
    char *old = obj->name;
    int listed = !obj->deleted;
    if (listed)
        hash_remove(reg, obj);
    obj->name = copy;
    if (listed)
        hash_insert(reg, obj);
    pthread_mutex_unlock(&reg->lock);
    free(old);
    return 0;
}

void hv_obj_ref(struct hv_registry *reg, struct hv_obj *obj)
{
    pthread_mutex_lock(&reg->lock);
    obj->refs++;
    pthread_mutex_unlock(&reg->lock);
}

void hv_obj_unref(struct hv_registry *reg, struct hv_obj *obj)
{
    pthread_mutex_lock(&reg->lock);
    if (obj->refs > 0)
        obj->refs--;
    pthread_mutex_unlock(&reg->lock);
}

int hv_obj_list(struct hv_registry *reg, enum hv_kind kind,
                struct hv_obj ***out)
{
    *out = NULL;
    pthread_mutex_lock(&reg->lock);
    int n = 0;
    for (struct hv_obj *o = reg->head[kind]; o; o = o->next)
        n++;
    struct hv_obj **list = n ? malloc((size_t)n * sizeof(*list)) : NULL;
    if (n && !list) {
        pthread_mutex_unlock(&reg->lock);
        return -ENOMEM;
    }
    int i = 0;
    for (struct hv_obj *o = reg->head[kind]; o; o = o->next) {
        o->holds++;
        list[i++] = o;
    }
    pthread_mutex_unlock(&reg->lock);
    *out = list;
    return n;
}

void hv_obj_list_put(struct hv_registry *reg, struct hv_obj **list, int n)
{
    for (int i = 0; i < n; i++)
        hv_obj_put(reg, list[i]);
    free(list);
}
