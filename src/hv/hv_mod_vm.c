/*
 * Module "vm": life cycle and stored settings of router instances
 * (hypervisor.md §5.2.1-5.2.2, §5.2.4). Slots, CPU tuning and console
 * injection are in hv_mod_vm_run.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "hv/hv_b64.h"
#include "hv/hv_mod_mid.h"
#include "hv/hv_router.h"
#include "hv/hv_vm_cmds.h"

struct hv_obj *hv_vm_find(struct hv_ctx *c, const char *name)
{
    struct hv_obj *obj = hv_router_lock(c->hv, name);
    if (!obj)
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'", name);
    return obj;
}

/* ---------------------------------------------------------- life cycle */

static void cmd_create(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_router_create(c->hv, argv[0], hv_arg_int(argv[1]),
                                          argv[2]);
    if (!obj) {
        hv_err(c, HSC_ERR_CREATE, "unable to create VM instance '%s'",
               argv[0]);
        return;
    }
    hv_obj_put(&c->hv->reg, obj);
    log_msg_quiet(c->hv->log, "HYPERVISOR", "VM '%s' created", argv[0]);
    hv_ok(c, "VM '%s' created", argv[0]);
}

static void cmd_rename(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    int rc = hv_router_rename(hv_router_of(obj), argv[1]);
    hv_rename_reply(c, rc, "VM instance", "VM", argv[0], argv[1]);
    hv_router_unlock(c->hv, obj); /* on every path (§10) */
}

static void do_delete(struct hv_ctx *c, const char *name, int clean)
{
    struct hv_obj *obj = hv_router_lock(c->hv, name);
    if (!obj) {
        if (clean)
            hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'", name);
        else
            hv_err(c, HSC_ERR_DELETE, "unable to delete VM '%s'", name);
        return;
    }
    if (hv_router_delete(hv_router_of(obj), clean) < 0)
        hv_err(c, HSC_ERR_DELETE, "unable to delete VM '%s'", name);
    else if (clean)
        hv_ok(c, "VM '%s' and related files deleted", name);
    else
        hv_ok(c, "VM '%s' deleted", name);
    hv_router_unlock(c->hv, obj);
}

static void cmd_delete(struct hv_ctx *c, int argc, char **argv)
{
    do_delete(c, argv[0], 0);
}

static void cmd_clean_delete(struct hv_ctx *c, int argc, char **argv)
{
    do_delete(c, argv[0], 1);
}

static void cmd_start(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    if (hv_router_start(hv_router_of(obj), c->reply) < 0)
        hv_err(c, HSC_ERR_START, "unable to start VM instance '%s'", argv[0]);
    else
        hv_ok(c, "VM '%s' started", argv[0]);
    hv_router_unlock(c->hv, obj);
}

static void cmd_stop(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    hv_router_stop(hv_router_of(obj));
    hv_ok(c, "VM '%s' stopped", argv[0]);
    hv_router_unlock(c->hv, obj);
}

static void cmd_suspend(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    if (hv_router_status(r) == VM_RUNNING)
        vm_suspend(r->vm);
    hv_ok(c, "VM '%s' suspended", argv[0]);
    hv_router_unlock(c->hv, obj);
}

static void cmd_resume(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int rc = 0;
    if (hv_router_status(r) == VM_SUSPENDED)
        rc = vm_resume(r->vm);
    if (rc < 0)
        hv_err(c, HSC_ERR_START, "unable to resume VM instance '%s'",
               argv[0]);
    else
        hv_ok(c, "VM '%s' resumed", argv[0]);
    hv_router_unlock(c->hv, obj);
}

static void cmd_get_status(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    hv_ok(c, "%d", hv_router_status(hv_router_of(obj)));
    hv_router_unlock(c->hv, obj);
}

static void list_one(struct hv_ctx *c, struct hv_obj *obj, void *arg)
{
    hv_info(c, "%s (%s)", obj->name, hv_router_of(obj)->plat->name);
}

static void cmd_list(struct hv_ctx *c, int argc, char **argv)
{
    hv_obj_foreach(c, HV_KIND_VM, list_one, NULL);
    hv_ok(c, "OK");
}

static void list_con_one(struct hv_ctx *c, struct hv_obj *obj, void *arg)
{
    struct hv_router *r = hv_router_of(obj);
    if (r->cfg.con.type == VTTY_TCP)
        hv_info(c, "%s (%d)", obj->name, r->cfg.con.tcp_port);
}

static void cmd_list_con_ports(struct hv_ctx *c, int argc, char **argv)
{
    hv_obj_foreach(c, HV_KIND_VM, list_con_one, NULL);
    hv_ok(c, "OK");
}

/* ------------------------------------------------------------ settings */

static int set_string(char **dst, const char *value)
{
    char *copy = value ? strdup(value) : NULL;
    if (value && !copy)
        return -ENOMEM;
    free(*dst);
    *dst = copy;
    return 0;
}

static void cmd_set_ios(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    if (set_string(&hv_router_of(obj)->cfg.image, argv[1]) < 0)
        hv_err(c, HSC_ERR_CREATE,
               "unable to store IOS image name for router '%s'", argv[0]);
    else
        hv_ok(c, "IOS image set for '%s'", argv[0]);
    hv_router_unlock(c->hv, obj);
}

static void cmd_set_config(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct vm_config *cfg = &hv_router_of(obj)->cfg;
    /* Each call replaces both; an empty or missing name keeps what NVRAM
     * holds (§5.2.2). */
    const char *startup = argv[1][0] ? argv[1] : NULL;
    const char *priv = argc > 2 && argv[2][0] ? argv[2] : NULL;
    if (set_string(&cfg->startup_config, startup) < 0 ||
        set_string(&cfg->private_config, priv) < 0)
        hv_err(c, HSC_ERR_CREATE, "unable to store IOS config for router '%s'",
               argv[0]);
    else
        hv_ok(c, "IOS config file set for '%s'", argv[0]);
    hv_router_unlock(c->hv, obj);
}

/* Settings that take one value and answer "100-OK" (§5.2.2). */
enum setting {
    SET_RAM, SET_NVRAM, SET_RAM_MMAP, SET_SPARSE_MEM, SET_CLOCK_DIVISOR,
    SET_BLK_DIRECT_JUMP, SET_EXEC_AREA, SET_DISK0, SET_DISK1, SET_CONF_REG,
    SET_CON_TCP_PORT, SET_AUX_TCP_PORT, SET_IDLE_PC, SET_GHOST_FILE,
    SET_GHOST_STATUS, SET_DEBUG_LEVEL,
};

static unsigned non_negative(int v)
{
    return v < 0 ? 0u : (unsigned)v;
}

static int apply_setting(struct hv_router *r, enum setting s, const char *v)
{
    struct vm_config *cfg = &r->cfg;
    int n = hv_arg_int(v);
    switch (s) {
    case SET_RAM: cfg->ram_mb = non_negative(n); break;
    case SET_NVRAM: cfg->nvram_kb = non_negative(n); break;
    case SET_RAM_MMAP: cfg->ram_mmap = n != 0; break;
    case SET_SPARSE_MEM: cfg->sparse_mem = n != 0; break;
    case SET_CLOCK_DIVISOR:
        if (n > 0) /* 0 is ignored, the value is kept */
            cfg->clock_divisor = (unsigned)n;
        break;
    case SET_BLK_DIRECT_JUMP: cfg->blk_direct_jump = n != 0; break;
    case SET_EXEC_AREA: cfg->exec_area_mb = non_negative(n); break;
    case SET_DISK0: cfg->disk0_mb = non_negative(n); break;
    case SET_DISK1: cfg->disk1_mb = non_negative(n); break;
    case SET_CONF_REG: cfg->confreg = (uint32_t)hv_arg_num(v); break;
    case SET_CON_TCP_PORT:
        cfg->con.type = VTTY_TCP;
        cfg->con.tcp_port = n;
        break;
    case SET_AUX_TCP_PORT:
        cfg->aux.type = VTTY_TCP;
        cfg->aux.tcp_port = n;
        break;
    case SET_IDLE_PC: cfg->idle_pc = hv_arg_num(v); break;
    case SET_GHOST_FILE: return set_string(&cfg->ghost_file, v);
    case SET_GHOST_STATUS: cfg->ghost_status = n; break;
    case SET_DEBUG_LEVEL: cfg->debug_level = n; break;
    }
    return 0;
}

static void do_setting(struct hv_ctx *c, char **argv, enum setting s)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    if (apply_setting(hv_router_of(obj), s, argv[1]) < 0)
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
    else
        hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

#define SETTING_CMD(fn, which)                                                \
    static void fn(struct hv_ctx *c, int argc, char **argv)                   \
    {                                                                         \
        do_setting(c, argv, which);                                           \
    }
SETTING_CMD(cmd_set_ram, SET_RAM)
SETTING_CMD(cmd_set_nvram, SET_NVRAM)
SETTING_CMD(cmd_set_ram_mmap, SET_RAM_MMAP)
SETTING_CMD(cmd_set_sparse_mem, SET_SPARSE_MEM)
SETTING_CMD(cmd_set_clock_divisor, SET_CLOCK_DIVISOR)
SETTING_CMD(cmd_set_blk_direct_jump, SET_BLK_DIRECT_JUMP)
SETTING_CMD(cmd_set_exec_area, SET_EXEC_AREA)
SETTING_CMD(cmd_set_disk0, SET_DISK0)
SETTING_CMD(cmd_set_disk1, SET_DISK1)
SETTING_CMD(cmd_set_conf_reg, SET_CONF_REG)
SETTING_CMD(cmd_set_con_tcp_port, SET_CON_TCP_PORT)
SETTING_CMD(cmd_set_aux_tcp_port, SET_AUX_TCP_PORT)
SETTING_CMD(cmd_set_idle_pc, SET_IDLE_PC)
SETTING_CMD(cmd_set_ghost_file, SET_GHOST_FILE)
SETTING_CMD(cmd_set_ghost_status, SET_GHOST_STATUS)
SETTING_CMD(cmd_set_debug_level, SET_DEBUG_LEVEL)

/* ------------------------------------------------ NVRAM config transfer */

/*
 * Both work on the NVRAM image file "<prefix>_nvram" (or the platform's
 * equivalent) in the current directory, through the machine's hooks, so a
 * halted or never-started VM is fine (§5.2.4).
 */
static void cmd_extract_config(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    char err[512] = "";
    char *cs = NULL, *cp = NULL;
    size_t slen = 0, plen = 0;
    int rc = r->mops->extract_config
                 ? r->mops->extract_config(&r->cfg, r->prefix, &cs, &slen,
                                           &cp, &plen, err, sizeof(err))
                 : -ENOTSUP;
    char *s = NULL, *p = NULL;
    if (rc == 0) {
        s = hv_b64_encode((const uint8_t *)(cs ? cs : ""), slen);
        p = hv_b64_encode((const uint8_t *)(cp ? cp : ""), plen);
    }
    free(cs);
    free(cp);
    if (rc < 0) {
        log_msg(r->log, "VM", "%s: extract_config: %s", obj->name,
                err[0] ? err : strerror(-rc));
        hv_err(c, HSC_ERR_CREATE, "unable to extract config of VM '%s'",
               argv[0]);
    } else if (!s || !p) {
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
    } else {
        hv_ok(c, "conf '%s' '%s' '%s'", argv[0], s, p);
    }
    free(s);
    free(p);
    hv_router_unlock(c->hv, obj);
}

/* A Base64 argument or "(keep)" (NULL: keep what NVRAM holds). */
static int push_arg(const char *arg, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (!arg || strcmp(arg, "(keep)") == 0)
        return 0;
    long n = hv_b64_decode(arg, data);
    if (n < 0)
        return -EINVAL;
    *len = (size_t)n;
    return 0;
}

static void cmd_push_config(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    uint8_t *s = NULL, *p = NULL;
    size_t slen = 0, plen = 0;
    char err[512] = "";
    int rc = -ENOTSUP;
    /*
     * The hook must not run under a running CPU (core/vm.h): a running
     * router is paused around it, as Dynagen's push and import are meant
     * for live labs. NVRAM (and the ROM flash that holds it on some
     * models) maps its file shared, so the guest sees the new contents
     * when it reads them (at its next reload, as IOS does).
     */
    if (push_arg(argv[1], &s, &slen) < 0 ||
        push_arg(argc > 2 ? argv[2] : NULL, &p, &plen) < 0) {
        snprintf(err, sizeof(err), "invalid Base64 data");
    } else if (r->mops->push_config) {
        int running = hv_router_status(r) == VM_RUNNING;
        if (running)
            vm_suspend(r->vm); /* the CPU stops between two slices */
        if (running && vm_get_status(r->vm) != VM_SUSPENDED)
            snprintf(err, sizeof(err), "the CPU stopped");
        else
            rc = r->mops->push_config(&r->cfg, r->prefix, (const char *)s,
                                      slen, (const char *)p, plen, err,
                                      sizeof(err));
        if (running && vm_get_status(r->vm) == VM_SUSPENDED)
            vm_resume(r->vm);
    }
    free(s);
    free(p);
    if (rc < 0) {
        log_msg(r->log, "VM", "%s: push_config: %s", obj->name,
                err[0] ? err : strerror(-rc));
        hv_err(c, HSC_ERR_CREATE, "unable to push IOS config for VM '%s'",
               argv[0]);
    } else {
        hv_ok(c, "IOS config file pushed tm VM '%s'", argv[0]); /* sic */
    }
    hv_router_unlock(c->hv, obj);
}

/* ------------------------------------------------ hypervisor save_config */

struct save_ctx {
    FILE *f;
};

static void save_one(struct hv_ctx *c, struct hv_obj *obj, void *arg)
{
    FILE *f = ((struct save_ctx *)arg)->f;
    struct hv_router *r = hv_router_of(obj);
    const struct vm_config *cfg = &r->cfg;
    const char *n = obj->name;
    /* Names and paths quoted: replayable even with blanks (§10). */
    fprintf(f, "vm create \"%s\" %d %s\n", n, cfg->instance_id,
            r->plat->name);
    if (cfg->image)
        fprintf(f, "vm set_ios \"%s\" \"%s\"\n", n, cfg->image);
    fprintf(f, "vm set_ram \"%s\" %u\n", n, cfg->ram_mb);
    fprintf(f, "vm set_nvram \"%s\" %u\n", n, cfg->nvram_kb);
    fprintf(f, "vm set_ram_mmap \"%s\" %d\n", n, cfg->ram_mmap);
    fprintf(f, "vm set_clock_divisor \"%s\" %u\n", n, cfg->clock_divisor);
    fprintf(f, "vm set_conf_reg \"%s\" 0x%04x\n", n, cfg->confreg);
    if (cfg->con.type == VTTY_TCP)
        fprintf(f, "vm set_con_tcp_port \"%s\" %d\n", n, cfg->con.tcp_port);
    if (cfg->aux.type == VTTY_TCP)
        fprintf(f, "vm set_aux_tcp_port \"%s\" %d\n", n, cfg->aux.tcp_port);
    /* c3600 chassis first: it decides the built-in slot-0 card */
    if (cfg->chassis && hv_platform_mid_find(r->plat->name))
        fprintf(f, "%s set_chassis \"%s\" %s\n", r->plat->name, n,
                cfg->chassis);
    for (int s = 0; s < HV_SLOTS; s++)
        for (int ss = 0; ss < HV_SUBSLOTS; ss++)
            if (r->cards[s][ss] && !hv_mid_builtin_card(r, s, ss))
                fprintf(f, "vm slot_add_binding \"%s\" %d %d %s\n", n, s,
                        ss * 16, r->cards[s][ss]);
    for (struct hv_nio_binding *b = r->nios; b; b = b->next)
        fprintf(f, "vm slot_add_nio_binding \"%s\" %d %d \"%s\"\n", n,
                b->slot, b->port, b->nio->name);
    if (strcmp(r->plat->name, "c7200") == 0) {
        fprintf(f, "c7200 set_npe \"%s\" %s\n", n, cfg->npe ? cfg->npe : "");
        fprintf(f, "c7200 set_midplane \"%s\" %s\n", n,
                cfg->midplane ? cfg->midplane : "");
        if (cfg->mac)
            fprintf(f, "c7200 set_mac_addr \"%s\" %s\n", n, cfg->mac);
    } else if (hv_platform_mid_find(r->plat->name)) {
        /* c3600, c2691, c3725, c3745 (§5.4) */
        if (cfg->iomem_pct)
            fprintf(f, "%s set_iomem \"%s\" %u\n", r->plat->name, n,
                    cfg->iomem_pct);
        if (cfg->mac)
            fprintf(f, "%s set_mac_addr \"%s\" %s\n", r->plat->name, n,
                    cfg->mac);
    }
    fprintf(f, "\n");
}

void hv_vm_save_config(struct hypervisor *hv, FILE *f)
{
    struct hv_reply scratch;
    hv_reply_init(&scratch);
    struct hv_ctx c = {.hv = hv, .reply = &scratch};
    struct save_ctx s = {f};
    hv_obj_foreach(&c, HV_KIND_VM, save_one, &s);
    hv_reply_free(&scratch);
}

/* ------------------------------------------------------------- table */

static const struct hv_cmd vm_cmds[] = {
    {"create", 3, 3, cmd_create},
    {"rename", 2, 2, cmd_rename},
    {"delete", 1, 1, cmd_delete},
    {"clean_delete", 1, 1, cmd_clean_delete},
    {"start", 1, 1, cmd_start},
    {"stop", 1, 1, cmd_stop},
    {"suspend", 1, 1, cmd_suspend},
    {"resume", 1, 1, cmd_resume},
    {"get_status", 1, 1, cmd_get_status},
    {"list", 0, 0, cmd_list},
    {"list_con_ports", 0, 0, cmd_list_con_ports},
    {"set_ios", 2, 2, cmd_set_ios},
    {"set_config", 2, 3, cmd_set_config},
    {"set_ram", 2, 2, cmd_set_ram},
    {"set_nvram", 2, 2, cmd_set_nvram},
    {"set_ram_mmap", 2, 2, cmd_set_ram_mmap},
    {"set_sparse_mem", 2, 2, cmd_set_sparse_mem},
    {"set_clock_divisor", 2, 2, cmd_set_clock_divisor},
    {"set_blk_direct_jump", 2, 2, cmd_set_blk_direct_jump},
    {"set_exec_area", 2, 2, cmd_set_exec_area},
    {"set_disk0", 2, 2, cmd_set_disk0},
    {"set_disk1", 2, 2, cmd_set_disk1},
    {"set_conf_reg", 2, 2, cmd_set_conf_reg},
    {"set_con_tcp_port", 2, 2, cmd_set_con_tcp_port},
    {"set_aux_tcp_port", 2, 2, cmd_set_aux_tcp_port},
    {"set_idle_pc", 2, 2, cmd_set_idle_pc},
    {"set_ghost_file", 2, 2, cmd_set_ghost_file},
    {"set_ghost_status", 2, 2, cmd_set_ghost_status},
    {"set_debug_level", 2, 2, cmd_set_debug_level},
    {"extract_config", 1, 1, cmd_extract_config},
    {"push_config", 2, 3, cmd_push_config},
    HV_VM_RUN_CMDS
};

HV_MODULE(hv_mod_vm, "vm", vm_cmds);
