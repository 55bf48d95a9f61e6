/*
 * The I/O FPGA of the Cisco 2691 and 3725 (shared spec
 * c3600-c2691-c37xx.md §4.6): a 256 KB window (physical 0x1E800000) with
 * the mainboard and NM EEPROM bit-bang ports, the WIC EEPROM port
 * (dev/wic_eeprom.h), NM / WIC / CompactFlash presence, the two network
 * interrupt status registers, the platform type and environment.
 *
 * Network interrupts (§4.3, §4.6): status registers 0x26 (slot 0: the
 * GT-96100's SerInt0 is port 0) and 0x28 (2691: slot 1 ports 0-7; 3725:
 * slot 1 in bits 0-3, slot 2 in bits 4-7) reset to 0xFFFF and are active
 * low; net_irq (CPU line 2) is asserted while either differs from 0xFFFF.
 *
 * Unknown offsets read 0 and ignore writes (§10 item 12).
 * Threads: as c3600_iofpga.h.
 */
#ifndef DEV_C2691_IOFPGA_H
#define DEV_C2691_IOFPGA_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct nmc93cx6_group;
struct c2691_iofpga;

#define C2691_IOFPGA_SIZE 0x40000u /* §4.2 */

enum c2691_iofpga_model {
    C2691_IOFPGA_2691, /* one NM bay */
    C2691_IOFPGA_3725, /* two NM bays */
};

struct c2691_iofpga_config {
    enum c2691_iofpga_model model;
    struct logger *lg;
    struct irq_line net_irq;
    struct nmc93cx6_group *mb_eeprom; /* CS 0, SK 1, DI 2, DO 3 */
    struct nmc93cx6_group *nm_eeprom[3]; /* slots 1-2 (CS 4 SK 2 DI 6 DO 7) */
    const uint8_t *const *wic_images;   /* 3 WIC images, NULL = empty */
    int disk0_present; /* system CompactFlash (disk0) */
    int disk1_present; /* removable CompactFlash (disk1) */
};

int c2691_iofpga_create(const struct c2691_iofpga_config *c,
                        struct c2691_iofpga **out);
void c2691_iofpga_destroy(struct c2691_iofpga *f);
struct device *c2691_iofpga_device(struct c2691_iofpga *f);
void c2691_iofpga_set_net_irq(struct c2691_iofpga *f, unsigned slot,
                              unsigned port, int level);
/* The two status registers (0x26, 0x28), for tests and dumps. */
uint16_t c2691_iofpga_net_status(struct c2691_iofpga *f, unsigned index);

#endif
