/* Module table and request dispatch (hypervisor.md §2.3, §5). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "hv/hv_parse.h"

extern const struct hv_module hv_mod_hypervisor;
extern const struct hv_module hv_mod_vm;
extern const struct hv_module hv_mod_vm_debug;
extern const struct hv_module hv_mod_c7200;
extern const struct hv_module hv_mod_c3600;
extern const struct hv_module hv_mod_c2691;
extern const struct hv_module hv_mod_c3725;
extern const struct hv_module hv_mod_c3745;
extern const struct hv_module hv_mod_object_store;
extern const struct hv_module hv_mod_nio, hv_mod_nio_bridge, hv_mod_ethsw,
    hv_mod_frsw, hv_mod_atmsw, hv_mod_atm_bridge; /* hv_mod_nio/switches.c */

/*
 * The modules this build has. Not here yet: the platforms c2600, c1700;
 * requests to them get "201-Unknown module".
 */
const struct hv_module *const hv_modules[] = {
    &hv_mod_hypervisor, &hv_mod_vm,           &hv_mod_vm_debug,
    &hv_mod_c7200,      &hv_mod_object_store,
    &hv_mod_c3600,
    &hv_mod_c2691,
    &hv_mod_c3725,
    &hv_mod_c3745,
    &hv_mod_nio, &hv_mod_nio_bridge, &hv_mod_ethsw, &hv_mod_frsw,
    &hv_mod_atmsw, &hv_mod_atm_bridge,
};
const size_t hv_nmodules = sizeof(hv_modules) / sizeof(hv_modules[0]);

const struct hv_module *hv_module_find(const char *name)
{
    for (size_t i = 0; i < hv_nmodules; i++)
        if (strcmp(hv_modules[i]->name, name) == 0)
            return hv_modules[i];
    return NULL;
}

static const struct hv_cmd *cmd_find(const struct hv_module *m,
                                     const char *name)
{
    for (size_t i = 0; i < m->ncmds; i++)
        if (strcmp(m->cmds[i].name, name) == 0)
            return &m->cmds[i];
    return NULL;
}

/*
 * Commands that may take milliseconds or much more (the CPU thread is
 * started or waited for; get_idle_pc_prop samples for ~10 s, §8.7): the
 * replies a connection has gathered are sent before they run.
 */
static const struct {
    const char *module, *cmd;
} slow_cmds[] = {
    {"vm", "start"},          {"vm", "stop"},
    {"vm", "suspend"},        {"vm", "resume"},
    {"vm", "get_idle_pc_prop"}, {"vm", "save_state"},
    {"vm", "load_state"},     {"hypervisor", "reset"},
    /* these wait for the logs of deleted VMs (log_writer_sync_all) */
    {"hypervisor", "stop"},   {"hypervisor", "working_dir"},
};

static int cmd_is_slow(const struct hv_module *m, const struct hv_cmd *cmd)
{
    for (size_t i = 0; i < sizeof(slow_cmds) / sizeof(slow_cmds[0]); i++)
        if (strcmp(slow_cmds[i].module, m->name) == 0 &&
            strcmp(slow_cmds[i].cmd, cmd->name) == 0)
            return 1;
    return 0;
}

int hv_obj_foreach(struct hv_ctx *c, enum hv_kind kind,
                   void (*fn)(struct hv_ctx *c, struct hv_obj *obj, void *arg),
                   void *arg)
{
    struct hv_obj **list;
    int n = hv_obj_list(&c->hv->reg, kind, &list);
    if (n < 0) {
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
        return n;
    }
    for (int i = 0; i < n; i++) {
        pthread_mutex_lock(&list[i]->mtx);
        if (!list[i]->deleted)
            fn(c, list[i], arg);
        pthread_mutex_unlock(&list[i]->mtx);
    }
    hv_obj_list_put(&c->hv->reg, list, n);
    return 0;
}

void hv_rename_reply(struct hv_ctx *c, int rc, const char *what,
                     const char *done_what, const char *name,
                     const char *new_name)
{
    if (rc == -EEXIST)
        hv_err(c, HSC_ERR_RENAME, "unable to rename %s '%s', '%s' already "
               "exists", what, name, new_name);
    else if (rc < 0)
        hv_err(c, HSC_ERR_RENAME, "unable to rename %s '%s'", what, name);
    else
        hv_ok(c, "%s '%s' renamed to '%s'", done_what, name, new_name);
}

static void name_line(struct hv_ctx *c, struct hv_obj *obj, void *arg)
{
    hv_info(c, "%s", obj->name);
}

void hv_list_names(struct hv_ctx *c, enum hv_kind kind)
{
    if (hv_obj_foreach(c, kind, name_line, NULL) == 0)
        hv_ok(c, "OK");
}

/* C atoi() without its undefined overflow: clamped to int. */
int hv_arg_int(const char *s)
{
    long v = strtol(s, NULL, 10);
    if (v > INT_MAX)
        return INT_MAX;
    if (v < INT_MIN)
        return INT_MIN;
    return (int)v;
}

unsigned long long hv_arg_num(const char *s)
{
    return strtoull(s, NULL, 0);
}

void hv_dispatch_line(struct hv_ctx *c, const char *line, size_t len)
{
    struct hv_tokens t;
    int rc = hv_tokenize(line, len, &t);
    if (rc != HV_PARSE_OK) {
        hv_err(c, HSC_ERR_PARSING, "%s", hv_parse_strerror(rc));
        return;
    }
    if (t.argc < 2) {
        hv_err(c, HSC_ERR_PARSING,
               "At least a module and a command must be specified");
        goto out;
    }
    const struct hv_module *m = hv_module_find(t.argv[0]);
    if (!m) {
        hv_err(c, HSC_ERR_UNK_MODULE, "Unknown module '%s'", t.argv[0]);
        goto out;
    }
    const struct hv_cmd *cmd = cmd_find(m, t.argv[1]);
    if (!cmd) {
        hv_err(c, HSC_ERR_UNK_CMD, "Unknown command '%s'", t.argv[1]);
        goto out;
    }
    int n = t.argc - 2;
    if (n < cmd->min_args || n > cmd->max_args) {
        hv_err(c, HSC_ERR_BAD_PARAM,
               "Bad number of parameters (%d with min/max=%d/%d)", n,
               cmd->min_args, cmd->max_args);
        goto out;
    }
    if (c->flush && cmd_is_slow(m, cmd))
        c->flush(c->flush_arg);
    c->module = m;
    cmd->fn(c, n, t.argv + 2);
    c->module = NULL;
out:
    hv_tokens_free(&t);
}
