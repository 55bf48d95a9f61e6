/*
 * The platform modules c3600, c2691, c3725, c3745: platform facts
 * (hypervisor.md §6.1, §6.3) and their common commands (§5.4). See
 * hv_mod_mid.h.
 */
#include "hv/hv_mod_mid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv_platform_cmds.h"
#include "hv/hv_vm_cmds.h"
#include "machine/ciscomid/mid.h"
#include "machine/ciscomid/mid_nm.h"

/* ------------------------------------------------ cards (§6.3) */

/*
 * The machine's catalogue decides (mid_nm.h); a card it knows but does
 * not emulate is accepted, as the reference accepts every card it knows:
 * the start then fails, saying why on the VM log.
 */
static int card_ok(unsigned family, int nslots, int slot, int subslot,
                   const char *card)
{
    if (slot < 0 || subslot < 0)
        return -EINVAL;
    int rc = mid_nm_card_check(family, (unsigned)nslots, (unsigned)slot,
                               (unsigned)subslot, card);
    return rc == -ENOTSUP ? 0 : rc;
}

static int c3600_card_ok(int slot, int subslot, const char *card)
{
    return card_ok(MID_FAM_C3600, 7, slot, subslot, card);
}

static int c2691_card_ok(int slot, int subslot, const char *card)
{
    return card_ok(MID_FAM_GT96K, 2, slot, subslot, card);
}

static int c3725_card_ok(int slot, int subslot, const char *card)
{
    return card_ok(MID_FAM_GT96K, 3, slot, subslot, card);
}

static int c3745_card_ok(int slot, int subslot, const char *card)
{
    return card_ok(MID_FAM_GT96K, 5, slot, subslot, card);
}

static int mid_insert(struct vm *vm, int slot, int subslot, const char *card)
{
    return mid_nm_insert(vm, (unsigned)slot, (unsigned)subslot, card);
}

static int mid_remove(struct vm *vm, int slot, int subslot)
{
    return mid_nm_remove(vm, (unsigned)slot, (unsigned)subslot);
}

static int mid_bind(struct vm *vm, int slot, int port, struct nio *nio)
{
    return mid_nm_bind_nio(vm, (unsigned)slot, (unsigned)port, nio);
}

static int mid_unbind(struct vm *vm, int slot, int port)
{
    return mid_nm_unbind_nio(vm, (unsigned)slot, (unsigned)port);
}

/* §6.1 */
const struct hv_platform hv_platform_c3600 = {
    .name = "c3600",
    .mac_byte0 = 0xCC,
    .clock_divisor = 4,
    .disk0_mb = 0,
    .nslots = 7, /* 3620 uses 0-1, 3640 0-3, 3660 0-6 */
    .card_ok = c3600_card_ok,
    .card_ports = mid_nm_card_ports,
    .insert = mid_insert,
    .remove = mid_remove,
    .bind = mid_bind,
    .unbind = mid_unbind,
};

const struct hv_platform hv_platform_c2691 = {
    .name = "c2691",
    .mac_byte0 = 0xC0,
    .clock_divisor = 8,
    .disk0_mb = 16,
    .nslots = 2,
    .slot0_card = "GT96100-FE",
    .card_ok = c2691_card_ok,
    .card_ports = mid_nm_card_ports,
    .insert = mid_insert,
    .remove = mid_remove,
    .bind = mid_bind,
    .unbind = mid_unbind,
};

const struct hv_platform hv_platform_c3725 = {
    .name = "c3725",
    .mac_byte0 = 0xC2,
    .clock_divisor = 8,
    .disk0_mb = 16,
    .nslots = 3,
    .slot0_card = "GT96100-FE",
    .card_ok = c3725_card_ok,
    .card_ports = mid_nm_card_ports,
    .insert = mid_insert,
    .remove = mid_remove,
    .bind = mid_bind,
    .unbind = mid_unbind,
};

const struct hv_platform hv_platform_c3745 = {
    .name = "c3745",
    .mac_byte0 = 0xC4,
    .clock_divisor = 8,
    .disk0_mb = 16,
    .nslots = 5,
    .slot0_card = "GT96100-FE",
    .card_ok = c3745_card_ok,
    .card_ports = mid_nm_card_ports,
    .insert = mid_insert,
    .remove = mid_remove,
    .bind = mid_bind,
    .unbind = mid_unbind,
};

const struct hv_platform *hv_platform_mid_find(const char *name)
{
    static const struct hv_platform *const all[] = {
        &hv_platform_c3600, &hv_platform_c2691, &hv_platform_c3725,
        &hv_platform_c3745};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

int hv_mid_builtin_card(const struct hv_router *r, int slot, int subslot)
{
    if (slot != 0 || subslot != 0 || !r->cards[0][0] ||
        !hv_platform_mid_find(r->plat->name))
        return 0;
    if (r->plat->slot0_card)
        return strcmp(r->cards[0][0], r->plat->slot0_card) == 0;
    const struct mid_platform *mp = mid_platform_find(r->plat->name);
    const struct mid_model *mo = mp ? mid_model_find(mp, r->cfg.chassis)
                                    : NULL;
    return mo && mo->slot0_card && strcmp(r->cards[0][0], mo->slot0_card) == 0;
}

/* ---------------------------------------------------- commands (§5.4) */

void hv_mid_set_iomem(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    int pct = hv_arg_int(argv[1]);
    /* §5.4: never fails; the ROM reports it to IOS with bit 15 set */
    hv_router_of(obj)->cfg.iomem_pct =
        pct < 0 ? 0 : pct > 100 ? 100 : (unsigned)pct;
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

/* Summary on stdout, not on the wire (§3.4). */
void hv_mid_show_hardware(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_plat_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    const struct vm_config *cfg = &r->cfg;
    printf("%s instance '%s' (id %d):\n", r->plat->name, obj->name,
           cfg->instance_id);
    hv_plat_show_memory(r);
    if (cfg->chassis)
        printf("  Chassis     : %s\n", cfg->chassis);
    printf("  I/O memory  : %u %%\n",
           cfg->iomem_pct ? cfg->iomem_pct : MID_IOMEM_DEFAULT_PCT);
    hv_plat_show_identity(r);
    for (int s = 0; s < HV_SLOTS; s++)
        for (int ss = 0; ss < HV_SUBSLOTS; ss++)
            if (r->cards[s][ss])
                printf("  Slot %d/%d    : %s%s\n", s, ss, r->cards[s][ss],
                       r->card_active[s][ss] ? "" : " (not in the hardware)");
    if (r->vm && hv_router_status(r) != VM_HALTED)
        mid_nm_show_hardware(r->vm, stdout);
    fflush(stdout);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

/* ------------------------------------------ modules c2691, c3725, c3745 */

static const struct hv_cmd gt96k_cmds[] = {
    {"list", 0, 0, hv_plat_list},
    {"set_iomem", 2, 2, hv_mid_set_iomem},
    {"set_mac_addr", 2, 2, hv_plat_set_mac_addr},
    {"get_mac_addr", 1, 1, hv_plat_get_mac_addr},
    {"set_system_id", 2, 2, hv_plat_set_system_id},
    {"show_hardware", 1, 1, hv_mid_show_hardware},
};

HV_MODULE(hv_mod_c2691, "c2691", gt96k_cmds);
HV_MODULE(hv_mod_c3725, "c3725", gt96k_cmds);
HV_MODULE(hv_mod_c3745, "c3745", gt96k_cmds);
