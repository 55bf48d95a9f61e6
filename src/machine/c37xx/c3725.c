/*
 * Cisco 3725 wiring (shared spec c3600-c2691-c37xx.md §4): the 2691 with a second NM bay
 * (devices 6 and 10 on the GT's second PCI bus), the §4.6 I/O FPGA.
 * Everything else is the GT-96100 routers' common chassis
 * (machine/ciscomid/gtfam.c) and the common layer (machine/ciscomid).
 */
#include "core/vm.h"
#include "machine/ciscomid/gtfam.h"
#include "machine/ciscomid/mid.h"

/* §1.1, §4.1, §4.8, §9 */
static const struct mid_model c3725_models[] = {
    {.name = "3725", .prid = PRID_RM7000, .tlb_entries = 64,
     .cpu_mhz = 240, .platform_id = 0x61, .nslots = 3,
     .slot0_card = "GT96100-FE", .oir = 0,
     .eeprom = {"3725"}, .mac_chip = 0, .mac_off = 75,
     .sysid_chip = 0, .sysid_off = 62,
     .sysid_kind = MID_SYSID_CHARS11},
};

/* §4.2, §4.5 */
static const struct gtfam_wiring c3725_wiring = {
    .gt_base = 0x14000000ull,
    .fpga_base = 0x1E800000ull,
    .fpga = GTFAM_FPGA_3725,
    .nm_dev = {0, 6, 10},
    .nm_bridges = 0,
};

static int c3725_chassis_create(struct mid *m, char *err, size_t errlen)
{
    return gtfam_create(m, &c3725_wiring, err, errlen);
}

const struct mid_platform c3725_mid_platform = {
    .name = "c3725",
    .tag = "C3725",
    .family = MID_FAM_GT96K,
    .models = c3725_models,
    .nmodels = 1,
    .nvram_kb = 112,
    .disk0_mb = 16,
    .mac_prefix = 0xC2,
    .duart_base = 0x3C100000ull,
    .nvram_layout = "c3725",
    .create = c3725_chassis_create,
    .reset = gtfam_reset,
    .destroy = gtfam_destroy,
    .nm_place = gtfam_nm_place,
    .net_irq = gtfam_net_irq,
    .oir_event = gtfam_oir_event,
    .gt96k = gtfam_gt,
    .pci_root = gtfam_pci_root,
    .show = gtfam_show,
};

/* ---- machine_ops ---- */

static void c3725_defaults(struct vm_config *cfg)
{
    mid_defaults(cfg, &c3725_mid_platform);
}

static int c3725_create(struct vm *vm, char *err, size_t errlen)
{
    return mid_create(vm, &c3725_mid_platform, err, errlen);
}

static int c3725_extract_config(const struct vm_config *cfg,
                                const char *file_prefix, char **startup,
                                size_t *startup_len, char **priv,
                                size_t *priv_len, char *err, size_t errlen)
{
    return mid_extract_config(&c3725_mid_platform, cfg, file_prefix, startup,
                              startup_len, priv, priv_len, err, errlen);
}

static int c3725_push_config(const struct vm_config *cfg,
                             const char *file_prefix, const char *startup,
                             size_t startup_len, const char *priv,
                             size_t priv_len, char *err, size_t errlen)
{
    return mid_push_config(&c3725_mid_platform, cfg, file_prefix, startup,
                           startup_len, priv, priv_len, err, errlen);
}

const struct machine_ops c3725_machine_ops = {
    .name = "c3725",
    .defaults = c3725_defaults,
    .create = c3725_create,
    .boot = mid_boot,
    .destroy = mid_destroy,
    .show_devices = mid_show_devices,
    .extract_config = c3725_extract_config,
    .push_config = c3725_push_config,
    .state_save = mid_state_save,
    .state_load = mid_state_load,
};
