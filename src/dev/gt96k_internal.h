/*
 * GT-96100 internals shared by gt96k.c (core, interrupt controller),
 * gt96k_eth.c (Ethernet ports) and gt96k_sdma.c (MPSC / SDMA). Not for
 * other users: see gt96k.h.
 *
 * Locking: one mutex (gt->lock) guards everything below. The functions
 * named *_locked run with it held and only record which interrupt
 * outputs must be re-driven; gt96k_unlock() drives them after releasing
 * the lock, so no callback into the machine happens under it.
 */
#ifndef DEV_GT96K_INTERNAL_H
#define DEV_GT96K_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "dev/gt96k.h"
#include "dev/nic.h"

#define GT96K_DMA_CHANNELS 4
#define GT96K_SDMA_GROUPS 2
#define GT96K_MAX_FRAME 2048 /* devices.md §1.5: gather buffer */

/* Descriptor layout (§4.4): four big-endian words. */
#define GT_DESC_BYTES 0       /* TX: count 31:16; RX: size 31:16, count 15:0 */
#define GT_DESC_CMD 4
#define GT_DESC_NEXT 8
#define GT_DESC_BUF 12
#define GT_DESC_OWN 0x80000000u
#define GT_DESC_F 0x00020000u
#define GT_DESC_L 0x00010000u
#define GT_RXD_HE 0x00002000u /* hash hop limit */
#define GT_RXD_M 0x00001000u  /* address miss */
#define GT_RXD_FT 0x00000800u /* 802.3 frame */

struct gt96k_desc {
    uint32_t bytes, cmd, next, buf;
};

struct gt96k_eth_port {
    uint32_t pcr, pcxr, pcmr, sdcr, sdcmr, htpr;
    uint32_t icr, imr;
    uint32_t frdp[4], crdp[4], ctdp[2];
    uint32_t mib[4]; /* bytes RX, bytes TX, frames RX, frames TX */
    uint16_t phy0;   /* PHY register 0 (written value) */
    struct nic_stats st;
};

struct gt96k_mpsc {
    uint32_t mmcrl, mmcrh, mpcr;
    uint32_t chr[10];
    struct nic_stats st;
};

struct gt96k_sdma {
    uint32_t sdcm;
    uint32_t scrdp, sctdp, sftdp;
};

struct gt96k_dma {
    uint32_t byte_count, src, dst, next, ctrl;
};

struct gt96k {
    struct device dev;
    pthread_mutex_t lock;
    struct logger *lg;
    struct physmap *pm;
    struct pci_bus *bus[2];
    struct pci_dev *pci;
    struct irq_line int0, int1, serint0;

    uint32_t int_cause, int0_mask, int1_mask;
    uint32_t high_cause, hint0_mask, hint1_mask;
    uint32_t ser_cause, serint0_mask, serint1_mask;
    uint32_t sdma_cause, sdma_mask, sgcr;
    uint32_t smi;
    struct gt96k_dma dma[GT96K_DMA_CHANNELS];
    struct gt96k_eth_port eth[GT96K_ETH_PORTS];
    struct gt96k_mpsc mpsc[GT96K_MPSC_CHANNELS];
    struct gt96k_sdma sdma[GT96K_SDMA_GROUPS][GT96K_MPSC_CHANNELS];
    /* host side, not state: kept apart from what snapshots save */
    struct nio *eth_nio[GT96K_ETH_PORTS];
    struct nio *mpsc_nio[GT96K_MPSC_CHANNELS];
    uint8_t mpsc_eth[GT96K_MPSC_CHANNELS]; /* card wiring: WIC-1ENET */
    struct tx_kick kick; /* the Ethernet ports' card layer scan */

    int level[3]; /* last driven: int0, int1, serint0 */
    unsigned logged;
    uint8_t frame[GT96K_MAX_FRAME];
};

/* Recompute the summaries and the three outputs (gt96k.c). Locked. */
void gt96k_update_locked(struct gt96k *gt);
/* Unlock and drive the outputs that changed. */
void gt96k_unlock(struct gt96k *gt);
void gt96k_guest_error(struct gt96k *gt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Descriptors in guest memory (big-endian words). */
void gt96k_desc_read(struct gt96k *gt, uint32_t addr, struct gt96k_desc *d);
void gt96k_desc_write(struct gt96k *gt, uint32_t addr,
                      const struct gt96k_desc *d);
void gt96k_desc_write_cmd(struct gt96k *gt, uint32_t addr, uint32_t cmd);

/* gt96k_eth.c: 1 if off is an Ethernet/SMI register (value via *v). */
int gt96k_eth_access_locked(struct gt96k *gt, uint32_t off, int is_write,
                            uint32_t *v);
int gt96k_eth_tx_locked(struct gt96k *gt, unsigned port);
int gt96k_eth_tx_on_locked(const struct gt96k *gt);
void gt96k_eth_reset_locked(struct gt96k *gt);

/* gt96k_sdma.c: MPSC and SDMA channel registers. */
int gt96k_sdma_access_locked(struct gt96k *gt, uint32_t off, int is_write,
                             uint32_t *v);
void gt96k_sdma_reset_locked(struct gt96k *gt);

#endif
