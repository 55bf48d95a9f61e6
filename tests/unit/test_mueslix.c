/*
 * Cisco Mueslix (devices.md §3.6): constant registers IOS reads, line
 * signals from the NIO, TPU memories and commands per chip mode, transmit
 * with the mode-1 length encoding (words, SUB, PAD) and mode-0 bytes, ring
 * ends per mode, receive with the CRC-size length rule and overrun, the
 * interrupt status/mask and its delayed deassertion, clock rate -> NIO
 * bandwidth.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dev/mueslix.h"
#include "dev/pci_bus.h"
#include "net_harness.h"
#include "nic_harness.h"

#define CH(n, off) (0x100u + 0x100u * (n) + (off))
#define TXRING 0x1000
#define RXRING 0x2000
#define TXBUF 0x8000
#define RXBUF 0x10000

#define D_OWN (1u << 31)
#define D_FS (1u << 30)
#define D_LS (1u << 29)
#define D_OVR (1u << 28)
#define PAD(n) ((uint32_t)(n) << 22)
#define SUB(n) ((1u << 20) | (uint32_t)(n) << 24)

struct fx {
    struct nic_ram r;
    struct irq_rec irq;
    struct evloop *ev;
    struct probe p[2];
    struct mueslix *m;
    struct device *dev;
    enum mueslix_mode mode;
};

static int setup_mode(void **state, enum mueslix_mode mode)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    f->mode = mode;
    assert_int_equal(probe_init(&f->p[0], f->ev, "s0"), 0);
    assert_int_equal(probe_init(&f->p[1], f->ev, "s1"), 0);
    struct mueslix_config c = {
        .name = "test serial",
        .mode = mode,
        .pm = &f->r.pm,
        .irq = irq_rec_line(&f->irq),
    };
    assert_int_equal(mueslix_create(&c, &f->m), 0);
    f->dev = mueslix_device(f->m);
    assert_int_equal(mueslix_set_nio(f->m, 0, f->p[0].port), 0);
    assert_int_equal(mueslix_set_nio(f->m, 2, f->p[1].port), 0);
    *state = f;
    return 0;
}

static int setup_pa(void **state)
{
    return setup_mode(state, MUESLIX_MODE_PA);
}

static int setup_nm(void **state)
{
    return setup_mode(state, MUESLIX_MODE_NM);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mueslix_destroy(f->m);
    probe_fini(&f->p[0]);
    probe_fini(&f->p[1]);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static uint32_t rd(struct fx *f, uint32_t off)
{
    return (uint32_t)dev_read(f->dev, off, 4);
}

static void wr(struct fx *f, uint32_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, v);
}

/* Channel n up: TPU enable, both enable-mask bits, interrupts unmasked. */
static void channel_up(struct fx *f, unsigned n)
{
    wr(f, 0x2C24, n); /* opcode 0: enable */
    wr(f, 0x14, rd(f, 0x14) | 3u << (2 * n));
    wr(f, 0x10, 0xFF);
}

/* ---- registers ---- */

static void test_identity_and_constants(void **state)
{
    struct fx *f = *state;
    struct pci_dev_config cfg;
    mueslix_pci_config(f->m, &cfg);
    assert_int_equal(cfg.vendor_id, 0x1137);
    assert_int_equal(cfg.device_id, 0x0001);
    assert_int_equal(cfg.class_rev, 0x02800001);
    assert_ptr_equal(cfg.bar[0].window, f->dev);
    assert_int_equal(rd(f, 0x18), 0x7F7F7F7F);
    assert_int_equal(rd(f, 0x48), 0);
    assert_int_equal(rd(f, 0x7C), 0x492);
    assert_int_equal(rd(f, 0x2C2C), 0xFFFF);
    for (unsigned n = 0; n < 4; n++) {
        assert_int_equal(rd(f, CH(n, 0x64)), 0x7B);
        assert_int_equal(rd(f, CH(n, 0x90)), 0x11111111);
    }
    /* line signals follow the NIO */
    assert_int_equal(rd(f, CH(0, 0x60)), 0xFFFFFFFF);
    assert_int_equal(rd(f, CH(1, 0x60)), 0);
    mueslix_set_nio(f->m, 0, NULL);
    assert_int_equal(rd(f, CH(0, 0x60)), 0);
    /* unknown offsets */
    assert_int_equal(rd(f, 0x3000), 0);
    wr(f, 0x3000, 1);
    assert_int_equal(rd(f, CH(3, 0x10)), 0);
}

static void test_tpu_memory(void **state)
{
    struct fx *f = *state;
    wr(f, 0x2000, 0x11223344);
    assert_int_equal(dev_read(f->dev, 0x2000, 1), 0x11);
    assert_int_equal(dev_read(f->dev, 0x2003, 1), 0x44);
    assert_int_equal(dev_read(f->dev, 0x2002, 2), 0x3344);
    dev_write(f->dev, 0x2A05, 1, 0xAB);
    assert_int_equal(rd(f, 0x2A04), 0x00AB0000);
    dev_write(f->dev, 0x2BF8, 8, 0x0102030405060708ull);
    assert_int_equal(rd(f, 0x2BFC), 0x05060708);
    wr(f, 0x2C00, 0x55);
    assert_int_equal(rd(f, 0x2C00), 0x55);
}

static void test_ring_registers(void **state)
{
    struct fx *f = *state;
    wr(f, CH(1, 0x80), TXRING);
    wr(f, CH(1, 0x84), TXRING + 8);
    wr(f, CH(1, 0x88), RXRING);
    wr(f, CH(1, 0x8C), RXRING + 24);
    assert_int_equal(rd(f, CH(1, 0x80)), TXRING);
    assert_int_equal(rd(f, CH(1, 0x84)), TXRING + 8);
    assert_int_equal(rd(f, CH(1, 0x88)), RXRING);
    assert_int_equal(rd(f, CH(1, 0x8C)), RXRING + 24);
    wr(f, CH(1, 0x00), 0x0A);
    assert_int_equal(rd(f, CH(1, 0x00)), 0x0A);
}

/* ---- transmit ---- */

static void put_desc(struct fx *f, uint32_t a, uint32_t w0, uint32_t buf)
{
    w32(&f->r, a + 4, buf);
    w32(&f->r, a, w0);
}

static void test_tx_pa_word_lengths(void **state)
{
    struct fx *f = *state;
    uint8_t frame[200];
    for (int i = 0; i < 200; i++) {
        frame[i] = (uint8_t)(i + 1);
    }
    frame[0] = 0x0F; /* Cisco HDLC unicast, as IOS builds it */
    memcpy(f->r.ram + TXBUF, frame, sizeof(frame));
    /* 62 bytes: 16 words, 2 valid bytes in the last one */
    put_desc(f, TXRING, D_OWN | D_FS | D_LS | PAD(2) | 16, TXBUF);
    wr(f, CH(0, 0x80), TXRING);
    wr(f, CH(0, 0x84), TXRING + 8); /* mode 1: end = last descriptor */
    assert_int_equal(mueslix_tx_poll(f->m), 0); /* channel disabled */
    channel_up(f, 0); /* touching the chip scans the rings */
    assert_int_equal(r32(&f->r, TXRING), 0);
    assert_int_equal(rd(f, 0x00), 0x01); /* TX done, channel 0 */
    assert_int_equal(f->irq.level, 1);
    pump(f->ev, 10);
    assert_int_equal(f->p[0].n, 1);
    assert_int_equal(f->p[0].frames[0].len, 62);
    assert_memory_equal(f->p[0].frames[0].data, frame, 62);

    /* second descriptor: SUB 3 from 10 words, PAD 0 (= 4 valid) -> 37;
     * then a two-descriptor frame wrapping to the start */
    put_desc(f, TXRING + 8, D_OWN | D_FS | D_LS | SUB(3) | 10, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 1);
    put_desc(f, TXRING + 8, D_OWN | D_LS | PAD(1) | 5, TXBUF + 100);
    put_desc(f, TXRING, D_OWN | D_FS | 25, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 1);
    assert_int_equal(r32(&f->r, TXRING), 0);
    assert_int_equal(r32(&f->r, TXRING + 8), 0);
    pump(f->ev, 10);
    assert_int_equal(f->p[0].n, 3);
    assert_int_equal(f->p[0].frames[1].len, 37);
    assert_memory_equal(f->p[0].frames[1].data, frame, 37);
    assert_int_equal(f->p[0].frames[2].len, 100 + 17);
    assert_memory_equal(f->p[0].frames[2].data, frame, 100);
    assert_memory_equal(f->p[0].frames[2].data + 100, frame + 100, 17);
}

static void test_tx_nm_byte_lengths(void **state)
{
    struct fx *f = *state;
    uint8_t frame[80];
    for (int i = 0; i < 80; i++) {
        frame[i] = (uint8_t)(0x80 + i);
    }
    memcpy(f->r.ram + TXBUF, frame, sizeof(frame));
    /* mode 0: lengths in bytes, end register one past the last entry */
    put_desc(f, TXRING, D_OWN | D_FS | D_LS | 61, TXBUF);
    wr(f, CH(2, 0x80), TXRING);
    wr(f, CH(2, 0x84), TXRING + 16);
    channel_up(f, 2);
    assert_int_equal(rd(f, 0x00), 0x04);
    put_desc(f, TXRING + 8, D_OWN | D_FS | D_LS | 80, TXBUF);
    put_desc(f, TXRING, D_OWN | D_FS | D_LS | 7, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 2); /* wrapped to the start */
    pump(f->ev, 10);
    assert_int_equal(f->p[1].n, 3);
    assert_int_equal(f->p[1].frames[0].len, 61);
    assert_int_equal(f->p[1].frames[1].len, 80);
    assert_int_equal(f->p[1].frames[2].len, 7);
    assert_memory_equal(f->p[1].frames[1].data, frame, 80);
    /* disable opcode of mode 0 */
    wr(f, 0x2C24, 0x10002);
    put_desc(f, TXRING + 8, D_OWN | D_FS | D_LS | 7, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 0);
}

static void test_tx_waits_for_whole_frame(void **state)
{
    struct fx *f = *state;
    wr(f, CH(0, 0x80), TXRING);
    wr(f, CH(0, 0x84), TXRING + 24);
    channel_up(f, 0);
    put_desc(f, TXRING + 8, D_LS | 4, TXBUF + 64);
    put_desc(f, TXRING, D_OWN | D_FS | 16, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 0);
    assert_int_equal(r32(&f->r, TXRING), D_OWN | D_FS | 16);
    put_desc(f, TXRING + 8, D_OWN | D_LS | 4, TXBUF + 64);
    assert_int_equal(mueslix_tx_poll(f->m), 1);
    pump(f->ev, 10);
    assert_int_equal(f->p[0].n, 1);
    assert_int_equal(f->p[0].frames[0].len, 80);
}

/* ---- receive ---- */

static void test_rx_lengths_and_crc(void **state)
{
    struct fx *f = *state;
    for (unsigned i = 0; i < 4; i++) {
        put_desc(f, RXRING + 8 * i, D_OWN | 512, RXBUF + 0x400 * i);
    }
    wr(f, CH(0, 0x88), RXRING);
    wr(f, CH(0, 0x8C), RXRING + 24);
    uint8_t frame[100];
    for (int i = 0; i < 100; i++) {
        frame[i] = (uint8_t)(i * 3);
    }
    mueslix_receive(f->m, 0, frame, sizeof(frame)); /* channel disabled */
    assert_int_equal(r32(&f->r, RXRING), D_OWN | 512);
    channel_up(f, 0);
    nio_send(f->p[0].peer, frame, sizeof(frame));
    pump(f->ev, 10);
    /* CRC-16 by default: length + 2 + 1 */
    assert_int_equal(r32(&f->r, RXRING), D_FS | D_LS | 103);
    assert_memory_equal(f->r.ram + RXBUF, frame, 100);
    assert_int_equal(rd(f, 0x00), 0x10);
    assert_int_equal(f->irq.level, 1);
    wr(f, CH(0, 0x00), 0x0A); /* CRC-32 */
    mueslix_receive(f->m, 0, frame, 60);
    assert_int_equal(r32(&f->r, RXRING + 8), D_FS | D_LS | 65);
    /* RX needs its enable-mask bit */
    wr(f, 0x14, 0x1);
    mueslix_receive(f->m, 0, frame, 60);
    assert_int_equal(r32(&f->r, RXRING + 16), D_OWN | 512);
}

static void test_rx_multi_and_overrun(void **state)
{
    struct fx *f = *state;
    put_desc(f, RXRING, D_OWN | 40, RXBUF);
    put_desc(f, RXRING + 8, D_OWN | 40, RXBUF + 0x100);
    put_desc(f, RXRING + 16, D_OWN | 40, RXBUF + 0x200);
    put_desc(f, RXRING + 24, 40, RXBUF + 0x300); /* not ours */
    wr(f, CH(0, 0x88), RXRING);
    wr(f, CH(0, 0x8C), RXRING + 24);
    channel_up(f, 0);
    uint8_t frame[200];
    for (int i = 0; i < 200; i++) {
        frame[i] = (uint8_t)i;
    }
    mueslix_receive(f->m, 0, frame, 100); /* 40 + 40 + 20 */
    assert_int_equal(r32(&f->r, RXRING), D_FS | 40);
    assert_int_equal(r32(&f->r, RXRING + 8), 40);
    assert_int_equal(r32(&f->r, RXRING + 16), D_LS | (20 + 2 + 1));
    assert_memory_equal(f->r.ram + RXBUF + 0x100, frame + 40, 40);
    assert_memory_equal(f->r.ram + RXBUF + 0x200, frame + 80, 20);
    /* next frame starts at the 4th entry, which IOS has not given back */
    mueslix_receive(f->m, 0, frame, 10);
    assert_int_equal(r32(&f->r, RXRING + 24), 40);
    put_desc(f, RXRING + 24, D_OWN | 40, RXBUF + 0x300);
    /* 4th entry then (mode 1 wrap) entry 0, which is still IOS's: overrun */
    mueslix_receive(f->m, 0, frame, 100);
    assert_int_equal(r32(&f->r, RXRING + 24), D_FS | D_LS | D_OVR | 40);
}

static void test_irq_delayed_deassert(void **state)
{
    struct fx *f = *state;
    put_desc(f, RXRING, D_OWN | 512, RXBUF);
    wr(f, CH(0, 0x88), RXRING);
    wr(f, CH(0, 0x8C), RXRING);
    channel_up(f, 0); /* the mask write: 1st idle evaluation */
    uint8_t frame[20] = {0x0F, 0x00, 0x08, 0x00};
    mueslix_receive(f->m, 0, frame, sizeof(frame));
    assert_int_equal(f->irq.level, 1);
    wr(f, 0x00, 0x10); /* acknowledged: 2nd idle evaluation */
    assert_int_equal(rd(f, 0x00), 0);
    assert_int_equal(f->irq.level, 1);
    wr(f, 0x00, 0); /* 3rd: released */
    assert_int_equal(f->irq.level, 0);
    /* the count restarts: three more idle evaluations this time */
    put_desc(f, RXRING, D_OWN | 512, RXBUF);
    mueslix_receive(f->m, 0, frame, sizeof(frame));
    assert_int_equal(f->irq.level, 1);
    wr(f, 0x00, 0x10);
    wr(f, 0x00, 0);
    assert_int_equal(f->irq.level, 1);
    wr(f, 0x00, 0);
    assert_int_equal(f->irq.level, 0);
    /* masked status does not assert */
    wr(f, 0x10, 0x0F);
    put_desc(f, RXRING, D_OWN | 512, RXBUF);
    mueslix_receive(f->m, 0, frame, sizeof(frame));
    assert_int_equal(rd(f, 0x00), 0x10);
    assert_int_equal(f->irq.level, 0);
    wr(f, 0x10, 0x10);
    assert_int_equal(f->irq.level, 1);
}

static void test_clock_rate_limits_nio(void **state)
{
    struct fx *f = *state;
    wr(f, CH(0, 0x44), 63);
    wr(f, CH(0, 0x40), 0);
    assert_int_equal(mueslix_clock_rate(f->m, 0), 8064000 / 64);
    assert_int_equal(nio_get_bandwidth(f->p[0].port), 127);
    wr(f, CH(0, 0x40), 8); /* shift 8 counts as 0 */
    assert_int_equal(mueslix_clock_rate(f->m, 0), 8064000 / 64);
    wr(f, CH(0, 0x40), 2);
    assert_int_equal(mueslix_clock_rate(f->m, 0), 8064000 / 4 / 64);
    mueslix_set_nio(f->m, 0, NULL); /* the limit leaves with the port */
    assert_int_equal(nio_get_bandwidth(f->p[0].port), 0);
}

static void test_pa_disable_opcodes(void **state)
{
    struct fx *f = *state;
    wr(f, CH(1, 0x80), TXRING);
    wr(f, CH(1, 0x84), TXRING);
    channel_up(f, 1);
    wr(f, 0x2C24, 0x30001); /* disable */
    put_desc(f, TXRING, D_OWN | D_FS | D_LS | 4, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 0);
    wr(f, 0x2C24, 0x00001);
    assert_int_equal(r32(&f->r, TXRING), 0); /* sent on the command */
    wr(f, 0x2C24, 0x50001);
    put_desc(f, TXRING, D_OWN | D_FS | D_LS | 4, TXBUF);
    assert_int_equal(mueslix_tx_poll(f->m), 0);
    wr(f, 0x2C24, 0x10001); /* mode 0's disable: not one in mode 1 */
    assert_int_equal(mueslix_tx_poll(f->m), 0);
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    wr(f, CH(0, 0x88), RXRING);
    channel_up(f, 0);
    wr(f, 0x2000, 0xDEADBEEF);
    dev_reset(f->dev);
    assert_int_equal(rd(f, 0x14), 0);
    assert_int_equal(rd(f, 0x10), 0);
    assert_int_equal(rd(f, CH(0, 0x88)), 0);
    assert_int_equal(rd(f, 0x2000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_identity_and_constants, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tpu_memory, setup_pa, teardown),
        cmocka_unit_test_setup_teardown(test_ring_registers, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_pa_word_lengths, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_nm_byte_lengths, setup_nm,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_waits_for_whole_frame,
                                        setup_pa, teardown),
        cmocka_unit_test_setup_teardown(test_rx_lengths_and_crc, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_rx_multi_and_overrun, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_irq_delayed_deassert, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clock_rate_limits_nio, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_pa_disable_opcodes, setup_pa,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reset, setup_pa, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
