/*
 * fw.h - the OpenDynamips router firmware for the emulated routers: shared
 * declarations of every module (see guest/firmware/README.md).
 *
 * The firmware is a single-threaded event loop. Interrupt handlers (timer,
 * console receive, network) only move data into queues and set flags; all
 * real work happens in the main loop, which sleeps in the idle routine
 * (WAIT) when nothing is pending.
 */
#ifndef FW_H
#define FW_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rt.h"

#define FW_VERSION "0.1.0"
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ sys.c */

/* ROM monitor services (c7200.md §17.2): syscall with the number in a0. */
int32_t emt(uint32_t n, uint32_t a1, uint32_t a2, uint32_t a3);
#define EMT_PUTC        0x01
#define EMT_MEMSIZE     0x04
#define EMT_PLATFORM    0x07
#define EMT_RELOAD      0x08
#define EMT_ROMVERSION  0x0A
#define EMT_NVRAMSIZE   0x18
#define EMT_IOMEMSIZE   0x1B
#define EMT_CONFREG     0x1C
#define EMT_EXCTABLE    0x2A
#define EMT_POWEROFF    0x2B

/* Boot information gathered from the ROM. */
struct sysinfo {
    uint32_t dram_bytes;   /* EMT 4 */
    uint32_t iomem_bytes;  /* EMT 0x1B */
    uint32_t nvram_bytes;  /* EMT 0x18 */
    uint32_t confreg;      /* EMT 0x1C */
    uint32_t platform;     /* EMT 7 */
    const char *romver;    /* EMT 0x0A */
    uint32_t prid;
    uint32_t count_hz;     /* CP0 Count rate (CPU clock / 2) */
    int arch_cpu;          /* architectural CPU model: WAIT sleeps, IP7
                              comes from Count = Compare (0: an emulator
                              with the reference's CPU shortcuts) */
};
extern struct sysinfo sysinfo;

void sys_init(void);                 /* vectors, ROM info, platform */
void net_gt_isr(void);               /* net.c: GT-96100 Interrupt0 */
void sys_timer_start(uint32_t cpu_hz);
void sys_irq_enable(void);
void sys_uptime(uint32_t *sec, uint32_t *ms);
uint32_t sys_ticks(void);            /* 4 ms ticks since boot */
#define TICK_MS 4
void sys_idle(void);                 /* sleep until an interrupt */
/* The next sys_idle wakes up by this tick at the latest (the earliest of
 * the calls before it); without a call it wakes at the next tick. */
void sys_wake_at(uint32_t tick);
void sys_reload(void) __attribute__((noreturn));
uint32_t irq_save(void);             /* IE off, returns previous Status */
void irq_restore(uint32_t sr);
void cpu_idle_wait(int use_wait);    /* idle.S: the idle PC (WAIT) */
void udelay_count(uint32_t counts);
/* Stopwatch in microseconds (Count, or ticks without an architectural
 * Count): start with sys_usec_start(), read with sys_usec_since(). */
uint32_t sys_usec_start(void);
uint32_t sys_usec_since(uint32_t start);

/* Work flags set by interrupt handlers, consumed by the main loop. */
extern volatile uint32_t sys_work;
#define WORK_NET  0x01

/* ------------------------------------------------------------ tty.c */

void tty_init(void);
void tty_rx_isr(void);               /* DUART interrupt: drain RHRA */
void tty_quiesce(void);              /* receive interrupt off (reload) */
int tty_getc(void);                  /* -1 if no character is waiting */
int tty_rx_pending(void);
void tty_putc(int c);                /* '\n' becomes "\r\n" */
void tty_write(const char *s);
void tty_writen(const char *s, size_t n);
int tty_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tty_vprintf(const char *fmt, va_list ap);
/* Line editor. Returns the length, or -1 on Ctrl-C, -2 on Ctrl-Z. With
 * help_cb set, '?' calls it with the text typed so far (then redraws). */
typedef void (*tty_help_fn)(const char *line, size_t len);
typedef size_t (*tty_complete_fn)(char *line, size_t len, size_t max);
int tty_readline(const char *prompt, char *buf, size_t size,
                 tty_help_fn help, tty_complete_fn complete, int history);
void tty_history_show(void);
int tty_readpass(const char *prompt, char *buf, size_t size); /* no echo */
int tty_getkey(void);
void tty_async_begin(void);          /* output while a line is edited */
void tty_async_end(void);                /* one key, waiting */
int tty_abort_requested(void);       /* Ctrl-^ / Ctrl-C seen (ping...) */

/* Background work run while waiting for input (network, timers). */
void fw_poll(void);

/* ------------------------------------------------------------ md5.c */

void md5_crypt(const char *pw, const char *salt, size_t saltlen, char *out);

/* --------------------------------------------------------- filter.c */

int filter_putc(int c);               /* 1: taken by an output filter */
void filter_start(int mode, const char *pat, size_t n); /* 1 incl 2 excl
                                                         3 begin 4 sect */
void filter_end(void);
int fw_regex_match(const char *re, const char *s);

/* ----------------------------------------------------------- util.c */

int fw_tolower(int c);
int fw_strcasecmp(const char *a, const char *b);
int fw_strncasecmp(const char *a, const char *b, size_t n);
char *fw_strchr(const char *s, int c);
size_t fw_strlcpy(char *dst, const char *src, size_t size);
int fw_isdigit(int c);
int fw_isspace(int c);
int parse_uint(const char *s, size_t n, uint32_t *out);   /* decimal */
int parse_ip(const char *s, size_t n, uint32_t *out);     /* dotted quad */
int ip_is_mask(uint32_t m);
int mask_len(uint32_t m);
char *ip_str(uint32_t ip, char *buf);                     /* 16 bytes */
void *fw_alloc(size_t n);                                 /* never freed */

/* Growable text buffer. */
struct sbuf {
    char *p;
    size_t len, cap;
};
void sb_init(struct sbuf *b, char *mem, size_t cap);
void sb_putc(struct sbuf *b, int c);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --------------------------------------------------------- eeprom.c */

#define EEPROM_BYTES 128
struct eeprom {
    uint8_t data[EEPROM_BYTES];
    int present;           /* word 0 is not 0xFFFF */
};
/* A 93C46 bit-banged through an FPGA register (c7200.md §6.1,
 * c3600-c2691-c37xx.md §6.1): register address (uncached), bit numbers,
 * bits every write keeps set, register width (8, 16 or 32). */
struct ee_wiring {
    uint32_t reg;
    uint8_t cs, sk, di, dout;
    uint32_t keep;
    uint8_t width;
};
void eeprom_read_wired(const struct ee_wiring *w, struct eeprom *ee);
enum eeprom_port {
    EE_CPU, EE_MIDPLANE, EE_PEM,
    EE_BAY0, EE_BAY1, EE_BAY2, EE_BAY3, EE_BAY4, EE_BAY5, EE_BAY6,
};
void eeprom_read(enum eeprom_port port, struct eeprom *ee);
/* Hardware type: v1 byte 1, v4 field 0x40 (product id). -1 if unknown. */
int eeprom_type(const struct eeprom *ee);
/* v4 field lookup: returns the data pointer and length, NULL if absent. */
const uint8_t *eeprom_v4_field(const struct eeprom *ee, uint8_t id,
                               size_t *len);

/* ----------------------------------------------------------- plat.c */

#define MMIO8(addr)  (*(volatile uint8_t *)(addr))
#define MMIO16(addr) (*(volatile uint16_t *)(addr))

enum plat_id { P_C7200, P_3620, P_3640, P_3660, P_2691, P_3725, P_3745 };
enum plat_family { PF_C7200, PF_C3600, PF_GT96K };
struct plat {
    enum plat_id id;
    enum plat_family fam;
    const char *model;     /* "7206", "3640", "3725" ... */
    unsigned cpu_mhz;      /* nominal (not the c7200: its NPE says) */
    uint32_t gt;           /* uncached address of the system controller */
    uint32_t fpga;         /* I/O FPGA (not the c7200) */
    uint32_t duart;        /* NS16552 console, 0: the c7200's SCN2681 */
    int gt_swap_all;       /* GT-64xxx: every access byte-reversed */
    int pci_roots;
    int nslots;
};
extern struct plat plat;
/* From the ROM's platform id (EMT 7); maps the devices above 512 MB. */
void plat_detect(uint32_t elf_id);
uint32_t plat_io(uint32_t pa);        /* uncached address of pa, 0: none */
/* Identity EEPROM(s): ee = the one holding MAC and board id; ee2 = the
 * 3745 motherboard (absent elsewhere). */
void plat_chassis_eeprom(struct eeprom *ee, struct eeprom *ee2);
void plat_slot_eeprom(int slot, struct eeprom *ee);
void plat_wic_eeprom(int wic, struct eeprom *ee);
struct pci_func;
int plat_pci_slot(const struct pci_func *f, int *port);
struct irq_bit {
    uint32_t reg;
    uint8_t width, bit, active_low;
};
int plat_net_irq_bit(int slot, int port, struct irq_bit *b);
uint32_t plat_irq_read(const struct irq_bit *b); /* 1 bits = pending */
uint32_t gt_read(uint32_t off);
void gt_write(uint32_t off, uint32_t v);

/* ------------------------------------------------------------ pci.c */

#define PCI_MAX_FUNCS 64
struct pci_func {
    uint8_t root;          /* 0: GT port 0xCF8, 1: port 0xCF0 */
    uint8_t bus, dev;
    uint8_t depth;         /* bridges crossed */
    uint8_t path[4];       /* device numbers of those bridges, then dev */
    uint16_t vendor, device;
    uint32_t class_rev;    /* register 0x08 */
    uint32_t bar;          /* memory window assigned (physical), 0 = none */
    int bay;               /* -1 unknown */
    int bay_port;          /* port of the bay it serves (3600/37xx) */
};
extern struct pci_func pci_funcs[PCI_MAX_FUNCS];
extern int pci_nfuncs;
void pci_enumerate(int two_roots);
uint32_t pci_cfg_read(int root, int bus, int dev, int reg);
void pci_cfg_write(int root, int bus, int dev, int reg, uint32_t v);
uint32_t pci_map_bar(struct pci_func *f, int reg); /* returns KSEG1 addr */
/* A window of `size` bytes (a power of two), aligned to its size. */
uint32_t pci_map_bar_size(struct pci_func *f, int reg, uint32_t size);

/* ------------------------------------------------------------- hw.c */

enum if_type {
    IFT_ETHERNET, IFT_FASTETHERNET, IFT_GIGABITETHERNET, IFT_SERIAL,
    IFT_ATM, IFT_POS, IFT_BRI, IFT_VLAN, IFT_LOOPBACK, IFT_COUNT
};
struct if_type_info {
    const char *name;      /* "FastEthernet" */
    const char *abbrev;    /* "Fa" */
    const char *help;
    int is_virtual;        /* named <type><n>; 1: created by "interface",
                              2: only where hardware made one (Vlan) */
};
extern const struct if_type_info if_types[IFT_COUNT];

struct card {
    const char *name;      /* "PA-4E" */
    const char *desc;      /* for show version / show diag */
    int type_code;         /* EEPROM type / product id */
    enum if_type iftype;
    int nports;
    const char *chip;      /* "DEC21140", "AmdP2", "Mueslix" */
};
struct bay {
    const struct card *card;
    struct eeprom ee;
};
struct hwinfo {
    const char *npe;       /* "NPE-400" */
    const char *cpu;       /* "RM7000" */
    unsigned cpu_mhz;
    int npe_gt64120;       /* two PCI roots */
    int midplane_vxr;
    uint8_t midplane_rev[2];
    uint8_t mac[6];        /* chassis base MAC */
    uint32_t board_id;     /* midplane serial */
    char board_serial[16]; /* processor board id (not the c7200) */
    struct bay bays[7];
    struct bay wics[3];    /* slot 0 WICs of the GT-96100 routers */
};
extern struct hwinfo hw;
void hw_identify_npe(void);  /* CPU, PEM and midplane EEPROMs */
void hw_discover(void);      /* bays, PCI, interfaces */

/* ---------------------------------------------------------- iface.c */

enum if_method { M_UNSET, M_NVRAM, M_MANUAL };
enum encap { ENC_NONE, ENC_ARPA, ENC_HDLC, ENC_PPP, ENC_FR };

struct fr_map {
    uint32_t ip;
    uint16_t dlci;
    uint8_t broadcast;
};

struct iface {
    struct iface *next;
    enum if_type type;
    int slot, port;        /* Loopback: port = number, slot = -1 */
    uint32_t sub;          /* subinterface number, 0 = main interface */
    struct iface *parent;  /* main interface of a subinterface */
    int p2p;               /* subinterface: point-to-point */
    uint16_t vlan;         /* Ethernet subinterface: 802.1Q VLAN */
    char name[32];         /* "FastEthernet0/0" */
    char sname[16];        /* "Fa0/0" */
    const struct card *card;
    struct pci_func *pci;
    struct nic *nic;
    int shutdown;
    enum if_method method;
    uint32_t ip, mask;
    char *desc;
    enum encap encap;
    uint32_t bandwidth;    /* kbit/s, 0 = default */
    uint32_t clock_rate;
    int keepalive;         /* seconds, 0 = off */
    int duplex;            /* 0 auto/default, 1 half, 2 full */
    int speed;             /* 0 auto, 10, 100 */
    int fr_lmi;            /* 0 cisco, 1 ansi, 2 q933a */
    int fr_lmi_set;
    uint16_t fr_dlci[16];
    int fr_ndlci;
    struct fr_map fr_maps[16];
    int fr_nmaps;
    uint8_t mac[6];
    struct ser *ser;       /* serial encapsulation state (serial.c) */
    int link_up;           /* carrier, as last logged */
    int line_up;           /* line protocol */
    uint32_t changed_ticks;
    /* counters */
    uint32_t in_pkts, in_bytes, out_pkts, out_bytes, in_drops, out_drops;
};
extern struct iface *ifaces;
struct iface *iface_add(enum if_type t, int slot, int port,
                        const struct card *c);
struct iface *iface_find(enum if_type t, int slot, int port);
struct iface *iface_find_sub(enum if_type t, int slot, int port,
                             uint32_t sub);
struct iface *iface_add_sub(struct iface *parent, uint32_t sub, int p2p);
struct iface *iface_phys(struct iface *i);  /* main interface */
struct iface *iface_by_name(const char *s);
int if_is_ethernet(const struct iface *i);
const char *if_status_str(const struct iface *i);
const char *if_proto_str(const struct iface *i);
void iface_set_shutdown(struct iface *i, int down, int quiet);
void iface_update_line(struct iface *i, int quiet);
void iface_delete(struct iface *i);        /* loopback or subinterface */

/* --------------------------------------------------------- config.c */

#define HOSTNAME_MAX 64
struct static_route {
    struct static_route *next;
    uint32_t prefix, mask;
    uint32_t gateway;          /* 0 = none */
    struct iface *oif;         /* NULL = none */
    uint8_t distance;          /* 1 default */
};
struct line_cfg {
    int exec_timeout_min, exec_timeout_sec, exec_timeout_set;
    int logging_sync;
    int privilege;             /* 0 = default */
    int login;                 /* -1 default, 0 no login, 1 login */
    char password[32];
};
struct config {
    char hostname[HOSTNAME_MAX];
    char enable_secret[40];     /* "$1$salt$hash" */
    char enable_password[32];
    char *banner_motd;          /* text between the delimiters, or NULL */
    int domain_lookup;          /* 1 default */
    int ip_routing;             /* 1 default */
    int ip_cef;
    struct static_route *routes;
    struct line_cfg con, aux, vty;
    char *service_lines[16];
    int nservice;
    int modified;               /* running differs from startup */
    int loading;                /* applying startup-config */
};
extern struct config cfg;
void config_init(void);
/* The running configuration as IOS writes it (from "!" to "end"). */
size_t config_render(char *buf, size_t size);
int route_add(uint32_t prefix, uint32_t mask, uint32_t gw, struct iface *oif,
              int distance);
int route_del(uint32_t prefix, uint32_t mask, uint32_t gw, struct iface *oif,
              int match_any);

/* ---------------------------------------------------------- nvram.c */

/* Reads startup-config; returns its length (0 if none), -1 on error
 * (message in err). *buf is allocated. */
int nvram_read_startup(char **buf, char *err, size_t errlen);
/* Writes startup-config (raw), keeping private-config. 0 or -1. */
int nvram_write_startup(const char *text, size_t len, char *err,
                        size_t errlen);
int nvram_erase(void);
uint32_t nvram_fs_size(void);

/* ------------------------------------------------------------ cli.c */

enum cli_mode {
    MODE_USER, MODE_EXEC, MODE_CONFIG, MODE_IF, MODE_LINE, MODE_COUNT
};
void cli_init(void);
void cli_run(void) __attribute__((noreturn));
/* Executes one line in the current mode (startup-config uses it). */
int cli_exec_line(const char *line, int quiet);
void cli_load_config(const char *text, size_t len);
extern enum cli_mode cli_mode;
extern struct iface *cli_if;        /* interface being configured */
extern struct line_cfg *cli_line;   /* line being configured */
extern const char *cli_line_name;
void cli_console_banner_wait(void);   /* waits for RETURN */
/* The next raw line of the current input (startup text or console) for
 * multi-line commands; -1 when there is none. */
int cli_more_line(char *buf, size_t size);

/* ----------------------------------------------------------- show.c */

void show_version(void);
void show_banner(void);
void show_hardware(int boot);
void show_ip_int_brief(void);
void show_interfaces(struct iface *only);
void show_ip_route(void);
void show_arp(void);
void show_pci(void);

/* ------------------------------------------------------------ log.c */

/* IOS-style console log message: "*Mar  1 00:00:05.123: %FAC-SEV-MNEM: ..." */
void fw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* FW_H */
