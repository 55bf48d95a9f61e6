/*
 * dynagen network files: the INI lexer (dynagen.md §2) and the lab model
 * (§3-§9): sections, scoping, validation, key classification, and the
 * file:line of every error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dynagen/ini.h"
#include "dynagen/netfile.h"

static int parse_ini(struct ini_doc *doc, const char *text,
                     struct dg_diag *d)
{
    return ini_parse(doc, "t.net", text, strlen(text), d);
}

static void ini_sections_and_values(void **state)
{
    (void)state;
    struct dg_diag d = {0};
    struct ini_doc doc;
    const char *text = "# comment\n"
                       "top = 1\n"
                       "[ host:7201 ]   # a comment\n"
                       "  workingdir = \"/a, b # c\"\n"
                       "    [[ ROUTER  R1 ]]\n"
                       "image = c:\\ios\\x.bin   # inline\n"
                       "list = a, b\n"
                       "empty =\n"
                       "q = 'single' \n"
                       "multi = \"\"\"one\n"
                       "two\"\"\"\n"
                       "after = 1\n";
    assert_int_equal(parse_ini(&doc, text, &d), 0);
    assert_int_equal(d.n, 0);
    assert_int_equal(doc.top.nkv, 1);
    assert_string_equal(doc.top.kv[0].key, "top");
    assert_int_equal(doc.top.nsub, 1);
    const struct ini_section *h = &doc.top.sub[0];
    assert_string_equal(h->name, "host:7201");
    assert_int_equal(h->line, 3);
    assert_string_equal(ini_get(h, "workingdir")->value, "/a, b # c");
    assert_int_equal(ini_get(h, "workingdir")->is_list, 0);
    const struct ini_section *r = &h->sub[0];
    assert_string_equal(r->name, "ROUTER  R1"); /* inner blanks kept */
    assert_string_equal(ini_get(r, "image")->value, "c:\\ios\\x.bin");
    assert_int_equal(ini_get(r, "list")->is_list, 1);
    assert_string_equal(ini_get(r, "empty")->value, "");
    assert_string_equal(ini_get(r, "q")->value, "single");
    assert_string_equal(ini_get(r, "multi")->value, "one\ntwo");
    /* keys after a [[...]] stay in it, whatever the indentation */
    assert_int_equal(ini_get(r, "after")->line, 12);
    ini_free(&doc);
    dg_diag_free(&d);
}

struct bad_case {
    const char *text;
    const char *msg;
};

static void ini_errors(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"[a]\nfoo\n", "t.net:2: invalid line \"foo\""},
        {"[a\n", "t.net:1: invalid line: section header without ']'"},
        {"[[a]]\n", "t.net:1: section too nested"},
        {"[a]\n[[[b]]]\n", "t.net:2: section too nested"},
        {"[a]]\n", "t.net:1: invalid section header: 1 '[' but 2 ']'"},
        {"[a]\nx = 1\nx = 2\n",
         "t.net:3: duplicate key 'x' in the same section (first at line 2)"},
        {"[a]\n[a]\n", "t.net:2: duplicate section name [a] (first at line 1)"},
        {"x = \"abc\n", "t.net:1: invalid value: unterminated \" quote"},
        {"x = \"a\" b\n", "t.net:1: invalid value: text after a quoted string"},
        {"x = '''a\n", "t.net:1: unterminated triple-quoted value"},
        {"[]\n", "t.net:1: empty section name"},
        {"a\0b", "t.net:1: NUL byte in the file"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct dg_diag d = {0};
        struct ini_doc doc;
        size_t len = strlen(cases[i].text);
        if (i == sizeof(cases) / sizeof(cases[0]) - 1) {
            len = 3;
        }
        assert_int_equal(ini_parse(&doc, "t.net", cases[i].text, len, &d), -1);
        assert_non_null(dg_diag_first_error(&d));
        if (strncmp(dg_diag_first_error(&d), cases[i].msg,
                    strlen(cases[i].msg)) != 0) {
            fail_msg("case %zu: got \"%s\", want \"%s\"", i,
                     dg_diag_first_error(&d), cases[i].msg);
        }
        ini_free(&doc);
        dg_diag_free(&d);
    }
}

static void ini_crlf_bom_no_final_newline(void **state)
{
    (void)state;
    struct dg_diag d = {0};
    struct ini_doc doc;
    const char *text = "\xEF\xBB\xBF[a]\r\nk = v\r\nlast = x";
    assert_int_equal(parse_ini(&doc, text, &d), 0);
    assert_string_equal(doc.top.sub[0].name, "a");
    assert_string_equal(ini_get(&doc.top.sub[0], "k")->value, "v");
    assert_string_equal(ini_get(&doc.top.sub[0], "last")->value, "x");
    ini_free(&doc);
}

static void ini_quote_roundtrip(void **state)
{
    (void)state;
    const char *values[] = {"plain", "a, b", "x # y", " lead", "",
                            "say \"hi\"", "it's \"both\""};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char *q = ini_quote_value(values[i]);
        char *text = dg_printf("k = %s\n", q);
        struct dg_diag d = {0};
        struct ini_doc doc;
        assert_int_equal(parse_ini(&doc, text, &d), 0);
        assert_string_equal(ini_get(&doc.top, "k")->value, values[i]);
        assert_int_equal(ini_get(&doc.top, "k")->is_list, 0);
        ini_free(&doc);
        free(text);
        free(q);
    }
}

static int load(struct nf_lab *lab, const char *text, struct dg_diag *d)
{
    return nf_parse_text(lab, "lab.net", text, strlen(text), d);
}

static void netfile_structure(void **state)
{
    (void)state;
    struct dg_diag d = {0};
    struct nf_lab lab;
    const char *text = "autostart = off\n"
                       "model = 3640\n"
                       "ghostios = yes\n"
                       "idlemax = 300\n"
                       "[localhost]\n"
                       "udp = 12000\n"
                       "console = 3000\n"
                       "[[3640]]\n"
                       "image = /x.image\n"
                       "slot1 = NM-4T\n"
                       "[[router R1]]\n"
                       "F0/0 = R2 e0/0\n"
                       "s1/0 = LAN 7\n"
                       "f1/0 = NIO_tap:tap3\n"
                       "wic0/1 = WIC-2T\n"
                       "x = 12.5\n"
                       "[[ROUTER R2]]\n"
                       "model = 7200\n"
                       "[[frsw F1]]\n"
                       "1:102 = 2:201\n"
                       "[[ATMSW A1]]\n"
                       "1:2:3 = 4:5:6\n"
                       "1:2 = 4:5\n"
                       "[[ETHSW S1]]\n"
                       "1 = access 10\n"
                       "2 = DOT1Q 1 NIO_udp:100:host:200\n"
                       "[[ATMBR B1]]\n"
                       "0 = 1:0:100\n"
                       "[remote:7300]\n"
                       "port = 7301\n"
                       "workingdir = /w\n";
    assert_int_equal(load(&lab, text, &d), 0);
    assert_int_equal(lab.autostart, 0);
    assert_string_equal(lab.model->name, "3640");
    assert_int_equal(lab.ghostios, 1);
    assert_int_equal(lab.idlemax, 300);
    assert_int_equal(lab.nservers, 2);
    struct nf_server *s = &lab.servers[0];
    assert_string_equal(s->host, "localhost");
    assert_int_equal(s->port, 7200);
    assert_int_equal(s->udp, 12000);
    assert_int_equal(s->console, 3000);
    assert_int_equal(s->nsecs, 7);
    assert_true(s->secs[0].is_defaults);
    assert_string_equal(s->secs[0].model->name, "3640");
    assert_int_equal(s->secs[0].keys[1].kind, NFK_SLOT);
    assert_int_equal(s->secs[0].keys[1].slot, 1);
    struct nf_section *r1 = &s->secs[1];
    assert_string_equal(r1->name, "R1");
    assert_null(r1->model); /* the lab's model applies */
    assert_int_equal(r1->keys[0].kind, NFK_LINK);
    assert_string_equal(r1->keys[0].ifn.letter, "f");
    assert_int_equal(r1->keys[0].dest.kind, NF_DEST_DEV);
    assert_string_equal(r1->keys[0].dest.dev, "R2");
    assert_string_equal(r1->keys[0].dest.arg, "e0/0");
    assert_int_equal(r1->keys[1].dest.kind, NF_DEST_LAN);
    assert_string_equal(r1->keys[1].dest.dev, "7");
    assert_int_equal(r1->keys[2].dest.kind, NF_DEST_NIO);
    assert_string_equal(r1->keys[2].dest.nio.type, "tap");
    assert_string_equal(r1->keys[2].dest.nio.args[0], "tap3");
    assert_int_equal(r1->keys[3].kind, NFK_WIC);
    assert_int_equal(r1->keys[3].sub, 1);
    assert_int_equal(r1->keys[4].kind, NFK_IGNORED);
    assert_string_equal(s->secs[2].model->name, "7200");
    assert_int_equal(s->secs[3].kind, NF_FRSW);
    assert_int_equal(s->secs[3].keys[0].kind, NFK_FRMAP);
    assert_int_equal(s->secs[3].keys[0].p2, 2);
    assert_int_equal(s->secs[3].keys[0].a2, 201);
    assert_int_equal(s->secs[4].keys[0].kind, NFK_ATMVC);
    assert_int_equal(s->secs[4].keys[1].kind, NFK_ATMVP);
    struct nf_key *e2 = &s->secs[5].keys[1];
    assert_int_equal(e2->kind, NFK_ETHPORT);
    assert_true(e2->dot1q);
    assert_true(e2->has_nio);
    assert_string_equal(e2->nio.args[1], "host");
    assert_int_equal(s->secs[6].keys[0].kind, NFK_BRMAP);
    assert_int_equal(lab.servers[1].port, 7301);
    assert_string_equal(lab.servers[1].workingdir, "/w");
    nf_free(&lab);
    dg_diag_free(&d);
}

static void netfile_collects_errors(void **state)
{
    (void)state;
    struct dg_diag d = {0};
    struct nf_lab lab;
    const char *text = "debug = 12\n"
                       "[localhost]\n"
                       "[[ROUTER R1]]\n"
                       "ram = -1\n"
                       "console = 0\n"
                       "sparsemem = 2\n"
                       "midplane = VXR\n"
                       "Ram = 5\n"
                       "frobnicate = 1\n"
                       "s1/0 = a b c\n";
    assert_int_equal(load(&lab, text, &d), -1);
    const char *want[] = {
        "lab.net:1: debug = 12 is too big (at most 9)",
        "lab.net:4: ram = -1 is too small (at least 0)",
        "lab.net:5: console = 0 is too small (at least 1)",
        "lab.net:6: sparsemem = \"2\" is not a boolean",
        "lab.net:7: midplane = \"VXR\" is not one of: std, vxr",
        "lab.net:8: unknown config item 'Ram' (option names are lower case: "
        "'ram')",
        "lab.net:9: unknown config item: frobnicate = 1",
        "lab.net:10: attempt to connect R1 s1/0 to unknown device \"a b c\"",
    };
    size_t n = sizeof(want) / sizeof(want[0]);
    assert_true(d.n >= n);
    for (size_t i = 0; i < n; i++) {
        if (strncmp(d.v[i].text, want[i], strlen(want[i])) != 0) {
            fail_msg("message %zu: got \"%s\", want \"%s\"", i, d.v[i].text,
                     want[i]);
        }
    }
    nf_free(&lab);
    dg_diag_free(&d);
}

static void netfile_nio_strings(void **state)
{
    (void)state;
    struct {
        const char *s;
        const char *type;
        int nargs;
        const char *last;
    } good[] = {
        {"NIO_udp:1000:10.0.0.1:2000", "udp", 3, "2000"},
        {"nio_UDP:1000:fe80::1:2000", "udp", 3, "2000"},
        {"NIO_linux_eth:eth0", "linux_eth", 1, "eth0"},
        {"NIO_gen_eth:\\Device\\NPF_{B00A}", "gen_eth", 1, "\\Device\\NPF_{B00A}"},
        {"NIO_tap:tap0", "tap", 1, "tap0"},
        {"NIO_unix:/tmp/a:/tmp/b", "unix", 2, "/tmp/b"},
        {"NIO_vde:/c:/l", "vde", 2, "/l"},
        {"NIO_null:sink", "null", 1, "sink"},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct nf_nio nio;
        char *why = NULL;
        assert_int_equal(nf_parse_nio(good[i].s, &nio, &why), 0);
        assert_string_equal(nio.type, good[i].type);
        assert_int_equal(nio.nargs, good[i].nargs);
        assert_string_equal(nio.args[nio.nargs - 1], good[i].last);
        nf_nio_free(&nio);
    }
    const char *bad[] = {"NIO_udp:1000:host", "NIO_udp:x:h:1", "NIO_tap:",
                         "NIO_unix:onlyone", "NIO_frob:x", "NIO_tap",
                         "udp:1:2:3"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct nf_nio nio;
        char *why = NULL;
        assert_int_equal(nf_parse_nio(bad[i], &nio, &why), -1);
        assert_non_null(why);
        free(why);
    }
}

static void netfile_server_headers(void **state)
{
    (void)state;
    struct dg_diag d = {0};
    struct nf_lab lab;
    assert_int_equal(load(&lab, "[::1:7201]\n[::1]\n[h:80]\n[GNS3-DATA]\n",
                          &d),
                     0);
    assert_int_equal(lab.nservers, 3);
    assert_string_equal(lab.servers[0].host, "::1");
    assert_int_equal(lab.servers[0].port, 7201);
    assert_string_equal(lab.servers[1].host, "::1");
    assert_int_equal(lab.servers[1].port, 7200);
    assert_int_equal(lab.servers[2].port, 80);
    nf_free(&lab);
    dg_diag_free(&d);
    assert_int_equal(load(&lab, "[h:99999]\n", &d), -1);
    assert_non_null(strstr(dg_diag_first_error(&d), "lab.net:1: [h:99999]: "
                                                    "bad port"));
    nf_free(&lab);
    dg_diag_free(&d);
    assert_int_equal(load(&lab, "[qemu h]\n", &d), -1);
    nf_free(&lab);
    dg_diag_free(&d);
}

static void netfile_interface_names(void **state)
{
    (void)state;
    struct {
        const char *s;
        const char *letter;
        int slot, port, has_slot;
    } good[] = {
        {"f0/0", "f", 0, 0, 1},      {"Fa1/3", "f", 1, 3, 1},
        {"FastEthernet2/1", "f", 2, 1, 1}, {"GI0/1", "g", 0, 1, 1},
        {"s0", "s", 0, 0, 0},        {"e1", "e", 0, 1, 0},
        {"an1/0", "an", 1, 0, 1},    {"IDS-Sensor1/0", "i", 1, 0, 1},
        {"atm3/0", "a", 3, 0, 1},    {"po1/0", "p", 1, 0, 1},
    };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        struct hw_ifname ifn;
        assert_int_equal(hw_parse_ifname(good[i].s, &ifn), 0);
        assert_string_equal(ifn.letter, good[i].letter);
        assert_int_equal(ifn.slot, good[i].slot);
        assert_int_equal(ifn.port, good[i].port);
        assert_int_equal(ifn.has_slot, good[i].has_slot);
    }
    const char *bad[] = {"x0/0", "f0/", "f/0", "f0/0x", "i0", "slot1", "",
                         "f99999999/0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct hw_ifname ifn;
        assert_int_equal(hw_parse_ifname(bad[i], &ifn), -1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ini_sections_and_values),
        cmocka_unit_test(ini_errors),
        cmocka_unit_test(ini_crlf_bom_no_final_newline),
        cmocka_unit_test(ini_quote_roundtrip),
        cmocka_unit_test(netfile_structure),
        cmocka_unit_test(netfile_collects_errors),
        cmocka_unit_test(netfile_nio_strings),
        cmocka_unit_test(netfile_server_headers),
        cmocka_unit_test(netfile_interface_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
