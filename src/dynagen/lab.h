/*
 * A lab session: the network file, its topology and plan, the hypervisor
 * connections, and running plans against them (dynagen.md §1.2). The CLI
 * and --check work on a session.
 */
#ifndef DYNAGEN_LAB_H
#define DYNAGEN_LAB_H

#include <signal.h>
#include <stdio.h>

#include "dynagen/client.h"
#include "dynagen/config.h"
#include "dynagen/netfile.h"
#include "dynagen/plan.h"
#include "dynagen/topo.h"

struct lab {
    struct dg_config cfg;
    struct nf_lab nf;
    int have_nf;
    struct topo topo;
    struct plan plan;
    struct hv_conn *conns;     /* one per topo server */
    char **versions;           /* hypervisor version text per server */
    int debug, nosend, notelnet;
    FILE *out;                 /* messages for the user */
    FILE *err;
    volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM: wind down */
};

/* Read dynagen.ini and the file, build the plan. Diagnostics to d. */
int lab_open(struct lab *l, const char *netfile, const char *ini_path,
             struct dg_diag *d);
void lab_close(struct lab *l);

/* Connect every server (in order). Returns 0, or -1 after printing. */
int lab_connect(struct lab *l);

/*
 * Run the commands of plan p (phase < 0: all, else that phase only) in
 * order. With stop_on_error, the first rejected command ends the run.
 * Each reply of a PK_START/verbose command is printed when print_replies.
 * Returns the number of failed commands, or -1 when a server broke.
 */
int lab_run(struct lab *l, const struct plan *p, int phase, int stop_on_error,
            int print_replies);

/*
 * Send one command to server s; prints "*** Error: ..." on failure.
 * Returns as hv_send (0 ok, 1 rejected, -1 broken), reply in r.
 */
int lab_cmd(struct lab *l, int s, const char *line, struct hv_reply *r);

/* The whole load of §1.2 steps 5-11, with the import question. */
int lab_load(struct lab *l, int ask_import, FILE *answers);

/* hypervisor reset on every connected server (§1.2 step 13). */
void lab_reset_all(struct lab *l);

/* Refresh router states from vm get_status (when it is understood). */
void lab_refresh_states(struct lab *l);

#endif
