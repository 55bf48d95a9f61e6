/*
 * Commands every platform module has (hypervisor.md §5.4): list,
 * set_mac_addr, get_mac_addr, set_system_id, for c7200 (hv_mod_c7200.c)
 * and c3600, c2691, c3725, c3745 (hv_mod_mid.c). Each handler serves the
 * platform of the module it was called through (c->module).
 */
#ifndef HV_HV_PLATFORM_CMDS_H
#define HV_HV_PLATFORM_CMDS_H

#include "hv/hv.h"
#include "hv/hv_router.h"

/*
 * The VM named so, locked, when it is of the platform of the module the
 * command was sent to; otherwise the reply (208 or 212) is written and
 * NULL returned.
 */
struct hv_obj *hv_plat_vm_find(struct hv_ctx *c, const char *name);

/* *dst = a copy of v (the old one freed); -1 out of memory, *dst kept. */
int hv_set_str(char **dst, const char *v);

void hv_plat_list(struct hv_ctx *c, int argc, char **argv);
void hv_plat_set_mac_addr(struct hv_ctx *c, int argc, char **argv);
void hv_plat_get_mac_addr(struct hv_ctx *c, int argc, char **argv);
void hv_plat_set_system_id(struct hv_ctx *c, int argc, char **argv);

/* show_hardware's lines every platform prints (§3.4, on stdout): the VM
 * status and memory sizes, then after the platform's own, the MAC
 * address and the image. */
void hv_plat_show_memory(struct hv_router *r);
void hv_plat_show_identity(const struct hv_router *r);

#endif
