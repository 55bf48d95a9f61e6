/*
 * pio: what the platform probes share. Which platform the probe runs on
 * (the remote-control platform id, and for the 3620/3640 the I/O FPGA's
 * chassis register), where its devices are, uncached access to any
 * physical address (KSEG1 below 512 MB, a 16 MB TLB page pair in kseg2
 * above), the GT system controller's little-endian registers and PCI
 * configuration cycles through it.
 *
 * Shared spec c3600-c2691-c37xx.md §1.1 (addresses), §3.4 and §4.4 (GT
 * byte order: every GT-64010/64120 access and every 32-bit GT-96100
 * access is byte-reversed; the probes use 32-bit accesses only).
 */
#ifndef PIO_H
#define PIO_H

#include <stdint.h>

enum pp_family { PP_C3600, PP_GT96K };

struct pp_platform {
    unsigned id;        /* remote-control platform id */
    const char *name;   /* "3620" ... "3745" */
    enum pp_family family;
    unsigned gt;        /* physical addresses */
    unsigned fpga;
    unsigned duart;
    unsigned nslots;
    int gt_buses;       /* 1 (GT-64010) or 2 */
};

extern struct pp_platform pp;

/* Identifies the platform; 0 or -1 (unknown: the probe stops). */
int pp_init(void);

/* Uncached virtual address of physical address pa. */
volatile void *pp_io(unsigned pa);

static inline uint32_t rd32(unsigned pa)
{
    return *(volatile uint32_t *)pp_io(pa);
}
static inline uint16_t rd16(unsigned pa)
{
    return *(volatile uint16_t *)pp_io(pa);
}
static inline uint8_t rd8(unsigned pa)
{
    return *(volatile uint8_t *)pp_io(pa);
}
static inline void wr32(unsigned pa, uint32_t v)
{
    *(volatile uint32_t *)pp_io(pa) = v;
}
static inline void wr16(unsigned pa, uint16_t v)
{
    *(volatile uint16_t *)pp_io(pa) = v;
}
static inline void wr8(unsigned pa, uint8_t v)
{
    *(volatile uint8_t *)pp_io(pa) = v;
}

/* GT register, in the GT's own (little-endian) value. */
uint32_t gt_rd(unsigned off);
void gt_wr(unsigned off, uint32_t v);

/* Configuration cycle on root bus `root` (0: 0xCF8/0xCFC, 1: 0xCF0/0xCF4). */
uint32_t pci_rd(int root, unsigned bus, unsigned dev, unsigned reg);
void pci_wr(int root, unsigned bus, unsigned dev, unsigned reg, uint32_t v);

/* One function found by pp_pci_scan. */
struct pp_fn {
    int root;
    unsigned bus, dev;
    uint32_t id, class;
    int depth; /* bridges above it */
};
#define PP_CLASS_BRIDGE 0x0604 /* class >> 16 */

/* Every root bus walked as IOS does: each bridge numbered (register 0x18)
 * as it is found, then the bus behind it. seen() gets every function in
 * that order, a bridge after it was numbered. */
void pp_pci_scan(void (*seen)(const struct pp_fn *f, void *arg), void *arg);

/* Bit-banged 93C46 read of one word through a register (§6.2). */
struct pp_wire {
    unsigned cs, sk, di, dout;
};
unsigned pp_eeprom_word(unsigned reg_pa, int width, unsigned keep,
                        const struct pp_wire *w, unsigned addr);
/* The 64 words, eight a line, trailing all-ones lines folded. */
void pp_eeprom_dump(const char *name, unsigned reg_pa, int width,
                    unsigned keep, const struct pp_wire *w);

#endif
