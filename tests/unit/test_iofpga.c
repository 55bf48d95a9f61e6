/*
 * c7200 I/O FPGA: register pokes against c7200.md §6.2, §7, §7.2 and §9
 * (observed values included): EEPROM ports, environmental monitor, DS1620
 * protocol, bay-7 registers kept by the midplane FPGA, DUART forwarding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/vtty.h"
#include "dev/c7200_iofpga.h"
#include "dev/c7200_mpfpga.h"
#include "dev/ds1620.h"
#include "dev/scn2681.h"
#include "irq_harness.h"

/* ------------------------------------------------ fake vtty (output only) */
struct vtty {
    char out[64];
    size_t out_len;
};

void vtty_put(struct vtty *vt, const void *buf, size_t len)
{
    for (size_t i = 0; i < len && vt->out_len < sizeof(vt->out); i++) {
        vt->out[vt->out_len++] = ((const char *)buf)[i];
    }
}

int vtty_getc(struct vtty *vt)
{
    (void)vt;
    return -1;
}

int vtty_has_input(struct vtty *vt)
{
    (void)vt;
    return 0;
}

void vtty_set_notify(struct vtty *vt, vtty_notify_fn fn, void *arg)
{
    (void)vt;
    (void)fn;
    (void)arg;
}

/* ------------------------------------------------ fixture */
struct fx {
    struct vtty con;
    struct irq_log duart_irq, net_irq, oir_irq;
    struct scn2681 *duart;
    struct c7200_mpfpga *mp;
    struct c7200_iofpga *io;
    struct device *dev;
};

static int setup_card(void **state, int bay0_card)
{
    struct fx *f = test_calloc(1, sizeof(*f));
    f->duart = scn2681_create(&f->con, NULL,
                              (struct irq_line){irq_log_set, &f->duart_irq, 5},
                              NULL);
    struct c7200_mpfpga_config mc = {
        .net_irq = {irq_log_set, &f->net_irq, 2},
        .oir_irq = {irq_log_set, &f->oir_irq, 6},
    };
    f->mp = c7200_mpfpga_create(&mc);
    struct c7200_iofpga_config ic = {
        .duart = f->duart,
        .mpfpga = f->mp,
        .bay0_io_card = bay0_card,
    };
    f->io = c7200_iofpga_create(&ic);
    assert_non_null(f->io);
    f->dev = c7200_iofpga_device(f->io);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_card(state, 1);
}

static int setup_no_card(void **state)
{
    return setup_card(state, 0);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    dev_destroy(f->dev);
    c7200_mpfpga_destroy(f->mp);
    scn2681_destroy(f->duart);
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

/* ------------------------------------------------ plain registers */
static void test_io_ctrl_observed(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x204), 0x04);
    wr(f, 0x204, 0x12345670);
    assert_int_equal(rd(f, 0x204), 0x12345674);
    wr(f, 0x204, 0);
    assert_int_equal(rd(f, 0x204), 0x04);
}

static void test_constant_registers(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x23C), 0x2704);
    assert_int_equal(rd(f, 0x254), 0xFFFFFFFF);
    assert_int_equal(dev_read(f->dev, 0x3D6, 1), 0x33);
    assert_int_equal(dev_read(f->dev, 0x3D4, 2), 0); /* only 0x3D6 decoded */
    assert_int_equal(rd(f, 0x390), 0x01000102); /* observed with IO-FE */
    c7200_iofpga_set_bay0_io_card(f->io, 0);
    assert_int_equal(rd(f, 0x390), 0x00000102); /* observed, bay 0 empty */
    /* Write-only and ignored registers. */
    wr(f, 0x234, 1);
    wr(f, 0x244, 0xFF);
    wr(f, 0x338, 1);
    assert_int_equal(rd(f, 0x234), 0);
    assert_int_equal(rd(f, 0x3C0), 0);
    /* Narrow loads return low-order bits (§0). */
    assert_int_equal(dev_read(f->dev, 0x23C, 1), 0x04);
    assert_int_equal(dev_read(f->dev, 0x23C, 2), 0x2704);
}

static void test_scratch_2dc(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x2DC), 0);
    wr(f, 0x2DC, 0xCAFE0001);
    assert_int_equal(rd(f, 0x2DC), 0xCAFE0001);
}

static void test_unknown_offsets(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x000), 0);
    assert_int_equal(rd(f, 0x400), 0); /* inside the DUART range, no reg */
    assert_int_equal(rd(f, 0x405), 0);
    assert_int_equal(rd(f, 0x480), 0);
    assert_int_equal(rd(f, 0x9999), 0);
    wr(f, 0x000, 1);
    wr(f, 0x405, 1);
    wr(f, 0x23C, 0); /* read-only */
    assert_int_equal(rd(f, 0x23C), 0x2704);
    assert_int_equal(f->con.out_len, 0);
}

/* ------------------------------------------------ A/D converter */
static uint8_t ad(struct fx *f, uint32_t mux)
{
    wr(f, 0x214, mux);
    return (uint8_t)dev_read(f->dev, 0x257, 1);
}

static void test_ad_converter(void **state)
{
    struct fx *f = *state;
    assert_int_equal(dev_read(f->dev, 0x257, 1), 127); /* mux 0 = PS0 */
    assert_int_equal(ad(f, 0x00), 127);
    assert_int_equal(ad(f, 0x02), 127);
    assert_int_equal(ad(f, 0x04), 127);
    assert_int_equal(ad(f, 0x08), 127);
    assert_int_equal(ad(f, 0x0A), 127);
    assert_int_equal(ad(f, 0x0C), 127);
    assert_int_equal(ad(f, 0x01), 0);
    assert_int_equal(ad(f, 0x06), 0);
    assert_int_equal(ad(f, 0x102), 0); /* whole value is the selection */
    /* PS1 marked absent through MP FPGA 0x68. */
    dev_write(c7200_mpfpga_device(f->mp), 0x68, 4, 0x1);
    assert_int_equal(ad(f, 0x00), 127);
    assert_int_equal(ad(f, 0x02), 0);
    c7200_mpfpga_set_power_supplies(f->mp, 2);
    assert_int_equal(ad(f, 0x00), 0);
    assert_int_equal(ad(f, 0x02), 127);
}

/* ------------------------------------------------ EEPROM ports */
static void test_eeprom_absent_observed(void **state)
{
    struct fx *f = *state;
    /* §6.2 observed readbacks of 0x21C. */
    wr(f, 0x21C, 0x04);
    assert_int_equal(rd(f, 0x21C), 0x44);
    wr(f, 0x21C, 0x20);
    assert_int_equal(rd(f, 0x21C), 0xA0);
    wr(f, 0x21C, 0x0B);
    assert_int_equal(rd(f, 0x21C), 0x0B);
    /* PEM: CS bit 1, DO bit 3. */
    wr(f, 0x388, 0x02);
    assert_int_equal(rd(f, 0x388), 0x0A);
    /* Bay 7: CS bit 25, DO bit 30. */
    wr(f, 0x2E4, 1u << 25);
    assert_int_equal(rd(f, 0x2E4), (1u << 25) | (1u << 30));
}

struct port_rec {
    uint32_t written, value;
};

static uint32_t port_read(void *ctx)
{
    return ((struct port_rec *)ctx)->value;
}

static void port_write(void *ctx, uint32_t v)
{
    ((struct port_rec *)ctx)->written = v;
}

static void test_eeprom_hooks(void **state)
{
    struct fx *f = *state;
    struct port_rec p[3] = {{0, 0x11}, {0, 0x22}, {0, 0x33}};
    struct eeprom_port_ops o[3] = {{port_read, port_write, &p[0]},
                                   {port_read, port_write, &p[1]},
                                   {port_read, port_write, &p[2]}};
    c7200_iofpga_set_eeprom_port(f->io, C7200_IOFPGA_EEPROM_CPU_MIDPLANE,
                                 &o[0]);
    c7200_iofpga_set_eeprom_port(f->io, C7200_IOFPGA_EEPROM_BAY7_PORT, &o[1]);
    c7200_iofpga_set_eeprom_port(f->io, C7200_IOFPGA_EEPROM_PEM_PORT, &o[2]);
    wr(f, 0x21C, 0xA1);
    wr(f, 0x2E4, 0xA2);
    wr(f, 0x388, 0xA3);
    assert_int_equal(p[0].written, 0xA1);
    assert_int_equal(p[1].written, 0xA2);
    assert_int_equal(p[2].written, 0xA3);
    assert_int_equal(rd(f, 0x21C), 0x11);
    assert_int_equal(rd(f, 0x2E4), 0x22);
    assert_int_equal(rd(f, 0x388), 0x33);
}

/* ------------------------------------------------ DS1620 (§7.2) */
#define ALL_RST 0x0F

/* Sends an 8-bit command (or data) LSB first to the sensors whose RST
 * bits are in rst, clocking like a driver would (data written while CLK
 * low, then CLK high). */
static void ds_send(struct fx *f, uint32_t rst, unsigned v, int nbits)
{
    for (int i = 0; i < nbits; i++) {
        wr(f, 0x20C, rst);
        wr(f, 0x214, (v >> i) & 1);
        wr(f, 0x20C, rst | 0x10);
    }
}

/* Reads nbits; returns the value shifted out by sensor s. */
static unsigned ds_recv(struct fx *f, int s, int nbits)
{
    unsigned v = 0;
    for (int i = 0; i < nbits; i++) {
        v |= ((rd(f, 0x22C) >> s) & 1u) << i;
    }
    return v;
}

static unsigned ds_query(struct fx *f, int s, unsigned cmd, int nbits)
{
    wr(f, 0x20C, 0);  /* RST low: expect command */
    ds_send(f, ALL_RST, cmd, 8);
    return ds_recv(f, s, nbits);
}

static void test_ds1620_observed(void **state)
{
    struct fx *f = *state;
    for (int s = 0; s < 4; s++) {
        assert_int_equal(ds_query(f, s, DS1620_READ_TEMP, 9), 0x02C);
        assert_int_equal(ds_query(f, s, DS1620_READ_CONFIG, 8), 0x02);
        assert_int_equal(ds_query(f, s, DS1620_READ_TH, 9), 0x000);
        assert_int_equal(ds_query(f, s, DS1620_READ_TL, 9), 0x000);
        assert_int_equal(ds_query(f, s, DS1620_READ_COUNTER, 9), 0);
        assert_int_equal(ds_query(f, s, DS1620_READ_SLOPE, 9), 0);
    }
    /* All four answer in parallel on bits 0-3. */
    wr(f, 0x20C, 0);
    ds_send(f, ALL_RST, DS1620_READ_TEMP, 8);
    assert_int_equal(rd(f, 0x22C) & 0xF, 0x0); /* 44 = 0b000101100, bit0 */
    assert_int_equal(rd(f, 0x22C) & 0xF, 0x0);
    assert_int_equal(rd(f, 0x22C) & 0xF, 0xF);
}

static void test_ds1620_idle_reads_one(void **state)
{
    struct fx *f = *state;
    assert_int_equal(rd(f, 0x22C), 0xF);
    wr(f, 0x20C, 0);
    ds_send(f, ALL_RST, DS1620_READ_CONFIG, 8);
    assert_int_equal(ds_recv(f, 0, 8), 0x02);
    assert_int_equal(rd(f, 0x22C) & 1, 1); /* data exhausted */
    /* Start/stop conversion carry no data. */
    ds_send(f, ALL_RST, DS1620_START_CONVERT, 8);
    assert_int_equal(rd(f, 0x22C) & 0xF, 0xF);
}

static void test_ds1620_write_th_tl_config(void **state)
{
    struct fx *f = *state;
    wr(f, 0x20C, 0);
    ds_send(f, 0x1, DS1620_WRITE_TH, 8); /* sensor 0 only */
    ds_send(f, 0x1, 0x1F4, 9);
    wr(f, 0x20C, 0);
    ds_send(f, 0x1, DS1620_WRITE_TL, 8);
    ds_send(f, 0x1, 0x123, 9);
    wr(f, 0x20C, 0);
    ds_send(f, 0x1, DS1620_WRITE_CONFIG, 8);
    ds_send(f, 0x1, 0x0A, 8);
    assert_int_equal(ds_query(f, 0, DS1620_READ_TH, 9), 0x1F4);
    assert_int_equal(ds_query(f, 0, DS1620_READ_TL, 9), 0x123);
    assert_int_equal(ds_query(f, 0, DS1620_READ_CONFIG, 8), 0x0A);
    assert_int_equal(ds_query(f, 1, DS1620_READ_TH, 9), 0); /* untouched */
    /* Writing TH/TL does not evaluate the flags (§7.2). */
    assert_int_equal(ds_query(f, 1, DS1620_READ_CONFIG, 8), 0x02);
}

static void test_ds1620_clk_high_ignored(void **state)
{
    struct fx *f = *state;
    wr(f, 0x20C, 0);
    wr(f, 0x20C, ALL_RST | 0x10); /* CLK high: writes don't shift */
    for (int i = 0; i < 8; i++) {
        wr(f, 0x214, 1);
    }
    ds_send(f, ALL_RST, DS1620_READ_TEMP, 8);
    assert_int_equal(ds_recv(f, 3, 9), 44);
}

static void test_ds1620_operator_temperature(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_iofpga_set_temperature(f->io, 2, 30), 0);
    assert_int_equal(ds_query(f, 2, DS1620_READ_TEMP, 9), 60);
    assert_int_equal(ds_query(f, 1, DS1620_READ_TEMP, 9), 44);
    /* 30 °C >= TH (0): THF set on an operator change. */
    assert_int_equal(ds_query(f, 2, DS1620_READ_CONFIG, 8),
                     0x02 | DS1620_CFG_THF);
    assert_int_equal(c7200_iofpga_set_temperature(f->io, 0, -10), 0);
    assert_int_equal(ds_query(f, 0, DS1620_READ_TEMP, 9), 0x1EC); /* -20 */
    assert_int_equal(ds_query(f, 0, DS1620_READ_CONFIG, 8),
                     0x02 | DS1620_CFG_TLF);
    assert_int_equal(c7200_iofpga_set_temperature(f->io, 4, 20), -22);
    assert_int_equal(c7200_iofpga_set_temperature(f->io, 0, 200), -22);
}

/* ------------------------------------------------ bay 7 (via MP FPGA) */
static void test_bay7_registers(void **state)
{
    struct fx *f = *state;
    struct device *mpdev = c7200_mpfpga_device(f->mp);
    assert_int_equal(rd(f, 0x294), 0);
    assert_int_equal(rd(f, 0x2D4), 0);
    c7200_mpfpga_set_bay_present(f->mp, 7, 1);
    assert_int_equal(rd(f, 0x2D4), 0x06000000);

    c7200_mpfpga_net_irq(f->mp, 7, 2, 1);
    assert_int_equal(rd(f, 0x294), 1u << 26);
    assert_int_equal(f->net_irq.level, 0);
    wr(f, 0x2A4, 1u << 26);
    assert_int_equal(rd(f, 0x2A4), 1u << 26);
    assert_int_equal(f->net_irq.level, 1);
    /* MP FPGA 0x10 folds bay 7 into the bay-0 byte. */
    assert_int_equal(dev_read(mpdev, 0x10, 4), 0xFF);
    wr(f, 0x294, 0); /* read-only */
    assert_int_equal(rd(f, 0x294), 1u << 26);
    wr(f, 0x2A4, 0);
    assert_int_equal(f->net_irq.level, 0);

    c7200_mpfpga_oir_event(f->mp, 7);
    assert_int_equal(rd(f, 0x2F4), 0x01000000);
    assert_int_equal(f->oir_irq.level, 1);
    wr(f, 0x2F4, 0x00FFFFFF); /* W1C: other bits don't clear it */
    assert_int_equal(rd(f, 0x2F4), 0x01000000);
    wr(f, 0x2F4, 0x01000000);
    assert_int_equal(rd(f, 0x2F4), 0);
}

static void test_no_mpfpga(void **state)
{
    (void)state;
    struct c7200_iofpga_config ic = {0};
    struct c7200_iofpga *io = c7200_iofpga_create(&ic);
    struct device *d = c7200_iofpga_device(io);
    assert_int_equal(dev_read(d, 0x294, 4), 0);
    assert_int_equal(dev_read(d, 0x2F4, 4), 0);
    dev_write(d, 0x2A4, 4, 0xFF000000);
    assert_int_equal(dev_read(d, 0x2A4, 4), 0);
    assert_int_equal(dev_read(d, 0x257, 1), 127); /* both PS present */
    assert_int_equal(dev_read(d, 0x40C, 1), 0); /* no DUART */
    dev_write(d, 0x41C, 1, 'x');
    assert_int_equal(dev_read(d, 0x390, 4), 0x102);
    c7200_iofpga_destroy(io);
}

/* ------------------------------------------------ DUART (§9) */
static void test_duart_forwarding(void **state)
{
    struct fx *f = *state;
    assert_int_equal(dev_read(f->dev, 0x40C, 1), 0x04); /* SRA observed */
    assert_int_equal(dev_read(f->dev, 0x44C, 1), 0x04); /* SRB */
    assert_int_equal(dev_read(f->dev, 0x42C, 1), 0x00); /* ISR, IMR 0 */
    dev_write(f->dev, 0x41C, 1, 'O');
    dev_write(f->dev, 0x41C, 4, 'K'); /* any size: low-order bits */
    assert_int_equal(f->con.out_len, 2);
    assert_memory_equal(f->con.out, "OK", 2);
    /* Transmitter enable + IMR TxRDYA -> line 5 (bay 0 has a card). */
    dev_write(f->dev, 0x414, 1, 0x04);
    dev_write(f->dev, 0x42C, 1, SCN2681_INT_TXRDYA);
    assert_int_equal(f->duart_irq.level, 1);
    assert_int_equal(dev_read(f->dev, 0x42C, 1), SCN2681_INT_TXRDYA);
    /* Last register: 0x47C = reg 15. */
    dev_write(f->dev, 0x474, 1, 0xF0);
    assert_int_equal(dev_read(f->dev, 0x47C, 1), 0);
}

static void test_duart_console_disabled(void **state)
{
    struct fx *f = *state;
    dev_write(f->dev, 0x414, 1, 0x04);
    dev_write(f->dev, 0x42C, 1, SCN2681_INT_TXRDYA);
    assert_int_equal(f->duart_irq.level, 0); /* §9.4: no I/O card */
    dev_write(f->dev, 0x41C, 1, 'x');          /* output still works */
    assert_int_equal(f->con.out_len, 1);
    c7200_iofpga_set_bay0_io_card(f->io, 1);
    assert_int_equal(f->duart_irq.level, 1);
}

static void test_reset(void **state)
{
    struct fx *f = *state;
    wr(f, 0x204, 0x100);
    wr(f, 0x2DC, 5);
    wr(f, 0x214, 0x06);
    c7200_iofpga_set_temperature(f->io, 1, 40);
    dev_write(f->dev, 0x414, 1, 0x04);
    dev_write(f->dev, 0x42C, 1, SCN2681_INT_TXRDYA);
    assert_int_equal(f->duart_irq.level, 1);
    dev_reset(f->dev);
    assert_int_equal(rd(f, 0x204), 0x04);
    assert_int_equal(rd(f, 0x2DC), 0);
    assert_int_equal(dev_read(f->dev, 0x257, 1), 127);
    assert_int_equal(f->duart_irq.level, 0);
    assert_int_equal(ds_query(f, 1, DS1620_READ_TEMP, 9), 80);
    assert_non_null(f->dev->ops->fields);
    assert_string_equal(f->dev->name, "c7200_iofpga");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_io_ctrl_observed),
        T(test_constant_registers),
        T(test_scratch_2dc),
        T(test_unknown_offsets),
        T(test_ad_converter),
        T(test_eeprom_absent_observed),
        T(test_eeprom_hooks),
        T(test_ds1620_observed),
        T(test_ds1620_idle_reads_one),
        T(test_ds1620_write_th_tl_config),
        T(test_ds1620_clk_high_ignored),
        T(test_ds1620_operator_temperature),
        T(test_bay7_registers),
        cmocka_unit_test(test_no_mpfpga),
        T(test_duart_forwarding),
        cmocka_unit_test_setup_teardown(test_duart_console_disabled,
                                        setup_no_card, teardown),
        T(test_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
