/*
 * Module "c3600": settings of Cisco 3620/3640/3660 instances
 * (hypervisor.md §5.4), over the shared part in hv_mod_mid.c.
 */
#include <stdlib.h>
#include <string.h>

#include "hv/hv_mod_mid.h"
#include "machine/ciscomid/mid.h"

/*
 * §5.4 set_chassis: 3620, 3640 or 3660, only while halted. The 3660's
 * built-in Leopard-2FE is recorded in slot 0 (§6.3), and dropped again
 * when the chassis changes to one without it.
 */
static void cmd_set_chassis(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    const struct mid_platform *mp = mid_platform_find("c3600");
    const struct mid_model *mo = mp ? mid_model_find(mp, argv[1]) : NULL;
    char *copy = mo ? strdup(mo->name) : NULL;
    if (hv_router_status(r) != VM_HALTED || !copy) {
        free(copy);
        hv_err(c, HSC_ERR_CREATE, "unable to set Chassis type for router "
               "'%s'", argv[0]);
        hv_router_unlock(c->hv, obj);
        return;
    }
    free(r->cfg.chassis);
    r->cfg.chassis = copy;
    const char *builtin = mo->slot0_card;
    char *slot0 = r->cards[0][0];
    if (builtin && !slot0) {
        r->cards[0][0] = strdup(builtin);
    } else if (!builtin && slot0 && strcmp(slot0, "Leopard-2FE") == 0) {
        free(slot0);
        r->cards[0][0] = NULL;
    }
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static const struct hv_cmd c3600_cmds[] = {
    {"list", 0, 0, hv_plat_list},
    {"set_chassis", 2, 2, cmd_set_chassis},
    {"set_iomem", 2, 2, hv_mid_set_iomem},
    {"set_mac_addr", 2, 2, hv_plat_set_mac_addr},
    {"get_mac_addr", 1, 1, hv_plat_get_mac_addr},
    {"set_system_id", 2, 2, hv_plat_set_system_id},
    {"show_hardware", 1, 1, hv_mid_show_hardware},
};

HV_MODULE(hv_mod_c3600, "c3600", c3600_cmds);
