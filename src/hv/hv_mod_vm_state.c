/*
 * Module "vm", commands of this implementation beyond the reference's
 * (hypervisor.md lists them nowhere; the reference answers 200 Unknown
 * command to each):
 *
 *   vm set_auto_idle <name> <0|1>   automatic idle detection (on by
 *                                   default, off with -H --no-auto-idle);
 *                                   stored, and applied to a live CPU
 *   vm show_auto_idle <name> <cpu>  101 line: the idle PC in use and how
 *                                   it was found, sleeps, probes
 *   vm save_state <name> <file>     snapshot a running or suspended VM
 *   vm load_state <name> <file>     restore it (the VM is stopped first,
 *                                   then built again and run from there)
 */
#include <errno.h>
#include <string.h>

#include "core/log.h"
#include "hv/hv_router.h"
#include "hv/hv_vm_cmds.h"

void hv_vm_cmd_set_auto_idle(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    r->cfg.auto_idle = hv_arg_int(argv[1]) != 0;
    if (hv_router_status(r) != VM_HALTED && r->vm)
        mips_cpu_set_auto_idle(&r->vm->cpu, r->cfg.auto_idle);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_show_auto_idle(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    if (hv_router_status(r) == VM_HALTED || !r->vm ||
        hv_arg_int(argv[1]) != 0) {
        hv_err(c, HSC_ERR_BAD_OBJ, "Bad CPU specified");
    } else {
        char line[320];
        mips_cpu_idle_describe(&r->vm->cpu, line, sizeof(line));
        hv_info(c, "%s", line);
        hv_ok(c, "OK");
    }
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_save_state(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    char err[512] = "";
    if (hv_router_save_state(r, argv[1], err, sizeof(err)) < 0) {
        log_msg(r->log, "VM", "%s: save_state %s: %s", argv[0], argv[1], err);
        hv_err(c, HSC_ERR_CREATE, "unable to save the state of VM '%s': %s",
               argv[0], err);
    } else {
        hv_ok(c, "VM '%s' state saved", argv[0]);
    }
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_load_state(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    char err[512] = "";
    if (hv_router_load_state(r, argv[1], err, sizeof(err)) < 0) {
        log_msg(r->log, "VM", "%s: load_state %s: %s", argv[0], argv[1], err);
        hv_err(c, HSC_ERR_START, "unable to restore VM '%s': %s", argv[0],
               err);
    } else {
        hv_ok(c, "VM '%s' restored", argv[0]);
    }
    hv_router_unlock(c->hv, obj);
}
