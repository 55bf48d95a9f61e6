/*
 * Cisco 7200 platform wiring (shared spec c7200.md): NPE models, the
 * physical memory map of §3, interrupt lines of §4, the ROM of §16-17 and
 * the boot sequence of §16.1.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "core/vm.h"
#include "dev/bitbucket.h"
#include "dev/c7200_iofpga.h"
#include "dev/c7200_mpfpga.h"
#include "dev/ios_nvram_file.h"
#include "dev/ios_nvram_fs.h"
#include "dev/nvram.h"
#include "dev/remote_ctl.h"
#include "dev/scn2681.h"
#include "machine/c7200/c7200_eeprom.h"
#include "machine/c7200/c7200_pa.h"
#include "machine/c7200/c7200_pci.h"
#include "machine/c7200/c7200_state.h"

#include "machine/c7200/c7200_storage.h"
#include "machine/common/router_boot.h"
#include "mem/elf_load.h"

/* ROM image linked in from guest/images/c7200_rom.bin (rom_blob.S) */
extern const uint8_t c7200_rom_image[];
extern const uint8_t c7200_rom_image_end[];

/* Physical map, c7200.md §3.1 */
#define C7200_GT_BASE 0x14000000ull
#define C7200_NVRAM_BASE 0x1E000000ull
#define C7200_MPFPGA_BASE 0x1E800000ull
#define C7200_IOFPGA_BASE 0x1E840000ull
#define C7200_FPGA_SIZE 0x1000ull
#define C7200_BITBUCKET_BASE 0x1F000000ull
#define C7200_BITBUCKET_SIZE 0x00C00000ull
#define C7200_ROM_BASE 0x1FC00000ull
#define C7200_IOMEM_BASE 0x20000000ull
#define C7200_MAIN_DRAM_MAX_MB 256u /* §2.1: DRAM must stay below 0x10000000 */
#define C7200_NVRAM_KSEG1 0xBE000000u
#define C7200_PLATFORM_ID 0x19u       /* §1, EMT 7 */
#define C7200_BUS_MASK 0x1FFFFFFFFull /* §0: 33-bit physical bus */

/* CPU lines, c7200.md §4.1 */
#define C7200_IRQ_NETIO 2
#define C7200_IRQ_PA_MGMT 3
#define C7200_IRQ_GT 4
#define C7200_IRQ_DUART 5
#define C7200_IRQ_OIR 6

struct c7200_npe {
    const char *name;
    uint32_t prid;
    int tlb_entries;
    unsigned max_dram_mb;
    unsigned cpu_mhz;  /* nominal CPU clock, §2.1 (public product data) */
    unsigned iomem_mb; /* fixed I/O memory (NPE-300) */
};

/* c7200.md §2.1 (Count runs at half cpu_mhz, router_cpu_init). */
static const struct c7200_npe c7200_npes[] = {
    {"npe-100", PRID_R4600, 48, 256, 150, 0},
    {"npe-150", PRID_R4700, 48, 256, 150, 0},
    {"npe-175", PRID_RM527X, 48, 256, 200, 0},
    {"npe-200", PRID_R5000, 48, 256, 200, 0},
    {"npe-225", PRID_RM527X, 48, 256, 262, 0},
    {"npe-300", PRID_RM7000, 64, 256, 262, 32},
    {"npe-400", PRID_RM7000, 64, 512, 350, 0},
};

struct c7200 {
    const struct c7200_npe *npe;
    struct scn2681 *duart;
    struct c7200_iofpga *iofpga;
    struct c7200_mpfpga *mpfpga;
    struct c7200_eeproms *eeproms; /* §6: behind both FPGAs */
    struct c7200_pci *pci;         /* GT, PCI topology, swap windows */
    struct c7200_pa *pa;           /* port adapters and I/O card (§10) */
    struct c7200_storage *storage; /* bootflash, PCMCIA disks (§14, §15) */
    struct remote_ctl *remote;
    struct nvram *nvram;
    uint8_t *rom;
    size_t rom_size;
    struct guest_ram iomem;
    unsigned dram_mb;
    unsigned iomem_mb;
    struct router_boot boot; /* confreg and entry point of this boot */
};

static const struct c7200_npe *npe_find(const char *name)
{
    for (size_t i = 0; i < sizeof(c7200_npes) / sizeof(c7200_npes[0]); i++)
        if (strcmp(c7200_npes[i].name, name) == 0)
            return &c7200_npes[i];
    return NULL;
}

static void c7200_defaults(struct vm_config *cfg)
{
    /* c7200.md §1 */
    cfg->ram_mb = 256;
    cfg->rom_mb = 4;
    cfg->nvram_kb = 128;
    cfg->npe = strdup("npe-400");
    cfg->midplane = strdup("vxr");
    cfg->disk0_mb = 64; /* hypervisor.md §6.1 */
}

static void c7200_power_off(void *ctx)
{
    vm_request_poweroff(ctx);
}

static int c7200_create(struct vm *vm, char *err, size_t errlen)
{
    struct vm_config *cfg = &vm->cfg;
    struct c7200 *m = calloc(1, sizeof(*m));
    if (!m)
        return errf(err, errlen, -ENOMEM, "out of memory");
    vm->machine = m;
    m->boot.vm = vm;

    m->npe = npe_find(cfg->npe ? cfg->npe : "npe-400");
    if (!m->npe)
        return errf(err, errlen, -EINVAL,
                    "unknown NPE '%s' (npe-100, npe-150, npe-175, npe-200, "
                    "npe-225, npe-300, npe-400)", cfg->npe);
    if (cfg->ram_mb > m->npe->max_dram_mb) {
        log_msg(vm->log, "C7200", "%s accepts at most %u MB of DRAM; using %u",
                m->npe->name, m->npe->max_dram_mb, m->npe->max_dram_mb);
        cfg->ram_mb = m->npe->max_dram_mb;
    }
    /* NPE-400 beyond 256 MB: the rest is I/O memory at 0x20000000 (§2.1). */
    m->dram_mb = cfg->ram_mb > C7200_MAIN_DRAM_MAX_MB ? C7200_MAIN_DRAM_MAX_MB
                                                      : cfg->ram_mb;
    m->iomem_mb = m->npe->iomem_mb ? m->npe->iomem_mb
                                   : cfg->ram_mb - m->dram_mb;

    physmap_init(&vm->pm, vm->log, C7200_BUS_MASK);

    /* §2.2; DRAM at 0 (§3.1) */
    char path[300];
    int rc = router_cpu_init(vm, m->npe->prid, m->npe->tlb_entries,
                             m->npe->cpu_mhz, C7200_BUS_MASK, err, errlen);
    if (rc == 0)
        rc = router_dram(vm, m->dram_mb, err, errlen);
    if (rc < 0)
        return rc;
    if (m->iomem_mb) {
        rc = ram_alloc(&m->iomem, (size_t)m->iomem_mb << 20, NULL);
        if (rc < 0)
            return errf(err, errlen, rc, "cannot allocate I/O memory");
        physmap_add_ram(&vm->pm, "iomem", C7200_IOMEM_BASE, m->iomem.size,
                        m->iomem.host, 0);
    }

    /* ROM: our monitor at offset 0, the rest reads 0 (§16.2) */
    size_t blob = (size_t)(c7200_rom_image_end - c7200_rom_image);
    m->rom_size = (size_t)cfg->rom_mb << 20;
    if (blob > m->rom_size)
        return errf(err, errlen, -EINVAL, "ROM of %u MB is too small",
                    cfg->rom_mb);
    m->rom = calloc(1, m->rom_size);
    if (!m->rom)
        return errf(err, errlen, -ENOMEM, "out of memory");
    memcpy(m->rom, c7200_rom_image, blob);
    physmap_add_ram(&vm->pm, "rom", C7200_ROM_BASE, m->rom_size, m->rom,
                    PR_READONLY);

    /* NVRAM, file-backed */
    vm_file_path(vm, "nvram", path, sizeof(path));
    struct nvram_config nc = {
        .path = path,
        .size = (size_t)cfg->nvram_kb << 10,
        .lg = vm->log,
    };
    rc = nvram_open(&nc, &m->nvram);
    if (rc < 0)
        return errf(err, errlen, rc, "NVRAM %s: %s", path, strerror(-rc));
    physmap_add_device(&vm->pm, "nvram", C7200_NVRAM_BASE,
                       (uint64_t)cfg->nvram_kb << 10, nvram_device(m->nvram),
                       PR_UNCACHED_ONLY);

    /* Console DUART in the I/O FPGA, midplane FPGA */
    m->duart = scn2681_create(vm->con, vm->aux,
                              router_cpu_line(vm, C7200_IRQ_DUART), vm->log);
    if (!m->duart)
        return errf(err, errlen, -ENOMEM, "cannot create the DUART");

    /* Identification EEPROMs (§6.1, §6.6): CPU and midplane (chassis MAC,
     * §19) on I/O FPGA 0x21C, PEM on 0x388 (NPE-175/225 content, else
     * all-ones), bays on MP FPGA 0x60/0x68 and I/O FPGA 0x2E4. The cards
     * (bay 0's default C7200-IO-FE, §1) come with the PCI side below. */
    struct c7200_eeproms_config ec = {
        .npe = m->npe->name,
        .midplane = cfg->midplane,
        .mac = cfg->mac,
        .instance_id = cfg->instance_id,
        .pid = (unsigned)getpid(),
    };
    rc = c7200_eeproms_create(&ec, &m->eeproms, err, errlen);
    if (rc < 0)
        return rc;
    struct eeprom_port_ops ee_cpu_mp =
        c7200_eeproms_port(m->eeproms, C7200_EEPORT_CPU_MIDPLANE);
    struct eeprom_port_ops ee_pem =
        c7200_eeproms_port(m->eeproms, C7200_EEPORT_PEM);
    struct eeprom_port_ops ee_bay7 =
        c7200_eeproms_port(m->eeproms, C7200_EEPORT_BAY7);
    struct eeprom_port_ops ee_0134 =
        c7200_eeproms_port(m->eeproms, C7200_EEPORT_BAYS_0134);
    struct eeprom_port_ops ee_256 =
        c7200_eeproms_port(m->eeproms, C7200_EEPORT_BAYS_256);

    struct c7200_mpfpga_config mc = {
        .lg = vm->log,
        .net_irq = router_cpu_line(vm, C7200_IRQ_NETIO),
        .pa_mgmt_irq = router_cpu_line(vm, C7200_IRQ_PA_MGMT),
        .oir_irq = router_cpu_line(vm, C7200_IRQ_OIR),
        .eeprom_bays_0134 = &ee_0134,
        .eeprom_bays_256 = &ee_256,
        .power_off = c7200_power_off,
        .ctx = vm,
    };
    m->mpfpga = c7200_mpfpga_create(&mc);
    if (!m->mpfpga)
        return errf(err, errlen, -ENOMEM, "cannot create the midplane FPGA");
    c7200_mpfpga_set_bay_present(m->mpfpga, 0, 1); /* the I/O card, §8 */
    struct c7200_iofpga_config ic = {
        .lg = vm->log,
        .duart = m->duart,
        .mpfpga = m->mpfpga,
        .eeprom_cpu_midplane = &ee_cpu_mp,
        .eeprom_bay7 = &ee_bay7,
        .eeprom_pem = &ee_pem,
        .bay0_io_card = 1, /* C7200-IO-FE inserted by default, §1 */
    };
    m->iofpga = c7200_iofpga_create(&ic);
    if (!m->iofpga)
        return errf(err, errlen, -ENOMEM, "cannot create the I/O FPGA");
    physmap_add_device(&vm->pm, "mpfpga", C7200_MPFPGA_BASE, C7200_FPGA_SIZE,
                       c7200_mpfpga_device(m->mpfpga), PR_UNCACHED_ONLY);
    physmap_add_device(&vm->pm, "iofpga", C7200_IOFPGA_BASE, C7200_FPGA_SIZE,
                       c7200_iofpga_device(m->iofpga), PR_UNCACHED_ONLY);

    /* GT system controller(s), the NPE's PCI topology, byte-swapped window,
     * packet SRAM and PCI I/O space (§3.1-§3.5, §11, §12) */
    struct c7200_pci_config pc = {
        .npe = m->npe->name,
        .midplane = cfg->midplane,
        .pm = &vm->pm,
        .lg = vm->log,
        .gt_irq = router_cpu_line(vm, C7200_IRQ_GT),
        .mpfpga = m->mpfpga,
    };
    rc = c7200_pci_create(&pc, &m->pci);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot build the %s PCI side (midplane "
                    "'%s'): %s", m->npe->name,
                    cfg->midplane ? cfg->midplane : "vxr", strerror(-rc));

    /* Bootflash (§14), CL-PD6729 and the disk0/disk1 cards (§15) */
    struct c7200_storage_config sc = {
        .pm = &vm->pm,
        .lg = vm->log,
        .pci = m->pci,
        .file_prefix = vm->file_prefix,
        .disk_mb = {cfg->disk0_mb, cfg->disk1_mb},
    };
    rc = c7200_storage_create(&sc, &m->storage, err, errlen);
    if (rc < 0)
        return rc;

    /* Port adapters (§10): the C7200-IO-FE in bay 0 by default (§1); the
     * command line / hypervisor may replace it before the start. */
    struct c7200_pa_config pac = {
        .name = cfg->name,
        .pm = &vm->pm,
        .lg = vm->log,
        .ev = vm->ev,
        .pci = m->pci,
        .eeproms = m->eeproms,
        .mpfpga = m->mpfpga,
    };
    rc = c7200_pa_create(&pac, &m->pa);
    if (rc == 0)
        rc = c7200_pa_set_insert(m->pa, 0, "C7200-IO-FE", 1);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot insert the bay-0 I/O card: %s",
                    strerror(-rc));

    /* Remote-control device used by the ROM monitor (§17.5) */
    struct remote_ctl_config rc_cfg = {
        .ram_mb = m->dram_mb,
        .rom_mb = cfg->rom_mb,
        .nvram_kb = cfg->nvram_kb,
        .iomem_mb = m->iomem_mb,
        .platform_id = C7200_PLATFORM_ID,
        .nvram_addr = C7200_NVRAM_KSEG1,
        .nm_iomem = 0,
    };
    rc = router_remote_create(&m->boot, &rc_cfg, PR_UNCACHED_ONLY,
                              &m->remote, err, errlen);
    if (rc < 0)
        return rc;

    physmap_add_device(&vm->pm, "bitbucket", C7200_BITBUCKET_BASE,
                       C7200_BITBUCKET_SIZE, bitbucket_device(),
                       PR_UNCACHED_ONLY);
    return 0;
}

/* ---- configuration push/extract (c7200.md §13.6) ---- */

/* Header addresses are absolute: the NVRAM base depends on the NPE (§13.1). */
static const struct ios_nvram_layout *c7200_nvram_layout(
    const struct vm_config *cfg)
{
    const struct ios_nvram_layout *l = NULL;
    if (cfg->npe && strcmp(cfg->npe, "npe-g1") == 0)
        l = ios_nvram_layout_find("c7200-npe-g1");
    else if (cfg->npe && strcmp(cfg->npe, "npe-g2") == 0)
        l = ios_nvram_layout_find("c7200-npe-g2");
    return l ? l : &ios_nvram_layout_c7200;
}

/* §16.1 step 3. Returns 1 when something was pushed, 0, or -errno. */
static int c7200_push_files(void *arg, char *err, size_t errlen)
{
    struct vm *vm = arg;
    struct c7200 *m = vm->machine;
    struct router_configs c;
    int rc = 0;
    if (router_configs_read(vm, "C7200", &c)) {
        const char *s = c.startup, *p = c.priv;
        char why[320];
        rc = ios_nvram_fs_write(nvram_data(m->nvram), nvram_size(m->nvram),
                                c7200_nvram_layout(&vm->cfg), s,
                                c.startup_len, p, c.priv_len, why,
                                sizeof(why));
        if (rc < 0) {
            errf(err, errlen, rc, "cannot push %s%s%s into NVRAM: %s",
                 s ? vm->cfg.startup_config : "", s && p ? " and " : "",
                 p ? vm->cfg.private_config : "", why);
        } else {
            nvram_sync(m->nvram);
            log_msg(vm->log, "C7200", "%s: pushed%s%s%s%s into NVRAM",
                    vm->cfg.name, s ? " startup-config " : "",
                    s ? vm->cfg.startup_config : "",
                    p ? " private-config " : "",
                    p ? vm->cfg.private_config : "");
            rc = 1;
        }
    }
    router_configs_free(&c);
    return rc;
}

static void c7200_nvram_file(const char *file_prefix, char *buf, size_t len)
{
    snprintf(buf, len, "%s_nvram", file_prefix);
}

static int c7200_extract_config(const struct vm_config *cfg,
                                const char *file_prefix, char **startup,
                                size_t *startup_len, char **priv,
                                size_t *priv_len, char *err, size_t errlen)
{
    char path[PATH_MAX];
    c7200_nvram_file(file_prefix, path, sizeof(path));
    return router_extract_config(path, (size_t)cfg->nvram_kb << 10,
                                 c7200_nvram_layout(cfg), startup,
                                 startup_len, priv, priv_len, err, errlen);
}

static int c7200_push_config(const struct vm_config *cfg,
                             const char *file_prefix, const char *startup,
                             size_t startup_len, const char *priv,
                             size_t priv_len, char *err, size_t errlen)
{
    char path[PATH_MAX];
    c7200_nvram_file(file_prefix, path, sizeof(path));
    return ios_nvram_file_push(path, (size_t)cfg->nvram_kb << 10,
                               c7200_nvram_layout(cfg), startup, startup_len,
                               priv, priv_len, err, errlen);
}

static int c7200_boot(struct vm *vm, char *err, size_t errlen)
{
    struct c7200 *m = vm->machine;

    /* §16.1 steps 1-3 (§18): configuration register, blank NVRAM sets
     * bit 6 ("ignore NVRAM configuration"), configs pushed at start clear
     * it again; then the image */
    int rc = router_boot_load(&m->boot, nvram_is_blank(m->nvram),
                              c7200_push_files, vm, err, errlen);
    if (rc < 0)
        return rc;

    /* §16.1 step 4: reset; the ROM takes it from 0xBFC00000. */
    c7200_machine_reset(vm);
    return 0;
}

void c7200_machine_reset(struct vm *vm)
{
    struct c7200 *m = vm->machine;
    mips_cpu_reset(&vm->cpu);
    dev_reset(c7200_mpfpga_device(m->mpfpga));
    dev_reset(c7200_iofpga_device(m->iofpga));
    c7200_eeproms_reset(m->eeproms);
    c7200_pci_reset(m->pci);
    c7200_storage_reset(m->storage);
    c7200_pa_reset(m->pa);
}

int c7200_machine_parts(struct vm *vm, struct c7200_parts *p)
{
    struct c7200 *m = vm->machine;
    if (!m || vm->mops != &c7200_machine_ops)
        return -EINVAL;
    *p = (struct c7200_parts){
        .duart = m->duart, .nvram = m->nvram, .pci = m->pci,
        .iomem = m->iomem_mb ? &m->iomem : NULL,
        .confreg = &m->boot.confreg, .entry = &m->boot.entry,
        .dram_mb = m->dram_mb,
    };
    return 0;
}

static void c7200_destroy(struct vm *vm)
{
    struct c7200 *m = vm->machine;
    if (!m)
        return;
    /* Cards, then PCI: their functions may still signal the MP FPGA; both
     * unmap themselves, so the physical map must still exist. */
    c7200_pa_destroy(m->pa);
    c7200_storage_destroy(m->storage); /* before the PCI side it sits on */
    c7200_pci_destroy(m->pci);
    if (m->remote)
        remote_ctl_destroy(m->remote);
    if (m->iofpga)
        c7200_iofpga_destroy(m->iofpga);
    if (m->mpfpga)
        c7200_mpfpga_destroy(m->mpfpga);
    c7200_eeproms_destroy(m->eeproms); /* after the FPGAs using it */
    if (m->duart)
        scn2681_destroy(m->duart);
    if (m->nvram)
        nvram_destroy(m->nvram);
    ram_free(&m->iomem);
    router_release(vm);
    free(m->rom);
    free(m);
    vm->machine = NULL;
}

static void c7200_show_devices(struct vm *vm, FILE *out)
{
    physmap_show(&vm->pm, out);
    struct c7200 *m = vm->machine;
    if (m && m->pa) {
        fprintf(out, "Port adapters:\n");
        c7200_pa_show(m->pa, out);
    }
}

const struct machine_ops c7200_machine_ops = {
    .name = "c7200",
    .defaults = c7200_defaults,
    .create = c7200_create,
    .boot = c7200_boot,
    .destroy = c7200_destroy,
    .show_devices = c7200_show_devices,
    .extract_config = c7200_extract_config,
    .push_config = c7200_push_config,
    .state_save = c7200_state_save,
    .state_load = c7200_state_load,
};

struct c7200_pa *c7200_machine_pa(struct vm *vm)
{
    if (!vm || vm->mops != &c7200_machine_ops || !vm->machine)
        return NULL;
    return ((struct c7200 *)vm->machine)->pa;
}

struct c7200_pci *c7200_machine_pci(struct vm *vm)
{
    if (!vm || vm->mops != &c7200_machine_ops || !vm->machine)
        return NULL;
    return ((struct c7200 *)vm->machine)->pci;
}
