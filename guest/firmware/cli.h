/*
 * cli.h - the command parser's node tree (cli.c) and the command tables
 * (cmds.c).
 *
 * A mode's commands form a tree of nodes. A keyword node matches any
 * unique prefix of its word (case-insensitive); a parameter node matches a
 * value of its type. A node with a handler accepts <cr>. Matching follows
 * IOS: an exact keyword wins, several prefix matches are ambiguous, and an
 * error is reported at the furthest character any alternative accepted.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

#include "fw.h"

enum node_type {
    N_END = 0,   /* terminates a child array */
    N_KW,        /* keyword */
    N_WORD,      /* any single token */
    N_LINE,      /* the rest of the line */
    N_IP,        /* A.B.C.D */
    N_NUM,       /* decimal in [lo, hi] */
    N_IFNUM,     /* interface number of type lo: slot/port or number */
};

/* flags */
#define F_PRIV     0x0001  /* exec: privileged mode only */
#define F_NO       0x0002  /* may follow "no" */
#define F_NO_CR    0x0004  /* <cr> accepted here after "no" */
#define F_HIDDEN   0x0008  /* not listed by '?' */
#define F_NEGATE   0x0010  /* the "no" keyword itself */
#define F_IFTYPE   0x0020  /* keyword may be glued to a number (f0/0) */
#define F_SERIAL   0x0040  /* interface mode: serial interfaces only */
#define F_ETHER    0x0080  /* interface mode: Ethernet interfaces only */
#define F_CREATE   0x0100  /* N_IFNUM: virtual interfaces may be new */
#define F_ETHSUB   0x0400  /* interface mode: Ethernet subinterfaces only */
#define F_MAIN     0x0800  /* interface mode: main interfaces only */

struct cctx;
typedef int (*cmd_fn)(struct cctx *c);

struct node {
    enum node_type type;
    const char *word;       /* keyword, or the parameter's label */
    const char *help;
    const struct node *sub; /* children, N_END terminated (NULL: none) */
    cmd_fn fn;              /* handler: <cr> accepted here */
    uint16_t flags;
    uint16_t id;            /* for handlers: which node matched */
    uint32_t lo, hi;        /* N_NUM range; N_IFNUM: lo = if_type */
};

#define MAX_ARGS 24
struct arg {
    const struct node *node;
    const char *s;          /* token text (N_LINE: rest of the line) */
    size_t n;
    uint32_t v;             /* N_IP, N_NUM value; N_IFNUM slot<<16|port */
    uint32_t v2;            /* N_IFNUM: subinterface number (0: none) */
};

struct cctx {
    int neg;                /* "no" form */
    int nargs;
    struct arg args[MAX_ARGS];
    const char *line;
};

/* The first argument whose node has this id, NULL if none. */
const struct arg *arg_id(const struct cctx *c, unsigned id);
/* Interface of an N_IFNUM argument (created if allowed and absent). */
struct iface *arg_iface(const struct arg *a, int create);

/* cmds.c */
extern const struct node *const mode_root[MODE_COUNT];
void cmds_init(void);        /* builds the interface-name subtrees */
int cmd_visible(const struct node *n, int neg, int top);

/* cli.c helpers for handlers */
void cli_set_mode(enum cli_mode m);
extern int cli_quiet;
void cli_console_banner_wait(void);
int cli_confirm(const char *prompt); /* [confirm]: 1 yes */

#endif
