/*
 * Galileo GT-96100 system controller of the Cisco 2691, 3725 and 3745
 * (shared spec c3600-c2691-c37xx.md §4.4; devices.md §3.5; GT-96100A
 * datasheet): a 2 MB register window (physical 0x14000000, 0x24000000 on
 * the 3745) holding
 *   - the controller core shared with the GT-64120: fixed DRAM-decode
 *     values, PCI command and bank sizes, four IDMA channels, and PCI
 *     configuration mechanism #1 for two root buses (0xCF8/0xCFC bus 0,
 *     0xCF0/0xCF4 bus 1); it is function 11AB:9653 at bus 0 device 0;
 *   - the interrupt controller: main cause 0xC18 and high cause 0xC98
 *     with the Int0 masks (0xC1C, 0xC9C) and Int1 masks (0xC24, 0xCA4),
 *     the serial cause 0x103A00 with the SerInt0/SerInt1 masks, the SDMA
 *     cause 0x103A10 and mask 0x103A90;
 *   - two 10/100 Ethernet ports (IOS FastEthernet0/0 and 0/1), each with
 *     its SDMA rings, hash-table address filter, interrupt cause/mask and
 *     MIB counters, and an SMI register reaching their PHYs (gt96k_eth.c);
 *   - eight MPSC serial channels and their SDMA channels (2 groups of 8)
 *     carrying HDLC frames for the WIC serial ports (gt96k_sdma.c).
 *
 * Byte order (§4.4): registers are little-endian. A 4-byte access is
 * byte-reversed (the CPU sees the value reversed); 1- and 2-byte accesses
 * reach the register offset unchanged. Descriptors in RAM are big-endian
 * words (devices.md §1.3).
 *
 * Interrupt outputs, wired by the machine (§4.3):
 *   int0     CPU line 3: (main cause & Int0 main mask) or (high cause &
 *            Int0 high mask)
 *   int1     CPU line 6: the same with the Int1 masks
 *   serint0  the network interrupt of slot 0 port 0 (I/O FPGA, CPU
 *            line 2): serial cause & SerInt0 mask; SerInt1 is unconnected
 *
 * Network: each Ethernet port and MPSC channel may be bound to a NIO.
 * Ethernet transmits when IOS sets the TX demand bits and on
 * gt96k_tx_poll(), the periodic scan the card layer runs; MPSC transmits
 * on the SDMA "transmit demand" command (§4.4).
 *
 * Threads: register accesses on the CPU thread, NIO receive on the event
 * loop, tx_poll on the event loop; state behind one mutex (never held
 * while the interrupt lines are driven).
 */
#ifndef DEV_GT96K_H
#define DEV_GT96K_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"

struct logger;
struct nic_stats;
struct nio;
struct pci_bus;
struct physmap;
struct gt96k;

#define GT96K_WINDOW_SIZE 0x200000u /* §4.2 */
#define GT96K_ETH_PORTS 2
#define GT96K_MPSC_CHANNELS 8

/* Register offsets (§4.4, GT-96100A datasheet). */
#define GT96K_INT_CAUSE 0x000C18      /* main cause */
#define GT96K_INT0_MASK 0x000C1C      /* Int0 main mask */
#define GT96K_INT1_MASK 0x000C24      /* Int1 main mask */
#define GT96K_HINT_CAUSE 0x000C98     /* high cause */
#define GT96K_HINT0_MASK 0x000C9C
#define GT96K_HINT1_MASK 0x000CA4
#define GT96K_SER_CAUSE 0x103A00
#define GT96K_SERINT0_MASK 0x103A80
#define GT96K_SERINT1_MASK 0x103A88
#define GT96K_SDMA_CAUSE 0x103A10
#define GT96K_SDMA_MASK 0x103A90
#define GT96K_SGCR 0x101AF0
#define GT96K_ETH_SMI 0x080810
#define GT96K_ETH_BASE(p) (0x084800u + 0x4000u * (p))

/* Main cause bits (§4.4). */
#define GT96K_INT_INT0_SUM 0x40000000u
#define GT96K_INT_INT1_SUM 0x80000000u
/* High cause bits. */
#define GT96K_HINT_ETH0 0x00000001u
#define GT96K_HINT_ETH1 0x00000002u
#define GT96K_HINT_SDMA 0x00000010u

struct gt96k_config {
    const char *name; /* kept by pointer; NULL = "gt96100" */
    struct logger *lg;
    struct physmap *pm;   /* DMA target; required */
    struct pci_bus *bus0; /* root behind 0xCF8/0xCFC; required */
    struct pci_bus *bus1; /* root behind 0xCF0/0xCF4; may be NULL */
    struct irq_line int0;
    struct irq_line int1;
    struct irq_line serint0;
};

/* 0, -EINVAL, -EEXIST (bus 0 device 0 taken) or -ENOMEM. */
int gt96k_create(const struct gt96k_config *c, struct gt96k **out);
/* Unbinds the NIOs, removes the PCI identity, frees. */
void gt96k_destroy(struct gt96k *gt);
struct device *gt96k_device(struct gt96k *gt);

/* Ethernet port 0/1 to a NIO (NULL: unplug): 0, -EINVAL, -EBUSY (the NIO
 * feeds another consumer). */
int gt96k_eth_set_nio(struct gt96k *gt, unsigned port, struct nio *nio);
void gt96k_eth_receive(struct gt96k *gt, unsigned port, const uint8_t *frame,
                       size_t len);
/* MPSC channel 0-7 to a NIO carrying HDLC frames (§4.9, devices.md §1.7). */
int gt96k_mpsc_set_nio(struct gt96k *gt, unsigned chan, struct nio *nio);
/* The channel carries Ethernet frames (a WIC-1ENET's port): received
 * frames count 4 FCS bytes instead of the HDLC CRC-16's 2 (devices.md
 * §1.6, §1.7). 0 or -EINVAL. */
int gt96k_mpsc_set_ethernet(struct gt96k *gt, unsigned chan, int on);
void gt96k_mpsc_receive(struct gt96k *gt, unsigned chan,
                        const uint8_t *frame, size_t len);
/* Periodic transmit scan of both Ethernet ports; frames sent. */
int gt96k_tx_poll(struct gt96k *gt);
/* A scan may find frames (a transmit queue demanded and not stopped):
 * while none may, the card layer's scan sleeps; a register write that
 * leaves one running calls the kick set here (any thread; a zero kick
 * when the card layer goes). */
int gt96k_tx_on(struct gt96k *gt);
void gt96k_set_tx_kick(struct gt96k *gt, struct tx_kick kick);

void gt96k_eth_stats(struct gt96k *gt, unsigned port, struct nic_stats *st);
void gt96k_mpsc_stats(struct gt96k *gt, unsigned chan,
                      struct nic_stats *st);
/* Interrupt registers and port states, for debug dumps. */
void gt96k_dump(struct gt96k *gt, FILE *out);

#endif
