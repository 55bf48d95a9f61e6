/*
 * c7200 midplane FPGA: register pokes against c7200.md §4.2, §6, §8 and
 * §20 (observed values included), interrupt lines through recording
 * irq_lines, the EEPROM port hooks and the power-off callback.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dev/c7200_mpfpga.h"
#include "irq_harness.h"

struct port_rec {
    uint32_t written;
    int writes;
    uint32_t value;
};

static uint32_t port_read(void *ctx)
{
    return ((struct port_rec *)ctx)->value;
}

static void port_write(void *ctx, uint32_t v)
{
    struct port_rec *p = ctx;
    p->written = v;
    p->writes++;
}

struct fx {
    struct irq_log net, mgmt, oir;
    int power_offs;
    struct c7200_mpfpga *mp;
    struct device *dev;
};

static void on_power_off(void *ctx)
{
    ((struct fx *)ctx)->power_offs++;
}

static int setup(void **state)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    struct c7200_mpfpga_config c = {
        .net_irq = {irq_log_set, &f->net, 2},
        .pa_mgmt_irq = {irq_log_set, &f->mgmt, 3},
        .oir_irq = {irq_log_set, &f->oir, 6},
        .power_off = on_power_off,
        .ctx = f,
    };
    f->mp = c7200_mpfpga_create(&c);
    assert_non_null(f->mp);
    f->dev = c7200_mpfpga_device(f->mp);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    dev_destroy(f->dev);
    test_free(f);
    return 0;
}

static uint32_t rd(struct fx *f, uint64_t off)
{
    return (uint32_t)dev_read(f->dev, off, 4);
}

static void wr(struct fx *f, uint64_t off, uint32_t v)
{
    dev_write(f->dev, off, 4, v);
}

static void test_observed_start_values(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x50), 0x00000006);  /* only the I/O card */
    assert_int_equal(rd(f, 0x68), 0x00000003);  /* PS bits, latch 0 */
    assert_int_equal(rd(f, 0x58), 0);           /* scratch at start */
    assert_int_equal(rd(f, 0x48), 0xFFFFFFFF);
    assert_int_equal(rd(f, 0x38), 0);
    assert_int_equal(rd(f, 0x78), 0);
    assert_int_equal(rd(f, 0x70), 0);
    assert_int_equal(rd(f, 0x10), 0);
    assert_int_equal(rd(f, 0x18), 0);
    assert_int_equal(rd(f, 0x123), 0); /* unknown */
    assert_int_equal(rd(f, 0x5000), 0); /* outside the window */
    wr(f, 0x123, 1);
    wr(f, 0x7B, 0xFF);
}

static void test_pa_status_and_mgmt(void **state)
{
    struct fx *f = *state;
    /* 0x40 is 0 before 0x50 was read, with or without PAs (observed). */
    for (int bay = 1; bay <= 6; bay++) {
        assert_int_equal(c7200_mpfpga_set_bay_present(f->mp, bay, 1), 0);
    }
    assert_int_equal(rd(f, 0x40), 0);
    assert_int_equal(rd(f, 0x50), 0x66666606); /* observed, bays 1-6 full */
    assert_int_equal(rd(f, 0x40), 0x66666600);
    c7200_mpfpga_set_bay_present(f->mp, 3, 0);
    /* 0x40 keeps the value of the last 0x50 read (§21). */
    assert_int_equal(rd(f, 0x40), 0x66666600);
    assert_int_equal(rd(f, 0x50), 0x60666606);
    assert_int_equal(rd(f, 0x40), 0x60666600);
    /* Bay positions: 1 <<8, 2 <<12, 4 <<16, 6 <<20, 3 <<24, 5 <<28. */
    for (int bay = 1; bay <= 6; bay++) {
        c7200_mpfpga_set_bay_present(f->mp, bay, 0);
    }
    static const uint32_t expect[7] = {0, 0x600, 0x6000, 0x06000000,
                                       0x60000, 0x60000000, 0x600000};
    for (int bay = 1; bay <= 6; bay++) {
        c7200_mpfpga_set_bay_present(f->mp, bay, 1);
        assert_int_equal(rd(f, 0x50), 0x6 | expect[bay]);
        c7200_mpfpga_set_bay_present(f->mp, bay, 0);
    }
    /* Bay 7 is reported by the I/O FPGA, not here. */
    c7200_mpfpga_set_bay_present(f->mp, 7, 1);
    assert_int_equal(rd(f, 0x50), 0x6);
    assert_int_equal(c7200_mpfpga_bay7_pa_status(f->mp), 0x06000000);
    assert_int_equal(c7200_mpfpga_set_bay_present(f->mp, 8, 1), -22);
    assert_int_equal(f->mgmt.level, 0);
}

static void test_scratch(void **state)
{
    struct fx *f = *state;
    wr(f, 0x58, 0x00FF00FF);
    assert_int_equal(rd(f, 0x58), 0x00FF00FF); /* observed */
}

/* §4.2 layout: every (bay, port) lands on its documented bit. */
static void test_net_irq_layout(void **state)
{
    struct fx *f = *state;
    static const struct {
        int bay;
        uint64_t reg;
        int base;
    } map[] = {{0, 0x10, 0}, {1, 0x10, 8},  {4, 0x10, 16}, {3, 0x10, 24},
               {2, 0x18, 8}, {6, 0x18, 16}, {5, 0x18, 24}};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        for (int port = 0; port < 8; port++) {
            c7200_mpfpga_net_irq(f->mp, map[i].bay, port, 1);
            assert_int_equal(rd(f, map[i].reg),
                             (uint32_t)1 << (map[i].base + port));
            c7200_mpfpga_net_irq(f->mp, map[i].bay, port, 0);
            assert_int_equal(rd(f, map[i].reg), 0);
        }
    }
    c7200_mpfpga_net_irq(f->mp, 7, 3, 1);
    assert_int_equal(c7200_mpfpga_bay7_net_status(f->mp), 1u << 27);
    assert_int_equal(rd(f, 0x10), 0); /* bay 7 not present: no folding */
    c7200_mpfpga_net_irq(f->mp, 7, 3, 0);
    assert_int_equal(c7200_mpfpga_net_irq(f->mp, 8, 0, 1), -22);
    assert_int_equal(c7200_mpfpga_net_irq(f->mp, 0, 8, 1), -22);
    assert_int_equal(c7200_mpfpga_net_irq(f->mp, -1, 0, 1), -22);
    assert_int_equal(f->net.calls, 0); /* masks are 0: line never moved */
}

static void test_status_every_offset(void **state)
{
    struct fx *f = *state;
    c7200_mpfpga_net_irq(f->mp, 1, 2, 1); /* bit 10 */
    c7200_mpfpga_net_irq(f->mp, 5, 0, 1); /* 0x18 bit 24 */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rd(f, 0x10 + i), 0x400);
        assert_int_equal(rd(f, 0x18 + i), 0x01000000);
    }
    /* Narrow loads get the low-order bits (§0, §21). */
    assert_int_equal(dev_read(f->dev, 0x11, 1), 0x00);
    assert_int_equal(dev_read(f->dev, 0x12, 2), 0x0400);
    /* Status is read-only. */
    wr(f, 0x10, 0);
    assert_int_equal(rd(f, 0x10), 0x400);
}

static void test_net_line(void **state)
{
    struct fx *f = *state;
    c7200_mpfpga_net_irq(f->mp, 0, 0, 1);
    assert_int_equal(f->net.level, 0);
    wr(f, 0x20, 0x1);
    assert_int_equal(f->net.level, 1);
    assert_int_equal(rd(f, 0x20), 0x1);
    c7200_mpfpga_net_irq(f->mp, 0, 0, 0);
    assert_int_equal(f->net.level, 0);
    c7200_mpfpga_net_irq(f->mp, 0, 0, 1);
    assert_int_equal(f->net.level, 1);
    wr(f, 0x20, 0);
    assert_int_equal(f->net.level, 0);

    /* Group 1 (bay 6 port 1 -> 0x18 bit 17). */
    c7200_mpfpga_net_irq(f->mp, 6, 1, 1);
    wr(f, 0x28, 1u << 17);
    assert_int_equal(f->net.level, 1);
    assert_int_equal(rd(f, 0x28), 1u << 17);
    wr(f, 0x28, 1u << 16);
    assert_int_equal(f->net.level, 0);

    /* Bay 7 through the I/O FPGA mask. */
    c7200_mpfpga_net_irq(f->mp, 7, 0, 1);
    assert_int_equal(f->net.level, 0);
    c7200_mpfpga_bay7_set_net_mask(f->mp, 0xFF000000);
    assert_int_equal(c7200_mpfpga_bay7_net_mask(f->mp), 0xFF000000);
    assert_int_equal(f->net.level, 1);
    c7200_mpfpga_net_irq(f->mp, 7, 0, 0);
    assert_int_equal(f->net.level, 0);
    assert_int_equal(c7200_mpfpga_net_irq_level(f->mp), 0);
}

static void test_bay7_fold(void **state)
{
    struct fx *f = *state;
    c7200_mpfpga_set_bay_present(f->mp, 7, 1);
    c7200_mpfpga_net_irq(f->mp, 0, 1, 1); /* bay-0 bit, hidden by folding */
    c7200_mpfpga_net_irq(f->mp, 1, 0, 1);
    assert_int_equal(rd(f, 0x10), 0x00000100);
    c7200_mpfpga_net_irq(f->mp, 7, 5, 1);
    assert_int_equal(rd(f, 0x10), 0x000001FF);
    assert_int_equal(rd(f, 0x13), 0x000001FF);
    c7200_mpfpga_net_irq(f->mp, 7, 5, 0);
    assert_int_equal(rd(f, 0x10), 0x00000100);
}

static void test_oir(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_mpfpga_oir_event(f->mp, 0), -22);
    assert_int_equal(c7200_mpfpga_oir_event(f->mp, 3), 0);
    assert_int_equal(f->oir.level, 1);
    assert_int_equal(rd(f, 0x70), 0x8); /* 1 << bay; read lowers line 6 */
    assert_int_equal(f->oir.level, 0);
    assert_int_equal(rd(f, 0x70), 0x8); /* bits stay until written */
    c7200_mpfpga_oir_event(f->mp, 5);
    assert_int_equal(f->oir.level, 1);
    wr(f, 0x70, 0x8); /* W1C, also lowers line 6 */
    assert_int_equal(f->oir.level, 0);
    assert_int_equal(rd(f, 0x70), 0x20);
    wr(f, 0x70, 0xFF);
    assert_int_equal(rd(f, 0x70), 0);

    /* Bay 7: bit 0 here, bit 24 in I/O FPGA 0x2F4. */
    c7200_mpfpga_oir_event(f->mp, 7);
    assert_int_equal(c7200_mpfpga_oir_irq_level(f->mp), 1);
    assert_int_equal(rd(f, 0x70), 0x1);
    assert_int_equal(c7200_mpfpga_bay7_oir_status(f->mp), 0x01000000);
    c7200_mpfpga_bay7_oir_clear(f->mp, 0x01000000);
    assert_int_equal(c7200_mpfpga_bay7_oir_status(f->mp), 0);
}

static void test_pa_mgmt_line_cleared(void **state)
{
    struct fx *f = *state;
    f->mgmt.level = 1; /* pretend someone raised it */
    rd(f, 0x40);
    assert_int_equal(f->mgmt.level, 0);
    f->mgmt.level = 1;
    wr(f, 0x40, 0);
    assert_int_equal(f->mgmt.level, 0);
}

static void test_power_supplies(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_mpfpga_power_supplies(f->mp), 3);
    wr(f, 0x68, 0x00001001); /* DI bit 12 + PS0 only */
    assert_int_equal(c7200_mpfpga_power_supplies(f->mp), 1);
    assert_int_equal(f->power_offs, 0);
    assert_int_equal(rd(f, 0x68), 0x00001001);
    wr(f, 0x68, 0x00000003);
    assert_int_equal(rd(f, 0x68), 0x00000003);
    wr(f, 0x68, 0x00001000); /* both PS bits 0: power off */
    assert_int_equal(f->power_offs, 1);
    assert_int_equal(c7200_mpfpga_power_supplies(f->mp), 0);
    c7200_mpfpga_set_power_supplies(f->mp, 2);
    assert_int_equal(rd(f, 0x68) & 3, 2);
}

/* Absent EEPROMs: a latch whose selected DO bits read 1 (§6.2). */
static void test_absent_eeprom_ports(void **state)
{
    struct fx *f = *state;
    wr(f, 0x60, 0x2); /* bay 0 CS (bit 1) -> DO bit 6 reads 1 */
    assert_int_equal(rd(f, 0x60), 0x42);
    wr(f, 0x60, 0x0B0A); /* bay 1 CS=bit 9: DO bit 14 */
    assert_int_equal(rd(f, 0x60), 0x4B0A | 0x40);
    wr(f, 0x60, 0x08); /* no CS: plain latch */
    assert_int_equal(rd(f, 0x60), 0x08);
    wr(f, 0x60, (1u << 25) | (1u << 17));
    assert_int_equal(rd(f, 0x60),
                     (1u << 25) | (1u << 30) | (1u << 17) | (1u << 22));
    wr(f, 0x68, (1u << 9) | 3); /* bay 2 CS */
    assert_int_equal(rd(f, 0x68), (1u << 9) | (1u << 14) | 3);
}

static void test_eeprom_hooks(void **state)
{
    struct fx *f = *state;
    struct port_rec p60 = {.value = 0x12345678};
    struct port_rec p68 = {.value = 0x40000000};
    struct eeprom_port_ops o60 = {port_read, port_write, &p60};
    struct eeprom_port_ops o68 = {port_read, port_write, &p68};
    c7200_mpfpga_set_eeprom_port(f->mp, C7200_MPFPGA_EEPROM_BAYS_0134, &o60);
    c7200_mpfpga_set_eeprom_port(f->mp, C7200_MPFPGA_EEPROM_BAYS_256, &o68);
    wr(f, 0x60, 0xABCD);
    assert_int_equal(p60.written, 0xABCD);
    assert_int_equal(rd(f, 0x60), 0x12345678);
    wr(f, 0x68, 0x203);
    assert_int_equal(p68.written, 0x203);
    assert_int_equal(rd(f, 0x68), 0x40000003); /* PS bits ORed in */
    c7200_mpfpga_set_eeprom_port(f->mp, C7200_MPFPGA_EEPROM_BAYS_0134, NULL);
    wr(f, 0x60, 0x2);
    assert_int_equal(rd(f, 0x60), 0x42);
    assert_int_equal(p60.writes, 1);
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    c7200_mpfpga_net_irq(f->mp, 0, 0, 1);
    wr(f, 0x20, 1);
    wr(f, 0x58, 5);
    wr(f, 0x68, 1);
    c7200_mpfpga_oir_event(f->mp, 2);
    assert_int_equal(f->net.level, 1);
    dev_reset(f->dev);
    assert_int_equal(f->net.level, 0);
    assert_int_equal(f->oir.level, 0);
    assert_int_equal(rd(f, 0x20), 0);
    assert_int_equal(rd(f, 0x58), 0);
    assert_int_equal(rd(f, 0x68), 3);
    assert_int_equal(rd(f, 0x70), 0);
    assert_int_equal(rd(f, 0x10), 1); /* device still asserts */
    assert_non_null(f->dev->ops->fields);
    assert_string_equal(f->dev->name, "c7200_mpfpga");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_observed_start_values), T(test_pa_status_and_mgmt),
        T(test_scratch),               T(test_net_irq_layout),
        T(test_status_every_offset),   T(test_net_line),
        T(test_bay7_fold),             T(test_oir),
        T(test_pa_mgmt_line_cleared),  T(test_power_supplies),
        T(test_absent_eeprom_ports),   T(test_eeprom_hooks),
        T(test_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
