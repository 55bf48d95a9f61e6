/* What the MIPS router machines share at boot; see router_boot.h. */
#include "machine/common/router_boot.h"

#include <errno.h>
#include <stdlib.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "dev/ios_nvram_file.h"
#include "dev/remote_ctl.h"

/* CP0 Config and r7 at reset: c7200.md §2.2, c3600-c2691-c37xx.md §2.1,
 * mips64.md §7 */
#define CP0_CONFIG_RESET 0x00C08FF0u
#define CP0_INFO_RESET 0x20000000u

int router_cpu_init(struct vm *vm, uint32_t prid, int tlb_entries,
                    unsigned cpu_mhz, uint64_t bus_mask, char *err,
                    size_t errlen)
{
    const struct vm_config *cfg = &vm->cfg;
    struct mips_cpu_config cc = {
        .prid = prid,
        .tlb_entries = tlb_entries,
        .config = CP0_CONFIG_RESET,
        .info = CP0_INFO_RESET,
        .count_hz = (uint64_t)cpu_mhz * 1000000u / 2,
        .deterministic = cfg->deterministic,
        .bus_mask = bus_mask,
    };
    if (mips_cpu_init(&vm->cpu, &cc, &vm->pm, vm->log) < 0)
        return errf(err, errlen, -EINVAL, "bad CPU configuration");
    mips_cpu_set_idle_pc(&vm->cpu, cfg->idle_pc);
    mips_cpu_set_idle_params(&vm->cpu, cfg->idle_max, cfg->idle_sleep_us);
    return 0;
}

int router_dram(struct vm *vm, unsigned mb, char *err, size_t errlen)
{
    int rc = vm_ram_alloc(vm, (size_t)mb << 20, err, errlen);
    if (rc < 0)
        return rc;
    physmap_add_ram(&vm->pm, "dram", 0, vm->ram.size, vm->ram.host, 0);
    return 0;
}

void router_release(struct vm *vm)
{
    ram_free(&vm->ram);
    physmap_free(&vm->pm);
    mips_cpu_destroy(&vm->cpu);
}

static void cpu_set_irq(void *ctx, int line, int level)
{
    struct vm *vm = ctx;
    mips_cpu_set_irq(&vm->cpu, line, level);
}

struct irq_line router_cpu_line(struct vm *vm, int line)
{
    return (struct irq_line){.set = cpu_set_irq, .ctx = vm, .line = line};
}

/* ---------------------------------------------- remote-control services */

static void remote_stop(void *ctx)
{
    struct router_boot *b = ctx;
    vm_request_poweroff(b->vm);
}

static int remote_phys_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
    struct router_boot *b = ctx;
    return physmap_copy_from(&b->vm->pm, pa, buf, len);
}

static uint32_t remote_confreg(void *ctx)
{
    const struct router_boot *b = ctx;
    return b->confreg;
}

static uint32_t remote_entry(void *ctx)
{
    const struct router_boot *b = ctx;
    return (uint32_t)b->entry;
}

/* c7200.md §3.1, c3600-c2691-c37xx.md §1.1 */
#define REMOTE_BASE 0x16000000ull
#define REMOTE_SIZE 0x1000ull

int router_remote_create(struct router_boot *b, struct remote_ctl_config *rc,
                         unsigned flags, struct remote_ctl **out, char *err,
                         size_t errlen)
{
    struct vm *vm = b->vm;
    char path[300];
    vm_file_path(vm, "rommon_vars", path, sizeof(path));
    rc->lg = vm->log;
    rc->console = vm->con;
    rc->rommon_vars_path = path; /* copied by remote_ctl_create */
    rc->ctx = b;
    rc->stop = remote_stop;
    rc->phys_read = remote_phys_read;
    rc->config_register = remote_confreg;
    rc->entry_point = remote_entry;
    *out = remote_ctl_create(rc);
    rc->rommon_vars_path = NULL; /* path goes with this frame */
    if (!*out)
        return errf(err, errlen, -ENOMEM, "cannot create the remote-control "
                                          "device");
    int e = physmap_add_device(&vm->pm, "remote", REMOTE_BASE, REMOTE_SIZE,
                               remote_ctl_device(*out), flags);
    if (e < 0)
        return errf(err, errlen, e, "cannot map the remote-control device "
                                     "at 0x%llx", REMOTE_BASE);
    return 0;
}

/* ------------------------------------------------------------- boot */

int router_boot_load(struct router_boot *b, int nvram_blank,
                     int (*push)(void *arg, char *err, size_t errlen),
                     void *arg, char *err, size_t errlen)
{
    b->confreg = b->vm->cfg.confreg;
    if (nvram_blank)
        b->confreg |= ROUTER_CONFREG_IGNORE_NVRAM;
    int rc = push(arg, err, errlen);
    if (rc < 0)
        return rc;
    if (rc > 0)
        b->confreg &= ~ROUTER_CONFREG_IGNORE_NVRAM;
    /* unless ghost RAM holds the image (mips64.md §11.1) */
    return vm_load_image(b->vm, &b->entry, err, errlen);
}

static char *read_config(struct vm *vm, const char *tag, const char *what,
                         const char *path, size_t *len)
{
    uint8_t *buf = NULL;
    char why[320];
    *len = 0;
    if (!path || !*path)
        return NULL; /* not set: NVRAM keeps its own */
    if (ios_nvram_file_load(path, IOS_NVRAM_FILE_MAX, &buf, len, why,
                            sizeof(why)) < 0) {
        log_msg(vm->log, tag, "%s: %s not pushed into NVRAM: %s",
                vm->cfg.name, what, why);
        return NULL;
    }
    return (char *)buf;
}

int router_configs_read(struct vm *vm, const char *tag,
                        struct router_configs *c)
{
    c->startup = read_config(vm, tag, "startup-config",
                             vm->cfg.startup_config, &c->startup_len);
    c->priv = read_config(vm, tag, "private-config", vm->cfg.private_config,
                          &c->priv_len);
    return c->startup || c->priv;
}

void router_configs_free(struct router_configs *c)
{
    free(c->startup);
    free(c->priv);
    c->startup = c->priv = NULL;
}

int router_extract_config(const char *path, size_t nvram_size,
                          const struct ios_nvram_layout *l, char **startup,
                          size_t *startup_len, char **priv, size_t *priv_len,
                          char *err, size_t errlen)
{
    struct ios_nvram_configs c;
    int rc = ios_nvram_file_extract(path, nvram_size, l, &c, err, errlen);
    if (rc < 0)
        return rc;
    *startup = c.startup;
    *startup_len = c.startup_len;
    *priv = c.priv;
    *priv_len = c.priv_len;
    return 0; /* the strings now belong to the caller */
}
