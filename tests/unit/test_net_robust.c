/*
 * Malformed input never crashes a device: random frames of every small
 * length (0..80 bytes, plus some large ones), biased towards the headers
 * the devices parse (802.1Q/QinQ TPIDs, DLCI 0/1023 LMI headers, ATM
 * cells of the configured VC), are fed to the Ethernet switch, hub, Frame
 * Relay switch, ATM switch and ATM bridge under ASan/UBSan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "net/atm.h"
#include "net/atm_bridge.h"
#include "net/atmsw.h"
#include "net/ethsw.h"
#include "net/frsw.h"
#include "net/hub.h"
#include "net_harness.h"

/* xorshift: deterministic, so a failure replays. */
static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static const uint8_t prefixes[][8] = {
    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00}, /* Ethernet bcast */
    {0x00, 0x01, 0x03, 0x08, 0x00, 0x75, 0x95, 0x01}, /* ANSI enquiry */
    {0x00, 0x01, 0x03, 0x08, 0x00, 0x75, 0x51, 0x01}, /* Q.933 A */
    {0xfc, 0xf1, 0x03, 0x09, 0x00, 0x75, 0x01, 0x01}, /* Cisco LMI */
    {0x00, 0x00, 0x06, 0x42, 0xe2, 0xaa, 0xaa, 0x03}, /* cell 0/100 EOP */
};

static void make_frame(uint32_t *s, uint8_t *f, size_t *len)
{
    uint32_t r = rnd(s);
    *len = r % 8 == 0 ? 1000 + rnd(s) % 3000 : rnd(s) % 81;
    if (r % 5 == 0) {
        *len = 53;
    }
    for (size_t i = 0; i < *len; i++) {
        f[i] = (uint8_t)rnd(s);
    }
    const uint8_t *p = prefixes[rnd(s) % 5];
    memcpy(f, p, *len < 8 ? *len : 8);
    if (*len >= 18 && rnd(s) % 2) {
        static const uint8_t tpids[][2] = {
            {0x81, 0x00}, {0x88, 0xa8}, {0x91, 0x00}, {0x92, 0x00}};
        memcpy(f + 12, tpids[rnd(s) % 4], 2);
        if (rnd(s) % 2) {
            memcpy(f + 16, tpids[rnd(s) % 4], 2);
        }
    }
    if (rnd(s) % 3 == 0 && *len >= 7) {
        /* plausible LMI IEs after the header */
        f[6] = rnd(s) % 2 ? 0x95 : 0x01;
    }
}

static void test_random_frames_into_every_device(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct probe p[4];
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof(name), "r%d", i);
        assert_int_equal(probe_init(&p[i], ev, name), 0);
    }
    uint32_t seed = 0x12345678;
    static uint8_t f[4096];
    size_t len;

    for (int dev = 0; dev < 5; dev++) {
        struct ethsw *sw = NULL;
        struct hub *hub = NULL;
        struct frsw *fr = NULL;
        struct atmsw *atm = NULL;
        struct atm_bridge *br = NULL;
        switch (dev) {
        case 0:
            ethsw_create(&sw, NULL, "sw");
            for (int i = 0; i < 4; i++) {
                ethsw_add_nio(sw, p[i].port);
            }
            ethsw_set_dot1q_port(sw, p[1].port, 1);
            ethsw_set_qinq_port(sw, p[2].port, 100, 0x88A8);
            ethsw_set_access_port(sw, p[3].port, 100);
            break;
        case 1:
            hub_create(&hub, NULL, "hub");
            for (int i = 0; i < 4; i++) {
                hub_add_nio(hub, p[i].port);
            }
            break;
        case 2:
            frsw_create(&fr, NULL, "fr");
            frsw_create_vc(fr, p[0].port, 100, p[1].port, 200);
            frsw_create_vc(fr, p[1].port, 1023, p[0].port, 16);
            frsw_create_vc(fr, p[2].port, 17, p[2].port, 18);
            break;
        case 3:
            atmsw_create(&atm, NULL, "atm");
            atmsw_create_vpc(atm, p[0].port, 0, p[1].port, 4095);
            atmsw_create_vcc(atm, p[1].port, 0, 100, p[0].port, 1, 65535);
            break;
        case 4:
            atm_bridge_create(&br, NULL, "br");
            atm_bridge_configure(br, p[0].port, p[1].port, 0, 100);
            break;
        }
        for (int round = 0; round < 40; round++) {
            for (int i = 0; i < 50; i++) {
                make_frame(&seed, f, &len);
                nio_send(p[rnd(&seed) % 4].peer, f, len);
            }
            pump(ev, 2);
            for (int i = 0; i < 4; i++) {
                probe_reset(&p[i]);
            }
        }
        ethsw_destroy(sw);
        hub_destroy(hub);
        frsw_destroy(fr);
        atmsw_destroy(atm);
        atm_bridge_destroy(br);
    }
    for (int i = 0; i < 4; i++) {
        assert_int_equal(nio_users(p[i].port), 0);
        probe_fini(&p[i]);
    }
    evloop_destroy(ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_frames_into_every_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
