/*
 * drivers.h - attaching chip drivers to interfaces.
 */
#ifndef FW_DRIVERS_H
#define FW_DRIVERS_H

#include <stdint.h>

/*
 * Memory the chips reach by DMA: the physical address of a KSEG0/KSEG1
 * pointer, and the KSEG1 (uncached) alias drivers keep their rings and
 * buffers at, so that no cache line stands between driver and chip (MIPS
 * R4000 kernel segments: KSEG0 0x80000000, KSEG1 0xA0000000, 512 MB each).
 */
static inline uint32_t phys(const volatile void *p)
{
    return (uint32_t)(uintptr_t)p & 0x1FFFFFFFu;
}

static inline void *uncached(void *p)
{
    return (void *)(uintptr_t)(phys(p) | 0xA0000000u);
}

struct iface;

/* Called once per interface found; attaches a driver if the card's chip
 * has one (iface->nic stays NULL otherwise). */
void drivers_attach(struct iface *i, int bay, int port);

struct nic;
struct pci_func;
struct nic *dec21140_attach(struct iface *ifp, struct pci_func *f, int bay,
                            int irq_port);

struct nic *am79c971_attach(struct iface *ifp, struct pci_func *f, int bay,
                            int irq_port);

struct nic *mueslix_attach(struct iface *ifp, struct pci_func *f, int bay,
                           int port);

struct nic *i82543_attach(struct iface *ifp, struct pci_func *f, int bay,
                          int irq_port);

/* NM-16ESW in a slot: its 16 switch ports and interface Vlan1. */
struct card;
void bcm5605_attach(int slot, const struct card *c, struct pci_func *f,
                    const uint8_t *base_mac);

/* GT-96100 on-board FastEthernet port 0 or 1 (2691, 37xx). */
struct nic *gt96k_eth_attach(struct iface *ifp, int port);
/* Port p of the WIC in sub-slot w: a GT-96100 MPSC channel (serial, or
 * the Ethernet frames of a WIC-1ENET). */
struct nic *mpsc_attach(struct iface *ifp, int wic, int port, int ethernet);

#endif
