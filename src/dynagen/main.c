/*
 * dynagen: read a network file, build the lab on its hypervisors, open
 * the management CLI (dynagen.md §1). Also --plan (print the hypervisor
 * commands, no connection), --check (boot, run a console script, exit
 * 0/1) and --svg (draw the topology).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dynagen/check.h"
#include "dynagen/cli.h"
#include "dynagen/lab.h"
#include "dynagen/svg.h"
#include "dynagen/version.h"

enum mode { MODE_CLI, MODE_PLAN, MODE_CHECK, MODE_SVG };

/*
 * The one piece of process-wide state: set by SIGINT/SIGTERM/SIGHUP, read
 * by the load and the CLI, which then wind down and reset the
 * hypervisors (dynagen.md §1.2 step 13) instead of dying with the lab
 * still running.
 */
static volatile sig_atomic_t dynagen_stop;

static void on_stop_signal(int sig)
{
    dynagen_stop = sig;
}

static void catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal; /* no SA_RESTART: waits end at once */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: dynagen [options] [network-file]\n"
            "       dynagen --plan network-file\n"
            "       dynagen --check network-file script\n"
            "       dynagen --svg network-file\n"
            "\n"
            "Builds the lab of a network file on its dynamips hypervisors\n"
            "(dynamips -H PORT) and opens the management CLI.\n"
            "\n"
            "  --plan            print the hypervisor commands, per server, "
            "without\n"
            "                    connecting (notes and warnings on stderr)\n"
            "  --check           load the lab, run the console script, reset "
            "and exit\n"
            "                    0 when every expectation was met, else 1\n"
            "  --svg             write the topology as an SVG drawing on "
            "stdout\n"
            "  -d, --debug       print every hypervisor command and reply\n"
            "  -n, --nosend      do not connect: every command succeeds\n"
            "  --notelnet        console/telnet/aux do nothing\n"
            "  -q, --qualityassurance\n"
            "                    load, reset the hypervisors and exit\n"
            "  -y, --yes         import embedded configurations without "
            "asking\n"
            "  --ini FILE        read FILE instead of dynagen.ini\n"
            "  --version         print the version\n"
            "  -h, --help        this help\n");
}

int main(int argc, char **argv)
{
    enum mode mode = MODE_CLI;
    const char *ini = NULL;
    int debug = 0, nosend = 0, notelnet = 0, qa = 0, yes = 0;
    const char *args[3];
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--plan") == 0) {
            mode = MODE_PLAN;
        } else if (strcmp(a, "--check") == 0) {
            mode = MODE_CHECK;
        } else if (strcmp(a, "--svg") == 0) {
            mode = MODE_SVG;
        } else if (strcmp(a, "-d") == 0 || strcmp(a, "--debug") == 0) {
            debug = 1;
        } else if (strcmp(a, "-n") == 0 || strcmp(a, "--nosend") == 0) {
            nosend = 1;
        } else if (strcmp(a, "--notelnet") == 0) {
            notelnet = 1;
        } else if (strcmp(a, "-q") == 0 ||
                   strcmp(a, "--qualityassurance") == 0) {
            qa = 1;
        } else if (strcmp(a, "-y") == 0 || strcmp(a, "--yes") == 0) {
            yes = 1;
        } else if (strcmp(a, "--ini") == 0 && i + 1 < argc) {
            ini = argv[++i];
        } else if (strncmp(a, "--ini=", 6) == 0) {
            ini = a + 6;
        } else if (strcmp(a, "--version") == 0) {
            printf("dynagen %s (%s %s)\n", DYNAGEN_VERSION, DYNAGEN_PROJECT,
                   DYNAGEN_PROJECT_VERSION);
            return 0;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "dynagen: unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else if (nargs < 3) {
            args[nargs++] = a;
        } else {
            nargs++;
        }
    }
    int want = mode == MODE_CHECK ? 2 : 1;
    if ((mode == MODE_CLI && nargs > 1) ||
        (mode != MODE_CLI && nargs != want)) {
        usage(stderr);
        return 2;
    }
    const char *netfile = nargs ? args[0] : NULL;

    struct lab l = {0};
    if (mode != MODE_PLAN && mode != MODE_SVG) {
        catch_stop_signals();
        l.stop = &dynagen_stop;
    }
    l.debug = debug;
    l.nosend = nosend;
    l.notelnet = notelnet;
    struct dg_diag d = {0};
    if (mode == MODE_CLI) {
        printf("Reading configuration file...\n\n");
        fflush(stdout);
    }
    int rc = lab_open(&l, netfile, ini, &d);
    dg_diag_print(&d, stderr);
    dg_diag_free(&d);
    if (rc < 0) {
        if (mode == MODE_CLI) {
            fprintf(stderr, "*** Error:  errors in the network file, please "
                            "correct them\n");
        }
        lab_close(&l);
        return 1;
    }
    int status = 0;
    switch (mode) {
    case MODE_PLAN:
        plan_print(&l.topo, &l.plan, stdout);
        break;
    case MODE_SVG:
        svg_write(&l.topo, stdout);
        break;
    case MODE_CHECK:
        status = check_run(&l, args[1]);
        break;
    case MODE_CLI: {
        int loaded = lab_load(&l, !yes, stdin);
        if (loaded < 0) {
            lab_reset_all(&l);
            status = 1;
            break;
        }
        if (qa) {
            lab_reset_all(&l);
            status = loaded ? 1 : 0;
            break;
        }
        printf("Network successfully loaded\n\n");
        printf("Dynagen management console for Dynamips and Dynagen "
               "version %s (%s %s)\n",
               DYNAGEN_VERSION, DYNAGEN_PROJECT, DYNAGEN_PROJECT_VERSION);
        printf("A C11 reimplementation of Dynagen; 'help' lists the "
               "commands.\n\n");
        fflush(stdout);
        l.err = stdout;
        struct cli c;
        cli_init(&c, &l, stdin, stdout);
        cli_loop(&c);
        cli_free(&c);
        printf("Exiting...\n");
        lab_reset_all(&l);
        break;
    }
    }
    lab_close(&l);
    return status;
}
