/*
 * National Semiconductor NMC93C46 serial EEPROM (64 words x 16 bits),
 * bit-banged by the guest through one 32-bit register that several chips
 * share (shared spec c7200.md §6.1, §6.2).
 *
 * A group is that register: the latch holding the last value written plus
 * up to NMC93CX6_MAX_CHIPS chips, each with its own chip-select (CS),
 * serial-clock (SK), data-in (DI, guest to chip) and data-out (DO, chip to
 * guest) bit position. The chips are read-only: the only command carried
 * out is READ, which shifts one 16-bit word out least-significant bit
 * first (§6.2). A socket with no image loaded behaves as a chip full of
 * ones (§6.2: "EEPROMs of empty bays read as all-ones").
 *
 * The group implements an FPGA's EEPROM port: nmc93cx6_port_read/_write
 * take the group as their context pointer, with the signatures of the
 * platform FPGAs' port operations.
 *
 * Threads: register accesses come from the CPU thread; images may be
 * (re)loaded from any thread (a hypervisor changing the chassis MAC while
 * the router runs). State is behind one mutex.
 */
#ifndef DEV_NMC93CX6_H
#define DEV_NMC93CX6_H

#include <stddef.h>
#include <stdint.h>

#define NMC93C46_WORDS 64
#define NMC93C46_BYTES (2 * NMC93C46_WORDS)
#define NMC93CX6_MAX_CHIPS 8

/* Bit positions (0-31) of one chip's lines in the shared register. */
struct nmc93cx6_wire {
    uint8_t cs;   /* chip select, written by the guest */
    uint8_t sk;   /* serial clock, written by the guest */
    uint8_t di;   /* data towards the chip, written by the guest */
    uint8_t dout; /* data from the chip, read by the guest */
};

struct nmc93cx6_group;

/*
 * A group of nchips (1..NMC93CX6_MAX_CHIPS) chips wired as wires[0..n-1],
 * all sockets empty, latch 0. Returns 0, -EINVAL (bad count, a bit
 * position above 31, or one chip using a bit position twice) or -ENOMEM.
 */
int nmc93cx6_group_create(const struct nmc93cx6_wire *wires, unsigned nchips,
                          struct nmc93cx6_group **out);
void nmc93cx6_group_destroy(struct nmc93cx6_group *g);

/*
 * Put an image in chip's socket: byte 2w is the high half of word w, byte
 * 2w+1 its low half (§6.2); bytes beyond len (at most NMC93C46_BYTES) read
 * as 0xFF. image NULL empties the socket. A read in progress goes on with
 * the new contents. Returns 0 or -EINVAL.
 */
int nmc93cx6_load(struct nmc93cx6_group *g, unsigned chip,
                  const uint8_t *image, size_t len);
/* 1 if chip's socket holds an image, 0 if empty, -EINVAL for a bad chip. */
int nmc93cx6_present(struct nmc93cx6_group *g, unsigned chip);
/* Copy chip's contents (NMC93C46_BYTES, ones when empty). 0 or -EINVAL. */
int nmc93cx6_contents(struct nmc93cx6_group *g, unsigned chip,
                      uint8_t out[NMC93C46_BYTES]);

/* Power-on state: latch 0, every chip idle with DO high. Images stay. */
void nmc93cx6_reset(struct nmc93cx6_group *g);

/* The guest writes / reads the shared register (§6.2). */
void nmc93cx6_write(struct nmc93cx6_group *g, uint32_t value);
uint32_t nmc93cx6_read(struct nmc93cx6_group *g);

/* The same, as an FPGA EEPROM port's operations (ctx = the group). */
uint32_t nmc93cx6_port_read(void *ctx);
void nmc93cx6_port_write(void *ctx, uint32_t value);

#endif
