/*
 * net.c - network interrupt aggregation (c7200.md §4.2) and the poll loop
 * over the interfaces' drivers.
 *
 * 3600 family and GT-96100 routers: the I/O FPGA's status registers
 * have one bit per (slot, port) and no mask (c3600-c2691-c37xx.md §2.6,
 * §3.6, §3.7, §4.6, §4.7); each registered source is looked at in its
 * register. The GT-96100's own Ethernet ports interrupt on line 3
 * (Interrupt0, §4.3) instead.
 */
#include "fw.h"

#include "c7200.h"
#include "net.h"

#define MPFPGA_REG(off) MMIO32(C7200_MPFPGA_BASE + (off))

/* Status / mask registers of the two groups, §4.2. */
static const uint16_t grp_status[2] = {0x10, 0x18};
static const uint16_t grp_mask[2] = {0x20, 0x28};
static uint32_t mask_shadow[2];
static struct nic *irq_nic[2][32];

/* Bay -> (group, first bit), §4.2. */
static void bay_bits(int bay, int *grp, int *base)
{
    static const int8_t g[7] = {0, 0, 1, 0, 0, 1, 1};
    static const int8_t b[7] = {0, 8, 8, 24, 16, 24, 16};
    *grp = g[bay];
    *base = b[bay];
}

/* Sources of the I/O FPGA status registers (not the c7200). */
#define MAX_SRC 32
static struct {
    struct irq_bit b;
    struct nic *n;
} srcs[MAX_SRC];
static int nsrcs;
static struct nic *gt_nics[4];

void net_gt_register(struct nic *n)
{
    for (size_t i = 0; i < ARRAY_SIZE(gt_nics); i++)
        if (!gt_nics[i]) {
            gt_nics[i] = n;
            return;
        }
}

/* Interrupt context: GT-96100 Interrupt0 (its Ethernet ports). */
void net_gt_isr(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(gt_nics); i++)
        if (gt_nics[i] && gt_nics[i]->ops->isr)
            gt_nics[i]->ops->isr(gt_nics[i]);
    sys_work |= WORK_NET;
}

static void net_isr_mid(void)
{
    for (int i = 0; i < nsrcs; i++) {
        if ((plat_irq_read(&srcs[i].b) >> srcs[i].b.bit) & 1) {
            struct nic *n = srcs[i].n;
            if (n->ops->isr)
                n->ops->isr(n);
        }
    }
    sys_work |= WORK_NET;
}

void net_irq_register(int bay, int port, struct nic *n)
{
    int grp, base;
    if (plat.fam != PF_C7200) {
        struct irq_bit b;
        if (nsrcs < MAX_SRC && plat_net_irq_bit(bay, port, &b) == 0) {
            uint32_t sr = irq_save();
            srcs[nsrcs].b = b;
            srcs[nsrcs].n = n;
            nsrcs++;
            irq_restore(sr);
        }
        return;
    }
    if (bay < 0 || bay > 6 || port < 0 || port > 7)
        return;
    bay_bits(bay, &grp, &base);
    uint32_t sr = irq_save();
    irq_nic[grp][base + port] = n;
    mask_shadow[grp] |= 1u << (base + port);
    MPFPGA_REG(grp_mask[grp]) = mask_shadow[grp];
    irq_restore(sr);
}

/* Interrupt context. */
void net_isr(void)
{
    if (plat.fam != PF_C7200) {
        net_isr_mid();
        return;
    }
    for (int g = 0; g < 2; g++) {
        uint32_t st = MPFPGA_REG(grp_status[g]) & mask_shadow[g];
        while (st) {
            int bit = 0;
            while (!(st & (1u << bit)))
                bit++;
            st &= ~(1u << bit);
            struct nic *n = irq_nic[g][bit];
            if (n && n->ops->isr) {
                n->ops->isr(n);
            } else {
                /* Nobody owns it: mask it so it cannot storm. */
                mask_shadow[g] &= ~(1u << bit);
                MPFPGA_REG(grp_mask[g]) = mask_shadow[g];
            }
        }
    }
    sys_work |= WORK_NET;
}

void net_poll(void)
{
    uint32_t sr = irq_save();
    sys_work &= ~WORK_NET;
    irq_restore(sr);
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->nic && i->nic->running && i->nic->ops->poll)
            i->nic->ops->poll(i->nic);
    }
}

void net_shutdown(void)
{
    for (struct iface *i = ifaces; i; i = i->next) {
        if (i->nic && i->nic->running && i->nic->ops->stop) {
            i->nic->ops->stop(i->nic);
            i->nic->running = 0;
        }
    }
    if (plat.fam != PF_C7200)
        return;
    mask_shadow[0] = mask_shadow[1] = 0;
    MPFPGA_REG(0x20) = 0;
    MPFPGA_REG(0x28) = 0;
}
