/*
 * Cisco 7200 midplane FPGA (shared spec c7200.md §8): a 4 KB register
 * window (physical 0x1E800000 on NPE-100...400) that aggregates the
 * port-adapter network interrupts (§4.2), reports PA power, carries the bay
 * identification EEPROM ports (§6.1) and the power-supply enables, and
 * latches online insertion/removal events.
 *
 * Interrupt outputs (wired by the machine): CPU line 2 (network, §4.1),
 * line 3 (PA management, never raised: §4.1, §8 0x40) and line 6
 * (error/OIR, §8 0x70, §20).
 *
 * The bay-7 network status/mask and OIR detail live in I/O FPGA registers
 * (0x294, 0x2A4, 0x2D4, 0x2F4) but take part in the same aggregation, so
 * their state is kept here and the I/O FPGA reaches it through the
 * c7200_mpfpga_bay7_* functions below.
 *
 * Threads: register accesses come from the CPU thread; c7200_mpfpga_net_irq
 * may come from any device thread. State is behind one mutex; the
 * power_off callback runs without it held.
 */
#ifndef DEV_C7200_MPFPGA_H
#define DEV_C7200_MPFPGA_H

#include <stdint.h>

#include "dev/device.h"

struct logger;
struct c7200_mpfpga;

/*
 * An identification-EEPROM port: one 32-bit FPGA register shared by
 * several bit-banged serial EEPROMs (c7200.md §6.1, §6.2). Whoever
 * implements it owns the register latch: write() gets every value the
 * guest writes, read() returns the whole register as the guest sees it.
 * Used by both c7200 FPGAs.
 *
 * A port given as NULL is "no EEPROM attached": the FPGA keeps a plain
 * latch and, for each EEPROM whose chip select is set in it, reads its
 * data-out bit as 1. An absent EEPROM thus shifts out all-ones data, as
 * an empty bay does (§6.2: "EEPROMs of empty bays read as all-ones").
 */
struct eeprom_port_ops {
    uint32_t (*read)(void *ctx);
    void (*write)(void *ctx, uint32_t value);
    void *ctx;
};

/* Chip-select and data-out bit positions of one EEPROM in a port (§6.1). */
struct eeprom_wire {
    uint8_t cs;
    uint8_t dout;
};

/* Register value of a port with no EEPROM behind it (see above). */
static inline uint32_t eeprom_port_absent_read(uint32_t latch,
                                               const struct eeprom_wire *w,
                                               unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (latch & (UINT32_C(1) << w[i].cs)) {
            latch |= UINT32_C(1) << w[i].dout;
        }
    }
    return latch;
}

/* Register offsets (c7200.md §8). */
#define C7200_MPFPGA_SIZE 0x1000
#define C7200_MPFPGA_NET_STATUS0 0x10 /* ...0x13, bays 0/1/3/4 */
#define C7200_MPFPGA_NET_STATUS1 0x18 /* ...0x1B, bays 2/5/6 */
#define C7200_MPFPGA_NET_MASK0 0x20
#define C7200_MPFPGA_NET_MASK1 0x28
#define C7200_MPFPGA_TDM_STATUS 0x38
#define C7200_MPFPGA_PA_MGMT_STATUS 0x40
#define C7200_MPFPGA_UNKNOWN_48 0x48
#define C7200_MPFPGA_PA_STATUS 0x50
#define C7200_MPFPGA_PA_CONTROL 0x58
#define C7200_MPFPGA_EEPROM_0134 0x60
#define C7200_MPFPGA_EEPROM_256 0x68
#define C7200_MPFPGA_ERR_STATUS 0x70
#define C7200_MPFPGA_ERR_ENABLE 0x78
#define C7200_MPFPGA_UNKNOWN_7B 0x7B

#define C7200_MPFPGA_NBAYS 8 /* bays 0-7 (§1; bay 8 is emulator-only) */

enum c7200_mpfpga_eeprom {
    C7200_MPFPGA_EEPROM_BAYS_0134 = 0, /* register 0x60 */
    C7200_MPFPGA_EEPROM_BAYS_256 = 1,  /* register 0x68 */
};

struct c7200_mpfpga_config {
    struct logger *lg;
    struct irq_line net_irq;     /* CPU line 2 */
    struct irq_line pa_mgmt_irq; /* CPU line 3 */
    struct irq_line oir_irq;     /* CPU line 6 */
    /* Copied at create; NULL = no EEPROM attached (see above). */
    const struct eeprom_port_ops *eeprom_bays_0134; /* 0x60 */
    const struct eeprom_port_ops *eeprom_bays_256;  /* 0x68 */
    /* Guest wrote both power-supply bits of 0x68 as 0 (§8): stop the VM. */
    void (*power_off)(void *ctx);
    void *ctx;
};

/* Returns NULL (errno = ENOMEM) on failure. */
struct c7200_mpfpga *c7200_mpfpga_create(const struct c7200_mpfpga_config *c);
void c7200_mpfpga_destroy(struct c7200_mpfpga *mp);
struct device *c7200_mpfpga_device(struct c7200_mpfpga *mp);

/* Replace an EEPROM port after create (NULL = none). */
void c7200_mpfpga_set_eeprom_port(struct c7200_mpfpga *mp,
                                  enum c7200_mpfpga_eeprom which,
                                  const struct eeprom_port_ops *ops);

/*
 * Device side of §4.2: (bay 0-7, port 0-7) asserts (level 1) or deasserts
 * its interrupt; line 2 is re-evaluated. Returns 0 or -EINVAL.
 */
int c7200_mpfpga_net_irq(struct c7200_mpfpga *mp, int bay, int port,
                         int level);

/*
 * Machine side: bay holds a card with an EEPROM (powers it in 0x50, or in
 * I/O FPGA 0x2D4 for bay 7; bay 0 is always powered). Bay 7 being present
 * also folds its status into 0x10 (§4.2). Returns 0 or -EINVAL.
 */
int c7200_mpfpga_set_bay_present(struct c7200_mpfpga *mp, int bay,
                                 int present);

/*
 * OIR event on bay 1-7 (§20): sets the bay's bit in 0x70 (bit 0 and I/O
 * FPGA 0x2F4 bit 24 for bay 7) and asserts line 6. Bits accumulate until
 * the guest clears them. Returns 0 or -EINVAL (bay 0 has no OIR).
 */
int c7200_mpfpga_oir_event(struct c7200_mpfpga *mp, int bay);

/* Power-supply state, bits 0-1 = PS0/PS1 present (§7.1); starts at 3. */
unsigned c7200_mpfpga_power_supplies(struct c7200_mpfpga *mp);
void c7200_mpfpga_set_power_supplies(struct c7200_mpfpga *mp, unsigned ps);

/* Bay-7 registers that live in the I/O FPGA (c7200.md §7). */
uint32_t c7200_mpfpga_bay7_net_status(struct c7200_mpfpga *mp); /* 0x294 */
uint32_t c7200_mpfpga_bay7_net_mask(struct c7200_mpfpga *mp);   /* 0x2A4 */
void c7200_mpfpga_bay7_set_net_mask(struct c7200_mpfpga *mp, uint32_t m);
uint32_t c7200_mpfpga_bay7_pa_status(struct c7200_mpfpga *mp);  /* 0x2D4 */
uint32_t c7200_mpfpga_bay7_oir_status(struct c7200_mpfpga *mp); /* 0x2F4 */
void c7200_mpfpga_bay7_oir_clear(struct c7200_mpfpga *mp, uint32_t bits);

/* Current levels of the three outputs (tests, debug). */
int c7200_mpfpga_net_irq_level(struct c7200_mpfpga *mp);
int c7200_mpfpga_oir_irq_level(struct c7200_mpfpga *mp);

#endif
