/*
 * Modules "nio_bridge", "ethsw", "frsw", "atmsw", "atm_bridge": the
 * stand-alone network devices (hypervisor.md §5.6-§5.10, network.md
 * §8-§11). The devices are in net/; this file maps commands onto them and
 * keeps the NIO objects they use referenced (hv_net.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "hv/hv_net.h"
#include "net/atm_bridge.h"
#include "net/atmsw.h"
#include "net/ethsw.h"
#include "net/frsw.h"
#include "net/hub.h"
#include "net/nio.h"

/* Negative or oversized numbers become values the devices reject. */
static unsigned uarg(const char *s)
{
    int v = hv_arg_int(s);
    return v < 0 ? 0xFFFFFFFFu : (unsigned)v;
}

#define DEV_ADAPTERS(pfx, type)                                               \
    static int pfx##_new(void **dev, struct logger *lg, const char *name)     \
    {                                                                         \
        return pfx##_create((type **)dev, lg, name);                          \
    }                                                                         \
    static void pfx##_free(void *dev)                                         \
    {                                                                         \
        pfx##_destroy(dev);                                                   \
    }                                                                         \
    static int pfx##_ren(void *dev, const char *name)                         \
    {                                                                         \
        return pfx##_rename(dev, name);                                       \
    }

DEV_ADAPTERS(hub, struct hub)
DEV_ADAPTERS(ethsw, struct ethsw)
DEV_ADAPTERS(frsw, struct frsw)
DEV_ADAPTERS(atmsw, struct atmsw)
DEV_ADAPTERS(atm_bridge, struct atm_bridge)

static const struct hv_netdev_kind k_hub = {
    HV_KIND_NIO_BRIDGE, "NIO bridge", "NIO bridge", hub_new, hub_free,
    hub_ren};
static const struct hv_netdev_kind k_ethsw = {
    HV_KIND_ETHSW, "ETHSW", "Ethernet switch", ethsw_new, ethsw_free,
    ethsw_ren};
static const struct hv_netdev_kind k_frsw = {
    HV_KIND_FRSW, "FRSW", "frame-relay switch", frsw_new, frsw_free,
    frsw_ren};
static const struct hv_netdev_kind k_atmsw = {
    HV_KIND_ATMSW, "ATMSW", "ATM switch", atmsw_new, atmsw_free, atmsw_ren};
static const struct hv_netdev_kind k_atm_bridge = {
    HV_KIND_ATM_BRIDGE, "ATM bridge", "ATM bridge", atm_bridge_new,
    atm_bridge_free, atm_bridge_ren};

#define GENERIC_CMDS(k)                                                       \
    static void k##_create_cmd(struct hv_ctx *c, int argc, char **argv)       \
    {                                                                         \
        hv_netdev_create(c, &k_##k, argv[0]);                                 \
    }                                                                         \
    static void k##_rename_cmd(struct hv_ctx *c, int argc, char **argv)       \
    {                                                                         \
        hv_netdev_rename(c, &k_##k, argv[0], argv[1]);                        \
    }                                                                         \
    static void k##_delete_cmd(struct hv_ctx *c, int argc, char **argv)       \
    {                                                                         \
        hv_netdev_delete(c, &k_##k, argv[0]);                                 \
    }                                                                         \
    static void k##_list_cmd(struct hv_ctx *c, int argc, char **argv)         \
    {                                                                         \
        hv_list_names(c, k_##k.kind);                                            \
    }

GENERIC_CMDS(hub)
GENERIC_CMDS(ethsw)
GENERIC_CMDS(frsw)
GENERIC_CMDS(atmsw)
GENERIC_CMDS(atm_bridge)

#define GENERIC_ENTRIES(k)                                                    \
    {"create", 1, 1, k##_create_cmd}, {"rename", 2, 2, k##_rename_cmd},       \
        {"delete", 1, 1, k##_delete_cmd}, {"list", 0, 0, k##_list_cmd}

/* --------------------------------------------------- ports (hub, ethsw) */

typedef int (*port_fn)(void *dev, struct nio *nio);

static void add_port(struct hv_ctx *c, const struct hv_netdev_kind *k,
                     char **argv, port_fn add, const char *what)
{
    struct hv_obj *obj = hv_netdev_find(c, k, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    struct hv_obj *nio = hv_nio_get(c, argv[1]);
    if (nio && hv_netdev_bind(d, nio) == 0) {
        if (add(d->dev, nio->data) == 0) {
            hv_ok(c, "NIO '%s' bound.", argv[1]);
            hv_netdev_release(c, obj);
            return;
        }
        hv_netdev_unbind(d, nio->data);
    } else if (nio) {
        hv_obj_put(&c->hv->reg, nio);
    }
    hv_err(c, HSC_ERR_BINDING, "unable to bind NIO '%s' to %s '%s'", argv[1],
           what, argv[0]);
    hv_netdev_release(c, obj);
}

static void remove_port(struct hv_ctx *c, const struct hv_netdev_kind *k,
                        char **argv, port_fn del, const char *what)
{
    struct hv_obj *obj = hv_netdev_find(c, k, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    struct hv_obj *nio = hv_nio_get(c, argv[1]);
    if (nio && del(d->dev, nio->data) == 0) {
        hv_netdev_unbind(d, nio->data);
        hv_ok(c, "NIO '%s' unbound.", argv[1]);
    } else {
        /* (sic) "bind", as the reference says (hypervisor.md §5.6) */
        hv_err(c, HSC_ERR_BINDING, "unable to bind NIO '%s' to %s '%s'",
               argv[1], what, argv[0]);
    }
    hv_obj_put(&c->hv->reg, nio);
    hv_netdev_release(c, obj);
}

static int hub_add(void *dev, struct nio *nio)
{
    return hub_add_nio(dev, nio);
}

static int hub_del(void *dev, struct nio *nio)
{
    return hub_remove_nio(dev, nio);
}

static void hub_add_nio_cmd(struct hv_ctx *c, int argc, char **argv)
{
    add_port(c, &k_hub, argv, hub_add, "bridge");
}

static void hub_remove_nio_cmd(struct hv_ctx *c, int argc, char **argv)
{
    remove_port(c, &k_hub, argv, hub_del, "bridge");
}

static const struct hv_cmd hub_cmds[] = {
    GENERIC_ENTRIES(hub),
    {"add_nio", 2, 2, hub_add_nio_cmd},
    {"remove_nio", 2, 2, hub_remove_nio_cmd},
};
HV_MODULE(hv_mod_nio_bridge, "nio_bridge", hub_cmds);

/* ---------------------------------------------------------------- ethsw */

static int ethsw_add(void *dev, struct nio *nio)
{
    return ethsw_add_nio(dev, nio);
}

static int ethsw_del(void *dev, struct nio *nio)
{
    return ethsw_remove_nio(dev, nio);
}

static void ethsw_add_nio_cmd(struct hv_ctx *c, int argc, char **argv)
{
    add_port(c, &k_ethsw, argv, ethsw_add, "switch");
}

static void ethsw_remove_nio_cmd(struct hv_ctx *c, int argc, char **argv)
{
    remove_port(c, &k_ethsw, argv, ethsw_del, "switch");
}

enum { SET_ACCESS, SET_DOT1Q, SET_QINQ };

static void set_port(struct hv_ctx *c, int argc, char **argv, int mode)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_ethsw, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    struct hv_obj *nio = hv_nio_get(c, argv[1]);
    int rc = -ENOENT;
    if (nio) {
        unsigned v = uarg(argv[2]);
        if (mode == SET_ACCESS)
            rc = ethsw_set_access_port(d->dev, nio->data, v);
        else if (mode == SET_DOT1Q)
            rc = ethsw_set_dot1q_port(d->dev, nio->data, v);
        else
            rc = ethsw_set_qinq_port(
                d->dev, nio->data, v,
                ethsw_parse_tpid(argc > 3 ? argv[3] : NULL));
    }
    if (rc == 0)
        hv_ok(c, "Port settings OK");
    else
        hv_err(c, HSC_ERR_BINDING, "unable to apply port settings");
    hv_obj_put(&c->hv->reg, nio);
    hv_netdev_release(c, obj);
}

static void ethsw_access_cmd(struct hv_ctx *c, int argc, char **argv)
{
    set_port(c, argc, argv, SET_ACCESS);
}

static void ethsw_dot1q_cmd(struct hv_ctx *c, int argc, char **argv)
{
    set_port(c, argc, argv, SET_DOT1Q);
}

static void ethsw_qinq_cmd(struct hv_ctx *c, int argc, char **argv)
{
    set_port(c, argc, argv, SET_QINQ);
}

static void mac_line(void *arg, const char *line)
{
    hv_info((struct hv_ctx *)arg, "%s", line);
}

static void ethsw_show_cmd(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_ethsw, argv[0]);
    if (!obj)
        return;
    ethsw_show_mac_table(((struct hv_netdev *)obj->data)->dev, mac_line, c);
    hv_ok(c, "OK");
    hv_netdev_release(c, obj);
}

static void ethsw_clear_cmd(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_ethsw, argv[0]);
    if (!obj)
        return;
    ethsw_clear_mac_table(((struct hv_netdev *)obj->data)->dev);
    hv_ok(c, "OK");
    hv_netdev_release(c, obj);
}

static const struct hv_cmd ethsw_cmds[] = {
    GENERIC_ENTRIES(ethsw),
    {"add_nio", 2, 2, ethsw_add_nio_cmd},
    {"remove_nio", 2, 2, ethsw_remove_nio_cmd},
    {"set_access_port", 3, 3, ethsw_access_cmd},
    {"set_dot1q_port", 3, 3, ethsw_dot1q_cmd},
    {"set_qinq_port", 3, 4, ethsw_qinq_cmd},
    {"clear_mac_addr_table", 1, 1, ethsw_clear_cmd},
    {"show_mac_addr_table", 1, 1, ethsw_show_cmd},
};
HV_MODULE(hv_mod_ethsw, "ethsw", ethsw_cmds);

/* ----------------------------------------------- connections (frsw, atmsw) */

/*
 * Look up the input and output NIOs named in argv[in_at] / argv[out_at]
 * and bind both to the device; 0 on success (then the caller must unbind
 * both if the device refuses).
 */
static int bind_pair(struct hv_ctx *c, struct hv_netdev *d, const char *in,
                     const char *out, struct hv_obj **pin,
                     struct hv_obj **pout)
{
    *pin = hv_nio_get(c, in);
    *pout = hv_nio_get(c, out);
    if (*pin && *pout && hv_netdev_bind(d, *pin) == 0) {
        if (hv_netdev_bind(d, *pout) == 0)
            return 0;
        hv_netdev_unbind(d, (*pin)->data);
        *pin = NULL;
    }
    hv_obj_put(&c->hv->reg, *pin);
    hv_obj_put(&c->hv->reg, *pout);
    return -ENOENT;
}

static void unbind_pair(struct hv_netdev *d, struct nio *in, struct nio *out)
{
    hv_netdev_unbind(d, in);
    hv_netdev_unbind(d, out);
}

static void frsw_vc_cmd(struct hv_ctx *c, char **argv, int create)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_frsw, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    unsigned in_dlci = uarg(argv[2]), out_dlci = uarg(argv[4]);
    int rc = -ENOENT;
    if (create) {
        struct hv_obj *in, *out;
        if (bind_pair(c, d, argv[1], argv[3], &in, &out) == 0) {
            rc = frsw_create_vc(d->dev, in->data, in_dlci, out->data,
                                out_dlci);
            if (rc < 0)
                unbind_pair(d, in->data, out->data);
        }
    } else {
        struct hv_obj *in = hv_nio_get(c, argv[1]);
        struct hv_obj *out = hv_nio_get(c, argv[3]);
        if (in && out)
            rc = frsw_delete_vc(d->dev, in->data, in_dlci, out->data,
                                out_dlci);
        if (rc == 0)
            unbind_pair(d, in->data, out->data);
        hv_obj_put(&c->hv->reg, in);
        hv_obj_put(&c->hv->reg, out);
    }
    if (rc == 0)
        hv_ok(c, "VC %s", create ? "created" : "deleted");
    else
        hv_err(c, HSC_ERR_BINDING, "unable to %s VC",
               create ? "create" : "delete");
    hv_netdev_release(c, obj);
}

static void frsw_create_vc_cmd(struct hv_ctx *c, int argc, char **argv)
{
    frsw_vc_cmd(c, argv, 1);
}

static void frsw_delete_vc_cmd(struct hv_ctx *c, int argc, char **argv)
{
    frsw_vc_cmd(c, argv, 0);
}

static const struct hv_cmd frsw_cmds[] = {
    GENERIC_ENTRIES(frsw),
    {"create_vc", 5, 5, frsw_create_vc_cmd},
    {"delete_vc", 5, 5, frsw_delete_vc_cmd},
};
HV_MODULE(hv_mod_frsw, "frsw", frsw_cmds);

/* ATM: argv = sw in vpi [vci] out vpi [vci] */
static void atmsw_conn_cmd(struct hv_ctx *c, char **argv, int vcc,
                           int create)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_atmsw, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    int o = vcc ? 4 : 3; /* index of the output NIO */
    unsigned ivpi = uarg(argv[2]), ivci = vcc ? uarg(argv[3]) : 0;
    unsigned ovpi = uarg(argv[o + 1]), ovci = vcc ? uarg(argv[o + 2]) : 0;
    int rc = -ENOENT;
    struct hv_obj *in = NULL, *out = NULL;
    if (create) {
        if (bind_pair(c, d, argv[1], argv[o], &in, &out) == 0) {
            rc = vcc ? atmsw_create_vcc(d->dev, in->data, ivpi, ivci,
                                        out->data, ovpi, ovci)
                     : atmsw_create_vpc(d->dev, in->data, ivpi, out->data,
                                        ovpi);
            if (rc < 0)
                unbind_pair(d, in->data, out->data);
        }
    } else {
        in = hv_nio_get(c, argv[1]);
        out = hv_nio_get(c, argv[o]);
        if (in && out)
            rc = vcc ? atmsw_delete_vcc(d->dev, in->data, ivpi, ivci,
                                        out->data, ovpi, ovci)
                     : atmsw_delete_vpc(d->dev, in->data, ivpi, out->data,
                                        ovpi);
        if (rc == 0)
            unbind_pair(d, in->data, out->data);
        hv_obj_put(&c->hv->reg, in);
        hv_obj_put(&c->hv->reg, out);
    }
    const char *what = vcc ? "VCC" : "VPC";
    if (rc == 0)
        hv_ok(c, "%s %s", what, create ? "created" : "deleted");
    else
        hv_err(c, HSC_ERR_BINDING, "unable to %s %s",
               create ? "create" : "delete", what);
    hv_netdev_release(c, obj);
}

static void atmsw_create_vpc_cmd(struct hv_ctx *c, int argc, char **argv)
{
    atmsw_conn_cmd(c, argv, 0, 1);
}

static void atmsw_delete_vpc_cmd(struct hv_ctx *c, int argc, char **argv)
{
    atmsw_conn_cmd(c, argv, 0, 0);
}

static void atmsw_create_vcc_cmd(struct hv_ctx *c, int argc, char **argv)
{
    atmsw_conn_cmd(c, argv, 1, 1);
}

static void atmsw_delete_vcc_cmd(struct hv_ctx *c, int argc, char **argv)
{
    atmsw_conn_cmd(c, argv, 1, 0);
}

static const struct hv_cmd atmsw_cmds[] = {
    GENERIC_ENTRIES(atmsw),
    {"create_vpc", 5, 5, atmsw_create_vpc_cmd},
    {"delete_vpc", 5, 5, atmsw_delete_vpc_cmd},
    {"create_vcc", 7, 7, atmsw_create_vcc_cmd},
    {"delete_vcc", 7, 7, atmsw_delete_vcc_cmd},
};
HV_MODULE(hv_mod_atmsw, "atmsw", atmsw_cmds);

/* ----------------------------------------------------------- atm_bridge */

static void atm_bridge_configure_cmd(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_atm_bridge, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    struct hv_obj *eth, *atm;
    int rc = bind_pair(c, d, argv[1], argv[2], &eth, &atm);
    if (rc == 0) {
        rc = atm_bridge_configure(d->dev, eth->data, atm->data,
                                  uarg(argv[3]), uarg(argv[4]));
        if (rc < 0)
            unbind_pair(d, eth->data, atm->data);
    }
    if (rc == 0)
        hv_ok(c, "ATM bridge configured");
    else
        hv_err(c, HSC_ERR_BINDING, "unable to configure bridge");
    hv_netdev_release(c, obj);
}

static void atm_bridge_unconfigure_cmd(struct hv_ctx *c, int argc,
                                       char **argv)
{
    struct hv_obj *obj = hv_netdev_find(c, &k_atm_bridge, argv[0]);
    if (!obj)
        return;
    struct hv_netdev *d = obj->data;
    struct nio *eth, *atm;
    unsigned vpi, vci;
    if (atm_bridge_get_config(d->dev, &eth, &atm, &vpi, &vci) == 0 &&
        atm_bridge_unconfigure(d->dev) == 0) {
        unbind_pair(d, eth, atm);
        hv_ok(c, "ATM bridge unconfigured");
    } else {
        hv_err(c, HSC_ERR_BINDING, "unable to unconfigure bridge");
    }
    hv_netdev_release(c, obj);
}

static const struct hv_cmd atm_bridge_cmds[] = {
    GENERIC_ENTRIES(atm_bridge),
    {"configure", 5, 5, atm_bridge_configure_cmd},
    {"unconfigure", 1, 1, atm_bridge_unconfigure_cmd},
};
HV_MODULE(hv_mod_atm_bridge, "atm_bridge", atm_bridge_cmds);
