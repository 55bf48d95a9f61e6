/*
 * net.c - network interrupt aggregation (c7200.md §4.2) and the poll loop
 * over the interfaces' drivers.
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

void net_irq_register(int bay, int port, struct nic *n)
{
    int grp, base;
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
    mask_shadow[0] = mask_shadow[1] = 0;
    MPFPGA_REG(0x20) = 0;
    MPFPGA_REG(0x28) = 0;
}
