/*
 * Frame Relay switch: DLCI rewrite keeping the flag bits, drops, VC
 * management rules, and LMI STATUS replies byte for byte against the
 * exchanges observed on the reference (shared spec network.md §10.2,
 * §10.3), plus the Q.933 Annex A and Cisco LMI dialects.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/fr_lmi.h"
#include "net/frsw.h"
#include "net/nio.h"
#include "net_harness.h"

struct rig {
    struct evloop *ev;
    struct frsw *sw;
    struct probe a, b, c;
};

static int rig_setup(void **state)
{
    struct rig *r = calloc(1, sizeof(*r));
    r->ev = evloop_create();
    assert_int_equal(frsw_create(&r->sw, NULL, "fr"), 0);
    probe_init(&r->a, r->ev, "a");
    probe_init(&r->b, r->ev, "b");
    probe_init(&r->c, r->ev, "c");
    /* The reference's test switch: VCs on input DLCIs 100, 101, 1000. */
    assert_int_equal(frsw_create_vc(r->sw, r->a.port, 100, r->b.port, 200),
                     0);
    assert_int_equal(frsw_create_vc(r->sw, r->a.port, 1000, r->b.port, 16),
                     0);
    assert_int_equal(frsw_create_vc(r->sw, r->a.port, 101, r->c.port, 300),
                     0);
    assert_int_equal(frsw_create_vc(r->sw, r->b.port, 200, r->a.port, 100),
                     0);
    *state = r;
    return 0;
}

static int rig_teardown(void **state)
{
    struct rig *r = *state;
    frsw_destroy(r->sw);
    assert_int_equal(nio_users(r->a.port), 0);
    assert_int_equal(nio_users(r->b.port), 0);
    assert_int_equal(nio_has_rx(r->a.port), 0);
    probe_fini(&r->a);
    probe_fini(&r->b);
    probe_fini(&r->c);
    evloop_destroy(r->ev);
    free(r);
    return 0;
}

static void inject(struct rig *r, struct probe *p, const char *hex)
{
    uint8_t buf[256];
    size_t n = hex2bin(hex, buf, sizeof(buf));
    probe_reset(&r->a);
    probe_reset(&r->b);
    probe_reset(&r->c);
    nio_send(p->peer, buf, n);
    pump(r->ev, 15);
}

static void expect(struct probe *p, const char *hex)
{
    uint8_t want[256];
    size_t n = hex2bin(hex, want, sizeof(want));
    assert_int_equal(p->n, 1);
    assert_int_equal(p->frames[0].len, n);
    assert_memory_equal(p->frames[0].data, want, n);
}

static void test_dlci_rewrite_keeps_flags(void **state)
{
    struct rig *r = *state;
    /* spec §10.2 [obs]: DLCI 100 with C/R, FECN, BECN, DE -> "32 8F". */
    inject(r, &r->a, "1a4f 03cc 4500");
    expect(&r->b, "328f 03cc 4500");
    /* DLCI 1000 -> 16 gave "04 01". */
    inject(r, &r->a, "f881 0800");
    expect(&r->b, "0401 0800");
    inject(r, &r->b, "3081 aa");
    expect(&r->a, "1841 aa");
    assert_int_equal(r->c.n, 0);
}

static void test_drops(void **state)
{
    struct rig *r = *state;
    struct frsw_stats st0, st1;
    frsw_get_stats(r->sw, &st0);
    inject(r, &r->a, "30c1 00");   /* DLCI 204: no VC */
    inject(r, &r->a, "18");        /* 1 byte */
    inject(r, &r->c, "4b01 00");   /* c is output only: not listened to */
    inject(r, &r->a, "fcf1 0309 0075 0101 00"); /* Cisco LMI, incomplete */
    assert_int_equal(r->a.n + r->b.n + r->c.n, 0);
    frsw_get_stats(r->sw, &st1);
    assert_int_equal(st1.dropped - st0.dropped, 3);
    assert_int_equal(st1.switched, st0.switched);
}

static void test_vc_management(void **state)
{
    struct rig *r = *state;
    assert_int_equal(frsw_create_vc(r->sw, r->a.port, 100, r->c.port, 5),
                     -EEXIST);
    /* A rejected create leaves the existing VC working (spec §10.1). */
    inject(r, &r->a, "1841 01");
    expect(&r->b, "3081 01");
    assert_int_equal(frsw_create_vc(r->sw, r->a.port, 0, r->c.port, 5),
                     -EINVAL);
    assert_int_equal(frsw_create_vc(r->sw, r->a.port, 1024, r->c.port, 5),
                     -EINVAL);
    /* The probe's far end has its own receiver. */
    assert_int_equal(frsw_create_vc(r->sw, r->a.peer, 7, r->c.port, 5),
                     -EBUSY);
    assert_int_equal(frsw_delete_vc(r->sw, r->a.port, 100, r->b.port, 201),
                     -ENOENT);
    assert_int_equal(nio_users(r->a.port), 4); /* 3 in + 1 out */
    assert_int_equal(frsw_delete_vc(r->sw, r->b.port, 200, r->a.port, 100),
                     0);
    /* b no longer an input: not listened to, frames ignored. */
    assert_int_equal(nio_has_rx(r->b.port), 0);
    inject(r, &r->b, "3081 01");
    assert_int_equal(r->a.n, 0);
}

/* spec §10.3 observed exchanges, on the NIO with DLCIs 100, 101, 1000. */
static void test_lmi_ansi_vectors(void **state)
{
    struct rig *r = *state;
    inject(r, &r->a, "0001 0308 0075 95 010100 03020100");
    expect(&r->a, "0001 0308 007D 95 010100 03020101 0703 06A082 0703 06A882"
                  " 0703 3EC082");
    inject(r, &r->a, "0001 0308 0075 95 010101 03020201");
    expect(&r->a, "0001 0308 007D 95 010101 03020202");
    /* Out of step: resynchronised to 7, then 8. */
    inject(r, &r->a, "0001 0308 0075 95 010101 03020307");
    expect(&r->a, "0001 0308 007D 95 010101 03020803");
    /* IEs swapped: order kept. */
    inject(r, &r->a, "0001 0308 0075 95 03020408 010100");
    expect(&r->a, "0001 0308 007D 95 03020904 010100 0703 06A082 0703 06A882"
                  " 0703 3EC082");
    assert_int_equal(r->b.n, 0);
}

static void test_lmi_invalid(void **state)
{
    struct rig *r = *state;
    static const char *bad[] = {
        "0001 0308 0075 95",                 /* header only */
        "0001 0308 0075 95 010102 03020100", /* report type 2 */
        "0001 0308 0075 95 010100",          /* no LIV */
        "0001 0308 0075 95 03020100",        /* no report type */
        "0001 0308 0075 95 01020000 03020100", /* report IE length 2 */
        "0001 0308 0075 95 010100 030301",   /* IE past the end */
        "0001 0308 007D 95 010100 03020100", /* a STATUS, not an enquiry */
        "0003 0308 0075 95 010100 03020100", /* C/R set */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        inject(r, &r->a, bad[i]);
        assert_int_equal(r->a.n, 0);
    }
    /* An unknown IE after both required ones: still answered. */
    inject(r, &r->a, "0001 0308 0075 95 010101 03020100 990100");
    expect(&r->a, "0001 0308 007D 95 010101 03020101");
}

static void test_lmi_q933a_and_cisco(void **state)
{
    struct rig *r = *state;
    inject(r, &r->a, "0001 0308 0075 510100 53020100");
    expect(&r->a, "0001 0308 007D 510100 53020101 5703 06A082 5703 06A882"
                  " 5703 3EC082");
    inject(r, &r->a, "fcf1 0309 0075 010100 03020501");
    expect(&r->a, "fcf1 0309 007D 010100 03020205 0706 06A082000000"
                  " 0706 06A882000000 0706 3EC082000000");
    /* Dialects can be turned off. */
    frsw_set_lmi_types(r->sw, FR_LMI_ANSI);
    inject(r, &r->a, "fcf1 0309 0075 010101 03020602");
    assert_int_equal(r->a.n, 0);
    inject(r, &r->a, "0001 0308 0075 510101 53020602");
    assert_int_equal(r->a.n, 0);
}

static void test_lmi_seq_wraps_skipping_zero(void **state)
{
    (void)state;
    uint8_t req[32], out[64];
    size_t n = hex2bin("0001 0308 0075 95 010101 030201ff", req, sizeof(req));
    uint8_t seq = 0xff;
    int len = fr_lmi_reply(FR_LMI_ANSI, req, n, &seq, NULL, 0, out,
                           sizeof(out));
    assert_int_equal(len, 14);
    assert_int_equal(seq, 1);
    assert_int_equal(out[12], 1);
    assert_int_equal(out[13], 1);
    /* Too small a buffer is an error, not an overflow. */
    uint16_t d[3] = {1, 2, 3};
    assert_true(fr_lmi_reply(FR_LMI_ANSI, req, n, &seq, d, 3, out, 20) < 0);
    assert_int_equal(fr_dlci((const uint8_t *)"\xfc\xf1"), 1023);
}

static void list_vc(void *arg, const struct frsw_vc_info *vc)
{
    unsigned *sum = arg;
    *sum += vc->in_dlci;
}

static void test_foreach_vc(void **state)
{
    struct rig *r = *state;
    unsigned sum = 0;
    frsw_foreach_vc(r->sw, list_vc, &sum);
    assert_int_equal(sum, 100 + 101 + 1000 + 200);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, rig_setup, rig_teardown)
    const struct CMUnitTest tests[] = {
        T(test_dlci_rewrite_keeps_flags),
        T(test_drops),
        T(test_vc_management),
        T(test_lmi_ansi_vectors),
        T(test_lmi_invalid),
        T(test_lmi_q933a_and_cisco),
        cmocka_unit_test(test_lmi_seq_wraps_skipping_zero),
        T(test_foreach_vc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
