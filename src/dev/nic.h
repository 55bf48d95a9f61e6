/*
 * Helpers shared by the network chip models (dec21140, am79c971, mueslix,
 * i8254x): DMA between a chip and guest memory, the Ethernet conventions of
 * shared spec devices.md §1.6 (group addresses, the ISL rewrite) and an
 * IEEE 802.3 clause 22 management-frame decoder for chips whose PHY is
 * reached by bit-banging MDC/MDIO.
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

#include <stddef.h>
#include <stdint.h>

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
