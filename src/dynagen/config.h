/*
 * Dynagen's side files (dynagen.md §14): dynagen.ini (telnet command,
 * UDP base, idle-PC database path, start delay) and the idle-PC database
 * (image name -> idle-PC). Also where the open firmware lives.
 */
#ifndef DYNAGEN_CONFIG_H
#define DYNAGEN_CONFIG_H

#include "dynagen/dg_util.h"

struct idledb {
    char *path;
    struct dg_strv keys;
    struct dg_strv values;
};

struct dg_config {
    char *ini_path;      /* the dynagen.ini read, or NULL (built-in) */
    char *telnet;        /* console command template (%h %p %d) */
    char *telnet_aux;    /* same for aux (defaults to telnet) */
    long udp;            /* default UDP base */
    long delay;          /* default seconds between starts */
    char *bindir;        /* directory of the dynagen program */
    char *firmware;      /* the open c7200 firmware (may not exist) */
    int firmware_found;
    struct idledb idb;
};

/*
 * Read dynagen.ini: ini_path if given, else the first readable of
 * /etc/dynagen.ini, /usr/local/etc/dynagen.ini, <bindir>/dynagen.ini,
 * <bindir>/../share/dynamips/dynagen.ini; none is fine (built-in
 * defaults). Then the idle-PC database. Problems go to d; returns -1 on
 * an error (a file that exists but cannot be parsed).
 */
int dg_config_load(struct dg_config *cfg, const char *ini_path,
                   struct dg_diag *d);
void dg_config_free(struct dg_config *cfg);

/* Idle-PC database (plain INI, top level only). */
int idledb_load(struct idledb *db, const char *path, struct dg_diag *d);
const char *idledb_get(const struct idledb *db, const char *image);
/* Set and rewrite the file atomically; returns 0 or -errno. */
int idledb_set(struct idledb *db, const char *image, const char *pc);
void idledb_free(struct idledb *db);

/* The idle-PC database key of an image path (§13.8): its file name. */
char *dg_image_name(const char *image);

#endif
