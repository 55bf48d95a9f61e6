/*
 * Module "vm", second half: the running CPU (idle-PC, timers, usage),
 * console/AUX injection and slot bindings (hypervisor.md §5.2.3, §5.2.5,
 * §5.2.7).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/log.h"
#include "hv/hv_b64.h"
#include "hv/hv_router.h"
#include "hv/hv_vm_cmds.h"

#define IDLE_SAMPLES 1000 /* §5.2.3: 1000 samples ... */
#define IDLE_SAMPLE_MS 10 /* ... 10 ms apart */

/*
 * "<vm> <cpu> ...": the VM named by argv[0], locked (*obj, *r), and its
 * live CPU named by argv[1]. NULL after a 208 reply, or a 212 one with the
 * VM unlocked again.
 */
static struct mips_cpu *vm_live_cpu(struct hv_ctx *c, char **argv,
                                    struct hv_obj **obj, struct hv_router **r)
{
    *obj = hv_vm_find(c, argv[0]);
    if (!*obj)
        return NULL;
    *r = hv_router_of(*obj);
    if (hv_router_status(*r) == VM_HALTED || !(*r)->vm ||
        hv_arg_int(argv[1]) != 0) {
        hv_err(c, HSC_ERR_BAD_OBJ, "Bad CPU specified");
        hv_router_unlock(c->hv, *obj);
        return NULL;
    }
    return &(*r)->vm->cpu;
}

void hv_vm_cmd_set_idle_pc_online(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj;
    struct hv_router *r;
    struct mips_cpu *cpu = vm_live_cpu(c, argv, &obj, &r);
    if (!cpu)
        return;
    r->cfg.idle_pc = hv_arg_num(argv[2]);
    mips_cpu_set_idle_pc(cpu, r->cfg.idle_pc);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

static void print_idle_props(struct hv_ctx *c, const struct hv_router *r)
{
    for (int i = 0; i < r->nidle_prop; i++)
        hv_info(c, "0x%08x [%u]", r->idle_prop[i].pc, r->idle_prop[i].count);
    hv_ok(c, "OK");
}

/*
 * idle-PC proposals (§5.2.3: blocks about 10 s). Unlike the reference,
 * which samples the PC field from this thread, the CPU thread itself
 * counts the PC at every slice end and probes the hot places for pure
 * polling loops (mips64.md §12 item 9); verified loops come first. The
 * VM lock is dropped while waiting so other commands on the VM (a stop)
 * are not held up.
 */
void hv_vm_cmd_get_idle_pc_prop(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj;
    struct hv_router *r;
    struct mips_cpu *cpu = vm_live_cpu(c, argv, &obj, &r);
    if (!cpu)
        return;
    int n = mips_cpu_idle_calib_start(cpu, IDLE_SAMPLES * IDLE_SAMPLE_MS);
    if (n < 0) {
        hv_err(c, HSC_ERR_UNSPECIFIED, n == -EBUSY ? "a measurement is "
               "already running" : "out of memory");
        hv_router_unlock(c->hv, obj);
        return;
    }
    struct mips_idle_prop props[HV_IDLE_PROPS];
    int lost = 0;
    do {
        pthread_mutex_unlock(&obj->mtx);
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&obj->mtx);
        if (obj->deleted || !r->vm || &r->vm->cpu != cpu ||
            vm_get_status(r->vm) != VM_RUNNING || hv_is_stopping(c->hv)) {
            lost = 1;
            break;
        }
        n = mips_cpu_idle_calib_result(cpu, props, HV_IDLE_PROPS);
    } while (n == -EAGAIN);
    if (lost) {
        if (!obj->deleted && r->vm && &r->vm->cpu == cpu)
            mips_cpu_idle_calib_cancel(cpu);
        hv_err(c, HSC_ERR_BAD_OBJ, "Bad CPU specified");
        hv_router_unlock(c->hv, obj);
        return;
    }
    uint64_t found = mips_cpu_idle_pc(cpu);
    if (n <= 0 && found) { /* slept all along in the loop it found */
        props[0] = (struct mips_idle_prop){(uint32_t)found, 0, 1};
        n = 1;
    }
    r->nidle_prop = n > 0 ? n : 0;
    for (int i = 0; i < r->nidle_prop; i++) {
        r->idle_prop[i].pc = props[i].pc;
        r->idle_prop[i].count = props[i].count;
    }
    print_idle_props(c, r);
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_show_idle_pc_prop(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj;
    struct hv_router *r;
    struct mips_cpu *cpu = vm_live_cpu(c, argv, &obj, &r);
    if (!cpu)
        return;
    uint64_t found = mips_cpu_idle_pc(cpu);
    if (!r->nidle_prop && found) {
        /* No measurement yet: what automatic idle detection found. */
        hv_info(c, "0x%08x [%llu]", (uint32_t)found,
                (unsigned long long)__atomic_load_n(&cpu->idle_sleeps,
                                                    __ATOMIC_RELAXED));
        hv_ok(c, "OK");
    } else {
        print_idle_props(c, r);
    }
    hv_router_unlock(c->hv, obj);
}

/* set_idle_max, or set_idle_sleep_time (microseconds, §5.2.3): a
 * negative value is taken as 0; both parameters go to the live CPU. */
static void set_idle_param(struct hv_ctx *c, char **argv, int sleep_time)
{
    struct hv_obj *obj;
    struct hv_router *r;
    struct mips_cpu *cpu = vm_live_cpu(c, argv, &obj, &r);
    if (!cpu)
        return;
    int v = hv_arg_int(argv[2]);
    unsigned u = v < 0 ? 0u : (unsigned)v;
    if (sleep_time)
        r->cfg.idle_sleep_us = u;
    else
        r->cfg.idle_max = u;
    mips_cpu_set_idle_params(cpu, r->cfg.idle_max, r->cfg.idle_sleep_us);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_set_idle_max(struct hv_ctx *c, int argc, char **argv)
{
    set_idle_param(c, argv, 0);
}

void hv_vm_cmd_set_idle_sleep_time(struct hv_ctx *c, int argc, char **argv)
{
    set_idle_param(c, argv, 1);
}

void hv_vm_cmd_show_timer_drift(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj;
    struct hv_router *r;
    struct mips_cpu *cpu = vm_live_cpu(c, argv, &obj, &r);
    if (!cpu)
        return;
    /* Count follows host time: nothing drifts, nothing is owed. */
    hv_info(c, "Timer Drift: %u", 0u);
    hv_info(c, "Pending Timer IRQ: %u",
            (unsigned)__atomic_load_n(&cpu->timer_pending, __ATOMIC_RELAXED));
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_cpu_info(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    /* Dump to stdout; no CPU is not an error (§5.2.3). */
    if (hv_router_status(r) != VM_HALTED && r->vm &&
        hv_arg_int(argv[1]) == 0) {
        /* one consistent state: the CPU stops between two slices */
        int held = hv_router_hold(r);
        printf("VM '%s', CPU 0:\n", obj->name);
        mips_cpu_dump(&r->vm->cpu, stdout);
        mips_cpu_dump_tlb(&r->vm->cpu, stdout);
        fflush(stdout);
        vm_unhold(r->vm, held);
    }
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_cpu_usage(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    /* §5.2.3: CPU time of the whole process, whole seconds. */
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0) {
        /* the reference sends nothing here (§10): always answer */
        hv_err(c, HSC_ERR_UNSPECIFIED, "getrusage: %s", strerror(errno));
    } else {
        long s = (long)ru.ru_utime.tv_sec + (long)ru.ru_stime.tv_sec +
                 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000000;
        hv_info(c, "%ld", s);
        hv_ok(c, "OK");
    }
    hv_router_unlock(c->hv, obj);
}

/* -------------------------------------------------- console injection */

static void send_msg(struct hv_ctx *c, int argc, char **argv, int aux)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    struct vtty *vt = NULL;
    if (hv_router_status(r) != VM_HALTED && r->vm)
        vt = aux ? r->vm->aux : r->vm->con;
    const char *fmt = argc > 2 ? argv[2] : "plain";
    uint8_t *data = NULL;
    long len = -1;
    if (vt && strcmp(fmt, "plain") == 0) {
        len = (long)strlen(argv[1]);
        vtty_inject(vt, argv[1], (size_t)len);
    } else if (vt && strcmp(fmt, "base64") == 0) {
        len = hv_b64_decode(argv[1], &data);
        if (len >= 0)
            vtty_inject(vt, data, (size_t)len);
        free(data);
    }
    if (len == -2)
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
    else if (len < 0)
        hv_err(c, HSC_ERR_INV_PARAM, "Invalid parameter");
    else
        hv_ok(c, "%ld byte(s) written", len);
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_send_con_msg(struct hv_ctx *c, int argc, char **argv)
{
    send_msg(c, argc, argv, 0);
}

void hv_vm_cmd_send_aux_msg(struct hv_ctx *c, int argc, char **argv)
{
    send_msg(c, argc, argv, 1);
}

/* ------------------------------------------------------------- slots */

/*
 * Cards and NIO bindings are recorded in the router and put into the
 * hardware while it exists (hv_router.c). On a running VM (§5.2.5): a card
 * added is only recorded until `slot_oir_start`; an active card leaves only
 * after `slot_oir_stop`; a NIO binding added is attached by
 * `slot_enable_nio`.
 */

/* Sub-slot of a binding port: 0 the module, 16*(w+1) WIC w (§5.2.5). */
static int port_subslot(int port)
{
    if (port == 0)
        return 0;
    if (port > 0 && port % 16 == 0 && port / 16 < HV_SUBSLOTS)
        return port / 16;
    return -1;
}

/* The card a NIO port belongs to: ports 16*(w+1)+p are WIC w's. */
static const char *port_card(const struct hv_router *r, int slot, int port)
{
    if (slot < 0 || slot >= HV_SLOTS || port < 0)
        return NULL;
    int ss = port / 16;
    return ss < HV_SUBSLOTS ? r->cards[slot][ss] : NULL;
}

static int slot_arg(const char *s)
{
    int v = hv_arg_int(s);
    return v < 0 ? 0 : v; /* a negative slot is taken as 0 (§5.2.5) */
}

/* The VM has hardware: running or suspended. */
static int live(struct hv_router *r)
{
    int st = hv_router_status(r);
    return r->vm && (st == VM_RUNNING || st == VM_SUSPENDED);
}

static struct nio *nio_of(struct hv_obj *nio_obj)
{
    return nio_obj->data; /* HV_KIND_NIO objects hold their struct nio */
}

void hv_vm_cmd_slot_bindings(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    for (int s = 0; s < HV_SLOTS; s++)
        for (int ss = 0; ss < HV_SUBSLOTS; ss++)
            if (r->cards[s][ss]) /* the sub-card itself (§10) */
                hv_info(c, "%d/%d: %s", s, ss, r->cards[s][ss]);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_slot_nio_bindings(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = slot_arg(argv[1]);
    for (struct hv_nio_binding *b = r->nios; b; b = b->next)
        if (b->slot == slot)
            hv_info(c, "%d: %s", b->port, b->nio->name);
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_slot_add_binding(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = slot_arg(argv[1]), port = hv_arg_int(argv[2]);
    int ss = port_subslot(port);
    /* Unlike the reference, a slot the platform lacks and a card in the
     * wrong place are refused (§5.2.5). */
    int ok = slot < r->plat->nslots && ss >= 0 && !r->cards[slot][ss] &&
             (ss == 0 || r->cards[slot][0]);
    int why = ok ? r->plat->card_ok(slot, ss, argv[3]) : 0;
    char *card = ok && why == 0 ? strdup(argv[3]) : NULL;
    if (!card) {
        if (why < 0)
            log_msg(r->log, "VM", "%s: %s in slot %d/%d: %s", obj->name,
                    argv[3], slot, ss,
                    why == -ENOENT ? "unknown card"
                                   : "card does not fit this slot");
        hv_err(c, HSC_ERR_BINDING, "VM %s: unable to add binding for slot "
               "%d/%d", argv[0], slot, port);
    } else {
        r->cards[slot][ss] = card;
        if (live(r))
            log_msg(r->log, "VM", "%s: %s recorded in slot %d/%d; not in "
                    "the hardware until OIR start", obj->name, card, slot,
                    ss);
        hv_ok(c, "OK");
    }
    hv_router_unlock(c->hv, obj);
}

static void drop_nio_binding(struct hv_router *r, struct hv_nio_binding **pp)
{
    struct hv_nio_binding *b = *pp;
    if (b->active && r->vm && r->plat->unbind)
        r->plat->unbind(r->vm, b->slot, b->port);
    *pp = b->next;
    hv_obj_unref(&r->hv->reg, b->nio);
    hv_obj_put(&r->hv->reg, b->nio);
    free(b);
}

void hv_vm_cmd_slot_remove_binding(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = slot_arg(argv[1]), port = hv_arg_int(argv[2]);
    int ss = port_subslot(port);
    int ok = slot < HV_SLOTS && ss >= 0 && r->cards[slot][ss];
    /* A module goes after its WICs. */
    for (int w = 1; ok && ss == 0 && w < HV_SUBSLOTS; w++)
        if (r->cards[slot][w])
            ok = 0;
    /* A card in the running hardware goes by slot_oir_stop first. */
    if (ok && live(r) && r->card_active[slot][ss])
        ok = 0;
    if (!ok) {
        hv_err(c, HSC_ERR_BINDING, "VM %s: unable to remove binding for slot "
               "%d/%d", argv[0], slot, port);
    } else {
        /* its NIO bindings go with it */
        for (struct hv_nio_binding **pp = &r->nios; *pp;) {
            if ((*pp)->slot == slot && (*pp)->port / 16 == ss)
                drop_nio_binding(r, pp);
            else
                pp = &(*pp)->next;
        }
        free(r->cards[slot][ss]);
        r->cards[slot][ss] = NULL;
        r->card_active[slot][ss] = 0;
        hv_ok(c, "OK");
    }
    hv_router_unlock(c->hv, obj);
}

static struct hv_nio_binding **find_nio_binding(struct hv_router *r,
                                                int slot, int port)
{
    for (struct hv_nio_binding **pp = &r->nios; *pp; pp = &(*pp)->next)
        if ((*pp)->slot == slot && (*pp)->port == port)
            return pp;
    return NULL;
}

void hv_vm_cmd_slot_add_nio_binding(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = slot_arg(argv[1]), port = hv_arg_int(argv[2]);
    const char *card = port_card(r, slot, port);
    struct hv_obj *nio = NULL;
    struct hv_nio_binding *b = NULL;
    /* Unlike the reference, the port must exist on the card (§5.2.5). */
    int ports = card && r->plat->card_ports ? r->plat->card_ports(card) : 0;
    if (card && port % 16 < ports && !find_nio_binding(r, slot, port))
        nio = hv_obj_get(&c->hv->reg, HV_KIND_NIO, argv[3]);
    if (nio)
        b = calloc(1, sizeof(*b));
    if (!b) {
        hv_obj_put(&c->hv->reg, nio);
        hv_err(c, HSC_ERR_BINDING, "VM %s: unable to add binding for slot "
               "%d/%d", argv[0], slot, port);
        hv_router_unlock(c->hv, obj);
        return;
    }
    b->slot = slot;
    b->port = port;
    b->nio = nio; /* the hold keeps the object, the ref blocks delete */
    hv_obj_ref(&c->hv->reg, nio);
    b->next = r->nios;
    r->nios = b;
    /* Halted: attached at start. Running: by slot_enable_nio. */
    hv_ok(c, "OK");
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_slot_remove_nio_binding(struct hv_ctx *c, int argc,
                                       char **argv)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = slot_arg(argv[1]), port = hv_arg_int(argv[2]);
    struct hv_nio_binding **pp = find_nio_binding(r, slot, port);
    if (!pp) {
        hv_err(c, HSC_ERR_BINDING, "VM %s: unable to remove NIO binding for "
               "slot %d/%d", argv[0], slot, port);
    } else {
        live(r); /* frees the hardware of a CPU that stopped by itself */
        drop_nio_binding(r, pp);
        hv_ok(c, "OK");
    }
    hv_router_unlock(c->hv, obj);
}

/* Attach / detach a recorded binding on the running hardware. */
static void nio_switch(struct hv_ctx *c, char **argv, int enable)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = slot_arg(argv[1]), port = hv_arg_int(argv[2]);
    struct hv_nio_binding **pp = find_nio_binding(r, slot, port);
    struct hv_nio_binding *b = pp ? *pp : NULL;
    int ok = b && live(r) && r->card_active[slot][port / 16];
    if (ok && enable && !b->active) {
        ok = r->plat->bind &&
             r->plat->bind(r->vm, slot, port, nio_of(b->nio)) == 0;
        b->active = ok;
    } else if (ok && !enable && b->active) {
        ok = r->plat->unbind && r->plat->unbind(r->vm, slot, port) == 0;
        b->active = !ok;
    }
    if (ok)
        hv_ok(c, "OK");
    else
        hv_err(c, HSC_ERR_BINDING, "VM %s: unable to %s NIO for slot %d/%d",
               argv[0], enable ? "enable" : "disable", slot, port);
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_slot_enable_nio(struct hv_ctx *c, int argc, char **argv)
{
    nio_switch(c, argv, 1);
}

void hv_vm_cmd_slot_disable_nio(struct hv_ctx *c, int argc, char **argv)
{
    nio_switch(c, argv, 0);
}

/*
 * Online insertion/removal of a recorded card (§5.2.5). Slot 0 and
 * sub-slots never change while running; a card inserted gets its recorded
 * NIO bindings attached, one removed loses them (they stay recorded).
 */
static void oir(struct hv_ctx *c, char **argv, int start)
{
    struct hv_obj *obj = hv_vm_find(c, argv[0]);
    if (!obj)
        return;
    struct hv_router *r = hv_router_of(obj);
    int slot = hv_arg_int(argv[1]), ss = hv_arg_int(argv[2]);
    int ok = live(r) && slot > 0 && slot < HV_SLOTS && ss == 0 &&
             r->cards[slot][0] && r->card_active[slot][0] != start;
    /* The machine pauses and resumes the CPU around the change: a VM the
     * user suspended must stay suspended. */
    int suspended = ok && vm_get_status(r->vm) == VM_SUSPENDED;
    if (ok && start) {
        ok = r->plat->insert &&
             r->plat->insert(r->vm, slot, 0, r->cards[slot][0]) == 0;
        r->card_active[slot][0] = ok;
        for (struct hv_nio_binding *b = r->nios; ok && b; b = b->next)
            if (b->slot == slot && b->port < 16)
                b->active = r->plat->bind &&
                            r->plat->bind(r->vm, slot, b->port,
                                          nio_of(b->nio)) == 0;
    } else if (ok) {
        ok = r->plat->remove && r->plat->remove(r->vm, slot, 0) == 0;
        if (ok) {
            r->card_active[slot][0] = 0;
            for (struct hv_nio_binding *b = r->nios; b; b = b->next)
                if (b->slot == slot && b->port < 16)
                    b->active = 0; /* released with the card */
        }
    }
    if (suspended && vm_get_status(r->vm) == VM_RUNNING)
        vm_suspend(r->vm);
    if (ok)
        hv_ok(c, "OK");
    else
        hv_err(c, start ? HSC_ERR_START : HSC_ERR_STOP,
               "VM %s: unable to engage OIR for slot %d/%d", argv[0], slot,
               ss);
    hv_router_unlock(c->hv, obj);
}

void hv_vm_cmd_slot_oir_start(struct hv_ctx *c, int argc, char **argv)
{
    oir(c, argv, 1);
}

void hv_vm_cmd_slot_oir_stop(struct hv_ctx *c, int argc, char **argv)
{
    oir(c, argv, 0);
}
