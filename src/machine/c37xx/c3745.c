/*
 * Cisco 3745 wiring (shared spec c3600-c2691-c37xx.md §4): the GT-96100 at 0x24000000, four
 * NM bays behind PCI2050B bridges, the §4.7 I/O FPGA with OIR, three
 * identity EEPROMs (the MAC and board id in the midplane's).
 * Everything else is the GT-96100 routers' common chassis
 * (machine/ciscomid/gtfam.c) and the common layer (machine/ciscomid).
 */
#include "core/vm.h"
#include "machine/ciscomid/gtfam.h"
#include "machine/ciscomid/mid.h"

/* §1.1, §4.1, §4.8, §9 */
static const struct mid_model c3745_models[] = {
    {.name = "3745", GTFAM_MODEL_COMMON,
     .cpu_mhz = 350, .platform_id = 0x69, .nslots = 5, .oir = 1,
     .eeprom = {"3745-motherboard", "3745-io-board", "3745-midplane"}, .mac_chip = 2, .mac_off = 61,
     .sysid_chip = 2, .sysid_off = 72},
};

/* §4.2, §4.5 */
static const struct gtfam_wiring c3745_wiring = {
    .gt_base = 0x24000000ull,
    .fpga_base = 0x1FA00000ull,
    .fpga = GTFAM_FPGA_3745,
    .nm_dev = {0, 1, 2, 3, 4},
    .nm_bridges = 1,
};

const struct mid_platform c3745_mid_platform = {
    .name = "c3745",
    .tag = "C3745",
    .models = c3745_models,
    .nmodels = 1,
    .nvram_kb = 304,
    .mac_prefix = 0xC4,
    .nvram_layout = "c3745",
    GTFAM_PLATFORM(&c3745_wiring),
};

const struct machine_ops c3745_machine_ops = MID_MACHINE_OPS("c3745");
