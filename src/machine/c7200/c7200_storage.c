/*
 * Cisco 7200 bootflash and PCMCIA wiring (shared spec c7200.md §14, §15).
 * See c7200_storage.h.
 */
#include "machine/c7200/c7200_storage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "dev/ata_disk.h"
#include "dev/bootflash.h"
#include "dev/clpd6729.h"
#include "machine/c7200/c7200_pci.h"
#include "mem/physmap.h"

#define C7200_BOOTFLASH_CHIP "28F016SA" /* c7200.md §14 */
#define C7200_BOOTFLASH_CHIPS 4

static const uint64_t socket_base[CLPD6729_SOCKETS] = {C7200_PCMCIA_A_BASE,
                                                        C7200_PCMCIA_B_BASE};
static const char *const socket_disk[CLPD6729_SOCKETS] = {"disk0", "disk1"};

struct c7200_storage {
    struct physmap *pm;
    struct bootflash *bootflash;
    int bootflash_mapped;
    struct clpd6729 *pcmcia;
    struct ata_disk *disk[CLPD6729_SOCKETS];
    int disk_mapped[CLPD6729_SOCKETS];
};

static int build(struct c7200_storage *s, const struct c7200_storage_config *c,
                 char *err, size_t errlen)
{
    char path[512];

    snprintf(path, sizeof(path), "%s_bootflash", c->file_prefix);
    struct bootflash_config bc = {
        .path = path,
        .chip = C7200_BOOTFLASH_CHIP,
        .chips = C7200_BOOTFLASH_CHIPS,
        .lg = c->lg,
        .fill_async = 1,
    };
    int rc = bootflash_open(&bc, &s->bootflash, err, errlen);
    if (rc < 0) {
        return rc;
    }
    rc = physmap_add_device(s->pm, "bootflash", C7200_BOOTFLASH_BASE,
                            bootflash_size(s->bootflash),
                            bootflash_device(s->bootflash), PR_UNCACHED_ONLY);
    if (rc < 0) {
        return errf(err, errlen, rc, "cannot map the bootflash: %s",
                    strerror(-rc));
    }
    s->bootflash_mapped = 1;

    unsigned devno = 0;
    struct pci_bus *bus = c7200_pci_pcmcia_bus(c->pci, &devno);
    struct clpd6729_config pc = {
        .bus = bus,
        .devno = devno,
        .io = c7200_pci_io(c->pci),
        .io_base = CLPD6729_C7200_IO_BASE,
        .lg = c->lg,
    };
    rc = clpd6729_create(&pc, &s->pcmcia);
    if (rc < 0) {
        return errf(err, errlen, rc, "cannot add the CL-PD6729 PCMCIA "
                    "controller: %s", strerror(-rc));
    }

    for (unsigned i = 0; i < CLPD6729_SOCKETS; i++) {
        if (!c->disk_mb[i]) {
            continue; /* empty socket */
        }
        snprintf(path, sizeof(path), "%s_%s", c->file_prefix, socket_disk[i]);
        struct ata_disk_config dc = {
            .path = path,
            .size_mb = c->disk_mb[i],
            .mode = ATA_DISK_PCMCIA,
            .name = socket_disk[i],
            .lg = c->lg,
        };
        rc = ata_disk_open(&dc, &s->disk[i], err, errlen);
        if (rc < 0) {
            return rc;
        }
        rc = physmap_add_device(s->pm, socket_disk[i], socket_base[i],
                                ATA_DISK_WINDOW_SIZE,
                                ata_disk_device(s->disk[i]), 0);
        if (rc < 0) {
            return errf(err, errlen, rc, "cannot map %s: %s", socket_disk[i],
                        strerror(-rc));
        }
        s->disk_mapped[i] = 1;
        clpd6729_set_card(s->pcmcia, i, 1);
    }
    return 0;
}

int c7200_storage_create(const struct c7200_storage_config *c,
                         struct c7200_storage **out, char *err,
                         size_t errlen)
{
    *out = NULL;
    struct c7200_storage *s = calloc(1, sizeof(*s));
    if (!s) {
        return errf(err, errlen, -ENOMEM, "out of memory");
    }
    s->pm = c->pm;
    int rc = build(s, c, err, errlen);
    if (rc < 0) {
        c7200_storage_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

void c7200_storage_destroy(struct c7200_storage *s)
{
    if (!s) {
        return;
    }
    for (unsigned i = 0; i < CLPD6729_SOCKETS; i++) {
        if (s->disk_mapped[i]) {
            physmap_remove(s->pm, socket_base[i]);
        }
        ata_disk_destroy(s->disk[i]);
    }
    clpd6729_destroy(s->pcmcia);
    if (s->bootflash_mapped) {
        physmap_remove(s->pm, C7200_BOOTFLASH_BASE);
    }
    bootflash_destroy(s->bootflash);
    free(s);
}

void c7200_storage_reset(struct c7200_storage *s)
{
    if (!s) {
        return;
    }
    bootflash_reset(s->bootflash);
    dev_reset(clpd6729_io_device(s->pcmcia));
    for (unsigned i = 0; i < CLPD6729_SOCKETS; i++) {
        if (s->disk[i]) {
            ata_disk_reset(s->disk[i]);
        }
    }
}
