/*
 * Cisco "Mueslix" 4-channel synchronous serial (HDLC) controller (shared
 * spec devices.md §3.6, §1.7). A Cisco ASIC without a public datasheet:
 * register meanings are the reverse-engineered ones the spec records.
 * Used by the PA-4T+ (one chip), the PA-8T (two chips) and the NM-4T.
 *
 * What it exposes:
 *   - PCI function 1137:0001, class/revision 0x02800001; a 16 KB window at
 *     BAR0 (config 0x10): interrupt status/mask, channel enable mask, four
 *     channel blocks at 0x100 + 0x100 n (CRC size, clock, line signals,
 *     ring bounds), the TPU (microcode RAM, X/Y memories, command port).
 *   - One level interrupt output for the chip: (status & mask) != 0, with
 *     status bit n = TX done and bit 4+n = RX frame on channel n.
 *   - Bus-master DMA: per channel a TX and an RX ring of 8-byte descriptors
 *     (two big-endian words: flags/length, buffer address).
 *   - Per channel a NIO carrying HDLC frames between the flags, without
 *     FCS (devices.md §1.7): what IOS put in its buffers, as it is.
 *
 * Chip mode (devices.md §3.6): the c7200 PAs run "mode 1" microcode (ring
 * end = last descriptor, TX length in words with SUB/PAD, disable opcodes
 * 0x30/0x50); the network modules "mode 0" (ring end = one past the last,
 * TX length in bytes, disable opcode 0x10).
 *
 * The chip has no transmit doorbell: TX rings are scanned when the guest
 * touches the chip's control registers and by mueslix_tx_poll(), which the
 * platform calls periodically. The channel clock (clock rate on a DCE)
 * becomes the NIO's bandwidth limit, as on the reference.
 *
 * Threads: as dec21140.h.
 */
#ifndef DEV_MUESLIX_H
#define DEV_MUESLIX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"

struct logger;
struct nic_stats;
struct nio;
struct physmap;
struct pci_dev_config;
struct mueslix;

#define MUESLIX_PCI_VENDOR 0x1137
#define MUESLIX_PCI_DEVICE 0x0001
#define MUESLIX_PCI_CLASS 0x02800001u /* devices.md §3.6 */
#define MUESLIX_REG_BAR 0             /* config offset 0x10 */
#define MUESLIX_WINDOW_SIZE 0x4000    /* 16 KB */
#define MUESLIX_CHANNELS 4

enum mueslix_mode {
    MUESLIX_MODE_NM = 0, /* NM-4T (c3600, c2691, c37xx) */
    MUESLIX_MODE_PA = 1, /* PA-4T+, PA-8T (c7200) */
};

struct mueslix_config {
    const char *name; /* for logs; copied */
    enum mueslix_mode mode;
    struct physmap *pm;
    struct logger *lg;
    struct irq_line irq;
    struct tx_kick kick; /* transmitter on (card layer's scan); optional */
};

int mueslix_create(const struct mueslix_config *c, struct mueslix **out);
void mueslix_destroy(struct mueslix *m);
struct device *mueslix_device(struct mueslix *m);
void mueslix_pci_config(struct mueslix *m, struct pci_dev_config *cfg);

/* Channel 0-3 to a NIO (NULL: unplug); as dec21140_set_nio(). -EINVAL
 * for a bad channel. */
int mueslix_set_nio(struct mueslix *m, unsigned channel, struct nio *nio);
struct nio *mueslix_nio(struct mueslix *m, unsigned channel);

void mueslix_receive(struct mueslix *m, unsigned channel,
                     const uint8_t *frame, size_t len);
/* Periodic transmit scan of every channel; returns the frames sent. */
int mueslix_tx_poll(struct mueslix *m);
/* Some channel transmits: started by the TPU, with a TX ring, and enabled
 * in the channel enable mask (either bit, as the scan). While none does
 * the card layer's scan sleeps; a register write that leaves one on calls
 * the configuration's kick (the chip has no doorbell: the scan is how it
 * transmits). */
int mueslix_tx_on(struct mueslix *m);

/* Clock rate of a channel in bit/s (0 until the guest sets the clock). */
unsigned mueslix_clock_rate(struct mueslix *m, unsigned channel);
/* Frame counters of a channel (dev/nic.h); zeros for a bad channel. */
void mueslix_get_stats(struct mueslix *m, unsigned channel,
                       struct nic_stats *st);
void mueslix_dump(struct mueslix *m, FILE *out);

/* The chip as the card layers use it (dev/card_chip.h): chip mode 1 of
 * the c7200 port adapters, chip mode 0 of the network modules. */
extern const struct card_chip_ops mueslix_pa_card;
extern const struct card_chip_ops mueslix_nm_card;

#endif
