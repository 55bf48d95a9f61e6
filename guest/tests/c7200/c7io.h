/*
 * c7io: what the c7200 probes share. Uncached access to physical
 * addresses below 512 MB (KSEG1), the GT-64010/64120 little-endian
 * registers, configuration cycles through its ports, and a depth-first
 * PCI walk that numbers every bridge as it is found.
 *
 * Shared spec c7200.md §11.1 (every GT access byte-reversed; the probes
 * use 32-bit accesses only), §11.2 (0xCF8/0xCFC root 0, 0xCF0/0xCF4 root
 * 1 on the GT-64120), §12.1 (address word), §12.3 (the hidden PCMCIA bus:
 * the first foreign bus number reaching the bay-0 bus is claimed).
 */
#ifndef C7IO_H
#define C7IO_H

#include <stdint.h>

#define C7_GT 0x14000000u     /* c7200.md §3.1 */
#define C7_MPFPGA 0x1E800000u /* c7200.md §8 */
#define C7_KSEG1 0xA0000000u

static inline volatile uint32_t *c7_io(unsigned pa)
{
    return (volatile uint32_t *)(C7_KSEG1 | pa);
}
static inline uint32_t rd32(unsigned pa)
{
    return *c7_io(pa);
}
static inline void wr32(unsigned pa, uint32_t v)
{
    *c7_io(pa) = v;
}
static inline uint16_t rd16(unsigned pa)
{
    return *(volatile uint16_t *)(C7_KSEG1 | pa);
}
static inline uint8_t rd8(unsigned pa)
{
    return *(volatile uint8_t *)(C7_KSEG1 | pa);
}

uint32_t gt_rd(unsigned off);
void gt_wr(unsigned off, uint32_t v);
uint32_t pci_rd(int root, unsigned bus, unsigned dev, unsigned reg);
void pci_wr(int root, unsigned bus, unsigned dev, unsigned reg, uint32_t v);

/* GT identity at root 0, bus 0, device 0; how many roots it has. */
int c7_roots(void);

struct c7_fn {
    int root;
    unsigned bus, dev;
    uint32_t id, class;
    int depth;  /* bridges above it */
    int hidden; /* on a bus reached through no bridge function */
};
#define C7_CLASS_BRIDGE 0x0604u /* class >> 16 */

/*
 * Every root walked depth-first, buses numbered from 1 per root. A bridge
 * gets secondary = the next number and subordinate 0xFF while the bus
 * behind it is walked; then the next number is tried through it (a bus
 * reached without a bridge function: §12.3) and the subordinate number is
 * set to the last bus found. fn() gets each function (bridges before
 * their bus), bus_done() each bridge after its final numbering.
 */
struct c7_walk {
    void (*fn)(const struct c7_fn *f, void *arg);
    void (*bus_done)(const struct c7_fn *bridge, uint32_t numbers,
                     void *arg);
    void *arg;
};
void c7_pci_walk(const struct c7_walk *w);

#endif
