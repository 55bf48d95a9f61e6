/* Module "hypervisor": server control (hypervisor.md §5.1). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "hv/hv.h"
#include "main/version.h"
#include "net/nio.h"

/* hv_mod_vm.c */
void hv_vm_save_config(struct hypervisor *hv, FILE *f);

static void cmd_version(struct hv_ctx *c, int argc, char **argv)
{
    hv_ok(c, "%s-%s", DYNAMIPS_VERSION, DYNAMIPS_ARCH);
}

static void cmd_module_list(struct hv_ctx *c, int argc, char **argv)
{
    for (size_t i = 0; i < hv_nmodules; i++)
        hv_info(c, "%s", hv_modules[i]->name);
    hv_ok(c, "OK");
}

static void cmd_cmd_list(struct hv_ctx *c, int argc, char **argv)
{
    const struct hv_module *m = hv_module_find(argv[0]);
    if (!m) {
        /* lower-case "unknown" here, as the reference (§5.1) */
        hv_err(c, HSC_ERR_UNK_MODULE, "unknown module '%s'", argv[0]);
        return;
    }
    for (size_t i = 0; i < m->ncmds; i++)
        hv_info(c, "%s (min/max args: %d/%d)", m->cmds[i].name,
                m->cmds[i].min_args, m->cmds[i].max_args);
    hv_ok(c, "OK");
}

static void cmd_close(struct hv_ctx *c, int argc, char **argv)
{
    c->close_conn = 1;
    hv_ok(c, "OK");
}

static void cmd_stop(struct hv_ctx *c, int argc, char **argv)
{
    /* The logs of deleted VMs complete before the reply (the VMs still
     * there get their last lines as the process ends). */
    log_writer_sync_all(c->hv->logw);
    c->stop_server = 1;
    hv_ok(c, "OK");
}

static void cmd_reset(struct hv_ctx *c, int argc, char **argv)
{
    log_msg(c->hv->log, "HYPERVISOR", "reset");
    hv_reset(c->hv);
    log_writer_sync_all(c->hv->logw); /* every deleted VM's log complete */
    hv_ok(c, "OK");
}

static void cmd_working_dir(struct hv_ctx *c, int argc, char **argv)
{
    /* The files of deleted VMs in the directory left are complete before
     * the client goes on elsewhere (and perhaps removes it). */
    log_writer_sync_all(c->hv->logw);
    if (chdir(argv[0]) < 0) {
        hv_err(c, HSC_ERR_INV_PARAM, "chdir: %s", strerror(errno));
        return;
    }
    log_msg(c->hv->log, "HYPERVISOR", "working directory is now %s", argv[0]);
    hv_ok(c, "OK");
}

/* §5.12: NIOs first, so that the VM lines after them can bind them. */
static void save_nios(struct hypervisor *hv, FILE *f)
{
    struct hv_obj **list;
    int n = hv_obj_list(&hv->reg, HV_KIND_NIO, &list);
    for (int i = n - 1; i >= 0; i--) { /* oldest first */
        char line[1024];
        pthread_mutex_lock(&list[i]->mtx);
        if (!list[i]->deleted &&
            nio_describe(list[i]->data, line, sizeof(line)) > 0)
            fprintf(f, "nio %s\n", line);
        pthread_mutex_unlock(&list[i]->mtx);
    }
    if (n > 0) {
        hv_obj_list_put(&hv->reg, list, n);
        fprintf(f, "\n");
    }
}

static void cmd_save_config(struct hv_ctx *c, int argc, char **argv)
{
    FILE *f = fopen(argv[0], "w");
    if (!f) {
        hv_err(c, HSC_ERR_FILE, "fopen: %s", strerror(errno));
        return;
    }
    save_nios(c->hv, f);
    hv_vm_save_config(c->hv, f);
    if (fclose(f) != 0) {
        hv_err(c, HSC_ERR_FILE, "write: %s", strerror(errno));
        return;
    }
    hv_ok(c, "OK");
}

static void cmd_parser_test(struct hv_ctx *c, int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        hv_info(c, "arg %d (len %zu): \"%s\"", i, strlen(argv[i]), argv[i]);
    hv_ok(c, "OK");
}

static const struct hv_cmd hypervisor_cmds[] = {
    {"version", 0, 0, cmd_version},
    {"module_list", 0, 0, cmd_module_list},
    {"cmd_list", 1, 1, cmd_cmd_list},
    {"close", 0, 0, cmd_close},
    {"stop", 0, 0, cmd_stop},
    {"reset", 0, 0, cmd_reset},
    {"working_dir", 1, 1, cmd_working_dir},
    {"save_config", 1, 1, cmd_save_config},
    {"parser_test", 0, 10, cmd_parser_test},
};

HV_MODULE(hv_mod_hypervisor, "hypervisor", hypervisor_cmds);
