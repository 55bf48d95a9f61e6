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
    {.name = "3725", GTFAM_MODEL_COMMON,
     .cpu_mhz = 240, .platform_id = 0x61, .nslots = 3, .oir = 0,
     .eeprom = {"3725"}, .mac_chip = 0, .mac_off = 75,
     .sysid_chip = 0, .sysid_off = 62},
};

/* §4.2, §4.5 */
static const struct gtfam_wiring c3725_wiring = {
    .gt_base = 0x14000000ull,
    .fpga_base = 0x1E800000ull,
    .fpga = GTFAM_FPGA_3725,
    .nm_dev = {0, 6, 10},
    .nm_bridges = 0,
};

const struct mid_platform c3725_mid_platform = {
    .name = "c3725",
    .tag = "C3725",
    .models = c3725_models,
    .nmodels = 1,
    .nvram_kb = 112,
    .mac_prefix = 0xC2,
    .nvram_layout = "c3725",
    GTFAM_PLATFORM(&c3725_wiring),
};

const struct machine_ops c3725_machine_ops = MID_MACHINE_OPS("c3725");
