/*
 * Hypervisor mode (`dynamips -H [addr:]port`): one process hosting many
 * routers, driven by text commands over TCP (hypervisor.md).
 *
 * Threads:
 *  - the process event loop owns the listening sockets and every client
 *    socket: it reads request lines and writes replies (hv_server.c);
 *  - each connection has a worker thread that runs its requests one at a
 *    time, in order, so a slow command (a VM start, get_idle_pc_prop)
 *    never holds up the other connections or the consoles;
 *  - the reaper thread frees the hardware of VMs whose CPU stopped by
 *    itself (guest power-off, halt);
 *  - the main thread waits for `hypervisor stop` or a signal.
 * All state hangs off struct hypervisor; objects live in its registry.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <pthread.h>
#include <stddef.h>

#include "hv/hv_registry.h"
#include "hv/hv_reply.h"

struct evloop;
struct logger;
struct log_writer;
struct hv_conn;
struct hv_obj;

#define HV_MAX_LISTENERS 10 /* hypervisor.md §1 */
#define HV_DEFAULT_PORT 7200

struct hv_options {
    const char *listen_addr;    /* NULL: every local address */
    int port;
    const char *log_path;
    int file_naming_by_id;      /* -N1 */
    const char *console_bind;   /* --console-binding-addr */
    int noctrl;
    int notelnetmsg;
    int no_auto_idle;           /* --no-auto-idle: VMs start without it */
};


struct hv_reap {
    struct hv_obj *obj;
    struct hv_reap *next;
};

struct hypervisor {
    struct hv_options opt;
    char *console_bind;          /* address for console/AUX listeners */
    struct evloop *ev;
    struct logger *log;
    struct log_writer *logw;     /* writes the VM logs (<prefix>_log.txt) */
    struct hv_registry reg;
    pthread_t main_thread;
    int stopping;                /* atomic: shutdown under way */

    /* event-loop thread only */
    int listen_fd[HV_MAX_LISTENERS];
    int nlisten;
    long relisten_timer;

    /* connections, under conn_lock (hv_server.c) */
    pthread_mutex_t conn_lock;
    pthread_cond_t conn_cond; /* a worker finished */
    struct hv_conn *conns;
    int nconns;

    /*
     * The inode every VM lock file of this process is a name of (hard
     * links; hv_router.c): an O_TMPFILE holding the PID under an
     * open-file-description write lock. -1 when not made yet, and again
     * once the last name we made is removed (it cannot get new ones).
     */
    pthread_mutex_t lock_inode_mtx;
    int lock_inode_fd;
    int lock_inode_names;  /* links made and not removed yet */

    /* reaper */
    pthread_mutex_t reap_lock;
    pthread_cond_t reap_cond;
    struct hv_reap *reap_head;
    int reap_stop;
    int reaper_started;
    pthread_t reaper;
};

/* What a command handler sees. */
struct hv_ctx {
    struct hypervisor *hv;
    struct hv_reply *reply;
    /* Sends the replies the connection has gathered: called before a
     * command flagged slow runs (NULL: nothing to send). */
    void (*flush)(void *arg);
    void *flush_arg;
    int close_conn;    /* set by `hypervisor close` */
    int stop_server;   /* set by `hypervisor stop` */
    /* The module of the command running (hv_dispatch_line), so that
     * modules sharing handlers (hv_mod_mid.c) know which one was asked. */
    const struct hv_module *module;
};

typedef void (*hv_cmd_fn)(struct hv_ctx *c, int argc, char **argv);

struct hv_cmd {
    const char *name;
    int min_args, max_args;
    hv_cmd_fn fn;
};

struct hv_module {
    const char *name;
    const struct hv_cmd *cmds;
    size_t ncmds;
};

#define HV_MODULE(var, mname, table)                                          \
    const struct hv_module var = {mname, table,                               \
                                  sizeof(table) / sizeof((table)[0])}

/* Reply helpers for handlers. */
#define hv_ok(c, ...) hv_reply_final((c)->reply, HSC_INFO_OK, __VA_ARGS__)
#define hv_info(c, ...) hv_reply_info((c)->reply, __VA_ARGS__)
#define hv_err(c, code, ...) hv_reply_final((c)->reply, (code), __VA_ARGS__)

/* Lenient number conversions of hypervisor.md §2.4. */
int hv_arg_int(const char *s);                /* atoi */
unsigned long long hv_arg_num(const char *s); /* strtoull, base 0 */

/* hv_dispatch.c: every module, in `module_list` order. */
extern const struct hv_module *const hv_modules[];
extern const size_t hv_nmodules;
const struct hv_module *hv_module_find(const char *name);
/* Run one request line; the reply always ends with a final line. */
void hv_dispatch_line(struct hv_ctx *c, const char *line, size_t len);
/* Each object of a kind not deleted, newest first, under its lock: fn
 * writes its line. 0, or -ENOMEM with the error reply sent. */
int hv_obj_foreach(struct hv_ctx *c, enum hv_kind kind,
                   void (*fn)(struct hv_ctx *c, struct hv_obj *obj, void *arg),
                   void *arg);
/* The reply to a rename of `name`: rc 0 (done), -EEXIST (new_name taken)
 * or another error. what names the object in the errors ("NIO", "VM
 * instance"), done_what in the reply of success ("VM"). */
void hv_rename_reply(struct hv_ctx *c, int rc, const char *what,
                     const char *done_what, const char *name,
                     const char *new_name);
/* The names of a kind's objects, one info line each, then 100 OK. */
void hv_list_names(struct hv_ctx *c, enum hv_kind kind);

/* hv_server.c */
int hv_server_listen(struct hypervisor *hv); /* 0 or -errno, message printed */
void hv_server_shutdown(struct hypervisor *hv);
/* Ask the main thread to stop the hypervisor (any thread). */
void hv_request_stop(struct hypervisor *hv);
int hv_is_stopping(struct hypervisor *hv);

/* hv_router.c: VM objects */
void hv_reaper_start(struct hypervisor *hv);
void hv_reaper_stop(struct hypervisor *hv);
/* `hypervisor reset` (§4.7): every object but the object store. */
void hv_reset(struct hypervisor *hv);
/* Delete every object of a kind (store objects included when asked). */
void hv_delete_kind(struct hypervisor *hv, enum hv_kind kind);

#endif
