/*
 * nvram_export: copy startup-config and private-config out of an NVRAM
 * image file (DESIGN.md "The programs"; format: shared spec c7200.md
 * §13.4, c3600-c2691-c37xx.md §8).
 *
 *   nvram_export [options] <nvram_file> [<startup-config> [<private-config>]]
 *
 * The image is only ever opened for reading. Each output is written to a
 * temporary file beside it and renamed into place, so a reader never sees
 * half a config and a failed run leaves an older file as it was.
 *
 * Exit status: 0 done, 1 the image is unreadable or corrupt (or an output
 * cannot be written), 2 usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fd_io.h"
#include "dev/ios_nvram_file.h"
#include "dev/ios_nvram_fs.h"
#include "main/version.h"

enum { EXIT_OK = 0, EXIT_BAD_IMAGE = 1, EXIT_USAGE = 2 };
enum { OPT_VERSION = 1000, OPT_STRICT };

#define PROG "nvram_export"

struct opts {
    const char *format; /* layout name, NULL = detect */
    int strict;         /* a checksum mismatch is an error */
    int quiet;
    FILE *info;         /* where progress goes: stdout, or stderr when a
                           config is written to stdout */
};

static void usage(FILE *out)
{
    fprintf(out,
        "Usage: " PROG " [options] <nvram_file> [<startup-config> "
        "[<private-config>]]\n"
        "\n"
        "Copies the startup-config and private-config that IOS keeps in an\n"
        "NVRAM image (e.g. c7200_i1_nvram, or the _rom file of a c2691/c37xx)\n"
        "into files. With no output file, tells what the image holds.\n"
        "An output named '-' is standard output. The image is never written.\n"
        "\n"
        "Options:\n"
        "  -f, --format <name>  image layout, instead of detecting it:\n"
        "                       ");
    const struct ios_nvram_layout *l;
    for (size_t i = 0; (l = ios_nvram_layout_get(i)) != NULL; i++) {
        fprintf(out, "%s%s%s%s", i ? ", " : "", l->name, l->aka ? ", " : "",
                l->aka ? l->aka : "");
    }
    fprintf(out,
        "\n"
        "  -s, --strict         fail when the stored checksum does not match\n"
        "                       (default: warn and copy the configs)\n"
        "  -q, --quiet          no progress messages\n"
        "  -h, --help           this text\n"
        "      --version        print the version and exit\n"
        "\n"
        "Exit status: 0 done, 1 image unreadable or corrupt (or an output\n"
        "cannot be written), 2 usage error.\n");
}

static void info(const struct opts *o, const char *fmt, ...)
{
    if (o->quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(o->info, fmt, ap);
    va_end(ap);
}

static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (strcmp(a, b) == 0) {
        return 1;
    }
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Writes data to path through a temporary file and rename(2). */
static int write_atomic(const char *path, const char *data, size_t len)
{
    if (strcmp(path, "-") == 0) {
        int rc = fd_write_all(STDOUT_FILENO, data, len);
        if (rc < 0) {
            fprintf(stderr, PROG ": standard output: %s\n", strerror(-rc));
        }
        return rc;
    }
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp) {
        fprintf(stderr, PROG ": out of memory\n");
        return -ENOMEM;
    }
    snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        fprintf(stderr, PROG ": %s: cannot create a temporary file: %s\n",
                path, strerror(e));
        free(tmp);
        return -e;
    }
    mode_t mask = umask(0);
    umask(mask);
    int rc = fd_write_all(fd, data, len);
    if (rc == 0 && fchmod(fd, 0666 & ~mask) < 0) {
        rc = -errno;
    }
    if (rc == 0 && fsync(fd) < 0) {
        rc = -errno;
    }
    if (close(fd) < 0 && rc == 0) {
        rc = -errno;
    }
    if (rc == 0 && rename(tmp, path) < 0) {
        rc = -errno;
    }
    if (rc < 0) {
        fprintf(stderr, PROG ": %s: cannot write: %s\n", path, strerror(-rc));
        unlink(tmp);
    }
    free(tmp);
    return rc;
}

static void describe(const struct opts *o, const char *path,
                     const struct ios_nvram_layout *l,
                     const struct ios_nvram_configs *c)
{
    info(o, "%s: %s NVRAM image", path, l->name);
    if (l->aka) {
        info(o, " (or %s)", l->aka);
    }
    if (!c->startup) {
        info(o, ", file system formatted, no configuration saved\n");
        return;
    }
    info(o, ", startup-config %zu bytes", c->startup_len);
    if (c->startup_compressed) {
        info(o, " (compressed, %zu bytes in NVRAM)", c->startup_stored);
    }
    if (c->priv) {
        info(o, ", private-config %zu bytes\n", c->priv_len);
    } else {
        info(o, ", no private-config\n");
    }
}

static int export(const struct opts *o, const char *nvram, const char *out,
                  const char *what, const char *data, size_t len)
{
    if (!out) {
        return 0;
    }
    if (write_atomic(out, data ? data : "", data ? len : 0) < 0) {
        return -1;
    }
    if (strcmp(out, "-") != 0) {
        info(o, "%s: %s written to %s (%zu bytes)%s\n", nvram, what, out,
             data ? len : 0, data ? "" : ", empty: NVRAM has none");
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'},
        {"strict", no_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    struct opts o = {.info = stdout};
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":f:sqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'f': o.format = optarg; break;
        case 's': o.strict = 1; break;
        case 'q': o.quiet = 1; break;
        case 'h':
            usage(stdout);
            return EXIT_OK;
        case OPT_VERSION:
            printf(PROG " (%s %s)\n", PROJECT_NAME, PROJECT_VERSION);
            return EXIT_OK;
        case ':':
            fprintf(stderr, PROG ": option '%s' needs a value\n",
                    argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        default:
            fprintf(stderr, PROG ": unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    int nargs = argc - optind;
    if (nargs < 1 || nargs > 3) {
        fprintf(stderr, PROG ": %s\n", nargs < 1 ? "no NVRAM file given"
                                                 : "too many arguments");
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *nvram = argv[optind];
    const char *startup_out = nargs > 1 ? argv[optind + 1] : NULL;
    const char *priv_out = nargs > 2 ? argv[optind + 2] : NULL;

    const struct ios_nvram_layout *layout = NULL;
    if (o.format) {
        layout = ios_nvram_layout_find(o.format);
        if (!layout) {
            fprintf(stderr, PROG ": unknown format '%s' (see --help)\n",
                    o.format);
            return EXIT_USAGE;
        }
    }
    const char *outs[2] = {startup_out, priv_out};
    for (int i = 0; i < 2; i++) {
        if (outs[i] && strcmp(outs[i], "-") != 0 && same_file(outs[i], nvram)) {
            fprintf(stderr, PROG ": %s is the NVRAM image itself; it is "
                            "never overwritten\n", outs[i]);
            return EXIT_USAGE;
        }
    }
    if (startup_out && priv_out && same_file(startup_out, priv_out)) {
        fprintf(stderr, PROG ": startup-config and private-config both go "
                        "to %s\n", startup_out);
        return EXIT_USAGE;
    }
    if ((startup_out && strcmp(startup_out, "-") == 0) ||
        (priv_out && strcmp(priv_out, "-") == 0)) {
        o.info = stderr; /* standard output carries a config */
    }

    uint8_t *img;
    size_t len;
    char err[512];
    if (ios_nvram_file_load(nvram, IOS_NVRAM_FILE_MAX, &img, &len, err,
                            sizeof(err)) < 0) {
        fprintf(stderr, PROG ": %s\n", err);
        return EXIT_BAD_IMAGE;
    }
    struct ios_nvram_configs cfg;
    int rc;
    if (layout) {
        rc = ios_nvram_fs_read(img, len, layout, &cfg, err, sizeof(err));
    } else {
        rc = ios_nvram_fs_detect(img, len, &layout, &cfg, err, sizeof(err));
    }
    free(img);
    if (rc < 0) {
        fprintf(stderr, PROG ": %s: %s\n", nvram, err);
        return EXIT_BAD_IMAGE;
    }

    describe(&o, nvram, layout, &cfg);
    if (!cfg.checksum_ok) {
        fprintf(stderr, PROG ": %s: %s: stored checksum 0x%04x, contents give "
                "0x%04x\n", nvram, o.strict ? "error" : "warning",
                cfg.checksum_stored, cfg.checksum_computed);
        if (o.strict) {
            ios_nvram_configs_free(&cfg);
            return EXIT_BAD_IMAGE;
        }
    }
    int status = EXIT_OK;
    if (export(&o, nvram, startup_out, "startup-config", cfg.startup,
               cfg.startup_len) < 0 ||
        export(&o, nvram, priv_out, "private-config", cfg.priv,
               cfg.priv_len) < 0) {
        status = EXIT_BAD_IMAGE;
    }
    ios_nvram_configs_free(&cfg);
    return status;
}
