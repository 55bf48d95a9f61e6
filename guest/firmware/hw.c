/*
 * hw.c - what hardware this router has, found the way IOS finds it: the
 * NPE, PEM and midplane from their EEPROMs (c7200.md §6), the cards from
 * the bay EEPROMs, and their chips on the PCI bus of each bay (§10, §12).
 * On the 3600 family, 2691 and 37xx (c3600-c2691-c37xx.md): the chassis
 * EEPROM (MAC, board id; §3.8, §4.8, §9), network modules from the slot
 * EEPROMs (§5.2) and their chips on the PCI topology of §3.5 / §4.5;
 * slot 0 of the GT-96100 routers is the GT's own two FastEthernet ports
 * and three WIC sub-slots (§4.9, §5.7).
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
    [IFT_VLAN] = {"Vlan", "Vl", "Catalyst Vlans", 2},
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

/* Network modules and WICs (c3600-c2691-c37xx.md §5.1, §5.2, §7.2). */
static const struct card_entry mid_cards[] = {
    {{"NM-1E", "Ethernet network module, 1 port", 0x43, IFT_ETHERNET, 1,
      "AmdP2"}, 1},
    {{"NM-4E", "Ethernet network module, 4 ports", 0x42, IFT_ETHERNET, 4,
      "AmdP2"}, 1},
    {{"NM-1FE-TX", "FastEthernet network module, 1 port", 0x44,
      IFT_FASTETHERNET, 1, "AmdFE"}, 1},
    {{"NM-4T", "Serial network module, 4 ports", 0x54, IFT_SERIAL, 4,
      "Mueslix"}, 1},
    {{"NM-16ESW", "EtherSwitch network module, 16 ports", 0x02A9,
      IFT_FASTETHERNET, 16, "BCM5605"}, 4},
    {{"Leopard-2FE", "2 on-board FastEthernet ports", 0x00B3,
      IFT_FASTETHERNET, 2, "AmdFE"}, 4},
    {{"WIC-1T", "1 port serial WAN interface card", 0x02, IFT_SERIAL, 1,
      "MPSC"}, 1},
    {{"WIC-2T", "2 port serial WAN interface card", 0x12, IFT_SERIAL, 2,
      "MPSC"}, 1},
    {{"WIC-1ENET", "1 port Ethernet WAN interface card", 0x0039,
      IFT_ETHERNET, 1, "MPSC"}, 4},
};
static const struct card gt96100_fe = {
    "GT96100-FE", "2 on-board FastEthernet ports", -1, IFT_FASTETHERNET, 2,
    "Gt96k FE"};

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

/* 3600 family, 2691, 37xx: MAC and board id from the identity EEPROM. */
static void hw_identify_chassis(void)
{
    struct eeprom ee, ee2;
    hw.cpu = cpu_name(sysinfo.prid);
    hw.cpu_mhz = plat.cpu_mhz;
    plat_chassis_eeprom(&ee, &ee2);
    if (!ee.present)
        return;
    if (ee.data[0] == 0x00) {
        /* §3.8 format v0: MAC at bytes 2-7, board id at 16-19 */
        memcpy(hw.mac, &ee.data[2], 6);
        hw.board_id = (uint32_t)ee.data[16] << 24 | ee.data[17] << 16 |
                      ee.data[18] << 8 | ee.data[19];
        snprintf(hw.board_serial, sizeof(hw.board_serial), "%u",
                 hw.board_id);
        return;
    }
    size_t n;
    const uint8_t *p = eeprom_v4_field(&ee, 0xC3, &n); /* §7.2, §9 */
    if (p && n == 6)
        memcpy(hw.mac, p, 6);
    p = eeprom_v4_field(&ee, 0xC2, &n);
    if (p) {
        size_t k = 0;
        for (; k < n && k + 1 < sizeof(hw.board_serial); k++)
            hw.board_serial[k] = (char)p[k];
        hw.board_serial[k] = 0;
    }
}

void hw_identify_npe(void)
{
    struct eeprom ee;
    if (plat.fam != PF_C7200) {
        hw_identify_chassis();
        return;
    }
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

static const struct card *mid_card_lookup(const struct eeprom *ee)
{
    int t = eeprom_type(ee);
    for (size_t i = 0; i < ARRAY_SIZE(mid_cards); i++) {
        if (mid_cards[i].c.type_code == t && mid_cards[i].fmt == ee->data[0])
            return &mid_cards[i].c;
    }
    return NULL;
}

/* A slot's chip for port p: the function the topology gives that port
 * (Ethernet NMs: one chip per port), else the slot's first one. */
static struct pci_func *slot_func(int slot, int port)
{
    struct pci_func *first = NULL;
    for (int i = 0; i < pci_nfuncs; i++) {
        struct pci_func *f = &pci_funcs[i];
        if (f->bay != slot || (f->class_rev >> 16) == 0x0604)
            continue;
        if (f->bay_port == port)
            return f;
        if (!first)
            first = f;
    }
    return first;
}

/*
 * §4.9: the WICs of slot 0; IOS numbers their ports per interface type
 * in sub-slot order (Serial0/0, Serial0/1 ...), after the on-board
 * FastEthernet0/0 and 0/1.
 */
static void add_wics(void)
{
    int next[IFT_COUNT] = {0};
    next[IFT_FASTETHERNET] = 2;
    for (int w = 0; w < 3; w++) {
        struct eeprom *ee = &hw.wics[w].ee;
        plat_wic_eeprom(w, ee);
        const struct card *c = ee->present ? mid_card_lookup(ee) : NULL;
        hw.wics[w].card = c;
        if (!c)
            continue;
        for (int p = 0; p < c->nports; p++) {
            struct iface *i = iface_add(c->iftype, 0, next[c->iftype]++, c);
            size_t n;
            const uint8_t *mac = eeprom_v4_field(ee, 0xCF, &n);
            if (mac && n == 6)
                memcpy(i->mac, mac, 6); /* the WIC's own MAC (§5.2) */
            i->nic = mpsc_attach(i, w, p, c->iftype != IFT_SERIAL);
        }
    }
}

static void hw_discover_mid(void)
{
    pci_enumerate(plat.pci_roots == 2);
    for (int i = 0; i < pci_nfuncs; i++) {
        int port;
        pci_funcs[i].bay = plat_pci_slot(&pci_funcs[i], &port);
        pci_funcs[i].bay_port = port;
    }
    for (int s = 0; s < plat.nslots && s < 7; s++) {
        struct bay *bay = &hw.bays[s];
        if (s == 0 && plat.fam == PF_GT96K) {
            bay->card = &gt96100_fe;
            for (int p = 0; p < 2; p++) {
                struct iface *i = iface_add(IFT_FASTETHERNET, 0, p, bay->card);
                i->nic = gt96k_eth_attach(i, p);
            }
            add_wics();
            continue;
        }
        plat_slot_eeprom(s, &bay->ee);
        bay->card = bay->ee.present ? mid_card_lookup(&bay->ee) : NULL;
        const struct card *c = bay->card;
        if (!c)
            continue;
        if (c->type_code == 0x02A9) { /* NM-16ESW (§5.6) */
            struct pci_func *f = slot_func(s, 0);
            size_t n;
            const uint8_t *mac = eeprom_v4_field(&bay->ee, 0xCF, &n);
            if (f && f->vendor == 0x14E4 && f->device == 0x5605)
                bcm5605_attach(s, c, f, mac && n == 6 ? mac : NULL);
            continue;
        }
        for (int p = 0; p < c->nports; p++) {
            struct iface *i = iface_add(c->iftype, s, p, c);
            i->pci = slot_func(s, c->iftype == IFT_SERIAL ? 0 : p);
            drivers_attach(i, s, p);
        }
    }
}

void hw_discover(void)
{
    static const enum eeprom_port ports[7] = {
        EE_BAY0, EE_BAY1, EE_BAY2, EE_BAY3, EE_BAY4, EE_BAY5, EE_BAY6};

    if (plat.fam != PF_C7200) {
        hw_discover_mid();
        return;
    }
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
