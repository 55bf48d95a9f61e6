/*
 * Virtual terminals (see vtty.h): the host terminal or a telnet server.
 *
 * Threads and locks:
 * - out_lock guards everything written to the user: the replay history,
 *   the client list and each sink's backlog. vtty_put() (any thread) writes
 *   straight to each sink without blocking; what a sink cannot take at once
 *   waits in its bounded backlog, which the loop drains when the fd becomes
 *   writable. A backlog that overflows drops its oldest bytes and counts
 *   them.
 * - in_lock guards the input queue. Sources (stdin, telnet clients) are
 *   read on the loop thread only as far as the queue has room; a full
 *   queue pauses them and vtty_getc() resumes them, so pasted text is not
 *   lost.
 * - Callbacks (notify, monitor) run on the loop thread with no vtty lock
 *   held, so they may take their own locks and call back into the vtty.
 * Lock order: out_lock, then in_lock, then the event loop's lock.
 */
#include "core/fd_io.h"
#include "core/vtty.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "core/evloop.h"
#include "core/log.h"
#include "core/vtty_internal.h"

/* ------------------------------------------------------------ output */

/*
 * Write without blocking; what does not go out now is appended to the
 * backlog. Returns -errno when the sink is broken, else 0.
 */
int vtty_sink_write(int fd, int is_sock, struct bytering *backlog,
                    uint64_t *dropped, const uint8_t *p, size_t n)
{
    while (n && !backlog->len) {
        ssize_t w = is_sock ? send(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL)
                            : write(fd, p, n);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return -errno;
        } else {
            break;
        }
    }
    if (n) {
        *dropped += bytering_push_overwrite(backlog, p, n);
    }
    return 0;
}

/* Send the backlog as far as the sink takes it. */
int vtty_sink_drain(int fd, int is_sock, struct bytering *backlog)
{
    while (backlog->len) {
        const uint8_t *p;
        size_t n = bytering_peek(backlog, &p);
        ssize_t w = is_sock ? send(fd, p, n, MSG_DONTWAIT | MSG_NOSIGNAL)
                            : write(fd, p, n);
        if (w > 0) {
            bytering_consume(backlog, (size_t)w);
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return -errno;
        } else {
            break;
        }
    }
    return 0;
}

/* Terminal output (out_lock held). Returns 1 if now backlogged. */
static int term_send(struct vtty *vt, const uint8_t *p, size_t n)
{
    if (vt->out_fd < 0) {
        return 0;
    }
    int rc;
    size_t before = vt->term_out.len;
    if (vt->out_nonblock) {
        rc = vtty_sink_write(vt->out_fd, vt->out_sock, &vt->term_out,
                             &vt->term_dropped, p, n);
    } else {
        rc = fd_write_all(vt->out_fd, p, n);
    }
    if (rc < 0) {
        /* A direct write means an empty backlog, so out_fd is not
         * registered with the loop and can be closed here. */
        log_msg(vt->lg, "VTTY", "%s: terminal output failed (%s), stopped",
                vt->name, strerror(-rc));
        bytering_consume(&vt->term_out, vt->term_out.len);
        if (vt->out_own) {
            close(vt->out_fd);
        }
        vt->out_fd = -1;
        return 0;
    }
    return !before && vt->term_out.len;
}

static void term_out_ready(struct evloop *ev, int fd, unsigned events,
                           void *arg);

/* Watch every backlogged sink for EV_WRITE (loop thread). */
static void arm_writes(void *arg)
{
    struct vtty *vt = arg;
    pthread_mutex_lock(&vt->out_lock);
    vt->arm_pending = 0;
    for (struct vtty_client *c = vt->clients; c; c = c->next) {
        vtty_client_update_events(c);
    }
    if (vt->out_fd >= 0 && vt->term_out.len && !vt->out_registered) {
        vt->out_registered =
            evloop_add_fd(vt->ev, vt->out_fd, EV_WRITE, term_out_ready, vt) ==
            0;
    }
    pthread_mutex_unlock(&vt->out_lock);
}

static void output(struct vtty *vt, const void *buf, size_t len, int history)
{
    const uint8_t *p = buf;
    int need_arm = 0;

    if (!vt || !len) {
        return;
    }
    pthread_mutex_lock(&vt->out_lock);
    if (history) {
        bytering_push_overwrite(&vt->history, p, len);
        if (!vt->clients) {
            vt->unseen += len;
            if (vt->unseen > vt->history.len) {
                vt->unseen = vt->history.len;
            }
        }
    }
    if (vt->type == VTTY_TERM) {
        need_arm |= term_send(vt, p, len);
    }
    for (struct vtty_client *c = vt->clients; c; c = c->next) {
        need_arm |= vtty_client_send(c, p, len);
    }
    if (need_arm && !vt->arm_pending) {
        vt->arm_pending = 1;
    } else {
        need_arm = 0;
    }
    pthread_mutex_unlock(&vt->out_lock);

    if (need_arm) {
        if (evloop_in_loop(vt->ev)) {
            arm_writes(vt);
        } else if (evloop_call(vt->ev, arm_writes, vt) < 0) {
            pthread_mutex_lock(&vt->out_lock);
            vt->arm_pending = 0;
            pthread_mutex_unlock(&vt->out_lock);
        }
    }
}

void vtty_put(struct vtty *vt, const void *buf, size_t len)
{
    output(vt, buf, len, 1);
}

void vtty_print(struct vtty *vt, const char *text)
{
    if (text) {
        output(vt, text, strlen(text), 0);
    }
}

static void term_out_ready(struct evloop *ev, int fd, unsigned events,
                           void *arg)
{
    struct vtty *vt = arg;
    pthread_mutex_lock(&vt->out_lock);
    int rc = vtty_sink_drain(fd, vt->out_sock, &vt->term_out);
    if (rc < 0 || !vt->term_out.len) {
        evloop_del_fd(ev, fd);
        vt->out_registered = 0;
    }
    if (rc < 0) {
        bytering_consume(&vt->term_out, vt->term_out.len);
        log_msg(vt->lg, "VTTY", "%s: terminal output failed (%s), stopped",
                vt->name, strerror(-rc));
        if (vt->out_own) {
            close(vt->out_fd);
        }
        vt->out_fd = -1;
    }
    if (!vt->term_out.len && vt->term_dropped) {
        log_msg(vt->lg, "VTTY",
                "%s: terminal too slow, %llu output bytes dropped", vt->name,
                (unsigned long long)vt->term_dropped);
        vt->term_dropped = 0;
    }
    pthread_mutex_unlock(&vt->out_lock);
}

/* ------------------------------------------------------------- input */

size_t vtty_input_room(struct vtty *vt)
{
    pthread_mutex_lock(&vt->in_lock);
    size_t room = bytering_space(&vt->in);
    pthread_mutex_unlock(&vt->in_lock);
    return room;
}

static size_t queue_input(struct vtty *vt, const uint8_t *p, size_t n)
{
    pthread_mutex_lock(&vt->in_lock);
    size_t k = bytering_push(&vt->in, p, n);
    if (k < n) {
        if (!vt->in_dropped) {
            log_msg(vt->lg, "VTTY", "%s: input queue full, bytes dropped",
                    vt->name);
        }
        vt->in_dropped += n - k;
    }
    __atomic_store_n(&vt->in_count, vt->in.len, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&vt->in_lock);
    return k;
}

static void call_notify(struct vtty *vt)
{
    if (vt->notify) {
        vt->notify(vt->notify_arg);
    }
}

/*
 * Bytes typed by a user (loop thread): Ctrl-] handling, then the queue.
 * *ctrl is the Ctrl-] state of the source.
 */
void vtty_user_input(struct vtty *vt, int *ctrl, const uint8_t *p,
                       size_t n)
{
    uint8_t data[VTTY_READ_CHUNK];
    size_t k = 0, queued = 0;

    for (size_t i = 0; i < n; i++) {
        uint8_t b = p[i];
        if (*ctrl) {
            *ctrl = 0;
            if (b != VTTY_CTRL_KEY) {
                /* A monitor key; keep the order with the data before it. */
                queued += queue_input(vt, data, k);
                k = 0;
                if (vt->monitor) {
                    vt->monitor(vt->monitor_arg, vt, b);
                }
                continue;
            }
        } else if (b == VTTY_CTRL_KEY && !vt->noctrl) {
            *ctrl = 1;
            continue;
        }
        data[k++] = b;
        if (k == sizeof(data)) {
            queued += queue_input(vt, data, k);
            k = 0;
        }
    }
    queued += queue_input(vt, data, k);
    if (queued) {
        call_notify(vt);
    }
}

static void notify_call(void *arg)
{
    struct vtty *vt = arg;
    pthread_mutex_lock(&vt->in_lock);
    vt->notify_pending = 0;
    pthread_mutex_unlock(&vt->in_lock);
    call_notify(vt);
}

void vtty_inject(struct vtty *vt, const void *buf, size_t len)
{
    if (!vt || !len) {
        return;
    }
    queue_input(vt, buf, len);
    if (!vt->ev || evloop_in_loop(vt->ev)) {
        call_notify(vt);
        return;
    }
    int post = 0;
    pthread_mutex_lock(&vt->in_lock);
    if (!vt->notify_pending) {
        vt->notify_pending = post = 1;
    }
    pthread_mutex_unlock(&vt->in_lock);
    if (post && evloop_call(vt->ev, notify_call, vt) < 0) {
        pthread_mutex_lock(&vt->in_lock);
        vt->notify_pending = 0;
        pthread_mutex_unlock(&vt->in_lock);
    }
}

static void term_input_ready(struct evloop *ev, int fd, unsigned events,
                             void *arg);
static void pump_stdin(void *arg);

/* Stop reading every source: the queue is full (loop thread). */
void vtty_pause_sources(struct vtty *vt)
{
    pthread_mutex_lock(&vt->out_lock);
    pthread_mutex_lock(&vt->in_lock);
    vt->in_paused = 1;
    pthread_mutex_unlock(&vt->in_lock);
    for (struct vtty_client *c = vt->clients; c; c = c->next) {
        vtty_client_update_events(c);
    }
    pthread_mutex_unlock(&vt->out_lock);
    if (vt->in_fd >= 0) {
        evloop_mod_fd(vt->ev, vt->in_fd, 0);
    }
}

static void resume_sources(void *arg)
{
    struct vtty *vt = arg;
    pthread_mutex_lock(&vt->out_lock);
    pthread_mutex_lock(&vt->in_lock);
    vt->in_paused = 0;
    vt->resume_pending = 0;
    pthread_mutex_unlock(&vt->in_lock);
    for (struct vtty_client *c = vt->clients; c; c = c->next) {
        vtty_client_update_events(c);
    }
    pthread_mutex_unlock(&vt->out_lock);
    if (vt->in_fd >= 0) {
        evloop_mod_fd(vt->ev, vt->in_fd, EV_READ);
    }
    if (vt->in_pump) {
        pump_stdin(vt);
    }
}

int vtty_getc(struct vtty *vt)
{
    if (!vt) {
        return -1;
    }
    int resume = 0;
    pthread_mutex_lock(&vt->in_lock);
    int c = bytering_getc(&vt->in);
    __atomic_store_n(&vt->in_count, vt->in.len, __ATOMIC_RELEASE);
    if (vt->in_paused && !vt->resume_pending &&
        bytering_space(&vt->in) >= VTTY_RESUME_ROOM) {
        vt->resume_pending = resume = 1;
    }
    pthread_mutex_unlock(&vt->in_lock);
    if (resume && evloop_call(vt->ev, resume_sources, vt) < 0) {
        pthread_mutex_lock(&vt->in_lock);
        vt->resume_pending = 0;
        pthread_mutex_unlock(&vt->in_lock);
    }
    return c;
}

int vtty_has_input(struct vtty *vt)
{
    return vt && __atomic_load_n(&vt->in_count, __ATOMIC_ACQUIRE) != 0;
}

/* ---------------------------------------------------------- terminal */

/* Read what stdin has, as far as the queue has room (loop thread).
 * Returns 1 on data, 0 when paused or nothing yet, -1 at EOF. */
static int read_stdin(struct vtty *vt)
{
    uint8_t buf[VTTY_READ_CHUNK];
    size_t room = vtty_input_room(vt);
    if (!room) {
        vtty_pause_sources(vt);
        return 0;
    }
    size_t want = room < sizeof(buf) ? room : sizeof(buf);
    ssize_t n = read(STDIN_FILENO, buf, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return 0;
    }
    if (n <= 0) {
        /* EOF (or a hung-up terminal): only the reading stops. */
        log_msg(vt->lg, "VTTY", "%s: end of input on stdin", vt->name);
        return -1;
    }
    vtty_user_input(vt, &vt->term_ctrl, buf, (size_t)n);
    return 1;
}

static void term_input_ready(struct evloop *ev, int fd, unsigned events,
                             void *arg)
{
    struct vtty *vt = arg;
    if (read_stdin(vt) < 0) {
        evloop_del_fd(ev, fd);
        vt->in_fd = -1;
    }
}

/* stdin that epoll refuses (a regular file, /dev/null): one chunk per
 * loop turn, so the file cannot monopolize the loop. */
static void pump_stdin(void *arg)
{
    struct vtty *vt = arg;
    int rc = read_stdin(vt);
    if (rc < 0) {
        vt->in_pump = 0;
    } else if (rc > 0) {
        evloop_call(vt->ev, pump_stdin, vt);
    }
    /* rc == 0: paused; resume_sources() pumps again. */
}

/* Raw-ish mode, keeping output processing (LF -> CR LF) as the host
 * terminal needs it: no echo, no line editing, no signal keys (Ctrl-C
 * reaches the router, hypervisor.md §7.5), no flow control. */
static void term_raw(struct vtty *vt)
{
    if (!isatty(STDIN_FILENO) ||
        tcgetattr(STDIN_FILENO, &vt->saved_tios) < 0) {
        return;
    }
    struct termios t = vt->saved_tios;
    t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | ISIG | IEXTEN);
    t.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON | ISTRIP);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
        vt->tty_saved = 1;
    }
}

void vtty_term_restore(struct vtty *vt)
{
    /* Only tcsetattr(): usable from a signal handler. */
    if (vt && vt->tty_saved) {
        tcsetattr(STDIN_FILENO, TCSANOW, &vt->saved_tios);
    }
}

/*
 * Find a way to write stdout that never blocks: a socket takes
 * MSG_DONTWAIT; a terminal or pipe is opened again (a new open file, so
 * O_NONBLOCK does not leak to the shell sharing fd 1); a regular file never
 * blocks anyway.
 */
static void term_out_open(struct vtty *vt)
{
    struct stat st;
    fflush(stdout);
    vt->out_fd = -1;
    if (fstat(STDOUT_FILENO, &st) < 0) {
        return;
    }
    vt->out_fd = STDOUT_FILENO;
    if (S_ISSOCK(st.st_mode)) {
        vt->out_sock = vt->out_nonblock = 1;
    } else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        int fd = open("/proc/self/fd/1",
                      O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd >= 0) {
            vt->out_fd = fd;
            vt->out_own = vt->out_nonblock = 1;
        }
    }
}

static int term_open(struct vtty *vt)
{
    term_out_open(vt);
    term_raw(vt);
    int rc = evloop_add_fd(vt->ev, STDIN_FILENO, EV_READ, term_input_ready, vt);
    if (rc == 0) {
        vt->in_fd = STDIN_FILENO;
    } else if (rc == -EPERM) {
        vt->in_pump = 1;
        evloop_call(vt->ev, pump_stdin, vt);
    } else if (rc == -EEXIST) {
        log_msg(vt->lg, "VTTY", "%s: stdin is already some other console's",
                vt->name);
        return -EBUSY;
    } else {
        log_msg(vt->lg, "VTTY", "%s: cannot read stdin: %s", vt->name,
                strerror(-rc));
    }
    return 0;
}

/* ------------------------------------------------------- life cycle */

static void set_text(char *dst, size_t size, const char *s, const char *dflt)
{
    snprintf(dst, size, "%s", s ? s : dflt);
}

struct vtty *vtty_create(struct evloop *ev, const struct vtty_config *cfg,
                         struct logger *lg)
{
    if (!cfg || (cfg->type != VTTY_NONE && !ev)) {
        errno = EINVAL;
        return NULL;
    }
    struct vtty *vt = calloc(1, sizeof(*vt));
    if (!vt) {
        errno = ENOMEM;
        return NULL;
    }
    vt->ev = ev;
    vt->lg = lg;
    vt->type = cfg->type;
    vt->noctrl = cfg->noctrl;
    vt->notelnetmsg = cfg->notelnetmsg;
    vt->in_fd = vt->out_fd = -1;
    vt->port = -1;
    pthread_mutex_init(&vt->in_lock, NULL);
    pthread_mutex_init(&vt->out_lock, NULL);

    const char *port_name = cfg->port_name ? cfg->port_name : "Console";
    set_text(vt->vm_name, sizeof(vt->vm_name), cfg->vm_name, "default");
    snprintf(vt->name, sizeof(vt->name), "%s %s", vt->vm_name, port_name);
    /* Greeting text as the reference prints it (hypervisor.md §7.6). */
    snprintf(vt->greeting, sizeof(vt->greeting),
             "Connected to Dynamips VM \"%s\" (ID %d, type %s) - %s port\r\n"
             "Press ENTER to get the prompt.\r\n",
             vt->vm_name, cfg->vm_id, cfg->platform ? cfg->platform : "unknown",
             port_name);

    int rc = 0;
    if (bytering_init(&vt->in, VTTY_INPUT_SIZE) < 0 ||
        bytering_init(&vt->history, VTTY_HISTORY_SIZE) < 0 ||
        bytering_init(&vt->term_out,
                      cfg->type == VTTY_TERM ? VTTY_BACKLOG_SIZE : 0) < 0) {
        rc = -ENOMEM;
    } else if (cfg->type == VTTY_TERM) {
        rc = term_open(vt);
    } else if (cfg->type == VTTY_TCP) {
        rc = vtty_tcp_open(vt, cfg);
    }
    if (rc < 0) {
        vtty_destroy(vt);
        errno = -rc;
        return NULL;
    }
    return vt;
}

/* Unhook everything from the loop (runs on the loop thread). */
static void teardown(void *arg)
{
    struct vtty *vt = arg;
    vtty_tcp_close(vt);
    if (vt->in_fd >= 0) {
        evloop_del_fd(vt->ev, vt->in_fd);
        vt->in_fd = -1;
    }
    vt->in_pump = 0;
    if (vt->out_registered) {
        evloop_del_fd(vt->ev, vt->out_fd);
        vt->out_registered = 0;
    }
    vt->notify = NULL;
    vt->monitor = NULL;
    evloop_cancel_calls(vt->ev, vt);
}

void vtty_destroy(struct vtty *vt)
{
    if (!vt) {
        return;
    }
    if (vt->ev) {
        evloop_call_sync(vt->ev, teardown, vt);
        evloop_cancel_calls(vt->ev, vt);
    }
    if (vt->term_out.len && vt->out_fd >= 0) {
        /* Best effort: what the terminal takes now. */
        vtty_sink_drain(vt->out_fd, vt->out_sock, &vt->term_out);
    }
    vtty_term_restore(vt);
    vt->tty_saved = 0;
    if (vt->out_own) {
        close(vt->out_fd);
    }
    bytering_free(&vt->in);
    bytering_free(&vt->history);
    bytering_free(&vt->term_out);
    pthread_mutex_destroy(&vt->in_lock);
    pthread_mutex_destroy(&vt->out_lock);
    free(vt);
}

/* --------------------------------------------------------- callbacks */

struct set_cb {
    struct vtty *vt;
    void (*fn)(void);
    void *arg;
    int monitor;
};

static void set_cb_here(void *p)
{
    struct set_cb *s = p;
    if (s->monitor) {
        s->vt->monitor = (vtty_monitor_fn)s->fn;
        s->vt->monitor_arg = s->arg;
    } else {
        s->vt->notify = (vtty_notify_fn)s->fn;
        s->vt->notify_arg = s->arg;
    }
}

/* On the loop thread, so the old callback is not running once we return. */
static void set_cb(struct vtty *vt, struct set_cb *s)
{
    if (vt->ev) {
        evloop_call_sync(vt->ev, set_cb_here, s);
    } else {
        set_cb_here(s);
    }
}

void vtty_set_notify(struct vtty *vt, vtty_notify_fn fn, void *arg)
{
    if (vt) {
        struct set_cb s = {vt, (void (*)(void))fn, arg, 0};
        set_cb(vt, &s);
    }
}

void vtty_set_monitor(struct vtty *vt, vtty_monitor_fn fn, void *arg)
{
    if (vt) {
        struct set_cb s = {vt, (void (*)(void))fn, arg, 1};
        set_cb(vt, &s);
    }
}

int vtty_tcp_port(const struct vtty *vt)
{
    return vt && vt->type == VTTY_TCP ? vt->port : -1;
}
