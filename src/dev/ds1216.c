/*
 * DS1216 SmartWatch calendar port of the NVRAM (shared spec c7200.md
 * §13.2). See ds1216.h for the protocol and register layout.
 */
#include "dev/ds1216.h"

#include <stddef.h>

const struct dev_field ds1216_fields[] = {
    {"recog", offsetof(struct ds1216, recog), 8},
    {"rdata", offsetof(struct ds1216, rdata), 8},
    {NULL, 0, 0},
};

void ds1216_init(struct ds1216 *c, ds1216_clock_fn clock, void *clock_ctx,
                 int use_localtime)
{
    c->clock = clock;
    c->clock_ctx = clock_ctx;
    c->localtime = use_localtime;
    ds1216_reset(c);
}

void ds1216_reset(struct ds1216 *c)
{
    c->recog = 0;
    c->rdata = 0;
}

/* Tens/units split; values of 100 and more give a tens digit above 9,
 * kept as the reference does (c7200.md §13.2). */
static uint64_t bcd(int v)
{
    return (uint64_t)((((unsigned)v / 10) << 4) | ((unsigned)v % 10)) & 0xFF;
}

uint64_t ds1216_time_register(const struct ds1216 *c)
{
    time_t now = c->clock ? c->clock(c->clock_ctx) : time(NULL);
    struct tm tm;

    if (c->localtime) {
        localtime_r(&now, &tm);
    } else {
        gmtime_r(&now, &tm);
    }
    return bcd(0) |                         /* hundredths */
           bcd(tm.tm_sec) << 8 |
           bcd(tm.tm_min) << 16 |
           bcd(tm.tm_hour) << 24 |
           bcd(tm.tm_wday) << 32 |
           bcd(tm.tm_mday) << 40 |
           bcd(tm.tm_mon + 1) << 48 |
           bcd(tm.tm_year) << 56;
}

void ds1216_write(struct ds1216 *c, uint8_t v)
{
    c->recog = (c->recog >> 1) | ((uint64_t)(v & 1) << 63);
    if (c->recog == DS1216_PATTERN) {
        c->rdata = ds1216_time_register(c);
    }
}

uint8_t ds1216_read(struct ds1216 *c)
{
    uint8_t bit = (uint8_t)(c->rdata & 1);

    c->rdata >>= 1;
    return bit;
}
