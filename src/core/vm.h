/*
 * A virtual router: its configuration, memory, CPU thread, consoles and
 * the platform (machine) that wires its devices. The machine layer fills
 * in the memory map and devices; this file owns the life cycle.
 */
#ifndef CORE_VM_H
#define CORE_VM_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "core/vtty.h"
#include "cpu/mips64/cpu.h"
#include "mem/physmap.h"
#include "mem/ram.h"

struct evloop;
struct logger;
struct snap_reader;
struct snap_writer;
struct vm;

/* Values as `vm get_status` reports them (hypervisor.md §4.4). */
enum vm_status { VM_HALTED = 0, VM_SHUTDOWN = 1, VM_RUNNING = 2,
                 VM_SUSPENDED = 3 };

struct vm_config {
    char *name;               /* "default" in standard mode */
    int instance_id;
    const char *platform;     /* "c7200" */
    char *image;              /* ELF image path */
    unsigned ram_mb;
    unsigned rom_mb;
    unsigned nvram_kb;
    uint32_t confreg;
    int ram_mmap;             /* 1: RAM file in working dir, 0: anonymous */
    int file_naming_by_id;    /* -N1: <platform>_i<id>_*, else _<name>_ */
    char *npe;                /* c7200: "npe-400" ... */
    char *midplane;           /* c7200: "std" / "vxr" */
    char *chassis;            /* c3600: "3620" / "3640" / "3660"; NULL default */
    unsigned iomem_pct;       /* I/O memory share set by the user; 0 default */
    char *mac;                /* chassis MAC, NULL = generated */

    struct vtty_config con;
    struct vtty_config aux;

    uint64_t idle_pc;
    int auto_idle;            /* find the idle loop automatically (default) */
    int deterministic;        /* guest time from executed instructions */
    char *trace_path;         /* executed-instruction log */

    /*
     * Settings the hypervisor stores for the next start (hypervisor.md
     * §5.2.2). Not all of them are used by the machines yet.
     */
    char *startup_config;     /* host files pushed into NVRAM at start */
    char *private_config;
    char *system_id;          /* processor board ID, <= 13 characters */
    char *ghost_file;
    int ghost_status;         /* 0 none, 1 generate, 2 use */
    int sparse_mem;
    int blk_direct_jump;      /* JIT block chaining; 1 by default */
    int jit;                  /* translate guest code (-j: 0) */
    int jit_lockstep;         /* check the JIT against the interpreter */
    int jit_perf_map;         /* write /tmp/perf-<pid>.map (profiling) */
    unsigned clock_divisor;
    unsigned exec_area_mb;    /* 0: built-in default */
    unsigned disk0_mb;
    unsigned disk1_mb;
    unsigned idle_max;        /* 500 by default */
    unsigned idle_sleep_us;   /* 30000 by default */
    int debug_level;
};

/* Platform hooks (machine/<platform>). */
struct machine_ops {
    const char *name;
    /* Apply platform defaults to a config before it is used. */
    void (*defaults)(struct vm_config *cfg);
    /* Build the memory map and devices; vm->cpu must be initialized here. */
    int (*create)(struct vm *vm, char *err, size_t errlen);
    /* Load the image and reset the CPU (before the CPU thread starts). */
    int (*boot)(struct vm *vm, char *err, size_t errlen);
    void (*destroy)(struct vm *vm);
    /* Monitor key not handled by the VM core (debug dumps). */
    void (*show_devices)(struct vm *vm, FILE *out);
    /*
     * NVRAM configuration transfer, for the hypervisor's `vm
     * extract_config` / `vm push_config` (hypervisor.md §5.2.4) and any
     * other caller. Both work on the NVRAM image file of the VM,
     * "<file_prefix>_nvram" (the platform picks the suffix: "_rom" where
     * NVRAM lives in the ROM flash), with file_prefix "<platform>_<tag>"
     * as vm->file_prefix or with a directory in front; cfg gives the NVRAM
     * size and model. So they serve a halted VM, even one never started
     * (no struct vm needed). Callers must not push while the VM's CPU runs.
     * extract: *startup / *priv are malloc'd, NUL-terminated, NULL when
     * NVRAM holds none (lengths 0); -ENOENT without an NVRAM file,
     * -ENODATA without an IOS file system, -EBADMSG when corrupt.
     * push: a NULL config keeps what NVRAM holds; a missing file is
     * created; -ENOSPC when they do not fit (nothing is written).
     * Both return 0 or -errno with a message in err. NULL hooks: the
     * platform has no IOS NVRAM.
     */
    int (*extract_config)(const struct vm_config *cfg,
                          const char *file_prefix, char **startup,
                          size_t *startup_len, char **priv, size_t *priv_len,
                          char *err, size_t errlen);
    int (*push_config)(const struct vm_config *cfg, const char *file_prefix,
                       const char *startup, size_t startup_len,
                       const char *priv, size_t priv_len, char *err,
                       size_t errlen);
    /*
     * Snapshots (core/snapshot.h): the machine's state besides the CPU and
     * vm->ram, which the core saves. save runs with the CPU stopped;
     * load runs on hardware just created (cards inserted, not booted) and
     * leaves it ready to run. 0 or -errno with a message. NULL: the
     * platform cannot be snapshotted.
     */
    int (*state_save)(struct vm *vm, struct snap_writer *w, char *err,
                      size_t errlen);
    int (*state_load)(struct vm *vm, struct snap_reader *r, char *err,
                      size_t errlen);
};


typedef void (*vm_stop_fn)(struct vm *vm, void *arg);

struct vm {
    struct vm_config cfg;
    const struct machine_ops *mops;
    struct logger *log;
    struct evloop *ev;
    struct physmap pm;
    struct mips_cpu cpu;
    struct guest_ram ram;
    struct vtty *con;
    struct vtty *aux;
    void *machine;            /* platform state */
    char file_prefix[256];    /* e.g. "c7200_i0" */
    FILE *trace;

    uint64_t ghost_entry;     /* RAM_GHOST: entry point of the image */

    pthread_t thread;
    int thread_started;
    int status;               /* enum vm_status, atomic */
    int pause_request;        /* atomic: the CPU stops for vm_suspend() */
    int halted_on_error;      /* the CPU halted on a guest error */
    vm_stop_fn on_stop;
    void *on_stop_arg;
};

const struct machine_ops *machine_find(const char *platform);

void vm_config_init(struct vm_config *cfg, const struct machine_ops *mops);
void vm_config_free(struct vm_config *cfg);

/* Create the VM (devices, memory, consoles); it does not run yet. */
struct vm *vm_create(const struct vm_config *cfg,
                     const struct machine_ops *mops, struct logger *log,
                     struct evloop *ev, char *err, size_t errlen);
/* Boot and start the CPU thread. on_stop runs on the CPU thread when the
 * CPU stops by itself (guest power-off, halt). Returns 1 without starting
 * the CPU when the boot generated a ghost RAM file (cfg.ghost_status 1,
 * hypervisor.md §5.2.6): status is then VM_SHUTDOWN. */
int vm_start(struct vm *vm, vm_stop_fn on_stop, void *arg, char *err,
             size_t errlen);
/* Start the CPU thread as it is, without booting (a restored snapshot). */
int vm_run(struct vm *vm, vm_stop_fn on_stop, void *arg, char *err,
           size_t errlen);
/* Stop the CPU thread (any thread but the CPU's own). */

void vm_stop(struct vm *vm);
/*
 * Pause the CPU thread, keeping all hardware (status VM_SUSPENDED), and
 * run it again. No-ops unless running / suspended. Any thread but the
 * CPU's own; vm_resume() returns 0 or a negative errno.
 */
void vm_suspend(struct vm *vm);
int vm_resume(struct vm *vm);
/*
 * The same without a word in the log, for a debug command that reads or
 * changes the CPU or RAM: vm_hold() stops a running CPU between two
 * slices and returns 1 (else 0, nothing done); vm_unhold(vm, that value)
 * runs it again. The caller keeps other commands away meanwhile (the
 * hypervisor's router lock). Any thread but the CPU's own.
 */
int vm_hold(struct vm *vm);
void vm_unhold(struct vm *vm, int held);
/* Current enum vm_status (any thread). */
int vm_get_status(const struct vm *vm);
void vm_destroy(struct vm *vm);
/* vm_destroy, but the console and AUX (listeners, connected clients and
 * the output kept for replay) go to *con and *aux, detached from the
 * machine, for the caller to vtty_destroy later. */
void vm_destroy_keep_consoles(struct vm *vm, struct vtty **con,
                              struct vtty **aux);

/* Called by devices/ROM services: power off the router (any thread). */
void vm_request_poweroff(struct vm *vm);

/*
 * For machines: guest DRAM of `size` bytes into vm->ram as the
 * configuration asks (mips64.md §11.1): a ghost file being generated
 * (ghost_status 1) or used (2, checked first: a ghost that does not fit
 * is logged and ignored), anonymous memory (-X, --sparse-mem), or the RAM
 * file "<prefix>_ram". 0 or -errno with a message.
 */
int vm_ram_alloc(struct vm *vm, size_t size, char *err, size_t errlen);
/*
 * For machines' boot: load cfg.image into guest memory, unless ghost RAM
 * already holds it; when generating a ghost, write it out. *entry gets
 * the image's entry point. 0 or -errno with a message.
 */
int vm_load_image(struct vm *vm, uint64_t *entry, char *err, size_t errlen);

/* Name of a VM file: "<prefix>_<suffix>" in the working directory. */
void vm_file_path(const struct vm *vm, const char *suffix, char *buf,
                  size_t len);

#endif
