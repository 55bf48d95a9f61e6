/*
 * Commands every platform module has (hypervisor.md §5.4); see
 * hv_platform_cmds.h.
 */
#include "hv/hv_platform_cmds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_vm_cmds.h"
#include "machine/c7200/c7200_eeprom.h" /* MAC parse/format, any platform */

/* The platform of the module the command was sent to ("c7200" ...). */
static const struct hv_platform *module_platform(const struct hv_ctx *c)
{
    return hv_platform_find(c->module->name);
}

struct hv_obj *hv_plat_vm_find(struct hv_ctx *c, const char *name)
{
    const struct hv_platform *p = module_platform(c);
    struct hv_obj *obj = hv_router_lock(c->hv, name);
    if (!obj) {
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find VM '%s'", name);
        return NULL;
    }
    if (hv_router_of(obj)->plat != p) {
        hv_router_unlock(c->hv, obj);
        hv_err(c, HSC_ERR_BAD_OBJ, "VM '%s' is not a VM type %s", name,
               p->name);
        return NULL;
    }
    return obj;
}

int hv_set_str(char **dst, const char *v)
{
    char *copy = strdup(v);
    if (!copy)
        return -1;
    free(*dst);
    *dst = copy;
    return 0;
}

static void list_one(struct hv_ctx *c, struct hv_obj *obj, void *arg)
{
    if (hv_router_of(obj)->plat == arg)
        hv_info(c, "%s", obj->name);
}

void hv_plat_list(struct hv_ctx *c, int argc, char **argv)
{
    hv_obj_foreach(c, HV_KIND_VM, list_one, (void *)module_platform(c));
    hv_ok(c, "OK");
}

void hv_plat_set_mac_addr(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    uint8_t m[6];
    char text[C7200_MAC_STRLEN];
    /* §5.4: hh:hh:hh:hh:hh:hh or hhhh.hhhh.hhhh, stored in Cisco form */
    int ok = c7200_mac_parse(argv[1], m) == 0;
    if (ok) {
        c7200_mac_format(m, text);
        ok = hv_set_str(&r->cfg.mac, text) == 0;
    }
    if (!ok)
        hv_err(c, HSC_ERR_CREATE, "unable to set MAC address for router '%s'",
               argv[0]);
    else
        hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_plat_get_mac_addr(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    uint8_t m[6];
    char text[C7200_MAC_STRLEN];
    hv_router_mac(hv_router_of(obj), m);
    c7200_mac_format(m, text);
    hv_ok(c, "%s", text);
    hv_router_unlock(c->hv, obj);
}

void hv_plat_set_system_id(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    char id[14];
    snprintf(id, sizeof(id), "%s", argv[1]); /* 13 characters (§5.4) */
    if (hv_set_str(&r->cfg.system_id, id) < 0)
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
    else
        hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_plat_show_memory(struct hv_router *r)
{
    printf("  VM status   : %d\n", hv_router_status(r));
    printf("  RAM size    : %u MB\n", r->cfg.ram_mb);
    printf("  NVRAM size  : %u KB\n", r->cfg.nvram_kb);
}

void hv_plat_show_identity(const struct hv_router *r)
{
    uint8_t m[6];
    hv_router_mac(r, m);
    printf("  MAC address : %02x%02x.%02x%02x.%02x%02x\n", m[0], m[1], m[2],
           m[3], m[4], m[5]);
    printf("  IOS image   : %s\n", r->cfg.image ? r->cfg.image : "(none)");
}
