/*
 * The WIC identification-EEPROM port of the GT-96100 routers' I/O FPGAs
 * (shared spec c3600-c2691-c37xx.md §4.9): not bit-banged like the NM
 * EEPROMs, but a select register and a 16-bit command/data port.
 *   1. The select register takes 0x1700 (WIC 0), 0x1D00 (WIC 1) or
 *      0x3500 (WIC 2); any other value selects nothing.
 *   2. Two 16-bit words go to the data port: 0x180 | offset (a 93C46
 *      READ with a 6-bit offset, used as a BYTE offset), then 0.
 *   3. A read of the data port returns byte[offset] << 8 | byte[offset+1]
 *      of the selected WIC's image and consumes the command; without a
 *      complete command, a selected WIC or an image it reads 0xFFFF.
 * The presence register has bit w cleared when WIC w has an image.
 *
 * Plain data owned by the FPGA that embeds it (no lock of its own).
 */
#ifndef DEV_WIC_EEPROM_H
#define DEV_WIC_EEPROM_H

#include <stdint.h>

#define WIC_EEPROM_WICS 3

struct wic_eeprom_port {
    /* Images of WIC 0-2 (NMC93C46_BYTES each), NULL = no WIC; the
     * machine owns them and changes them only while the CPU is stopped. */
    const uint8_t *const *images;
    uint16_t select;
    uint16_t cmd[2];
    uint8_t pos;
    uint8_t valid;
};

void wic_eeprom_reset(struct wic_eeprom_port *p);
uint16_t wic_eeprom_presence(const struct wic_eeprom_port *p);
void wic_eeprom_select(struct wic_eeprom_port *p, uint16_t v);
void wic_eeprom_data_write(struct wic_eeprom_port *p, uint16_t v);
uint16_t wic_eeprom_data_read(struct wic_eeprom_port *p);

#endif
