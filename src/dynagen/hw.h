/*
 * What Dynagen knows about router hardware (dynagen.md §6.2-§7): models
 * and their platforms, library defaults and slots; adapters, WICs and the
 * interfaces they provide; interface names; the automatic adapter choice.
 * Pure tables and functions, no state.
 */
#ifndef DYNAGEN_HW_H
#define DYNAGEN_HW_H

#include <stddef.h>

#define HW_MAX_SLOTS 7
#define HW_MAX_WICS 3

struct hw_model {
    const char *name;      /* as written in model = / [[MODEL]] */
    const char *platform;  /* c7200, c3600, ... */
    int chassis;           /* sends <platform> set_chassis NAME <name> */
    int ram, nvram, disk0, disk1; /* library defaults (MB, KB, MB, MB) */
    int nslots;
    const char *slot0;     /* adapter present at creation, or NULL */
    int wic_kind;          /* WICs allowed: 0 none, 1 serial, 2 serial+eth */
    const char *long_name; /* for show device, e.g. "Cisco 3640" */
};

/* A group of interfaces of one type on an adapter. */
struct hw_ifgroup {
    const char *letter; /* "f", "e", "g", "s", "a", "p", "i", "an" */
    int count;
    int base;           /* hypervisor port of the first one */
};

enum hw_adapter_class {
    HW_PA_IO,   /* c7200 slot 0 I/O controller */
    HW_PA,      /* c7200 port adapter, slots 1-6 */
    HW_NM,      /* network module */
    HW_ONBOARD, /* built into a chassis: never bound by dynagen */
    HW_WIC,
};

struct hw_adapter {
    const char *name;      /* canonical name */
    const char *wire;      /* name sent to the hypervisor */
    enum hw_adapter_class cls;
    struct hw_ifgroup ifs[2];
    int wic_slots;
};

const struct hw_model *hw_model_find(const char *name);
/* Every model name in table order (for messages and completion). */
const char *hw_model_name(size_t i);
size_t hw_model_count(void);

/* Adapters and WICs by any accepted name (PA-4T is PA-4T+, ...). */
const struct hw_adapter *hw_adapter_find(const char *name);
const struct hw_adapter *hw_wic_find(const char *name);

/*
 * Can adapter a sit in slot s of model m? NULL when yes, else the reason
 * ("not supported in slot" or "invalid slot").
 */
enum hw_fit { HW_FIT_OK, HW_FIT_BAD_SLOT, HW_FIT_NOT_SUPPORTED };
enum hw_fit hw_adapter_fits(const struct hw_model *m,
                            const struct hw_adapter *a, int slot);
/* Can WIC w be used on model m (in slot 0's sub-slots)? */
int hw_wic_allowed(const struct hw_model *m, const struct hw_adapter *w);

/* Interfaces of adapter a with this letter: the group, or NULL. */
const struct hw_ifgroup *hw_adapter_ifgroup(const struct hw_adapter *a,
                                            const char *letter);

/*
 * Interface names: "f1/0", "Fa1/0", "FastEthernet1/0", "s0" (no slot:
 * slot 0). Returns 0 and fills letter (canonical, see hw_ifgroup),
 * slot, port, has_slot; -1 if s is not an interface name.
 */
struct hw_ifname {
    char letter[3];
    int slot;
    int port;
    int has_slot;
};
int hw_parse_ifname(const char *s, struct hw_ifname *out);
/* "FastEthernet" for "f", ... */
const char *hw_if_long(const char *letter);
/* Ethernet-like {e,f,g,i,an}, serial, ATM, POS: group ids for §8.2. */
int hw_if_group(const char *letter);

/*
 * The adapter dynagen inserts into an empty slot for an interface
 * (§7.2). Returns the adapter, or NULL with *why set to a message
 * (allocated) naming the interface and the router.
 */
const struct hw_adapter *hw_auto_adapter(const struct hw_model *m,
                                         const char *npe, const char *router,
                                         const struct hw_ifname *ifn,
                                         char **why);

#endif
