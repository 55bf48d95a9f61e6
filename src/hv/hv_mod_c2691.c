/*
 * Module "c2691": settings of Cisco 2691 instances (hypervisor.md §5.4),
 * over the shared part in hv_mod_mid.c.
 */
#include "hv/hv_mod_mid.h"

#define P (&hv_platform_c2691)

static void cmd_list(struct hv_ctx *c, int argc, char **argv)
{
    hv_mid_list(c, P);
}

static void cmd_set_mac_addr(struct hv_ctx *c, int argc, char **argv)
{
    hv_mid_set_mac_addr(c, P, argv);
}

static void cmd_get_mac_addr(struct hv_ctx *c, int argc, char **argv)
{
    hv_mid_get_mac_addr(c, P, argv);
}

static void cmd_set_system_id(struct hv_ctx *c, int argc, char **argv)
{
    hv_mid_set_system_id(c, P, argv);
}

static void cmd_set_iomem(struct hv_ctx *c, int argc, char **argv)
{
    hv_mid_set_iomem(c, P, argv);
}

static void cmd_show_hardware(struct hv_ctx *c, int argc, char **argv)
{
    hv_mid_show_hardware(c, P, argv);
}

static const struct hv_cmd c2691_cmds[] = {
    {"list", 0, 0, cmd_list},
    {"set_iomem", 2, 2, cmd_set_iomem},
    {"set_mac_addr", 2, 2, cmd_set_mac_addr},
    {"get_mac_addr", 1, 1, cmd_get_mac_addr},
    {"set_system_id", 2, 2, cmd_set_system_id},
    {"show_hardware", 1, 1, cmd_show_hardware},
};

HV_MODULE(hv_mod_c2691, "c2691", c2691_cmds);
