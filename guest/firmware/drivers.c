/*
 * drivers.c - which chip driver serves which interface.
 */
#include "fw.h"

#include "drivers.h"
#include "net.h"

void drivers_attach(struct iface *i, int bay, int port)
{
    (void)bay;
    (void)port;
    if (!i->card || !i->pci)
        return;
    /* Chip drivers are added here as they are written. */
}
