/*
 * Intel 82543GC gigabit Ethernet controller, i8254x family "Livengood"
 * (shared spec devices.md §3.3; Intel 8254x Family of Gigabit Ethernet
 * Controllers Software Developer's Manual). One chip per port: PA-2FE-TX,
 * PA-GE, C7200-IO-2FE, C7200-IO-GE-E.
 *
 * What it exposes:
 *   - PCI function 8086:1001, class/revision 0x02000003; a 64 KB register
 *     window at BAR0 (config 0x10): CTRL, STATUS (link always up, full
 *     duplex), CTRL_EXT (MDIO bit-banging on SDP6/SDP7), ICR/ICS/IMS/IMC,
 *     RCTL/TCTL and the legacy RX/TX ring registers (with their 82542
 *     aliases). Other registers read 0 and ignore writes.
 *   - One level interrupt output: (ICR & IMS) != 0.
 *   - Bus-master DMA: legacy 16-byte descriptors (big-endian words) and
 *     frame buffers whose aligned 32-bit words are byte-reversed between
 *     memory and wire (devices.md §1.3: IOS fills them through the
 *     byte-swapped RAM alias).
 *
 * Transmit happens at once on TDT (and TCTL) writes; i8254x_tx_poll() is
 * the periodic scan. Receive needs RCTL.EN and a valid buffer size; there
 * is no address filtering (devices.md §1.6).
 *
 * Threads: as dec21140.h.
 */
#ifndef DEV_I8254X_H
#define DEV_I8254X_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"

struct logger;
struct nic_stats;
struct nio;
struct physmap;
struct pci_dev_config;
struct i8254x;

#define I8254X_PCI_VENDOR 0x8086
#define I8254X_PCI_DEVICE 0x1001
#define I8254X_PCI_CLASS 0x02000003u /* devices.md §3.3 */
#define I8254X_REG_BAR 0             /* config offset 0x10 */
#define I8254X_WINDOW_SIZE 0x10000   /* 64 KB */

struct i8254x_config {
    const char *name; /* for logs; copied */
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* frames to send (card layer's scan); optional */
};

int i8254x_create(const struct i8254x_config *c, struct i8254x **out);
void i8254x_destroy(struct i8254x *d);
struct device *i8254x_device(struct i8254x *d);
void i8254x_pci_config(struct i8254x *d, struct pci_dev_config *cfg);

/* As dec21140_set_nio(). */
int i8254x_set_nio(struct i8254x *d, struct nio *nio);
struct nio *i8254x_nio(struct i8254x *d);

void i8254x_receive(struct i8254x *d, const uint8_t *frame, size_t len);
/* Periodic transmit scan; returns the number of frames sent. */
int i8254x_tx_poll(struct i8254x *d);
/* A scan may find frames (TCTL.EN, TDH != TDT): while none may, the card
 * layer's scan sleeps; a register write that leaves some calls the
 * configuration's kick. */
int i8254x_tx_on(struct i8254x *d);

/* Frame counters of the port (dev/nic.h). */
void i8254x_get_stats(struct i8254x *d, struct nic_stats *st);
void i8254x_dump(struct i8254x *d, FILE *out);

/* The chip as the card layers use it (dev/card_chip.h). */
extern const struct card_chip_ops i8254x_card;

#endif
