/*
 * Common machine of the 3600 family and the GT-96100 routers (shared spec
 * c3600-c2691-c37xx.md §1.2, §2): CPU, memory, ROM, remote control,
 * console DUART, NVRAM placement, chassis EEPROMs, network modules, boot.
 * See mid.h.
 */
#include "machine/ciscomid/mid.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "dev/bitbucket.h"
#include "dev/bswap_window.h"
#include "dev/ios_nvram_file.h"
#include "dev/ios_nvram_fs.h"
#include "dev/ns16552.h"
#include "dev/nvram.h"
#include "dev/pci_io.h"
#include "dev/remote_ctl.h"
#include "dev/rom_flash.h"
#include "machine/c7200/c7200_eeprom.h" /* c7200_mac_parse: any platform */
#include "machine/ciscomid/mid_nm.h"
#include "machine/ciscomid/mid_storage.h"

/*
 * The ROM monitor (guest/rom, committed prebuilt as
 * guest/images/c7200_rom.bin): one image for every MIPS platform, which
 * learns the platform from the remote-control device (§2.3). Linked in
 * once, by src/machine/c7200/rom_blob.S.
 */
extern const uint8_t c7200_rom_image[];
extern const uint8_t c7200_rom_image_end[];


static int is_gt96k(const struct mid *m)
{
    return m->plat->family == MID_FAM_GT96K;
}

extern const struct mid_platform c3600_mid_platform, c2691_mid_platform,
    c3725_mid_platform, c3745_mid_platform;

const struct mid_platform *mid_platform_find(const char *name)
{
    static const struct mid_platform *const all[] = {
        &c3600_mid_platform, &c2691_mid_platform, &c3725_mid_platform,
        &c3745_mid_platform};
    for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    return NULL;
}

const struct mid_model *mid_model_find(const struct mid_platform *p,
                                       const char *name)
{
    if (!name || !*name)
        return &p->models[0];
    for (unsigned i = 0; i < p->nmodels; i++)
        if (strcmp(p->models[i].name, name) == 0)
            return &p->models[i];
    return NULL;
}

/* The platform a config names (vm_config_init sets cfg->platform to the
 * machine_ops name, which is the mid_platform name); NULL with a message
 * in err otherwise. */
static const struct mid_platform *platform_of(const struct vm_config *cfg,
                                              char *err, size_t errlen)
{
    const struct mid_platform *p = mid_platform_find(cfg->platform);
    if (!p && err)
        snprintf(err, errlen, "'%s' is no platform of the 3600/2691/37xx "
                 "layer", cfg->platform ? cfg->platform : "(none)");
    return p;
}

void mid_defaults(struct vm_config *cfg)
{
    const struct mid_platform *p = platform_of(cfg, NULL, 0);
    if (!p)
        return;
    /* hypervisor.md §6.1, c3600-c2691-c37xx.md §1.1 */
    cfg->ram_mb = 128;
    cfg->rom_mb = 2;
    cfg->nvram_kb = p->nvram_kb;
    cfg->disk0_mb = p->disk0_mb;
    cfg->disk1_mb = 0;
    cfg->clock_divisor = p->family == MID_FAM_C3600 ? 4 : 8;
}

struct mid *mid_of(struct vm *vm)
{
    /* Every platform of this layer boots through mid_boot. */
    if (!vm || !vm->mops || vm->mops->boot != mid_boot || !vm->machine)
        return NULL;
    return vm->machine;
}

struct irq_line mid_cpu_line(struct mid *m, int line)
{
    return router_cpu_line(m->vm, line);
}

/* Flash commands changed guest-visible bytes: code translated from them
 * must go (the JIT's hook, set when it starts). */
static void mid_rom_modified(void *ctx, uint64_t off, uint64_t len)
{
    struct vm *vm = ctx;
    if (vm->pm.ram_write_hook)
        vm->pm.ram_write_hook(vm->pm.ram_write_arg, MID_ROM_BASE + off, len);
}

/* A file of size bytes mapped shared (SSA RAM, §4.10: kept between runs).
 * 0 or -errno. */
static int map_file(const char *path, size_t size, uint8_t **out)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0)
        return -errno;
    struct stat st;
    if (fstat(fd, &st) != 0 ||
        ((uint64_t)st.st_size < size && ftruncate(fd, (off_t)size) != 0)) {
        int rc = -errno;
        close(fd);
        return rc;
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int rc = p == MAP_FAILED ? -errno : 0;
    close(fd);
    if (rc == 0)
        *out = p;
    return rc;
}

/* ----------------------------------------------------------- create */

static int create_rom(struct vm *vm, struct mid *m, char *err, size_t errlen)
{
    struct vm_config *cfg = &vm->cfg;
    size_t blob = (size_t)(c7200_rom_image_end - c7200_rom_image);
    size_t size = (size_t)cfg->rom_mb << 20;
    if (blob > size)
        return errf(err, errlen, -EINVAL, "ROM of %u MB is too small",
                    cfg->rom_mb);
    if (!is_gt96k(m)) {
        /* §2.2 step 3: a read-only ROM, the monitor at offset 0 */
        m->rom = calloc(1, size);
        if (!m->rom)
            return errf(err, errlen, -ENOMEM, "out of memory");
        m->rom_size = size;
        memcpy(m->rom, c7200_rom_image, blob);
        return physmap_add_ram(&vm->pm, "rom", MID_ROM_BASE, size, m->rom,
                               PR_READONLY);
    }
    /* §4.10: a writable flash kept in <prefix>_rom; NVRAM lives in it,
     * the monitor is copied to offset 0 at every start */
    char path[300];
    vm_file_path(vm, "rom", path, sizeof(path));
    struct rom_flash_config fc = {
        .path = path,
        .size = size,
        .lg = vm->log,
        .modified = mid_rom_modified,
        .ctx = vm,
    };
    int rc = rom_flash_open(&fc, &m->romflash);
    if (rc < 0)
        return errf(err, errlen, rc, "ROM flash %s: %s", path, strerror(-rc));
    m->rom_size = size;
    memcpy(rom_flash_data(m->romflash), c7200_rom_image, blob);
    return physmap_add_rom(&vm->pm, "rom", MID_ROM_BASE, size,
                           rom_flash_data(m->romflash),
                           rom_flash_device(m->romflash), 0);
}

static int create_nvram(struct vm *vm, struct mid *m, char *err,
                        size_t errlen)
{
    char path[300];
    int rc;
    if (is_gt96k(m)) {
        /* §4.10 SSA: the ROM's scratch area, a file kept between runs */
        uint8_t *host = NULL;
        vm_file_path(vm, "ssa", path, sizeof(path));
        rc = map_file(path, MID_SSA_SIZE, &host);
        if (rc < 0)
            return errf(err, errlen, rc, "SSA %s: %s", path, strerror(-rc));
        m->ssa.host = host;
        m->ssa.size = MID_SSA_SIZE;
        return physmap_add_ram(&vm->pm, "ssa", MID_SSA_BASE, MID_SSA_SIZE,
                               host, 0);
    }
    /* §3.10: NVRAM device with the calendar at offset 3 */
    vm_file_path(vm, "nvram", path, sizeof(path));
    struct nvram_config nc = {
        .path = path,
        .size = (size_t)vm->cfg.nvram_kb << 10,
        .lg = vm->log,
    };
    rc = nvram_open(&nc, &m->nvram);
    if (rc < 0)
        return errf(err, errlen, rc, "NVRAM %s: %s", path, strerror(-rc));
    return physmap_add_device(&vm->pm, "nvram", MID_NVRAM_BASE, nc.size,
                              nvram_device(m->nvram), 0);
}

static int create_remote(struct vm *vm, struct mid *m, char *err,
                         size_t errlen)
{
    struct vm_config *cfg = &vm->cfg;
    /* §2.4; the I/O-memory share is a percentage here, bit 15 set when
     * the user chose it */
    uint32_t iomem = cfg->iomem_pct ? MID_IOMEM_USER | cfg->iomem_pct
                                    : MID_IOMEM_DEFAULT_PCT;
    struct remote_ctl_config rc_cfg = {
        .ram_mb = cfg->ram_mb,
        .rom_mb = cfg->rom_mb,
        .nvram_kb = cfg->nvram_kb,
        .iomem_mb = 0,
        .platform_id = m->model->platform_id,
        .nvram_addr = is_gt96k(m) ? MID_NVRAM_KSEG1_SSA : MID_NVRAM_KSEG1_3600,
        .nm_iomem = iomem,
    };
    return router_remote_create(&m->boot, &rc_cfg, 0, &m->remote, err,
                                errlen);
}

/* §2.2 step 1, §9: the chassis images with the MAC and board id. */
static int load_chassis_eeproms(struct mid *m, char *err, size_t errlen)
{
    uint8_t img[MID_EEPROM_CHIPS][NMC93C46_BYTES];
    memset(img, 0xFF, sizeof(img));
    for (unsigned i = 0; i < MID_EEPROM_CHIPS; i++)
        if (m->model->eeprom[i] &&
            mid_eeprom_image(m->model->eeprom[i], img[i]) < 0)
            return errf(err, errlen, -ENOENT, "no EEPROM image '%s'",
                        m->model->eeprom[i]);
    mid_eeprom_burn(m->model, m->mac, m->vm->cfg.system_id, img);
    for (unsigned i = 0; i < MID_EEPROM_CHIPS; i++)
        if (m->model->eeprom[i] && m->eeprom_chassis)
            nmc93cx6_load(m->eeprom_chassis, i, img[i], NMC93C46_BYTES);
    return 0;
}

int mid_create(struct vm *vm, char *err, size_t errlen)
{
    struct vm_config *cfg = &vm->cfg;
    const struct mid_platform *p = platform_of(cfg, err, errlen);
    if (!p)
        return -EINVAL;
    struct mid *m = calloc(1, sizeof(*m));
    if (!m)
        return errf(err, errlen, -ENOMEM, "out of memory");
    vm->machine = m;
    m->vm = vm;
    m->boot.vm = vm;
    m->plat = p;
    m->model = mid_model_find(p, cfg->chassis);
    if (!m->model) {
        char list[128] = "";
        for (unsigned i = 0; i < p->nmodels; i++)
            snprintf(list + strlen(list), sizeof(list) - strlen(list),
                     "%s%s", i ? ", " : "", p->models[i].name);
        return errf(err, errlen, -EINVAL, "unknown %s chassis '%s' (%s)",
                    p->name, cfg->chassis, list);
    }
    if (cfg->mac) {
        if (c7200_mac_parse(cfg->mac, m->mac) < 0)
            return errf(err, errlen, -EINVAL, "invalid MAC address '%s'",
                        cfg->mac);
    } else {
        mid_mac_default(p->mac_prefix, cfg->instance_id, (unsigned)getpid(),
                        m->mac);
    }

    physmap_init(&vm->pm, vm->log, MID_BUS_MASK);
    /* §2.1; DRAM at 0 (§3.2, §4.2; no reserved RAM on these chassis) */
    int rc;
    if ((rc = router_cpu_init(vm, m->model->prid, m->model->tlb_entries,
                              m->model->cpu_mhz, MID_BUS_MASK, err,
                              errlen)) < 0 ||
        (rc = router_dram(vm, cfg->ram_mb, err, errlen)) < 0 ||
        (rc = create_rom(vm, m, err, errlen)) < 0 ||
        (rc = create_nvram(vm, m, err, errlen)) < 0 ||
        (rc = create_remote(vm, m, err, errlen)) < 0)
        return rc;

    /* §2.7: console on channel A, AUX on B, CPU line 5 */
    m->duart = ns16552_create(vm->con, vm->aux,
                              mid_cpu_line(m, MID_IRQ_DUART), vm->log);
    if (!m->duart)
        return errf(err, errlen, -ENOMEM, "cannot create the DUART");
    physmap_add_device(&vm->pm, "duart", p->duart_base, NS16552_WINDOW_SIZE,
                       ns16552_device(m->duart), 0);

    if (is_gt96k(m)) {
        /* §4.11: byte-swapped alias of physical 0-1 GB */
        rc = bswap_window_create("bswap", &vm->pm, 0, &m->bswap);
        if (rc < 0)
            return errf(err, errlen, rc, "cannot create the byte-swap window");
        physmap_add_device(&vm->pm, "bswap", MID_BSWAP_BASE, MID_BSWAP_SIZE,
                           bswap_window_device(m->bswap), 0);
    } else {
        /* §3.2: bit bucket and PCI I/O space */
        physmap_add_device(&vm->pm, "bitbucket", MID_BITBUCKET_BASE,
                           MID_BITBUCKET_SIZE, bitbucket_device(), 0);
        rc = pci_io_create(vm->log, &m->pci_io);
        if (rc < 0)
            return errf(err, errlen, rc, "cannot create the PCI I/O space");
        physmap_add_device(&vm->pm, "pci-io", MID_PCI_IO_BASE,
                           PCI_IO_WINDOW_SIZE, pci_io_device(m->pci_io), 0);
    }

    /* the platform: system controller, PCI, I/O FPGA, EEPROM sockets */
    if ((rc = p->create(m, err, errlen)) < 0 ||
        (rc = load_chassis_eeproms(m, err, errlen)) < 0)
        return rc;

    rc = mid_nm_create(m, &m->nm);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the network modules");
    if (m->model->slot0_card) {
        rc = mid_nm_set_insert(m->nm, 0, 0, m->model->slot0_card, 1);
        if (rc < 0)
            return errf(err, errlen, rc, "cannot insert the %s in slot 0: %s",
                        m->model->slot0_card, strerror(-rc));
    }
    log_msg(vm->log, p->tag, "%s: Cisco %s, %u MB RAM, MAC %02x%02x.%02x%02x."
            "%02x%02x", cfg->name, m->model->name, cfg->ram_mb, m->mac[0],
            m->mac[1], m->mac[2], m->mac[3], m->mac[4], m->mac[5]);
    return 0;
}

/* ----------------------------------------------------- NVRAM configs */

static const struct ios_nvram_layout *layout_of(const struct mid_platform *p)
{
    return ios_nvram_layout_find(p->nvram_layout);
}

/* The guest-visible image the NVRAM file system lives in (§8.2). */
static uint8_t *nvram_image(struct mid *m, size_t *len)
{
    if (is_gt96k(m)) {
        *len = rom_flash_size(m->romflash);
        return rom_flash_data(m->romflash);
    }
    *len = nvram_size(m->nvram);
    return nvram_data(m->nvram);
}

/* §2.2 step 4 / §8.2: the whole NVRAM device, or the window in the ROM. */
static int nvram_blank(struct mid *m)
{
    if (!is_gt96k(m))
        return nvram_is_blank(m->nvram);
    const struct ios_nvram_layout *l = layout_of(m->plat);
    size_t len;
    const uint8_t *img = nvram_image(m, &len);
    size_t end = l->offset + l->size;
    for (size_t i = l->offset; i < end && i < len; i++)
        if (img[i])
            return 0;
    return 1;
}

/* §2.2 step 5. 1 when something was pushed, 0, or -errno. */
static int push_files(void *arg, char *err, size_t errlen)
{
    struct mid *m = arg;
    struct vm_config *cfg = &m->vm->cfg;
    struct router_configs c;
    int rc = 0;
    if (router_configs_read(m->vm, m->plat->tag, &c)) {
        char why[320];
        size_t len;
        uint8_t *img = nvram_image(m, &len);
        rc = ios_nvram_fs_write(img, len, layout_of(m->plat), c.startup,
                                c.startup_len, c.priv, c.priv_len, why,
                                sizeof(why));
        if (rc < 0) {
            errf(err, errlen, rc, "cannot push the configuration into "
                 "NVRAM: %s", why);
        } else {
            if (m->romflash)
                rom_flash_sync(m->romflash);
            else
                nvram_sync(m->nvram);
            log_msg(m->vm->log, m->plat->tag, "%s: configuration pushed into "
                    "NVRAM", cfg->name);
            rc = 1;
        }
    }
    router_configs_free(&c);
    return rc;
}

/* The file holding the NVRAM image of a (maybe halted) VM, its size. */
static size_t nvram_file(const struct mid_platform *p,
                         const struct vm_config *cfg, const char *prefix,
                         char *buf, size_t len)
{
    if (p->family == MID_FAM_GT96K) {
        snprintf(buf, len, "%s_rom", prefix);
        return (size_t)cfg->rom_mb << 20;
    }
    snprintf(buf, len, "%s_nvram", prefix);
    return (size_t)cfg->nvram_kb << 10;
}

int mid_extract_config(const struct vm_config *cfg, const char *file_prefix,
                       char **startup, size_t *startup_len, char **priv,
                       size_t *priv_len, char *err, size_t errlen)
{
    const struct mid_platform *p = platform_of(cfg, err, errlen);
    if (!p)
        return -EINVAL;
    char path[PATH_MAX];
    size_t size = nvram_file(p, cfg, file_prefix, path, sizeof(path));
    return router_extract_config(path, size, layout_of(p), startup,
                                 startup_len, priv, priv_len, err, errlen);
}

int mid_push_config(const struct vm_config *cfg, const char *file_prefix,
                    const char *startup, size_t startup_len, const char *priv,
                    size_t priv_len, char *err, size_t errlen)
{
    const struct mid_platform *p = platform_of(cfg, err, errlen);
    if (!p)
        return -EINVAL;
    char path[PATH_MAX];
    size_t size = nvram_file(p, cfg, file_prefix, path, sizeof(path));
    return ios_nvram_file_push(path, size, layout_of(p), startup,
                               startup_len, priv, priv_len, err, errlen);
}

/* ------------------------------------------------------------- boot */

int mid_boot(struct vm *vm, char *err, size_t errlen)
{
    struct mid *m = vm->machine;

    /* §2.2 steps 4-6: configuration register, configs, image */
    int rc = router_boot_load(&m->boot, nvram_blank(m), push_files, m, err,
                              errlen);
    if (rc < 0)
        return rc;

    /* step 7: reset; the ROM takes it from 0xBFC00000 */
    mid_reset(m);
    return 0;
}

void mid_reset(struct mid *m)
{
    mips_cpu_reset(&m->vm->cpu);
    dev_reset(ns16552_device(m->duart));
    if (m->romflash)
        dev_reset(rom_flash_device(m->romflash));
    if (m->plat->reset)
        m->plat->reset(m);
    mid_nm_reset(m->nm);
    mid_storage_reset(m->storage);
}

void mid_destroy(struct vm *vm)
{
    struct mid *m = vm->machine;
    if (!m)
        return;
    /* Cards first (their functions sit on the platform's buses), then
     * the platform, which unmaps its windows. */
    mid_nm_destroy(m->nm);
    mid_storage_destroy(m->storage); /* the PD6729 is on a platform bus */
    if (m->plat->destroy)
        m->plat->destroy(m);
    for (unsigned i = 0; i < MID_MAX_SLOTS; i++)
        nmc93cx6_group_destroy(m->eeprom_slot[i]);
    nmc93cx6_group_destroy(m->eeprom_chassis);
    if (m->remote)
        remote_ctl_destroy(m->remote);
    ns16552_destroy(m->duart);
    if (m->nvram)
        nvram_destroy(m->nvram);
    rom_flash_destroy(m->romflash);
    if (m->ssa.host)
        munmap(m->ssa.host, m->ssa.size);
    pci_io_destroy(m->pci_io);
    bswap_window_destroy(m->bswap);
    router_release(vm);
    free(m->rom);
    free(m);
    vm->machine = NULL;
}

void mid_show_devices(struct vm *vm, FILE *out)
{
    physmap_show(&vm->pm, out);
    struct mid *m = vm->machine;
    if (!m)
        return;
    if (m->plat->show)
        m->plat->show(m, out);
    fprintf(out, "Slots:\n");
    mid_nm_show(m->nm, out);
}
