/*
 * Common chassis of the Cisco 2691, 3725 and 3745 (shared spec
 * c3600-c2691-c37xx.md §4.3-§4.7, §6.1). See gtfam.h.
 */
#include "machine/ciscomid/gtfam.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/errmsg.h"
#include "core/vm.h"
#include "dev/c2691_iofpga.h"
#include "dev/c3745_iofpga.h"
#include "dev/gt96k.h"
#include "dev/pci_bridge.h"
#include "dev/pci_bus.h"
#include "machine/ciscomid/mid.h"
#include "machine/ciscomid/mid_storage.h"

#define GTFAM_NM_SLOTS 5 /* slot entries 0-4 at most (3745) */

/* §6.1 EEPROM lines */
static const struct nmc93cx6_wire mb_wire = {.cs = 0, .sk = 1, .di = 2,
                                             .dout = 3};
static const struct nmc93cx6_wire sys_wires[3] = {
    {.cs = 0, .sk = 1, .di = 2, .dout = 3}, /* motherboard */
    {.cs = 8, .sk = 1, .di = 2, .dout = 3}, /* I/O board */
    {.cs = 9, .sk = 1, .di = 2, .dout = 3}, /* midplane */
};
static const struct nmc93cx6_wire nm_wire = {.cs = 4, .sk = 2, .di = 6,
                                             .dout = 7};

struct gtfam {
    const struct gtfam_wiring *w;
    struct pci_bus *root[2];
    struct pci_bus *sec[GTFAM_NM_SLOTS];
    struct gt96k *gt;
    struct c2691_iofpga *fpga;   /* 2691, 3725 */
    struct c3745_iofpga *fpga45; /* 3745 */
    /* CPU line 6: GT-96100 Int1 and, on the 3745, OIR (§4.3) */
    pthread_mutex_t irq6_lock;
    int irq6[2];
    struct mid *m;
};

static struct gtfam *fam(struct mid *m)
{
    return m->chassis;
}

/* The two sources of CPU line 6, ORed. */
static void irq6_set(void *ctx, int src, int level)
{
    struct gtfam *f = ctx;
    pthread_mutex_lock(&f->irq6_lock);
    f->irq6[src] = level;
    int any = f->irq6[0] || f->irq6[1];
    pthread_mutex_unlock(&f->irq6_lock);
    mips_cpu_set_irq(&f->m->vm->cpu, MID_IRQ_6, any);
}

/* GT SerInt0 = the network line of slot 0, port 0 (§2.6). */
static void serint0_set(void *ctx, int line, int level)
{
    (void)line;
    gtfam_net_irq(ctx, 0, 0, level);
}

static int build_fpga(struct mid *m, struct gtfam *f, char *err,
                      size_t errlen)
{
    struct vm *vm = m->vm;
    int rc;
    if (f->w->fpga == GTFAM_FPGA_3745) {
        struct c3745_iofpga_config fc = {
            .lg = vm->log,
            .net_irq = mid_cpu_line(m, MID_IRQ_NETIO),
            .oir_irq = {.set = irq6_set, .ctx = f, .line = 1},
            .sys_eeprom = m->eeprom_chassis,
            .wic_images = m->wic_eeprom,
            .disk0_present = vm->cfg.disk0_mb > 0,
            .disk1_present = vm->cfg.disk1_mb > 0,
        };
        for (unsigned s = 1; s < GTFAM_NM_SLOTS; s++)
            fc.nm_eeprom[s] = m->eeprom_slot[s];
        rc = c3745_iofpga_create(&fc, &f->fpga45);
        if (rc < 0)
            return errf(err, errlen, rc, "cannot create the I/O FPGA");
        return physmap_add_device(&vm->pm, "iofpga", f->w->fpga_base,
                                  C3745_IOFPGA_SIZE,
                                  c3745_iofpga_device(f->fpga45), 0);
    }
    struct c2691_iofpga_config fc = {
        .model = f->w->fpga == GTFAM_FPGA_3725 ? C2691_IOFPGA_3725
                                               : C2691_IOFPGA_2691,
        .lg = vm->log,
        .net_irq = mid_cpu_line(m, MID_IRQ_NETIO),
        .mb_eeprom = m->eeprom_chassis,
        .wic_images = m->wic_eeprom,
        .disk0_present = vm->cfg.disk0_mb > 0,
        .disk1_present = vm->cfg.disk1_mb > 0,
    };
    for (unsigned s = 1; s < 3; s++)
        fc.nm_eeprom[s] = m->eeprom_slot[s];
    rc = c2691_iofpga_create(&fc, &f->fpga);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the I/O FPGA");
    return physmap_add_device(&vm->pm, "iofpga", f->w->fpga_base,
                              C2691_IOFPGA_SIZE, c2691_iofpga_device(f->fpga),
                              0);
}

int gtfam_create(struct mid *m, char *err, size_t errlen)
{
    const struct gtfam_wiring *w = m->plat->wiring;
    struct vm *vm = m->vm;
    struct gtfam *f = calloc(1, sizeof(*f));
    if (!f)
        return errf(err, errlen, -ENOMEM, "out of memory");
    m->chassis = f;
    f->w = w;
    f->m = m;
    pthread_mutex_init(&f->irq6_lock, NULL);

    /* §4.4: two PCI buses behind 0xCF8/0xCFC and 0xCF0/0xCF4 */
    int rc = pci_bus_create("pci0", 0, &vm->pm, vm->log, &f->root[0]);
    if (rc == 0)
        rc = pci_bus_create("pci1", 0, &vm->pm, vm->log, &f->root[1]);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the PCI buses");
    struct gt96k_config gc = {
        .lg = vm->log,
        .pm = &vm->pm,
        .bus0 = f->root[0],
        .bus1 = f->root[1],
        .int0 = mid_cpu_line(m, MID_IRQ_3),
        .int1 = {.set = irq6_set, .ctx = f, .line = 0},
        .serint0 = {.set = serint0_set, .ctx = m, .line = 0},
    };
    rc = gt96k_create(&gc, &f->gt);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the GT-96100");
    physmap_add_device(&vm->pm, "gt96100", w->gt_base, GT96K_WINDOW_SIZE,
                       gt96k_device(f->gt), 0);

    /* §4.5: the 3745's bays sit behind PCI2050B bridges, which exist
     * whether or not a module is there */
    unsigned nslots = m->model->nslots;
    for (unsigned s = 1; w->nm_bridges && s < nslots; s++) {
        static const char *const names[GTFAM_NM_SLOTS] = {"", "nm1", "nm2",
                                                          "nm3", "nm4"};
        const char *name = names[s];
        rc = pci_bus_create(name, -1, &vm->pm, vm->log, &f->sec[s]);
        if (rc == 0)
            rc = pci_bridge_chip_add(f->root[1], w->nm_dev[s],
                                     PCI_BRIDGE_TI2050B, f->sec[s], NULL);
        if (rc < 0)
            return errf(err, errlen, rc, "cannot create the slot %u bridge",
                        s);
    }

    /* §6.1 EEPROM sockets */
    if (w->fpga == GTFAM_FPGA_3745)
        rc = nmc93cx6_group_create(sys_wires, 3, &m->eeprom_chassis);
    else
        rc = nmc93cx6_group_create(&mb_wire, 1, &m->eeprom_chassis);
    for (unsigned s = 1; rc == 0 && s < nslots; s++)
        rc = nmc93cx6_group_create(&nm_wire, 1, &m->eeprom_slot[s]);
    if (rc < 0)
        return errf(err, errlen, rc, "cannot create the EEPROMs");
    rc = build_fpga(m, f, err, errlen);
    /* §4.10: the two CompactFlash cards */
    return rc < 0 ? rc : mid_storage_create_cf(m, err, errlen);
}

void gtfam_reset(struct mid *m)
{
    struct gtfam *f = fam(m);
    dev_reset(gt96k_device(f->gt));
    for (int i = 0; i < 2; i++)
        pci_bus_reset(f->root[i]);
    if (f->fpga)
        dev_reset(c2691_iofpga_device(f->fpga));
    if (f->fpga45)
        dev_reset(c3745_iofpga_device(f->fpga45));
    nmc93cx6_reset(m->eeprom_chassis);
    for (unsigned s = 0; s < MID_MAX_SLOTS; s++)
        if (m->eeprom_slot[s])
            nmc93cx6_reset(m->eeprom_slot[s]);
}

void gtfam_destroy(struct mid *m)
{
    struct gtfam *f = fam(m);
    if (!f)
        return;
    c2691_iofpga_destroy(f->fpga);
    c3745_iofpga_destroy(f->fpga45);
    gt96k_destroy(f->gt);
    for (int s = GTFAM_NM_SLOTS - 1; s >= 0; s--)
        pci_bus_destroy(f->sec[s]);
    for (int i = 1; i >= 0; i--)
        pci_bus_destroy(f->root[i]);
    pthread_mutex_destroy(&f->irq6_lock);
    free(f);
    m->chassis = NULL;
}

/* §4.5, §5.3 */
int gtfam_nm_place(struct mid *m, unsigned slot, unsigned devoff,
                   unsigned port, struct pci_bus **bus, unsigned *devno,
                   unsigned *irq_port)
{
    struct gtfam *f = fam(m);
    if (slot < 1 || slot >= m->model->nslots || slot >= GTFAM_NM_SLOTS)
        return -ENODEV;
    if (f->w->nm_bridges) {
        /* 3745: every port on device 0 and interrupt line (slot, 0),
         * §10 item 3 */
        *bus = f->sec[slot];
        *devno = 0;
        *irq_port = 0;
        return devoff ? -ENODEV : 0;
    }
    *bus = f->root[1];
    *devno = f->w->nm_dev[slot] + devoff;
    *irq_port = port;
    return 0;
}

void gtfam_net_irq(struct mid *m, unsigned slot, unsigned port, int level)
{
    struct gtfam *f = fam(m);
    if (!f)
        return;
    if (f->fpga)
        c2691_iofpga_set_net_irq(f->fpga, slot, port, level);
    else if (f->fpga45)
        c3745_iofpga_set_net_irq(f->fpga45, slot, port, level);
}

void gtfam_oir_event(struct mid *m, unsigned slot)
{
    struct gtfam *f = fam(m);
    if (f->fpga45)
        c3745_iofpga_oir_event(f->fpga45, slot);
}

struct gt96k *gtfam_gt(struct mid *m)
{
    struct gtfam *f = fam(m);
    return f ? f->gt : NULL;
}

struct pci_bus *gtfam_pci_root(struct mid *m, unsigned i)
{
    struct gtfam *f = fam(m);
    return f && i < 2 ? f->root[i] : NULL;
}

void gtfam_show(struct mid *m, FILE *out)
{
    struct gtfam *f = fam(m);
    fprintf(out, "Cisco %s: network interrupt status 0x%04x 0x%04x\n",
            m->model->name,
            f->fpga ? c2691_iofpga_net_status(f->fpga, 0)
                    : c3745_iofpga_net_status(f->fpga45, 0),
            f->fpga ? c2691_iofpga_net_status(f->fpga, 1)
                    : c3745_iofpga_net_status(f->fpga45, 1));
    fprintf(out, "  GT-96100:\n");
    gt96k_dump(f->gt, out);
}
