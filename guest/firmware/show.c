/*
 * show.c - show version, show ip interface brief, show interfaces.
 */
#include "fw.h"

#include "serial.h"

static void uptime_str(char *buf, size_t n)
{
    uint32_t sec, ms;
    sys_uptime(&sec, &ms);
    uint32_t m = sec / 60;
    uint32_t w = m / (7 * 24 * 60), d = m / (24 * 60) % 7, h = m / 60 % 24;
    struct sbuf b;
    sb_init(&b, buf, n);
    if (w)
        sb_printf(&b, "%u week%s, ", w, w == 1 ? "" : "s");
    if (w || d)
        sb_printf(&b, "%u day%s, ", d, d == 1 ? "" : "s");
    if (w || d || h)
        sb_printf(&b, "%u hour%s, ", h, h == 1 ? "" : "s");
    sb_printf(&b, "%u minute%s", m % 60, m % 60 == 1 ? "" : "s");
}

/* First non-empty line of a text. */
static void first_line(const char *s, char *out, size_t n)
{
    while (*s == '\n' || *s == '\r' || *s == ' ')
        s++;
    size_t k = 0;
    while (s[k] && s[k] != '\n' && k + 1 < n) {
        out[k] = s[k];
        k++;
    }
    out[k] = 0;
}

/* "7200", "3600", "2691", "3700": the software family IOS names. */
static const char *sw_family(void)
{
    switch (plat.id) {
    case P_C7200: return "7200";
    case P_3620:
    case P_3640:
    case P_3660: return "3600";
    case P_2691: return "2691";
    default: return "3700";
    }
}

void show_banner(void)
{
    tty_printf("OpenDynamips Router Firmware, %s Software (C%s-OPENFW-M),"
               " Version %s\n", sw_family(),
               plat.fam == PF_C7200 ? "7200" : plat.model, FW_VERSION);
    tty_write("Copyright (c) the OpenDynamips project. Free software.\n\n");
}

/* A bay or WIC sub-slot, named "<label> <n>": its card, or the type of an
 * EEPROM no card of ours matches. */
static void show_bay(const char *label, int n, const struct bay *b)
{
    if (b->card)
        tty_printf("%s %d: %s (%s)\n", label, n, b->card->name,
                   b->card->desc);
    else if (b->ee.present)
        tty_printf("%s %d: unknown card (EEPROM type 0x%x)\n", label, n,
                   eeprom_type(&b->ee));
}

/* The bays, then the WICs of slot 0 (only the GT-96100 routers find any). */
static void show_slots(void)
{
    for (int b = 0; b < 7; b++)
        show_bay("Slot", b, &hw.bays[b]);
    for (int w = 0; w < 3; w++)
        show_bay("Slot 0 WIC", w, &hw.wics[w]);
}

/* Interfaces per type (with_subs: sub-interfaces counted too, as the c7200
 * shows them), then the NVRAM size. */
static void show_interface_counts(int with_subs)
{
    for (int t = 0; t < IFT_COUNT; t++) {
        if (if_types[t].is_virtual)
            continue;
        int n = 0;
        for (struct iface *i = ifaces; i; i = i->next)
            n += i->type == (enum if_type)t && (with_subs || !i->sub);
        if (n)
            tty_printf("%d %s interface%s\n", n, if_types[t].name,
                       n == 1 ? "" : "s");
    }
    tty_printf("%uK bytes of NVRAM.\n\n", nvram_fs_size() / 1024);
}

void show_hardware(int boot)
{
    char npe[16];
    size_t k = 0;

    if (plat.fam != PF_C7200) {
        tty_printf("Cisco %s (%s) processor with %uK bytes of memory.\n",
                   plat.model, hw.cpu, sysinfo.dram_bytes / 1024);
        tty_printf("Processor board ID %s\n", hw.board_serial);
        tty_printf("%s CPU at %uMHz, Implementation %u, Rev %u.%u\n", hw.cpu,
                   hw.cpu_mhz, (sysinfo.prid >> 8) & 0xFF,
                   (sysinfo.prid >> 4) & 0xF, sysinfo.prid & 0xF);
        if (!boot)
            tty_write("\nLast reset from power-on\n");
        tty_putc('\n');
        show_slots();
        tty_putc('\n');
        show_interface_counts(0);
        return;
    }

    for (const char *p = hw.npe; *p && k + 1 < sizeof(npe); p++)
        if (*p != '-')
            npe[k++] = *p;
    npe[k] = 0;
    tty_printf("cisco %s (%s) processor (revision A) with ",
               hw.midplane_vxr ? "7206VXR" : "7206", npe);
    if (sysinfo.iomem_bytes)
        tty_printf("%uK/%uK bytes of memory.\n", sysinfo.dram_bytes / 1024,
                   sysinfo.iomem_bytes / 1024);
    else
        tty_printf("%uK bytes of memory.\n", sysinfo.dram_bytes / 1024);
    tty_printf("Processor board ID %u\n", hw.board_id);
    tty_printf("%s CPU at %uMHz, Implementation %u, Rev %u.%u\n", hw.cpu,
               hw.cpu_mhz, (sysinfo.prid >> 8) & 0xFF,
               (sysinfo.prid >> 4) & 0xF, sysinfo.prid & 0xF);
    tty_printf("6 slot %smidplane, Version %u.%u\n",
               hw.midplane_vxr ? "VXR " : "", hw.midplane_rev[0],
               hw.midplane_rev[1]);
    if (!boot)
        tty_write("\nLast reset from power-on\n");
    tty_putc('\n');

    show_slots();
    tty_putc('\n');
    show_interface_counts(1);
}

void show_version(void)
{
    char up[80], rom[80];

    show_banner();
    first_line(sysinfo.romver ? sysinfo.romver : "", rom, sizeof(rom));
    tty_printf("ROM: %s\n\n", rom);
    uptime_str(up, sizeof(up));
    tty_printf("%s uptime is %s\n", cfg.hostname, up);
    tty_write("System returned to ROM by power-on\n\n");
    show_hardware(0);
    tty_printf("Configuration register is 0x%x\n\n", sysinfo.confreg);
}

static const char *method_str(enum if_method m)
{
    return m == M_NVRAM ? "NVRAM" : m == M_MANUAL ? "manual" : "unset";
}

void show_ip_int_brief(void)
{
    char a[16];
    tty_printf("%-26s %-15s %-3s %-6s %-21s %s\n", "Interface", "IP-Address",
               "OK?", "Method", "Status", "Protocol");
    for (struct iface *i = ifaces; i; i = i->next) {
        tty_printf("%-26s %-15s YES %-6s %-21s %s\n", i->name,
                   i->ip ? ip_str(i->ip, a) : "unassigned",
                   method_str(i->method), if_status_str(i), if_proto_str(i));
    }
}

static void hw_desc(const struct iface *i, char *buf, size_t n)
{
    if (i->type == IFT_LOOPBACK) {
        snprintf(buf, n, "Loopback");
    } else if (i->type == IFT_VLAN) {
        snprintf(buf, n, "EtherSVI");
    } else if (i->card && strcmp(i->card->chip, "MPSC") == 0) {
        snprintf(buf, n, "GT96K %s", if_types[i->type].name); /* WICs */
    } else if (i->type == IFT_SERIAL && i->card) {
        snprintf(buf, n, "M%dT", i->card->nports);
    } else if (i->card) {
        snprintf(buf, n, "%s", i->card->chip);
    } else {
        snprintf(buf, n, "unknown");
    }
}

static void bw_dly(const struct iface *i, uint32_t *bw, uint32_t *dly)
{
    switch (i->type) {
    case IFT_ETHERNET: *bw = 10000; *dly = 1000; break;
    case IFT_FASTETHERNET: case IFT_VLAN: *bw = 100000; *dly = 100; break;
    case IFT_GIGABITETHERNET: *bw = 1000000; *dly = 10; break;
    case IFT_LOOPBACK: *bw = 8000000; *dly = 5000; break;
    case IFT_ATM: case IFT_POS: *bw = 155000; *dly = 80; break;
    default: *bw = 1544; *dly = 20000; break;
    }
    if (i->bandwidth)
        *bw = i->bandwidth;
}

static void show_one(const struct iface *i)
{
    char hwd[24], a[16];
    uint32_t bw, dly;
    tty_printf("%s is %s, line protocol is %s \n", i->name, if_status_str(i),
               if_proto_str(i));
    hw_desc(i, hwd, sizeof(hwd));
    if (if_is_ethernet(i))
        tty_printf("  Hardware is %s, address is %02x%02x.%02x%02x.%02x%02x "
                   "(bia %02x%02x.%02x%02x.%02x%02x)\n", hwd, i->mac[0],
                   i->mac[1], i->mac[2], i->mac[3], i->mac[4], i->mac[5],
                   i->mac[0], i->mac[1], i->mac[2], i->mac[3], i->mac[4],
                   i->mac[5]);
    else
        tty_printf("  Hardware is %s\n", hwd);
    if (i->desc)
        tty_printf("  Description: %s\n", i->desc);
    if (i->ip)
        tty_printf("  Internet address is %s/%d\n", ip_str(i->ip, a),
                   mask_len(i->mask));
    bw_dly(i, &bw, &dly);
    tty_printf("  MTU %u bytes, BW %u Kbit, DLY %u usec, \n"
               "     reliability 255/255, txload 1/255, rxload 1/255\n",
               i->type == IFT_LOOPBACK ? 1514 : 1500, bw, dly);
    enum encap e = i->parent && i->type == IFT_SERIAL ? i->parent->encap
                                                     : i->encap;
    const char *enc = i->type == IFT_LOOPBACK ? "LOOPBACK"
                      : e == ENC_PPP          ? "PPP"
                      : e == ENC_FR           ? "FRAME-RELAY"
                      : e == ENC_HDLC         ? "HDLC"
                                              : "ARPA";
    if (i->vlan)
        tty_printf("  Encapsulation 802.1Q Virtual LAN, Vlan ID  %u.\n",
                   i->vlan);
    else
        tty_printf("  Encapsulation %s, loopback not set\n", enc);
    if (i->type == IFT_SERIAL)
        serial_show_iface((struct iface *)i);
    if (i->type != IFT_LOOPBACK && !i->parent) {
        if (i->keepalive)
            tty_printf("  Keepalive set (%d sec)\n", i->keepalive);
        else
            tty_write("  Keepalive not set\n");
    }
    if (i->type == IFT_FASTETHERNET)
        tty_printf("  %s-duplex, %sMb/s, 100BaseTX/FX\n",
                   i->duplex == 2 ? "Full" : "Half",
                   i->speed == 10 ? "10" : "100");
    if (if_is_ethernet(i))
        tty_write("  ARP type: ARPA, ARP Timeout 04:00:00\n");
    tty_write("  Queueing strategy: fifo\n"
              "  Output queue: 0/40 (size/max)\n");
    tty_printf("     %u packets input, %u bytes\n", i->in_pkts, i->in_bytes);
    tty_printf("     %u packets output, %u bytes, %u output drops\n",
               i->out_pkts, i->out_bytes, i->out_drops);
}

void show_interfaces(struct iface *only)
{
    for (struct iface *i = ifaces; i; i = i->next)
        if (!only || only == i)
            show_one(i);
}

/* PCI functions found at boot and the bay each belongs to. */
void show_pci(void)
{
    tty_write("Root Bus Dev  Vendor:Device  Class     Bay  BAR\n");
    for (int k = 0; k < pci_nfuncs; k++) {
        const struct pci_func *f = &pci_funcs[k];
        char bay[8], bar[16];
        if (f->bay >= 0)
            snprintf(bay, sizeof(bay), "%d", f->bay);
        else
            snprintf(bay, sizeof(bay), "-");
        if (f->bar)
            snprintf(bar, sizeof(bar), "0x%08x", f->bar);
        else
            snprintf(bar, sizeof(bar), "-");
        tty_printf("%-4s %3u %3u  %04x:%04x      %08x  %-4s %s\n",
                   f->root ? "MB2" : "MB0", f->bus, f->dev, f->vendor,
                   f->device, f->class_rev, bay, bar);
    }
}
