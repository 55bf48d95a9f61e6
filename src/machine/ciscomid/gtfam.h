/*
 * The GT-96100 routers' common chassis (shared spec c3600-c2691-c37xx.md
 * §4): the 2691, 3725 and 3745 are one design with different slot counts
 * (§4 intro). This builds the GT-96100 system controller with its two PCI
 * roots, the I/O FPGA of §4.6 or §4.7, the EEPROM sockets of §6.1, the
 * PCI placement of §4.5 (with the 3745's PCI2050B bridges) and the
 * interrupt wiring of §4.3; a platform file gives the table below and the
 * models.
 */
#ifndef MACHINE_CISCOMID_GTFAM_H
#define MACHINE_CISCOMID_GTFAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct mid;
struct gt96k;
struct pci_bus;

enum gtfam_fpga {
    GTFAM_FPGA_2691, /* §4.6, one NM bay */
    GTFAM_FPGA_3725, /* §4.6, two NM bays */
    GTFAM_FPGA_3745, /* §4.7 */
};

struct gtfam_wiring {
    uint64_t gt_base;   /* 0x14000000, 0x24000000 on the 3745 */
    uint64_t fpga_base; /* 0x1E800000, 0x1FA00000 on the 3745 */
    enum gtfam_fpga fpga;
    /* §4.5: NM slot n's device on GT bus 1 (2691/3725), or the device
     * of its PCI2050B bridge on bus 1 (3745: NM at device 0 behind it) */
    unsigned nm_dev[5];
    int nm_bridges;
};

/* The chassis of m->plat, whose .wiring is a struct gtfam_wiring. */
int gtfam_create(struct mid *m, char *err, size_t errlen);
void gtfam_reset(struct mid *m);
void gtfam_destroy(struct mid *m);
int gtfam_nm_place(struct mid *m, unsigned slot, unsigned devoff,
                   unsigned port, struct pci_bus **bus, unsigned *devno,
                   unsigned *irq_port);
void gtfam_net_irq(struct mid *m, unsigned slot, unsigned port, int level);
void gtfam_oir_event(struct mid *m, unsigned slot);
struct gt96k *gtfam_gt(struct mid *m);
struct pci_bus *gtfam_pci_root(struct mid *m, unsigned i);
void gtfam_show(struct mid *m, FILE *out);

/* What every GT-96100 router's mid_model has (c3600-c2691-c37xx.md
 * §1.1, §4.1, §4.8, §9): an RM7000 with 64 TLB entries, the GT96100-FE
 * in slot 0, an 11-character board id. */
#define GTFAM_MODEL_COMMON                                                    \
    .prid = PRID_RM7000, .tlb_entries = 64, .slot0_card = "GT96100-FE",      \
    .sysid_kind = MID_SYSID_CHARS11

/* What every GT-96100 router's mid_platform has (§1.1: 16 MB disk0, the
 * DUART at 0x3C100000) and its hooks, wiring its table w. */
#define GTFAM_PLATFORM(w)                                                     \
    .family = MID_FAM_GT96K, .disk0_mb = 16, .duart_base = 0x3C100000ull,    \
    .create = gtfam_create, .wiring = (w), .reset = gtfam_reset,              \
    .destroy = gtfam_destroy, .nm_place = gtfam_nm_place,                     \
    .net_irq = gtfam_net_irq, .oir_event = gtfam_oir_event,                   \
    .gt96k = gtfam_gt, .pci_root = gtfam_pci_root, .show = gtfam_show

#endif
