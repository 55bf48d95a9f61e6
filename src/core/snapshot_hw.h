/*
 * Building blocks for the machines' snapshot hooks (core/vm.h state_save /
 * state_load; core/snapshot.h): what every platform saves the same way.
 *
 *   - a PCI root and everything behind it as the guest programmed it:
 *     the configuration-address latch, then per function its 64 header
 *     registers and which BARs are mapped. Loading replays bridge bus
 *     numbers, mapped BARs, command and interrupt line (chip-specific
 *     registers from 0x40 up are not written back: some act on write);
 *   - the physical map: every device with a field list (each once, even
 *     when several windows map it) and every writable host memory region
 *     without a device (packet SRAM, SSA...) other than the VM's RAM and
 *     the regions the caller names, keyed "<region>@<base>" so a VM of the
 *     same configuration finds them again. Flash-like regions (host memory
 *     with a device for writes) keep their contents in their files.
 *
 * Load order: PCI first (BAR windows come back into the map), then the
 * map. Fields missing from the snapshot keep their power-on values and
 * are logged.
 */
#ifndef CORE_SNAPSHOT_HW_H
#define CORE_SNAPSHOT_HW_H

#include <stddef.h>

struct pci_bus;
struct snap_reader;
struct snap_writer;
struct vm;

void snap_pci_save(struct snap_writer *w, struct pci_bus *root,
                   const char *name);
/* 0 (also when the snapshot has no record of that name) or -errno with a
 * message (a function the snapshot has that this VM lacks). */
int snap_pci_load(const struct snap_reader *r, struct pci_bus *root,
                  const char *name, char *err, size_t errlen);

/*
 * Second pass, after snap_map_load: the mapped BARs written again, for
 * the windows whose size a device register sets (PLX 9060 range): the
 * first pass mapped them at their power-on size, which may have cut the
 * guest's base. 0 or -errno with a message.
 */
int snap_pci_reload_bars(const struct snap_reader *r, struct pci_bus *root,
                         const char *name, char *err, size_t errlen);

/* skip: host memory the machine saves itself (NULL-terminated list, may
 * be NULL). 0 or -errno with a message. */
int snap_map_save(struct vm *vm, struct snap_writer *w,
                  void *const *skip, char *err, size_t errlen);
int snap_map_load(struct vm *vm, const struct snap_reader *r,
                  void *const *skip, char *err, size_t errlen);

#endif
