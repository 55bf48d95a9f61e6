/*
 * Module "c7200": settings of Cisco 7200 instances (hypervisor.md §5.4)
 * and the platform facts of §6.1-6.3 the hypervisor checks against.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "hv/hv_mod_mid.h"
#include "hv/hv_platform_cmds.h"
#include "hv/hv_router.h"
#include "hv/hv_vm_cmds.h"
#include "machine/c7200/c7200_eeprom.h"
#include "machine/c7200/c7200_pa.h"

/* §6.2 */
static const char *const c7200_npes[] = {
    "npe-100", "npe-150", "npe-175", "npe-200", "npe-225",
    "npe-300", "npe-400", "npe-g1",  "npe-g2",
};

static int in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}
#define IN_LIST(list, s) in_list(list, sizeof(list) / sizeof(list[0]), s)

/*
 * Cards come from the machine's catalogue (c7200_pa.h): I/O cards in bay
 * 0, port adapters in bays 1-6, no WIC sub-slots. A card the machine
 * knows but does not emulate yet is accepted, as the reference accepts
 * every card it knows: the start then fails, saying why on the VM log.
 */
static int c7200_card_ok(int slot, int subslot, const char *card)
{
    if (subslot != 0 || slot < 0)
        return -EINVAL;
    int rc = c7200_pa_card_check((unsigned)slot, card);
    return rc == -ENOTSUP ? 0 : rc;
}

static int c7200_insert(struct vm *vm, int slot, int subslot,
                        const char *card)
{
    return subslot ? -EINVAL : c7200_pa_insert(vm, (unsigned)slot, card);
}

static int c7200_remove(struct vm *vm, int slot, int subslot)
{
    return subslot ? -EINVAL : c7200_pa_remove(vm, (unsigned)slot);
}

static int c7200_bind(struct vm *vm, int slot, int port, struct nio *nio)
{
    return c7200_pa_bind_nio(vm, (unsigned)slot, (unsigned)port, nio);
}

static int c7200_unbind(struct vm *vm, int slot, int port)
{
    return c7200_pa_unbind_nio(vm, (unsigned)slot, (unsigned)port);
}

/* §6.1 */
static const struct hv_platform hv_platform_c7200 = {
    .name = "c7200",
    .mac_byte0 = C7200_MAC_PREFIX,
    .clock_divisor = 4,
    .disk0_mb = 64,
    .nslots = C7200_PA_BAYS, /* bays 0-6; 7 and 8 are internal (NPE-G2) */
    .card_ok = c7200_card_ok,
    .card_ports = c7200_pa_card_ports,
    .insert = c7200_insert,
    .remove = c7200_remove,
    .bind = c7200_bind,
    .unbind = c7200_unbind,
};

const struct hv_platform *hv_platform_find(const char *name)
{
    if (strcmp(name, hv_platform_c7200.name) == 0)
        return &hv_platform_c7200;
    return hv_platform_mid_find(name); /* c3600, c2691, c3725, c3745 */
}

static void cmd_set_npe(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    if (hv_router_status(r) != VM_HALTED || !IN_LIST(c7200_npes, argv[1]) ||
        hv_set_str(&r->cfg.npe, argv[1]) < 0)
        hv_err(c, HSC_ERR_CREATE, "unable to set NPE type for router '%s'",
               argv[0]);
    else
        hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static void cmd_set_midplane(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int known = strcmp(argv[1], "std") == 0 || strcmp(argv[1], "vxr") == 0;
    if (hv_router_status(r) != VM_HALTED || !known ||
        hv_set_str(&r->cfg.midplane, argv[1]) < 0)
        hv_err(c, HSC_ERR_CREATE,
               "unable to set Midplane type for router '%s'", argv[0]);
    else
        hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static void cmd_set_temp_sensor(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int i = hv_arg_int(argv[1]);
    if (i >= 0 && i < 4) /* out of range: ignored */
        r->temp_c[i] = hv_arg_int(argv[2]);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static void cmd_set_power_supply(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int i = hv_arg_int(argv[1]);
    if (i >= 0 && i < 2)
        r->psu[i] = hv_arg_int(argv[2]) != 0;
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

/* Summary on stdout, not on the wire (§3.4). */
static void cmd_show_hardware(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    const struct vm_config *cfg = &r->cfg;
    printf("C7200 instance '%s' (id %d):\n", obj->name, cfg->instance_id);
    hv_plat_show_memory(r);
    printf("  NPE model   : %s\n", cfg->npe ? cfg->npe : "npe-400");
    printf("  Midplane    : %s\n", cfg->midplane ? cfg->midplane : "vxr");
    hv_plat_show_identity(r);
    for (int s = 0; s < HV_SLOTS; s++)
        if (r->cards[s][0])
            printf("  Slot %d      : %s%s\n", s, r->cards[s][0],
                   r->card_active[s][0] ? "" : " (not in the hardware)");
    printf("  Temperature : %d %d %d %d C, power supplies %s/%s\n",
           r->temp_c[0], r->temp_c[1], r->temp_c[2], r->temp_c[3],
           r->psu[0] ? "on" : "off", r->psu[1] ? "on" : "off");
    if (r->vm && hv_router_status(r) != VM_HALTED)
        c7200_pa_show_hardware(r->vm, stdout);
    fflush(stdout);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static const struct hv_cmd c7200_cmds[] = {
    {"list", 0, 0, hv_plat_list},
    {"set_npe", 2, 2, cmd_set_npe},
    {"set_midplane", 2, 2, cmd_set_midplane},
    {"set_mac_addr", 2, 2, hv_plat_set_mac_addr},
    {"get_mac_addr", 1, 1, hv_plat_get_mac_addr},
    {"set_system_id", 2, 2, hv_plat_set_system_id},
    {"set_temp_sensor", 3, 3, cmd_set_temp_sensor},
    {"set_power_supply", 3, 3, cmd_set_power_supply},
    {"show_hardware", 1, 1, cmd_show_hardware},
};

HV_MODULE(hv_mod_c7200, "c7200", c7200_cmds);
