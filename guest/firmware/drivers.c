/*
 * drivers.c - which chip driver serves which interface.
 */
#include "fw.h"

#include "drivers.h"
#include "net.h"

void drivers_attach(struct iface *i, int bay, int port)
{
    (void)port;
    if (!i->card || !i->pci)
        return;
    if (strcmp(i->card->chip, "DEC21140") == 0 && i->pci->vendor == 0x1011 &&
        i->pci->device == 0x0009)
        i->nic = dec21140_attach(i, i->pci, bay, 0);
    else if ((strcmp(i->card->chip, "AmdP2") == 0 ||
              strcmp(i->card->chip, "AmdFE") == 0) &&
             i->pci->vendor == 0x1022 && i->pci->device == 0x2000)
        i->nic = am79c971_attach(i, i->pci, bay, port); /* one per port */
    else if (strcmp(i->card->chip, "Mueslix") == 0 &&
             i->pci->vendor == 0x1137 && i->pci->device == 0x0001)
        i->nic = mueslix_attach(i, i->pci, bay, port);
    else if (strcmp(i->card->chip, "i82543") == 0 &&
             i->pci->vendor == 0x8086 && i->pci->device == 0x1001)
        /* one chip per port; its interrupt bit is its device number */
        i->nic = i82543_attach(i, i->pci, bay, i->pci->dev);
}
