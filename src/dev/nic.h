/*
 * Helpers shared by the network chip models (dec21140, am79c971, mueslix,
 * i8254x, ti1570, pos_oc3, gt96k, bcm5605): DMA between a chip and guest
 * memory, a port's attachment to a NIO (receive plumbing and frame
 * counters), the PCI identity of a one-window chip, the Ethernet
 * conventions of shared spec devices.md §1.6 (group addresses, the ISL
 * rewrite) and an IEEE 802.3 clause 22 management-frame decoder for chips
 * whose PHY is reached by bit-banging MDC/MDIO.
 *
 * DMA: PCI memory is identity-mapped onto CPU physical addresses
 * (devices.md §1.1), so a chip's bus address is a guest physical address.
 * Control structures are big-endian 32-bit words (devices.md §1.3). Plain
 * RAM is copied in one go; anything else (the byte-swapped window at
 * 0xC000_0000, packet SRAM views, unmapped space) goes byte by byte through
 * the physical map, as uncached accesses.
 */
#ifndef DEV_NIC_H
#define DEV_NIC_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "net/nio.h"

struct device;
struct pci_dev_config;
struct physmap;

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_FCS_LEN 4 /* reported on receive, never carried (devices.md §1.6) */

/* ---------------------------------------------------------------- DMA */

uint32_t nic_dma_read32(struct physmap *pm, uint32_t addr);
void nic_dma_write32(struct physmap *pm, uint32_t addr, uint32_t value);
/* len bytes between guest memory at addr and buf, memory order kept. */
void nic_dma_read(struct physmap *pm, uint32_t addr, void *buf, size_t len);
void nic_dma_write(struct physmap *pm, uint32_t addr, const void *buf,
                   size_t len);

/* ------------------------------------------------------------ NIO side */

/*
 * Attach a port to nio (NULL: unplug) the way every chip does: *slot, the
 * port's NIO, is read and written under lock; the old NIO's receive
 * handler is cleared and rx(arg) registered on the new one without it
 * (both wait for the event loop, whose handler may be waiting for lock:
 * network.md §1.5). If the registration fails the port is left unplugged.
 * Returns 0 or the error of nio_set_rx() (-EBUSY: the NIO already has a
 * consumer). Never call it holding lock.
 */
int nic_nio_swap(pthread_mutex_t *lock, struct nio **slot, struct nio *nio,
                 nio_rx_fn rx, void *arg);

/* A port's frame counters (what `show hardware` and the tests read). */
struct nic_stats {
    uint64_t rx_frames, rx_bytes, rx_dropped;
    uint64_t tx_frames, tx_bytes, tx_dropped;
};

/*
 * Store one received frame into the chip; called with the chip's lock
 * held. Returns 1 if the chip took the frame, 0 if it dropped it.
 */
typedef int (*nic_rx_locked_fn)(void *chip, const uint8_t *frame,
                                size_t len);

/*
 * One port of a chip seen from the network: its NIO (the cable) and its
 * counters, both guarded by the chip's lock. The receive handler it
 * registers runs on the NIO's event-loop thread: it takes the lock, hands
 * the frame to rx_locked and counts it (rx_frames and rx_bytes, or
 * rx_dropped).
 */
struct nic_port {
    pthread_mutex_t *lock; /* the chip's */
    nic_rx_locked_fn rx_locked;
    void *chip; /* rx_locked's argument */
    struct nio *nio;
    struct nic_stats st;
};

void nic_port_init(struct nic_port *p, pthread_mutex_t *lock,
                   nic_rx_locked_fn rx_locked, void *chip);
/* Attach to nio (NULL: unplug); as nic_nio_swap(). */
int nic_port_attach(struct nic_port *p, struct nio *nio);
struct nio *nic_port_nio(struct nic_port *p);
/* One received frame, as the NIO handler delivers it (takes the lock). */
void nic_port_receive(struct nic_port *p, const uint8_t *frame, size_t len);
void nic_port_get_stats(struct nic_port *p, struct nic_stats *st);

/* Lock held: whether the NIO's bandwidth limit lets a frame go now
 * (always, without a cable): back-pressure, never a drop. */
int nic_port_may_transmit(const struct nic_port *p);
/* Lock held: send one frame and count it (tx_frames and tx_bytes); it is
 * counted in tx_dropped when the NIO refuses it or there is no cable (a
 * frame the chip could not build counts there too, chip-side). */
void nic_port_send_locked(struct nic_port *p, const uint8_t *frame,
                          size_t len);

/* ----------------------------------------------------------------- PCI */

/* Identity of a one-function chip whose registers are one memory BAR. */
struct nic_pci_id {
    uint16_t vendor_id, device_id;
    uint32_t class_rev;
    unsigned bar;     /* BAR index of the register window */
    uint32_t size;    /* its size */
};

/* cfg = that identity, platform header mode, the BAR decoding window. */
void nic_pci_config(struct pci_dev_config *cfg, const struct nic_pci_id *id,
                    const char *name, struct device *window);

/* ------------------------------------------------------------ Ethernet */

/* I/G bit of a destination address: multicast or broadcast. */
static inline int nic_eth_is_group(const uint8_t *dst)
{
    return dst[0] & 1;
}

/* CRC-32 of IEEE 802.3 (reflected 0xEDB88320, preset and final inversion). */
uint32_t nic_crc32(const uint8_t *p, size_t len);

/*
 * devices.md §1.6 "ISL": a frame IOS hands to the chip for 01:00:0C:00:10:00
 * leaves for 01:00:0C:00:00:00 with the inner frame's CRC-32 in its last 4
 * bytes, least-significant byte first. Other frames are left alone.
 */
void nic_isl_rewrite(uint8_t *frame, size_t len);

/* ------------------------------------------------- MII management frame */

/*
 * Clause 22 frame decoder for bit-banged management: preamble of 1s, start
 * 01, opcode (10 read, 01 write), 5-bit PHY address, 5-bit register; a
 * write then needs turnaround bits 1, 0 and D15..D0, and the register is
 * written after D0. Any unexpected bit returns the decoder to idle.
 *
 * Bits the host drives go in with nic_mii_clock_in. What the PHY drives is
 * a separate shift register popped by nic_mii_clock_out: a read loads it
 * when its last address bit arrives, so the first PHY clock after that is
 * the turnaround (0) and the next 16 present D15..D0; afterwards it
 * presents 0. (devices.md §3.1 "MII management through CSR9".)
 */
struct nic_mii {
    uint16_t (*phy_read)(void *ctx, unsigned phy, unsigned reg);
    void (*phy_write)(void *ctx, unsigned phy, unsigned reg, uint16_t v);
    void *ctx;
    /* decoder state (plain data, part of the chip's saved state) */
    uint8_t state;
    uint8_t nbits;
    uint8_t phy;
    uint8_t reg;
    uint16_t data;
    uint32_t out; /* PHY output, MSB first */
};

void nic_mii_reset(struct nic_mii *m);
void nic_mii_clock_in(struct nic_mii *m, int bit);
/* One clock with the PHY driving MDIO; returns the bit it presents. */
int nic_mii_clock_out(struct nic_mii *m);

#endif
