/*
 * cli.c - the IOS-style command line: modes and prompts, the parser over
 * the node trees of cmds.c, '?' help, Tab completion, and IOS's error
 * messages:
 *
 *   Router#show foo
 *                ^
 *   % Invalid input detected at '^' marker.
 *
 *   % Incomplete command.
 *   % Ambiguous command: "sh i"
 *
 * The caret stands under the first character no alternative accepted:
 * for a keyword that is where the typed word stops matching it.
 */
#include "cli.h"

enum cli_mode cli_mode = MODE_USER;
struct iface *cli_if;
struct line_cfg *cli_line;
const char *cli_line_name;
int cli_quiet;

static const char *const mode_suffix[MODE_COUNT] = {
    ">", "#", "(config)#", "(config-if)#", "(config-line)#",
};
static const char *const mode_help_title[MODE_COUNT] = {
    "Exec commands:", "Exec commands:", "Configure commands:",
    "Interface configuration commands:", "Line configuration commands:",
};

static char prompt[HOSTNAME_MAX + 20];
static long find_pipe(const char *line, size_t len);
static const char *const filter_words[4];
static const char *const filter_help[4];

static void make_prompt(void)
{
    snprintf(prompt, sizeof(prompt), "%s%s", cfg.hostname,
             mode_suffix[cli_mode]);
}

void cli_set_mode(enum cli_mode m)
{
    cli_mode = m;
    if (m != MODE_IF)
        cli_if = NULL;
    if (m != MODE_LINE)
        cli_line = NULL;
}

/* ------------------------------------------------------------ tokens */

#define MAX_TOKS 40
struct tok {
    const char *s;
    size_t n, col;
};

static int tokenize(const char *line, size_t len, struct tok *t, int max)
{
    int k = 0;
    size_t i = 0;
    while (i < len && k < max) {
        while (i < len && fw_isspace(line[i]))
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && !fw_isspace(line[i]))
            i++;
        t[k].s = line + st;
        t[k].n = i - st;
        t[k].col = st;
        k++;
    }
    return k;
}

/* ------------------------------------------------------------ matching */

static enum cli_mode parse_mode; /* mode whose tree is being parsed */

int cmd_visible(const struct node *n, int neg, int top)
{
    if ((n->flags & F_PRIV) && parse_mode == MODE_USER)
        return 0;
    if ((n->flags & F_NEGATE) && neg)
        return 0;
    if (top && neg && !(n->flags & F_NO))
        return 0;
    if ((n->flags & F_SERIAL) && !(cli_if && cli_if->type == IFT_SERIAL))
        return 0;
    if ((n->flags & F_ETHER) && !(cli_if && if_is_ethernet(cli_if)))
        return 0;
    if ((n->flags & F_ETHSUB) &&
        !(cli_if && if_is_ethernet(cli_if) && cli_if->parent))
        return 0;
    if ((n->flags & F_MAIN) && cli_if && cli_if->parent)
        return 0;
    return 1;
}

static size_t alpha_len(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && !fw_isdigit(s[i]))
        i++;
    return i;
}

static size_t common_prefix(const char *s, size_t n, const char *w)
{
    size_t i = 0;
    while (i < n && w[i] && fw_tolower(s[i]) == fw_tolower(w[i]))
        i++;
    return i;
}

/* Parameter check: 1 on a match (value in *v), else 0 with *bad = the
 * offset of the first unacceptable character in the token. */
static int match_param(const struct node *k, const char *s, size_t n,
                       uint32_t *v, uint32_t *v2, size_t *bad)
{
    *bad = 0;
    *v2 = 0;
    switch (k->type) {
    case N_WORD:
    case N_LINE:
        *v = 0;
        return 1;
    case N_IP: {
        int r = parse_ip(s, n, v);
        if (r == 0)
            return 1;
        *bad = (size_t)(-r - 1);
        return 0;
    }
    case N_NUM: {
        size_t i = 0;
        while (i < n && fw_isdigit(s[i]))
            i++;
        if (i < n || parse_uint(s, n, v) < 0) {
            *bad = i;
            return 0;
        }
        if (*v < k->lo || *v > k->hi)
            return 0;
        return 1;
    }
    case N_IFNUM: {
        enum if_type t = (enum if_type)k->lo;
        uint32_t a, b;
        if (if_types[t].is_virtual) {
            if (parse_uint(s, n, &a) < 0 || a > 2147483647u)
                return 0;
            if (!(k->flags & F_CREATE) && !iface_find(t, -1, (int)a))
                return 0;
            *v = a;
            return 1;
        }
        size_t i = 0;
        while (i < n && fw_isdigit(s[i]))
            i++;
        if (i == 0 || i >= n || s[i] != '/' ||
            parse_uint(s, i, &a) < 0) {
            *bad = i;
            return 0;
        }
        size_t j = i + 1;
        while (j < n && fw_isdigit(s[j]))
            j++;
        if (j == i + 1 || parse_uint(s + i + 1, j - i - 1, &b) < 0) {
            *bad = j;
            return 0;
        }
        uint32_t sub = 0;
        if (j < n && s[j] == '.' && (t == IFT_SERIAL || t == IFT_ETHERNET ||
                                     t == IFT_FASTETHERNET ||
                                     t == IFT_GIGABITETHERNET)) {
            size_t e = j + 1;
            while (e < n && fw_isdigit(s[e]))
                e++;
            if (e != n || e == j + 1 || parse_uint(s + j + 1, e - j - 1,
                                                   &sub) < 0 || sub == 0) {
                *bad = e;
                return 0;
            }
            j = e;
        }
        if (j != n) {
            *bad = j;
            return 0;
        }
        if (!iface_find(t, (int)a, (int)b))
            return 0;
        if (sub && !(k->flags & F_CREATE) &&
            !iface_find_sub(t, (int)a, (int)b, sub))
            return 0;
        *v = a << 16 | b;
        *v2 = sub;
        return 1;
    }
    default:
        return 0;
    }
}

enum pres { P_OK, P_EMPTY, P_INVALID, P_AMBIG, P_INCOMPLETE };

struct presult {
    enum pres r;
    size_t err_col;            /* P_INVALID */
    size_t amb_end;            /* P_AMBIG: end of the ambiguous token */
    const struct node *cur;    /* last node matched */
    const struct node *kids;   /* children of cur (or the root) */
    int neg, top;
};

static int node_accepts_cr(const struct node *n, int neg)
{
    if (!n || !n->fn)
        return 0;
    if (n->flags & F_NO_CR)
        return neg;
    return 1;
}

/*
 * Matches toks[0..ntok) against the tree. Fills c (arguments). With
 * partial, the last token is not matched (help/completion on it).
 */
static struct presult parse(const struct node *root, const char *line,
                            size_t len, struct tok *toks, int ntok,
                            struct cctx *c)
{
    struct presult pr = {P_OK, 0, 0, NULL, root, 0, 1};
    struct tok extra;
    int have_extra = 0;

    memset(c, 0, sizeof(*c));
    c->line = line;
    for (int i = 0; i < ntok || have_extra; i++) {
        struct tok t;
        if (have_extra) {
            t = extra;
            have_extra = 0;
            i--;
        } else {
            t = toks[i];
        }
        if (!pr.kids) {
            pr.r = P_INVALID;
            pr.err_col = t.col;
            return pr;
        }
        const struct node *exact = NULL, *kw = NULL, *param = NULL;
        int nkw = 0;
        size_t furthest = 0, kwlen = 0;
        uint32_t pval = 0, pval2 = 0;
        for (const struct node *k = pr.kids; k->type != N_END; k++) {
            if (!cmd_visible(k, pr.neg, pr.top))
                continue;
            if (k->type == N_KW) {
                size_t tn = (k->flags & F_IFTYPE) ? alpha_len(t.s, t.n)
                                                  : t.n;
                size_t cp = common_prefix(t.s, tn, k->word);
                if (tn > 0 && cp == tn) {
                    nkw++;
                    kw = k;
                    kwlen = tn;
                    if (k->word[tn] == 0)
                        exact = k;
                } else if (cp > furthest) {
                    furthest = cp;
                }
            } else if (!param) {
                size_t bad;
                uint32_t v, v2;
                if (match_param(k, t.s, t.n, &v, &v2, &bad)) {
                    param = k;
                    pval = v;
                    pval2 = v2;
                } else if (bad > furthest) {
                    furthest = bad;
                }
            }
        }
        const struct node *pick = NULL;
        if (exact)
            pick = exact;
        else if (nkw == 1)
            pick = kw;
        else if (nkw > 1 && !(param && param->type != N_WORD &&
                               param->type != N_LINE)) {
            pr.r = P_AMBIG;
            pr.amb_end = t.col + t.n;
            return pr;
        } else if (param)
            pick = param;
        if (!pick) {
            pr.r = P_INVALID;
            pr.err_col = t.col + furthest;
            return pr;
        }
        if (c->nargs < MAX_ARGS) {
            struct arg *a = &c->args[c->nargs++];
            a->node = pick;
            a->s = t.s;
            a->n = t.n;
            a->v = pick == param ? pval : 0;
            a->v2 = pick == param ? pval2 : 0;
            if (pick->type == N_LINE) {
                size_t e = len;
                while (e > t.col && fw_isspace(line[e - 1]))
                    e--;
                a->n = e - t.col;
            }
        }
        if (pick->flags & F_NEGATE) {
            pr.neg = c->neg = 1;
            pr.cur = pick;
            pr.kids = root;
            pr.top = 1;
            continue;
        }
        pr.cur = pick;
        pr.kids = pick->sub;
        pr.top = 0;
        if (pick->type == N_LINE)
            return pr; /* consumed everything */
        if (pick->type == N_KW && (pick->flags & F_IFTYPE) && kwlen < t.n) {
            /* "f0/0": the number follows glued to the type */
            extra.s = t.s + kwlen;
            extra.n = t.n - kwlen;
            extra.col = t.col + kwlen;
            c->args[c->nargs - 1].n = kwlen;
            have_extra = 1;
        }
    }
    return pr;
}

/* ------------------------------------------------------------- output */

static void report(const struct presult *pr, const char *line,
                   size_t col_base)
{
    switch (pr->r) {
    case P_INVALID:
        for (size_t i = 0; i < col_base + pr->err_col; i++)
            tty_putc(' ');
        tty_write("^\n% Invalid input detected at '^' marker.\n\n");
        break;
    case P_AMBIG:
        tty_write("% Ambiguous command: \"");
        tty_writen(line, pr->amb_end);
        tty_write("\"\n");
        break;
    case P_INCOMPLETE:
        tty_write("% Incomplete command.\n\n");
        break;
    default:
        break;
    }
}

static const char *node_label(const struct node *k, char *buf, size_t n)
{
    if (k->type == N_NUM) {
        snprintf(buf, n, "<%u-%u>", k->lo, k->hi);
        return buf;
    }
    if (k->type == N_IFNUM) {
        enum if_type t = (enum if_type)k->lo;
        if (if_types[t].is_virtual)
            snprintf(buf, n, "<0-2147483647>");
        else
            snprintf(buf, n, "<0-%d>", plat.nslots - 1); /* slots */
        return buf;
    }
    return k->word;
}

static void help_list(const struct presult *pr)
{
    char lb[24];
    size_t w = 0;
    int cr = node_accepts_cr(pr->cur, pr->neg) && pr->cur != NULL;
    if (!pr->kids && !cr) {
        tty_write("% Unrecognized command\n");
        return;
    }
    if (pr->kids) {
        for (const struct node *k = pr->kids; k->type != N_END; k++) {
            if (!cmd_visible(k, pr->neg, pr->top) || (k->flags & F_HIDDEN))
                continue;
            size_t l = strlen(node_label(k, lb, sizeof(lb)));
            if (l > w)
                w = l;
        }
    }
    if (cr && w < 4)
        w = 4;
    if (pr->kids) {
        for (const struct node *k = pr->kids; k->type != N_END; k++) {
            if (!cmd_visible(k, pr->neg, pr->top) || (k->flags & F_HIDDEN))
                continue;
            tty_printf("  %-*s  %s\n", (int)w, node_label(k, lb, sizeof(lb)),
                       k->help ? k->help : "");
        }
    }
    if (cr)
        tty_write("  <cr>\n");
}

static void help_partial(const struct presult *pr, const struct tok *t)
{
    char lb[24];
    int col = 0, any = 0;
    if (!pr->kids) {
        tty_write("% Unrecognized command\n");
        return;
    }
    for (const struct node *k = pr->kids; k->type != N_END; k++) {
        if (!cmd_visible(k, pr->neg, pr->top) || (k->flags & F_HIDDEN))
            continue;
        const char *label = NULL;
        if (k->type == N_KW) {
            size_t tn = (k->flags & F_IFTYPE) ? alpha_len(t->s, t->n) : t->n;
            if (tn == t->n && common_prefix(t->s, tn, k->word) == tn)
                label = k->word;
        } else {
            uint32_t v, v2;
            size_t bad;
            if (match_param(k, t->s, t->n, &v, &v2, &bad) || bad == t->n)
                label = node_label(k, lb, sizeof(lb));
        }
        if (!label)
            continue;
        int l = (int)strlen(label) + 2;
        if (col && col + l > 79) {
            tty_putc('\n');
            col = 0;
        }
        tty_printf("%s  ", label);
        col += l;
        any = 1;
    }
    if (!any) {
        tty_write("% Unrecognized command\n");
        return;
    }
    tty_putc('\n');
}

static void cli_help(const char *line, size_t len)
{
    struct tok toks[MAX_TOKS];
    struct cctx c;
    long bar = find_pipe(line, len);
    if (bar >= 0) {
        size_t i = (size_t)bar + 1;
        while (i < len && fw_isspace(line[i]))
            i++;
        if (i == len) {
            for (int k = 0; k < 4; k++)
                tty_printf("  %-7s  %s\n", filter_words[k], filter_help[k]);
        } else {
            tty_write("  LINE  Regular Expression\n");
        }
        tty_putc('\n');
        return;
    }
    int ntok = tokenize(line, len, toks, MAX_TOKS);
    int partial = len > 0 && !fw_isspace(line[len - 1]);
    const struct node *root = mode_root[cli_mode];

    parse_mode = cli_mode;
    struct presult pr = parse(root, line, len, toks, partial ? ntok - 1 : ntok,
                              &c);
    if (pr.r == P_AMBIG) {
        report(&pr, line, 0);
    } else if (pr.r != P_OK) {
        tty_write("% Unrecognized command\n");
    } else if (partial) {
        help_partial(&pr, &toks[ntok - 1]);
    } else {
        if (ntok == 0)
            tty_printf("%s\n", mode_help_title[cli_mode]);
        help_list(&pr);
    }
    tty_putc('\n');
}

/* Tab: completes the last word when exactly one keyword fits. */
static size_t cli_complete(char *line, size_t len, size_t max)
{
    struct tok toks[MAX_TOKS];
    struct cctx c;
    if (len == 0 || fw_isspace(line[len - 1]))
        return len;
    int ntok = tokenize(line, len, toks, MAX_TOKS);
    parse_mode = cli_mode;
    struct presult pr = parse(mode_root[cli_mode], line, len, toks, ntok - 1,
                              &c);
    if (pr.r != P_OK || !pr.kids)
        return len;
    struct tok *t = &toks[ntok - 1];
    const struct node *found = NULL;
    int n = 0;
    for (const struct node *k = pr.kids; k->type != N_END; k++) {
        if (k->type != N_KW || !cmd_visible(k, pr.neg, pr.top) ||
            (k->flags & F_HIDDEN))
            continue;
        size_t tn = (k->flags & F_IFTYPE) ? alpha_len(t->s, t->n) : t->n;
        if (tn == t->n && common_prefix(t->s, tn, k->word) == tn) {
            found = k;
            n++;
            if (k->word[tn] == 0) {
                n = 1;
                break;
            }
        }
    }
    if (n != 1)
        return len;
    size_t wl = strlen(found->word);
    if (t->col + wl + 1 >= max)
        return len;
    memcpy(line + t->col, found->word, wl);
    line[t->col + wl] = ' ';
    return t->col + wl + 1;
}

/* ------------------------------------------------------------ execute */

static int run_parsed(struct presult *pr, struct cctx *c)
{
    if (pr->r == P_OK && !pr->cur)
        return 0; /* empty line */
    if (pr->r == P_OK && !node_accepts_cr(pr->cur, pr->neg))
        pr->r = P_INCOMPLETE;
    if (pr->r != P_OK)
        return -1;
    return pr->cur->fn(c);
}

static int exec_line_inner(const char *line, int quiet)
{
    struct tok toks[MAX_TOKS];
    struct cctx c, c2;
    size_t len = strlen(line);
    int ntok = tokenize(line, len, toks, MAX_TOKS);
    if (ntok == 0)
        return 0;

    parse_mode = cli_mode;
    struct presult pr = parse(mode_root[cli_mode], line, len, toks, ntok, &c);
    if (pr.r == P_INVALID && (cli_mode == MODE_IF || cli_mode == MODE_LINE)) {
        /* Not a command of the sub-mode: IOS tries the global level and,
         * when it fits there, leaves the sub-mode. */
        parse_mode = MODE_CONFIG;
        struct presult pr2 = parse(mode_root[MODE_CONFIG], line, len, toks,
                                   ntok, &c2);
        if (pr2.r != P_INVALID || pr2.err_col > pr.err_col) {
            pr = pr2;
            c = c2;
            if (pr.r == P_OK && node_accepts_cr(pr.cur, pr.neg))
                cli_set_mode(MODE_CONFIG);
        }
    }
    cli_quiet = quiet;
    int rc = run_parsed(&pr, &c);
    cli_quiet = 0;
    if (pr.r != P_OK) {
        if (!quiet)
            report(&pr, line, strlen(prompt));
        return -1;
    }
    return rc;
}

/* "show ... | include regex": the '|' after a blank starts a filter. */
static const char *const filter_words[4] = {"begin", "exclude", "include",
                                          "section"};
static const char *const filter_help[4] = {
    "Begin with the line that matches", "Exclude lines that match",
    "Include lines that match", "Filter a section of output"};

static long find_pipe(const char *line, size_t len)
{
    for (size_t i = 1; i < len; i++)
        if (line[i] == '|' && fw_isspace(line[i - 1]))
            return (long)i;
    return -1;
}

int cli_exec_line(const char *line, int quiet)
{
    size_t len = strlen(line);
    long bar = cfg.loading ? -1 : find_pipe(line, len);
    if (bar < 0)
        return exec_line_inner(line, quiet);

    size_t i = (size_t)bar + 1;
    while (i < len && fw_isspace(line[i]))
        i++;
    size_t w0 = i;
    while (i < len && !fw_isspace(line[i]))
        i++;
    int mode = 0, n = 0;
    for (int k = 0; k < 4; k++) {
        if (i > w0 && common_prefix(line + w0, i - w0, filter_words[k]) ==
                          i - w0) {
            mode = k + 1;
            n++;
        }
    }
    if (n != 1) {
        struct presult pr = {P_INVALID, 0, 0, NULL, NULL, 0, 0};
        if (n > 1) {
            pr.r = P_AMBIG;
            pr.amb_end = i;
        } else {
            size_t best = 0;
            for (int k = 0; k < 4; k++) {
                size_t cp = common_prefix(line + w0, i - w0, filter_words[k]);
                if (cp > best)
                    best = cp;
            }
            pr.err_col = w0 + best;
            if (w0 == len)
                pr.r = P_INCOMPLETE;
        }
        report(&pr, line, strlen(prompt));
        return -1;
    }
    while (i < len && fw_isspace(line[i]))
        i++;
    size_t pe = len;
    while (pe > i && fw_isspace(line[pe - 1]))
        pe--;
    if (pe == i) {
        tty_write("% Incomplete command.\n\n");
        return -1;
    }
    char cmd[512];
    size_t cl = (size_t)bar < sizeof(cmd) - 1 ? (size_t)bar : sizeof(cmd) - 1;
    memcpy(cmd, line, cl);
    cmd[cl] = 0;
    static const int fmode_of[5] = {0, 3, 2, 1, 4}; /* by filter_words */
    filter_start(fmode_of[mode], line + i, pe - i);
    int rc = exec_line_inner(cmd, quiet);
    filter_end();
    return rc;
}

/* ------------------------------------------------------------ loading */

static const char *load_text;
static size_t load_len, load_pos;

static int load_next_line(char *line, size_t size)
{
    size_t n = 0;
    if (load_pos >= load_len)
        return -1;
    while (load_pos < load_len && load_text[load_pos] != '\n') {
        if (load_text[load_pos] != '\r' && n + 1 < size)
            line[n++] = load_text[load_pos];
        load_pos++;
    }
    load_pos++;
    line[n] = 0;
    return (int)n;
}

int cli_more_line(char *buf, size_t size)
{
    if (cfg.loading)
        return load_next_line(buf, size);
    return tty_readline("", buf, size, NULL, NULL, 0);
}

void cli_load_config(const char *text, size_t len)
{
    char line[512];
    enum cli_mode saved = cli_mode;
    const char *st = load_text;
    size_t sl = load_len, sp = load_pos;

    load_text = text;
    load_len = len;
    load_pos = 0;
    cfg.loading = 1;
    cli_set_mode(MODE_CONFIG);
    while (load_next_line(line, sizeof(line)) >= 0) {
        size_t n = strlen(line);
        size_t s = 0;
        while (s < n && fw_isspace(line[s]))
            s++;
        if (s == n || line[s] == '!')
            continue;
        if (strcmp(line + s, "end") == 0)
            break;
        make_prompt();
        cli_exec_line(line, 1);
    }
    cli_set_mode(saved);
    cfg.loading = 0;
    load_text = st;
    load_len = sl;
    load_pos = sp;
}

/* --------------------------------------------------------------- loop */

int cli_confirm(const char *p)
{
    tty_write(p);
    int c = tty_getkey();
    if (c == '\r' || c == '\n' || c == 'y' || c == 'Y') {
        tty_putc('\n');
        return 1;
    }
    tty_putc('\n');
    return 0;
}

/* "Press RETURN to get started!": wait for it, then the console login
 * when "line con 0" has "login" and a password. */
void cli_console_banner_wait(void)
{
    char pw[64];
    for (;;) {
        int c = tty_getkey();
        if (c != '\r' && c != '\n')
            continue;
        if (cfg.banner_motd)
            tty_printf("\n%s\n", cfg.banner_motd);
        if (cfg.con.login != 1 || !cfg.con.password[0])
            return;
        tty_write("\n\nUser Access Verification\n\n");
        for (int k = 0; k < 3; k++) {
            if (tty_readpass("Password: ", pw, sizeof(pw)) >= 0 &&
                strcmp(pw, cfg.con.password) == 0)
                return;
        }
        tty_write("% Bad passwords\n\n\n\nPress RETURN to get started.\n\n");
    }
}

void cli_init(void)
{
    cmds_init();
    cli_set_mode(MODE_USER);
}

void cli_run(void)
{
    static char buf[512];
    for (;;) {
        make_prompt();
        int hist = cli_mode <= MODE_EXEC ? 1 : 2;
        int n = tty_readline(prompt, buf, sizeof(buf), cli_help, cli_complete,
                             hist);
        if (n < 0) {
            if (cli_mode >= MODE_CONFIG) {
                cli_set_mode(MODE_EXEC);
                fw_log("%%SYS-5-CONFIG_I: Configured from console by "
                       "console");
            }
            continue;
        }
        cli_exec_line(buf, 0);
    }
}
