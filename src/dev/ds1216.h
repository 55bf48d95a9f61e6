/*
 * Dallas DS1216 "SmartWatch" calendar as the Cisco NVRAM presents it:
 * a one-bit port hidden at one byte of the NVRAM window (shared spec
 * c7200.md §13.2, c3600-c2691-c37xx.md §3.10).
 *
 * Writes shift bit 0 into a 64-bit recogniser (first bit = least
 * significant). When the last 64 bits are the unlock pattern, the host
 * time is latched into a 64-bit read register, which reads then return
 * bit by bit, least significant first. Nothing else is modelled: a time
 * written after the unlock is ignored, as on the reference.
 *
 * Register layout (byte n = bits 8n..8n+7, each the tens/units split of
 * the value): 0 hundredths (0), 1 seconds, 2 minutes, 3 hours (24 h),
 * 4 day of week (Sunday = 0), 5 day of month, 6 month (1-12),
 * 7 year - 1900 (2024 gives 0xC4, as on the reference).
 */
#ifndef DEV_DS1216_H
#define DEV_DS1216_H

#include <stdint.h>
#include <time.h>

#include "dev/device.h"

#define DS1216_PATTERN UINT64_C(0x5CA33AC55CA33AC5) /* c7200.md §13.2 */

/* Host clock; NULL uses time(). */
typedef time_t (*ds1216_clock_fn)(void *ctx);

struct ds1216 {
    uint64_t recog; /* last 64 bits written */
    uint64_t rdata; /* latched time, shifted out by reads */
    ds1216_clock_fn clock;
    void *clock_ctx;
    int localtime;  /* 0: UTC, as the reference (§13.2) */
};

void ds1216_init(struct ds1216 *c, ds1216_clock_fn clock, void *clock_ctx,
                 int use_localtime);
/* Power-on: recogniser and read register cleared (reads 0, §13.2). */
void ds1216_reset(struct ds1216 *c);
void ds1216_write(struct ds1216 *c, uint8_t v);
uint8_t ds1216_read(struct ds1216 *c);
/* The 64-bit register the current host time would latch (tests, debug). */
uint64_t ds1216_time_register(const struct ds1216 *c);

extern const struct dev_field ds1216_fields[];

#endif
