/*
 * libFuzzer target for dynagen network files: the INI lexer, the lab
 * model and the load plan (dynagen.md §2-§12), the SVG drawing, and the
 * network-file editor. Build and run with tests/fuzz/run.sh.
 *
 * Input: a network file (any bytes). Properties checked, beyond "no
 * crash, no leak, no sanitizer report":
 *   - a file is rejected exactly when an error was reported, and every
 *     error names the file ("lab.net:");
 *   - a plan only exists for a file without errors; every command line
 *     is non-empty and holds no CR or LF (it goes on the wire as is);
 *   - the same file gives the same plan twice (determinism);
 *   - editing a key of a section that exists keeps the file parseable.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dynagen/netedit.h"
#include "dynagen/plan.h"
#include "dynagen/svg.h"

#define CHECK(c)                                                              \
    do {                                                                      \
        if (!(c)) {                                                           \
            __builtin_trap();                                                 \
        }                                                                     \
    } while (0)

static void fuzz_config(struct dg_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->udp = 10000;
    cfg->firmware = dg_strdup("/fw/router-firmware.elf");
    cfg->firmware_found = 1;
    cfg->idb.path = dg_strdup("/nonexistent/db");
    dg_strv_push(&cfg->idb.keys, dg_strdup("router-firmware.elf"));
    dg_strv_push(&cfg->idb.values, dg_strdup("0x60001234"));
}

/* The plan as one text, or NULL when the file has errors. */
static char *plan_text(const char *text, size_t len, int draw)
{
    struct dg_config cfg;
    fuzz_config(&cfg);
    struct dg_diag d = {0};
    struct nf_lab lab;
    int rc = nf_parse_text(&lab, "lab.net", text, len, &d);
    char *out = NULL;
    if (rc == 0) {
        struct topo t;
        struct plan p = {0};
        rc = plan_build(&t, &lab, &cfg, &p, &d);
        CHECK((rc < 0) == (d.nerrors > 0));
        if (rc == 0) {
            struct dg_buf b = {0};
            for (size_t i = 0; i < p.n; i++) {
                CHECK(p.v[i].line[0] != '\0');
                CHECK(!strpbrk(p.v[i].line, "\r\n"));
                dg_buf_addf(&b, "%d %s\n", p.v[i].server, p.v[i].line);
            }
            out = dg_buf_take(&b);
            if (draw) {
                char *svg = NULL;
                size_t svglen = 0;
                FILE *f = open_memstream(&svg, &svglen);
                if (f) {
                    svg_write(&t, f);
                    fclose(f);
                    free(svg);
                }
            }
        }
        plan_free(&p);
        topo_free(&t);
    } else {
        CHECK(d.nerrors > 0);
    }
    for (size_t i = 0; i < d.n; i++) {
        CHECK(strncmp(d.v[i].text, "lab.net", 7) == 0);
    }
    nf_free(&lab);
    dg_diag_free(&d);
    dg_config_free(&cfg);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536) {
        return 0;
    }
    const char *text = (const char *)data;
    char *a = plan_text(text, size, 1);
    char *b = plan_text(text, size, 0);
    CHECK((a == NULL) == (b == NULL));
    CHECK(!a || strcmp(a, b) == 0);
    free(a);
    free(b);

    /* Edit the first device section of the first server, if any. */
    struct dg_diag d = {0};
    struct ini_doc doc;
    char *z = dg_strndup(text, size);
    if (strlen(z) == size && ini_parse(&doc, "lab.net", z, size, &d) == 0 &&
        doc.top.nsub && doc.top.sub[0].nsub) {
        char *why = NULL;
        char *edited = netedit_apply(z, doc.top.sub[0].name,
                                     doc.top.sub[0].sub[0].name, "idlepc",
                                     "0x6000, x", &why);
        free(why);
        if (edited) {
            struct dg_diag d2 = {0};
            struct ini_doc doc2;
            /* the header was found by the same rules: still parseable
             * unless that section held a multi-line value */
            if (!strstr(z, "'''") && !strstr(z, "\"\"\"")) {
                CHECK(ini_parse(&doc2, "lab.net", edited, strlen(edited),
                                &d2) == 0);
            } else {
                ini_parse(&doc2, "lab.net", edited, strlen(edited), &d2);
            }
            ini_free(&doc2);
            dg_diag_free(&d2);
            free(edited);
        }
    }
    if (strlen(z) == size) {
        ini_free(&doc);
    }
    free(z);
    dg_diag_free(&d);
    return 0;
}
