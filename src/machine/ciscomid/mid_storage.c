/*
 * Bootflash, PCMCIA and CompactFlash of the 3600 family and the GT-96100
 * routers (shared spec c3600-c2691-c37xx.md §3.10, §3.11, §4.10). See
 * mid_storage.h.
 */
#include "machine/ciscomid/mid_storage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/vm.h"
#include "dev/ata_disk.h"
#include "dev/bootflash.h"
#include "dev/clpd6729.h"
#include "machine/ciscomid/mid.h"
#include "mem/physmap.h"

#define BOOTFLASH_BASE 0x30000000ull /* §3.2 */
#define BOOTFLASH_CHIP "28F016SA"   /* §3.10 */
#define BOOTFLASH_CHIPS 4
#define PD6729_IO_BASE 0x4402u      /* §3.11: data 0x4402, index 0x4403 */
#define DISKS 2

static const uint64_t pcmcia_base[DISKS] = {0x40000000ull, 0x44000000ull};
static const uint64_t cf_base[DISKS] = {0x30000000ull, 0x32000000ull};
static const char *const disk_name[DISKS] = {"disk0", "disk1"};

struct mid_storage {
    struct physmap *pm;
    struct bootflash *bootflash;
    struct clpd6729 *pcmcia;
    struct ata_disk *disk[DISKS];
    uint64_t disk_base[DISKS];
};

static int new_set(struct mid *m, struct mid_storage **out, char *err,
                   size_t errlen)
{
    struct mid_storage *s = calloc(1, sizeof(*s));
    if (!s)
        return errf(err, errlen, -ENOMEM, "out of memory");
    s->pm = &m->vm->pm;
    m->storage = s;
    *out = s;
    return 0;
}

/* A disk of size_mb (0: no card) in a 2 MB window at base. */
static int add_disk(struct mid *m, struct mid_storage *s, unsigned i,
                    unsigned size_mb, enum ata_disk_mode mode, uint64_t base,
                    char *err, size_t errlen)
{
    if (!size_mb)
        return 0;
    char path[300];
    vm_file_path(m->vm, disk_name[i], path, sizeof(path));
    struct ata_disk_config dc = {
        .path = path,
        .size_mb = size_mb,
        .mode = mode,
        .name = disk_name[i],
        .lg = m->vm->log,
    };
    int rc = ata_disk_open(&dc, &s->disk[i], err, errlen);
    if (rc < 0)
        return rc;
    rc = physmap_add_device(s->pm, disk_name[i], base, ATA_DISK_WINDOW_SIZE,
                            ata_disk_device(s->disk[i]), 0);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot map %s: %s", disk_name[i],
                    strerror(-rc));
    s->disk_base[i] = base;
    return 0;
}

int mid_storage_create_3600(struct mid *m, struct pci_bus *bus,
                            unsigned devno, struct pci_io *io, char *err,
                            size_t errlen)
{
    struct mid_storage *s = NULL;
    int rc = new_set(m, &s, err, errlen);
    if (rc < 0)
        return rc;
    char path[300];
    vm_file_path(m->vm, "bootflash", path, sizeof(path));
    struct bootflash_config bc = {
        .path = path,
        .chip = BOOTFLASH_CHIP,
        .chips = BOOTFLASH_CHIPS,
        .lg = m->vm->log,
        .fill_async = 1,
    };
    rc = bootflash_open(&bc, &s->bootflash, err, errlen);
    if (rc < 0)
        return rc;
    rc = physmap_add_device(s->pm, "bootflash", BOOTFLASH_BASE,
                            bootflash_size(s->bootflash),
                            bootflash_device(s->bootflash), 0);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot map the bootflash: %s",
                    strerror(-rc));
    struct clpd6729_config pc = {
        .bus = bus,
        .devno = devno,
        .io = io,
        .io_base = PD6729_IO_BASE,
        .lg = m->vm->log,
    };
    rc = clpd6729_create(&pc, &s->pcmcia);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot add the CL-PD6729: %s",
                    strerror(-rc));
    unsigned mb[DISKS] = {m->vm->cfg.disk0_mb, m->vm->cfg.disk1_mb};
    for (unsigned i = 0; i < DISKS; i++) {
        rc = add_disk(m, s, i, mb[i], ATA_DISK_PCMCIA, pcmcia_base[i], err,
                      errlen);
        if (rc < 0)
            return rc;
        if (s->disk[i])
            clpd6729_set_card(s->pcmcia, i, 1);
    }
    return 0;
}

int mid_storage_create_cf(struct mid *m, char *err, size_t errlen)
{
    struct mid_storage *s = NULL;
    int rc = new_set(m, &s, err, errlen);
    if (rc < 0)
        return rc;
    unsigned mb[DISKS] = {m->vm->cfg.disk0_mb, m->vm->cfg.disk1_mb};
    for (unsigned i = 0; i < DISKS && rc == 0; i++)
        rc = add_disk(m, s, i, mb[i], ATA_DISK_CF, cf_base[i], err, errlen);
    return rc;
}

void mid_storage_destroy(struct mid_storage *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < DISKS; i++) {
        if (s->disk_base[i])
            physmap_remove(s->pm, s->disk_base[i]);
        ata_disk_destroy(s->disk[i]);
    }
    clpd6729_destroy(s->pcmcia);
    bootflash_destroy(s->bootflash);
    free(s);
}

void mid_storage_reset(struct mid_storage *s)
{
    if (!s)
        return;
    if (s->bootflash)
        bootflash_reset(s->bootflash);
    if (s->pcmcia)
        dev_reset(clpd6729_io_device(s->pcmcia));
    for (unsigned i = 0; i < DISKS; i++)
        if (s->disk[i])
            ata_disk_reset(s->disk[i]);
}
