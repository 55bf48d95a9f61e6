/*
 * CLI core (dynagen.md §13.1-§13.2): the command table, line parsing
 * with abbreviations and "?" help, the loop (readline with completion on
 * a terminal, plain lines otherwise), and the small commands (help, hist,
 * ver, py, shell, conf, exit).
 */
#include "dynagen/cli.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "dynagen/version.h"

static int cli_cmd_help(struct cli *c, struct cli_args *a);
static int cli_cmd_hist(struct cli *c, struct cli_args *a);
static int cli_cmd_ver(struct cli *c, struct cli_args *a);
static int cli_cmd_py(struct cli *c, struct cli_args *a);
static int cli_cmd_shell(struct cli *c, struct cli_args *a);
static int cli_cmd_conf(struct cli *c, struct cli_args *a);
static int cli_cmd_exit(struct cli *c, struct cli_args *a);

#define ROUTERS "{/all | router1 [router2] ...}"

static const struct cli_cmd cli_table[] = {
    {"aux", cli_cmd_aux, 1, "aux " ROUTERS,
     "Connect to the AUX port of each router with the telnet command of "
     "dynagen.ini\n(%h host, %p port, %d device name). The router needs an "
     "aux port (aux = PORT)."},
    {"capture", cli_cmd_capture, 3,
     "capture device interface filename [link-type]",
     "Capture the packets of a connected interface into a pcap file.\n"
     "The file is written on the hypervisor host, relative to its working "
     "directory.\nlink-type: ETH (Ethernet, the default for e/f/g), FR "
     "(Frame Relay),\nHDLC (Cisco HDLC) or PPP; serial interfaces need one.\n"
     "Example: capture R1 s1/0 R1-s1.cap HDLC"},
    {"clear", cli_cmd_clear, 1, "clear mac ethernet_switch",
     "Clear the MAC address table of an Ethernet switch."},
    {"conf", cli_cmd_conf, 0, "conf",
     "Dynamic configuration mode (not supported: edit the network file)."},
    {"confreg", cli_cmd_confreg, 2, "confreg " ROUTERS " 0x2102",
     "Set the configuration register; it takes effect at the next start."},
    {"console", cli_cmd_console, 1, "console " ROUTERS,
     "Connect to the console of each running router with the telnet "
     "command\nof dynagen.ini (%h host, %p port, %d device name). "
     "Abbreviation: con."},
    {"copy", cli_cmd_copy, 2, "copy run start",
     "Write the running topology (as show run) over the network file."},
    {"cpuinfo", cli_cmd_cpuinfo, 1, "cpuinfo " ROUTERS,
     "Dump the CPU state of each router (on the hypervisor's output)."},
    {"end", cli_cmd_exit, 0, "end", "Leave dynagen (as exit)."},
    {"exit", cli_cmd_exit, 0, "exit",
     "Reset every hypervisor (all routers and switches are deleted) and "
     "leave."},
    {"export", cli_cmd_export, 2, "export " ROUTERS " \"directory\"",
     "Write the startup-config of each router to directory/ROUTER.cfg\n"
     "(relative to the network file's directory)."},
    {"filter", cli_cmd_filter, 4,
     "filter device interface filter_name direction [options]",
     "Apply a packet filter to a connected interface.\n"
     "filter_name: freq_drop, capture, none (removes the filter)\n"
     "direction: in, out, both\n"
     "Example: filter R1 s1/0 freq_drop both 50   (drop 1 packet in 50)"},
    {"help", cli_cmd_help, 0, "help [command]",
     "List the commands, or show the usage of one. 'command ?' works too."},
    {"hist", cli_cmd_hist, 0, "hist", "Show the commands entered so far."},
    {"idlepc", cli_cmd_idlepc, 1,
     "idlepc {get|show|set|save|showdrift|idlemax|idlesleep|copy} router "
     "[value]",
     "idlepc get ROUTER            measure idle-PC candidates (~10 s) and "
     "pick one\n"
     "idlepc show ROUTER           pick among the last measured candidates\n"
     "idlepc set ROUTER VALUE      apply an idle-PC value\n"
     "idlepc save ROUTER           store it in the router's section\n"
     "idlepc save ROUTER default   store it in the [[MODEL]] section\n"
     "idlepc save ROUTER db        store it in the idle-PC database\n"
     "idlepc showdrift ROUTER      show idlemax, idlesleep and the timer "
     "drift\n"
     "idlepc idlemax ROUTER N      set idlemax\n"
     "idlepc idlesleep ROUTER N    set idlesleep (ms)\n"
     "idlepc copy ROUTER {/all | router2}  copy the value to routers with "
     "the same image"},
    {"import", cli_cmd_import, 2, "import " ROUTERS " \"directory\"",
     "Push directory/ROUTER.cfg into the NVRAM of each router."},
    {"list", cli_cmd_list, 0, "list [regexp]",
     "List the devices of the lab (those whose name matches the regular "
     "expression)."},
    {"no", cli_cmd_no, 1, "no capture device interface",
     "Stop a packet capture."},
    {"push", cli_cmd_push, 1, "push " ROUTERS,
     "Push the configuration stored in the network file into NVRAM."},
    {"py", cli_cmd_py, 0, "py <python>",
     "The original Dynagen ran Python here; this one is written in C."},
    {"reload", cli_cmd_reload, 1, "reload " ROUTERS,
     "Stop then start routers."},
    {"resume", cli_cmd_resume, 1, "resume " ROUTERS,
     "Resume suspended routers."},
    {"restore", cli_cmd_restore, 1, "restore " ROUTERS,
     "Bring routers back to their last snapshot (the router continues where\n"
     "it was, consoles and links reattached)."},
    {"save", cli_cmd_save, 1, "save " ROUTERS,
     "Store the startup-config of each router in its section of the "
     "network file\n(configuration = base64); the file is rewritten."},
    {"send", cli_cmd_send, 2, "send hypervisor_host raw_command",
     "Send a raw hypervisor command and print the reply.\n"
     "Example: send localhost vm list"},
    {"shell", cli_cmd_shell, 1, "shell <command>",
     "Run a command of the system shell (also: !command)."},
    {"show", cli_cmd_show, 1,
     "show {device [name ...] | mac ethernet_switch | run [router] | start}",
     "show device   describe devices, slots and connections\n"
     "show mac SW   MAC address table of an Ethernet switch\n"
     "show run      the running topology in network-file syntax\n"
     "show start    the network file as stored"},
    {"snapshot", cli_cmd_snapshot, 1, "snapshot " ROUTERS,
     "Save the whole state of running or suspended routers (CPU, memory,\n"
     "devices) to <router>.state in the hypervisor's working directory."},
    {"start", cli_cmd_start, 1, "start {/all [delay] | router1 [router2] ...}",
     "Start routers. With /all, an optional delay in seconds between "
     "them."},
    {"stop", cli_cmd_stop, 1, "stop " ROUTERS, "Stop routers."},
    {"suspend", cli_cmd_suspend, 1, "suspend " ROUTERS,
     "Suspend routers (resume continues them)."},
    {"telnet", cli_cmd_console, 1, "telnet " ROUTERS, "Same as console."},
    {"ver", cli_cmd_ver, 0, "ver",
     "Print the versions of dynagen and of every hypervisor."},
};

const struct cli_cmd *cli_commands(size_t *n)
{
    *n = DG_ARRAY_SIZE(cli_table);
    return cli_table;
}

void cli_printf(struct cli *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
}

void cli_usage(struct cli *c, const struct cli_cmd *cmd)
{
    cli_printf(c, "%s\n%s\n", cmd->usage, cmd->help);
}

void cli_init(struct cli *c, struct lab *l, FILE *in, FILE *out)
{
    memset(c, 0, sizeof(*c));
    c->lab = l;
    c->in = in;
    c->out = out;
    c->interactive = isatty(fileno(in)) && isatty(fileno(out));
}

void cli_free(struct cli *c)
{
    dg_strv_free(&c->hist);
}

/* Arguments: blank-separated, "double quotes" group blanks. */
static void cli_split(const char *s, struct dg_strv *out)
{
    while (*s) {
        while (*s && dg_is_blank((unsigned char)*s)) {
            s++;
        }
        if (!*s) {
            break;
        }
        struct dg_buf b = {0};
        while (*s && !dg_is_blank((unsigned char)*s)) {
            if (*s == '"') {
                const char *e = strchr(s + 1, '"');
                if (!e) {
                    dg_buf_add(&b, s + 1);
                    s += strlen(s);
                    break;
                }
                dg_buf_addn(&b, s + 1, (size_t)(e - s - 1));
                s = e + 1;
            } else {
                dg_buf_addc(&b, *s++);
            }
        }
        dg_strv_push(out, dg_buf_take(&b));
    }
}

static const struct cli_cmd *cli_lookup(struct cli *c, const char *word)
{
    static const struct {
        const char *alias, *name;
    } aliases[] = {{"con", "console"}, {"sh", "show"}, {"quit", "exit"},
                   {"?", "help"},      {"!", "shell"}};
    for (size_t i = 0; i < DG_ARRAY_SIZE(aliases); i++) {
        if (strcmp(word, aliases[i].alias) == 0) {
            word = aliases[i].name;
        }
    }
    const struct cli_cmd *found = NULL;
    size_t matches = 0;
    for (size_t i = 0; i < DG_ARRAY_SIZE(cli_table); i++) {
        if (strcmp(cli_table[i].name, word) == 0) {
            return &cli_table[i];
        }
    }
    size_t wl = strlen(word);
    for (size_t i = 0; i < DG_ARRAY_SIZE(cli_table); i++) {
        if (strncmp(cli_table[i].name, word, wl) == 0) {
            found = &cli_table[i];
            matches++;
        }
    }
    if (matches == 1) {
        return found;
    }
    if (matches > 1) {
        cli_printf(c, "*** Error: ambiguous command '%s':", word);
        for (size_t i = 0; i < DG_ARRAY_SIZE(cli_table); i++) {
            if (strncmp(cli_table[i].name, word, wl) == 0) {
                cli_printf(c, " %s", cli_table[i].name);
            }
        }
        cli_printf(c, "\n");
        return NULL;
    }
    cli_printf(c, "*** Error: unknown command '%s' (help lists the "
                  "commands)\n",
               word);
    return NULL;
}

int cli_exec(struct cli *c, const char *line)
{
    char *copy = dg_strdup(line);
    char *t = dg_trim(copy);
    if (!*t) {
        free(copy);
        return 0;
    }
    dg_strv_push(&c->hist, dg_strdup(t));
    int rc = 0;
    const char *word_end;
    char *word;
    if (t[0] == '!') {
        word = dg_strdup("shell");
        word_end = t + 1;
    } else if (t[0] == '?') {
        word = dg_strdup("help");
        word_end = t + 1;
    } else {
        word_end = t;
        while (*word_end && !dg_is_blank((unsigned char)*word_end)) {
            word_end++;
        }
        word = dg_strndup(t, (size_t)(word_end - t));
    }
    const struct cli_cmd *cmd = cli_lookup(c, word);
    if (cmd) {
        struct cli_args a = {0};
        a.rest = word_end;
        while (dg_is_blank((unsigned char)*a.rest)) {
            a.rest++;
        }
        cli_split(a.rest, &a.v);
        int help = 0;
        if (cmd->fn != cli_cmd_shell && cmd->fn != cli_cmd_py &&
            cmd->fn != cli_cmd_send) {
            for (size_t i = 0; i < a.v.n; i++) {
                help |= strchr(a.v.v[i], '?') != NULL;
            }
        } else {
            help = strcmp(a.rest, "?") == 0;
        }
        if (help || a.v.n < (size_t)cmd->min_args) {
            cli_usage(c, cmd);
        } else {
            rc = cmd->fn(c, &a);
        }
        dg_strv_free(&a.v);
    }
    free(word);
    free(copy);
    fflush(c->out);
    return rc;
}

/* ------------------------------------------------------------ input */

/*
 * readline calls completion functions without a user argument, so the
 * session being completed has to be reachable from a static: the only
 * mutable static of dynagen, set while cli_loop() runs.
 */
static struct cli *cli_rl_session;

static char *cli_rl_dup(const char *s)
{
    char *p = malloc(strlen(s) + 1); /* readline frees with free() */
    if (p) {
        strcpy(p, s);
    }
    return p;
}

static const char *cli_word_at(const char *words[], size_t n, int state,
                               size_t *idx, const char *text)
{
    if (!state) {
        *idx = 0;
    }
    size_t tl = strlen(text);
    while (*idx < n) {
        const char *w = words[(*idx)++];
        if (strncmp(w, text, tl) == 0) {
            return w;
        }
    }
    return NULL;
}

static char *cli_complete_command(const char *text, int state)
{
    static size_t idx; /* readline's generator protocol */
    const char *names[DG_ARRAY_SIZE(cli_table)];
    for (size_t i = 0; i < DG_ARRAY_SIZE(cli_table); i++) {
        names[i] = cli_table[i].name;
    }
    const char *w =
        cli_word_at(names, DG_ARRAY_SIZE(cli_table), state, &idx, text);
    return w ? cli_rl_dup(w) : NULL;
}

static const char *const *cli_rl_keywords;
static size_t cli_rl_nkeywords;

static char *cli_complete_keyword(const char *text, int state)
{
    static size_t idx;
    const char *w = cli_word_at((const char **)cli_rl_keywords,
                                cli_rl_nkeywords, state, &idx, text);
    return w ? cli_rl_dup(w) : NULL;
}

static char *cli_complete_device(const char *text, int state)
{
    static size_t idx;
    struct cli *c = cli_rl_session;
    if (!state) {
        idx = 0;
    }
    size_t tl = strlen(text);
    size_t n = c ? c->lab->topo.ndevs : 0;
    while (idx <= n) {
        size_t i = idx++;
        const char *name = i < n ? c->lab->topo.devs[i].name : "/all";
        if (strncmp(name, text, tl) == 0) {
            return cli_rl_dup(name);
        }
    }
    return NULL;
}

static char **cli_complete(const char *text, int start, int end)
{
    (void)end;
    rl_attempted_completion_over = 1;
    if (start == 0) {
        return rl_completion_matches(text, cli_complete_command);
    }
    static const char *const show_kw[] = {"device", "mac", "run", "start"};
    static const char *const idle_kw[] = {"get",     "show",      "set",
                                          "save",    "showdrift", "idlemax",
                                          "idlesleep", "copy"};
    static const char *const clear_kw[] = {"mac"};
    static const char *const no_kw[] = {"capture"};
    static const char *const copy_kw[] = {"run", "start"};
    static const char *const save_kw[] = {"default", "db"};
    static const char *const filt_kw[] = {"freq_drop", "capture", "none",
                                          "in", "out", "both"};
    /* the command word and how many words come before the cursor */
    const char *buf = rl_line_buffer;
    struct dg_strv w = {0};
    char *before = dg_strndup(buf, (size_t)start);
    dg_split_ws(before, &w);
    free(before);
    const char *cmd = w.n ? w.v[0] : "";
    size_t pos = w.n;
    const char *const *kw = NULL;
    size_t nkw = 0;
#define KW(a) (kw = (a), nkw = DG_ARRAY_SIZE(a))
    if (pos == 1 && strncmp(cmd, "sh", 2) == 0 && strcmp(cmd, "shell")) {
        KW(show_kw);
    } else if (pos == 1 && strcmp(cmd, "idlepc") == 0) {
        KW(idle_kw);
    } else if (pos == 1 && strcmp(cmd, "clear") == 0) {
        KW(clear_kw);
    } else if (pos == 1 && strcmp(cmd, "no") == 0) {
        KW(no_kw);
    } else if (strcmp(cmd, "copy") == 0) {
        KW(copy_kw);
    } else if (pos == 3 && strcmp(cmd, "idlepc") == 0 &&
               strcmp(w.v[1], "save") == 0) {
        KW(save_kw);
    } else if (pos >= 3 && strcmp(cmd, "filter") == 0) {
        KW(filt_kw);
    }
#undef KW
    dg_strv_free(&w);
    if (kw) {
        cli_rl_keywords = kw;
        cli_rl_nkeywords = nkw;
        return rl_completion_matches(text, cli_complete_keyword);
    }
    return rl_completion_matches(text, cli_complete_device);
}

char *cli_ask(struct cli *c, const char *prompt)
{
    if (c->interactive) {
        char *line = readline(prompt);
        return line; /* malloc'd by readline */
    }
    fputs(prompt, c->out);
    fflush(c->out);
    struct dg_buf b = {0};
    int ch;
    while ((ch = fgetc(c->in)) != EOF && ch != '\n') {
        dg_buf_addc(&b, (char)ch);
    }
    if (ch == EOF && !b.len) {
        dg_buf_free(&b);
        return NULL;
    }
    if (b.len && b.s[b.len - 1] == '\r') {
        b.s[--b.len] = '\0';
    }
    if (c->echo) {
        fprintf(c->out, "%s\n", b.s ? b.s : "");
    }
    return dg_buf_take(&b);
}

static void cli_rl_line(char *line)
{
    struct cli *c = cli_rl_session;
    rl_callback_handler_remove();
    c->rl_line = line;
    c->rl_have = 1;
}

static int cli_stopped(const struct cli *c)
{
    return c->lab->stop && *c->lab->stop;
}

/*
 * One command line on a terminal: readline's callback interface, so that
 * a signal (Ctrl-C) ends the wait instead of being lost inside readline.
 * Returns the line, NULL at end of input or on a signal.
 */
static char *cli_rl_next(struct cli *c)
{
    c->rl_have = 0;
    c->rl_line = NULL;
    rl_callback_handler_install("=> ", cli_rl_line);
    while (!c->rl_have && !cli_stopped(c)) {
        struct pollfd pfd = {fileno(c->in), POLLIN, 0};
        int n = poll(&pfd, 1, -1);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        rl_callback_read_char();
    }
    if (!c->rl_have) {
        rl_free_line_state();
        rl_callback_sigcleanup();
        rl_callback_handler_remove();
        return NULL;
    }
    return c->rl_line;
}

void cli_loop(struct cli *c)
{
    if (c->interactive) {
        cli_rl_session = c;
        rl_readline_name = "dynagen";
        rl_attempted_completion_function = cli_complete;
        rl_catch_signals = 0; /* SIGINT/SIGTERM are dynagen's (main.c) */
    }
    for (;;) {
        char *line = c->interactive ? cli_rl_next(c) : cli_ask(c, "=> ");
        if (!line || cli_stopped(c)) {
            /* end of input or a signal is exit (the original looped on
             * end of input) */
            if (c->interactive || cli_stopped(c)) {
                cli_printf(c, "\n");
            }
            free(line);
            break;
        }
        if (c->interactive && line[0]) {
            add_history(line);
        }
        int leave = cli_exec(c, line);
        free(line);
        if (leave || cli_stopped(c)) {
            break;
        }
    }
    cli_rl_session = NULL;
}

/* ------------------------------------------------------------ helpers */

int cli_ethsw_arg(struct cli *c, struct cli_args *a)
{
    if (a->v.n < 2) {
        cli_printf(c, "*** Error: missing device\n");
        return -1;
    }
    struct topo *t = &c->lab->topo;
    int d = topo_find_dev(t, a->v.v[1]);
    if (d < 0 || t->devs[d].kind != T_ETHSW) {
        cli_printf(c, "*** Error: invalid device: %s (not an Ethernet "
                      "switch)\n",
                   a->v.v[1]);
        return -1;
    }
    return d;
}

size_t cli_routers(struct cli *c, struct cli_args *a, size_t first,
                   size_t last, int *out)
{
    struct topo *t = &c->lab->topo;
    size_t n = 0;
    for (size_t i = first; i < last && i < a->v.n; i++) {
        const char *name = a->v.v[i];
        if (strcmp(name, "/all") == 0) {
            for (size_t d = 0; d < t->ndevs; d++) {
                if (t->devs[d].kind == T_ROUTER) {
                    out[n++] = (int)d;
                }
            }
            return n;
        }
        int d = topo_find_dev(t, name);
        if (d < 0) {
            cli_printf(c, "*** Error: unknown device: %s\n", name);
            continue;
        }
        if (t->devs[d].kind != T_ROUTER) {
            cli_printf(c, "*** Error: invalid device: %s (not a router)\n",
                       name);
            continue;
        }
        int dup = 0;
        for (size_t k = 0; k < n; k++) {
            dup |= out[k] == d;
        }
        if (!dup) {
            out[n++] = d;
        }
    }
    return n;
}

int cli_send(struct cli *c, int s, int print, struct hv_reply *r,
             const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *line = dg_vprintf(fmt, ap);
    va_end(ap);
    struct hv_reply local;
    struct hv_reply *rr = r ? r : &local;
    int rc = lab_cmd(c->lab, s, line, rr);
    free(line);
    if (rc == 0 && print) {
        for (size_t i = 0; i < rr->lines.n; i++) {
            cli_printf(c, "%s\n", rr->lines.v[i]);
        }
    }
    if (!r) {
        hv_reply_free(&local);
    }
    return rc;
}

/* ------------------------------------------------------------ commands */

static int cli_cmd_help(struct cli *c, struct cli_args *a)
{
    if (a->v.n) {
        const struct cli_cmd *cmd = cli_lookup(c, a->v.v[0]);
        if (cmd) {
            cli_usage(c, cmd);
        }
        return 0;
    }
    cli_printf(c, "\nDocumented commands (type help <topic>):\n"
                  "========================================\n");
    size_t w = 0;
    for (size_t i = 0; i < DG_ARRAY_SIZE(cli_table); i++) {
        size_t l = strlen(cli_table[i].name);
        w = l > w ? l : w;
    }
    size_t per = 80 / (w + 2);
    for (size_t i = 0; i < DG_ARRAY_SIZE(cli_table); i++) {
        int last = (i + 1) % per == 0 || i + 1 == DG_ARRAY_SIZE(cli_table);
        if (last) {
            cli_printf(c, "%s\n", cli_table[i].name);
        } else {
            cli_printf(c, "%-*s", (int)(w + 2), cli_table[i].name);
        }
    }
    cli_printf(c, "\n'command ?' or 'help command' shows the usage; "
                  "commands may be abbreviated\n(con = console, sh = show); "
                  "Tab completes commands and device names.\n\n");
    return 0;
}

static int cli_cmd_hist(struct cli *c, struct cli_args *a)
{
    (void)a;
    cli_printf(c, "[");
    for (size_t i = 0; i < c->hist.n; i++) {
        cli_printf(c, "%s'%s'", i ? ", " : "", c->hist.v[i]);
    }
    cli_printf(c, "]\n");
    return 0;
}

static int cli_cmd_ver(struct cli *c, struct cli_args *a)
{
    (void)a;
    struct lab *l = c->lab;
    cli_printf(c, "Dynagen version %s (%s %s)\n", DYNAGEN_VERSION,
               DYNAGEN_PROJECT, DYNAGEN_PROJECT_VERSION);
    cli_printf(c, "hypervisor version(s):\n");
    for (size_t i = 0; i < l->topo.nservers; i++) {
        const char *v = l->versions[i];
        struct hv_reply r;
        if (!v && l->conns[i].fd >= 0 &&
            lab_cmd(l, (int)i, "hypervisor version", &r) == 0) {
            l->versions[i] = dg_strdup(hv_reply_text(&r));
            v = l->versions[i];
            hv_reply_free(&r);
        }
        cli_printf(c, " dynamips at %s has version %s%s\n",
                   l->topo.servers[i].label, v ? v : "(unknown)",
                   l->conns[i].fd < 0 && !l->conns[i].nosend
                       ? " (not connected)"
                       : "");
    }
    cli_printf(c, "\nA C11 reimplementation of Dynagen, the front end "
                  "created by Greg Anuzelli.\n");
    return 0;
}

static int cli_cmd_py(struct cli *c, struct cli_args *a)
{
    (void)a;
    cli_printf(c, "*** Error: py: this Dynagen is written in C and has no "
                  "Python interpreter.\nUse 'send HOST command' for raw "
                  "hypervisor commands and '!command' for the shell.\n");
    return 0;
}

static int cli_cmd_shell(struct cli *c, struct cli_args *a)
{
    if (!a->rest[0]) {
        return 0;
    }
    fflush(c->out);
    int rc = system(a->rest);
    if (rc == -1) {
        cli_printf(c, "*** Error: cannot run the shell\n");
    }
    return 0;
}

static int cli_cmd_conf(struct cli *c, struct cli_args *a)
{
    (void)a;
    cli_printf(c, "*** Error: conf: the dynamic configuration mode is not "
                  "supported; edit the network file\nand load it again "
                  "(copy run start writes the running topology to it).\n");
    return 0;
}

static int cli_cmd_exit(struct cli *c, struct cli_args *a)
{
    (void)c;
    (void)a;
    return 1;
}
