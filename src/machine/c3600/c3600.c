/*
 * Cisco 3600 family wiring: 3620, 3640 (default) and 3660 chassis (shared
 * spec c3600-c2691-c37xx.md §3): the GT-64010 / GT-64120 system
 * controller, the PCI topology of §3.5 with its bridges, the I/O FPGA of
 * §3.6 / §3.7, the EEPROM sockets of §6.1 and the slot placement of §5.3.
 * Everything else is the common layer (machine/ciscomid).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/log.h"
#include "core/vm.h"
#include "dev/c3600_iofpga.h"
#include "dev/gt64k.h"
#include "dev/pci_bridge.h"
#include "dev/pci_bus.h"
#include "machine/ciscomid/mid.h"
#include "machine/ciscomid/mid_storage.h"

#define C3600_GT_BASE 0x14000000ull     /* §3.2 */
#define C3600_IOFPGA_BASE 0x1E800000ull /* §3.2 */
#define C3600_DUART_BASE 0x1E840000ull
#define C3600_PLATFORM_ID 0x1E          /* §2.5: 3620/3640 */
#define C3660_PLATFORM_ID 0x34

/* §3.5 device numbers */
#define C3620_SLOT0_DEV 5
#define C3620_SLOT1_DEV 13
#define C3640_BRIDGE_A_DEV 3 /* slots 0 and 2 */
#define C3640_BRIDGE_B_DEV 2 /* slots 1 and 3 */
#define C3640_UPPER_DEV 8    /* slots 2 and 3 behind the bridges */
#define C3660_SLOT0_DEV 6    /* Leopard-2FE: 6 and 7 */
#define C3600_PCMCIA_DEV 20  /* CL-PD6729 on bus 0 (§3.5, §3.11) */
static const unsigned c3660_bridge_dev[7] = {0, 2, 7, 3, 6, 4, 5};

/* §6.1 EEPROM lines */
static const struct nmc93cx6_wire chassis_wire = {.cs = 0, .sk = 1, .di = 2,
                                                  .dout = 3};
static const struct nmc93cx6_wire nm_wire = {.cs = 4, .sk = 2, .di = 6,
                                             .dout = 7};

/* §1.1, §3.1, §3.8, §9 */
static const struct mid_model c3600_models[] = {
    {.name = "3640", .prid = PRID_R4700, .tlb_entries = 48, .cpu_mhz = 100,
     .platform_id = C3600_PLATFORM_ID, .nslots = 4,
     .eeprom = {"3640"}, .mac_off = 2, .sysid_off = 16,
     .sysid_kind = MID_SYSID_DECIMAL32},
    {.name = "3620", .prid = PRID_R4700, .tlb_entries = 48, .cpu_mhz = 80,
     .platform_id = C3600_PLATFORM_ID, .nslots = 2,
     .eeprom = {"3620"}, .mac_off = 2, .sysid_off = 16,
     .sysid_kind = MID_SYSID_DECIMAL32},
    {.name = "3660", .prid = PRID_RM527X, .tlb_entries = 48, .cpu_mhz = 225,
     .platform_id = C3660_PLATFORM_ID, .nslots = 7,
     .slot0_card = "Leopard-2FE", .oir = 1,
     .eeprom = {"3660"}, .mac_off = 63, .sysid_off = 50,
     .sysid_kind = MID_SYSID_CHARS11},
};

struct c3600 {
    enum c3600_chassis chassis;
    struct pci_bus *root[2];
    struct pci_bus *sec[6];            /* secondary buses, owned */
    struct pci_bus *slot_bus[MID_MAX_SLOTS];
    struct gt64k *gt;
    struct c3600_iofpga *fpga;
};

static struct c3600 *chassis_of(struct mid *m)
{
    return m->chassis;
}

/* A secondary bus behind a bridge chip on parent at dev. */
static int add_bridge(struct mid *m, struct c3600 *c, unsigned idx,
                      struct pci_bus *parent, unsigned dev,
                      enum pci_bridge_chip chip, const char *name)
{
    int rc = pci_bus_create(name, -1, &m->vm->pm, m->vm->log, &c->sec[idx]);
    if (rc == 0)
        rc = pci_bridge_chip_add(parent, dev, chip, c->sec[idx], NULL);
    return rc;
}

/* §3.5 */
static int build_pci(struct mid *m, struct c3600 *c)
{
    static const char *const slot_names[7] = {"", "nm1", "nm2", "nm3",
                                              "nm4", "nm5", "nm6"};
    int rc;
    switch (c->chassis) {
    case C3600_CHASSIS_3620:
        c->slot_bus[0] = c->slot_bus[1] = c->root[0];
        return 0;
    case C3600_CHASSIS_3640:
        /* bus "A" for slots 0/2 at dev 3, "B" for slots 1/3 at dev 2 */
        if ((rc = add_bridge(m, c, 0, c->root[0], C3640_BRIDGE_A_DEV,
                             PCI_BRIDGE_DEC21052, "nm02")) < 0 ||
            (rc = add_bridge(m, c, 1, c->root[0], C3640_BRIDGE_B_DEV,
                             PCI_BRIDGE_DEC21052, "nm13")) < 0)
            return rc;
        c->slot_bus[0] = c->slot_bus[2] = c->sec[0];
        c->slot_bus[1] = c->slot_bus[3] = c->sec[1];
        return 0;
    default:
        /* 3660: slot 0 on bus 0, slots 1-6 behind DEC21152s on bus 1;
         * the bridges exist whether or not a module is present */
        c->slot_bus[0] = c->root[0];
        for (unsigned s = 1; s <= 6; s++) {
            rc = add_bridge(m, c, s - 1, c->root[1], c3660_bridge_dev[s],
                            PCI_BRIDGE_DEC21152, slot_names[s]);
            if (rc < 0)
                return rc;
            c->slot_bus[s] = c->sec[s - 1];
        }
        return 0;
    }
}

static int c3600_chassis_create(struct mid *m, char *err, size_t errlen)
{
    struct vm *vm = m->vm;
    struct c3600 *c = calloc(1, sizeof(*c));
    if (!c)
        return errf(err, errlen, -ENOMEM, "out of memory");
    m->chassis = c;
    c->chassis = strcmp(m->model->name, "3620") == 0   ? C3600_CHASSIS_3620
                 : strcmp(m->model->name, "3640") == 0 ? C3600_CHASSIS_3640
                                                       : C3600_CHASSIS_3660;
    int is3660 = c->chassis == C3600_CHASSIS_3660;

    /* GT-64010 (one PCI interface) or GT-64120 (two), §3.4 */
    int rc = pci_bus_create("pci0", 0, &vm->pm, vm->log, &c->root[0]);
    if (rc == 0 && is3660)
        rc = pci_bus_create("pci1", 0, &vm->pm, vm->log, &c->root[1]);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the PCI buses");
    struct gt64k_config gc = {
        .model = is3660 ? GT64120 : GT64010,
        .lg = vm->log,
        .pm = &vm->pm,
        .bus0 = c->root[0],
        .bus1 = c->root[1],
        .pci_identity = 1,
        .irq = mid_cpu_line(m, MID_IRQ_GT64K),
    };
    rc = gt64k_create(&gc, &c->gt);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the system controller");
    physmap_add_device(&vm->pm, "gt64k", C3600_GT_BASE, GT64K_WINDOW_SIZE,
                       gt64k_device(c->gt), 0);
    rc = build_pci(m, c);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot build the PCI topology: %s",
                    strerror(-rc));

    /* §6.1: one chassis EEPROM, one socket per NM slot (a 3620 has
     * sockets 2-3 too: they read as empty, §10 item 11) */
    rc = nmc93cx6_group_create(&chassis_wire, 1, &m->eeprom_chassis);
    unsigned nsock = is3660 ? 7 : 4;
    for (unsigned i = 0; rc == 0 && i < nsock; i++)
        rc = nmc93cx6_group_create(&nm_wire, 1, &m->eeprom_slot[i]);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the EEPROMs");

    struct c3600_iofpga_config fc = {
        .chassis = c->chassis,
        .lg = vm->log,
        .net_irq = mid_cpu_line(m, MID_IRQ_NETIO),
        .mgmt_irq = mid_cpu_line(m, MID_IRQ_3),
        .ext_irq = mid_cpu_line(m, MID_IRQ_6),
        .chassis_eeprom = m->eeprom_chassis,
    };
    for (unsigned i = 0; i < C3600_IOFPGA_SLOTS; i++)
        fc.nm_eeprom[i] = m->eeprom_slot[i];
    rc = c3600_iofpga_create(&fc, &c->fpga);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the I/O FPGA");
    physmap_add_device(&vm->pm, "iofpga", C3600_IOFPGA_BASE,
                       C3600_IOFPGA_SIZE, c3600_iofpga_device(c->fpga), 0);
    /* §3.10, §3.11: bootflash SIMM, PCMCIA controller and disks */
    return mid_storage_create_3600(m, c->root[0], C3600_PCMCIA_DEV,
                                   m->pci_io, err, errlen);
}

static void c3600_chassis_reset(struct mid *m)
{
    struct c3600 *c = chassis_of(m);
    dev_reset(gt64k_device(c->gt));
    for (int i = 0; i < 2; i++)
        if (c->root[i])
            pci_bus_reset(c->root[i]);
    dev_reset(c3600_iofpga_device(c->fpga));
    if (m->eeprom_chassis)
        nmc93cx6_reset(m->eeprom_chassis);
    for (unsigned i = 0; i < MID_MAX_SLOTS; i++)
        if (m->eeprom_slot[i])
            nmc93cx6_reset(m->eeprom_slot[i]);
}

static void c3600_chassis_destroy(struct mid *m)
{
    struct c3600 *c = chassis_of(m);
    if (!c)
        return;
    c3600_iofpga_destroy(c->fpga);
    gt64k_destroy(c->gt);
    /* leaves first: a bus's destruction removes what is still on it */
    for (int i = 5; i >= 0; i--)
        pci_bus_destroy(c->sec[i]);
    for (int i = 1; i >= 0; i--)
        pci_bus_destroy(c->root[i]);
    free(c);
    m->chassis = NULL;
}

static struct pci_bus *c3600_pci_root(struct mid *m, unsigned i)
{
    struct c3600 *c = chassis_of(m);
    return c && i < 2 ? c->root[i] : NULL;
}

/* §5.3: where a card's chips go. */
static int c3600_nm_place(struct mid *m, unsigned slot, unsigned devoff,
                          unsigned port, struct pci_bus **bus,
                          unsigned *devno, unsigned *irq_port)
{
    struct c3600 *c = chassis_of(m);
    if (slot >= m->model->nslots || !c->slot_bus[slot])
        return -ENODEV;
    *bus = c->slot_bus[slot];
    *irq_port = port;
    switch (c->chassis) {
    case C3600_CHASSIS_3620:
        *devno = (slot == 0 ? C3620_SLOT0_DEV : C3620_SLOT1_DEV) + devoff;
        return 0;
    case C3600_CHASSIS_3640:
        *devno = (slot < 2 ? 0 : C3640_UPPER_DEV) + devoff;
        return 0;
    default:
        *devno = (slot == 0 ? C3660_SLOT0_DEV : 0) + devoff;
        return 0;
    }
}

static void c3600_net_irq(struct mid *m, unsigned slot, unsigned port,
                          int level)
{
    c3600_iofpga_set_net_irq(chassis_of(m)->fpga, slot, port, level);
}

static void c3600_oir_event(struct mid *m, unsigned slot)
{
    c3600_iofpga_oir_event(chassis_of(m)->fpga, slot);
}

static void c3600_show(struct mid *m, FILE *out)
{
    struct c3600 *c = chassis_of(m);
    fprintf(out, "Cisco %s: network interrupt status 0x%08x 0x%08x, GT "
            "cause 0x%08x mask 0x%08x\n", m->model->name,
            c3600_iofpga_net_status(c->fpga, 0),
            c3600_iofpga_net_status(c->fpga, 1), gt64k_int_cause(c->gt),
            gt64k_int_mask(c->gt));
}

const struct mid_platform c3600_mid_platform = {
    .name = "c3600",
    .tag = "C3600",
    .family = MID_FAM_C3600,
    .models = c3600_models,
    .nmodels = sizeof(c3600_models) / sizeof(c3600_models[0]),
    .nvram_kb = 128,
    .disk0_mb = 0,
    .mac_prefix = 0xCC,
    .duart_base = C3600_DUART_BASE,
    .nvram_layout = "c3600",
    .create = c3600_chassis_create,
    .reset = c3600_chassis_reset,
    .destroy = c3600_chassis_destroy,
    .nm_place = c3600_nm_place,
    .net_irq = c3600_net_irq,
    .oir_event = c3600_oir_event,
    .pci_root = c3600_pci_root,
    .show = c3600_show,
};

const struct machine_ops c3600_machine_ops = MID_MACHINE_OPS("c3600");
