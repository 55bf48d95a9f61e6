/*
 * Module "nio": network I/O descriptors (hypervisor.md §5.5, network.md
 * §2, §6, §7). An NIO object's data is its `struct nio *` (hv_net.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "hv/hv_net.h"
#include "net/nio.h"
#include "net/nio_filter.h"

static void nio_obj_free(struct hv_obj *obj)
{
    nio_destroy(obj->data);
}

/* Register a new NIO under its name; replies either way. */
static void add_nio(struct hv_ctx *c, int rc, struct nio *nio,
                    const char *name, const char *kind)
{
    if (rc == 0) {
        struct hv_obj *obj = hv_obj_add(&c->hv->reg, HV_KIND_NIO, name, nio,
                                        nio_obj_free);
        if (obj) {
            hv_obj_put(&c->hv->reg, obj);
            if (nio_get_type(nio) == NIO_TYPE_UDP_AUTO)
                hv_ok(c, "%u", nio_udp_local_port(nio));
            else
                hv_ok(c, "NIO '%s' created", name);
            return;
        }
        nio_destroy(nio);
    }
    hv_err(c, HSC_ERR_CREATE, "unable to create %s NIO", kind);
}

static unsigned port_arg(const char *s)
{
    int v = hv_arg_int(s);
    return v < 0 || v > 65535 ? 65536u : (unsigned)v; /* 65536: rejected */
}

static void cmd_create_udp(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_udp(&n, c->hv->ev, c->hv->log, argv[0],
                            port_arg(argv[1]), argv[2], port_arg(argv[3]));
    add_nio(c, rc, n, argv[0], "UDP");
}

static void cmd_create_udp_auto(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_udp_auto(&n, c->hv->ev, c->hv->log, argv[0],
                                 argv[1], port_arg(argv[2]),
                                 port_arg(argv[3]));
    add_nio(c, rc, n, argv[0], "UDP Auto");
}

static void cmd_create_unix(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_unix(&n, c->hv->ev, c->hv->log, argv[0], argv[1],
                             argv[2]);
    add_nio(c, rc, n, argv[0], "UNIX");
}

static void cmd_create_vde(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_vde(&n, c->hv->ev, c->hv->log, argv[0], argv[1],
                            argv[2]);
    add_nio(c, rc, n, argv[0], "VDE");
}

static void cmd_create_tap(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_tap(&n, c->hv->ev, c->hv->log, argv[0], argv[1]);
    add_nio(c, rc, n, argv[0], "TAP");
}

static void cmd_create_gen_eth(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_gen_eth(&n, c->hv->ev, c->hv->log, argv[0], argv[1]);
    add_nio(c, rc, n, argv[0], "generic ethernet");
}

static void cmd_create_linux_eth(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_linux_eth(&n, c->hv->ev, c->hv->log, argv[0],
                                  argv[1]);
    add_nio(c, rc, n, argv[0], "Linux raw ethernet");
}

static void cmd_create_null(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_null(&n, c->hv->ev, c->hv->log, argv[0]);
    add_nio(c, rc, n, argv[0], "Null");
}

static void cmd_create_fifo(struct hv_ctx *c, int argc, char **argv)
{
    struct nio *n = NULL;
    int rc = nio_create_fifo(&n, c->hv->ev, c->hv->log, argv[0]);
    add_nio(c, rc, n, argv[0], "FIFO");
}

/* NIO object by name, held and locked; 208 reply when unknown. */
static struct hv_obj *nio_find(struct hv_ctx *c, const char *name)
{
    struct hv_obj *obj = hv_obj_get_locked(&c->hv->reg, HV_KIND_NIO, name);
    if (!obj)
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'", name);
    return obj;
}

static void nio_done(struct hv_ctx *c, struct hv_obj *obj)
{
    hv_obj_unlock_put(&c->hv->reg, obj);
}

static void cmd_connect_udp_auto(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    struct nio *n = obj->data;
    if (nio_get_type(n) == NIO_TYPE_UDP_AUTO &&
        nio_udp_auto_connect(n, argv[1], port_arg(argv[2])) == 0)
        hv_ok(c, "NIO '%s' connected", argv[0]);
    else
        hv_err(c, HSC_ERR_CREATE, "unable to connect NIO");
    nio_done(c, obj);
}

static void cmd_crossconnect_fifo(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *a = hv_nio_get(c, argv[0]);
    struct hv_obj *b = hv_nio_get(c, argv[1]);
    if (!a || !b) {
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'",
               a ? argv[1] : argv[0]);
    } else if (nio_fifo_crossconnect(a->data, b->data) < 0) {
        hv_err(c, HSC_ERR_BINDING, "unable to crossconnect FIFO NIOs");
    } else {
        hv_ok(c, "OK");
    }
    hv_obj_put(&c->hv->reg, a);
    hv_obj_put(&c->hv->reg, b);
}

static void cmd_rename(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    int rc = hv_obj_rename(&c->hv->reg, obj, argv[1]);
    if (rc == 0 && nio_rename(obj->data, argv[1]) < 0)
        rc = -ENOMEM;
    hv_rename_reply(c, rc, "NIO", "NIO", argv[0], argv[1]);
    nio_done(c, obj);
}

static void cmd_delete(struct hv_ctx *c, int argc, char **argv)
{
    /* Refused while bound (spec §1.2). */
    if (hv_obj_delete(&c->hv->reg, HV_KIND_NIO, argv[0]) == 0)
        hv_ok(c, "NIO '%s' deleted", argv[0]);
    else
        hv_err(c, HSC_ERR_DELETE, "unable to delete NIO '%s'", argv[0]);
}

static void cmd_set_debug(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    nio_set_debug(obj->data, hv_arg_int(argv[1]));
    hv_ok(c, "OK");
    nio_done(c, obj);
}

static void cmd_bind_filter(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    if (nio_filter_bind(obj->data, nio_dir_from_int(hv_arg_int(argv[1])),
                        argv[2]) < 0)
        hv_err(c, HSC_ERR_UNK_OBJ, "Unknown filter %s", argv[2]);
    else
        hv_ok(c, "OK");
    nio_done(c, obj);
}

static void cmd_unbind_filter(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    if (nio_filter_unbind(obj->data, nio_dir_from_int(hv_arg_int(argv[1]))) <
        0)
        hv_err(c, HSC_ERR_UNK_OBJ, "No filter previously defined");
    else
        hv_ok(c, "OK");
    nio_done(c, obj);
}

static void cmd_setup_filter(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    if (nio_filter_setup(obj->data, nio_dir_from_int(hv_arg_int(argv[1])),
                         argc - 2, argv + 2) < 0)
        hv_err(c, HSC_ERR_UNSPECIFIED, "Failed to setup filter");
    else
        hv_ok(c, "OK");
    nio_done(c, obj);
}

static void cmd_get_stats(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    struct nio_stats st;
    nio_get_stats(obj->data, &st);
    hv_ok(c, "%llu %llu %llu %llu", (unsigned long long)st.pkts_in,
          (unsigned long long)st.pkts_out, (unsigned long long)st.bytes_in,
          (unsigned long long)st.bytes_out);
    nio_done(c, obj);
}

static void cmd_reset_stats(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    nio_reset_stats(obj->data);
    hv_ok(c, "OK");
    nio_done(c, obj);
}

static void cmd_set_bandwidth(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = nio_find(c, argv[0]);
    if (!obj)
        return;
    int kbps = hv_arg_int(argv[1]);
    nio_set_bandwidth(obj->data, kbps < 0 ? 0 : (unsigned)kbps);
    hv_ok(c, "OK");
    nio_done(c, obj);
}

static void cmd_list(struct hv_ctx *c, int argc, char **argv)
{
    hv_list_names(c, HV_KIND_NIO);
}

static const struct hv_cmd nio_cmds[] = {
    {"create_udp", 4, 4, cmd_create_udp},
    {"create_udp_auto", 4, 4, cmd_create_udp_auto},
    {"connect_udp_auto", 3, 3, cmd_connect_udp_auto},
    {"create_unix", 3, 3, cmd_create_unix},
    {"create_vde", 3, 3, cmd_create_vde},
    {"create_tap", 2, 2, cmd_create_tap},
    {"create_gen_eth", 2, 2, cmd_create_gen_eth},
    {"create_linux_eth", 2, 2, cmd_create_linux_eth},
    {"create_null", 1, 1, cmd_create_null},
    {"create_fifo", 1, 1, cmd_create_fifo},
    {"crossconnect_fifo", 2, 2, cmd_crossconnect_fifo},
    {"rename", 2, 2, cmd_rename},
    {"delete", 1, 1, cmd_delete},
    {"set_debug", 2, 2, cmd_set_debug},
    {"bind_filter", 3, 3, cmd_bind_filter},
    {"unbind_filter", 2, 2, cmd_unbind_filter},
    {"setup_filter", 2, 10, cmd_setup_filter},
    {"get_stats", 1, 1, cmd_get_stats},
    {"reset_stats", 1, 1, cmd_reset_stats},
    {"set_bandwidth", 2, 2, cmd_set_bandwidth},
    {"list", 0, 0, cmd_list},
};

HV_MODULE(hv_mod_nio, "nio", nio_cmds);
