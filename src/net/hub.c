/*
 * Hub: a pure repeater (shared spec network.md §8). The member array is
 * guarded by one mutex, which the receive handler holds while it repeats
 * a frame; members are (un)registered with the NIO layer outside it, as
 * the rule of spec §1.5 requires (the reference deadlocked there).
 */
#include "net/hub.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/dev_name.h"
#include "net/nio.h"

struct hub_port {
    struct hub *hub;
    struct nio *nio; /* NULL: free slot */
    int active;
};

struct hub {
    char *name;
    struct logger *log;
    pthread_mutex_t lock;
    uint64_t frames;
    struct hub_port ports[HUB_MAX_PORTS];
};

static void hub_rx(struct nio *nio, uint8_t *frame, size_t len, void *arg)
{
    struct hub_port *in = arg;
    struct hub *hub = in->hub;
    (void)nio;
    pthread_mutex_lock(&hub->lock);
    if (in->active) {
        hub->frames++;
        for (int i = 0; i < HUB_MAX_PORTS; i++) {
            struct hub_port *p = &hub->ports[i];
            if (p->active && p != in) {
                nio_send(p->nio, frame, len);
            }
        }
    }
    pthread_mutex_unlock(&hub->lock);
}

int hub_create(struct hub **out, struct logger *lg, const char *name)
{
    *out = NULL;
    if (!name || !*name) {
        return -EINVAL;
    }
    struct hub *hub = calloc(1, sizeof(*hub));
    if (!hub || !(hub->name = strdup(name))) {
        free(hub);
        return -ENOMEM;
    }
    hub->log = lg;
    pthread_mutex_init(&hub->lock, NULL);
    for (int i = 0; i < HUB_MAX_PORTS; i++) {
        hub->ports[i].hub = hub;
    }
    *out = hub;
    return 0;
}

void hub_destroy(struct hub *hub)
{
    if (!hub) {
        return;
    }
    for (int i = 0; i < HUB_MAX_PORTS; i++) {
        if (hub->ports[i].nio) {
            hub_remove_nio(hub, hub->ports[i].nio);
        }
    }
    pthread_mutex_destroy(&hub->lock);
    free(hub->name);
    free(hub);
}

const char *hub_name(const struct hub *hub)
{
    return hub->name;
}

int hub_rename(struct hub *hub, const char *name)
{
    return dev_name_set(&hub->lock, &hub->name, name);
}

int hub_add_nio(struct hub *hub, struct nio *nio)
{
    if (!nio) {
        return -EINVAL;
    }
    struct hub_port *slot = NULL;
    pthread_mutex_lock(&hub->lock);
    for (int i = 0; i < HUB_MAX_PORTS; i++) {
        if (hub->ports[i].nio == nio) {
            pthread_mutex_unlock(&hub->lock);
            return -EEXIST;
        }
        if (!hub->ports[i].nio && !slot) {
            slot = &hub->ports[i];
        }
    }
    if (!slot) {
        pthread_mutex_unlock(&hub->lock);
        log_msg(hub->log, "HUB", "hub '%s': all %d ports in use", hub->name,
                HUB_MAX_PORTS);
        return -ENOSPC;
    }
    slot->nio = nio; /* reserved, inactive */
    pthread_mutex_unlock(&hub->lock);

    int rc = nio_set_rx(nio, hub_rx, slot);
    pthread_mutex_lock(&hub->lock);
    if (rc < 0) {
        slot->nio = NULL;
    } else {
        slot->active = 1;
        nio_hold(nio);
    }
    pthread_mutex_unlock(&hub->lock);
    return rc;
}

int hub_remove_nio(struct hub *hub, struct nio *nio)
{
    struct hub_port *p = NULL;
    pthread_mutex_lock(&hub->lock);
    for (int i = 0; i < HUB_MAX_PORTS && !p; i++) {
        if (nio && hub->ports[i].nio == nio && hub->ports[i].active) {
            p = &hub->ports[i];
        }
    }
    if (p) {
        p->active = 0;
    }
    pthread_mutex_unlock(&hub->lock);
    if (!p) {
        return -ENOENT;
    }
    nio_clear_rx(nio);
    pthread_mutex_lock(&hub->lock);
    p->nio = NULL;
    pthread_mutex_unlock(&hub->lock);
    nio_release(nio);
    return 0;
}

void hub_foreach_nio(struct hub *hub, void (*fn)(void *arg, struct nio *nio),
                     void *arg)
{
    struct nio *list[HUB_MAX_PORTS];
    size_t n = 0;
    pthread_mutex_lock(&hub->lock);
    for (int i = 0; i < HUB_MAX_PORTS; i++) {
        if (hub->ports[i].active) {
            list[n++] = hub->ports[i].nio;
        }
    }
    pthread_mutex_unlock(&hub->lock);
    for (size_t i = 0; i < n; i++) {
        fn(arg, list[i]);
    }
}

uint64_t hub_frames(struct hub *hub)
{
    pthread_mutex_lock(&hub->lock);
    uint64_t n = hub->frames;
    pthread_mutex_unlock(&hub->lock);
    return n;
}
