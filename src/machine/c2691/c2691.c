/*
 * Cisco 2691 wiring (shared spec c3600-c2691-c37xx.md §4): one NM bay on the GT's second PCI
 * bus, the §4.6 I/O FPGA, the mainboard EEPROM.
 * Everything else is the GT-96100 routers' common chassis
 * (machine/ciscomid/gtfam.c) and the common layer (machine/ciscomid).
 */
#include "core/vm.h"
#include "machine/ciscomid/gtfam.h"
#include "machine/ciscomid/mid.h"

/* §1.1, §4.1, §4.8, §9 */
static const struct mid_model c2691_models[] = {
    {.name = "2691", GTFAM_MODEL_COMMON,
     .cpu_mhz = 160, .platform_id = 0x66, .nslots = 2, .oir = 0,
     .eeprom = {"2691"}, .mac_chip = 0, .mac_off = 75,
     .sysid_chip = 0, .sysid_off = 62},
};

/* §4.2, §4.5 */
static const struct gtfam_wiring c2691_wiring = {
    .gt_base = 0x14000000ull,
    .fpga_base = 0x1E800000ull,
    .fpga = GTFAM_FPGA_2691,
    .nm_dev = {0, 6},
    .nm_bridges = 0,
};

const struct mid_platform c2691_mid_platform = {
    .name = "c2691",
    .tag = "C2691",
    .models = c2691_models,
    .nmodels = 1,
    .nvram_kb = 112,
    .mac_prefix = 0xC0,
    .nvram_layout = "c2691",
    GTFAM_PLATFORM(&c2691_wiring),
};

const struct machine_ops c2691_machine_ops = MID_MACHINE_OPS("c2691");
