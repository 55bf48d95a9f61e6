/*
 * Broadcom BCM5605 (BCM5600-family) Layer-2 switch of the NM-16ESW
 * EtherSwitch network module (shared spec devices.md §3.12;
 * c3600-c2691-c37xx.md §5.6). No public datasheet: the register, table
 * and descriptor semantics are the ones the spec records.
 *
 * What it exposes:
 *   - PCI function 14E4:5605 with a 2 MB window at BAR0 (config 0x10):
 *     the S-channel command/result register (0x050) and its data words
 *     (0x800-0x850), the CPU's TX and RX ring addresses (0x110, 0x114),
 *     the link bitmap (0x140), interrupt status / mask (0x144, 0x148) and
 *     the MII input / output registers (0x158, 0x15C);
 *   - one interrupt output, raised by a frame for the CPU, a ring end or
 *     a PHY isolation change, lowered by reading the interrupt status;
 *   - 16 front ports, each with a NIO, and the internal CPU port 27.
 *     Front port n (IOS FastEthernet<slot>/<n>) is switch port
 *     {2, 0, 6, 4, 10, 8, 14, 12, 3, 1, 7, 5, 11, 9, 15, 13}[n]; tables,
 *     bitmaps and PHY addresses use switch port numbers.
 *
 * Switching (devices.md §3.12 "Frame switching"): VLAN from the 802.1Q tag
 * or the port's PTABLE entry; BPDU / PVST+ / CDP destinations to the CPU
 * only; VLAN membership and untagged-discard checks; ingress and egress
 * mirroring; source learning into the ARL (trunk aware); ARL / MARL
 * destination lookup, flooding to the VLAN plus the CPU on a miss; tag
 * push / pop per the untagged bitmaps; frames for the CPU always 802.1Q
 * tagged. Entries not hit for 15 s age out.
 *
 * Two reference quirks are fixed (devices.md §4.3): the ARL lookup
 * matches index 0 too, and switching between front ports goes on while
 * the CPU's RX ring is unavailable (only the CPU copy is dropped).
 *
 * Threads: register accesses on the CPU thread, NIO receive and the
 * transmit scan (bcm5605_tx_poll) on the event loop; one mutex.
 */
#ifndef DEV_BCM5605_H
#define DEV_BCM5605_H

#include <stddef.h>
#include <stdint.h>

#include "dev/device.h"

struct logger;
struct nio;
struct physmap;
struct pci_dev_config;
struct bcm5605;

#define BCM5605_PCI_VENDOR 0x14E4
#define BCM5605_PCI_DEVICE 0x5605
#define BCM5605_WINDOW_SIZE 0x200000u /* 2 MB, devices.md §3.12 */
#define BCM5605_FRONT_PORTS 16
#define BCM5605_CPU_PORT 27

struct bcm5605_config {
    const char *name; /* for logs; copied */
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* work for the card layer's scan; optional */
};

struct bcm5605_stats {
    uint64_t rx_frames, rx_dropped, tx_frames, tx_dropped;
};

int bcm5605_create(const struct bcm5605_config *c, struct bcm5605 **out);
void bcm5605_destroy(struct bcm5605 *b);
struct device *bcm5605_device(struct bcm5605 *b);
void bcm5605_pci_config(struct bcm5605 *b, struct pci_dev_config *cfg);

/* Front port 0-15 to a NIO (NULL: unplug). 0, -EINVAL or -EBUSY. */
int bcm5605_set_nio(struct bcm5605 *b, unsigned front_port, struct nio *nio);
/* A frame arriving on a front port. */
void bcm5605_receive(struct bcm5605 *b, unsigned front_port,
                     const uint8_t *frame, size_t len);
/* CPU transmit ring scan and ARL ageing; frames sent. */
int bcm5605_tx_poll(struct bcm5605 *b);
/* The scan has work (a transmit ring not at its end, a learnt address to
 * age): while it has none the card layer's scan sleeps; an access that
 * gives it some calls the configuration's kick. */
int bcm5605_tx_on(struct bcm5605 *b);
void bcm5605_get_stats(struct bcm5605 *b, unsigned front_port,
                       struct bcm5605_stats *st);
/* The switch port of a front port (tests). */
unsigned bcm5605_switch_port(unsigned front_port);

/* The chip as the card layers use it (dev/card_chip.h). */
extern const struct card_chip_ops bcm5605_card;

#endif
