/*
 * Ethernet switch: the observed examples of shared spec network.md §9.4
 * byte for byte, learning and the MAC table (§9.3, §9.6), size checks,
 * port management errors, aging, and the qinq tunnel decisions listed in
 * net/ethsw.h. Also the hub (§8).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/ethsw.h"
#include "net/hub.h"
#include "net/nio.h"
#include "net_harness.h"

#define NPORTS 7

struct rig {
    struct evloop *ev;
    struct ethsw *sw;
    struct probe p[NPORTS + 1]; /* p[1]..p[7] = n1..n7 */
};

/*
 * The switch of spec §9.4: n1 access 10, n2 dot1q native 1, n3 dot1q
 * native 10, n4 qinq outer 100 TPID 0x88A8, n5 access 20, n6 access 10,
 * n7 access 100 (ours, for the tunnel cases).
 */
static int rig_setup(void **state)
{
    struct rig *r = calloc(1, sizeof(*r));
    r->ev = evloop_create();
    assert_int_equal(ethsw_create(&r->sw, NULL, "sw1"), 0);
    for (int i = 1; i <= NPORTS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "n%d", i);
        assert_int_equal(probe_init(&r->p[i], r->ev, name), 0);
        assert_int_equal(ethsw_add_nio(r->sw, r->p[i].port), 0);
    }
    assert_int_equal(ethsw_set_access_port(r->sw, r->p[1].port, 10), 0);
    assert_int_equal(ethsw_set_dot1q_port(r->sw, r->p[2].port, 1), 0);
    assert_int_equal(ethsw_set_dot1q_port(r->sw, r->p[3].port, 10), 0);
    assert_int_equal(ethsw_set_qinq_port(r->sw, r->p[4].port, 100, 0x88A8),
                     0);
    assert_int_equal(ethsw_set_access_port(r->sw, r->p[5].port, 20), 0);
    assert_int_equal(ethsw_set_access_port(r->sw, r->p[6].port, 10), 0);
    assert_int_equal(ethsw_set_access_port(r->sw, r->p[7].port, 100), 0);
    *state = r;
    return 0;
}

static int rig_teardown(void **state)
{
    struct rig *r = *state;
    ethsw_destroy(r->sw);
    for (int i = 1; i <= NPORTS; i++) {
        assert_int_equal(nio_users(r->p[i].port), 0);
        probe_fini(&r->p[i]);
    }
    evloop_destroy(r->ev);
    free(r);
    return 0;
}

static void reset_all(struct rig *r)
{
    for (int i = 1; i <= NPORTS; i++) {
        probe_reset(&r->p[i]);
    }
}

/* Send hex on port i and let the switch run. */
static void inject(struct rig *r, int i, const char *hex)
{
    uint8_t buf[256];
    size_t n = hex2bin(hex, buf, sizeof(buf));
    reset_all(r);
    assert_int_equal(nio_send(r->p[i].peer, buf, n), (ssize_t)n);
    pump(r->ev, 15);
}

/* Port i got exactly one frame, equal to hex. */
static void expect_frame(struct rig *r, int i, const char *hex)
{
    uint8_t want[256];
    size_t n = hex2bin(hex, want, sizeof(want));
    assert_int_equal(r->p[i].n, 1);
    assert_int_equal(r->p[i].frames[0].len, n);
    assert_memory_equal(r->p[i].frames[0].data, want, n);
}

static void expect_nothing(struct rig *r, int i)
{
    assert_int_equal(r->p[i].n, 0);
}

#define BCAST "ffffffffffff"
#define MAC_A "0200000000aa"
#define MAC_B "0200000000bb"
#define PAYLOAD46                                                             \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"     \
    "202122232425262728292a2b2c2d"
#define IPV4 "0800"

static void test_access_broadcast(void **state)
{
    struct rig *r = *state;
    /* 60-byte untagged broadcast on n1 (access 10). */
    inject(r, 1, BCAST MAC_A IPV4 PAYLOAD46);
    expect_frame(r, 2, BCAST MAC_A "8100000a" IPV4 PAYLOAD46); /* 64 bytes */
    expect_frame(r, 3, BCAST MAC_A IPV4 PAYLOAD46);
    expect_frame(r, 6, BCAST MAC_A IPV4 PAYLOAD46);
    expect_nothing(r, 4);
    expect_nothing(r, 5);
    expect_nothing(r, 7);
}

static void test_tagged_on_trunk_stripped_keeps_nothing_else(void **state)
{
    struct rig *r = *state;
    /* 8100, PCP 1, VID 10 on n2. */
    inject(r, 2, BCAST MAC_B "8100200a" IPV4 PAYLOAD46);
    expect_frame(r, 1, BCAST MAC_B IPV4 PAYLOAD46);
    expect_frame(r, 3, BCAST MAC_B IPV4 PAYLOAD46);
    expect_frame(r, 6, BCAST MAC_B IPV4 PAYLOAD46);
    expect_nothing(r, 4);
    expect_nothing(r, 5);
}

static void test_unicast_to_learned_port(void **state)
{
    struct rig *r = *state;
    inject(r, 1, BCAST MAC_A IPV4 PAYLOAD46); /* learn A on n1, VLAN 10 */
    inject(r, 2, MAC_A MAC_B "8100000a" IPV4 PAYLOAD46);
    expect_frame(r, 1, MAC_A MAC_B IPV4 PAYLOAD46);
    for (int i = 3; i <= NPORTS; i++) {
        expect_nothing(r, i);
    }
    /* An unknown destination floods within the VLAN. */
    inject(r, 2, "020000000099" MAC_B "8100000a" IPV4 PAYLOAD46);
    assert_int_equal(r->p[1].n + r->p[3].n + r->p[6].n, 3);
    /* Destination on the input port: dropped. */
    inject(r, 1, MAC_A "0200000000cc" IPV4 PAYLOAD46);
    for (int i = 1; i <= NPORTS; i++) {
        expect_nothing(r, i);
    }
}

static void test_native_vlan_untagged(void **state)
{
    struct rig *r = *state;
    inject(r, 2, BCAST MAC_B IPV4 PAYLOAD46); /* untagged: native VLAN 1 */
    expect_frame(r, 3, BCAST MAC_B "81000001" IPV4 PAYLOAD46);
    expect_nothing(r, 1);
    expect_nothing(r, 4);
    expect_nothing(r, 5);
    expect_nothing(r, 6);
}

static void test_qinq_customer_to_trunks(void **state)
{
    struct rig *r = *state;
    /* Customer tag 8100/VID 5 on n4 (qinq 100, TPID 88a8). */
    inject(r, 4, BCAST MAC_A "81000005" IPV4 PAYLOAD46);
    expect_frame(r, 2, BCAST MAC_A "88a80064" "81000005" IPV4 PAYLOAD46);
    expect_frame(r, 3, BCAST MAC_A "88a80064" "81000005" IPV4 PAYLOAD46);
    expect_nothing(r, 1);
    expect_nothing(r, 5);
    expect_nothing(r, 6);
    /* Tunnel decision (ethsw.h): the access port of VLAN 100 gets it as is
     * (the reference sent nothing). */
    expect_frame(r, 7, BCAST MAC_A "81000005" IPV4 PAYLOAD46);
}

static void test_double_tag_from_trunk_to_qinq(void **state)
{
    struct rig *r = *state;
    inject(r, 2, BCAST MAC_A "88a80064" "81000005" IPV4 PAYLOAD46);
    expect_frame(r, 3, BCAST MAC_A "88a80064" "81000005" IPV4 PAYLOAD46);
    expect_frame(r, 4, BCAST MAC_A "81000005" IPV4 PAYLOAD46);
    expect_frame(r, 7, BCAST MAC_A "81000005" IPV4 PAYLOAD46);
}

static void test_tag_on_access_port_is_payload(void **state)
{
    struct rig *r = *state;
    inject(r, 1, BCAST MAC_A "81000007" IPV4 PAYLOAD46);
    expect_frame(r, 2, BCAST MAC_A "8100000a" "81000007" IPV4 PAYLOAD46);
    expect_frame(r, 3, BCAST MAC_A "81000007" IPV4 PAYLOAD46);
    expect_frame(r, 6, BCAST MAC_A "81000007" IPV4 PAYLOAD46);
}

static void test_access_to_qinq_tunnel(void **state)
{
    struct rig *r = *state;
    /* Untagged frame from access VLAN 100 enters the tunnel as is; trunks
     * carry it in VLAN 100 with an 8100 tag. */
    inject(r, 7, BCAST MAC_B IPV4 PAYLOAD46);
    expect_frame(r, 4, BCAST MAC_B IPV4 PAYLOAD46);
    expect_frame(r, 2, BCAST MAC_B "81000064" IPV4 PAYLOAD46);
    expect_frame(r, 3, BCAST MAC_B "81000064" IPV4 PAYLOAD46);
    expect_nothing(r, 1);
    /* An untagged customer frame on the qinq port is accepted. */
    inject(r, 4, BCAST MAC_A IPV4 PAYLOAD46);
    expect_frame(r, 7, BCAST MAC_A IPV4 PAYLOAD46);
    expect_frame(r, 2, BCAST MAC_A "88a80064" IPV4 PAYLOAD46);
}

static void test_runts_and_bad_tags_dropped(void **state)
{
    struct rig *r = *state;
    struct ethsw_stats before, after;
    ethsw_get_stats(r->sw, &before);
    inject(r, 2, "ffffffffffff0200000000aa08");       /* 13 bytes */
    inject(r, 2, BCAST MAC_A "81000000" IPV4 PAYLOAD46); /* VID 0 */
    inject(r, 2, BCAST MAC_A "8100");                  /* 14-byte tag */
    inject(r, 2, BCAST MAC_A "8100e0");                /* 15 bytes */
    inject(r, 2, BCAST MAC_A "8100000a08");            /* 17 bytes */
    for (int i = 1; i <= NPORTS; i++) {
        expect_nothing(r, i);
    }
    ethsw_get_stats(r->sw, &after);
    assert_int_equal(after.dropped - before.dropped, 5);
    /* A runt on an access port and a 14-byte frame. */
    inject(r, 1, "ffffffffffff02");
    expect_nothing(r, 6);
    inject(r, 1, BCAST MAC_A "0800");
    expect_frame(r, 6, BCAST MAC_A "0800");
}

static void collect_line(void *arg, const char *line)
{
    char *buf = arg;
    strcat(buf, line);
    strcat(buf, "\n");
}

static void test_mac_table(void **state)
{
    struct rig *r = *state;
    ethsw_clear_mac_table(r->sw);
    assert_int_equal(ethsw_mac_count(r->sw), 0);
    inject(r, 1, BCAST MAC_A IPV4 PAYLOAD46);            /* A, VLAN 10 */
    inject(r, 2, BCAST MAC_A "81000014" IPV4 PAYLOAD46); /* A, VLAN 20 */
    inject(r, 2, BCAST "010000000001" IPV4 PAYLOAD46);   /* group source */
    assert_int_equal(ethsw_mac_count(r->sw), 2);
    char out[512] = "";
    ethsw_show_mac_table(r->sw, collect_line, out);
    assert_non_null(strstr(out, "0200.0000.00aa  10  n1\n"));
    assert_non_null(strstr(out, "0200.0000.00aa  20  n2\n"));
    /* The VLAN 20 frame reached n5 (access 20). */
    /* Reconfiguring a port flushes its entries. */
    ethsw_set_dot1q_port(r->sw, r->p[2].port, 1);
    assert_int_equal(ethsw_mac_count(r->sw), 1);
    ethsw_clear_mac_table(r->sw);
    assert_int_equal(ethsw_mac_count(r->sw), 0);
}

static void test_mac_aging(void **state)
{
    struct rig *r = *state;
    ethsw_set_aging(r->sw, 1);
    inject(r, 1, BCAST MAC_A IPV4 PAYLOAD46);
    assert_int_equal(ethsw_mac_count(r->sw), 1);
    sleep(3);
    assert_int_equal(ethsw_mac_count(r->sw), 0);
    /* Aged out: a unicast to A floods again. */
    inject(r, 6, MAC_A MAC_B IPV4 PAYLOAD46);
    assert_int_equal(r->p[1].n, 1);
    assert_int_equal(r->p[3].n, 1);
    ethsw_set_aging(r->sw, ETHSW_DEFAULT_AGING);
}

static void test_many_macs(void **state)
{
    struct rig *r = *state;
    ethsw_clear_mac_table(r->sw);
    uint8_t f[60];
    memset(f, 0, sizeof(f));
    memset(f, 0xff, 6);
    for (int i = 0; i < 3000; i++) {
        f[6] = 0x02;
        f[9] = (uint8_t)(i >> 8);
        f[10] = (uint8_t)i;
        f[11] = (uint8_t)(i * 7);
        nio_send(r->p[5].peer, f, sizeof(f));
        if (i % 200 == 199) {
            pump(r->ev, 5);
        }
    }
    pump(r->ev, 20);
    size_t n = ethsw_mac_count(r->sw);
    /* 4-way sets: nearly every address fits in a 4096-entry table. */
    assert_true(n > 2700 && n <= 3000);
}

static void test_port_management(void **state)
{
    struct rig *r = *state;
    assert_int_equal(ethsw_add_nio(r->sw, r->p[1].port), -EEXIST);
    assert_int_equal(ethsw_set_access_port(r->sw, r->p[1].peer, 3), -ENOENT);
    assert_int_equal(ethsw_set_access_port(r->sw, r->p[1].port, 4096),
                     -EINVAL);
    assert_int_equal(ethsw_set_qinq_port(r->sw, r->p[4].port, 100, 0x1234),
                     -EINVAL);
    assert_int_equal(ethsw_parse_tpid("0x88a8"), 0x88A8);
    assert_int_equal(ethsw_parse_tpid("0x88A8"), 0x88A8);
    assert_int_equal(ethsw_parse_tpid("88a8"), 0x8100);
    assert_int_equal(ethsw_parse_tpid("0X88a8"), 0x8100);
    /* The probe's far end already has a receiver. */
    assert_int_equal(ethsw_add_nio(r->sw, r->p[1].peer), -EBUSY);
    assert_int_equal(nio_users(r->p[1].port), 1);

    /* Remove n6: flooding no longer reaches it; the NIO is free again. */
    assert_int_equal(ethsw_remove_nio(r->sw, r->p[6].port), 0);
    assert_int_equal(ethsw_remove_nio(r->sw, r->p[6].port), -ENOENT);
    assert_int_equal(nio_users(r->p[6].port), 0);
    inject(r, 1, BCAST MAC_A IPV4 PAYLOAD46);
    expect_nothing(r, 6);
    assert_int_equal(r->p[3].n, 1);
    assert_int_equal(ethsw_add_nio(r->sw, r->p[6].port), 0);
    ethsw_set_access_port(r->sw, r->p[6].port, 10);

    /* 64 ports at most. */
    struct probe *extra = calloc(ETHSW_MAX_PORTS, sizeof(*extra));
    int added = 0;
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        char name[16];
        snprintf(name, sizeof(name), "x%d", i);
        probe_init(&extra[i], r->ev, name);
        int rc = ethsw_add_nio(r->sw, extra[i].port);
        if (rc == 0) {
            added++;
        } else {
            assert_int_equal(rc, -ENOSPC);
        }
    }
    assert_int_equal(added, ETHSW_MAX_PORTS - NPORTS);
    for (int i = 0; i < ETHSW_MAX_PORTS; i++) {
        ethsw_remove_nio(r->sw, extra[i].port);
        probe_fini(&extra[i]);
    }
    free(extra);
}

struct port_list {
    int n;
    unsigned vlan[NPORTS];
};

static void list_port(void *arg, const struct ethsw_port_info *pi)
{
    struct port_list *l = arg;
    l->vlan[l->n++] = pi->vlan;
}

static void test_foreach_port(void **state)
{
    struct rig *r = *state;
    struct port_list l = {0};
    ethsw_foreach_port(r->sw, list_port, &l);
    assert_int_equal(l.n, NPORTS);
    assert_int_equal(l.vlan[0], 10);
    assert_int_equal(l.vlan[3], 100);
}

static void test_hub(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct hub *hub;
    assert_int_equal(hub_create(&hub, NULL, "hub"), 0);
    struct probe p[3];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "h%d", i);
        probe_init(&p[i], ev, name);
        assert_int_equal(hub_add_nio(hub, p[i].port), 0);
    }
    assert_int_equal(hub_add_nio(hub, p[0].port), -EEXIST);
    uint8_t f[17] = {1, 2, 3}; /* no size check: 17 bytes are repeated */
    nio_send(p[1].peer, f, sizeof(f));
    pump(ev, 15);
    assert_int_equal(p[0].n, 1);
    assert_int_equal(p[1].n, 0);
    assert_int_equal(p[2].n, 1);
    assert_int_equal(p[2].frames[0].len, 17);
    assert_int_equal(hub_frames(hub), 1);
    assert_int_equal(hub_remove_nio(hub, p[2].port), 0);
    assert_int_equal(hub_remove_nio(hub, p[2].port), -ENOENT);
    nio_send(p[0].peer, f, sizeof(f));
    pump(ev, 15);
    assert_int_equal(p[1].n, 1);
    assert_int_equal(p[2].n, 1);
    hub_destroy(hub);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(nio_users(p[i].port), 0);
        probe_fini(&p[i]);
    }
    evloop_destroy(ev);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, rig_setup, rig_teardown)
    const struct CMUnitTest tests[] = {
        T(test_access_broadcast),
        T(test_tagged_on_trunk_stripped_keeps_nothing_else),
        T(test_unicast_to_learned_port),
        T(test_native_vlan_untagged),
        T(test_qinq_customer_to_trunks),
        T(test_double_tag_from_trunk_to_qinq),
        T(test_tag_on_access_port_is_payload),
        T(test_access_to_qinq_tunnel),
        T(test_runts_and_bad_tags_dropped),
        T(test_mac_table),
        T(test_mac_aging),
        T(test_many_macs),
        T(test_port_management),
        T(test_foreach_port),
        cmocka_unit_test(test_hub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
