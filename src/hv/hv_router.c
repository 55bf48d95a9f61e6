/*
 * Router instances of the hypervisor: life cycle, files and the reaper
 * (hypervisor.md §4.4-4.7).
 */
#include "hv/hv_router.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fd_io.h"
#include "core/log.h"
#include "core/snapshot.h"

/*
 * Files a router may leave in a directory, "<prefix>_<suffix>"
 * (hypervisor.md §4.6, §8.7 item 4). `clean_delete` and `rename` touch
 * exactly these, not every "<prefix>_*": a VM named "R1" must not take the
 * files of a VM named "R1_b" with it.
 */
static const char *const router_file_suffixes[] = {
    "nvram", "rom",    "bootflash", "disk0",       "disk1", "slot0",
    "slot1", "flash0", "flash1",    "ssa",         "ram",   "iomem",
    "lock",  "log.txt", "rommon_vars",
};
#define N_SUFFIXES (sizeof(router_file_suffixes) / sizeof(router_file_suffixes[0]))

static void make_prefix(const struct hv_router *r, const char *name,
                        char *buf, size_t len)
{
    if (r->cfg.file_naming_by_id)
        snprintf(buf, len, "%s_i%d", r->plat->name, r->cfg.instance_id);
    else
        snprintf(buf, len, "%s_%s", r->plat->name, name);
}

static char *join_path(const char *dir, const char *prefix,
                       const char *suffix)
{
    char *p = NULL;
    if (asprintf(&p, "%s/%s_%s", dir, prefix, suffix) < 0)
        return NULL;
    return p;
}

/* An open-file-description write lock on the whole file: 0 or -EBUSY. */
static int lock_whole(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(fd, F_OFD_SETLK, &fl) < 0)
        return errno == EACCES || errno == EAGAIN ? -EBUSY : -errno;
    return 0;
}

/*
 * The PID, then the length cut to it (a longer PID may be there from
 * before). Not ftruncate(0) first: on ext4 a file truncated to zero and
 * written is flushed to disk when closed (its auto_da_alloc rule), and
 * `vm delete` then waits for that write when it removes the file.
 */
static void lock_write_pid(int fd)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
    if (pwrite(fd, buf, (size_t)n, 0) == n && ftruncate(fd, n) < 0) {
        /* the lock itself is what matters */
    }
}

/*
 * Make path a name of the process's lock inode (hv->lock_inode_fd,
 * made in dir on first use). Returns 0, -EEXIST (path appeared
 * meanwhile), or another -errno when linking cannot work here (another
 * file system, no /proc): then the caller makes a file of its own.
 */
static int lock_link(struct hypervisor *hv, const char *dir, const char *path)
{
    int rc = -EXDEV;
    pthread_mutex_lock(&hv->lock_inode_mtx);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (hv->lock_inode_fd < 0) {
            int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
            if (fd < 0) {
                rc = -errno;
                break;
            }
            if (lock_whole(fd) < 0) {
                close(fd);
                rc = -ENOLCK;
                break;
            }
            lock_write_pid(fd);
            hv->lock_inode_fd = fd;
        }
        if (link_fd(hv->lock_inode_fd, path) == 0) {
            hv->lock_inode_names++;
            rc = 0;
            break;
        }
        rc = -errno; /* EXDEV: another file system than the inode's */
        if (rc != -ENOENT)
            break;
        /* Every name of it was removed: such an inode cannot get a name
         * again (unless /proc is missing: the second try tells). */
        close(hv->lock_inode_fd);
        hv->lock_inode_fd = -1;
        hv->lock_inode_names = 0;
    }
    pthread_mutex_unlock(&hv->lock_inode_mtx);
    return rc;
}

/* A name lock_link made was removed: the last one takes the inode. */
static void lock_unlinked(struct hypervisor *hv)
{
    pthread_mutex_lock(&hv->lock_inode_mtx);
    if (hv->lock_inode_names > 0 && --hv->lock_inode_names == 0 &&
        hv->lock_inode_fd >= 0) {
        close(hv->lock_inode_fd);
        hv->lock_inode_fd = -1;
    }
    pthread_mutex_unlock(&hv->lock_inode_mtx);
}

/* Remove "<dir>/<prefix>_lock" and let go of the lock (fd or link). */
static void lock_release(struct hypervisor *hv, const char *dir,
                         const char *prefix, int *fd, int *linked)
{
    char *path = join_path(dir, prefix, "lock");
    if (path)
        unlink(path);
    free(path);
    if (*fd >= 0)
        close(*fd);
    if (*linked)
        lock_unlinked(hv);
    *fd = -1;
    *linked = 0;
}

/*
 * Take "<dir>/<prefix>_lock". An open-file-description lock conflicts
 * with the reference's POSIX locks held by another process and with our
 * own other VMs of this process, so two VMs can never share their files
 * (the reference lets duplicate instance IDs do that, §4.6).
 *
 * A new lock file is a hard link to one inode of this process that holds
 * the PID and the lock (lock_link): creating a name is much cheaper than
 * creating an inode (on ext4 without a journal, allocation skips every
 * recently deleted inode, so create/delete cycles got slower and slower).
 * A file already there (left by a process that died) is locked and
 * written as before; so is a new one when linking is not possible.
 *
 * Returns 0 with *fd the file's descriptor to keep, or -1 when it is a
 * link (*linked = 1); or -EBUSY (held by someone else) or another -errno.
 */
static int lock_open(struct hypervisor *hv, const char *dir,
                     const char *prefix, int *fd, int *linked)
{
    *fd = -1;
    *linked = 0;
    char *path = join_path(dir, prefix, "lock");
    if (!path)
        return -ENOMEM;
    int rc = -EEXIST;
    for (int attempt = 0; attempt < 3 && rc == -EEXIST; attempt++) {
        rc = lock_link(hv, dir, path);
        if (rc == 0) {
            *linked = 1;
            break;
        }
        /* There already (-EEXIST), or no link possible here. */
        int existed = rc == -EEXIST;
        int f = open(path, existed ? O_RDWR | O_CLOEXEC
                                   : O_RDWR | O_CREAT | O_CLOEXEC,
                     0644);
        if (f < 0 && errno == ENOENT && existed)
            continue; /* removed meanwhile: try again (rc is -EEXIST) */
        if (f < 0) {
            rc = -errno;
            break;
        }
        rc = lock_whole(f);
        if (rc < 0) {
            close(f);
            break;
        }
        lock_write_pid(f);
        *fd = f;
    }
    free(path);
    return rc;
}

static void router_free(struct hv_obj *obj)
{
    struct hv_router *r = obj->data;
    if (!r)
        return;
    for (int s = 0; s < HV_SLOTS; s++)
        for (int ss = 0; ss < HV_SUBSLOTS; ss++)
            free(r->cards[s][ss]);
    vm_config_free(&r->cfg);
    free(r->dir);
    free(r);
}

struct hv_obj *hv_router_create(struct hypervisor *hv, const char *name,
                                int id, const char *platform)
{
    const struct hv_platform *plat = hv_platform_find(platform);
    const struct machine_ops *mops = plat ? machine_find(platform) : NULL;
    if (!plat || !mops) {
        log_msg(hv->log, "HYPERVISOR", "vm create %s: unknown platform '%s'",
                name, platform);
        errno = ENOENT;
        return NULL;
    }
    struct hv_router *r = calloc(1, sizeof(*r));
    if (!r) {
        errno = ENOMEM;
        return NULL;
    }
    r->hv = hv;
    r->plat = plat;
    r->mops = mops;
    r->lock_fd = -1;
    vm_config_init(&r->cfg, mops);
    free(r->cfg.name);
    r->cfg.name = strdup(name);
    r->cfg.instance_id = id;
    r->cfg.file_naming_by_id = hv->opt.file_naming_by_id;
    /* A hypervisor VM has no console until a port is set (§5.2.1). */
    r->cfg.con.type = VTTY_NONE;
    r->cfg.aux.type = VTTY_NONE;
    r->cfg.con.bind_addr = r->cfg.aux.bind_addr = hv->console_bind;
    r->cfg.con.noctrl = r->cfg.aux.noctrl = hv->opt.noctrl;
    r->cfg.con.notelnetmsg = r->cfg.aux.notelnetmsg = hv->opt.notelnetmsg;
    r->cfg.auto_idle = !hv->opt.no_auto_idle;

    /* §6.1 defaults the machine does not set itself (yet) */
    if (!r->cfg.clock_divisor)
        r->cfg.clock_divisor = plat->clock_divisor;
    if (!r->cfg.disk0_mb)
        r->cfg.disk0_mb = plat->disk0_mb;
    r->temp_c[0] = r->temp_c[1] = r->temp_c[2] = r->temp_c[3] = 22;
    r->psu[0] = r->psu[1] = 1;
    if (plat->slot0_card) /* §6.3: the emulator puts it there itself */
        r->cards[0][0] = strdup(plat->slot0_card);
    make_prefix(r, name, r->prefix, sizeof(r->prefix));
    r->dir = getcwd(NULL, 0);

    int err = 0;
    struct hv_obj *obj = NULL;
    if (!r->cfg.name || !r->dir) {
        err = r->dir ? ENOMEM : errno;
        goto fail;
    }
    obj = hv_obj_add(&hv->reg, HV_KIND_VM, name, r, router_free);
    if (!obj) {
        err = errno;
        goto fail;
    }
    r->obj = obj;
    /* Files: the registry entry is there, so no other thread creates a
     * VM of this name meanwhile. */
    int lrc = lock_open(hv, r->dir, r->prefix, &r->lock_fd, &r->lock_linked);
    if (lrc < 0) {
        err = -lrc;
        log_msg(hv->log, "HYPERVISOR", "vm create %s: %s/%s_lock: %s", name,
                r->dir, r->prefix,
                lrc == -EBUSY ? "in use by another VM or process"
                              : strerror(-lrc));
        goto fail_obj;
    }
    char *log_path = join_path(r->dir, r->prefix, "log.txt");
    /* The writer creates the file (an inode can be slow to get). */
    r->log = log_path ? log_open_async(log_path, hv->logw, 0) : NULL;
    if (!r->log) {
        err = errno ? errno : ENOMEM;
        log_msg(hv->log, "HYPERVISOR", "vm create %s: %s: %s", name,
                log_path ? log_path : "log", strerror(err));
        free(log_path);
        goto fail_obj;
    }
    free(log_path);
    /* quiet: written with the reply (the file made then, or before by
     * the writer thread in a burst) */
    log_msg_quiet(r->log, "VM", "%s: created (instance %d, platform %s)",
                  name, id, platform);
    return obj;

fail_obj:
    if (r->lock_fd >= 0 || r->lock_linked)
        lock_release(hv, r->dir, r->prefix, &r->lock_fd, &r->lock_linked);
    pthread_mutex_lock(&obj->mtx);
    hv_obj_remove(&hv->reg, obj);
    pthread_mutex_unlock(&obj->mtx);
    hv_obj_put(&hv->reg, obj); /* frees r */
    errno = err;
    return NULL;
fail:
    router_free(&(struct hv_obj){.data = r});
    errno = err;
    return NULL;
}

struct hv_obj *hv_router_lock(struct hypervisor *hv, const char *name)
{
    struct hv_obj *obj = hv_obj_get(&hv->reg, HV_KIND_VM, name);
    if (!obj)
        return NULL;
    pthread_mutex_lock(&obj->mtx);
    if (obj->deleted) {
        pthread_mutex_unlock(&obj->mtx);
        hv_obj_put(&hv->reg, obj);
        return NULL;
    }
    return obj;
}

void hv_router_unlock(struct hypervisor *hv, struct hv_obj *obj)
{
    pthread_mutex_unlock(&obj->mtx);
    hv_obj_put(&hv->reg, obj);
}

/* ---------------------------------------------------------- life cycle */

static void release_kept_consoles(struct hv_router *r)
{
    vtty_destroy(r->kept_aux);
    vtty_destroy(r->kept_con);
    r->kept_con = r->kept_aux = NULL;
}

/* keep_consoles: the CPU stopped by itself; as the reference, whose
 * consoles go with the hardware at vm stop or delete only, clients may
 * still connect and get the last output. */
static void free_hardware_as(struct hv_router *r, int keep_consoles)
{
    release_kept_consoles(r);
    if (r->vm) {
        if (keep_consoles)
            vm_destroy_keep_consoles(r->vm, &r->kept_con, &r->kept_aux);
        else
            vm_destroy(r->vm);
        r->vm = NULL;
    }
    memset(r->card_active, 0, sizeof(r->card_active));
    for (struct hv_nio_binding *b = r->nios; b; b = b->next)
        b->active = 0;
}

static void free_hardware(struct hv_router *r)
{
    free_hardware_as(r, 0);
}

/*
 * Put the recorded cards and NIO bindings into fresh hardware (§4.4:
 * bindings survive stop/start, NIOs are attached automatically at start).
 * A card that cannot go in fails the start; a NIO that cannot be attached
 * is left detached (logged by the machine).
 */
static int apply_slots(struct hv_router *r)
{
    const struct hv_platform *p = r->plat;
    for (int s = 0; s < HV_SLOTS; s++) {
        for (int ss = 0; ss < HV_SUBSLOTS; ss++) {
            if (!r->cards[s][ss])
                continue;
            int rc = p->insert ? p->insert(r->vm, s, ss, r->cards[s][ss])
                               : -ENOTSUP;
            if (rc < 0) {
                log_msg(r->log, "VM", "%s: slot %d/%d: cannot insert %s: %s",
                        r->cfg.name, s, ss, r->cards[s][ss], strerror(-rc));
                return rc;
            }
            r->card_active[s][ss] = 1;
        }
    }
    for (struct hv_nio_binding *b = r->nios; b; b = b->next)
        b->active = p->bind && p->bind(r->vm, b->slot, b->port,
                                       b->nio->data) == 0;
    return 0;
}

int hv_router_status(struct hv_router *r)
{
    if (r->ghost_state)
        return VM_SHUTDOWN;
    if (!r->vm)
        return VM_HALTED;
    int st = vm_get_status(r->vm);
    if (st == VM_HALTED) /* the CPU stopped by itself */
        free_hardware_as(r, 1);
    return st;
}

int hv_router_hold(struct hv_router *r)
{
    return r->vm && hv_router_status(r) == VM_RUNNING ? vm_hold(r->vm) : 0;
}

/* CPU thread: the CPU stopped. The reaper frees the hardware. */
static void on_cpu_stop(struct vm *vm, void *arg)
{
    struct hv_obj *obj = arg;
    struct hv_router *r = obj->data;
    struct hypervisor *hv = r->hv;
    struct hv_reap *item = malloc(sizeof(*item));
    if (!item)
        return; /* the next command on the VM frees it */
    hv_obj_hold(&hv->reg, obj);
    item->obj = obj;
    pthread_mutex_lock(&hv->reap_lock);
    item->next = hv->reap_head;
    hv->reap_head = item;
    pthread_cond_signal(&hv->reap_cond);
    pthread_mutex_unlock(&hv->reap_lock);
}

static void *reaper_main(void *arg)
{
    struct hypervisor *hv = arg;
    pthread_mutex_lock(&hv->reap_lock);
    for (;;) {
        while (!hv->reap_head && !hv->reap_stop)
            pthread_cond_wait(&hv->reap_cond, &hv->reap_lock);
        struct hv_reap *item = hv->reap_head;
        if (!item)
            break; /* stop requested and nothing left */
        hv->reap_head = item->next;
        pthread_mutex_unlock(&hv->reap_lock);
        struct hv_obj *obj = item->obj;
        free(item);
        pthread_mutex_lock(&obj->mtx);
        if (!obj->deleted) {
            struct hv_router *r = obj->data;
            if (r->vm && vm_get_status(r->vm) == VM_HALTED)
                log_msg(r->log, "VM", "%s: CPU stopped, hardware released",
                        r->cfg.name);
            hv_router_status(r);
        }
        pthread_mutex_unlock(&obj->mtx);
        hv_obj_put(&hv->reg, obj);
        pthread_mutex_lock(&hv->reap_lock);
    }
    pthread_mutex_unlock(&hv->reap_lock);
    return NULL;
}

void hv_reaper_start(struct hypervisor *hv)
{
    pthread_mutex_init(&hv->reap_lock, NULL);
    pthread_cond_init(&hv->reap_cond, NULL);
    hv->reaper_started = pthread_create(&hv->reaper, NULL, reaper_main, hv)
                         == 0;
}

void hv_reaper_stop(struct hypervisor *hv)
{
    pthread_mutex_lock(&hv->reap_lock);
    hv->reap_stop = 1;
    pthread_cond_signal(&hv->reap_cond);
    pthread_mutex_unlock(&hv->reap_lock);
    if (hv->reaper_started)
        pthread_join(hv->reaper, NULL);
    hv->reaper_started = 0;
    /* Without a reaper thread, items may be left: drop their holds. */
    while (hv->reap_head) {
        struct hv_reap *item = hv->reap_head;
        hv->reap_head = item->next;
        hv_obj_put(&hv->reg, item->obj);
        free(item);
    }
    pthread_mutex_destroy(&hv->reap_lock);
    pthread_cond_destroy(&hv->reap_cond);
}

int hv_router_start(struct hv_router *r, struct hv_reply *reply)
{
    const char *name = r->cfg.name;
    if (hv_router_status(r) != VM_HALTED) {
        log_msg(r->log, "VM", "%s: start refused: not halted", name);
        return -EBUSY;
    }
    if (!r->cfg.image) {
        log_msg(r->log, "VM", "%s: start refused: no IOS image set", name);
        return -EINVAL;
    }
    if (r->cfg.con.type != VTTY_TCP)
        hv_reply_info(reply, "Warning: no console port defined for VM '%s'",
                      name);

    release_kept_consoles(r); /* the new ones take the ports */
    char err[512] = "";
    r->vm = vm_create(&r->cfg, r->mops, r->log, r->hv->ev, err, sizeof(err));
    if (!r->vm) {
        log_msg(r->log, "VM", "%s: cannot build the hardware: %s", name, err);
        return -EIO;
    }
    if (r->cfg.ghost_status == 1) {
        /* Ghost generation (§5.2.6): the image goes into the ghost file,
         * the CPU never runs, the VM rests in status 1 until `vm stop`. */
        int rc = vm_start(r->vm, NULL, NULL, err, sizeof(err));
        free_hardware(r);
        if (rc < 0) {
            log_msg(r->log, "VM", "%s: ghost RAM not generated: %s", name,
                    err);
            return -EINVAL;
        }
        r->ghost_state = 1;
        return 0;
    }
    int rc = apply_slots(r);
    if (rc == 0) {
        rc = vm_start(r->vm, on_cpu_stop, r->obj, err, sizeof(err));
        if (rc < 0)
            log_msg(r->log, "VM", "%s: cannot start: %s", name, err);
    }
    if (rc < 0)
        free_hardware(r);
    return rc;
}

void hv_router_stop(struct hv_router *r)
{
    free_hardware(r);
    r->ghost_state = 0;
}

int hv_router_save_state(struct hv_router *r, const char *path, char *err,
                         size_t errlen)
{
    int st = hv_router_status(r);
    if (!r->vm || (st != VM_RUNNING && st != VM_SUSPENDED)) {
        snprintf(err, errlen, "not running");
        return -EINVAL;
    }
    if (st == VM_RUNNING)
        vm_suspend(r->vm); /* the CPU stops between two slices */
    int rc;
    if (vm_get_status(r->vm) != VM_SUSPENDED) {
        snprintf(err, errlen, "the CPU stopped");
        rc = -EINVAL;
    } else {
        rc = vm_save_state(r->vm, path, err, errlen);
    }
    if (st == VM_RUNNING && vm_get_status(r->vm) == VM_SUSPENDED)
        vm_resume(r->vm);
    if (rc == 0)
        log_msg(r->log, "VM", "%s: state saved to %s", r->cfg.name, path);
    return rc;
}

int hv_router_load_state(struct hv_router *r, const char *path, char *err,
                         size_t errlen)
{
    const char *name = r->cfg.name;
    struct snap_info si;
    int rc = snap_read_info(path, &si, err, errlen);
    if (rc < 0)
        return rc;
    if (strcmp(si.platform, r->plat->name) != 0 ||
        (si.npe[0] && r->cfg.npe && strcmp(si.npe, r->cfg.npe) != 0)) {
        snprintf(err, errlen, "the snapshot is of a %s %s, the VM a %s %s",
                 si.platform, si.npe, r->plat->name,
                 r->cfg.npe ? r->cfg.npe : "");
        return -EINVAL;
    }
    hv_router_stop(r);
    /* The RAM base the snapshot was taken on; no NVRAM push, no boot. */
    struct vm_config cfg = r->cfg;
    cfg.ghost_status = si.ghost_file[0] ? 2 : 0;
    cfg.ghost_file = si.ghost_file;
    cfg.startup_config = cfg.private_config = NULL;
    r->vm = vm_create(&cfg, r->mops, r->log, r->hv->ev, err, errlen);
    if (!r->vm)
        return -EIO;
    rc = apply_slots(r);
    if (rc < 0)
        snprintf(err, errlen, "cannot put the cards in: %s", strerror(-rc));
    if (rc == 0)
        rc = vm_load_state(r->vm, path, err, errlen);
    if (rc == 0)
        rc = vm_run(r->vm, on_cpu_stop, r->obj, err, errlen);
    if (rc < 0) {
        free_hardware(r);
        return rc;
    }
    log_msg(r->log, "VM", "%s: restored from %s", name, path);
    return 0;
}


/* ---------------------------------------------------------------- files */

static void unlink_files(const char *dir, const char *prefix)
{
    for (size_t i = 0; i < N_SUFFIXES; i++) {
        char *p = join_path(dir, prefix, router_file_suffixes[i]);
        if (p)
            unlink(p);
        free(p);
    }
}

/* A released log of a VM deleted earlier with this prefix is not made:
 * its file would be there after clean_delete removed the VM's files. */
static void forget_log(struct hypervisor *hv, const char *dir,
                       const char *prefix)
{
    char *p = join_path(dir, prefix, "log.txt");
    log_writer_forget(hv->logw, p);
    free(p);
}

static int same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int hv_router_delete(struct hv_router *r, int clean_files)
{
    struct hypervisor *hv = r->hv;
    int rc = hv_obj_remove(&hv->reg, r->obj);
    if (rc < 0)
        return rc;
    hv_router_stop(r);
    while (r->nios) {
        struct hv_nio_binding *b = r->nios;
        r->nios = b->next;
        hv_obj_unref(&hv->reg, b->nio);
        hv_obj_put(&hv->reg, b->nio);
        free(b);
    }
    log_msg_quiet(r->log, "VM", "%s: deleted", r->cfg.name); /* the close */
    /*
     * The log is complete and closed when this returns if its file is
     * there: always once a reply after vm create was waited for (the
     * reply waited for the file). A VM created and deleted within one
     * pipelined burst has no file yet: the writer thread makes it
     * afterwards, with every line (an inode can cost a millisecond, a
     * pipelining client does not wait for hundreds of them);
     * log_writer_sync_all waits for it (hypervisor stop, reset,
     * working_dir, the process's exit). clean_delete never makes it.
     */
    if (clean_files)
        log_close_discard(r->log);
    else
        log_release(r->log);
    r->log = NULL;
    lock_release(hv, r->dir, r->prefix, &r->lock_fd, &r->lock_linked);
    if (clean_files) {
        forget_log(hv, r->dir, r->prefix);
        unlink_files(r->dir, r->prefix);
        char *cwd = getcwd(NULL, 0);
        if (cwd && !same_dir(cwd, r->dir)) {
            forget_log(hv, cwd, r->prefix);
            unlink_files(cwd, r->prefix);
        }
        free(cwd);
    }
    log_msg_quiet(hv->log, "HYPERVISOR", "VM '%s' deleted", r->obj->name);
    return 0;
}

static void rename_files(const char *dir, const char *from, const char *to)
{
    for (size_t i = 0; i < N_SUFFIXES; i++) {
        if (strcmp(router_file_suffixes[i], "lock") == 0)
            continue; /* done by the caller */
        char *a = join_path(dir, from, router_file_suffixes[i]);
        char *b = join_path(dir, to, router_file_suffixes[i]);
        if (a && b)
            rename(a, b); /* a missing file is fine */
        free(a);
        free(b);
    }
}

int hv_router_rename(struct hv_router *r, const char *new_name)
{
    struct hypervisor *hv = r->hv;
    if (hv_router_status(r) != VM_HALTED)
        return -EBUSY;
    char *dup = strdup(new_name);
    if (!dup)
        return -ENOMEM;
    int rc = hv_obj_rename(&hv->reg, r->obj, new_name);
    if (rc < 0) {
        free(dup);
        return rc;
    }
    char prefix[sizeof(r->prefix)];
    make_prefix(r, new_name, prefix, sizeof(prefix));
    if (strcmp(prefix, r->prefix) != 0) {
        /* -N0: the files follow the name (§4.3). Lock the new name first
         * so we never take over files another VM or process holds. */
        int fd, linked;
        int lrc = lock_open(hv, r->dir, prefix, &fd, &linked);
        if (lrc < 0) {
            hv_obj_rename(&hv->reg, r->obj, r->cfg.name);
            free(dup);
            return lrc == -EBUSY ? -EEXIST : lrc;
        }
        lock_release(hv, r->dir, r->prefix, &r->lock_fd, &r->lock_linked);
        r->lock_fd = fd;
        r->lock_linked = linked;
        /* Open files (the log) follow a rename on the same file system;
         * the log file is made by the writer: it must be there first. */
        log_writer_sync(hv->logw);
        rename_files(r->dir, r->prefix, prefix);
        char *cwd = getcwd(NULL, 0);
        if (cwd && !same_dir(cwd, r->dir))
            rename_files(cwd, r->prefix, prefix);
        free(cwd);
        snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
    }
    log_msg(r->log, "VM", "%s: renamed to %s", r->cfg.name, new_name);
    free(r->cfg.name);
    r->cfg.name = dup;
    return 0;
}

void hv_router_mac(const struct hv_router *r, uint8_t mac[6])
{
    unsigned v[3];
    /* set_mac_addr stores the Cisco form */
    if (r->cfg.mac && sscanf(r->cfg.mac, "%4x.%4x.%4x", &v[0], &v[1],
                             &v[2]) == 3) {
        for (int i = 0; i < 3; i++) {
            mac[2 * i] = (uint8_t)(v[i] >> 8);
            mac[2 * i + 1] = (uint8_t)v[i];
        }
        return;
    }
    /* §5.4: prefix byte, instance ID, process ID (low 16 bits), 0, 0 */
    unsigned pid = (unsigned)getpid();
    mac[0] = r->plat->mac_byte0;
    mac[1] = (uint8_t)r->cfg.instance_id;
    mac[2] = (uint8_t)(pid >> 8);
    mac[3] = (uint8_t)pid;
    mac[4] = mac[5] = 0;
}

/* ------------------------------------------------------------- reset */

void hv_delete_kind(struct hypervisor *hv, enum hv_kind kind)
{
    struct hv_obj **list;
    int n = hv_obj_list(&hv->reg, kind, &list);
    for (int i = 0; i < n; i++) {
        struct hv_obj *obj = list[i];
        pthread_mutex_lock(&obj->mtx);
        if (!obj->deleted) {
            if (kind == HV_KIND_VM) {
                hv_router_delete(obj->data, 0);
            } else {
                /* no bindings to release in the kinds we have */
                hv_obj_remove(&hv->reg, obj);
            }
        }
        pthread_mutex_unlock(&obj->mtx);
    }
    if (n > 0)
        hv_obj_list_put(&hv->reg, list, n);
}

void hv_reset(struct hypervisor *hv)
{
    /* §4.7 order: VMs, bridges and switches, then NIOs; not the store. */
    static const enum hv_kind order[] = {
        HV_KIND_VM,    HV_KIND_NIO_BRIDGE, HV_KIND_ATMSW, HV_KIND_ATM_BRIDGE,
        HV_KIND_FRSW,  HV_KIND_ETHSW,      HV_KIND_NIO,
    };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        hv_delete_kind(hv, order[i]);
}
