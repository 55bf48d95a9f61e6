/*
 * What the MIPS router machines share (c7200 in machine/c7200, the 3600
 * family and the GT-96100 routers in machine/ciscomid): the CPU's
 * interrupt inputs as irq_lines, the services the ROM monitor's
 * remote-control device asks of the machine (shared spec c7200.md §17.5,
 * c3600-c2691-c37xx.md §2.4) and the boot sequence (c7200.md §16.1,
 * c3600-c2691-c37xx.md §2.2): configuration register with the
 * blank-NVRAM rule, configs pushed into NVRAM, the image loaded.
 *
 * Threads: as core/vm.h (create/boot on the VM owner's thread); the
 * remote-control services run on the CPU thread.
 */
#ifndef MACHINE_COMMON_ROUTER_BOOT_H
#define MACHINE_COMMON_ROUTER_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "core/vm.h"
#include "dev/device.h"

struct ios_nvram_layout;
struct remote_ctl;
struct remote_ctl_config;

/* Bit 6, "ignore NVRAM configuration": c7200.md §18, c3600-c2691-c37xx.md
 * §2.2 step 4. */
#define ROUTER_CONFREG_IGNORE_NVRAM 0x0040u

/* The boot state the ROM monitor reads through the remote-control device. */
struct router_boot {
    struct vm *vm;
    uint32_t confreg; /* effective value for this boot */
    uint64_t entry;   /* entry point of the image loaded */
};

/*
 * The router's CPU on the physical map (already initialized with
 * bus_mask): PRId, TLB size, CP0 Config 0x00C08FF0 and r7 0x20000000
 * (c7200.md §2.2, c3600-c2691-c37xx.md §2.1), Count at half the nominal
 * pipeline clock (R4000 manual §5.4.4) so IOS's timer intervals, computed
 * for the real part, last real time; the VM config's idle-PC settings.
 * 0 or -EINVAL with a message.
 */
int router_cpu_init(struct vm *vm, uint32_t prid, int tlb_entries,
                    unsigned cpu_mhz, uint64_t bus_mask, char *err,
                    size_t errlen);

/* Guest DRAM of mb MB at physical 0, as vm_ram_alloc makes it (RAM file,
 * anonymous or ghost, mips64.md §11.1). 0 or -errno with a message. */
int router_dram(struct vm *vm, unsigned mb, char *err, size_t errlen);

/* Last step of a machine's destroy: guest DRAM, the physical map (after
 * every device that unmaps itself) and the CPU. */
void router_release(struct vm *vm);

/* CPU interrupt input `line` of the VM, for a device to raise. */
struct irq_line router_cpu_line(struct vm *vm, int line);

/*
 * The ROM monitor's remote-control device (c7200.md §17.5,
 * c3600-c2691-c37xx.md §2.4), mapped at 0x16000000 with the region flags
 * given (mem/physmap.h). rc holds the platform's values (memory sizes,
 * platform id, NVRAM address, I/O memory); the log, the console, the
 * variable file "<prefix>_rommon_vars" and the services (power off,
 * physical reads, b's configuration register and entry point) are filled
 * in here. 0 or -errno with a message.
 */
int router_remote_create(struct router_boot *b, struct remote_ctl_config *rc,
                         unsigned flags, struct remote_ctl **out, char *err,
                         size_t errlen);

/*
 * The boot steps before the reset: b->confreg from the VM config, bit 6
 * set when the NVRAM is blank (nvram_blank) and cleared again when
 * push(arg) pushed a config (it returns 1 then, 0 when nothing was to be
 * pushed, or -errno with a message); then the image into guest memory,
 * unless ghost RAM holds it. 0 or -errno with a message.
 */
int router_boot_load(struct router_boot *b, int nvram_blank,
                     int (*push)(void *arg, char *err, size_t errlen),
                     void *arg, char *err, size_t errlen);

/* The startup / private configs a VM pushes at start. */
struct router_configs {
    char *startup, *priv; /* NULL: not set, or not readable */
    size_t startup_len, priv_len;
};

/* Read the VM's startup-config and private-config files. One that cannot
 * be read is skipped with a log line under tag, the start goes on
 * (hypervisor.md §4.5). Returns 1 when either was read, else 0. */
int router_configs_read(struct vm *vm, const char *tag,
                        struct router_configs *c);
void router_configs_free(struct router_configs *c);

/* machine_ops.extract_config on the NVRAM image file `path` of nvram_size
 * bytes laid out as l. */
int router_extract_config(const char *path, size_t nvram_size,
                          const struct ios_nvram_layout *l, char **startup,
                          size_t *startup_len, char **priv, size_t *priv_len,
                          char *err, size_t errlen);

#endif
