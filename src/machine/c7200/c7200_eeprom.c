/*
 * Cisco 7200 identification EEPROMs: format helpers (shared spec c7200.md
 * §6.3, §6.4), chassis MAC and system-id rules (§19, §6.3), and the chips
 * of one chassis wired to the FPGA ports (§6.1). The contents themselves
 * are in c7200_eeprom_data.c.
 */
#include "machine/c7200/c7200_eeprom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"

/* ============================================================ formats */

void c7200_eeprom_fill(const struct c7200_eeprom_image *im,
                       uint8_t out[NMC93C46_BYTES])
{
    memset(out, 0xFF, NMC93C46_BYTES);
    memcpy(out, im->data, im->size);
}

int c7200_eeprom_format(const uint8_t *img, size_t len)
{
    if (!img || len < 2)
        return -EINVAL;
    if (img[0] == C7200_EEPROM_FMT_V1)
        return C7200_EEPROM_FMT_V1;
    /* v4 starts 04 FF, §6.4 */
    if (img[0] == C7200_EEPROM_FMT_V4 && img[1] == 0xFF)
        return C7200_EEPROM_FMT_V4;
    return -EINVAL;
}

int c7200_eeprom_v4_find(const uint8_t *img, size_t len, uint8_t type,
                         size_t *off, size_t *flen)
{
    if (c7200_eeprom_format(img, len) != C7200_EEPROM_FMT_V4)
        return -EINVAL;
    size_t p = 2; /* fields start after 04 FF */
    while (p < len) {
        uint8_t t = img[p++];
        if (t == 0xFF)
            return -ENOENT; /* end of the field list */
        size_t n;
        switch (t >> 6) { /* §6.4: type bits 7-6 give the length */
        case 0: n = 1; break;
        case 1: n = 2; break;
        case 2: n = 4; break;
        default:
            if (p >= len)
                return -EINVAL;
            n = img[p++] & 0x3Fu; /* the length byte's bits 5-0 */
            break;
        }
        if (n > len - p)
            return -EINVAL;
        if (t == type) {
            *off = p;
            *flen = n;
            return 0;
        }
        p += n;
    }
    return -ENOENT;
}

int c7200_eeprom_product_id(const uint8_t *img, size_t len, uint16_t *id)
{
    int fmt = c7200_eeprom_format(img, len);
    if (fmt == C7200_EEPROM_FMT_V1) {
        *id = img[1]; /* hardware type, §6.3 */
        return 0;
    }
    if (fmt < 0)
        return fmt;
    size_t off, n;
    int rc = c7200_eeprom_v4_find(img, len, 0x40, &off, &n); /* §6.4 */
    if (rc < 0)
        return rc;
    if (n != 2)
        return -EINVAL;
    *id = (uint16_t)(img[off] << 8 | img[off + 1]);
    return 0;
}

/* ================================================================ MAC */

void c7200_mac_default(int instance_id, unsigned pid, uint8_t mac[6])
{
    /* c7200.md §19: CA, instance id, pid (16 bits, big-endian), 00 00 */
    mac[0] = C7200_MAC_PREFIX;
    mac[1] = (uint8_t)(instance_id & 0xFF);
    mac[2] = (uint8_t)(pid >> 8);
    mac[3] = (uint8_t)pid;
    mac[4] = 0;
    mac[5] = 0;
}

static int hexdigit(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* ngroups hex groups of 1..maxdigits digits separated by sep, then NUL. */
static int hex_groups(const char *s, char sep, int ngroups, int maxdigits,
                      unsigned *vals)
{
    for (int g = 0; g < ngroups; g++) {
        int nd = 0;
        unsigned v = 0;
        for (int d; (d = hexdigit(*s)) >= 0; s++) {
            if (++nd > maxdigits)
                return -EINVAL;
            v = v << 4 | (unsigned)d;
        }
        if (nd == 0)
            return -EINVAL;
        vals[g] = v;
        if (g + 1 < ngroups) {
            if (*s != sep)
                return -EINVAL;
            s++;
        }
    }
    return *s ? -EINVAL : 0;
}

int c7200_mac_parse(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    if (!s)
        return -EINVAL;
    if (hex_groups(s, ':', 6, 2, v) == 0) {
        for (int i = 0; i < 6; i++)
            mac[i] = (uint8_t)v[i];
        return 0;
    }
    if (hex_groups(s, '.', 3, 4, v) == 0) {
        for (int i = 0; i < 3; i++) {
            mac[2 * i] = (uint8_t)(v[i] >> 8);
            mac[2 * i + 1] = (uint8_t)v[i];
        }
        return 0;
    }
    return -EINVAL;
}

void c7200_mac_format(const uint8_t mac[6], char out[C7200_MAC_STRLEN])
{
    snprintf(out, C7200_MAC_STRLEN, "%02x%02x.%02x%02x.%02x%02x", mac[0],
             mac[1], mac[2], mac[3], mac[4], mac[5]);
}

/* Midplane v1 layout, c7200.md §6.3 */
#define MIDPLANE_MAC_OFF 0x0C
#define MIDPLANE_MAC_BLOCK_OFF 0x12
#define MIDPLANE_MAC_BLOCK 0x0400 /* addresses in the chassis block */
#define V1_SERIAL_OFF 0x04

int c7200_eeprom_set_mac(uint8_t *img, size_t len, const uint8_t mac[6])
{
    if (c7200_eeprom_format(img, len) != C7200_EEPROM_FMT_V1 ||
        len < MIDPLANE_MAC_BLOCK_OFF + 2)
        return -EINVAL;
    memcpy(img + MIDPLANE_MAC_OFF, mac, 6);
    img[MIDPLANE_MAC_BLOCK_OFF] = MIDPLANE_MAC_BLOCK >> 8;
    img[MIDPLANE_MAC_BLOCK_OFF + 1] = MIDPLANE_MAC_BLOCK & 0xFF;
    return 0;
}

/* ========================================================== system id */

int c7200_system_id_serial(const char *id, uint32_t *serial)
{
    if (!id || !*id)
        return -EINVAL;
    uint32_t v = 0;
    for (; *id >= '0' && *id <= '9'; id++)
        v = v * 10u + (uint32_t)(*id - '0'); /* wraps modulo 2^32 */
    *serial = v;
    return 0;
}

int c7200_eeprom_set_serial(uint8_t *img, size_t len, uint32_t serial)
{
    if (c7200_eeprom_format(img, len) != C7200_EEPROM_FMT_V1 ||
        len < V1_SERIAL_OFF + 4)
        return -EINVAL;
    img[V1_SERIAL_OFF] = (uint8_t)(serial >> 24);
    img[V1_SERIAL_OFF + 1] = (uint8_t)(serial >> 16);
    img[V1_SERIAL_OFF + 2] = (uint8_t)(serial >> 8);
    img[V1_SERIAL_OFF + 3] = (uint8_t)serial;
    return 0;
}

/* ===================================================== chassis set */

/* Wiring, c7200.md §6.1: {CS, SK, DI, DO} */
static const struct nmc93cx6_wire wires_cpu_mp[] = {{2, 1, 0, 6},
                                                    {5, 4, 3, 7}};
static const struct nmc93cx6_wire wires_pem[] = {{1, 0, 2, 3}};
static const struct nmc93cx6_wire wires_bay7[] = {{25, 27, 28, 30}};
static const struct nmc93cx6_wire wires_0134[] = {
    {1, 3, 4, 6}, {9, 11, 12, 14}, {17, 19, 20, 22}, {25, 27, 28, 30}};
static const struct nmc93cx6_wire wires_256[] = {
    {9, 11, 12, 14}, {17, 19, 20, 22}, {25, 27, 28, 30}};

static const struct {
    const struct nmc93cx6_wire *w;
    unsigned n;
} port_wires[C7200_EEPORT_COUNT] = {
    [C7200_EEPORT_CPU_MIDPLANE] = {wires_cpu_mp, 2},
    [C7200_EEPORT_PEM] = {wires_pem, 1},
    [C7200_EEPORT_BAY7] = {wires_bay7, 1},
    [C7200_EEPORT_BAYS_0134] = {wires_0134, 4},
    [C7200_EEPORT_BAYS_256] = {wires_256, 3},
};

#define CHIP_CPU 0
#define CHIP_MIDPLANE 1

/* Bay -> (port, chip), c7200.md §6.1 */
static const struct {
    uint8_t port;
    uint8_t chip;
} bay_socket[C7200_EEPROM_NBAYS] = {
    [0] = {C7200_EEPORT_BAYS_0134, 0}, [1] = {C7200_EEPORT_BAYS_0134, 1},
    [4] = {C7200_EEPORT_BAYS_0134, 2}, [3] = {C7200_EEPORT_BAYS_0134, 3},
    [2] = {C7200_EEPORT_BAYS_256, 0},  [6] = {C7200_EEPORT_BAYS_256, 1},
    [5] = {C7200_EEPORT_BAYS_256, 2},  [7] = {C7200_EEPORT_BAY7, 0},
};

#define SYSTEM_ID_MAX 13 /* hypervisor.md §5.4 set_system_id: 13 characters */

struct c7200_eeproms {
    struct nmc93cx6_group *port[C7200_EEPORT_COUNT];
    const struct c7200_eeprom_image *npe;
    const struct c7200_eeprom_image *midplane;
    const struct c7200_eeprom_image *card[C7200_EEPROM_NBAYS];
    uint8_t mac[6];
    int has_serial;
    uint32_t serial;
};

/* The serial goes only where the reference puts it: with a v1 CPU EEPROM
 * (NPE-100 ... NPE-300), into both the CPU and the midplane EEPROM. */
static int serial_applies(const struct c7200_eeproms *e)
{
    return e->has_serial &&
           c7200_eeprom_format(e->npe->data, e->npe->size) ==
               C7200_EEPROM_FMT_V1;
}

/* NULL or "" removes the serial. */
static void take_system_id(struct c7200_eeproms *e, const char *id)
{
    char buf[SYSTEM_ID_MAX + 1] = "";
    if (id)
        snprintf(buf, sizeof(buf), "%s", id);
    e->has_serial = c7200_system_id_serial(buf, &e->serial) == 0;
}

static void load_cpu_pem(struct c7200_eeproms *e)
{
    uint8_t buf[NMC93C46_BYTES];

    c7200_eeprom_fill(e->npe, buf);
    if (serial_applies(e))
        c7200_eeprom_set_serial(buf, e->npe->size, e->serial);
    nmc93cx6_load(e->port[C7200_EEPORT_CPU_MIDPLANE], CHIP_CPU, buf,
                  sizeof(buf));

    /* PEM: NPE-175/225 only, all-ones otherwise (§6.5) */
    const struct c7200_eeprom_image *pem =
        c7200_eeprom_find(C7200_EEPROM_PEM, e->npe->name);
    if (pem) {
        c7200_eeprom_fill(pem, buf);
        nmc93cx6_load(e->port[C7200_EEPORT_PEM], 0, buf, sizeof(buf));
    } else {
        nmc93cx6_load(e->port[C7200_EEPORT_PEM], 0, NULL, 0);
    }
}

static void load_midplane(struct c7200_eeproms *e)
{
    uint8_t buf[NMC93C46_BYTES];

    c7200_eeprom_fill(e->midplane, buf);
    c7200_eeprom_set_mac(buf, e->midplane->size, e->mac); /* §19 */
    if (serial_applies(e))
        c7200_eeprom_set_serial(buf, e->midplane->size, e->serial);
    nmc93cx6_load(e->port[C7200_EEPORT_CPU_MIDPLANE], CHIP_MIDPLANE, buf,
                  sizeof(buf));
}

int c7200_eeproms_create(const struct c7200_eeproms_config *c,
                         struct c7200_eeproms **out, char *err,
                         size_t errlen)
{
    const char *npe = c->npe ? c->npe : "npe-400";
    const char *mid = c->midplane ? c->midplane : "vxr";
    *out = NULL;

    const struct c7200_eeprom_image *npe_im =
        c7200_eeprom_find(C7200_EEPROM_NPE, npe);
    if (!npe_im)
        return errf(err, errlen, -EINVAL, "no CPU EEPROM for NPE '%s'", npe);
    const struct c7200_eeprom_image *mid_im =
        c7200_eeprom_find(C7200_EEPROM_MIDPLANE, mid);
    if (!mid_im)
        return errf(err, errlen, -EINVAL,
                    "unknown midplane '%s' (std or vxr)", mid);
    uint8_t mac[6];
    if (c->mac) {
        if (c7200_mac_parse(c->mac, mac) < 0)
            return errf(err, errlen, -EINVAL,
                        "invalid MAC address '%s' (expected "
                        "aa:bb:cc:dd:ee:ff or aabb.ccdd.eeff)", c->mac);
    } else {
        c7200_mac_default(c->instance_id, c->pid, mac);
    }

    struct c7200_eeproms *e = calloc(1, sizeof(*e));
    if (!e)
        return errf(err, errlen, -ENOMEM, "out of memory");
    for (int p = 0; p < C7200_EEPORT_COUNT; p++) {
        int rc = nmc93cx6_group_create(port_wires[p].w, port_wires[p].n,
                                       &e->port[p]);
        if (rc < 0) {
            c7200_eeproms_destroy(e);
            return errf(err, errlen, rc, "cannot create the EEPROMs");
        }
    }
    e->npe = npe_im;
    e->midplane = mid_im;
    memcpy(e->mac, mac, 6);
    take_system_id(e, c->system_id);
    load_cpu_pem(e);
    load_midplane(e);
    *out = e;
    return 0;
}

void c7200_eeproms_destroy(struct c7200_eeproms *e)
{
    if (!e)
        return;
    for (int p = 0; p < C7200_EEPORT_COUNT; p++)
        nmc93cx6_group_destroy(e->port[p]);
    free(e);
}

struct eeprom_port_ops c7200_eeproms_port(struct c7200_eeproms *e,
                                          enum c7200_eeprom_port port)
{
    struct eeprom_port_ops ops = {0};
    if ((unsigned)port < C7200_EEPORT_COUNT) {
        ops.read = nmc93cx6_port_read;
        ops.write = nmc93cx6_port_write;
        ops.ctx = e->port[port];
    }
    return ops;
}

void c7200_eeproms_reset(struct c7200_eeproms *e)
{
    for (int p = 0; p < C7200_EEPORT_COUNT; p++)
        nmc93cx6_reset(e->port[p]);
}

int c7200_eeproms_set_npe(struct c7200_eeproms *e, const char *npe)
{
    const struct c7200_eeprom_image *im =
        c7200_eeprom_find(C7200_EEPROM_NPE, npe);
    if (!im)
        return -EINVAL;
    e->npe = im;
    load_cpu_pem(e);
    load_midplane(e); /* the serial may now apply or not */
    return 0;
}

int c7200_eeproms_set_midplane(struct c7200_eeproms *e, const char *name)
{
    const struct c7200_eeprom_image *im =
        c7200_eeprom_find(C7200_EEPROM_MIDPLANE, name);
    if (!im)
        return -EINVAL;
    e->midplane = im;
    load_midplane(e); /* the base MAC follows the chassis, §19 */
    return 0;
}

void c7200_eeproms_set_mac(struct c7200_eeproms *e, const uint8_t mac[6])
{
    memcpy(e->mac, mac, 6);
    load_midplane(e);
}

int c7200_eeproms_set_system_id(struct c7200_eeproms *e, const char *id)
{
    take_system_id(e, id);
    load_cpu_pem(e);
    load_midplane(e);
    return serial_applies(e);
}

int c7200_eeproms_set_card(struct c7200_eeproms *e, int bay,
                           const char *card)
{
    if (bay < 0 || bay >= C7200_EEPROM_NBAYS)
        return -EINVAL;
    struct nmc93cx6_group *g = e->port[bay_socket[bay].port];
    unsigned chip = bay_socket[bay].chip;

    if (!card) {
        e->card[bay] = NULL;
        return nmc93cx6_load(g, chip, NULL, 0);
    }
    const struct c7200_eeprom_image *im =
        c7200_eeprom_find(C7200_EEPROM_CARD, card);
    if (!im)
        return -ENOENT;
    e->card[bay] = im;
    return nmc93cx6_load(g, chip, im->data, im->size);
}

void c7200_eeproms_get_mac(struct c7200_eeproms *e, uint8_t mac[6])
{
    memcpy(mac, e->mac, 6);
}

const char *c7200_eeproms_npe(struct c7200_eeproms *e)
{
    return e->npe->name;
}

const char *c7200_eeproms_midplane(struct c7200_eeproms *e)
{
    return e->midplane->name;
}

const char *c7200_eeproms_card(struct c7200_eeproms *e, int bay)
{
    if (bay < 0 || bay >= C7200_EEPROM_NBAYS || !e->card[bay])
        return NULL;
    return e->card[bay]->name;
}
