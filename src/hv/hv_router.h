/*
 * A router instance as the hypervisor sees it (hypervisor.md §4.4-4.6):
 * its stored settings, the hardware while it is not halted (struct vm),
 * its lock and log files, slot bindings and per-platform extras.
 *
 * Every function here but hv_router_create runs with the object's mutex
 * held (hv_registry.h).
 */
#ifndef HV_ROUTER_H
#define HV_ROUTER_H

#include <stdint.h>

#include "core/vm.h"
#include "hv/hv.h"

#define HV_SLOTS 16    /* slot numbers the protocol accepts (< 16) */
#define HV_SUBSLOTS 4  /* 0 = the module, 1..3 = WIC 0..2 (port 16*(w+1)) */
#define HV_IDLE_PROPS 10

struct nio;

/*
 * Platform facts the hypervisor needs (hypervisor.md §6) and the
 * machine's card operations. The card hooks act on the hardware of a
 * created VM (vm_create done); they return 0 or a negative errno and log
 * why on the VM's log.
 */
struct hv_platform {
    const char *name;          /* "c7200" */
    uint8_t mac_byte0;         /* §6.1 */
    unsigned clock_divisor;    /* §6.1 */
    unsigned disk0_mb;
    int nslots;                /* usable slots 0 .. nslots-1 */
    const char *slot0_card;    /* built in, recorded at `vm create` (§6.3) */
    /* card allowed in a slot (0 = ok) */
    int (*card_ok)(int slot, int subslot, const char *card);
    int (*card_ports)(const char *card);
    /* On a running VM, insert/remove are online insertion/removal. */
    int (*insert)(struct vm *vm, int slot, int subslot, const char *card);
    int (*remove)(struct vm *vm, int slot, int subslot);
    int (*bind)(struct vm *vm, int slot, int port, struct nio *nio);
    int (*unbind)(struct vm *vm, int slot, int port);
};

const struct hv_platform *hv_platform_find(const char *name);

struct hv_nio_binding {
    int slot, port;
    struct hv_obj *nio; /* one binding reference held */
    int active;         /* attached to the card's port in the hardware */
    struct hv_nio_binding *next;
};

struct hv_router {
    struct hypervisor *hv;
    struct hv_obj *obj;
    const struct machine_ops *mops;    /* NULL: platform without a machine */
    const struct hv_platform *plat;
    struct vm_config cfg;              /* settings for the next start */
    struct vm *vm;                     /* hardware; NULL when halted */
    /* the console and AUX of a VM whose CPU stopped by itself: open (the
     * output replayed to new clients) until vm stop, start or delete */
    struct vtty *kept_con, *kept_aux;
    int ghost_state;                   /* 1 after a ghost-generation start */
    struct logger *log;                /* <prefix>_log.txt */
    int lock_fd;                       /* -1 with lock_linked */
    int lock_linked;                   /* the lock file is a link to
                                          hv->lock_inode_fd's inode */
    char *dir;                         /* absolute dir of lock and log */
    char prefix[320];                  /* c7200_R1 (-N0) or c7200_i1 (-N1) */
    char *cards[HV_SLOTS][HV_SUBSLOTS];
    int card_active[HV_SLOTS][HV_SUBSLOTS]; /* in the hardware now */
    struct hv_nio_binding *nios;
    int temp_c[4];                     /* c7200 DS1620 sensors */
    int psu[2];                        /* c7200 power supplies */
    struct {
        uint32_t pc;
        unsigned count;
    } idle_prop[HV_IDLE_PROPS];
    int nidle_prop;
};

/*
 * `vm create`: a halted router, its lock and log files in the current
 * directory. Returns the object held once, or NULL with a reason logged:
 * errno EEXIST (name or files taken), ENOENT (unknown platform), EBUSY
 * (lock held by another process), or another errno.
 */
struct hv_obj *hv_router_create(struct hypervisor *hv, const char *name,
                                int id, const char *platform);

/* Look up a VM and lock it; NULL when unknown (or deleted meanwhile). */
struct hv_obj *hv_router_lock(struct hypervisor *hv, const char *name);
void hv_router_unlock(struct hypervisor *hv, struct hv_obj *obj);
static inline struct hv_router *hv_router_of(struct hv_obj *obj)
{
    return obj->data;
}

/* §4.4 status; frees the hardware of a CPU that stopped by itself. */
int hv_router_status(struct hv_router *r);
/* vm_hold for a router whose CPU runs (1), else 0: release with
 * vm_unhold(r->vm, that value). */
int hv_router_hold(struct hv_router *r);
/* §4.5: 0 or -errno; info lines (the console warning) go to reply. */
int hv_router_start(struct hv_router *r, struct hv_reply *reply);
void hv_router_stop(struct hv_router *r);
/*
 * Snapshots (core/snapshot.h). save: a running or suspended VM (paused
 * while it is written). load: the VM is stopped if needed, built again
 * with its cards and NIO bindings, loaded and run. 0 or -errno with err.
 */
int hv_router_save_state(struct hv_router *r, const char *path, char *err,
                         size_t errlen);
int hv_router_load_state(struct hv_router *r, const char *path, char *err,
                         size_t errlen);

/* Stop and remove from the registry: -EBUSY if still referenced. */
int hv_router_delete(struct hv_router *r, int clean_files);
/* §4.3: 0, -EEXIST (name taken), -EBUSY (not halted), other -errno. */
int hv_router_rename(struct hv_router *r, const char *new_name);

/* Default MAC (§5.4) or the one set, as 6 bytes. */
void hv_router_mac(const struct hv_router *r, uint8_t mac[6]);

#endif
