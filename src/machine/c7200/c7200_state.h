/*
 * Cisco 7200 snapshots (core/snapshot.h): what the machine saves besides
 * the CPU and DRAM — the configuration register and entry point, NVRAM,
 * I/O memory, the PCI configuration the guest programmed (replayed on
 * load, which maps the BAR windows again), and the field lists of every
 * device in the physical map plus the DUART behind the I/O FPGA.
 */
#ifndef MACHINE_C7200_STATE_H
#define MACHINE_C7200_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "mem/ram.h"

struct vm;
struct snap_reader;
struct snap_writer;
struct scn2681;
struct nvram;
struct c7200_pci;

extern const struct machine_ops c7200_machine_ops;

/* What c7200.c owns outside the physical map, for c7200_state.c. */
struct c7200_parts {
    struct scn2681 *duart;
    struct nvram *nvram;
    struct c7200_pci *pci;
    struct guest_ram *iomem; /* NULL: none */
    uint32_t *confreg;
    uint64_t *entry;
    unsigned dram_mb;
};

/* c7200.c: 0, or -EINVAL when vm is not a c7200 with hardware. */
int c7200_machine_parts(struct vm *vm, struct c7200_parts *p);
/* c7200.c: power-on state of the CPU and every chip (boot step 4). */
void c7200_machine_reset(struct vm *vm);

/* machine_ops hooks */
int c7200_state_save(struct vm *vm, struct snap_writer *w, char *err,
                     size_t errlen);
int c7200_state_load(struct vm *vm, struct snap_reader *r, char *err,
                     size_t errlen);

#endif
