/*
 * ATM: HEC and AAL5 CRC vectors, segmentation and reassembly, the ATM
 * switch (VP and VC connections, header rewrite keeping PTI/CLP) and the
 * RFC 2684 bridge, with the observed values of shared spec network.md
 * §11.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/atm.h"
#include "net/atm_bridge.h"
#include "net/atmsw.h"
#include "net/nio.h"
#include "net_harness.h"

static void test_hec_vectors(void **state)
{
    (void)state;
    /* spec §11.1 */
    assert_int_equal(atm_hec((const uint8_t *)"\x00\x00\x06\x40"), 0xEC);
    assert_int_equal(atm_hec((const uint8_t *)"\x00\x00\x06\x42"), 0xE2);
    assert_int_equal(atm_hec((const uint8_t *)"\x00\x00\x00\x01"), 0x52);
    uint8_t cell[5];
    atm_put_hdr(cell, atm_make_hdr(0, 100));
    assert_memory_equal(cell, "\x00\x00\x06\x40\xEC", 5);
}

/* The 74-byte PDU of spec §11.3: bridged header + 64-byte frame. */
static size_t vector_pdu(uint8_t *pdu)
{
    size_t n = hex2bin("AAAA03 0080C2 0007 0000 ffffffffffff 02000000 00aa 0800",
                       pdu, 64);
    for (int i = 0; i < 50; i++) {
        pdu[n++] = (uint8_t)i;
    }
    return n;
}

struct cells {
    int n;
    uint8_t c[8][ATM_CELL_SIZE];
};

static void keep_cell(void *arg, const uint8_t *cell)
{
    struct cells *cs = arg;
    memcpy(cs->c[cs->n++], cell, ATM_CELL_SIZE);
}

static void test_aal5_crc_and_segmentation(void **state)
{
    (void)state;
    uint8_t pdu[128];
    size_t n = vector_pdu(pdu);
    assert_int_equal(n, 74);
    struct cells cs = {0};
    assert_int_equal(aal5_segment(pdu, n, 0, 100, keep_cell, &cs), 2);
    /* PTI 0 then end of PDU; HEC per cell. */
    assert_memory_equal(cs.c[0], "\x00\x00\x06\x40\xEC", 5);
    assert_memory_equal(cs.c[1], "\x00\x00\x06\x42\xE2", 5);
    const uint8_t *t = cs.c[1] + ATM_HDR_SIZE + 40;
    /* Trailer: UU 0, CPI 0, length 74, standard AAL5 CRC (the reference's
     * zlib-style value would be 39 CA 4C BC). */
    assert_memory_equal(t, "\x00\x00\x00\x4A\xB1\xD8\x59\x70", 8);
    assert_memory_equal(cs.c[1] + ATM_HDR_SIZE, pdu + 48, 26);
    for (int i = 26; i < 40; i++) {
        assert_int_equal(cs.c[1][ATM_HDR_SIZE + i], 0);
    }

    /* 38-byte frame: the 48-byte PDU fills a cell, the trailer needs a
     * second one. */
    struct cells cs2 = {0};
    assert_int_equal(aal5_segment(pdu, 48, 1, 2, keep_cell, &cs2), 2);
    struct cells cs3 = {0};
    assert_int_equal(aal5_segment(pdu, 40, 1, 2, keep_cell, &cs3), 1);
    static uint8_t big[AAL5_MAX_PDU + 1];
    assert_int_equal(aal5_segment(big, sizeof(big), 1, 2, keep_cell, &cs3),
                     -EMSGSIZE);
}

static void test_aal5_reassembly(void **state)
{
    (void)state;
    uint8_t pdu[128];
    size_t n = vector_pdu(pdu);
    struct cells cs = {0};
    aal5_segment(pdu, n, 0, 100, keep_cell, &cs);
    static struct aal5_reasm r;
    r.len = 0;
    assert_int_equal(aal5_reasm_cell(&r, cs.c[0]), 0);
    /* An OAM cell (PTI 4) in between is ignored. */
    uint8_t oam[ATM_CELL_SIZE] = {0};
    atm_put_hdr(oam, atm_make_hdr(0, 100) | 0x8);
    assert_int_equal(aal5_reasm_cell(&r, oam), 0);
    assert_int_equal(aal5_reasm_cell(&r, cs.c[1]), 74);
    assert_memory_equal(r.buf, pdu, 74);
    /* A corrupted CRC is still delivered (never required, §13). */
    cs.c[1][ATM_HDR_SIZE + 47] ^= 0xFF;
    aal5_reasm_cell(&r, cs.c[0]);
    assert_int_equal(aal5_reasm_cell(&r, cs.c[1]), 74);
    /* A length larger than what arrived is refused. */
    cs.c[1][ATM_HDR_SIZE + 42] = 0x10;
    assert_int_equal(aal5_reasm_cell(&r, cs.c[1]), -EBADMSG);
    /* Overflow of the 16384-byte buffer discards the partial PDU. */
    int rc = 0;
    for (int i = 0; i < 342 && rc == 0; i++) {
        rc = aal5_reasm_cell(&r, cs.c[0]);
    }
    assert_int_equal(rc, -EMSGSIZE);
    assert_int_equal(r.len, 0);
}

struct rig {
    struct evloop *ev;
    struct probe a, b;
};

static void rig_init(struct rig *r)
{
    r->ev = evloop_create();
    probe_init(&r->a, r->ev, "a");
    probe_init(&r->b, r->ev, "b");
}

static void rig_fini(struct rig *r)
{
    assert_int_equal(nio_users(r->a.port), 0);
    assert_int_equal(nio_users(r->b.port), 0);
    probe_fini(&r->a);
    probe_fini(&r->b);
    evloop_destroy(r->ev);
}

static void send_cell(struct rig *r, struct probe *p, uint32_t w, size_t len)
{
    uint8_t cell[64];
    memset(cell, 0x5A, sizeof(cell));
    atm_put_hdr(cell, w);
    cell[4] ^= 0xFF; /* a wrong HEC is not checked */
    probe_reset(&r->a);
    probe_reset(&r->b);
    nio_send(p->peer, cell, len);
    pump(r->ev, 10);
}

static void test_atm_switch(void **state)
{
    (void)state;
    struct rig r;
    rig_init(&r);
    struct atmsw *sw;
    assert_int_equal(atmsw_create(&sw, NULL, "atm"), 0);
    assert_int_equal(atmsw_create_vcc(sw, r.a.port, 1, 100, r.b.port, 2, 200),
                     0);
    assert_int_equal(atmsw_create_vpc(sw, r.a.port, 5, r.b.port, 6), 0);
    assert_int_equal(atmsw_create_vcc(sw, r.a.port, 5, 7, r.b.port, 1, 1),
                     -EEXIST); /* VPI 5 is VP-switched */
    assert_int_equal(atmsw_create_vcc(sw, r.a.port, 1, 100, r.b.port, 3, 3),
                     -EEXIST);
    assert_int_equal(atmsw_create_vpc(sw, r.a.port, 4096, r.b.port, 6),
                     -EINVAL);
    assert_int_equal(atmsw_create_vcc(sw, r.a.port, 1, 1, r.b.port, 1, 65536),
                     -EINVAL);

    /* VPI 1 / VCI 100 / PTI 1 / CLP 1 -> VPI 2 / VCI 200, same PTI, CLP. */
    send_cell(&r, &r.a, atm_make_hdr(1, 100) | 0x2 | 0x1, ATM_CELL_SIZE);
    assert_int_equal(r.b.n, 1);
    const uint8_t *c = r.b.frames[0].data;
    assert_int_equal(r.b.frames[0].len, ATM_CELL_SIZE);
    assert_int_equal(atm_hdr_word(c), atm_make_hdr(2, 200) | 0x3);
    assert_int_equal(c[4], atm_hec(c));
    assert_int_equal(c[5], 0x5A);
    /* VP 5 -> 6 keeps VCI 1234. */
    send_cell(&r, &r.a, atm_make_hdr(5, 1234), ATM_CELL_SIZE);
    assert_int_equal(atm_hdr_word(r.b.frames[0].data), atm_make_hdr(6, 1234));
    /* No connection, wrong lengths: dropped. */
    send_cell(&r, &r.a, atm_make_hdr(1, 101), ATM_CELL_SIZE);
    send_cell(&r, &r.a, atm_make_hdr(1, 100), 52);
    send_cell(&r, &r.a, atm_make_hdr(1, 100), 54);
    assert_int_equal(r.b.n, 0);
    struct atmsw_stats st;
    atmsw_get_stats(sw, &st);
    assert_int_equal(st.switched, 2);
    assert_int_equal(st.dropped, 3);

    assert_int_equal(atmsw_delete_vpc(sw, r.a.port, 5, r.b.port, 7), -ENOENT);
    assert_int_equal(atmsw_delete_vpc(sw, r.a.port, 5, r.b.port, 6), 0);
    assert_int_equal(atmsw_delete_vcc(sw, r.a.port, 1, 100, r.b.port, 2, 200),
                     0);
    assert_int_equal(nio_has_rx(r.a.port), 0);
    atmsw_create_vcc(sw, r.a.port, 1, 100, r.b.port, 2, 200);
    atmsw_destroy(sw);
    rig_fini(&r);
}

static void test_atm_bridge(void **state)
{
    (void)state;
    struct rig r; /* a = Ethernet side, b = ATM side */
    rig_init(&r);
    struct atm_bridge *br;
    assert_int_equal(atm_bridge_create(&br, NULL, "br"), 0);
    assert_int_equal(atm_bridge_unconfigure(br), -ENOTCONN);
    assert_int_equal(atm_bridge_configure(br, r.a.port, r.b.port, 0, 100), 0);
    assert_int_equal(atm_bridge_configure(br, r.a.port, r.b.port, 0, 100),
                     -EISCONN);

    /* Ethernet -> cells: the 64-byte frame gives the §11.3 cells. */
    uint8_t pdu[128];
    vector_pdu(pdu);
    nio_send(r.a.peer, pdu + 10, 64);
    pump(r.ev, 10);
    assert_int_equal(r.b.n, 2);
    struct cells cs = {0};
    aal5_segment(pdu, 74, 0, 100, keep_cell, &cs);
    assert_memory_equal(r.b.frames[0].data, cs.c[0], ATM_CELL_SIZE);
    assert_memory_equal(r.b.frames[1].data, cs.c[1], ATM_CELL_SIZE);

    /* Cells -> Ethernet. */
    probe_reset(&r.a);
    nio_send(r.b.peer, cs.c[0], ATM_CELL_SIZE);
    nio_send(r.b.peer, cs.c[1], ATM_CELL_SIZE);
    pump(r.ev, 10);
    assert_int_equal(r.a.n, 1);
    assert_int_equal(r.a.frames[0].len, 64);
    assert_memory_equal(r.a.frames[0].data, pdu + 10, 64);

    /* PID 0001 (FCS preserved) and another VC are dropped. */
    pdu[7] = 0x01;
    struct cells bad = {0};
    aal5_segment(pdu, 74, 0, 100, keep_cell, &bad);
    aal5_segment(pdu, 74, 0, 101, keep_cell, &bad);
    probe_reset(&r.a);
    for (int i = 0; i < bad.n; i++) {
        nio_send(r.b.peer, bad.c[i], ATM_CELL_SIZE);
    }
    pump(r.ev, 10);
    assert_int_equal(r.a.n, 0);
    struct atm_bridge_stats st;
    atm_bridge_get_stats(br, &st);
    assert_int_equal(st.pdus_in, 1);
    assert_int_equal(st.dropped, 3);

    struct nio *e, *a;
    unsigned vpi, vci;
    assert_int_equal(atm_bridge_get_config(br, &e, &a, &vpi, &vci), 0);
    assert_int_equal(vci, 100);
    atm_bridge_destroy(br);
    rig_fini(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hec_vectors),
        cmocka_unit_test(test_aal5_crc_and_segmentation),
        cmocka_unit_test(test_aal5_reassembly),
        cmocka_unit_test(test_atm_switch),
        cmocka_unit_test(test_atm_bridge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
