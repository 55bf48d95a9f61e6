/*
 * Shared part of the platform modules c3600, c2691, c3725 and c3745
 * (hypervisor.md §5.4, §6.1, §6.3): their platform facts for the
 * hypervisor core and the commands common to the four modules. Each
 * of c2691, c3725 and c3745 is the common table (hv_mod_mid.c); c3600
 * (hv_mod_c3600.c) adds set_chassis.
 */
#ifndef HV_HV_MOD_MID_H
#define HV_HV_MOD_MID_H

#include "hv/hv.h"
#include "hv/hv_platform_cmds.h"
#include "hv/hv_router.h"

extern const struct hv_platform hv_platform_c3600, hv_platform_c2691,
    hv_platform_c3725, hv_platform_c3745;

/* The platform named so among these four, or NULL. */
const struct hv_platform *hv_platform_mid_find(const char *name);

/*
 * 1 if the card recorded in slot/sub-slot is the one the platform puts
 * there itself (GT96100-FE, a 3660's Leopard-2FE: §6.3), which a saved
 * configuration must not add again.
 */
int hv_mid_builtin_card(const struct hv_router *r, int slot, int subslot);

/* Handlers of the commands the four modules share besides those of every
 * platform (hv_platform_cmds.h); each serves the platform of the module
 * it was called through (c->module). */
void hv_mid_set_iomem(struct hv_ctx *c, int argc, char **argv);
void hv_mid_show_hardware(struct hv_ctx *c, int argc, char **argv);

#endif
