/*
 * emt.c - the ROM monitor's service calls ("EMT" calls): service number
 * in a0, arguments a1..a3, 32-bit result (c7200.md §17.2).  Numbers are
 * those IOS uses; the table below is the whole contract.  The same ROM
 * serves every MIPS platform: what differs per platform (NVRAM address,
 * platform id, sizes) comes from the remote-control device
 * (c3600-c2691-c37xx.md §2.3, §2.4).
 */
#include <stdint.h>
#include "c7200.h"
#include "rom_frame.h"
#include "rom_io.h"

#define MB                  (1024 * 1024)
#define KB                  1024
#define EMT_FAIL            0xFFFFFFFF /* -1, c7200.md §17.1 */

#define EMT_CONST_02        0x00000C00 /* c7200.md §17.2, EMT 2 */
#define NV_STRING_A_OFF     0x080      /* c7200.md §13.3 */
#define NV_STRING_B_OFF     0x200      /* c7200.md §13.3 */
#define NV_AREA_400_OFF     0x400      /* c7200.md §13.3, EMT 54 */
#define NV_AREA_780_OFF     0x780      /* c7200.md §13.3, EMT 13 */
#define NV_IOMEM_HINT_OFF   0x7E0      /* c7200.md §13.3, EMT 59/60 */
#define ROM_NV_RESERVED     0x800      /* c7200.md §17.2, EMT 45/47 */
#define EMT_CONST_37        0x380      /* c7200.md §17.2, EMT 55 */
#define COOKIE_HALFWORDS    64         /* c7200.md §17.2, EMT 44 */
#define IOMEM_HINT_IGNORE   0x8000     /* c7200.md §17.2, EMT 60: bit 15 */

static uint32_t nvram_base(void)
{
    return REMOTE_REG(REMOTE_NVRAM_ADDR);
}

static uint32_t emt_putc(uint32_t c)
{
    rom_putc((int)(c & 0xFF));
    return 0;
}

/* Copies a string into NVRAM without its terminator; returns 1. */
static uint32_t emt_set_string(uint32_t nv_off, uint32_t src)
{
    const volatile char *s = (const volatile char *)src;
    volatile char *d = (volatile char *)(nvram_base() + nv_off);

    while (*s != '\0')
        *d++ = *s++;
    return 1;
}

static uint32_t emt_read_cookie(uint32_t buf)
{
    volatile uint16_t *d = (volatile uint16_t *)buf;
    uint32_t i;

    for (i = 0; i < COOKIE_HALFWORDS; i++) {
        REMOTE_REG(REMOTE_COOKIE_POS) = i;
        d[i] = (uint16_t)REMOTE_REG(REMOTE_COOKIE_DATA);
    }
    return 0;
}

/* Feeds a NUL-terminated string to the ROM-variable character port. */
static void emt_var_send(const volatile char *s)
{
    REMOTE_REG(REMOTE_VAR_CMD) = REMOTE_VAR_CMD_RESET;
    while (*s != '\0')
        REMOTE_REG(REMOTE_VAR_CHAR) = (uint8_t)*s++;
    REMOTE_REG(REMOTE_VAR_CHAR) = 0;
}

static uint32_t emt_set_var(uint32_t str)
{
    rom_logf("set ROM variable '%s'", (const char *)str);
    emt_var_send((const volatile char *)str);
    REMOTE_REG(REMOTE_VAR_CMD) = REMOTE_VAR_CMD_SET;
    return ROM_NV_RESERVED;
}

static uint32_t emt_get_var(uint32_t name, uint32_t buf, uint32_t size)
{
    volatile char *d = (volatile char *)buf;
    uint32_t i;

    rom_logf("get ROM variable '%s'", (const char *)name);
    emt_var_send((const volatile char *)name);
    REMOTE_REG(REMOTE_VAR_CMD) = REMOTE_VAR_CMD_GET;
    if (REMOTE_REG(REMOTE_VAR_CMD) != 0)
        return EMT_FAIL;
    if (size == 0)
        return 0;
    for (i = 0; i + 1 < size; i++) {
        char c = (char)(REMOTE_REG(REMOTE_VAR_CHAR) & 0xFF);

        if (c == '\0')
            break;
        d[i] = c;
    }
    d[i] = '\0';
    return 0;
}

static uint32_t emt_get_iomem_hint(void)
{
    uint32_t h = REMOTE_REG(REMOTE_NM_IOMEM);
    uint32_t w = MMIO32(nvram_base() + NV_IOMEM_HINT_OFF);

    if ((h & IOMEM_HINT_IGNORE) == 0 && w != 0)
        return w;
    return h & ~IOMEM_HINT_IGNORE;
}

uint32_t emt_service(uint32_t num, uint32_t a1, uint32_t a2, uint32_t a3,
                     uint32_t pc)
{
    switch (num) {
    case 0x01: /* console putc */
        return emt_putc(a1);
    case 0x02:
        return EMT_CONST_02;
    case 0x04: /* DRAM size in bytes */
    case 0x84:
        return REMOTE_REG(REMOTE_DRAM_MB) * MB;
    case 0x06: /* configuration register, complemented */
        return ~REMOTE_REG(REMOTE_CONFREG);
    case 0x07: /* platform id: c7200 0x19 (c7200.md §1), others §2.5 */
        return REMOTE_REG(REMOTE_PLATFORM_ID);
    case 0x08: /* reload: not supported, the router stops */
        rom_puts("ROM: reload requested, stopping the router.\n");
        rom_stop();
        return 0;
    case 0x0A:
        return ROM_VERSION_ADDR;
    case 0x0D:
        return nvram_base() + NV_AREA_780_OFF;
    case 0x18: /* NVRAM size in bytes */
        return REMOTE_REG(REMOTE_NVRAM_KB) * KB;
    case 0x1B: /* I/O memory size in bytes */
        return REMOTE_REG(REMOTE_IOMEM_MB) * MB;
    case 0x1C: /* configuration register */
        return REMOTE_REG(REMOTE_CONFREG);
    case 0x22:
        return nvram_base() + NV_STRING_A_OFF;
    case 0x23:
        return emt_set_string(NV_STRING_B_OFF, a1);
    case 0x24:
        return nvram_base() + NV_STRING_B_OFF;
    case 0x25:
        return emt_set_string(NV_STRING_A_OFF, a1);
    case 0x2A:
        return ROM_EMT42_TABLE;
    case 0x2B: /* power off */
        rom_stop();
        return 0;
    case 0x2C:
        return emt_read_cookie(a1);
    case 0x2D:
        return emt_set_var(a1);
    case 0x2E:
        return emt_get_var(a1, a2, a3);
    case 0x2F:
        return ROM_NV_RESERVED;
    case 0x30:
    case 0x31:
        return 0;
    case 0x36:
        return nvram_base() + NV_AREA_400_OFF;
    case 0x37:
        return EMT_CONST_37;
    case 0x3A: /* not supported, silently */
    case 0x4A:
        return EMT_FAIL;
    case 0x3B: /* I/O-memory hint */
        MMIO32(nvram_base() + NV_IOMEM_HINT_OFF) = a1;
        return 1;
    case 0x3C:
        return emt_get_iomem_hint();
    default:
        rom_logf("unhandled EMT call 0x%x at pc=0x%08x "
                 "(a1=0x%x, a2=0x%x, a3=0x%x)", num, pc, a1, a2, a3);
        return EMT_FAIL;
    }
}
