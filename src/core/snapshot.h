/*
 * VM snapshots: a whole router's state in one file (DESIGN.md "State is
 * data"), so a restored router goes on where it was.
 *
 * What is saved: the CPU's architectural state (registers, CP0, TLB, FPU
 * registers, pending interrupt lines, Count), the RAM pages that differ
 * from what a fresh VM starts with (zero pages, or the ghost image it was
 * made from), and whatever the machine saves through its state hooks
 * (core/vm.h): device field lists (dev/device.h), NVRAM, PCI
 * configuration, I/O memory. Host-side things are not state: consoles and
 * NIOs belong to the VM's configuration and are opened and bound again on
 * restore.
 *
 * File: "ODSNAP\0\1", then records until an "END" record. A record is a
 * 4-byte kind, a name (u32 length, bytes), a u64 payload length and the
 * payload. Integers little-endian. Kinds: INFO (key=value lines), CPU,
 * RAM (runs of 4 KB pages against a base), FLDS (a device's fields, each
 * as name, size, bytes), and machine-specific ones.
 */
#ifndef CORE_SNAPSHOT_H
#define CORE_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dev/device.h"
#include "mem/ram.h"

struct vm;

struct snap_writer {
    FILE *f;
    int err;          /* first errno seen */
    long rec_len_pos; /* open record: where its length goes */
    uint64_t rec_len;
};

struct snap_reader {
    uint8_t *map;
    size_t len;
};

/* ---- records ---- */

int snap_put(struct snap_writer *w, const char *kind, const char *name,
             const void *data, size_t len);
/* A record written in pieces. */
void snap_begin(struct snap_writer *w, const char *kind, const char *name);
void snap_write(struct snap_writer *w, const void *data, size_t len);
void snap_end(struct snap_writer *w);

/* The payload of the record kind/name, or NULL. */
const uint8_t *snap_find(const struct snap_reader *r, const char *kind,
                         const char *name, size_t *len);

/*
 * Field lists: a FLDS record holding every field of base (a chip's
 * structure) listed in fields; loading copies back the fields found with
 * the same name and size and returns how many of fields were not in the
 * record (0: complete).
 */
int snap_put_fields(struct snap_writer *w, const char *name,
                    const void *base, const struct dev_field *fields);
int snap_get_fields(const struct snap_reader *r, const char *name,
                    void *base, const struct dev_field *fields);

/*
 * A RAM record: the pages of ram that differ from its base (zeros, or the
 * ghost file it maps), as runs. Loading checks the base is the same and
 * copies the runs in. 0 or -errno with a message.
 */
int snap_put_ram(struct snap_writer *w, const char *name,
                 const struct guest_ram *ram, char *err, size_t errlen);
int snap_get_ram(const struct snap_reader *r, const char *name,
                 struct guest_ram *ram, char *err, size_t errlen);

/* ---- whole VMs ---- */

struct snap_info {
    char platform[16];
    char npe[32];
    char image[512];
    unsigned ram_mb;
    char ghost_file[512];   /* empty: RAM starts from zeros */
};

/* Read the INFO record (what VM the snapshot needs). 0 or -errno. */
int snap_read_info(const char *path, struct snap_info *info, char *err,
                   size_t errlen);

/* Save a VM whose CPU is stopped (suspended). 0 or -errno with message. */
int vm_save_state(struct vm *vm, const char *path, char *err, size_t errlen);
/*
 * Load into a VM just created (vm_create, cards and NIOs in place, not
 * booted) with the configuration the snapshot needs (snap_read_info:
 * same platform, RAM size, ghost file); then vm_run() goes on. 0 or
 * -errno with a message.
 */
int vm_load_state(struct vm *vm, const char *path, char *err, size_t errlen);

#endif
