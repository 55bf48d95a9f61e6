/*
 * Snapshots of the 3600 family and the GT-96100 routers (core/vm.h state
 * hooks): the machine record (chassis model, configuration register, image
 * entry), the configuration store (the NVRAM, or the ROM flash that holds
 * it on the GT-96100 routers), the PCI roots as the guest programmed
 * them, then every mapped device's fields and the SSA memory
 * (core/snapshot_hw.h). Flash disks keep their contents in their files.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/le_bytes.h"
#include "core/snapshot.h"
#include "core/snapshot_hw.h"
#include "core/vm.h"
#include "dev/nvram.h"
#include "dev/rom_flash.h"
#include "machine/ciscomid/mid.h"

#define MACH_REC_SIZE 12

static const char *const root_names[2] = {"root0", "root1"};

/* The configuration store's bytes and where they persist. */
static uint8_t *store(struct mid *m, size_t *len, const char **kind)
{
    if (m->romflash) {
        *kind = "ROMF";
        *len = rom_flash_size(m->romflash);
        return rom_flash_data(m->romflash);
    }
    *kind = "NVRM";
    *len = nvram_size(m->nvram);
    return nvram_data(m->nvram);
}

int mid_state_save(struct vm *vm, struct snap_writer *w, char *err,
                   size_t errlen)
{
    struct mid *m = mid_of(vm);
    if (!m)
        return errf(err, errlen, -EINVAL, "no hardware");
    uint8_t mach[MACH_REC_SIZE];
    put_le(mach, m->boot.confreg, 4);
    put_le(mach + 4, m->boot.entry, 8);
    snap_put(w, "MID", "machine", mach, sizeof(mach));
    snap_put(w, "MID", "chassis", m->model->name, strlen(m->model->name));
    size_t len;
    const char *kind;
    const uint8_t *data = store(m, &len, &kind);
    snap_put(w, kind, "store", data, len);
    for (unsigned i = 0; i < 2; i++) {
        struct pci_bus *root = m->plat->pci_root(m, i);
        if (root)
            snap_pci_save(w, root, root_names[i]);
    }
    return snap_map_save(vm, w, NULL, err, errlen);
}

int mid_state_load(struct vm *vm, struct snap_reader *r, char *err,
                   size_t errlen)
{
    struct mid *m = mid_of(vm);
    if (!m)
        return errf(err, errlen, -EINVAL, "no hardware");
    size_t len;
    const uint8_t *mach = snap_find(r, "MID", "machine", &len);
    if (!mach || len != MACH_REC_SIZE)
        return errf(err, errlen, -EINVAL, "not a %s snapshot",
                    m->plat->name);
    const uint8_t *chassis = snap_find(r, "MID", "chassis", &len);
    if (!chassis || len != strlen(m->model->name) ||
        memcmp(chassis, m->model->name, len) != 0)
        return errf(err, errlen, -EINVAL, "the snapshot is of a %.*s, the "
                    "VM a %s", chassis && len < 16 ? (int)len : 1,
                    chassis && len < 16 ? (const char *)chassis : "?",
                    m->model->name);

    /* from power-on state, as the saved VM once was */
    mid_reset(m);
    m->boot.confreg = (uint32_t)get_le(mach, 4);
    m->boot.entry = get_le(mach + 4, 8);

    size_t slen;
    const char *kind;
    uint8_t *data = store(m, &slen, &kind);
    const uint8_t *saved = snap_find(r, kind, "store", &len);
    if (!saved || len != slen)
        return errf(err, errlen, -EINVAL, "%s: %s",
                    m->romflash ? "ROM flash" : "NVRAM",
                    saved ? "other size" : "missing");
    memcpy(data, saved, len);
    if (m->romflash)
        rom_flash_sync(m->romflash);
    else
        nvram_sync(m->nvram);

    for (unsigned i = 0; i < 2; i++) {
        struct pci_bus *root = m->plat->pci_root(m, i);
        int rc = root ? snap_pci_load(r, root, root_names[i], err, errlen)
                      : 0;
        if (rc < 0)
            return rc;
    }
    /* now that the BAR windows are back in the map, their chips too */
    int rc = snap_map_load(vm, r, NULL, err, errlen);
    for (unsigned i = 0; rc == 0 && i < 2; i++) {
        struct pci_bus *root = m->plat->pci_root(m, i);
        if (root)
            rc = snap_pci_reload_bars(r, root, root_names[i], err, errlen);
    }
    return rc;
}
