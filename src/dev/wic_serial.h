/*
 * The glue logic of a WIC-1T / WIC-2T serial WIC on the GT-96100 routers
 * (shared spec c3600-c2691-c37xx.md §4.9; devices.md §3.5 "WIC-1T /
 * WIC-2T glue"): an 8 KB register window at 0x3C200000 + w * 0x2000 for
 * WIC sub-slot w. Offsets 0x04 and 0x08 (port 0) and, on a WIC-2T, 0x14
 * and 0x18 (port 1) read 0xFF; everything else reads 0; writes are
 * ignored. The serial data itself flows through the GT-96100 MPSC
 * channels (dev/gt96k.h). Stateless: no interrupt, no reset.
 */
#ifndef DEV_WIC_SERIAL_H
#define DEV_WIC_SERIAL_H

#include "dev/device.h"

#define WIC_SERIAL_WINDOW_SIZE 0x2000u /* §4.2 */

struct wic_serial;

/* ports: 1 (WIC-1T) or 2 (WIC-2T). NULL (errno ENOMEM/EINVAL) on failure. */
struct wic_serial *wic_serial_create(unsigned ports);
void wic_serial_destroy(struct wic_serial *w);
struct device *wic_serial_device(struct wic_serial *w);

#endif
