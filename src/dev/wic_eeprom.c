/*
 * WIC identification-EEPROM port (shared spec c3600-c2691-c37xx.md §4.9).
 * See wic_eeprom.h.
 */
#include "dev/wic_eeprom.h"

#include <stddef.h>

#include "dev/nmc93cx6.h"

#define WIC_CMD_OFFSET_MASK 0x3F /* §4.9: 6-bit offset of the READ */

void wic_eeprom_reset(struct wic_eeprom_port *p)
{
    p->select = 0;
    p->cmd[0] = p->cmd[1] = 0;
    p->pos = 0;
    p->valid = 0;
}

static const uint8_t *image(const struct wic_eeprom_port *p, unsigned w)
{
    return p->images && w < WIC_EEPROM_WICS ? p->images[w] : NULL;
}

uint16_t wic_eeprom_presence(const struct wic_eeprom_port *p)
{
    uint16_t v = 0xFFFF;
    for (unsigned w = 0; w < WIC_EEPROM_WICS; w++)
        if (image(p, w))
            v &= (uint16_t)~(1u << w);
    return v;
}

void wic_eeprom_select(struct wic_eeprom_port *p, uint16_t v)
{
    p->select = v;
}

void wic_eeprom_data_write(struct wic_eeprom_port *p, uint16_t v)
{
    p->cmd[p->pos++] = v;
    if (p->pos == 2) {
        p->pos = 0;
        p->valid = 1;
    }
}

uint16_t wic_eeprom_data_read(struct wic_eeprom_port *p)
{
    if (!p->valid)
        return 0xFFFF;
    p->valid = 0;
    unsigned w;
    switch (p->select) {
    case 0x1700: w = 0; break;
    case 0x1D00: w = 1; break;
    case 0x3500: w = 2; break;
    default: return 0xFFFF;
    }
    const uint8_t *img = image(p, w);
    if (!img)
        return 0xFFFF;
    unsigned off = p->cmd[0] & WIC_CMD_OFFSET_MASK;
    uint8_t hi = img[off];
    uint8_t lo = off + 1 < NMC93C46_BYTES ? img[off + 1] : 0xFF;
    return (uint16_t)(hi << 8 | lo);
}
