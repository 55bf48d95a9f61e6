/*
 * cmds.c - the commands of every mode (node trees for cli.c) and their
 * handlers.
 */
#include "cli.h"
#include "ip.h"
#include "serial.h"

enum {
    ID_NONE,
    ID_IFTYPE, ID_IFNUM, ID_IFNUM2,
    ID_ADDR, ID_MASK, ID_GW, ID_DIST, ID_WORD, ID_TEXT,
    ID_N1, ID_N2,
    ID_HDLC, ID_PPP, ID_FR,
    ID_ANSI, ID_CISCO, ID_Q933A,
    ID_BCAST,
    ID_HALF, ID_FULL, ID_AUTO, ID_S10, ID_S100,
    ID_CON, ID_AUX, ID_VTY,
    ID_REPEAT, ID_SIZE, ID_TIMEOUT, ID_SOURCE,
    ID_STARTUP, ID_NVRAM,
    ID_P2P, ID_MULTIPOINT, ID_DOT1Q,
};

#define KW(w, h, sub, fn, fl, id) {N_KW, w, h, sub, fn, fl, id, 0, 0}
#define PARAM(t, w, h, sub, fn, fl, id, lo, hi) \
    {N_##t, w, h, sub, fn, fl, id, lo, hi}
#define END {N_END, NULL, NULL, NULL, NULL, 0, 0, 0, 0}

/* Error messages of handlers are not printed while loading startup. */
static void cerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void cerr(const char *fmt, ...)
{
    va_list ap;
    if (cli_quiet)
        return;
    va_start(ap, fmt);
    tty_vprintf(fmt, ap);
    va_end(ap);
}

const struct arg *arg_id(const struct cctx *c, unsigned id)
{
    for (int i = 0; i < c->nargs; i++)
        if (c->args[i].node->id == id)
            return &c->args[i];
    return NULL;
}

static int has(const struct cctx *c, unsigned id)
{
    return arg_id(c, id) != NULL;
}

struct iface *arg_iface(const struct arg *a, int create)
{
    if (!a)
        return NULL;
    enum if_type t = (enum if_type)a->node->lo;
    if (if_types[t].is_virtual) {
        struct iface *i = iface_find(t, -1, (int)a->v);
        if (!i && create)
            i = iface_add(t, -1, (int)a->v, NULL);
        return i;
    }
    int slot = (int)(a->v >> 16), port = (int)(a->v & 0xFFFF);
    if (!a->v2)
        return iface_find(t, slot, port);
    struct iface *i = iface_find_sub(t, slot, port, a->v2);
    if (!i && create) {
        struct iface *parent = iface_find(t, slot, port);
        if (parent)
            i = iface_add_sub(parent, a->v2, 0);
    }
    return i;
}

static void modified(void)
{
    if (!cfg.loading)
        cfg.modified = 1;
}

/* ----------------------------------------------- interface-name subtrees */

enum { IFT_USE_INTERFACE, IFT_USE_SHOW, IFT_USE_ROUTE, IFT_USE_COUNT };
static int h_interface(struct cctx *c);
static const struct node if_subtype_nodes[] = {
    KW("multipoint", "Treat as a multipoint link", NULL, h_interface, 0,
       ID_MULTIPOINT),
    KW("point-to-point", "Treat as a point-to-point link", NULL, h_interface,
       0, ID_P2P),
    END};
static struct node if_kw[IFT_USE_COUNT][IFT_COUNT + 1];
static struct node if_num[IFT_USE_COUNT][IFT_COUNT][2]; /* + N_END */
static char if_num_help[IFT_COUNT][40];

static void build_if_tree(int use, cmd_fn fn, const struct node *cont,
                          uint16_t numflags)
{
    int n = 0;
    for (int t = 0; t < IFT_COUNT; t++) {
        int present = if_types[t].is_virtual == 1;
        for (struct iface *i = ifaces; i && !present; i = i->next)
            present = i->type == (enum if_type)t;
        if (!present)
            continue;
        snprintf(if_num_help[t], sizeof(if_num_help[t]),
                 "%s interface number", if_types[t].name);
        if_num[use][n][0] = (struct node){N_IFNUM, "", if_num_help[t], cont,
                                          fn, numflags, ID_IFNUM,
                                          (uint32_t)t, 0};
        if_num[use][n][1].type = N_END;
        if_kw[use][n] = (struct node){N_KW, if_types[t].name,
                                      if_types[t].help, if_num[use][n],
                                      NULL, F_IFTYPE, ID_IFTYPE, 0, 0};
        n++;
    }
    if_kw[use][n].type = N_END;
}

/* ================================================================ exec */

/* Checks a typed password against the enable secret or password. */
static int enable_ok(const char *pw)
{
    if (cfg.enable_secret[0]) {
        char out[48];
        const char *salt = cfg.enable_secret + 3;
        const char *end = fw_strchr(salt, '$');
        if (strncmp(cfg.enable_secret, "$1$", 3) != 0 || !end)
            return 0;
        md5_crypt(pw, salt, (size_t)(end - salt), out);
        return strcmp(out, cfg.enable_secret) == 0;
    }
    return strcmp(pw, cfg.enable_password) == 0;
}

static int h_enable(struct cctx *c)
{
    char pw[64];
    (void)c;
    if (cli_mode == MODE_USER &&
        (cfg.enable_secret[0] || cfg.enable_password[0])) {
        int k;
        for (k = 0; k < 3; k++) {
            if (tty_readpass("Password: ", pw, sizeof(pw)) < 0)
                return 0;
            if (enable_ok(pw))
                break;
        }
        if (k == 3) {
            tty_write("% Bad secrets\n\n");
            return -1;
        }
    }
    cli_set_mode(MODE_EXEC);
    return 0;
}

static int h_disable(struct cctx *c)
{
    (void)c;
    cli_set_mode(MODE_USER);
    return 0;
}

static int h_exit_exec(struct cctx *c)
{
    (void)c;
    cli_set_mode(MODE_USER);
    tty_printf("\n\n\n%s con0 is now available\n\n\n\n\n\n"
               "Press RETURN to get started.\n\n\n", cfg.hostname);
    cli_console_banner_wait();
    return 0;
}

static int h_conf_t(struct cctx *c)
{
    (void)c;
    tty_write("Enter configuration commands, one per line.  "
              "End with CNTL/Z.\n");
    cli_set_mode(MODE_CONFIG);
    return 0;
}

static int h_configure(struct cctx *c)
{
    char buf[32];
    int n = tty_readline("Configuring from terminal, memory, or network "
                         "[terminal]? ", buf, sizeof(buf), NULL, NULL, 0);
    if (n < 0)
        return 0;
    if (n == 0 || fw_strncasecmp(buf, "terminal", (size_t)n) == 0)
        return h_conf_t(c);
    tty_write("?Must be \"terminal\"\n");
    return -1;
}

static char cfgbuf[65536];

static size_t render_running(void)
{
    return config_render(cfgbuf, sizeof(cfgbuf));
}

static int h_show_run(struct cctx *c)
{
    (void)c;
    size_t n = render_running();
    tty_printf("Building configuration...\n\nCurrent configuration : %u "
               "bytes\n", (unsigned)n);
    tty_writen(cfgbuf, n);
    tty_putc('\n');
    return 0;
}

static int save_config(void)
{
    char err[96];
    tty_write("Building configuration...\n");
    size_t n = render_running();
    if (nvram_write_startup(cfgbuf, n, err, sizeof(err)) < 0) {
        tty_printf("%% %s\n[FAILED]\n", err);
        return -1;
    }
    cfg.modified = 0;
    tty_write("[OK]\n");
    return 0;
}

static int h_write_mem(struct cctx *c)
{
    (void)c;
    return save_config();
}

static int h_copy_run_start(struct cctx *c)
{
    char buf[64];
    (void)c;
    int n = tty_readline("Destination filename [startup-config]? ", buf,
                         sizeof(buf), NULL, NULL, 0);
    if (n < 0)
        return 0;
    if (n > 0 && strcmp(buf, "startup-config") != 0 &&
        strcmp(buf, "nvram:startup-config") != 0) {
        tty_printf("%%Error opening nvram:%s (Permission denied)\n", buf);
        return -1;
    }
    return save_config();
}

static int h_copy_start_run(struct cctx *c)
{
    char buf[64], err[96];
    char *text;
    (void)c;
    int n = tty_readline("Destination filename [running-config]? ", buf,
                         sizeof(buf), NULL, NULL, 0);
    if (n < 0)
        return 0;
    int len = nvram_read_startup(&text, err, sizeof(err));
    if (len <= 0) {
        tty_printf("%%Error opening nvram:startup-config (%s)\n",
                   len < 0 ? err : "No such file or directory");
        return -1;
    }
    enum cli_mode m = cli_mode;
    cli_load_config(text, (size_t)len);
    cli_set_mode(m);
    tty_printf("%d bytes copied\n", len);
    modified();
    return 0;
}

static int h_show_start(struct cctx *c)
{
    char err[96];
    char *text;
    (void)c;
    int len = nvram_read_startup(&text, err, sizeof(err));
    if (len < 0) {
        tty_printf("%% %s\n", err);
        return -1;
    }
    if (len == 0) {
        tty_write("startup-config is not present\n");
        return 0;
    }
    if (err[0])
        tty_printf("%% Warning: %s\n", err);
    tty_printf("Using %d out of %u bytes\n", len, nvram_fs_size());
    tty_writen(text, (size_t)len);
    tty_putc('\n');
    return 0;
}

static int h_erase_start(struct cctx *c)
{
    (void)c;
    if (!cli_confirm("Erasing the nvram filesystem will remove all "
                     "configuration files! Continue? [confirm]"))
        return 0;
    if (nvram_erase() < 0) {
        tty_write("[FAILED]\n");
        return -1;
    }
    tty_write("[OK]\nErase of nvram: complete\n");
    fw_log("%%SYS-7-NV_BLOCK_INIT: Initialized the geometry of nvram");
    return 0;
}

static int h_reload(struct cctx *c)
{
    char buf[16];
    (void)c;
    if (cfg.modified) {
        for (;;) {
            int n = tty_readline("\nSystem configuration has been modified. "
                                 "Save? [yes/no]: ", buf, sizeof(buf), NULL,
                                 NULL, 0);
            if (n < 0)
                return 0;
            if (n > 0 && fw_strncasecmp(buf, "yes", (size_t)n) == 0) {
                if (save_config() < 0)
                    return -1;
                break;
            }
            if (n > 0 && fw_strncasecmp(buf, "no", (size_t)n) == 0)
                break;
            tty_write("% Please answer 'yes' or 'no'.\n");
        }
    }
    if (!cli_confirm("Proceed with reload? [confirm]"))
        return 0;
    fw_log("%%SYS-5-RELOAD: Reload requested by console. Reload Reason: "
           "Reload Command.");
    sys_reload();
}

static int h_show_version(struct cctx *c)
{
    (void)c;
    show_version();
    return 0;
}

static int h_show_ipintbrief(struct cctx *c)
{
    (void)c;
    show_ip_int_brief();
    return 0;
}

static int h_show_interfaces(struct cctx *c)
{
    show_interfaces(arg_iface(arg_id(c, ID_IFNUM), 0));
    return 0;
}

static int h_show_iproute(struct cctx *c)
{
    (void)c;
    show_ip_route();
    return 0;
}

static int h_show_arp(struct cctx *c)
{
    (void)c;
    show_arp();
    return 0;
}

static int h_show_pci(struct cctx *c)
{
    (void)c;
    show_pci();
    return 0;
}

static int h_show_fr_map(struct cctx *c)
{
    (void)c;
    show_frame_relay_map();
    return 0;
}

static int h_show_fr_pvc(struct cctx *c)
{
    (void)c;
    show_frame_relay_pvc();
    return 0;
}

static int h_show_fr_lmi(struct cctx *c)
{
    (void)c;
    show_frame_relay_lmi();
    return 0;
}

static int h_show_history(struct cctx *c)
{
    (void)c;
    tty_history_show();
    return 0;
}

static int h_show_clock(struct cctx *c)
{
    (void)c;
    uint32_t s, ms;
    sys_uptime(&s, &ms);
    static const char *const wd[] = {"Fri", "Sat", "Sun", "Mon", "Tue",
                                     "Wed", "Thu"};
    tty_printf("*%02u:%02u:%02u.%03u UTC %s Mar %u 2002\n", s / 3600 % 24,
               s / 60 % 60, s % 60, ms, wd[s / 86400 % 7], 1 + s / 86400);
    return 0;
}

static int h_show_privilege(struct cctx *c)
{
    (void)c;
    tty_printf("Current privilege level is %d\n",
               cli_mode == MODE_USER ? 1 : 15);
    return 0;
}

static int h_terminal(struct cctx *c)
{
    (void)c;
    return 0; /* no pager: accepted for scripts that send it */
}

static int h_ping(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_ADDR);
    const struct arg *w = arg_id(c, ID_WORD);
    uint32_t dst;
    if (a) {
        dst = a->v;
    } else if (w && parse_ip(w->s, w->n, &dst) == 0) {
        /* fine */
    } else {
        tty_write("% Unrecognized host or address, or protocol not "
                  "running.\n\n");
        return -1;
    }
    const struct arg *r = arg_id(c, ID_REPEAT), *s = arg_id(c, ID_SIZE);
    const struct arg *t = arg_id(c, ID_TIMEOUT);
    ip_ping(dst, r ? r->v : 5, s ? s->v : 100, t ? t->v : 2);
    return 0;
}

static int h_traceroute(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_ADDR), *w = arg_id(c, ID_WORD);
    uint32_t dst;
    if (a)
        dst = a->v;
    else if (!w || parse_ip(w->s, w->n, &dst) != 0) {
        tty_write("% Unrecognized host or address, or protocol not "
                  "running.\n\n");
        return -1;
    }
    ip_traceroute(dst);
    return 0;
}

static int h_clear_arp(struct cctx *c)
{
    (void)c;
    ip_clear_arp();
    return 0;
}

static int h_clear_counters(struct cctx *c)
{
    (void)c;
    if (!cli_confirm("Clear \"show interface\" counters on all interfaces "
                     "[confirm]"))
        return 0;
    for (struct iface *i = ifaces; i; i = i->next)
        i->in_pkts = i->in_bytes = i->out_pkts = i->out_bytes =
            i->in_drops = i->out_drops = 0;
    return 0;
}

static const struct node trace_args[] = {
    PARAM(IP, "A.B.C.D", "Trace route to destination address", NULL,
          h_traceroute, 0, ID_ADDR, 0, 0),
    PARAM(WORD, "WORD", "Trace route to destination address or hostname",
          NULL, h_traceroute, 0, ID_WORD, 0, 0),
    END};
static const struct node clear_nodes[] = {
    KW("arp-cache", "Clear the entire ARP cache", NULL, h_clear_arp, 0, 0),
    KW("counters", "Clear counters on one or all interfaces", NULL,
       h_clear_counters, 0, 0),
    END};

/* ping <addr> [repeat n] [size n] [timeout n]: options in any order. */
static const struct node ping_opts[4];
static const struct node ping_opt_repeat[] = {
    PARAM(NUM, "", "Repeat count", ping_opts, h_ping, 0, ID_REPEAT, 1,
          2147483647),
    END};
static const struct node ping_opt_size[] = {
    PARAM(NUM, "", "Datagram size", ping_opts, h_ping, 0, ID_SIZE, 36,
          18024),
    END};
static const struct node ping_opt_timeout[] = {
    PARAM(NUM, "", "Timeout in seconds", ping_opts, h_ping, 0, ID_TIMEOUT,
          0, 3600),
    END};
static const struct node ping_opts[] = {
    KW("repeat", "specify repeat count", ping_opt_repeat, NULL, 0, 0),
    KW("size", "specify datagram size", ping_opt_size, NULL, 0, 0),
    KW("timeout", "specify timeout interval", ping_opt_timeout, NULL, 0, 0),
    END};
static const struct node ping_args[] = {
    PARAM(IP, "A.B.C.D", "Ping destination address", ping_opts, h_ping, 0,
          ID_ADDR, 0, 0),
    PARAM(WORD, "WORD", "Ping destination address or hostname", ping_opts,
          h_ping, 0, ID_WORD, 0, 0),
    END};

static const struct node show_ip_int[] = {
    KW("brief", "Brief summary of IP status and configuration", NULL,
       h_show_ipintbrief, 0, 0),
    END};
static const struct node show_ip[] = {
    KW("arp", "IP ARP table", NULL, h_show_arp, 0, 0),
    KW("interface", "IP interface status and configuration", show_ip_int,
       NULL, 0, 0),
    KW("route", "IP routing table", NULL, h_show_iproute, 0, 0),
    END};
static const struct node show_fr[] = {
    KW("lmi", "show frame relay lmi statistics", NULL, h_show_fr_lmi, 0, 0),
    KW("map", "Frame-Relay map table", NULL, h_show_fr_map, 0, 0),
    KW("pvc", "show frame relay pvc statistics", NULL, h_show_fr_pvc, 0, 0),
    END};
static const struct node show_nodes[] = {
    KW("arp", "ARP table", NULL, h_show_arp, 0, 0),
    KW("clock", "Display the system clock", NULL, h_show_clock, 0, 0),
    KW("frame-relay", "Frame-Relay information", show_fr, NULL, 0, 0),
    KW("history", "Display the session command history", NULL,
       h_show_history, 0, 0),
    KW("interfaces", "Interface status and configuration",
       if_kw[IFT_USE_SHOW], h_show_interfaces, 0, 0),
    KW("ip", "IP information", show_ip, NULL, 0, 0),
    KW("pci", "PCI functions found at boot", NULL, h_show_pci, 0, 0),
    KW("privilege", "Show current privilege level", NULL, h_show_privilege,
       0, 0),
    KW("running-config", "Current operating configuration", NULL,
       h_show_run, F_PRIV, 0),
    KW("startup-config", "Contents of startup configuration", NULL,
       h_show_start, F_PRIV, 0),
    KW("version", "System hardware and software status", NULL,
       h_show_version, 0, 0),
    END};

static const struct node conf_nodes[] = {
    KW("terminal", "Configure from the terminal", NULL, h_conf_t, 0, 0),
    END};
static const struct node copy_run_nodes[] = {
    KW("startup-config", "Copy to startup configuration", NULL,
       h_copy_run_start, 0, 0),
    END};
static const struct node copy_start_nodes[] = {
    KW("running-config", "Update (merge with) current system configuration",
       NULL, h_copy_start_run, 0, 0),
    END};
static const struct node copy_nodes[] = {
    KW("running-config", "Copy from current system configuration",
       copy_run_nodes, NULL, 0, 0),
    KW("startup-config", "Copy from startup configuration", copy_start_nodes,
       NULL, 0, 0),
    END};
static const struct node erase_nodes[] = {
    KW("nvram:", "Filesystem to be erased", NULL, h_erase_start, 0,
       ID_NVRAM),
    KW("startup-config", "Erase contents of configuration memory", NULL,
       h_erase_start, 0, ID_STARTUP),
    END};
static const struct node write_nodes[] = {
    KW("erase", "Erase NV memory", NULL, h_erase_start, 0, 0),
    KW("memory", "Write to NV memory", NULL, h_write_mem, 0, 0),
    KW("terminal", "Write to terminal", NULL, h_show_run, 0, 0),
    END};
static const struct node term_len[] = {
    PARAM(NUM, "", "Number of lines on screen (0 for no pausing)", NULL,
          h_terminal, 0, 0, 0, 512),
    END};
static const struct node term_nodes[] = {
    KW("length", "Set number of lines on a screen", term_len, NULL, 0, 0),
    END};

static const struct node exec_nodes[] = {
    KW("clear", "Reset functions", clear_nodes, NULL, F_PRIV, 0),
    KW("configure", "Enter configuration mode", conf_nodes, h_configure,
       F_PRIV, 0),
    KW("copy", "Copy from one file to another", copy_nodes, NULL, F_PRIV, 0),
    KW("disable", "Turn off privileged commands", NULL, h_disable, 0, 0),
    KW("enable", "Turn on privileged commands", NULL, h_enable, 0, 0),
    KW("erase", "Erase a filesystem", erase_nodes, NULL, F_PRIV, 0),
    KW("exit", "Exit from the EXEC", NULL, h_exit_exec, 0, 0),
    KW("logout", "Exit from the EXEC", NULL, h_exit_exec, 0, 0),
    KW("ping", "Send echo messages", ping_args, NULL, 0, 0),
    KW("reload", "Halt and perform a cold restart", NULL, h_reload, F_PRIV,
       0),
    KW("show", "Show running system information", show_nodes, NULL, 0, 0),
    KW("terminal", "Set terminal line parameters", term_nodes, NULL, 0, 0),
    KW("traceroute", "Trace route to destination", trace_args, NULL, 0, 0),
    KW("write", "Write running configuration to memory, network, or "
       "terminal", write_nodes, h_write_mem, F_PRIV, 0),
    END};

/* ============================================================== config */

static int h_end(struct cctx *c)
{
    (void)c;
    cli_set_mode(MODE_EXEC);
    fw_log("%%SYS-5-CONFIG_I: Configured from console by console");
    return 0;
}

static int h_exit_config(struct cctx *c)
{
    if (cli_mode == MODE_CONFIG)
        return h_end(c);
    cli_set_mode(MODE_CONFIG);
    return 0;
}

static int h_noop(struct cctx *c)
{
    (void)c;
    return 0;
}

static int h_hostname(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_WORD);
    if (c->neg || !a) {
        fw_strlcpy(cfg.hostname, "Router", sizeof(cfg.hostname));
    } else {
        size_t n = a->n < HOSTNAME_MAX - 1 ? a->n : HOSTNAME_MAX - 1;
        int bad = !(a->s[0] >= 'A' && a->s[0] <= 'z');
        for (size_t i = 0; i < n; i++) {
            char ch = a->s[i];
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  fw_isdigit(ch) || ch == '-'))
                bad = 1;
        }
        if (bad)
            cerr("%% Hostname contains one or more illegal characters.\n");
        memcpy(cfg.hostname, a->s, n);
        cfg.hostname[n] = 0;
    }
    modified();
    return 0;
}

static int h_interface(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_IFNUM);
    struct iface *i = arg_iface(a, !c->neg);
    if (c->neg) {
        if (!i || !(if_types[i->type].is_virtual || i->parent)) {
            cerr("%% Removal of physical interfaces is not permitted\n");
            return -1;
        }
        iface_delete(i);
        ip_routes_changed();
        modified();
        return 0;
    }
    if (!i)
        return -1;
    if (i->parent && has(c, ID_P2P))
        i->p2p = 1;
    else if (i->parent && has(c, ID_MULTIPOINT))
        i->p2p = 0;
    if (i->parent)
        iface_update_line(i, cfg.loading);
    if (cfg.loading && (!if_types[i->type].is_virtual ||
                        i->type == IFT_VLAN))
        iface_set_shutdown(i, 0, 1); /* startup: no "shutdown" = enabled */
    else if (if_types[i->type].is_virtual)
        iface_update_line(i, cfg.loading); /* a new loopback comes up */
    cli_if = i;
    cli_set_mode(MODE_IF);
    cli_if = i;
    return 0;
}

static int h_enable_secret(struct cctx *c)
{
    const struct arg *t = arg_id(c, ID_TEXT), *w = arg_id(c, ID_WORD);
    if (c->neg) {
        cfg.enable_secret[0] = 0;
    } else if (w) {   /* "enable secret 5 $1$salt$hash" */
        if (w->n < 4 || w->n >= sizeof(cfg.enable_secret) ||
            strncmp(w->s, "$1$", 3) != 0) {
            cerr("ERROR: The secret you entered is not a valid encrypted "
                 "secret.\n");
            return -1;
        }
        memcpy(cfg.enable_secret, w->s, w->n);
        cfg.enable_secret[w->n] = 0;
    } else if (t) {
        char pw[64], salt[5];
        static const char sc[] =
            "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        size_t n = t->n < sizeof(pw) - 1 ? t->n : sizeof(pw) - 1;
        memcpy(pw, t->s, n);
        pw[n] = 0;
        uint32_t r = sys_usec_start() ^ sys_ticks() * 2654435761u;
        for (int k = 0; k < 4; k++, r >>= 6)
            salt[k] = sc[r & 63];
        salt[4] = 0;
        md5_crypt(pw, salt, 4, cfg.enable_secret);
    }
    modified();
    return 0;
}

/* banner motd <d>text<d>: the text may span lines up to the delimiter
 * (a character, or "^C" as IOS writes ETX in configurations). */
static int h_banner(struct cctx *c)
{
    const struct arg *t = arg_id(c, ID_TEXT);
    static char text[1024];
    struct sbuf b;
    if (c->neg || !t) {
        cfg.banner_motd = NULL;
        modified();
        return 0;
    }
    char delim[3] = {t->s[0], 0, 0};
    size_t i = 1;
    if (t->n >= 2 && t->s[0] == '^' && (t->s[1] == 'C' || t->s[1] == 'c')) {
        delim[1] = 'C';
        i = 2;
    }
    size_t dl = strlen(delim);
    sb_init(&b, text, sizeof(text));
    const char *rest = t->s + i;
    size_t rn = t->n - i;
    char line[256];
    int first = 1;
    if (!cfg.loading && !cli_quiet)
        tty_printf("Enter TEXT message.  End with the character '%s'.\n",
                   dl == 2 ? "^C" : delim);
    for (;;) {
        /* look for the delimiter in this piece */
        size_t k = 0;
        int found = 0;
        for (; k + dl <= rn; k++) {
            if ((dl == 1 && rest[k] == delim[0]) ||
                (dl == 2 && rest[k] == '^' &&
                 (rest[k + 1] == 'C' || rest[k + 1] == 'c'))) {
                found = 1;
                break;
            }
        }
        if (!first || k)
            for (size_t j = 0; j < (found ? k : rn); j++)
                sb_putc(&b, rest[j]);
        if (found)
            break;
        if (!first || rn)
            sb_putc(&b, '\n');
        first = 0;
        int n = cli_more_line(line, sizeof(line));
        if (n < 0)
            break;
        rest = line;
        rn = (size_t)n;
    }
    /* drop the line breaks right after and before the delimiters */
    size_t s0 = 0, e = b.len;
    while (s0 < e && text[s0] == '\n')
        s0++;
    while (e > s0 && text[e - 1] == '\n')
        e--;
    char *m = fw_alloc(e - s0 + 1);
    memcpy(m, text + s0, e - s0);
    m[e - s0] = 0;
    cfg.banner_motd = m;
    modified();
    return 0;
}

static int h_enable_password(struct cctx *c)
{
    const struct arg *t = arg_id(c, ID_TEXT);
    if (c->neg || !t) {
        cfg.enable_password[0] = 0;
    } else {
        size_t n = t->n < sizeof(cfg.enable_password) - 1
                       ? t->n : sizeof(cfg.enable_password) - 1;
        memcpy(cfg.enable_password, t->s, n);
        cfg.enable_password[n] = 0;
    }
    modified();
    return 0;
}

static int h_ip_route(struct cctx *c)
{
    const struct arg *p = arg_id(c, ID_ADDR), *m = arg_id(c, ID_MASK);
    const struct arg *g = arg_id(c, ID_GW), *d = arg_id(c, ID_DIST);
    struct iface *oif = arg_iface(arg_id(c, ID_IFNUM), 0);
    if ((p->v & ~m->v) != 0 || !ip_is_mask(m->v)) {
        cerr("%%Inconsistent address and mask\n");
        return -1;
    }
    if (c->neg) {
        int n = route_del(p->v, m->v, g ? g->v : 0, oif, !g && !oif);
        if (n == 0)
            cerr("%%No matching route to delete\n");
    } else {
        if (!g && !oif)
            return -1;
        route_add(p->v, m->v, g ? g->v : 0, oif, d ? (int)d->v : 1);
    }
    ip_routes_changed();
    modified();
    return 0;
}

static int h_ip_routing(struct cctx *c)
{
    cfg.ip_routing = !c->neg;
    modified();
    return 0;
}

static int h_ip_cef(struct cctx *c)
{
    cfg.ip_cef = !c->neg;
    modified();
    return 0;
}

static int h_domain_lookup(struct cctx *c)
{
    cfg.domain_lookup = !c->neg;
    modified();
    return 0;
}

static int h_service(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_TEXT);
    char line[160];
    snprintf(line, sizeof(line), "%sservice %.*s", c->neg ? "no " : "",
             (int)a->n, a->s);
    /* same setting again (with or without "no"): replace it */
    for (int k = 0; k < cfg.nservice; k++) {
        const char *old = cfg.service_lines[k];
        if (strncmp(old, "no ", 3) == 0)
            old += 3;
        if (strcmp(old + 8, line + (c->neg ? 11 : 8)) == 0) {
            cfg.service_lines[k] = fw_alloc(strlen(line) + 1);
            strcpy(cfg.service_lines[k], line);
            modified();
            return 0;
        }
    }
    if (cfg.nservice < (int)ARRAY_SIZE(cfg.service_lines)) {
        cfg.service_lines[cfg.nservice] = fw_alloc(strlen(line) + 1);
        strcpy(cfg.service_lines[cfg.nservice++], line);
    }
    modified();
    return 0;
}

static int h_line(struct cctx *c)
{
    if (has(c, ID_CON)) {
        cli_line = &cfg.con;
        cli_line_name = "con 0";
    } else if (has(c, ID_AUX)) {
        cli_line = &cfg.aux;
        cli_line_name = "aux 0";
    } else {
        cli_line = &cfg.vty;
        cli_line_name = "vty 0 4";
    }
    struct line_cfg *l = cli_line;
    cli_set_mode(MODE_LINE);
    cli_line = l;
    return 0;
}

static const struct node route_dist[] = {
    PARAM(NUM, "", "Distance metric for this route", NULL, h_ip_route, 0,
          ID_DIST, 1, 255),
    END};
static const struct node route_after_if[] = {
    PARAM(IP, "A.B.C.D", "Forwarding router's address", route_dist,
          h_ip_route, 0, ID_GW, 0, 0),
    PARAM(NUM, "", "Distance metric for this route", NULL, h_ip_route, 0,
          ID_DIST, 1, 255),
    END};
/* gateway or interface after the mask; the interface subtree is built at
 * run time (if_kw[IFT_USE_ROUTE]) and continues with route_after_if. */
static struct node route_next[IFT_COUNT + 2];
static const struct node route_mask[] = {
    PARAM(IP, "A.B.C.D", "Destination prefix mask", route_next, h_ip_route,
          F_NO_CR, ID_MASK, 0, 0),
    END};
static const struct node route_prefix[] = {
    PARAM(IP, "A.B.C.D", "Destination prefix", route_mask, NULL, 0, ID_ADDR,
          0, 0),
    END};
static const struct node ip_domain[] = {
    KW("lookup", "Enable IP Domain Name System hostname translation", NULL,
       h_domain_lookup, F_NO, 0),
    END};
static const struct node ip_global[] = {
    KW("cef", "Cisco Express Forwarding", NULL, h_ip_cef, 0, 0),
    KW("domain", "IP DNS Resolver", ip_domain, NULL, 0, 0),
    KW("domain-lookup", "Enable IP Domain Name System hostname translation",
       NULL, h_domain_lookup, F_HIDDEN, 0),
    KW("route", "Establish static routes", route_prefix, NULL, 0, 0),
    KW("routing", "Enable IP routing", NULL, h_ip_routing, 0, 0),
    END};
static const struct node hostname_arg[] = {
    PARAM(WORD, "WORD", "This system's network name", NULL, h_hostname, 0,
          ID_WORD, 0, 0),
    END};
static const struct node service_arg[] = {
    PARAM(LINE, "LINE", "Service name and parameters", NULL, h_service, 0,
          ID_TEXT, 0, 0),
    END};
static const struct node text_noop[] = {
    PARAM(LINE, "LINE", "", NULL, h_noop, 0, ID_TEXT, 0, 0),
    END};
static const struct node line_con_num[] = {
    PARAM(NUM, "", "First Line number", NULL, h_line, 0, ID_N1, 0, 0),
    END};
static const struct node line_vty_last[] = {
    PARAM(NUM, "", "Last Line number", NULL, h_line, 0, ID_N2, 0, 4),
    END};
static const struct node line_vty_num[] = {
    PARAM(NUM, "", "First Line number", line_vty_last, h_line, 0, ID_N1, 0,
          4),
    END};
static const struct node line_nodes[] = {
    KW("aux", "Auxiliary line", line_con_num, NULL, 0, ID_AUX),
    KW("console", "Primary terminal line", line_con_num, NULL, 0, ID_CON),
    KW("vty", "Virtual terminal", line_vty_num, NULL, 0, ID_VTY),
    END};

static const struct node do_node_sub[10];

static const struct node secret_line[] = {
    PARAM(LINE, "LINE", "The UNENCRYPTED (cleartext) 'enable' secret", NULL,
          h_enable_secret, 0, ID_TEXT, 0, 0),
    END};
static const struct node secret_enc[] = {
    PARAM(WORD, "WORD", "The ENCRYPTED 'enable' secret string", NULL,
          h_enable_secret, 0, ID_WORD, 0, 0),
    END};
static const struct node secret_nodes[] = {
    KW("0", "Specifies an UNENCRYPTED password will follow", secret_line,
       NULL, 0, 0),
    KW("5", "Specifies an ENCRYPTED secret will follow", secret_enc, NULL, 0,
       0),
    PARAM(LINE, "LINE", "The UNENCRYPTED (cleartext) 'enable' secret", NULL,
          h_enable_secret, 0, ID_TEXT, 0, 0),
    END};
static const struct node password_line[] = {
    PARAM(LINE, "LINE", "The UNENCRYPTED (cleartext) 'enable' password",
          NULL, h_enable_password, 0, ID_TEXT, 0, 0),
    END};
static const struct node epassword_nodes[] = {
    KW("0", "Specifies an UNENCRYPTED password will follow", password_line,
       NULL, 0, 0),
    PARAM(LINE, "LINE", "The UNENCRYPTED (cleartext) 'enable' password",
          NULL, h_enable_password, 0, ID_TEXT, 0, 0),
    END};
static const struct node banner_text[] = {
    PARAM(LINE, "LINE", "c banner-text c, where 'c' is a delimiting "
          "character", NULL, h_banner, 0, ID_TEXT, 0, 0),
    END};
static const struct node banner_nodes[] = {
    KW("motd", "Set Message of the Day banner", banner_text, h_banner,
       F_NO_CR, 0),
    END};
static const struct node enable_cfg_nodes[] = {
    KW("password", "Assign the privileged level password", epassword_nodes,
       h_enable_password, F_NO_CR, 0),
    KW("secret", "Assign the privileged level secret", secret_nodes,
       h_enable_secret, F_NO_CR, 0),
    END};

static const struct node config_nodes[] = {
    KW("banner", "Define a login banner", banner_nodes, NULL, F_NO, 0),
    KW("boot-end-marker", "", NULL, h_noop, F_HIDDEN, 0),
    KW("boot-start-marker", "", NULL, h_noop, F_HIDDEN, 0),
    KW("do", "To run exec commands in config mode", do_node_sub, NULL, 0, 0),
    KW("enable", "Modify enable password parameters", enable_cfg_nodes, NULL,
       F_NO, 0),
    KW("end", "Exit from configure mode", NULL, h_end, 0, 0),
    KW("exit", "Exit from configure mode", NULL, h_exit_config, 0, 0),
    KW("hostname", "Set system's network name", hostname_arg, h_hostname,
       F_NO | F_NO_CR, 0),
    KW("interface", "Select an interface to configure",
       if_kw[IFT_USE_INTERFACE], NULL, F_NO, 0),
    KW("ip", "Global IP configuration subcommands", ip_global, NULL, F_NO,
       0),
    KW("line", "Configure a terminal line", line_nodes, NULL, 0, 0),
    KW("no", "Negate a command or set its defaults", NULL, NULL, F_NEGATE,
       0),
    KW("service", "Modify use of network based services", service_arg, NULL,
       F_NO, 0),
    KW("version", "", text_noop, NULL, F_HIDDEN, 0),
    END};

/* "do": the exec commands, with privileged ones visible. */
static const struct node do_node_sub[] = {
    KW("clear", "Reset functions", clear_nodes, NULL, 0, 0),
    KW("configure", "Enter configuration mode", conf_nodes, h_configure, 0,
       0),
    KW("copy", "Copy from one file to another", copy_nodes, NULL, 0, 0),
    KW("erase", "Erase a filesystem", erase_nodes, NULL, 0, 0),
    KW("ping", "Send echo messages", ping_args, NULL, 0, 0),
    KW("reload", "Halt and perform a cold restart", NULL, h_reload, 0, 0),
    KW("show", "Show running system information", show_nodes, NULL, 0, 0),
    KW("traceroute", "Trace route to destination", trace_args, NULL, 0, 0),
    KW("write", "Write running configuration to memory, network, or "
       "terminal", write_nodes, h_write_mem, 0, 0),
    END};

/* =========================================================== interface */

static int h_ip_address(struct cctx *c)
{
    struct iface *i = cli_if;
    const struct arg *a = arg_id(c, ID_ADDR), *m = arg_id(c, ID_MASK);
    char b1[16], b2[16];
    if (c->neg) {
        i->ip = i->mask = 0;
        i->method = cfg.loading ? M_NVRAM : M_MANUAL;
        ip_routes_changed();
        modified();
        return 0;
    }
    if (!ip_is_mask(m->v) || m->v == 0) {
        cerr("Bad mask 0x%X for address %s\n", m->v, ip_str(a->v, b1));
        return -1;
    }
    if (m->v < 0xFFFFFFFEu && i->type != IFT_LOOPBACK &&
        ((a->v & ~m->v) == 0 || (a->v & ~m->v) == ~m->v)) {
        cerr("Bad mask /%d for address %s\n", mask_len(m->v),
             ip_str(a->v, b1));
        return -1;
    }
    for (struct iface *o = ifaces; o; o = o->next) {
        if (o == i || !o->ip)
            continue;
        uint32_t mm = o->mask < m->v ? o->mask : m->v;
        if ((o->ip & mm) == (a->v & mm)) {
            cerr("%% %s overlaps with %s\n", ip_str(a->v & m->v, b2),
                 o->name);
            return -1;
        }
    }
    i->ip = a->v;
    i->mask = m->v;
    i->method = cfg.loading ? M_NVRAM : M_MANUAL;
    ip_routes_changed();
    modified();
    return 0;
}

static int h_shutdown(struct cctx *c)
{
    iface_set_shutdown(cli_if, !c->neg, cfg.loading);
    ip_routes_changed();
    modified();
    return 0;
}

static int h_description(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_TEXT);
    if (c->neg || !a) {
        cli_if->desc = NULL;
    } else {
        size_t n = a->n < 240 ? a->n : 240;
        char *d = fw_alloc(n + 1);
        memcpy(d, a->s, n);
        d[n] = 0;
        cli_if->desc = d;
    }
    modified();
    return 0;
}

static int h_encap(struct cctx *c)
{
    struct iface *i = cli_if;
    if (c->neg || has(c, ID_HDLC))
        i->encap = ENC_HDLC;
    else if (has(c, ID_PPP))
        i->encap = ENC_PPP;
    else if (has(c, ID_FR))
        i->encap = ENC_FR;
    serial_reset(i);
    iface_update_line(i, cfg.loading);
    modified();
    return 0;
}

static int h_dot1q(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_N1);
    if (c->neg) {
        cli_if->vlan = 0;
    } else {
        for (struct iface *o = ifaces; o; o = o->next) {
            if (o != cli_if && o->parent == cli_if->parent &&
                o->vlan == a->v) {
                cerr("Configuration of multiple subinterfaces of the same "
                     "main\ninterface with the same VID (%u) is not "
                     "permitted.\n", a->v);
                return -1;
            }
        }
        cli_if->vlan = (uint16_t)a->v;
    }
    modified();
    return 0;
}

static int h_bandwidth(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_N1);
    cli_if->bandwidth = c->neg || !a ? 0 : a->v;
    modified();
    return 0;
}

static int h_clock_rate(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_N1);
    cli_if->clock_rate = c->neg || !a ? 0 : a->v;
    modified();
    return 0;
}

static int h_keepalive(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_N1);
    cli_if->keepalive = c->neg ? 0 : a ? (int)a->v : 10;
    modified();
    return 0;
}

static int h_duplex(struct cctx *c)
{
    cli_if->duplex = c->neg ? 0 : has(c, ID_HALF) ? 1 : has(c, ID_FULL) ? 2
                                                                         : 3;
    modified();
    return 0;
}

static int h_speed(struct cctx *c)
{
    cli_if->speed = c->neg ? 0 : has(c, ID_S10) ? 10 : has(c, ID_S100) ? 100
                                                                        : 1;
    modified();
    return 0;
}

static int h_fr_lmi(struct cctx *c)
{
    cli_if->fr_lmi_set = !c->neg;
    cli_if->fr_lmi = c->neg ? 0 : has(c, ID_ANSI) ? 1 : has(c, ID_Q933A) ? 2
                                                                          : 0;
    modified();
    return 0;
}

static int h_fr_dlci(struct cctx *c)
{
    struct iface *i = cli_if;
    uint16_t d = (uint16_t)arg_id(c, ID_N1)->v;
    for (int k = 0; k < i->fr_ndlci; k++) {
        if (i->fr_dlci[k] == d) {
            if (c->neg) {
                i->fr_dlci[k] = i->fr_dlci[--i->fr_ndlci];
                modified();
            }
            return 0;
        }
    }
    if (!c->neg && i->fr_ndlci < (int)ARRAY_SIZE(i->fr_dlci))
        i->fr_dlci[i->fr_ndlci++] = d;
    modified();
    return 0;
}

static int h_fr_map(struct cctx *c)
{
    struct iface *i = cli_if;
    uint32_t ip = arg_id(c, ID_ADDR)->v;
    const struct arg *d = arg_id(c, ID_N1);
    for (int k = 0; k < i->fr_nmaps; k++) {
        if (i->fr_maps[k].ip == ip) {
            if (c->neg) {
                i->fr_maps[k] = i->fr_maps[--i->fr_nmaps];
            } else {
                i->fr_maps[k].dlci = (uint16_t)d->v;
                i->fr_maps[k].broadcast = has(c, ID_BCAST);
            }
            modified();
            return 0;
        }
    }
    if (!c->neg && d && i->fr_nmaps < (int)ARRAY_SIZE(i->fr_maps)) {
        struct fr_map *m = &i->fr_maps[i->fr_nmaps++];
        m->ip = ip;
        m->dlci = (uint16_t)d->v;
        m->broadcast = has(c, ID_BCAST);
    }
    modified();
    return 0;
}

static const struct node ipaddr_mask[] = {
    PARAM(IP, "A.B.C.D", "IP subnet mask", NULL, h_ip_address, 0, ID_MASK,
          0, 0),
    END};
static const struct node ipaddr_addr[] = {
    PARAM(IP, "A.B.C.D", "IP address", ipaddr_mask, NULL, 0, ID_ADDR, 0, 0),
    END};
static const struct node ip_if[] = {
    KW("address", "Set the IP address of an interface", ipaddr_addr,
       h_ip_address, F_NO_CR, 0),
    END};
static const struct node desc_arg[] = {
    PARAM(LINE, "LINE", "Up to 240 characters describing this interface",
          NULL, h_description, 0, ID_TEXT, 0, 0),
    END};
static const struct node encap_nodes[] = {
    KW("frame-relay", "Frame Relay networks", NULL, h_encap, 0, ID_FR),
    KW("hdlc", "Serial HDLC synchronous", NULL, h_encap, 0, ID_HDLC),
    KW("ppp", "Point-to-Point protocol", NULL, h_encap, 0, ID_PPP),
    END};
static const struct node dot1q_arg[] = {
    PARAM(NUM, "", "IEEE 802.1Q VLAN ID", NULL, h_dot1q, 0, ID_N1, 1, 4094),
    END};
static const struct node encap_eth_nodes[] = {
    KW("dot1Q", "IEEE 802.1Q Virtual LAN", dot1q_arg, h_dot1q, F_NO_CR, 0),
    END};
static const struct node bw_arg[] = {
    PARAM(NUM, "", "Bandwidth in kilobits", NULL, h_bandwidth, 0, ID_N1, 1,
          10000000),
    END};
static const struct node clock_rate_arg[] = {
    PARAM(NUM, "", "Choose clockrate from list above", NULL, h_clock_rate,
          0, ID_N1, 300, 8000000),
    END};
static const struct node clock_nodes[] = {
    KW("rate", "Configure serial interface clock speed", clock_rate_arg,
       h_clock_rate, F_NO_CR, 0),
    END};
static const struct node keepalive_arg[] = {
    PARAM(NUM, "", "Keepalive period (default 10 seconds)", NULL,
          h_keepalive, 0, ID_N1, 0, 32767),
    END};
static const struct node duplex_nodes[] = {
    KW("auto", "Enable AUTO duplex configuration", NULL, h_duplex, 0,
       ID_AUTO),
    KW("full", "Force full duplex operation", NULL, h_duplex, 0, ID_FULL),
    KW("half", "Force half-duplex operation", NULL, h_duplex, 0, ID_HALF),
    END};
static const struct node speed_nodes[] = {
    KW("10", "Force 10 Mbps operation", NULL, h_speed, 0, ID_S10),
    KW("100", "Force 100 Mbps operation", NULL, h_speed, 0, ID_S100),
    KW("auto", "Enable AUTO speed configuration", NULL, h_speed, 0, ID_AUTO),
    END};
static const struct node fr_lmi_nodes[] = {
    KW("ansi", "", NULL, h_fr_lmi, 0, ID_ANSI),
    KW("cisco", "", NULL, h_fr_lmi, 0, ID_CISCO),
    KW("q933a", "", NULL, h_fr_lmi, 0, ID_Q933A),
    END};
static const struct node fr_dlci_arg[] = {
    PARAM(NUM, "", "Define a DLCI as part of the current subinterface", NULL,
          h_fr_dlci, 0, ID_N1, 16, 1007),
    END};
static const struct node fr_map_opts[] = {
    KW("broadcast", "Broadcasts should be forwarded to this address", NULL,
       h_fr_map, 0, ID_BCAST),
    END};
static const struct node fr_map_dlci[] = {
    PARAM(NUM, "", "DLCI", fr_map_opts, h_fr_map, 0, ID_N1, 16, 1007),
    END};
static const struct node fr_map_addr[] = {
    PARAM(IP, "A.B.C.D", "Protocol specific address", fr_map_dlci, h_fr_map,
          F_NO_CR, ID_ADDR, 0, 0),
    END};
static const struct node fr_map_proto[] = {
    KW("ip", "IP", fr_map_addr, NULL, 0, 0),
    END};
static const struct node fr_nodes[] = {
    KW("interface-dlci", "Define a DLCI as part of the current "
       "subinterface", fr_dlci_arg, NULL, 0, 0),
    KW("lmi-type", "Use CISCO-ANSI-CCITT type LMI", fr_lmi_nodes, h_fr_lmi,
       F_NO_CR, 0),
    KW("map", "Map a protocol address to a DLCI address", fr_map_proto, NULL,
       0, 0),
    END};

static const struct node if_nodes[] = {
    KW("bandwidth", "Set bandwidth informational parameter", bw_arg,
       h_bandwidth, F_NO | F_NO_CR, 0),
    KW("clock", "Configure serial interface clock", clock_nodes, NULL,
       F_NO | F_SERIAL | F_MAIN, 0),
    KW("description", "Interface specific description", desc_arg,
       h_description, F_NO | F_NO_CR, 0),
    KW("do", "To run exec commands in config mode", do_node_sub, NULL, 0, 0),
    KW("duplex", "Configure duplex operation.", duplex_nodes, h_duplex,
       F_NO | F_NO_CR | F_ETHER | F_MAIN, 0),
    KW("encapsulation", "Set encapsulation type for an interface",
       encap_nodes, h_encap, F_NO | F_NO_CR | F_SERIAL | F_MAIN, 0),
    KW("encapsulation", "Set encapsulation type for an interface",
       encap_eth_nodes, NULL, F_NO | F_ETHSUB, 0),
    KW("end", "Exit from configure mode", NULL, h_end, 0, 0),
    KW("exit", "Exit from interface configuration mode", NULL,
       h_exit_config, 0, 0),
    KW("frame-relay", "Set frame relay parameters", fr_nodes, NULL,
       F_NO | F_SERIAL, 0),
    KW("ip", "Interface Internet Protocol config commands", ip_if, NULL,
       F_NO, 0),
    KW("keepalive", "Enable keepalive", keepalive_arg, h_keepalive,
       F_NO | F_MAIN, 0),
    KW("no", "Negate a command or set its defaults", NULL, NULL, F_NEGATE,
       0),
    KW("shutdown", "Shutdown the selected interface", NULL, h_shutdown, F_NO,
       0),
    KW("speed", "Configure speed operation.", speed_nodes, h_speed,
       F_NO | F_NO_CR | F_ETHER | F_MAIN, 0),
    END};

/* ================================================================ line */

static int h_exec_timeout(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_N1), *b = arg_id(c, ID_N2);
    cli_line->exec_timeout_set = !c->neg;
    cli_line->exec_timeout_min = a && !c->neg ? (int)a->v : 10;
    cli_line->exec_timeout_sec = b && !c->neg ? (int)b->v : 0;
    modified();
    return 0;
}

static int h_logging_sync(struct cctx *c)
{
    cli_line->logging_sync = !c->neg;
    modified();
    return 0;
}

static int h_login(struct cctx *c)
{
    cli_line->login = !c->neg;
    modified();
    return 0;
}

static int h_password(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_TEXT);
    if (c->neg || !a) {
        cli_line->password[0] = 0;
    } else {
        size_t n = a->n < sizeof(cli_line->password) - 1
                       ? a->n : sizeof(cli_line->password) - 1;
        memcpy(cli_line->password, a->s, n);
        cli_line->password[n] = 0;
    }
    modified();
    return 0;
}

static int h_privilege(struct cctx *c)
{
    const struct arg *a = arg_id(c, ID_N1);
    cli_line->privilege = c->neg || !a ? 0 : (int)a->v;
    modified();
    return 0;
}

static const struct node et_sec[] = {
    PARAM(NUM, "", "Timeout in seconds", NULL, h_exec_timeout, 0, ID_N2, 0,
          2147483),
    END};
static const struct node et_min[] = {
    PARAM(NUM, "", "Timeout in minutes", et_sec, h_exec_timeout, 0, ID_N1, 0,
          35791),
    END};
static const struct node logging_nodes[] = {
    KW("synchronous", "Synchronized message output", NULL, h_logging_sync, 0,
       0),
    END};
static const struct node password_arg[] = {
    PARAM(LINE, "LINE", "The UNENCRYPTED (cleartext) line password", NULL,
          h_password, 0, ID_TEXT, 0, 0),
    END};
static const struct node priv_lvl[] = {
    PARAM(NUM, "", "Default privilege level for line", NULL, h_privilege, 0,
          ID_N1, 0, 15),
    END};
static const struct node priv_nodes[] = {
    KW("level", "Assign default privilege level to line", priv_lvl,
       h_privilege, F_NO_CR, 0),
    END};
static const struct node line_cfg_nodes[] = {
    KW("do", "To run exec commands in config mode", do_node_sub, NULL, 0, 0),
    KW("end", "Exit from configure mode", NULL, h_end, 0, 0),
    KW("exec-timeout", "Set the EXEC timeout", et_min, h_exec_timeout,
       F_NO | F_NO_CR, 0),
    KW("exit", "Exit from line configuration mode", NULL, h_exit_config, 0,
       0),
    KW("logging", "Modify message logging facilities", logging_nodes, NULL,
       F_NO, 0),
    KW("login", "Enable password checking", NULL, h_login, F_NO, 0),
    KW("no", "Negate a command or set its defaults", NULL, NULL, F_NEGATE,
       0),
    KW("password", "Set a password", password_arg, h_password,
       F_NO | F_NO_CR, 0),
    KW("privilege", "Change privilege level for line", priv_nodes, NULL,
       F_NO, 0),
    END};

const struct node *const mode_root[MODE_COUNT] = {
    [MODE_USER] = exec_nodes,
    [MODE_EXEC] = exec_nodes,
    [MODE_CONFIG] = config_nodes,
    [MODE_IF] = if_nodes,
    [MODE_LINE] = line_cfg_nodes,
};

void cmds_init(void)
{
    build_if_tree(IFT_USE_INTERFACE, h_interface, if_subtype_nodes, F_CREATE);
    build_if_tree(IFT_USE_SHOW, h_show_interfaces, NULL, 0);
    build_if_tree(IFT_USE_ROUTE, h_ip_route, route_after_if, 0);
    /* After the mask: a gateway address or an interface. */
    route_next[0] = (struct node){N_IP, "A.B.C.D", "Forwarding router's "
                                  "address", route_dist, h_ip_route, 0, ID_GW,
                                  0, 0};
    size_t k = 1;
    for (const struct node *n = if_kw[IFT_USE_ROUTE]; n->type != N_END; n++)
        route_next[k++] = *n;
    route_next[k].type = N_END;
}
