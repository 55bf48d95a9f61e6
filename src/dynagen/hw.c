/*
 * Router hardware as Dynagen sees it: dynagen.md §6.2 (models), §6.3
 * (adapters), §6.4 (WICs), §7.1 (interface names), §7.2 (automatic
 * adapter choice). Port counts from hypervisor.md §6.3.
 */
#include "dynagen/hw.h"

#include <stdlib.h>
#include <string.h>

#include "dynagen/dg_util.h"

enum { WIC_NONE, WIC_SERIAL, WIC_SERIAL_ETH };

/* dynagen.md §6.2; long names for show device */
static const struct hw_model hw_models[] = {
    {"7200", "c7200", 0, 256, 128, 64, 0, 7, NULL, WIC_NONE, "Cisco 7206VXR"},
    {"3620", "c3600", 1, 128, 128, 0, 0, 2, NULL, WIC_NONE, "Cisco 3620"},
    {"3640", "c3600", 1, 128, 128, 0, 0, 4, NULL, WIC_NONE, "Cisco 3640"},
    {"3660", "c3600", 1, 128, 128, 0, 0, 7, "Leopard-2FE", WIC_NONE,
     "Cisco 3660"},
    {"2691", "c2691", 0, 128, 55, 16, 0, 2, "GT96100-FE", WIC_SERIAL,
     "Cisco 2691"},
    {"3725", "c3725", 0, 128, 55, 16, 0, 3, "GT96100-FE", WIC_SERIAL,
     "Cisco 3725"},
    {"3745", "c3745", 0, 128, 151, 16, 0, 5, "GT96100-FE", WIC_SERIAL,
     "Cisco 3745"},
    {"2610", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-1E", WIC_SERIAL,
     "Cisco 2610"},
    {"2611", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-2E", WIC_SERIAL,
     "Cisco 2611"},
    {"2620", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-1FE", WIC_SERIAL,
     "Cisco 2620"},
    {"2621", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-2FE", WIC_SERIAL,
     "Cisco 2621"},
    {"2610XM", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-1FE", WIC_SERIAL,
     "Cisco 2610XM"},
    {"2611XM", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-2FE", WIC_SERIAL,
     "Cisco 2611XM"},
    {"2620XM", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-1FE", WIC_SERIAL,
     "Cisco 2620XM"},
    {"2621XM", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-2FE", WIC_SERIAL,
     "Cisco 2621XM"},
    {"2650XM", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-1FE", WIC_SERIAL,
     "Cisco 2650XM"},
    {"2651XM", "c2600", 1, 64, 128, 8, 8, 2, "CISCO2600-MB-2FE", WIC_SERIAL,
     "Cisco 2651XM"},
    {"1710", "c1700", 1, 64, 32, 0, 0, 1, "CISCO1710-MB-1FE-1E", WIC_NONE,
     "Cisco 1710"},
    {"1720", "c1700", 1, 64, 32, 0, 0, 1, "C1700-MB-1ETH", WIC_SERIAL_ETH,
     "Cisco 1720"},
    {"1721", "c1700", 1, 64, 32, 0, 0, 1, "C1700-MB-1ETH", WIC_SERIAL_ETH,
     "Cisco 1721"},
    {"1750", "c1700", 1, 64, 32, 0, 0, 1, "C1700-MB-1ETH", WIC_SERIAL_ETH,
     "Cisco 1750"},
    /* 1751/1760: the WIC in sub-slot 1 is addressed as slot 1 (§6.4) */
    {"1751", "c1700", 1, 64, 32, 0, 0, 2, "C1700-MB-1ETH", WIC_SERIAL_ETH,
     "Cisco 1751"},
    {"1760", "c1700", 1, 64, 32, 0, 0, 2, "C1700-MB-1ETH", WIC_SERIAL_ETH,
     "Cisco 1760"},
};

/* Families of network-module slots (which NMs a chassis takes). */
enum { FAM_36 = 1, FAM_37 = 2, FAM_26 = 4 };

struct hw_adapter_def {
    struct hw_adapter a;
    const char *alias;  /* a second accepted name */
    unsigned families;  /* for HW_NM */
};

#define IF1(l, n) {{l, n, 0}, {NULL, 0, 0}}
static const struct hw_adapter_def hw_adapters[] = {
    /* c7200 slot 0 I/O controllers */
    {{"C7200-IO-FE", "C7200-IO-FE", HW_PA_IO, IF1("f", 1), 0},
     "PA-C7200-IO-FE", 0},
    {{"C7200-IO-2FE", "C7200-IO-2FE", HW_PA_IO, IF1("f", 2), 0},
     "PA-C7200-IO-2FE", 0},
    {{"C7200-IO-GE-E", "C7200-IO-GE-E", HW_PA_IO, IF1("g", 1), 0},
     "PA-C7200-IO-GE-E", 0},
    /* NPE-G2 on-board Gigabit ports (Gi0/1-0/3) */
    {{"NPE-G2", "NPE-G2", HW_PA_IO, IF1("g", 4), 0}, NULL, 0},
    /* c7200 port adapters, slots 1-6 */
    {{"PA-FE-TX", "PA-FE-TX", HW_PA, IF1("f", 1), 0}, NULL, 0},
    {{"PA-2FE-TX", "PA-2FE-TX", HW_PA, IF1("f", 2), 0}, NULL, 0},
    {{"PA-GE", "PA-GE", HW_PA, IF1("g", 1), 0}, NULL, 0},
    {{"PA-4E", "PA-4E", HW_PA, IF1("e", 4), 0}, NULL, 0},
    {{"PA-8E", "PA-8E", HW_PA, IF1("e", 8), 0}, NULL, 0},
    {{"PA-4T+", "PA-4T+", HW_PA, IF1("s", 4), 0}, "PA-4T", 0},
    {{"PA-8T", "PA-8T", HW_PA, IF1("s", 8), 0}, NULL, 0},
    {{"PA-A1", "PA-A1", HW_PA, IF1("a", 1), 0}, NULL, 0},
    {{"PA-POS-OC3", "PA-POS-OC3", HW_PA, IF1("p", 1), 0}, NULL, 0},
    /* network modules */
    {{"NM-1FE-TX", "NM-1FE-TX", HW_NM, IF1("f", 1), 0}, NULL,
     FAM_36 | FAM_37 | FAM_26},
    {{"NM-1E", "NM-1E", HW_NM, IF1("e", 1), 0}, NULL, FAM_36 | FAM_26},
    {{"NM-4E", "NM-4E", HW_NM, IF1("e", 4), 0}, NULL, FAM_36 | FAM_26},
    {{"NM-4T", "NM-4T", HW_NM, IF1("s", 4), 0}, "NM-4T+", FAM_36 | FAM_37},
    {{"NM-16ESW", "NM-16ESW", HW_NM, IF1("f", 16), 0}, NULL,
     FAM_36 | FAM_37 | FAM_26},
    {{"NM-CIDS", "NM-CIDS", HW_NM, IF1("i", 1), 0}, NULL, FAM_37 | FAM_26},
    {{"NM-NAM", "NM-NAM", HW_NM, IF1("an", 1), 0}, NULL, FAM_37 | FAM_26},
    /* built into a chassis (present at creation, never bound) */
    {{"Leopard-2FE", "Leopard-2FE", HW_ONBOARD, IF1("f", 2), 0}, NULL, 0},
    {{"GT96100-FE", "GT96100-FE", HW_ONBOARD, IF1("f", 2), 3}, NULL, 0},
    {{"CISCO2600-MB-1E", "CISCO2600-MB-1E", HW_ONBOARD, IF1("e", 1), 2},
     NULL, 0},
    {{"CISCO2600-MB-2E", "CISCO2600-MB-2E", HW_ONBOARD, IF1("e", 2), 2},
     NULL, 0},
    {{"CISCO2600-MB-1FE", "CISCO2600-MB-1FE", HW_ONBOARD, IF1("f", 1), 2},
     NULL, 0},
    {{"CISCO2600-MB-2FE", "CISCO2600-MB-2FE", HW_ONBOARD, IF1("f", 2), 2},
     NULL, 0},
    /* 1710: f0 is port 0, e0 is port 1 (§6.2) */
    {{"CISCO1710-MB-1FE-1E", "CISCO1710-MB-1FE-1E", HW_ONBOARD,
      {{"f", 1, 0}, {"e", 1, 1}}, 0},
     "C1710-MB-1FE-1E", 0},
    {{"C1700-MB-1ETH", "C1700-MB-1ETH", HW_ONBOARD, IF1("f", 1), 2}, NULL, 0},
};

static const struct hw_adapter_def hw_wics[] = {
    {{"WIC-1T", "WIC-1T", HW_WIC, IF1("s", 1), 0}, NULL, 0},
    {{"WIC-2T", "WIC-2T", HW_WIC, IF1("s", 2), 0}, NULL, 0},
    {{"WIC-1ENET", "WIC-1ENET", HW_WIC, IF1("e", 1), 0}, NULL, 0},
};

const struct hw_model *hw_model_find(const char *name)
{
    for (size_t i = 0; i < DG_ARRAY_SIZE(hw_models); i++) {
        if (strcmp(hw_models[i].name, name) == 0) {
            return &hw_models[i];
        }
    }
    return NULL;
}

const char *hw_model_name(size_t i)
{
    return i < DG_ARRAY_SIZE(hw_models) ? hw_models[i].name : NULL;
}

size_t hw_model_count(void)
{
    return DG_ARRAY_SIZE(hw_models);
}

static const struct hw_adapter *hw_find_in(const struct hw_adapter_def *t,
                                           size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].a.name, name) == 0 ||
            (t[i].alias && strcmp(t[i].alias, name) == 0)) {
            return &t[i].a;
        }
    }
    return NULL;
}

const struct hw_adapter *hw_adapter_find(const char *name)
{
    return hw_find_in(hw_adapters, DG_ARRAY_SIZE(hw_adapters), name);
}

const struct hw_adapter *hw_wic_find(const char *name)
{
    return hw_find_in(hw_wics, DG_ARRAY_SIZE(hw_wics), name);
}

static unsigned hw_family(const struct hw_model *m)
{
    if (strcmp(m->platform, "c3600") == 0) {
        return FAM_36;
    }
    if (strcmp(m->platform, "c2600") == 0) {
        return FAM_26;
    }
    if (strcmp(m->platform, "c2691") == 0 || strcmp(m->platform, "c3725") == 0 ||
        strcmp(m->platform, "c3745") == 0) {
        return FAM_37;
    }
    return 0;
}

/* NM slots per model (§6.3): 3620 0-1, 3640 0-3, 3660 1-6, ... */
static int hw_nm_slot(const struct hw_model *m, int slot)
{
    if (slot < 0 || slot >= m->nslots) {
        return 0;
    }
    if (strcmp(m->platform, "c3600") == 0) {
        return m->slot0 ? slot >= 1 : 1;
    }
    unsigned fam = hw_family(m);
    return (fam == FAM_37 || fam == FAM_26) && slot >= 1;
}

enum hw_fit hw_adapter_fits(const struct hw_model *m,
                            const struct hw_adapter *a, int slot)
{
    if (slot < 0 || slot >= m->nslots) {
        return HW_FIT_BAD_SLOT;
    }
    const struct hw_adapter_def *def = (const struct hw_adapter_def *)a;
    switch (a->cls) {
    case HW_PA_IO:
        return strcmp(m->platform, "c7200") == 0 && slot == 0
                   ? HW_FIT_OK
                   : HW_FIT_NOT_SUPPORTED;
    case HW_PA:
        return strcmp(m->platform, "c7200") == 0 && slot >= 1
                   ? HW_FIT_OK
                   : HW_FIT_NOT_SUPPORTED;
    case HW_NM:
        return (def->families & hw_family(m)) && hw_nm_slot(m, slot)
                   ? HW_FIT_OK
                   : HW_FIT_NOT_SUPPORTED;
    case HW_ONBOARD:
        return slot == 0 && m->slot0 && strcmp(m->slot0, a->name) == 0
                   ? HW_FIT_OK
                   : HW_FIT_NOT_SUPPORTED;
    case HW_WIC:
        return HW_FIT_NOT_SUPPORTED;
    }
    return HW_FIT_NOT_SUPPORTED;
}

int hw_wic_allowed(const struct hw_model *m, const struct hw_adapter *w)
{
    if (strcmp(w->ifs[0].letter, "e") == 0) {
        return m->wic_kind == WIC_SERIAL_ETH;
    }
    return m->wic_kind != WIC_NONE;
}

const struct hw_ifgroup *hw_adapter_ifgroup(const struct hw_adapter *a,
                                            const char *letter)
{
    for (size_t i = 0; i < DG_ARRAY_SIZE(a->ifs); i++) {
        if (a->ifs[i].letter && strcmp(a->ifs[i].letter, letter) == 0) {
            return &a->ifs[i];
        }
    }
    return NULL;
}

struct hw_ifprefix {
    const char *prefix;
    const char *letter;
    int portless; /* "s0" style allowed (§7.1) */
};

static const struct hw_ifprefix hw_ifprefixes[] = {
    {"g", "g", 1},  {"gi", "g", 1},  {"gigabitethernet", "g", 1},
    {"f", "f", 1},  {"fa", "f", 1},  {"fastethernet", "f", 1},
    {"e", "e", 1},  {"et", "e", 1},  {"eth", "e", 1},
    {"ethernet", "e", 1},
    {"s", "s", 1},  {"se", "s", 1},  {"serial", "s", 1},
    {"a", "a", 1},  {"at", "a", 1},  {"atm", "a", 1},
    {"p", "p", 1},  {"po", "p", 1},  {"pos", "p", 1},
    {"i", "i", 0},  {"id", "i", 0},  {"ids-sensor", "i", 0},
    {"an", "an", 0}, {"analysis-module", "an", 0},
};

static int hw_digits(const char **p, int *out)
{
    const char *s = *p;
    long v = 0;
    if (*s < '0' || *s > '9') {
        return -1;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s - '0');
        if (v > 100000) {
            return -1;
        }
        s++;
    }
    *out = (int)v;
    *p = s;
    return 0;
}

int hw_parse_ifname(const char *s, struct hw_ifname *out)
{
    const char *p = s;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-') {
        p++;
    }
    size_t plen = (size_t)(p - s);
    const struct hw_ifprefix *pf = NULL;
    for (size_t i = 0; i < DG_ARRAY_SIZE(hw_ifprefixes); i++) {
        if (strlen(hw_ifprefixes[i].prefix) == plen &&
            dg_strncaseeq(s, hw_ifprefixes[i].prefix, plen)) {
            pf = &hw_ifprefixes[i];
            break;
        }
    }
    if (!pf) {
        return -1;
    }
    int a, b;
    if (hw_digits(&p, &a) < 0) {
        return -1;
    }
    memset(out, 0, sizeof(*out));
    strcpy(out->letter, pf->letter);
    if (*p == '/') {
        p++;
        if (hw_digits(&p, &b) < 0 || *p) {
            return -1;
        }
        out->slot = a;
        out->port = b;
        out->has_slot = 1;
        return 0;
    }
    if (*p || !pf->portless) {
        return -1;
    }
    out->slot = 0;
    out->port = a;
    return 0;
}

const char *hw_if_long(const char *letter)
{
    static const struct {
        const char *l, *name;
    } names[] = {{"f", "FastEthernet"}, {"e", "Ethernet"},
                 {"g", "GigabitEthernet"}, {"s", "Serial"},
                 {"a", "ATM"}, {"p", "POS"}, {"i", "IDS-Sensor"},
                 {"an", "Analysis-Module"}};
    for (size_t i = 0; i < DG_ARRAY_SIZE(names); i++) {
        if (strcmp(names[i].l, letter) == 0) {
            return names[i].name;
        }
    }
    return letter;
}

int hw_if_group(const char *letter)
{
    switch (letter[0]) {
    case 'e':
    case 'f':
    case 'g':
    case 'i':
        return 1;
    case 'a':
        return letter[1] == 'n' ? 1 : 3;
    case 's':
        return 2;
    case 'p':
        return 4;
    }
    return 0;
}

static char *hw_unsupported(const struct hw_ifname *ifn, const char *router)
{
    /* the misspelling is the original message (dynagen.md §7.2) */
    return dg_printf("unsuppported interface %s%d/%d specified for device: %s",
                     ifn->letter, ifn->slot, ifn->port, router);
}

const struct hw_adapter *hw_auto_adapter(const struct hw_model *m,
                                         const char *npe, const char *router,
                                         const struct hw_ifname *ifn,
                                         char **why)
{
    const char *l = ifn->letter;
    int slot = ifn->slot;
    *why = NULL;
    if (slot < 0 || slot >= m->nslots) {
        *why = dg_printf("invalid slot %d specified on device %s", slot,
                         router);
        return NULL;
    }
    if (strcmp(l, "i") == 0) {
        return hw_adapter_find("NM-CIDS");
    }
    if (strcmp(l, "an") == 0) {
        return hw_adapter_find("NM-NAM");
    }
    if (strcmp(l, "g") == 0) {
        if (strcmp(m->platform, "c7200") == 0 && slot == 0) {
            if (npe && strcmp(npe, "npe-g2") == 0) {
                return hw_adapter_find("NPE-G2");
            }
            if (ifn->port >= 1 && ifn->port <= 3) {
                *why = dg_printf("Use of Gi0/1-3 requires use of an NPE-G2 "
                                 "on router: %s",
                                 router);
                return NULL;
            }
            return hw_adapter_find("C7200-IO-GE-E");
        }
        /* no model check in the original: the slot check refuses it */
        return hw_adapter_find(slot == 0 ? "C7200-IO-GE-E" : "PA-GE");
    }
    if (strcmp(m->platform, "c7200") == 0) {
        switch (l[0]) {
        case 'f':
            return hw_adapter_find(slot == 0 ? "C7200-IO-2FE" : "PA-2FE-TX");
        case 'e':
            return hw_adapter_find("PA-8E");
        case 's':
            return hw_adapter_find("PA-8T");
        case 'a':
            return hw_adapter_find("PA-A1");
        case 'p':
            return hw_adapter_find("PA-POS-OC3");
        }
    }
    unsigned fam = hw_family(m);
    if (fam && l[0] == 'f') {
        return hw_adapter_find("NM-1FE-TX");
    }
    if (fam == FAM_36 || fam == FAM_26) {
        if (l[0] == 'e') {
            return hw_adapter_find("NM-4E");
        }
    }
    if (fam == FAM_36 || fam == FAM_37) {
        if (l[0] == 's') {
            return hw_adapter_find("NM-4T");
        }
    }
    if (fam == FAM_37 && l[0] == 'e') {
        *why = dg_printf("ethernet adapter not supported on port %d for "
                         "device %s",
                         ifn->port, router);
        return NULL;
    }
    *why = hw_unsupported(ifn, router);
    return NULL;
}
