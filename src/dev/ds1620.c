/*
 * Dallas DS1620 thermometer, 3-wire protocol as seen through the c7200
 * I/O FPGA (shared spec c7200.md §7.2): 8-bit commands, then 9 data bits
 * for temperature/TH/TL/counter/slope, 8 for the configuration register,
 * all LSB first. No conversion timing: the temperature is whatever the
 * operator set (default 22 °C).
 */
#include "dev/ds1620.h"

#include <stddef.h>

enum ds1620_state {
    DS1620_EXPECT_CMD = 0,
    DS1620_DATA_IN,
    DS1620_DATA_OUT,
};

#define RAW_MASK 0x1FF /* 9-bit values */

const struct dev_field ds1620_fields[] = {
    {"temp", offsetof(struct ds1620, temp), 2},
    {"th", offsetof(struct ds1620, th), 2},
    {"tl", offsetof(struct ds1620, tl), 2},
    {"config", offsetof(struct ds1620, config), 1},
    {"rst", offsetof(struct ds1620, rst), 1},
    {"state", offsetof(struct ds1620, state), 1},
    {"cmd", offsetof(struct ds1620, cmd), 1},
    {"shift", offsetof(struct ds1620, shift), 2},
    {"nbits", offsetof(struct ds1620, nbits), 1},
    {"len", offsetof(struct ds1620, len), 1},
    {NULL, 0, 0},
};

static void expect_command(struct ds1620 *s)
{
    s->state = DS1620_EXPECT_CMD;
    s->cmd = 0;
    s->shift = 0;
    s->nbits = 0;
    s->len = 0;
}

static uint16_t to_raw(int half_degrees)
{
    return (uint16_t)((unsigned)half_degrees & RAW_MASK);
}

/* 9-bit two's complement to int, for the TH/TL comparisons. */
static int from_raw(uint16_t raw)
{
    return (raw & 0x100) ? (int)raw - 0x200 : (int)raw;
}

void ds1620_init(struct ds1620 *s, int temp_c)
{
    s->temp = to_raw(temp_c * 2);
    s->th = 0;
    s->tl = 0;
    s->config = DS1620_CFG_CPU;
    s->rst = 0;
    expect_command(s);
}

void ds1620_set_rst(struct ds1620 *s, int level)
{
    s->rst = level ? 1 : 0;
    if (!s->rst) {
        expect_command(s);
    }
}

static void start_output(struct ds1620 *s, uint16_t data, uint8_t len)
{
    s->state = DS1620_DATA_OUT;
    s->shift = data;
    s->nbits = 0;
    s->len = len;
}

static void start_input(struct ds1620 *s, uint8_t len)
{
    s->state = DS1620_DATA_IN;
    s->shift = 0;
    s->nbits = 0;
    s->len = len;
}

static void run_command(struct ds1620 *s)
{
    switch (s->cmd) {
    case DS1620_READ_TEMP:
        start_output(s, s->temp, 9);
        break;
    case DS1620_READ_COUNTER:
    case DS1620_READ_SLOPE:
        start_output(s, 0, 9);
        break;
    case DS1620_READ_TH:
        start_output(s, s->th, 9);
        break;
    case DS1620_READ_TL:
        start_output(s, s->tl, 9);
        break;
    case DS1620_READ_CONFIG:
        start_output(s, s->config, 8);
        break;
    case DS1620_WRITE_TH:
    case DS1620_WRITE_TL:
        start_input(s, 9);
        break;
    case DS1620_WRITE_CONFIG:
        start_input(s, 8);
        break;
    default: /* start/stop conversion and unknown commands: no data */
        expect_command(s);
        break;
    }
}

static void finish_input(struct ds1620 *s)
{
    switch (s->cmd) {
    case DS1620_WRITE_TH:
        s->th = s->shift & RAW_MASK;
        break;
    case DS1620_WRITE_TL:
        s->tl = s->shift & RAW_MASK;
        break;
    default:
        s->config = (uint8_t)s->shift;
        break;
    }
    expect_command(s);
}

void ds1620_clock_in(struct ds1620 *s, int bit)
{
    if (!s->rst) {
        return;
    }
    switch (s->state) {
    case DS1620_EXPECT_CMD:
        s->shift |= (uint16_t)((bit & 1) << s->nbits);
        if (++s->nbits == 8) {
            s->cmd = (uint8_t)s->shift;
            run_command(s);
        }
        break;
    case DS1620_DATA_IN:
        s->shift |= (uint16_t)((bit & 1) << s->nbits);
        if (++s->nbits == s->len) {
            finish_input(s);
        }
        break;
    default:
        break; /* the chip is driving DQ: input ignored */
    }
}

int ds1620_read_bit(struct ds1620 *s)
{
    if (!s->rst || s->state != DS1620_DATA_OUT) {
        return 1; /* nothing pending, c7200.md §7.2 */
    }
    int bit = (s->shift >> s->nbits) & 1;
    if (++s->nbits == s->len) {
        expect_command(s);
    }
    return bit;
}

void ds1620_set_temp_raw(struct ds1620 *s, int half_degrees)
{
    s->temp = to_raw(half_degrees);
    /* Flags only on an operator change, c7200.md §7.2. */
    int t = from_raw(s->temp);
    if (t >= from_raw(s->th)) {
        s->config |= DS1620_CFG_THF;
    }
    if (t <= from_raw(s->tl)) {
        s->config |= DS1620_CFG_TLF;
    }
}
