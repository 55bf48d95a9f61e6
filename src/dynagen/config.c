/*
 * dynagen.ini and the idle-PC database (dynagen.md §14); the open
 * firmware's location (source tree or installed tree).
 */
#include "dynagen/config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynagen/ini.h"
#include "dynagen/netfile.h"

#define FIRMWARE_NAME "router-firmware.elf"

static char *dg_self_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) {
        return dg_strdup(".");
    }
    buf[n] = '\0';
    return dg_dirname(buf);
}

static int dg_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

static void dg_find_firmware(struct dg_config *cfg)
{
    /* source tree: build/dynagen -> guest/images/firmware/; installed:
     * <prefix>/bin/dynagen -> <prefix>/share/dynamips/images/ */
    const char *rel[] = {
        "../guest/images/firmware/" FIRMWARE_NAME,
        "../share/dynamips/images/" FIRMWARE_NAME,
        "../share/dynamips/images/firmware/" FIRMWARE_NAME,
    };
    const char *env = getenv("DYNAGEN_FIRMWARE");
    if (env && env[0]) {
        cfg->firmware = dg_abspath(env);
        cfg->firmware_found = dg_exists(cfg->firmware);
        return;
    }
    for (size_t i = 0; i < DG_ARRAY_SIZE(rel); i++) {
        char *p = dg_path_join(cfg->bindir, rel[i]);
        if (dg_exists(p)) {
            cfg->firmware = dg_abspath(p);
            cfg->firmware_found = 1;
            free(p);
            return;
        }
        free(p);
    }
    char *p = dg_path_join(cfg->bindir, rel[0]);
    cfg->firmware = dg_abspath(p);
    free(p);
    cfg->firmware_found = 0;
}

static char *dg_home_file(const char *name)
{
    const char *home = getenv("HOME");
    return dg_path_join(home && home[0] ? home : ".", name);
}

int dg_config_load(struct dg_config *cfg, const char *ini_path,
                   struct dg_diag *d)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->bindir = dg_self_dir();
    cfg->udp = 10000;
    dg_find_firmware(cfg);

    char *candidates[4] = {0};
    size_t nc = 0;
    if (ini_path) {
        candidates[nc++] = dg_strdup(ini_path);
    } else {
        candidates[nc++] = dg_strdup("/etc/dynagen.ini");
        candidates[nc++] = dg_strdup("/usr/local/etc/dynagen.ini");
        candidates[nc++] = dg_path_join(cfg->bindir, "dynagen.ini");
        candidates[nc++] =
            dg_path_join(cfg->bindir, "../share/dynamips/dynagen.ini");
    }
    int rc = 0;
    char *idledb = NULL;
    for (size_t i = 0; i < nc; i++) {
        if (!ini_path && !dg_exists(candidates[i])) {
            continue;
        }
        struct ini_doc doc;
        if (ini_load(&doc, candidates[i], d) < 0) {
            ini_free(&doc);
            rc = -1;
            break;
        }
        cfg->ini_path = dg_strdup(candidates[i]);
        for (size_t k = 0; k < doc.top.nkv; k++) {
            const struct ini_kv *kv = &doc.top.kv[k];
            if (strcmp(kv->key, "telnet") == 0) {
                free(cfg->telnet);
                cfg->telnet = dg_strdup(kv->value);
            } else if (strcmp(kv->key, "aux") == 0) {
                free(cfg->telnet_aux);
                cfg->telnet_aux = dg_strdup(kv->value);
            } else if (strcmp(kv->key, "udp") == 0) {
                long v;
                if (dg_parse_long(kv->value, &v) < 0 || v < 1 || v > 65535) {
                    dg_warn(d, candidates[i], kv->line,
                            "ignoring invalid udp value '%s'", kv->value);
                } else {
                    cfg->udp = v;
                }
            } else if (strcmp(kv->key, "idledb") == 0) {
                free(idledb);
                idledb = dg_strdup(kv->value);
            } else if (strcmp(kv->key, "delay") == 0) {
                long v;
                if (dg_parse_long(kv->value, &v) == 0 && v >= 0) {
                    cfg->delay = v;
                }
            }
        }
        ini_free(&doc);
        break;
    }
    for (size_t i = 0; i < nc; i++) {
        free(candidates[i]);
    }
    if (!cfg->telnet) {
        /* Without a dynagen.ini, telnet in the foreground: the console
         * takes the terminal until the telnet escape (Ctrl-]) and quit. */
        cfg->telnet = dg_strdup("telnet %h %p");
    }
    if (!cfg->telnet_aux) {
        cfg->telnet_aux = dg_strdup(cfg->telnet);
    }
    if (rc == 0) {
        if (idledb && idledb[0] == '~' && idledb[1] == '/') {
            char *p = dg_home_file(idledb + 2);
            free(idledb);
            idledb = p;
        }
        if (!idledb) {
            idledb = dg_home_file("dynagenidledb.ini");
        }
        if (idledb_load(&cfg->idb, idledb, d) < 0) {
            rc = -1;
        }
    }
    free(idledb);
    return rc;
}

void dg_config_free(struct dg_config *cfg)
{
    free(cfg->ini_path);
    free(cfg->telnet);
    free(cfg->telnet_aux);
    free(cfg->bindir);
    free(cfg->firmware);
    idledb_free(&cfg->idb);
    memset(cfg, 0, sizeof(*cfg));
}

int idledb_load(struct idledb *db, const char *path, struct dg_diag *d)
{
    memset(db, 0, sizeof(*db));
    db->path = dg_strdup(path);
    if (!dg_exists(path)) {
        return 0;
    }
    struct ini_doc doc;
    int rc = ini_load(&doc, path, d);
    if (rc == 0) {
        for (size_t i = 0; i < doc.top.nkv; i++) {
            dg_strv_push(&db->keys, dg_strdup(doc.top.kv[i].key));
            dg_strv_push(&db->values, dg_strdup(doc.top.kv[i].value));
        }
        if (doc.top.nsub) {
            dg_warn(d, path, doc.top.sub[0].line,
                    "sections in the idle-PC database are ignored");
        }
    }
    ini_free(&doc);
    return rc;
}

const char *idledb_get(const struct idledb *db, const char *image)
{
    for (size_t i = 0; i < db->keys.n; i++) {
        if (strcmp(db->keys.v[i], image) == 0) {
            return db->values.v[i];
        }
    }
    return NULL;
}

int idledb_set(struct idledb *db, const char *image, const char *pc)
{
    size_t i;
    for (i = 0; i < db->keys.n; i++) {
        if (strcmp(db->keys.v[i], image) == 0) {
            free(db->values.v[i]);
            db->values.v[i] = dg_strdup(pc);
            break;
        }
    }
    if (i == db->keys.n) {
        dg_strv_push(&db->keys, dg_strdup(image));
        dg_strv_push(&db->values, dg_strdup(pc));
    }
    struct dg_buf b = {0};
    for (i = 0; i < db->keys.n; i++) {
        char *k = ini_quote_value(db->keys.v[i]);
        char *v = ini_quote_value(db->values.v[i]);
        dg_buf_addf(&b, "%s = %s\n", k, v);
        free(k);
        free(v);
    }
    int rc = dg_write_file_atomic(db->path, b.s ? b.s : "", b.len);
    dg_buf_free(&b);
    return rc;
}

void idledb_free(struct idledb *db)
{
    free(db->path);
    dg_strv_free(&db->keys);
    dg_strv_free(&db->values);
    memset(db, 0, sizeof(*db));
}

char *dg_image_name(const char *image)
{
    char *s = dg_strdup(image);
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        memmove(s, s + 1, n - 2);
        s[n - 2] = '\0';
    }
    char *r = dg_strdup(dg_basename(s));
    free(s);
    return r;
}
