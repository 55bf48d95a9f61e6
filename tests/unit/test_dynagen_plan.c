/*
 * dynagen plans and their helpers: adapter and WIC choice (dynagen.md
 * §6.4, §7), consoles and UDP ports (§10), ghosts (§11.1), switch
 * mappings (§9); the network-file editor, base64, and the hypervisor
 * client's reply framing (hypervisor.md §3) over a socket pair.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "dynagen/b64.h"
#include "dynagen/client.h"
#include "dynagen/netedit.h"
#include "dynagen/plan.h"

struct built {
    struct dg_config cfg;
    struct nf_lab lab;
    struct topo t;
    struct plan p;
    struct dg_diag d;
    int rc;
};

static void build(struct built *b, const char *text)
{
    memset(b, 0, sizeof(*b));
    /* no dynagen.ini, no idle-PC database */
    b->cfg.udp = 10000;
    b->cfg.firmware = dg_strdup("/fw/router-firmware.elf");
    b->cfg.firmware_found = 1;
    b->cfg.idb.path = dg_strdup("/nonexistent");
    b->rc = nf_parse_text(&b->lab, "lab.net", text, strlen(text), &b->d);
    if (b->rc == 0) {
        b->rc = plan_build(&b->t, &b->lab, &b->cfg, &b->p, &b->d);
    }
}

static void unbuild(struct built *b)
{
    plan_free(&b->p);
    topo_free(&b->t);
    nf_free(&b->lab);
    dg_config_free(&b->cfg);
    dg_diag_free(&b->d);
}

/* Index of the command, or -1. */
static long find(const struct built *b, const char *line)
{
    for (size_t i = 0; i < b->p.n; i++) {
        if (strcmp(b->p.v[i].line, line) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static void expect_in_order(const struct built *b, const char *const *lines,
                            size_t n)
{
    long last = -1;
    for (size_t i = 0; i < n; i++) {
        long at = find(b, lines[i]);
        if (at < 0) {
            fail_msg("missing \"%s\"", lines[i]);
        }
        if (at <= last) {
            fail_msg("\"%s\" out of order", lines[i]);
        }
        last = at;
    }
}

static void expect_error(const struct built *b, const char *msg)
{
    for (size_t i = 0; i < b->d.n; i++) {
        if (b->d.v[i].kind == DG_ERROR && strstr(b->d.v[i].text, msg)) {
            return;
        }
    }
    fail_msg("no error containing \"%s\" (first: %s)", msg,
             dg_diag_first_error(&b->d) ? dg_diag_first_error(&b->d)
                                        : "none");
}

static void plan_wic_renumbering(void **state)
{
    (void)state;
    /* §6.4: a WIC-2T auto-inserted in sub-slot 0 moves the WIC-1T of
     * sub-slot 1 from s0/0 to s0/2 */
    struct built b;
    build(&b, "[h]\n[[ROUTER A]]\nmodel = 2621\nimage = x\nwic0/1 = WIC-1T\n"
              "s0/0 = NIO_null:n0\ns0/1 = NIO_null:n1\ns0/2 = NIO_null:n2\n");
    assert_int_equal(b.rc, 0);
    const char *want[] = {
        "c2600 set_chassis A 2621",
        "vm slot_add_binding A 0 32 WIC-1T",
        "vm slot_add_binding A 0 16 WIC-2T",
        "vm slot_add_nio_binding A 0 16 n0",
        "vm slot_add_nio_binding A 0 17 n1",
        "vm slot_add_nio_binding A 0 32 n2",
    };
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    unbuild(&b);
}

static void plan_wic_models(void **state)
{
    (void)state;
    struct built b;
    /* 3725: serial WICs in the GT96100-FE, an NM-4T in slot 1 */
    build(&b, "[h]\n[[ROUTER A]]\nmodel = 3725\nimage = x\n"
              "s0/3 = NIO_null:a\ns1/2 = NIO_null:b\nf0/1 = NIO_null:c\n"
              "f2/0 = NIO_null:d\n");
    assert_int_equal(b.rc, 0);
    const char *want[] = {"vm slot_add_binding A 0 16 WIC-2T",
                          "vm slot_add_binding A 0 32 WIC-2T",
                          "vm slot_add_nio_binding A 0 33 a",
                          "vm slot_add_binding A 1 0 NM-4T",
                          "vm slot_add_nio_binding A 1 2 b",
                          "vm slot_add_nio_binding A 0 1 c",
                          "vm slot_add_binding A 2 0 NM-1FE-TX"};
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    assert_int_equal(find(&b, "vm slot_add_binding A 0 0 GT96100-FE"), -1);
    unbuild(&b);

    /* 1751: s1/0 is WIC sub-slot 1; 1710: e0 is port 1 of the board */
    build(&b, "[h]\n[[ROUTER A]]\nmodel = 1751\nimage = x\n"
              "s1/0 = NIO_null:a\ne0 = NIO_null:b\n[[ROUTER B]]\n"
              "model = 1710\nimage = x\ne0 = NIO_null:c\nf0 = NIO_null:d\n");
    assert_int_equal(b.rc, 0);
    const char *want2[] = {"vm slot_add_binding A 0 32 WIC-2T",
                           "vm slot_add_nio_binding A 0 32 a",
                           "vm slot_add_binding A 0 16 WIC-1ENET",
                           "vm slot_add_nio_binding A 0 16 b",
                           "vm slot_add_nio_binding B 0 1 c",
                           "vm slot_add_nio_binding B 0 0 d"};
    expect_in_order(&b, want2, sizeof(want2) / sizeof(want2[0]));
    unbuild(&b);

    /* 1710 has no WIC slots; 3745 has no Ethernet WIC */
    build(&b, "[h]\n[[ROUTER A]]\nmodel = 1710\nimage = x\ns0 = NIO_null:a\n"
              "[[ROUTER B]]\nmodel = 3745\nimage = x\ne0/0 = NIO_null:b\n"
              "[[ROUTER C]]\nmodel = 2621\nimage = x\nwic0/2 = WIC-1T\n");
    assert_int_equal(b.rc, -1);
    expect_error(&b, "lab.net:5: connecting A s0 to NIO_null:a: attempt to "
                     "connect to non-existent interface s0/0 in slot 0 on "
                     "device A (CISCO1710-MB-1FE-1E)");
    expect_error(&b, "lab.net:9: connecting B e0/0 to NIO_null:b: ethernet "
                     "adapter not supported on port 0 for device B");
    expect_error(&b, "lab.net:13: On router C, invalid wic subslot 2 for WIC "
                     "specification: wic0/2");
    unbuild(&b);
}

static void plan_7200_adapters(void **state)
{
    (void)state;
    struct built b;
    build(&b, "[h]\n[[ROUTER R]]\nf0/0 = NIO_null:a\ng1/0 = NIO_null:b\n"
              "e2/7 = NIO_null:c\na3/0 = NIO_null:d\np4/0 = NIO_null:e\n"
              "s5/3 = NIO_null:f\nslot6 = PA-4T\ns6/3 = NIO_null:g\n"
              "[[ROUTER G]]\nnpe = npe-g2\ng0/2 = NIO_null:h\n");
    assert_int_equal(b.rc, 0);
    const char *want[] = {
        "vm slot_add_binding R 6 0 PA-4T+",
        "vm slot_add_binding R 0 0 C7200-IO-2FE",
        "vm slot_add_binding R 1 0 PA-GE",
        "vm slot_add_binding R 2 0 PA-8E",
        "vm slot_add_nio_binding R 2 7 c",
        "vm slot_add_binding R 3 0 PA-A1",
        "vm slot_add_binding R 4 0 PA-POS-OC3",
        "vm slot_add_binding R 5 0 PA-8T",
        "vm slot_add_nio_binding R 6 3 g",
        "vm slot_add_binding G 0 0 NPE-G2",
    };
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    unbuild(&b);
}

static void plan_consoles_and_udp(void **state)
{
    (void)state;
    struct built b;
    /* §10.2: Zapp 2000 then 2001, Leela 2001 taken -> 2002 */
    build(&b, "autostart = false\n[127.0.0.1:7200]\nudp = 5000\n"
              "[[ROUTER Z]]\nconsole = 2001\nf0/0 = L f0/0\n"
              "[[ROUTER L]]\n[[ROUTER K]]\n"
              "[127.0.0.1:7201]\nconsole = 2000\n[[ROUTER M]]\n"
              "s1/0 = Z s1/0\n"
              "[otherhost]\n[[ROUTER O]]\ns1/0 = Z s1/1\n");
    assert_int_equal(b.rc, 0);
    const char *want[] = {
        "vm set_con_tcp_port Z 2000", "vm set_con_tcp_port Z 2001",
        "vm set_con_tcp_port L 2002", "vm set_con_tcp_port K 2003",
        /* another server: its own base, the program-wide id (3) */
        "vm set_con_tcp_port M 2003", "vm set_con_tcp_port O 2004",
        "nio create_udp nio_udp0 5000 127.0.0.1 5001",
        "nio create_udp nio_udp1 5001 127.0.0.1 5000",
        /* same host, other hypervisor, counters 500+ apart: as is */
        "nio create_udp nio_udp2 10000 127.0.0.1 5002",
        "nio create_udp nio_udp3 5002 127.0.0.1 10000",
        /* another host: the host names as written */
        "nio create_udp nio_udp4 10000 127.0.0.1 5003",
        "nio create_udp nio_udp5 5003 otherhost 10000",
    };
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    assert_int_equal(b.p.v[find(&b, "nio create_udp nio_udp3 5002 127.0.0.1 "
                                    "10000")]
                         .server,
                     0);
    unbuild(&b);
    /* counters within 500: the destination's moves 1000 up (§10.4) */
    build(&b, "autostart = false\n[127.0.0.1:7200]\n[[ROUTER A]]\n"
              "s1/0 = B s1/0\n[127.0.0.1:7201]\n[[ROUTER B]]\n");
    assert_int_equal(b.rc, 0);
    assert_true(find(&b, "nio create_udp nio_udp0 10000 127.0.0.1 11000") >=
                0);
    assert_true(find(&b, "nio create_udp nio_udp1 11000 127.0.0.1 10000") >=
                0);
    unbuild(&b);
}

static void plan_duplicate_and_reciprocal_links(void **state)
{
    (void)state;
    struct built b;
    build(&b, "[h]\n[[ROUTER A]]\ns1/0 = B s1/0\n[[ROUTER B]]\n"
              "s1/0 = A s1/0\n");
    assert_int_equal(b.rc, 0);
    size_t nios = 0;
    for (size_t i = 0; i < b.p.n; i++) {
        nios += strncmp(b.p.v[i].line, "nio create_udp", 14) == 0;
    }
    assert_int_equal(nios, 2);
    assert_int_equal(b.t.devs[0].nconns, 1);
    unbuild(&b);
    build(&b, "[h]\n[[ROUTER A]]\ns1/0 = B s1/0\n[[ROUTER B]]\n"
              "s1/0 = A s1/1\n");
    assert_int_equal(b.rc, -1);
    expect_error(&b, "lab.net:5: connecting B s1/0 to A s1/1: source port is "
                     "already occupied by a different connection");
    unbuild(&b);
}

static void plan_switch_mappings(void **state)
{
    (void)state;
    struct built b;
    build(&b, "autostart = no\n[h]\n[[ROUTER A]]\ns1/0 = F 1\na2/0 = X 1\n"
              "f3/0 = BR 0\n[[ROUTER B]]\ns1/0 = F 2\na2/0 = X 2\n"
              "a3/0 = BR 1\n[[FRSW F]]\n1:16 = 2:17\n2:17 = 1:16\n"
              "[[ATMSW X]]\n1:0:100 = 2:0:200\n[[ATMBR BR]]\n0 = 1:2:300\n");
    assert_int_equal(b.rc, 0);
    const char *want[] = {
        "frsw create F", "atmsw create X", "atm_bridge create BR",
        "frsw create_vc F nio_udp1 16 nio_udp7 17",
        "frsw create_vc F nio_udp7 17 nio_udp1 16",
        "atmsw create_vcc X nio_udp3 0 100 nio_udp9 0 200",
        "atmsw create_vcc X nio_udp9 0 200 nio_udp3 0 100",
        "atm_bridge configure BR nio_udp5 nio_udp11 2 300",
    };
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    size_t vcs = 0;
    for (size_t i = 0; i < b.p.n; i++) {
        vcs += strncmp(b.p.v[i].line, "frsw create_vc", 14) == 0;
    }
    assert_int_equal(vcs, 2); /* the reverse line is skipped */
    unbuild(&b);
}

static void plan_switch_side_link(void **state)
{
    (void)state;
    /* 0.13: "N = access VLAN ROUTER IF" is the router's link, written on
     * the switch */
    struct built b;
    build(&b, "autostart = false\n[h]\n[[ROUTER R1]]\n[[ETHSW S]]\n"
              "1 = access 10 R1 f1/0\n2 = dot1q 1 R1 f1/1\n");
    assert_int_equal(b.rc, 0);
    const char *want[] = {"vm slot_add_binding R1 1 0 PA-2FE-TX",
                          "vm slot_add_nio_binding R1 1 0 nio_udp0",
                          "ethsw add_nio S nio_udp1",
                          "vm slot_add_nio_binding R1 1 1 nio_udp2",
                          "ethsw add_nio S nio_udp3",
                          "ethsw set_access_port S nio_udp1 10",
                          "ethsw set_dot1q_port S nio_udp3 1"};
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    unbuild(&b);
    build(&b, "[h]\n[[ETHSW S]]\n1 = access 10 R7 f1/0\n");
    expect_error(&b, "lab.net:3: S port 1: R7 is not a router of the lab");
    unbuild(&b);
}

static void plan_ghosts(void **state)
{
    (void)state;
    struct built b;
    build(&b, "ghostios = true\nautostart = false\n[h]\n[[7200]]\nram = 200\n"
              "[[ROUTER A]]\n[[ROUTER B]]\nram = 300\n[[ROUTER C]]\n"
              "ghostios = false\n[[ROUTER D]]\nmmap = false\n");
    assert_int_equal(b.rc, 0);
    const char *g = "ghost-router-firmware.elf-h.ghost";
    char *l1 = dg_printf("vm create %s 4 c7200", g);
    char *l2 = dg_printf("vm set_ram %s 300", g);
    const char *want[] = {l1, l2,
                          "vm set_ghost_status A 2",
                          "vm set_ghost_file A router-firmware.elf-h.ghost",
                          "vm set_ghost_status B 2"};
    expect_in_order(&b, want, sizeof(want) / sizeof(want[0]));
    assert_int_equal(find(&b, "vm set_ghost_status C 2"), -1);
    assert_int_equal(find(&b, "vm set_ghost_status D 2"), -1);
    assert_int_equal(b.p.v[find(&b, l1)].phase, PH_POST);
    free(l1);
    free(l2);
    unbuild(&b);
}

static void plan_start_phase(void **state)
{
    (void)state;
    struct built b;
    build(&b, "idlesleep = 20\n[h]\n[[ROUTER A]]\nidlemax = 99\n"
              "[[ROUTER B]]\nautostart = false\n");
    assert_int_equal(b.rc, 0);
    long s = find(&b, "vm start A");
    assert_true(s >= 0);
    assert_int_equal(b.p.v[s].kind, PK_START);
    assert_int_equal(b.p.v[s].phase, PH_START);
    assert_int_equal(find(&b, "vm set_idle_max A 0 99"), s + 1);
    assert_int_equal(find(&b, "vm set_idle_sleep_time A 0 20"), s + 2);
    assert_int_equal(find(&b, "vm start B"), -1);
    unbuild(&b);
}

static void netedit_cases(void **state)
{
    (void)state;
    char *why = NULL;
    const char *text = "# lab\n[a]\n    x = 1\n    [[ROUTER R1]]\n"
                       "    image = i\n\n    # c\n    [[ROUTER R2]]\n"
                       "[b]\n    [[ROUTER R1]]\n";
    char *out = netedit_apply(text, "a", "ROUTER R1", "image", "j k", &why);
    assert_non_null(out);
    assert_string_equal(out, "# lab\n[a]\n    x = 1\n    [[ROUTER R1]]\n"
                             "    image = j k\n\n    # c\n"
                             "    [[ROUTER R2]]\n[b]\n    [[ROUTER R1]]\n");
    free(out);
    out = netedit_apply(text, "a", "ROUTER R2", "idlepc", "0x1", &why);
    assert_non_null(strstr(out, "    [[ROUTER R2]]\n        idlepc = 0x1\n"
                                "[b]"));
    free(out);
    out = netedit_apply(text, "b", "ROUTER R1", "configuration", "a,b=",
                        &why);
    assert_non_null(strstr(out, "[b]\n    [[ROUTER R1]]\n        "
                                "configuration = \"a,b=\"\n"));
    free(out);
    out = netedit_apply(text, "a", NULL, "udp", "9", &why);
    assert_non_null(strstr(out, "    x = 1\n    udp = 9\n    [[ROUTER R1]]"));
    free(out);
    assert_null(netedit_apply(text, "a", "7200", "idlepc", "1", &why));
    assert_string_equal(why, "section [[7200]] not found under [a]");
    free(why);
    /* CRLF kept, no final newline handled */
    out = netedit_apply("[a]\r\n[[ROUTER R]]\r\nk = v", "a", "ROUTER R", "n",
                        "1", &why);
    assert_string_equal(out, "[a]\r\n[[ROUTER R]]\r\nk = v\r\nn = 1\r\n");
    free(out);
}

static void base64_cases(void **state)
{
    (void)state;
    const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *enc[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                         "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        char *e = b64_encode((const unsigned char *)plain[i],
                             strlen(plain[i]));
        assert_string_equal(e, enc[i]);
        unsigned char *d;
        size_t len;
        assert_int_equal(b64_decode(e, &d, &len), 0);
        assert_int_equal(len, strlen(plain[i]));
        assert_memory_equal(d, plain[i], len);
        free(d);
        free(e);
    }
    unsigned char *d;
    size_t len;
    assert_int_equal(b64_decode("Zm9v\nYmFy", &d, &len), 0);
    free(d);
    assert_int_equal(b64_decode("Zm*v", &d, &len), -1);
    assert_int_equal(b64_decode("Zg==Zg", &d, &len), -1);
}

static void client_reply_framing(void **state)
{
    (void)state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    struct hv_conn c;
    hv_conn_init(&c, "test", 1);
    c.fd = sv[0];
    c.timeout_ms = 2000;
    /* multi-line reply, split anywhere, CRLF and a bare LF */
    const char *srv = "101 R2 (c7200)\r\n101 R1 (c7";
    assert_int_equal(write(sv[1], srv, strlen(srv)), (ssize_t)strlen(srv));
    const char *srv2 = "200)\n100-OK\r\n209-unable to start\r\n";
    assert_int_equal(write(sv[1], srv2, strlen(srv2)), (ssize_t)strlen(srv2));
    struct hv_reply r;
    char *why = NULL;
    assert_int_equal(hv_send(&c, "vm list", &r, &why), 0);
    assert_int_equal(r.code, 100);
    assert_int_equal(r.lines.n, 3);
    assert_string_equal(r.lines.v[1], "101 R1 (c7200)");
    assert_string_equal(hv_line_text(r.lines.v[0]), "R2 (c7200)");
    hv_reply_free(&r);
    /* the next reply was already buffered: an error reply */
    assert_int_equal(hv_send(&c, "vm start R1", &r, &why), 1);
    assert_int_equal(r.code, 209);
    assert_string_equal(hv_reply_text(&r), "unable to start");
    hv_reply_free(&r);
    char buf[64];
    ssize_t n = read(sv[1], buf, sizeof(buf));
    assert_int_equal(n, (ssize_t)strlen("vm list\nvm start R1\n"));
    /* the server goes away */
    close(sv[1]);
    assert_int_equal(hv_send(&c, "vm list", &r, &why), -1);
    assert_non_null(strstr(why, "could not communicate with dynamips server "
                                "test:1: "));
    free(why);
    hv_reply_free(&r);
    assert_int_equal(c.fd, -1);
    hv_conn_free(&c);
}

static void client_versions(void **state)
{
    (void)state;
    int a, b, c, rc;
    assert_int_equal(hv_parse_version("0.2.8-RC2-x86", &a, &b, &c, &rc), 0);
    assert_int_equal(a * 10000 + b * 100 + c, 208);
    assert_int_equal(rc, 2);
    assert_int_equal(hv_parse_version("0.2.24-amd64", &a, &b, &c, &rc), 0);
    assert_int_equal(c, 24);
    assert_int_equal(rc, 999);
    assert_int_equal(hv_parse_version("banana", &a, &b, &c, &rc), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plan_wic_renumbering),
        cmocka_unit_test(plan_wic_models),
        cmocka_unit_test(plan_7200_adapters),
        cmocka_unit_test(plan_consoles_and_udp),
        cmocka_unit_test(plan_duplicate_and_reciprocal_links),
        cmocka_unit_test(plan_switch_mappings),
        cmocka_unit_test(plan_switch_side_link),
        cmocka_unit_test(plan_ghosts),
        cmocka_unit_test(plan_start_phase),
        cmocka_unit_test(netedit_cases),
        cmocka_unit_test(base64_cases),
        cmocka_unit_test(client_reply_framing),
        cmocka_unit_test(client_versions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
