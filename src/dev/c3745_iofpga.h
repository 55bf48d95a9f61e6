/*
 * The I/O FPGA of the Cisco 3745 (shared spec c3600-c2691-c37xx.md
 * §4.7): a 2 MB window (physical 0x1FA00000) with the system EEPROM port
 * (motherboard, I/O board and midplane chips on one register), the NM
 * EEPROM ports of slots 1-4, NM / CompactFlash presence, the network
 * interrupt status registers, online insertion and removal, and the WIC
 * EEPROM port at +0x100004 (dev/wic_eeprom.h). There is no chassis-type
 * register.
 *
 * Network interrupts: 0x20 (slot 0, the GT-96100's SerInt0 is port 0) and
 * 0x22 (slot n, port p at bit 4(n-1)+p) reset to 0xFFFF and are active
 * low; net_irq (CPU line 2) while either differs from 0xFFFF.
 *
 * OIR (§4.7): an insertion or removal in slot 1-4 sets 0x28 to
 * 1 << (slot - 1) and raises oir_irq (CPU line 6, which the GT-96100's
 * Int1 also drives: the machine ORs them); IOS clears it by writing the
 * bits back.
 *
 * Unknown offsets read 0 and ignore writes. Threads: as c3600_iofpga.h.
 */
#ifndef DEV_C3745_IOFPGA_H
#define DEV_C3745_IOFPGA_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct nmc93cx6_group;
struct c3745_iofpga;

#define C3745_IOFPGA_SIZE 0x200000u /* §4.2 */

struct c3745_iofpga_config {
    struct logger *lg;
    struct irq_line net_irq;
    struct irq_line oir_irq;
    /* System EEPROMs: CS bits 0 / 8 / 9, SK 1, DI 2, DO 3 (§6.1). */
    struct nmc93cx6_group *sys_eeprom;
    struct nmc93cx6_group *nm_eeprom[5]; /* slots 1-4 (index = slot) */
    const uint8_t *const *wic_images;
    int disk0_present;
    int disk1_present;
};

int c3745_iofpga_create(const struct c3745_iofpga_config *c,
                        struct c3745_iofpga **out);
void c3745_iofpga_destroy(struct c3745_iofpga *f);
struct device *c3745_iofpga_device(struct c3745_iofpga *f);
void c3745_iofpga_set_net_irq(struct c3745_iofpga *f, unsigned slot,
                              unsigned port, int level);
void c3745_iofpga_oir_event(struct c3745_iofpga *f, unsigned slot);
uint16_t c3745_iofpga_net_status(struct c3745_iofpga *f, unsigned index);

#endif
