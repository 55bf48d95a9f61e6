/*
 * The management CLI (dynagen.md §13): prompt "=> ", one command per
 * line, abbreviations, "command ?" help, tab completion with readline
 * when the input is a terminal.
 */
#ifndef DYNAGEN_CLI_H
#define DYNAGEN_CLI_H

#include <stdio.h>

#include "dynagen/lab.h"

struct cli {
    struct lab *lab;
    struct dg_strv hist;
    int interactive;   /* readline on a terminal */
    FILE *in;          /* input when not interactive */
    FILE *out;
    int echo;          /* echo non-interactive input after the prompt */
    char *rl_line;     /* line handed over by readline's callback */
    int rl_have;
};

void cli_init(struct cli *c, struct lab *l, FILE *in, FILE *out);
void cli_free(struct cli *c);

/* Run until exit/end or end of input. */
void cli_loop(struct cli *c);

/* Execute one line; returns 1 when the line asks to leave. */
int cli_exec(struct cli *c, const char *line);

/* Read one answer line (for Y/N and menu prompts); NULL at the end. */
char *cli_ask(struct cli *c, const char *prompt);

/* --- used by the command files (cli_*.c) --- */

struct cli_args {
    struct dg_strv v;  /* arguments after the command word */
    const char *rest;  /* the text after the command word */
};

struct cli_cmd {
    const char *name;
    int (*fn)(struct cli *c, struct cli_args *a);
    int min_args;      /* fewer: print the usage */
    const char *usage;
    const char *help;
};

const struct cli_cmd *cli_commands(size_t *n);

/* Print to the CLI output. */
void cli_printf(struct cli *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void cli_usage(struct cli *c, const struct cli_cmd *cmd);

/*
 * Routers named by the arguments from index first ("/all" = every
 * router). Unknown names and non-routers are reported; returns the
 * count of device indexes written to out (sized t->ndevs).
 */
size_t cli_routers(struct cli *c, struct cli_args *a, size_t first,
                   size_t last, int *out);

/* The Ethernet switch named by argument 1 of `show mac` / `clear mac`:
 * its device index, or -1 with the error printed. */
int cli_ethsw_arg(struct cli *c, struct cli_args *a);

/* Send to server s; print the reply lines when print. 0 ok, else error. */
int cli_send(struct cli *c, int s, int print, struct hv_reply *r,
             const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The command implementations (cli_dev.c, cli_idlepc.c, cli_conf.c,
 * cli_show.c). */
int cli_cmd_list(struct cli *c, struct cli_args *a);
int cli_cmd_start(struct cli *c, struct cli_args *a);
int cli_cmd_stop(struct cli *c, struct cli_args *a);
int cli_cmd_suspend(struct cli *c, struct cli_args *a);
int cli_cmd_resume(struct cli *c, struct cli_args *a);
int cli_cmd_snapshot(struct cli *c, struct cli_args *a);
int cli_cmd_restore(struct cli *c, struct cli_args *a);
int cli_cmd_reload(struct cli *c, struct cli_args *a);
int cli_cmd_console(struct cli *c, struct cli_args *a);
int cli_cmd_aux(struct cli *c, struct cli_args *a);
int cli_cmd_capture(struct cli *c, struct cli_args *a);
int cli_cmd_no(struct cli *c, struct cli_args *a);
int cli_cmd_filter(struct cli *c, struct cli_args *a);
int cli_cmd_confreg(struct cli *c, struct cli_args *a);
int cli_cmd_cpuinfo(struct cli *c, struct cli_args *a);
int cli_cmd_send(struct cli *c, struct cli_args *a);
int cli_cmd_idlepc(struct cli *c, struct cli_args *a);
int cli_cmd_save(struct cli *c, struct cli_args *a);
int cli_cmd_push(struct cli *c, struct cli_args *a);
int cli_cmd_export(struct cli *c, struct cli_args *a);
int cli_cmd_import(struct cli *c, struct cli_args *a);
int cli_cmd_copy(struct cli *c, struct cli_args *a);
int cli_cmd_show(struct cli *c, struct cli_args *a);
int cli_cmd_clear(struct cli *c, struct cli_args *a);

/* show run text of the topology (router: only that one, or -1). */
char *cli_running_config(struct cli *c, int router, int with_configs);

#endif
