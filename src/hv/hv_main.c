/*
 * Entry point of hypervisor mode: the options of hypervisor.md §7.3, the
 * listener, then wait for `hypervisor stop` or a signal (§1, §7.5).
 *
 * Exit status (as standard mode, man/dynamips.1): 0 after `hypervisor stop`
 * or SIGINT/SIGTERM, 1 when the hypervisor could not start (no listening
 * socket: port in use, bad address; log file), 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "hv/hv.h"
#include "hv/hv_main.h"

enum {
    HV_EXIT_OK = 0,
    HV_EXIT_START_FAILED = 1,
    HV_EXIT_USAGE = 2,
};

enum {
    OPT_CONSOLE_BIND = 1000,
    OPT_NOCTRL,
    OPT_NOTELNETMSG,
    OPT_FILEPID,
    OPT_NO_AUTO_IDLE,
    OPT_IGNORED, /* standard-mode long options: accepted, no effect */
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "dynamips: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nUsage: dynamips -H [<ip_address>:]<tcp_port> "
                    "[-l <log_file>] [-N 0|1]\n"
                    "         [--console-binding-addr <ip_address>] "
                    "[--noctrl] [--notelnetmsg] [--filepid <file>]\n");
    return HV_EXIT_USAGE;
}

/*
 * "[addr:]port", split at the last ':' so "::1:7200" is [::1]:7200;
 * "[::1]:7200" works too. A port of 0 or not a number means 7200 (§1).
 */
static void parse_listen(char *arg, struct hv_options *opt)
{
    char *colon = strrchr(arg, ':');
    char *port = arg;
    opt->listen_addr = NULL;
    if (colon) {
        *colon = '\0';
        port = colon + 1;
        char *addr = arg;
        size_t n = strlen(addr);
        if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') {
            addr[n - 1] = '\0';
            addr++;
        }
        if (*addr)
            opt->listen_addr = addr;
    }
    int p = atoi(port);
    opt->port = p > 0 && p < 65536 ? p : HV_DEFAULT_PORT;
}

static int parse_options(int argc, char **argv, struct hv_options *opt,
                         const char **filepid)
{
    static const struct option longopts[] = {
        {"console-binding-addr", required_argument, NULL, OPT_CONSOLE_BIND},
        {"noctrl", no_argument, NULL, OPT_NOCTRL},
        {"notelnetmsg", no_argument, NULL, OPT_NOTELNETMSG},
        {"filepid", required_argument, NULL, OPT_FILEPID},
        {"no-auto-idle", no_argument, NULL, OPT_NO_AUTO_IDLE},
        /* §7.3: the long options of standard mode are ignored here */
        {"idle-pc", required_argument, NULL, OPT_IGNORED},
        {"timer-itv", required_argument, NULL, OPT_IGNORED},
        {"vm-debug", required_argument, NULL, OPT_IGNORED},
        {"startup-config", required_argument, NULL, OPT_IGNORED},
        {"private-config", required_argument, NULL, OPT_IGNORED},
        {"sparse-mem", no_argument, NULL, OPT_IGNORED},
        {"disk0", required_argument, NULL, OPT_IGNORED},
        {"disk1", required_argument, NULL, OPT_IGNORED},
        {"iomem-size", required_argument, NULL, OPT_IGNORED},
        {"exec-area", required_argument, NULL, OPT_IGNORED},
        {"trace", required_argument, NULL, OPT_IGNORED},
        {"deterministic", no_argument, NULL, OPT_IGNORED},
        {NULL, 0, NULL, 0},
    };
    int have_h = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":H:l:N:L:h", longopts, NULL)) !=
           -1) {
        switch (c) {
        case 'H':
            parse_listen(optarg, opt);
            have_h = 1;
            break;
        case 'l':
            opt->log_path = optarg;
            break;
        case 'N':
            if (strcmp(optarg, "0") != 0 && strcmp(optarg, "1") != 0)
                return usage_error("invalid value '%s' for -N: 0 or 1 expected",
                                   optarg);
            opt->file_naming_by_id = optarg[0] == '1';
            break;
        case 'L':
            fprintf(stderr, "dynamips: plugins are not supported; -L %s "
                            "ignored\n", optarg);
            break;
        case 'h':
            break; /* accepted, ignored (§7.3) */
        case OPT_CONSOLE_BIND:
            opt->console_bind = optarg;
            break;
        case OPT_NOCTRL:
            opt->noctrl = 1;
            break;
        case OPT_NOTELNETMSG:
            opt->notelnetmsg = 1;
            break;
        case OPT_FILEPID:
            *filepid = optarg;
            break;
        case OPT_NO_AUTO_IDLE:
            opt->no_auto_idle = 1;
            break;

        case OPT_IGNORED:
            break;
        case ':':
            return usage_error("option '%s' needs a value", argv[optind - 1]);
        default:
            return usage_error("option '%s' is not available in hypervisor "
                               "mode", argv[optind - 1]);
        }
    }
    if (!have_h)
        return usage_error("%s", "-H needs [<ip_address>:]<tcp_port>");
    return 0;
}

int hypervisor_main(int argc, char **argv)
{
    struct hypervisor *hv = calloc(1, sizeof(*hv));
    if (!hv) {
        fprintf(stderr, "dynamips: out of memory\n");
        return HV_EXIT_START_FAILED;
    }
    hv->lock_inode_fd = -1;
    pthread_mutex_init(&hv->lock_inode_mtx, NULL);
    hv->opt.port = HV_DEFAULT_PORT;
    hv->opt.log_path = "dynamips_log.txt";
    hv->opt.file_naming_by_id = 0; /* hypervisor-mode default (§7.3) */
    const char *filepid = NULL;
    int rc = parse_options(argc, argv, &hv->opt, &filepid);
    if (rc) {
        free(hv);
        return rc;
    }
    /* §7.6: --console-binding-addr, else the -H address, else 127.0.0.1 */
    const char *bind = hv->opt.console_bind ? hv->opt.console_bind
                                            : hv->opt.listen_addr;
    hv->console_bind = bind ? strdup(bind) : NULL;
    setvbuf(stdout, NULL, _IOLBF, 0);

    if (filepid) {
        FILE *f = fopen(filepid, "w");
        if (!f) {
            fprintf(stderr, "dynamips: %s: %s\n", filepid, strerror(errno));
            free(hv->console_bind);
            free(hv);
            return HV_EXIT_START_FAILED;
        }
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }

    /* Signals are taken by this thread with sigwait(); every other thread
     * inherits the mask. */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGUSR1);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    hv->main_thread = pthread_self();

    int status = HV_EXIT_OK;
    /* The log files (this one, the VMs') are written by the writer
     * thread; without it, by whoever logs. */
    hv->logw = log_writer_create(NULL);
    hv->log = log_open_async(hv->opt.log_path, hv->logw, 1);
    if (!hv->log) {
        int e = errno;
        log_writer_destroy(hv->logw);
        fprintf(stderr, "dynamips: cannot open log file %s: %s\n",
                hv->opt.log_path, strerror(e));
        free(hv->console_bind);
        free(hv);
        return HV_EXIT_START_FAILED;
    }
    log_writer_report_to(hv->logw, hv->log);
    hv_registry_init(&hv->reg);
    hv_reaper_start(hv);
    hv->ev = evloop_create();
    if (!hv->ev || evloop_start_thread(hv->ev) < 0) {
        fprintf(stderr, "dynamips: cannot start the event loop\n");
        status = HV_EXIT_START_FAILED;
        goto out;
    }
    if (hv_server_listen(hv) < 0) {
        status = HV_EXIT_START_FAILED;
        goto out;
    }
    if (hv->opt.listen_addr)
        printf("Hypervisor TCP control server started (IP %s port %d).\n",
               hv->opt.listen_addr, hv->opt.port);
    else
        printf("Hypervisor TCP control server started (port %d).\n",
               hv->opt.port);
    fflush(stdout);
    log_msg(hv->log, "HYPERVISOR", "listening on %s port %d",
            hv->opt.listen_addr ? hv->opt.listen_addr : "*", hv->opt.port);

    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0 || sig == SIGHUP)
            continue;
        log_msg(hv->log, "HYPERVISOR", "%s: shutting down",
                sig == SIGUSR1 ? "hypervisor stop" : strsignal(sig));
        break;
    }
    hv_server_shutdown(hv);

out:
    hv_reset(hv);
    hv_delete_kind(hv, HV_KIND_STORE);
    hv_reaper_stop(hv);
    if (hv->ev) {
        /* shutdown closed the listeners; a failed start may have some */
        for (int i = 0; i < hv->nlisten; i++)
            close(hv->listen_fd[i]);
        evloop_destroy(hv->ev);
    }
    hv_registry_destroy(&hv->reg);
    if (hv->lock_inode_fd >= 0)
        close(hv->lock_inode_fd);
    pthread_mutex_destroy(&hv->lock_inode_mtx);
    log_writer_sync_all(hv->logw); /* errors still in the process log */
    log_writer_report_to(hv->logw, NULL);
    log_close(hv->log);
    log_writer_destroy(hv->logw); /* every log of it is closed */
    free(hv->console_bind);
    free(hv);
    return status;
}
