/*
 * Inside a vtty: shared by vtty.c (queues, output fan-out, terminal, life
 * cycle) and vtty_tcp.c (the telnet server). Not for other modules.
 */
#ifndef CORE_VTTY_INTERNAL_H
#define CORE_VTTY_INTERNAL_H

#include <pthread.h>
#include <stdint.h>
#include <termios.h>

#include "core/bytering.h"
#include "core/telnet.h"
#include "core/vtty.h"

#define VTTY_INPUT_SIZE 4096    /* guest input queue */
#define VTTY_RESUME_ROOM 1024   /* room that resumes paused sources */
#define VTTY_HISTORY_SIZE 4096  /* replay on connect (hypervisor.md §7.6) */
#define VTTY_BACKLOG_SIZE 65536 /* per sink, before the oldest is dropped */
#define VTTY_MAX_CLIENTS 64
#define VTTY_MAX_LISTENERS 4
#define VTTY_READ_CHUNK 1024
#define VTTY_CTRL_KEY 0x1d /* Ctrl-] */

struct vtty_client {
    struct vtty *vt;
    int fd;
    unsigned events; /* registered with the loop */
    int ctrl;        /* Ctrl-] seen: the next byte is a monitor key */
    int dead;        /* a send failed; the loop closes it */
    struct telnet_rx rx;
    struct bytering out;
    uint64_t dropped;
    char peer[128];
    struct vtty_client *next;
};

struct vtty {
    struct evloop *ev;
    struct logger *lg;
    enum vtty_type type;
    int noctrl;
    int notelnetmsg;
    char name[96];      /* for the log: "<vm> <port>" */
    char vm_name[64];   /* window title */
    char greeting[256]; /* sent on connect */

    /* Loop-thread state. */
    vtty_notify_fn notify;
    void *notify_arg;
    vtty_monitor_fn monitor;
    void *monitor_arg;
    int term_ctrl; /* Ctrl-] state of the terminal */

    /* Input, under in_lock (in_count is also read without it). */
    pthread_mutex_t in_lock;
    struct bytering in;
    size_t in_count;
    int in_paused;      /* sources stopped: the queue was full */
    int resume_pending; /* a resume call is queued */
    int notify_pending; /* a notify call is queued */
    uint64_t in_dropped;

    /* Output, under out_lock. */
    pthread_mutex_t out_lock;
    struct bytering history;
    size_t unseen; /* newest history bytes no client has received */
    struct vtty_client *clients;
    int nclients;
    int arm_pending; /* a call to watch backlogged sinks is queued */

    /* VTTY_TERM */
    int in_fd;          /* stdin while read through the loop, else -1 */
    int in_pump;        /* stdin cannot be polled (file): read in calls */
    int out_fd;         /* -1: no output */
    int out_own;        /* out_fd is ours to close */
    int out_nonblock;   /* writes to out_fd never block */
    int out_sock;       /* out_fd is a socket: send(MSG_DONTWAIT) */
    int out_registered; /* watched for EV_WRITE */
    struct bytering term_out;
    uint64_t term_dropped;
    int tty_saved;
    struct termios saved_tios;

    /* VTTY_TCP */
    int lfd[VTTY_MAX_LISTENERS];
    int nlfd;
    int port;
    long relisten_timer; /* listeners paused after EMFILE */
};

/* vtty.c */
int vtty_sink_write(int fd, int is_sock, struct bytering *backlog,
                    uint64_t *dropped, const uint8_t *p, size_t n);
int vtty_sink_drain(int fd, int is_sock, struct bytering *backlog);
size_t vtty_input_room(struct vtty *vt);
void vtty_pause_sources(struct vtty *vt);
void vtty_user_input(struct vtty *vt, int *ctrl, const uint8_t *p, size_t n);

/* vtty_tcp.c; out_lock held where a client is named */
int vtty_tcp_open(struct vtty *vt, const struct vtty_config *cfg);
void vtty_tcp_close(struct vtty *vt);
int vtty_client_send(struct vtty_client *c, const uint8_t *p, size_t n);
void vtty_client_update_events(struct vtty_client *c);

#endif
