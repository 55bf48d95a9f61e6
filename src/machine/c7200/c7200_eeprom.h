/*
 * Cisco 7200 identification EEPROMs (shared spec c7200.md §6): what each
 * NPE, midplane, power entry module and port adapter / I/O card EEPROM
 * holds (§6.6), the two formats they use (§6.3 v1, §6.4 v4), the chassis
 * MAC rules (§19) and the system-id serial (§6.3), and the set of chips a
 * chassis wires to its FPGA ports (§6.1).
 *
 * Images are byte strings as the spec prints them: byte 2w is the high half
 * of EEPROM word w (§6.2). A chip holds NMC93C46_BYTES; bytes past an
 * image's defined size read 0xFF.
 */
#ifndef MACHINE_C7200_EEPROM_H
#define MACHINE_C7200_EEPROM_H

#include <stddef.h>
#include <stdint.h>

#include "dev/c7200_mpfpga.h" /* struct eeprom_port_ops */
#include "dev/nmc93cx6.h"

/* ------------------------------------------------------ contents (§6.6) */

enum c7200_eeprom_kind {
    C7200_EEPROM_NPE = 0,      /* CPU EEPROM, named "npe-100" ... "npe-g2" */
    C7200_EEPROM_MIDPLANE = 1, /* "std", "vxr" */
    C7200_EEPROM_PEM = 2,      /* named by its NPE: "npe-175", "npe-225" */
    C7200_EEPROM_CARD = 3,     /* "C7200-IO-FE", "PA-FE-TX", ... */
};

struct c7200_eeprom_image {
    enum c7200_eeprom_kind kind;
    const char *name;
    uint8_t size; /* bytes defined (32, 64 or 128) */
    uint8_t data[NMC93C46_BYTES];
};

/* Exact (case-sensitive) name look-up; NULL if there is no such image. */
const struct c7200_eeprom_image *
c7200_eeprom_find(enum c7200_eeprom_kind kind, const char *name);
/* Every image, for listings and tests: index 0 .. count-1, else NULL. */
size_t c7200_eeprom_count(void);
const struct c7200_eeprom_image *c7200_eeprom_at(size_t i);

/* Copy an image into a whole chip's worth of bytes (0xFF past size). */
void c7200_eeprom_fill(const struct c7200_eeprom_image *im,
                       uint8_t out[NMC93C46_BYTES]);

/* ------------------------------------------------- formats (§6.3, §6.4) */

#define C7200_EEPROM_FMT_V1 1
#define C7200_EEPROM_FMT_V4 4

/* Format version of an image: 1, 4, or -EINVAL (too short / unknown). */
int c7200_eeprom_format(const uint8_t *img, size_t len);

/*
 * Version 4: find the first field of the given type (§6.4; the length
 * byte of 0xC0-0xFE types is masked with 0x3F). On success *off is the
 * offset of the field's data and *flen its length. Returns 0, -ENOENT
 * (end marker or end of image reached first) or -EINVAL (not v4, or a
 * field runs past the image).
 */
int c7200_eeprom_v4_find(const uint8_t *img, size_t len, uint8_t type,
                         size_t *off, size_t *flen);

/*
 * Hardware type of a board: v1 byte 1 (§6.3), v4 field 0x40 (the product
 * ID, §6.4). Returns 0 or a negative errno from the look-ups above.
 */
int c7200_eeprom_product_id(const uint8_t *img, size_t len, uint16_t *id);

/* --------------------------------------------------------- MAC (§19) */

#define C7200_MAC_PREFIX 0xCA /* c7200 platform byte, §1 */
#define C7200_MAC_STRLEN 15   /* "xxxx.xxxx.xxxx" and its NUL */

/* Default chassis MAC: CA, instance id & 0xFF, pid (16 bits BE), 00 00. */
void c7200_mac_default(int instance_id, unsigned pid, uint8_t mac[6]);

/*
 * "aa:bb:cc:dd:ee:ff" (1-2 hex digits per group) or "aabb.ccdd.eeff"
 * (1-4 hex digits per group), either case, nothing else around it.
 * Returns 0 or -EINVAL (mac untouched).
 */
int c7200_mac_parse(const char *s, uint8_t mac[6]);

/* Cisco notation, lower case: "ca01.5fd8.0000". */
void c7200_mac_format(const uint8_t mac[6], char out[C7200_MAC_STRLEN]);

/*
 * Write a chassis MAC into a midplane image: bytes 0x0C-0x11, then the
 * block size 0x0400 at 0x12-0x13 (§6.3, §19). Only format 1 midplanes
 * carry it: -EINVAL for anything else or an image shorter than 0x14.
 */
int c7200_eeprom_set_mac(uint8_t *img, size_t len, const uint8_t mac[6]);

/* ------------------------------------------------- system id (§6.3) */

/*
 * The serial number a system id stands for: its leading decimal digits,
 * modulo 2^32 (the reference reads it as a decimal number; an id without
 * leading digits gives 0). Returns 0, or -EINVAL for a NULL / empty id.
 */
int c7200_system_id_serial(const char *id, uint32_t *serial);

/* Serial number, big-endian, at offset 4 of a v1 image; -EINVAL else. */
int c7200_eeprom_set_serial(uint8_t *img, size_t len, uint32_t serial);

/* ------------------------------------- the chassis EEPROM set (§6.1) */

/* FPGA registers carrying EEPROM lines (§6.1). */
enum c7200_eeprom_port {
    C7200_EEPORT_CPU_MIDPLANE = 0, /* I/O FPGA 0x21C: CPU, midplane */
    C7200_EEPORT_PEM = 1,          /* I/O FPGA 0x388: PEM */
    C7200_EEPORT_BAY7 = 2,         /* I/O FPGA 0x2E4: bay 7 */
    C7200_EEPORT_BAYS_0134 = 3,    /* MP FPGA 0x60: bays 0, 1, 4, 3 */
    C7200_EEPORT_BAYS_256 = 4,     /* MP FPGA 0x68: bays 2, 6, 5 */
    C7200_EEPORT_COUNT = 5,
};

#define C7200_EEPROM_NBAYS 8 /* bays 0-7 */

struct c7200_eeproms_config {
    const char *npe;       /* CPU (and PEM) EEPROM; NULL = "npe-400" */
    const char *midplane;  /* NULL = "vxr" (§1) */
    const char *mac;       /* chassis MAC; NULL = c7200_mac_default() */
    int instance_id;       /* for the default MAC */
    unsigned pid;          /* host process id, for the default MAC */
    const char *system_id; /* NULL = leave the serial numbers as shipped */
};

struct c7200_eeproms;

/*
 * Every EEPROM of a chassis: CPU and midplane (with the chassis MAC and,
 * for a v1 CPU EEPROM, the system-id serial), PEM (NPE-175/225 only,
 * else an empty socket), bays 0-7 empty. Returns 0, -EINVAL (unknown NPE
 * or midplane, bad MAC: the reason is written to err) or -ENOMEM.
 */
int c7200_eeproms_create(const struct c7200_eeproms_config *c,
                         struct c7200_eeproms **out, char *err,
                         size_t errlen);
void c7200_eeproms_destroy(struct c7200_eeproms *e);

/* The operations to hand to the FPGA owning that port (ctx = a group that
 * lives as long as e). */
struct eeprom_port_ops c7200_eeproms_port(struct c7200_eeproms *e,
                                          enum c7200_eeprom_port port);

/* Power-on state of every port: latches 0, chips idle. */
void c7200_eeproms_reset(struct c7200_eeproms *e);

/*
 * Control operations; they may run while the guest reads the chips, but
 * not concurrently with each other. Each rebuilds the affected images
 * from the §6.6 contents.
 *
 *   set_npe       CPU and PEM EEPROMs (-EINVAL for an unknown NPE)
 *   set_midplane  "std" / "vxr"; the chassis MAC is applied again (§19)
 *   set_mac       chassis MAC into the midplane EEPROM (§19)
 *   set_system_id serial at offset 4 of the CPU and midplane EEPROMs when
 *                 the CPU EEPROM is format 1 (NPE-100 ... NPE-300, §6.3);
 *                 id truncated to 13 characters, NULL removes it. Returns
 *                 1 if written, 0 if this NPE takes no serial.
 *   set_card      bay 0-7 gets card's EEPROM (NULL: empty bay). Only the
 *                 EEPROM: which card fits which bay is the machine's call.
 *                 -EINVAL for a bad bay, -ENOENT for an unknown card.
 */
int c7200_eeproms_set_npe(struct c7200_eeproms *e, const char *npe);
int c7200_eeproms_set_midplane(struct c7200_eeproms *e, const char *name);
void c7200_eeproms_set_mac(struct c7200_eeproms *e, const uint8_t mac[6]);
int c7200_eeproms_set_system_id(struct c7200_eeproms *e, const char *id);
int c7200_eeproms_set_card(struct c7200_eeproms *e, int bay,
                           const char *card);

void c7200_eeproms_get_mac(struct c7200_eeproms *e, uint8_t mac[6]);
const char *c7200_eeproms_npe(struct c7200_eeproms *e);
const char *c7200_eeproms_midplane(struct c7200_eeproms *e);
/* Card in a bay (NULL if empty or bad bay). */
const char *c7200_eeproms_card(struct c7200_eeproms *e, int bay);

#endif
