/*
 * hw.c - what hardware this router has, found the way IOS finds it: the
 * NPE, PEM and midplane from their EEPROMs (c7200.md §6), the cards from
 * the bay EEPROMs, and their chips on the PCI bus of each bay (§10, §12).
 */
#include "fw.h"

#include "drivers.h"

struct hwinfo hw;

const struct if_type_info if_types[IFT_COUNT] = {
    [IFT_ETHERNET] = {"Ethernet", "Et", "IEEE 802.3", 0},
    [IFT_FASTETHERNET] = {"FastEthernet", "Fa", "FastEthernet IEEE 802.3",
                          0},
    [IFT_GIGABITETHERNET] = {"GigabitEthernet", "Gi",
                             "GigabitEthernet IEEE 802.3z", 0},
    [IFT_SERIAL] = {"Serial", "Se", "Serial", 0},
    [IFT_ATM] = {"ATM", "AT", "ATM interface", 0},
    [IFT_POS] = {"POS", "PO", "Packet over Sonet", 0},
    [IFT_BRI] = {"BRI", "BR", "ISDN Basic Rate Interface", 0},
    [IFT_LOOPBACK] = {"Loopback", "Lo", "Loopback interface", 1},
};

/* Cards by EEPROM type (c7200.md §6.5, §10). fmt: EEPROM format. */
struct card_entry {
    struct card c;
    int fmt;
};
static const struct card_entry cards[] = {
    {{"C7200-IO-FE", "I/O Controller with FastEthernet", 0x83,
      IFT_FASTETHERNET, 1, "DEC21140"}, 1},
    {{"C7200-IO-2FE", "I/O Controller with 2 FastEthernet", 0x0215,
      IFT_FASTETHERNET, 2, "i82543"}, 4},
    {{"C7200-IO-GE-E", "I/O Controller with GigabitEthernet", 0x0216,
      IFT_GIGABITETHERNET, 1, "i82543"}, 4},
    {{"PA-FE-TX", "FastEthernet (TX-ISL) Port adapter, 1 port", 0x11,
      IFT_FASTETHERNET, 1, "DEC21140"}, 1},
    {{"PA-2FE-TX", "FastEthernet Port adapter, 2 ports", 0x0224,
      IFT_FASTETHERNET, 2, "i82543"}, 4},
    {{"PA-GE", "GigabitEthernet Port adapter, 1 port", 0x98,
      IFT_GIGABITETHERNET, 1, "i82543"}, 1},
    {{"PA-4E", "Ethernet Port adapter, 4 ports", 0x02, IFT_ETHERNET, 4,
      "AmdP2"}, 1},
    {{"PA-8E", "Ethernet Port adapter, 8 ports", 0x01, IFT_ETHERNET, 8,
      "AmdP2"}, 1},
    {{"PA-4T+", "Enhanced Serial Port adapter, 4 ports", 0x0C, IFT_SERIAL,
      4, "Mueslix"}, 1},
    {{"PA-8T", "Serial Port adapter, 8 ports", 0x0E, IFT_SERIAL, 8,
      "Mueslix"}, 1},
    {{"PA-A1", "ATM Port adapter, 1 port", 0x17, IFT_ATM, 1, "TI1570"}, 1},
    {{"PA-POS-OC3", "Packet over Sonet Port adapter, 1 port", 0x96,
      IFT_POS, 1, "PLX9060"}, 1},
    {{"PA-4B", "ISDN BRI Port adapter, 4 ports", 0x3D, IFT_BRI, 4,
      "Munich32"}, 1},
    {{"PA-MC-8TE1", "Channelized T1/E1 Port adapter, 8 ports", 0x034E,
      IFT_SERIAL, 0, "PM7380"}, 4},
    {{"C7200-JC-PA", "Jacket card", 0x0511, IFT_SERIAL, 0, ""}, 4},
};

/* NPEs (c7200.md §2.1, §6.5); clock rates are the nominal public ones. */
struct npe_entry {
    const char *name;
    int type, fmt;
    unsigned mhz;
    int topo;          /* 0: GT-64010, 1: GT-64120, 2: NPE-300 */
};
static const struct npe_entry npes[] = {
    {"NPE-100", 0x35, 1, 150, 0},
    {"NPE-150", 0x15, 1, 150, 0},
    {"NPE-175", 0xC2, 1, 200, 1},  /* NPE-225 if the PEM says so */
    {"NPE-200", 0x69, 1, 200, 0},
    {"NPE-300", 0xAE, 1, 262, 2},
    {"NPE-400", 0x01F8, 4, 350, 1},
    {"NPE-G1", 0x035B, 4, 700, 1},
};
static int npe_topo;

static const char *cpu_name(uint32_t prid)
{
    switch ((prid >> 8) & 0xFF) {
    case 0x20: return "R4600";
    case 0x21: return "R4700";
    case 0x23: return "R5000";
    case 0x28: return "R527x";
    case 0x27: return "R7000";
    default: return "MIPS";
    }
}

void hw_identify_npe(void)
{
    struct eeprom ee;
    const struct npe_entry *n = &npes[5]; /* NPE-400 when unreadable */

    eeprom_read(EE_CPU, &ee);
    int t = eeprom_type(&ee);
    for (size_t i = 0; i < ARRAY_SIZE(npes); i++) {
        if (npes[i].type == t && npes[i].fmt == ee.data[0])
            n = &npes[i];
    }
    hw.npe = n->name;
    hw.cpu_mhz = n->mhz;
    npe_topo = n->topo;
    hw.npe_gt64120 = n->topo != 0;
    if (t == 0xC2) {
        /* NPE-175 and NPE-225 differ only by the PEM EEPROM (§6.5). */
        struct eeprom pem;
        eeprom_read(EE_PEM, &pem);
        if (eeprom_type(&pem) == 0xD5) {
            hw.npe = "NPE-225";
            hw.cpu_mhz = 262;
        }
    }
    hw.cpu = cpu_name(sysinfo.prid);

    struct eeprom mp;
    eeprom_read(EE_MIDPLANE, &mp);
    if (mp.present && mp.data[0] == 0x01) {
        hw.midplane_vxr = mp.data[2] >= 2;
        hw.midplane_rev[0] = mp.data[2];
        hw.midplane_rev[1] = mp.data[3];
        memcpy(hw.mac, &mp.data[0x0C], 6);
        hw.board_id = (uint32_t)mp.data[4] << 24 | mp.data[5] << 16 |
                      mp.data[6] << 8 | mp.data[7];
    }
}

static const struct card *card_lookup(const struct eeprom *ee)
{
    int t = eeprom_type(ee);
    for (size_t i = 0; i < ARRAY_SIZE(cards); i++) {
        if (cards[i].c.type_code == t && cards[i].fmt == ee->data[0])
            return &cards[i].c;
    }
    return NULL;
}

/* Which bay a PCI function sits in, from the topology of §12.2. */
static int pci_bay(const struct pci_func *f)
{
    static const int8_t b135[4] = {-1, 1, 3, 5}, b246[4] = {-1, 2, 4, 6};
    switch (npe_topo) {
    case 0: /* GT-64010: bay 0 is bus 0; bays behind 0:2 and 0:4 */
        if (f->depth == 0)
            return f->dev >= 6 ? 0 : -1;
        if (f->depth == 2 && f->path[1] >= 1 && f->path[1] <= 3) {
            if (f->path[0] == 2)
                return b135[f->path[1]];
            if (f->path[0] == 4)
                return b246[f->path[1]];
        }
        return -1;
    case 1: /* GT-64120: 0:1 bay 0; 0:7/8/9 bays 1/3/5 and 2/4/6 */
        if (f->depth != 1)
            return -1;
        if (f->root == 0 && f->path[0] == 1)
            return 0;
        if (f->path[0] >= 7 && f->path[0] <= 9)
            return (f->root ? b246 : b135)[f->path[0] - 6];
        return -1;
    default: /* NPE-300 */
        if (f->root == 0 && f->depth == 1 && f->path[0] == 1)
            return 0;
        if (f->depth == 2 && f->path[1] >= 1 && f->path[1] <= 3) {
            if (f->root == 0 && f->path[0] == 2)
                return b135[f->path[1]];
            if (f->root == 1 && f->path[0] == 1)
                return b246[f->path[1]];
        }
        return -1;
    }
}

/* The n-th non-bridge PCI function of a bay. */
static struct pci_func *bay_func(int bay, int n)
{
    for (int i = 0; i < pci_nfuncs; i++) {
        struct pci_func *f = &pci_funcs[i];
        if (f->bay == bay && (f->class_rev >> 16) != 0x0604 && n-- == 0)
            return f;
    }
    return NULL;
}

static struct pci_func *bay_func_dev(int bay, int dev)
{
    for (int i = 0; i < pci_nfuncs; i++) {
        struct pci_func *f = &pci_funcs[i];
        if (f->bay == bay && f->dev == dev && (f->class_rev >> 16) != 0x0604)
            return f;
    }
    return NULL;
}

static void add_card_ifaces(int bay, const struct card *c)
{
    if (c->type_code == 0x0216) {
        /* C7200-IO-GE-E: Gi0/0 on device 1, Ethernet0/0 on device 0. */
        struct iface *g = iface_add(IFT_GIGABITETHERNET, bay, 0, c);
        g->pci = bay_func_dev(bay, 1);
        drivers_attach(g, bay, 0);
        struct iface *e = iface_add(IFT_ETHERNET, bay, 0, c);
        e->pci = bay_func_dev(bay, 0);
        drivers_attach(e, bay, 0);
        return;
    }
    for (int p = 0; p < c->nports; p++) {
        struct iface *i = iface_add(c->iftype, bay, p, c);
        if (c->type_code == 0x0215 && bay == 0)
            i->pci = bay_func_dev(bay, p == 0 ? 1 : 0); /* §10 */
        else if (c->iftype == IFT_SERIAL)
            i->pci = bay_func(bay, p / 4);  /* one Mueslix per 4 ports */
        else
            i->pci = bay_func(bay, p);
        drivers_attach(i, bay, p);
    }
}

void hw_discover(void)
{
    static const enum eeprom_port ports[7] = {
        EE_BAY0, EE_BAY1, EE_BAY2, EE_BAY3, EE_BAY4, EE_BAY5, EE_BAY6};

    pci_enumerate(hw.npe_gt64120);
    for (int i = 0; i < pci_nfuncs; i++)
        pci_funcs[i].bay = pci_bay(&pci_funcs[i]);

    for (int b = 0; b < 7; b++) {
        struct bay *bay = &hw.bays[b];
        eeprom_read(ports[b], &bay->ee);
        bay->card = bay->ee.present ? card_lookup(&bay->ee) : NULL;
        if (bay->card)
            add_card_ifaces(b, bay->card);
    }
}
