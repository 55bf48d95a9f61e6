/*
 * drivers.h - attaching chip drivers to interfaces.
 */
#ifndef FW_DRIVERS_H
#define FW_DRIVERS_H

struct iface;

/* Called once per interface found; attaches a driver if the card's chip
 * has one (iface->nic stays NULL otherwise). */
void drivers_attach(struct iface *i, int bay, int port);

struct nic;
struct pci_func;
struct nic *dec21140_attach(struct iface *ifp, struct pci_func *f, int bay,
                            int irq_port);

struct nic *am79c971_attach(struct iface *ifp, struct pci_func *f, int bay,
                            int irq_port);

struct nic *mueslix_attach(struct iface *ifp, struct pci_func *f, int bay,
                           int port);

struct nic *i82543_attach(struct iface *ifp, struct pci_func *f, int bay,
                          int irq_port);

#endif
