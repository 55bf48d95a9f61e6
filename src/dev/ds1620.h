/*
 * Dallas DS1620 digital thermometer, 3-wire mode, as the c7200 I/O FPGA
 * drives its four sensors (shared spec c7200.md §7.2).
 *
 * The chip exposes three wires, which the FPGA owner turns into calls:
 * RST (ds1620_set_rst), a data bit clocked in (ds1620_clock_in) and a data
 * bit read out (ds1620_read_bit). Commands are 8 bits, data 8 or 9 bits,
 * both least-significant bit first. Temperatures are raw 9-bit two's
 * complement values in 0.5 °C units (22 °C = 44).
 *
 * The structure is public so the FPGA can embed its sensors; treat the
 * members as private to ds1620.c.
 */
#ifndef DEV_DS1620_H
#define DEV_DS1620_H

#include <stdint.h>

#include "dev/device.h"

/* Commands, DS1620 datasheet and c7200.md §7.2. */
#define DS1620_READ_TEMP 0xAA
#define DS1620_READ_COUNTER 0xA0
#define DS1620_READ_SLOPE 0xA9
#define DS1620_READ_TH 0xA1
#define DS1620_READ_TL 0xA2
#define DS1620_WRITE_TH 0x01
#define DS1620_WRITE_TL 0x02
#define DS1620_WRITE_CONFIG 0x0C
#define DS1620_READ_CONFIG 0xAC
#define DS1620_START_CONVERT 0xEE
#define DS1620_STOP_CONVERT 0x22

/* Configuration register bits, DS1620 datasheet. */
#define DS1620_CFG_CPU 0x02 /* initial value, c7200.md §7.2 */
#define DS1620_CFG_TLF 0x20
#define DS1620_CFG_THF 0x40

#define DS1620_DEFAULT_TEMP_C 22 /* c7200.md §7.2 */

struct ds1620 {
    uint16_t temp;   /* raw 9-bit */
    uint16_t th;     /* raw 9-bit, starts at 0 */
    uint16_t tl;
    uint8_t config;
    uint8_t rst;     /* RST line level */
    uint8_t state;   /* enum in ds1620.c */
    uint8_t cmd;     /* command being served */
    uint16_t shift;  /* bits in or out */
    uint8_t nbits;   /* bits done */
    uint8_t len;     /* bits expected in the data phase */
};

/* Power-on state with the given temperature (°C); flags not evaluated. */
void ds1620_init(struct ds1620 *s, int temp_c);
/* RST low holds the sensor in "expect command" with its counters cleared. */
void ds1620_set_rst(struct ds1620 *s, int level);
/* One bit written by the master (clocked in). Ignored while RST is low. */
void ds1620_clock_in(struct ds1620 *s, int bit);
/* Next output bit (LSB first); 1 when no data is pending. */
int ds1620_read_bit(struct ds1620 *s);
/* Operator changes the temperature (0.5 °C units): TH/TL flags evaluated. */
void ds1620_set_temp_raw(struct ds1620 *s, int half_degrees);

extern const struct dev_field ds1620_fields[];

#endif
