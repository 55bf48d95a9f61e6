/*
 * Cisco 7200 I/O FPGA (shared spec c7200.md §7): a 4 KB register window
 * (physical 0x1E840000 on NPE-100...400) holding the CPU/midplane/PEM and
 * bay-7 EEPROM ports (§6.1), the environmental monitor (A/D converter and
 * four DS1620 temperature sensors, §7.1-7.2), bootflash and FPGA
 * identification registers, the bay-7 network-interrupt and OIR registers
 * (§4.2, §20) and the SCN2681 DUART (console/AUX, §9) at 0x404 + 8n.
 *
 * The FPGA raises no interrupt itself: the DUART drives CPU line 5, and
 * the bay-7 registers feed the midplane FPGA's line 2/line 6 logic, whose
 * state they live in (dev/c7200_mpfpga.h).
 *
 * The DUART and the midplane FPGA are borrowed: the caller creates them
 * before and destroys them after this device.
 */
#ifndef DEV_C7200_IOFPGA_H
#define DEV_C7200_IOFPGA_H

#include <stdint.h>

#include "dev/c7200_mpfpga.h" /* struct eeprom_port_ops */
#include "dev/device.h"

struct logger;
struct scn2681;
struct c7200_iofpga;

/* Register offsets (c7200.md §7). */
#define C7200_IOFPGA_SIZE 0x1000
#define C7200_IOFPGA_IO_CTRL 0x204
#define C7200_IOFPGA_TEMP_CTRL 0x20C
#define C7200_IOFPGA_TEMP_DATA_IN 0x214 /* also the A/D mux latch */
#define C7200_IOFPGA_EEPROM_CPU_MP 0x21C
#define C7200_IOFPGA_TEMP_DATA_OUT 0x22C
#define C7200_IOFPGA_WATCHDOG 0x234
#define C7200_IOFPGA_BOOTFLASH_SIMM 0x23C
#define C7200_IOFPGA_LEDS 0x244
#define C7200_IOFPGA_ENV_MON 0x254
#define C7200_IOFPGA_ENV_AD 0x257
#define C7200_IOFPGA_BAY7_NET_STATUS 0x294
#define C7200_IOFPGA_BAY7_NET_MASK 0x2A4
#define C7200_IOFPGA_PA_STATUS2 0x2D4
#define C7200_IOFPGA_PA_CONTROL2 0x2DC
#define C7200_IOFPGA_EEPROM_BAY7 0x2E4
#define C7200_IOFPGA_OIR_STATUS2 0x2F4
#define C7200_IOFPGA_G1_338 0x338
#define C7200_IOFPGA_EEPROM_PEM 0x388
#define C7200_IOFPGA_VERSION 0x390
#define C7200_IOFPGA_G2_ENV_FIRST 0x3C0
#define C7200_IOFPGA_G2_ENV_LAST 0x3CF
#define C7200_IOFPGA_PCMCIA_STATUS 0x3D6
#define C7200_IOFPGA_DUART_BASE 0x404 /* register n at 0x404 + 8n */
#define C7200_IOFPGA_DUART_STRIDE 8

#define C7200_IOFPGA_NSENSORS 4

enum c7200_iofpga_eeprom {
    C7200_IOFPGA_EEPROM_CPU_MIDPLANE = 0, /* 0x21C */
    C7200_IOFPGA_EEPROM_BAY7_PORT = 1,    /* 0x2E4 */
    C7200_IOFPGA_EEPROM_PEM_PORT = 2,     /* 0x388 */
};

struct c7200_iofpga_config {
    struct logger *lg;
    struct scn2681 *duart;       /* NULL: DUART registers read 0 */
    struct c7200_mpfpga *mpfpga; /* NULL: bay-7 registers read 0, both PS
                                    present for the A/D converter */
    /* Copied at create; NULL = no EEPROM attached (dev/c7200_mpfpga.h). */
    const struct eeprom_port_ops *eeprom_cpu_midplane; /* 0x21C */
    const struct eeprom_port_ops *eeprom_bay7;         /* 0x2E4 */
    const struct eeprom_port_ops *eeprom_pem;          /* 0x388 */
    int bay0_io_card; /* 0x390 and the console enable condition, §9.4 */
};

/* Returns NULL (errno = ENOMEM) on failure. */
struct c7200_iofpga *c7200_iofpga_create(const struct c7200_iofpga_config *c);
void c7200_iofpga_destroy(struct c7200_iofpga *io);
struct device *c7200_iofpga_device(struct c7200_iofpga *io);

void c7200_iofpga_set_eeprom_port(struct c7200_iofpga *io,
                                  enum c7200_iofpga_eeprom which,
                                  const struct eeprom_port_ops *ops);
/* Bay 0 gains/loses its I/O card: 0x390 and DUART receive enable. */
void c7200_iofpga_set_bay0_io_card(struct c7200_iofpga *io, int present);
/* Operator sets sensor 0-3's temperature (°C). Returns 0 or -EINVAL. */
int c7200_iofpga_set_temperature(struct c7200_iofpga *io, int sensor,
                                 int celsius);

#endif
