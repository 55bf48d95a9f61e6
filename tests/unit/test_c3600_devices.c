/*
 * The chips the 3600 family and the GT-96100 routers add (shared spec
 * c3600-c2691-c37xx.md): the NS16552 console DUART (§2.7), the I/O FPGAs
 * of the 3620/3640 and 3660 (§3.6, §3.7), of the 2691/3725 (§4.6) and the
 * 3745 (§4.7), the AMD ROM flash (§4.10), the WIC EEPROM port and glue
 * (§4.9), by register pokes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/evloop.h"
#include "core/vtty.h"
#include "dev/c2691_iofpga.h"
#include "dev/c3600_iofpga.h"
#include "dev/c3745_iofpga.h"
#include "dev/nmc93cx6.h"
#include "dev/ns16552.h"
#include "dev/rom_flash.h"
#include "dev/wic_eeprom.h"
#include "dev/wic_serial.h"
#include "nic_harness.h"

/* ------------------------------------------------------------ NS16552 */

static void test_ns16552_thre_interrupt_model(void **state)
{
    (void)state;
    struct irq_rec irq = {0};
    struct ns16552 *u = ns16552_create(NULL, NULL, irq_rec_line(&irq), NULL);
    assert_non_null(u);
    struct device *d = ns16552_device(u);
    dev_reset(d);
    /* LSR: THRE and TEMT always, no data */
    assert_int_equal(dev_read(d, 5 * 8, 4), 0x60);
    assert_int_equal(dev_read(d, 2 * 8, 1), 0x01); /* IIR: nothing */
    /* enabling the THRE interrupt with an empty THR raises it */
    dev_write(d, 1 * 8, 1, 0x02);
    assert_int_equal(irq.level, 1);
    assert_int_equal(dev_read(d, 2 * 8, 1), 0x02); /* IIR THRE, cleared */
    assert_int_equal(irq.level, 0);
    assert_int_equal(dev_read(d, 2 * 8, 1), 0x01);
    /* a character written: empty again at once, interrupt again */
    dev_write(d, 0, 1, 'x');
    assert_int_equal(irq.level, 1);
    dev_write(d, 1 * 8, 1, 0x00); /* disabled: line drops */
    assert_int_equal(irq.level, 0);
    /* channel B at offsets 0x40-0x7F has its own registers */
    dev_write(d, (8 + 7) * 8, 1, 0x5A); /* SCR B */
    assert_int_equal(dev_read(d, (8 + 7) * 8, 1), 0x5A);
    assert_int_equal(dev_read(d, 7 * 8, 1), 0x00);
    /* DLAB: divisor latch instead of THR / IER */
    dev_write(d, 3 * 8, 1, 0x80);
    dev_write(d, 0, 1, 0x0C);
    dev_write(d, 1 * 8, 1, 0x00);
    assert_int_equal(dev_read(d, 0, 1), 0x0C);
    dev_write(d, 3 * 8, 1, 0x03);
    assert_int_equal(irq.raises, 2);
    ns16552_destroy(u);
}

static void test_ns16552_receive(void **state)
{
    (void)state;
    struct evloop *ev = evloop_create();
    struct vtty_config vc = {.type = VTTY_NONE, .port_name = "Console"};
    struct vtty *vt = vtty_create(ev, &vc, NULL);
    assert_non_null(vt);
    struct irq_rec irq = {0};
    struct ns16552 *u = ns16552_create(vt, NULL, irq_rec_line(&irq), NULL);
    struct device *d = ns16552_device(u);
    dev_reset(d);
    dev_write(d, 1 * 8, 1, 0x01); /* receive interrupt */
    vtty_inject(vt, "ab", 2);
    ns16552_poll_input(u);
    assert_int_equal(irq.level, 1);
    assert_int_equal(dev_read(d, 5 * 8, 1) & 1, 1);
    assert_int_equal(dev_read(d, 2 * 8, 1), 0x04);
    assert_int_equal(dev_read(d, 0, 1), 'a');
    assert_int_equal(dev_read(d, 0, 1), 'b');
    assert_int_equal(dev_read(d, 5 * 8, 1) & 1, 0);
    assert_int_equal(irq.level, 0);
    ns16552_destroy(u);
    vtty_destroy(vt);
    evloop_destroy(ev);
}

/* ------------------------------------------------------- 3600 I/O FPGA */

static const struct nmc93cx6_wire chassis_wire = {0, 1, 2, 3};
static const struct nmc93cx6_wire nm_wire = {4, 2, 6, 7};

struct fpga_fx {
    struct irq_rec net, mgmt, ext;
    struct nmc93cx6_group *mb, *nm[C3600_IOFPGA_SLOTS];
    struct c3600_iofpga *f;
    struct device *d;
};

static void fpga_make(struct fpga_fx *x, enum c3600_chassis ch)
{
    memset(x, 0, sizeof(*x));
    assert_int_equal(nmc93cx6_group_create(&chassis_wire, 1, &x->mb), 0);
    struct c3600_iofpga_config c = {
        .chassis = ch,
        .net_irq = irq_rec_line(&x->net),
        .mgmt_irq = irq_rec_line(&x->mgmt),
        .ext_irq = irq_rec_line(&x->ext),
        .chassis_eeprom = x->mb,
    };
    for (unsigned i = 0; i < C3600_IOFPGA_SLOTS; i++) {
        assert_int_equal(nmc93cx6_group_create(&nm_wire, 1, &x->nm[i]), 0);
        c.nm_eeprom[i] = x->nm[i];
    }
    assert_int_equal(c3600_iofpga_create(&c, &x->f), 0);
    x->d = c3600_iofpga_device(x->f);
}

static void fpga_free(struct fpga_fx *x)
{
    c3600_iofpga_destroy(x->f);
    nmc93cx6_group_destroy(x->mb);
    for (unsigned i = 0; i < C3600_IOFPGA_SLOTS; i++)
        nmc93cx6_group_destroy(x->nm[i]);
}

static void test_c3640_net_irq_layout_and_presence(void **state)
{
    (void)state;
    struct fpga_fx x;
    fpga_make(&x, C3600_CHASSIS_3640);
    static const uint8_t img[2] = {0x01, 0x54};
    nmc93cx6_load(x.nm[1], 0, img, 2);
    nmc93cx6_load(x.nm[2], 0, img, 2);
    /* §3.6: 0x1111 << slot cleared per card */
    assert_int_equal(dev_read(x.d, 0x10006, 2), 0xFFFF & ~0x2222 & ~0x4444);
    /* slot/port bits: slot 0 at 16, 1 at 24, 2 at 0, 3 at 8 */
    c3600_iofpga_set_net_irq(x.f, 1, 2, 1);
    assert_int_equal(c3600_iofpga_net_status(x.f, 0), 1u << 26);
    assert_int_equal(x.net.level, 1);
    assert_int_equal(dev_read(x.d, 0x20000, 1) & 0xFF, 0x04); /* slot 1 */
    c3600_iofpga_set_net_irq(x.f, 2, 0, 1);
    assert_int_equal(dev_read(x.d, 0x20003, 1) & 0xFF, 0x01); /* slot 2 */
    c3600_iofpga_set_net_irq(x.f, 1, 2, 0);
    c3600_iofpga_set_net_irq(x.f, 2, 0, 0);
    assert_int_equal(x.net.level, 0);
    assert_int_equal(dev_read(x.d, 0x30000, 1), 0x00); /* chassis 3640 */
    /* OIR does not reach a 3640 (§3.7 last paragraph) */
    c3600_iofpga_oir_event(x.f, 1);
    assert_int_equal(x.ext.level, 0);
    fpga_free(&x);
}

static void test_c3660_presence_net_and_oir(void **state)
{
    (void)state;
    struct fpga_fx x;
    fpga_make(&x, C3600_CHASSIS_3660);
    static const uint8_t img[2] = {0x01, 0x54};
    nmc93cx6_load(x.nm[3], 0, img, 2);
    nmc93cx6_load(x.nm[5], 0, img, 2);
    assert_int_equal(dev_read(x.d, 0x10006, 2), 0x0FFF); /* slot 3 */
    assert_int_equal(dev_read(x.d, 0x10008, 2), 0xF0FF); /* slot 5 */
    assert_int_equal(dev_read(x.d, 0x10000, 1) & 0x80, 0x80);
    c3600_iofpga_set_net_irq(x.f, 4, 1, 1); /* slot 4: bits 20-23 */
    assert_int_equal(dev_read(x.d, 0x10010, 4), 1u << 21);
    c3600_iofpga_set_net_irq(x.f, 0, 1, 1); /* slot 0: 0x20010 */
    assert_int_equal(dev_read(x.d, 0x20010, 1), 0x02);
    /* §3.7 OIR: slot 3 -> 0x0A00, external status bit 6, W1C */
    c3600_iofpga_oir_event(x.f, 3);
    assert_int_equal(x.ext.level, 1);
    assert_int_equal(dev_read(x.d, 0x2000A, 1), 0x40);
    assert_int_equal(x.ext.level, 0);
    assert_int_equal(dev_read(x.d, 0x10004, 2), 0x0A00);
    dev_write(x.d, 0x10004, 2, 0x0A00);
    assert_int_equal(dev_read(x.d, 0x10004, 2), 0);
    assert_int_equal(dev_read(x.d, 0x30000, 1), 0x60);
    fpga_free(&x);
}

/* ------------------------------------------- GT-96100 routers' FPGAs */

static void test_c2691_and_3725_active_low_and_wic_port(void **state)
{
    (void)state;
    struct irq_rec net = {0};
    struct nmc93cx6_group *mb, *nm[3] = {0};
    assert_int_equal(nmc93cx6_group_create(&chassis_wire, 1, &mb), 0);
    for (int i = 1; i < 3; i++)
        assert_int_equal(nmc93cx6_group_create(&nm_wire, 1, &nm[i]), 0);
    uint8_t wic[NMC93C46_BYTES];
    memset(wic, 0xFF, sizeof(wic));
    wic[0] = 0x01;
    wic[1] = 0x12;
    wic[2] = 0x01;
    const uint8_t *images[3] = {NULL, wic, NULL};
    struct c2691_iofpga_config c = {
        .model = C2691_IOFPGA_3725,
        .net_irq = irq_rec_line(&net),
        .mb_eeprom = mb,
        .nm_eeprom = {NULL, nm[1], nm[2]},
        .wic_images = images,
        .disk0_present = 1,
    };
    struct c2691_iofpga *f;
    assert_int_equal(c2691_iofpga_create(&c, &f), 0);
    struct device *d = c2691_iofpga_device(f);
    static const uint8_t img[2] = {0x01, 0x54};
    nmc93cx6_load(nm[2], 0, img, 2);
    assert_int_equal(dev_read(d, 0x20, 2), 0xF7FF); /* slot 2: bit 11 */
    assert_int_equal(dev_read(d, 0x3C, 2), 0xFFFD); /* disk0 present */
    assert_int_equal(dev_read(d, 0x36, 1), 0x80);
    /* 3725: slot 2 port 1 -> register 0x28 bit 5, active low */
    c2691_iofpga_set_net_irq(f, 2, 1, 1);
    assert_int_equal(dev_read(d, 0x28, 2), 0xFFDF);
    assert_int_equal(net.level, 1);
    c2691_iofpga_set_net_irq(f, 2, 1, 0);
    assert_int_equal(net.level, 0);
    /* WIC port (§4.9): presence, select, two-word command, read */
    assert_int_equal(dev_read(d, 0x12, 2), 0xFFFD);
    assert_int_equal(dev_read(d, 0x42, 2), 0xFFFF); /* no command */
    dev_write(d, 0x12, 2, 0x1D00);                  /* WIC 1 */
    dev_write(d, 0x42, 2, 0x180 | 1);
    dev_write(d, 0x42, 2, 0);
    assert_int_equal(dev_read(d, 0x42, 2), 0x1201); /* bytes 1, 2 */
    assert_int_equal(dev_read(d, 0x42, 2), 0xFFFF); /* consumed */
    dev_write(d, 0x12, 2, 0x1700);                  /* empty WIC 0 */
    dev_write(d, 0x42, 2, 0x180);
    dev_write(d, 0x42, 2, 0);
    assert_int_equal(dev_read(d, 0x42, 2), 0xFFFF);
    c2691_iofpga_destroy(f);
    nmc93cx6_group_destroy(mb);
    for (int i = 1; i < 3; i++)
        nmc93cx6_group_destroy(nm[i]);
}

static void test_c3745_three_eeproms_and_oir(void **state)
{
    (void)state;
    static const struct nmc93cx6_wire sys[3] = {
        {0, 1, 2, 3}, {8, 1, 2, 3}, {9, 1, 2, 3}};
    struct irq_rec net = {0}, oir = {0};
    struct nmc93cx6_group *g;
    assert_int_equal(nmc93cx6_group_create(sys, 3, &g), 0);
    struct c3745_iofpga_config c = {
        .net_irq = irq_rec_line(&net),
        .oir_irq = irq_rec_line(&oir),
        .sys_eeprom = g,
    };
    struct c3745_iofpga *f;
    assert_int_equal(c3745_iofpga_create(&c, &f), 0);
    struct device *d = c3745_iofpga_device(f);
    assert_int_equal(dev_read(d, 0x14, 2), 0x00FF);
    assert_int_equal(dev_read(d, 0x12, 2), 0xFFFF); /* no CF */
    c3745_iofpga_set_net_irq(f, 3, 2, 1);           /* bit 4*2+2 */
    assert_int_equal(dev_read(d, 0x22, 2), 0xFBFF);
    c3745_iofpga_oir_event(f, 2);
    assert_int_equal(oir.level, 1);
    assert_int_equal(dev_read(d, 0x28, 2), 0x0002);
    dev_write(d, 0x28, 2, 0x0002);
    assert_int_equal(oir.level, 0);
    assert_int_equal(dev_read(d, 0x100006, 2), 0x0004);
    c3745_iofpga_destroy(f);
    nmc93cx6_group_destroy(g);
}

/* ------------------------------------------------------------ ROM flash */

static void cmd(struct device *d, unsigned c)
{
    dev_write(d, 0xAAA, 1, 0xAA);
    dev_write(d, 0x555, 1, 0x55);
    dev_write(d, 0xAAA, 1, c);
}

static void test_rom_flash_commands(void **state)
{
    (void)state;
    struct rom_flash *f;
    struct rom_flash_config c = {.size = 0x40000};
    assert_int_equal(rom_flash_open(&c, &f), 0);
    struct device *d = rom_flash_device(f);
    uint8_t *m = rom_flash_data(f);
    dev_write(d, 0x10000, 1, 0x5A); /* no command: ignored */
    assert_int_equal(m[0x10000], 0);
    cmd(d, 0xA0);
    dev_write(d, 0x10000, 1, 0x5A);
    assert_int_equal(m[0x10000], 0x5A);
    assert_int_equal(dev_read(d, 0x10000, 1), 0x5A);
    /* a broken unlock sequence programs nothing */
    dev_write(d, 0xAAA, 1, 0xAA);
    dev_write(d, 0x554, 1, 0x55);
    dev_write(d, 0xAAA, 1, 0xA0);
    dev_write(d, 0x10001, 1, 0x77);
    assert_int_equal(m[0x10001], 0);
    /* sector erase: 16 KB of zeros from the written address (§10.5) */
    memset(m + 0x20000, 0xEE, 0x8000);
    cmd(d, 0x80);
    dev_write(d, 0xAAA, 1, 0xAA);
    dev_write(d, 0x555, 1, 0x55);
    dev_write(d, 0x20000, 1, 0x30);
    assert_int_equal(m[0x20000], 0);
    assert_int_equal(m[0x23FFF], 0);
    assert_int_equal(m[0x24000], 0xEE);
    /* chip erase */
    cmd(d, 0x80);
    dev_write(d, 0xAAA, 1, 0xAA);
    dev_write(d, 0x555, 1, 0x55);
    dev_write(d, 0xAAA, 1, 0x10);
    assert_int_equal(m[0x24000], 0);
    assert_int_equal(m[0x10000], 0);
    rom_flash_destroy(f);
}

/* ------------------------------------------------------------ WIC glue */

static void test_wic_glue(void **state)
{
    (void)state;
    struct wic_serial *w1 = wic_serial_create(1), *w2 = wic_serial_create(2);
    assert_int_equal(dev_read(wic_serial_device(w1), 0x04, 1), 0xFF);
    assert_int_equal(dev_read(wic_serial_device(w1), 0x14, 1), 0x00);
    assert_int_equal(dev_read(wic_serial_device(w2), 0x18, 1), 0xFF);
    assert_int_equal(dev_read(wic_serial_device(w2), 0x0C, 1), 0x00);
    assert_null(wic_serial_create(3));
    wic_serial_destroy(w1);
    wic_serial_destroy(w2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ns16552_thre_interrupt_model),
        cmocka_unit_test(test_ns16552_receive),
        cmocka_unit_test(test_c3640_net_irq_layout_and_presence),
        cmocka_unit_test(test_c3660_presence_net_and_oir),
        cmocka_unit_test(test_c2691_and_3725_active_low_and_wic_port),
        cmocka_unit_test(test_c3745_three_eeproms_and_oir),
        cmocka_unit_test(test_rom_flash_commands),
        cmocka_unit_test(test_wic_glue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
