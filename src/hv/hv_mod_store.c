/* Module "object_store": named blobs kept by the server (hypervisor.md §5.11). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hv.h"
#include "hv/hv_b64.h"

struct hv_blob {
    uint8_t *data;
    size_t len;
};

static void blob_free(struct hv_obj *obj)
{
    struct hv_blob *b = obj->data;
    if (b)
        free(b->data);
    free(b);
}

static void cmd_write(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_blob *b = calloc(1, sizeof(*b));
    if (!b) {
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
        return;
    }
    long n = hv_b64_decode(argv[1], &b->data);
    if (n < 0) {
        free(b);
        hv_err(c, HSC_ERR_CREATE, "unable to decode base64");
        return;
    }
    b->len = (size_t)n;
    /* No overwrite: an existing name is an error (§5.11). */
    struct hv_obj *obj = hv_obj_add(&c->hv->reg, HV_KIND_STORE, argv[0], b,
                                    blob_free);
    if (!obj) {
        free(b->data);
        free(b);
        hv_err(c, HSC_ERR_CREATE, "unable to store object");
        return;
    }
    hv_obj_put(&c->hv->reg, obj);
    hv_ok(c, "OK");
}

static struct hv_obj *store_find(struct hv_ctx *c, const char *name)
{
    return hv_obj_get_locked(&c->hv->reg, HV_KIND_STORE, name);
}

static void store_release(struct hv_ctx *c, struct hv_obj *obj)
{
    hv_obj_unlock_put(&c->hv->reg, obj);
}

static void cmd_read(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = store_find(c, argv[0]);
    if (!obj) {
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'", argv[0]);
        return;
    }
    struct hv_blob *b = obj->data;
    char *text = hv_b64_encode(b->data, b->len);
    if (!text)
        hv_err(c, HSC_ERR_UNSPECIFIED, "out of memory");
    else
        hv_ok(c, "%s", text);
    free(text);
    store_release(c, obj);
}

static void cmd_rename(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = store_find(c, argv[0]);
    if (!obj) {
        hv_err(c, HSC_ERR_UNK_OBJ, "unable to find object '%s'", argv[0]);
        return;
    }
    int rc = hv_obj_rename(&c->hv->reg, obj, argv[1]);
    hv_rename_reply(c, rc, "object", "object", argv[0], argv[1]);
    store_release(c, obj);
}

static void cmd_delete(struct hv_ctx *c, int argc, char **argv)
{
    struct hv_obj *obj = store_find(c, argv[0]);
    /* A referenced object is not deleted, and we say so (§10). */
    if (!obj || hv_obj_remove(&c->hv->reg, obj) < 0)
        hv_err(c, HSC_ERR_DELETE, "unable to delete object %s", argv[0]);
    else
        hv_ok(c, "object %s deleted", argv[0]);
    if (obj)
        store_release(c, obj);
}

static void cmd_delete_all(struct hv_ctx *c, int argc, char **argv)
{
    hv_delete_kind(c->hv, HV_KIND_STORE);
    hv_ok(c, "object store deleted");
}

static void list_one(struct hv_ctx *c, struct hv_obj *obj, void *arg)
{
    hv_info(c, "%s (len=%zu)", obj->name, ((struct hv_blob *)obj->data)->len);
}

static void cmd_list(struct hv_ctx *c, int argc, char **argv)
{
    if (hv_obj_foreach(c, HV_KIND_STORE, list_one, NULL) == 0)
        hv_ok(c, "OK");
}

static const struct hv_cmd store_cmds[] = {
    {"write", 2, 2, cmd_write},
    {"read", 1, 1, cmd_read},
    {"rename", 2, 2, cmd_rename},
    {"delete", 1, 1, cmd_delete},
    {"delete_all", 0, 0, cmd_delete_all},
    {"list", 0, 0, cmd_list},
};

HV_MODULE(hv_mod_object_store, "object_store", store_cmds);
