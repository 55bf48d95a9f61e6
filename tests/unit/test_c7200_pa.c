/*
 * c7200 port adapters (c7200.md §10, §12, §4.2, §20; devices.md §2.1):
 * the catalogue's answers, where each card's functions land on the bay
 * buses per NPE, EEPROM and power bits, NIO bindings and their references,
 * removal, and one path end to end: bridge and BAR programmed by config
 * cycles, a chip driven through its window in the physical map, its
 * interrupt in the midplane FPGA status bit of (bay, port), a frame on
 * the NIO.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dev/c7200_mpfpga.h"
#include "dev/pci_bus.h"
#include "machine/c7200/c7200_eeprom.h"
#include "machine/c7200/c7200_pa.h"
#include "machine/c7200/c7200_pci.h"
#include "net_harness.h"
#include "nic_harness.h"

struct fx {
    struct nic_ram r;
    struct irq_rec net_irq;
    struct evloop *ev;
    struct c7200_mpfpga *mp;
    struct c7200_eeproms *ee;
    struct c7200_pci *pci;
    struct c7200_pa *pa;
};

static int setup_npe_ev(void **state, const char *npe, int timer)
{
    struct fx *f = calloc(1, sizeof(*f));
    nic_ram_init(&f->r);
    f->ev = evloop_create();
    struct c7200_eeproms_config ec = {.npe = npe, .midplane = "vxr"};
    char err[128];
    assert_int_equal(c7200_eeproms_create(&ec, &f->ee, err, sizeof(err)), 0);
    struct c7200_mpfpga_config mc = {.net_irq = irq_rec_line(&f->net_irq)};
    f->mp = c7200_mpfpga_create(&mc);
    assert_non_null(f->mp);
    struct c7200_pci_config pc = {.npe = npe, .midplane = "vxr",
                                  .pm = &f->r.pm, .mpfpga = f->mp};
    assert_int_equal(c7200_pci_create(&pc, &f->pci), 0);
    struct c7200_pa_config ac = {.name = "R1", .pm = &f->r.pm,
                                 .pci = f->pci, .eeproms = f->ee,
                                 .mpfpga = f->mp, .ev = timer ? f->ev : NULL};
    assert_int_equal(c7200_pa_create(&ac, &f->pa), 0);
    *state = f;
    return 0;
}

static int setup_npe(void **state, const char *npe)
{
    return setup_npe_ev(state, npe, 0);
}

/* With the transmit timer on the (pumped) event loop. */
static int setup_timer(void **state)
{
    return setup_npe_ev(state, "npe-400", 1);
}

static int setup(void **state)
{
    return setup_npe(state, "npe-400");
}

static int setup_npe200(void **state)
{
    return setup_npe(state, "npe-200");
}

static int teardown(void **state)
{
    struct fx *f = *state;
    c7200_pa_destroy(f->pa);
    c7200_pci_destroy(f->pci);
    c7200_mpfpga_destroy(f->mp);
    c7200_eeproms_destroy(f->ee);
    evloop_destroy(f->ev);
    nic_ram_fini(&f->r);
    free(f);
    return 0;
}

static uint32_t dev_id(struct fx *f, unsigned bay, unsigned dev)
{
    struct pci_dev *d = pci_bus_slot(c7200_pci_bay_bus(f->pci, bay), dev, 0);
    return d ? pci_dev_id(d) : 0xFFFFFFFFu;
}

/* ---- catalogue ---- */

static void test_catalogue(void **state)
{
    (void)state;
    assert_int_equal(c7200_pa_card_check(0, "C7200-IO-FE"), 0);
    assert_int_equal(c7200_pa_card_check(1, "C7200-IO-FE"), -EINVAL);
    assert_int_equal(c7200_pa_card_check(0, "PA-FE-TX"), -EINVAL);
    assert_int_equal(c7200_pa_card_check(7, "PA-FE-TX"), -EINVAL);
    assert_int_equal(c7200_pa_card_check(6, "PA-8T"), 0);
    assert_int_equal(c7200_pa_card_check(3, "PA-9T"), -ENOENT);
    assert_int_equal(c7200_pa_card_check(3, "PA-A1"), 0);
    assert_int_equal(c7200_pa_card_check(3, "PA-POS-OC3"), 0);
    assert_int_equal(c7200_pa_card_check(3, "PA-4B"), -ENOTSUP);
    assert_int_equal(c7200_pa_card_check(3, "PA-MC-8TE1"), -ENOTSUP);
    assert_int_equal(c7200_pa_card_check(0, "C7200-JC-PA"), 0);
    assert_int_equal(c7200_pa_card_ports("C7200-JC-PA"), 0);
    assert_int_equal(c7200_pa_card_ports("PA-8E"), 8);
    assert_int_equal(c7200_pa_card_ports("PA-4T+"), 4);
    assert_int_equal(c7200_pa_card_ports("C7200-IO-FE"), 1);
    assert_int_equal(c7200_pa_card_ports("nope"), 0);
    int n = 0;
    while (c7200_pa_card_at((unsigned)n)) {
        n++;
    }
    assert_true(n >= 12);
}

/* ---- placement ---- */

static void test_placement_npe400(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-FE", 1), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 1, "PA-FE-TX", 0), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 2, "PA-4T+", 0), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 3, "PA-8E", 0), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 4, "PA-8T", 0), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 5, "PA-4E", 0), 0);
    assert_int_equal(dev_id(f, 0, 0), 0x00091011); /* §12.2: dev 0 */
    assert_int_equal(dev_id(f, 1, 0), 0x00091011);
    assert_int_equal(dev_id(f, 2, 0), 0x00011137);
    assert_int_equal(dev_id(f, 2, 1), 0xFFFFFFFF);
    for (unsigned d = 0; d < 8; d++) {
        assert_int_equal(dev_id(f, 3, d), 0x20001022);
    }
    assert_int_equal(dev_id(f, 4, 0), 0x00011137);
    assert_int_equal(dev_id(f, 4, 1), 0x00011137);
    assert_int_equal(dev_id(f, 5, 3), 0x20001022);
    assert_int_equal(dev_id(f, 5, 4), 0xFFFFFFFF);
    assert_int_equal(c7200_pa_set_insert(f->pa, 6, "PA-2FE-TX", 0), 0);
    assert_int_equal(dev_id(f, 6, 0), 0x10018086);
    assert_int_equal(dev_id(f, 6, 1), 0x10018086);
    /* the default I/O card makes way for the C7200-IO-GE-E: Gi0/0 at
     * device 1, Ethernet0/0 at device 0 */
    assert_int_equal(c7200_pa_set_remove(f->pa, 0), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-GE-E", 0), 0);
    assert_int_equal(dev_id(f, 0, 0), 0x10018086);
    assert_int_equal(dev_id(f, 0, 1), 0x10018086);
    assert_string_equal(c7200_eeproms_card(f->ee, 0), "C7200-IO-GE-E");
    assert_string_equal(c7200_eeproms_card(f->ee, 3), "PA-8E");
    assert_string_equal(c7200_pa_set_card(f->pa, 4), "PA-8T");
    assert_string_equal(c7200_pa_set_card(f->pa, 6), "PA-2FE-TX");

    char buf[4096];
    FILE *out = fmemopen(buf, sizeof(buf), "w");
    c7200_pa_show(f->pa, out);
    fclose(out);
    assert_non_null(strstr(buf, "slot 3: PA-8E (8 ports"));
    assert_non_null(strstr(buf, "Serial4/7: not connected"));
    assert_non_null(strstr(buf, "GigabitEthernet0/0"));
    assert_non_null(strstr(buf, "FastEthernet6/1"));
}

static void test_placement_npe200(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-FE", 1), 0);
    /* bay 0 is bus 0 itself; the I/O card's DEC21140 at device 6 */
    assert_int_equal(dev_id(f, 0, 6), 0x00091011);
    /* the Intel I/O cards need device 0, the GT-64010's (§10): refused,
     * and the default card stays */
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-2FE", 0),
                     -EEXIST);
    assert_string_equal(c7200_pa_set_card(f->pa, 0), "C7200-IO-FE");
    assert_int_equal(dev_id(f, 0, 6), 0x00091011);
    assert_string_equal(c7200_eeproms_card(f->ee, 0), "C7200-IO-FE");
    assert_int_equal(c7200_pa_set_insert(f->pa, 6, "PA-4E", 0), 0);
    assert_int_equal(dev_id(f, 6, 0), 0x20001022);
    /* PA-A1: TI1570 at 0, PLX 9060ES at 1 (c7200.md §10) */
    assert_int_equal(c7200_pa_set_insert(f->pa, 2, "PA-A1", 0), 0);
    assert_int_equal(dev_id(f, 2, 0), 0xA001104C);
    assert_int_equal(dev_id(f, 2, 1), 0x906E10B5);
    c7200_pa_reset(f->pa);
}

static void test_insert_errors_and_default(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-FE", 1), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "PA-FE-TX", 0), -EINVAL);
    assert_int_equal(c7200_pa_set_insert(f->pa, 1, "PA-MC-8TE1", 0),
                     -ENOTSUP);
    assert_int_equal(c7200_pa_set_insert(f->pa, 1, "XX", 0), -ENOENT);
    assert_int_equal(c7200_pa_set_insert(f->pa, 1, "PA-4E", 0), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 1, "PA-4E", 0), -EBUSY);
    /* the default card is replaced by an explicit one... */
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-FE", 0), 0);
    /* ...after which bay 0 is the user's */
    assert_int_equal(c7200_pa_set_insert(f->pa, 0, "C7200-IO-FE", 0), -EBUSY);
    assert_int_equal(c7200_pa_set_remove(f->pa, 2), -ENODEV);
}

/* ---- bindings ---- */

static void test_bindings(void **state)
{
    struct fx *f = *state;
    struct probe p[2];
    assert_int_equal(probe_init(&p[0], f->ev, "a"), 0);
    assert_int_equal(probe_init(&p[1], f->ev, "b"), 0);
    assert_int_equal(c7200_pa_set_bind(f->pa, 2, 0, p[0].port), -ENODEV);
    assert_int_equal(c7200_pa_set_insert(f->pa, 2, "PA-8T", 0), 0);
    assert_int_equal(c7200_pa_set_bind(f->pa, 2, 8, p[0].port), -EINVAL);
    assert_int_equal(c7200_pa_set_bind(f->pa, 2, 5, p[0].port), 0);
    assert_int_equal(nio_users(p[0].port), 1);
    assert_ptr_equal(c7200_pa_set_nio(f->pa, 2, 5), p[0].port);
    assert_int_equal(c7200_pa_set_bind(f->pa, 2, 5, p[1].port), -EBUSY);
    /* one consumer per NIO */
    assert_int_equal(c7200_pa_set_bind(f->pa, 2, 6, p[0].port), -EBUSY);
    assert_int_equal(nio_users(p[0].port), 1);
    assert_int_equal(c7200_pa_set_bind(f->pa, 2, 0, p[1].port), 0);
    assert_int_equal(c7200_pa_set_unbind(f->pa, 2, 5), 0);
    assert_int_equal(nio_users(p[0].port), 0);
    assert_false(nio_has_rx(p[0].port));
    assert_int_equal(c7200_pa_set_unbind(f->pa, 2, 5), -ENOENT);
    /* removal drops the bindings and the functions */
    assert_int_equal(c7200_pa_set_remove(f->pa, 2), 0);
    assert_int_equal(nio_users(p[1].port), 0);
    assert_false(nio_has_rx(p[1].port));
    assert_int_equal(dev_id(f, 2, 0), 0xFFFFFFFF);
    assert_null(c7200_eeproms_card(f->ee, 2));
    probe_fini(&p[0]);
    probe_fini(&p[1]);
}

/* ---- end to end: config cycles, BAR, registers, interrupt, NIO ---- */

#define BAY1_BRIDGE_DEV 7 /* NPE-400: bays 1/3/5 on root 0 at 7/8/9 */
#define BAY3_BRIDGE_DEV 8
#define WIN 0x40000000u

static void program_bay(struct fx *f, unsigned bridge_dev, unsigned busno)
{
    struct pci_bus *root = c7200_pci_root(f->pci, 0);
    pci_cfg_write(root, PCI_CFG_ADDR(0, bridge_dev, 0, 0x18),
                  busno << 16 | busno << 8);
}

/* A PA-FE-TX in bay 1 (bus 3), its port bound to a new probe; the root
 * bus for configuration cycles. */
static struct pci_bus *fe_in_bay1(struct fx *f, struct probe *p)
{
    assert_int_equal(probe_init(p, f->ev, "fe"), 0);
    assert_int_equal(c7200_pa_set_insert(f->pa, 1, "PA-FE-TX", 0), 0);
    assert_int_equal(c7200_pa_set_bind(f->pa, 1, 0, p->port), 0);
    program_bay(f, BAY1_BRIDGE_DEV, 3);
    return c7200_pci_root(f->pci, 0);
}

/* A 64-byte frame at RAM 0x8000 behind a ring of one DEC21140 TX
 * descriptor at 0x1000 (first and last segment, end of ring; `ic`:
 * interrupt on completion), handed to the chip (OWN) or not. */
static void fe_tx_ring(struct fx *f, uint8_t frame[64], int ic, int own)
{
    make_frame(frame, 64, NULL);
    memcpy(f->r.ram + 0x8000, frame, 64);
    w32(&f->r, 0x1004, (ic ? 1u << 31 : 0) | (1u << 30) | (1u << 29) |
                           (1u << 25) | 64);
    w32(&f->r, 0x1008, 0x8000);
    w32(&f->r, 0x1000, own ? 1u << 31 : 0);
}

static void test_fe_end_to_end(void **state)
{
    struct fx *f = *state;
    struct probe p;
    struct pci_bus *root = fe_in_bay1(f, &p);
    assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(3, 0, 0, 0)),
                     0x00091011);
    assert_int_equal(pci_cfg_read(root, PCI_CFG_ADDR(3, 0, 0, 8)),
                     0x02000011);
    pci_cfg_write(root, PCI_CFG_ADDR(3, 0, 0, 0x14), WIN);

    /* one TX descriptor in RAM, CSR4 and CSR6 through the window */
    uint8_t frame[64];
    fe_tx_ring(f, frame, 1, 1);
    physmap_write(&f->r.pm, WIN + 4 * 8, 4, 0x1000, 0);
    physmap_write(&f->r.pm, WIN + 6 * 8, 4, 1u << 13, 0);
    pump(f->ev, 10);
    assert_int_equal(p.n, 1);
    assert_memory_equal(p.frames[0].data, frame, 64);

    /* TI: bay 1 port 0 = MP FPGA 0x10 bit 8 (§4.2) */
    struct device *mp = c7200_mpfpga_device(f->mp);
    assert_int_equal(dev_read(mp, 0x10, 4) & 0xFF00, 0x0100);
    assert_int_equal(f->net_irq.level, 0);
    dev_write(mp, 0x20, 4, 0x0100);
    assert_int_equal(f->net_irq.level, 1);
    physmap_write(&f->r.pm, WIN + 5 * 8, 4, 0x1FFFF, 0); /* ack */
    assert_int_equal(dev_read(mp, 0x10, 4) & 0xFF00, 0);
    assert_int_equal(f->net_irq.level, 0);

    /* removal with the interrupt up leaves no stale status bit */
    w32(&f->r, 0x1000, 1u << 31);
    physmap_write(&f->r.pm, WIN + 1 * 8, 4, 1, 0);
    assert_int_equal(f->net_irq.level, 1);
    assert_int_equal(c7200_pa_set_remove(f->pa, 1), 0);
    assert_int_equal(f->net_irq.level, 0);
    assert_int_equal(physmap_read(&f->r.pm, WIN, 4, 0), 0); /* unmapped */
    probe_fini(&p);
}

/*
 * The periodic transmit scan sleeps while no transmitter is on and wakes
 * when one turns on: a descriptor handed over without a doorbell after
 * ST goes out within a few scan periods, and a frame queued while TX was
 * off goes out on the CSR6 write that turns it on.
 */
static void test_tx_scan_sleeps_while_tx_off(void **state)
{
    struct fx *f = *state;
    struct probe p;
    struct pci_bus *root = fe_in_bay1(f, &p);
    pci_cfg_write(root, PCI_CFG_ADDR(3, 0, 0, 0x14), WIN);
    pump(f->ev, 30); /* the first scans find every transmitter off */
    assert_false(c7200_pa_tx_scanning(f->pa));

    /* ring of one descriptor, still the guest's; TX on */
    uint8_t frame[64];
    fe_tx_ring(f, frame, 0, 0);
    physmap_write(&f->r.pm, WIN + 4 * 8, 4, 0x1000, 0);
    assert_false(c7200_pa_tx_scanning(f->pa)); /* TX still off */
    physmap_write(&f->r.pm, WIN + 6 * 8, 4, 1u << 13, 0);
    assert_true(c7200_pa_tx_scanning(f->pa));
    pump(f->ev, 5);
    assert_int_equal(p.n, 0);
    /* handed over with no doorbell: the periodic scan (10 ms) sends it */
    w32(&f->r, 0x1000, 1u << 31);
    pump(f->ev, 40);
    assert_int_equal(p.n, 1);
    assert_true(c7200_pa_tx_scanning(f->pa));

    /* TX off: the scan goes to sleep */
    physmap_write(&f->r.pm, WIN + 6 * 8, 4, 0, 0);
    pump(f->ev, 40);
    assert_false(c7200_pa_tx_scanning(f->pa));
    /* queued while off: out on the write that turns TX on */
    w32(&f->r, 0x1000, 1u << 31);
    pump(f->ev, 20);
    assert_int_equal(p.n, 1);
    physmap_write(&f->r.pm, WIN + 6 * 8, 4, 1u << 13, 0);
    pump(f->ev, 1);
    assert_int_equal(p.n, 2);
    assert_true(c7200_pa_tx_scanning(f->pa));
    assert_int_equal(c7200_pa_set_remove(f->pa, 1), 0);
    probe_fini(&p);
}

static void test_pa4e_port_interrupt_bits(void **state)
{
    struct fx *f = *state;
    assert_int_equal(c7200_pa_set_insert(f->pa, 3, "PA-4E", 0), 0);
    struct pci_bus *root = c7200_pci_root(f->pci, 0);
    program_bay(f, BAY3_BRIDGE_DEV, 4);
    pci_cfg_write(root, PCI_CFG_ADDR(4, 2, 0, 0x14), WIN);
    /* Am79C970A port 2: CSR88, then INIT with IENA -> IDON interrupt */
    physmap_write(&f->r.pm, WIN + 0x14, 4, 88, 0);
    assert_int_equal(physmap_read(&f->r.pm, WIN + 0x10, 4, 0), 0x02621003);
    w32(&f->r, 0x500, 0);
    physmap_write(&f->r.pm, WIN + 0x14, 4, 1, 0);
    physmap_write(&f->r.pm, WIN + 0x10, 4, 0x500, 0);
    physmap_write(&f->r.pm, WIN + 0x14, 4, 0, 0);
    physmap_write(&f->r.pm, WIN + 0x10, 4, 0x41, 0);
    /* bay 3 = bits 24-31 of 0x10, port 2 = bit 26 */
    struct device *mp = c7200_mpfpga_device(f->mp);
    assert_int_equal(dev_read(mp, 0x10, 4), 1u << 26);
    c7200_pa_reset(f->pa);
    assert_int_equal(dev_read(mp, 0x10, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue),
        cmocka_unit_test_setup_teardown(test_placement_npe400, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_placement_npe200, setup_npe200,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_insert_errors_and_default, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bindings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fe_end_to_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_scan_sleeps_while_tx_off,
                                        setup_timer, teardown),
        cmocka_unit_test_setup_teardown(test_pa4e_port_interrupt_bits, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
