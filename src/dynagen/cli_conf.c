/*
 * Configuration transfer (dynagen.md §13.6): save / push (base64 blobs in
 * the network file), export / import (text files), copy run start.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dynagen/b64.h"
#include "dynagen/cli.h"
#include "dynagen/netedit.h"

/*
 * The startup-config of a router as base64: the third blank-separated
 * word of "100-conf 'R' '<b64>' '<b64>'" (quotes removed; §13.6).
 * Returns NULL (error printed) or a string, empty when NVRAM has none.
 */
static char *conf_extract(struct cli *c, int dev)
{
    struct topo_dev *d = &c->lab->topo.devs[dev];
    struct hv_reply r;
    if (cli_send(c, d->server, 0, &r, "vm extract_config %s", d->name) != 0) {
        hv_reply_free(&r);
        return NULL;
    }
    struct dg_strv tok = {0};
    dg_split_ws(hv_reply_text(&r), &tok);
    char *b64 = NULL;
    if (tok.n >= 3) {
        char *s = tok.v[2];
        size_t n = strlen(s);
        if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
            b64 = dg_strndup(s + 1, n - 2);
        } else {
            b64 = dg_strdup(s);
        }
    } else {
        cli_printf(c, "*** Error: unexpected reply to vm extract_config: %s\n",
                   hv_reply_text(&r));
    }
    dg_strv_free(&tok);
    hv_reply_free(&r);
    return b64;
}

int cli_cmd_save(struct cli *c, struct cli_args *a)
{
    struct lab *l = c->lab;
    struct topo *t = &l->topo;
    if (!l->have_nf) {
        cli_printf(c, "*** Error: there is no network file to save to\n");
        return 0;
    }
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        char *b64 = conf_extract(c, devs[i]);
        if (!b64) {
            continue;
        }
        if (!b64[0]) {
            cli_printf(c, "*** Error: %s has no startup-config in NVRAM: "
                          "nothing saved\n",
                       d->name);
            free(b64);
            continue;
        }
        char *why;
        if (netedit_set(l->nf.path, t->servers[d->server].nf->header,
                        d->sec->header, "configuration", b64, &why) < 0) {
            cli_printf(c, "*** Error: %s\n", why);
            free(why);
            free(b64);
            continue;
        }
        free(d->configuration);
        d->configuration = b64;
        cli_printf(c, "saved configuration from: %s\n", d->name);
    }
    free(devs);
    return 0;
}

int cli_cmd_push(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n, devs);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        if (!d->configuration) {
            cli_printf(c, "No saved configuration found for device: %s\n",
                       d->name);
            continue;
        }
        if (cli_send(c, d->server, 0, NULL, "vm push_config %s %s", d->name,
                     d->configuration) == 0) {
            cli_printf(c, "Pushed config to: %s\n", d->name);
        }
    }
    free(devs);
    return 0;
}

static char *conf_dir(struct cli *c, const char *dir)
{
    return dg_path_join(c->lab->nf.dir ? c->lab->nf.dir : ".", dir);
}

static int conf_mkdirs(const char *path)
{
    char *p = dg_strdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0777) < 0 && errno != EEXIST) {
                int e = errno;
                free(p);
                return -e;
            }
            *s = '/';
        }
    }
    int rc = mkdir(p, 0777) < 0 && errno != EEXIST ? -errno : 0;
    free(p);
    return rc;
}

int cli_cmd_export(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    const char *given = a->v.v[a->v.n - 1];
    char *dir = conf_dir(c, given);
    struct stat st;
    if (stat(dir, &st) == 0) {
        char *q = dg_printf("The directory %s already exists. Ok to "
                            "overwrite (Y/N)? ",
                            given);
        fflush(c->out);
        char *ans = cli_ask(c, q);
        free(q);
        int yes = ans && (ans[0] == 'y' || ans[0] == 'Y');
        free(ans);
        if (!yes) {
            free(dir);
            return 0;
        }
    } else {
        int rc = conf_mkdirs(dir);
        if (rc < 0) {
            cli_printf(c, "*** Error: cannot create %s: %s\n", dir,
                       strerror(-rc));
            free(dir);
            return 0;
        }
    }
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n - 1, devs);
    for (size_t i = 0; i < n; i++) {
        struct topo_dev *d = &t->devs[devs[i]];
        char *b64 = conf_extract(c, devs[i]);
        if (!b64) {
            continue;
        }
        unsigned char *raw;
        size_t len;
        if (b64_decode(b64, &raw, &len) < 0) {
            cli_printf(c, "*** Error: %s: the configuration is not valid "
                          "base64\n",
                       d->name);
            free(b64);
            continue;
        }
        size_t o = 0;
        for (size_t k = 0; k < len; k++) {
            if (raw[k] != '\r') {
                raw[o++] = raw[k];
            }
        }
        char *name = dg_printf("%s.cfg", d->name);
        char *path = dg_path_join(dir, name);
        int rc = dg_write_file_atomic(path, (char *)raw, o);
        if (rc < 0) {
            cli_printf(c, "*** Error: cannot write %s: %s\n", path,
                       strerror(-rc));
        } else {
            cli_printf(c, "Exporting %s to %s/%s\n", d->name, given, name);
        }
        free(name);
        free(path);
        free(raw);
        free(b64);
    }
    free(devs);
    free(dir);
    return 0;
}

int cli_cmd_import(struct cli *c, struct cli_args *a)
{
    struct topo *t = &c->lab->topo;
    const char *given = a->v.v[a->v.n - 1];
    char *dir = conf_dir(c, given);
    DIR *dp = opendir(dir);
    if (!dp) {
        cli_printf(c, "*** Error: cannot open the directory %s: %s\n", dir,
                   strerror(errno));
        free(dir);
        return 0;
    }
    int *devs = dg_calloc(t->ndevs + 1, sizeof(int));
    size_t n = cli_routers(c, a, 0, a->v.n - 1, devs);
    struct dg_strv files = {0};
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > 4 && dg_strcaseeq(de->d_name + l - 4, ".cfg")) {
            dg_strv_push(&files, dg_strdup(de->d_name));
        }
    }
    closedir(dp);
    /* readdir order is arbitrary: go by name */
    for (size_t i = 1; i < files.n; i++) {
        for (size_t j = i; j > 0 && strcmp(files.v[j - 1], files.v[j]) > 0;
             j--) {
            char *x = files.v[j];
            files.v[j] = files.v[j - 1];
            files.v[j - 1] = x;
        }
    }
    for (size_t i = 0; i < files.n; i++) {
        char *base = dg_strndup(files.v[i], strlen(files.v[i]) - 4);
        int d = topo_find_dev(t, base);
        if (d < 0 || t->devs[d].kind != T_ROUTER) {
            cli_printf(c, "*** Error: Ignoring unknown device: %s\n", base);
            free(base);
            continue;
        }
        int wanted = 0;
        for (size_t k = 0; k < n; k++) {
            wanted |= devs[k] == d;
        }
        free(base);
        if (!wanted) {
            continue;
        }
        char *path = dg_path_join(dir, files.v[i]);
        char *text;
        size_t len;
        int rc = dg_read_file(path, &text, &len);
        free(path);
        if (rc < 0) {
            cli_printf(c, "*** Error: cannot read %s: %s\n", files.v[i],
                       strerror(-rc));
            continue;
        }
        cli_printf(c, "Importing %s from %s\n", t->devs[d].name, files.v[i]);
        struct dg_buf b = {0};
        dg_buf_add(&b, "\n!\n");
        dg_buf_addn(&b, text, len);
        char *b64 = b64_encode((unsigned char *)b.s, b.len);
        cli_send(c, t->devs[d].server, 0, NULL, "vm push_config %s %s",
                 t->devs[d].name, b64);
        free(b64);
        dg_buf_free(&b);
        free(text);
    }
    dg_strv_free(&files);
    free(devs);
    free(dir);
    return 0;
}

int cli_cmd_copy(struct cli *c, struct cli_args *a)
{
    struct lab *l = c->lab;
    if (a->v.n != 2 || strncmp("running-config", a->v.v[0],
                               strlen(a->v.v[0])) != 0 ||
        strncmp("startup-config", a->v.v[1], strlen(a->v.v[1])) != 0) {
        cli_printf(c, "*** Error: invalid copy command (copy run start)\n");
        return 0;
    }
    if (!l->have_nf) {
        cli_printf(c, "*** Error: there is no network file to write\n");
        return 0;
    }
    char *text = cli_running_config(c, -1, 1);
    int rc = dg_write_file_atomic(l->nf.path, text, strlen(text));
    free(text);
    if (rc < 0) {
        cli_printf(c, "*** Error: cannot write %s: %s\n", l->nf.path,
                   strerror(-rc));
    } else {
        cli_printf(c, "Running topology written to %s\n", l->nf.path);
    }
    return 0;
}
