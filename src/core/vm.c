/* Virtual router life cycle: create, start the CPU thread, stop, destroy. */
#include "core/vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "cpu/mips64/jit.h"
#include "mem/elf_load.h"
#include "mem/ghost.h"

extern const struct machine_ops c7200_machine_ops;
extern const struct machine_ops c3600_machine_ops, c2691_machine_ops,
    c3725_machine_ops, c3745_machine_ops;

const struct machine_ops *machine_find(const char *platform)
{
    static const struct machine_ops *const all[] = {
        &c7200_machine_ops, &c3600_machine_ops, &c2691_machine_ops,
        &c3725_machine_ops, &c3745_machine_ops};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(all[i]->name, platform) == 0)
            return all[i];
    return NULL;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void vm_config_init(struct vm_config *cfg, const struct machine_ops *mops)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->name = strdup("default");
    cfg->platform = mops->name;
    cfg->ram_mmap = 1;
    cfg->confreg = 0x2102; /* c7200.md §18 */
    cfg->con.type = VTTY_TERM;
    cfg->con.port_name = "Console";
    cfg->aux.type = VTTY_NONE;
    cfg->aux.port_name = "AUX";
    /* hypervisor.md §6.1, common to all platforms */
    cfg->blk_direct_jump = 1;
    cfg->jit = 1; /* -j: interpreter only */
    cfg->idle_max = 500;
    cfg->idle_sleep_us = 30000;
    cfg->auto_idle = 1;
    if (mops->defaults)
        mops->defaults(cfg);
}

void vm_config_free(struct vm_config *cfg)
{
    free(cfg->name);
    free(cfg->image);
    free(cfg->npe);
    free(cfg->midplane);
    free(cfg->chassis);
    free(cfg->mac);
    free(cfg->trace_path);
    free(cfg->startup_config);
    free(cfg->private_config);
    free(cfg->system_id);
    free(cfg->ghost_file);
    memset(cfg, 0, sizeof(*cfg));
}

static void config_copy(struct vm_config *dst, const struct vm_config *src)
{
    *dst = *src;
    dst->name = dup_or_null(src->name);
    dst->image = dup_or_null(src->image);
    dst->npe = dup_or_null(src->npe);
    dst->midplane = dup_or_null(src->midplane);
    dst->chassis = dup_or_null(src->chassis);
    dst->mac = dup_or_null(src->mac);
    dst->trace_path = dup_or_null(src->trace_path);
    dst->startup_config = dup_or_null(src->startup_config);
    dst->private_config = dup_or_null(src->private_config);
    dst->system_id = dup_or_null(src->system_id);
    dst->ghost_file = dup_or_null(src->ghost_file);
}

void vm_file_path(const struct vm *vm, const char *suffix, char *buf,
                  size_t len)
{
    snprintf(buf, len, "%s_%s", vm->file_prefix, suffix);
}

int vm_ram_alloc(struct vm *vm, size_t size, char *err, size_t errlen)
{
    const struct vm_config *cfg = &vm->cfg;
    const char *ghost = cfg->ghost_file;
    if ((cfg->ghost_status == 1 || cfg->ghost_status == 2) &&
        (!ghost || !*ghost)) {
        log_msg(vm->log, "VM", "%s: ghost status %d without a ghost file: "
                "ignored", cfg->name, cfg->ghost_status);
    } else if (cfg->ghost_status == 1) {
        return ghost_generate_begin(&vm->ram, ghost, size, err, errlen);
    } else if (cfg->ghost_status == 2) {
        struct ghost_info gi;
        char why[512];
        int rc = ghost_read_info(ghost, size, &gi, why, sizeof(why));
        if (rc == 0)
            rc = ghost_check_image(&gi, cfg->image, why, sizeof(why));
        if (rc == 0)
            rc = ghost_map(&vm->ram, ghost, size, &gi, why, sizeof(why));
        if (rc == 0) {
            vm->ghost_entry = gi.entry;
            log_msg(vm->log, "VM", "%s: RAM is the ghost %s (%s), shared "
                    "copy-on-write", cfg->name, ghost, gi.image_name);
            return 0;
        }
        log_msg(vm->log, "VM", "%s: ghost RAM not used: %s; loading the "
                "image", cfg->name, why);
    }
    char path[300];
    int file = cfg->ram_mmap && !cfg->sparse_mem;
    vm_file_path(vm, "ram", path, sizeof(path));
    int rc = ram_alloc(&vm->ram, size, file ? path : NULL);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot allocate %zu MB of RAM%s%s: %s",
                    size >> 20, file ? " in " : "", file ? path : "",
                    strerror(-rc));
    return 0;
}

int vm_load_image(struct vm *vm, uint64_t *entry, char *err, size_t errlen)
{
    if (vm->ram.backing == RAM_GHOST) {
        *entry = vm->ghost_entry; /* the ghost holds the image */
        return 0;
    }
    struct elf_image_info info;
    int rc = elf_load_file(&vm->pm, vm->cfg.image, &info, err, errlen);
    if (rc < 0)
        return rc;
    *entry = info.entry;
    log_msg(vm->log, "VM", "%s: loaded %s (%d segment%s, entry 0x%08llx)",
            vm->cfg.name, vm->cfg.image, info.segments,
            info.segments == 1 ? "" : "s", (unsigned long long)info.entry);
    if (vm->ram.backing == RAM_GHOST_GEN) {
        rc = ghost_generate_commit(&vm->ram, vm->mops->name, vm->cfg.image,
                                   info.entry, err, errlen);
        if (rc < 0)
            return rc;
        log_msg(vm->log, "VM", "%s: ghost RAM file %s generated",
                vm->cfg.name, vm->ram.ghost_path);
    }
    return 0;
}

/* Ctrl-] monitor keys on the console. */
static void vm_monitor(void *arg, struct vtty *vt, int key)
{
    struct vm *vm = arg;
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return;
    switch (key) {
    case 'q':
        fprintf(out, "\r\n[monitor] stopping the router\r\n");
        vm_request_poweroff(vm);
        break;
    case 'r':
        mips_cpu_dump(&vm->cpu, out);
        break;
    case 't':
        mips_cpu_dump_tlb(&vm->cpu, out);
        break;
    case 'd':
        if (vm->mops->show_devices)
            vm->mops->show_devices(vm, out);
        break;
    case 'i': {
        char idle[320];
        mips_cpu_idle_describe(&vm->cpu, idle, sizeof(idle));
        fprintf(out, "\n%s\n", idle);
        break;
    }
    default:
        fprintf(out, "\r\nMonitor keys (after Ctrl-]):\r\n"
                     "  q  stop the router\r\n"
                     "  r  dump CPU registers\r\n"
                     "  t  dump TLB entries\r\n"
                     "  d  list devices\r\n"
                     "  i  idle PC (by hand or found automatically)\r\n"
                     "  Ctrl-]  send Ctrl-] to the router\r\n");
        break;
    }
    fclose(out);
    /* Terminal needs CR LF. */
    char *p = text;
    for (char *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        char line[512];
        size_t n = (size_t)(nl - p);
        if (n && p[n - 1] == '\r')
            n--;
        if (n > sizeof(line) - 3)
            n = sizeof(line) - 3;
        memcpy(line, p, n);
        memcpy(line + n, "\r\n", 3);
        vtty_print(vt, line);
    }
    if (*p)
        vtty_print(vt, p);
    free(text);
}

struct vm *vm_create(const struct vm_config *cfg,
                     const struct machine_ops *mops, struct logger *log,
                     struct evloop *ev, char *err, size_t errlen)
{
    struct vm *vm = calloc(1, sizeof(*vm));
    if (!vm) {
        errf(err, errlen, -ENOMEM, "out of memory");
        return NULL;
    }
    config_copy(&vm->cfg, cfg);
    vm->mops = mops;
    vm->log = log;
    vm->ev = ev;
    vm->status = VM_HALTED;
    if (cfg->file_naming_by_id)
        snprintf(vm->file_prefix, sizeof(vm->file_prefix), "%s_i%d",
                 mops->name, cfg->instance_id);
    else
        snprintf(vm->file_prefix, sizeof(vm->file_prefix), "%s_%s",
                 mops->name, cfg->name);

    if (cfg->trace_path) {
        vm->trace = fopen(cfg->trace_path, "w");
        if (!vm->trace) {
            errf(err, errlen, -errno, "%s: %s", cfg->trace_path,
                 strerror(errno));
            goto fail;
        }
    }

    struct vtty_config con = cfg->con, aux = cfg->aux;
    con.vm_name = aux.vm_name = vm->cfg.name;
    con.vm_id = aux.vm_id = cfg->instance_id;
    con.platform = aux.platform = mops->name;
    if (!con.port_name)
        con.port_name = "Console";
    if (!aux.port_name)
        aux.port_name = "AUX";
    vm->con = vtty_create(ev, &con, log);
    if (!vm->con) {
        errf(err, errlen, -errno, "console: cannot open %s%d: %s",
             con.type == VTTY_TCP ? "TCP port " : "terminal",
             con.type == VTTY_TCP ? con.tcp_port : 0, strerror(errno));
        goto fail;
    }
    vtty_set_monitor(vm->con, vm_monitor, vm);
    vm->aux = vtty_create(ev, &aux, log);
    if (!vm->aux) {
        errf(err, errlen, -errno, "AUX: cannot open TCP port %d: %s",
             aux.tcp_port, strerror(errno));
        goto fail;
    }
    vtty_set_monitor(vm->aux, vm_monitor, vm);

    if (mops->create(vm, err, errlen) < 0)
        goto fail;
    vm->cpu.trace = vm->trace;
    mips_cpu_set_auto_idle(&vm->cpu, vm->cfg.auto_idle);

    return vm;
fail:
    vm_destroy(vm);
    return NULL;
}

static double mono_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *vm_cpu_thread(void *arg)
{
    struct vm *vm = arg;
    /* Idle sleeps end at a computed instant: a 1 µs timer slack instead
     * of the default 50 µs keeps the guest's timing. */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    double t0 = mono_seconds();

    uint64_t i0 = vm->cpu.insn_count;
    mips_cpu_run(&vm->cpu);
    if (__atomic_load_n(&vm->pause_request, __ATOMIC_ACQUIRE) &&
        __atomic_load_n(&vm->cpu.state, __ATOMIC_ACQUIRE) != CPU_HALTED) {
        /* vm_suspend(): the hardware stays, vm_resume() runs it again. */
        __atomic_store_n(&vm->status, VM_SUSPENDED, __ATOMIC_RELEASE);
        return NULL;
    }
    double dt = mono_seconds() - t0;
    uint64_t n = vm->cpu.insn_count - i0;
    log_msg(vm->log, "VM", "%s: CPU ran %llu instructions in %.3f s (%.1f MIPS)",
            vm->cfg.name, (unsigned long long)n, dt,
            dt > 0 ? (double)n / dt / 1e6 : 0.0);
    if (vm->cpu.jit) {
        struct mips_jit_stats js;
        mips_jit_get_stats(&vm->cpu, &js);
        log_msg(vm->log, "VM", "%s: JIT %llu blocks, %llu chained jumps (%llu past "
                "the loads), %llu invalidated, %llu flushes, %llu interpreted, "
                "%zu KB code%s", vm->cfg.name,
                (unsigned long long)js.blocks, (unsigned long long)js.chains,
                (unsigned long long)js.chains_fast,
                (unsigned long long)js.invalidations,
                (unsigned long long)js.flushes,
                (unsigned long long)js.interp_steps, js.code_used >> 10,
                vm->cfg.jit_lockstep ? ", lockstep" : "");
        if (vm->cfg.jit_lockstep)
            log_msg(vm->log, "VM", "%s: lockstep checked %llu blocks, %llu "
                    "not replayed (device access)", vm->cfg.name,
                    (unsigned long long)js.lockstep_blocks,
                    (unsigned long long)js.lockstep_resyncs);
    }
    char idle[256];
    mips_cpu_idle_describe(&vm->cpu, idle, sizeof(idle));
    log_msg(vm->log, "VM", "%s: %s", vm->cfg.name, idle);
    int st = __atomic_load_n(&vm->cpu.state, __ATOMIC_ACQUIRE);
    vm->halted_on_error = st == CPU_HALTED;

    __atomic_store_n(&vm->status, VM_HALTED, __ATOMIC_RELEASE);
    if (vm->on_stop)
        vm->on_stop(vm, vm->on_stop_arg);
    return NULL;
}

int vm_start(struct vm *vm, vm_stop_fn on_stop, void *arg, char *err,
             size_t errlen)
{
    if (vm->thread_started)
        return errf(err, errlen, -EBUSY, "VM is already running");
    int rc = vm->mops->boot(vm, err, errlen);
    if (rc < 0)
        return rc;
    if (vm->ram.backing == RAM_GHOST_GEN) {
        /* hypervisor.md §5.2.6: the ghost is written, the CPU never runs */
        vm->status = VM_SHUTDOWN;
        return 1;
    }
    return vm_run(vm, on_stop, arg, err, errlen);
}

int vm_run(struct vm *vm, vm_stop_fn on_stop, void *arg, char *err,
           size_t errlen)
{
    int rc;
    if (vm->thread_started)
        return errf(err, errlen, -EBUSY, "VM is already running");
    vm->on_stop = on_stop;

    vm->on_stop_arg = arg;
    if (vm->cpu.jit)
        mips_jit_flush(&vm->cpu); /* restart: RAM may have been rewritten */
    if (vm->cfg.jit && !vm->cpu.jit) {
        struct mips_jit_config jc = {
            .code_size = (size_t)vm->cfg.exec_area_mb << 20,
            .no_chain = !vm->cfg.blk_direct_jump,
            .lockstep = vm->cfg.jit_lockstep,
            /* lockstep checks every block, the ones run once too */
            .eager = vm->cfg.jit_lockstep,
            .perf_map = vm->cfg.jit_perf_map,
        };
        rc = mips_jit_create(&vm->cpu, &jc);
        if (rc < 0)
            log_msg(vm->log, "VM", "%s: JIT unavailable (%s), interpreting",
                    vm->cfg.name, strerror(-rc));
    }
    vm->status = VM_RUNNING;
    rc = pthread_create(&vm->thread, NULL, vm_cpu_thread, vm);
    if (rc) {
        vm->status = VM_HALTED;
        return errf(err, errlen, -rc, "cannot start the CPU thread: %s",
                    strerror(rc));
    }
    vm->thread_started = 1;
    log_msg(vm->log, "VM", "%s: started", vm->cfg.name);
    return 0;
}

/*
 * Stop and join the CPU thread. The request is repeated while waiting: a
 * thread that has not yet entered mips_cpu_run() clears a request made
 * before it got there.
 */
static void cpu_thread_join(struct vm *vm)
{
    for (;;) {
        mips_cpu_request_stop(&vm->cpu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 20 * 1000 * 1000;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        int rc = pthread_timedjoin_np(vm->thread, NULL, &ts);
        if (rc != ETIMEDOUT && rc != EINTR)
            break;
    }
    vm->thread_started = 0;
}

void vm_stop(struct vm *vm)
{
    int was = vm_get_status(vm), had_thread = vm->thread_started;
    if (had_thread)
        cpu_thread_join(vm);
    __atomic_store_n(&vm->status, VM_HALTED, __ATOMIC_RELEASE);
    if (had_thread || was != VM_HALTED)
        log_msg(vm->log, "VM", "%s: stopped", vm->cfg.name);
}

int vm_get_status(const struct vm *vm)
{
    return __atomic_load_n(&vm->status, __ATOMIC_ACQUIRE);
}

/* The CPU thread stops between two slices, the hardware stays (status
 * VM_SUSPENDED); 1 if it stopped, 0 if it was not running or halted. */
static int pause_cpu(struct vm *vm)
{
    if (!vm->thread_started || vm_get_status(vm) != VM_RUNNING)
        return 0;
    __atomic_store_n(&vm->pause_request, 1, __ATOMIC_RELEASE);
    cpu_thread_join(vm);
    __atomic_store_n(&vm->pause_request, 0, __ATOMIC_RELEASE);
    return vm_get_status(vm) == VM_SUSPENDED;
}

/* A paused CPU gets a new thread; 1 if it runs again, or -errno. */
static int run_paused_cpu(struct vm *vm)
{
    if (vm->thread_started || vm_get_status(vm) != VM_SUSPENDED)
        return 0;
    __atomic_store_n(&vm->status, VM_RUNNING, __ATOMIC_RELEASE);
    int rc = pthread_create(&vm->thread, NULL, vm_cpu_thread, vm);
    if (rc) {
        __atomic_store_n(&vm->status, VM_SUSPENDED, __ATOMIC_RELEASE);
        return -rc;
    }
    vm->thread_started = 1;
    return 1;
}

void vm_suspend(struct vm *vm)
{
    if (pause_cpu(vm))
        log_msg(vm->log, "VM", "%s: suspended", vm->cfg.name);
}

int vm_resume(struct vm *vm)
{
    int rc = run_paused_cpu(vm);
    if (rc > 0)
        log_msg(vm->log, "VM", "%s: resumed", vm->cfg.name);
    return rc < 0 ? rc : 0;
}

int vm_hold(struct vm *vm)
{
    return pause_cpu(vm);
}

void vm_unhold(struct vm *vm, int held)
{
    if (held && run_paused_cpu(vm) < 0)
        log_msg(vm->log, "VM", "%s: the CPU could not run again after a "
                "debug command: suspended", vm->cfg.name);
}

void vm_request_poweroff(struct vm *vm)
{
    log_msg(vm->log, "VM", "%s: power off requested", vm->cfg.name);
    mips_cpu_request_stop(&vm->cpu);
}

void vm_destroy_keep_consoles(struct vm *vm, struct vtty **con,
                              struct vtty **aux)
{
    *con = *aux = NULL;
    if (!vm)
        return;
    vm_stop(vm);
    if (vm->machine && vm->mops->destroy)
        vm->mops->destroy(vm); /* the UARTs let go of their vttys */
    vtty_set_monitor(vm->con, NULL, NULL);
    vtty_set_monitor(vm->aux, NULL, NULL);
    *con = vm->con;
    *aux = vm->aux;
    vm->con = vm->aux = NULL;
    vm->machine = NULL;
    vm_destroy(vm);
}

void vm_destroy(struct vm *vm)
{
    if (!vm)
        return;
    vm_stop(vm);
    if (vm->machine && vm->mops->destroy)
        vm->mops->destroy(vm);
    vtty_destroy(vm->aux);
    vtty_destroy(vm->con);
    if (vm->trace)
        fclose(vm->trace);
    vm_config_free(&vm->cfg);
    free(vm);
}
