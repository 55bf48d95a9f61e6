/*
 * rom_main.c - the ROM monitor's start-up work between reset and the jump
 * into the image (c7200.md §16.3 steps 2-6).  reset.S calls rom_main() on
 * the ROM stack and launches the entry point it returns.
 */
#include <stdint.h>
#include "c7200.h"
#include "cp0.h"
#include "rom_io.h"

#define NV_STRING_A_OFF  0x080   /* c7200.md §13.3: "IOS" */
#define NV_STRING_B_OFF  0x200   /* c7200.md §13.3: "BOOTLDR" */
#define NV_AREA_780_OFF  0x780   /* c7200.md §13.3: EMT 13 area */
#define TIMER_INTERVAL   1000000 /* c7200.md §16.3 step 5: Compare */
#define ROM_STATUS_BITS  (ST_IM(7) | ST_IM(0) | ST_IE) /* 0x8101, §16.3 */

uint32_t rom_main(void);
void rom_image_returned(void);

/* The platform the remote-control device names (c7200.md §1,
 * c3600-c2691-c37xx.md §2.5), for the banner. */
static const char *rom_platform_name(uint32_t id)
{
    switch (id) {
    case 0x19: return "c7200";
    case 0x1E: return "c3620/c3640";
    case 0x34: return "c3660";
    case 0x66: return "c2691";
    case 0x61: return "c3725";
    case 0x69: return "c3745";
    default: return "an unknown platform";
    }
}

/* Writes s at p without a terminating NUL (c7200.md §16.3 step 4). */
static void rom_nv_write_string(uint32_t p, const char *s)
{
    volatile uint8_t *d = (volatile uint8_t *)p;

    while (*s != '\0')
        *d++ = (uint8_t)*s++;
}

uint32_t rom_main(void)
{
    uint32_t sig, nv, entry;

    rom_printf("\nOpenDynamips ROM monitor for the %s\n\n",
               rom_platform_name(REMOTE_REG(REMOTE_PLATFORM_ID)));
    rom_logf("ROM monitor started");

    sig = REMOTE_REG(REMOTE_SIGNATURE);
    if (sig != REMOTE_SIGNATURE_VALUE) {
        rom_printf("ROM: emulator signature 0x%08x, expected 0x%08x; "
                   "halting.\n", sig, REMOTE_SIGNATURE_VALUE);
        rom_stop();
        for (;;)
            ;
    }

    nv = REMOTE_REG(REMOTE_NVRAM_ADDR);
    MMIO32(ROMDATA_NV_STRING_A) = nv + NV_STRING_A_OFF;
    rom_nv_write_string(nv + NV_STRING_A_OFF, "IOS");
    MMIO32(ROMDATA_NV_STRING_B) = nv + NV_STRING_B_OFF;
    rom_nv_write_string(nv + NV_STRING_B_OFF, "BOOTLDR");
    MMIO32(ROMDATA_NV_AREA_780) = nv + NV_AREA_780_OFF;

    mtc0(CP0_COUNT, 0);
    mtc0(CP0_COMPARE, TIMER_INTERVAL);
    mtc0(CP0_STATUS, mfc0(CP0_STATUS) | ROM_STATUS_BITS);

    entry = REMOTE_REG(REMOTE_ENTRY);
    rom_printf("Starting image at 0x%08x\n", entry);
    return entry;
}

/* reset.S comes here when the image returns (c7200.md §16.3 step 8). */
void rom_image_returned(void)
{
    rom_puts("Image returned to ROM.\n");
    rom_stop();
    for (;;)
        ;
}
