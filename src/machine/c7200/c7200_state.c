/* Cisco 7200 snapshots: the machine's part (c7200_state.h). */
#include "machine/c7200/c7200_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/le_bytes.h"
#include "core/log.h"
#include "core/snapshot.h"
#include "core/snapshot_hw.h"
#include "core/vm.h"
#include "dev/nvram.h"
#include "dev/pci_bus.h"
#include "dev/scn2681.h"
#include "machine/c7200/c7200_pci.h"

static const char *const root_names[2] = {"root0", "root1"};

int c7200_state_save(struct vm *vm, struct snap_writer *w, char *err,
                     size_t errlen)
{
    struct c7200_parts p;
    if (c7200_machine_parts(vm, &p) < 0)
        return errf(err, errlen, -EINVAL, "no hardware");
    uint8_t mach[12];
    put_le(mach, *p.confreg, 4);
    put_le(mach + 4, *p.entry, 8);
    snap_put(w, "C72", "machine", mach, sizeof(mach));
    snap_put(w, "NVRM", "nvram", nvram_data(p.nvram), nvram_size(p.nvram));
    if (p.iomem) {
        int rc = snap_put_ram(w, "iomem", p.iomem, err, errlen);
        if (rc < 0)
            return rc;
    }
    for (unsigned port = 0; port < 2; port++) {
        struct pci_bus *root = c7200_pci_root(p.pci, port);
        if (root)
            snap_pci_save(w, root, root_names[port]);
    }
    snap_put_fields(w, "duart", p.duart, scn2681_fields);
    /* the I/O memory is saved above, the RAM by core/snapshot */
    void *const skip[] = {p.iomem ? p.iomem->host : NULL, NULL};
    return snap_map_save(vm, w, skip, err, errlen);
}

int c7200_state_load(struct vm *vm, struct snap_reader *r, char *err,
                     size_t errlen)
{
    struct c7200_parts p;
    if (c7200_machine_parts(vm, &p) < 0)
        return errf(err, errlen, -EINVAL, "no hardware");
    size_t len;
    const uint8_t *mach = snap_find(r, "C72", "machine", &len);
    if (!mach || len != 12)
        return errf(err, errlen, -EINVAL, "not a c7200 snapshot");

    /* from power-on state, as the saved VM once was */
    c7200_machine_reset(vm);
    *p.confreg = (uint32_t)get_le(mach, 4);
    *p.entry = get_le(mach + 4, 8);

    const uint8_t *nv = snap_find(r, "NVRM", "nvram", &len);
    if (!nv || len != nvram_size(p.nvram))
        return errf(err, errlen, -EINVAL, "NVRAM: %s", nv ? "other size"
                                                        : "missing");
    memcpy(nvram_data(p.nvram), nv, len);
    nvram_sync(p.nvram);
    if (p.iomem) {
        int rc = snap_get_ram(r, "iomem", p.iomem, err, errlen);
        if (rc < 0)
            return rc;
    }
    for (unsigned port = 0; port < 2; port++) {
        struct pci_bus *root = c7200_pci_root(p.pci, port);
        int rc = root ? snap_pci_load(r, root, root_names[port], err, errlen)
                      : 0;
        if (rc < 0)
            return rc;
    }
    /* Now that BAR windows are back in the map, their chips too. */
    if (snap_get_fields(r, "duart", p.duart, scn2681_fields))
        log_msg(vm->log, "SNAPSHOT", "%s: DUART state incomplete",
                vm->cfg.name);
    void *const skip[] = {p.iomem ? p.iomem->host : NULL, NULL};
    int rc = snap_map_load(vm, r, skip, err, errlen);
    for (unsigned port = 0; rc == 0 && port < 2; port++) {
        struct pci_bus *root = c7200_pci_root(p.pci, port);
        if (root)
            rc = snap_pci_reload_bars(r, root, root_names[port], err,
                                      errlen);
    }
    return rc;
}
