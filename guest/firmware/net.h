/*
 * net.h - network interface drivers and the packet layer.
 *
 * A driver instance (struct nic) belongs to one interface. Its interrupt
 * is a (bay, port) bit of the midplane FPGA aggregation (c7200.md §4.2);
 * the handler only acknowledges the chip and sets sys_work, the main loop
 * then calls poll() to move frames.
 */
#ifndef FW_NET_H
#define FW_NET_H

#include <stddef.h>
#include <stdint.h>

struct nic;
struct iface;

struct nic_ops {
    int (*start)(struct nic *n);     /* interface enabled */
    void (*stop)(struct nic *n);     /* interface shut down */
    void (*isr)(struct nic *n);      /* interrupt context */
    void (*poll)(struct nic *n);     /* main loop: receive, reclaim */
    int (*tx)(struct nic *n, const uint8_t *frame, size_t len);
    int (*link)(struct nic *n);      /* carrier / link status */
};

struct nic {
    const struct nic_ops *ops;
    struct iface *ifp;
    uint32_t regs;                   /* KSEG1 address of the registers */
    int running;
    void *priv;
};

void net_irq_register(int bay, int port, struct nic *n);
void net_isr(void);
void net_gt_register(struct nic *n);  /* GT-96100 Ethernet (line 3) */
void net_gt_isr(void);
void net_poll(void);
void net_shutdown(void);

#endif
