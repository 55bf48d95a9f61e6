/*
 * The common layer of the Cisco 3600 family (3620, 3640, 3660) and the
 * GT-96100 routers (2691, 3725, 3745): one machine built from tables
 * (shared spec c3600-c2691-c37xx.md §1.2, the comparison table of §1.1),
 * with the platforms as wiring (src/machine/c3600, c2691, c37xx).
 *
 * What the common layer builds for every chassis (§2.2 step 2):
 *   the CPU (PRId, TLB size, Count rate of the model), DRAM at 0, the ROM
 *   with the project's ROM monitor at 0x1FC00000 (read-only on the 3600
 *   family; a file-backed flash holding NVRAM on the others, §4.10), the
 *   remote-control block at 0x16000000 (§2.4), the NS16552 console DUART
 *   (§2.7), the NVRAM device at 0x1FE00000 (3600) or the SSA RAM at
 *   0x16001000 (GT-96100 routers), the bit bucket and PCI I/O space
 *   (3600), the byte-swapped RAM alias at 0xC0000000 (GT-96100 routers),
 *   the chassis EEPROM images with the MAC and board id burnt in (§9) and
 *   the network modules (mid_nm.h).
 * What a platform adds (struct mid_platform hooks): its system
 * controller, PCI topology, I/O FPGA and the places and interrupt bits
 * of its slots.
 *
 * Boot (§2.2 steps 3-7): configuration register, empty-NVRAM rule,
 * configs pushed into NVRAM, ELF loaded, CPU reset, devices reset.
 *
 * Threads: as core/vm.h (create/boot/destroy on the VM owner's thread).
 */
#ifndef MACHINE_CISCOMID_MID_H
#define MACHINE_CISCOMID_MID_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/vm.h"
#include "dev/device.h"
#include "dev/nmc93cx6.h"
#include "machine/common/router_boot.h"
#include "mem/ram.h"

struct bswap_window;
struct gt96k;
struct ns16552;
struct nvram;
struct pci_bus;
struct pci_io;
struct remote_ctl;
struct rom_flash;
struct mid_nm;
struct mid_storage;
struct mid;

/* §1.1 physical map, common addresses */
#define MID_DRAM_BASE 0x00000000ull
#define MID_SSA_BASE 0x16001000ull /* GT-96100 routers, §4.2 */
#define MID_SSA_SIZE 0x7000ull
#define MID_ROM_BASE 0x1FC00000ull
#define MID_NVRAM_BASE 0x1FE00000ull /* 3600 family, §3.2 */
#define MID_BITBUCKET_BASE 0x1EC00000ull
#define MID_BITBUCKET_SIZE 0x00C00000ull
#define MID_PCI_IO_BASE 0x100000000ull
#define MID_BSWAP_BASE 0xC0000000ull
#define MID_BSWAP_SIZE 0x40000000ull
#define MID_BUS_MASK 0x1FFFFFFFFull /* PCI I/O space above 4 GB (§3.2) */

/* §2.4 remote +0x044: where the ROM keeps its NVRAM scratch (KSEG1) */
#define MID_NVRAM_KSEG1_3600 0xBFE00000u
#define MID_NVRAM_KSEG1_SSA 0xB6001000u

/* CPU lines (§2.6) */
#define MID_IRQ_NETIO 2
#define MID_IRQ_3 3 /* 3600: NM management; GT-96100: Interrupt0 */
#define MID_IRQ_GT64K 4
#define MID_IRQ_DUART 5
#define MID_IRQ_6 6 /* 3600: external/OIR; GT-96100: Interrupt1, 3745 OIR */

#define MID_IOMEM_DEFAULT_PCT 5 /* §1.1, §2.4 remote +0x048 */
#define MID_IOMEM_USER 0x8000u  /* §2.4: bit 15 = set by the user */

#define MID_MAX_SLOTS 7      /* slot entries 0-6 (3660) */
#define MID_MAX_WICS 3       /* WIC sub-slots of slot 0 (§4.9) */
#define MID_EEPROM_CHIPS 3   /* 3745: motherboard, I/O board, midplane */

enum mid_family {
    MID_FAM_C3600 = 1 << 0, /* GT-64010/64120, NVRAM device, 93C46 NMs */
    MID_FAM_GT96K = 1 << 1, /* GT-96100, NVRAM in the ROM flash, WICs */
};

/* How a board id (system id, `-I`) is burnt into the chassis EEPROM (§9). */
enum mid_sysid_kind {
    MID_SYSID_DECIMAL32 = 0, /* decimal -> 4 bytes big-endian (3620/3640) */
    MID_SYSID_CHARS11 = 1,   /* 11 characters, zero-padded */
};

/* One chassis model: the §1.1 column. */
struct mid_model {
    const char *name;        /* "3640": the -t / set_chassis value */
    uint32_t prid;           /* CP0 PRId, §2.1 */
    int tlb_entries;         /* 48 or 64 */
    unsigned cpu_mhz;        /* nominal clock (Count runs at half) */
    uint8_t platform_id;     /* ELF machine id, remote +0x02C (§2.5) */
    unsigned nslots;         /* slot entries 0 .. nslots-1 */
    const char *slot0_card;  /* built-in card of slot 0, or NULL */
    int oir;                 /* slots 1.. change while running (§3.7, §4.7) */
    /* Chassis EEPROMs (names in mid_eeprom.c), and where the MAC and the
     * board id go (chip index and byte offset, §9). */
    const char *eeprom[MID_EEPROM_CHIPS];
    uint8_t mac_chip;
    uint8_t mac_off;
    uint8_t sysid_chip;
    uint8_t sysid_off;
    enum mid_sysid_kind sysid_kind;
};

/* The platform: defaults of hypervisor.md §6.1 and its wiring hooks. */
struct mid_platform {
    const char *name;         /* "c3600": machine_ops name, file prefix */
    const char *tag;          /* log tag "C3600" */
    enum mid_family family;
    const struct mid_model *models; /* the first one is the default */
    unsigned nmodels;
    unsigned nvram_kb;        /* default, §1.1 */
    unsigned disk0_mb;
    uint8_t mac_prefix;       /* §9 */
    uint64_t duart_base;      /* §1.1 */
    const char *nvram_layout; /* dev/ios_nvram_fs.h layout name */

    /* Chassis wiring: system controller, PCI topology, I/O FPGA, the
     * EEPROM groups (m->eeprom_chassis, m->eeprom_slot[], m->wic), in
     * that order; after the common devices exist. */
    int (*create)(struct mid *m, char *err, size_t errlen);
    const void *wiring; /* the create hook's table (gtfam_wiring), or NULL */
    void (*reset)(struct mid *m);   /* power-on state at boot */
    void (*destroy)(struct mid *m); /* before the physical map goes */

    /*
     * Where function `func` (0, 1, ...) of a card in `slot` goes:
     * PCI bus, device number and the interrupt port its line uses.
     * devoff and port are the card's own numbering (mid_nm.c). Returns
     * 0 or -ENODEV (no PCI place for that slot on this chassis).
     */
    int (*nm_place)(struct mid *m, unsigned slot, unsigned devoff,
                    unsigned port, struct pci_bus **bus, unsigned *devno,
                    unsigned *irq_port);
    /* Network interrupt line of (slot, port) (§2.6). */
    void (*net_irq)(struct mid *m, unsigned slot, unsigned port, int level);
    /* A card went in or out of slot while running (§3.7, §4.7). */
    void (*oir_event)(struct mid *m, unsigned slot);
    /* The GT-96100's Ethernet / MPSC side (GT96100-FE, WICs); NULL on
     * the 3600 family. */
    struct gt96k *(*gt96k)(struct mid *m);
    /* PCI root bus i (0, 1) for snapshots, NULL past the last. */
    struct pci_bus *(*pci_root)(struct mid *m, unsigned i);
    void (*show)(struct mid *m, FILE *out);
};

/* The machine (vm->machine). */
struct mid {
    struct vm *vm;
    const struct mid_platform *plat;
    const struct mid_model *model;
    uint8_t mac[6];
    struct router_boot boot; /* confreg and entry point of this boot */

    struct remote_ctl *remote;
    struct ns16552 *duart;
    uint8_t *rom;             /* 3600: read-only ROM contents */
    size_t rom_size;
    struct rom_flash *romflash; /* GT-96100 routers */
    struct guest_ram ssa;       /* GT-96100 routers */
    struct nvram *nvram;        /* 3600 family */
    struct pci_io *pci_io;      /* 3600 family */
    struct bswap_window *bswap; /* GT-96100 routers */

    /* Identification EEPROMs; the platform creates the groups and wires
     * them to its FPGA, the common layer loads the images. */
    struct nmc93cx6_group *eeprom_chassis; /* chips per model->eeprom[] */
    struct nmc93cx6_group *eeprom_slot[MID_MAX_SLOTS]; /* 1 chip each */
    const uint8_t *wic_eeprom[MID_MAX_WICS]; /* WIC images (GT-96100) */
    uint8_t wic_image[MID_MAX_WICS][NMC93C46_BYTES];

    struct mid_nm *nm;  /* network modules */
    struct mid_storage *storage; /* bootflash, PCMCIA, CompactFlash */
    void *chassis;      /* the platform's own state */
};

/* ---- machine_ops of the platform files ---- */

/*
 * The hooks of every platform of this layer: they find their mid_platform
 * by the config's platform name, which vm_config_init sets to the
 * machine_ops name (mid_platform_find). A name of no platform here:
 * -EINVAL with a message, nothing changed.
 */
void mid_defaults(struct vm_config *cfg);
int mid_create(struct vm *vm, char *err, size_t errlen);
int mid_boot(struct vm *vm, char *err, size_t errlen);
/* Power-on state of the hardware (boot step 7, snapshot load). */
void mid_reset(struct mid *m);
void mid_destroy(struct vm *vm);
void mid_show_devices(struct vm *vm, FILE *out);
int mid_extract_config(const struct vm_config *cfg, const char *file_prefix,
                       char **startup, size_t *startup_len, char **priv,
                       size_t *priv_len, char *err, size_t errlen);
int mid_push_config(const struct vm_config *cfg, const char *file_prefix,
                    const char *startup, size_t startup_len, const char *priv,
                    size_t priv_len, char *err, size_t errlen);

/* Snapshot hooks (mid_state.c; core/vm.h). */
struct snap_writer;
struct snap_reader;
int mid_state_save(struct vm *vm, struct snap_writer *w, char *err,
                   size_t errlen);
int mid_state_load(struct vm *vm, struct snap_reader *r, char *err,
                   size_t errlen);

/* The machine_ops of platform pname ("c3600", "c2691"...). */
#define MID_MACHINE_OPS(pname)                                                \
    {                                                                         \
        .name = (pname), .defaults = mid_defaults, .create = mid_create,      \
        .boot = mid_boot, .destroy = mid_destroy,                             \
        .show_devices = mid_show_devices,                                     \
        .extract_config = mid_extract_config,                                 \
        .push_config = mid_push_config, .state_save = mid_state_save,         \
        .state_load = mid_state_load,                                         \
    }

/* The platform of this layer named "c3600", "c2691"..., or NULL. */
const struct mid_platform *mid_platform_find(const char *name);

/* The model a configuration selects (cfg->chassis, default the first);
 * NULL for an unknown name. */
const struct mid_model *mid_model_find(const struct mid_platform *p,
                                       const char *name);

/* The machine of a VM of one of these platforms, NULL otherwise. */
struct mid *mid_of(struct vm *vm);

/* A CPU interrupt line as an irq_line for the devices. */
struct irq_line mid_cpu_line(struct mid *m, int line);

/* ---- EEPROM images (mid_eeprom.c) ---- */

/* Image by name ("3640", "NM-4T", "WIC-1T"...): 0 and NMC93C46_BYTES
 * bytes in out (0xFF past the defined words), or -ENOENT. */
int mid_eeprom_image(const char *name, uint8_t out[NMC93C46_BYTES]);
/* Default chassis MAC (§9): prefix, instance & 0xFF, pid BE16, 00 00. */
void mid_mac_default(uint8_t prefix, int instance, unsigned pid,
                     uint8_t mac[6]);
/* Burns MAC and board id into the chassis images (§9). */
void mid_eeprom_burn(const struct mid_model *mo, const uint8_t mac[6],
                     const char *system_id,
                     uint8_t img[MID_EEPROM_CHIPS][NMC93C46_BYTES]);
/* The NM-16ESW base MAC of a slot (§9): prefix:inst:pid:F0+slot:00. */
/* WIC-1ENET: its MAC (field 0xCF) for the WIC at binding port port_id. */
void mid_eeprom_wic1enet_mac(uint8_t img[NMC93C46_BYTES], uint8_t prefix,
                             int instance, unsigned pid, unsigned port_id);
void mid_eeprom_nm16esw_mac(uint8_t img[NMC93C46_BYTES], uint8_t prefix,
                            int instance, unsigned pid, unsigned slot);

#endif
